#pragma once

// Runs a kubeconfig user's exec credential plugin (client.authentication.k8s.io/v1 or v1beta1, as
// kubelogin or aws-iam-authenticator) without blocking, and caches its credential until it expires
// or invalidate() is called after a 401 (API-CONTRACTS §1 "kubeconfig").

#include "clusterconnection.h"
#include "error.h"

#include <QByteArray>
#include <QDateTime>
#include <QMetaType>
#include <QObject>
#include <QPointer>
#include <QString>

#include <chrono>
#include <optional>

class QProcess;
class QTimer;

namespace Opsdeck {

struct ExecCredential
{
    QString token;
    QByteArray clientCertificatePem; // PEM text as the plugin printed it
    QByteArray clientKeyPem;
    std::optional<QDateTime> expiration; // none: valid until invalidate()

    bool isExpired(const QDateTime &now) const { return expiration && now >= *expiration; }
    friend bool operator==(const ExecCredential &, const ExecCredential &) = default;
};

class ExecCredentialProvider : public QObject
{
    Q_OBJECT
public:
    // connection.exec must be set; the rest of it names the user and file in messages and is passed
    // to the plugin when exec.provideClusterInfo is true.
    explicit ExecCredentialProvider(ClusterConnection connection, QObject *parent = nullptr);
    ~ExecCredentialProvider() override;

    // Answers with credentialReady, always from the event loop (never re-entrantly): once per call
    // when the cache holds an unexpired credential, else once when the plugin run ends. Calls made while
    // the plugin runs share that run and its one signal.
    void requestCredential();
    // The cached credential if it has not expired.
    std::optional<ExecCredential> cachedCredential() const;
    // Drops the cached credential (the server answered 401), so the next request runs the plugin.
    void invalidate();
    bool isRunning() const { return m_running; }

    // A plugin that has not finished by then is killed and reported as Error{Timeout}.
    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }

    // The KUBERNETES_EXEC_INFO document passed to the plugin.
    QByteArray execInfo() const;

Q_SIGNALS:
    void credentialReady(const Opsdeck::Result<Opsdeck::ExecCredential> &result);

private:
    void start();
    void finish(const Result<ExecCredential> &result);
    Result<ExecCredential> parseOutput(const QByteArray &stdoutData) const;
    QString where() const;

    ClusterConnection m_connection;
    std::optional<ExecCredential> m_cached;
    QProcess *m_process = nullptr;
    QTimer *m_timer = nullptr;
    bool m_running = false; // a run (or its queued failure) will answer pending requests
    std::chrono::milliseconds m_timeout = std::chrono::minutes(2);
};

} // namespace Opsdeck

Q_DECLARE_METATYPE(Opsdeck::ExecCredential)
