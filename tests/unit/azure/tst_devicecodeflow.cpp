// The device code sign-in against a real opsdeck-sim (approved through its test hook, declined,
// slow_down, cancel), then the refresh-token credential it enables; expiry and transient failures
// against a scripted server.

#include "azuresim.h"
#include "fakeentra.h"

#include "azure/devicecodeflow.h"
#include "azure/entracredential.h"
#include "azure/refreshtokenledger.h"

#include <QJsonArray>

using namespace Opsdeck;

namespace {
const QString kLogAnalytics = QStringLiteral("https://api.loganalytics.io");
const QString kArm = QStringLiteral("https://management.azure.com");

QByteArray entraError(const char *error, int code, const char *text)
{
    const QJsonObject body { { QStringLiteral("error"), QString::fromLatin1(error) },
                             { QStringLiteral("error_description"),
                               QStringLiteral("AADSTS%1: %2\r\nTrace ID: x\r\nCorrelation ID: y")
                                   .arg(code)
                                   .arg(QString::fromLatin1(text)) },
                             { QStringLiteral("error_codes"), QJsonArray { code } } };
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QByteArray deviceCodeAnswer()
{
    const QJsonObject body { { QStringLiteral("user_code"), QStringLiteral("ABCD") },
                             { QStringLiteral("device_code"), QStringLiteral("dc") },
                             { QStringLiteral("verification_uri"),
                               QStringLiteral("https://microsoft.com/devicelogin") },
                             { QStringLiteral("expires_in"), 900 },
                             { QStringLiteral("interval"), 1 },
                             { QStringLiteral("message"), QStringLiteral("go") } };
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}
} // namespace

class tst_DeviceCodeFlow : public QObject
{
    Q_OBJECT

private:
    AzureSim m_sim;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_sim.start()); }

    void approvedSignInYieldsTokensAndARefreshCredential()
    {
        DeviceCodeFlow flow(m_sim.config);
        QSignalSpy code(&flow, &DeviceCodeFlow::codeReady);
        QSignalSpy signedIn(&flow, &DeviceCodeFlow::signedIn);
        QSignalSpy failed(&flow, &DeviceCodeFlow::failed);
        flow.start(kLogAnalytics);
        QVERIFY(flow.isRunning());
        QVERIFY(code.wait(20000));
        const auto prompt = code[0][0].value<DeviceCodeFlow::Prompt>();
        QVERIFY(!prompt.userCode.isEmpty());
        QCOMPARE(prompt.verificationUri.path(), QStringLiteral("/devicelogin"));
        QVERIFY(prompt.message.contains(prompt.userCode));
        QCOMPARE(prompt.intervalSeconds, 5);
        const qint64 left = QDateTime::currentDateTimeUtc().secsTo(prompt.expiresOn);
        QVERIFY2(left > 890 && left <= 900, qPrintable(QString::number(left)));

        // Pending for a while: it polls at the interval, not faster.
        QTest::qWait(5600);
        QCOMPARE(flow.pollCount(), 1);
        QCOMPARE(signedIn.size(), 0);
        QCOMPARE(m_sim.approve(prompt.userCode), 200);
        QVERIFY(signedIn.wait(15000));
        QCOMPARE(flow.pollCount(), 2);
        QCOMPARE(failed.size(), 0);
        QVERIFY(!flow.isRunning());
        const auto result = signedIn[0][0].value<DeviceCodeFlow::SignIn>();
        QCOMPARE(result.principal, QStringLiteral("sre@opsdeck.demo"));
        QCOMPARE(result.tenantId, m_sim.config.tenantId);
        QVERIFY(!result.refreshToken.isEmpty());
        QCOMPARE(result.accessToken.resource, kLogAnalytics);
        QCOMPARE(m_sim.query(result.accessToken.value), 200);

        // The refresh token gets tokens for any resource; they rotate, so two resources at once must
        // not spend one token twice.
        AzureConfig config = m_sim.config;
        config.credential = QStringLiteral("refreshToken");
        config.clientSecret.clear();
        config.refreshToken = result.refreshToken;
        EntraCredential credential(config);
        QSignalSpy rotated(&credential, &EntraCredential::refreshTokenChanged);
        QList<Result<AccessToken>> tokens;
        credential.requestToken(kLogAnalytics, this, [&tokens](Result<AccessToken> t) { tokens.append(t); });
        credential.requestToken(kArm, this, [&tokens](Result<AccessToken> t) { tokens.append(t); });
        QTRY_COMPARE_WITH_TIMEOUT(tokens.size(), 2, 20000);
        for (const auto &t : tokens)
            QVERIFY2(t, t ? "" : qPrintable(toString(t.error())));
        QCOMPARE(EntraCredential::principalOf(tokens[0]->value), QStringLiteral("sre@opsdeck.demo"));
        QCOMPARE(rotated.size(), 2);
        QCOMPARE(credential.config().refreshToken, rotated.last()[0].toString());
        QVERIFY(rotated.last()[0].toString() != result.refreshToken);
        QCOMPARE(m_sim.query(tokens[0]->value), 200);

        // Every credential in the process redeems the newest token (RefreshTokenLedger)...
        EntraCredential another(config);
        tokens.clear();
        another.requestToken(kLogAnalytics, this, [&tokens](Result<AccessToken> t) { tokens.append(t); });
        QTRY_COMPARE_WITH_TIMEOUT(tokens.size(), 1, 20000);
        QVERIFY2(tokens[0], tokens[0] ? "" : qPrintable(toString(tokens[0].error())));
        QCOMPARE(RefreshTokenLedger::instance().latest(
                     RefreshTokenLedger::keyFor(config.tenantId, config.clientId)),
                 another.config().refreshToken);

        // ...and a spent one is refused with Entra's invalid_grant.
        RefreshTokenLedger::instance().set(RefreshTokenLedger::keyFor(config.tenantId, config.clientId),
                                           result.refreshToken);
        EntraCredential stale(config);
        tokens.clear();
        stale.requestToken(kLogAnalytics, this, [&tokens](Result<AccessToken> t) { tokens.append(t); });
        QTRY_COMPARE_WITH_TIMEOUT(tokens.size(), 1, 20000);
        QVERIFY(!tokens[0]);
        QVERIFY(tokens[0].error().kind == ErrorKind::Unauthorized);
        QVERIFY2(tokens[0].error().message.contains(u"invalid_grant"), qPrintable(tokens[0].error().message));
    }

    void declinedSignInFails()
    {
        DeviceCodeFlow flow(m_sim.config);
        QSignalSpy code(&flow, &DeviceCodeFlow::codeReady);
        QSignalSpy failed(&flow, &DeviceCodeFlow::failed);
        flow.start(kLogAnalytics);
        QVERIFY(code.wait(20000));
        QCOMPARE(m_sim.approve(code[0][0].value<DeviceCodeFlow::Prompt>().userCode, true), 200);
        QVERIFY(failed.wait(15000));
        const Error error = failed[0][0].value<Error>();
        QVERIFY(error.kind == ErrorKind::Forbidden);
        QVERIFY2(error.message.contains(u"authorization_declined") && error.message.contains(u"AADSTS70000"),
                 qPrintable(error.message));
        QVERIFY(!flow.isRunning());
    }

    void slowDownAddsFiveSeconds()
    {
        DeviceCodeFlow flow(m_sim.config);
        flow.setIntervalOverride(1); // faster than the sim's 5 s
        QSignalSpy code(&flow, &DeviceCodeFlow::codeReady);
        QSignalSpy slowed(&flow, &DeviceCodeFlow::intervalChanged);
        QSignalSpy signedIn(&flow, &DeviceCodeFlow::signedIn);
        flow.start(kLogAnalytics);
        QVERIFY(code.wait(20000));
        QVERIFY(slowed.wait(10000)); // the second poll, 1 s after the first
        QCOMPARE(slowed[0][0].toInt(), 6);
        QCOMPARE(flow.intervalSeconds(), 6);
        const int polls = flow.pollCount();
        QCOMPARE(polls, 2);
        QCOMPARE(m_sim.approve(code[0][0].value<DeviceCodeFlow::Prompt>().userCode), 200);
        QTest::qWait(4000);
        QCOMPARE(flow.pollCount(), polls); // waiting the longer interval
        QVERIFY(signedIn.wait(10000));
    }

    void cancelStopsPolling()
    {
        DeviceCodeFlow flow(m_sim.config);
        flow.setIntervalOverride(1);
        QSignalSpy code(&flow, &DeviceCodeFlow::codeReady);
        QSignalSpy cancelled(&flow, &DeviceCodeFlow::cancelled);
        QSignalSpy failed(&flow, &DeviceCodeFlow::failed);
        QSignalSpy signedIn(&flow, &DeviceCodeFlow::signedIn);
        flow.start(kLogAnalytics);
        QVERIFY(code.wait(20000));
        flow.cancel();
        QCOMPARE(cancelled.size(), 1);
        QVERIFY(!flow.isRunning());
        const int polls = flow.pollCount();
        QCOMPARE(m_sim.approve(code[0][0].value<DeviceCodeFlow::Prompt>().userCode), 200);
        QTest::qWait(2500);
        QCOMPARE(flow.pollCount(), polls);
        QCOMPARE(signedIn.size(), 0);
        QCOMPARE(failed.size(), 0);
        flow.cancel(); // twice is harmless
        QCOMPARE(cancelled.size(), 1);
    }

    void expiredCodeAndTransientFailures()
    {
        FakeEntra fake;
        QVERIFY(fake.isListening());
        fake.answers = {
            { 200, deviceCodeAnswer() },
            { 400, entraError("authorization_pending", 70016, "pending") },
            { 503, "{}" }, // transient: keep polling
            { 400, entraError("expired_token", 70020, "This device code has expired.") },
        };
        AzureConfig config = m_sim.config;
        config.authorityHost = QUrl(fake.url());
        config.caFile.clear();
        DeviceCodeFlow flow(config);
        QSignalSpy failed(&flow, &DeviceCodeFlow::failed);
        flow.start(kLogAnalytics);
        QVERIFY(failed.wait(15000));
        QCOMPARE(flow.pollCount(), 3);
        const Error error = failed[0][0].value<Error>();
        QVERIFY(error.kind == ErrorKind::Timeout);
        QVERIFY2(error.message.contains(u"AADSTS70020"), qPrintable(error.message));
        QCOMPARE(fake.requests.size(), 4);
        QVERIFY(
            fake.requests[0].startsWith("POST /" + config.tenantId.toUtf8() + "/oauth2/v2.0/devicecode\n"));
        QVERIFY(
            fake.requests[0].contains("scope=https%3A%2F%2Fapi.loganalytics.io%2F.default%20offline_access"));
        QVERIFY(fake.requests[1].startsWith("POST /" + config.tenantId.toUtf8() + "/oauth2/v2.0/token\n"));
        QVERIFY(
            fake.requests[1].contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code"));
        QVERIFY(fake.requests[1].contains("device_code=dc"));

        // A device code endpoint that refuses the client.
        fake.answers = { { 400, entraError("unauthorized_client", 700016, "Application not found.") } };
        QSignalSpy failedAgain(&flow, &DeviceCodeFlow::failed);
        flow.start(kLogAnalytics);
        QVERIFY(failedAgain.wait(15000));
        QVERIFY(failedAgain[0][0].value<Error>().kind == ErrorKind::Config);
        QVERIFY(failedAgain[0][0].value<Error>().message.contains(u"AADSTS700016"));
    }
};

QTEST_GUILESS_MAIN(tst_DeviceCodeFlow)
#include "tst_devicecodeflow.moc"
