#include "restoreplan.h"

#include <QRegularExpression>
#include <QTimeZone>

namespace Opsdeck {

namespace {

QString isoUtc(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODate);
}

} // namespace

Result<RestorePlan> RestorePlan::read(const QVariantMap &parameters)
{
    RestorePlan p;
    p.database = parameters.value(QStringLiteral("database")).toString().trimmed();
    if (p.database.isEmpty())
        return makeError(ErrorKind::Invalid,
                         QStringLiteral("restore-db needs the database to restore (parameter 'database')"),
                         QStringLiteral("name the service's database, e.g. --database ProductDb"));
    const QString point = parameters.value(QStringLiteral("pointInTime")).toString();
    if (point.isEmpty())
        return makeError(ErrorKind::Invalid,
                         QStringLiteral("restore-db needs the point in time (parameter 'pointInTime')"),
                         QStringLiteral("give it as ISO 8601, e.g. 2026-11-26T08:00:00Z"));
    const Result<QDateTime> parsed = parsePoint(point);
    if (!parsed)
        return tl::unexpected(parsed.error());
    p.pointInTime = *parsed;
    p.newName = parameters.value(QStringLiteral("newName")).toString().trimmed();
    if (p.newName.isEmpty())
        p.newName = defaultRestoreName(p.database, p.pointInTime);
    if (const Result<void> name = validateName(p.newName); !name)
        return tl::unexpected(name.error());
    if (p.newName.compare(p.database, Qt::CaseInsensitive) == 0)
        return makeError(
            ErrorKind::Invalid,
            QStringLiteral("the restored database cannot be named like its source '%1'").arg(p.database),
            QStringLiteral("choose another name; a restore never overwrites"));
    p.repoint = parameters.value(QStringLiteral("repoint"), false).toBool();
    return p;
}

QString RestorePlan::defaultRestoreName(const QString &db, const QDateTime &point)
{
    return QStringLiteral("%1-restored-%2").arg(db, point.toUTC().toString(QStringLiteral("yyyyMMddHHmm")));
}

Result<void> RestorePlan::validatePoint(const QDateTime &point, const QDateTime &earliest,
                                        const QDateTime &now)
{
    if (!point.isValid())
        return makeError(ErrorKind::Invalid, QStringLiteral("the point in time is not a valid date"));
    if (!earliest.isValid())
        return makeError(ErrorKind::Invalid, QStringLiteral("the database has no restore point yet"),
                         QStringLiteral("wait until its first backup, then try again"));
    const QString window = QStringLiteral("[%1, %2]").arg(isoUtc(earliest), isoUtc(now));
    if (point < earliest)
        return makeError(
            ErrorKind::Invalid,
            QStringLiteral("%1 is before the earliest restore point %2").arg(isoUtc(point), isoUtc(earliest)),
            QStringLiteral("pick a point in %1").arg(window));
    if (point > now)
        return makeError(
            ErrorKind::Invalid,
            QStringLiteral("%1 is in the future (the server's time is %2)").arg(isoUtc(point), isoUtc(now)),
            QStringLiteral("pick a point in %1").arg(window));
    return {};
}

Result<QDateTime> RestorePlan::parsePoint(const QString &text)
{
    const QString trimmed = text.trimmed();
    QDateTime time = QDateTime::fromString(trimmed, Qt::ISODateWithMs);
    if (!time.isValid())
        time = QDateTime::fromString(trimmed, Qt::ISODate);
    if (!time.isValid())
        return makeError(ErrorKind::Invalid,
                         QStringLiteral("'%1' is not an ISO 8601 date and time").arg(text),
                         QStringLiteral("write it as 2026-11-26T08:00:00Z (no zone means UTC)"));
    // No zone given: UTC, as the API reads it (not the local time Qt would assume).
    static const QRegularExpression zone(QStringLiteral("(Z|[+-]\\d\\d:?\\d\\d)$"),
                                         QRegularExpression::CaseInsensitiveOption);
    if (!zone.match(trimmed).hasMatch())
        time = QDateTime(time.date(), time.time(), QTimeZone::utc());
    return time.toUTC();
}

Result<void> RestorePlan::validateName(const QString &name)
{
    static const QRegularExpression bad(QStringLiteral("[<>*%&:\\\\/?]"));
    if (name.isEmpty() || name.size() > 128)
        return makeError(ErrorKind::Invalid,
                         QStringLiteral("a database name has 1 to 128 characters ('%1')").arg(name));
    if (const QRegularExpressionMatch m = bad.match(name); m.hasMatch())
        return makeError(ErrorKind::Invalid,
                         QStringLiteral("the database name '%1' contains '%2'").arg(name, m.captured()),
                         QStringLiteral("use letters, digits, '-' and '_'"));
    if (name.endsWith(u'.') || name.endsWith(u' '))
        return makeError(ErrorKind::Invalid,
                         QStringLiteral("a database name cannot end with a dot or a space ('%1')").arg(name));
    return {};
}

QDateTime RestorePlan::serverNow(const QDateTime &earliest, const QDateTime &created,
                                 const QDateTime &wallNow, int retentionDays)
{
    // Only when the retention cuts the window does earliest + retention say what time it is there.
    if (!earliest.isValid() || retentionDays <= 0 || (created.isValid() && earliest <= created.addSecs(60)))
        return wallNow;
    const QDateTime estimate = earliest.addDays(retentionDays);
    return estimate > wallNow ? estimate : wallNow;
}

QList<ActionStep> RestorePlan::plannedSteps(const RestorePlan &parameters, const QString &service)
{
    QList<ActionStep> steps;
    ActionStep restore;
    restore.title = QStringLiteral("Restore %1 to %2 as %3")
                        .arg(parameters.database, isoUtc(parameters.pointInTime), parameters.newName);
    steps << restore;
    if (parameters.repoint) {
        ActionStep repoint;
        repoint.title = QStringLiteral("Point %1-db at %2").arg(service, parameters.newName);
        repoint.destructive = true;
        steps << repoint;
    }
    ActionStep restart;
    restart.title = QStringLiteral("Restart %1 (stable, canary)").arg(service);
    steps << restart;
    ActionStep verify;
    verify.title = QStringLiteral("Verify pods Ready and /health Healthy");
    steps << verify;
    return steps;
}

} // namespace Opsdeck
