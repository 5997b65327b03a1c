#include "sqlarmclient.h"

#include "fakearm.h"

#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Opsdeck;

// SqlArmClient against a loopback fake ARM: paths and api-version, paging, one fresh token after a
// 401, GET retries per Retry-After, writes never repeated, ARM error bodies handed back.
class tst_SqlArmClient : public QObject
{
    Q_OBJECT

private:
    static AzureConfig configFor(const FakeArm &arm)
    {
        AzureConfig config;
        config.authorityHost = QUrl(arm.base());
        config.tenantId = QStringLiteral("tenant");
        config.clientId = QStringLiteral("client");
        config.clientSecret = QStringLiteral("secret");
        config.armEndpoint = QUrl(arm.base());
        config.subscriptionId = QStringLiteral("sub");
        config.resourceGroup = QStringLiteral("rg");
        return config;
    }

    static ArmReply call(SqlArmClient &client, const QByteArray &method, const QString &path,
                         const QJsonObject &body = {})
    {
        std::optional<ArmReply> answer;
        QObject context;
        client.send(method, path, body, QStringLiteral("testing"), &context,
                    [&answer](const ArmReply &reply) { answer = reply; });
        if (!QTest::qWaitFor([&answer] { return answer.has_value(); }, 20000))
            return ArmReply {};
        return *answer;
    }

private Q_SLOTS:
    void paths()
    {
        FakeArm arm;
        SqlArmClient client(configFor(arm));
        QCOMPARE(
            client.serverPath(QStringLiteral("sql-a")),
            QStringLiteral("/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Sql/servers/sql-a"));
        QCOMPARE(client.databasePath(QStringLiteral("sql-a"), QStringLiteral("ProductDb")),
                 QStringLiteral("/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Sql/servers/sql-a/"
                                "databases/ProductDb"));
        QCOMPARE(client.urlFor(QStringLiteral("/x/y")).toString(),
                 arm.base() + QStringLiteral("/x/y?api-version=2021-11-01"));
        // An LRO URL keeps its own api-version.
        QCOMPARE(client.urlFor(QStringLiteral("http://h:1/op/1?api-version=2022-08-01-preview")).toString(),
                 QStringLiteral("http://h:1/op/1?api-version=2022-08-01-preview"));
        QCOMPARE(client.urlFor(QStringLiteral("/x?$top=5")).toString(),
                 arm.base() + QStringLiteral("/x?$top=5&api-version=2021-11-01"));
    }

    void getAllFollowsNextLink()
    {
        FakeArm arm;
        const std::string base = arm.baseStd();
        std::atomic<int> pages { 0 };
        arm.server().Get(
            R"(/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Sql/servers/sql-a/databases)",
            [&](const httplib::Request &req, httplib::Response &res) {
                arm.log(req);
                ++pages;
                if (req.get_param_value("api-version") != "2021-11-01"
                    || req.get_header_value("Authorization") != "Bearer fake-token") {
                    res.status = 400;
                    return;
                }
                const std::string skip = req.get_param_value("$skipToken");
                const int page = skip.empty() ? 0 : std::stoi(skip);
                std::string next;
                if (page < 2)
                    next = ", \"nextLink\": \"" + base
                        + "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Sql/servers/sql-a/"
                          "databases?api-version=2021-11-01&$skipToken="
                        + std::to_string(page + 1) + "\"";
                res.set_content("{\"value\": [{\"name\": \"db" + std::to_string(page) + "\"}]" + next + "}",
                                "application/json");
            });
        SqlArmClient client(configFor(arm));
        std::optional<Result<QJsonArray>> answer;
        client.getAll(client.serverPath(QStringLiteral("sql-a")) + QStringLiteral("/databases"),
                      QStringLiteral("listing"), &client,
                      [&answer](Result<QJsonArray> all) { answer = std::move(all); });
        QTRY_VERIFY_WITH_TIMEOUT(answer.has_value(), 20000);
        QVERIFY(answer->has_value());
        QCOMPARE((*answer)->size(), 3);
        QCOMPARE((**answer)[2].toObject()[u"name"].toString(), QStringLiteral("db2"));
        QCOMPARE(pages.load(), 3);
    }

    void unauthorizedGetsOneFreshToken()
    {
        FakeArm arm;
        std::atomic<int> calls { 0 };
        arm.server().Get("/once", [&](const httplib::Request &, httplib::Response &res) {
            if (++calls == 1) {
                res.status = 401;
                res.set_content(R"({"error":{"code":"InvalidAuthenticationToken","message":"expired"}})",
                                "application/json");
                return;
            }
            res.set_content(R"({"name":"ok"})", "application/json");
        });
        arm.server().Get("/always", [&](const httplib::Request &, httplib::Response &res) {
            res.status = 401;
            res.set_content(R"({"error":{"code":"InvalidAuthenticationToken","message":"bad token"}})",
                            "application/json");
        });
        SqlArmClient client(configFor(arm));
        const ArmReply once = call(client, "GET", QStringLiteral("/once"));
        QVERIFY(once.ok());
        QCOMPARE(once.object[u"name"].toString(), QStringLiteral("ok"));
        QCOMPARE(calls.load(), 2);
        QCOMPARE(arm.tokenRequests.load(), 2); // invalidated, fetched again

        const ArmReply always = call(client, "GET", QStringLiteral("/always"));
        QVERIFY(!always.ok());
        QCOMPARE(always.status, 401);
        QVERIFY(always.error);
        QVERIFY(always.error->kind == ErrorKind::Unauthorized);
        QCOMPARE(always.armErrorCode(), QStringLiteral("InvalidAuthenticationToken"));
        QVERIFY(always.error->message.contains(QStringLiteral("bad token")));
        QVERIFY(always.error->message.startsWith(QStringLiteral("testing: GET ")));
    }

    void throttledGetWaitsRetryAfter()
    {
        FakeArm arm;
        std::atomic<int> calls { 0 };
        arm.server().Get("/busy", [&](const httplib::Request &, httplib::Response &res) {
            if (++calls <= 2) {
                res.status = 429;
                res.set_header("Retry-After", "1");
                res.set_content(R"({"error":{"code":"SubscriptionTooManyRequests","message":"slow down"}})",
                                "application/json");
                return;
            }
            res.set_content(R"({"value":[]})", "application/json");
        });
        SqlArmClient client(configFor(arm));
        QSignalSpy throttled(&client, &SqlArmClient::throttled);
        QElapsedTimer clock;
        clock.start();
        const ArmReply reply = call(client, "GET", QStringLiteral("/busy"));
        QVERIFY(reply.ok());
        QCOMPARE(calls.load(), 3);
        QVERIFY2(clock.elapsed() >= 1900, "two Retry-After: 1 waits");
        QCOMPARE(throttled.size(), 2);
        QCOMPARE(throttled.at(0).at(0).toInt(), 1);
    }

    void throttleLongerThanTheBoundFails()
    {
        FakeArm arm;
        std::atomic<int> calls { 0 };
        arm.server().Get("/busy", [&](const httplib::Request &, httplib::Response &res) {
            ++calls;
            res.status = 429;
            res.set_header("Retry-After", "600");
            res.set_content(R"({"error":{"code":"SubscriptionTooManyRequests","message":"slow down"}})",
                            "application/json");
        });
        SqlArmClient client(configFor(arm));
        client.setMaxThrottleWaitSeconds(30);
        const ArmReply reply = call(client, "GET", QStringLiteral("/busy"));
        QVERIFY(!reply.ok());
        QCOMPARE(reply.status, 429);
        QVERIFY(reply.error->kind == ErrorKind::Throttled);
        QCOMPARE(reply.retryAfterSeconds(), 600);
        QCOMPARE(calls.load(), 1);
    }

    void writesAreNotRepeated()
    {
        FakeArm arm;
        std::atomic<int> puts { 0 };
        std::string lastBody;
        std::mutex mutex;
        arm.server().Put(
            R"(/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Sql/servers/s/databases/(\w+))",
            [&](const httplib::Request &req, httplib::Response &res) {
                ++puts;
                {
                    std::lock_guard lock(mutex);
                    lastBody = req.body;
                }
                const std::string name = req.matches[1];
                if (name == "Busy") {
                    res.status = 503;
                    res.set_content(R"({"error":{"code":"ServiceUnavailable","message":"try later"}})",
                                    "application/json");
                } else if (name == "Taken") {
                    res.status = 409;
                    res.set_content(
                        R"({"error":{"code":"DatabaseAlreadyExists","message":"Database 'Taken' already exists."}})",
                        "application/json");
                } else {
                    res.status = 202;
                    res.set_header("Azure-AsyncOperation", "http://x/op/1?api-version=2021-11-01");
                    res.set_header("Retry-After", "7");
                    res.set_content(R"({"operation":"RestoreDatabase","startTime":"2026-11-26T09:00:00Z"})",
                                    "application/json");
                }
            });
        SqlArmClient client(configFor(arm));
        const QJsonObject body { { QStringLiteral("location"), QStringLiteral("westeurope") } };

        const ArmReply busy
            = call(client, "PUT", client.databasePath(QStringLiteral("s"), QStringLiteral("Busy")), body);
        QVERIFY(!busy.ok());
        QCOMPARE(puts.load(), 1); // a 503 to a write is not sent again
        QVERIFY(busy.error->kind == ErrorKind::Network);

        const ArmReply taken
            = call(client, "PUT", client.databasePath(QStringLiteral("s"), QStringLiteral("Taken")), body);
        QCOMPARE(taken.status, 409);
        QVERIFY(taken.error->kind == ErrorKind::Conflict);
        QCOMPARE(taken.armErrorCode(), QStringLiteral("DatabaseAlreadyExists"));
        QCOMPARE(taken.armErrorMessage(), QStringLiteral("Database 'Taken' already exists."));

        const ArmReply started
            = call(client, "PUT", client.databasePath(QStringLiteral("s"), QStringLiteral("New")), body);
        QVERIFY(started.ok());
        QCOMPARE(started.status, 202);
        QCOMPARE(started.headers.value("azure-asyncoperation"),
                 QByteArray("http://x/op/1?api-version=2021-11-01"));
        QCOMPARE(started.retryAfterSeconds(), 7);
        QCOMPARE(started.request,
                 QStringLiteral("PUT "
                                "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Sql/servers/s/"
                                "databases/New?api-version=2021-11-01"));
        QCOMPARE(started.object[u"operation"].toString(), QStringLiteral("RestoreDatabase"));
        std::lock_guard lock(mutex);
        QCOMPARE(QByteArray::fromStdString(lastBody), QByteArray(R"({"location":"westeurope"})"));
        QCOMPARE(puts.load(), 3);
    }

    void droppedContextGetsNoCallback()
    {
        FakeArm arm;
        arm.server().Get("/slow", [](const httplib::Request &, httplib::Response &res) {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            res.set_content("{}", "application/json");
        });
        SqlArmClient client(configFor(arm));
        bool called = false;
        auto context = std::make_unique<QObject>();
        client.get(QStringLiteral("/slow"), QStringLiteral("slow"), context.get(),
                   [&called](const ArmReply &) { called = true; });
        context.reset();
        QTest::qWait(800);
        QVERIFY(!called);
    }
};

QTEST_GUILESS_MAIN(tst_SqlArmClient)
#include "tst_sqlarmclient.moc"
