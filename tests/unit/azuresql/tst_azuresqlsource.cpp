#include "azuresqlsource.h"

#include "fakearm.h"

#include <QSignalSpy>
#include <QTest>

#include <atomic>
#include <mutex>

using namespace Opsdeck;

// AzureSqlSource against a loopback fake ARM with two servers: listing, one batch per poll with one list
// per server, a 403 on one server (Degraded, the other's list still published, a hint naming the role),
// a failing first poll (Down), a server gone from the resource group (its databases gone too).
class tst_AzureSqlSource : public QObject
{
    Q_OBJECT

private:
    struct Fake
    {
        FakeArm arm;
        std::mutex mutex;
        std::string servers = R"({"value":[{"name":"sql-a"},{"name":"sql-b"}]})";
        std::atomic<int> bStatus { 200 };
        std::atomic<int> listStatus { 200 };

        Fake()
        {
            const std::string prefix = "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Sql/servers";
            arm.server().Get(prefix, [this](const httplib::Request &, httplib::Response &res) {
                res.status = listStatus;
                std::lock_guard lock(mutex);
                res.set_content(
                    listStatus == 200
                        ? servers
                        : std::string(R"({"error":{"code":"InternalServerError","message":"boom"}})"),
                    "application/json");
            });
            arm.server().Get(prefix + "/sql-a/databases",
                             [](const httplib::Request &, httplib::Response &res) {
                                 res.set_content(R"({"value":[
                    {"id":"/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Sql/servers/sql-a/databases/ProductDb","name":"ProductDb",
                     "location":"westeurope","tags":{"Service":"productservice"},
                     "properties":{"status":"Online","currentServiceObjectiveName":"GP_Gen5_2","maxSizeBytes":1024,
                                   "creationDate":"2026-10-17T09:00:00Z","earliestRestoreDate":"2026-11-19T09:00:00Z"}},
                    {"name":"broken"}]})",
                                                 "application/json");
                             });
            arm.server().Get(
                prefix + "/sql-b/databases", [this](const httplib::Request &, httplib::Response &res) {
                    if (bStatus != 200) {
                        res.status = bStatus;
                        res.set_content(
                            R"({"error":{"code":"AuthorizationFailed","message":"The client does not have authorization to perform action 'Microsoft.Sql/servers/databases/read'."}})",
                            "application/json");
                        return;
                    }
                    res.set_content(
                        R"({"value":[{"id":"/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Sql/servers/sql-b/databases/OrderDb",
                    "name":"OrderDb","tags":{"Service":"orderservice"},"properties":{"status":"Online"}}]})",
                        "application/json");
                });
        }

        QVariantMap settings() const
        {
            return { { QStringLiteral("authorityHost"), arm.base() },
                     { QStringLiteral("tenantId"), QStringLiteral("tenant") },
                     { QStringLiteral("clientId"), QStringLiteral("client") },
                     { QStringLiteral("clientSecret"), QStringLiteral("secret") },
                     { QStringLiteral("armEndpoint"), arm.base() },
                     { QStringLiteral("subscriptionId"), QStringLiteral("sub") },
                     { QStringLiteral("resourceGroup"), QStringLiteral("rg") },
                     { QStringLiteral("pollSeconds"), 3600 },
                     { QStringLiteral("requestTimeoutMs"), 5000 } };
        }
    };

    static QHash<QString, SqlDatabaseList> lists(const ObservationBatch &batch)
    {
        QHash<QString, SqlDatabaseList> result;
        for (const Observation &o : batch.observations)
            if (const auto *list = std::get_if<SqlDatabaseList>(&o))
                result.insert(list->server, *list);
        return result;
    }

private Q_SLOTS:
    void initTestCase() { registerObservationMetaTypes(); }

    void settingsAreChecked()
    {
        AzureSqlSource source;
        QVariantMap settings { { QStringLiteral("subscriptionId"), QStringLiteral("sub") },
                               { QStringLiteral("tenantId"), QStringLiteral("t") },
                               { QStringLiteral("clientId"), QStringLiteral("c") },
                               { QStringLiteral("clientSecret"), QStringLiteral("s") } };
        QVERIFY(
            !source.configure(SourceConfig { QStringLiteral("azuresql"), settings })); // no resource group
        settings.insert(QStringLiteral("resourceGroup"), QStringLiteral("rg"));
        settings.insert(QStringLiteral("pollSeconds"), 0);
        const auto bad = source.configure(SourceConfig { QStringLiteral("azuresql"), settings });
        QVERIFY(!bad);
        QVERIFY(bad.error().kind == ErrorKind::Config);
        QVERIFY2(bad.error().message.contains(QStringLiteral("pollSeconds")),
                 qPrintable(bad.error().message));
        settings.insert(QStringLiteral("pollSeconds"), 30);
        QVERIFY(source.configure(SourceConfig { QStringLiteral("azuresql"), settings }));
    }

    void listsEveryServerAndDegradesOnOne()
    {
        Fake fake;
        fake.bStatus = 403;
        AzureSqlSource source;
        QVERIFY(source.configure(SourceConfig { QStringLiteral("azuresql"), fake.settings() }));
        QSignalSpy batches(&source, &DataSource::observationsReady);
        QSignalSpy polls(&source, &AzureSqlSource::pollFinished);
        source.start();
        QVERIFY(polls.wait(20000));
        QCOMPARE(source.servers(), QStringList({ QStringLiteral("sql-a"), QStringLiteral("sql-b") }));
        QCOMPARE(batches.size(), 1);
        auto got = lists(batches.at(0).at(0).value<ObservationBatch>());
        QCOMPARE(got.size(), 1); // sql-b failed: nothing replaces what it had
        QCOMPARE(got[QStringLiteral("sql-a")].databases.size(), 1); // the unreadable one skipped
        QCOMPARE(got[QStringLiteral("sql-a")].databases.first().service, QStringLiteral("productservice"));
        QCOMPARE(got[QStringLiteral("sql-a")].databases.first().server, QStringLiteral("sql-a"));
        QVERIFY(source.status().state == SourceStatus::State::Degraded);
        QVERIFY(source.status().error);
        QVERIFY(source.status().error->kind == ErrorKind::Forbidden);
        QVERIFY2(source.status().error->message.contains(QStringLiteral("AuthorizationFailed")),
                 qPrintable(source.status().error->message));
        QVERIFY2(source.status().error->message.contains(QStringLiteral("sql-b")),
                 qPrintable(source.status().error->message));
        QVERIFY(source.status().error->hint.contains(QStringLiteral("Reader")));

        // Both answer, then sql-b leaves the resource group.
        fake.bStatus = 200;
        source.refresh();
        QVERIFY(polls.wait(20000));
        got = lists(batches.last().at(0).value<ObservationBatch>());
        QCOMPARE(got.size(), 2);
        QCOMPARE(got[QStringLiteral("sql-b")].databases.first().name, QStringLiteral("OrderDb"));
        QVERIFY(source.status().state
                == SourceStatus::State::Degraded); // the unreadable database is still there
        QVERIFY(source.status().error->kind == ErrorKind::Invalid);
        {
            std::lock_guard lock(fake.mutex);
            fake.servers = R"({"value":[{"name":"sql-a"}]})";
        }
        source.refresh();
        QVERIFY(polls.wait(20000));
        got = lists(batches.last().at(0).value<ObservationBatch>());
        QCOMPARE(got.size(), 2);
        QVERIFY(got[QStringLiteral("sql-b")].databases.isEmpty());
        source.stop();
    }

    void firstPollFailingIsDown()
    {
        Fake fake;
        fake.listStatus = 500;
        AzureSqlSource source;
        QVariantMap settings = fake.settings();
        settings.insert(QStringLiteral("requestTimeoutMs"), 2000);
        QVERIFY(source.configure(SourceConfig { QStringLiteral("azuresql"), settings }));
        QSignalSpy batches(&source, &DataSource::observationsReady);
        QSignalSpy polls(&source, &AzureSqlSource::pollFinished);
        source.start();
        QVERIFY(polls.wait(60000)); // 500s are retried with backoff first
        QCOMPARE(batches.size(), 0);
        QVERIFY(source.status().state == SourceStatus::State::Down);
        QVERIFY(source.status().error->message.contains(
            QStringLiteral("listing the SQL servers of resource group rg")));

        // A named server skips the listing.
        source.stop();
        AzureSqlSource named;
        settings.insert(QStringLiteral("sqlServer"), QStringLiteral("sql-a"));
        QVERIFY(named.configure(SourceConfig { QStringLiteral("azuresql"), settings }));
        QSignalSpy namedPolls(&named, &AzureSqlSource::pollFinished);
        named.start();
        QVERIFY(namedPolls.wait(20000));
        QCOMPARE(named.servers(), QStringList { QStringLiteral("sql-a") });
        QVERIFY(named.status().state == SourceStatus::State::Degraded); // only the unreadable database
        named.stop();
    }
};

QTEST_GUILESS_MAIN(tst_AzureSqlSource)
#include "tst_azuresqlsource.moc"
