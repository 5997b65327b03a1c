#pragma once

// The journal's schema, versioned in `PRAGMA user_version` (0 = empty file). Each migration takes the
// database from version N-1 to N in one transaction, so a crash mid-migration leaves the old version.
// A file written by a newer Opsdeck (a higher version) is refused, never downgraded.

#include "error.h"

#include <QStringList>

class QSqlDatabase;

namespace Opsdeck {

class JournalMigrations
{
public:
    static int latestVersion();
    // The statements that take version `version - 1` to `version` (1..latestVersion()).
    static QStringList statements(int version);
    static Result<int> currentVersion(QSqlDatabase &db);
    // Brings the database to latestVersion(); `where` names the file in error messages.
    static Result<void> migrate(QSqlDatabase &db, const QString &where);
};

} // namespace Opsdeck
