// The services' pods "use" their <service>-db Secret: the connection string they read at start decides
// which SQL database their database pipeline calls. Taking that database down opens the breaker and the
// report turns Unhealthy (and callers see the failures); restoring, repointing the Secret and restarting
// the Deployments heals it; a Secret pointing nowhere fails. On the seed estate, manual virtual clock.
#include "../simcontrollers/simfixture.h"

#include "azure/sqldatabases.h"

#include <QtTest>

using sim::Json;
using sim::SqlDatabases;
namespace kube = sim::kube;
using namespace std::chrono_literals;
using State = sim::CircuitBreaker::State;

class tst_SqlHealth : public QObject
{
    Q_OBJECT

    std::unique_ptr<SimFixture> m_f;

    Json report(const std::string &service, const std::string &track = "stable") const
    {
        const auto r = m_f->simulation->healthReport(service, track, "/health");
        return r ? r->body : Json();
    }
    int httpStatus(const std::string &service, const std::string &track = "stable") const
    {
        const auto r = m_f->simulation->healthReport(service, track, "/health");
        return r ? r->httpStatus : -1;
    }
    std::string connectionString(const std::string &service) const
    {
        return SqlDatabases::base64Decode(m_f->get("secrets", service + "-db")["data"].value("connectionString", std::string()));
    }
    void repoint(const std::string &service, const std::string &database)
    {
        std::string text = connectionString(service);
        const auto at = text.find("Initial Catalog=");
        QVERIFY(at != std::string::npos);
        const auto end = text.find(';', at);
        text = text.substr(0, at) + "Initial Catalog=" + database + text.substr(end);
        m_f->modify("secrets", service + "-db", [&](Json &s) {
            s["data"]["connectionString"] = kube::base64(text);
            s["data"]["database"] = kube::base64(database);
        });
    }
    void restart(const std::string &deployment)
    {
        m_f->modify("deployments.apps", deployment, [&](Json &d) {
            d["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"] =
                kube::timeText(m_f->clock.now());
        });
    }
    bool breakerIs(const std::string &service, const std::string &dependency, State state,
                   const std::string &track = "stable") const
    {
        const auto s = m_f->simulation->breakerState(service, track, dependency);
        return s && *s == state;
    }

private Q_SLOTS:
    void init()
    {
        m_f = std::make_unique<SimFixture>(std::string(), 1, std::string(OPSDECK_SIM_SCENARIO_DIR) + "/seed.yaml");
        m_f->run(5);
    }
    void cleanup() { m_f.reset(); }

    void secretsNameServerAndDatabase()
    {
        const std::map<std::string, std::string> expected = {
            {"productservice", "ProductDb"}, {"orderservice", "OrderDb"}, {"notificationservice", "NotificationDb"}};
        for (const auto &[service, database] : expected) {
            const Json secret = m_f->get("secrets", service + "-db");
            QCOMPARE(secret["type"].get<std::string>(), std::string("Opaque"));
            const auto target = SqlDatabases::parseConnectionString(connectionString(service));
            QVERIFY(target);
            QCOMPARE(target->host, std::string("opsdeck-sql.database.windows.net"));
            QCOMPARE(target->server, std::string("opsdeck-sql"));
            QCOMPARE(target->database, database);
            QCOMPARE(SqlDatabases::base64Decode(secret["data"]["database"].get<std::string>()), database);
            // The pods take it from the Secret.
            const Json pod = m_f->podsOf(service, "stable").front();
            bool fromSecret = false;
            for (const auto &var : pod["spec"]["containers"][0]["env"])
                fromSecret = fromSecret
                             || (var["name"] == "ConnectionStrings__Default"
                                 && var["valueFrom"]["secretKeyRef"]["name"] == service + "-db");
            QVERIFY(fromSecret);
            const std::string name = service == "productservice" ? "products-db"
                                     : service == "orderservice"   ? "orders-db"
                                                                   : "notifications-db";
            const Json entry = report(service)["entries"][name];
            QCOMPARE(entry["status"].get<std::string>(), std::string("Healthy"));
            QCOMPARE(entry["data"]["database"].get<std::string>(), database);
            QCOMPARE(entry["data"]["server"].get<std::string>(), std::string("opsdeck-sql.database.windows.net"));
        }
    }

    void databaseDownRestoreRepointRestart()
    {
        SqlDatabases *sql = m_f->simulation->sqlDatabases();
        QVERIFY(sql);
        QCOMPARE(httpStatus("productservice"), 200);

        // Chaos: the database the Secret names goes down.
        QVERIFY(m_f->simulation->setDatabaseDown("productservice", true));
        QCOMPARE(SqlDatabases::status(*sql->get("ProductDb", m_f->clock.now())), std::string("Offline"));
        QVERIFY(m_f->runUntil([&] { return breakerIs("productservice", "products-db", State::Open); }, 30));
        Json entry = report("productservice")["entries"]["products-db"];
        QCOMPARE(entry["status"].get<std::string>(), std::string("Unhealthy"));
        QVERIFY2(entry.value("exception", std::string()).find("ProductDb") != std::string::npos, entry.dump().c_str());
        QCOMPARE(httpStatus("productservice"), 503);
        QCOMPARE(httpStatus("productservice", "canary"), 503);
        // Its callers see its requests fail.
        QVERIFY(m_f->runUntil([&] { return breakerIs("orderservice", "productservice", State::Open); }, 60));
        // The other services' databases are fine.
        QCOMPARE(report("notificationservice")["entries"]["notifications-db"]["status"].get<std::string>(),
                 std::string("Healthy"));

        // Restore to a point an hour ago; it runs 120 virtual seconds.
        const auto now = m_f->clock.now();
        const auto started = sql->beginRestore("ProductDb-restored", "ProductDb", now - 1h, {{"Service", "productservice"}}, now);
        QVERIFY(started.operation && !started.refusal);
        QVERIFY(!sql->accepts("opsdeck-sql", "ProductDb-restored", m_f->clock.now()));
        m_f->run(121, 1000ms);
        QCOMPARE(sql->operation(started.operation->id, m_f->clock.now())->status, std::string("Succeeded"));
        QVERIFY(sql->accepts("opsdeck-sql", "ProductDb-restored", m_f->clock.now()));

        // Repointing the Secret alone changes nothing: running pods keep their connection.
        repoint("productservice", "ProductDb-restored");
        m_f->run(45, 1000ms);
        QCOMPARE(httpStatus("productservice"), 503);
        QCOMPARE(report("productservice")["entries"]["products-db"]["data"]["database"].get<std::string>(),
                 std::string("ProductDb"));

        // A restart brings new pods on the restored database: Healthy again.
        restart("productservice-stable");
        restart("productservice-canary");
        QVERIFY(m_f->runUntil(
            [&] {
                return m_f->rolloutDone("productservice-stable") && m_f->rolloutDone("productservice-canary")
                       && httpStatus("productservice") == 200 && httpStatus("productservice", "canary") == 200;
            },
            300, 1000ms));
        entry = report("productservice")["entries"]["products-db"];
        QCOMPARE(entry["status"].get<std::string>(), std::string("Healthy"));
        QCOMPARE(entry["data"]["database"].get<std::string>(), std::string("ProductDb-restored"));
        QCOMPARE(entry["data"]["circuitState"].get<std::string>(), std::string("Closed"));
        QCOMPARE(report("productservice")["status"].get<std::string>(), std::string("Healthy"));
        // The old database is still down; chaos status names it.
        bool named = false;
        for (const auto &item : m_f->simulation->chaosStatus())
            named = named || (item["kind"] == "database-down" && item["database"] == "ProductDb");
        QVERIFY(named);
        // ...and clearing the chaos brings it back.
        QVERIFY(m_f->simulation->clearChaos("productservice", "database-down"));
        QCOMPARE(SqlDatabases::status(*sql->get("ProductDb", m_f->clock.now())), std::string("Online"));
    }

    void secretPointingNowhereFails()
    {
        repoint("notificationservice", "NoSuchDb");
        restart("notificationservice-stable");
        QVERIFY(m_f->runUntil([&] { return breakerIs("notificationservice", "notifications-db", State::Open); }, 300,
                              1000ms));
        const Json entry = report("notificationservice")["entries"]["notifications-db"];
        QCOMPARE(entry["status"].get<std::string>(), std::string("Unhealthy"));
        QVERIFY2(entry.value("exception", std::string()).find("Cannot open database \"NoSuchDb\"") != std::string::npos,
                 entry.dump().c_str());
        // The canary was not restarted: it still connects to NotificationDb.
        QCOMPARE(report("notificationservice", "canary")["entries"]["notifications-db"]["data"]["database"].get<std::string>(),
                 std::string("NotificationDb"));
    }

    void chaosFollowsTheSecret()
    {
        // After a repoint, database-down hits the database the Secret names now.
        SqlDatabases *sql = m_f->simulation->sqlDatabases();
        const auto now = m_f->clock.now();
        QVERIFY(sql->beginRestore("OrderDb-2", "OrderDb", now - 10min, Json::object(), now).operation);
        m_f->run(121, 1000ms);
        repoint("orderservice", "OrderDb-2");
        QVERIFY(m_f->simulation->setDatabaseDown("orderservice", true));
        QCOMPARE(SqlDatabases::status(*sql->get("OrderDb-2", m_f->clock.now())), std::string("Offline"));
        QCOMPARE(SqlDatabases::status(*sql->get("OrderDb", m_f->clock.now())), std::string("Online"));
        QVERIFY(m_f->simulation->setDatabaseDown("orderservice", false));
        QCOMPARE(SqlDatabases::status(*sql->get("OrderDb-2", m_f->clock.now())), std::string("Online"));
    }

    void connectionStrings()
    {
        auto t = SqlDatabases::parseConnectionString(
            "Server=tcp:opsdeck-sql.database.windows.net,1433;Initial Catalog=ProductDb;Encrypt=True;");
        QVERIFY(t);
        QCOMPARE(t->server, std::string("opsdeck-sql"));
        QCOMPARE(t->database, std::string("ProductDb"));
        t = SqlDatabases::parseConnectionString("Data Source=x.database.windows.net; Database = OrderDb");
        QVERIFY(t);
        QCOMPARE(t->server, std::string("x"));
        QCOMPARE(t->database, std::string("OrderDb"));
        QVERIFY(!SqlDatabases::parseConnectionString("Server=tcp:x,1433"));
        QCOMPARE(SqlDatabases::base64Decode(kube::base64("Initial Catalog=Ä;")), std::string("Initial Catalog=Ä;"));
        const auto p = SqlDatabases::parseTime("2026-11-26T09:00:00.5+01:00");
        QVERIFY(p);
        QCOMPARE(SqlDatabases::timeText(*p), std::string("2026-11-26T08:00:00.500Z"));
        QVERIFY(SqlDatabases::parseTime("2026-11-26T09:00:00Z"));
        QVERIFY(SqlDatabases::parseTime("2026-11-26T09:00:00"));
        QVERIFY(!SqlDatabases::parseTime("2026-11-26 09:00:00Z"));
        QVERIFY(!SqlDatabases::parseTime("2026-13-26T09:00:00Z"));
        QVERIFY(!SqlDatabases::parseTime("2026-11-26T09:00:00Zjunk"));
    }
};

QTEST_GUILESS_MAIN(tst_SqlHealth)
#include "tst_sqlhealth.moc"
