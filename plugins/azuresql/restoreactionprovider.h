#pragma once

// The Azure SQL plugin's action `restore-db` (issue 8): the point-in-time restore runbook
// (RestoreRunbook) on the services of one Kubernetes context, with RestoreLiveBackend. Made from the
// azuresql source's settings: the Azure config's keys (AzureConfig::fromSettings, `sqlServer`), plus
// `kubeconfig`, `context`, `namespace` (empty: any) and `appLabel` (default "app"); tunables
// `verifyTimeoutSeconds` (300), `verifyIntervalMs` (2000), `onlineIntervalMs` (2000), `requestTimeoutMs`.
// Preview, execute and resume as any ActionProvider; resume() continues a journaled restore-db from
// OperationStatus.parameters (see restorerunbook.h). Lives on the thread that uses it.

#include "actionprovider.h"
#include "azure/azureconfig.h"
#include "clusterconnection.h"
#include "restorerunbook.h"

#include <optional>

class RestoreLiveBackend;

class RestoreActionProvider final : public Opsdeck::ActionProvider
{
    Q_OBJECT

public:
    explicit RestoreActionProvider(QObject *parent = nullptr);
    ~RestoreActionProvider() override;

    // Error{Config} for a bad Azure config, kubeconfig or setting; the action is then offered disabled
    // with that reason.
    Opsdeck::Result<void> configure(const Opsdeck::SourceConfig &config);

    QList<Opsdeck::ActionDescriptor> actionsFor(const Opsdeck::ServiceKey &service) const override;

public Q_SLOTS:
    void preview(const Opsdeck::ActionRequest &request) override;
    void execute(const Opsdeck::ActionRequest &request) override;
    void resume(const Opsdeck::OperationStatus &status) override;

private:
    bool serves(const Opsdeck::ServiceKey &service) const;
    RestoreLiveBackend *backend();
    void run(Opsdeck::RestoreRunbook::Mode mode, const Opsdeck::ActionRequest &request,
             const std::optional<Opsdeck::OperationStatus> &resumed);

    Opsdeck::AzureConfig m_azure;
    QString m_sqlServer;
    Opsdeck::ClusterConnection m_connection;
    QString m_context; // as configured, for actionsFor() even when the kubeconfig did not load
    QString m_namespace;
    QString m_appLabel;
    int m_requestTimeoutMs = 30000;
    Opsdeck::RestoreRunbook::Settings m_settings;
    std::optional<Opsdeck::Error> m_configError;
    RestoreLiveBackend *m_backend = nullptr;
};
