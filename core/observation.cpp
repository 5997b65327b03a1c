#include "observation.h"

#include "sourceconfig.h"

namespace Opsdeck {

void registerObservationMetaTypes()
{
    qRegisterMetaType<Error>();
    qRegisterMetaType<ServiceKey>();
    qRegisterMetaType<PodInfo>();
    qRegisterMetaType<PodMetricsInfo>();
    qRegisterMetaType<DeploymentInfo>();
    qRegisterMetaType<ReplicaSetInfo>();
    qRegisterMetaType<HpaInfo>();
    qRegisterMetaType<IngressInfo>();
    qRegisterMetaType<HttpRouteInfo>();
    qRegisterMetaType<ServiceInfo>();
    qRegisterMetaType<EventInfo>();
    qRegisterMetaType<ResourceKey>();
    qRegisterMetaType<ResourceDelta>();
    qRegisterMetaType<TelemetrySeries>();
    qRegisterMetaType<TelemetryBreakdown>();
    qRegisterMetaType<HealthReport>();
    qRegisterMetaType<BreakerState>();
    qRegisterMetaType<CostSeries>();
    qRegisterMetaType<CostBudget>();
    qRegisterMetaType<SqlDatabase>();
    qRegisterMetaType<SqlDatabaseList>();
    qRegisterMetaType<ActionDescriptor>();
    qRegisterMetaType<ActionRequest>();
    qRegisterMetaType<ActionChange>();
    qRegisterMetaType<ActionPreview>();
    qRegisterMetaType<OperationStatus>();
    qRegisterMetaType<SourceStatus>();
    qRegisterMetaType<SourceConfig>();
    qRegisterMetaType<Observation>();
    qRegisterMetaType<ObservationBatch>();
}

QString toString(ResourceKind kind)
{
    switch (kind) {
    case ResourceKind::Pod:
        return QStringLiteral("Pod");
    case ResourceKind::PodMetrics:
        return QStringLiteral("PodMetrics");
    case ResourceKind::Deployment:
        return QStringLiteral("Deployment");
    case ResourceKind::ReplicaSet:
        return QStringLiteral("ReplicaSet");
    case ResourceKind::HorizontalPodAutoscaler:
        return QStringLiteral("HorizontalPodAutoscaler");
    case ResourceKind::Ingress:
        return QStringLiteral("Ingress");
    case ResourceKind::HttpRoute:
        return QStringLiteral("HTTPRoute");
    case ResourceKind::Service:
        return QStringLiteral("Service");
    case ResourceKind::Event:
        return QStringLiteral("Event");
    }
    Q_UNREACHABLE();
    return {};
}

QString toString(ResourceDelta::Type type)
{
    switch (type) {
    case ResourceDelta::Type::Added:
        return QStringLiteral("Added");
    case ResourceDelta::Type::Modified:
        return QStringLiteral("Modified");
    case ResourceDelta::Type::Deleted:
        return QStringLiteral("Deleted");
    case ResourceDelta::Type::Relisted:
        return QStringLiteral("Relisted");
    case ResourceDelta::Type::Synced:
        return QStringLiteral("Synced");
    }
    Q_UNREACHABLE();
    return {};
}

QString toString(HealthStatus status)
{
    switch (status) {
    case HealthStatus::Unknown:
        return QStringLiteral("Unknown");
    case HealthStatus::Healthy:
        return QStringLiteral("Healthy");
    case HealthStatus::Degraded:
        return QStringLiteral("Degraded");
    case HealthStatus::Unhealthy:
        return QStringLiteral("Unhealthy");
    }
    Q_UNREACHABLE();
    return {};
}

QString toString(BreakerState::State state)
{
    switch (state) {
    case BreakerState::State::Closed:
        return QStringLiteral("Closed");
    case BreakerState::State::Open:
        return QStringLiteral("Open");
    case BreakerState::State::HalfOpen:
        return QStringLiteral("HalfOpen");
    case BreakerState::State::Isolated:
        return QStringLiteral("Isolated");
    }
    Q_UNREACHABLE();
    return {};
}

QString toString(OperationStatus::State state)
{
    switch (state) {
    case OperationStatus::State::Pending:
        return QStringLiteral("pending");
    case OperationStatus::State::Running:
        return QStringLiteral("running");
    case OperationStatus::State::Succeeded:
        return QStringLiteral("succeeded");
    case OperationStatus::State::Failed:
        return QStringLiteral("failed");
    case OperationStatus::State::Refused:
        return QStringLiteral("refused");
    }
    Q_UNREACHABLE();
    return {};
}

QString toString(Track track)
{
    switch (track) {
    case Track::Unknown:
        return QStringLiteral("unknown");
    case Track::Stable:
        return QStringLiteral("stable");
    case Track::Canary:
        return QStringLiteral("canary");
    }
    Q_UNREACHABLE();
    return {};
}

QString toString(SourceStatus::State state)
{
    switch (state) {
    case SourceStatus::State::Connecting:
        return QStringLiteral("Connecting");
    case SourceStatus::State::Ok:
        return QStringLiteral("Ok");
    case SourceStatus::State::Degraded:
        return QStringLiteral("Degraded");
    case SourceStatus::State::Down:
        return QStringLiteral("Down");
    }
    Q_UNREACHABLE();
    return {};
}

} // namespace Opsdeck
