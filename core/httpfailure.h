#pragma once

// A failed HTTP request turned into an Error that says what failed where and what to do
// ("GET https://h/api/v1/pods: HTTP 503 Service Unavailable after 4 attempts"), and the server's own
// error body (a Kubernetes Status, or an Azure {error:{code,message}}) read for its message and
// retryAfterSeconds. URLs lose their query and user info; headers (tokens) never appear.

#include "error.h"

#include <QByteArray>
#include <QNetworkReply>
#include <QString>
#include <QUrl>

#include <chrono>
#include <optional>

namespace Opsdeck {

struct HttpFailure
{
    QByteArray method;
    QUrl url;
    int httpStatus = 0; // 0: no HTTP answer
    QString reasonPhrase;
    QNetworkReply::NetworkError network = QNetworkReply::NoError;
    QString networkMessage; // QNetworkReply::errorString()
    bool timedOut = false;
    std::chrono::milliseconds timeout { 0 };
    QString serverMessage; // from the error body
    std::optional<std::chrono::seconds> retryAfter;
    int attempts = 1;
};

// What the server said in an error body.
struct ServerError
{
    QString message;
    QString reason;
    std::optional<std::chrono::seconds> retryAfter; // Status details.retryAfterSeconds
};

// "GET https://h:6443/api/v1/pods"
QString describeRequest(const QByteArray &method, const QUrl &url);
// nullopt unless the body is a JSON error document this knows.
std::optional<ServerError> parseServerError(const QByteArray &body);
// 401 Unauthorized, 403 Forbidden, 404 NotFound, 409 Conflict, 410 Gone, 429 Throttled (with
// retryAfter), 5xx and no connection Network, timeouts Timeout, TLS failures Network with their cause.
Error toError(const HttpFailure &failure);

} // namespace Opsdeck
