#pragma once

// Builds synthetic observation batches shaped like the Kubernetes plugin's (observation.h): a service
// with stable/canary Deployments, ReplicaSets, pods, an HPA, routing objects and events.

#include "observation.h"

#include <QDateTime>
#include <QString>

namespace Opsdeck::Test {

inline const QString Ctx = QStringLiteral("ctx");
inline const QString Ns = QStringLiteral("microservices");

inline ResourceKey key(ResourceKind kind, const QString &name, const QString &ns = Ns, const QString &context = Ctx)
{
    return ResourceKey{context, kind, ns, name};
}

inline Observation added(ResourceKind kind, const QString &name, KubernetesObject object, const QString &ns = Ns,
                         const QString &context = Ctx, ResourceDelta::Type type = ResourceDelta::Type::Added)
{
    return ResourceDelta{type, key(kind, name, ns, context), std::move(object)};
}

inline Observation deleted(ResourceKind kind, const QString &name, const QString &ns = Ns, const QString &context = Ctx)
{
    return ResourceDelta{ResourceDelta::Type::Deleted, key(kind, name, ns, context), {}};
}

inline Observation relisted(ResourceKind kind, const QString &ns = {}, const QString &context = Ctx)
{
    return ResourceDelta{ResourceDelta::Type::Relisted, key(kind, {}, ns, context), {}};
}

inline Observation synced(ResourceKind kind, const QString &context = Ctx)
{
    return ResourceDelta{ResourceDelta::Type::Synced, key(kind, {}, {}, context), {}};
}

inline PodInfo pod(const QString &app, Track track, int index, bool ready = true, const QString &waiting = {})
{
    PodInfo p;
    p.name = QStringLiteral("%1-%2-%3").arg(app, track == Track::Canary ? QStringLiteral("canary") : QStringLiteral("stable")).arg(index);
    p.ns = Ns;
    p.app = app;
    p.track = track;
    p.phase = QStringLiteral("Running");
    p.ready = ready;
    p.readyContainers = ready ? 1 : 0;
    p.containers = 1;
    p.waitingReason = waiting;
    p.restarts = waiting.isEmpty() ? 0 : 5;
    p.node = QStringLiteral("node-1");
    p.startTime = QDateTime(QDate(2026, 1, 1), QTime(12, 0), Qt::UTC);
    return p;
}

inline DeploymentInfo deployment(const QString &app, Track track, int desired, int ready)
{
    DeploymentInfo d;
    d.name = app + (track == Track::Canary ? QStringLiteral("-canary") : QStringLiteral("-stable"));
    d.ns = Ns;
    d.app = app;
    d.track = track;
    d.desiredReplicas = desired;
    d.readyReplicas = ready;
    d.updatedReplicas = desired;
    d.availableReplicas = ready;
    d.revision = track == Track::Canary ? 2 : 4;
    d.image = QStringLiteral("registry/%1:%2").arg(app, track == Track::Canary ? QStringLiteral("1.5.0") : QStringLiteral("1.4.2"));
    d.generation = 3;
    d.observedGeneration = 3;
    return d;
}

inline HpaInfo hpa(const QString &app, int current, int desired, int min, int max, int cpu, int target)
{
    HpaInfo h;
    h.name = app;
    h.ns = Ns;
    h.targetKind = QStringLiteral("Deployment");
    h.targetName = app + QStringLiteral("-stable");
    h.currentReplicas = current;
    h.desiredReplicas = desired;
    h.minReplicas = min;
    h.maxReplicas = max;
    h.cpuCurrentPercent = cpu;
    h.cpuTargetPercent = target;
    return h;
}

inline IngressInfo canaryIngress(const QString &app, int weight, int total = 100)
{
    IngressInfo i;
    i.name = app + QStringLiteral("-canary");
    i.ns = Ns;
    i.host = QStringLiteral("api.example");
    i.path = QLatin1Char('/') + app;
    i.backendService = app + QStringLiteral("-canary");
    i.canary = true;
    i.canaryWeight = weight;
    i.canaryWeightTotal = total;
    return i;
}

inline HttpRouteInfo route(const QString &app, int stableWeight, int canaryWeight)
{
    HttpRouteInfo r;
    r.name = app;
    r.ns = Ns;
    r.backendRefs = {BackendRef{app + QStringLiteral("-stable"), 80, stableWeight},
                     BackendRef{app + QStringLiteral("-canary"), 80, canaryWeight}};
    return r;
}

inline EventInfo eventInfo(const QString &name, const QString &kind, const QString &object, bool warning, const QString &reason,
                       int minute)
{
    EventInfo e;
    e.name = name;
    e.ns = Ns;
    e.involvedKind = kind;
    e.involvedName = object;
    e.reason = reason;
    e.message = QStringLiteral("%1 happened to %2").arg(reason, object);
    e.warning = warning;
    e.lastTime = QDateTime(QDate(2026, 1, 1), QTime(12, minute), Qt::UTC);
    return e;
}

inline std::vector<Observation> allSynced(const QString &context = Ctx)
{
    std::vector<Observation> out;
    for (ResourceKind kind : {ResourceKind::Pod, ResourceKind::Deployment, ResourceKind::ReplicaSet,
                              ResourceKind::HorizontalPodAutoscaler, ResourceKind::Ingress, ResourceKind::HttpRoute,
                              ResourceKind::Service, ResourceKind::Event})
        out.push_back(synced(kind, context));
    return out;
}

// A service as the sim makes it: stable and canary Deployments with their pods, all ready.
inline std::vector<Observation> service(const QString &app, int stable, int canary, const QString &context = Ctx)
{
    std::vector<Observation> out;
    out.push_back(added(ResourceKind::Deployment, app + QStringLiteral("-stable"), deployment(app, Track::Stable, stable, stable), Ns, context));
    for (int i = 0; i < stable; ++i) {
        const PodInfo p = pod(app, Track::Stable, i);
        out.push_back(added(ResourceKind::Pod, p.name, p, Ns, context));
    }
    if (canary > 0) {
        out.push_back(added(ResourceKind::Deployment, app + QStringLiteral("-canary"), deployment(app, Track::Canary, canary, canary), Ns, context));
        for (int i = 0; i < canary; ++i) {
            const PodInfo p = pod(app, Track::Canary, i);
            out.push_back(added(ResourceKind::Pod, p.name, p, Ns, context));
        }
    }
    return out;
}

inline ObservationBatch batch(std::vector<Observation> observations, const QString &source = QStringLiteral("kubernetes:ctx"))
{
    return ObservationBatch{source, QDateTime(QDate(2026, 1, 1), QTime(12, 30), Qt::UTC), std::move(observations)};
}

inline void append(std::vector<Observation> &to, std::vector<Observation> more)
{
    for (Observation &o : more)
        to.push_back(std::move(o));
}

} // namespace Opsdeck::Test
