#include "subcommand.h"

#include "actcommand.h"
#include "alertscommand.h"
#include "costscommand.h"
#include "drillcommand.h"
#include "journalcommand.h"
#include "rcacommand.h"

namespace Opsdeck {

QList<Subcommand> subcommands()
{
    // Each command adds itself here: {name, summary, &runXCommand, needsGui}.
    return {
        {QStringLiteral("act"), QStringLiteral("Run an action on a service (canary-weight, promote, abort, undo, scale, restart)"), &runActCommand, false},
        {QStringLiteral("alerts"), QStringLiteral("Print the active alerts of the estate after one sync (--json, --wait SECONDS)"), &runAlertsCommand, false},
        {QStringLiteral("costs"), QStringLiteral("Print the cost per service of an Azure scope: month to date, last month, forecast, budgets"), &runCostsCommand, false},
        {QStringLiteral("drill"), QStringLiteral("Run a drill against an opsdeck-sim: inject a fault, time its alert and the recovery"), &runDrillCommand, false},
        {QStringLiteral("journal"), QStringLiteral("Print the action journal, newest first"), &runJournalCommand, false},
        {QStringLiteral("rca"), QStringLiteral("Write the root-cause analysis of a time window as Markdown or PDF, prefilled from the journal"), &runRcaCommand, true},
    };
}

const Subcommand *findSubcommand(const QString &name)
{
    static const QList<Subcommand> all = subcommands();
    for (const Subcommand &command : all) {
        if (command.name == name)
            return &command;
    }
    return nullptr;
}

} // namespace Opsdeck
