#pragma once

// One kubeconfig context as a data source: an informer per watched kind, a PodMetrics poller, and the
// source status built from them (Connecting until every initial list is in, then Ok; Degraded or Down
// with the failing request's Error; back to Ok by itself). Observations are collected for up to 50 ms
// and published as one batch, never one signal per object.
//
// Settings: kubeconfig (path; else KUBECONFIG, else ~/.kube/config), context (else current-context),
// namespace (empty: all namespaces), appLabel (default "app", falls back to app.kubernetes.io/name),
// metrics (bool, default true), kinds (plurals to watch, a list or comma separated — "pods,deployments,…";
// default: every kind of ResourceEndpoint::watched()). For tests and tuning: pageSize (500), watchTimeoutSeconds (300),
// retryInitialMs (500), retryMaxMs (30000), metricsIntervalSeconds (15).
// Health: health (bool, default true) polls each service's /health (HealthPoller) every
// healthIntervalMs (15000), at most healthMaxInFlight (4) at once. Lists, polls and health reads go through
// one ResilientClient: requestTimeoutMs (30000) per attempt, retryAttempts (4), breakerThreshold (5)
// consecutive failures open an endpoint's breaker for breakerBreakMs (30000). The source's own breakers are
// published as BreakerState observations with an empty service name (pipeline "opsdeck", strategy = the
// endpoint), so the Sources panel can show them.

#include "datasource.h"
#include "informersettings.h"
#include "resourceendpoint.h"

#include "clusterconnection.h"
#include "resilientclient.h"

#include <QTimer>

#include <memory>
#include <vector>

class Backoff;
class ClusterClient;
class HealthPoller;
class Informer;
class PodMetricsPoller;
class QNetworkAccessManager;

class KubernetesSource final : public Opsdeck::DataSource
{
    Q_OBJECT

public:
    KubernetesSource();
    ~KubernetesSource() override;

    QString contextName() const { return m_connection.contextName; }

public Q_SLOTS:
    void start() override;
    void stop() override;

protected:
    Opsdeck::Result<void> applyConfig(const Opsdeck::SourceConfig &config) override;

private:
    void startInformers();
    void onCredentialsFailed(const Opsdeck::Error &error);
    void enqueue(std::vector<Opsdeck::Observation> &&observations);
    void flush();
    void updateStatus();
    void onBreakerChanged(const QString &endpoint, Opsdeck::CircuitBreaker::State state);

    Opsdeck::ClusterConnection m_connection;
    InformerSettings m_settings;
    bool m_metricsEnabled = true;
    bool m_healthEnabled = true;
    Opsdeck::ResilientClient::Settings m_resilience;
    QList<ResourceEndpoint> m_endpoints; // the kinds this source watches

    ClusterClient *m_client = nullptr;
    QNetworkAccessManager *m_listManager = nullptr;
    std::vector<Informer *> m_informers;
    PodMetricsPoller *m_metrics = nullptr;
    HealthPoller *m_health = nullptr;
    Opsdeck::ResilientClient *m_http = nullptr;
    std::unique_ptr<Backoff> m_credentialBackoff;
    std::optional<Opsdeck::Error> m_credentialError;
    bool m_informersStarted = false;
    bool m_stopped = false;
    QTimer *m_flushTimer = nullptr;
    std::vector<Opsdeck::Observation> m_pending;
};
