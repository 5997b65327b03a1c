#pragma once

// Bearer tokens for Azure APIs, per resource (audience), from Entra ID. Lives on the thread that makes it
// (a source's worker thread) and answers asynchronously on `context`'s thread. How it gets a token is
// the config's `credential`:
//   clientSecret  client credentials grant of a service principal (clientId + clientSecret)
//   refreshToken  refresh_token grant of a user who signed in with a device code; refresh tokens rotate,
//                 so these grants run one at a time process-wide (RefreshTokenLedger) with the newest
//                 token, and refreshTokenChanged() reports each new one
//   azureCli      `az account get-access-token --resource R -o json`
// Tokens are cached per resource and fetched again 5 minutes before they expire (half-way for short-
// lived ones); callers asking for one resource at once share one request. TLS trusts the system's CAs
// plus the config's caFile. A token's value is never logged.

#include "accesstoken.h"
#include "azureconfig.h"
#include "error.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSslConfiguration>
#include <QString>

#include <functional>
#include <optional>

class QNetworkAccessManager;

namespace Opsdeck {

class EntraCredential : public QObject
{
    Q_OBJECT

public:
    EntraCredential(AzureConfig config, QObject *parent = nullptr);
    ~EntraCredential() override;

    // `done` runs once, queued on `context`'s thread (not at all if `context` is destroyed first).
    void requestToken(const QString &resource, QObject *context,
                      std::function<void(Result<AccessToken>)> done);
    // Forget the cached token for `resource` (the API answered 401 with it).
    void invalidate(const QString &resource);

    const AzureConfig &config() const { return m_config; }
    // "client secret of service principal <clientId>", "Azure CLI", … for the sign-in area.
    QString methodDescription() const;
    // HTTP token requests sent or `az` runs started so far (tests, diagnostics).
    int tokenRequestCount() const { return m_requestCount; }
    // Where `az` is run from; default: `az` found on PATH when first needed.
    void setAzureCliProgram(const QString &program) { m_azProgram = program; }

    // "<resource>/.default" (one slash).
    static QString scopeFor(const QString &resource);
    // The default TLS configuration plus the PEM certificates in `caFile` (none when empty).
    static Result<QSslConfiguration> sslConfiguration(const QString &caFile);
    // Who a token speaks for, from its (unverified) JWT payload: upn, name, or "app <appid>"; empty when
    // it is no JWT.
    static QString principalOf(const QByteArray &token);

Q_SIGNALS:
    // A new refresh token replaced the old one (rotation): store it (SecretStore), it is a secret.
    void refreshTokenChanged(const QString &refreshToken);
    // A token was obtained: for whom and until when (never its value).
    void tokenAcquired(const QString &resource, const QString &principal, const QDateTime &expiresOn);

private:
    struct Waiter
    {
        QPointer<QObject> context;
        std::function<void(Result<AccessToken>)> done;
    };
    struct Cached
    {
        AccessToken token;
        QDateTime refreshAt;
    };

    void fetch(const QString &resource);
    void fetchWithSecret(const QString &resource);
    void fetchWithRefreshToken(const QString &resource);
    void fetchFromAzureCli(const QString &resource);
    void postToken(const QString &resource, const QList<QPair<QString, QString>> &form);
    void finish(const QString &resource, Result<AccessToken> result);
    void nextRefreshGrant();
    QUrl tokenEndpoint() const;
    QString ledgerKey() const;

    AzureConfig m_config;
    std::optional<Result<QSslConfiguration>> m_ssl; // built on first use
    QNetworkAccessManager *m_net = nullptr;
    QHash<QString, Cached> m_cache;
    QHash<QString, QList<Waiter>> m_waiting; // a key is present while a fetch for it is queued or running
    QStringList m_refreshQueue; // resources waiting for the one refresh_token grant at a time
    bool m_refreshBusy = false;
    QString m_azProgram;
    int m_requestCount = 0;
};

} // namespace Opsdeck
