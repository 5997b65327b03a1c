#include "headlessestate.h"

#include "alertlog.h"
#include "application.h"
#include "azure/azureconfig.h"
#include "datasourcefactory.h"
#include "kubeconfigloader.h"

#include <QSettings>
#include <QTimer>

namespace Opsdeck {

namespace {

const QString KubernetesPlugin = QStringLiteral("kubernetes");
// The kubernetes source reads /health every 15 s once the Services are listed: a first round fits in this.
constexpr std::chrono::milliseconds HealthGrace { 25'000 };
const QStringList AzurePlugins { QStringLiteral("appinsights"), QStringLiteral("costmanagement"),
                                 QStringLiteral("azuresql") };

QString describe(const Error &error)
{
    return error.hint.isEmpty() ? error.message : error.message + QStringLiteral(" — ") + error.hint;
}

} // namespace

int sourcePollSeconds(const QString &pluginId, const QVariantMap &settings)
{
    const auto positive = [&settings](const QString &name, int fallback) {
        bool ok = false;
        const int value = settings.value(name).toInt(&ok);
        return ok && value > 0 ? value : fallback;
    };
    if (pluginId == QLatin1String("appinsights"))
        return positive(QStringLiteral("intervalMs"), 60'000) / 1000;
    if (pluginId == QLatin1String("costmanagement"))
        return positive(QStringLiteral("intervalMs"), 3'600'000) / 1000;
    if (pluginId == QLatin1String("azuresql"))
        return positive(QStringLiteral("pollSeconds"), 60);
    return 0; // kubernetes watches; an unknown plugin: only its state counts
}

HeadlessEstate::HeadlessEstate(const GlobalOptions &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
{
    // The same wiring as the app's (Application): batches to every store, statuses to the stores and alerts.
    connect(&m_host, &SourceHost::observationsReady, &m_store, &ServiceStore::apply);
    connect(&m_host, &SourceHost::observationsReady, &m_costs, &CostStore::apply);
    connect(&m_host, &SourceHost::observationsReady, &m_telemetry, &TelemetryStore::apply);
    connect(&m_host, &SourceHost::statusChanged, &m_telemetry, &TelemetryStore::setSourceStatus);
    connect(&m_host, &SourceHost::statusChanged, this, &HeadlessEstate::onSourceStatus);
    connect(&m_store, &ServiceStore::flushed, this, &HeadlessEstate::checkSynced);
    const QSettings settings;
    m_telemetry.setAnalysisSettings(CanaryAnalysisSettings::load(settings));
    m_alerts.setSettings(AlertSettings::load(settings));
}

HeadlessEstate::~HeadlessEstate()
{
    m_host.stopAll(); // the source threads first: they post into the stores
    m_alertLog.reset();
}

Result<void> HeadlessEstate::start()
{
    if (m_started)
        return {};
    const Result<Kubeconfig> kubeconfig = KubeconfigLoader::load(m_options.kubeconfig);
    if (!kubeconfig)
        return tl::unexpected(kubeconfig.error());
    const QString contextName
        = m_options.context.isEmpty() ? kubeconfig->currentContext() : m_options.context;
    const Result<ClusterConnection> connection = kubeconfig->resolve(contextName);
    if (!connection)
        return tl::unexpected(connection.error());
    std::optional<AzureConfig> azure;
    if (!m_options.azureConfig.isEmpty()) {
        const Result<AzureConfig> loaded = AzureConfig::load(m_options.azureConfig);
        if (!loaded)
            return tl::unexpected(loaded.error());
        azure = *loaded;
    }
    m_connection = *connection;
    m_kubeconfigFile = kubeconfig->files().value(0, m_options.kubeconfig);

    m_plugins.load();
    if (!m_plugins.sourceFactory(KubernetesPlugin)) {
        return makeError(
            ErrorKind::Plugin,
            QStringLiteral("the kubernetes plugin was not found (searched %1)")
                .arg(m_plugins.searchPaths().join(QStringLiteral(", "))),
            QStringLiteral("set OPSDECK_PLUGIN_PATH to the folder holding libopsdeck-kubernetes.so"));
    }
    m_started = true;
    const QVariantMap common { { QStringLiteral("kubeconfig"), m_kubeconfigFile },
                               { QStringLiteral("context"), m_connection->contextName },
                               { QStringLiteral("readOnly"), true } };
    addSource(KubernetesPlugin, QStringLiteral("%1:%2").arg(KubernetesPlugin, m_connection->contextName),
              common);
    if (azure) {
        for (const QString &plugin : AzurePlugins) {
            if (!m_plugins.sourceFactory(plugin))
                continue; // not built or not installed: the Azure figures it would give are simply absent
            QVariantMap settings = common;
            settings.insert(azure->toSettings());
            if (plugin == QLatin1String("costmanagement"))
                settings.insert(QStringLiteral("cacheFile"),
                                QString()); // today's figures, not yesterday's cache
            addSource(plugin, plugin, settings);
        }
    }
    m_alerts.attach(&m_store, &m_telemetry, &m_costs);
    m_host.startAll();
    return {};
}

void HeadlessEstate::addSource(const QString &pluginId, const QString &sourceId, const QVariantMap &settings)
{
    Source entry { sourceId, pluginId, sourcePollSeconds(pluginId, settings), SourceStatus {}, false };
    m_alerts.setSourceInterval(sourceId, entry.intervalSeconds);
    std::unique_ptr<DataSource> source = m_plugins.sourceFactory(pluginId)->createSource();
    Result<void> ok = source
        ? source->configure(SourceConfig { sourceId, settings })
        : Result<void>(
            makeError(ErrorKind::Plugin, QStringLiteral("plugin '%1' made no source").arg(pluginId)));
    if (ok)
        ok = m_host.add(std::move(source));
    m_sources.append(entry);
    if (!ok) {
        // Reported like a source that went down (the kubernetes one fails the start; others alert).
        const SourceStatus down { SourceStatus::State::Down, {}, ok.error() };
        QMetaObject::invokeMethod(
            this, [this, sourceId, down] { onSourceStatus(sourceId, down); }, Qt::QueuedConnection);
    }
}

Result<void> HeadlessEstate::recordAlerts(const QString &journalPath)
{
    auto log = std::make_unique<AlertLog>();
    if (Result<void> opened = log->open(journalPath); !opened)
        return opened;
    log->attach(&m_alerts);
    m_alertLog = std::move(log);
    return {};
}

QString HeadlessEstate::context() const
{
    return m_connection ? m_connection->contextName : QString();
}

QString HeadlessEstate::namespaceName() const
{
    if (!m_options.ns.isEmpty())
        return m_options.ns;
    return m_connection ? m_connection->namespaceName : QStringLiteral("default");
}

QHash<QString, SourceStatus> HeadlessEstate::sourceStatuses() const
{
    QHash<QString, SourceStatus> out;
    for (const Source &source : m_sources)
        out.insert(source.id, source.status);
    return out;
}

QString HeadlessEstate::pendingDescription() const
{
    QStringList pending;
    for (const Source &source : m_sources) {
        QString line = QStringLiteral("%1 is %2").arg(source.id, toString(source.status.state));
        if (source.plugin == KubernetesPlugin) {
            QSet<ResourceKind> missing = Application::requiredKinds();
            missing.subtract(m_store.contextState(context()).synced);
            QStringList names;
            for (ResourceKind kind : std::as_const(missing))
                names << toString(kind);
            names.sort();
            if (!names.isEmpty())
                line += QStringLiteral(" (not listed yet: %1)").arg(names.join(QStringLiteral(", ")));
        } else if (source.status.error) {
            line += QStringLiteral(": ") + source.status.error->message;
        }
        pending << line;
    }
    return pending.isEmpty() ? QStringLiteral("no source started") : pending.join(QStringLiteral("; "));
}

void HeadlessEstate::onSourceStatus(const QString &sourceId, const SourceStatus &status)
{
    for (Source &source : m_sources) {
        if (source.id == sourceId) {
            source.status = status;
            source.reported = true;
        }
    }
    m_store.setSourceStatus(sourceId, status); // the AlertEngine reads source states from the store
    checkSynced();
}

bool HeadlessEstate::healthRead() const
{
    // The store publishes its rows on its own tick, after the listing: no rows yet is not "all read".
    if (m_store.serviceCount() == 0)
        return false;
    for (int row = 0; row < m_store.serviceCount(); ++row) {
        const ServiceSummary s = m_store.serviceAt(row);
        if (s.key.context == context() && s.pods > 0 && !s.reportStatus && s.reportError.isEmpty())
            return false;
    }
    return true;
}

void HeadlessEstate::fail(const Error &error)
{
    if (m_failed || m_synced)
        return;
    m_failed = true;
    Q_EMIT failed(error);
}

void HeadlessEstate::checkSynced()
{
    if (!m_started || m_synced || m_failed)
        return;
    for (const Source &source : std::as_const(m_sources)) {
        if (source.plugin == KubernetesPlugin && source.reported
            && source.status.state == SourceStatus::State::Down) {
            fail(Error {
                ErrorKind::Network,
                QStringLiteral("source %1 failed: %2")
                    .arg(source.id,
                         source.status.error ? describe(*source.status.error) : QStringLiteral("it is down")),
                {},
                std::nullopt });
            return;
        }
        // An Azure source counts once it answered — even Down: its alert (source-down) is the answer.
        if (!source.reported || source.status.state == SourceStatus::State::Connecting)
            return;
        if (source.plugin == KubernetesPlugin
            && !m_store.isContextSynced(context(), Application::requiredKinds()))
            return;
    }
    if (m_sources.isEmpty())
        return;
    // The health reports (breakers, health) come from a poller that starts once the Services are listed:
    // wait for every service's first report, at most HealthGrace after the listing.
    if (!m_listedAt.isValid()) {
        m_listedAt.start();
        QTimer::singleShot(HealthGrace, this, &HeadlessEstate::checkSynced);
    }
    if (!m_listedAt.hasExpired(HealthGrace.count()) && !healthRead())
        return;
    m_synced = true;
    m_store.flush();
    m_alerts.refresh(); // the stores as they are now, not after the coalescing delay
    Q_EMIT synced();
}

} // namespace Opsdeck
