#pragma once

// The composition root: loads plugins, starts one Kubernetes source per selected context, feeds
// SourceHost → ServiceStore, runs the demo estate, probes the cluster and shows (or, headless, writes)
// what it found. In the one-shot modes (--snapshot, --screenshot) it waits until every source has
// synced — every kind listed, or the source failed — then writes and emits finished(exitCode).

#include "clusterconnection.h"
#include "clusterprobe.h"
#include "commandline.h"
#include "connectioninfo.h"
#include "actionservice.h"
#include "alertengine.h"
#include "alertlog.h"
#include "error.h"
#include "journal.h"
#include "pluginloader.h"
#include "coststore.h"
#include "databasestore.h"
#include "drillrunner.h"
#include "drillstore.h"
#include "servicestore.h"
#include "snapshotwriter.h"
#include "sourcehost.h"
#include "sourcelistmodel.h"
#include "telemetrystore.h"
#include "timelinefeed.h"
#include "timelinemodel.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <memory>
#include <optional>

namespace Opsdeck {

class AzureSession;
class DemoEnvironment;
class MainWindow;

class Application : public QObject
{
    Q_OBJECT

public:
    explicit Application(Options options, QObject *parent = nullptr);
    ~Application() override;

    void start();
    MainWindow *window() const { return m_window.get(); }
    ServiceStore *store() { return &m_store; }
    TelemetryStore *telemetry() { return &m_telemetry; }
    // The alert rules over the stores and source states, and their record in the journal (issue 9).
    AlertEngine *alerts() { return &m_alerts; }
    AlertLog *alertLog() { return &m_alertLog; }
    DatabaseStore *databases() { return &m_databases; }
    TimelineModel *timeline() { return &m_timeline; }

    // The Kubernetes kinds a source must have listed before a one-shot run counts it as synced.
    static QSet<ResourceKind> requiredKinds();

Q_SIGNALS:
    void finished(int exitCode);

private:
    struct Source
    {
        QString id;      // "kubernetes:<context>"
        QString plugin;  // "kubernetes"
        QString context; // empty for a source that is not per context
        SourceStatus status;
        bool reported = false;
    };

    void loadPlugins();
    void connectCluster(const QString &kubeconfigPath);
    void startSources(const QString &kubeconfigPath, const QStringList &contexts);
    void addSource(const QString &pluginId, const QString &sourceId, const QString &context, const QVariantMap &settings);
    void openJournal();
    void addActionProvider(const QString &pluginId, const QString &sourceId, const QVariantMap &settings);
    void startAzureSources();
    void onSourceStatus(const QString &sourceId, const SourceStatus &status);
    void onConnected(const ClusterVersion &version);
    void onConnectionFailed(const Error &error, int exitCode);
    void setConnection(const ConnectionInfo &info);
    void checkOneShot();
    void onSyncTimeout();
    QList<SourceRecord> sourceRecords() const;
    int writeSnapshot();
    int writeScreenshot();
    void fail(const QString &message, int exitCode);
    void finish(int exitCode);

    Options m_options;
    PluginLoader m_plugins;
    SourceListModel m_sourceList;
    ServiceStore m_store;
    CostStore m_costs; // fed by the costmanagement source (issue 7)
    DatabaseStore m_databases; // fed by the azuresql source (issue 8)
    TelemetryStore m_telemetry{&m_store}; // after m_store: it watches the store's canary weights
    TimelineModel m_timeline;                 // the merged timeline (issue 9 §3) the window and war room show
    TimelineFeed m_timelineFeed{&m_timeline}; // feeds it from the stores, the journal, alerts and drills
    AlertEngine m_alerts;                 // after the stores it reads
    AlertLog m_alertLog;                  // alert_log in the journal file, when the journal opened
    SourceHost m_host;
    Journal m_journal;                                    // the action journal (app data, or $OPSDECK_DATA_DIR)
    DrillStore m_drillStore;                // drill_runs in the journal file (issue 9 §5)
    DrillRunner m_drills;                   // only used with --demo or --allow-chaos
    std::unique_ptr<SimChaos> m_chaos;      // the sim's chaos API on the primary context
    ActionService m_actions{m_journal};
    std::vector<std::unique_ptr<ActionProvider>> m_providers; // one per kubernetes context
    QHash<QString, QString> m_contextUsers;                // context -> kubeconfig user, for the journal
    std::unique_ptr<MainWindow> m_window;
    DemoEnvironment *m_demo = nullptr;
    AzureSession *m_azure = nullptr;                 // --azure-config, or the demo's
    QHash<QString, QVariantMap> m_azureSettings;      // Azure plugin id -> its settings before the config's
    QSet<QString> m_azureProviders;                   // Azure plugins whose action provider was added
    ClusterProbe *m_probe = nullptr;
    ConnectionInfo m_connection;
    QStringList m_contexts;
    QList<Source> m_sources;
    QTimer m_syncTimer;
    bool m_sourcesStarted = false;
    bool m_finished = false;
    bool m_writing = false;
};

} // namespace Opsdeck
