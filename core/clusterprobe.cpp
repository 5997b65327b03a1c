#include "clusterprobe.h"

#include "execcredentialprovider.h"
#include "logging.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslCertificate>
#include <QSslKey>

namespace Opsdeck {

ClusterProbe::ClusterProbe(ClusterConnection connection, QObject *parent)
    : QObject(parent)
    , m_connection(std::move(connection))
    , m_network(new QNetworkAccessManager(this))
{
    qRegisterMetaType<ClusterVersion>();
    qRegisterMetaType<Error>();
    if (m_connection.exec) {
        m_exec = new ExecCredentialProvider(m_connection, this);
        connect(m_exec, &ExecCredentialProvider::credentialReady, this, [this](const Result<ExecCredential> &credential) {
            if (!credential) {
                fail(credential.error());
                return;
            }
            const QByteArray cert = credential->clientCertificatePem.isEmpty() ? m_connection.clientCertificatePem
                                                                               : credential->clientCertificatePem;
            const QByteArray key = credential->clientKeyPem.isEmpty() ? m_connection.clientKeyPem : credential->clientKeyPem;
            send(credential->token.isEmpty() ? m_connection.token : credential->token, cert, key);
        });
    }
}

ClusterProbe::~ClusterProbe()
{
    if (m_reply)
        m_reply->abort();
}

void ClusterProbe::start()
{
    if (m_reply)
        return; // one request at a time
    if (!m_connection.server.isValid() || m_connection.server.scheme().isEmpty()) {
        // Reported from the event loop so callers can connect after start().
        QMetaObject::invokeMethod(this, [this] {
            fail(Error{ErrorKind::Config, QStringLiteral("context '%1': server URL '%2' is not valid").arg(m_connection.contextName, m_connection.server.toString()),
                       QStringLiteral("check clusters[].cluster.server in %1").arg(m_connection.kubeconfigFile), std::nullopt});
        }, Qt::QueuedConnection);
        return;
    }
    if (m_exec)
        m_exec->requestCredential();
    else
        send(m_connection.token, m_connection.clientCertificatePem, m_connection.clientKeyPem);
}

void ClusterProbe::send(const QString &token, const QByteArray &certPem, const QByteArray &keyPem)
{
    QUrl url = m_connection.server;
    QString path = url.path();
    if (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    url.setPath(path + QStringLiteral("/version"));

    QNetworkRequest request(url);
    request.setRawHeader("Accept", "application/json");
    request.setRawHeader("User-Agent", "opsdeck/" OPSDECK_VERSION);
    request.setTransferTimeout(static_cast<int>(m_timeout.count()));
    if (const Result<void> ready = m_connection.prepare(request, token, certPem, keyPem); !ready) {
        QMetaObject::invokeMethod(this, [this, error = ready.error()] { fail(error); }, Qt::QueuedConnection);
        return;
    }
    if (const std::optional<QNetworkProxy> proxy = m_connection.networkProxy())
        m_network->setProxy(*proxy);

    m_reply = m_network->get(request);
    QNetworkReply *reply = m_reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onFinished(reply); });
}

void ClusterProbe::onFinished(QNetworkReply *reply)
{
    reply->deleteLater();
    m_reply = nullptr;
    const QString where = QStringLiteral("context '%1' (%2)").arg(m_connection.contextName, m_connection.server.toString());
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();

    if (reply->error() != QNetworkReply::NoError && status == 0) {
        const bool timeout = reply->error() == QNetworkReply::OperationCanceledError
            || reply->error() == QNetworkReply::TimeoutError;
        const bool tls = reply->error() == QNetworkReply::SslHandshakeFailedError;
        fail(Error{timeout ? ErrorKind::Timeout : ErrorKind::Network,
                   QStringLiteral("%1: GET /version failed: %2").arg(where, reply->errorString()),
                   tls ? QStringLiteral("the server's certificate is not signed by the kubeconfig's CA")
                       : QStringLiteral("check that the API server is running and reachable"),
                   std::nullopt});
        return;
    }
    if (status != 200) {
        ErrorKind kind = ErrorKind::Network;
        QString hint;
        if (status == 401) {
            kind = ErrorKind::Unauthorized;
            hint = QStringLiteral("the credentials of user '%1' were not accepted").arg(m_connection.userName);
            if (m_exec)
                m_exec->invalidate();
        } else if (status == 403) {
            kind = ErrorKind::Forbidden;
            hint = QStringLiteral("user '%1' may not read /version").arg(m_connection.userName);
        } else if (status == 404) {
            kind = ErrorKind::NotFound;
            hint = QStringLiteral("the server URL does not point at a Kubernetes API server");
        }
        QString message = QJsonDocument::fromJson(body).object().value(QLatin1String("message")).toString();
        if (message.isEmpty())
            message = QString::fromUtf8(body.left(200)).simplified();
        fail(Error{kind, QStringLiteral("%1: GET /version answered HTTP %2 %3").arg(where).arg(status).arg(message), hint, std::nullopt});
        return;
    }
    QJsonParseError parseError;
    const QJsonDocument json = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !json.isObject()) {
        fail(Error{ErrorKind::Invalid, QStringLiteral("%1: /version is not JSON: %2").arg(where, parseError.errorString()),
                   QStringLiteral("the server URL does not point at a Kubernetes API server"), std::nullopt});
        return;
    }
    const QJsonObject object = json.object();
    ClusterVersion version;
    version.gitVersion = object.value(QLatin1String("gitVersion")).toString();
    version.major = object.value(QLatin1String("major")).toString();
    version.minor = object.value(QLatin1String("minor")).toString();
    version.platform = object.value(QLatin1String("platform")).toString();
    if (version.gitVersion.isEmpty()) {
        fail(Error{ErrorKind::Invalid, QStringLiteral("%1: /version has no gitVersion").arg(where),
                   QStringLiteral("the server URL does not point at a Kubernetes API server"), std::nullopt});
        return;
    }
    Q_EMIT versionReceived(version);
}

void ClusterProbe::fail(Error error)
{
    qCInfo(lcCore).noquote() << toString(error);
    Q_EMIT failed(error);
}

} // namespace Opsdeck
