#pragma once

// Asks one Kubernetes API server who it is: GET /version with the kubeconfig context's TLS material
// and credentials (token, basic auth, client certificate or exec plugin). Asynchronous; answers once
// with versionReceived or failed. Used to show the connection before any plugin has synced.

#include "clusterconnection.h"
#include "error.h"

#include <QMetaType>
#include <QObject>
#include <QPointer>
#include <QString>

#include <chrono>

class QNetworkAccessManager;
class QNetworkReply;

namespace Opsdeck {

class ExecCredentialProvider;
struct ExecCredential;

struct ClusterVersion
{
    QString gitVersion; // "v1.31.2"
    QString major;
    QString minor;
    QString platform;   // "linux/amd64"

    friend bool operator==(const ClusterVersion &, const ClusterVersion &) = default;
};

class ClusterProbe : public QObject
{
    Q_OBJECT

public:
    explicit ClusterProbe(ClusterConnection connection, QObject *parent = nullptr);
    ~ClusterProbe() override;

    const ClusterConnection &connection() const { return m_connection; }
    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }

    // Starts the request; a probe can be started again after it answered.
    void start();

Q_SIGNALS:
    void versionReceived(const Opsdeck::ClusterVersion &version);
    void failed(const Opsdeck::Error &error);

private:
    void send(const QString &token, const QByteArray &certPem, const QByteArray &keyPem);
    void onFinished(QNetworkReply *reply);
    void fail(Error error);

    ClusterConnection m_connection;
    QNetworkAccessManager *m_network = nullptr;
    ExecCredentialProvider *m_exec = nullptr;
    QPointer<QNetworkReply> m_reply;
    std::chrono::milliseconds m_timeout = std::chrono::seconds(15);
};

} // namespace Opsdeck

Q_DECLARE_METATYPE(Opsdeck::ClusterVersion)
