#include "clusterconnection.h"

#include <QSslCertificate>
#include <QSslSocket>

namespace Opsdeck {

// PKCS#1 and SEC1 name their algorithm in the PEM label; PKCS#8 ("PRIVATE KEY") does not, so try each.
QSslKey ClusterConnection::parsePrivateKey(const QByteArray &pem)
{
    QList<QSsl::KeyAlgorithm> candidates;
    if (pem.contains("BEGIN RSA PRIVATE KEY"))
        candidates = {QSsl::Rsa};
    else if (pem.contains("BEGIN EC PRIVATE KEY"))
        candidates = {QSsl::Ec};
    else if (pem.contains("BEGIN DSA PRIVATE KEY"))
        candidates = {QSsl::Dsa};
    else if (pem.contains("BEGIN PRIVATE KEY"))
        candidates = {QSsl::Rsa, QSsl::Ec, QSsl::Dsa};
    for (QSsl::KeyAlgorithm algorithm : std::as_const(candidates)) {
        QSslKey key(pem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull())
            return key;
    }
    return {};
}

Result<QSslConfiguration> ClusterConnection::sslConfiguration() const
{
    const QString where = QStringLiteral("kubeconfig %1: context '%2'").arg(kubeconfigFile, contextName);
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    if (!caPem.isEmpty()) {
        const QList<QSslCertificate> roots = QSslCertificate::fromData(caPem, QSsl::Pem);
        if (roots.isEmpty())
            return makeError(ErrorKind::Config,
                             QStringLiteral("%1: cluster '%2' has a certificate authority that is not a PEM "
                                            "certificate")
                                 .arg(where, clusterName));
        // Replacing the list also stops Qt from loading system roots on demand: only this CA is trusted.
        config.setCaCertificates(roots);
    }
    if (!clientCertificatePem.isEmpty() || !clientKeyPem.isEmpty()) {
        const QList<QSslCertificate> chain = QSslCertificate::fromData(clientCertificatePem, QSsl::Pem);
        if (chain.isEmpty())
            return makeError(ErrorKind::Config,
                             QStringLiteral("%1: user '%2' has a client certificate that is not a PEM "
                                            "certificate")
                                 .arg(where, userName));
        const QSslKey key = parsePrivateKey(clientKeyPem);
        if (key.isNull())
            return makeError(ErrorKind::Config,
                             QStringLiteral("%1: user '%2' has a client key that is not an unencrypted PEM "
                                            "private key")
                                 .arg(where, userName));
        config.setLocalCertificateChain(chain);
        config.setPrivateKey(key);
    }
    config.setPeerVerifyMode(insecureSkipTlsVerify ? QSslSocket::VerifyNone : QSslSocket::VerifyPeer);
    return config;
}

std::optional<QNetworkProxy> ClusterConnection::networkProxy() const
{
    if (proxyUrl.isEmpty())
        return std::nullopt;
    const QString scheme = proxyUrl.scheme();
    // Qt speaks to https proxies only through CONNECT over plain HTTP; socks5h resolves names remotely.
    const QNetworkProxy::ProxyType type =
        scheme.startsWith(u"socks5") ? QNetworkProxy::Socks5Proxy : QNetworkProxy::HttpProxy;
    const int defaultPort = type == QNetworkProxy::Socks5Proxy ? 1080 : (scheme == u"https" ? 443 : 80);
    QNetworkProxy proxy(type, proxyUrl.host(), quint16(proxyUrl.port(defaultPort)), proxyUrl.userName(),
                        proxyUrl.password());
    return proxy;
}

Result<void> ClusterConnection::prepare(QNetworkRequest &request, const QString &token, const QByteArray &certPem,
                                       const QByteArray &keyPem) const
{
    if (request.url().scheme() == QLatin1String("https")) {
        ClusterConnection withCredential = *this;
        withCredential.clientCertificatePem = certPem;
        withCredential.clientKeyPem = keyPem;
        const Result<QSslConfiguration> ssl = withCredential.sslConfiguration();
        if (!ssl)
            return tl::unexpected(ssl.error());
        request.setSslConfiguration(*ssl);
        if (!tlsServerName.isEmpty())
            request.setPeerVerifyName(tlsServerName);
    }
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    else if (!username.isEmpty())
        request.setRawHeader("Authorization", "Basic " + (username + QLatin1Char(':') + password).toUtf8().toBase64());
    return {};
}

} // namespace Opsdeck
