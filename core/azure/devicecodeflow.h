#pragma once

// Entra ID's device code sign-in (RFC 8628 as Entra speaks it, API-CONTRACTS §6): ask
// {authority}/{tenant}/oauth2/v2.0/devicecode for a code, show the person the code and the URL, poll the
// token endpoint every `interval` seconds — authorization_pending: keep polling; slow_down: 5 s more
// from now on; authorization_declined / access_denied / expired_token / bad_verification_code: stop —
// until it answers with an access token and a refresh token. Transport failures while polling are
// retried at the interval until the code expires. Asynchronous; lives on the thread that makes it.
// Tokens are never logged.

#include "accesstoken.h"
#include "azureconfig.h"
#include "error.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <QSslConfiguration>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

namespace Opsdeck {

class DeviceCodeFlow : public QObject
{
    Q_OBJECT

public:
    // What the person needs: shown as plain text.
    struct Prompt
    {
        QString userCode;
        QUrl verificationUri;
        QString message; // Entra's own sentence
        QDateTime expiresOn; // UTC
        int intervalSeconds = 5;
    };
    struct SignIn
    {
        AccessToken accessToken;
        QString refreshToken; // a secret: store it (SecretStore), never log it
        QString principal; // upn / name from the token
        QString tenantId;
        QString clientId;
    };

    explicit DeviceCodeFlow(AzureConfig config, QObject *parent = nullptr);
    ~DeviceCodeFlow() override;

    // Starts a sign-in for `resource` (scope "<resource>/.default offline_access"). Ends with exactly
    // one of signedIn, failed or cancelled.
    void start(const QString &resource);
    void cancel();

    bool isRunning() const { return m_running; }
    int intervalSeconds() const { return m_interval; }
    int pollCount() const { return m_polls; }
    // Tests only: poll every `seconds` instead of the server's interval (a fast one earns slow_down).
    void setIntervalOverride(int seconds) { m_intervalOverride = seconds; }

Q_SIGNALS:
    void codeReady(const Opsdeck::DeviceCodeFlow::Prompt &prompt);
    void intervalChanged(int seconds); // after slow_down
    void signedIn(const Opsdeck::DeviceCodeFlow::SignIn &result);
    void failed(const Opsdeck::Error &error);
    void cancelled();

private:
    QNetworkReply *post(const QString &endpoint, const QList<QPair<QString, QString>> &form);
    void onDeviceCode(QNetworkReply *reply);
    void poll();
    void onPollAnswer(QNetworkReply *reply);
    void schedulePoll();
    void fail(const Error &error);
    QUrl endpoint(const QString &name) const;

    AzureConfig m_config;
    QNetworkAccessManager *m_net = nullptr;
    QTimer *m_timer = nullptr;
    QPointer<QNetworkReply> m_reply;
    QSslConfiguration m_ssl;
    QString m_resource;
    QString m_deviceCode;
    QDateTime m_expiresOn;
    int m_interval = 5;
    int m_intervalOverride = 0;
    int m_polls = 0;
    bool m_running = false;
};

} // namespace Opsdeck

Q_DECLARE_METATYPE(Opsdeck::DeviceCodeFlow::Prompt)
Q_DECLARE_METATYPE(Opsdeck::DeviceCodeFlow::SignIn)
