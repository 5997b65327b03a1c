#pragma once

// What an action will do to a service, step by step, from the request and the objects as read
// (DESIGN §8): each step's API request (path, patch type and body), the object it changes as it was
// read (for the diff and the resourceVersion the patch carries), the permission it needs, whether it
// needs a typed confirmation, and how to tell, after a restart, that it has already happened. Also the
// warnings the preview shows. Pure: ActionRequest + ActionTargets in, plan out.

#include "actionpermissions.h"
#include "actiontargets.h"
#include "actiontypes.h"
#include "error.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

struct PlannedStep
{
    enum class Kind { Patch, WaitRollout };
    enum class Goal { Weight, Replicas, TemplateFromCanary, RolloutComplete, Restart, Undo };

    Kind kind = Kind::Patch;
    Goal goal = Goal::Weight;
    QString title;
    bool destructive = false;
    QString objectKind; // "Ingress", "Deployment"
    QString objectName;
    QString path;       // the object's (or its scale subresource's) API path
    QByteArray contentType;
    QJsonObject mergeBody; // merge / strategic merge patches; the resourceVersion goes in at send time
    QJsonArray jsonPatch;  // JSON patches (rollout undo, template copy)
    bool pin = false;      // carry the resourceVersion read (or shown at the preview): a stale one is a 409
    QString resourceVersion;
    QJsonObject before;    // the object as read; for the scale subresource just {spec: {replicas}}
    bool scaleSubresource = false;
    AccessCheck access;
    Opsdeck::Track track = Opsdeck::Track::Stable;
    int target = -1;       // Weight: percent; Replicas: count
};

struct ActionPlan
{
    QString actionId;
    QList<PlannedStep> steps;
    QStringList warnings;
    bool destructive = false;
    QString note; // said instead of changes when there is nothing to do ("skipped rollback (…)")

    static Opsdeck::Result<ActionPlan> build(const Opsdeck::ActionRequest &request, const ActionTargets &targets,
                                             const QString &ns, const QDateTime &now);
    // The permissions an action needs, before its objects are known (checkPermissions()): the weight
    // moves on the routing kind given ("Ingress" or "HTTPRoute").
    static QList<AccessCheck> accessFor(const QString &actionId, const QString &routingKind);
    // The track a request acts on: parameters["track"] ("stable"/"canary"), else request.track; promote
    // and abort act on the canary; Unknown means stable (CLI.md).
    static Opsdeck::Track trackOf(const Opsdeck::ActionRequest &request);
    // The body a patch step sends, with the resourceVersion when pinned.
    static QByteArray bodyOf(const PlannedStep &step, const QString &resourceVersion);
    // After a restart: whether step `step` has already happened, judged from the objects read now and
    // the step as the journal recorded it (its request, when it was sent).
    static bool isDone(const PlannedStep &step, const ActionTargets &now, const Opsdeck::ActionStep &journaled);

    QList<Opsdeck::ActionStep> actionSteps() const;
};
