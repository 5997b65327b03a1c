#include "entracredential.h"

#include "azureclitoken.h"
#include "azurelogging.h"
#include "entrareply.h"
#include "formbody.h"
#include "refreshtokenledger.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSslCertificate>
#include <QStandardPaths>
#include <QTimer>

namespace Opsdeck {

namespace {
constexpr int RefreshMarginSeconds = 5 * 60;
constexpr int HttpTimeoutMs = 30000;
constexpr int AzureCliTimeoutMs = 60000;
// A token that could not be renewed is still handed out while it has this long left.
constexpr int StillUsableSeconds = 30;
constexpr int LedgerRetryMs = 50;

} // namespace

EntraCredential::EntraCredential(AzureConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_net(new QNetworkAccessManager(this))
{
    qRegisterMetaType<AccessToken>();
}

EntraCredential::~EntraCredential()
{
    // A grant cut short must not leave the shared refresh token checked out.
    if (m_refreshBusy)
        RefreshTokenLedger::instance().checkIn(ledgerKey(), {});
}

QString EntraCredential::scopeFor(const QString &resource)
{
    return resource.endsWith(QLatin1Char('/')) ? resource + QStringLiteral(".default")
                                               : resource + QStringLiteral("/.default");
}

Result<QSslConfiguration> EntraCredential::sslConfiguration(const QString &caFile)
{
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    if (caFile.isEmpty())
        return ssl;
    const QList<QSslCertificate> certificates = QSslCertificate::fromPath(caFile, QSsl::Pem);
    if (certificates.isEmpty())
        return makeError(
            ErrorKind::Config, QStringLiteral("caFile %1 holds no PEM certificate").arg(caFile),
            QStringLiteral("point caFile at the CA certificate (PEM), or leave it out for real Azure"));
    ssl.addCaCertificates(certificates);
    return ssl;
}

QString EntraCredential::principalOf(const QByteArray &token)
{
    const QList<QByteArray> parts = token.split('.');
    if (parts.size() != 3)
        return {};
    const QByteArray payload
        = QByteArray::fromBase64(parts[1], QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    const QJsonObject claims = QJsonDocument::fromJson(payload).object();
    for (const char *claim : { "upn", "unique_name", "preferred_username", "name" }) {
        const QString value = claims.value(QLatin1String(claim)).toString();
        if (!value.isEmpty())
            return value;
    }
    const QString app = claims.value(QStringLiteral("appid")).toString();
    return app.isEmpty() ? QString() : QStringLiteral("app %1").arg(app);
}

QString EntraCredential::methodDescription() const
{
    if (m_config.credential == u"azureCli")
        return QStringLiteral("Azure CLI (az account get-access-token)");
    if (m_config.credential == u"refreshToken")
        return QStringLiteral("signed-in user (device code), client %1").arg(m_config.clientId);
    return QStringLiteral("client secret of service principal %1").arg(m_config.clientId);
}

QUrl EntraCredential::tokenEndpoint() const
{
    QUrl url = m_config.authorityHost;
    url.setPath(url.path() + QLatin1Char('/') + m_config.tenantId + QStringLiteral("/oauth2/v2.0/token"));
    return url;
}

void EntraCredential::requestToken(const QString &resource, QObject *context,
                                   std::function<void(Result<AccessToken>)> done)
{
    Waiter waiter { context ? context : this, std::move(done) };
    const auto cached = m_cache.constFind(resource);
    if (cached != m_cache.constEnd() && QDateTime::currentDateTimeUtc() < cached->refreshAt) {
        const AccessToken token = cached->token;
        QMetaObject::invokeMethod(
            waiter.context.data(), [done = std::move(waiter.done), token] { done(token); },
            Qt::QueuedConnection);
        return;
    }
    const bool inFlight = m_waiting.contains(resource);
    m_waiting[resource].append(std::move(waiter));
    if (!inFlight)
        fetch(resource);
}

void EntraCredential::invalidate(const QString &resource)
{
    if (m_cache.remove(resource) > 0)
        qCInfo(lcAzure).noquote() << "token for" << resource << "invalidated";
}

void EntraCredential::fetch(const QString &resource)
{
    if (m_config.credential == u"azureCli")
        fetchFromAzureCli(resource);
    else if (m_config.credential == u"refreshToken")
        fetchWithRefreshToken(resource);
    else
        fetchWithSecret(resource);
}

void EntraCredential::fetchWithSecret(const QString &resource)
{
    if (m_config.clientSecret.isEmpty()) {
        QTimer::singleShot(0, this, [this, resource] {
            finish(
                resource,
                makeError(
                    ErrorKind::Config,
                    QStringLiteral("no client secret for service principal %1").arg(m_config.clientId),
                    QStringLiteral("store it with Azure sign-in… or put clientSecret in the Azure config")));
        });
        return;
    }
    postToken(resource,
              { { QStringLiteral("grant_type"), QStringLiteral("client_credentials") },
                { QStringLiteral("client_id"), m_config.clientId },
                { QStringLiteral("client_secret"), m_config.clientSecret },
                { QStringLiteral("scope"), scopeFor(resource) } });
}

void EntraCredential::fetchWithRefreshToken(const QString &resource)
{
    // Each grant rotates the refresh token and spends the old one: one grant at a time.
    m_refreshQueue.append(resource);
    nextRefreshGrant();
}

void EntraCredential::nextRefreshGrant()
{
    if (m_refreshBusy || m_refreshQueue.isEmpty())
        return;
    const QString resource = m_refreshQueue.first();
    if (m_config.refreshToken.isEmpty() && RefreshTokenLedger::instance().latest(ledgerKey()).isEmpty()) {
        m_refreshQueue.removeFirst();
        QTimer::singleShot(0, this, [this, resource] {
            finish(resource,
                   makeError(ErrorKind::Unauthorized,
                             QStringLiteral("nobody is signed in to tenant %1").arg(m_config.tenantId),
                             QStringLiteral("sign in with Azure sign-in… → Sign in with a device code")));
            nextRefreshGrant();
        });
        return;
    }
    // Another credential (another source's thread) is redeeming the shared refresh token: ask again soon.
    const std::optional<QString> refreshToken
        = RefreshTokenLedger::instance().checkOut(ledgerKey(), m_config.refreshToken);
    if (!refreshToken) {
        QTimer::singleShot(LedgerRetryMs, this, &EntraCredential::nextRefreshGrant);
        return;
    }
    m_refreshQueue.removeFirst();
    m_refreshBusy = true;
    postToken(resource,
              { { QStringLiteral("grant_type"), QStringLiteral("refresh_token") },
                { QStringLiteral("client_id"), m_config.clientId },
                { QStringLiteral("refresh_token"), *refreshToken },
                { QStringLiteral("scope"), scopeFor(resource) + QStringLiteral(" offline_access") } });
}

QString EntraCredential::ledgerKey() const
{
    return RefreshTokenLedger::keyFor(m_config.tenantId, m_config.clientId);
}

void EntraCredential::postToken(const QString &resource, const QList<QPair<QString, QString>> &form)
{
    if (!m_ssl)
        m_ssl = sslConfiguration(m_config.caFile);
    const bool refreshGrant = m_config.credential == u"refreshToken";
    if (!*m_ssl) {
        const Error error = m_ssl->error();
        if (refreshGrant)
            RefreshTokenLedger::instance().checkIn(ledgerKey(), {});
        QTimer::singleShot(0, this, [this, resource, error, refreshGrant] {
            if (refreshGrant)
                m_refreshBusy = false;
            finish(resource, tl::unexpected(error));
            nextRefreshGrant();
        });
        return;
    }
    const QUrl endpoint = tokenEndpoint();
    QNetworkRequest request(endpoint);
    request.setSslConfiguration(**m_ssl);
    request.setHeader(QNetworkRequest::ContentTypeHeader,
                      QStringLiteral("application/x-www-form-urlencoded"));
    request.setRawHeader("Accept", "application/json");
    request.setTransferTimeout(HttpTimeoutMs);
    ++m_requestCount;
    qCDebug(lcAzure).noquote() << "requesting a token for" << resource << "from" << endpoint.toString();
    QNetworkReply *reply = m_net->post(request, formBody(form));
    connect(reply, &QNetworkReply::finished, this, [this, reply, resource, endpoint, refreshGrant] {
        reply->deleteLater();
        const EntraReply answer = EntraReply::read(reply);
        const QString what = QStringLiteral("a token for %1").arg(resource);
        const QString rotated
            = answer.ok() ? answer.body.value(QStringLiteral("refresh_token")).toString() : QString();
        if (refreshGrant) {
            m_refreshBusy = false;
            RefreshTokenLedger::instance().checkIn(ledgerKey(), rotated);
            if (!rotated.isEmpty() && rotated != m_config.refreshToken) {
                m_config.refreshToken = rotated;
                Q_EMIT refreshTokenChanged(rotated);
            }
        }
        if (!answer.ok())
            finish(resource, tl::unexpected(answer.toError(what, endpoint)));
        else
            finish(resource, answer.accessToken(resource));
        if (refreshGrant)
            nextRefreshGrant();
    });
}

void EntraCredential::fetchFromAzureCli(const QString &resource)
{
    const QString program
        = m_azProgram.isEmpty() ? QStandardPaths::findExecutable(QStringLiteral("az")) : m_azProgram;
    if (program.isEmpty()) {
        QTimer::singleShot(0, this, [this, resource] {
            finish(resource,
                   makeError(ErrorKind::Config, QStringLiteral("the Azure CLI (az) is not on PATH"),
                             QStringLiteral(
                                 "install the Azure CLI and run `az login`, or choose another credential")));
        });
        return;
    }
    QStringList arguments { QStringLiteral("account"),    QStringLiteral("get-access-token"),
                            QStringLiteral("--resource"), resource,
                            QStringLiteral("-o"),         QStringLiteral("json") };
    if (!m_config.tenantId.isEmpty())
        arguments << QStringLiteral("--tenant") << m_config.tenantId;
    auto *process = new QProcess(this);
    auto *timer = new QTimer(process);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, process, [process] { process->kill(); });
    ++m_requestCount;
    qCDebug(lcAzure).noquote() << "running" << program << arguments.join(QLatin1Char(' '));
    connect(process, &QProcess::errorOccurred, this,
            [this, process, resource, program](QProcess::ProcessError error) {
                if (error != QProcess::FailedToStart)
                    return; // finished() follows
                process->deleteLater();
                finish(resource,
                       makeError(ErrorKind::Config,
                                 QStringLiteral("cannot run %1: %2").arg(program, process->errorString()),
                                 QStringLiteral("install the Azure CLI, or choose another credential")));
            });
    connect(
        process, &QProcess::finished, this,
        [this, process, timer, resource](int exitCode, QProcess::ExitStatus status) {
            process->deleteLater();
            if (status != QProcess::NormalExit || exitCode != 0) {
                const QString why = QString::fromUtf8(process->readAllStandardError())
                                        .trimmed()
                                        .section(QLatin1Char('\n'), 0, 0);
                const bool timedOut = !timer->isActive() && status != QProcess::NormalExit;
                finish(resource,
                       makeError(timedOut ? ErrorKind::Timeout : ErrorKind::Unauthorized,
                                 QStringLiteral("the Azure CLI gave no token for %1: %2")
                                     .arg(resource,
                                          why.isEmpty() ? QStringLiteral("exit code %1").arg(exitCode) : why),
                                 QStringLiteral("run `az login` (and `az account set`) in a terminal")));
                return;
            }
            finish(resource, AzureCliToken::parse(process->readAllStandardOutput(), resource));
        });
    timer->start(AzureCliTimeoutMs);
    process->start(program, arguments);
}

void EntraCredential::finish(const QString &resource, Result<AccessToken> result)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (result) {
        const qint64 lifetime = now.secsTo(result->expiresOn);
        const qint64 renewIn = std::max(lifetime - RefreshMarginSeconds, lifetime / 2);
        m_cache.insert(resource, Cached { *result, now.addSecs(renewIn) });
        const QString principal = principalOf(result->value);
        qCInfo(lcAzure).noquote() << "token for" << resource << "obtained for"
                                  << (principal.isEmpty() ? QStringLiteral("?") : principal) << "expires"
                                  << result->expiresOn.toString(Qt::ISODate);
        Q_EMIT tokenAcquired(resource, principal, result->expiresOn);
    } else {
        qCWarning(lcAzure).noquote() << toString(result.error());
        // A renewal that failed early: the old token still works for a while.
        const auto cached = m_cache.constFind(resource);
        if (cached != m_cache.constEnd() && now.secsTo(cached->token.expiresOn) > StillUsableSeconds)
            result = cached->token;
        else
            m_cache.remove(resource);
    }
    const QList<Waiter> waiters = m_waiting.take(resource);
    for (const Waiter &waiter : waiters) {
        if (!waiter.context)
            continue;
        QMetaObject::invokeMethod(
            waiter.context.data(), [done = waiter.done, result] { done(result); }, Qt::QueuedConnection);
    }
}

} // namespace Opsdeck
