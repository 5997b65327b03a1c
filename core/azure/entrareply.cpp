#include "entrareply.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace Opsdeck {

EntraReply EntraReply::read(QNetworkReply *reply)
{
    EntraReply r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.networkError = reply->error();
    r.networkErrorString = reply->errorString();
    bool ok = false;
    const int retryAfter = reply->rawHeader("Retry-After").trimmed().toInt(&ok);
    if (ok && retryAfter >= 0)
        r.retryAfterSeconds = retryAfter;
    const QJsonDocument document = QJsonDocument::fromJson(reply->readAll());
    if (document.isObject()) {
        r.body = document.object();
        r.error = r.body.value(QStringLiteral("error")).toString();
        QString description = r.body.value(QStringLiteral("error_description")).toString();
        const qsizetype lineEnd = description.indexOf(QLatin1Char('\n'));
        if (lineEnd >= 0)
            description.truncate(lineEnd);
        r.description = description.trimmed();
        const QJsonArray codes = r.body.value(QStringLiteral("error_codes")).toArray();
        if (!codes.isEmpty())
            r.aadsts = codes.first().toInt();
    }
    return r;
}

Error EntraReply::toError(const QString &what, const QUrl &endpoint) const
{
    const QString where = endpoint.toString(QUrl::RemoveQuery | QUrl::RemoveUserInfo);
    if (!error.isEmpty()) {
        QString detail = description.isEmpty() ? error : description;
        if (aadsts != 0 && !detail.startsWith(QLatin1String("AADSTS")))
            detail = QStringLiteral("AADSTS%1: %2").arg(aadsts).arg(detail);
        Error e { ErrorKind::Invalid,
                  QStringLiteral("Entra ID refused %1 (%2): %3").arg(what, error, detail),
                  {},
                  std::nullopt };
        if (error == u"invalid_client") {
            e.kind = ErrorKind::Unauthorized;
            e.hint = QStringLiteral(
                "check the client secret: its value, not its id, and that it has not expired");
        } else if (error == u"unauthorized_client") {
            e.kind = ErrorKind::Config;
            e.hint = QStringLiteral("check clientId and tenantId in the Azure config");
        } else if (error == u"invalid_scope" || error == u"invalid_resource") {
            e.kind = ErrorKind::Config;
            e.hint = QStringLiteral("check the endpoint the token is for");
        } else if (error == u"invalid_grant" || error == u"interaction_required") {
            e.kind = ErrorKind::Unauthorized;
            e.hint = QStringLiteral("sign in again (Azure sign-in… → Sign in with a device code)");
        } else if (error == u"authorization_declined" || error == u"access_denied") {
            e.kind = ErrorKind::Forbidden;
            e.hint = QStringLiteral("the sign-in was declined; start it again to retry");
        } else if (error == u"expired_token") {
            e.kind = ErrorKind::Timeout;
            e.hint = QStringLiteral("the code expired before it was entered; start the sign-in again");
        } else if (status == 429) {
            e.kind = ErrorKind::Throttled;
        } else if (status >= 500) {
            e.kind = ErrorKind::Network;
        } else if (status == 401) {
            e.kind = ErrorKind::Unauthorized;
        } else if (status == 403) {
            e.kind = ErrorKind::Forbidden;
        }
        if (retryAfterSeconds >= 0)
            e.retryAfter = std::chrono::seconds(retryAfterSeconds);
        return e;
    }
    if (status == 429) {
        Error e { ErrorKind::Throttled,
                  QStringLiteral("Entra ID throttled %1 at %2").arg(what, where),
                  {},
                  std::nullopt };
        if (retryAfterSeconds >= 0)
            e.retryAfter = std::chrono::seconds(retryAfterSeconds);
        return e;
    }
    if (status != 0) {
        const ErrorKind kind = status >= 500 ? ErrorKind::Network
            : status == 401                  ? ErrorKind::Unauthorized
            : status == 403                  ? ErrorKind::Forbidden
            : status == 404                  ? ErrorKind::NotFound
                                             : ErrorKind::Invalid;
        QString hint;
        if (status == 404)
            hint = QStringLiteral("check authorityHost and tenantId in the Azure config");
        else if (status >= 200 && status < 300)
            hint = QStringLiteral("the answer was not a token; check authorityHost");
        return Error { kind, QStringLiteral("asking %1 for %2 failed: HTTP %3").arg(where, what).arg(status),
                       hint, std::nullopt };
    }
    switch (networkError) {
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError:
        return Error { ErrorKind::Timeout, QStringLiteral("asking %1 for %2 timed out").arg(where, what),
                       QStringLiteral("check the network and authorityHost"), std::nullopt };
    case QNetworkReply::SslHandshakeFailedError:
        return Error { ErrorKind::Network,
                       QStringLiteral("TLS with %1 failed: %2").arg(where, networkErrorString),
                       QStringLiteral("for a private authority (the sim) set caFile in the Azure config"),
                       std::nullopt };
    default:
        return Error { ErrorKind::Network,
                       QStringLiteral("cannot reach %1 for %2: %3").arg(where, what, networkErrorString),
                       QStringLiteral("check the network and authorityHost"), std::nullopt };
    }
}

Result<AccessToken> EntraReply::accessToken(const QString &resource) const
{
    const QString value = body.value(QStringLiteral("access_token")).toString();
    const QJsonValue expiresIn = body.value(QStringLiteral("expires_in"));
    // Entra's v2 endpoint sends a number; older endpoints and some proxies send a string.
    bool ok = expiresIn.isDouble();
    qint64 seconds = ok ? qint64(expiresIn.toDouble()) : expiresIn.toString().toLongLong(&ok);
    if (value.isEmpty() || !ok || seconds <= 0)
        return makeError(
            ErrorKind::Invalid,
            QStringLiteral("Entra ID's answer for %1 has no access_token or expires_in").arg(resource),
            QStringLiteral("check authorityHost: it must be an Entra ID (OAuth 2.0 v2) authority"));
    return AccessToken { value.toUtf8(), QDateTime::currentDateTimeUtc().addSecs(seconds), resource };
}

} // namespace Opsdeck
