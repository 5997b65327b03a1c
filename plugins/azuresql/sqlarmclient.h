#pragma once

// Azure Resource Manager calls for Microsoft.Sql (API-CONTRACTS §5): the read side lists servers and
// databases, the restore runbook PUTs a database and follows its long-running operation. One bearer
// token for https://management.azure.com from the client's own EntraCredential; a 401 invalidates it and
// the request is sent once more. GETs are retried on 429/503/504 and network errors, honouring
// Retry-After within a bound; PUT/DELETE are never repeated blindly: only a 429 or a refused connection
// (the server provably did not act) is sent again, a 503 or a timeout of a write is the caller's to judge.
// 4xx answers come back with their body (armErrorCode()); when retries give up (429/5xx/timeout/network)
// the reply has `error` and the last status, but no body. TLS trusts AzureConfig::caFile (the
// sim's CA) in addition to the system CAs. Lives on the thread that makes it; never blocks.

#include "azure/azureconfig.h"
#include "error.h"

#include <QByteArray>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QSslConfiguration>
#include <QString>

#include <functional>
#include <optional>

class QNetworkAccessManager;

namespace Opsdeck {
class EntraCredential;
class ResilientClient;
} // namespace Opsdeck

struct ArmReply
{
    int status = 0;
    QJsonObject object; // the body when it is a JSON object
    QByteArray body;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QString request; // "PUT /subscriptions/…/databases/X?api-version=2021-11-01" for the journal
    std::optional<Opsdeck::Error> error; // set when the call failed (transport, auth, or a non-2xx status)

    bool ok() const;
    // Seconds from Retry-After (delta-seconds or an HTTP date); -1: none.
    int retryAfterSeconds() const;
    // ARM's `error.code` / `error.message` of a failed call, empty when the body has none.
    QString armErrorCode() const;
    QString armErrorMessage() const;
};

class SqlArmClient : public QObject
{
    Q_OBJECT

public:
    SqlArmClient(Opsdeck::AzureConfig config, QObject *parent = nullptr);
    ~SqlArmClient() override;

    static constexpr const char *ApiVersion = "2021-11-01";
    static constexpr const char *Resource = "https://management.azure.com";
    // Starts the message of a call that failed for want of a token (its hint is Entra ID's).
    static constexpr const char *NoTokenPrefix = "no token for Azure Resource Manager: ";

    // /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Sql/servers/{server}
    QString serverPath(const QString &server) const;
    // serverPath(server) + /databases/{database}
    QString databasePath(const QString &server, const QString &database) const;

    // `pathOrUrl`: a path under armEndpoint or an absolute URL (LRO headers); api-version added when missing.
    // `what` prefixes error messages ("listing databases of sql-x"). `done` runs once on `context`'s
    // thread, not at all if `context` is gone. An empty `body` sends no body.
    void send(const QByteArray &method, const QString &pathOrUrl, const QJsonObject &body,
              const QString &what, QObject *context, std::function<void(const ArmReply &)> done);
    void get(const QString &pathOrUrl, const QString &what, QObject *context,
             std::function<void(const ArmReply &)> done);
    // Every page (nextLink) of a list, concatenated `value`s.
    void getAll(const QString &path, const QString &what, QObject *context,
                std::function<void(Opsdeck::Result<QJsonArray>)> done);

    const Opsdeck::AzureConfig &config() const { return m_config; }
    // The absolute URL of a path or URL, with api-version added when missing.
    QUrl urlFor(const QString &pathOrUrl) const;

    // Bounds of the retries and the per-attempt timeout; set before the first request (tests shorten them).
    // A Retry-After longer than maxThrottleWaitSeconds is not waited out: the call fails as Throttled.
    void setMaxThrottleWaitSeconds(int seconds) { m_maxThrottleWaitSeconds = seconds; }
    void setMaxAttempts(int attempts) { m_maxAttempts = attempts; }
    void setRequestTimeoutMs(int milliseconds) { m_timeoutMs = milliseconds; }

Q_SIGNALS:
    // A 429 was answered by waiting `seconds` before trying `what` again.
    void throttled(int seconds, const QString &what);

private:
    Opsdeck::ResilientClient *http();
    void attempt(const QByteArray &method, const QUrl &url, const QByteArray &body, const QString &what,
                 QObject *context, std::function<void(const ArmReply &)> done, bool retriedAuth);
    void nextPage(const QUrl &url, const QString &what, QObject *context,
                  std::function<void(Opsdeck::Result<QJsonArray>)> done, QJsonArray soFar, int pages);

    Opsdeck::AzureConfig m_config;
    Opsdeck::Result<QSslConfiguration> m_ssl;
    QNetworkAccessManager *m_manager;
    Opsdeck::ResilientClient *m_http = nullptr; // made on first use, with the bounds above
    Opsdeck::EntraCredential *m_credential;
    int m_maxThrottleWaitSeconds = 120;
    int m_maxAttempts = 5;
    int m_timeoutMs = 30'000;
};
