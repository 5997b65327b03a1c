#pragma once

// `opsdeck costs [--scope S] [--period mtd|last-month] [--csv|--json] --azure-config FILE` (CLI.md):
// runs the costmanagement plugin's source once, headless, and prints the cost table per Service tag
// ("(untagged)" and "(shared)" included).

#include <QStringList>

namespace Opsdeck {

int runCostsCommand(const QStringList &arguments);

} // namespace Opsdeck
