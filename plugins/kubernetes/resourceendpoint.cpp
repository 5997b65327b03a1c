#include "resourceendpoint.h"

using Opsdeck::ResourceKind;

QString ResourceEndpoint::path(const QString &ns) const
{
    if (ns.isEmpty())
        return groupPath + u'/' + plural;
    return groupPath + QStringLiteral("/namespaces/") + ns + u'/' + plural;
}

QString ResourceEndpoint::displayName() const
{
    if (groupPath == u"/api/v1")
        return plural;
    // "/apis/apps/v1" -> "deployments.apps"
    const QString group = groupPath.section(u'/', 2, 2);
    return plural + u'.' + group;
}

QList<ResourceEndpoint> ResourceEndpoint::watched()
{
    return {
        {ResourceKind::Pod, QStringLiteral("/api/v1"), QStringLiteral("pods"), false},
        {ResourceKind::Deployment, QStringLiteral("/apis/apps/v1"), QStringLiteral("deployments"), false},
        {ResourceKind::ReplicaSet, QStringLiteral("/apis/apps/v1"), QStringLiteral("replicasets"), false},
        {ResourceKind::HorizontalPodAutoscaler, QStringLiteral("/apis/autoscaling/v2"),
         QStringLiteral("horizontalpodautoscalers"), false},
        {ResourceKind::Ingress, QStringLiteral("/apis/networking.k8s.io/v1"), QStringLiteral("ingresses"), false},
        // Gateway API is a CRD: many clusters do not have it.
        {ResourceKind::HttpRoute, QStringLiteral("/apis/gateway.networking.k8s.io/v1"), QStringLiteral("httproutes"), true},
        {ResourceKind::Service, QStringLiteral("/api/v1"), QStringLiteral("services"), false},
        {ResourceKind::Event, QStringLiteral("/api/v1"), QStringLiteral("events"), false},
    };
}

ResourceEndpoint ResourceEndpoint::metrics()
{
    return {ResourceKind::PodMetrics, QStringLiteral("/apis/metrics.k8s.io/v1beta1"), QStringLiteral("pods"), true};
}
