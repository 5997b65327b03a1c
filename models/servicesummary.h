#pragma once

// What Opsdeck knows about one service, derived by ServiceStore from the Kubernetes objects that belong
// to it (DESIGN §3). Plain values: models copy them, the snapshot writes them.

#include "health.h"
#include "kubernetesobjects.h"
#include "observation.h"
#include "servicekey.h"

#include <QDateTime>
#include <QString>

#include <optional>

namespace Opsdeck {

// One track (stable or canary): its Deployment(s) and their pods.
struct TrackSummary
{
    bool present = false;     // a Deployment of this track exists
    QString deployment;       // its name (the first, if several)
    int desired = 0;          // spec.replicas
    int ready = 0;            // status.readyReplicas
    int updated = 0;
    int available = 0;
    qint64 revision = 0;
    QString image;
    bool rolloutInProgress = false;
    bool rolloutStuck = false; // Progressing=False (ProgressDeadlineExceeded) or ReplicaFailure=True
    int pods = 0;
    int readyPods = 0;

    friend bool operator==(const TrackSummary &, const TrackSummary &) = default;
};

struct HpaSummary
{
    bool present = false;
    QString name;
    int current = 0;
    int desired = 0;
    int min = 1;
    int max = 0;
    std::optional<int> cpuPercent;
    std::optional<int> targetPercent;
    bool scalingLimited = false;

    friend bool operator==(const HpaSummary &, const HpaSummary &) = default;
};

// One Polly circuit breaker of the service, as its health report said last (per track when read per track).
struct BreakerSummary
{
    QString name;  // the dependency's pipeline ("productservice")
    Track track = Track::Unknown;
    BreakerState::State state = BreakerState::State::Closed;
    QDateTime since;

    friend bool operator==(const BreakerSummary &, const BreakerSummary &) = default;
};

struct ServiceSummary
{
    ServiceKey key;
    Health health = Health::Unknown;
    TrackSummary stable;
    TrackSummary canary;
    HpaSummary hpa;
    std::optional<double> canaryWeight; // percent of traffic to the canary
    QString canaryWeightSource;         // "Ingress <name>" | "HTTPRoute <name>"
    int pods = 0;                       // not Succeeded/Failed
    int readyPods = 0;
    int restarts = 0;
    int crashLooping = 0;               // pods waiting in CrashLoopBackOff
    std::optional<qint64> cpuMillicores; // summed pod metrics, when known
    std::optional<qint64> memoryBytes;
    std::optional<EventInfo> lastWarning;

    Health resourceHealth = Health::Unknown;   // from the Kubernetes objects alone
    std::optional<HealthStatus> reportStatus;  // the worst track's /health status, when one was read
    QString reportError;                       // why the latest /health read failed (its data is older)
    QList<BreakerSummary> breakers;            // worst first, then by name and track
    bool stale = false;                        // the context's source is failing: data is last-known
    QDateTime staleSince;                      // since when (for "stale, 3 min")

    // The worst breaker's state; nullopt when the service reports none.
    std::optional<BreakerState::State> worstBreaker() const
    {
        return breakers.isEmpty() ? std::nullopt : std::optional(breakers.constFirst().state);
    }

    bool rolloutInProgress() const { return stable.rolloutInProgress || canary.rolloutInProgress; }
    bool rolloutStuck() const { return stable.rolloutStuck || canary.rolloutStuck; }
    int desired() const { return stable.desired + canary.desired; }
    int ready() const { return stable.ready + canary.ready; }

    friend bool operator==(const ServiceSummary &, const ServiceSummary &) = default;
};

} // namespace Opsdeck

Q_DECLARE_METATYPE(Opsdeck::ServiceSummary)
