#include "journal.h"

#include "csvwriter.h"
#include "journalmigrations.h"
#include "logging.h"
#include "observation.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>

#include <functional>

namespace Opsdeck {

namespace {

const QString driverName = QStringLiteral("QSQLITE");

// SQLite's primary result codes, as QSQLITE reports them in nativeErrorCode().
constexpr int sqliteBusy = 5;
constexpr int sqliteLocked = 6;
constexpr int sqliteCorrupt = 11;
constexpr int sqliteNotADatabase = 26;

QVariant msecs(const QDateTime &time)
{
    return time.isValid() ? QVariant(time.toMSecsSinceEpoch()) : QVariant(QMetaType(QMetaType::LongLong));
}

// Qt SQL binds a null QString as NULL; the text columns are NOT NULL and "" is what was meant.
QVariant text(const QString &value)
{
    return value.isNull() ? QVariant(QStringLiteral("")) : QVariant(value);
}

QDateTime fromMsecs(const QVariant &value)
{
    if (value.isNull())
        return {};
    return QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC);
}

QString compact(const QJsonValue &value)
{
    if (value.isObject())
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
}

QString changesJson(const QList<ActionChange> &changes)
{
    QJsonArray array;
    for (const ActionChange &change : changes)
        array.append(toJson(change));
    return compact(array);
}

QList<ActionChange> changesFromJson(const QString &text)
{
    QList<ActionChange> changes;
    const QJsonArray array = QJsonDocument::fromJson(text.toUtf8()).array();
    for (const QJsonValue &value : array) {
        const QJsonObject o = value.toObject();
        changes.append(ActionChange {
            o.value(QLatin1String("kind")).toString(), o.value(QLatin1String("name")).toString(),
            o.value(QLatin1String("field")).toString(), o.value(QLatin1String("from")).toString(),
            o.value(QLatin1String("to")).toString() });
    }
    return changes;
}

QVariant errorJson(const std::optional<Error> &error)
{
    if (!error)
        return QVariant(QMetaType(QMetaType::QString));
    QJsonObject object = toJson(*error);
    if (error->retryAfter)
        object.insert(QStringLiteral("retryAfterSeconds"), qint64(error->retryAfter->count()));
    return compact(object);
}

std::optional<Error> errorFromJson(const QVariant &value)
{
    if (value.isNull())
        return std::nullopt;
    const QJsonObject o = QJsonDocument::fromJson(value.toString().toUtf8()).object();
    Error error;
    const QString code = o.value(QLatin1String("code")).toString();
    for (ErrorKind kind :
         { ErrorKind::Network, ErrorKind::Timeout, ErrorKind::Unauthorized, ErrorKind::Forbidden,
           ErrorKind::NotFound, ErrorKind::Conflict, ErrorKind::Gone, ErrorKind::Throttled,
           ErrorKind::Invalid, ErrorKind::Config, ErrorKind::Plugin }) {
        if (toString(kind) == code)
            error.kind = kind;
    }
    error.message = o.value(QLatin1String("message")).toString();
    error.hint = o.value(QLatin1String("hint")).toString();
    if (o.contains(QLatin1String("retryAfterSeconds")))
        error.retryAfter = std::chrono::seconds(o.value(QLatin1String("retryAfterSeconds")).toInteger());
    return error;
}

Track trackFromString(const QString &text)
{
    for (Track track : { Track::Stable, Track::Canary, Track::Unknown }) {
        if (toString(track) == text)
            return track;
    }
    return Track::Unknown;
}

const QString entryColumns = QStringLiteral(
    "id, request_id, started_at, updated_at, finished_at, user_name, context, namespace, service, track, "
    "action, parameters, preview, warnings, confirmation, status, message, percent, result, error");

JournalEntry entryFromRow(const QSqlQuery &q)
{
    JournalEntry e;
    e.id = q.value(0).toLongLong();
    e.requestId = QUuid::fromString(q.value(1).toString());
    e.startedAt = fromMsecs(q.value(2));
    e.updatedAt = fromMsecs(q.value(3));
    e.finishedAt = fromMsecs(q.value(4));
    e.user = q.value(5).toString();
    e.service = ServiceKey { q.value(6).toString(), q.value(7).toString(), q.value(8).toString() };
    e.track = trackFromString(q.value(9).toString());
    e.action = q.value(10).toString();
    e.parameters = QJsonDocument::fromJson(q.value(11).toString().toUtf8()).object().toVariantMap();
    e.preview = changesFromJson(q.value(12).toString());
    for (const QJsonValue &w : QJsonDocument::fromJson(q.value(13).toString().toUtf8()).array())
        e.warnings << w.toString();
    e.confirmation = q.value(14).toString();
    e.status = journalStatusFromString(q.value(15).toString()).value_or(JournalStatus::Failed);
    e.message = q.value(16).toString();
    e.percent = q.value(17).toInt();
    e.result = changesFromJson(q.value(18).toString());
    e.error = errorFromJson(q.value(19));
    return e;
}

bool bindStep(QSqlQuery &q, qint64 id, qsizetype index, const ActionStep &step)
{
    q.bindValue(0, id);
    q.bindValue(1, qint64(index));
    q.bindValue(2, text(step.title));
    q.bindValue(3, toString(step.state));
    q.bindValue(4, step.destructive ? 1 : 0);
    q.bindValue(5, text(step.request));
    q.bindValue(6, step.httpStatus);
    q.bindValue(7, text(step.response));
    q.bindValue(8, msecs(step.started));
    q.bindValue(9, msecs(step.finished));
    return q.exec();
}

const QString upsertStep = QStringLiteral(
    "INSERT INTO steps (action_id, idx, title, state, destructive, request, http_status, response, "
    "started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (action_id, idx) DO UPDATE SET title = excluded.title, state = excluded.state, "
    "destructive = excluded.destructive, request = excluded.request, http_status = excluded.http_status, "
    "response = excluded.response, started_at = excluded.started_at, finished_at = excluded.finished_at");

// Reads entries with their steps; `where` uses positional placeholders bound from `binds`.
Result<QList<JournalEntry>> readEntries(QSqlDatabase db, const QString &where, const QVariantList &binds,
                                        int limit,
                                        const std::function<Error(const QString &, const QString &)> &fail)
{
    QString sql = QStringLiteral("SELECT %1 FROM actions").arg(entryColumns);
    if (!where.isEmpty())
        sql += QStringLiteral(" WHERE ") + where;
    sql += QStringLiteral(" ORDER BY started_at DESC, id DESC");
    if (limit > 0)
        sql += QStringLiteral(" LIMIT %1").arg(limit);
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.prepare(sql))
        return tl::unexpected(fail(QStringLiteral("cannot read entries"), q.lastError().text()));
    for (qsizetype i = 0; i < binds.size(); ++i)
        q.bindValue(int(i), binds.at(i));
    if (!q.exec())
        return tl::unexpected(fail(QStringLiteral("cannot read entries"), q.lastError().text()));
    QList<JournalEntry> entries;
    QHash<qint64, qsizetype> positions;
    while (q.next()) {
        entries.append(entryFromRow(q));
        positions.insert(entries.constLast().id, entries.size() - 1);
    }
    if (entries.isEmpty())
        return entries;

    QStringList ids;
    for (const JournalEntry &e : entries)
        ids << QString::number(e.id);
    QSqlQuery s(db);
    s.setForwardOnly(true);
    if (!s.exec(QStringLiteral("SELECT action_id, idx, title, state, destructive, request, http_status, "
                               "response, started_at, finished_at FROM steps WHERE action_id IN (%1) "
                               "ORDER BY action_id, idx")
                    .arg(ids.join(QLatin1Char(',')))))
        return tl::unexpected(fail(QStringLiteral("cannot read steps"), s.lastError().text()));
    while (s.next()) {
        ActionStep step;
        step.title = s.value(2).toString();
        step.state = actionStepStateFromString(s.value(3).toString()).value_or(ActionStep::State::Pending);
        step.destructive = s.value(4).toInt() != 0;
        step.request = s.value(5).toString();
        step.httpStatus = s.value(6).toInt();
        step.response = s.value(7).toString();
        step.started = fromMsecs(s.value(8));
        step.finished = fromMsecs(s.value(9));
        entries[positions.value(s.value(0).toLongLong())].steps.append(step);
    }
    return entries;
}

} // namespace

Journal::Journal(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<Error>();
    // A write that failed because another process held the lock is tried again without anyone asking.
    m_retry.setInterval(1000);
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, [this] { (void)flush(); });
}

Journal::~Journal()
{
    close();
}

QString Journal::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
        + QStringLiteral("/journal.sqlite");
}

Error Journal::sqlError(const QString &what, const QString &driverText) const
{
    return Error { ErrorKind::Config, QStringLiteral("journal %1: %2: %3").arg(m_path, what, driverText),
                   QString(), std::nullopt };
}

static Error classify(const QString &path, const QString &what, const QSqlError &error)
{
    const int code = error.nativeErrorCode().toInt();
    const QString message = QStringLiteral("journal %1: %2: %3").arg(path, what, error.text());
    if (code == sqliteBusy || code == sqliteLocked)
        return Error { ErrorKind::Conflict, message,
                       QStringLiteral("another Opsdeck is writing the journal; it is tried again"),
                       std::nullopt };
    if (code == sqliteCorrupt || code == sqliteNotADatabase)
        return Error { ErrorKind::Config, message,
                       QStringLiteral("the file was left untouched; move it aside to start a new journal"),
                       std::nullopt };
    return Error { ErrorKind::Config, message, QString(), std::nullopt };
}

QString Journal::lockDirectory() const
{
    return m_path + QStringLiteral(".sessions");
}

void Journal::setBusyTimeout(std::chrono::milliseconds timeout)
{
    m_busyTimeout = timeout;
    if (isOpen())
        QSqlQuery(QSqlDatabase::database(m_connection, false))
            .exec(QStringLiteral("PRAGMA busy_timeout = %1").arg(m_busyTimeout.count()));
}

Result<void> Journal::open(const QString &requestedPath)
{
    close();
    m_path = QFileInfo(requestedPath.isEmpty() ? defaultPath() : requestedPath).absoluteFilePath();
    if (!QSqlDatabase::isDriverAvailable(driverName))
        return makeError(
            ErrorKind::Config,
            QStringLiteral("journal %1: Qt's SQLite driver (QSQLITE) is not available").arg(m_path),
            QStringLiteral("install Qt's SQLite plugin (Debian: libqt6sql6-sqlite)"));
    if (!QDir().mkpath(QFileInfo(m_path).absolutePath()))
        return makeError(ErrorKind::Config,
                         QStringLiteral("journal %1: cannot create the folder %2")
                             .arg(m_path, QFileInfo(m_path).absolutePath()),
                         QStringLiteral("check the folder's permissions"));

    m_session = QUuid::createUuid();
    const QString name = QStringLiteral("opsdeck-journal-") + m_session.toString(QUuid::WithoutBraces);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(driverName, name);
        db.setDatabaseName(m_path);
        if (!db.open()) {
            const Error error = classify(m_path, QStringLiteral("cannot open"), db.lastError());
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(name);
            return tl::unexpected(error);
        }
    }
    m_connection = name;
    if (auto configured = configure(m_path); !configured) {
        close();
        return configured;
    }

    // This session's lock: while it is held, other Journals leave our started actions alone.
    if (!QDir().mkpath(lockDirectory())) {
        const QString dir = lockDirectory();
        close();
        return makeError(ErrorKind::Config, QStringLiteral("journal %1: cannot create %2").arg(m_path, dir),
                         QStringLiteral("check the folder's permissions"));
    }
    m_sessionLock
        = std::make_unique<QLockFile>(lockDirectory() + QLatin1Char('/')
                                      + m_session.toString(QUuid::WithoutBraces) + QStringLiteral(".lock"));
    m_sessionLock->setStaleLockTime(0);
    if (!m_sessionLock->tryLock(0)) {
        const QString file = lockDirectory();
        close();
        return makeError(ErrorKind::Config,
                         QStringLiteral("journal %1: cannot create a session lock in %2").arg(m_path, file),
                         QStringLiteral("check the folder's permissions"));
    }
    if (auto recovered = recoverInterrupted(); !recovered) {
        close();
        return tl::unexpected(recovered.error());
    }
    return {};
}

Result<void> Journal::configure(const QString &path)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("PRAGMA busy_timeout = %1").arg(m_busyTimeout.count())))
        return tl::unexpected(classify(path, QStringLiteral("cannot configure"), q.lastError()));
    // The first statement that reads the file: a corrupt file fails here, and a newer one is refused,
    // before anything (even the switch to WAL) writes to it.
    auto version = JournalMigrations::currentVersion(db);
    if (!version) {
        if (!q.exec(QStringLiteral("PRAGMA user_version")))
            return tl::unexpected(classify(path, QStringLiteral("cannot read"), q.lastError()));
        return tl::unexpected(version.error());
    }
    if (*version > JournalMigrations::latestVersion())
        return JournalMigrations::migrate(db, path); // refuses with the versions named
    if (!q.exec(QStringLiteral("PRAGMA journal_mode = WAL")) || !q.next())
        return tl::unexpected(classify(path, QStringLiteral("cannot switch to WAL"), q.lastError()));
    if (q.value(0).toString().compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0)
        return makeError(ErrorKind::Config,
                         QStringLiteral("journal %1: SQLite refused WAL mode (journal_mode is %2)")
                             .arg(path, q.value(0).toString()),
                         QStringLiteral("keep the journal on a local file system"));
    q.finish();
    // FULL: an action's record survives a power cut once the write returned. Writes are few and small.
    if (!q.exec(QStringLiteral("PRAGMA synchronous = FULL"))
        || !q.exec(QStringLiteral("PRAGMA foreign_keys = ON")))
        return tl::unexpected(classify(path, QStringLiteral("cannot configure"), q.lastError()));
    q.finish();
    return JournalMigrations::migrate(db, path);
}

void Journal::close()
{
    if (!isOpen())
        return;
    if (hasUnsaved() && !flush())
        qCWarning(lcCore) << "journal" << m_path << ": closing with" << m_unsaved.size()
                          << "unsaved action states; their last steps are lost";
    m_unsaved.clear();
    m_retry.stop();
    m_sessionLock.reset(); // unlocks and removes the lock file: our started actions are now interrupted
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
    m_connection.clear();
}

Result<int> Journal::schemaVersion() const
{
    if (!isOpen())
        return makeError(ErrorKind::Config, QStringLiteral("journal is not open"));
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    return JournalMigrations::currentVersion(db);
}

Result<QString> Journal::journalMode() const
{
    if (!isOpen())
        return makeError(ErrorKind::Config, QStringLiteral("journal is not open"));
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (!q.exec(QStringLiteral("PRAGMA journal_mode")) || !q.next())
        return tl::unexpected(classify(m_path, QStringLiteral("cannot read journal_mode"), q.lastError()));
    return q.value(0).toString().toLower();
}

Result<qint64> Journal::add(const JournalEntry &entry)
{
    if (!isOpen())
        return makeError(ErrorKind::Config, QStringLiteral("journal is not open"),
                         QStringLiteral("the action was not run"));
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QJsonArray warnings = QJsonArray::fromStringList(entry.warnings);
    if (!db.transaction())
        return tl::unexpected(classify(m_path, QStringLiteral("cannot begin a write"), db.lastError()));
    QSqlQuery q(db);
    q.prepare(QStringLiteral(
        "INSERT INTO actions (request_id, session, started_at, updated_at, finished_at, user_name, context, "
        "namespace, service, track, action, parameters, preview, warnings, confirmation, status, message, "
        "percent, result, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    const QDateTime started = entry.startedAt.isValid() ? entry.startedAt : now;
    QDateTime finished = entry.finishedAt;
    if (entry.isFinal() && !finished.isValid())
        finished = now;
    const QVariantList values { entry.requestId.toString(QUuid::WithoutBraces),
                                m_session.toString(QUuid::WithoutBraces),
                                started.toMSecsSinceEpoch(),
                                now.toMSecsSinceEpoch(),
                                msecs(finished),
                                text(entry.user),
                                text(entry.service.context),
                                text(entry.service.ns),
                                text(entry.service.name),
                                toString(entry.track),
                                text(entry.action),
                                compact(QJsonObject::fromVariantMap(entry.parameters)),
                                changesJson(entry.preview),
                                compact(warnings),
                                text(entry.confirmation),
                                toString(entry.status),
                                text(entry.message),
                                entry.percent,
                                changesJson(entry.result),
                                errorJson(entry.error) };
    for (qsizetype i = 0; i < values.size(); ++i)
        q.bindValue(int(i), values.at(i));
    if (!q.exec()) {
        const Error error = classify(m_path, QStringLiteral("cannot write the action"), q.lastError());
        db.rollback();
        return tl::unexpected(error);
    }
    const qint64 id = q.lastInsertId().toLongLong();
    QSqlQuery s(db);
    s.prepare(upsertStep);
    for (qsizetype i = 0; i < entry.steps.size(); ++i) {
        if (!bindStep(s, id, i, entry.steps.at(i))) {
            const Error error
                = classify(m_path, QStringLiteral("cannot write the action's steps"), s.lastError());
            db.rollback();
            return tl::unexpected(error);
        }
    }
    if (!db.commit()) {
        const Error error = classify(m_path, QStringLiteral("cannot commit the action"), db.lastError());
        db.rollback();
        return tl::unexpected(error);
    }
    Q_EMIT entryChanged(id);
    return id;
}

Result<void> Journal::record(qint64 id, const OperationStatus &status)
{
    if (!isOpen())
        return makeError(ErrorKind::Config, QStringLiteral("journal is not open"));
    m_unsaved[id] = status; // a newer state replaces an unsaved older one: it carries every step so far
    return flush();
}

Result<void> Journal::flush()
{
    if (!isOpen())
        return makeError(ErrorKind::Config, QStringLiteral("journal is not open"));
    std::optional<Error> failure;
    QList<qint64> written;
    for (auto it = m_unsaved.begin(); it != m_unsaved.end();) {
        auto result = writeStatus(it->first, it->second);
        if (result) {
            written << it->first;
            it = m_unsaved.erase(it);
            continue;
        }
        if (result.error().kind == ErrorKind::NotFound) { // nothing to retry against
            qCWarning(lcCore).noquote() << toString(result.error());
            it = m_unsaved.erase(it);
        } else {
            ++it;
        }
        if (!failure)
            failure = result.error();
    }
    if (!m_unsaved.empty() && !m_retry.isActive())
        m_retry.start();
    for (qint64 id : std::as_const(written))
        Q_EMIT entryChanged(id);
    if (failure) {
        Q_EMIT writeFailed(*failure);
        return tl::unexpected(*failure);
    }
    return {};
}

Result<void> Journal::writeStatus(qint64 id, const OperationStatus &status)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    if (!db.transaction())
        return tl::unexpected(classify(m_path, QStringLiteral("cannot begin a write"), db.lastError()));
    auto fail = [&](const QString &what, const QSqlError &sqlError) {
        const Error error = classify(m_path, what, sqlError);
        db.rollback();
        return tl::unexpected(error);
    };
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QDateTime updated = status.updated.isValid() ? status.updated : now;
    const JournalStatus journalStatus = journalStatusFor(status.state);
    QSqlQuery q(db);
    // Parameters a provider learnt while running (an operation's URL) go in too: resume() reads them back.
    q.prepare(QStringLiteral("UPDATE actions SET status = ?, message = ?, percent = ?, updated_at = ?, "
                             "finished_at = ?, result = ?, error = ?, parameters = COALESCE(?, parameters) WHERE id = ?"));
    q.bindValue(0, toString(journalStatus));
    q.bindValue(1, text(status.message));
    q.bindValue(2, status.percent);
    q.bindValue(3, updated.toMSecsSinceEpoch());
    q.bindValue(4,
                status.isFinal() ? QVariant(updated.toMSecsSinceEpoch())
                                 : QVariant(QMetaType(QMetaType::LongLong)));
    q.bindValue(5, changesJson(status.changes));
    q.bindValue(6, errorJson(status.error));
    q.bindValue(7, status.parameters.isEmpty() ? QVariant(QMetaType(QMetaType::QString))
                                               : QVariant(compact(QJsonObject::fromVariantMap(status.parameters))));
    q.bindValue(8, id);
    if (!q.exec())
        return fail(QStringLiteral("cannot record action %1").arg(id), q.lastError());
    if (q.numRowsAffected() != 1) {
        db.rollback();
        return makeError(ErrorKind::NotFound,
                         QStringLiteral("journal %1: no action %2 to record").arg(m_path).arg(id));
    }
    QSqlQuery s(db);
    s.prepare(upsertStep);
    for (qsizetype i = 0; i < status.steps.size(); ++i) {
        if (!bindStep(s, id, i, status.steps.at(i)))
            return fail(QStringLiteral("cannot record step %1 of action %2").arg(i + 1).arg(id),
                        s.lastError());
    }
    if (!db.commit())
        return fail(QStringLiteral("cannot commit action %1").arg(id), db.lastError());
    return {};
}

Result<void> Journal::setStatus(qint64 id, JournalStatus from, JournalStatus to, const QString &message,
                                bool finish)
{
    if (!isOpen())
        return makeError(ErrorKind::Config, QStringLiteral("journal is not open"));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("UPDATE actions SET status = ?, message = ?, updated_at = ?, finished_at = ?, "
                             "session = ? WHERE id = ? AND status = ?"));
    q.bindValue(0, toString(to));
    q.bindValue(1, text(message));
    q.bindValue(2, now);
    q.bindValue(3, finish ? QVariant(now) : QVariant(QMetaType(QMetaType::LongLong)));
    q.bindValue(4, m_session.toString(QUuid::WithoutBraces));
    q.bindValue(5, id);
    q.bindValue(6, toString(from));
    if (!q.exec())
        return tl::unexpected(
            classify(m_path, QStringLiteral("cannot update action %1").arg(id), q.lastError()));
    if (q.numRowsAffected() != 1)
        return makeError(
            ErrorKind::Invalid,
            QStringLiteral("journal %1: action %2 is not %3").arg(m_path).arg(id).arg(toString(from)),
            QStringLiteral("only an interrupted action can be resumed or abandoned"));
    Q_EMIT entryChanged(id);
    return {};
}

Result<void> Journal::markResumed(qint64 id)
{
    return setStatus(id, JournalStatus::Interrupted, JournalStatus::Started, QStringLiteral("resumed"),
                     false);
}

Result<void> Journal::markAbandoned(qint64 id, const QString &reason)
{
    return setStatus(id, JournalStatus::Interrupted, JournalStatus::Abandoned,
                     reason.isEmpty() ? QStringLiteral("abandoned") : reason, true);
}

Result<int> Journal::recoverInterrupted()
{
    if (!isOpen())
        return makeError(ErrorKind::Config, QStringLiteral("journal is not open"));
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT DISTINCT session FROM actions WHERE status = ? AND session <> ?"));
    q.bindValue(0, toString(JournalStatus::Started));
    q.bindValue(1, m_session.toString(QUuid::WithoutBraces));
    if (!q.exec())
        return tl::unexpected(
            classify(m_path, QStringLiteral("cannot look for interrupted actions"), q.lastError()));
    QStringList sessions;
    while (q.next())
        sessions << q.value(0).toString();
    q.finish();

    int count = 0;
    for (const QString &session : std::as_const(sessions)) {
        // QLockFile knows a lock whose process is gone (and a reused pid) from a live one; age is no
        // reason (setStaleLockTime(0)): an action may run for hours.
        QLockFile lock(lockDirectory() + QLatin1Char('/') + session + QStringLiteral(".lock"));
        lock.setStaleLockTime(0);
        if (!lock.tryLock(0)) {
            if (lock.error() != QLockFile::LockFailedError)
                qCWarning(lcCore) << "journal" << m_path << ": cannot check session" << session
                                  << lock.error();
            continue; // its process is alive: its actions are running, not interrupted
        }
        QSqlQuery u(db);
        u.prepare(
            QStringLiteral("UPDATE actions SET status = ?, updated_at = ? WHERE session = ? AND status = ?"));
        u.bindValue(0, toString(JournalStatus::Interrupted));
        u.bindValue(1, QDateTime::currentMSecsSinceEpoch());
        u.bindValue(2, session);
        u.bindValue(3, toString(JournalStatus::Started));
        if (!u.exec())
            return tl::unexpected(
                classify(m_path, QStringLiteral("cannot mark interrupted actions"), u.lastError()));
        count += u.numRowsAffected();
        lock.unlock();
    }
    // Locks of sessions that ended without a clean close and left nothing running would pile up.
    const QString ownLock = m_session.toString(QUuid::WithoutBraces) + QStringLiteral(".lock");
    const QStringList locks = QDir(lockDirectory()).entryList({ QStringLiteral("*.lock") }, QDir::Files);
    for (const QString &file : locks) {
        if (file == ownLock)
            continue;
        QLockFile lock(lockDirectory() + QLatin1Char('/') + file);
        lock.setStaleLockTime(0);
        if (lock.tryLock(0))
            lock.unlock();
    }
    if (count > 0)
        qCInfo(lcCore) << "journal" << m_path << ":" << count << "interrupted actions found";
    return count;
}

Result<QList<JournalEntry>> Journal::entries(const JournalFilter &filter) const
{
    if (!isOpen())
        return makeError(ErrorKind::Config, QStringLiteral("journal is not open"));
    QStringList where;
    QVariantList binds;
    auto add = [&](const QString &clause, const QVariant &value) {
        where << clause;
        binds << value;
    };
    if (filter.from.isValid())
        add(QStringLiteral("started_at >= ?"), filter.from.toMSecsSinceEpoch());
    if (filter.to.isValid())
        add(QStringLiteral("started_at < ?"), filter.to.toMSecsSinceEpoch());
    if (!filter.action.isEmpty())
        add(QStringLiteral("action = ?"), filter.action);
    if (!filter.context.isEmpty())
        add(QStringLiteral("context = ?"), filter.context);
    if (!filter.ns.isEmpty())
        add(QStringLiteral("namespace = ?"), filter.ns);
    if (!filter.service.isEmpty())
        add(QStringLiteral("service = ?"), filter.service);
    if (!filter.statuses.isEmpty()) {
        QStringList marks;
        for (JournalStatus status : filter.statuses) {
            marks << QStringLiteral("?");
            binds << toString(status);
        }
        where << QStringLiteral("status IN (%1)").arg(marks.join(QLatin1Char(',')));
    }
    return readEntries(QSqlDatabase::database(m_connection, false), where.join(QStringLiteral(" AND ")),
                       binds, filter.limit,
                       [this](const QString &what, const QString &text) { return sqlError(what, text); });
}

Result<JournalEntry> Journal::entry(qint64 id) const
{
    if (!isOpen())
        return makeError(ErrorKind::Config, QStringLiteral("journal is not open"));
    auto found
        = readEntries(QSqlDatabase::database(m_connection, false), QStringLiteral("id = ?"), { id }, 1,
                      [this](const QString &what, const QString &text) { return sqlError(what, text); });
    if (!found)
        return tl::unexpected(found.error());
    if (found->isEmpty())
        return makeError(ErrorKind::NotFound, QStringLiteral("journal %1: no action %2").arg(m_path).arg(id));
    return found->constFirst();
}

Result<QList<JournalEntry>> Journal::interrupted() const
{
    JournalFilter filter;
    filter.statuses = { JournalStatus::Interrupted };
    return entries(filter);
}

Result<int> Journal::exportCsv(const JournalFilter &filter, QIODevice *device) const
{
    auto found = entries(filter);
    if (!found)
        return tl::unexpected(found.error());
    CsvWriter writer(device);
    writer.writeRow(journalCsvHeader());
    for (const JournalEntry &e : std::as_const(*found))
        writer.writeRow(journalCsvRow(e));
    if (!writer.ok())
        return makeError(ErrorKind::Config, QStringLiteral("journal export: cannot write the CSV file"),
                         QStringLiteral("check the disk space and the file's permissions"));
    return int(found->size());
}

} // namespace Opsdeck
