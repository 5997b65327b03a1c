#pragma once

// `opsdeck rca --from ISO8601 --to ISO8601 --format md|pdf --output FILE [--title TEXT]` (issue 9 §7): the
// root-cause analysis of a time window, prefilled from the journal, the alert log and the drill runs
// ($OPSDECK_DATA_DIR/journal.sqlite or the app-data one). Runs in a QGuiApplication (offscreen) for the PDF.

#include <QStringList>

namespace Opsdeck {

int runRcaCommand(const QStringList &arguments);

} // namespace Opsdeck
