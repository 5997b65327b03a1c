#include "restoreactionprovider.h"

#include "kubeconfigloader.h"
#include "observation.h"
#include "restorelivebackend.h"

using namespace Opsdeck;

namespace {

Result<int> positive(const SourceConfig &config, const QString &key, int fallback)
{
    if (!config.settings.contains(key))
        return fallback;
    bool ok = false;
    const int value = config.settings.value(key).toInt(&ok);
    if (!ok || value <= 0)
        return makeError(
            ErrorKind::Config,
            QStringLiteral("azuresql actions '%1': setting '%2' must be a positive integer, got '%3'")
                .arg(config.id, key, config.settings.value(key).toString()));
    return value;
}

} // namespace

RestoreActionProvider::RestoreActionProvider(QObject *parent)
    : ActionProvider(parent)
{
    registerObservationMetaTypes();
    qRegisterMetaType<ActionStep>();
}

RestoreActionProvider::~RestoreActionProvider() = default;

Result<void> RestoreActionProvider::configure(const SourceConfig &config)
{
    const QVariantMap &s = config.settings;
    m_context = s.value(QStringLiteral("context")).toString();
    m_namespace = s.value(QStringLiteral("namespace")).toString();
    m_appLabel = s.value(QStringLiteral("appLabel"), QStringLiteral("app")).toString();
    m_sqlServer = s.value(QStringLiteral("sqlServer")).toString().trimmed();
    const auto configured = [&]() -> Result<void> {
        auto azure = AzureConfig::fromSettings(s);
        if (!azure)
            return tl::unexpected(azure.error());
        m_azure = *azure;
        auto kubeconfig = KubeconfigLoader::load(s.value(QStringLiteral("kubeconfig")).toString());
        if (!kubeconfig)
            return tl::unexpected(kubeconfig.error());
        auto connection = kubeconfig->resolve(m_context);
        if (!connection)
            return tl::unexpected(connection.error());
        m_connection = *connection;
        if (m_context.isEmpty())
            m_context = m_connection.contextName;
        const auto verifyTimeout = positive(config, QStringLiteral("verifyTimeoutSeconds"), 300);
        const auto verifyInterval = positive(config, QStringLiteral("verifyIntervalMs"), 2000);
        const auto onlineInterval = positive(config, QStringLiteral("onlineIntervalMs"), 2000);
        const auto timeout = positive(config, QStringLiteral("requestTimeoutMs"), 30000);
        for (const auto *r : { &verifyTimeout, &verifyInterval, &onlineInterval, &timeout }) {
            if (!*r)
                return tl::unexpected(r->error());
        }
        m_settings.verifyTimeout = std::chrono::seconds(*verifyTimeout);
        m_settings.verifyInterval = std::chrono::milliseconds(*verifyInterval);
        m_settings.onlineInterval = std::chrono::milliseconds(*onlineInterval);
        m_requestTimeoutMs = *timeout;
        return {};
    }();
    if (configured)
        m_configError.reset();
    else
        m_configError = configured.error();
    return configured;
}

bool RestoreActionProvider::serves(const ServiceKey &service) const
{
    return (m_context.isEmpty() || service.context == m_context)
        && (m_namespace.isEmpty() || service.ns == m_namespace);
}

QList<ActionDescriptor> RestoreActionProvider::actionsFor(const ServiceKey &service) const
{
    if (!serves(service))
        return {};
    ActionDescriptor d;
    d.id = QString::fromLatin1(RestoreRunbook::ActionId);
    d.title = QStringLiteral("Restore database to a point in time");
    d.description
        = QStringLiteral("Restore the service's Azure SQL database to a point in time as a new database, "
                         "optionally point the service's <service>-db Secret at it, restart the service "
                         "and verify it is healthy");
    d.destructive = true;
    if (m_configError) {
        d.available = false;
        d.unavailableReason = m_configError->message;
    }
    return { d };
}

RestoreLiveBackend *RestoreActionProvider::backend()
{
    if (!m_backend) {
        ResilientClient::Settings resilience;
        resilience.timeout = std::chrono::milliseconds(m_requestTimeoutMs);
        m_backend = new RestoreLiveBackend(m_azure, m_sqlServer, m_connection, resilience, m_appLabel, this);
    }
    return m_backend;
}

void RestoreActionProvider::preview(const ActionRequest &request)
{
    run(RestoreRunbook::Mode::Preview, request, std::nullopt);
}

void RestoreActionProvider::execute(const ActionRequest &request)
{
    run(RestoreRunbook::Mode::Execute, request, std::nullopt);
}

void RestoreActionProvider::resume(const OperationStatus &status)
{
    ActionRequest request;
    request.id = status.requestId;
    request.actionId = status.actionId;
    request.service = status.service;
    request.track = status.track;
    request.parameters = status.parameters;
    run(RestoreRunbook::Mode::Resume, request, status);
}

void RestoreActionProvider::run(RestoreRunbook::Mode mode, const ActionRequest &request,
                                const std::optional<OperationStatus> &resumed)
{
    if (m_configError || !serves(request.service)) {
        const Error error = m_configError.value_or(
            Error { ErrorKind::Invalid,
                    QStringLiteral("the azuresql actions of context '%1' do not serve %2/%3 in context '%4'")
                        .arg(m_context, request.service.ns, request.service.name, request.service.context),
                    {},
                    std::nullopt });
        if (mode == RestoreRunbook::Mode::Preview) {
            Q_EMIT failed(request.id, error);
            return;
        }
        OperationStatus status = resumed.value_or(OperationStatus {});
        status.requestId = request.id;
        status.actionId = request.actionId;
        status.service = request.service;
        status.parameters = request.parameters;
        status.state = OperationStatus::State::Failed;
        status.error = error;
        status.message = error.message;
        status.updated = QDateTime::currentDateTimeUtc();
        Q_EMIT operationChanged(status);
        return;
    }
    auto *runbook = new RestoreRunbook(mode, request, backend(), m_settings, this);
    if (resumed)
        runbook->setResumed(*resumed);
    connect(runbook, &RestoreRunbook::previewReady, this, &ActionProvider::previewReady);
    connect(runbook, &RestoreRunbook::operationChanged, this, &ActionProvider::operationChanged);
    connect(runbook, &RestoreRunbook::failed, this, &ActionProvider::failed);
    runbook->start();
}
