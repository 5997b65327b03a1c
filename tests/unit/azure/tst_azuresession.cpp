// AzureSession as the app uses it: the demo's config (DemoEnvironment runs the real opsdeck-sim with
// --write-azure-config), a real-Azure-style file without the secret (read from the SecretStore, run under
// a real gnome-keyring by with-keyring.sh), a missing secret, one typed in later, and a broken file.

#include "azuresim.h"

#include "azure/azuresession.h"
#include "azure/secretstore.h"
#include "demoenvironment.h"

using namespace Opsdeck;

class tst_AzureSession : public QObject
{
    Q_OBJECT

private:
    AzureSim m_sim;
    QTemporaryDir m_dir;

    // The sim's file without its secret, as a person would write one for real Azure.
    QString configWithoutSecret()
    {
        QFile in(m_sim.configPath);
        if (!in.open(QIODevice::ReadOnly))
            return {};
        QJsonObject object = QJsonDocument::fromJson(in.readAll()).object();
        object.remove(QStringLiteral("clientSecret"));
        const QString path = m_dir.filePath(QStringLiteral("azure.json"));
        QFile out(path);
        if (!out.open(QIODevice::WriteOnly))
            return {};
        out.write(QJsonDocument(object).toJson());
        return path;
    }

    static Result<> writeSync(SecretStore &store, const QString &key, const QString &value)
    {
        std::optional<Result<>> result;
        store.write(key, value, &store, [&result](Result<> r) { result = r; });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 30000))
            return makeError(ErrorKind::Timeout, QStringLiteral("no answer"));
        return *result;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_sim.start()); }

    void demoWritesAndUsesTheSimsConfig()
    {
        DemoEnvironment demo;
        demo.setProgram(QStringLiteral(OPSDECK_SIM_PATH));
        QSignalSpy ready(&demo, &DemoEnvironment::ready);
        demo.start();
        QVERIFY(ready.wait(30000));
        QVERIFY(QFile::exists(demo.azureConfigPath()));
        QCOMPARE(QFileInfo(demo.azureConfigPath()).dir(), QFileInfo(demo.kubeconfigPath()).dir());

        AzureSession session;
        QSignalSpy sessionReady(&session, &AzureSession::ready);
        session.load(demo.azureConfigPath());
        QCOMPARE(sessionReady.size(), 1); // the secret is in the file: no keychain involved
        QCOMPARE(session.state(), AzureSession::State::Ready);
        QCOMPARE(session.config().authorityHost, demo.url());
        QTRY_COMPARE_WITH_TIMEOUT(session.principal(),
                                  QStringLiteral("app %1").arg(session.config().clientId), 20000);
        QVERIFY(session.tokenExpiresOn() > QDateTime::currentDateTimeUtc().addSecs(3000));
        // The sources' settings carry everything the plugins need.
        const QVariantMap settings = session.config().toSettings();
        QCOMPARE(settings.value(QStringLiteral("clientSecret")).toString(), session.config().clientSecret);
        QCOMPARE(settings.value(QStringLiteral("credential")).toString(), QStringLiteral("clientSecret"));
        QVERIFY(QFile::exists(settings.value(QStringLiteral("caFile")).toString()));
    }

    void secretComesFromTheKeychain()
    {
        const QString path = configWithoutSecret();
        QVERIFY(!path.isEmpty());
        SecretStore secrets(nullptr, QStringLiteral("opsdeck-test"));
        const QString key = SecretStore::azureKey(m_sim.config.tenantId, m_sim.config.clientId,
                                                  QStringLiteral("clientSecret"));
        QVERIFY(writeSync(secrets, key, m_sim.config.clientSecret));

        AzureSession session(nullptr, &secrets);
        QSignalSpy ready(&session, &AzureSession::ready);
        session.load(path);
        QVERIFY(ready.wait(20000));
        QCOMPARE(session.config().clientSecret, m_sim.config.clientSecret);
        QTRY_COMPARE_WITH_TIMEOUT(session.principal(), QStringLiteral("app %1").arg(m_sim.config.clientId),
                                  20000);
        QCOMPARE(secrets.persistent(), qgetenv("OPSDECK_EXPECT_KEYRING") == "1");

        std::optional<Result<>> removed;
        secrets.remove(key, this, [&removed](Result<> r) { removed = r; });
        QTRY_VERIFY_WITH_TIMEOUT(removed.has_value(), 20000);
    }

    void missingSecretThenTypedIn()
    {
        const QString path = configWithoutSecret();
        SecretStore secrets(nullptr, QStringLiteral("opsdeck-test"));
        AzureSession session(nullptr, &secrets);
        QSignalSpy ready(&session, &AzureSession::ready);
        QSignalSpy changed(&session, &AzureSession::credentialChanged);
        session.load(path);
        QVERIFY(ready.wait(20000)); // the sources start anyway and say what is missing
        QVERIFY(session.signInError());
        QVERIFY(session.signInError()->kind == ErrorKind::Unauthorized);
        QVERIFY2(session.signInError()->message.contains(u"keychain"),
                 qPrintable(session.signInError()->message));
        QVERIFY(session.principal().isEmpty());

        session.storeClientSecret(m_sim.config.clientSecret);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed[0][0].value<AzureConfig>().clientSecret, m_sim.config.clientSecret);
        QTRY_COMPARE_WITH_TIMEOUT(session.principal(), QStringLiteral("app %1").arg(m_sim.config.clientId),
                                  20000);
        QVERIFY(!session.signInError());

        // Stored: the next start finds it.
        AzureSession next(nullptr, &secrets);
        QSignalSpy nextReady(&next, &AzureSession::ready);
        next.load(path);
        QVERIFY(nextReady.wait(20000));
        QCOMPARE(next.config().clientSecret, m_sim.config.clientSecret);

        // A wrong one shows Entra's refusal.
        session.storeClientSecret(QStringLiteral("wrong"));
        QTRY_VERIFY_WITH_TIMEOUT(session.signInError().has_value(), 20000);
        QVERIFY(session.signInError()->message.contains(u"AADSTS7000215"));
    }

    void brokenFileFails()
    {
        AzureSession session;
        QSignalSpy failed(&session, &AzureSession::failed);
        session.load(m_dir.filePath(QStringLiteral("missing.json")));
        QCOMPARE(failed.size(), 1);
        QCOMPARE(session.state(), AzureSession::State::Failed);
        QVERIFY(session.error()->message.contains(u"missing.json"));
    }
};

QTEST_GUILESS_MAIN(tst_AzureSession)
#include "tst_azuresession.moc"
