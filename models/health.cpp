#include "health.h"

#include "servicesummary.h"

namespace Opsdeck {

QString toString(Health health)
{
    switch (health) {
    case Health::Healthy:
        return QStringLiteral("Healthy");
    case Health::Degraded:
        return QStringLiteral("Degraded");
    case Health::Unhealthy:
        return QStringLiteral("Unhealthy");
    case Health::Unknown:
        return QStringLiteral("Unknown");
    case Health::Stale:
        return QStringLiteral("Stale");
    }
    return QStringLiteral("Unknown");
}

int severity(Health health)
{
    switch (health) {
    case Health::Unhealthy:
        return 4;
    case Health::Degraded:
        return 3;
    case Health::Stale:
        return 2;
    case Health::Unknown:
        return 1;
    case Health::Healthy:
        return 0;
    }
    return 1;
}

Health deriveHealth(const ServiceSummary &s, bool synced, bool sourceDown)
{
    if (sourceDown)
        return Health::Stale;
    if (!synced || (!s.stable.present && !s.canary.present && s.pods == 0))
        return Health::Unknown;
    const int desired = s.desired();
    if (desired == 0 && s.crashLooping == 0)
        return Health::Healthy; // scaled to zero on purpose: nothing is missing
    if ((desired > 0 && s.ready() == 0) || (s.pods > 0 && s.crashLooping >= s.pods))
        return Health::Unhealthy;
    if (s.ready() < desired || s.crashLooping > 0 || s.rolloutStuck())
        return Health::Degraded;
    return Health::Healthy;
}

Health combineHealth(Health resourceHealth, std::optional<HealthStatus> report)
{
    if (!report || resourceHealth == Health::Unknown || resourceHealth == Health::Stale)
        return resourceHealth;
    Health fromReport = Health::Healthy;
    switch (*report) {
    case HealthStatus::Unhealthy:
        fromReport = Health::Unhealthy;
        break;
    case HealthStatus::Degraded:
        fromReport = Health::Degraded;
        break;
    case HealthStatus::Healthy:
    case HealthStatus::Unknown:
        return resourceHealth;
    }
    return severity(fromReport) > severity(resourceHealth) ? fromReport : resourceHealth;
}

int severity(BreakerState::State state)
{
    switch (state) {
    case BreakerState::State::Open:
    case BreakerState::State::Isolated:
        return 3;
    case BreakerState::State::HalfOpen:
        return 2;
    case BreakerState::State::Closed:
        return 0;
    }
    return 0;
}

} // namespace Opsdeck
