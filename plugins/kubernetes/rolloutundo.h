#pragma once

// `kubectl rollout undo`, as kubectl does it (API-CONTRACTS §1; kubectl's polymorphichelpers/rollback.go):
// the ReplicaSets controlled by the Deployment (owner UID), their `deployment.kubernetes.io/revision`,
// the previous revision (second highest) or the one asked for, and a JSON patch that replaces
// spec.template with that ReplicaSet's template minus pod-template-hash and metadata.annotations with the
// ReplicaSet's (keeping the Deployment's own bookkeeping annotations). Pure: objects in, plan out.
// Also the revision history the UI shows (revision, change-cause, image, age).

#include "error.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariantMap>

struct DeploymentRevision
{
    qint64 revision = 0;
    QString replicaSet;
    QString changeCause; // kubernetes.io/change-cause, empty when none
    QStringList images;  // the template's containers' images, in order
    QDateTime created;   // the ReplicaSet's creationTimestamp (UTC)
    int replicas = 0;    // spec.replicas of the ReplicaSet now
    bool current = false; // its template is the Deployment's template

    // {revision, replicaSet, changeCause, image, images, created, replicas, current} for signals and QML.
    QVariantMap toVariantMap() const;
};

struct RolloutUndoPlan
{
    qint64 toRevision = 0;
    QString replicaSet;
    QJsonObject podTemplate; // without pod-template-hash
    QJsonObject annotations; // the Deployment's annotations after the undo
    QByteArray patch;        // application/json-patch+json
    bool skipped = false;    // the template already matches: kubectl prints "skipped rollback" and changes nothing
    QString message;         // "skipped rollback (current template already matches revision 4)"
};

class RolloutUndo
{
public:
    static constexpr const char *kRevision = "deployment.kubernetes.io/revision";
    static constexpr const char *kTemplateHash = "pod-template-hash";

    // The ReplicaSets among `replicaSets` whose controller is `deployment` (by UID).
    static QList<QJsonObject> owned(const QJsonObject &deployment, const QJsonArray &replicaSets);
    // Newest revision first.
    static QList<DeploymentRevision> history(const QJsonObject &deployment, const QJsonArray &replicaSets);
    // toRevision 0 = the previous one. Errors (ErrorKind::Invalid) carry kubectl's words: "no rollout
    // history found for deployment \"x\"", "unable to find specified revision N in history", paused.
    static Opsdeck::Result<RolloutUndoPlan> plan(const QJsonObject &deployment, const QJsonArray &replicaSets,
                                                 qint64 toRevision);
    // Pod templates equal but for the pod-template-hash label (kubectl's equalIgnoreHash).
    static bool equalIgnoringHash(QJsonObject a, QJsonObject b);
    // The revision annotation as a number; -1 when absent or not a number.
    static qint64 revisionOf(const QJsonObject &object);
};
