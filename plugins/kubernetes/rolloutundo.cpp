#include "rolloutundo.h"

#include <QJsonDocument>

#include <algorithm>

using namespace Opsdeck;

namespace {

QJsonObject withoutHash(QJsonObject podTemplate)
{
    QJsonObject metadata = podTemplate.value(u"metadata").toObject();
    QJsonObject labels = metadata.value(u"labels").toObject();
    labels.remove(QLatin1String(RolloutUndo::kTemplateHash));
    if (labels.isEmpty())
        metadata.remove(u"labels");
    else
        metadata.insert(u"labels", labels);
    podTemplate.insert(u"metadata", metadata);
    return podTemplate;
}

QString nameOf(const QJsonObject &object)
{
    return object.value(u"metadata").toObject().value(u"name").toString();
}

QJsonObject templateOf(const QJsonObject &object)
{
    return object.value(u"spec").toObject().value(u"template").toObject();
}

} // namespace

QVariantMap DeploymentRevision::toVariantMap() const
{
    return {{QStringLiteral("revision"), revision},
            {QStringLiteral("replicaSet"), replicaSet},
            {QStringLiteral("changeCause"), changeCause},
            {QStringLiteral("image"), images.join(QStringLiteral(", "))},
            {QStringLiteral("images"), images},
            {QStringLiteral("created"), created},
            {QStringLiteral("replicas"), replicas},
            {QStringLiteral("current"), current}};
}

qint64 RolloutUndo::revisionOf(const QJsonObject &object)
{
    bool ok = false;
    const qint64 revision = object.value(u"metadata")
                                .toObject()
                                .value(u"annotations")
                                .toObject()
                                .value(QLatin1String(kRevision))
                                .toString()
                                .toLongLong(&ok);
    return ok ? revision : -1;
}

QList<QJsonObject> RolloutUndo::owned(const QJsonObject &deployment, const QJsonArray &replicaSets)
{
    const QString uid = deployment.value(u"metadata").toObject().value(u"uid").toString();
    QList<QJsonObject> result;
    for (const QJsonValue &item : replicaSets) {
        const QJsonObject rs = item.toObject();
        for (const QJsonValue &owner : rs.value(u"metadata").toObject().value(u"ownerReferences").toArray()) {
            const QJsonObject ref = owner.toObject();
            if (ref.value(u"controller").toBool() && !uid.isEmpty() && ref.value(u"uid").toString() == uid) {
                result.append(rs);
                break;
            }
        }
    }
    return result;
}

bool RolloutUndo::equalIgnoringHash(QJsonObject a, QJsonObject b)
{
    return withoutHash(std::move(a)) == withoutHash(std::move(b));
}

QList<DeploymentRevision> RolloutUndo::history(const QJsonObject &deployment, const QJsonArray &replicaSets)
{
    QList<DeploymentRevision> revisions;
    const QJsonObject current = templateOf(deployment);
    for (const QJsonObject &rs : owned(deployment, replicaSets)) {
        const qint64 revision = revisionOf(rs);
        if (revision < 0)
            continue;
        DeploymentRevision r;
        r.revision = revision;
        r.replicaSet = nameOf(rs);
        const QJsonObject metadata = rs.value(u"metadata").toObject();
        r.changeCause = metadata.value(u"annotations").toObject().value(u"kubernetes.io/change-cause").toString();
        for (const QJsonValue &c : templateOf(rs).value(u"spec").toObject().value(u"containers").toArray())
            r.images << c.toObject().value(u"image").toString();
        r.created = QDateTime::fromString(metadata.value(u"creationTimestamp").toString(), Qt::ISODate).toUTC();
        r.replicas = rs.value(u"spec").toObject().value(u"replicas").toInt();
        r.current = equalIgnoringHash(templateOf(rs), current);
        revisions.append(r);
    }
    std::sort(revisions.begin(), revisions.end(),
              [](const DeploymentRevision &a, const DeploymentRevision &b) { return a.revision > b.revision; });
    return revisions;
}

Result<RolloutUndoPlan> RolloutUndo::plan(const QJsonObject &deployment, const QJsonArray &replicaSets,
                                          qint64 toRevision)
{
    const QString name = nameOf(deployment);
    if (toRevision < 0)
        return makeError(ErrorKind::Invalid,
                         QStringLiteral("unable to find specified revision %1 in history").arg(toRevision));
    // kubectl's deploymentRevision(): the newest and the second newest, or exactly the one asked for.
    std::optional<QJsonObject> latest;
    std::optional<QJsonObject> previous;
    qint64 latestRevision = -1;
    qint64 previousRevision = -1;
    std::optional<QJsonObject> chosen;
    for (const QJsonObject &rs : owned(deployment, replicaSets)) {
        const qint64 v = revisionOf(rs);
        if (v < 0)
            continue;
        if (toRevision == 0) {
            if (latestRevision < v) {
                previousRevision = latestRevision;
                previous = latest;
                latestRevision = v;
                latest = rs;
            } else if (previousRevision < v) {
                previousRevision = v;
                previous = rs;
            }
        } else if (v == toRevision) {
            chosen = rs;
            break;
        }
    }
    if (toRevision > 0 && !chosen)
        return makeError(ErrorKind::Invalid,
                         QStringLiteral("unable to find specified revision %1 in history").arg(toRevision),
                         QStringLiteral("pick one of the revisions in the rollout history"));
    if (toRevision == 0) {
        if (!previous)
            return makeError(ErrorKind::Invalid,
                             QStringLiteral("no rollout history found for deployment \"%1\"").arg(name),
                             QStringLiteral("there is no earlier revision to go back to"));
        chosen = previous;
    }
    const QJsonObject &rs = *chosen;
    if (deployment.value(u"spec").toObject().value(u"paused").toBool())
        return makeError(ErrorKind::Invalid,
                         QStringLiteral("you cannot rollback a paused deployment; resume it first with 'kubectl "
                                        "rollout resume deployment/%1' and try again")
                             .arg(name));

    RolloutUndoPlan plan;
    plan.toRevision = revisionOf(rs);
    plan.replicaSet = nameOf(rs);
    if (equalIgnoringHash(templateOf(rs), templateOf(deployment))) {
        plan.skipped = true;
        plan.message = QStringLiteral("skipped rollback (current template already matches revision %1)")
                           .arg(plan.toRevision);
        return plan;
    }
    plan.podTemplate = withoutHash(templateOf(rs));
    // The Deployment keeps its own bookkeeping; every other annotation comes from the ReplicaSet.
    static const QStringList kept{QStringLiteral("kubectl.kubernetes.io/last-applied-configuration"),
                                  QStringLiteral("deployment.kubernetes.io/revision"),
                                  QStringLiteral("deployment.kubernetes.io/revision-history"),
                                  QStringLiteral("deployment.kubernetes.io/desired-replicas"),
                                  QStringLiteral("deployment.kubernetes.io/max-replicas"),
                                  QStringLiteral("deprecated.deployment.rollback.to")};
    const QJsonObject own = deployment.value(u"metadata").toObject().value(u"annotations").toObject();
    for (const QString &key : kept) {
        if (own.contains(key))
            plan.annotations.insert(key, own.value(key));
    }
    const QJsonObject fromRs = rs.value(u"metadata").toObject().value(u"annotations").toObject();
    for (auto it = fromRs.begin(); it != fromRs.end(); ++it) {
        if (!kept.contains(it.key()))
            plan.annotations.insert(it.key(), it.value());
    }
    const QJsonArray patch{
        QJsonObject{{QStringLiteral("op"), QStringLiteral("replace")},
                    {QStringLiteral("path"), QStringLiteral("/spec/template")},
                    {QStringLiteral("value"), plan.podTemplate}},
        QJsonObject{{QStringLiteral("op"), QStringLiteral("replace")},
                    {QStringLiteral("path"), QStringLiteral("/metadata/annotations")},
                    {QStringLiteral("value"), plan.annotations}}};
    plan.patch = QJsonDocument(patch).toJson(QJsonDocument::Compact);
    return plan;
}
