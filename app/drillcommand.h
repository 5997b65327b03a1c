#pragma once

// `opsdeck drill SCENARIO --service S [--json] [--timeout SECONDS]` (CLI.md, issue 9 §5/§7): runs one
// drill against an opsdeck-sim — injects the scenario's fault through the sim's chaos API, waits for the
// matching alert, clears the fault, waits until the service is Healthy again — records it in the journal's
// drill_runs, and prints `detectedSeconds=… recoveredSeconds=…` as its last line (with --json one object).
// Refuses (exit 3) when the cluster is not an opsdeck-sim or the service is not Healthy to begin with.

#include <QStringList>

namespace Opsdeck {

int runDrillCommand(const QStringList &arguments);

} // namespace Opsdeck
