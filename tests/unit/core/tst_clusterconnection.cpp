// ClusterConnection::sslConfiguration in a real TLS handshake against a QSslServer using the test PKI
// (fixtures/kubeconfig/certs): the kubeconfig's CA is what makes the server trusted, the client
// certificate is what the server sees, and insecure-skip-tls-verify really skips verification.

#include "clusterconnection.h"
#include "kubeconfigloader.h"

#include <QFile>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslServer>
#include <QSslSocket>
#include <QTest>

#include <memory>

using namespace Opsdeck;
using namespace Qt::StringLiterals;

namespace {

QByteArray readFixture(const QString &relative)
{
    QFile file(QStringLiteral(OPSDECK_KUBECONFIG_FIXTURES) + u'/' + relative);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(relative));
    return file.readAll();
}

ClusterConnection resolveOrFail(const QString &context)
{
    const Result<Kubeconfig> config =
        KubeconfigLoader::load(QStringLiteral(OPSDECK_KUBECONFIG_FIXTURES "/auth.yaml"), {}, {});
    if (!config)
        qFatal("%s", qPrintable(config.error().message));
    const Result<ClusterConnection> conn = config->resolve(context);
    if (!conn)
        qFatal("%s", qPrintable(conn.error().message));
    return *conn;
}

} // namespace

class tst_ClusterConnection : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void handshakeWithKubeconfigCaAndClientCertificate();
    void tlsServerNameIsVerified();
    void untrustedWithoutTheKubeconfigCa();
    void insecureSkipsVerification();
    void brokenPemIsAConfigError();
    void socksProxy();

private:
    // Connects a client socket with the given configuration; true when both ends finished the handshake.
    bool handshake(const QSslConfiguration &client, const QString &verifyName);

    std::unique_ptr<QSslServer> m_server;
    std::unique_ptr<QSslSocket> m_client;
    QSslCertificate m_peerSeenByServer;
};

void tst_ClusterConnection::init()
{
    QVERIFY(QSslSocket::supportsSsl());
    m_server = std::make_unique<QSslServer>();
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setLocalCertificate(QSslCertificate(readFixture(u"certs/server.crt"_s)));
    config.setPrivateKey(ClusterConnection::parsePrivateKey(readFixture(u"certs/server.key"_s)));
    config.setCaCertificates(QSslCertificate::fromData(readFixture(u"certs/ca.crt"_s)));
    config.setPeerVerifyMode(QSslSocket::QueryPeer); // ask for a client certificate, as an API server does
    m_server->setSslConfiguration(config);
    m_peerSeenByServer = QSslCertificate();
    connect(m_server.get(), &QSslServer::pendingConnectionAvailable, this, [this] {
        while (QTcpSocket *socket = m_server->nextPendingConnection())
            m_peerSeenByServer = static_cast<QSslSocket *>(socket)->peerCertificate();
    });
    QVERIFY(m_server->listen(QHostAddress::LocalHost));
}

void tst_ClusterConnection::cleanup()
{
    m_client.reset();
    m_server.reset();
}

bool tst_ClusterConnection::handshake(const QSslConfiguration &client, const QString &verifyName)
{
    // Kept open after the call: with TLS 1.3 the server reads the client certificate after the client
    // has already reported success.
    m_client = std::make_unique<QSslSocket>();
    QSslSocket &socket = *m_client;
    socket.setSslConfiguration(client);
    socket.setPeerVerifyName(verifyName);
    QSignalSpy encrypted(&socket, &QSslSocket::encrypted);
    QSignalSpy failed(&socket, &QSslSocket::errorOccurred);
    socket.connectToHostEncrypted(u"127.0.0.1"_s, m_server->serverPort());
    if (!QTest::qWaitFor([&] { return encrypted.count() + failed.count() > 0; }, 10000))
        qFatal("TLS handshake neither succeeded nor failed within 10 s");
    return !encrypted.isEmpty();
}

void tst_ClusterConnection::handshakeWithKubeconfigCaAndClientCertificate()
{
    const ClusterConnection conn = resolveOrFail(u"cert"_s);
    const Result<QSslConfiguration> ssl = conn.sslConfiguration();
    QVERIFY2(ssl, qPrintable(ssl ? QString() : ssl.error().message));
    QVERIFY(handshake(*ssl, u"localhost"_s));
    QTRY_VERIFY_WITH_TIMEOUT(!m_peerSeenByServer.isNull(), 5000);
    QCOMPARE(m_peerSeenByServer.subjectInfo(QSslCertificate::CommonName), QStringList{u"jane"_s});
}

void tst_ClusterConnection::tlsServerNameIsVerified()
{
    const ClusterConnection conn = resolveOrFail(u"cert"_s);
    QCOMPARE(conn.tlsServerName, u"kubernetes.default.svc"_s); // in the server certificate's SANs
    QVERIFY(handshake(*conn.sslConfiguration(), conn.tlsServerName));
    QVERIFY(!handshake(*conn.sslConfiguration(), u"somewhere.else.example"_s));
}

void tst_ClusterConnection::untrustedWithoutTheKubeconfigCa()
{
    // The system roots do not know the test CA: the kubeconfig's CA is what makes the server trusted.
    QSslConfiguration system = QSslConfiguration::defaultConfiguration();
    system.setPeerVerifyMode(QSslSocket::VerifyPeer);
    QVERIFY(!handshake(system, u"localhost"_s));

    // And a kubeconfig CA that did not sign the server is not trusted either.
    ClusterConnection other = resolveOrFail(u"cert"_s);
    other.caPem = readFixture(u"certs/client.crt"_s); // a certificate, but not the server's issuer
    QVERIFY(!handshake(*other.sslConfiguration(), u"localhost"_s));
}

void tst_ClusterConnection::insecureSkipsVerification()
{
    const ClusterConnection conn = resolveOrFail(u"insecure"_s);
    QVERIFY(conn.caPem.isEmpty());
    const Result<QSslConfiguration> ssl = conn.sslConfiguration();
    QVERIFY(ssl);
    QCOMPARE(ssl->peerVerifyMode(), QSslSocket::VerifyNone);
    QVERIFY(handshake(*ssl, u"wrong.name.example"_s));
}

void tst_ClusterConnection::brokenPemIsAConfigError()
{
    ClusterConnection conn = resolveOrFail(u"cert"_s);
    conn.clientKeyPem = "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n";
    const Result<QSslConfiguration> ssl = conn.sslConfiguration();
    QVERIFY(!ssl);
    QVERIFY(ssl.error().kind == ErrorKind::Config);
    QVERIFY2(ssl.error().message.contains(u"user 'cert-user'"_s), qPrintable(ssl.error().message));
    QVERIFY(ssl.error().message.contains(u"context 'cert'"_s));
}

void tst_ClusterConnection::socksProxy()
{
    ClusterConnection conn;
    conn.proxyUrl = QUrl(u"socks5://bastion.example:1081"_s);
    const auto proxy = conn.networkProxy();
    QVERIFY(proxy);
    QCOMPARE(proxy->type(), QNetworkProxy::Socks5Proxy);
    QCOMPARE(proxy->hostName(), u"bastion.example"_s);
    QCOMPARE(proxy->port(), quint16(1081));
}

QTEST_GUILESS_MAIN(tst_ClusterConnection)
#include "tst_clusterconnection.moc"
