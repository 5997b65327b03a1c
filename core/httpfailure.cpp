#include "httpfailure.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace Opsdeck {

QString describeRequest(const QByteArray &method, const QUrl &url)
{
    return QString::fromLatin1(method.toUpper()) + u' '
        + url.toDisplayString(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment);
}

std::optional<ServerError> parseServerError(const QByteArray &body)
{
    // An error body is small; a huge one is not worth parsing just for a message.
    if (body.isEmpty() || body.size() > 1024 * 1024 || !body.trimmed().startsWith('{'))
        return std::nullopt;
    const QJsonDocument document = QJsonDocument::fromJson(body);
    if (!document.isObject())
        return std::nullopt;
    const QJsonObject root = document.object();
    ServerError error;
    if (root.value(u"kind").toString() == u"Status") {
        // Kubernetes Status (API-CONTRACTS §1).
        error.message = root.value(u"message").toString();
        error.reason = root.value(u"reason").toString();
        const QJsonValue seconds = root.value(u"details").toObject().value(u"retryAfterSeconds");
        if (seconds.isDouble() && seconds.toDouble() >= 0)
            error.retryAfter = std::chrono::seconds(qint64(seconds.toDouble()));
        return error;
    }
    if (root.value(u"error").isObject()) {
        // Azure: {error:{code, message}} (API-CONTRACTS §3).
        const QJsonObject inner = root.value(u"error").toObject();
        error.message = inner.value(u"message").toString();
        error.reason = inner.value(u"code").toString();
        return error;
    }
    return std::nullopt;
}

namespace {

QString attemptsSuffix(int attempts)
{
    return attempts > 1 ? QStringLiteral(" after %1 attempts").arg(attempts) : QString();
}

} // namespace

Error toError(const HttpFailure &failure)
{
    const QString request = describeRequest(failure.method, failure.url);
    Error error;
    error.retryAfter = failure.retryAfter;
    if (failure.timedOut) {
        error.kind = ErrorKind::Timeout;
        error.message = QStringLiteral("%1: no answer within %2 s%3")
                            .arg(request)
                            .arg(double(failure.timeout.count()) / 1000.0)
                            .arg(attemptsSuffix(failure.attempts));
        error.hint = QStringLiteral("The server is slow or unreachable; Opsdeck keeps trying and shows the "
                                    "last data it had.");
        return error;
    }
    if (failure.httpStatus == 0) {
        error.kind = ErrorKind::Network;
        if (failure.network == QNetworkReply::SslHandshakeFailedError) {
            error.message = QStringLiteral("%1: TLS handshake with %2 failed: %3")
                                .arg(request, failure.url.host(), failure.networkMessage);
            error.hint = QStringLiteral("The server's certificate is not trusted or does not match its name; "
                                        "check the certificate authority and server name in the settings.");
        } else {
            error.message = QStringLiteral("%1: %2%3")
                                .arg(request, failure.networkMessage, attemptsSuffix(failure.attempts));
            error.hint = QStringLiteral("Check that the server is reachable; Opsdeck keeps trying.");
        }
        return error;
    }
    QString status = QStringLiteral("HTTP %1").arg(failure.httpStatus);
    if (!failure.reasonPhrase.isEmpty())
        status += u' ' + failure.reasonPhrase;
    error.message = request + QStringLiteral(": ") + status + attemptsSuffix(failure.attempts);
    if (!failure.serverMessage.isEmpty())
        error.message += QStringLiteral(": ") + failure.serverMessage;
    switch (failure.httpStatus) {
    case 401:
        error.kind = ErrorKind::Unauthorized;
        error.hint = QStringLiteral("The server refused the credentials; log in again or renew the token.");
        break;
    case 403:
        error.kind = ErrorKind::Forbidden;
        error.hint = QStringLiteral("The credentials lack permission for this request; ask for access.");
        break;
    case 404:
        error.kind = ErrorKind::NotFound;
        error.hint = QStringLiteral("The server does not serve this, or it was deleted.");
        break;
    case 409:
        error.kind = ErrorKind::Conflict;
        error.hint
            = QStringLiteral("The object changed on the server; reload it and apply the change again.");
        break;
    case 410:
        error.kind = ErrorKind::Gone;
        error.hint = QStringLiteral("The requested version expired; start again from a fresh list.");
        break;
    case 429:
        error.kind = ErrorKind::Throttled;
        error.hint = error.retryAfter
            ? QStringLiteral("The server is throttling requests; try again in %1 s.")
                  .arg(error.retryAfter->count())
            : QStringLiteral("The server is throttling requests; try again shortly.");
        break;
    default:
        if (failure.httpStatus >= 500) {
            error.kind = ErrorKind::Network;
            error.hint = QStringLiteral("The server reported a failure; Opsdeck keeps trying and shows the "
                                        "last data it had.");
        } else {
            error.kind = ErrorKind::Invalid;
            error.hint = QStringLiteral("The server rejected the request as malformed.");
        }
        break;
    }
    return error;
}

} // namespace Opsdeck
