#include "costfetcher.h"
#include "fakearm.h"

#include "resilientclient.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using namespace Opsdeck;

namespace {

const char *QueryPath = "/subscriptions/sub/providers/Microsoft.CostManagement/query";
const char *ForecastPath = "/subscriptions/sub/providers/Microsoft.CostManagement/forecast";
const char *BudgetPath = "/subscriptions/sub/providers/Microsoft.Consumption/budgets";

std::string page(const std::string &rows, const std::string &nextLink)
{
    return R"({"id":"x","name":"x","type":"Microsoft.CostManagement/query","properties":{"nextLink":)"
        + (nextLink.empty() ? std::string("null") : "\"" + nextLink + "\"")
        + R"(,"columns":[{"name":"PreTaxCost","type":"Number"},{"name":"UsageDate","type":"Number"},{"name":"TagKey","type":"String"},{"name":"TagValue","type":"String"},{"name":"Currency","type":"String"}],"rows":[)"
        + rows + "]}}";
}

std::string forecast(const std::string &rows)
{
    return R"({"properties":{"nextLink":null,"columns":[{"name":"Cost","type":"Number"},{"name":"UsageDate","type":"Number"},{"name":"CostStatus","type":"String"},{"name":"Currency","type":"String"}],"rows":[)"
        + rows + "]}}";
}

} // namespace

class tst_CostFetcher : public QObject
{
    Q_OBJECT

private:
    struct Run
    {
        std::optional<Result<CostAnswers>> result;
        qint64 elapsedMs = 0;
        int throttled = 0;
        int invalidated = 0;
    };

    Run fetch(FakeArm &arm, CostFetcher::Settings settings = {})
    {
        QNetworkAccessManager net;
        ResilientClient::Settings resilience;
        resilience.retry.baseDelay = std::chrono::milliseconds(10);
        ResilientClient http(&net, resilience);
        Run run;
        CostAuth auth;
        auth.token = [](QObject *, std::function<void(Result<QByteArray>)> done) { done(QByteArray("t0ken")); };
        auth.invalidate = [&run] { ++run.invalidated; };
        settings.armEndpoint = QUrl(arm.base() + QStringLiteral("/"));
        settings.scope = QStringLiteral("/subscriptions/sub");
        CostFetcher fetcher(&http, auth, settings);
        QSignalSpy throttled(&fetcher, &CostFetcher::throttled);
        QElapsedTimer timer;
        timer.start();
        const bool started = fetcher.fetch(QDate(2026, 11, 10), [&run](const Result<CostAnswers> &answers) { run.result = answers; });
        if (!started)
            qFatal("fetch did not start");
        (void)QTest::qWaitFor([&run] { return run.result.has_value(); }, 20000);
        run.elapsedMs = timer.elapsed();
        run.throttled = int(throttled.size());
        return run;
    }

private Q_SLOTS:
    void bodies()
    {
        const QByteArray query = CostFetcher::queryBody(QStringLiteral("MonthToDate"), QStringLiteral("Service"));
        QCOMPARE(query, QByteArray(R"({"dataset":{"aggregation":{"totalCost":{"function":"Sum","name":"Cost"}},"granularity":"Daily",)"
                                   R"("grouping":[{"name":"Service","type":"TagKey"}]},"timeframe":"MonthToDate","type":"ActualCost"})"));
        const QByteArray f = CostFetcher::forecastBody(QDate(2026, 11, 10), QDate(2026, 11, 30), QStringLiteral("Service"), QStringLiteral("cart"));
        QVERIFY(f.contains(R"("timeframe":"Custom")"));
        QVERIFY(f.contains(R"("includeFreshPartialCost":true)"));
        QVERIFY(f.contains(R"("includeActualCost":true)"));
        QVERIFY(f.contains(R"("timePeriod":{"from":"2026-11-10T00:00:00+00:00","to":"2026-11-30T23:59:59+00:00"})"));
        QVERIFY(f.contains(R"("filter":{"tags":{"name":"Service","operator":"In","values":["cart"]}})"));
        QVERIFY(!f.contains("grouping"));
        QCOMPARE(CostFetcher::scopeFor(QStringLiteral("s"), QString()), QStringLiteral("/subscriptions/s"));
        QCOMPARE(CostFetcher::scopeFor(QStringLiteral("s"), QStringLiteral("shop")), QStringLiteral("/subscriptions/s/resourceGroups/shop"));
        QCOMPARE(CostFetcher::scopeFor(QStringLiteral("s"), QStringLiteral("/subscriptions/t/resourceGroups/x/")),
                 QStringLiteral("/subscriptions/t/resourceGroups/x"));
    }

    void throttleWaitReadsEveryHeader_data()
    {
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<int>("seconds");
        QTest::newRow("qpu") << QByteArray("x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after") << QByteArray("7") << 7;
        QTest::newRow("entity") << QByteArray("x-ms-ratelimit-microsoft.costmanagement-entity-retry-after") << QByteArray("12") << 12;
        QTest::newRow("consumption") << QByteArray("x-ms-ratelimit-microsoft.consumption-retry-after") << QByteArray("3") << 3;
        QTest::newRow("Retry-After") << QByteArray("Retry-After") << QByteArray("5") << 5;
        QTest::newRow("fraction") << QByteArray("x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after") << QByteArray("1.2") << 2;
    }
    void throttleWaitReadsEveryHeader()
    {
        QFETCH(QByteArray, name);
        QFETCH(QByteArray, value);
        QFETCH(int, seconds);
        HttpResponse response;
        response.status = 429;
        response.headers << qMakePair(QByteArray("x-ms-ratelimit-microsoft.costmanagement-qpu-consumed"), QByteArray("12"))
                         << qMakePair(name, value);
        QCOMPARE(CostFetcher::throttleWait(response, QDateTime::currentDateTimeUtc()), std::optional(std::chrono::seconds(seconds)));
    }

    // The whole refresh: 429 then success, nextLink paging for query and budgets, forecasts per tag.
    void refreshPagesAndWaitsOutThrottling()
    {
        FakeArm arm;
        std::atomic<int> queries{0};
        arm.server().Post(QueryPath, [&](const httplib::Request &req, httplib::Response &res) {
            arm.log(req);
            if (req.get_header_value("Authorization") != "Bearer t0ken") {
                res.status = 401;
                return;
            }
            if (queries++ == 0) {
                res.status = 429;
                res.set_header("x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after", "1");
                res.set_content(R"({"error":{"code":"429","message":"Too many requests. Please retry."}})", "application/json");
                return;
            }
            const bool monthToDate = req.body.find("\"MonthToDate\"") != std::string::npos;
            if (monthToDate && !req.has_param("$skiptoken")) {
                res.set_content(page(R"([10,20261101,"service","cart","USD"],[2,20261101,"","","USD"])",
                                     arm.baseStd() + QueryPath + "?api-version=2023-03-01&$skiptoken=p2"),
                                "application/json");
            } else if (monthToDate) {
                res.set_content(page(R"([11,20261102,"service","cart","USD"],[3,20261102,"service","shared","USD"])", {}), "application/json");
            } else {
                res.set_content(page(R"([9,20261001,"service","cart","USD"],[9,20261002,"service","cart","USD"])", {}), "application/json");
            }
        });
        arm.server().Post(ForecastPath, [&](const httplib::Request &req, httplib::Response &res) {
            arm.log(req);
            if (req.body.find("\"cart\"") != std::string::npos)
                res.set_content(forecast(R"([20,20261111,"Forecast","USD"],[20,20261130,"Forecast","USD"])"), "application/json");
            else if (req.body.find("\"shared\"") != std::string::npos)
                res.status = 204; // nothing to report
            else
                res.set_content(forecast(R"([25,20261111,"Forecast","USD"],[20,20261130,"Forecast","USD"])"), "application/json");
        });
        arm.server().Get(BudgetPath, [&](const httplib::Request &req, httplib::Response &res) {
            arm.log(req);
            if (!req.has_param("$skiptoken"))
                res.set_content(R"({"value":[{"name":"cart","properties":{"amount":100,"filter":{"tags":{"name":"Service","operator":"In","values":["cart"]}}}}],"nextLink":")"
                                    + arm.baseStd() + BudgetPath + R"(?api-version=2024-08-01&$skiptoken=b2"})",
                                "application/json");
            else
                res.set_content(R"({"value":[{"name":"all","properties":{"amount":1000}}]})", "application/json");
        });

        const Run run = fetch(arm);
        QVERIFY(run.result.has_value());
        QVERIFY2(*run.result, qPrintable(run.result->has_value() ? QString() : run.result->error().message));
        const CostAnswers &answers = **run.result;
        QCOMPARE(run.throttled, 1);
        QVERIFY2(run.elapsedMs >= 950, "the 429's qpu-retry-after (1 s) was waited out");
        QCOMPARE(answers.asOf, QDate(2026, 11, 10));
        QCOMPARE(answers.current.size(), 4); // both pages
        QCOMPARE(answers.previous.size(), 2);
        QCOMPARE(answers.budgets.size(), 2); // both pages
        QCOMPARE(answers.forecastByTag.keys().size(), 2);
        QCOMPARE(answers.forecastByTag.value(QStringLiteral("cart")).size(), 2);
        QVERIFY(answers.forecastByTag.value(QStringLiteral("shared")).isEmpty()); // 204
        QVERIFY(answers.totalForecast);
        QVERIFY(answers.partialErrors.isEmpty());

        const auto log = arm.requests();
        // 429, page 1, page 2 (same body to nextLink), last month, budgets ×2, 3 forecasts.
        QCOMPARE(int(log.size()), 9);
        QVERIFY(log[2].find("$skiptoken=p2") != std::string::npos);
        QCOMPARE(log[2].substr(log[2].find(" {")), log[1].substr(log[1].find(" {")));
        QVERIFY(log[0].find("Bearer t0ken") != std::string::npos);

        const CostSnapshot snapshot = CostAssembler::assemble(answers);
        QCOMPARE(snapshot.series.size(), 3); // cart, (shared), (untagged)
    }

    void unauthorizedGetsOneFreshToken()
    {
        FakeArm arm;
        arm.server().Post(QueryPath, [&](const httplib::Request &req, httplib::Response &res) {
            arm.log(req);
            res.status = 401;
            res.set_content(R"({"error":{"code":"InvalidAuthenticationToken","message":"expired"}})", "application/json");
        });
        const Run run = fetch(arm);
        QVERIFY(run.result.has_value());
        QVERIFY(!*run.result);
        QCOMPARE(toString(run.result->error().kind), toString(ErrorKind::Unauthorized));
        QCOMPARE(run.invalidated, 1);
        QCOMPARE(int(arm.requests().size()), 2);
    }

    void throttledTooLongFailsAsThrottled()
    {
        FakeArm arm;
        arm.server().Post(QueryPath, [&](const httplib::Request &req, httplib::Response &res) {
            arm.log(req);
            res.status = 429;
            res.set_header("Retry-After", "600");
        });
        CostFetcher::Settings settings;
        settings.maxThrottleWait = std::chrono::seconds(60);
        const Run run = fetch(arm, settings);
        QVERIFY(run.result.has_value());
        QVERIFY(!*run.result);
        QCOMPARE(toString(run.result->error().kind), toString(ErrorKind::Throttled));
        QCOMPARE(run.result->error().retryAfter, std::optional(std::chrono::seconds(600)));
        QCOMPARE(int(arm.requests().size()), 1);
    }

    void budgetFailureIsPartial()
    {
        FakeArm arm;
        arm.server().Post(QueryPath, [&](const httplib::Request &, httplib::Response &res) {
            res.set_content(page(R"([1,20261101,"service","cart","USD"])", {}), "application/json");
        });
        arm.server().Post(ForecastPath, [&](const httplib::Request &, httplib::Response &res) { res.status = 204; });
        arm.server().Get(BudgetPath, [&](const httplib::Request &, httplib::Response &res) {
            res.status = 403;
            res.set_content(R"({"error":{"code":"AuthorizationFailed","message":"no budgets for you"}})", "application/json");
        });
        const Run run = fetch(arm);
        QVERIFY(run.result.has_value());
        QVERIFY(*run.result);
        QCOMPARE((*run.result)->partialErrors.size(), 1);
        QCOMPARE(toString((*run.result)->partialErrors[0].kind), toString(ErrorKind::Forbidden));
        QCOMPARE((*run.result)->current.size(), 1);
    }
};

QTEST_GUILESS_MAIN(tst_CostFetcher)
#include "tst_costfetcher.moc"
