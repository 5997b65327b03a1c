#include "azuresession.h"

#include "azurelogging.h"
#include "entracredential.h"
#include "refreshtokenledger.h"
#include "secretstore.h"

namespace Opsdeck {

AzureSession::AzureSession(QObject *parent, SecretStore *secrets)
    : QObject(parent)
    , m_secrets(secrets ? secrets : new SecretStore(this))
{
    connect(m_secrets, &SecretStore::persistenceChanged, this, &AzureSession::changed);
    // Sources' credentials rotate the signed-in user's refresh token on their threads: keep the newest.
    connect(&RefreshTokenLedger::instance(), &RefreshTokenLedger::rotated, this,
            [this](const QString &key, const QString &token) {
                if (m_config.credential == u"refreshToken"
                    && key == RefreshTokenLedger::keyFor(m_config.tenantId, m_config.clientId))
                    storeRefreshToken(token);
            });
}

AzureSession::~AzureSession() = default;

void AzureSession::load(const QString &path)
{
    m_path = path;
    auto config = AzureConfig::load(path);
    if (!config) {
        ++m_generation;
        setFailed(config.error());
        return;
    }
    setConfig(*config);
}

void AzureSession::setConfig(const AzureConfig &config)
{
    ++m_generation;
    m_config = config;
    m_state = State::Loading;
    m_error.reset();
    m_principal.clear();
    m_expiresOn = {};
    m_signInError.reset();
    Q_EMIT changed();
    fillSecret();
}

QString AzureSession::methodDescription() const
{
    if (m_config.credential == u"azureCli")
        return tr("Azure CLI (az account get-access-token)");
    if (m_config.credential == u"refreshToken")
        return tr("signed-in user (device code sign-in), client %1").arg(m_config.clientId);
    return tr("client secret of service principal %1").arg(m_config.clientId);
}

void AzureSession::fillSecret()
{
    // A secret in the file (the sim's) is used as given; otherwise the keychain holds it.
    QString name;
    if (m_config.credential == u"clientSecret" && m_config.clientSecret.isEmpty())
        name = QStringLiteral("clientSecret");
    else if (m_config.credential == u"refreshToken" && m_config.refreshToken.isEmpty())
        name = QStringLiteral("refreshToken");
    if (name.isEmpty()) {
        becomeReady();
        return;
    }
    const int generation = m_generation;
    m_secrets->read(
        SecretStore::azureKey(m_config.tenantId, m_config.clientId, name), this,
        [this, generation, name](Result<QString> secret) {
            if (generation != m_generation)
                return;
            if (secret) {
                (name == u"clientSecret" ? m_config.clientSecret : m_config.refreshToken) = *secret;
            } else {
                // Not fatal: the sources start and say what is missing; the sign-in area offers a way.
                m_signInError = Error { ErrorKind::Unauthorized,
                                        name == u"clientSecret"
                                            ? tr("no client secret for service principal %1 in the keychain")
                                                  .arg(m_config.clientId)
                                            : tr("nobody is signed in to tenant %1").arg(m_config.tenantId),
                                        tr("sign in with a device code (Azure sign-in…)"), std::nullopt };
                qCInfo(lcAzure).noquote() << m_signInError->message << "-" << toString(secret.error());
            }
            becomeReady();
        });
}

void AzureSession::becomeReady()
{
    m_state = State::Ready;
    delete m_credential;
    m_credential = new EntraCredential(m_config, this);
    Q_EMIT ready(m_config);
    Q_EMIT changed();
    if (!m_signInError)
        verify();
}

void AzureSession::verify()
{
    if (m_state != State::Ready || !m_credential)
        return;
    const int generation = m_generation;
    m_credential->requestToken(checkResource(), this, [this, generation](Result<AccessToken> token) {
        if (generation != m_generation)
            return;
        if (token) {
            m_principal = EntraCredential::principalOf(token->value);
            m_expiresOn = token->expiresOn;
            m_signInError.reset();
        } else {
            m_principal.clear();
            m_expiresOn = {};
            m_signInError = token.error();
        }
        Q_EMIT changed();
    });
}

void AzureSession::setFailed(const Error &error)
{
    m_state = State::Failed;
    m_error = error;
    qCWarning(lcAzure).noquote() << toString(error);
    Q_EMIT failed(error);
    Q_EMIT changed();
}

void AzureSession::setSourceMethod(const QString &sourceId, const QString &method)
{
    m_sourceMethods.insert(sourceId, method);
    Q_EMIT changed();
}

DeviceCodeFlow *AzureSession::startDeviceCodeSignIn()
{
    if (m_flow) {
        m_flow->cancel();
        m_flow->deleteLater();
    }
    AzureConfig config = m_config;
    if (config.clientId.isEmpty())
        config.clientId = AzureConfig::azureCliClientId();
    m_flow = new DeviceCodeFlow(config, this);
    DeviceCodeFlow *flow = m_flow;
    connect(flow, &DeviceCodeFlow::signedIn, this, [this, flow](const DeviceCodeFlow::SignIn &result) {
        adoptSignIn(result);
        flow->deleteLater();
    });
    connect(flow, &DeviceCodeFlow::failed, flow, &QObject::deleteLater);
    connect(flow, &DeviceCodeFlow::cancelled, flow, &QObject::deleteLater);
    flow->start(checkResource());
    return flow;
}

void AzureSession::adoptSignIn(const DeviceCodeFlow::SignIn &result)
{
    AzureConfig config = m_config;
    config.credential = QStringLiteral("refreshToken");
    config.clientId = result.clientId;
    config.refreshToken = result.refreshToken;
    config.clientSecret.clear(); // the user's identity from now on
    RefreshTokenLedger::instance().set(RefreshTokenLedger::keyFor(config.tenantId, config.clientId),
                                       result.refreshToken);
    useConfig(config);
    storeRefreshToken(result.refreshToken);
    m_principal = result.principal;
    m_expiresOn = result.accessToken.expiresOn;
    Q_EMIT credentialChanged(m_config);
    Q_EMIT changed();
}

void AzureSession::storeClientSecret(const QString &secret)
{
    AzureConfig config = m_config;
    config.credential = QStringLiteral("clientSecret");
    config.clientSecret = secret;
    config.refreshToken.clear();
    useConfig(config);
    m_secrets->write(
        SecretStore::azureKey(m_config.tenantId, m_config.clientId, QStringLiteral("clientSecret")), secret,
        this, [this](Result<> written) {
            if (!written)
                qCWarning(lcAzure).noquote()
                    << "the client secret was not stored:" << toString(written.error());
            Q_EMIT changed();
        });
    Q_EMIT credentialChanged(m_config);
    verify();
}

void AzureSession::useConfig(const AzureConfig &config)
{
    ++m_generation;
    m_config = config;
    m_principal.clear();
    m_expiresOn = {};
    m_signInError.reset();
    m_state = State::Ready;
    delete m_credential;
    m_credential = new EntraCredential(m_config, this);
    for (auto it = m_sourceMethods.begin(); it != m_sourceMethods.end(); ++it)
        it.value() = methodDescription();
}

void AzureSession::storeRefreshToken(const QString &refreshToken)
{
    m_config.refreshToken = refreshToken;
    m_secrets->write(
        SecretStore::azureKey(m_config.tenantId, m_config.clientId, QStringLiteral("refreshToken")),
        refreshToken, this, [this](Result<> written) {
            if (!written)
                qCWarning(lcAzure).noquote()
                    << "the refresh token was not stored:" << toString(written.error());
            Q_EMIT changed();
        });
}

} // namespace Opsdeck
