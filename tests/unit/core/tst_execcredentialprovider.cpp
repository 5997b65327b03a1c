// ExecCredentialProvider against a real plugin process (fixtures/kubeconfig/exec-plugin.sh), configured
// through a kubeconfig the way kubectl users write it.

#include "execcredentialprovider.h"
#include "kubeconfigloader.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Opsdeck;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

const QString kV1 = u"client.authentication.k8s.io/v1"_s;
const QString kV1beta1 = u"client.authentication.k8s.io/v1beta1"_s;

struct PluginOptions
{
    QString mode = u"token"_s;
    QString apiVersion = kV1;
    int expiresIn = 3600; // seconds from now; negative: already expired
    bool provideClusterInfo = true;
    QString command = u"./exec-plugin.sh"_s;
    QString interactiveMode = u"Never"_s;
};

} // namespace

class tst_ExecCredentialProvider : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void tokenV1();
    void tokenV1beta1();
    void withoutClusterInfo();
    void clientCertificate();
    void cachedUntilExpiry();
    void rerunAfterInvalidate();
    void expiredCredentialReruns();
    void rerunWhenExpiryPasses();
    void concurrentRequestsShareOneRun();
    void missingCommandOnPath();
    void missingRelativeCommand();
    void failingPlugin();
    void badOutput_data();
    void badOutput();
    void hangingPluginTimesOut();
    void interactiveAlwaysRefused();

private:
    std::unique_ptr<ExecCredentialProvider> provider(const PluginOptions &options);
    Result<ExecCredential> request(ExecCredentialProvider &p);
    int runs() const;
    QJsonObject execInfoSeen() const;

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_kubeconfig;
};

void tst_ExecCredentialProvider::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    // A copy beside the kubeconfig, so "./exec-plugin.sh" is relative to the kubeconfig's folder.
    const QString script = m_dir->filePath(u"exec-plugin.sh"_s);
    QVERIFY(QFile::copy(QStringLiteral(OPSDECK_KUBECONFIG_FIXTURES "/exec-plugin.sh"), script));
    QVERIFY(QFile::setPermissions(script, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    QVERIFY(QDir(m_dir->path()).mkpath(u"state"_s));
    m_kubeconfig = m_dir->filePath(u"config"_s);
}

std::unique_ptr<ExecCredentialProvider> tst_ExecCredentialProvider::provider(const PluginOptions &o)
{
    const QString yaml = QStringLiteral(R"(apiVersion: v1
kind: Config
current-context: aks
clusters:
- name: aks-prod
  cluster:
    server: https://aks-prod.example.com:443
    insecure-skip-tls-verify: true
    tls-server-name: api.aks-prod.internal
users:
- name: aks-admin
  user:
    exec:
      apiVersion: %1
      command: %2
      args: ["%1", "%3"]
      env:
      - name: OPSDECK_TEST_STATE
        value: %4
      - name: EXPIRES_IN
        value: "%5"
      installHint: "Install kubelogin: https://azure.github.io/kubelogin/install.html"
      provideClusterInfo: %6
      interactiveMode: %7
contexts:
- name: aks
  context: {cluster: aks-prod, user: aks-admin}
)")
                             .arg(o.apiVersion, o.command, o.mode, m_dir->filePath(u"state"_s))
                             .arg(o.expiresIn)
                             .arg(o.provideClusterInfo ? u"true"_s : u"false"_s, o.interactiveMode);
    QFile file(m_kubeconfig);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(yaml.toUtf8()) < 0)
        qFatal("cannot write kubeconfig");
    file.close();
    const Result<Kubeconfig> config = KubeconfigLoader::load(m_kubeconfig, {}, {});
    if (!config)
        qFatal("%s", qPrintable(config.error().message));
    const Result<ClusterConnection> conn = config->resolve();
    if (!conn)
        qFatal("%s", qPrintable(conn.error().message));
    return std::make_unique<ExecCredentialProvider>(*conn);
}

Result<ExecCredential> tst_ExecCredentialProvider::request(ExecCredentialProvider &p)
{
    QSignalSpy spy(&p, &ExecCredentialProvider::credentialReady);
    p.requestCredential();
    if (!spy.wait(10000))
        qFatal("no credentialReady within 10 s");
    return spy.takeFirst().at(0).value<Result<ExecCredential>>();
}

int tst_ExecCredentialProvider::runs() const
{
    QFile file(m_dir->filePath(u"state/runs"_s));
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    return file.readAll().trimmed().toInt();
}

QJsonObject tst_ExecCredentialProvider::execInfoSeen() const
{
    QFile file(m_dir->filePath(u"state/exec-info.json"_s));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

void tst_ExecCredentialProvider::tokenV1()
{
    auto p = provider({});
    const QDateTime before = QDateTime::currentDateTimeUtc();
    const Result<ExecCredential> credential = request(*p);
    QVERIFY2(credential, qPrintable(credential ? QString() : credential.error().message));
    QCOMPARE(credential->token, u"token-1"_s);
    QVERIFY(credential->clientCertificatePem.isEmpty());
    QVERIFY(credential->expiration);
    QVERIFY(qAbs(before.secsTo(*credential->expiration) - 3600) <= 5);
    QCOMPARE(runs(), 1);

    // The plugin saw KUBERNETES_EXEC_INFO (and the kubeconfig's env, or it could not have written it).
    const QJsonObject info = execInfoSeen();
    QCOMPARE(info.value(u"apiVersion").toString(), kV1);
    QCOMPARE(info.value(u"kind").toString(), u"ExecCredential"_s);
    const QJsonObject spec = info.value(u"spec").toObject();
    QCOMPARE(spec.value(u"interactive"), QJsonValue(false));
    const QJsonObject cluster = spec.value(u"cluster").toObject();
    QCOMPARE(cluster.value(u"server").toString(), u"https://aks-prod.example.com:443"_s);
    QCOMPARE(cluster.value(u"tls-server-name").toString(), u"api.aks-prod.internal"_s);
    QCOMPARE(cluster.value(u"insecure-skip-tls-verify"), QJsonValue(true));
    QCOMPARE(QJsonDocument(info).toJson(QJsonDocument::Compact), p->execInfo());
}

void tst_ExecCredentialProvider::tokenV1beta1()
{
    PluginOptions o;
    o.apiVersion = kV1beta1;
    auto p = provider(o);
    const Result<ExecCredential> credential = request(*p);
    QVERIFY2(credential, qPrintable(credential ? QString() : credential.error().message));
    QCOMPARE(credential->token, u"token-1"_s);
    QCOMPARE(execInfoSeen().value(u"apiVersion").toString(), kV1beta1);
}

void tst_ExecCredentialProvider::withoutClusterInfo()
{
    PluginOptions o;
    o.provideClusterInfo = false;
    auto p = provider(o);
    QVERIFY(request(*p));
    const QJsonObject spec = execInfoSeen().value(u"spec").toObject();
    QVERIFY(!spec.contains(u"cluster"));
    QCOMPARE(spec.value(u"interactive"), QJsonValue(false));
}

void tst_ExecCredentialProvider::clientCertificate()
{
    PluginOptions o;
    o.mode = u"cert"_s;
    auto p = provider(o);
    const Result<ExecCredential> credential = request(*p);
    QVERIFY2(credential, qPrintable(credential ? QString() : credential.error().message));
    QVERIFY(credential->token.isEmpty());
    QCOMPARE(credential->clientCertificatePem,
             QByteArray("-----BEGIN CERTIFICATE-----\nMIIBcert\n-----END CERTIFICATE-----\n"));
    QCOMPARE(credential->clientKeyPem, QByteArray("-----BEGIN PRIVATE KEY-----\nMIIBkey\n-----END PRIVATE KEY-----\n"));
}

void tst_ExecCredentialProvider::cachedUntilExpiry()
{
    auto p = provider({});
    QCOMPARE(request(*p)->token, u"token-1"_s);
    QVERIFY(p->cachedCredential());
    QCOMPARE(request(*p)->token, u"token-1"_s);
    QCOMPARE(request(*p)->token, u"token-1"_s);
    QCOMPARE(runs(), 1);
}

void tst_ExecCredentialProvider::rerunAfterInvalidate()
{
    auto p = provider({});
    QCOMPARE(request(*p)->token, u"token-1"_s);
    p->invalidate(); // the API server answered 401
    QVERIFY(!p->cachedCredential());
    QCOMPARE(request(*p)->token, u"token-2"_s);
    QCOMPARE(runs(), 2);
}

void tst_ExecCredentialProvider::expiredCredentialReruns()
{
    PluginOptions o;
    o.expiresIn = -60;
    auto p = provider(o);
    QCOMPARE(request(*p)->token, u"token-1"_s);
    QVERIFY(!p->cachedCredential());
    QCOMPARE(request(*p)->token, u"token-2"_s);
    QCOMPARE(runs(), 2);
}

void tst_ExecCredentialProvider::rerunWhenExpiryPasses()
{
    PluginOptions o;
    o.expiresIn = 2;
    auto p = provider(o);
    QCOMPARE(request(*p)->token, u"token-1"_s);
    QCOMPARE(request(*p)->token, u"token-1"_s); // still valid
    QTRY_VERIFY_WITH_TIMEOUT(!p->cachedCredential(), 5000);
    QCOMPARE(request(*p)->token, u"token-2"_s);
    QCOMPARE(runs(), 2);
}

void tst_ExecCredentialProvider::concurrentRequestsShareOneRun()
{
    auto p = provider({});
    QSignalSpy spy(p.get(), &ExecCredentialProvider::credentialReady);
    p->requestCredential();
    p->requestCredential();
    QVERIFY(p->isRunning());
    QCOMPARE(spy.count(), 0); // never answered re-entrantly
    QVERIFY(spy.wait(10000));
    QTest::qWait(100);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(runs(), 1);
}

void tst_ExecCredentialProvider::missingCommandOnPath()
{
    PluginOptions o;
    o.command = u"opsdeck-no-such-kubelogin"_s;
    auto p = provider(o);
    QSignalSpy spy(p.get(), &ExecCredentialProvider::credentialReady);
    p->requestCredential();
    QCOMPARE(spy.count(), 0);
    QVERIFY(spy.wait(5000));
    const auto result = spy.at(0).at(0).value<Result<ExecCredential>>();
    QVERIFY(!result);
    const Error &e = result.error();
    QCOMPARE(toString(e.kind), toString(ErrorKind::Config));
    QVERIFY2(e.message.contains(m_kubeconfig), qPrintable(e.message));
    QVERIFY2(e.message.contains(u"user 'aks-admin'"_s), qPrintable(e.message));
    QVERIFY2(e.message.contains(u"'opsdeck-no-such-kubelogin', which is not on PATH"_s), qPrintable(e.message));
    QVERIFY2(e.message.contains(u"Install kubelogin: https://azure.github.io/kubelogin/install.html"_s),
             qPrintable(e.message));
    QCOMPARE(e.hint, u"Install kubelogin: https://azure.github.io/kubelogin/install.html"_s);
    QCOMPARE(runs(), 0);
}

void tst_ExecCredentialProvider::missingRelativeCommand()
{
    PluginOptions o;
    o.command = u"./bin/not-there.sh"_s;
    auto p = provider(o);
    const Result<ExecCredential> result = request(*p);
    QVERIFY(!result);
    QCOMPARE(toString(result.error().kind), toString(ErrorKind::Config));
    // resolved against the kubeconfig's folder, and named that way
    QVERIFY2(result.error().message.contains(m_dir->filePath(u"bin/not-there.sh"_s)), qPrintable(result.error().message));
    QVERIFY(result.error().message.contains(u"does not exist or is not executable"_s));
}

void tst_ExecCredentialProvider::failingPlugin()
{
    PluginOptions o;
    o.mode = u"fail"_s;
    auto p = provider(o);
    const Result<ExecCredential> result = request(*p);
    QVERIFY(!result);
    const QString &message = result.error().message;
    QCOMPARE(toString(result.error().kind), toString(ErrorKind::Unauthorized));
    QVERIFY2(message.contains(u"user 'aks-admin'"_s), qPrintable(message));
    QVERIFY2(message.contains(u"failed with exit code 1"_s), qPrintable(message));
    QVERIFY2(message.contains(u"AADSTS70043: The refresh token has expired"_s), qPrintable(message)); // stderr
    QVERIFY(!p->cachedCredential());
}

void tst_ExecCredentialProvider::badOutput_data()
{
    QTest::addColumn<QString>("mode");
    QTest::addColumn<QString>("fragment");
    QTest::newRow("not JSON") << u"garbage"_s << u"printed no ExecCredential JSON"_s;
    QTest::newRow("other apiVersion") << u"wrong-version"_s
                                      << u"returned apiVersion 'client.authentication.k8s.io/v1alpha1'"_s;
    QTest::newRow("empty status") << u"no-credential"_s << u"neither a token nor a client certificate"_s;
}

void tst_ExecCredentialProvider::badOutput()
{
    QFETCH(QString, mode);
    QFETCH(QString, fragment);
    PluginOptions o;
    o.mode = mode;
    auto p = provider(o);
    const Result<ExecCredential> result = request(*p);
    QVERIFY(!result);
    QCOMPARE(toString(result.error().kind), toString(ErrorKind::Config));
    QVERIFY2(result.error().message.contains(fragment), qPrintable(result.error().message));
    QVERIFY(result.error().message.contains(u"user 'aks-admin'"_s));
}

void tst_ExecCredentialProvider::hangingPluginTimesOut()
{
    PluginOptions o;
    o.mode = u"hang"_s;
    auto p = provider(o);
    p->setTimeout(300ms);
    QElapsedTimer timer;
    timer.start();
    const Result<ExecCredential> result = request(*p);
    QVERIFY(!result);
    QCOMPARE(toString(result.error().kind), toString(ErrorKind::Timeout));
    QVERIFY2(result.error().message.contains(u"did not finish within 0.3 s"_s), qPrintable(result.error().message));
    QVERIFY(timer.elapsed() < 5000);
    QVERIFY(!p->isRunning());
    // The killed process is reaped and freed from the event loop, never waited for.
    QTest::failOnWarning(QRegularExpression(u"QProcess: Destroyed"_s));
    QTRY_VERIFY(p->findChildren<QProcess *>().isEmpty());
}

void tst_ExecCredentialProvider::interactiveAlwaysRefused()
{
    PluginOptions o;
    o.interactiveMode = u"Always"_s;
    auto p = provider(o);
    const Result<ExecCredential> result = request(*p);
    QVERIFY(!result);
    QCOMPARE(toString(result.error().kind), toString(ErrorKind::Config));
    QVERIFY(result.error().message.contains(u"interactiveMode Always"_s));
    QCOMPARE(runs(), 0);
}

QTEST_GUILESS_MAIN(tst_ExecCredentialProvider)
#include "tst_execcredentialprovider.moc"
