#pragma once

// The objects an action on a service works on, picked from what the API server listed (DESIGN §3): the
// stable and canary Deployments (app label = the service, `version: stable|canary`), the NGINX canary
// Ingress (`nginx.ingress.kubernetes.io/canary: "true"`) or the Gateway API HTTPRoute that splits the
// traffic, and the HPAs. Also the canary weight they carry, the patch that sets it, and whether a
// Deployment's rollout is complete (kubectl rollout status' rules). Pure: JSON in, values out.

#include "error.h"
#include "kubernetesobjects.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

#include <optional>

struct ActionTargets
{
    QJsonObject stable;        // Deployment, empty when none
    QJsonObject canary;        // Deployment, empty when none
    QJsonObject canaryIngress; // NGINX canary Ingress, empty when none
    QJsonObject route;         // HTTPRoute with a canary backendRef, empty when none
    QJsonArray hpas;           // every HPA of the namespace
    QJsonArray replicaSets;    // only when read for rollout-undo / history

    static constexpr const char *kCanary = "nginx.ingress.kubernetes.io/canary";
    static constexpr const char *kWeight = "nginx.ingress.kubernetes.io/canary-weight";
    static constexpr const char *kWeightTotal = "nginx.ingress.kubernetes.io/canary-weight-total";

    // Picks the service's objects out of namespace lists (items arrays).
    static ActionTargets select(const QString &service, const QString &appLabel, const QJsonArray &deployments,
                                const QJsonArray &ingresses, const QJsonArray &routes, const QJsonArray &hpas);
    // Which track a Deployment serves: its `version` label, else a "-canary"/"-stable" name suffix.
    static Opsdeck::Track trackOf(const QJsonObject &deployment);

    const QJsonObject &deployment(Opsdeck::Track track) const { return track == Opsdeck::Track::Canary ? canary : stable; }
    bool hasRouting() const { return !canaryIngress.isEmpty() || !route.isEmpty(); }
    // "Ingress" or "HTTPRoute"; the object that carries the weight.
    QString routingKind() const;
    const QJsonObject &routingObject() const { return canaryIngress.isEmpty() ? route : canaryIngress; }

    // The canary's share of traffic in percent (rounded), as the routing object says now.
    std::optional<int> canaryWeight() const;
    // The merge patch that sets the canary's share to `percent` (0..100), with the routing object's
    // resourceVersion `pinned` unless empty. NGINX: canary-weight scaled to canary-weight-total.
    // HTTPRoute: the canary backendRef gets `percent`, the other refs of its rule share 100 - percent.
    Opsdeck::Result<QJsonObject> weightPatch(int percent, const QString &pinned) const;
    // The HPA whose scaleTargetRef is the Deployment `name`, empty when none.
    QJsonObject hpaFor(const QString &deploymentName) const;

    // kubectl rollout status: done when the controller saw the latest generation and every replica is
    // updated and available. `progress` 0..1; `failed` with a reason after ProgressDeadlineExceeded.
    struct Rollout
    {
        bool done = false;
        bool failed = false;
        double progress = 0;
        QString message; // "2 of 3 updated replicas are available"
    };
    static Rollout rolloutOf(const QJsonObject &deployment);

    static QString nameOf(const QJsonObject &object);
    static QString resourceVersionOf(const QJsonObject &object);
    static int replicasOf(const QJsonObject &deployment); // spec.replicas, default 1
};
