#pragma once

// Azure Cost Management for one scope as a data source: at start the cached figures of the scope (with
// their age), then a refresh (CostFetcher) now, every intervalMs (an hour) and on refresh(); each
// result is published as one batch — every CostSeries and CostBudget of the scope — and cached.
//
// Settings: AzureConfig::toSettings() (armEndpoint, subscriptionId, caFile, the credential), and
// scope ("/subscriptions/{id}[/resourceGroups/{rg}]" or a resource group's name; default the
// subscription), period ("mtd" | "last-month"), intervalMs (3600000), cacheFile (default
// <cache location>/costmanagement.sqlite; empty: no cache), forecast (true), requestTimeoutMs (60000),
// maxThrottleWaitSeconds (300), maxThrottleAttempts (6). Options while running: scope, period.

#include "costcache.h"
#include "costfetcher.h"

#include "azure/azureconfig.h"
#include "datasource.h"
#include "resilientclient.h"

#include <QTimer>

#include <memory>

class QNetworkAccessManager;

namespace Opsdeck {
class EntraCredential;
}

class CostManagementSource final : public Opsdeck::DataSource
{
    Q_OBJECT

public:
    CostManagementSource();
    ~CostManagementSource() override;

    QString scope() const { return m_scope; }
    static QString resource() { return QStringLiteral("https://management.azure.com"); }

public Q_SLOTS:
    void start() override;
    void stop() override;
    void refresh() override;
    void setOption(const QString &name, const QVariant &value) override;

protected:
    Opsdeck::Result<void> applyConfig(const Opsdeck::SourceConfig &config) override;

private:
    QString periodWord() const;
    void makeFetcher();
    void publishCached();
    void fetchNow();
    void onFetched(const Opsdeck::Result<CostAnswers> &answers);

    Opsdeck::AzureConfig m_config;
    QString m_scope;
    CostFetcher::Period m_period = CostFetcher::Period::MonthToDate;
    int m_intervalMs = 3'600'000;
    QString m_cachePath;
    bool m_forecast = true;
    int m_requestTimeoutMs = 60'000;
    int m_maxThrottleWaitSeconds = 300;
    int m_maxThrottleAttempts = 6;

    QNetworkAccessManager *m_net = nullptr;
    Opsdeck::ResilientClient *m_http = nullptr;
    Opsdeck::EntraCredential *m_credential = nullptr;
    CostFetcher *m_fetcher = nullptr;
    std::unique_ptr<CostCache> m_cache;
    std::optional<QSslConfiguration> m_ssl;
    QTimer *m_timer = nullptr; // made in start(), on the source's own thread
    bool m_pending = false;   // a refresh was asked for while one ran
    bool m_haveData = false;  // something (cached or fresh) was published for the scope
    int m_failures = 0;
    bool m_stopped = false;
};
