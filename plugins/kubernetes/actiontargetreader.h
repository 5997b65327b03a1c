#pragma once

// Reads what an action works on, fresh from the API server (never from a cache: an action must act on
// what is there now): the namespace's Deployments, Ingresses, HTTPRoutes (absent API = none) and HPAs,
// picked by ActionTargets::select, and on request the ReplicaSets of one track's Deployment (its
// selector, as kubectl rollout undo lists them).

#include "actiontargets.h"
#include "error.h"

#include <QObject>
#include <QString>

#include <functional>
#include <optional>

class ActionClient;

class ActionTargetReader
{
public:
    using Callback = std::function<void(const Opsdeck::Result<ActionTargets> &)>;

    // `done` runs once, in `context`'s thread, unless `context` goes first.
    static void read(ActionClient *client, const QString &ns, const QString &service, const QString &appLabel,
                     std::optional<Opsdeck::Track> replicaSetsOf, QObject *context, Callback done);
    // "app=productservice,version=stable" from a Deployment's spec.selector.matchLabels.
    static QString selectorOf(const QJsonObject &deployment);
};
