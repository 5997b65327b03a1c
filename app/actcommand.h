#pragma once

// `opsdeck act ACTION --service S [--context C] [--namespace N] [--track stable|canary] [N]
// [--to-revision N] [--dry-run] [--yes] [--json]` (CLI.md, issue 6 §6): the same ActionService and
// journal as the app. Without --yes it prints the preview and exits 3 (nothing changed); --dry-run
// prints the server-side dry run's diff and exits 0; --yes applies, with progress on stderr, and exits
// 0 only on success. Refusals (403, 409, invalid value) exit 3, API or network failures 1, usage 2.
// OPSDECK_ACTION_PLUGIN picks another action plugin than "kubernetes" (tests: "test-actions").
// `restore-db --service S --database D --point-in-time ISO8601 [--new-name N] [--repoint]` (issue 8) is the
// azuresql plugin's point-in-time restore runbook and needs --azure-config; it exits 0 only once the
// service is verified healthy.

#include <QStringList>

namespace Opsdeck {

int runActCommand(const QStringList &arguments);

} // namespace Opsdeck
