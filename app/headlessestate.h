#pragma once

// The estate without a window, for the headless commands that watch it (`opsdeck alerts`, `opsdeck drill`):
// loads the plugins, starts the kubernetes source of GlobalOptions' context (plus the Azure sources —
// appinsights, costmanagement, azuresql — when --azure-config is given) on a SourceHost, and feeds
// ServiceStore, TelemetryStore, CostStore and the AlertEngine as the app does (source statuses with their
// poll intervals included). synced() once: the kubernetes source has listed every kind the one-shot modes
// require (Application::requiredKinds()), every service's first /health read is in (at most 25 s more),
// and each Azure source has answered (Ok, Degraded or Down) —
// or failed(error) when the kubeconfig, the context or the kubernetes source is unusable.
// After synced() the sources keep running: a caller that waits (a drill) sees the stores move on.

#include "alertengine.h"
#include "clusterconnection.h"
#include "coststore.h"
#include "error.h"
#include "globaloptions.h"
#include "pluginloader.h"
#include "servicestore.h"
#include "sourcehost.h"
#include "telemetrystore.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QSet>

#include <memory>
#include <optional>

namespace Opsdeck {

class AlertLog;

// A source's poll interval in seconds from its plugin's settings (appinsights/costmanagement `intervalMs`,
// azuresql `pollSeconds`, their defaults otherwise); 0 for the kubernetes source, which watches. The
// AlertEngine's source-down rule calls a source whose last success is staleFactor × this old down.
int sourcePollSeconds(const QString &pluginId, const QVariantMap &settings);

class HeadlessEstate : public QObject
{
    Q_OBJECT

public:
    explicit HeadlessEstate(const GlobalOptions &options, QObject *parent = nullptr);
    ~HeadlessEstate() override;

    // Resolves the kubeconfig and context (a usage problem: Error{Config}, exit 2), loads the plugins and
    // starts the sources (no kubernetes plugin: Error{Plugin}). Returns at once; synced() or failed()
    // follows.
    Result<void> start();

    ServiceStore &store() { return m_store; }
    TelemetryStore &telemetry() { return m_telemetry; }
    CostStore &costs() { return m_costs; }
    AlertEngine &alerts() { return m_alerts; }

    // Records the engine's alerts into the journal's alert_log as the app does (drills do; `opsdeck
    // alerts` only reads). Call before or after start(); null before.
    Result<void> recordAlerts(const QString &journalPath);
    AlertLog *alertLog() const { return m_alertLog.get(); }

    // After start(): the resolved connection of the context (nullopt before, or when it did not resolve).
    std::optional<ClusterConnection> connection() const { return m_connection; }
    QString context() const; // the resolved context's name
    QString namespaceName() const; // --namespace, else the context's namespace
    bool isSynced() const { return m_synced; }
    // Source id → its latest status (for messages such as "appinsights is Down: …").
    QHash<QString, SourceStatus> sourceStatuses() const;
    // "kubernetes:<ctx> is Degraded (not listed yet: Pods); appinsights is Connecting" — what synced() waits
    // for.
    QString pendingDescription() const;

Q_SIGNALS:
    void synced();
    void failed(const Opsdeck::Error &error);

private:
    struct Source
    {
        QString id;
        QString plugin;
        int intervalSeconds = 0; // for source-down by staleness
        SourceStatus status;
        bool reported = false;
    };

    void addSource(const QString &pluginId, const QString &sourceId, const QVariantMap &settings);
    void fail(const Error &error);
    void onSourceStatus(const QString &sourceId, const SourceStatus &status);
    void checkSynced();
    bool healthRead() const; // every service with pods has had its first /health read (or its failure)

    GlobalOptions m_options;
    PluginLoader m_plugins;
    ServiceStore m_store;
    CostStore m_costs;
    TelemetryStore m_telemetry { &m_store };
    AlertEngine m_alerts;
    SourceHost m_host;
    std::unique_ptr<AlertLog> m_alertLog;
    std::optional<ClusterConnection> m_connection;
    QString m_kubeconfigFile;
    QList<Source> m_sources;
    QElapsedTimer m_listedAt; // when the kinds were first all listed
    bool m_started = false;
    bool m_synced = false;
    bool m_failed = false;
};

} // namespace Opsdeck
