// EntraCredential against a real opsdeck-sim: client credentials, caching, one request per resource,
// invalidation, Entra's real error bodies, TLS trust; the Azure CLI path with a fake `az` on PATH.

#include "azuresim.h"

#include "azure/entracredential.h"

#include <QJsonArray>

using namespace Opsdeck;

namespace {

struct Answer
{
    QList<Result<AccessToken>> results;
    std::function<void(Result<AccessToken>)> sink()
    {
        return [this](Result<AccessToken> r) {
            results.append(std::move(r));
        };
    }
};

QJsonObject claimsOf(const QByteArray &jwt)
{
    const QList<QByteArray> parts = jwt.split('.');
    if (parts.size() != 3)
        return {};
    return QJsonDocument::fromJson(QByteArray::fromBase64(parts[1], QByteArray::Base64UrlEncoding)).object();
}

const QString kLogAnalytics = QStringLiteral("https://api.loganalytics.io");
const QString kArm = QStringLiteral("https://management.azure.com");

} // namespace

class tst_EntraCredential : public QObject
{
    Q_OBJECT

private:
    AzureSim m_sim;
    QTemporaryDir m_bin;

    // A fake `az` that answers from the environment: FAKE_AZ_MODE ok|fail, FAKE_AZ_EXPIRES_IN seconds,
    // and counts its runs in FAKE_AZ_COUNT.
    QString writeFakeAz()
    {
        const QString path = m_bin.filePath(QStringLiteral("az"));
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            return {};
        f.write(R"sh(#!/bin/sh
n=$(cat "$FAKE_AZ_COUNT" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$FAKE_AZ_COUNT"
echo "$*" > "$FAKE_AZ_COUNT.args"
if [ "$FAKE_AZ_MODE" = fail ]; then
  echo "ERROR: Please run 'az login' to setup account." >&2; exit 1
fi
exp=$(( $(date +%s) + ${FAKE_AZ_EXPIRES_IN:-3600} ))
if [ "$FAKE_AZ_MODE" = local ]; then
  printf '{"accessToken":"cli-token-%s","expiresOn":"%s","subscription":"s","tenant":"t","tokenType":"Bearer"}\n' $n "$(date -d @$exp '+%Y-%m-%d %H:%M:%S.000000')"
else
  printf '{"accessToken":"cli-token-%s","expiresOn":"ignored","expires_on":%s,"subscription":"s","tenant":"t","tokenType":"Bearer"}\n' $n $exp
fi
)sh");
        f.close();
        f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        return path;
    }

    int fakeAzRuns() const
    {
        QFile f(m_bin.filePath(QStringLiteral("count")));
        return f.open(QIODevice::ReadOnly) ? f.readAll().trimmed().toInt() : 0;
    }

private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<AccessToken>();
        QVERIFY(m_sim.start());
        QVERIFY(!m_sim.config.caFile.isEmpty());
        QCOMPARE(m_sim.config.credential, QStringLiteral("clientSecret"));
        QVERIFY(!writeFakeAz().isEmpty());
    }

    void clientSecretGetsAWorkingToken()
    {
        EntraCredential credential(m_sim.config);
        QSignalSpy acquired(&credential, &EntraCredential::tokenAcquired);
        Answer answer;
        credential.requestToken(kLogAnalytics, this, answer.sink());
        QTRY_COMPARE_WITH_TIMEOUT(answer.results.size(), 1, 20000);
        QVERIFY2(answer.results[0], answer.results[0] ? "" : qPrintable(toString(answer.results[0].error())));
        const AccessToken token = *answer.results[0];
        QCOMPARE(token.resource, kLogAnalytics);
        const QJsonObject claims = claimsOf(token.value);
        QCOMPARE(claims.value(QStringLiteral("aud")).toString(), kLogAnalytics);
        QCOMPARE(claims.value(QStringLiteral("appid")).toString(), m_sim.config.clientId);
        // expires_in 3600 from now, give or take the round trip
        const qint64 left = QDateTime::currentDateTimeUtc().secsTo(token.expiresOn);
        QVERIFY2(left > 3500 && left <= 3600, qPrintable(QString::number(left)));
        QCOMPARE(acquired.size(), 1);
        QCOMPARE(acquired[0][1].toString(), QStringLiteral("app %1").arg(m_sim.config.clientId));
        // The sim's query API takes it.
        QCOMPARE(m_sim.query(token.value), 200);
        QCOMPARE(m_sim.query("not-a-token"), 403);
    }

    void tokensAreCachedPerResourceAndShared()
    {
        EntraCredential credential(m_sim.config);
        Answer answer;
        // Three callers at once for one resource: one HTTP request.
        for (int i = 0; i < 3; ++i)
            credential.requestToken(kLogAnalytics, this, answer.sink());
        QCOMPARE(credential.tokenRequestCount(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(answer.results.size(), 3, 20000);
        for (const auto &r : answer.results) {
            QVERIFY(r);
            QCOMPARE(r->value, answer.results[0]->value);
        }
        // Cached: answered without a request, still asynchronously.
        credential.requestToken(kLogAnalytics, this, answer.sink());
        QCOMPARE(answer.results.size(), 3);
        QTRY_COMPARE_WITH_TIMEOUT(answer.results.size(), 4, 5000);
        QCOMPARE(answer.results[3]->value, answer.results[0]->value);
        QCOMPARE(credential.tokenRequestCount(), 1);

        // Another resource: its own token, its own audience.
        credential.requestToken(kArm, this, answer.sink());
        QTRY_COMPARE_WITH_TIMEOUT(answer.results.size(), 5, 20000);
        QVERIFY(answer.results[4]);
        QCOMPARE(claimsOf(answer.results[4]->value).value(QStringLiteral("aud")).toString(), kArm);
        QCOMPARE(credential.tokenRequestCount(), 2);

        // After a 401 the caller invalidates: the next request fetches a new token.
        credential.invalidate(kLogAnalytics);
        credential.requestToken(kLogAnalytics, this, answer.sink());
        QTRY_COMPARE_WITH_TIMEOUT(answer.results.size(), 6, 20000);
        QCOMPARE(credential.tokenRequestCount(), 3);
        QVERIFY(answer.results[5]);
        QVERIFY(answer.results[5]->value != answer.results[0]->value);
    }

    void destroyedContextIsNotCalled()
    {
        EntraCredential credential(m_sim.config);
        bool called = false;
        auto *context = new QObject;
        credential.requestToken(kLogAnalytics, context, [&called](Result<AccessToken>) { called = true; });
        delete context;
        Answer answer;
        credential.requestToken(kLogAnalytics, this, answer.sink());
        QTRY_COMPARE_WITH_TIMEOUT(answer.results.size(), 1, 20000);
        QTest::qWait(50);
        QVERIFY(!called);
    }

    void wrongSecretNamesTheAadstsCode()
    {
        AzureConfig config = m_sim.config;
        config.clientSecret = QStringLiteral("wrong+secret");
        EntraCredential credential(config);
        Answer answer;
        credential.requestToken(kLogAnalytics, this, answer.sink());
        QTRY_COMPARE_WITH_TIMEOUT(answer.results.size(), 1, 20000);
        QVERIFY(!answer.results[0]);
        const Error error = answer.results[0].error();
        QVERIFY(error.kind == ErrorKind::Unauthorized);
        QVERIFY2(error.message.contains(u"AADSTS7000215"), qPrintable(error.message));
        QVERIFY(error.message.contains(u"invalid_client"));
        QVERIFY(!error.message.contains(u"Trace ID")); // the first line only
        QVERIFY(!error.hint.isEmpty());
    }

    void unknownClientAndScopeAreConfigErrors()
    {
        AzureConfig config = m_sim.config;
        config.clientId = QStringLiteral("00000000-0000-0000-0000-000000000000");
        EntraCredential credential(config);
        Answer answer;
        credential.requestToken(kLogAnalytics, this, answer.sink());
        QTRY_COMPARE_WITH_TIMEOUT(answer.results.size(), 1, 20000);
        QVERIFY(!answer.results[0]);
        QVERIFY(answer.results[0].error().kind == ErrorKind::Config);
        QVERIFY2(answer.results[0].error().message.contains(u"AADSTS700016"),
                 qPrintable(answer.results[0].error().message));

        EntraCredential good(m_sim.config);
        good.requestToken(QStringLiteral("not a resource"), this, answer.sink());
        QTRY_COMPARE_WITH_TIMEOUT(answer.results.size(), 2, 20000);
        QVERIFY(!answer.results[1]);
        QVERIFY2(answer.results[1].error().message.contains(u"AADSTS70011"),
                 qPrintable(answer.results[1].error().message));
    }

    void withoutTheSimsCaTlsFails()
    {
        AzureConfig config = m_sim.config;
        config.caFile.clear();
        EntraCredential credential(config);
        Answer answer;
        credential.requestToken(kLogAnalytics, this, answer.sink());
        QTRY_COMPARE_WITH_TIMEOUT(answer.results.size(), 1, 20000);
        QVERIFY(!answer.results[0]);
        QVERIFY(answer.results[0].error().kind == ErrorKind::Network);
        QVERIFY2(answer.results[0].error().hint.contains(u"caFile"),
                 qPrintable(toString(answer.results[0].error())));

        config.caFile = m_sim.configPath; // JSON, not PEM
        EntraCredential badCa(config);
        badCa.requestToken(kLogAnalytics, this, answer.sink());
        QTRY_COMPARE_WITH_TIMEOUT(answer.results.size(), 2, 5000);
        QVERIFY(answer.results[1].error().kind == ErrorKind::Config);
        QCOMPARE(badCa.tokenRequestCount(), 0);
    }

    void unreachableAuthorityIsANetworkError()
    {
        AzureConfig config = m_sim.config;
        config.authorityHost = QUrl(QStringLiteral("https://127.0.0.1:1"));
        EntraCredential credential(config);
        Answer answer;
        credential.requestToken(kLogAnalytics, this, answer.sink());
        QTRY_COMPARE_WITH_TIMEOUT(answer.results.size(), 1, 20000);
        QVERIFY(!answer.results[0]);
        QVERIFY(answer.results[0].error().kind == ErrorKind::Network);
        QVERIFY(answer.results[0].error().message.contains(u"127.0.0.1:1"));
    }

    void missingSecretAsksForOne()
    {
        AzureConfig config = m_sim.config;
        config.clientSecret.clear();
        EntraCredential credential(config);
        Answer answer;
        credential.requestToken(kLogAnalytics, this, answer.sink());
        QTRY_COMPARE_WITH_TIMEOUT(answer.results.size(), 1, 5000);
        QVERIFY(answer.results[0].error().kind == ErrorKind::Config);
        QCOMPARE(credential.tokenRequestCount(), 0);
    }

    void azureCliTokenIsParsedAndRenewedBeforeExpiry()
    {
        qputenv("FAKE_AZ_COUNT", m_bin.filePath(QStringLiteral("count")).toUtf8());
        qputenv("FAKE_AZ_MODE", "ok");
        qputenv("FAKE_AZ_EXPIRES_IN", "4"); // renewed half-way: after 2 s
        const QByteArray oldPath = qgetenv("PATH");
        qputenv("PATH", m_bin.path().toUtf8() + ':' + oldPath);
        AzureConfig config = m_sim.config;
        config.credential = QStringLiteral("azureCli");
        EntraCredential credential(config);
        Answer answer;
        credential.requestToken(kArm, this, answer.sink());
        credential.requestToken(kArm, this, answer.sink());
        QTRY_COMPARE_WITH_TIMEOUT(answer.results.size(), 2, 20000);
        QVERIFY2(answer.results[0], answer.results[0] ? "" : qPrintable(toString(answer.results[0].error())));
        QCOMPARE(answer.results[0]->value, QByteArray("cli-token-1"));
        QCOMPARE(answer.results[1]->value, QByteArray("cli-token-1"));
        QCOMPARE(fakeAzRuns(), 1);
        const qint64 left = QDateTime::currentDateTimeUtc().secsTo(answer.results[0]->expiresOn);
        QVERIFY2(left >= 2 && left <= 4, qPrintable(QString::number(left)));
        QFile args(m_bin.filePath(QStringLiteral("count.args")));
        QVERIFY(args.open(QIODevice::ReadOnly));
        QCOMPARE(args.readAll().trimmed(),
                 QStringLiteral("account get-access-token --resource %1 -o json --tenant %2")
                     .arg(kArm, m_sim.config.tenantId)
                     .toUtf8());

        credential.requestToken(kArm, this, answer.sink()); // still fresh
        QTRY_COMPARE_WITH_TIMEOUT(answer.results.size(), 3, 5000);
        QCOMPARE(answer.results[2]->value, QByteArray("cli-token-1"));
        QTest::qWait(2200);
        credential.requestToken(kArm, this, answer.sink()); // due for renewal
        QTRY_COMPARE_WITH_TIMEOUT(answer.results.size(), 4, 20000);
        QCOMPARE(answer.results[3]->value, QByteArray("cli-token-2"));

        // Older CLIs: only expiresOn, in local time.
        qputenv("FAKE_AZ_MODE", "local");
        qputenv("FAKE_AZ_EXPIRES_IN", "3600");
        credential.invalidate(kArm);
        credential.requestToken(kArm, this, answer.sink());
        QTRY_COMPARE_WITH_TIMEOUT(answer.results.size(), 5, 20000);
        QVERIFY(answer.results[4]);
        const qint64 localLeft = QDateTime::currentDateTimeUtc().secsTo(answer.results[4]->expiresOn);
        QVERIFY2(localLeft > 3590 && localLeft <= 3600, qPrintable(QString::number(localLeft)));

        // Not logged in: the CLI's own words, and what to do.
        qputenv("FAKE_AZ_MODE", "fail");
        credential.invalidate(kArm);
        credential.requestToken(kArm, this, answer.sink());
        QTRY_COMPARE_WITH_TIMEOUT(answer.results.size(), 6, 20000);
        QVERIFY(!answer.results[5]);
        QVERIFY(answer.results[5].error().kind == ErrorKind::Unauthorized);
        QVERIFY(answer.results[5].error().message.contains(u"az login"));
        qputenv("PATH", oldPath);

        // No az at all.
        EntraCredential noCli(config);
        noCli.setAzureCliProgram(m_bin.filePath(QStringLiteral("does-not-exist")));
        noCli.requestToken(kArm, this, answer.sink());
        QTRY_COMPARE_WITH_TIMEOUT(answer.results.size(), 7, 20000);
        QVERIFY(!answer.results[6]);
        QVERIFY(answer.results[6].error().kind == ErrorKind::Config);
    }
};

QTEST_GUILESS_MAIN(tst_EntraCredential)
#include "tst_entracredential.moc"
