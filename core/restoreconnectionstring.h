#pragma once

// An ADO.NET / SqlClient connection string ("Server=tcp:x.database.windows.net,1433;Initial
// Catalog=ProductDb;User ID=u;Password=p;…") as the restore runbook touches it: which database it names,
// the same string pointed at another database (every other key kept as written), and the string with
// its secrets masked for previews, the journal and logs. Keys are case-insensitive; the database is
// `Initial Catalog` or `Database`, the secret `Password` or `Pwd`.

#include "error.h"

#include <QString>

namespace Opsdeck {

class RestoreConnectionString
{
public:
    static constexpr const char *Mask = "*****";

    // The database the string names; empty when none.
    static QString database(const QString &text);
    // The string naming `database` instead; Error{Invalid} when it names no database.
    static Result<QString> retarget(const QString &text, const QString &database);
    // Password/Pwd values replaced by Mask.
    static QString masked(const QString &text);
};

} // namespace Opsdeck
