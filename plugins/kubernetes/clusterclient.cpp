#include "clusterclient.h"

#include "backoff.h"
#include "bodydecoder.h"
#include "responseparser.h"

#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>

using namespace Opsdeck;

ClusterClient::ClusterClient(const ClusterConnection &connection, QObject *parent)
    : QObject(parent)
    , m_connection(connection)
{
}

Result<ClusterClient *> ClusterClient::create(const ClusterConnection &connection, QObject *parent)
{
    auto ssl = connection.sslConfiguration();
    if (!ssl)
        return tl::unexpected(ssl.error());
    auto *client = new ClusterClient(connection, parent);
    client->m_ssl = *ssl;
    if (!connection.token.isEmpty())
        client->m_authorization = "Bearer " + connection.token.toUtf8();
    else if (!connection.username.isEmpty())
        client->m_authorization =
            "Basic " + (connection.username + u':' + connection.password).toUtf8().toBase64();
    if (connection.exec)
        client->m_exec = new ExecCredentialProvider(connection, client);
    if (client->m_exec)
        connect(client->m_exec, &ExecCredentialProvider::credentialReady, client, &ClusterClient::onCredential);
    return client;
}

QString ClusterClient::where() const
{
    return QStringLiteral("context '%1' (%2)").arg(m_connection.contextName, m_connection.server.toString());
}

QNetworkAccessManager *ClusterClient::createManager(QObject *parent) const
{
    auto *manager = new QNetworkAccessManager(parent);
    if (const auto proxy = m_connection.networkProxy())
        manager->setProxy(*proxy);
    // Redirects from an API server are not expected; never follow one to another host with our token.
    manager->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    return manager;
}

QNetworkRequest ClusterClient::request(const QString &path, const QUrlQuery &query) const
{
    QUrl url = m_connection.server;
    // A server URL may carry a path prefix (e.g. a proxy's /k8s/clusters/c-1).
    QString base = url.path();
    if (base.endsWith(u'/'))
        base.chop(1);
    url.setPath(base + path);
    url.setQuery(query);
    QNetworkRequest request(url);
    request.setSslConfiguration(m_ssl);
    if (!m_connection.tlsServerName.isEmpty())
        request.setPeerVerifyName(m_connection.tlsServerName);
    request.setRawHeader("Accept", "application/json");
    // gzip only, as kubectl asks: Qt's own choice includes brotli, far slower for a server to produce.
    // Bodies are inflated by BodyDecoder (an explicit header turns Qt's decompression off).
    request.setRawHeader("Accept-Encoding", "gzip");
    request.setHeader(QNetworkRequest::UserAgentHeader, QStringLiteral("opsdeck/" OPSDECK_KUBERNETES_VERSION " (kubernetes source)"));
    if (!m_authorization.isEmpty())
        request.setRawHeader("Authorization", m_authorization);
    return request;
}

Result<QByteArray> ClusterClient::readBody(QNetworkReply *reply)
{
    return BodyDecoder::decode(reply->rawHeader("Content-Encoding"), reply->readAll());
}

bool ClusterClient::hasCredentials() const
{
    return !m_exec || m_haveExecCredential;
}

void ClusterClient::fetchCredentials()
{
    if (!m_exec) {
        Q_EMIT credentialsReady();
        return;
    }
    m_exec->requestCredential();
}

bool ClusterClient::canRenewCredentials() const
{
    return m_exec || !m_connection.tokenFile.isEmpty();
}

void ClusterClient::renewCredentials()
{
    if (m_exec) {
        m_exec->invalidate();
        m_haveExecCredential = false;
        m_exec->requestCredential();
        return;
    }
    if (!m_connection.tokenFile.isEmpty()) {
        // kubectl re-reads a token file (rotated service account tokens).
        QFile file(m_connection.tokenFile);
        if (!file.open(QIODevice::ReadOnly)) {
            Q_EMIT credentialsFailed(Error{ErrorKind::Config,
                                           QStringLiteral("%1: cannot read token file %2: %3")
                                               .arg(where(), m_connection.tokenFile, file.errorString()),
                                           QStringLiteral("Check the kubeconfig's tokenFile."), std::nullopt});
            return;
        }
        m_connection.token = QString::fromUtf8(file.readAll().trimmed());
        m_authorization = "Bearer " + m_connection.token.toUtf8();
    }
    Q_EMIT credentialsReady();
}

void ClusterClient::onCredential(const Result<ExecCredential> &result)
{
    if (!result) {
        Q_EMIT credentialsFailed(result.error());
        return;
    }
    if (!result->token.isEmpty())
        m_authorization = "Bearer " + result->token.toUtf8();
    if (!result->clientCertificatePem.isEmpty()) {
        ClusterConnection withCertificate = m_connection;
        withCertificate.clientCertificatePem = result->clientCertificatePem;
        withCertificate.clientKeyPem = result->clientKeyPem;
        auto ssl = withCertificate.sslConfiguration();
        if (!ssl) {
            Q_EMIT credentialsFailed(ssl.error());
            return;
        }
        m_ssl = *ssl;
    }
    m_haveExecCredential = true;
    Q_EMIT credentialsReady();
}

Error ClusterClient::failure(QNetworkReply *reply, QByteArray &body, ResponseParser &parser, const QString &what) const
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    Error error;
    if (status == 0) {
        // No HTTP answer at all: connection, TLS or timeout.
        const auto code = reply->error();
        error.kind = code == QNetworkReply::TimeoutError || code == QNetworkReply::OperationCanceledError
                         ? ErrorKind::Timeout
                         : ErrorKind::Network;
        error.message = QStringLiteral("%1: %2 failed: %3").arg(where(), what, reply->errorString());
        if (code == QNetworkReply::SslHandshakeFailedError)
            error.hint = QStringLiteral("The server's certificate is not trusted by the kubeconfig's "
                                        "certificate authority; check certificate-authority(-data).");
        else
            error.hint = QStringLiteral("Check that the API server is reachable; Opsdeck keeps retrying.");
        return error;
    }
    const auto apiStatus = parser.parseStatus(body);
    const QString detail = apiStatus && !apiStatus->message.isEmpty()
                               ? apiStatus->message
                               : reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
    error.message = QStringLiteral("%1: %2 failed: HTTP %3 %4").arg(where(), what).arg(status).arg(detail);
    error.retryAfter = Backoff::parseRetryAfter(reply->rawHeader("Retry-After"));
    if (!error.retryAfter && apiStatus && apiStatus->retryAfterSeconds)
        error.retryAfter = std::chrono::seconds(*apiStatus->retryAfterSeconds);
    switch (status) {
    case 401:
        error.kind = ErrorKind::Unauthorized;
        error.hint = QStringLiteral("The credentials of user '%1' were refused; log in again or renew the "
                                    "token in %2.")
                         .arg(m_connection.userName, m_connection.userOrigin.isEmpty() ? m_connection.kubeconfigFile
                                                                                        : m_connection.userOrigin);
        break;
    case 403:
        error.kind = ErrorKind::Forbidden;
        error.hint = QStringLiteral("User '%1' lacks RBAC permission for this; ask for list and watch "
                                    "access.")
                         .arg(m_connection.userName);
        break;
    case 404:
        error.kind = ErrorKind::NotFound;
        error.hint = QStringLiteral("The API server does not serve this resource.");
        break;
    case 409:
        error.kind = ErrorKind::Conflict;
        break;
    case 410:
        error.kind = ErrorKind::Gone;
        break;
    case 429:
        error.kind = ErrorKind::Throttled;
        error.hint = QStringLiteral("The API server is throttling requests; Opsdeck backs off.");
        break;
    default:
        error.kind = status >= 500 ? ErrorKind::Network : ErrorKind::Invalid;
        if (status >= 500)
            error.hint = QStringLiteral("The API server reported a failure; Opsdeck keeps retrying.");
        break;
    }
    return error;
}
