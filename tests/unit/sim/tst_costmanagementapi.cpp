// The sim's Cost Management and budgets over real HTTP (API-CONTRACTS §4): ARM auth and api-versions,
// the query's response shape, nextLink paging that resumes, QPU throttling (spent budget and injected
// 429s, then success), forecast's 204 and budgets' GET/PUT/list, on the seed estate and a manual clock.
#include "simfixture.h"

#include "apiserver.h"
#include "authorizer.h"
#include "azure/azureapi.h"

#include <httplib.h>

#include <QtTest>

#include <map>

using sim::Json;
using namespace std::chrono_literals;

class tst_CostManagementApi : public QObject
{
    Q_OBJECT

    std::unique_ptr<SimFixture> m_f;
    std::unique_ptr<sim::Authorizer> m_auth;
    std::unique_ptr<sim::AzureApi> m_azure;
    std::unique_ptr<sim::ApiServer> m_server;
    std::string m_token;

    httplib::Client client() const
    {
        httplib::Client c("127.0.0.1", m_server->port());
        c.set_read_timeout(30, 0);
        return c;
    }
    std::string token(const std::string &scope)
    {
        const auto id = m_azure->identity();
        auto r = client().Post(("/" + id.tenantId + "/oauth2/v2.0/token").c_str(),
                               httplib::Params{{"grant_type", "client_credentials"}, {"client_id", id.clientId},
                                               {"client_secret", id.clientSecret}, {"scope", scope}});
        return r && r->status == 200 ? Json::parse(r->body).value("access_token", std::string()) : std::string();
    }
    std::string subscription() const { return "/subscriptions/" + m_azure->identity().subscriptionId; }
    struct Reply
    {
        int status = -1;
        Json body;
        httplib::Headers headers;
        std::string header(const std::string &name) const
        {
            const auto it = headers.find(name);
            return it == headers.end() ? std::string() : it->second;
        }
    };
    Reply call(const std::string &method, const std::string &path, const Json &body = nullptr,
               std::optional<std::string> bearer = std::nullopt)
    {
        httplib::Headers h;
        const std::string t = bearer.value_or(m_token);
        if (!t.empty())
            h.emplace("Authorization", "Bearer " + t);
        httplib::Result r = method == "POST" ? client().Post(path.c_str(), h, body.dump(), "application/json")
            : method == "PUT"                ? client().Put(path.c_str(), h, body.dump(), "application/json")
            : method == "DELETE"             ? client().Delete(path.c_str(), h)
                                             : client().Get(path.c_str(), h);
        Reply reply;
        if (r) {
            reply.status = r->status;
            reply.headers = r->headers;
            reply.body = r->body.empty() ? Json() : Json::parse(r->body, nullptr, false);
        }
        return reply;
    }
    Reply hook(const std::string &method, const std::string &path, const Json &body = Json::object())
    {
        return call(method, "/_opsdeck/azure/" + path, body, std::string("admin-token"));
    }
    static Json mtdByService()
    {
        return {{"type", "ActualCost"},
                {"timeframe", "MonthToDate"},
                {"dataset",
                 {{"granularity", "Daily"},
                  {"aggregation", {{"totalCost", {{"name", "Cost"}, {"function", "Sum"}}}}},
                  {"grouping", {{{"type", "TagKey"}, {"name", "Service"}}}}}}};
    }
    std::string queryPath(const std::string &extra = {}) const
    {
        return subscription() + "/providers/Microsoft.CostManagement/query?api-version=2023-03-01" + extra;
    }

private Q_SLOTS:
    void init()
    {
        m_f = std::make_unique<SimFixture>(std::string(), 1, std::string(OPSDECK_SIM_SCENARIO_DIR) + "/seed.yaml");
        m_f->run(2);
        m_auth = std::make_unique<sim::Authorizer>("admin-token", "viewer-token");
        sim::ApiServerOptions options;
        options.threads = 8;
        m_server = std::make_unique<sim::ApiServer>(m_f->store, *m_auth, [this] { return m_f->clock.now(); }, options,
                                                    nullptr);
        m_azure = std::make_unique<sim::AzureApi>(*m_f->simulation, *m_auth, sim::AzureIdentity::generate(1),
                                                  [this] { return m_server->url(); }, [this] { return m_f->clock.now(); }, 1);
        m_azure->install(*m_server);
        m_server->start();
        QVERIFY(m_server->port() > 0);
        m_token = token("https://management.azure.com/.default");
        QVERIFY(!m_token.empty());
    }
    void cleanup()
    {
        m_f->store.shutdown();
        m_server->stop();
        m_server.reset();
        m_azure.reset();
        m_f.reset();
    }

    void armAuthAndVersions()
    {
        auto r = call("POST", queryPath(), mtdByService(), std::string());
        QCOMPARE(r.status, 401);
        QCOMPARE(r.body["error"]["code"].get<std::string>(), std::string("AuthenticationFailed"));
        QVERIFY(!r.header("WWW-Authenticate").empty());
        r = call("POST", queryPath(), mtdByService(), std::string("not-a-token"));
        QCOMPARE(r.body["error"]["code"].get<std::string>(), std::string("InvalidAuthenticationToken"));
        r = call("POST", queryPath(), mtdByService(), token("https://api.loganalytics.io/.default"));
        QCOMPARE(r.status, 401);
        QCOMPARE(r.body["error"]["code"].get<std::string>(), std::string("InvalidAuthenticationTokenAudience"));
        // An SDK pointed at the sim asks for {endpoint}/.default.
        r = call("POST", queryPath(), mtdByService(), token(m_server->url() + "/.default"));
        QCOMPARE(r.status, 200);

        r = call("POST", subscription() + "/providers/Microsoft.CostManagement/query", mtdByService());
        QCOMPARE(r.body["error"]["code"].get<std::string>(), std::string("MissingApiVersionParameter"));
        r = call("POST", subscription() + "/providers/Microsoft.CostManagement/query?api-version=2099-01-01", mtdByService());
        QCOMPARE(r.status, 400);
        QCOMPARE(r.body["error"]["code"].get<std::string>(), std::string("InvalidApiVersionParameter"));
        for (const char *version : {"2019-11-01", "2021-10-01", "2022-10-01", "2023-03-01", "2024-08-01"}) {
            r = call("POST", subscription() + "/providers/Microsoft.CostManagement/query?api-version=" + version, mtdByService());
            QCOMPARE(r.status, 200);
        }
        r = call("POST", "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.CostManagement/query"
                         "?api-version=2023-03-01", mtdByService());
        QCOMPARE(r.status, 404);
        QCOMPARE(r.body["error"]["code"].get<std::string>(), std::string("SubscriptionNotFound"));
        r = call("POST", subscription() + "/resourceGroups/nope/providers/Microsoft.CostManagement/query?api-version=2023-03-01",
                 mtdByService());
        QCOMPARE(r.body["error"]["code"].get<std::string>(), std::string("ResourceGroupNotFound"));
        r = call("GET", queryPath());
        QCOMPARE(r.status, 405);
    }

    void queryShapeAndErrors()
    {
        auto r = call("POST", "/" + subscription() + "/providers/microsoft.costmanagement/Query?api-version=2022-10-01",
                      mtdByService());
        QCOMPARE(r.status, 200);
        QVERIFY(!r.header("x-ms-request-id").empty());
        QCOMPARE(r.header("x-ms-ratelimit-microsoft.costmanagement-qpu-consumed"), std::string("1"));
        QVERIFY(r.header("x-ms-ratelimit-microsoft.costmanagement-qpu-remaining").find("QueriesPerMin:") != std::string::npos);
        QCOMPARE(r.body["type"].get<std::string>(), std::string("Microsoft.CostManagement/query"));
        QVERIFY(r.body["id"].get<std::string>().rfind(subscription().substr(1) + "/providers/Microsoft.CostManagement/query/", 0) == 0);
        QVERIFY(r.body["properties"]["nextLink"].is_null());
        QCOMPARE(r.body["properties"]["columns"][1]["name"].get<std::string>(), std::string("UsageDate"));
        QVERIFY(r.body["properties"]["rows"].size() > 26 * 4);

        r = call("POST", queryPath(), Json{{"type", "ActualCost"}, {"timeframe", "Yesterday"}, {"dataset", Json::object()}});
        QCOMPARE(r.status, 400);
        QCOMPARE(r.body["error"]["code"].get<std::string>(), std::string("BadRequest"));
        QVERIFY(r.body["error"]["message"].get<std::string>().find("(Request ID: ") != std::string::npos);

        // The resource group scope.
        r = call("POST", subscription() + "/resourceGroups/opsdeck-demo/providers/Microsoft.CostManagement/query?api-version=2023-03-01",
                 mtdByService());
        QCOMPARE(r.status, 200);
        for (const auto &row : r.body["properties"]["rows"])
            QVERIFY(row[3] != "" || true);
    }

    void pagingResumes()
    {
        const auto whole = call("POST", queryPath(), mtdByService());
        QCOMPARE(whole.status, 200);
        const auto &all = whole.body["properties"]["rows"];
        QVERIFY(all.size() > 40);
        Json collected = Json::array();
        std::string path = queryPath("&$top=40");
        int pages = 0;
        while (!path.empty() && pages < 20) {
            const auto page = call("POST", path, mtdByService());
            QCOMPARE(page.status, 200);
            ++pages;
            QVERIFY(page.body["properties"]["rows"].size() <= 40);
            for (const auto &row : page.body["properties"]["rows"])
                collected.push_back(row);
            const Json next = page.body["properties"]["nextLink"];
            path.clear();
            if (next.is_string()) {
                const std::string link = next.get<std::string>();
                QVERIFY(link.rfind(m_server->url() + subscription() + "/providers/Microsoft.CostManagement/query?", 0) == 0);
                QVERIFY(link.find("$skiptoken=") != std::string::npos);
                path = link.substr(m_server->url().size());
            }
        }
        QCOMPARE(pages, static_cast<int>((all.size() + 39) / 40));
        QCOMPARE(collected, all);
        auto r = call("POST", queryPath("&$skiptoken=zz"), mtdByService());
        QCOMPARE(r.status, 400);
        r = call("POST", queryPath("&$top=0"), mtdByService());
        QCOMPARE(r.status, 400);
    }

    void throttlingThenSuccess()
    {
        // Spend the minute's QPU budget: 429 with the Cost Management headers until it frees up.
        auto h = hook("POST", "cost-qpu");
        QCOMPARE(h.status, 200);
        QCOMPARE(h.body["windows"][1]["remaining"].get<int>(), 0);
        auto r = call("POST", queryPath(), mtdByService());
        QCOMPARE(r.status, 429);
        QCOMPARE(r.body["error"]["code"].get<std::string>(), std::string("429"));
        const int retry = std::stoi(r.header("x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after"));
        QVERIFY(retry > 50 && retry <= 60);
        QCOMPARE(r.header("Retry-After"), std::to_string(retry));
        QVERIFY(r.header("x-ms-ratelimit-microsoft.costmanagement-qpu-remaining").find("QueriesPerMin:0") != std::string::npos);
        QCOMPARE(hook("DELETE", "cost-qpu").status, 200);
        QCOMPARE(call("POST", queryPath(), mtdByService()).status, 200);

        // Injected: two 429s on queries, then success; budgets are not affected by a query fault.
        QCOMPARE(hook("POST", "cost-faults", {{"kind", "throttle"}, {"api", "query"}, {"count", 2}, {"retryAfterSeconds", 3}}).status,
                 201);
        QCOMPARE(call("GET", subscription() + "/providers/Microsoft.Consumption/budgets?api-version=2021-10-01").status, 200);
        for (int i = 0; i < 2; ++i) {
            r = call("POST", queryPath(), mtdByService());
            QCOMPARE(r.status, 429);
            QCOMPARE(r.header("x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after"), std::string("3"));
            QCOMPARE(r.header("Retry-After"), std::string("3"));
        }
        QCOMPARE(call("POST", queryPath(), mtdByService()).status, 200);
        // Budgets throttle with the Consumption header; no-content and server errors.
        hook("POST", "cost-faults", {{"kind", "throttle"}, {"api", "budgets"}});
        r = call("GET", subscription() + "/providers/Microsoft.Consumption/budgets?api-version=2021-10-01");
        QCOMPARE(r.status, 429);
        QCOMPARE(r.header("x-ms-ratelimit-microsoft.consumption-retry-after"), std::string("2"));
        hook("POST", "cost-faults", {{"kind", "no-content"}});
        QCOMPARE(call("POST", queryPath(), mtdByService()).status, 204);
        hook("POST", "cost-faults", {{"kind", "server-error"}, {"api", "forecast"}});
        QCOMPARE(hook("GET", "cost-faults").body["items"].size(), std::size_t(1));
        QCOMPARE(hook("DELETE", "cost-faults").body["items"].size(), std::size_t(0));
        QCOMPARE(hook("POST", "cost-faults", {{"kind", "explode"}}).status, 400);
        QCOMPARE(call("POST", "/_opsdeck/azure/cost-faults", Json::object(), std::string("viewer-token")).status, 403);
    }

    void forecastAndBudgets()
    {
        Json forecast = {{"type", "ActualCost"},
                         {"timeframe", "Custom"},
                         {"timePeriod", {{"from", "2026-11-01T00:00:00Z"}, {"to", "2026-11-30T23:59:59Z"}}},
                         {"includeActualCost", true},
                         {"dataset",
                          {{"granularity", "Daily"},
                           {"aggregation", {{"totalCost", {{"name", "Cost"}, {"function", "Sum"}}}}},
                           {"filter", {{"tags", {{"name", "Service"}, {"operator", "In"}, {"values", {"productservice"}}}}}}}}};
        const std::string path = subscription() + "/providers/Microsoft.CostManagement/forecast?api-version=2023-03-01";
        auto r = call("POST", path, forecast);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body["properties"]["columns"][2]["name"].get<std::string>(), std::string("CostStatus"));
        QCOMPARE(r.body["properties"]["rows"].size(), std::size_t(30));
        // A period wholly past without actual cost has nothing to forecast: 204.
        forecast["includeActualCost"] = false;
        forecast["timePeriod"] = {{"from", "2026-10-01"}, {"to", "2026-10-31"}};
        QCOMPARE(call("POST", path, forecast).status, 204);

        const std::string budgets = subscription() + "/providers/Microsoft.Consumption/budgets";
        r = call("GET", budgets + "?api-version=2024-08-01");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body["value"].size(), std::size_t(4));
        r = call("GET", budgets + "/orderservice-monthly?api-version=2021-10-01");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body["id"].get<std::string>(), budgets + "/orderservice-monthly");
        QCOMPARE(r.body["properties"]["amount"].get<double>(), 550.0);
        Json put = {{"properties",
                     {{"category", "Cost"},
                      {"amount", 75},
                      {"timeGrain", "Monthly"},
                      {"timePeriod", {{"startDate", "2026-11-01T00:00:00Z"}, {"endDate", "2027-10-31T00:00:00Z"}}},
                      {"notifications",
                       {{"actual_GreaterThan_80_Percent",
                         {{"enabled", true}, {"operator", "GreaterThan"}, {"threshold", 80}, {"contactEmails", {"sre@opsdeck.demo"}}}}}}}}};
        r = call("PUT", subscription() + "/resourceGroups/opsdeck-demo/providers/Microsoft.Consumption/budgets/rg-budget?api-version=2023-05-01",
                 put);
        QCOMPARE(r.status, 201);
        QVERIFY(r.body["properties"]["currentSpend"]["amount"].get<double>() > 0);
        r = call("GET", subscription() + "/resourceGroups/opsdeck-demo/providers/Microsoft.Consumption/budgets?api-version=2023-05-01");
        QCOMPARE(r.body["value"].size(), std::size_t(1));
        put["properties"]["amount"] = -1;
        r = call("PUT", budgets + "/bad?api-version=2021-10-01", put);
        QCOMPARE(r.status, 400);
        QCOMPARE(call("GET", budgets + "/missing?api-version=2021-10-01").status, 404);
        QCOMPARE(call("DELETE", subscription() + "/resourceGroups/opsdeck-demo/providers/Microsoft.Consumption/budgets/rg-budget?api-version=2023-05-01").status,
                 200);
    }
};

QTEST_GUILESS_MAIN(tst_CostManagementApi)
#include "tst_costmanagementapi.moc"
