#pragma once

// `opsdeck alerts [--json] [--wait SECONDS] [--timeout SECONDS]` (CLI.md): watches the estate headless
// (HeadlessEstate: the context's kubernetes source, the Azure sources with --azure-config) until one sync,
// lets the rules hold for --wait seconds when asked, and prints the active alerts, worst first. Exit 0
// whatever it found; 1 when the estate could not be read; 2 on usage errors.

#include <QStringList>

namespace Opsdeck {

int runAlertsCommand(const QStringList &arguments);

} // namespace Opsdeck
