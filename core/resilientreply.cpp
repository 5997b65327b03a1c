#include "resilientreply.h"

#include "httpfailure.h"
#include "resilientclient.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>

#include <cmath>

namespace Opsdeck {

ResilientReply::ResilientReply(ResilientClient *client, const QNetworkRequest &request,
                               const QByteArray &method, const QByteArray &body,
                               const RequestOptions &options)
    : QObject(client)
    , m_client(client)
    , m_request(request)
    , m_method(method.toUpper())
    , m_body(body)
    , m_options(options)
    , m_endpoint(options.endpoint.isEmpty() ? ResilientClient::endpointOf(request.url()) : options.endpoint)
    , m_idempotent(options.idempotent.value_or(RetryPolicy::isIdempotent(m_method)))
    , m_timeout(options.timeout.value_or(client->settings().timeout))
{
    m_attemptTimer.setSingleShot(true);
    m_retryTimer.setSingleShot(true);
    connect(&m_attemptTimer, &QTimer::timeout, this, &ResilientReply::onTimeout);
    connect(&m_retryTimer, &QTimer::timeout, this, &ResilientReply::attempt);
}

ResilientReply::~ResilientReply()
{
    dropReply();
}

void ResilientReply::abort()
{
    if (m_finished)
        return;
    m_retryTimer.stop();
    dropReply();
    finish(tl::unexpected(
        Error { ErrorKind::Network,
                QStringLiteral("%1: cancelled").arg(describeRequest(m_method, m_request.url())),
                {},
                std::nullopt }));
}

void ResilientReply::dropReply()
{
    m_attemptTimer.stop();
    if (m_reply) {
        QNetworkReply *reply = m_reply;
        m_reply.clear();
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
    if (m_holdsBreaker) {
        m_holdsBreaker = false;
        if (m_client)
            m_client->breakerFor(m_endpoint).release();
    }
}

void ResilientReply::attempt()
{
    if (m_finished || !m_client)
        return;
    CircuitBreaker &breaker = m_client->breakerFor(m_endpoint);
    if (!breaker.tryAcquire()) {
        // Fail fast: the endpoint failed too often lately; a probe goes once the break is over.
        const auto remaining = breaker.remainingBreak().value_or(std::chrono::milliseconds(0));
        const auto seconds = std::chrono::seconds(qint64(std::ceil(double(remaining.count()) / 1000.0)));
        QString message = QStringLiteral("%1: circuit open for %2")
                              .arg(describeRequest(m_method, m_request.url()), m_endpoint);
        const QString last = m_client->m_lastFailure.value(m_endpoint);
        if (!last.isEmpty())
            message += QStringLiteral(" (last failure: %1)").arg(last);
        if (m_attempts > 0)
            message += QStringLiteral(" after %1 attempts").arg(m_attempts + 1);
        fail(Error {
            ErrorKind::Network, message,
            remaining.count() > 0
                ? QStringLiteral("Requests to it fail fast; Opsdeck probes it again in %1 s.")
                      .arg(seconds.count())
                : QStringLiteral("Requests to it fail fast while a probe is checking whether it recovered."),
            seconds });
        return;
    }
    m_holdsBreaker = true;
    ++m_attempts;
    m_timedOut = false;
    m_httpStatus = 0;
    QNetworkAccessManager *manager = m_client->manager();
    QNetworkReply *reply = nullptr;
    if (m_method == "GET")
        reply = manager->get(m_request);
    else if (m_method == "HEAD")
        reply = manager->head(m_request);
    else
        reply = manager->sendCustomRequest(m_request, m_method, m_body);
    m_reply = reply;
    connect(reply, &QNetworkReply::finished, this, &ResilientReply::onReplyFinished);
    if (m_timeout.count() > 0)
        m_attemptTimer.start(m_timeout);
}

void ResilientReply::onTimeout()
{
    if (!m_reply)
        return;
    m_timedOut = true;
    m_reply->abort(); // finished() follows and is judged as a timeout
}

void ResilientReply::onReplyFinished()
{
    QNetworkReply *reply = m_reply;
    if (!reply || sender() != reply)
        return;
    m_reply.clear();
    m_attemptTimer.stop();
    reply->deleteLater();
    if (!m_client) {
        m_holdsBreaker = false;
        finish(tl::unexpected(Error { ErrorKind::Network,
                                      QStringLiteral("%1: cancelled: the client was closed")
                                          .arg(describeRequest(m_method, m_request.url())),
                                      {},
                                      std::nullopt }));
        return;
    }
    CircuitBreaker &breaker = m_client->breakerFor(m_endpoint);
    m_holdsBreaker = false;

    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    m_httpStatus = m_timedOut ? 0 : status;
    const QByteArray body = reply->readAll();
    if (!m_timedOut && ((status >= 200 && status < 400) || m_options.acceptedStatuses.contains(status))) {
        breaker.recordSuccess();
        HttpResponse response;
        response.status = status;
        response.body = body;
        response.headers = reply->rawHeaderPairs();
        response.attempts = m_attempts;
        if (m_options.fallbackToLastKnownGood)
            m_client->m_lastKnownGood.store(m_request.url().toString(), response);
        finish(std::move(response));
        return;
    }

    HttpFailure failure;
    failure.method = m_method;
    failure.url = m_request.url();
    failure.httpStatus = m_timedOut ? 0 : status;
    failure.reasonPhrase = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
    failure.network = reply->error();
    failure.networkMessage = reply->errorString();
    failure.timedOut = m_timedOut;
    failure.timeout = m_timeout;
    failure.attempts = m_attempts;
    if (failure.httpStatus != 0) {
        const auto server = parseServerError(body);
        if (server)
            failure.serverMessage = server->message;
        // The header wins over the Status' details.retryAfterSeconds.
        failure.retryAfter
            = RetryPolicy::parseRetryAfter(reply->rawHeader("Retry-After"), m_client->clock().wallNow());
        if (!failure.retryAfter && server)
            failure.retryAfter = server->retryAfter;
    }
    const RetryPolicy::Failure judged { failure.httpStatus, failure.network, failure.timedOut,
                                        failure.retryAfter };
    const bool transient = RetryPolicy::isTransient(judged);
    if (transient) {
        m_client->m_lastFailure.insert(
            m_endpoint,
            failure.timedOut ? QStringLiteral("no answer within %1 ms").arg(m_timeout.count())
                : failure.httpStatus != 0
                ? QStringLiteral("HTTP %1 %2").arg(failure.httpStatus).arg(failure.reasonPhrase).trimmed()
                : failure.networkMessage);
        breaker.recordFailure();
    } else if (failure.httpStatus != 0) {
        breaker.recordSuccess(); // an answer, if not the one we hoped for: the endpoint is up
    } else {
        breaker.release(); // TLS or protocol trouble says nothing about the endpoint's health
    }

    const Error error = toError(failure);
    const auto delay = m_client->m_policy.nextDelay(m_idempotent, m_attempts, judged);
    if (!delay) {
        if (transient && !m_idempotent && !RetryPolicy::wasNotProcessed(judged))
            qCInfo(lcResilience).noquote()
                << error.message << "- not retried: a write is never repeated blindly";
        fail(error);
        return;
    }
    qCDebug(lcResilience).noquote() << error.message << "- attempt" << m_attempts + 1 << "in"
                                    << delay->count() << "ms";
    Q_EMIT retrying(m_attempts, delay->count(), error);
    m_retryTimer.start(*delay);
}

void ResilientReply::fail(Error error)
{
    const bool fallbackFits = error.kind != ErrorKind::NotFound && error.kind != ErrorKind::Gone
        && error.kind != ErrorKind::Conflict && error.kind != ErrorKind::Invalid;
    if (m_options.fallbackToLastKnownGood && fallbackFits) {
        const QString key = m_request.url().toString();
        if (const auto *entry = m_client->m_lastKnownGood.find(key)) {
            HttpResponse response = entry->value;
            response.stale = true;
            response.age = m_client->m_lastKnownGood.age(key).value_or(std::chrono::milliseconds(0));
            response.staleBecause = error;
            response.attempts = m_attempts;
            finish(std::move(response));
            return;
        }
    }
    finish(tl::unexpected(std::move(error)));
}

void ResilientReply::finish(Result<HttpResponse> result)
{
    m_finished = true;
    m_result = std::move(result);
    Q_EMIT finished();
}

} // namespace Opsdeck
