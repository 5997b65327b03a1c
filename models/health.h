#pragma once

// The one status vocabulary of Opsdeck (DESIGN §11). Models expose it through HealthRole; ui/ alone maps
// it to an icon, a colour and a word on screen.

#include "observation.h"

#include <QMetaType>
#include <QString>

namespace Opsdeck {

struct ServiceSummary;

enum class Health {
    Healthy,
    Degraded,
    Unhealthy,
    Unknown,
    Stale,
};

// "Healthy" | "Degraded" | "Unhealthy" | "Unknown" | "Stale" (CLI.md's spelling, also in snapshots).
QString toString(Health health);

// Severity for sorting: Unhealthy first, then Degraded, Stale, Unknown, Healthy.
int severity(Health health);

// The rules, from the data only: not synced → Unknown; its source down → Stale (data kept);
// nothing wanted → Healthy; none ready, or every pod in CrashLoopBackOff → Unhealthy;
// some not ready, any CrashLoopBackOff, or a rollout stuck → Degraded; else Healthy.
Health deriveHealth(const ServiceSummary &service, bool synced, bool sourceDown);
// The resource health combined with the service's own /health report: the worse of the two (an
// unread report changes nothing; Unknown and Stale resource health stay as they are).
Health combineHealth(Health resourceHealth, std::optional<HealthStatus> report);
// Severity of a breaker state for "worst first": Open and Isolated 3, HalfOpen 2, Closed 0.
int severity(BreakerState::State state);

} // namespace Opsdeck

Q_DECLARE_METATYPE(Opsdeck::Health)
