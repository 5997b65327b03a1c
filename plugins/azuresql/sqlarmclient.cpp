#include "sqlarmclient.h"

#include "azuresqllogging.h"

#include "azure/entracredential.h"
#include "httpfailure.h"
#include "resilientclient.h"
#include "resilientreply.h"
#include "retrypolicy.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QPointer>
#include <QUrlQuery>

using namespace Opsdeck;

namespace {

// Pages of one list at most: a nextLink that never ends is a server bug, not a reason to spin forever.
constexpr int MaxPages = 1000;

QString pathAndQuery(const QUrl &url)
{
    const QString query = url.query(QUrl::FullyEncoded);
    return url.path(QUrl::FullyEncoded) + (query.isEmpty() ? QString() : u'?' + query);
}

// 4xx answers that carry ARM's own error body are handed back as answers (A2 reads the codes); 408 and
// 429 stay failures so ResilientClient retries them.
QList<int> answeredStatuses()
{
    QList<int> statuses;
    for (int status = 400; status < 500; ++status)
        if (status != 408 && status != 429)
            statuses.append(status);
    return statuses;
}

} // namespace

bool ArmReply::ok() const
{
    return !error && status >= 200 && status < 300;
}

int ArmReply::retryAfterSeconds() const
{
    const QByteArray header = headers.value(QByteArrayLiteral("retry-after"));
    if (!header.isEmpty()) {
        if (const auto seconds = RetryPolicy::parseRetryAfter(header, QDateTime::currentDateTimeUtc()))
            return int(seconds->count());
    }
    if (error && error->retryAfter)
        return int(error->retryAfter->count());
    return -1;
}

QString ArmReply::armErrorCode() const
{
    return object.value(u"error").toObject().value(u"code").toString();
}

QString ArmReply::armErrorMessage() const
{
    return object.value(u"error").toObject().value(u"message").toString();
}

SqlArmClient::SqlArmClient(AzureConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_ssl(EntraCredential::sslConfiguration(m_config.caFile))
    , m_manager(new QNetworkAccessManager(this))
    , m_credential(new EntraCredential(m_config, this))
{ }

SqlArmClient::~SqlArmClient() = default;

QString SqlArmClient::serverPath(const QString &server) const
{
    return QStringLiteral("/subscriptions/%1/resourceGroups/%2/providers/Microsoft.Sql/servers/%3")
        .arg(m_config.subscriptionId, m_config.resourceGroup, server);
}

QString SqlArmClient::databasePath(const QString &server, const QString &database) const
{
    return serverPath(server) + QStringLiteral("/databases/") + database;
}

QUrl SqlArmClient::urlFor(const QString &pathOrUrl) const
{
    QUrl url;
    if (pathOrUrl.startsWith(u"http://") || pathOrUrl.startsWith(u"https://")) {
        url = QUrl(pathOrUrl);
    } else {
        url = m_config.armEndpoint.isValid() && !m_config.armEndpoint.isEmpty()
            ? m_config.armEndpoint
            : AzureConfig::defaultArmEndpoint();
        // The endpoint may carry a path prefix; the ARM path goes below it.
        const int question = pathOrUrl.indexOf(u'?');
        QString base = url.path();
        while (base.endsWith(u'/'))
            base.chop(1);
        const QString path = question < 0 ? pathOrUrl : pathOrUrl.left(question);
        url.setPath(base + (path.startsWith(u'/') ? path : u'/' + path));
        if (question >= 0)
            url.setQuery(pathOrUrl.mid(question + 1));
    }
    QUrlQuery query(url);
    if (!query.hasQueryItem(QStringLiteral("api-version"))) {
        query.addQueryItem(QStringLiteral("api-version"), QString::fromLatin1(ApiVersion));
        url.setQuery(query);
    }
    return url;
}

ResilientClient *SqlArmClient::http()
{
    if (!m_http) {
        ResilientClient::Settings settings;
        settings.retry.maxAttempts = qMax(1, m_maxAttempts);
        settings.retry.maxRetryAfter = std::chrono::seconds(qMax(0, m_maxThrottleWaitSeconds));
        settings.timeout = std::chrono::milliseconds(qMax(0, m_timeoutMs));
        m_http = new ResilientClient(m_manager, settings, Clock::system(), this);
    }
    return m_http;
}

void SqlArmClient::get(const QString &pathOrUrl, const QString &what, QObject *context,
                       std::function<void(const ArmReply &)> done)
{
    send(QByteArrayLiteral("GET"), pathOrUrl, {}, what, context, std::move(done));
}

void SqlArmClient::send(const QByteArray &method, const QString &pathOrUrl, const QJsonObject &body,
                        const QString &what, QObject *context, std::function<void(const ArmReply &)> done)
{
    const QByteArray payload
        = body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact);
    attempt(method.toUpper(), urlFor(pathOrUrl), payload, what, context, std::move(done), false);
}

void SqlArmClient::attempt(const QByteArray &method, const QUrl &url, const QByteArray &body,
                           const QString &what, QObject *context, std::function<void(const ArmReply &)> done,
                           bool retriedAuth)
{
    const QPointer<QObject> guard(context);
    const QString request = QString::fromLatin1(method) + u' ' + pathAndQuery(url);
    if (!m_ssl) {
        ArmReply reply;
        reply.request = request;
        reply.error = m_ssl.error();
        QMetaObject::invokeMethod(
            this,
            [guard, done = std::move(done), reply] {
                if (guard)
                    done(reply);
            },
            Qt::QueuedConnection);
        return;
    }
    m_credential->requestToken(
        QString::fromLatin1(Resource), this,
        [this, method, url, body, what, guard, done = std::move(done), retriedAuth,
         request](Result<AccessToken> token) mutable {
            if (!guard)
                return;
            if (!token) {
                ArmReply reply;
                reply.request = request;
                Error error = token.error();
                error.message = what + QStringLiteral(": ") + QLatin1String(NoTokenPrefix) + error.message;
                reply.error = error;
                done(reply);
                return;
            }
            QNetworkRequest networkRequest(url);
            networkRequest.setSslConfiguration(*m_ssl);
            networkRequest.setRawHeader("Authorization", "Bearer " + token->value);
            networkRequest.setRawHeader("Accept", "application/json");
            if (!body.isEmpty())
                networkRequest.setHeader(QNetworkRequest::ContentTypeHeader,
                                         QByteArrayLiteral("application/json"));
            RequestOptions options;
            options.what = what;
            options.acceptedStatuses = answeredStatuses();
            // One breaker for all of ARM's SQL paths of this subscription.
            options.endpoint
                = url.scheme() + QStringLiteral("://") + url.authority() + QStringLiteral("/microsoft.sql");
            ResilientReply *pending = http()->send(networkRequest, method, body, options);
            connect(pending, &ResilientReply::retrying, this,
                    [this, what](int, qint64 delayMs, const Error &error) {
                        if (error.kind == ErrorKind::Throttled) {
                            qCInfo(lcAzureSql).noquote()
                                << what << "throttled; trying again in" << delayMs << "ms";
                            Q_EMIT throttled(int((delayMs + 999) / 1000), what);
                        }
                    });
            connect(pending, &ResilientReply::finished, this,
                    [this, pending, method, url, body, what, guard, done = std::move(done), retriedAuth,
                     request]() mutable {
                        pending->deleteLater();
                        if (!guard)
                            return;
                        const Result<HttpResponse> &result = pending->result();
                        ArmReply reply;
                        reply.request = request;
                        if (!result) {
                            reply.status = pending->httpStatus();
                            Error error = result.error();
                            error.message = what + QStringLiteral(": ") + error.message;
                            reply.error = error;
                            done(reply);
                            return;
                        }
                        if (result->status == 401 && !retriedAuth) {
                            // The token was revoked or expired early: one fresh token, one more try.
                            m_credential->invalidate(QString::fromLatin1(Resource));
                            attempt(method, url, body, what, guard.data(), std::move(done), true);
                            return;
                        }
                        reply.status = result->status;
                        reply.body = result->body;
                        for (const auto &[name, value] : result->headers)
                            reply.headers.insert(name.toLower(), value);
                        const QJsonDocument document = QJsonDocument::fromJson(result->body);
                        if (document.isObject())
                            reply.object = document.object();
                        if (reply.status < 200 || reply.status >= 300) {
                            HttpFailure failure;
                            failure.method = method;
                            failure.url = url;
                            failure.httpStatus = reply.status;
                            failure.attempts = result->attempts;
                            if (const auto server = parseServerError(result->body))
                                failure.serverMessage = server->reason.isEmpty()
                                    ? server->message
                                    : server->reason + QStringLiteral(": ") + server->message;
                            failure.retryAfter = RetryPolicy::parseRetryAfter(
                                reply.headers.value(QByteArrayLiteral("retry-after")),
                                QDateTime::currentDateTimeUtc());
                            Error error = toError(failure);
                            error.message = what + QStringLiteral(": ") + error.message;
                            reply.error = error;
                        }
                        done(reply);
                    });
        });
}

void SqlArmClient::getAll(const QString &path, const QString &what, QObject *context,
                          std::function<void(Result<QJsonArray>)> done)
{
    nextPage(urlFor(path), what, context, std::move(done), {}, 0);
}

void SqlArmClient::nextPage(const QUrl &url, const QString &what, QObject *context,
                            std::function<void(Result<QJsonArray>)> done, QJsonArray soFar, int pages)
{
    const QPointer<QObject> guard(context);
    get(url.toString(QUrl::FullyEncoded), what, context,
        [this, what, guard, done = std::move(done), soFar = std::move(soFar),
         pages](const ArmReply &reply) mutable {
            if (!reply.ok()) {
                done(tl::unexpected(
                    reply.error.value_or(Error { ErrorKind::Invalid,
                                                 what + QStringLiteral(": HTTP %1").arg(reply.status),
                                                 {},
                                                 std::nullopt })));
                return;
            }
            const QJsonValue value = reply.object.value(u"value");
            if (!value.isArray()) {
                done(makeError(
                    ErrorKind::Invalid,
                    what + QStringLiteral(": %1 answered without a `value` list").arg(reply.request)));
                return;
            }
            for (const QJsonValue &item : value.toArray())
                soFar.append(item);
            const QString next = reply.object.value(u"nextLink").toString();
            if (next.isEmpty()) {
                done(std::move(soFar));
                return;
            }
            if (pages + 1 >= MaxPages) {
                done(makeError(
                    ErrorKind::Invalid,
                    what + QStringLiteral(": more than %1 pages; the list never ends").arg(MaxPages)));
                return;
            }
            if (!guard)
                return;
            nextPage(QUrl(next), what, guard.data(), std::move(done), std::move(soFar), pages + 1);
        });
}
