#pragma once

// The restore runbook's backend against the real APIs: Azure Resource Manager through SqlArmClient (the
// server from the `sqlServer` setting, else the resource group's only server), and the service's context
// through the Kubernetes plugin's ActionClient (TLS, credentials, the journal's request lines):
// SelfSubjectAccessReview (ActionPermissions), the `<service>-db` Secret patched with its resourceVersion
// pinned (dryRun=All for the preview; the password masked in every diff and request line), restartedAt on
// the stable and canary Deployments (ActionTargetReader / ActionTargets, as `kubectl rollout restart`),
// and one verification round: the restarted Deployments rolled out, their new ReplicaSets' pods Ready and
// no old pod left, `/health` Healthy on each track's Service (HealthReportParser). Lives on the thread
// that makes it.

#include "actionpermissions.h"
#include "azure/azureconfig.h"
#include "clusterconnection.h"
#include "resilientclient.h"
#include "restorebackend.h"

#include <QObject>

#include <optional>

class ActionClient;
class SqlArmClient;
struct ActionReply;
struct ActionTargets;

class RestoreLiveBackend final : public QObject, public Opsdeck::RestoreBackend
{
    Q_OBJECT

public:
    RestoreLiveBackend(const Opsdeck::AzureConfig &azure, const QString &sqlServer,
                       const Opsdeck::ClusterConnection &cluster,
                       const Opsdeck::ResilientClient::Settings &resilience, const QString &appLabel,
                       QObject *parent = nullptr);
    ~RestoreLiveBackend() override;

    QString serverName() const override;
    QString databaseId(const QString &database) const override;
    void getDatabase(const QString &database, ReplyCallback done) override;
    void getRetention(const QString &database, ReplyCallback done) override;
    void putDatabase(const QString &database, const QJsonObject &body, ReplyCallback done) override;
    void poll(const QString &url, ReplyCallback done) override;
    void checkAccess(const Opsdeck::ServiceKey &service, bool repoint, StepCallback done) override;
    void repoint(const Opsdeck::ServiceKey &service, const QString &database, bool dryRun,
                 StepCallback done) override;
    void restart(const Opsdeck::ServiceKey &service, const QString &stamp, bool dryRun,
                 StepCallback done) override;
    void verify(const Opsdeck::ServiceKey &service, const QString &stamp, VerifyCallback done) override;

private:
    SqlArmClient *arm();
    ActionClient *cluster(std::optional<Opsdeck::Error> *error);
    // Runs `next` once the server is known (the setting, else the resource group's only server).
    void withServer(std::function<void(const std::optional<Opsdeck::Error> &)> next);
    void armCall(const QByteArray &method, const QString &pathOrUrl, const QJsonObject &body,
                 const QString &what, ReplyCallback done);
    void checkNext(const Opsdeck::ServiceKey &service, QList<AccessCheck> checks, Opsdeck::RestoreStepAnswer answer,
                   StepCallback done);
    void restartNext(const QString &ns, QList<QJsonObject> deployments, const QString &stamp, bool dryRun,
                     Opsdeck::RestoreStepAnswer answer, StepCallback done);
    void healthNext(const QString &ns, QStringList services, QStringList wrong, Opsdeck::RestoreVerifyAnswer answer,
                    VerifyCallback done);

    Opsdeck::AzureConfig m_azure;
    QString m_server;
    Opsdeck::ClusterConnection m_connection;
    Opsdeck::ResilientClient::Settings m_resilience;
    QString m_appLabel;
    SqlArmClient *m_arm = nullptr;
    ActionClient *m_client = nullptr;
};
