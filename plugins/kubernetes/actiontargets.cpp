#include "actiontargets.h"

#include <cmath>

using namespace Opsdeck;

namespace {

QJsonObject metadataOf(const QJsonObject &object)
{
    return object.value(u"metadata").toObject();
}

QString label(const QJsonObject &object, const QString &key)
{
    return metadataOf(object).value(u"labels").toObject().value(key).toString();
}

QString annotation(const QJsonObject &object, const char *key)
{
    return metadataOf(object).value(u"annotations").toObject().value(QLatin1String(key)).toString();
}

bool isCanaryRef(const QJsonObject &ref)
{
    return ref.value(u"name").toString().endsWith(u"-canary");
}

int refWeight(const QJsonObject &ref)
{
    return ref.contains(u"weight") ? ref.value(u"weight").toInt() : 1; // Gateway API default
}

// Names the service: the app label, else app.kubernetes.io/name (DESIGN §3).
bool belongs(const QJsonObject &object, const QString &service, const QString &appLabel)
{
    const QString app = label(object, appLabel);
    return app == service || (app.isEmpty() && label(object, QStringLiteral("app.kubernetes.io/name")) == service);
}

// The Service names an Ingress sends traffic to.
QStringList backendsOf(const QJsonObject &ingress)
{
    QStringList names;
    const QJsonObject spec = ingress.value(u"spec").toObject();
    if (const QString d = spec.value(u"defaultBackend").toObject().value(u"service").toObject().value(u"name").toString();
        !d.isEmpty())
        names << d;
    for (const QJsonValue &rule : spec.value(u"rules").toArray()) {
        for (const QJsonValue &path : rule.toObject().value(u"http").toObject().value(u"paths").toArray())
            names << path.toObject().value(u"backend").toObject().value(u"service").toObject().value(u"name").toString();
    }
    return names;
}

} // namespace

QString ActionTargets::nameOf(const QJsonObject &object)
{
    return metadataOf(object).value(u"name").toString();
}

QString ActionTargets::resourceVersionOf(const QJsonObject &object)
{
    return metadataOf(object).value(u"resourceVersion").toString();
}

int ActionTargets::replicasOf(const QJsonObject &deployment)
{
    const QJsonValue replicas = deployment.value(u"spec").toObject().value(u"replicas");
    return replicas.isUndefined() || replicas.isNull() ? 1 : replicas.toInt();
}

Track ActionTargets::trackOf(const QJsonObject &deployment)
{
    const QString version = label(deployment, QStringLiteral("version"));
    if (version == u"canary")
        return Track::Canary;
    if (version == u"stable")
        return Track::Stable;
    const QString name = nameOf(deployment);
    if (name.endsWith(u"-canary"))
        return Track::Canary;
    if (name.endsWith(u"-stable"))
        return Track::Stable;
    return version.isEmpty() ? Track::Stable : Track::Unknown;
}

ActionTargets ActionTargets::select(const QString &service, const QString &appLabel, const QJsonArray &deployments,
                                    const QJsonArray &ingresses, const QJsonArray &routes, const QJsonArray &hpas)
{
    ActionTargets targets;
    targets.hpas = hpas;
    for (const QJsonValue &item : deployments) {
        const QJsonObject d = item.toObject();
        if (!belongs(d, service, appLabel))
            continue;
        const Track track = trackOf(d);
        if (track == Track::Canary && targets.canary.isEmpty())
            targets.canary = d;
        else if (track == Track::Stable && targets.stable.isEmpty())
            targets.stable = d;
    }
    const QString canaryDeployment = nameOf(targets.canary);
    for (const QJsonValue &item : ingresses) {
        const QJsonObject ingress = item.toObject();
        if (annotation(ingress, kCanary) != u"true")
            continue;
        // Labelled for the service, or sending traffic to a Service named for its canary.
        const QStringList backends = backendsOf(ingress);
        const bool mine = belongs(ingress, service, appLabel) || backends.contains(service + QStringLiteral("-canary"))
                          || (!canaryDeployment.isEmpty() && backends.contains(canaryDeployment));
        if (mine) {
            targets.canaryIngress = ingress;
            break;
        }
    }
    if (targets.canaryIngress.isEmpty()) {
        for (const QJsonValue &item : routes) {
            const QJsonObject route = item.toObject();
            bool hasCanary = false;
            bool mentions = false;
            for (const QJsonValue &rule : route.value(u"spec").toObject().value(u"rules").toArray()) {
                for (const QJsonValue &ref : rule.toObject().value(u"backendRefs").toArray()) {
                    const QString name = ref.toObject().value(u"name").toString();
                    hasCanary = hasCanary || isCanaryRef(ref.toObject());
                    mentions = mentions || name.startsWith(service);
                }
            }
            if (hasCanary && (belongs(route, service, appLabel) || mentions)) {
                targets.route = route;
                break;
            }
        }
    }
    return targets;
}

QString ActionTargets::routingKind() const
{
    if (!canaryIngress.isEmpty())
        return QStringLiteral("Ingress");
    if (!route.isEmpty())
        return QStringLiteral("HTTPRoute");
    return {};
}

std::optional<int> ActionTargets::canaryWeight() const
{
    if (!canaryIngress.isEmpty()) {
        bool ok = false;
        const int weight = annotation(canaryIngress, kWeight).toInt(&ok);
        if (!ok)
            return 0; // no canary-weight: the canary gets no weighted traffic
        bool totalOk = false;
        int total = annotation(canaryIngress, kWeightTotal).toInt(&totalOk);
        if (!totalOk || total <= 0)
            total = 100;
        return int(std::lround(100.0 * weight / total));
    }
    if (!route.isEmpty()) {
        for (const QJsonValue &rule : route.value(u"spec").toObject().value(u"rules").toArray()) {
            int canaryShare = -1;
            int sum = 0;
            for (const QJsonValue &ref : rule.toObject().value(u"backendRefs").toArray()) {
                sum += refWeight(ref.toObject());
                if (isCanaryRef(ref.toObject()))
                    canaryShare = refWeight(ref.toObject());
            }
            if (canaryShare >= 0)
                return sum > 0 ? int(std::lround(100.0 * canaryShare / sum)) : 0;
        }
    }
    return std::nullopt;
}

Result<QJsonObject> ActionTargets::weightPatch(int percent, const QString &pinned) const
{
    if (percent < 0 || percent > 100)
        return makeError(ErrorKind::Invalid, QStringLiteral("canary weight %1 is not between 0 and 100").arg(percent));
    QJsonObject metadata;
    if (!pinned.isEmpty())
        metadata.insert(u"resourceVersion", pinned);
    if (!canaryIngress.isEmpty()) {
        bool totalOk = false;
        int total = annotation(canaryIngress, kWeightTotal).toInt(&totalOk);
        if (!totalOk || total <= 0)
            total = 100;
        const long value = std::lround(double(percent) * total / 100.0);
        metadata.insert(u"annotations", QJsonObject{{QLatin1String(kWeight), QString::number(value)}});
        return QJsonObject{{QStringLiteral("metadata"), metadata}};
    }
    if (route.isEmpty())
        return makeError(ErrorKind::Invalid,
                         QStringLiteral("no NGINX canary Ingress or HTTPRoute with a canary backend sends traffic here"));
    // A merge patch replaces lists whole: send every rule, with only the weights changed.
    QJsonArray rules = route.value(u"spec").toObject().value(u"rules").toArray();
    for (qsizetype r = 0; r < rules.size(); ++r) {
        QJsonObject rule = rules[r].toObject();
        QJsonArray refs = rule.value(u"backendRefs").toArray();
        qsizetype canaryIndex = -1;
        int othersSum = 0;
        int others = 0;
        for (qsizetype i = 0; i < refs.size(); ++i) {
            if (isCanaryRef(refs[i].toObject()))
                canaryIndex = i;
            else {
                othersSum += refWeight(refs[i].toObject());
                ++others;
            }
        }
        if (canaryIndex < 0)
            continue;
        int left = 100 - percent;
        int seen = 0;
        for (qsizetype i = 0; i < refs.size(); ++i) {
            QJsonObject ref = refs[i].toObject();
            if (i == canaryIndex) {
                ref.insert(u"weight", percent);
            } else {
                ++seen;
                // The stable share split as the stable refs split it now; the last takes the rounding.
                const int share = seen == others ? left
                                                 : int(std::lround(double(100 - percent) * refWeight(ref)
                                                                   / std::max(othersSum, 1)));
                ref.insert(u"weight", share);
                left -= share;
            }
            refs[i] = ref;
        }
        rule.insert(u"backendRefs", refs);
        rules[r] = rule;
    }
    return QJsonObject{{QStringLiteral("metadata"), metadata},
                       {QStringLiteral("spec"), QJsonObject{{QStringLiteral("rules"), rules}}}};
}

QJsonObject ActionTargets::hpaFor(const QString &deploymentName) const
{
    for (const QJsonValue &item : hpas) {
        const QJsonObject hpa = item.toObject();
        const QJsonObject ref = hpa.value(u"spec").toObject().value(u"scaleTargetRef").toObject();
        if (ref.value(u"kind").toString() == u"Deployment" && ref.value(u"name").toString() == deploymentName)
            return hpa;
    }
    return {};
}

ActionTargets::Rollout ActionTargets::rolloutOf(const QJsonObject &deployment)
{
    Rollout rollout;
    const QJsonObject status = deployment.value(u"status").toObject();
    const qint64 generation = qint64(metadataOf(deployment).value(u"generation").toDouble());
    const qint64 observed = qint64(status.value(u"observedGeneration").toDouble());
    const int wanted = replicasOf(deployment);
    const int updated = status.value(u"updatedReplicas").toInt();
    const int total = status.value(u"replicas").toInt();
    const int available = status.value(u"availableReplicas").toInt();
    for (const QJsonValue &c : status.value(u"conditions").toArray()) {
        const QJsonObject condition = c.toObject();
        if (condition.value(u"type").toString() == u"Progressing"
            && condition.value(u"reason").toString() == u"ProgressDeadlineExceeded") {
            rollout.failed = true;
            rollout.message = QStringLiteral("deployment \"%1\" exceeded its progress deadline").arg(nameOf(deployment));
            return rollout;
        }
    }
    const double part = wanted > 0 ? (0.5 * std::min(updated, wanted) + 0.5 * std::min(available, wanted)) / wanted : 1.0;
    rollout.progress = std::clamp(part, 0.0, 1.0);
    if (observed < generation) {
        rollout.progress = 0;
        rollout.message = QStringLiteral("waiting for the deployment spec update to be observed");
    } else if (updated < wanted) {
        rollout.message = QStringLiteral("%1 out of %2 new replicas have been updated").arg(updated).arg(wanted);
    } else if (total > updated) {
        rollout.message = QStringLiteral("%1 old replicas are pending termination").arg(total - updated);
    } else if (available < updated) {
        rollout.message = QStringLiteral("%1 of %2 updated replicas are available").arg(available).arg(updated);
    } else {
        rollout.done = true;
        rollout.progress = 1;
        rollout.message = QStringLiteral("successfully rolled out (%1 of %2 updated and available)").arg(available).arg(wanted);
    }
    return rollout;
}
