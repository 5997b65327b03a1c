#include "kubernetessource.h"

#include "backoff.h"
#include "clusterclient.h"
#include "healthpoller.h"
#include "informer.h"
#include "kubeconfigloader.h"
#include "kuberneteslogging.h"
#include "podmetricspoller.h"
#include "resourceendpoint.h"

#include <QNetworkAccessManager>

#include <algorithm>

using namespace Opsdeck;
using namespace std::chrono_literals;

namespace {

// An optional positive integer setting; Error{Config} when present but not a positive integer.
Result<int> positiveInt(const SourceConfig &config, const QString &key, int fallback)
{
    if (!config.settings.contains(key))
        return fallback;
    bool ok = false;
    const int value = config.settings.value(key).toInt(&ok);
    if (!ok || value <= 0)
        return makeError(ErrorKind::Config,
                         QStringLiteral("kubernetes source '%1': setting '%2' must be a positive integer, got '%3'")
                             .arg(config.id, key, config.settings.value(key).toString()));
    return value;
}

// The `kinds` setting: plurals of ResourceEndpoint::watched(), as a list or comma separated; absent or
// empty means all. An unknown plural is an Error{Config} naming the ones that exist.
Result<QList<ResourceEndpoint>> watchedKinds(const SourceConfig &config)
{
    const QList<ResourceEndpoint> all = ResourceEndpoint::watched();
    const QVariant value = config.settings.value(QStringLiteral("kinds"));
    QStringList wanted = value.typeId() == QMetaType::QStringList ? value.toStringList()
                                                                  : value.toString().split(u',');
    for (QString &plural : wanted)
        plural = plural.trimmed();
    wanted.removeAll(QString());
    if (wanted.isEmpty())
        return all;
    QList<ResourceEndpoint> chosen;
    for (const ResourceEndpoint &endpoint : all) {
        if (wanted.contains(endpoint.plural))
            chosen << endpoint;
    }
    for (const QString &plural : std::as_const(wanted)) {
        const bool known = std::any_of(all.begin(), all.end(), [&](const ResourceEndpoint &e) { return e.plural == plural; });
        if (!known) {
            QStringList plurals;
            for (const ResourceEndpoint &endpoint : all)
                plurals << endpoint.plural;
            return makeError(ErrorKind::Config,
                             QStringLiteral("kubernetes source '%1': setting 'kinds' names '%2', which is not one of %3")
                                 .arg(config.id, plural, plurals.join(QStringLiteral(", "))));
        }
    }
    return chosen;
}

} // namespace

KubernetesSource::KubernetesSource()
    : m_endpoints(ResourceEndpoint::watched())
{
}

KubernetesSource::~KubernetesSource()
{
    stop();
}

Result<void> KubernetesSource::applyConfig(const SourceConfig &config)
{
    const QVariantMap &s = config.settings;
    auto kubeconfig = KubeconfigLoader::load(s.value(QStringLiteral("kubeconfig")).toString());
    if (!kubeconfig)
        return tl::unexpected(kubeconfig.error());
    auto connection = kubeconfig->resolve(s.value(QStringLiteral("context")).toString());
    if (!connection)
        return tl::unexpected(connection.error());
    const QString scheme = connection->server.scheme();
    if (scheme != u"https" && scheme != u"http")
        return makeError(ErrorKind::Config,
                         QStringLiteral("kubeconfig %1: context '%2' has server '%3', which is not an http(s) URL")
                             .arg(connection->kubeconfigFile, connection->contextName, connection->server.toString()),
                         QStringLiteral("Fix the cluster's server field."));
    m_connection = *connection;

    InformerSettings settings;
    settings.context = m_connection.contextName;
    settings.ns = s.value(QStringLiteral("namespace")).toString();
    const QString appLabel = s.value(QStringLiteral("appLabel")).toString();
    if (!appLabel.isEmpty())
        settings.parse.appLabel = appLabel;
    const auto pageSize = positiveInt(config, QStringLiteral("pageSize"), settings.pageSize);
    const auto watchTimeout = positiveInt(config, QStringLiteral("watchTimeoutSeconds"), settings.watchTimeoutSeconds);
    const auto retryInitial = positiveInt(config, QStringLiteral("retryInitialMs"), int(settings.retryInitial.count()));
    const auto retryMax = positiveInt(config, QStringLiteral("retryMaxMs"), int(settings.retryMax.count()));
    const auto metricsInterval = positiveInt(config, QStringLiteral("metricsIntervalSeconds"), 15);
    const auto healthInterval = positiveInt(config, QStringLiteral("healthIntervalMs"), 15000);
    const auto healthInFlight = positiveInt(config, QStringLiteral("healthMaxInFlight"), settings.healthMaxInFlight);
    const auto timeout = positiveInt(config, QStringLiteral("requestTimeoutMs"), 30000);
    const auto attempts = positiveInt(config, QStringLiteral("retryAttempts"), 4);
    const auto threshold = positiveInt(config, QStringLiteral("breakerThreshold"), 5);
    const auto breakMs = positiveInt(config, QStringLiteral("breakerBreakMs"), 30000);
    for (const auto *r : {&pageSize, &watchTimeout, &retryInitial, &retryMax, &metricsInterval, &healthInterval,
                          &healthInFlight, &timeout, &attempts, &threshold, &breakMs}) {
        if (!*r)
            return tl::unexpected(r->error());
    }
    settings.pageSize = *pageSize;
    settings.watchTimeoutSeconds = *watchTimeout;
    settings.retryInitial = std::chrono::milliseconds(*retryInitial);
    settings.retryMax = std::chrono::milliseconds(*retryMax);
    settings.metricsInterval = std::chrono::seconds(*metricsInterval);
    settings.healthInterval = std::chrono::milliseconds(*healthInterval);
    settings.healthMaxInFlight = *healthInFlight;
    ResilientClient::Settings resilience;
    resilience.timeout = std::chrono::milliseconds(*timeout);
    resilience.retry.maxAttempts = *attempts;
    resilience.retry.baseDelay = settings.retryInitial;
    resilience.retry.maxDelay = settings.retryMax;
    resilience.breaker.failureThreshold = *threshold;
    resilience.breaker.breakDuration = std::chrono::milliseconds(*breakMs);
    m_resilience = resilience;
    auto endpoints = watchedKinds(config);
    if (!endpoints)
        return tl::unexpected(endpoints.error());
    m_endpoints = *endpoints;
    m_settings = settings;
    m_metricsEnabled = s.value(QStringLiteral("metrics"), true).toBool();
    m_healthEnabled = s.value(QStringLiteral("health"), true).toBool();
    return {};
}

void KubernetesSource::start()
{
    // Everything network-facing is created here, on the source's thread (DESIGN §2, §12).
    m_stopped = false;
    m_flushTimer = new QTimer(this);
    m_flushTimer->setSingleShot(true);
    m_flushTimer->setInterval(50ms);
    connect(m_flushTimer, &QTimer::timeout, this, &KubernetesSource::flush);
    m_credentialBackoff = std::make_unique<Backoff>(m_settings.retryInitial, m_settings.retryMax);

    auto client = ClusterClient::create(m_connection, this);
    if (!client) {
        setStatus(SourceStatus::State::Down, client.error());
        return;
    }
    m_client = *client;
    if (!m_connection.warning.isEmpty())
        qCWarning(lcKubernetes).noquote() << m_client->where() << m_connection.warning;
    setStatus(SourceStatus::State::Connecting);
    if (m_client->hasCredentials()) {
        startInformers();
        return;
    }
    connect(m_client, &ClusterClient::credentialsReady, this, &KubernetesSource::startInformers);
    connect(m_client, &ClusterClient::credentialsFailed, this, &KubernetesSource::onCredentialsFailed);
    m_client->fetchCredentials();
}

void KubernetesSource::stop()
{
    if (m_stopped)
        return;
    m_stopped = true;
    if (m_flushTimer)
        m_flushTimer->stop();
    for (Informer *informer : m_informers)
        informer->stop();
    if (m_metrics)
        m_metrics->stop();
    if (m_health)
        m_health->stop();
    m_pending.clear();
}

void KubernetesSource::startInformers()
{
    if (m_stopped || m_informersStarted)
        return;
    m_informersStarted = true;
    m_credentialError.reset();
    const auto sink = [this](std::vector<Observation> &&observations) { enqueue(std::move(observations)); };
    // Lists and polls share one manager; every watch gets its own (DESIGN §12).
    m_listManager = m_client->createManager(this);
    m_http = new ResilientClient(m_listManager, m_resilience, Clock::system(), this);
    connect(m_http, &ResilientClient::breakerChanged, this, &KubernetesSource::onBreakerChanged);
    for (const ResourceEndpoint &endpoint : std::as_const(m_endpoints)) {
        auto *informer = new Informer(endpoint, m_settings, m_client, m_http, sink, this);
        connect(informer, &Informer::stateChanged, this, &KubernetesSource::updateStatus);
        m_informers.push_back(informer);
    }
    if (m_metricsEnabled) {
        m_metrics = new PodMetricsPoller(m_settings, m_client, m_http, sink, this);
        connect(m_metrics, &PodMetricsPoller::stateChanged, this, &KubernetesSource::updateStatus);
    }
    const bool watchesServices = std::any_of(m_endpoints.cbegin(), m_endpoints.cend(), [](const ResourceEndpoint &e) {
        return e.kind == ResourceKind::Service;
    });
    if (m_healthEnabled && watchesServices)
        m_health = new HealthPoller(m_settings, m_client, m_http, sink, this);
    for (Informer *informer : m_informers)
        informer->start();
    if (m_metrics)
        m_metrics->start();
    if (m_health)
        m_health->start();
    updateStatus();
}

void KubernetesSource::onBreakerChanged(const QString &endpoint, CircuitBreaker::State state)
{
    if (m_stopped)
        return;
    // The source's own breaker: an empty service name (see the header).
    BreakerState own;
    own.service = ServiceKey{m_settings.context, {}, {}};
    own.pipeline = QStringLiteral("opsdeck");
    own.strategy = endpoint;
    own.state = state == CircuitBreaker::State::Open       ? BreakerState::State::Open
                : state == CircuitBreaker::State::HalfOpen ? BreakerState::State::HalfOpen
                                                           : BreakerState::State::Closed;
    own.since = QDateTime::currentDateTimeUtc();
    std::vector<Observation> out;
    out.emplace_back(std::move(own));
    enqueue(std::move(out));
}

void KubernetesSource::onCredentialsFailed(const Error &error)
{
    if (m_stopped || m_informersStarted)
        return;
    m_credentialError = error;
    updateStatus();
    // The exec plugin may work next time (network back, user logged in elsewhere).
    QTimer::singleShot(m_credentialBackoff->next(), this, [this] {
        if (!m_stopped && !m_informersStarted)
            m_client->fetchCredentials();
    });
}

void KubernetesSource::enqueue(std::vector<Observation> &&observations)
{
    if (m_stopped || observations.empty())
        return;
    if (m_health)
        m_health->observe(observations);
    if (m_pending.empty())
        m_pending = std::move(observations);
    else
        m_pending.insert(m_pending.end(), std::make_move_iterator(observations.begin()),
                         std::make_move_iterator(observations.end()));
    if (!m_flushTimer->isActive())
        m_flushTimer->start();
}

void KubernetesSource::flush()
{
    m_flushTimer->stop();
    if (m_pending.empty())
        return;
    std::vector<Observation> batch;
    batch.swap(m_pending);
    publish(std::move(batch));
}

void KubernetesSource::updateStatus()
{
    if (m_stopped)
        return;
    if (m_credentialError) {
        setStatus(SourceStatus::State::Down, m_credentialError);
        return;
    }
    int synced = 0;
    int failing = 0;
    std::optional<Error> firstError;
    for (const Informer *informer : m_informers) {
        if (informer->isSynced())
            ++synced;
        if (const auto error = informer->error()) {
            ++failing;
            // The error a person can act on first: credentials and permissions over transient ones.
            const bool actionable = error->kind == ErrorKind::Unauthorized || error->kind == ErrorKind::Forbidden;
            if (!firstError || (actionable && firstError->kind != ErrorKind::Unauthorized))
                firstError = error;
        }
    }
    const int total = int(m_informers.size());
    if (failing > 0) {
        // Down when nothing works (server unreachable, credentials refused), else serving what we have.
        setStatus(failing == total ? SourceStatus::State::Down : SourceStatus::State::Degraded, firstError);
        return;
    }
    if (total == 0 || synced < total) {
        setStatus(SourceStatus::State::Connecting);
        return;
    }
    // Publish what the lists delivered before saying Ok, so "Ok" never precedes the data.
    flush();
    if (m_metrics && m_metrics->error()) {
        setStatus(SourceStatus::State::Degraded, m_metrics->error());
        return;
    }
    if (!m_connection.warning.isEmpty()) {
        // Working, but the user must know TLS verification is off (insecure-skip-tls-verify).
        setStatus(SourceStatus::State::Ok,
                  Error{ErrorKind::Config, QStringLiteral("%1: %2").arg(m_client->where(), m_connection.warning),
                        QStringLiteral("Set certificate-authority(-data) for cluster '%1' instead of "
                                       "insecure-skip-tls-verify.")
                            .arg(m_connection.clusterName),
                        std::nullopt});
        return;
    }
    setStatus(SourceStatus::State::Ok);
}
