#include "devicecodeflow.h"

#include "azurelogging.h"
#include "entracredential.h"
#include "entrareply.h"
#include "formbody.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

namespace Opsdeck {

namespace {
constexpr int HttpTimeoutMs = 30000;
constexpr int SlowDownSeconds = 5; // RFC 8628 §3.5
const QString kDeviceCodeGrant = QStringLiteral("urn:ietf:params:oauth:grant-type:device_code");
} // namespace

DeviceCodeFlow::DeviceCodeFlow(AzureConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_net(new QNetworkAccessManager(this))
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &DeviceCodeFlow::poll);
}

DeviceCodeFlow::~DeviceCodeFlow() = default;

QUrl DeviceCodeFlow::endpoint(const QString &name) const
{
    QUrl url = m_config.authorityHost;
    url.setPath(url.path() + QLatin1Char('/') + m_config.tenantId + QStringLiteral("/oauth2/v2.0/") + name);
    return url;
}

QNetworkReply *DeviceCodeFlow::post(const QString &name, const QList<QPair<QString, QString>> &form)
{
    QNetworkRequest request(endpoint(name));
    request.setSslConfiguration(m_ssl);
    request.setHeader(QNetworkRequest::ContentTypeHeader,
                      QStringLiteral("application/x-www-form-urlencoded"));
    request.setRawHeader("Accept", "application/json");
    request.setTransferTimeout(HttpTimeoutMs);
    return m_net->post(request, formBody(form));
}

void DeviceCodeFlow::start(const QString &resource)
{
    if (m_running)
        cancel();
    auto ssl = EntraCredential::sslConfiguration(m_config.caFile);
    if (!ssl) {
        const Error error = ssl.error();
        m_running = true;
        QTimer::singleShot(0, this, [this, error] { fail(error); });
        return;
    }
    m_ssl = *ssl;
    m_resource = resource;
    m_running = true;
    m_polls = 0;
    m_deviceCode.clear();
    qCInfo(lcAzure).noquote() << "device code sign-in to tenant" << m_config.tenantId << "for" << resource;
    m_reply = post(QStringLiteral("devicecode"),
                   { { QStringLiteral("client_id"), m_config.clientId },
                     { QStringLiteral("scope"),
                       EntraCredential::scopeFor(resource) + QStringLiteral(" offline_access") } });
    QNetworkReply *reply = m_reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onDeviceCode(reply); });
}

void DeviceCodeFlow::onDeviceCode(QNetworkReply *reply)
{
    reply->deleteLater();
    if (!m_running || reply != m_reply)
        return;
    m_reply = nullptr;
    const EntraReply answer = EntraReply::read(reply);
    if (!answer.ok()) {
        fail(answer.toError(QStringLiteral("a device code"), endpoint(QStringLiteral("devicecode"))));
        return;
    }
    Prompt prompt;
    prompt.userCode = answer.body.value(QStringLiteral("user_code")).toString();
    prompt.verificationUri = QUrl(answer.body.value(QStringLiteral("verification_uri")).toString());
    prompt.message = answer.body.value(QStringLiteral("message")).toString();
    m_deviceCode = answer.body.value(QStringLiteral("device_code")).toString();
    const int expiresIn = answer.body.value(QStringLiteral("expires_in")).toVariant().toInt();
    const int interval = answer.body.value(QStringLiteral("interval")).toVariant().toInt();
    if (prompt.userCode.isEmpty() || m_deviceCode.isEmpty() || !prompt.verificationUri.isValid()
        || expiresIn <= 0) {
        fail(Error {
            ErrorKind::Invalid,
            QStringLiteral(
                "Entra ID's device code answer lacks user_code, device_code, verification_uri or expires_in"),
            QStringLiteral("check authorityHost"), std::nullopt });
        return;
    }
    m_interval = interval > 0 ? interval : 5;
    if (m_intervalOverride > 0)
        m_interval = m_intervalOverride;
    m_expiresOn = QDateTime::currentDateTimeUtc().addSecs(expiresIn);
    prompt.expiresOn = m_expiresOn;
    prompt.intervalSeconds = m_interval;
    Q_EMIT codeReady(prompt);
    schedulePoll();
}

void DeviceCodeFlow::schedulePoll()
{
    if (!m_running)
        return;
    if (QDateTime::currentDateTimeUtc() >= m_expiresOn) {
        fail(Error { ErrorKind::Timeout,
                     QStringLiteral("the device code expired before the sign-in was completed"),
                     QStringLiteral("start the sign-in again"), std::nullopt });
        return;
    }
    m_timer->start(m_interval * 1000);
}

void DeviceCodeFlow::poll()
{
    if (!m_running)
        return;
    ++m_polls;
    m_reply = post(QStringLiteral("token"),
                   { { QStringLiteral("grant_type"), kDeviceCodeGrant },
                     { QStringLiteral("client_id"), m_config.clientId },
                     { QStringLiteral("device_code"), m_deviceCode } });
    QNetworkReply *reply = m_reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onPollAnswer(reply); });
}

void DeviceCodeFlow::onPollAnswer(QNetworkReply *reply)
{
    reply->deleteLater();
    if (!m_running || reply != m_reply)
        return;
    m_reply = nullptr;
    const EntraReply answer = EntraReply::read(reply);
    if (answer.ok()) {
        auto token = answer.accessToken(m_resource);
        if (!token) {
            fail(token.error());
            return;
        }
        SignIn result;
        result.accessToken = *token;
        result.refreshToken = answer.body.value(QStringLiteral("refresh_token")).toString();
        result.principal = EntraCredential::principalOf(token->value);
        result.tenantId = m_config.tenantId;
        result.clientId = m_config.clientId;
        m_running = false;
        qCInfo(lcAzure).noquote() << "signed in as" << result.principal << "to tenant" << m_config.tenantId
                                  << (result.refreshToken.isEmpty() ? "(no refresh token)" : "");
        Q_EMIT signedIn(result);
        return;
    }
    if (answer.error == u"authorization_pending") {
        schedulePoll();
        return;
    }
    if (answer.error == u"slow_down") {
        m_interval += SlowDownSeconds;
        qCInfo(lcAzure) << "device code polling slowed down to every" << m_interval << "s";
        Q_EMIT intervalChanged(m_interval);
        schedulePoll();
        return;
    }
    if (answer.error.isEmpty() && (answer.status == 0 || answer.status >= 500 || answer.status == 429)) {
        // The network or the service hiccuped: the code is still good until it expires.
        qCWarning(lcAzure).noquote() << "device code poll failed, retrying:"
                                     << toString(answer.toError(QStringLiteral("a token"),
                                                                endpoint(QStringLiteral("token"))));
        schedulePoll();
        return;
    }
    fail(answer.toError(QStringLiteral("the device code sign-in"), endpoint(QStringLiteral("token"))));
}

void DeviceCodeFlow::cancel()
{
    if (!m_running)
        return;
    m_running = false;
    m_timer->stop();
    if (m_reply) {
        QNetworkReply *reply = m_reply;
        m_reply = nullptr;
        reply->abort();
    }
    qCInfo(lcAzure) << "device code sign-in cancelled";
    Q_EMIT cancelled();
}

void DeviceCodeFlow::fail(const Error &error)
{
    if (!m_running)
        return;
    m_running = false;
    m_timer->stop();
    qCWarning(lcAzure).noquote() << toString(error);
    Q_EMIT failed(error);
}

} // namespace Opsdeck
