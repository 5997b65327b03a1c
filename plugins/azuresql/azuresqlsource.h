#pragma once

// Azure SQL's databases as a data source (issue 8, read side): every pollSeconds and on refresh(), the
// servers to read (the `sqlServer` setting, else every server of the resource group, listed), then each
// server's databases (all pages), published as one SqlDatabaseList per server in one batch. A server
// that fails keeps its last list in the stores (nothing replaces it) and makes the source Degraded; with
// nothing read yet it is Down. Errors say what failed and what to do (401/403/429/timeouts).
//
// Settings: AzureConfig::toSettings() (armEndpoint, subscriptionId, resourceGroup, caFile, the
// credential), sqlServer (optional), pollSeconds (60), requestTimeoutMs (30000),
// maxThrottleWaitSeconds (120: a longer Retry-After fails the poll and the next one waits for it).

#include "azure/azureconfig.h"
#include "datasource.h"

#include <QJsonArray>
#include <QPointer>
#include <QTimer>

class SqlArmClient;

class AzureSqlSource final : public Opsdeck::DataSource
{
    Q_OBJECT

public:
    AzureSqlSource();
    ~AzureSqlSource() override;

    // The servers the last poll read ("opsdeck-sql"), for diagnostics and tests.
    QStringList servers() const { return m_servers; }
    int pollsCompleted() const { return m_polls; }

public Q_SLOTS:
    void start() override;
    void stop() override;
    void refresh() override;

Q_SIGNALS:
    // After every poll, on the source's thread (tests wait for it).
    void pollFinished();

protected:
    Opsdeck::Result<void> applyConfig(const Opsdeck::SourceConfig &config) override;

private:
    void poll();
    void readServer(int index);
    void finishPoll();
    void scheduleNext(std::chrono::milliseconds delay);
    // The error with a hint that fits Azure SQL (roles to ask for, when to expect the next try).
    Opsdeck::Error explained(Opsdeck::Error error) const;

    Opsdeck::AzureConfig m_config;
    QString m_sqlServer;
    int m_pollSeconds = 60;
    int m_requestTimeoutMs = 30'000;
    int m_maxThrottleWaitSeconds = 120;

    SqlArmClient *m_client = nullptr;
    QTimer *m_timer = nullptr;
    bool m_stopped = true;
    bool m_running = false;
    bool m_pending = false; // refresh() asked during a poll
    bool m_haveData = false;
    int m_polls = 0;

    // The poll in progress.
    QStringList m_servers;
    QStringList m_published; // servers the last successful listing named
    std::vector<Opsdeck::Observation> m_lists;
    std::optional<Opsdeck::Error> m_pollError;
    int m_failedServers = 0;
};
