#pragma once

// Application Insights telemetry as a data source: every intervalMs (and at once on refresh() or a new
// window) it sends the four queries of QueryBuilder for the window — all services and both tracks in
// each — through one ResilientClient (retry with Retry-After on 429/5xx, a breaker per endpoint), with a
// bearer token from EntraCredential (a 401 invalidates the token and retries once), and publishes what
// TelemetryConverter makes of the answers as one batch.
//
// Settings: AzureConfig::toSettings() keys (tenantId, clientId, clientSecret, logAnalyticsEndpoint,
// workspaceId, appInsightsEndpoint, appId, caFile, …) plus dialect ("workspace" default | "classic"),
// services (list or comma separated; empty: every role name), intervalMs (60000), window (seconds: 900
// default, 3600, 21600, 86400), context / namespace (put into each ServiceKey; default empty). Tuning:
// requestTimeoutMs (30000), retryAttempts (4), retryInitialMs (1000), breakerThreshold (5), breakerBreakMs (30000).
// Option: setOption("window", seconds) re-queries at once.
// Status: Ok when every query answered in full; Degraded when some failed (their figures stay as they
// were) or answered partially; Down when none answered (no token, 403, network).

#include "dialect.h"
#include "querybuilder.h"
#include "querywindow.h"
#include "telemetryconverter.h"

#include "azure/azureconfig.h"
#include "datasource.h"
#include "resilientclient.h"

#include <QPointer>
#include <QSslConfiguration>
#include <QTimer>
#include <QUrl>

#include <optional>
#include <set>

class QNetworkAccessManager;

namespace Opsdeck {
class EntraCredential;
class ResilientReply;
} // namespace Opsdeck

class AppInsightsSource final : public Opsdeck::DataSource
{
    Q_OBJECT

public:
    AppInsightsSource();
    ~AppInsightsSource() override;

    // The query URL and the token's resource (audience) of the configured dialect.
    QUrl queryUrl() const { return m_queryUrl; }
    QString resource() const { return m_resource; }
    Opsdeck::AppInsights::QueryWindow window() const { return m_window; }

public Q_SLOTS:
    void start() override;
    void stop() override;
    void refresh() override;
    void setOption(const QString &name, const QVariant &value) override;

protected:
    Opsdeck::Result<void> applyConfig(const Opsdeck::SourceConfig &config) override;

private:
    struct Round; // one refresh: its queries in flight and what came back

    void beginRound();
    void withToken(std::function<void(const QByteArray &)> next);
    void send(int index, const QByteArray &token);
    void onAnswer(int index, const Opsdeck::Result<Opsdeck::HttpResponse> &result);
    void finishRound();
    void abortRound();
    void scheduleNext();

    Opsdeck::AzureConfig m_azure;
    std::optional<Opsdeck::AppInsights::QueryBuilder> m_builder;
    Opsdeck::AppInsights::QueryWindow m_window;
    QUrl m_queryUrl;
    QString m_resource;
    QString m_context;
    QString m_ns;
    int m_intervalMs = 60000;
    Opsdeck::ResilientClient::Settings m_resilience;

    QNetworkAccessManager *m_net = nullptr;
    Opsdeck::ResilientClient *m_http = nullptr;
    Opsdeck::EntraCredential *m_credential = nullptr;
    std::optional<QSslConfiguration> m_ssl;
    QTimer *m_timer = nullptr;
    std::unique_ptr<Round> m_round;
    quint64 m_roundId = 0;
    bool m_again = false; // refresh() during a round: another one right after it
    bool m_stopped = true;
    std::set<Opsdeck::AppInsights::TelemetryConverter::Key> m_shown; // keys published last time
};
