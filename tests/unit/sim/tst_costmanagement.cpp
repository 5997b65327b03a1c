// The sim's cost side without HTTP: accrual from the seed estate on a manual clock (history from the
// start of last month, deterministic per seed, a traffic spike's HPA scale-up costing money), the query
// and forecast definitions answered from the ledger (grouping, filters, timeframes, errors), budgets and
// the QPU limiter.
#include "simfixture.h"

#include "azure/budgets.h"
#include "azure/costquery.h"
#include "azure/qpulimiter.h"
#include "controllers/costaccrualcontroller.h"

#include <QtTest>

#include <map>
#include <set>

using sim::Json;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {

const std::string kSeed = std::string(OPSDECK_SIM_SCENARIO_DIR) + "/seed.yaml";
const sim::CostScope kSubscription{"sub-1", {}};

std::int64_t dayOf(int y, unsigned m, unsigned d)
{
    return sys_days{year_month_day{year{y}, month{m}, day{d}}}.time_since_epoch().count();
}

sim::CostQueryDefinition parsed(const Json &body, bool forecast, system_clock::time_point now)
{
    auto result = sim::CostQuery::parse(body, forecast, now);
    if (const auto *e = std::get_if<sim::CostError>(&result))
        qWarning("unexpected error: %s", e->message.c_str());
    return std::get<sim::CostQueryDefinition>(result);
}

std::string errorOf(const Json &body, bool forecast, system_clock::time_point now)
{
    auto result = sim::CostQuery::parse(body, forecast, now);
    const auto *e = std::get_if<sim::CostError>(&result);
    return e ? e->message : std::string();
}

Json mtdByService(const std::string &granularity = "Daily")
{
    return {{"type", "ActualCost"},
            {"timeframe", "MonthToDate"},
            {"dataset",
             {{"granularity", granularity},
              {"aggregation", {{"totalCost", {{"name", "Cost"}, {"function", "Sum"}}}}},
              {"grouping", {{{"type", "TagKey"}, {"name", "Service"}}}}}}};
}

// Cost per Service tag over [from, to) hours straight from the ledger.
std::map<std::string, double> ledgerByTag(const sim::CostLedger &ledger, std::int64_t fromHour, std::int64_t toHour,
                                          bool amortized = false)
{
    const auto resources = ledger.resources();
    const auto totals = ledger.totals(fromHour, toHour);
    std::map<std::string, double> out;
    for (std::size_t r = 0; r < resources.size(); ++r) {
        const auto excluded = amortized ? sim::CostResource::Basis::ActualOnly : sim::CostResource::Basis::AmortizedOnly;
        if (resources[r].basis != excluded)
            out[resources[r].serviceTag] += totals[r];
    }
    return out;
}

int column(const sim::CostTable &t, const std::string &name)
{
    for (std::size_t i = 0; i < t.columns.size(); ++i)
        if (t.columns[i]["name"] == name)
            return static_cast<int>(i);
    return -1;
}

} // namespace

class tst_CostManagement : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void historyStartsLastMonthAndIsDeterministic()
    {
        SimFixture a(std::string(), 5, kSeed);
        SimFixture b(std::string(), 5, kSeed);
        SimFixture c(std::string(), 6, kSeed);
        for (SimFixture *f : {&a, &b, &c})
            f->run(1);
        const auto &ledger = a.simulation->costs();
        // The fixture's clock starts 2026-11-26 09:00 UTC: history from 2026-10-01 00:00.
        QCOMPARE(ledger.firstHour(), dayOf(2026, 10, 1) * 24);
        QCOMPARE(ledger.currency(), std::string("USD"));
        const auto now = sim::CostLedger::hourOf(a.clock.now()) + 1;
        const auto ta = ledger.totals(0, now);
        const auto tb = b.simulation->costs().totals(0, now);
        const auto tc = c.simulation->costs().totals(0, now);
        QCOMPARE(ta.size(), tb.size());
        double sumA = 0, sumC = 0;
        for (std::size_t r = 0; r < ta.size(); ++r) {
            QCOMPARE(ta[r], tb[r]);
            sumA += ta[r];
            sumC += tc[r];
        }
        QVERIFY2(sumA != sumC, "another seed gives another history");
        // Every kind of spend is there: each service, shared, untagged.
        const auto byTag = ledgerByTag(ledger, dayOf(2026, 10, 1) * 24, dayOf(2026, 11, 1) * 24);
        for (const char *tag : {"productservice", "orderservice", "notificationservice", "shared", ""})
            QVERIFY2(byTag.count(tag) && byTag.at(tag) > 1, tag);
        // October: a reservation purchase of 83.22 on the 1st (actual), spread over the month when amortized.
        const auto amortized = ledgerByTag(ledger, dayOf(2026, 10, 1) * 24, dayOf(2026, 11, 1) * 24, true);
        QCOMPARE(std::round((byTag.at("") - amortized.at("")) * 100) / 100, sim::CostAccrualController::kReservationMonthly);
        QCOMPARE(std::round((amortized.at("shared") - byTag.at("shared")) * 100) / 100,
                 sim::CostAccrualController::kReservationMonthly);
        // A day of orderservice's GP_Gen5_2 database.
        const auto resources = ledger.resources();
        const auto day = ledger.totals(dayOf(2026, 10, 10) * 24, dayOf(2026, 10, 11) * 24);
        for (std::size_t r = 0; r < resources.size(); ++r)
            if (resources[r].serviceTag == "orderservice" && resources[r].serviceName == "SQL Database")
                QCOMPARE(day[r], 24 * sim::CostAccrualController::databaseTierHourPrice("GP_Gen5_2"));
    }

    void scaleUpCostsMoney()
    {
        SimFixture f(std::string(), 3, kSeed);
        f.run(60, 1s);
        const auto &ledger = f.simulation->costs();
        const auto resources = ledger.resources();
        std::size_t pods = resources.size();
        for (std::size_t r = 0; r < resources.size(); ++r)
            if (resources[r].serviceTag == "orderservice" && resources[r].serviceName == "Virtual Machines")
                pods = r;
        QVERIFY(pods < resources.size());
        const auto costOver = [&](seconds window) {
            const auto before = ledger.totals(0, sim::CostLedger::hourOf(f.clock.now()) + 2)[pods];
            f.run(static_cast<double>(window.count()), 1s);
            return ledger.totals(0, sim::CostLedger::hourOf(f.clock.now()) + 2)[pods] - before;
        };
        // The month-end forecast of orderservice, as its budget sees it.
        const auto forecast = [&] {
            sim::CostFilter tag;
            tag.kind = sim::CostFilter::Kind::Tag;
            tag.name = "Service";
            tag.values = {"orderservice"};
            return sim::CostQuery::spend(ledger, tag, kSubscription, dayOf(2026, 11, 1), dayOf(2026, 11, 30), f.clock.now())
                .forecast;
        };
        const double forecastBefore = forecast();
        const double calm = costOver(300s);
        const int calmPods = static_cast<int>(f.podsOf("orderservice", "stable").size());
        QVERIFY(f.simulation->setTrafficSpike("orderservice", 5.0));
        f.run(300, 1s); // the HPA scales up
        const double spiked = costOver(300s);
        const int spikedPods = static_cast<int>(f.podsOf("orderservice", "stable").size());
        QVERIFY2(spikedPods > calmPods, (std::to_string(calmPods) + " -> " + std::to_string(spikedPods)).c_str());
        QVERIFY2(spiked > calm * 1.5, (std::to_string(calm) + " -> " + std::to_string(spiked)).c_str());
        // Within the next whole hour the run rate, and with it the forecast to the month's end, goes up.
        f.run(3600, 2s);
        QVERIFY2(forecast() > forecastBefore + 1.0,
                 (std::to_string(forecastBefore) + " -> " + std::to_string(forecast())).c_str());
        // 300 s of N pods at the pod-hour price (pods change a little within the window).
        QVERIFY(std::abs(calm - calmPods * 1.0 * f.simulation->scenario()->costs.nodeHourPrice / 8 * 300 / 3600) < calm * 0.5);
    }

    void queryGroupsByServiceTag()
    {
        SimFixture f(std::string(), 1, kSeed);
        f.run(1);
        const auto now = f.clock.now();
        const auto &ledger = f.simulation->costs();
        const auto table = sim::CostQuery::query(ledger, parsed(mtdByService(), false, now), kSubscription, now);
        QCOMPARE(table.columns.dump(), Json::parse(R"([{"name":"Cost","type":"Number"},{"name":"UsageDate","type":"Number"},
            {"name":"TagKey","type":"String"},{"name":"TagValue","type":"String"},{"name":"Currency","type":"String"}])").dump());
        std::map<std::string, double> byTag;
        std::set<std::int64_t> dates;
        for (const auto &row : table.rows) {
            const std::string key = row[2].get<std::string>();
            const std::string value = row[3].get<std::string>();
            QVERIFY(key == "Service" ? !value.empty() : value.empty()); // untagged: "", ""
            byTag[value] += row[0].get<double>();
            dates.insert(row[1].get<std::int64_t>());
            QCOMPARE(row[4].get<std::string>(), std::string("USD"));
        }
        QCOMPARE(*dates.begin(), std::int64_t(20261101));
        QCOMPARE(*dates.rbegin(), std::int64_t(20261126));
        QCOMPARE(dates.size(), std::size_t(26));
        const auto expected = ledgerByTag(ledger, dayOf(2026, 11, 1) * 24, dayOf(2026, 11, 27) * 24);
        QCOMPARE(byTag.size(), expected.size());
        for (const auto &[tag, cost] : expected)
            QVERIFY2(std::abs(byTag[tag] - cost) < 1e-6, tag.c_str());

        // Totals (no granularity): one row per tag value and no date column.
        const auto totals = sim::CostQuery::query(ledger, parsed(mtdByService("None"), false, now), kSubscription, now);
        QCOMPARE(column(totals, "UsageDate"), -1);
        QCOMPARE(totals.rows.size(), expected.size());
        for (const auto &row : totals.rows)
            QVERIFY(std::abs(row[0].get<double>() - expected.at(row[2].get<std::string>())) < 1e-6);

        // Last month, actual against amortized: the reservation's purchase (untagged, on the 1st) moves
        // onto the shared system pool, spread over the month; the total stays.
        const auto lastMonth = [&](const char *type) {
            Json body = mtdByService("None");
            body["type"] = type;
            body["timeframe"] = "TheLastMonth";
            std::map<std::string, double> out;
            for (const auto &row : sim::CostQuery::query(ledger, parsed(body, false, now), kSubscription, now).rows)
                out[row[2].get<std::string>()] += row[0].get<double>();
            return out;
        };
        const auto actual = lastMonth("ActualCost");
        const auto amortized = lastMonth("AmortizedCost");
        QVERIFY(std::abs(actual.at("") - amortized.at("") - sim::CostAccrualController::kReservationMonthly) < 1e-6);
        QVERIFY(std::abs(amortized.at("shared") - actual.at("shared") - sim::CostAccrualController::kReservationMonthly) < 1e-6);
        QVERIFY(std::abs(actual.at("orderservice") - amortized.at("orderservice")) < 1e-9);
    }

    void queryDimensionsFiltersAndScope()
    {
        SimFixture f(std::string(), 1, kSeed);
        f.run(1);
        const auto now = f.clock.now();
        const auto &ledger = f.simulation->costs();
        Json body = mtdByService("None");
        body["dataset"]["grouping"] = {{{"type", "Dimension"}, {"name", "ServiceName"}},
                                       {{"type", "Dimension"}, {"name", "resourcegroup"}}};
        body["dataset"]["filter"] = {{"tags", {{"name", "Service"}, {"operator", "In"}, {"values", {"orderservice"}}}}};
        auto t = sim::CostQuery::query(ledger, parsed(body, false, now), kSubscription, now);
        QCOMPARE(column(t, "ServiceName"), 1);
        QCOMPARE(column(t, "ResourceGroup"), 2);
        std::set<std::string> names;
        for (const auto &row : t.rows)
            names.insert(row[1].get<std::string>() + "@" + row[2].get<std::string>());
        QCOMPARE(names, (std::set<std::string>{"SQL Database@opsdeck-demo",
                                               "Virtual Machines@mc_opsdeck-demo_opsdeck-aks_westeurope"}));

        // or / and / dimensions
        body["dataset"]["grouping"] = {{{"type", "Dimension"}, {"name", "ResourceType"}}};
        body["dataset"]["filter"] = {
            {"and",
             {{{"or",
                {{{"tags", {{"name", "service"}, {"operator", "In"}, {"values", {"shared"}}}}},
                 {{"dimensions", {{"name", "ServiceName"}, {"operator", "In"}, {"values", {"Storage"}}}}}}}},
              {{"dimensions", {{"name", "ResourceGroup"}, {"operator", "In"}, {"values", {"OPSDECK-DEMO"}}}}}}}};
        t = sim::CostQuery::query(ledger, parsed(body, false, now), kSubscription, now);
        std::set<std::string> types;
        for (const auto &row : t.rows)
            types.insert(row[1].get<std::string>());
        QCOMPARE(types, (std::set<std::string>{"microsoft.containerservice/managedclusters", "microsoft.servicebus/namespaces",
                                               "microsoft.storage/storageaccounts"}));

        // A resource group scope sees only its resources (no purchase, no node resource group).
        body["dataset"].erase("filter");
        t = sim::CostQuery::query(ledger, parsed(body, false, now), {"sub-1", "mc_opsdeck-demo_opsdeck-aks_westeurope"}, now);
        types.clear();
        for (const auto &row : t.rows)
            types.insert(row[1].get<std::string>());
        QCOMPARE(types, (std::set<std::string>{"microsoft.compute/virtualmachinescalesets", "microsoft.network/loadbalancers",
                                               "microsoft.network/publicipaddresses"}));
    }

    void queryErrors_data()
    {
        QTest::addColumn<QString>("patch"); // merged into the MTD-by-service body
        QTest::addColumn<QString>("message");
        QTest::newRow("type") << R"({"type":"Bills"})" << "type 'Bills' is not valid";
        QTest::newRow("timeframe") << R"({"timeframe":"TheLastYear"})" << "timeframe 'TheLastYear' is not valid";
        QTest::newRow("custom without period") << R"({"timeframe":"Custom"})" << "timePeriod is required";
        QTest::newRow("period over a year")
            << R"({"timeframe":"Custom","timePeriod":{"from":"2025-01-01T00:00:00Z","to":"2026-11-01T00:00:00Z"}})"
            << "cannot exceed 1 year";
        QTest::newRow("period backwards")
            << R"({"timeframe":"Custom","timePeriod":{"from":"2026-11-10","to":"2026-11-01"}})" << "must not be after";
        QTest::newRow("no dataset") << R"({"dataset":null})" << "Dataset is invalid or not supplied";
        QTest::newRow("granularity") << R"({"dataset":{"granularity":"Hourly"}})" << "granularity 'Hourly'";
        QTest::newRow("function")
            << R"({"dataset":{"aggregation":{"c":{"name":"Cost","function":"Avg"}}}})" << "function 'Avg'";
        QTest::newRow("column")
            << R"({"dataset":{"aggregation":{"c":{"name":"Price","function":"Sum"}}}})" << "column 'Price'";
        QTest::newRow("three groupings")
            << R"({"dataset":{"grouping":[{"type":"TagKey","name":"Service"},{"type":"Dimension","name":"ServiceName"},{"type":"Dimension","name":"ResourceType"}]}})"
            << "at most 2 groupings";
        QTest::newRow("dimension")
            << R"({"dataset":{"grouping":[{"type":"Dimension","name":"Colour"}]}})" << "dimension 'Colour'";
        QTest::newRow("operator")
            << R"({"dataset":{"filter":{"tags":{"name":"Service","operator":"Contains","values":["o"]}}}})"
            << "operator 'Contains'";
        QTest::newRow("or of one")
            << R"({"dataset":{"filter":{"or":[{"tags":{"name":"Service","operator":"In","values":["o"]}}]}}})"
            << "at least 2 items";
        QTest::newRow("empty values")
            << R"({"dataset":{"filter":{"dimensions":{"name":"ServiceName","operator":"In","values":[]}}}})"
            << "at least 1 value";
    }
    void queryErrors()
    {
        QFETCH(QString, patch);
        QFETCH(QString, message);
        Json body = mtdByService();
        body.merge_patch(Json::parse(patch.toStdString()));
        const auto now = sys_days{year{2026} / 11 / 26} + 9h;
        const std::string error = errorOf(body, false, now);
        QVERIFY2(error.find(message.toStdString()) != std::string::npos, error.c_str());
    }

    void timeframes()
    {
        const auto now = sys_days{year{2026} / 11 / 26} + 9h; // a Thursday
        Json body = mtdByService();
        const auto range = [&](const char *timeframe) {
            body["timeframe"] = timeframe;
            const auto d = parsed(body, false, now);
            return std::pair{sim::CostQuery::usageDate(d.fromDay), sim::CostQuery::usageDate(d.toDay)};
        };
        QCOMPARE(range("MonthToDate"), (std::pair<std::int64_t, std::int64_t>{20261101, 20261126}));
        QCOMPARE(range("BillingMonthToDate"), (std::pair<std::int64_t, std::int64_t>{20261101, 20261126}));
        QCOMPARE(range("TheLastMonth"), (std::pair<std::int64_t, std::int64_t>{20261001, 20261031}));
        QCOMPARE(range("WeekToDate"), (std::pair<std::int64_t, std::int64_t>{20261123, 20261126}));
        body["timePeriod"] = {{"from", "2026-10-15T00:00:00.000Z"}, {"to", "2026-11-02T23:59:59Z"}};
        QCOMPARE(range("Custom"), (std::pair<std::int64_t, std::int64_t>{20261015, 20261102}));
        QCOMPARE(parsed(body, false, now).qpu(), 1);
        body["timePeriod"] = {{"from", "2026-01-01"}, {"to", "2026-11-02"}};
        QCOMPARE(parsed(body, false, now).qpu(), 10);
    }

    void forecastToMonthEnd()
    {
        SimFixture f(std::string(), 1, kSeed);
        f.run(1);
        const auto now = f.clock.now();
        const auto &ledger = f.simulation->costs();
        Json body = {{"type", "ActualCost"},
                     {"timeframe", "Custom"},
                     {"timePeriod", {{"from", "2026-11-01T00:00:00Z"}, {"to", "2026-11-30T23:59:59Z"}}},
                     {"includeActualCost", true},
                     {"dataset",
                      {{"granularity", "Daily"},
                       {"aggregation", {{"totalCost", {{"name", "Cost"}, {"function", "Sum"}}}}},
                       {"filter", {{"tags", {{"name", "Service"}, {"operator", "In"}, {"values", {"orderservice"}}}}}}}}};
        const auto t = sim::CostQuery::forecast(ledger, parsed(body, true, now), kSubscription, now);
        QCOMPARE(t.columns.dump(), Json::parse(R"([{"name":"Cost","type":"Number"},{"name":"UsageDate","type":"Number"},
            {"name":"CostStatus","type":"String"},{"name":"Currency","type":"String"}])").dump());
        double actual = 0, forecast = 0;
        std::set<std::int64_t> actualDays, forecastDays;
        for (const auto &row : t.rows) {
            (row[2] == "Actual" ? actual : forecast) += row[0].get<double>();
            (row[2] == "Actual" ? actualDays : forecastDays).insert(row[1].get<std::int64_t>());
        }
        QCOMPARE(actualDays.size(), std::size_t(25)); // Nov 1..25: today is forecast
        QCOMPARE(*actualDays.rbegin(), std::int64_t(20261125));
        QCOMPARE(forecastDays.size(), std::size_t(5)); // Nov 26..30
        QCOMPARE(*forecastDays.begin(), std::int64_t(20261126));
        const auto mtd = ledgerByTag(ledger, dayOf(2026, 11, 1) * 24, dayOf(2026, 11, 26) * 24).at("orderservice");
        QVERIFY(std::abs(actual - mtd) < 1e-6);
        // Five days at the last 24 hours' rate.
        const auto hour = sim::CostLedger::hourOf(now);
        const double rate = ledgerByTag(ledger, hour - 24, hour).at("orderservice");
        QVERIFY2(std::abs(forecast - 5 * rate) < 1e-6, (std::to_string(forecast) + " vs " + std::to_string(5 * rate)).c_str());

        // The budget of the same tag agrees with both.
        sim::Budgets budgets(ledger, "sub-1", f.simulation->scenario());
        const auto b = budgets.get(kSubscription, "orderservice-monthly", now);
        QVERIFY(b.has_value());
        const double current = (*b)["properties"]["currentSpend"]["amount"].get<double>();
        const double expectedCurrent = ledgerByTag(ledger, dayOf(2026, 11, 1) * 24, hour + 1).at("orderservice");
        QVERIFY(std::abs(current - expectedCurrent) < 1e-6);
        QVERIFY(std::abs((*b)["properties"]["forecastSpend"]["amount"].get<double>() - (actual + forecast)) < 1e-6);

        // Forecast rules: Custom only, aggregation required, no grouping.
        Json wrong = body;
        wrong["timeframe"] = "MonthToDate";
        QVERIFY(errorOf(wrong, true, now).find("'Custom' timeframe") != std::string::npos);
        wrong = body;
        wrong["dataset"].erase("aggregation");
        QVERIFY(errorOf(wrong, true, now).find("aggregation is required") != std::string::npos);
        wrong = body;
        wrong["dataset"]["grouping"] = {{{"type", "TagKey"}, {"name", "Service"}}};
        QVERIFY(errorOf(wrong, true, now).find("grouping is not supported") != std::string::npos);

        // Totals: one Actual and one Forecast row; with fresh partial cost today's actual is in.
        body["dataset"].erase("granularity");
        body["includeFreshPartialCost"] = true;
        const auto totals = sim::CostQuery::forecast(ledger, parsed(body, true, now), kSubscription, now);
        QCOMPARE(totals.rows.size(), std::size_t(2));
        QCOMPARE(totals.rows[0][1].get<std::string>(), std::string("Actual"));
        QVERIFY(std::abs(totals.rows[0][0].get<double>() - expectedCurrent) < 1e-6);
        QCOMPARE(totals.rows[1][1].get<std::string>(), std::string("Forecast"));
    }

    void budgetsSeedAndValidate()
    {
        SimFixture f(std::string(), 1, kSeed);
        f.run(1);
        const auto now = f.clock.now();
        sim::Budgets budgets(f.simulation->costs(), "sub-1", f.simulation->scenario());
        const auto all = budgets.list(kSubscription, now);
        std::set<std::string> names;
        for (const auto &b : all) {
            names.insert(b["name"].get<std::string>());
            QCOMPARE(b["type"].get<std::string>(), std::string("Microsoft.Consumption/budgets"));
            QCOMPARE(b["properties"]["category"].get<std::string>(), std::string("Cost"));
            QCOMPARE(b["properties"]["timeGrain"].get<std::string>(), std::string("Monthly"));
            QCOMPARE(b["properties"]["timePeriod"]["startDate"].get<std::string>(), std::string("2026-10-01T00:00:00Z"));
            QCOMPARE(b["properties"]["notifications"].size(), std::size_t(4));
            QVERIFY(b["properties"]["currentSpend"]["amount"].get<double>() > 0);
            QCOMPARE(b["properties"]["currentSpend"]["unit"].get<std::string>(), std::string("USD"));
        }
        QCOMPARE(names, (std::set<std::string>{"notificationservice-monthly", "orderservice-monthly",
                                               "productservice-monthly", "subscription-monthly"}));
        QCOMPARE(budgets.list({"sub-1", "opsdeck-demo"}, now).size(), std::size_t(0));

        Json budget = {{"properties",
                        {{"category", "Cost"},
                         {"amount", 120},
                         {"timeGrain", "Monthly"},
                         {"timePeriod", {{"startDate", "2026-11-01T00:00:00Z"}}},
                         {"filter", {{"dimensions", {{"name", "ServiceName"}, {"operator", "In"}, {"values", {"Storage"}}}}}},
                         {"notifications",
                          {{"storage80", {{"enabled", true}, {"operator", "GreaterThan"}, {"threshold", 80},
                                          {"contactEmails", {"a@b.c"}}}}}}}}};
        auto created = budgets.put(kSubscription, "storage", budget, now);
        QVERIFY((std::holds_alternative<std::pair<int, Json>>(created)));
        const auto [status, body] = std::get<std::pair<int, Json>>(created);
        QCOMPARE(status, 201);
        QCOMPARE(body["properties"]["timePeriod"]["endDate"].get<std::string>(), std::string("2036-10-31T00:00:00Z"));
        QCOMPARE(body["properties"]["notifications"]["storage80"]["thresholdType"].get<std::string>(), std::string("Actual"));
        const double storage = body["properties"]["currentSpend"]["amount"].get<double>();
        QVERIFY(storage > 0 && storage < 20);
        // A stale eTag loses; the current one wins.
        budget["eTag"] = "\"stale\"";
        auto stale = budgets.put(kSubscription, "storage", budget, now);
        QCOMPARE(std::get<sim::CostError>(stale).status, 412);
        budget["eTag"] = body["eTag"];
        auto updated = budgets.put(kSubscription, "Storage", budget, now);
        QCOMPARE((std::get<std::pair<int, Json>>(updated).first), 200);

        const auto rejects = [&](const char *patch, const char *message) {
            Json b = budget;
            b.erase("eTag");
            b.merge_patch(Json::parse(patch));
            auto r = budgets.put(kSubscription, "x", b, now);
            const auto *e = std::get_if<sim::CostError>(&r);
            QVERIFY2(e && e->message.find(message) != std::string::npos, patch);
        };
        rejects(R"({"properties":{"category":"Usage"}})", "category");
        rejects(R"({"properties":{"amount":0}})", "amount");
        rejects(R"({"properties":{"timeGrain":"Weekly"}})", "timeGrain");
        rejects(R"({"properties":{"timePeriod":{"startDate":"2026-11-15"}}})", "first day of a month");
        rejects(R"({"properties":{"timePeriod":null}})", "startDate is required");
        rejects(R"({"properties":{"timePeriod":{"startDate":"2026-10-01"}}})", "must lie in the current Monthly period");
        rejects(R"({"properties":{"timePeriod":{"startDate":"2028-01-01"}}})", "more than twelve months ahead");
        rejects(R"({"properties":{"notifications":{"n":{"enabled":true,"operator":"LessThan","threshold":80,"contactEmails":["a@b.c"]}}}})",
                "operator");
        rejects(R"({"properties":{"notifications":{"n":{"enabled":true,"operator":"GreaterThan","threshold":1001,"contactEmails":["a@b.c"]}}}})",
                "threshold");
        rejects(R"({"properties":{"notifications":{"n":{"enabled":true,"operator":"GreaterThan","threshold":80}}}})",
                "contactEmails");
        rejects(R"({"properties":{"notifications":{"n":{"enabled":true,"operator":"GreaterThan","threshold":80,"contactEmails":[]}}}})",
                "may be empty only");
        rejects(R"({"properties":{"filter":{"dimensions":null,"or":[{"tags":{"name":"Service","operator":"In","values":["a"]}},{"tags":{"name":"Service","operator":"In","values":["b"]}}]}}})",
                "'or' is not supported");
        QVERIFY(budgets.remove(kSubscription, "storage", now));
        QVERIFY(!budgets.get(kSubscription, "storage", now));
    }

    void qpuLimiter()
    {
        auto now = steady_clock::now();
        sim::QpuLimiter limiter([&] { return now; });
        for (int i = 0; i < 12; ++i)
            QVERIFY(limiter.charge(1).allowed);
        auto refused = limiter.charge(1);
        QVERIFY(!refused.allowed);
        QCOMPARE(refused.consumed, 0);
        QCOMPARE(refused.retryAfterSeconds, 10);
        QCOMPARE(refused.remaining, std::string("QueriesPer10Sec:0,QueriesPerMin:48,QueriesPerHour:588"));
        now += 4s;
        QCOMPARE(limiter.charge(1).retryAfterSeconds, 6);
        now += 6s;
        const auto ok = limiter.charge(3);
        QVERIFY(ok.allowed);
        QCOMPARE(ok.consumed, 3);
        QCOMPARE(ok.remaining, std::string("QueriesPer10Sec:9,QueriesPerMin:45,QueriesPerHour:585"));
        // Spending the minute's budget refuses until the minute has passed.
        limiter.spend(limiter.remaining(1));
        now += 11s;
        refused = limiter.charge(1);
        QVERIFY(!refused.allowed);
        QCOMPARE(refused.retryAfterSeconds, 39);
        now += 39s;
        QVERIFY(limiter.charge(1).allowed);
        limiter.reset();
        QCOMPARE(limiter.remaining(2), 600);
    }
};

QTEST_GUILESS_MAIN(tst_CostManagement)
#include "tst_costmanagement.moc"
