#include "actionplan.h"

#include "observation.h"
#include "rolloutundo.h"

#include <QHash>
#include <QJsonDocument>

using namespace Opsdeck;

namespace {

const QByteArray kMerge = QByteArrayLiteral("application/merge-patch+json");
const QByteArray kStrategic = QByteArrayLiteral("application/strategic-merge-patch+json");
const QByteArray kJsonPatch = QByteArrayLiteral("application/json-patch+json");
const QString kRestartedAt = QStringLiteral("kubectl.kubernetes.io/restartedAt");

QString deploymentPath(const QString &ns, const QString &name)
{
    return QStringLiteral("/apis/apps/v1/namespaces/%1/deployments/%2").arg(ns, name);
}

QString imagesOf(const QJsonObject &podTemplate)
{
    QStringList images;
    for (const QJsonValue &c : podTemplate.value(u"spec").toObject().value(u"containers").toArray())
        images << c.toObject().value(u"image").toString();
    return images.join(QStringLiteral(", "));
}

QJsonObject templateOf(const QJsonObject &deployment)
{
    return deployment.value(u"spec").toObject().value(u"template").toObject();
}

AccessCheck routingAccess(const QString &routingKind)
{
    if (routingKind == u"HTTPRoute")
        return {QStringLiteral("patch"), QStringLiteral("gateway.networking.k8s.io"), QStringLiteral("httproutes"), {}};
    return {QStringLiteral("patch"), QStringLiteral("networking.k8s.io"), QStringLiteral("ingresses"), {}};
}

const AccessCheck kPatchDeployments{QStringLiteral("patch"), QStringLiteral("apps"), QStringLiteral("deployments"), {}};
const AccessCheck kScaleDeployments{QStringLiteral("patch"), QStringLiteral("apps"), QStringLiteral("deployments"),
                                    QStringLiteral("scale")};
const AccessCheck kGetDeployments{QStringLiteral("get"), QStringLiteral("apps"), QStringLiteral("deployments"), {}};
const AccessCheck kListReplicaSets{QStringLiteral("list"), QStringLiteral("apps"), QStringLiteral("replicasets"), {}};

Result<int> intParameter(const ActionRequest &request, const QString &name, int low, int high)
{
    const QVariant value = request.parameters.value(name);
    bool ok = false;
    const int number = value.toString().trimmed().toInt(&ok);
    if (!value.isValid() || !ok)
        return makeError(ErrorKind::Invalid,
                         QStringLiteral("%1 needs an integer '%2' (%3..%4), got '%5'")
                             .arg(request.actionId, name)
                             .arg(low)
                             .arg(high)
                             .arg(value.toString()),
                         QStringLiteral("give %1 as a whole number").arg(name));
    if (number < low || number > high)
        return makeError(ErrorKind::Invalid,
                         QStringLiteral("%1: %2 %3 is outside %4..%5").arg(request.actionId, name).arg(number).arg(low).arg(high));
    return number;
}

PlannedStep weightStep(const ActionTargets &targets, const QString &ns, int percent, bool pin)
{
    PlannedStep step;
    step.kind = PlannedStep::Kind::Patch;
    step.goal = PlannedStep::Goal::Weight;
    step.objectKind = targets.routingKind();
    const QJsonObject &object = targets.routingObject();
    step.objectName = ActionTargets::nameOf(object);
    step.title = QStringLiteral("Set canary weight to %1 % (%2/%3)").arg(percent).arg(step.objectKind, step.objectName);
    step.path = step.objectKind == u"Ingress"
                    ? QStringLiteral("/apis/networking.k8s.io/v1/namespaces/%1/ingresses/%2").arg(ns, step.objectName)
                    : QStringLiteral("/apis/gateway.networking.k8s.io/v1/namespaces/%1/httproutes/%2").arg(ns, step.objectName);
    step.contentType = kMerge;
    step.mergeBody = targets.weightPatch(percent, {}).value_or(QJsonObject());
    step.pin = pin;
    step.resourceVersion = ActionTargets::resourceVersionOf(object);
    step.before = object;
    step.access = routingAccess(step.objectKind);
    step.track = Track::Canary;
    step.target = percent;
    step.destructive = percent == 100;
    return step;
}

// Scale and restart carry no resourceVersion, like `kubectl scale` and `kubectl rollout restart`: a
// Deployment's controller rewrites its status (and so its resourceVersion) all the time, so a pin would
// refuse for changes nobody made to what is being set.
PlannedStep scaleStep(const QJsonObject &deployment, const QString &ns, Track track, int replicas)
{
    PlannedStep step;
    step.kind = PlannedStep::Kind::Patch;
    step.goal = PlannedStep::Goal::Replicas;
    step.objectKind = QStringLiteral("Deployment");
    step.objectName = ActionTargets::nameOf(deployment);
    step.title = QStringLiteral("Scale %1 to %2 replicas").arg(step.objectName).arg(replicas);
    step.path = deploymentPath(ns, step.objectName) + QStringLiteral("/scale");
    step.contentType = kMerge; // as kubectl scale sends it
    step.mergeBody = QJsonObject{{QStringLiteral("spec"), QJsonObject{{QStringLiteral("replicas"), replicas}}}};
    step.resourceVersion = ActionTargets::resourceVersionOf(deployment);
    step.before = QJsonObject{{QStringLiteral("spec"),
                               QJsonObject{{QStringLiteral("replicas"), ActionTargets::replicasOf(deployment)}}}};
    step.scaleSubresource = true;
    step.access = kScaleDeployments;
    step.track = track;
    step.target = replicas;
    step.destructive = replicas == 0;
    return step;
}

void hpaWarnings(const ActionTargets &targets, const QJsonObject &deployment, int replicas, QStringList &warnings)
{
    const QJsonObject hpa = targets.hpaFor(ActionTargets::nameOf(deployment));
    if (hpa.isEmpty())
        return;
    const QJsonObject spec = hpa.value(u"spec").toObject();
    const int min = spec.contains(u"minReplicas") ? spec.value(u"minReplicas").toInt() : 1;
    const int max = spec.value(u"maxReplicas").toInt();
    const int current = hpa.value(u"status").toObject().value(u"currentReplicas").toInt();
    QString text = QStringLiteral("HorizontalPodAutoscaler %1 manages %2 (min %3, max %4, now %5): it will override "
                                  "a manual scale")
                       .arg(ActionTargets::nameOf(hpa), ActionTargets::nameOf(deployment))
                       .arg(min)
                       .arg(max)
                       .arg(current);
    if (replicas == 0)
        text += QStringLiteral("; at 0 replicas it stops scaling until the Deployment is scaled up again");
    else if (replicas < min || replicas > max)
        text += QStringLiteral(" and bring %1 back into %2..%3").arg(replicas).arg(min).arg(max);
    warnings << text;
}

void canaryReadiness(const ActionTargets &targets, int percent, QStringList &warnings)
{
    if (percent <= 0 || targets.canary.isEmpty())
        return;
    const int ready = targets.canary.value(u"status").toObject().value(u"readyReplicas").toInt();
    const int wanted = ActionTargets::replicasOf(targets.canary);
    if (ready == 0)
        warnings << QStringLiteral("%1 has no ready replicas (%2 wanted): its share of the traffic will fail")
                        .arg(ActionTargets::nameOf(targets.canary))
                        .arg(wanted);
}

// Env values that name the track ("DEPLOYMENT_TRACK": canary) stay the stable's when the canary's
// template is copied onto stable: what is promoted is the build and its settings, not the track name.
void keepTrackNames(QJsonObject &podTemplate, const QJsonObject &stableTemplate)
{
    QHash<QString, QHash<QString, QString>> stableEnv; // container → name → value
    for (const QJsonValue &c : stableTemplate.value(u"spec").toObject().value(u"containers").toArray()) {
        for (const QJsonValue &e : c.toObject().value(u"env").toArray())
            stableEnv[c.toObject().value(u"name").toString()].insert(e.toObject().value(u"name").toString(),
                                                                     e.toObject().value(u"value").toString());
    }
    QJsonObject spec = podTemplate.value(u"spec").toObject();
    QJsonArray containers = spec.value(u"containers").toArray();
    for (qsizetype i = 0; i < containers.size(); ++i) {
        QJsonObject container = containers[i].toObject();
        const auto &own = stableEnv.value(container.value(u"name").toString());
        QJsonArray env = container.value(u"env").toArray();
        for (qsizetype j = 0; j < env.size(); ++j) {
            QJsonObject item = env[j].toObject();
            const QString name = item.value(u"name").toString();
            if (item.value(u"value").toString().compare(u"canary", Qt::CaseInsensitive) == 0
                && own.value(name).compare(u"stable", Qt::CaseInsensitive) == 0) {
                item.insert(u"value", own.value(name));
                env[j] = item;
            }
        }
        if (!env.isEmpty())
            container.insert(u"env", env);
        containers[i] = container;
    }
    spec.insert(u"containers", containers);
    podTemplate.insert(u"spec", spec);
}

Result<QJsonObject> requireDeployment(const ActionTargets &targets, Track track, const ActionRequest &request)
{
    const QJsonObject &deployment = targets.deployment(track);
    if (deployment.isEmpty())
        return makeError(ErrorKind::Invalid,
                         QStringLiteral("%1 has no %2 Deployment in %3")
                             .arg(request.service.name, toString(track), request.service.ns),
                         QStringLiteral("Deployments are found by the app label and `version: stable|canary`"));
    return deployment;
}

} // namespace

Track ActionPlan::trackOf(const ActionRequest &request)
{
    if (request.actionId == u"promote" || request.actionId == u"abort" || request.actionId == u"canary-weight")
        return Track::Canary;
    const QString named = request.parameters.value(QStringLiteral("track")).toString().toLower();
    if (named == u"canary")
        return Track::Canary;
    if (named == u"stable")
        return Track::Stable;
    return request.track == Track::Canary ? Track::Canary : Track::Stable;
}

QList<AccessCheck> ActionPlan::accessFor(const QString &actionId, const QString &routingKind)
{
    if (actionId == u"canary-weight")
        return {routingAccess(routingKind)};
    if (actionId == u"promote")
        return {kPatchDeployments, kGetDeployments, routingAccess(routingKind), kScaleDeployments};
    if (actionId == u"abort")
        return {routingAccess(routingKind), kScaleDeployments};
    if (actionId == u"rollout-undo")
        return {kListReplicaSets, kPatchDeployments};
    if (actionId == u"scale")
        return {kScaleDeployments};
    if (actionId == u"restart")
        return {kPatchDeployments};
    return {};
}

Result<ActionPlan> ActionPlan::build(const ActionRequest &request, const ActionTargets &targets, const QString &ns,
                                     const QDateTime &now)
{
    ActionPlan plan;
    plan.actionId = request.actionId;
    const QString &id = request.actionId;
    const Track track = trackOf(request);

    if (id == u"canary-weight") {
        const auto weight = intParameter(request, QStringLiteral("weight"), 0, 100);
        if (!weight)
            return tl::unexpected(weight.error());
        if (!targets.hasRouting())
            return makeError(ErrorKind::Invalid,
                             QStringLiteral("%1 has no NGINX canary Ingress or HTTPRoute with a canary backend in %2")
                                 .arg(request.service.name, ns));
        plan.steps << weightStep(targets, ns, *weight, true);
        if (*weight == 100)
            plan.warnings << QStringLiteral("all of %1's traffic goes to the canary").arg(request.service.name);
        if (targets.canaryWeight() == *weight)
            plan.warnings << QStringLiteral("the canary weight is already %1 %: nothing changes").arg(*weight);
        canaryReadiness(targets, *weight, plan.warnings);
    } else if (id == u"promote") {
        const auto stable = requireDeployment(targets, Track::Stable, request);
        const auto canary = requireDeployment(targets, Track::Canary, request);
        if (!stable)
            return tl::unexpected(stable.error());
        if (!canary)
            return tl::unexpected(canary.error());
        // The canary's pod template, with the stable Deployment's own labels (its selector must still match).
        QJsonObject podTemplate = templateOf(*canary);
        QJsonObject metadata = podTemplate.value(u"metadata").toObject();
        QJsonObject labels = templateOf(*stable).value(u"metadata").toObject().value(u"labels").toObject();
        labels.remove(QLatin1String(RolloutUndo::kTemplateHash));
        metadata.insert(u"labels", labels);
        podTemplate.insert(u"metadata", metadata);
        keepTrackNames(podTemplate, templateOf(*stable));
        PlannedStep copy;
        copy.kind = PlannedStep::Kind::Patch;
        copy.goal = PlannedStep::Goal::TemplateFromCanary;
        copy.objectKind = QStringLiteral("Deployment");
        copy.objectName = ActionTargets::nameOf(*stable);
        copy.title = QStringLiteral("Copy the canary's pod template (%1) onto %2").arg(imagesOf(podTemplate), copy.objectName);
        copy.path = deploymentPath(ns, copy.objectName);
        copy.contentType = kJsonPatch;
        copy.jsonPatch = QJsonArray{QJsonObject{{QStringLiteral("op"), QStringLiteral("replace")},
                                                {QStringLiteral("path"), QStringLiteral("/spec/template")},
                                                {QStringLiteral("value"), podTemplate}}};
        copy.pin = true;
        copy.resourceVersion = ActionTargets::resourceVersionOf(*stable);
        copy.before = *stable;
        copy.access = kPatchDeployments;
        copy.track = Track::Stable;
        copy.destructive = true;
        plan.steps << copy;

        PlannedStep wait;
        wait.kind = PlannedStep::Kind::WaitRollout;
        wait.goal = PlannedStep::Goal::RolloutComplete;
        wait.objectKind = QStringLiteral("Deployment");
        wait.objectName = copy.objectName;
        wait.title = QStringLiteral("Wait for %1 to roll out").arg(copy.objectName);
        wait.path = copy.path;
        wait.access = kGetDeployments;
        wait.track = Track::Stable;
        plan.steps << wait;

        if (targets.hasRouting())
            plan.steps << weightStep(targets, ns, 0, false);
        else
            plan.warnings << QStringLiteral("no canary Ingress or HTTPRoute found: the weight is left alone");
        plan.steps << scaleStep(*canary, ns, Track::Canary, 0);
        plan.steps.last().destructive = true;
        canaryReadiness(targets, 1, plan.warnings);
    } else if (id == u"abort") {
        const auto canary = requireDeployment(targets, Track::Canary, request);
        if (!canary)
            return tl::unexpected(canary.error());
        if (targets.hasRouting())
            plan.steps << weightStep(targets, ns, 0, true);
        else
            plan.warnings << QStringLiteral("no canary Ingress or HTTPRoute found: the weight is left alone");
        // Aborting is the way back to safety: one confirmation, no typed name (DESIGN §8).
        plan.steps << scaleStep(*canary, ns, Track::Canary, 0);
        plan.steps.last().destructive = false;
    } else if (id == u"rollout-undo") {
        const auto deployment = requireDeployment(targets, track, request);
        if (!deployment)
            return tl::unexpected(deployment.error());
        qint64 toRevision = 0;
        if (request.parameters.contains(QStringLiteral("toRevision"))) {
            bool ok = false;
            toRevision = request.parameters.value(QStringLiteral("toRevision")).toString().toLongLong(&ok);
            if (!ok)
                return makeError(ErrorKind::Invalid, QStringLiteral("rollout-undo: toRevision '%1' is not a number")
                                                         .arg(request.parameters.value(QStringLiteral("toRevision")).toString()));
        }
        auto undo = RolloutUndo::plan(*deployment, targets.replicaSets, toRevision);
        if (!undo)
            return tl::unexpected(undo.error());
        if (undo->skipped) {
            plan.note = undo->message;
            plan.warnings << undo->message;
            return plan;
        }
        PlannedStep step;
        step.kind = PlannedStep::Kind::Patch;
        step.goal = PlannedStep::Goal::Undo;
        step.objectKind = QStringLiteral("Deployment");
        step.objectName = ActionTargets::nameOf(*deployment);
        step.title = QStringLiteral("Roll %1 back to revision %2 (%3)")
                         .arg(step.objectName)
                         .arg(undo->toRevision)
                         .arg(imagesOf(undo->podTemplate));
        step.path = deploymentPath(ns, step.objectName);
        step.contentType = kJsonPatch;
        step.jsonPatch = QJsonDocument::fromJson(undo->patch).array();
        step.resourceVersion = ActionTargets::resourceVersionOf(*deployment);
        step.before = *deployment;
        step.access = kPatchDeployments;
        step.track = track;
        step.target = int(undo->toRevision);
        step.destructive = true;
        plan.steps << step;
    } else if (id == u"scale") {
        const auto replicas = intParameter(request, QStringLiteral("replicas"), 0, 10000);
        if (!replicas)
            return tl::unexpected(replicas.error());
        const auto deployment = requireDeployment(targets, track, request);
        if (!deployment)
            return tl::unexpected(deployment.error());
        plan.steps << scaleStep(*deployment, ns, track, *replicas);
        hpaWarnings(targets, *deployment, *replicas, plan.warnings);
        if (*replicas == 0)
            plan.warnings << QStringLiteral("%1 will have no pods").arg(ActionTargets::nameOf(*deployment));
    } else if (id == u"restart") {
        const auto deployment = requireDeployment(targets, track, request);
        if (!deployment)
            return tl::unexpected(deployment.error());
        PlannedStep step;
        step.kind = PlannedStep::Kind::Patch;
        step.goal = PlannedStep::Goal::Restart;
        step.objectKind = QStringLiteral("Deployment");
        step.objectName = ActionTargets::nameOf(*deployment);
        step.title = QStringLiteral("Restart %1 (rolling)").arg(step.objectName);
        step.path = deploymentPath(ns, step.objectName);
        step.contentType = kStrategic; // as `kubectl rollout restart` sends it
        const QString stamp = now.toUTC().toString(Qt::ISODate); // RFC 3339, seconds, Z
        step.mergeBody = QJsonObject{
            {QStringLiteral("spec"),
             QJsonObject{{QStringLiteral("template"),
                          QJsonObject{{QStringLiteral("metadata"),
                                       QJsonObject{{QStringLiteral("annotations"), QJsonObject{{kRestartedAt, stamp}}}}}}}}}};
        step.resourceVersion = ActionTargets::resourceVersionOf(*deployment);
        step.before = *deployment;
        step.access = kPatchDeployments;
        step.track = track;
        plan.steps << step;
        if (deployment->value(u"spec").toObject().value(u"paused").toBool())
            plan.warnings << QStringLiteral("%1 is paused: the restart happens when it is resumed").arg(step.objectName);
    } else {
        return makeError(ErrorKind::Invalid, QStringLiteral("the kubernetes plugin has no action '%1'").arg(id));
    }
    for (const PlannedStep &step : std::as_const(plan.steps))
        plan.destructive = plan.destructive || step.destructive;
    return plan;
}

QByteArray ActionPlan::bodyOf(const PlannedStep &step, const QString &resourceVersion)
{
    if (!step.jsonPatch.isEmpty()) {
        QJsonArray ops = step.jsonPatch;
        // A replaced resourceVersion is a precondition, as in an update: a stale one is 409 Conflict.
        if (step.pin && !resourceVersion.isEmpty())
            ops.prepend(QJsonObject{{QStringLiteral("op"), QStringLiteral("replace")},
                                    {QStringLiteral("path"), QStringLiteral("/metadata/resourceVersion")},
                                    {QStringLiteral("value"), resourceVersion}});
        return QJsonDocument(ops).toJson(QJsonDocument::Compact);
    }
    QJsonObject body = step.mergeBody;
    if (step.pin && !resourceVersion.isEmpty()) {
        QJsonObject metadata = body.value(u"metadata").toObject();
        metadata.insert(u"resourceVersion", resourceVersion);
        body.insert(u"metadata", metadata);
    }
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

bool ActionPlan::isDone(const PlannedStep &step, const ActionTargets &now, const ActionStep &journaled)
{
    if (journaled.state == ActionStep::State::Succeeded)
        return true;
    // What the journal says was sent: "PATCH /path {body}".
    const qsizetype brace = journaled.request.indexOf(u' ', journaled.request.indexOf(u' ') + 1);
    const QJsonDocument sent = brace > 0 ? QJsonDocument::fromJson(journaled.request.mid(brace + 1).toUtf8()) : QJsonDocument();
    switch (step.goal) {
    case PlannedStep::Goal::Weight:
        return now.canaryWeight() == step.target;
    case PlannedStep::Goal::Replicas:
        return !now.deployment(step.track).isEmpty() && ActionTargets::replicasOf(now.deployment(step.track)) == step.target;
    case PlannedStep::Goal::TemplateFromCanary:
        // The stable Deployment runs the template this step copies (the canary's, track names kept).
        for (const QJsonValue &op : step.jsonPatch) {
            if (op.toObject().value(u"path").toString() == u"/spec/template")
                return !now.stable.isEmpty()
                       && templateOf(now.stable).value(u"spec") == op.toObject().value(u"value").toObject().value(u"spec");
        }
        return false;
    case PlannedStep::Goal::RolloutComplete:
        return false; // the wait itself ends at once when the rollout is complete
    case PlannedStep::Goal::Restart: {
        const QString stamp = sent.object()
                                  .value(u"spec").toObject()
                                  .value(u"template").toObject()
                                  .value(u"metadata").toObject()
                                  .value(u"annotations").toObject()
                                  .value(kRestartedAt).toString();
        const QString current = templateOf(now.deployment(step.track))
                                    .value(u"metadata").toObject()
                                    .value(u"annotations").toObject()
                                    .value(kRestartedAt).toString();
        return !stamp.isEmpty() && stamp == current;
    }
    case PlannedStep::Goal::Undo:
        for (const QJsonValue &op : sent.array()) {
            if (op.toObject().value(u"path").toString() == u"/spec/template")
                return RolloutUndo::equalIgnoringHash(op.toObject().value(u"value").toObject(),
                                                      templateOf(now.deployment(step.track)));
        }
        return false;
    }
    return false;
}

QList<ActionStep> ActionPlan::actionSteps() const
{
    QList<ActionStep> list;
    for (const PlannedStep &planned : steps) {
        ActionStep step;
        step.title = planned.title;
        step.destructive = planned.destructive;
        list << step;
    }
    return list;
}
