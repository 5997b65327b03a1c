#pragma once

// One answer of Entra ID's token or devicecode endpoint, read from a finished QNetworkReply: the JSON
// body, or Entra's error body {error, error_description "AADSTS…: …\r\nTrace ID…", error_codes}, or the
// transport failure. toError() turns a failure into an Opsdeck Error that names the AADSTS code and says
// what to do; the device code flow branches on `error` (authorization_pending, slow_down, …).

#include "accesstoken.h"
#include "error.h"

#include <QJsonObject>
#include <QNetworkReply>
#include <QString>
#include <QUrl>

namespace Opsdeck {

struct EntraReply
{
    int status = 0; // HTTP status; 0 when no answer arrived
    QJsonObject body; // the parsed body, when it was a JSON object
    QString error; // Entra's `error` (invalid_client, authorization_pending, …)
    QString description; // the first line of `error_description` ("AADSTS7000215: Invalid client secret …")
    int aadsts = 0; // the first of `error_codes`
    QNetworkReply::NetworkError networkError = QNetworkReply::NoError;
    QString networkErrorString;
    int retryAfterSeconds = -1;

    static EntraReply read(QNetworkReply *reply);

    bool ok() const { return status >= 200 && status < 300 && error.isEmpty() && !body.isEmpty(); }
    // `what` says what was asked, e.g. "a token for https://api.loganalytics.io".
    Error toError(const QString &what, const QUrl &endpoint) const;
    // An access token from a success body (access_token, expires_in as a number or a string).
    Result<AccessToken> accessToken(const QString &resource) const;
};

} // namespace Opsdeck
