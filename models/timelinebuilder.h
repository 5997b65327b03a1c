#pragma once

// Turns what Opsdeck knows into timeline entries (issue 9 §3): journaled actions, alerts, Kubernetes
// Events, breaker transitions, and the differences between two states of a service or of the budgets.
// Pure functions on plain values, so the live TimelineModel and the headless RCA export (§6) build the
// same entries with the same references (de-duplication by (kind, reference) works across both).

#include "alert.h"
#include "costalert.h"
#include "journalentry.h"
#include "servicestore.h"
#include "servicesummary.h"
#include "timelineentry.h"

#include <QDateTime>
#include <QList>
#include <QString>

namespace Opsdeck {

class TimelineBuilder
{
public:
    // One entry when an action started (reference "<id>:started", at startedAt) and, once it is final,
    // one when it ended (reference "<id>:<status>", at finishedAt; Failed/Interrupted are warnings).
    static QList<TimelineEntry> fromJournal(const QList<JournalEntry> &entries);

    // Per alert: a "raised" entry at `since` (reference "<id>@<since ms>:raised") and, when it ended, an
    // "ended" entry at `ended` (reference "<id>@<since ms>:ended", severity Info).
    static QList<TimelineEntry> fromAlerts(const QList<Alert> &alerts);
    static TimelineEntry raised(const Alert &alert);
    static TimelineEntry ended(const Alert &alert);

    // Kubernetes Events (reference "<context>/<ns>/<event name>@<lastTime ms>", so a repeat that bumps
    // count and lastTime is a new moment). Without a ServiceKey the service is read from the involved
    // object's name (a Pod "productservice-7d9c8-x2x9z" → "productservice", a ReplicaSet loses one hash
    // suffix, anything else is its own name); with one, every event belongs to that service.
    static QList<TimelineEntry> fromEvents(const QList<EventInfo> &events, const QString &context);
    static QList<TimelineEntry> fromEvents(const QList<EventInfo> &events, const ServiceKey &service);
    // The service name an involved object belongs to (the guess above).
    static QString serviceNameOf(const QString &involvedKind, const QString &involvedName);

    // A service's breaker transitions (ServiceStore::breakerHistory): one entry each, reference
    // "<context>/<ns>/<service>/<breaker>/<track>@<at ms>"; Open/Isolated critical, HalfOpen warning.
    static QList<TimelineEntry> fromBreakerHistory(const ServiceKey &service,
                                                   const QList<BreakerTransition> &transitions);

    // What changed between two states of one service, stamped `at`: Scaling (spec replicas per track,
    // HPA desired replicas), Rollout (revision or image per track; a rollout stuck), CanaryWeight, Health.
    // Breakers are not diffed here (their history has exact times: fromBreakerHistory). A service seen
    // for the first time (`before` null) yields nothing: there is no change to tell. References are
    // "<context>/<ns>/<service>/<what>@<at ms>".
    static QList<TimelineEntry> diff(const ServiceSummary *before, const ServiceSummary &after,
                                     const QDateTime &at);

    // Budget crossings: an alert in `after` that was not in `before` (by id) is a crossing at its `since`
    // (reference "<alert id>@<since ms>:crossed"); one gone is "back under" at `at`
    // (reference "<alert id>@<since ms>:cleared", Info).
    static QList<TimelineEntry> budgetCrossings(const QList<CostAlert> &before, const QList<CostAlert> &after,
                                                const QDateTime &at);
    static TimelineEntry budgetCrossed(const CostAlert &alert);

    // Every entry of `entries` whose time lies in [from, to] (either bound may be invalid: open).
    static QList<TimelineEntry> between(const QList<TimelineEntry> &entries, const QDateTime &from,
                                        const QDateTime &to);
    // Sorted by timelineLess, de-duplicated by (kind, reference): of equal keys the last one given wins
    // (an empty reference is never de-duplicated).
    static QList<TimelineEntry> merged(const QList<TimelineEntry> &entries);

    static TimelineEntry::Severity severityOf(Alert::Severity severity);
};

} // namespace Opsdeck
