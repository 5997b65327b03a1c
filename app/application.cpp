#include "application.h"

#include "demoenvironment.h"
#include "kubeconfigloader.h"
#include "mainwindow.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QPixmap>
#include <QSaveFile>
#include <QTimer>

#include <cstdio>

Q_LOGGING_CATEGORY(lcApp, "opsdeck.app")

namespace Opsdeck {

namespace {

void printError(const QString &text)
{
    std::fprintf(stderr, "opsdeck: %s\n", qPrintable(text));
}

QString describe(const Error &error)
{
    return error.hint.isEmpty() ? error.message : error.message + QStringLiteral(" — ") + error.hint;
}

QString rfc3339(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODate); // 2026-11-24T05:35:31Z
}

} // namespace

Application::Application(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{
    connect(&m_host, &SourceHost::statusChanged, this, [this](const QString &sourceId, const SourceStatus &status) {
        m_sourceList.setSourceStatus(sourceId, status); // one source per plugin: source id = plugin id
    });
    connect(&m_host, &SourceHost::observationsReady, this, [](const ObservationBatch &batch) {
        // The ServiceStore (next issue) applies these; until then they are only counted.
        qCDebug(lcApp) << "batch from" << batch.sourceId << "with" << batch.observations.size() << "observations";
    });
    if (!m_options.headless()) {
        m_window = std::make_unique<MainWindow>(&m_sourceList);
        if (m_options.readOnly)
            m_window->setWindowTitle(QStringLiteral("Opsdeck (read-only)"));
    }
}

Application::~Application()
{
    m_host.stopAll(); // sources first: they may be talking to the demo estate
}

void Application::start()
{
    loadPlugins();
    if (m_window && m_options.screenshot.isEmpty())
        m_window->show();

    if (!m_options.demo) {
        connectCluster(m_options.kubeconfig);
        return;
    }
    m_demo = new DemoEnvironment(this);
    setConnection(ConnectionInfo{ConnectionInfo::State::Connecting, {}, {}, {},
                                 tr("Starting the demo estate (%1)…").arg(m_demo->program())});
    connect(m_demo, &DemoEnvironment::ready, this, [this](const QUrl &, const QString &kubeconfig) {
        connectCluster(kubeconfig);
    });
    connect(m_demo, &DemoEnvironment::failed, this, [this](const Error &error) { onConnectionFailed(error, 1); });
    connect(m_demo, &DemoEnvironment::simExited, this, [this](const Error &error) {
        ConnectionInfo info = m_connection;
        info.state = ConnectionInfo::State::Failed;
        info.message = describe(error);
        setConnection(info);
        if (m_options.headless() || !m_options.screenshot.isEmpty())
            onConnectionFailed(error, 1);
    });
    m_demo->start();
}

void Application::loadPlugins()
{
    m_plugins.load();
    m_sourceList.setPlugins(m_plugins.plugins(), m_plugins.errors());
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
    const Result<ClusterConnection> connection = kubeconfig->resolve(m_options.context);
    if (!connection) {
        onConnectionFailed(connection.error(), 2);
        return;
    }
    QString message = m_options.demo ? tr("Demo estate (opsdeck-sim)") : QString();
    if (!connection->warning.isEmpty())
        message = connection->warning;
    setConnection(ConnectionInfo{ConnectionInfo::State::Connecting, connection->contextName,
                                 connection->server.toString(), {}, message});

    delete m_probe;
    m_probe = new ClusterProbe(*connection, this);
    connect(m_probe, &ClusterProbe::versionReceived, this, &Application::onConnected);
    connect(m_probe, &ClusterProbe::failed, this, [this](const Error &error) { onConnectionFailed(error, 1); });
    m_probe->start();
    startSources(kubeconfig->files().value(0, kubeconfigPath), connection->contextName);
}

void Application::startSources(const QString &kubeconfigPath, const QString &context)
{
    for (const PluginInfo &plugin : m_plugins.plugins()) {
        DataSourceFactory *factory = m_plugins.sourceFactory(plugin.id);
        if (!factory || plugin.testOnly || m_host.sourceIds().contains(plugin.id))
            continue;
        std::unique_ptr<DataSource> source = factory->createSource();
        const SourceConfig config{plugin.id, {{QStringLiteral("kubeconfig"), kubeconfigPath},
                                              {QStringLiteral("context"), context},
                                              {QStringLiteral("readOnly"), m_options.readOnly}}};
        Result<void> ok = source ? source->configure(config)
                                 : Result<void>(makeError(ErrorKind::Plugin, QStringLiteral("plugin '%1' made no source").arg(plugin.id)));
        if (ok)
            ok = m_host.add(std::move(source));
        if (!ok) {
            m_sourceList.setSourceStatus(plugin.id, SourceStatus{SourceStatus::State::Down, {}, ok.error()});
            printError(describe(ok.error()));
        }
    }
    m_host.startAll();
}

void Application::onConnected(const ClusterVersion &version)
{
    ConnectionInfo info = m_connection;
    info.state = ConnectionInfo::State::Connected;
    info.serverVersion = version.gitVersion;
    setConnection(info);
    finishOneShot();
}

void Application::onConnectionFailed(const Error &error, int exitCode)
{
    m_failure = error;
    m_failureExitCode = exitCode;
    ConnectionInfo info = m_connection;
    info.state = ConnectionInfo::State::Failed;
    info.message = describe(error);
    setConnection(info);
    if (m_options.headless() || !m_options.screenshot.isEmpty())
        printError(describe(error));
    finishOneShot();
}

void Application::setConnection(const ConnectionInfo &info)
{
    m_connection = info;
    if (m_window)
        m_window->setConnection(info);
}

void Application::finishOneShot()
{
    if (m_finished)
        return;
    if (!m_options.snapshot.isEmpty()) {
        finish(writeSnapshot());
    } else if (!m_options.screenshot.isEmpty()) {
        // Let the layout settle and the list view fetch its rows before rendering.
        QTimer::singleShot(200, this, [this] { finish(writeScreenshot()); });
        m_finished = true;
    }
}

int Application::writeSnapshot()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QJsonObject context{{QStringLiteral("name"), m_connection.contextName},
                        {QStringLiteral("server"), m_connection.server},
                        {QStringLiteral("serverVersion"), m_connection.serverVersion.isEmpty() ? QJsonValue() : QJsonValue(m_connection.serverVersion)},
                        {QStringLiteral("services"), QJsonArray()}};
    QJsonObject source{{QStringLiteral("name"), m_connection.contextName.isEmpty() ? QStringLiteral("kubernetes") : m_connection.contextName},
                       {QStringLiteral("kind"), QStringLiteral("kubernetes")},
                       {QStringLiteral("state"), m_failure ? QStringLiteral("Down") : QStringLiteral("Ok")},
                       {QStringLiteral("lastSuccess"), m_failure ? QJsonValue() : QJsonValue(rfc3339(now))}};
    if (m_failure)
        source.insert(QStringLiteral("error"), describe(*m_failure));
    QJsonArray pluginErrors;
    for (const Error &error : m_plugins.errors())
        pluginErrors.append(error.message);
    QJsonObject root{{QStringLiteral("generatedAt"), rfc3339(now)},
                     {QStringLiteral("contexts"), m_connection.contextName.isEmpty() ? QJsonArray() : QJsonArray{context}},
                     {QStringLiteral("sources"), QJsonArray{source}},
                     {QStringLiteral("pluginErrors"), pluginErrors}};

    QSaveFile file(m_options.snapshot);
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(root).toJson(QJsonDocument::Indented)) < 0 || !file.commit()) {
        printError(QStringLiteral("cannot write snapshot '%1': %2").arg(m_options.snapshot, file.errorString()));
        return 2;
    }
    return m_failure ? m_failureExitCode : 0;
}

int Application::writeScreenshot()
{
    m_window->show();
    const QPixmap pixmap = m_window->grab();
    if (pixmap.isNull() || !pixmap.save(m_options.screenshot, "PNG")) {
        printError(QStringLiteral("cannot write screenshot '%1'").arg(m_options.screenshot));
        return 2;
    }
    return m_failure ? m_failureExitCode : 0;
}

void Application::finish(int exitCode)
{
    m_finished = true;
    Q_EMIT finished(exitCode);
}

} // namespace Opsdeck
