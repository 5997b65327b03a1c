#include "costmanagementsource.h"

#include "costmanagementlogging.h"

#include "azure/entracredential.h"

#include <QNetworkAccessManager>

using namespace Opsdeck;

namespace {

int intSetting(const QVariantMap &settings, const QString &key, int fallback, bool *ok)
{
    if (!settings.contains(key))
        return fallback;
    bool valid = false;
    const int value = settings.value(key).toInt(&valid);
    if (!valid || value < 0)
        *ok = false;
    return value;
}

std::optional<CostFetcher::Period> periodFrom(const QString &word)
{
    if (word.isEmpty() || word == QLatin1String("mtd"))
        return CostFetcher::Period::MonthToDate;
    if (word == QLatin1String("last-month"))
        return CostFetcher::Period::LastMonth;
    return std::nullopt;
}

} // namespace

CostManagementSource::CostManagementSource() = default;

CostManagementSource::~CostManagementSource() = default;

Result<void> CostManagementSource::applyConfig(const SourceConfig &config)
{
    const QVariantMap &s = config.settings;
    Result<AzureConfig> azure = AzureConfig::fromSettings(s);
    if (!azure)
        return tl::unexpected(azure.error());
    m_config = *azure;
    if (m_config.subscriptionId.isEmpty() && !s.value(QStringLiteral("scope")).toString().startsWith(QLatin1Char('/')))
        return makeError(ErrorKind::Config, QStringLiteral("costmanagement: no subscriptionId in the Azure config"),
                         QStringLiteral("Add subscriptionId to the --azure-config file, or give a full scope."));
    m_scope = CostFetcher::scopeFor(m_config.subscriptionId, s.value(QStringLiteral("scope")).toString());
    const auto period = periodFrom(s.value(QStringLiteral("period")).toString());
    if (!period)
        return makeError(ErrorKind::Config, QStringLiteral("costmanagement: period must be mtd or last-month"));
    m_period = *period;
    bool ok = true;
    m_intervalMs = intSetting(s, QStringLiteral("intervalMs"), m_intervalMs, &ok);
    m_requestTimeoutMs = intSetting(s, QStringLiteral("requestTimeoutMs"), m_requestTimeoutMs, &ok);
    m_maxThrottleWaitSeconds = intSetting(s, QStringLiteral("maxThrottleWaitSeconds"), m_maxThrottleWaitSeconds, &ok);
    m_maxThrottleAttempts = intSetting(s, QStringLiteral("maxThrottleAttempts"), m_maxThrottleAttempts, &ok);
    if (!ok || m_intervalMs < 1000)
        return makeError(ErrorKind::Config, QStringLiteral("costmanagement: intervalMs, requestTimeoutMs and the throttle limits must be "
                                                           "positive numbers (intervalMs at least 1000)"));
    m_forecast = s.value(QStringLiteral("forecast"), true).toBool();
    m_cachePath = s.contains(QStringLiteral("cacheFile")) ? s.value(QStringLiteral("cacheFile")).toString() : CostCache::defaultPath();
    auto ssl = EntraCredential::sslConfiguration(m_config.caFile);
    if (!ssl)
        return tl::unexpected(ssl.error());
    m_ssl = *ssl;
    return {};
}

QString CostManagementSource::periodWord() const
{
    return m_period == CostFetcher::Period::MonthToDate ? QStringLiteral("mtd") : QStringLiteral("last-month");
}

void CostManagementSource::start()
{
    m_stopped = false;
    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &CostManagementSource::fetchNow);
    m_net = new QNetworkAccessManager(this);
    ResilientClient::Settings resilience;
    resilience.timeout = std::chrono::milliseconds(m_requestTimeoutMs);
    m_http = new ResilientClient(m_net, resilience, Clock::system(), this);
    m_credential = new EntraCredential(m_config, this);
    m_cache = std::make_unique<CostCache>(m_cachePath);
    if (Result<void> opened = m_cache->open(); !opened)
        qCWarning(lcCostManagement).noquote() << opened.error().message; // costs still work, uncached
    makeFetcher();
    publishCached();
    fetchNow();
}

void CostManagementSource::stop()
{
    m_stopped = true;
    if (m_timer)
        m_timer->stop();
    delete m_fetcher;
    m_fetcher = nullptr;
    m_cache.reset();
}

void CostManagementSource::makeFetcher()
{
    delete m_fetcher;
    CostAuth auth;
    auth.token = [this](QObject *context, std::function<void(Result<QByteArray>)> done) {
        m_credential->requestToken(resource(), context, [done = std::move(done)](Result<AccessToken> token) {
            if (token)
                done(token->value);
            else
                done(tl::unexpected(token.error()));
        });
    };
    auth.invalidate = [this] { m_credential->invalidate(resource()); };
    CostFetcher::Settings settings;
    settings.armEndpoint = m_config.armEndpoint;
    settings.scope = m_scope;
    settings.period = m_period;
    settings.forecast = m_forecast;
    settings.maxThrottleWait = std::chrono::seconds(m_maxThrottleWaitSeconds);
    settings.maxThrottleAttempts = qMax(1, m_maxThrottleAttempts);
    settings.ssl = m_ssl;
    m_fetcher = new CostFetcher(m_http, std::move(auth), settings, this);
    m_pending = false;
}

void CostManagementSource::publishCached()
{
    m_haveData = false;
    if (!m_cache)
        return;
    if (std::optional<CostSnapshot> cached = m_cache->load(m_scope, periodWord())) {
        m_haveData = true;
        publish(cached->observations(true));
    }
}

void CostManagementSource::fetchNow()
{
    if (m_stopped || !m_fetcher)
        return;
    if (m_fetcher->isRunning()) {
        m_pending = true;
        return;
    }
    m_timer->stop();
    CostFetcher *fetcher = m_fetcher;
    fetcher->fetch(QDateTime::currentDateTimeUtc().date(), [this, fetcher](const Result<CostAnswers> &answers) {
        if (fetcher == m_fetcher) // not a fetcher replaced by a new scope
            onFetched(answers);
    });
}

void CostManagementSource::onFetched(const Result<CostAnswers> &answers)
{
    if (m_stopped)
        return;
    std::chrono::milliseconds next{m_intervalMs};
    if (answers) {
        m_failures = 0;
        const CostSnapshot snapshot = CostAssembler::assemble(*answers);
        publish(snapshot.observations(false));
        m_haveData = true;
        if (m_cache) {
            if (Result<void> stored = m_cache->store(snapshot, periodWord()); !stored)
                qCWarning(lcCostManagement).noquote() << stored.error().message;
        }
        if (answers->partialErrors.isEmpty())
            setStatus(SourceStatus::State::Ok);
        else
            setStatus(SourceStatus::State::Degraded, answers->partialErrors.first());
    } else {
        ++m_failures;
        qCWarning(lcCostManagement).noquote() << toString(answers.error());
        // Cached figures stay on screen, marked with their age; without any, the source is down.
        setStatus(m_haveData ? SourceStatus::State::Degraded : SourceStatus::State::Down, answers.error());
        // Try again sooner than the hour, but no sooner than the server asked.
        const auto retryAfter = answers.error().retryAfter.value_or(std::chrono::seconds(0));
        const std::chrono::milliseconds backoff = std::chrono::minutes(1) * (1 << qMin(m_failures - 1, 5));
        next = qMin(next, qMax<std::chrono::milliseconds>(backoff, retryAfter));
    }
    if (m_pending) {
        m_pending = false;
        fetchNow();
        return;
    }
    m_timer->start(next);
}

void CostManagementSource::refresh()
{
    fetchNow();
}

void CostManagementSource::setOption(const QString &name, const QVariant &value)
{
    if (name == QLatin1String("scope")) {
        const QString scope = CostFetcher::scopeFor(m_config.subscriptionId, value.toString());
        if (scope == m_scope)
            return;
        m_scope = scope;
    } else if (name == QLatin1String("period")) {
        const auto period = periodFrom(value.toString());
        if (!period) {
            setStatus(status().state, Error{ErrorKind::Config, QStringLiteral("costmanagement: period must be mtd or last-month"), {}, std::nullopt});
            return;
        }
        if (*period == m_period)
            return;
        m_period = *period;
    } else {
        return;
    }
    if (!m_net)
        return; // not started: start() uses the new values
    makeFetcher();
    publishCached();
    fetchNow();
}
