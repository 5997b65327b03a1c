#pragma once

// `opsdeck journal [--json]` (CLI.md): the action journal, newest first, as a table or as
// {entries: [...]}. Filters: --service, --action, --status, --limit.

#include <QString>
#include <QStringList>

namespace Opsdeck {

int runJournalCommand(const QStringList &arguments);

// The journal file the app and every command share: $OPSDECK_DATA_DIR/journal.sqlite when that is set
// (tests, portable setups), else Journal::defaultPath() in the app-data folder.
QString journalFilePath();

} // namespace Opsdeck
