#pragma once

// The one status vocabulary of Opsdeck (DESIGN §11). Models expose it through HealthRole; ui/ alone maps
// it to an icon, a colour and a word on screen.

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

} // namespace Opsdeck

Q_DECLARE_METATYPE(Opsdeck::Health)
