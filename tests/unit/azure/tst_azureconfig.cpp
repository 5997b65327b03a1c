// AzureConfig: the file format (the sim's and a hand-written one for real Azure), defaults, errors that
// name the key, and the round trip through source settings.

#include "azure/azureconfig.h"

#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace Opsdeck;

class tst_AzureConfig : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString write(const QString &name, const QByteArray &text)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            return {};
        f.write(text);
        return path;
    }

    static QJsonObject simLike()
    {
        return QJsonDocument::fromJson(R"({
            "authorityHost": "https://127.0.0.1:40123/",
            "tenantId": "f1cff0fe-0000-4000-8000-000000000001",
            "clientId": "03b1dc47-0000-4000-8000-000000000002",
            "clientSecret": "sim~secret",
            "armEndpoint": "https://127.0.0.1:40123",
            "subscriptionId": "c4059684-0000-4000-8000-000000000003",
            "resourceGroup": "opsdeck-demo",
            "logAnalyticsEndpoint": "https://127.0.0.1:40123",
            "workspaceId": "b12fc8cd-0000-4000-8000-000000000004",
            "appInsightsEndpoint": "https://127.0.0.1:40123",
            "appId": "d5fc3f5a-0000-4000-8000-000000000005",
            "sqlServer": "opsdeck-sql"
        })")
            .object();
    }

private Q_SLOTS:
    void simConfigIsRead()
    {
        auto c = AzureConfig::fromJson(simLike());
        QVERIFY2(c, c ? "" : qPrintable(toString(c.error())));
        QCOMPARE(c->authorityHost, QUrl(QStringLiteral("https://127.0.0.1:40123"))); // trailing slash dropped
        QCOMPARE(c->tenantId, QStringLiteral("f1cff0fe-0000-4000-8000-000000000001"));
        QCOMPARE(c->clientSecret, QStringLiteral("sim~secret"));
        QCOMPARE(c->workspaceId, QStringLiteral("b12fc8cd-0000-4000-8000-000000000004"));
        QCOMPARE(c->appId, QStringLiteral("d5fc3f5a-0000-4000-8000-000000000005"));
        QCOMPARE(c->resourceGroup, QStringLiteral("opsdeck-demo"));
        QCOMPARE(c->credential, QStringLiteral("clientSecret"));
        QCOMPARE(c->raw.value(QStringLiteral("sqlServer")).toString(), QStringLiteral("opsdeck-sql"));
    }

    void realAzureDefaults()
    {
        const QJsonObject minimal { { QStringLiteral("tenantId"), QStringLiteral("t") },
                                    { QStringLiteral("clientId"), QStringLiteral("c") } };
        auto c = AzureConfig::fromJson(minimal);
        QVERIFY(c);
        QCOMPARE(c->authorityHost, QUrl(QStringLiteral("https://login.microsoftonline.com")));
        QCOMPARE(c->armEndpoint, QUrl(QStringLiteral("https://management.azure.com")));
        QCOMPARE(c->logAnalyticsEndpoint, QUrl(QStringLiteral("https://api.loganalytics.io")));
        QCOMPARE(c->appInsightsEndpoint, QUrl(QStringLiteral("https://api.applicationinsights.io")));
        QVERIFY(c->clientSecret.isEmpty()); // comes from the keychain
        QCOMPARE(c->credential, QStringLiteral("clientSecret"));

        // A device code user: the Azure CLI's public client unless the file names one.
        auto user
            = AzureConfig::fromJson({ { QStringLiteral("tenantId"), QStringLiteral("t") },
                                      { QStringLiteral("credential"), QStringLiteral("refreshToken") } });
        QVERIFY(user);
        QCOMPARE(user->clientId, AzureConfig::azureCliClientId());
        // The CLI needs nothing.
        auto cli = AzureConfig::fromJson({ { QStringLiteral("credential"), QStringLiteral("azureCli") } });
        QVERIFY(cli);
    }

    void errorsNameTheKey_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("named");
        QTest::newRow("no tenant") << QByteArray(R"({"clientId":"c"})") << QStringLiteral("tenantId");
        QTest::newRow("no client") << QByteArray(R"({"tenantId":"t"})") << QStringLiteral("clientId");
        QTest::newRow("number") << QByteArray(R"({"tenantId":"t","clientId":"c","workspaceId":5})")
                                << QStringLiteral("workspaceId");
        QTest::newRow("bad url") << QByteArray(R"({"tenantId":"t","clientId":"c","armEndpoint":"ftp://x"})")
                                 << QStringLiteral("armEndpoint");
        QTest::newRow("no host") << QByteArray(
            R"({"tenantId":"t","clientId":"c","authorityHost":"https://"})")
                                 << QStringLiteral("authorityHost");
        QTest::newRow("credential") << QByteArray(
            R"({"tenantId":"t","clientId":"c","credential":"password"})")
                                    << QStringLiteral("credential");
    }

    void errorsNameTheKey()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, named);
        auto c = AzureConfig::fromJson(QJsonDocument::fromJson(json).object());
        QVERIFY(!c);
        QVERIFY(c.error().kind == ErrorKind::Config);
        QVERIFY2(c.error().message.contains(named), qPrintable(c.error().message));
    }

    void loadReadsAFile()
    {
        QVERIFY(!write(QStringLiteral("ca.crt"), "-----BEGIN CERTIFICATE-----\n").isEmpty());
        QJsonObject object = simLike();
        object.insert(QStringLiteral("caFile"), QStringLiteral("ca.crt")); // relative to the file
        const QString path = write(QStringLiteral("azure.json"), QJsonDocument(object).toJson());
        auto c = AzureConfig::load(path);
        QVERIFY2(c, c ? "" : qPrintable(toString(c.error())));
        QCOMPARE(c->caFile, m_dir.filePath(QStringLiteral("ca.crt")));

        auto missing = AzureConfig::load(m_dir.filePath(QStringLiteral("nope.json")));
        QVERIFY(!missing);
        QVERIFY(missing.error().message.contains(u"nope.json"));

        auto notJson = AzureConfig::load(write(QStringLiteral("bad.json"), "{ nope"));
        QVERIFY(!notJson);
        QVERIFY(notJson.error().message.contains(u"bad.json"));

        object.insert(QStringLiteral("caFile"), QStringLiteral("/nonexistent/ca.crt"));
        auto noCa = AzureConfig::load(write(QStringLiteral("noca.json"), QJsonDocument(object).toJson()));
        QVERIFY(!noCa);
        QVERIFY(noCa.error().message.contains(u"caFile"));

        object.remove(QStringLiteral("tenantId"));
        auto invalid
            = AzureConfig::load(write(QStringLiteral("invalid.json"), QJsonDocument(object).toJson()));
        QVERIFY(!invalid);
        QVERIFY(invalid.error().message.contains(u"invalid.json"));
        QVERIFY(invalid.error().message.contains(u"tenantId"));
    }

    void settingsRoundTrip()
    {
        auto c = AzureConfig::fromJson(simLike());
        QVERIFY(c);
        c->refreshToken = QStringLiteral("rt");
        c->credential = QStringLiteral("refreshToken");
        QVariantMap settings = c->toSettings();
        QCOMPARE(settings.value(QStringLiteral("authorityHost")).toString(),
                 QStringLiteral("https://127.0.0.1:40123"));
        QCOMPARE(settings.value(QStringLiteral("credential")).toString(), QStringLiteral("refreshToken"));
        QCOMPARE(settings.value(QStringLiteral("refreshToken")).toString(), QStringLiteral("rt"));
        QCOMPARE(settings.value(QStringLiteral("sqlServer")).toString(),
                 QStringLiteral("opsdeck-sql")); // passed through
        // A source's own settings sit beside them.
        settings.insert(QStringLiteral("window"), 3600);
        auto back = AzureConfig::fromSettings(settings);
        QVERIFY2(back, back ? "" : qPrintable(toString(back.error())));
        QCOMPARE(back->authorityHost, c->authorityHost);
        QCOMPARE(back->tenantId, c->tenantId);
        QCOMPARE(back->clientId, c->clientId);
        QCOMPARE(back->clientSecret, c->clientSecret);
        QCOMPARE(back->armEndpoint, c->armEndpoint);
        QCOMPARE(back->subscriptionId, c->subscriptionId);
        QCOMPARE(back->resourceGroup, c->resourceGroup);
        QCOMPARE(back->logAnalyticsEndpoint, c->logAnalyticsEndpoint);
        QCOMPARE(back->workspaceId, c->workspaceId);
        QCOMPARE(back->appInsightsEndpoint, c->appInsightsEndpoint);
        QCOMPARE(back->appId, c->appId);
        QCOMPARE(back->credential, c->credential);
        QCOMPARE(back->refreshToken, c->refreshToken);
        QCOMPARE(back->raw.value(QStringLiteral("sqlServer")).toString(), QStringLiteral("opsdeck-sql"));
    }
};

QTEST_GUILESS_MAIN(tst_AzureConfig)
#include "tst_azureconfig.moc"
