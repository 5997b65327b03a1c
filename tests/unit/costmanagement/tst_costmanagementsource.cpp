#include "costmanagementsource.h"
#include "fakearm.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Opsdeck;

namespace {

std::string page(const std::string &rows)
{
    return R"({"properties":{"nextLink":null,"columns":[{"name":"PreTaxCost","type":"Number"},{"name":"UsageDate","type":"Number"},{"name":"TagKey","type":"String"},{"name":"TagValue","type":"String"},{"name":"Currency","type":"String"}],"rows":[)"
        + rows + "]}}";
}

std::string yyyymmdd(const QDate &date)
{
    return date.toString(QStringLiteral("yyyyMMdd")).toStdString();
}

} // namespace

class tst_CostManagementSource : public QObject
{
    Q_OBJECT

private:
    static QVariantMap settings(const FakeArm &arm, const QString &cacheFile)
    {
        return {{QStringLiteral("authorityHost"), arm.base()},
                {QStringLiteral("tenantId"), QStringLiteral("tenant")},
                {QStringLiteral("clientId"), QStringLiteral("client")},
                {QStringLiteral("clientSecret"), QStringLiteral("secret")},
                {QStringLiteral("credential"), QStringLiteral("clientSecret")},
                {QStringLiteral("armEndpoint"), arm.base()},
                {QStringLiteral("subscriptionId"), QStringLiteral("sub")},
                {QStringLiteral("cacheFile"), cacheFile},
                {QStringLiteral("requestTimeoutMs"), 5000}};
    }
    static std::vector<CostSeries> series(const ObservationBatch &batch)
    {
        std::vector<CostSeries> out;
        for (const Observation &o : batch.observations) {
            if (const auto *s = std::get_if<CostSeries>(&o))
                out.push_back(*s);
        }
        return out;
    }

private Q_SLOTS:
    void initTestCase() { registerObservationMetaTypes(); }

    void config_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QVariant>("value");
        QTest::addColumn<bool>("ok");
        QTest::newRow("resource group scope") << QStringLiteral("scope") << QVariant(QStringLiteral("shop")) << true;
        QTest::newRow("bad period") << QStringLiteral("period") << QVariant(QStringLiteral("week")) << false;
        QTest::newRow("bad interval") << QStringLiteral("intervalMs") << QVariant(QStringLiteral("soon")) << false;
        QTest::newRow("last-month") << QStringLiteral("period") << QVariant(QStringLiteral("last-month")) << true;
    }
    void config()
    {
        QFETCH(QString, key);
        QFETCH(QVariant, value);
        QFETCH(bool, ok);
        FakeArm arm;
        QVariantMap s = settings(arm, {});
        s.insert(key, value);
        CostManagementSource source;
        const Result<void> configured = source.configure(SourceConfig{QStringLiteral("costmanagement"), s});
        QCOMPARE(bool(configured), ok);
        if (ok && key == QLatin1String("scope"))
            QCOMPARE(source.scope(), QStringLiteral("/subscriptions/sub/resourceGroups/shop"));
    }

    // The second start shows the first run's figures from the cache, with their age, before (and
    // although) the network fails; refresh() asks again at once.
    void cachedStartThenRefresh()
    {
        QTemporaryDir dir;
        const QString cacheFile = dir.filePath(QStringLiteral("costs.sqlite"));
        const QDate today = QDateTime::currentDateTimeUtc().date();
        const QDate first(today.year(), today.month(), 1);
        FakeArm arm;
        std::atomic<bool> down{false};
        std::atomic<int> queries{0};
        arm.server().Post(R"(/subscriptions/sub/providers/Microsoft.CostManagement/(query|forecast))",
                          [&](const httplib::Request &req, httplib::Response &res) {
                              if (down) {
                                  res.status = 400; // not transient: fails fast, no retries
                                  res.set_content(R"({"error":{"code":"BadRequest","message":"down for the test"}})", "application/json");
                                  return;
                              }
                              if (req.path.find("forecast") != std::string::npos) {
                                  res.status = 204;
                                  return;
                              }
                              ++queries;
                              const bool lastMonth = req.body.find("TheLastMonth") != std::string::npos;
                              res.set_content(page(lastMonth ? "[40," + yyyymmdd(first.addMonths(-1)) + R"(,"service","cart","EUR"])"
                                                             : "[42.5," + yyyymmdd(first) + R"(,"service","cart","EUR"])"),
                                              "application/json");
                          });
        arm.server().Get(R"(/subscriptions/sub/providers/Microsoft.Consumption/budgets)",
                         [&](const httplib::Request &, httplib::Response &res) { res.set_content(R"({"value":[]})", "application/json"); });

        QDateTime firstFetch;
        QList<CostPoint> fresh2Points;
        {
            CostManagementSource source;
            QVERIFY(source.configure(SourceConfig{QStringLiteral("costmanagement"), settings(arm, cacheFile)}));
            QSignalSpy batches(&source, &DataSource::observationsReady);
            source.start();
            QTRY_COMPARE_WITH_TIMEOUT(batches.size(), 1, 15000); // nothing cached yet: only the fresh batch
            const auto fresh = series(batches.at(0).at(0).value<ObservationBatch>());
            QCOMPARE(fresh.size(), size_t(3));
            QVERIFY(!fresh[0].cached);
            QCOMPARE(fresh[0].serviceTag, QStringLiteral("(shared)"));
            QCOMPARE(fresh[1].serviceTag, QStringLiteral("(untagged)"));
            QCOMPARE(fresh[2].serviceTag, QStringLiteral("cart"));
            QCOMPARE(fresh[2].points.size(), 2);
            QCOMPARE(fresh[2].points.last().amount, 42.5);
            QCOMPARE(toString(source.status().state), toString(SourceStatus::State::Ok));
            QCOMPARE(arm.tokenRequests.load(), 1);
            firstFetch = fresh[2].fetchedAt;
            fresh2Points = fresh[2].points;
            source.stop();
        }

        down = true;
        CostManagementSource source;
        QVERIFY(source.configure(SourceConfig{QStringLiteral("costmanagement"), settings(arm, cacheFile)}));
        QSignalSpy batches(&source, &DataSource::observationsReady);
        QSignalSpy statuses(&source, &DataSource::statusChanged);
        source.start();
        QCOMPARE(batches.size(), 1); // published in start(), before any network answer
        const auto cached = series(batches.at(0).at(0).value<ObservationBatch>());
        QCOMPARE(cached.size(), size_t(3));
        QVERIFY(cached[2].cached);
        QCOMPARE(cached[2].fetchedAt, firstFetch); // its age is the first run's
        QCOMPARE(cached[2].points, fresh2Points);
        QTRY_COMPARE_WITH_TIMEOUT(toString(source.status().state), toString(SourceStatus::State::Degraded), 15000); // not Down: it shows cached data
        QVERIFY(source.status().error);
        QCOMPARE(batches.size(), 1);

        down = false;
        const int before = queries;
        source.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(batches.size(), 2, 15000);
        QVERIFY(queries > before);
        QVERIFY(!series(batches.at(1).at(0).value<ObservationBatch>())[2].cached);
        QCOMPARE(toString(source.status().state), toString(SourceStatus::State::Ok));
        source.stop();
    }

    void scopeOptionSwitchesScope()
    {
        FakeArm arm;
        std::atomic<int> groupQueries{0};
        arm.server().Post(R"(/subscriptions/sub/resourceGroups/shop/providers/Microsoft.CostManagement/query)",
                          [&](const httplib::Request &, httplib::Response &res) {
                              ++groupQueries;
                              res.set_content(page(""), "application/json");
                          });
        arm.server().Post(R"(/subscriptions/sub/providers/Microsoft.CostManagement/query)",
                          [&](const httplib::Request &, httplib::Response &res) { res.set_content(page(""), "application/json"); });
        arm.server().Post(R"(.*/forecast)", [&](const httplib::Request &, httplib::Response &res) { res.status = 204; });
        arm.server().Get(R"(.*/budgets)", [&](const httplib::Request &, httplib::Response &res) { res.set_content(R"({"value":[]})", "application/json"); });
        CostManagementSource source;
        QVERIFY(source.configure(SourceConfig{QStringLiteral("costmanagement"), settings(arm, {})}));
        QSignalSpy batches(&source, &DataSource::observationsReady);
        source.start();
        QTRY_COMPARE_WITH_TIMEOUT(batches.size(), 1, 15000);
        source.setOption(QStringLiteral("scope"), QStringLiteral("shop"));
        QTRY_COMPARE_WITH_TIMEOUT(batches.size(), 2, 15000);
        QCOMPARE(series(batches.at(1).at(0).value<ObservationBatch>())[0].scope, QStringLiteral("/subscriptions/sub/resourceGroups/shop"));
        QCOMPARE(groupQueries.load(), 2); // the month and the month before
        source.stop();
    }
};

QTEST_GUILESS_MAIN(tst_CostManagementSource)
#include "tst_costmanagementsource.moc"
