// The sim's Azure side over real HTTP: Entra (OpenID configuration, client credentials, the device code
// flow with its errors), the workspace and classic query APIs (auth, audiences, faults) and the
// telemetry behind them reacting to chaos, on the seed estate stepped on a manual clock.
#include "simfixture.h"

#include "apiserver.h"
#include "authorizer.h"
#include "azure/azureapi.h"

#include <httplib.h>

#include <QtTest>

using sim::Json;
using namespace std::chrono_literals;

class tst_AzureApi : public QObject
{
    Q_OBJECT

    std::unique_ptr<SimFixture> m_f;
    std::unique_ptr<sim::Authorizer> m_auth;
    std::unique_ptr<sim::AzureApi> m_azure;
    std::unique_ptr<sim::ApiServer> m_server;

    httplib::Client client() const
    {
        httplib::Client c("127.0.0.1", m_server->port());
        c.set_read_timeout(30, 0);
        return c;
    }
    std::string tenant() const { return m_azure->identity().tenantId; }
    std::pair<int, Json> token(const std::string &grant, httplib::Params form)
    {
        form.emplace("grant_type", grant);
        auto r = client().Post(("/" + tenant() + "/oauth2/v2.0/token").c_str(), form);
        return {r ? r->status : -1, r ? Json::parse(r->body) : Json()};
    }
    std::string appToken(const std::string &scope)
    {
        const auto [status, body] = token("client_credentials", {{"client_id", m_azure->identity().clientId},
                                                                 {"client_secret", m_azure->identity().clientSecret},
                                                                 {"scope", scope}});
        return status == 200 ? body.value("access_token", std::string()) : std::string();
    }
    std::pair<int, Json> query(const std::string &path, const std::string &kql, const std::string &timespan,
                               const std::string &bearer, httplib::Headers *headers = nullptr)
    {
        httplib::Headers h;
        if (!bearer.empty())
            h.emplace("Authorization", "Bearer " + bearer);
        auto r = client().Post(path.c_str(), h, Json{{"query", kql}, {"timespan", timespan}}.dump(), "application/json");
        if (r && headers)
            *headers = r->headers;
        return {r ? r->status : -1, r ? Json::parse(r->body) : Json()};
    }
    std::string workspacePath() const { return "/v1/workspaces/" + m_azure->identity().workspaceId + "/query"; }
    // Failed share of requests per track over the last `window`.
    std::map<std::string, double> failureRates(const std::string &service, const std::string &window)
    {
        const auto [status, body] = query(workspacePath(),
                                          "AppRequests | where AppRoleName == '" + service
                                              + "' | summarize f = sumif(ItemCount, Success == false), t = sum(ItemCount) "
                                                "by Track = tostring(Properties.version)",
                                          window, appToken("https://api.loganalytics.io/.default"));
        std::map<std::string, double> out;
        if (status != 200)
            return out;
        for (const auto &row : body["tables"][0]["rows"])
            out[row[0].get<std::string>()] = row[2].get<double>() > 0 ? row[1].get<double>() / row[2].get<double>() : 0;
        return out;
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
    }
    void cleanup()
    {
        m_f->store.shutdown();
        m_server->stop();
        m_server.reset();
        m_azure.reset();
        m_f.reset();
    }

    void openIdConfiguration()
    {
        auto r = client().Get(("/" + tenant() + "/v2.0/.well-known/openid-configuration").c_str());
        QVERIFY(r && r->status == 200);
        const Json j = Json::parse(r->body);
        for (const char *key : {"token_endpoint", "issuer", "authorization_endpoint", "device_authorization_endpoint", "jwks_uri"})
            QVERIFY2(j.contains(key), key);
        QCOMPARE(j["token_endpoint"].get<std::string>(), m_server->url() + "/" + tenant() + "/oauth2/v2.0/token");
        auto unknown = client().Get("/not-a-tenant/v2.0/.well-known/openid-configuration");
        QCOMPARE(unknown->status, 400);
    }

    void clientCredentials()
    {
        const auto id = m_azure->identity();
        auto [status, body] = token("client_credentials", {{"client_id", id.clientId}, {"client_secret", id.clientSecret},
                                                           {"scope", "https://management.azure.com//.default"}});
        QCOMPARE(status, 200);
        QCOMPARE(body["token_type"].get<std::string>(), std::string("Bearer"));
        QVERIFY(body["expires_in"].get<int>() > 3000);
        const auto claims = m_azure->tokens().validate(body["access_token"].get<std::string>());
        QVERIFY(claims);
        QCOMPARE(claims->audience, std::string("https://management.azure.com"));

        std::tie(status, body) = token("client_credentials", {{"client_id", id.clientId}, {"client_secret", "nope"},
                                                              {"scope", "https://api.loganalytics.io/.default"}});
        QCOMPARE(status, 401);
        QCOMPARE(body["error"].get<std::string>(), std::string("invalid_client"));
        QCOMPARE(body["error_codes"][0].get<int>(), 7000215);
        QVERIFY(body["error_description"].get<std::string>().rfind("AADSTS7000215:", 0) == 0);
        std::tie(status, body) = token("client_credentials", {{"client_id", "someone-else"}, {"client_secret", "x"},
                                                              {"scope", "https://api.loganalytics.io/.default"}});
        QCOMPARE(body["error"].get<std::string>(), std::string("unauthorized_client"));
        std::tie(status, body) = token("password", {{"client_id", id.clientId}});
        QCOMPARE(body["error"].get<std::string>(), std::string("unsupported_grant_type"));
    }

    void deviceCodeFlow()
    {
        const httplib::Params start = {{"client_id", "04b07795-8ddb-461a-bbee-02f9e1bf7b46"},
                                       {"scope", "https://api.loganalytics.io/.default offline_access"}};
        auto r = client().Post(("/" + tenant() + "/oauth2/v2.0/devicecode").c_str(), start);
        QVERIFY(r && r->status == 200);
        const Json code = Json::parse(r->body);
        QCOMPARE(code["interval"].get<int>(), 1);
        QVERIFY(code["message"].get<std::string>().find(code["user_code"].get<std::string>()) != std::string::npos);
        const httplib::Params poll = {{"client_id", "04b07795-8ddb-461a-bbee-02f9e1bf7b46"},
                                      {"device_code", code["device_code"].get<std::string>()}};
        const std::string grant = "urn:ietf:params:oauth:grant-type:device_code";
        auto [status, body] = token(grant, poll);
        QCOMPARE(status, 400);
        QCOMPARE(body["error"].get<std::string>(), std::string("authorization_pending"));
        std::tie(status, body) = token(grant, poll); // at once: too fast
        QCOMPARE(body["error"].get<std::string>(), std::string("slow_down"));

        // The test hook wants the admin token.
        const std::string approve = Json{{"userCode", code["user_code"]}}.dump();
        auto denied = client().Post("/_opsdeck/azure/devicecode/approve", {{"Authorization", "Bearer viewer-token"}},
                                    approve, "application/json");
        QCOMPARE(denied->status, 403);
        auto ok = client().Post("/_opsdeck/azure/devicecode/approve", {{"Authorization", "Bearer admin-token"}}, approve,
                                "application/json");
        QCOMPARE(ok->status, 200);
        std::tie(status, body) = token(grant, poll);
        QCOMPARE(status, 200);
        QVERIFY(body.contains("refresh_token") && body.contains("id_token"));
        QCOMPARE(m_azure->tokens().validate(body["access_token"].get<std::string>())->audience,
                 std::string("https://api.loganalytics.io"));
        // The code is spent; the refresh token gives a new access token (and rotates).
        std::tie(status, body) = token(grant, poll);
        QCOMPARE(body["error"].get<std::string>(), std::string("bad_verification_code"));
    }

    void deviceCodeDeclinedAndExpired()
    {
        const auto begin = [this]() {
            auto r = client().Post(("/" + tenant() + "/oauth2/v2.0/devicecode").c_str(),
                                   httplib::Params{{"client_id", "app"}, {"scope", "https://api.loganalytics.io/.default"}});
            return Json::parse(r->body);
        };
        const std::string grant = "urn:ietf:params:oauth:grant-type:device_code";
        Json code = begin();
        QVERIFY(m_azure->tokens().approve(code["user_code"].get<std::string>(), true));
        auto [status, body] = token(grant, {{"client_id", "app"}, {"device_code", code["device_code"].get<std::string>()}});
        QCOMPARE(body["error"].get<std::string>(), std::string("authorization_declined"));

        m_azure->tokens().options.deviceCodeLifetime = 0s;
        code = begin();
        std::tie(status, body) = token(grant, {{"client_id", "app"}, {"device_code", code["device_code"].get<std::string>()}});
        QCOMPARE(body["error"].get<std::string>(), std::string("expired_token"));
        QCOMPARE(body["error_codes"][0].get<int>(), 70020);
    }

    void queryAuthAndErrors()
    {
        const std::string la = appToken("https://api.loganalytics.io/.default");
        QVERIFY(!la.empty());
        QCOMPARE(query(workspacePath(), "AppRequests | count", "PT1H", "").first, 401);
        auto [status, body] = query(workspacePath(), "AppRequests | count", "PT1H", appToken("https://management.azure.com/.default"));
        QCOMPARE(status, 403);
        QCOMPARE(body["error"]["code"].get<std::string>(), std::string("InsufficientAccessError"));
        // The sim's own URL is an audience too (an SDK pointed at another endpoint asks for {endpoint}/.default).
        QCOMPARE(query(workspacePath(), "AppRequests | count", "PT1H", appToken(m_server->url() + "/.default")).first, 200);
        std::tie(status, body) = query("/v1/workspaces/00000000-0000-0000-0000-000000000000/query", "AppRequests | count", "PT1H", la);
        QCOMPARE(status, 404);
        QCOMPARE(body["error"]["code"].get<std::string>(), std::string("WorkspaceNotFoundError"));
        std::tie(status, body) = query(workspacePath(), "AppRequests | mv-expand Properties", "PT1H", la);
        QCOMPARE(status, 400);
        QCOMPARE(body["error"]["innererror"]["code"].get<std::string>(), std::string("SyntaxError"));
        QVERIFY(body["error"]["innererror"]["message"].get<std::string>().find("mv-expand") != std::string::npos);
        std::tie(status, body) = query(workspacePath(), "AppRequests | count", "yesterday", la);
        QCOMPARE(status, 400);
        // The workspace has no classic tables; the classic API has no workspace ones.
        std::tie(status, body) = query(workspacePath(), "requests | count", "PT1H", la);
        QCOMPARE(body["error"]["innererror"]["code"].get<std::string>(), std::string("SemanticError"));
        const std::string ai = appToken("https://api.applicationinsights.io/.default");
        std::tie(status, body) = query("/v1/apps/" + m_azure->identity().appId + "/query",
                                       "requests | summarize sum(itemCount) by cloud_RoleName", "PT1H", ai);
        QCOMPARE(status, 200);
        QCOMPARE(body["tables"][0]["rows"].size(), std::size_t(3));
    }

    void queryFaults()
    {
        const std::string la = appToken("https://api.loganalytics.io/.default");
        const httplib::Headers admin = {{"Authorization", "Bearer admin-token"}};
        QCOMPARE(client().Post("/_opsdeck/azure/query-faults", admin, R"({"kind":"throttle","retryAfterSeconds":7})",
                               "application/json")->status, 201);
        QCOMPARE(client().Post("/_opsdeck/azure/query-faults", admin, R"({"kind":"partial"})", "application/json")->status, 201);
        httplib::Headers headers;
        auto [status, body] = query(workspacePath(), "AppRequests | take 10", "PT1H", la, &headers);
        QCOMPARE(status, 429);
        QCOMPARE(body["error"]["code"].get<std::string>(), std::string("ThrottledError"));
        QCOMPARE(headers.find("Retry-After")->second, std::string("7"));
        std::tie(status, body) = query(workspacePath(), "AppRequests | take 10", "PT1H", la);
        QCOMPARE(status, 200);
        QCOMPARE(body["error"]["code"].get<std::string>(), std::string("PartialError"));
        QCOMPARE(body["tables"][0]["rows"].size(), std::size_t(5));
        std::tie(status, body) = query(workspacePath(), "AppRequests | take 10", "PT1H", la);
        QVERIFY(status == 200 && !body.contains("error"));
        auto config = client().Get("/_opsdeck/azure/config", admin);
        QCOMPARE(config->status, 200);
        QCOMPARE(Json::parse(config->body)["workspaceId"].get<std::string>(), m_azure->identity().workspaceId);
    }

    void historyAtStart()
    {
        const auto [status, body] = query(workspacePath(), "AppRequests | summarize Oldest = min(TimeGenerated), n = sum(ItemCount)",
                                          "P1D", appToken("https://api.loganalytics.io/.default"));
        QCOMPARE(status, 200);
        const auto oldest = sim::kql::Value::parseDatetime(body["tables"][0]["rows"][0][0].get<std::string>());
        const auto now = sim::kql::Value::fromTime(m_f->clock.now()).asInt();
        QVERIFY(oldest && now - *oldest > 20LL * 3600 * sim::kql::kTicksPerSecond);
        QVERIFY(body["tables"][0]["rows"][0][1].get<long long>() > 1000000); // a day of ~300 req/s
    }

    void brokenCanaryShowsInItsErrorRate()
    {
        auto before = failureRates("productservice", "PT2M");
        QVERIFY(before["canary"] < 0.05 && before["stable"] < 0.05);
        QVERIFY(m_f->simulation->setTrackBroken("productservice", "canary", true));
        m_f->run(120, 500ms);
        auto after = failureRates("productservice", "PT1M");
        QVERIFY2(after["canary"] > 0.5, std::to_string(after["canary"]).c_str());
        QVERIFY2(after["stable"] < 0.05, std::to_string(after["stable"]).c_str());
    }

    void pollyEventsReachAppMetrics()
    {
        QVERIFY(m_f->simulation->setDatabaseDown("orderservice", true));
        m_f->run(30, 500ms);
        const auto [status, body] = query(workspacePath(),
                                          "AppMetrics | where Name == 'resilience.polly.strategy.events' and "
                                          "tostring(Properties['event.name']) == 'OnCircuitOpened' | summarize n = sum(Sum) "
                                          "by Pipeline = tostring(Properties['pipeline.name'])",
                                          "PT5M", appToken("https://api.loganalytics.io/.default"));
        QCOMPARE(status, 200);
        bool opened = false;
        for (const auto &row : body["tables"][0]["rows"])
            opened = opened || row[0] == "orderservice-orders-db";
        QVERIFY2(opened, body.dump().c_str());
        // Its requests fail: the database's SqlException, then the open breaker's rejection.
        const auto [s2, ex] = query(workspacePath(), "AppExceptions | where AppRoleName == 'orderservice' | summarize sum(ItemCount) by ExceptionType",
                                    "PT1M", appToken("https://api.loganalytics.io/.default"));
        QVERIFY2(ex.dump().find("SqlException") != std::string::npos
                     || ex.dump().find("BrokenCircuitException") != std::string::npos,
                 ex.dump().c_str());
    }
};

QTEST_GUILESS_MAIN(tst_AzureApi)
#include "tst_azureapi.moc"
