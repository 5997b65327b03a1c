#include "application.h"

#include "azure/azuresession.h"
#include "demoenvironment.h"
#include "headlessestate.h"
#include "journalcommand.h"
#include "kubeconfigloader.h"
#include "canarypane.h"
#include "costsview.h"
#include "mainwindow.h"
#include "querybuilder.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QPixmap>
#include <QSaveFile>
#include <QSettings>

#include <cstdio>

Q_LOGGING_CATEGORY(lcApp, "opsdeck.app")

namespace Opsdeck {

namespace {

const QString KubernetesPlugin = QStringLiteral("kubernetes");
const QStringList AzurePlugins{QStringLiteral("appinsights"), QStringLiteral("costmanagement"), QStringLiteral("azuresql")};

void printError(const QString &text)
{
    std::fprintf(stderr, "opsdeck: %s\n", qPrintable(text));
}

QString describe(const Error &error)
{
    return error.hint.isEmpty() ? error.message : error.message + QStringLiteral(" — ") + error.hint;
}

// Worst first, for the Sources panel's one line per plugin.
int badness(SourceStatus::State state)
{
    switch (state) {
    case SourceStatus::State::Down:
        return 3;
    case SourceStatus::State::Degraded:
        return 2;
    case SourceStatus::State::Connecting:
        return 1;
    case SourceStatus::State::Ok:
        return 0;
    }
    return 0;
}

QString kindNames(const QSet<ResourceKind> &kinds)
{
    QStringList names;
    for (ResourceKind kind : kinds)
        names << toString(kind);
    names.sort();
    return names.join(QStringLiteral(", "));
}

} // namespace

QSet<ResourceKind> Application::requiredKinds()
{
    // HTTPRoutes (an optional CRD), Events and PodMetrics (metrics-server) may legitimately be missing.
    return {ResourceKind::Pod, ResourceKind::Deployment, ResourceKind::ReplicaSet, ResourceKind::HorizontalPodAutoscaler,
            ResourceKind::Ingress, ResourceKind::Service};
}

Application::Application(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{
    connect(&m_host, &SourceHost::statusChanged, this, &Application::onSourceStatus);
    connect(&m_host, &SourceHost::observationsReady, &m_store, &ServiceStore::apply);
    connect(&m_host, &SourceHost::observationsReady, &m_costs, &CostStore::apply);
    connect(&m_host, &SourceHost::observationsReady, &m_databases, &DatabaseStore::apply);
    connect(&m_host, &SourceHost::observationsReady, &m_telemetry, &TelemetryStore::apply);
    connect(&m_host, &SourceHost::statusChanged, &m_telemetry, &TelemetryStore::setSourceStatus);
    m_telemetry.setAnalysisSettings(CanaryAnalysisSettings::load(QSettings()));
    m_alerts.setSettings(AlertSettings::load(QSettings()));
    m_alerts.attach(&m_store, &m_telemetry, &m_costs); // source states come through the store
    connect(&m_store, &ServiceStore::flushed, this, &Application::checkOneShot);
    m_drills.attach(&m_store);
    m_drills.setStore(&m_drillStore);
    m_drills.setAlertEngine(&m_alerts);
    // Azure: the config, its secrets (keychain) and who is signed in; a new sign-in restarts the Azure sources.
    m_azure = new AzureSession(this);
    connect(m_azure, &AzureSession::ready, this, &Application::startAzureSources);
    connect(m_azure, &AzureSession::credentialChanged, this, &Application::startAzureSources);
    connect(m_azure, &AzureSession::failed, this, [this](const Error &error) {
        printError(describe(error));
        if (m_window)
            m_window->showStatus(describe(error));
    });
    m_syncTimer.setSingleShot(true);
    connect(&m_syncTimer, &QTimer::timeout, this, &Application::onSyncTimeout);
    if (!m_options.headless()) {
        m_window = std::make_unique<MainWindow>(&m_sourceList, &m_store);
        m_window->setCosts(&m_costs);
        // The Costs view's refresh button and scope box drive the costmanagement source.
        connect(m_window->costsView(), &CostsView::refreshRequested, this, [this] { m_host.refresh(QStringLiteral("costmanagement")); });
        connect(m_window->costsView(), &CostsView::scopeRequested, this, [this](const QString &scope) {
            m_host.setOption(QStringLiteral("costmanagement"), QStringLiteral("scope"), scope);
        });
        m_window->setAzureSession(m_azure);
        if (m_options.readOnly)
            m_window->setWindowTitle(QStringLiteral("Opsdeck (read-only)"));
        openJournal();
        m_window->setTelemetry(&m_telemetry);
        // The merged timeline and war-room mode (issue 9 §3, §4) over the same stores.
        m_timelineFeed.attachServices(&m_store);
        m_timelineFeed.attachCosts(&m_costs);
        m_timelineFeed.attachAlerts(&m_alerts);
        m_window->setTimeline(&m_timeline);
        m_window->setWarRoomSources(&m_telemetry, &m_alerts);
        m_window->setAlerts(&m_alerts, m_alertLog.isOpen() ? &m_alertLog : nullptr);
        m_window->setDatabases(&m_databases); // the Database tab and the restore runbook (issue 8)
        // "Copy query" on the Canary tab's charts: the appinsights source's Requests query (error rates, p95
        // and request rates all come from it), rendered from the same templates with the source's settings.
        m_window->canaryPane()->setQueryProvider([this](const ServiceKey &, const QString &, int seconds) {
            QVariantMap settings = m_azureSettings.value(QStringLiteral("appinsights"));
            if (m_azure->state() == AzureSession::State::Ready)
                settings.insert(m_azure->config().toSettings());
            const auto dialect = AppInsights::parseDialect(settings.value(QStringLiteral("dialect"), QStringLiteral("workspace")).toString());
            const auto window = AppInsights::QueryWindow::fromSeconds(seconds);
            QStringList services;
            for (const QString &item : settings.value(QStringLiteral("services")).toStringList())
                services += item.split(QLatin1Char(','), Qt::SkipEmptyParts);
            for (QString &name : services)
                name = name.trimmed();
            if (!dialect || !window)
                return QString();
            const auto builder = AppInsights::QueryBuilder::create(*dialect, services);
            return builder ? builder->build(AppInsights::TelemetryQuery::Kind::Requests, *window).text : QString();
        });
        // The Canary tab's window picker drives every Application Insights source (option `window`, seconds).
        connect(m_window.get(), &MainWindow::telemetryWindowRequested, this, [this](int seconds) {
            for (const Source &source : std::as_const(m_sources)) {
                if (source.plugin == QStringLiteral("appinsights"))
                    m_host.setOption(source.id, QStringLiteral("window"), seconds);
            }
        });
    }
}

Application::~Application()
{
    m_host.stopAll(); // sources first: they may be talking to the demo estate
    m_window.reset(); // its dialogs watch the action service
    m_providers.clear();
}

void Application::openJournal()
{
    m_actions.setReadOnly(m_options.readOnly);
    m_actions.setUserResolver([this](const ServiceKey &service) { return m_contextUsers.value(service.context); });
    if (const Result<void> opened = m_journal.open(journalFilePath()); !opened) {
        printError(describe(opened.error()));
        m_window->showStatus(tr("Actions are off: %1").arg(describe(opened.error())));
        return;
    }
    m_window->setActions(&m_actions, &m_journal, m_options.readOnly);
    m_timelineFeed.attachJournal(&m_journal);
    if (const Result<void> log = m_alertLog.open(m_journal.path()); log)
        m_alertLog.attach(&m_alerts);
    else
        printError(describe(log.error()));
    if (const Result<void> drills = m_drillStore.open(m_journal.path()); !drills)
        printError(describe(drills.error()));
    m_timelineFeed.attachDrills(&m_drills, &m_drillStore);
}

void Application::addActionProvider(const QString &pluginId, const QString &sourceId, const QVariantMap &settings)
{
    ActionProviderFactory *factory = m_plugins.actionProviderFactory(pluginId);
    if (!factory || !m_window || !m_journal.isOpen())
        return;
    std::unique_ptr<ActionProvider> provider = factory->createActionProvider(SourceConfig{sourceId, settings});
    if (!provider)
        return;
    m_actions.addProvider(provider.get());
    m_window->addActionProvider(provider.get());
    m_providers.push_back(std::move(provider));
}

void Application::start()
{
    loadPlugins();
    if (m_window && m_options.screenshot.isEmpty())
        m_window->show();
    if (m_window && m_options.screenshot.isEmpty() && m_options.warRoom)
        m_window->showWarRoom(); // --war-room: the big screen from the start
    if (!m_options.snapshot.isEmpty() || !m_options.screenshot.isEmpty())
        m_syncTimer.start(std::chrono::seconds(m_options.syncTimeoutSeconds));

    if (!m_options.azureConfig.isEmpty())
        m_azure->load(m_options.azureConfig);
    if (!m_options.demo) {
        connectCluster(m_options.kubeconfig);
        return;
    }
    m_demo = new DemoEnvironment(this);
    setConnection(ConnectionInfo{ConnectionInfo::State::Connecting, {}, {}, {},
                                 tr("Starting the demo estate (%1)…").arg(m_demo->program())});
    connect(m_demo, &DemoEnvironment::ready, this, [this](const QUrl &, const QString &kubeconfig) {
        if (m_options.azureConfig.isEmpty())
            m_azure->load(m_demo->azureConfigPath()); // the sim's own, written before it was ready
        connectCluster(kubeconfig);
    });
    connect(m_demo, &DemoEnvironment::failed, this, [this](const Error &error) { onConnectionFailed(error, 1); });
    connect(m_demo, &DemoEnvironment::simExited, this, [this](const Error &error) { onConnectionFailed(error, 1); });
    m_demo->start();
}

void Application::loadPlugins()
{
    m_plugins.load();
    // Test fixtures (testOnly in their metadata) are loaded for tests, never shown to people.
    QList<PluginInfo> shown;
    for (const PluginInfo &plugin : m_plugins.plugins()) {
        if (!plugin.testOnly)
            shown.append(plugin);
    }
    m_sourceList.setPlugins(shown, m_plugins.errors());
    if (m_window && !m_plugins.errors().isEmpty())
        m_window->showStatus(tr("%n plugin(s) failed to load — see Sources", nullptr, int(m_plugins.errors().size())));
}

void Application::connectCluster(const QString &kubeconfigPath)
{
    const Result<Kubeconfig> kubeconfig = KubeconfigLoader::load(kubeconfigPath);
    if (!kubeconfig) {
        onConnectionFailed(kubeconfig.error(), 2);
        return;
    }
    QStringList contexts = m_options.contexts;
    if (contexts.isEmpty())
        contexts << kubeconfig->currentContext(); // empty: resolve() says there is none
    std::optional<ClusterConnection> primary;
    for (const QString &name : std::as_const(contexts)) {
        const Result<ClusterConnection> connection = kubeconfig->resolve(name);
        if (!connection) {
            onConnectionFailed(connection.error(), 2);
            return;
        }
        if (!primary)
            primary = *connection;
        if (!m_contexts.contains(connection->contextName))
            m_contexts << connection->contextName;
        if (const std::optional<KubeconfigContext> context = kubeconfig->context(connection->contextName))
            m_contextUsers.insert(context->name, context->user);
    }

    QString message = m_options.demo ? tr("Demo estate (opsdeck-sim)") : QString();
    if (!primary->warning.isEmpty())
        message = primary->warning;
    if (m_contexts.size() > 1)
        message = (message.isEmpty() ? QString() : message + QStringLiteral("\n")) + tr("Watching %1").arg(m_contexts.join(QStringLiteral(", ")));
    setConnection(ConnectionInfo{ConnectionInfo::State::Connecting, primary->contextName, primary->server.toString(), {}, message});

    if ((m_options.demo || m_options.allowChaos) && m_window && !m_chaos) {
        // Drills inject faults through the sim's chaos API; the panel asks it first and refuses anything else.
        m_chaos = std::make_unique<SimChaos>(*primary);
        m_drills.setChaos(m_chaos.get());
        m_window->setDrills(&m_drills, &m_drillStore, m_chaos.get());
    }
    delete m_probe;
    m_probe = new ClusterProbe(*primary, this);
    connect(m_probe, &ClusterProbe::versionReceived, this, &Application::onConnected);
    connect(m_probe, &ClusterProbe::failed, this, [this](const Error &error) { onConnectionFailed(error, 1); });
    m_probe->start();
    startSources(kubeconfig->files().value(0, kubeconfigPath), m_contexts);
}

void Application::startSources(const QString &kubeconfigPath, const QStringList &contexts)
{
    bool haveKubernetes = false;
    for (const PluginInfo &plugin : m_plugins.plugins()) {
        if (!m_plugins.sourceFactory(plugin.id) || plugin.testOnly)
            continue;
        const QVariantMap common{{QStringLiteral("kubeconfig"), kubeconfigPath}, {QStringLiteral("readOnly"), m_options.readOnly}};
        if (plugin.id == KubernetesPlugin) {
            haveKubernetes = true;
            // One source, with its own informers and thread, per context: clusters side by side.
            for (const QString &context : contexts) {
                QVariantMap settings = common;
                settings.insert(QStringLiteral("context"), context);
                addSource(plugin.id, QStringLiteral("%1:%2").arg(plugin.id, context), context, settings);
                addActionProvider(plugin.id, QStringLiteral("%1:%2").arg(plugin.id, context), settings);
            }
        } else if (AzurePlugins.contains(plugin.id)) {
            QVariantMap settings = common;
            settings.insert(QStringLiteral("context"), contexts.value(0));
            m_azureSettings.insert(plugin.id, settings); // started with the Azure config: startAzureSources()
        } else {
            QVariantMap settings = common;
            settings.insert(QStringLiteral("context"), contexts.value(0));
            addSource(plugin.id, plugin.id, {}, settings);
        }
    }
    m_sourcesStarted = true;
    m_host.startAll();
    startAzureSources();
    if (!haveKubernetes) {
        const QString where = m_plugins.searchPaths().join(QStringLiteral(", "));
        const Error error{ErrorKind::Plugin, tr("the kubernetes plugin was not found (searched %1)").arg(where),
                          tr("set OPSDECK_PLUGIN_PATH to the folder holding libopsdeck-kubernetes.so"), std::nullopt};
        if (m_window)
            m_window->showStatus(describe(error));
        if (!m_options.snapshot.isEmpty() || !m_options.screenshot.isEmpty())
            fail(describe(error), 1);
    }
    checkOneShot();
}

void Application::addSource(const QString &pluginId, const QString &sourceId, const QString &context, const QVariantMap &settings)
{
    Source entry{sourceId, pluginId, context, SourceStatus{}, false};
    m_alerts.setSourceInterval(sourceId, sourcePollSeconds(pluginId, settings)); // a stale source goes down
    std::unique_ptr<DataSource> source = m_plugins.sourceFactory(pluginId)->createSource();
    Result<void> ok = source ? source->configure(SourceConfig{sourceId, settings})
                             : Result<void>(makeError(ErrorKind::Plugin, QStringLiteral("plugin '%1' made no source").arg(pluginId)));
    if (ok)
        ok = m_host.add(std::move(source));
    if (!ok) {
        entry.status = SourceStatus{SourceStatus::State::Down, {}, ok.error()};
        entry.reported = true;
        printError(describe(ok.error()));
    }
    m_sources.append(entry);
    if (!ok)
        onSourceStatus(sourceId, entry.status);
}

void Application::startAzureSources()
{
    if (!m_sourcesStarted || m_azure->state() != AzureSession::State::Ready)
        return;
    const QVariantMap azure = m_azure->config().toSettings();
    for (auto it = m_azureSettings.cbegin(); it != m_azureSettings.cend(); ++it) {
        if (m_host.remove(it.key())) // a new sign-in: start again with it
            m_sources.removeIf([&it](const Source &source) { return source.id == it.key(); });
        QVariantMap settings = it.value();
        settings.insert(azure);
        addSource(it.key(), it.key(), {}, settings);
        m_azure->setSourceMethod(it.key(), m_azure->methodDescription());
        // Azure plugins that act (azuresql: restore-db) get one provider, with the first sign-in: a new
        // sign-in must not cut off a restore that provider is tracking.
        if (!m_azureProviders.contains(it.key())) {
            m_azureProviders.insert(it.key());
            addActionProvider(it.key(), it.key(), settings);
            // A restore the last run was tracking when it exited goes on being tracked (issue 8).
            const Result<QList<JournalEntry>> interrupted = m_journal.isOpen() ? m_actions.interrupted()
                                                                               : Result<QList<JournalEntry>>(QList<JournalEntry>{});
            for (const JournalEntry &entry : interrupted.value_or(QList<JournalEntry>{})) {
                if (entry.action == u"restore-db" && !m_options.readOnly)
                    (void)m_actions.resume(entry.id);
            }
        }
    }
}

void Application::onSourceStatus(const QString &sourceId, const SourceStatus &status)
{
    QString plugin;
    for (Source &source : m_sources) {
        if (source.id == sourceId) {
            source.status = status;
            source.reported = true;
            plugin = source.plugin;
        }
    }
    m_store.setSourceStatus(sourceId, status);
    // The Sources panel has one line per plugin: show its worst source.
    std::optional<SourceStatus> worst;
    for (const Source &source : std::as_const(m_sources)) {
        if (source.plugin == plugin && (!worst || badness(source.status.state) > badness(worst->state)))
            worst = source.status;
    }
    if (worst)
        m_sourceList.setSourceStatus(plugin, *worst);
    checkOneShot();
}

void Application::onConnected(const ClusterVersion &version)
{
    ConnectionInfo info = m_connection;
    info.state = ConnectionInfo::State::Connected;
    info.serverVersion = version.gitVersion;
    setConnection(info);
}

void Application::onConnectionFailed(const Error &error, int exitCode)
{
    ConnectionInfo info = m_connection;
    info.state = ConnectionInfo::State::Failed;
    info.message = describe(error);
    setConnection(info);
    if (!m_options.snapshot.isEmpty() || !m_options.screenshot.isEmpty())
        fail(describe(error), exitCode);
}

void Application::setConnection(const ConnectionInfo &info)
{
    m_connection = info;
    if (m_window)
        m_window->setConnection(info);
}

void Application::checkOneShot()
{
    if (m_finished || m_writing || !m_sourcesStarted || (m_options.snapshot.isEmpty() && m_options.screenshot.isEmpty()))
        return;
    for (const Source &source : std::as_const(m_sources)) {
        if (source.reported && source.status.state == SourceStatus::State::Down) {
            fail(tr("source %1 failed: %2")
                     .arg(source.id, source.status.error ? describe(*source.status.error) : tr("it is down")),
                 1);
            return;
        }
        if (!source.reported || source.status.state == SourceStatus::State::Connecting)
            return;
        if (!source.context.isEmpty() && !m_store.isContextSynced(source.context, requiredKinds()))
            return; // Degraded while some kinds have not listed yet
    }
    if (m_sources.isEmpty())
        return;
    m_writing = true; // flush() below emits flushed(), which calls us again
    m_store.flush();
    if (!m_options.snapshot.isEmpty()) {
        finish(writeSnapshot());
        return;
    }
    // Let the window lay out its first rows (and select one) before rendering.
    m_window->show();
    QTimer::singleShot(400, this, [this] { finish(writeScreenshot()); });
}

void Application::onSyncTimeout()
{
    if (m_finished || m_writing)
        return;
    QStringList pending;
    for (const Source &source : std::as_const(m_sources)) {
        QSet<ResourceKind> missing = requiredKinds();
        if (!source.context.isEmpty())
            missing.subtract(m_store.contextState(source.context).synced);
        pending << tr("%1 is %2%3")
                       .arg(source.id, toString(source.status.state),
                            missing.isEmpty() ? QString() : tr(" (not listed yet: %1)").arg(kindNames(missing)));
    }
    fail(tr("the sources did not sync within %1 s: %2 (try --sync-timeout)")
             .arg(m_options.syncTimeoutSeconds)
             .arg(pending.isEmpty() ? tr("no source started") : pending.join(QStringLiteral("; "))),
         1);
}

QList<SourceRecord> Application::sourceRecords() const
{
    QList<SourceRecord> records;
    for (const Source &source : m_sources)
        records.append(SourceRecord{source.id, source.plugin, source.status});
    return records;
}

void Application::fail(const QString &message, int exitCode)
{
    if (m_finished || m_writing)
        return;
    printError(message);
    // Still write what is known: the document's sources[] says which failed and why.
    m_writing = true;
    m_store.flush();
    int code = exitCode;
    if (!m_options.snapshot.isEmpty()) {
        const int written = writeSnapshot();
        if (written != 0)
            code = written;
    } else if (!m_options.screenshot.isEmpty() && m_window) {
        writeScreenshot();
    }
    finish(code);
}

int Application::writeSnapshot()
{
    QJsonObject root = SnapshotWriter::toJson(m_store, m_contexts, sourceRecords(), QDateTime::currentDateTimeUtc());
    QJsonArray pluginErrors;
    for (const Error &error : m_plugins.errors())
        pluginErrors.append(error.message);
    root.insert(QStringLiteral("pluginErrors"), pluginErrors);
    m_costs.addToSnapshot(root);
    m_telemetry.addToSnapshot(root);
    m_alerts.refresh(); // the stores as written, not as of the last coalesced read
    m_alerts.addToSnapshot(root);
    m_databases.addToSnapshot(root);

    QSaveFile file(m_options.snapshot);
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(root).toJson(QJsonDocument::Indented)) < 0 || !file.commit()) {
        printError(QStringLiteral("cannot write snapshot '%1': %2").arg(m_options.snapshot, file.errorString()));
        return 2;
    }
    return 0;
}

int Application::writeScreenshot()
{
    m_window->show();
    const QPixmap pixmap = m_window->grab();
    if (pixmap.isNull() || !pixmap.save(m_options.screenshot, "PNG")) {
        printError(QStringLiteral("cannot write screenshot '%1'").arg(m_options.screenshot));
        return 2;
    }
    return 0;
}

void Application::finish(int exitCode)
{
    if (m_finished)
        return;
    m_finished = true;
    m_syncTimer.stop();
    Q_EMIT finished(exitCode);
}

} // namespace Opsdeck
