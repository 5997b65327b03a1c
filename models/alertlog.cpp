#include "alertlog.h"

#include "alertengine.h"

#include <QFileInfo>
#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimeZone>
#include <QUuid>
#include <QVariant>

Q_LOGGING_CATEGORY(lcAlertLog, "opsdeck.alertlog")

namespace Opsdeck {

namespace {

const QString Columns = QStringLiteral("alert_id, rule, context, namespace, service, severity, since, ended, "
                                       "summary, acknowledged_by, acknowledged_at");

QVariant msOrNull(const QDateTime &at)
{
    return at.isValid() ? QVariant(at.toMSecsSinceEpoch()) : QVariant(QMetaType(QMetaType::LongLong));
}

QDateTime fromMs(const QVariant &value)
{
    if (value.isNull())
        return {};
    return QDateTime::fromMSecsSinceEpoch(value.toLongLong(), QTimeZone::utc());
}

// The columns are NOT NULL DEFAULT '': a null QString would bind as NULL.
QString text(const QString &value)
{
    return value.isNull() ? QStringLiteral("") : value;
}

Alert::Severity severityFrom(const QString &text)
{
    if (text == QLatin1String("critical"))
        return Alert::Severity::Critical;
    if (text == QLatin1String("warning"))
        return Alert::Severity::Warning;
    return Alert::Severity::Info;
}

} // namespace

AlertLog::AlertLog(const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_clock(clock)
{ }

AlertLog::~AlertLog()
{
    close();
}

Error AlertLog::sqlError(const QString &what, const QString &driverText) const
{
    return Error { ErrorKind::Config, QStringLiteral("alert log %1: %2: %3").arg(m_path, what, driverText),
                   QStringLiteral("check that the journal file is writable and not held by another program"),
                   std::nullopt };
}

Result<void> AlertLog::open(const QString &journalPath)
{
    close();
    m_path = QFileInfo(journalPath).absoluteFilePath();
    const QString name
        = QStringLiteral("opsdeck-alertlog-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(m_path);
        // The Journal made the file; never create an empty one here.
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        Error error;
        bool ok = QFileInfo::exists(m_path);
        if (!ok)
            error = Error { ErrorKind::Config,
                            QStringLiteral("alert log %1: the journal file does not exist").arg(m_path),
                            QStringLiteral("open the Journal first: it creates and migrates the file"),
                            std::nullopt };
        if (ok && !db.open()) {
            ok = false;
            error = sqlError(QStringLiteral("cannot open"), db.lastError().text());
        }
        if (ok) {
            QSqlQuery q(db);
            if (!q.exec(QStringLiteral(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'alert_log'"))
                || !q.next()) {
                ok = false;
                error = sqlError(QStringLiteral("cannot read"), q.lastError().text());
            } else if (q.value(0).toInt() != 1) {
                ok = false;
                error = Error {
                    ErrorKind::Config,
                    QStringLiteral("alert log %1: the file has no alert_log table (journal schema < 3)")
                        .arg(m_path),
                    QStringLiteral("open it with this version's Journal first: it migrates the file"),
                    std::nullopt
                };
            }
        }
        if (!ok) {
            db.close();
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(name);
            return tl::unexpected(error);
        }
    }
    m_connection = name;
    return {};
}

void AlertLog::close()
{
    if (!isOpen())
        return;
    // Alerts still active when we stop watching end now in the log (see the header).
    const QDateTime now = m_clock.wallNow();
    const QList<Alert> open = m_open.values();
    for (Alert alert : open) {
        alert.ended = now;
        if (const Result<void> written = record(alert); !written)
            qCWarning(lcAlertLog) << toString(written.error());
    }
    m_open.clear();
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
    m_connection.clear();
}

void AlertLog::attach(AlertEngine *engine)
{
    if (m_engine)
        disconnect(m_engine, nullptr, this, nullptr);
    m_engine = engine;
    if (!engine)
        return;
    connect(engine, &AlertEngine::alertRaised, this, &AlertLog::recordAndReport);
    connect(engine, &AlertEngine::alertEnded, this, &AlertLog::recordAndReport);
    // Acknowledgements, escalations and new summaries arrive as alertsChanged only.
    connect(engine, &AlertEngine::alertsChanged, this, &AlertLog::onAlertsChanged);
    connect(engine, &QObject::destroyed, this, [this] { m_engine = nullptr; });
    onAlertsChanged();
}

void AlertLog::onAlertsChanged()
{
    if (!m_engine)
        return;
    for (const Alert &alert : m_engine->active()) {
        const auto known = m_open.constFind(alert.id);
        if (known == m_open.cend() || *known != alert)
            recordAndReport(alert);
    }
}

void AlertLog::recordAndReport(const Alert &alert)
{
    if (const Result<void> written = record(alert); !written) {
        qCWarning(lcAlertLog) << toString(written.error());
        Q_EMIT writeFailed(written.error());
    }
}

Result<void> AlertLog::record(const Alert &alert)
{
    if (!isOpen())
        return makeError(ErrorKind::Config, QStringLiteral("alert log is not open"));
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    // Upsert on the key (alert id, since): one row per occurrence of an alert.
    q.prepare(
        QStringLiteral(
            "INSERT INTO alert_log (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (alert_id, since) DO UPDATE SET severity = excluded.severity, "
            "ended = excluded.ended, summary = excluded.summary, acknowledged_by = excluded.acknowledged_by, "
            "acknowledged_at = excluded.acknowledged_at")
            .arg(Columns));
    q.addBindValue(alert.id);
    q.addBindValue(alert.rule);
    q.addBindValue(text(alert.service.context));
    q.addBindValue(text(alert.service.ns));
    q.addBindValue(text(alert.service.name));
    q.addBindValue(toString(alert.severity));
    q.addBindValue(alert.since.toMSecsSinceEpoch());
    q.addBindValue(msOrNull(alert.ended));
    q.addBindValue(text(alert.summary));
    q.addBindValue(text(alert.acknowledgedBy));
    q.addBindValue(msOrNull(alert.acknowledgedAt));
    if (!q.exec())
        return tl::unexpected(
            sqlError(QStringLiteral("cannot record alert %1").arg(alert.id), q.lastError().text()));
    if (alert.isActive())
        m_open.insert(alert.id, alert);
    else if (const auto it = m_open.constFind(alert.id); it != m_open.cend() && it->since == alert.since)
        m_open.erase(it);
    Q_EMIT recorded(alert);
    return {};
}

Result<QList<Alert>> AlertLog::select(const QString &where, const QVariantList &binds,
                                      const QString &tail) const
{
    if (!isOpen())
        return makeError(ErrorKind::Config, QStringLiteral("alert log is not open"));
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT %1 FROM alert_log %2 %3").arg(Columns, where, tail));
    for (const QVariant &value : binds)
        q.addBindValue(value);
    if (!q.exec())
        return tl::unexpected(sqlError(QStringLiteral("cannot read"), q.lastError().text()));
    QList<Alert> out;
    while (q.next()) {
        Alert a;
        a.id = q.value(0).toString();
        a.rule = q.value(1).toString();
        a.service = ServiceKey { q.value(2).toString(), q.value(3).toString(), q.value(4).toString() };
        a.severity = severityFrom(q.value(5).toString());
        a.since = fromMs(q.value(6));
        a.ended = fromMs(q.value(7));
        a.summary = q.value(8).toString();
        a.acknowledgedBy = q.value(9).toString();
        a.acknowledgedAt = fromMs(q.value(10));
        out << a;
    }
    return out;
}

Result<QList<Alert>> AlertLog::between(const QDateTime &from, const QDateTime &to) const
{
    return select(QStringLiteral("WHERE since <= ? AND (ended IS NULL OR ended >= ?)"),
                  { to.toMSecsSinceEpoch(), from.toMSecsSinceEpoch() },
                  QStringLiteral("ORDER BY since, alert_id"));
}

Result<QList<Alert>> AlertLog::recent(int limit) const
{
    return select(QString(), { qMax(0, limit) }, QStringLiteral("ORDER BY since DESC, alert_id LIMIT ?"));
}

} // namespace Opsdeck
