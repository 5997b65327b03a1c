#pragma once

// Where the API server serves one kind Opsdeck watches: API group path and plural, e.g.
// /apis/apps/v1 + deployments; namespaced paths add /namespaces/{ns}/ (API-CONTRACTS §1).

#include "observation.h"

#include <QList>
#include <QString>

struct ResourceEndpoint
{
    Opsdeck::ResourceKind kind = Opsdeck::ResourceKind::Pod;
    QString groupPath;  // "/api/v1", "/apis/apps/v1", …
    QString plural;     // "pods"
    bool optional = false; // a CRD or aggregated API that may not be installed: 404 is "absent", not an error

    // The collection URL path: all namespaces when `ns` is empty.
    QString path(const QString &ns) const;
    // "pods", "deployments.apps" — for messages.
    QString displayName() const;

    // The kinds the informers watch (PodMetrics is polled, see metrics()).
    static QList<ResourceEndpoint> watched();
    static ResourceEndpoint metrics();
};
