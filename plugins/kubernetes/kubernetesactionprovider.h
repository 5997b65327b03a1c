#pragma once

// The Kubernetes plugin's actions on a service (DESIGN §6, §8; issue 6): canary-weight, promote, abort,
// rollout-undo, scale, restart — each checked with SelfSubjectAccessReview, previewed with the server's
// dry run as a diff, and executed step by step (ActionJob). One provider per kubeconfig context, made
// from the same settings as that context's KubernetesSource: kubeconfig, context, namespace, appLabel;
// also requestTimeoutMs, breakerThreshold, breakerBreakMs, accessReview (bool, default true: ask the
// server before acting; off, the dry run's own 403 decides), rolloutPollMs (1000) and
// rolloutTimeoutSeconds (600) for promote's wait.
//
// Lives on a worker thread: call configure() first, then move it; every slot may be invoked queued.
// actionsFor() is callable from any thread and answers from what checkPermissions() learnt.
//
// Beyond ActionProvider, for the UI and CLI (by name through QMetaObject, no plugin header needed):
//   slot   checkPermissions(Opsdeck::ServiceKey)  → signal permissionsChecked(Opsdeck::ServiceKey);
//          then actionsFor() marks what the user may not do, with the reason, and what does not apply
//          (no canary, no routing).
//   slot   requestRevisionHistory(Opsdeck::ServiceKey, QString track "stable"|"canary")
//          → signal revisionHistoryReady(Opsdeck::ServiceKey, QString track, QVariantList revisions)
//            (each a QVariantMap: revision, replicaSet, changeCause, image, images, created, replicas,
//            current; newest first) or revisionHistoryFailed(Opsdeck::ServiceKey, QString, Opsdeck::Error).

#include "actionjob.h"
#include "actionpermissions.h"
#include "actionprovider.h"
#include "clusterconnection.h"
#include "resilientclient.h"

#include <QHash>
#include <QMutex>
#include <QVariantList>

#include <optional>

class ActionClient;

class KubernetesActionProvider final : public Opsdeck::ActionProvider
{
    Q_OBJECT

public:
    explicit KubernetesActionProvider(QObject *parent = nullptr);
    ~KubernetesActionProvider() override;

    // Error{Config} for a bad kubeconfig or setting; the provider then offers its actions disabled with
    // that reason.
    Opsdeck::Result<void> configure(const Opsdeck::SourceConfig &config);
    QString contextName() const { return m_connection.contextName; }

    QList<Opsdeck::ActionDescriptor> actionsFor(const Opsdeck::ServiceKey &service) const override;

public Q_SLOTS:
    void preview(const Opsdeck::ActionRequest &request) override;
    void execute(const Opsdeck::ActionRequest &request) override;
    void resume(const Opsdeck::OperationStatus &status) override;
    void checkPermissions(const Opsdeck::ServiceKey &service);
    void requestRevisionHistory(const Opsdeck::ServiceKey &service, const QString &track);

Q_SIGNALS:
    void permissionsChecked(const Opsdeck::ServiceKey &service);
    void revisionHistoryReady(const Opsdeck::ServiceKey &service, const QString &track, const QVariantList &revisions);
    void revisionHistoryFailed(const Opsdeck::ServiceKey &service, const QString &track, const Opsdeck::Error &error);

private:
    // What checkPermissions() read about a service: which actions apply at all.
    struct Facts
    {
        bool stable = false;
        bool canary = false;
        QString routingKind; // "Ingress", "HTTPRoute" or empty
    };

    bool serves(const Opsdeck::ServiceKey &service) const;
    ActionClient *client(); // made on first use, on the provider's thread
    ActionJob *startJob(ActionJob::Mode mode, const Opsdeck::ActionRequest &request);
    std::optional<Opsdeck::Error> unusable(const Opsdeck::ServiceKey &service) const;

    Opsdeck::ClusterConnection m_connection;
    QString m_namespace; // empty: any
    ActionJob::Settings m_jobSettings;
    Opsdeck::ResilientClient::Settings m_resilience;
    std::optional<Opsdeck::Error> m_configError;
    ActionClient *m_client = nullptr;
    ActionPermissions m_permissions;
    QHash<QUuid, ShownObjects> m_shown; // what each preview showed, until its request executes

    mutable QMutex m_factsMutex;
    QHash<Opsdeck::ServiceKey, Facts> m_facts;
};
