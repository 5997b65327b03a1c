#include "journalmigrations.h"

#include "logging.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

namespace Opsdeck {

namespace {

// Times are milliseconds since the epoch (UTC), so range filters compare integers.
const char *const version1[] = {
    "CREATE TABLE actions ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " request_id TEXT NOT NULL UNIQUE,"
    " session TEXT NOT NULL,"
    " started_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL,"
    " finished_at INTEGER,"
    " user_name TEXT NOT NULL,"
    " context TEXT NOT NULL,"
    " namespace TEXT NOT NULL,"
    " service TEXT NOT NULL,"
    " track TEXT NOT NULL,"
    " action TEXT NOT NULL,"
    " parameters TEXT NOT NULL DEFAULT '{}',"
    " preview TEXT NOT NULL DEFAULT '[]',"
    " confirmation TEXT NOT NULL DEFAULT '',"
    " status TEXT NOT NULL,"
    " message TEXT NOT NULL DEFAULT '',"
    " result TEXT NOT NULL DEFAULT '[]',"
    " error TEXT)",
    "CREATE TABLE steps ("
    " action_id INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,"
    " idx INTEGER NOT NULL,"
    " title TEXT NOT NULL,"
    " state TEXT NOT NULL,"
    " request TEXT NOT NULL DEFAULT '',"
    " http_status INTEGER NOT NULL DEFAULT 0,"
    " response TEXT NOT NULL DEFAULT '',"
    " started_at INTEGER,"
    " finished_at INTEGER,"
    " PRIMARY KEY (action_id, idx))",
};

// Version 2: progress and preview warnings on actions, destructive steps, and indexes for the history
// view's filters (time range, status, service, action).
const char *const version2[] = {
    "ALTER TABLE actions ADD COLUMN percent INTEGER NOT NULL DEFAULT -1",
    "ALTER TABLE actions ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]'",
    "ALTER TABLE steps ADD COLUMN destructive INTEGER NOT NULL DEFAULT 0",
    "CREATE INDEX actions_started_at ON actions(started_at)",
    "CREATE INDEX actions_status ON actions(status)",
    "CREATE INDEX actions_service ON actions(context, namespace, service)",
    "CREATE INDEX actions_action ON actions(action)",
};

// Version 3: the war room's own records beside the actions (issue 9): every alert raised, with its end
// and acknowledgement (the timeline and RCA export read past windows from here), and drill runs with
// their measured detection and recovery times. Written by AlertLog and DrillStore over their own
// connections to this file.
const char *const version3[] = {
    "CREATE TABLE alert_log ("
    " alert_id TEXT NOT NULL,"
    " rule TEXT NOT NULL,"
    " context TEXT NOT NULL DEFAULT '',"
    " namespace TEXT NOT NULL DEFAULT '',"
    " service TEXT NOT NULL DEFAULT '',"
    " severity TEXT NOT NULL,"
    " since INTEGER NOT NULL,"
    " ended INTEGER,"
    " summary TEXT NOT NULL DEFAULT '',"
    " acknowledged_by TEXT NOT NULL DEFAULT '',"
    " acknowledged_at INTEGER,"
    " PRIMARY KEY (alert_id, since))",
    "CREATE INDEX alert_log_since ON alert_log(since)",
    "CREATE TABLE drill_runs ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " scenario TEXT NOT NULL,"
    " context TEXT NOT NULL DEFAULT '',"
    " namespace TEXT NOT NULL DEFAULT '',"
    " service TEXT NOT NULL,"
    " status TEXT NOT NULL,"
    " fault_at INTEGER NOT NULL,"
    " detected_at INTEGER,"
    " cleared_at INTEGER,"
    " recovered_at INTEGER,"
    " alert_id TEXT NOT NULL DEFAULT '',"
    " error TEXT NOT NULL DEFAULT '')",
    "CREATE INDEX drill_runs_fault_at ON drill_runs(fault_at)",
};

template<std::size_t N> QStringList toList(const char *const (&statements)[N])
{
    QStringList list;
    for (const char *statement : statements)
        list << QString::fromUtf8(statement);
    return list;
}

} // namespace

int JournalMigrations::latestVersion()
{
    return 3;
}

QStringList JournalMigrations::statements(int version)
{
    switch (version) {
    case 1:
        return toList(version1);
    case 2:
        return toList(version2);
    case 3:
        return toList(version3);
    default:
        return {};
    }
}

Result<int> JournalMigrations::currentVersion(QSqlDatabase &db)
{
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("PRAGMA user_version")) || !query.next())
        return makeError(ErrorKind::Config,
                         QStringLiteral("cannot read the schema version: %1").arg(query.lastError().text()));
    return query.value(0).toInt();
}

Result<void> JournalMigrations::migrate(QSqlDatabase &db, const QString &where)
{
    auto current = currentVersion(db);
    if (!current)
        return makeError(ErrorKind::Config,
                         QStringLiteral("journal %1: %2").arg(where, current.error().message),
                         QStringLiteral("move the file aside to start a new journal"));
    const int latest = latestVersion();
    if (*current > latest)
        return makeError(
            ErrorKind::Config,
            QStringLiteral("journal %1 has schema version %2, newer than this Opsdeck knows (%3)")
                .arg(where)
                .arg(*current)
                .arg(latest),
            QStringLiteral("use a newer Opsdeck, or move the file aside to start a new journal"));
    for (int version = *current + 1; version <= latest; ++version) {
        // BEGIN IMMEDIATE takes the write lock first, so two processes opening an old journal at once
        // do not both migrate it: the second waits, then sees the new version.
        QSqlQuery query(db);
        if (!query.exec(QStringLiteral("BEGIN IMMEDIATE")))
            return makeError(ErrorKind::Conflict,
                             QStringLiteral("journal %1: cannot lock for migration to version %2: %3")
                                 .arg(where)
                                 .arg(version)
                                 .arg(query.lastError().text()),
                             QStringLiteral("another Opsdeck holds the journal; try again"));
        auto inside = currentVersion(db);
        if (inside && *inside >= version) { // another process migrated it meanwhile
            query.exec(QStringLiteral("COMMIT"));
            continue;
        }
        QString failure;
        for (const QString &statement : statements(version)) {
            if (!query.exec(statement)) {
                failure = QStringLiteral("%1 (%2)").arg(query.lastError().text(), statement.left(60));
                break;
            }
        }
        if (failure.isEmpty() && !query.exec(QStringLiteral("PRAGMA user_version = %1").arg(version)))
            failure = query.lastError().text();
        if (failure.isEmpty() && !query.exec(QStringLiteral("COMMIT")))
            failure = query.lastError().text();
        if (!failure.isEmpty()) {
            QSqlQuery(db).exec(QStringLiteral("ROLLBACK"));
            return makeError(ErrorKind::Config,
                             QStringLiteral("journal %1: migration to schema version %2 failed: %3")
                                 .arg(where)
                                 .arg(version)
                                 .arg(failure),
                             QStringLiteral("the file is unchanged; move it aside to start a new journal"));
        }
        qCInfo(lcCore) << "journal" << where << "migrated to schema version" << version;
    }
    return {};
}

} // namespace Opsdeck
