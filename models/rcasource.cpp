#include "rcasource.h"

#include "alertlog.h"
#include "drillstore.h"
#include "journal.h"
#include "journalfilter.h"
#include "timelinebuilder.h"

#include <QDir>

namespace Opsdeck {

Result<RcaReport::Inputs> RcaSource::read(const Journal &journal, const QDateTime &from, const QDateTime &to)
{
    if (!journal.isOpen())
        return tl::unexpected(Error { ErrorKind::Config,
                                      QStringLiteral("RCA: the journal is not open"),
                                      QStringLiteral("Open the journal first."),
                                      {} });

    RcaReport::Inputs inputs;
    inputs.from = from.toUTC();
    inputs.to = to.toUTC();

    JournalFilter filter;
    filter.from = inputs.from.addSecs(-ActionLookbackSeconds);
    filter.to = inputs.to.addMSecs(1); // the filter's end is exclusive, the report's inclusive
    Result<QList<JournalEntry>> entries = journal.entries(filter);
    if (!entries)
        return tl::unexpected(entries.error());
    inputs.journal = *entries;

    AlertLog alerts;
    if (Result<void> opened = alerts.open(journal.path()); !opened)
        return tl::unexpected(opened.error());
    Result<QList<Alert>> raised = alerts.between(inputs.from, inputs.to);
    if (!raised)
        return tl::unexpected(raised.error());
    inputs.alerts = *raised;

    DrillStore drills;
    if (Result<void> opened = drills.open(journal.path()); !opened)
        return tl::unexpected(opened.error());
    Result<QList<DrillRun>> runs = drills.between(inputs.from, inputs.to);
    if (!runs)
        return tl::unexpected(runs.error());
    inputs.drills = *runs;

    inputs.timeline = TimelineBuilder::fromJournal(inputs.journal);
    inputs.timeline += TimelineBuilder::fromAlerts(inputs.alerts);
    inputs.timeline += DrillStore::toTimeline(inputs.drills);
    inputs.sources = { QStringLiteral("the journal (%1)").arg(QDir::toNativeSeparators(journal.path())),
                       QStringLiteral("the alert log"), QStringLiteral("drill runs") };
    return inputs;
}

} // namespace Opsdeck
