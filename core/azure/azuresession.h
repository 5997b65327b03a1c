#pragma once

// The app's Azure sign-in state, between the config file, the keychain, the sources and the sign-in
// area: loads the config, fills in a secret the file does not hold (client secret or refresh token,
// from SecretStore), checks the sign-in with a token of its own (who, until when), records how each
// source authenticates, and adopts a device code sign-in (refresh token into the SecretStore, credential
// switched to refreshToken; credentialChanged tells the app to restart its Azure sources).

#include "accesstoken.h"
#include "azureconfig.h"
#include "devicecodeflow.h"
#include "error.h"

#include <QDateTime>
#include <QMap>
#include <QObject>
#include <QPointer>

#include <optional>

namespace Opsdeck {

class EntraCredential;
class SecretStore;

class AzureSession : public QObject
{
    Q_OBJECT

public:
    enum class State { None, Loading, Ready, Failed };

    // `secrets` may be shared (tests); null: the session makes its own for service "opsdeck".
    explicit AzureSession(QObject *parent = nullptr, SecretStore *secrets = nullptr);
    ~AzureSession() override;

    // Answers with ready or failed.
    void load(const QString &path);
    void setConfig(const AzureConfig &config);

    State state() const { return m_state; }
    const AzureConfig &config() const { return m_config; }
    QString configPath() const { return m_path; }
    std::optional<Error> error() const { return m_error; }
    SecretStore *secrets() const { return m_secrets; }

    // The sign-in check: whom the last token spoke for, until when, or why there is none.
    QString principal() const { return m_principal; }
    QDateTime tokenExpiresOn() const { return m_expiresOn; }
    std::optional<Error> signInError() const { return m_signInError; }
    // "client secret of service principal …", "Azure CLI", "signed-in user (device code) …"
    QString methodDescription() const;
    // Asks for a token now (after load and after a sign-in); changed() follows.
    void verify();

    // Source id → how it authenticates, for the sign-in area.
    void setSourceMethod(const QString &sourceId, const QString &method);
    QMap<QString, QString> sourceMethods() const { return m_sourceMethods; }

    // A device code sign-in to the config's tenant and client, started; the session adopts its result.
    // The flow belongs to the session and is deleted after it ends (or with the next one).
    DeviceCodeFlow *startDeviceCodeSignIn();
    // A client secret the person typed: kept in the SecretStore, used from now on (credentialChanged).
    void storeClientSecret(const QString &secret);
    // A device code sign-in finished: keep its refresh token (keychain or memory) and use it.
    void adoptSignIn(const DeviceCodeFlow::SignIn &result);

    // The resource the session's own check asks a token for.
    static QString checkResource() { return QStringLiteral("https://management.azure.com"); }

Q_SIGNALS:
    void ready(const Opsdeck::AzureConfig &config);
    void failed(const Opsdeck::Error &error);
    void credentialChanged(const Opsdeck::AzureConfig &config);
    void changed(); // anything the sign-in area shows

private:
    void fillSecret();
    void becomeReady();
    void setFailed(const Error &error);
    void storeRefreshToken(const QString &refreshToken);
    void useConfig(const AzureConfig &config);

    SecretStore *m_secrets = nullptr;
    EntraCredential *m_credential = nullptr;
    AzureConfig m_config;
    QString m_path;
    State m_state = State::None;
    std::optional<Error> m_error;
    QString m_principal;
    QDateTime m_expiresOn;
    std::optional<Error> m_signInError;
    QMap<QString, QString> m_sourceMethods;
    int m_generation = 0; // answers for an older config are dropped
    QPointer<DeviceCodeFlow> m_flow;
};

} // namespace Opsdeck
