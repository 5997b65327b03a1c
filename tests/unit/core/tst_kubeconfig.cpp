// KubeconfigLoader and Kubeconfig::resolve against hand-written kubeconfigs (fixtures/kubeconfig),
// following client-go's clientcmd rules: merge (first wins), relative paths, every way to authenticate,
// and a message naming file and entry for every mistake.

#include "clusterconnection.h"
#include "kubeconfig.h"
#include "kubeconfigloader.h"

#include <QDir>
#include <QFile>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace Opsdeck;
using namespace Qt::StringLiterals;

namespace {

QString fixture(const QString &relative)
{
    return QDir::cleanPath(QStringLiteral(OPSDECK_KUBECONFIG_FIXTURES) + u'/' + relative);
}

QByteArray readFixture(const QString &relative)
{
    QFile file(fixture(relative));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(relative));
    return file.readAll();
}

Kubeconfig loadOrFail(const QString &explicitPath, const QString &env = {}, const QString &home = {})
{
    Result<Kubeconfig> config = KubeconfigLoader::load(explicitPath, env, home);
    if (!config)
        qFatal("load failed: %s", qPrintable(config.error().message));
    return *config;
}

} // namespace

class tst_Kubeconfig : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void tokenFromCurrentContext();
    void tokenFile();
    void clientCertificateFiles();
    void clientCertificateData();
    void basicAuth();
    void execPlugin();
    void insecureWarning();
    void anonymousPlainHttp();
    void otherContextByName();
    void contextNames();
    void mergeFirstWins_data();
    void mergeFirstWins();
    void relativePathsPerFile();
    void fileSelection_data();
    void fileSelection();
    void explicitPathOverridesEnvironment();
    void missingFilesAreSkipped();
    void explicitMissingFileIsAnError();
    void nothingFound();
    void readsKubeconfigVariable();
    void brokenFiles_data();
    void brokenFiles();
    void unknownContext();
    void garbageNeverCrashes_data();
    void garbageNeverCrashes();
};

void tst_Kubeconfig::tokenFromCurrentContext()
{
    const Kubeconfig config = loadOrFail(fixture(u"auth.yaml"_s));
    QCOMPARE(config.currentContext(), u"token"_s);
    QCOMPARE(config.files(), QStringList{fixture(u"auth.yaml"_s)});

    const Result<ClusterConnection> conn = config.resolve();
    QVERIFY2(conn, qPrintable(conn ? QString() : conn.error().message));
    QCOMPARE(conn->contextName, u"token"_s);
    QCOMPARE(conn->clusterName, u"prod-cluster"_s);
    QCOMPARE(conn->userName, u"token-user"_s);
    QCOMPARE(conn->kubeconfigFile, fixture(u"auth.yaml"_s));
    QCOMPARE(conn->server, QUrl(u"https://prod.example.com:6443"_s));
    QCOMPARE(conn->token, u"abc.def.ghi"_s);
    QCOMPARE(conn->namespaceName, u"payments"_s);
    QCOMPARE(conn->tlsServerName, u"kubernetes.default.svc"_s);
    // certificate-authority: certs/ca.crt, relative to auth.yaml's folder
    QCOMPARE(conn->caPem, readFixture(u"certs/ca.crt"_s));
    QVERIFY(!conn->insecureSkipTlsVerify);
    QVERIFY(conn->warning.isEmpty());
    QVERIFY(conn->clientCertificatePem.isEmpty());
    QVERIFY(!conn->exec);

    QCOMPARE(conn->proxyUrl, QUrl(u"http://proxy.corp.example:3128"_s));
    const auto proxy = conn->networkProxy();
    QVERIFY(proxy);
    QCOMPARE(proxy->type(), QNetworkProxy::HttpProxy);
    QCOMPARE(proxy->hostName(), u"proxy.corp.example"_s);
    QCOMPARE(proxy->port(), quint16(3128));

    const Result<QSslConfiguration> ssl = conn->sslConfiguration();
    QVERIFY(ssl);
    // The kubeconfig's CA is the only trusted root.
    QCOMPARE(ssl->caCertificates(), QSslCertificate::fromData(readFixture(u"certs/ca.crt"_s)));
    QCOMPARE(ssl->peerVerifyMode(), QSslSocket::VerifyPeer);
    QVERIFY(ssl->localCertificate().isNull());
}

void tst_Kubeconfig::tokenFile()
{
    const Result<ClusterConnection> conn = loadOrFail(fixture(u"auth.yaml"_s)).resolve(u"tokenfile"_s);
    QVERIFY2(conn, qPrintable(conn ? QString() : conn.error().message));
    QCOMPARE(conn->token, u"sa-token-from-file"_s); // trailing newline trimmed, as client-go does
    QCOMPARE(conn->tokenFile, fixture(u"secrets/token"_s));
    QCOMPARE(conn->namespaceName, u"default"_s);
    // certificate-authority-data is base64 of the PEM
    QCOMPARE(conn->caPem, readFixture(u"certs/ca.crt"_s));
    QCOMPARE(conn->server, QUrl(u"https://10.0.0.1"_s));
    QVERIFY(!conn->networkProxy());
}

void tst_Kubeconfig::clientCertificateFiles()
{
    const Result<ClusterConnection> conn = loadOrFail(fixture(u"auth.yaml"_s)).resolve(u"cert"_s);
    QVERIFY2(conn, qPrintable(conn ? QString() : conn.error().message));
    QCOMPARE(conn->userName, u"cert-user"_s);
    QCOMPARE(conn->namespaceName, u"checkout"_s);
    QCOMPARE(conn->clientCertificatePem, readFixture(u"certs/client.crt"_s));
    QCOMPARE(conn->clientKeyPem, readFixture(u"certs/client.key"_s));
    QVERIFY(conn->token.isEmpty());

    const Result<QSslConfiguration> ssl = conn->sslConfiguration();
    QVERIFY2(ssl, qPrintable(ssl ? QString() : ssl.error().message));
    QCOMPARE(ssl->localCertificate(), QSslCertificate::fromData(readFixture(u"certs/client.crt"_s)).value(0));
    QCOMPARE(ssl->localCertificate().subjectInfo(QSslCertificate::CommonName), QStringList{u"jane"_s});
    QVERIFY(!ssl->privateKey().isNull());
    QCOMPARE(ssl->privateKey().algorithm(), QSsl::Rsa);
    QCOMPARE(ssl->caCertificates().size(), 1);
}

void tst_Kubeconfig::clientCertificateData()
{
    const Result<ClusterConnection> conn = loadOrFail(fixture(u"auth.yaml"_s)).resolve(u"certdata"_s);
    QVERIFY2(conn, qPrintable(conn ? QString() : conn.error().message));
    QCOMPARE(conn->clientCertificatePem, readFixture(u"certs/client-ec.crt"_s));
    QCOMPARE(conn->clientKeyPem, readFixture(u"certs/client-ec.key"_s));
    const Result<QSslConfiguration> ssl = conn->sslConfiguration();
    QVERIFY2(ssl, qPrintable(ssl ? QString() : ssl.error().message));
    QCOMPARE(ssl->privateKey().algorithm(), QSsl::Ec);
    QCOMPARE(ssl->localCertificate().subjectInfo(QSslCertificate::CommonName), QStringList{u"ec-user"_s});
}

void tst_Kubeconfig::basicAuth()
{
    const Result<ClusterConnection> conn = loadOrFail(fixture(u"auth.yaml"_s)).resolve(u"basic"_s);
    QVERIFY2(conn, qPrintable(conn ? QString() : conn.error().message));
    QCOMPARE(conn->username, u"admin"_s);
    QCOMPARE(conn->password, u"s3cret"_s);
    QVERIFY(conn->token.isEmpty());
}

void tst_Kubeconfig::execPlugin()
{
    const Kubeconfig config = loadOrFail(fixture(u"auth.yaml"_s));
    const Result<ClusterConnection> conn = config.resolve(u"exec"_s);
    QVERIFY2(conn, qPrintable(conn ? QString() : conn.error().message));
    QVERIFY(conn->exec);
    QCOMPARE(conn->userOrigin, fixture(u"auth.yaml"_s));
    const ExecConfig &exec = *conn->exec;
    QCOMPARE(exec.apiVersion, u"client.authentication.k8s.io/v1"_s);
    // "./bin/get-token" contains a '/', so it is relative to the kubeconfig's folder
    QCOMPARE(exec.command, fixture(u"bin/get-token"_s));
    QCOMPARE(exec.args, (QStringList{u"get-token"_s, u"--server-id"_s, u"6dae42f8"_s}));
    QCOMPARE(exec.env, (QList<QPair<QString, QString>>{{u"AAD_LOGIN_METHOD"_s, u"azurecli"_s}}));
    QCOMPARE(exec.installHint, u"Install kubelogin from https://azure.github.io/kubelogin/"_s);
    QVERIFY(exec.provideClusterInfo);
    QCOMPARE(exec.interactiveMode, u"Never"_s);

    // A bare command name stays a name, to be looked up on PATH.
    const Result<ClusterConnection> onPath = config.resolve(u"path-exec"_s);
    QVERIFY(onPath);
    QCOMPARE(onPath->exec->command, u"kubelogin"_s);
    QCOMPARE(onPath->exec->apiVersion, u"client.authentication.k8s.io/v1beta1"_s);
    QVERIFY(!onPath->exec->provideClusterInfo);
}

void tst_Kubeconfig::insecureWarning()
{
    const Result<ClusterConnection> conn = loadOrFail(fixture(u"auth.yaml"_s)).resolve(u"insecure"_s);
    QVERIFY2(conn, qPrintable(conn ? QString() : conn.error().message));
    QVERIFY(conn->insecureSkipTlsVerify);
    QVERIFY(conn->warning.contains(u"'insecure'"_s));
    QVERIFY(conn->warning.contains(u"insecure-skip-tls-verify"_s));
    QVERIFY(conn->warning.contains(u"insecure-cluster"_s));
    QVERIFY(conn->caPem.isEmpty());
    const Result<QSslConfiguration> ssl = conn->sslConfiguration();
    QVERIFY(ssl);
    QCOMPARE(ssl->peerVerifyMode(), QSslSocket::VerifyNone);
}

void tst_Kubeconfig::anonymousPlainHttp()
{
    const Result<ClusterConnection> conn = loadOrFail(fixture(u"auth.yaml"_s)).resolve(u"anonymous"_s);
    QVERIFY2(conn, qPrintable(conn ? QString() : conn.error().message));
    QVERIFY(conn->userName.isEmpty());
    // rest.DefaultServerURL: a bare host:port without any TLS setting is plain http
    QCOMPARE(conn->server, QUrl(u"http://127.0.0.1:8080"_s));
    QCOMPARE(conn->namespaceName, u"default"_s);
}

void tst_Kubeconfig::otherContextByName()
{
    const Kubeconfig config = loadOrFail(fixture(u"auth.yaml"_s));
    const Result<ClusterConnection> current = config.resolve();
    const Result<ClusterConnection> other = config.resolve(u"basic"_s);
    QVERIFY(current && other);
    QCOMPARE(current->contextName, u"token"_s);
    QCOMPARE(other->contextName, u"basic"_s);
    QCOMPARE(other->clusterName, u"data-cluster"_s);
    QCOMPARE(config.currentContext(), u"token"_s); // resolving another context changes nothing
}

void tst_Kubeconfig::contextNames()
{
    const Kubeconfig config = loadOrFail(fixture(u"auth.yaml"_s));
    QCOMPARE(config.contextNames(),
             (QStringList{u"anonymous"_s, u"basic"_s, u"cert"_s, u"certdata"_s, u"exec"_s, u"insecure"_s,
                          u"path-exec"_s, u"token"_s, u"tokenfile"_s}));
    QVERIFY(config.cluster(u"prod-cluster"_s));
    QVERIFY(config.user(u"exec-user"_s));
    QVERIFY(!config.context(u"nope"_s));
}

void tst_Kubeconfig::mergeFirstWins_data()
{
    QTest::addColumn<QStringList>("order");
    QTest::addColumn<QString>("currentContext");
    QTest::addColumn<QString>("bothNamespace");
    QTest::addColumn<QString>("sharedServer");
    QTest::addColumn<QString>("sharedUserToken");

    const QString first = fixture(u"merge/first/config"_s);
    const QString second = fixture(u"merge/second/config"_s);
    QTest::newRow("first:second") << QStringList{first, second} << u"first-ctx"_s << u"from-first"_s
                                  << u"https://first.example.com"_s << u"token-of-first"_s;
    QTest::newRow("second:first") << QStringList{second, first} << u"second-ctx"_s << u"from-second"_s
                                  << u"https://second.example.com"_s << u"token-of-second"_s;
}

void tst_Kubeconfig::mergeFirstWins()
{
    QFETCH(QStringList, order);
    QFETCH(QString, currentContext);
    QFETCH(QString, bothNamespace);
    QFETCH(QString, sharedServer);
    QFETCH(QString, sharedUserToken);

    const Kubeconfig config = loadOrFail({}, order.join(QDir::listSeparator()));
    QCOMPARE(config.files(), order);
    QCOMPARE(config.currentContext(), currentContext);
    // every context of both files is there
    QCOMPARE(config.contextNames(), (QStringList{u"both-ctx"_s, u"first-ca"_s, u"first-ctx"_s, u"second-ctx"_s}));

    const Result<ClusterConnection> both = config.resolve(u"both-ctx"_s);
    QVERIFY2(both, qPrintable(both ? QString() : both.error().message));
    QCOMPARE(both->namespaceName, bothNamespace);
    QCOMPARE(both->server, QUrl(sharedServer));
    QCOMPARE(both->token, sharedUserToken);
    QCOMPARE(both->kubeconfigFile, order.first());
    QCOMPARE(both->userOrigin, order.first());

    // second-ctx comes only from the second file, but "shared" is whichever file named it first.
    const Result<ClusterConnection> second = config.resolve(u"second-ctx"_s);
    QVERIFY2(second, qPrintable(second ? QString() : second.error().message));
    QCOMPARE(second->server, QUrl(sharedServer));
}

void tst_Kubeconfig::relativePathsPerFile()
{
    // Each file's relative paths are resolved against its own folder, also after merging.
    const Kubeconfig config = loadOrFail({}, fixture(u"merge/second/config"_s) + QDir::listSeparator()
                                                 + fixture(u"merge/first/config"_s));
    const Result<ClusterConnection> cert = config.resolve(u"second-ctx"_s); // ../../certs/client.crt
    QVERIFY2(cert, qPrintable(cert ? QString() : cert.error().message));
    QCOMPARE(cert->clientCertificatePem, readFixture(u"certs/client.crt"_s));
    QCOMPARE(cert->clientKeyPem, readFixture(u"certs/client.key"_s));
    QCOMPARE(config.user(u"second-user"_s)->clientCertificate, fixture(u"certs/client.crt"_s));

    const Result<ClusterConnection> ca = config.resolve(u"first-ca"_s); // ca.crt beside first/config
    QVERIFY2(ca, qPrintable(ca ? QString() : ca.error().message));
    QCOMPARE(ca->caPem, readFixture(u"merge/first/ca.crt"_s));
    QCOMPARE(config.cluster(u"first-only"_s)->certificateAuthority, fixture(u"merge/first/ca.crt"_s));
    QCOMPARE(ca->token, u"token-of-second"_s); // shared-user: the second file came first here
    QCOMPARE(config.user(u"shared-user"_s)->origin, fixture(u"merge/second/config"_s));
}

void tst_Kubeconfig::fileSelection_data()
{
    QTest::addColumn<QString>("explicitPath");
    QTest::addColumn<QString>("env");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("default") << QString() << QString() << QStringList{u"/home/sre/.kube/config"_s};
    QTest::newRow("explicit wins over KUBECONFIG") << u"/etc/k.yaml"_s << u"/a:/b"_s << QStringList{u"/etc/k.yaml"_s};
    QTest::newRow("list in order") << QString() << u"/a:/b:/c"_s << QStringList{u"/a"_s, u"/b"_s, u"/c"_s};
    QTest::newRow("empty entries and repeats dropped")
        << QString() << u":/a::/b:/a:"_s << QStringList{u"/a"_s, u"/b"_s};
    QTest::newRow("only separators means default") << QString() << u"::"_s << QStringList{u"/home/sre/.kube/config"_s};
}

void tst_Kubeconfig::fileSelection()
{
    QFETCH(QString, explicitPath);
    QFETCH(QString, env);
    QFETCH(QStringList, expected);
    QCOMPARE(KubeconfigLoader::files(explicitPath, env, u"/home/sre"_s), expected);
}

void tst_Kubeconfig::explicitPathOverridesEnvironment()
{
    const Kubeconfig config = loadOrFail(fixture(u"auth.yaml"_s), fixture(u"merge/first/config"_s));
    QCOMPARE(config.files(), QStringList{fixture(u"auth.yaml"_s)});
    QVERIFY(!config.context(u"first-ctx"_s));
}

void tst_Kubeconfig::missingFilesAreSkipped()
{
    const QString missing = fixture(u"no/such/config"_s);
    const Kubeconfig config = loadOrFail({}, missing + QDir::listSeparator() + fixture(u"merge/first/config"_s));
    QCOMPARE(config.files(), QStringList{fixture(u"merge/first/config"_s)});
    QCOMPARE(config.currentContext(), u"first-ctx"_s);
}

void tst_Kubeconfig::explicitMissingFileIsAnError()
{
    const QString missing = fixture(u"no/such/config"_s);
    const Result<Kubeconfig> config = KubeconfigLoader::load(missing, {}, {});
    QVERIFY(!config);
    QCOMPARE(toString(config.error().kind), toString(ErrorKind::Config));
    QVERIFY2(config.error().message.contains(missing), qPrintable(config.error().message));
    QVERIFY(config.error().message.contains(u"does not exist"_s));
}

void tst_Kubeconfig::nothingFound()
{
    QTemporaryDir home;
    QVERIFY(home.isValid());
    const Kubeconfig config = loadOrFail({}, {}, home.path());
    QVERIFY(config.files().isEmpty());
    const Result<ClusterConnection> conn = config.resolve();
    QVERIFY(!conn);
    QCOMPARE(toString(conn.error().kind), toString(ErrorKind::Config));
    QVERIFY2(conn.error().message.contains(home.filePath(u".kube/config"_s)), qPrintable(conn.error().message));
    QVERIFY(!conn.error().hint.isEmpty());
}

void tst_Kubeconfig::readsKubeconfigVariable()
{
    // The default home folder is used when KUBECONFIG is unset: point HOME at a temporary one.
    QTemporaryDir home;
    QVERIFY(QDir(home.path()).mkpath(u".kube"_s));
    QVERIFY(QFile::copy(fixture(u"merge/second/config"_s), home.filePath(u".kube/config"_s)));
    const QByteArray oldHome = qgetenv("HOME");
    const QByteArray oldKubeconfig = qgetenv("KUBECONFIG");
    const auto restore = qScopeGuard([&] {
        qputenv("HOME", oldHome);
        if (oldKubeconfig.isNull())
            qunsetenv("KUBECONFIG");
        else
            qputenv("KUBECONFIG", oldKubeconfig);
    });
    qputenv("HOME", home.path().toLocal8Bit());

    qputenv("KUBECONFIG", fixture(u"merge/first/config"_s).toLocal8Bit());
    Result<Kubeconfig> fromEnv = KubeconfigLoader::load();
    QVERIFY(fromEnv);
    QCOMPARE(fromEnv->currentContext(), u"first-ctx"_s);

    qunsetenv("KUBECONFIG");
    Result<Kubeconfig> fromHome = KubeconfigLoader::load();
    QVERIFY(fromHome);
    QCOMPARE(fromHome->files(), QStringList{home.filePath(u".kube/config"_s)});
    QCOMPARE(fromHome->currentContext(), u"second-ctx"_s);
}

void tst_Kubeconfig::brokenFiles_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("context");
    QTest::addColumn<QStringList>("fragments"); // besides the file's path, which every message names

    QTest::newRow("context refers to undefined cluster")
        << u"bad/undefined-cluster.yaml"_s << QString()
        << QStringList{u"context 'prod' refers to cluster 'aks-prod', which is not defined"_s};
    QTest::newRow("context refers to undefined user")
        << u"bad/undefined-user.yaml"_s << QString()
        << QStringList{u"context 'prod' refers to user 'aks-admin', which is not defined"_s};
    QTest::newRow("malformed YAML has line and column")
        << u"bad/malformed.yaml"_s << QString() << QStringList{u"invalid YAML"_s, u"line 7, column 27"_s};
    QTest::newRow("missing server") << u"bad/no-server.yaml"_s << QString()
                                    << QStringList{u"cluster 'serverless' has no server"_s};
    QTest::newRow("unreadable CA file")
        << u"bad/missing-ca-file.yaml"_s << QString()
        << QStringList{u"cluster 'lost-ca'"_s, u"cannot read certificate-authority"_s,
                       fixture(u"bad/does-not-exist/ca.crt"_s)};
    QTest::newRow("base64 garbage") << u"bad/bad-base64.yaml"_s << QString()
                                    << QStringList{u"cluster 'garbled'"_s,
                                                   u"certificate-authority-data is not valid base64"_s,
                                                   u"line 7"_s};
    QTest::newRow("CA data that is not PEM")
        << u"bad/not-pem.yaml"_s << QString()
        << QStringList{u"cluster 'not-pem'"_s, u"certificate-authority-data holds no PEM certificate"_s};
    QTest::newRow("CA with insecure flag")
        << u"bad/ca-and-insecure.yaml"_s << QString()
        << QStringList{u"cluster 'both'"_s, u"insecure-skip-tls-verify together with a certificate authority"_s};
    QTest::newRow("duplicate cluster name") << u"bad/duplicate-cluster.yaml"_s << QString()
                                            << QStringList{u"duplicate cluster name 'twice'"_s};
    QTest::newRow("token and basic auth")
        << u"bad/token-and-basic.yaml"_s << QString()
        << QStringList{u"user 'greedy'"_s, u"both a token and a username/password"_s};
    QTest::newRow("certificate without key") << u"bad/cert-without-key.yaml"_s << QString()
                                             << QStringList{u"user 'half'"_s, u"no client-key"_s};
    QTest::newRow("unreadable token file")
        << u"bad/missing-token-file.yaml"_s << QString()
        << QStringList{u"user 'robot'"_s, u"cannot read tokenFile /nonexistent/opsdeck/token"_s};
    QTest::newRow("exec without apiVersion")
        << u"bad/exec-no-apiversion.yaml"_s << QString()
        << QStringList{u"user 'plugin-user'"_s, u"exec plugin without an apiVersion"_s};
    QTest::newRow("clusters is not a list") << u"bad/clusters-not-list.yaml"_s << QString()
                                            << QStringList{u"clusters must be a list"_s, u"line 4"_s};
    QTest::newRow("no current context") << u"bad/no-current-context.yaml"_s << QString()
                                        << QStringList{u"current-context is not set"_s, u"alpha, beta"_s};
    QTest::newRow("server is not http(s)")
        << u"bad/server-not-url.yaml"_s << QString()
        << QStringList{u"cluster 'ftp'"_s, u"'ftp://files.example.com', which is not an http(s) URL"_s};
}

void tst_Kubeconfig::brokenFiles()
{
    QFETCH(QString, file);
    QFETCH(QString, context);
    QFETCH(QStringList, fragments);

    const QString path = fixture(file);
    Error error;
    const Result<Kubeconfig> config = KubeconfigLoader::load(path, {}, {});
    if (!config) {
        error = config.error();
    } else {
        const Result<ClusterConnection> conn = config->resolve(context);
        QVERIFY2(!conn, "a broken kubeconfig resolved");
        error = conn.error();
    }
    QCOMPARE(toString(error.kind), toString(ErrorKind::Config));
    QVERIFY2(error.message.startsWith(u"kubeconfig "_s + path + u':'), qPrintable(error.message));
    for (const QString &fragment : std::as_const(fragments))
        QVERIFY2(error.message.contains(fragment), qPrintable(error.message + u"\n  lacks: "_s + fragment));
}

void tst_Kubeconfig::unknownContext()
{
    const QString path = fixture(u"auth.yaml"_s);
    const Result<ClusterConnection> conn = loadOrFail(path).resolve(u"staging"_s);
    QVERIFY(!conn);
    QCOMPARE(toString(conn.error().kind), toString(ErrorKind::Config));
    QVERIFY2(conn.error().message.contains(u"context 'staging' is not defined"_s), qPrintable(conn.error().message));
    QVERIFY(conn.error().message.contains(path));
    QVERIFY(conn.error().message.contains(u"basic, cert"_s)); // lists the contexts there are
}

void tst_Kubeconfig::garbageNeverCrashes_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::newRow("unclosed flow") << QByteArray("clusters: [");
    QTest::newRow("unclosed map") << QByteArray("{a: [1, {b");
    QTest::newRow("scalar document") << QByteArray("just a string");
    QTest::newRow("list document") << QByteArray("- - -");
    QTest::newRow("clusters of numbers") << QByteArray("clusters: [1, 2]");
    QTest::newRow("cluster body is a list") << QByteArray("clusters: [{name: c, cluster: [1]}]");
    QTest::newRow("server is a map") << QByteArray("clusters: [{name: c, cluster: {server: {a: b}}}]");
    QTest::newRow("name is a list") << QByteArray("users: [{name: [x], user: {}}]");
    QTest::newRow("exec args a map") << QByteArray("users: [{name: u, user: {exec: {command: x, args: {a: b}}}}]");
    QTest::newRow("exec env scalars") << QByteArray("users: [{name: u, user: {exec: {command: x, env: [a]}}}]");
    QTest::newRow("insecure not bool")
        << QByteArray("clusters: [{name: c, cluster: {server: s, insecure-skip-tls-verify: maybe}}]");
    QTest::newRow("wrong kind") << QByteArray("apiVersion: v1\nkind: Pod\n");
    QTest::newRow("binary") << QByteArray("\x00\xff\xfe\x01:\n\t- [", 10);
    QTest::newRow("alias loop bait") << QByteArray("a: &x [*x]");
    QTest::newRow("deep nesting") << QByteArray(5000, '[');
}

void tst_Kubeconfig::garbageNeverCrashes()
{
    QFETCH(QByteArray, yaml);
    const Result<Kubeconfig> config = KubeconfigLoader::parse(yaml, u"/tmp/garbage"_s);
    if (config) {
        QVERIFY(!config->resolve()); // parsed as empty or partial: still nothing to connect to
        return;
    }
    QCOMPARE(toString(config.error().kind), toString(ErrorKind::Config));
    QVERIFY2(config.error().message.startsWith(u"kubeconfig /tmp/garbage: "_s), qPrintable(config.error().message));
}

QTEST_GUILESS_MAIN(tst_Kubeconfig)
#include "tst_kubeconfig.moc"
