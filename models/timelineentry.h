#pragma once

// One moment on the war room's merged timeline (issue 9 §3): what happened, to which service, when, and
// where it came from. Plain values: the timeline model merges them live, the RCA export (§6) reads the
// same entries for a time window, headless from the journal and the alert log.

#include "servicekey.h"

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>

namespace Opsdeck {

struct TimelineEntry
{
    enum class Kind {
        Event,          // a Kubernetes Event (reason, message)
        Scaling,        // replicas or HPA desired replicas changed
        Rollout,        // a Deployment's revision or image changed, a rollout finished
        CanaryWeight,   // the canary Ingress' weight changed
        Action,         // an action from the journal (started/succeeded/failed/…)
        Alert,          // an alert raised or ended
        Breaker,        // a circuit breaker transition (Closed → Open, …)
        Health,         // a service's health changed (Healthy → Unhealthy, …)
        Budget,         // a budget threshold crossed (actual or forecast)
        Drill,          // a drill injected a fault, detected it, recovered
    };
    enum class Severity {
        Info,
        Warning,
        Critical,
    };

    QDateTime at;       // UTC
    Kind kind = Kind::Event;
    Severity severity = Severity::Info;
    ServiceKey service; // empty: the whole estate (a source down, a shared budget)
    QString title;      // one line, plain text: "Breaker products-db Closed → Open"
    QString detail;     // more plain text (server messages, the action's result); may be empty
    QString source;     // what reported it: "kubernetes:sim", "journal", "alerts", "costmanagement"
    QString reference;  // a stable id within its kind (journal id, alert id, event uid) for de-duplication

    friend bool operator==(const TimelineEntry &, const TimelineEntry &) = default;
};

QString toString(TimelineEntry::Kind kind);     // "event", "scaling", "rollout", "canary-weight", "action", "alert",
                                                // "breaker", "health", "budget", "drill"
QString toString(TimelineEntry::Severity severity); // "info", "warning", "critical"

// Timeline order: oldest first; at equal times by kind (the order of the enum), then by reference, so
// a merge of the same entries always comes out the same.
bool timelineLess(const TimelineEntry &a, const TimelineEntry &b);

} // namespace Opsdeck

Q_DECLARE_METATYPE(Opsdeck::TimelineEntry)
