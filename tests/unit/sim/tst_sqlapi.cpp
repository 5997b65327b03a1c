// ARM Microsoft.Sql over real HTTP against the seed estate on a manual virtual clock: servers and
// databases (tags, status, earliestRestoreDate moving with the clock, paging), the point-in-time restore
// as a long-running operation (202 with Azure-AsyncOperation / Location / Retry-After, InProgress →
// Succeeded on the virtual clock, Location 202 then 200), chaos making it fail, every validation error
// (400/409/429, api-version, bearer token and audience) and the chaos routes for databases.
#include "../simcontrollers/simfixture.h"

#include "apifaults.h"
#include "apiserver.h"
#include "authorizer.h"
#include "azure/azureapi.h"
#include "azure/sqldatabases.h"
#include "chaosapi.h"
#include "chaosclient.h"
#include "kubeconfigwriter.h"
#include "secretcodec.h"

#include <httplib.h>

#include <QtTest>

#include <sstream>

using sim::Json;
using sim::SqlDatabases;
using namespace std::chrono_literals;

namespace {
const httplib::Headers kAdmin = {{"Authorization", "Bearer admin-token"}};
}

class tst_SqlApi : public QObject
{
    Q_OBJECT

    std::unique_ptr<SimFixture> m_f;
    std::unique_ptr<sim::Authorizer> m_auth;
    std::unique_ptr<sim::ApiFaults> m_faults;
    std::unique_ptr<sim::ChaosApi> m_chaos;
    std::unique_ptr<sim::AzureApi> m_azure;
    std::unique_ptr<sim::ApiServer> m_server;
    std::string m_token;

    struct Reply
    {
        int status = -1;
        Json body;
        httplib::Headers headers;
        std::string header(const char *name) const
        {
            const auto it = headers.find(name);
            return it == headers.end() ? std::string() : it->second;
        }
    };

    httplib::Client client() const
    {
        httplib::Client c("127.0.0.1", m_server->port());
        c.set_read_timeout(30, 0);
        return c;
    }
    std::string token(const std::string &scope)
    {
        httplib::Params form = {{"grant_type", "client_credentials"},
                                {"client_id", m_azure->identity().clientId},
                                {"client_secret", m_azure->identity().clientSecret},
                                {"scope", scope}};
        auto r = client().Post(("/" + m_azure->identity().tenantId + "/oauth2/v2.0/token").c_str(), form);
        return r && r->status == 200 ? Json::parse(r->body).value("access_token", std::string()) : std::string();
    }
    std::string server() const
    {
        return "/subscriptions/" + m_azure->identity().subscriptionId + "/resourceGroups/"
               + m_azure->identity().resourceGroup + "/providers/Microsoft.Sql/servers/opsdeck-sql";
    }
    Reply call(const std::string &method, const std::string &path, const Json &body = nullptr,
               const std::string &bearerToken = "default")
    {
        httplib::Headers h;
        const std::string t = bearerToken == "default" ? m_token : bearerToken;
        if (!t.empty())
            h.emplace("Authorization", "Bearer " + t);
        auto c = client();
        httplib::Result r = method == "GET"      ? c.Get(path, h)
                            : method == "DELETE" ? c.Delete(path, h)
                                                 : c.Put(path, h, body.dump(), "application/json");
        Reply out;
        if (!r)
            return out;
        out.status = r->status;
        out.headers = r->headers;
        out.body = r->body.empty() ? Json() : Json::parse(r->body, nullptr, false);
        return out;
    }
    Reply get(const std::string &path) { return call("GET", path); }
    // The part of an absolute URL after the host.
    static std::string pathOf(const std::string &url)
    {
        const auto scheme = url.find("://");
        return url.substr(url.find('/', scheme == std::string::npos ? 0 : scheme + 3));
    }
    Json restoreBody(const std::string &source, const std::string &point, const Json &tags = nullptr)
    {
        Json body = {{"location", "westeurope"},
                     {"properties",
                      {{"createMode", "PointInTimeRestore"},
                       {"sourceDatabaseId", server() + "/databases/" + source},
                       {"restorePointInTime", point}}}};
        if (!tags.is_null())
            body["tags"] = tags;
        return body;
    }
    std::string ago(std::chrono::seconds s) const { return SqlDatabases::timeText(m_f->clock.now() - s); }
    void advance(std::chrono::seconds s) { m_f->clock.advance(s); }

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
        m_faults = std::make_unique<sim::ApiFaults>();
        m_chaos = std::make_unique<sim::ChaosApi>(*m_f->simulation, *m_faults, *m_auth);
        m_chaos->install(*m_server);
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
        m_chaos.reset();
        m_faults.reset();
        m_f.reset();
    }

    void serversAndDatabases()
    {
        const auto servers = get("/subscriptions/" + m_azure->identity().subscriptionId
                                 + "/providers/Microsoft.Sql/servers?api-version=2022-08-01-preview");
        QCOMPARE(servers.status, 200);
        QCOMPARE(servers.body["value"].size(), std::size_t(1));
        QCOMPARE(servers.body["value"][0]["properties"]["fullyQualifiedDomainName"].get<std::string>(),
                 std::string("opsdeck-sql.database.windows.net"));

        const auto list = get(server() + "/databases?api-version=2021-11-01");
        QCOMPARE(list.status, 200);
        QVERIFY(!list.body.contains("nextLink"));
        std::map<std::string, Json> byName;
        for (const auto &db : list.body["value"])
            byName[db["name"].get<std::string>()] = db;
        QCOMPARE(byName.size(), std::size_t(4)); // master + one per service
        QVERIFY(byName.count("master"));
        QVERIFY(!byName["master"]["tags"].contains("Service"));
        const std::map<std::string, std::string> expected = {
            {"ProductDb", "productservice"}, {"OrderDb", "orderservice"}, {"NotificationDb", "notificationservice"}};
        const auto now = m_f->clock.now();
        for (const auto &[name, service] : expected) {
            QVERIFY2(byName.count(name), name.c_str());
            const Json &db = byName[name];
            QCOMPARE(db["tags"]["Service"].get<std::string>(), service);
            QCOMPARE(db["type"].get<std::string>(), std::string("Microsoft.Sql/servers/databases"));
            QCOMPARE(db["id"].get<std::string>(), server() + "/databases/" + name);
            QCOMPARE(db["properties"]["status"].get<std::string>(), std::string("Online"));
            QCOMPARE(db["properties"]["currentServiceObjectiveName"].get<std::string>(), std::string("GP_Gen5_2"));
            QCOMPARE(db["sku"]["name"].get<std::string>(), std::string("GP_Gen5"));
            // Created 40 days ago: the 7-day window is the limit.
            QVERIFY(*SqlDatabases::parseTime(db["properties"]["earliestRestoreDate"].get<std::string>())
                    == std::chrono::time_point_cast<std::chrono::milliseconds>(now - 7 * 24h));
            QVERIFY(*SqlDatabases::parseTime(db["properties"]["creationDate"].get<std::string>()) < now - 39 * 24h);
        }
        const auto one = get(server() + "/databases/productdb?api-version=2022-08-01-preview"); // names are case-insensitive
        QCOMPARE(one.status, 200);
        QCOMPARE(one.body["name"].get<std::string>(), std::string("ProductDb"));

        // The window moves with the virtual clock.
        advance(3600s);
        const auto later = get(server() + "/databases/ProductDb?api-version=2021-11-01");
        QVERIFY(*SqlDatabases::parseTime(later.body["properties"]["earliestRestoreDate"].get<std::string>())
                == std::chrono::time_point_cast<std::chrono::milliseconds>(now + 1h - 7 * 24h));
        const auto points = get(server() + "/databases/ProductDb/restorePoints?api-version=2021-11-01");
        QCOMPARE(points.status, 200);
        QCOMPARE(points.body["value"][0]["properties"]["restorePointType"].get<std::string>(), std::string("CONTINUOUS"));

        const auto missing = get(server() + "/databases/NoSuchDb?api-version=2021-11-01");
        QCOMPARE(missing.status, 404);
        QCOMPARE(missing.body["error"]["code"].get<std::string>(), std::string("ResourceNotFound"));
        QCOMPARE(get("/subscriptions/" + m_azure->identity().subscriptionId
                     + "/resourceGroups/opsdeck-demo/providers/Microsoft.Sql/servers/other?api-version=2021-11-01")
                     .status,
                 404);
    }

    void restoreRunsOnTheVirtualClock()
    {
        const std::string point = ago(3600s);
        const auto put = call("PUT", server() + "/databases/ProductDb-restored?api-version=2022-08-01-preview",
                              restoreBody("ProductDb", point, {{"Service", "productservice"}}));
        QCOMPARE(put.status, 202);
        const std::string async = put.header("Azure-AsyncOperation");
        const std::string location = put.header("Location");
        QVERIFY2(async.find(m_server->url() + "/subscriptions/" + m_azure->identity().subscriptionId
                            + "/resourceGroups/opsdeck-demo/providers/Microsoft.Sql/locations/westeurope/databaseAzureAsyncOperation/")
                     == 0,
                 async.c_str());
        QVERIFY(async.find("?api-version=2022-08-01-preview") != std::string::npos);
        QVERIFY2(location.find("/locations/westeurope/databaseOperationResults/") != std::string::npos, location.c_str());
        QVERIFY(std::stoi(put.header("Retry-After")) >= 1);

        auto status = get(pathOf(async));
        QCOMPARE(status.status, 200);
        QCOMPARE(status.body["status"].get<std::string>(), std::string("InProgress"));
        QVERIFY(!status.body.contains("error"));
        auto result = get(pathOf(location));
        QCOMPARE(result.status, 202);
        QVERIFY(!result.header("Retry-After").empty());
        auto target = get(server() + "/databases/ProductDb-restored?api-version=2021-11-01");
        QCOMPARE(target.status, 200);
        QCOMPARE(target.body["properties"]["status"].get<std::string>(), std::string("Restoring"));
        QVERIFY(!target.body["properties"].contains("earliestRestoreDate"));

        // Half-way: still running, progress reported.
        advance(60s);
        status = get(pathOf(async));
        QCOMPARE(status.body["status"].get<std::string>(), std::string("InProgress"));
        QVERIFY(status.body["percentComplete"].get<int>() >= 40 && status.body["percentComplete"].get<int>() < 100);
        QCOMPARE(get(pathOf(location)).status, 202);
        // A second restore onto the same name while it runs conflicts.
        const auto again = call("PUT", server() + "/databases/ProductDb-restored?api-version=2021-11-01",
                                restoreBody("ProductDb", ago(7200s)));
        QCOMPARE(again.status, 409);
        QCOMPARE(again.body["error"]["code"].get<std::string>(), std::string("ConflictingDatabaseOperation"));

        advance(61s); // 121 s > the seed's 120 s
        status = get(pathOf(async));
        QCOMPARE(status.body["status"].get<std::string>(), std::string("Succeeded"));
        QVERIFY(status.body.contains("endTime"));
        result = get(pathOf(location));
        QCOMPARE(result.status, 200);
        QCOMPARE(result.body["name"].get<std::string>(), std::string("ProductDb-restored"));
        QCOMPARE(result.body["properties"]["status"].get<std::string>(), std::string("Online"));
        target = get(server() + "/databases/ProductDb-restored?api-version=2021-11-01");
        QCOMPARE(target.body["properties"]["status"].get<std::string>(), std::string("Online"));
        QCOMPARE(target.body["tags"]["Service"].get<std::string>(), std::string("productservice"));
        // A new database's window starts at its creation.
        QVERIFY(target.body["properties"]["earliestRestoreDate"] == target.body["properties"]["creationDate"]);
        QCOMPARE(get(server() + "/databases?api-version=2021-11-01").body["value"].size(), std::size_t(5));
        // Its name is now taken.
        const auto clash = call("PUT", server() + "/databases/ProductDb-restored?api-version=2021-11-01",
                                restoreBody("ProductDb", ago(600s)));
        QCOMPARE(clash.status, 409);
        QCOMPARE(clash.body["error"]["code"].get<std::string>(), std::string("DatabaseAlreadyExists"));
    }

    void chaosFailsTheNextRestore()
    {
        auto c = client();
        auto r = c.Post("/_opsdeck/chaos/services/productservice/restore-fail", kAdmin, "{}", "application/json");
        QVERIFY(r && r->status == 200);
        r = c.Get("/_opsdeck/chaos", kAdmin);
        QVERIFY(r->body.find("restore-fail") != std::string::npos);
        const auto put = call("PUT", server() + "/databases/ProductDb-r1?api-version=2021-11-01",
                              restoreBody("ProductDb", ago(600s)));
        QCOMPARE(put.status, 202);
        // Other services' restores are not affected.
        const auto other = call("PUT", server() + "/databases/OrderDb-r1?api-version=2021-11-01",
                                restoreBody("OrderDb", ago(600s)));
        QCOMPARE(other.status, 202);
        advance(121s);
        const auto status = get(pathOf(put.header("Azure-AsyncOperation")));
        QCOMPARE(status.body["status"].get<std::string>(), std::string("Failed"));
        QCOMPARE(status.body["error"]["code"].get<std::string>(), std::string("DatabaseRestoreFailed"));
        QVERIFY(!status.body["error"]["message"].get<std::string>().empty());
        const auto result = get(pathOf(put.header("Location")));
        QCOMPARE(result.status, 400);
        QCOMPARE(result.body["error"]["code"].get<std::string>(), std::string("DatabaseRestoreFailed"));
        QCOMPARE(get(server() + "/databases/ProductDb-r1?api-version=2021-11-01").status, 404);
        QCOMPARE(get(pathOf(other.header("Azure-AsyncOperation"))).body["status"].get<std::string>(),
                 std::string("Succeeded"));
        // Only the next one: a retry succeeds.
        const auto retry = call("PUT", server() + "/databases/ProductDb-r1?api-version=2021-11-01",
                                restoreBody("ProductDb", ago(600s)));
        QCOMPARE(retry.status, 202);
        advance(121s);
        QCOMPARE(get(pathOf(retry.header("Azure-AsyncOperation"))).body["status"].get<std::string>(),
                 std::string("Succeeded"));
        r = c.Get("/_opsdeck/chaos", kAdmin);
        QVERIFY(r->body.find("restore-fail") == std::string::npos);
    }

    void databaseDownShowsInArm()
    {
        auto c = client();
        auto r = c.Post("/_opsdeck/chaos/services/orderservice/database-down", kAdmin, "{}", "application/json");
        QVERIFY(r && r->status == 200);
        QCOMPARE(Json::parse(r->body)["database"].get<std::string>(), std::string("OrderDb"));
        QCOMPARE(get(server() + "/databases/OrderDb?api-version=2021-11-01").body["properties"]["status"].get<std::string>(),
                 std::string("Offline"));
        r = c.Post("/_opsdeck/chaos/services/orderservice/database-up", kAdmin, "{}", "application/json");
        QVERIFY(r && r->status == 200);
        QCOMPARE(get(server() + "/databases/OrderDb?api-version=2021-11-01").body["properties"]["status"].get<std::string>(),
                 std::string("Online"));
    }

    void validationErrors_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::newRow("before the window") << "early" << 400 << "InvalidPointInTime";
        QTest::newRow("in the future") << "future" << 400 << "InvalidPointInTime";
        QTest::newRow("no point") << "nopoint" << 400 << "MissingRestorePointInTime";
        QTest::newRow("bad point") << "badpoint" << 400 << "InvalidRequestContent";
        QTest::newRow("no source") << "nosource" << 400 << "MissingSourceDatabaseId";
        QTest::newRow("unknown source") << "unknownsource" << 400 << "InvalidSourceDatabaseId";
        QTest::newRow("foreign source") << "foreignsource" << 400 << "InvalidSourceDatabaseId";
        QTest::newRow("name taken") << "taken" << 409 << "DatabaseAlreadyExists";
        QTest::newRow("no location") << "nolocation" << 400 << "LocationRequired";
        QTest::newRow("bad name") << "badname" << 400 << "InvalidResourceName";
        QTest::newRow("not json") << "notjson" << 400 << "InvalidRequestContent";
    }
    void validationErrors()
    {
        QFETCH(QString, name);
        QFETCH(int, status);
        QFETCH(QString, code);
        const std::string n = name.toStdString();
        std::string target = "Restored-" + n;
        Json body = restoreBody("ProductDb", ago(3600s));
        if (n == "early")
            body["properties"]["restorePointInTime"] = ago(8 * 24h);
        if (n == "future")
            body["properties"]["restorePointInTime"] = SqlDatabases::timeText(m_f->clock.now() + 60s);
        if (n == "nopoint")
            body["properties"].erase("restorePointInTime");
        if (n == "badpoint")
            body["properties"]["restorePointInTime"] = "yesterday";
        if (n == "nosource")
            body["properties"].erase("sourceDatabaseId");
        if (n == "unknownsource")
            body["properties"]["sourceDatabaseId"] = server() + "/databases/Nope";
        if (n == "foreignsource")
            body["properties"]["sourceDatabaseId"] = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/x"
                                                     "/providers/Microsoft.Sql/servers/y/databases/ProductDb";
        if (n == "taken")
            target = "OrderDb";
        if (n == "nolocation")
            body.erase("location");
        if (n == "badname")
            target = "bad%3Fname."; // "bad?name."
        Reply r;
        if (n == "notjson") {
            httplib::Headers h = {{"Authorization", "Bearer " + m_token}};
            auto raw = client().Put(server() + "/databases/" + target + "?api-version=2021-11-01", h, "{nope", "application/json");
            r.status = raw->status;
            r.body = Json::parse(raw->body);
        } else {
            r = call("PUT", server() + "/databases/" + target + "?api-version=2021-11-01", body);
        }
        QCOMPARE(r.status, status);
        QCOMPARE(QString::fromStdString(r.body["error"]["code"].get<std::string>()), code);
        QVERIFY(!r.body["error"]["message"].get<std::string>().empty());
        QVERIFY(r.body["error"]["details"].is_array());
        if (n != "taken")
            QCOMPARE(get(server() + "/databases/" + target + "?api-version=2021-11-01").status, 404);
    }

    void apiVersionAndAuth()
    {
        auto r = get(server() + "/databases");
        QCOMPARE(r.status, 400);
        QCOMPARE(r.body["error"]["code"].get<std::string>(), std::string("MissingApiVersionParameter"));
        r = get(server() + "/databases?api-version=2099-01-01");
        QCOMPARE(r.status, 400);
        QCOMPARE(r.body["error"]["code"].get<std::string>(), std::string("InvalidApiVersionParameter"));
        for (const char *v : {"2014-04-01", "2021-11-01", "2022-08-01-preview", "2023-08-01"})
            QCOMPARE(get(server() + "/databases?api-version=" + v).status, 200);
        r = call("GET", server() + "/databases?api-version=2021-11-01", nullptr, "");
        QCOMPARE(r.status, 401);
        QCOMPARE(r.body["error"]["code"].get<std::string>(), std::string("AuthenticationFailed"));
        r = call("GET", server() + "/databases?api-version=2021-11-01", nullptr, "not-a-token");
        QCOMPARE(r.status, 401);
        QCOMPARE(r.body["error"]["code"].get<std::string>(), std::string("InvalidAuthenticationToken"));
        r = call("GET", server() + "/databases?api-version=2021-11-01", nullptr, token("https://api.loganalytics.io/.default"));
        QCOMPARE(r.status, 401);
        QCOMPARE(r.body["error"]["code"].get<std::string>(), std::string("InvalidAuthenticationTokenAudience"));
        // The ARM SDK pointed at the sim asks for the sim's own URL as audience.
        r = call("GET", server() + "/databases?api-version=2021-11-01", nullptr, token(m_server->url() + "/.default"));
        QCOMPARE(r.status, 200);
        r = get("/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/opsdeck-demo/providers/Microsoft.Sql/"
                "servers/opsdeck-sql/databases?api-version=2021-11-01");
        QCOMPARE(r.status, 404);
        QCOMPARE(r.body["error"]["code"].get<std::string>(), std::string("SubscriptionNotFound"));
    }

    void throttling()
    {
        auto c = client();
        auto r = c.Post("/_opsdeck/azure/sql-faults", kAdmin, Json{{"kind", "throttle"}, {"count", 2}, {"retryAfterSeconds", 7}}.dump(),
                        "application/json");
        QVERIFY(r && r->status == 201);
        for (int i = 0; i < 2; ++i) {
            const auto t = call("PUT", server() + "/databases/Throttled?api-version=2021-11-01",
                                restoreBody("ProductDb", ago(600s)));
            QCOMPARE(t.status, 429);
            QCOMPARE(t.header("Retry-After"), std::string("7"));
            QCOMPARE(t.body["error"]["code"].get<std::string>(), std::string("SubscriptionTooManyRequests"));
        }
        QCOMPARE(call("PUT", server() + "/databases/Throttled?api-version=2021-11-01", restoreBody("ProductDb", ago(600s))).status,
                 202);
        QCOMPARE(c.Post("/_opsdeck/azure/sql-faults", "{}", "application/json")->status, 401);
    }

    void chaosCli()
    {
        const std::string kubeconfig = m_f->dir.filePath(QStringLiteral("kubeconfig")).toStdString();
        sim::KubeconfigWriter::write(kubeconfig, {m_server->url(), {}, "admin-token", "viewer-token", "microservices"});
        const auto run = [&](std::vector<std::string> args, std::string &out) {
            args.insert(args.begin() + 1, {"--kubeconfig", kubeconfig});
            std::ostringstream o;
            std::ostringstream e;
            const int code = sim::ChaosClient::run(args, o, e);
            out = o.str() + e.str();
            return code;
        };
        std::string out;
        const auto status = [&](const std::string &db) {
            return get(server() + "/databases/" + db + "?api-version=2021-11-01").body["properties"]["status"].get<std::string>();
        };
        QCOMPARE(run({"chaos", "database-down", "--service", "productservice"}, out), 0);
        QCOMPARE(status("ProductDb"), std::string("Offline"));
        QCOMPARE(run({"chaos", "status"}, out), 0);
        QVERIFY2(out.find("service productservice database-down database=ProductDb") != std::string::npos, out.c_str());
        QCOMPARE(run({"chaos", "database-up", "productservice"}, out), 0);
        QCOMPARE(status("ProductDb"), std::string("Online"));
        QCOMPARE(run({"chaos", "restore-fail", "--service", "orderservice"}, out), 0);
        QCOMPARE(run({"chaos", "status"}, out), 0);
        QVERIFY2(out.find("service orderservice restore-fail") != std::string::npos, out.c_str());
        QCOMPARE(run({"chaos", "clear", "orderservice", "restore-fail"}, out), 0);
        QCOMPARE(run({"chaos", "status"}, out), 0);
        QVERIFY2(out.find("restore-fail") == std::string::npos, out.c_str());
        QCOMPARE(run({"chaos", "sql-throttle", "--count", "1", "--retry-after", "4"}, out), 0);
        const auto throttled = get(server() + "/databases?api-version=2021-11-01");
        QCOMPARE(throttled.status, 429);
        QCOMPARE(throttled.header("Retry-After"), std::string("4"));
        QCOMPARE(get(server() + "/databases?api-version=2021-11-01").status, 200);
        QCOMPARE(run({"chaos", "restore-fail"}, out), 2); // no service
        QCOMPARE(run({"chaos", "database-down", "nosuchservice"}, out), 1);
    }

    void secretsAsTheApiServerDecodesThem()
    {
        auto c = client();
        const std::string path = "/api/v1/namespaces/microservices/secrets/productservice-db";
        const std::string restored =
            "Server=tcp:opsdeck-sql.database.windows.net,1433;Initial Catalog=ProductDb-restored;Encrypt=True;";
        // stringData is write-only: it lands base64-encoded in data.
        auto r = c.Patch(path, kAdmin, Json{{"stringData", {{"connectionString", restored}}}}.dump(),
                         "application/merge-patch+json");
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        Json secret = Json::parse(r->body);
        QVERIFY(!secret.contains("stringData"));
        QCOMPARE(SqlDatabases::base64Decode(secret["data"]["connectionString"].get<std::string>()), restored);
        r = c.Get(path, kAdmin);
        QCOMPARE(SqlDatabases::base64Decode(Json::parse(r->body)["data"]["connectionString"].get<std::string>()), restored);
        // Plain text in data is refused as the API server refuses it.
        r = c.Patch(path, kAdmin, Json{{"data", {{"connectionString", "Server=tcp:x;Initial Catalog=y;"}}}}.dump(),
                    "application/merge-patch+json");
        QCOMPARE(r->status, 400);
        QVERIFY2(r->body.find("illegal base64 data at input byte") != std::string::npos, r->body.c_str());
        r = c.Patch(path, kAdmin, Json{{"data", {{"bad key", "eA=="}}}}.dump(), "application/merge-patch+json");
        QCOMPARE(r->status, 422);
        QVERIFY2(r->body.find("data[bad key]") != std::string::npos, r->body.c_str());
        r = c.Get(path, kAdmin);
        QCOMPARE(SqlDatabases::base64Decode(Json::parse(r->body)["data"]["connectionString"].get<std::string>()), restored);
        QCOMPARE(sim::SecretCodec::illegalBase64At("eA=="), -1L);
        QCOMPARE(sim::SecretCodec::illegalBase64At("eA==\n"), -1L);
        QCOMPARE(sim::SecretCodec::illegalBase64At("e=A="), 1L);
        QCOMPARE(sim::SecretCodec::illegalBase64At("eA="), 2L);
        QCOMPARE(sim::SecretCodec::illegalBase64At("eAb"), 3L);
        QCOMPARE(sim::SecretCodec::illegalBase64At("a b="), 1L);
    }

    void paging()
    {
        // 150 generated services: 151 databases over two pages.
        auto f = std::make_unique<SimFixture>(
            "name: many\nhistoryEvents: false\ngenerate: {services: 150, podsPerService: 2, canaryPods: 0}\n", 3);
        sim::SqlDatabases *sql = f->simulation->sqlDatabases();
        QVERIFY(sql);
        sim::Authorizer auth("a", "v");
        sim::ApiServerOptions options;
        options.threads = 4;
        sim::ApiServer server(f->store, auth, [&] { return f->clock.now(); }, options, nullptr);
        sim::AzureApi azure(*f->simulation, auth, sim::AzureIdentity::generate(3), [&] { return server.url(); },
                            [&] { return f->clock.now(); }, 1);
        azure.install(server);
        server.start();
        httplib::Client c("127.0.0.1", server.port());
        httplib::Params form = {{"grant_type", "client_credentials"}, {"client_id", azure.identity().clientId},
                                {"client_secret", azure.identity().clientSecret}, {"scope", "https://management.azure.com/.default"}};
        auto t = c.Post(("/" + azure.identity().tenantId + "/oauth2/v2.0/token").c_str(), form);
        QVERIFY(t && t->status == 200);
        const httplib::Headers h = {{"Authorization", "Bearer " + Json::parse(t->body)["access_token"].get<std::string>()}};
        std::string next = "/subscriptions/" + azure.identity().subscriptionId
                           + "/resourceGroups/opsdeck-demo/providers/Microsoft.Sql/servers/opsdeck-sql/databases?api-version=2021-11-01";
        std::set<std::string> names;
        int pages = 0;
        while (!next.empty() && pages < 5) {
            auto r = c.Get(next, h);
            QVERIFY(r && r->status == 200);
            const Json body = Json::parse(r->body);
            for (const auto &db : body["value"])
                names.insert(db["name"].get<std::string>());
            next = body.contains("nextLink") ? pathOf(body["nextLink"].get<std::string>()) : std::string();
            ++pages;
        }
        QCOMPARE(pages, 2);
        QCOMPARE(names.size(), std::size_t(151));
        QVERIFY(names.count("svc-0001-db"));
        f->store.shutdown();
        server.stop();
    }
};

QTEST_GUILESS_MAIN(tst_SqlApi)
#include "tst_sqlapi.moc"
