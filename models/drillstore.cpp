#include "drillstore.h"

#include <QAtomicInteger>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>


#include <algorithm>
#include <cmath>
#include <limits>

namespace Opsdeck {

namespace {

QVariant toMs(const QDateTime &time)
{
    return time.isValid() ? QVariant(time.toMSecsSinceEpoch()) : QVariant(QMetaType::fromType<qint64>());
}

// A null QString binds as SQL NULL; the text columns are NOT NULL.
QString text(const QString &value)
{
    return value.isNull() ? QStringLiteral("") : value;
}

QDateTime fromMs(const QVariant &value)
{
    if (value.isNull())
        return {};
    return QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC);
}

std::optional<qint64> secondsBetween(const QDateTime &from, const QDateTime &to)
{
    if (!from.isValid() || !to.isValid())
        return std::nullopt;
    return qint64(std::llround(double(from.msecsTo(to)) / 1000.0));
}

Error sqlError(const QString &what, const QSqlError &error)
{
    return Error{ErrorKind::Config, QStringLiteral("drill runs: %1: %2").arg(what, error.text()),
                 QStringLiteral("check that the journal file is writable and not locked by another program"), std::nullopt};
}

const QString Columns = QStringLiteral(
    "id, scenario, context, namespace, service, status, fault_at, detected_at, cleared_at, recovered_at, alert_id, error");

DrillRun readRun(const QSqlQuery &q)
{
    DrillRun run;
    run.id = q.value(0).toLongLong();
    run.scenario = q.value(1).toString();
    run.service = ServiceKey{q.value(2).toString(), q.value(3).toString(), q.value(4).toString()};
    run.status = q.value(5).toString();
    run.faultAt = fromMs(q.value(6));
    run.detectedAt = fromMs(q.value(7));
    run.clearedAt = fromMs(q.value(8));
    run.recoveredAt = fromMs(q.value(9));
    run.alertId = q.value(10).toString();
    run.error = q.value(11).toString();
    return run;
}

// The columns add() and update() write, in the order both statements name them.
void bindColumns(QSqlQuery &q, const DrillRun &run)
{
    q.addBindValue(text(run.scenario));
    q.addBindValue(text(run.service.context));
    q.addBindValue(text(run.service.ns));
    q.addBindValue(text(run.service.name));
    q.addBindValue(text(run.status));
    q.addBindValue(run.faultAt.isValid() ? run.faultAt.toMSecsSinceEpoch() : 0);
    q.addBindValue(toMs(run.detectedAt));
    q.addBindValue(toMs(run.clearedAt));
    q.addBindValue(toMs(run.recoveredAt));
    q.addBindValue(text(run.alertId));
    q.addBindValue(text(run.error));
}

} // namespace

std::optional<qint64> DrillRun::detectedSeconds() const
{
    return secondsBetween(faultAt, detectedAt);
}

std::optional<qint64> DrillRun::recoveredSeconds() const
{
    return secondsBetween(faultAt, recoveredAt);
}

std::optional<qint64> DrillRun::healSeconds() const
{
    return secondsBetween(clearedAt, recoveredAt);
}

QStringList drillScenarios()
{
    return {QStringLiteral("pod-failure"), QStringLiteral("database-failure"), QStringLiteral("high-latency"), QStringLiteral("bad-canary")};
}

DrillStore::DrillStore(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<DrillRun>();
}

DrillStore::~DrillStore()
{
    close();
}

Result<void> DrillStore::open(const QString &journalPath)
{
    close();
    static QAtomicInteger<quint64> counter;
    const QString name = QStringLiteral("opsdeck-drills-%1-%2").arg(quintptr(this)).arg(counter.fetchAndAddRelaxed(1));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(journalPath);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        if (!db.open()) {
            const Error error = sqlError(QStringLiteral("cannot open %1").arg(journalPath), db.lastError());
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(name);
            return tl::unexpected(error);
        }
        QSqlQuery q(db);
        // The Journal made the file and turned WAL on; a second connection only checks the schema.
        if (!q.exec(QStringLiteral("PRAGMA journal_mode = WAL")) || !q.exec(QStringLiteral("SELECT 1 FROM drill_runs LIMIT 1"))) {
            const Error error = sqlError(QStringLiteral("%1 has no drill_runs table (journal schema 3)").arg(journalPath), q.lastError());
            q = QSqlQuery();
            db.close();
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(name);
            return tl::unexpected(error);
        }
    }
    m_connection = name;
    return {};
}

void DrillStore::close()
{
    if (m_connection.isEmpty())
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
    m_connection.clear();
}

Result<qint64> DrillStore::add(const DrillRun &run)
{
    if (!isOpen())
        return makeError(ErrorKind::Config, QStringLiteral("drill runs: the store is not open"));
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("INSERT INTO drill_runs (scenario, context, namespace, service, status, fault_at, detected_at, "
                             "cleared_at, recovered_at, alert_id, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    bindColumns(q, run);
    if (!q.exec())
        return tl::unexpected(sqlError(QStringLiteral("cannot add a run"), q.lastError()));
    const qint64 id = q.lastInsertId().toLongLong();
    Q_EMIT runsChanged();
    return id;
}

Result<void> DrillStore::update(const DrillRun &run)
{
    if (!isOpen())
        return makeError(ErrorKind::Config, QStringLiteral("drill runs: the store is not open"));
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("UPDATE drill_runs SET scenario = ?, context = ?, namespace = ?, service = ?, status = ?, fault_at = ?, "
                             "detected_at = ?, cleared_at = ?, recovered_at = ?, alert_id = ?, error = ? WHERE id = ?"));
    bindColumns(q, run);
    q.addBindValue(run.id);
    if (!q.exec())
        return tl::unexpected(sqlError(QStringLiteral("cannot update run %1").arg(run.id), q.lastError()));
    if (q.numRowsAffected() != 1)
        return makeError(ErrorKind::NotFound, QStringLiteral("drill runs: no run %1").arg(run.id));
    Q_EMIT runsChanged();
    return {};
}

Result<QList<DrillRun>> DrillStore::between(const QDateTime &from, const QDateTime &to) const
{
    if (!isOpen())
        return makeError(ErrorKind::Config, QStringLiteral("drill runs: the store is not open"));
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    // A run covers [fault_at, recovered_at or cleared_at or detected_at]; a running one lasts until now.
    q.prepare(QStringLiteral("SELECT %1 FROM drill_runs WHERE fault_at <= ? AND "
                             "(CASE WHEN status = 'running' THEN ? ELSE COALESCE(recovered_at, cleared_at, detected_at, fault_at) END) >= ? "
                             "ORDER BY fault_at, id")
                  .arg(Columns));
    q.addBindValue(to.toMSecsSinceEpoch());
    q.addBindValue(std::numeric_limits<qint64>::max());
    q.addBindValue(from.toMSecsSinceEpoch());
    if (!q.exec())
        return tl::unexpected(sqlError(QStringLiteral("cannot read runs"), q.lastError()));
    QList<DrillRun> runs;
    while (q.next())
        runs << readRun(q);
    return runs;
}

Result<QList<DrillRun>> DrillStore::latest(const ServiceKey &service, int limit) const
{
    if (!isOpen())
        return makeError(ErrorKind::Config, QStringLiteral("drill runs: the store is not open"));
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    const bool all = service == ServiceKey{};
    q.prepare(QStringLiteral("SELECT %1 FROM drill_runs %2 ORDER BY fault_at DESC, id DESC LIMIT ?")
                  .arg(Columns, all ? QString() : QStringLiteral("WHERE context = ? AND namespace = ? AND service = ?")));
    if (!all) {
        q.addBindValue(service.context);
        q.addBindValue(service.ns);
        q.addBindValue(service.name);
    }
    q.addBindValue(qMax(0, limit));
    if (!q.exec())
        return tl::unexpected(sqlError(QStringLiteral("cannot read runs"), q.lastError()));
    QList<DrillRun> runs;
    while (q.next())
        runs << readRun(q);
    return runs;
}

QList<TimelineEntry> DrillStore::toTimeline(const QList<DrillRun> &runs)
{
    QList<TimelineEntry> entries;
    for (const DrillRun &run : runs) {
        const QString ref = QStringLiteral("drill:%1:").arg(run.id);
        auto entry = [&](const QDateTime &at, TimelineEntry::Severity severity, const QString &phase, const QString &title,
                         const QString &detail) {
            entries << TimelineEntry{at.toUTC(), TimelineEntry::Kind::Drill, severity, run.service, title, detail,
                                     QStringLiteral("drills"), ref + phase};
        };
        if (run.faultAt.isValid())
            entry(run.faultAt, TimelineEntry::Severity::Warning, QStringLiteral("fault"),
                  QStringLiteral("Drill %1: fault injected into %2").arg(run.scenario, run.service.name),
                  QStringLiteral("A drill injected this fault on purpose (opsdeck-sim chaos)."));
        if (run.detectedAt.isValid())
            entry(run.detectedAt, TimelineEntry::Severity::Info, QStringLiteral("detected"),
                  QStringLiteral("Drill %1: detected after %2 s").arg(run.scenario).arg(run.detectedSeconds().value_or(0)),
                  run.alertId.isEmpty() ? QString() : QStringLiteral("Alert %1").arg(run.alertId));
        if (run.clearedAt.isValid())
            entry(run.clearedAt, TimelineEntry::Severity::Info, QStringLiteral("cleared"),
                  QStringLiteral("Drill %1: fault cleared").arg(run.scenario), QString());
        if (run.recoveredAt.isValid())
            entry(run.recoveredAt, TimelineEntry::Severity::Info, QStringLiteral("recovered"),
                  QStringLiteral("Drill %1: %2 recovered after %3 s").arg(run.scenario, run.service.name).arg(run.recoveredSeconds().value_or(0)),
                  QString());
        if (run.status == QLatin1String("failed") || run.status == QLatin1String("timedOut")) {
            const QDateTime at = run.recoveredAt.isValid() ? run.recoveredAt
                                 : run.clearedAt.isValid() ? run.clearedAt
                                 : run.detectedAt.isValid() ? run.detectedAt
                                                            : run.faultAt;
            if (at.isValid())
                entry(at, TimelineEntry::Severity::Critical, QStringLiteral("end"),
                      QStringLiteral("Drill %1 %2").arg(run.scenario, run.status == QLatin1String("failed") ? QStringLiteral("failed")
                                                                                                           : QStringLiteral("timed out")),
                      run.error);
        }
    }
    std::sort(entries.begin(), entries.end(), timelineLess);
    return entries;
}

} // namespace Opsdeck
