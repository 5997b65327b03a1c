#include "appinsightssource.h"

#include "appinsightslogging.h"
#include "queryresponse.h"

#include "azure/entracredential.h"
#include "resilientreply.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkRequest>

#include <algorithm>
#include <utility>

using namespace Opsdeck;
using namespace Opsdeck::AppInsights;

namespace {

const QString kLogAnalyticsResource = QStringLiteral("https://api.loganalytics.io");
const QString kAppInsightsResource = QStringLiteral("https://api.applicationinsights.io");

Result<int> positiveInt(const SourceConfig &config, const QString &key, int fallback)
{
    if (!config.settings.contains(key))
        return fallback;
    bool ok = false;
    const int value = config.settings.value(key).toInt(&ok);
    if (!ok || value <= 0)
        return makeError(ErrorKind::Config,
                         QStringLiteral("appinsights source '%1': setting '%2' must be a positive integer, got '%3'")
                             .arg(config.id, key, config.settings.value(key).toString()));
    return value;
}

QStringList listSetting(const QVariant &value)
{
    QStringList items = value.typeId() == QMetaType::QStringList || value.typeId() == QMetaType::QVariantList
        ? value.toStringList()
        : value.toString().split(u',');
    for (QString &item : items)
        item = item.trimmed();
    items.removeAll(QString());
    return items;
}

} // namespace

struct AppInsightsSource::Round
{
    Round(quint64 id, QList<TelemetryQuery> queries, TelemetryConverter converter)
        : id(id), queries(std::move(queries)), converter(std::move(converter))
    {
    }

    quint64 id;
    QList<TelemetryQuery> queries;
    TelemetryConverter converter;
    QList<QPointer<ResilientReply>> replies;
    QList<bool> done;
    QList<bool> failed;
    QList<QByteArray> sentWith; // the token each query went out with
    QList<Error> errors;        // of queries that got no usable answer
    QStringList partial;        // "requests: <reason>" of partial answers
    QByteArray token;
    bool reauthorized = false;  // a 401 already cost this round one new token
    QList<int> awaitingToken;   // queries refused with 401 while the new token is on its way
};

AppInsightsSource::AppInsightsSource() = default;

AppInsightsSource::~AppInsightsSource()
{
    stop();
}

Result<void> AppInsightsSource::applyConfig(const SourceConfig &config)
{
    const QVariantMap &s = config.settings;
    auto azure = AzureConfig::fromSettings(s);
    if (!azure)
        return tl::unexpected(azure.error());
    m_azure = *azure;
    auto dialect = parseDialect(s.value(QStringLiteral("dialect"), QStringLiteral("workspace")).toString());
    if (!dialect)
        return tl::unexpected(dialect.error());
    auto builder = QueryBuilder::create(*dialect, listSetting(s.value(QStringLiteral("services"))));
    if (!builder)
        return tl::unexpected(builder.error());
    m_builder = *builder;
    const auto window = positiveInt(config, QStringLiteral("window"), 900);
    if (!window)
        return tl::unexpected(window.error());
    auto w = QueryWindow::fromSeconds(*window);
    if (!w)
        return tl::unexpected(w.error());
    m_window = *w;

    if (*dialect == Dialect::Workspace) {
        if (m_azure.workspaceId.isEmpty())
            return makeError(ErrorKind::Config, QStringLiteral("appinsights source '%1': no workspaceId for the workspace dialect").arg(config.id),
                             QStringLiteral("Set workspaceId in the Azure config, or use dialect 'classic' with an appId."));
        m_queryUrl = m_azure.logAnalyticsEndpoint;
        m_queryUrl.setPath(m_queryUrl.path() + QStringLiteral("/v1/workspaces/%1/query").arg(m_azure.workspaceId));
        m_resource = kLogAnalyticsResource;
    } else {
        if (m_azure.appId.isEmpty())
            return makeError(ErrorKind::Config, QStringLiteral("appinsights source '%1': no appId for the classic dialect").arg(config.id),
                             QStringLiteral("Set appId in the Azure config, or use dialect 'workspace' with a workspaceId."));
        m_queryUrl = m_azure.appInsightsEndpoint;
        m_queryUrl.setPath(m_queryUrl.path() + QStringLiteral("/v1/apps/%1/query").arg(m_azure.appId));
        m_resource = kAppInsightsResource;
    }
    m_context = s.value(QStringLiteral("context")).toString();
    m_ns = s.value(QStringLiteral("namespace")).toString();

    const auto interval = positiveInt(config, QStringLiteral("intervalMs"), 60000);
    const auto timeout = positiveInt(config, QStringLiteral("requestTimeoutMs"), 30000);
    const auto attempts = positiveInt(config, QStringLiteral("retryAttempts"), 4);
    const auto retryInitial = positiveInt(config, QStringLiteral("retryInitialMs"), 1000);
    const auto threshold = positiveInt(config, QStringLiteral("breakerThreshold"), 5);
    const auto breakMs = positiveInt(config, QStringLiteral("breakerBreakMs"), 30000);
    for (const auto *r : {&interval, &timeout, &attempts, &retryInitial, &threshold, &breakMs}) {
        if (!*r)
            return tl::unexpected(r->error());
    }
    m_intervalMs = *interval;
    m_resilience.timeout = std::chrono::milliseconds(*timeout);
    m_resilience.retry.maxAttempts = *attempts;
    m_resilience.retry.baseDelay = std::chrono::milliseconds(*retryInitial);
    m_resilience.breaker.failureThreshold = *threshold;
    m_resilience.breaker.breakDuration = std::chrono::milliseconds(*breakMs);
    return {};
}

void AppInsightsSource::start()
{
    // Network objects are made here, on the source's own thread (DESIGN §2).
    m_stopped = false;
    m_net = new QNetworkAccessManager(this);
    m_http = new ResilientClient(m_net, m_resilience, Clock::system(), this);
    m_credential = new EntraCredential(m_azure, this);
    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &AppInsightsSource::beginRound);
    auto ssl = EntraCredential::sslConfiguration(m_azure.caFile);
    if (!ssl) {
        setStatus(SourceStatus::State::Down, ssl.error());
        return;
    }
    m_ssl = *ssl;
    setStatus(SourceStatus::State::Connecting);
    beginRound();
}

void AppInsightsSource::stop()
{
    if (m_stopped)
        return;
    m_stopped = true;
    if (m_timer)
        m_timer->stop();
    abortRound();
}

void AppInsightsSource::refresh()
{
    if (m_stopped || !m_ssl)
        return;
    if (m_round) {
        m_again = true; // the answers in flight are already fresh; one more round after them
        return;
    }
    beginRound();
}

void AppInsightsSource::setOption(const QString &name, const QVariant &value)
{
    if (name != u"window")
        return;
    bool ok = false;
    const int seconds = value.toInt(&ok);
    auto window = ok ? QueryWindow::fromSeconds(seconds)
                     : Result<QueryWindow>(makeError(ErrorKind::Config, QStringLiteral("telemetry window '%1' is not a number of seconds")
                                                                        .arg(value.toString())));
    if (!window) {
        setStatus(status().state, window.error());
        return;
    }
    if (*window == m_window)
        return;
    m_window = *window;
    if (m_stopped || !m_ssl)
        return;
    // The answers in flight are for the old window: drop them and ask again at once.
    abortRound();
    beginRound();
}

void AppInsightsSource::abortRound()
{
    if (!m_round)
        return;
    const auto round = std::move(m_round); // callbacks check the round id, and this one is gone
    for (const QPointer<ResilientReply> &reply : round->replies) {
        if (reply)
            reply->abort();
    }
}

void AppInsightsSource::scheduleNext()
{
    if (m_stopped)
        return;
    if (m_again) {
        m_again = false;
        m_timer->start(0);
        return;
    }
    m_timer->start(m_intervalMs);
}

void AppInsightsSource::beginRound()
{
    if (m_stopped || m_round)
        return;
    m_timer->stop();
    m_round = std::make_unique<Round>(++m_roundId, m_builder->queries(m_window), TelemetryConverter(m_context, m_ns, m_window));
    m_round->replies.resize(m_round->queries.size());
    m_round->done.fill(false, m_round->queries.size());
    m_round->failed.fill(false, m_round->queries.size());
    m_round->sentWith.resize(m_round->queries.size());
    const quint64 id = m_roundId;
    withToken([this, id](const QByteArray &token) {
        if (!m_round || m_round->id != id)
            return;
        m_round->token = token;
        for (int i = 0; i < m_round->queries.size(); ++i)
            send(i, token);
    });
}

void AppInsightsSource::withToken(std::function<void(const QByteArray &)> next)
{
    const quint64 id = m_roundId;
    m_credential->requestToken(m_resource, this, [this, id, next = std::move(next)](Result<AccessToken> token) {
        if (!m_round || m_round->id != id)
            return;
        if (!token) {
            Error e = token.error();
            e.message = QStringLiteral("token for %1: %2").arg(m_resource, e.message);
            qCWarning(lcAppInsights).noquote() << sourceId() << e.message;
            m_round.reset();
            setStatus(SourceStatus::State::Down, e);
            scheduleNext();
            return;
        }
        next(token->value);
    });
}

void AppInsightsSource::send(int index, const QByteArray &token)
{
    const TelemetryQuery &query = m_round->queries[index];
    QNetworkRequest request(m_queryUrl);
    request.setSslConfiguration(*m_ssl);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Accept", "application/json");
    request.setRawHeader("Authorization", "Bearer " + token);
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("query"), query.text},
                                                      {QStringLiteral("timespan"), query.timespan()}})
                                .toJson(QJsonDocument::Compact);
    RequestOptions options;
    options.what = QStringLiteral("%1 query (%2, %3)").arg(query.id(), toString(query.dialect), m_window.label());
    options.idempotent = true; // a query is a read: safe to repeat after a 429 or 5xx
    const quint64 id = m_round->id;
    m_round->sentWith[index] = token;
    m_round->replies[index] = m_http->send(request, QByteArrayLiteral("POST"), body, options, this,
                                           [this, id, index](const Result<HttpResponse> &result) {
                                               if (m_round && m_round->id == id)
                                                   onAnswer(index, result);
                                           });
}

void AppInsightsSource::onAnswer(int index, const Result<HttpResponse> &result)
{
    Round &round = *m_round;
    const TelemetryQuery &query = round.queries[index];
    if (!result && result.error().kind == ErrorKind::Unauthorized) {
        if (round.reauthorized && round.sentWith[index] != round.token && !round.token.isEmpty()) {
            send(index, round.token); // went out before the new token came
            return;
        }
        if (round.reauthorized && round.token.isEmpty()) {
            round.awaitingToken << index; // the new token is on its way
            return;
        }
        if (!round.reauthorized) {
            // The token was refused (revoked, expired early): forget it and fetch a new one, once per round.
            round.reauthorized = true;
            round.token.clear();
            round.awaitingToken << index;
            m_credential->invalidate(m_resource);
            const quint64 id = round.id;
            withToken([this, id](const QByteArray &token) {
                if (!m_round || m_round->id != id)
                    return;
                m_round->token = token;
                const QList<int> waiting = std::exchange(m_round->awaitingToken, {});
                for (const int i : waiting)
                    send(i, token);
            });
            return;
        }
    }
    round.done[index] = true;
    if (!result) {
        round.failed[index] = true;
        round.errors << result.error();
    } else {
        auto response = QueryResponse::parse(result->body);
        Result<void> added = response ? round.converter.add(query, *response) : Result<void>(tl::unexpected(response.error()));
        if (!added) {
            Error e = added.error();
            if (!response)
                e.message = QStringLiteral("%1 query (%2): %3").arg(query.id(), toString(query.dialect), e.message);
            round.failed[index] = true;
            round.errors << e;
        } else if (response->partialError()) {
            round.partial << QStringLiteral("%1: %2").arg(query.id(), *response->partialError());
        }
    }
    if (std::all_of(round.done.cbegin(), round.done.cend(), [](bool d) { return d; }))
        finishRound();
}

void AppInsightsSource::finishRound()
{
    const auto round = std::move(m_round);
    std::set<TelemetryConverter::Key> gone;
    const auto now = round->converter.keys();
    // Keys shown before with no rows now get empty series, once the requests query answered.
    bool requestsAnswered = false;
    for (int i = 0; i < round->queries.size(); ++i)
        requestsAnswered = requestsAnswered || (round->queries[i].kind == TelemetryQuery::Kind::Requests && !round->failed[i]);
    if (requestsAnswered) {
        for (const auto &key : m_shown) {
            if (!now.count(key))
                gone.insert(key);
        }
    }
    publish(round->converter.observations(gone));
    if (requestsAnswered)
        m_shown = now;

    if (round->errors.size() == round->queries.size()) {
        setStatus(SourceStatus::State::Down, round->errors.constFirst());
    } else if (!round->errors.isEmpty()) {
        Error e = round->errors.constFirst();
        if (round->errors.size() > 1)
            e.message += QStringLiteral(" (and %1 more queries failed)").arg(round->errors.size() - 1);
        setStatus(SourceStatus::State::Degraded, e);
    } else if (!round->partial.isEmpty()) {
        setStatus(SourceStatus::State::Degraded,
                  Error{ErrorKind::Invalid, QStringLiteral("partial query results: %1").arg(round->partial.join(QStringLiteral("; "))),
                        QStringLiteral("The query API returned only part of the data; the figures marked partial may be low."),
                        std::nullopt});
    } else {
        setStatus(SourceStatus::State::Ok);
    }
    scheduleNext();
}
