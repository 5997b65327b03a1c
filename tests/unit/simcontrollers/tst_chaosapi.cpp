// The chaos API, the services' /health through the service proxy and every API-server fault, seen by
// an httplib client against a real ApiServer over the seed estate (stepped on a manual clock), and
// the `opsdeck-sim chaos` CLI over plain HTTP and over TLS with the kubeconfig's CA.

#include "simfixture.h"

#include "apifaults.h"
#include "apiserver.h"
#include "authorizer.h"
#include "certificateauthority.h"
#include "chaosapi.h"
#include "chaosclient.h"
#include "kubeconfigwriter.h"

#include <httplib.h>

#include <QElapsedTimer>
#include <QTest>

#include <sstream>
#include <thread>

using sim::Json;
using namespace std::chrono_literals;

namespace {

const httplib::Headers kAdmin = {{"Authorization", "Bearer admin-token"}};
const httplib::Headers kViewer = {{"Authorization", "Bearer viewer-token"}};
const char *kPods = "/api/v1/namespaces/microservices/pods";

bool parses(const std::string &text)
{
    return Json::accept(text);
}

} // namespace

class tst_ChaosApi : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<SimFixture> m_f;
    std::unique_ptr<sim::Authorizer> m_auth;
    std::unique_ptr<sim::ApiFaults> m_faults;
    std::unique_ptr<sim::ChaosApi> m_chaos;
    std::unique_ptr<sim::ApiServer> m_server;

    httplib::Client client() const
    {
        httplib::Client c("127.0.0.1", m_server->port());
        c.set_read_timeout(20, 0);
        return c;
    }
    Json addFault(const Json &body)
    {
        auto r = client().Post("/_opsdeck/chaos/api-faults", kAdmin, body.dump(), "application/json");
        if (!r || r->status != 201)
            qWarning("fault not added: %s", r ? r->body.c_str() : "no answer");
        return r && r->status == 201 ? Json::parse(r->body) : Json();
    }
    // Streams a watch until the server ends it (or `limit` passes); returns what arrived.
    std::string watch(const std::string &path, bool &cleanEnd, std::chrono::seconds limit = 10s)
    {
        auto c = client();
        c.set_read_timeout(static_cast<time_t>(limit.count()), 0);
        std::string received;
        auto r = c.Get(path, kAdmin, [&](const char *data, std::size_t n) {
            received.append(data, n);
            return true;
        });
        cleanEnd = static_cast<bool>(r);
        return received;
    }

private Q_SLOTS:
    void init()
    {
        m_f = std::make_unique<SimFixture>(std::string(), 1, std::string(OPSDECK_SIM_SCENARIO_DIR) + "/seed.yaml");
        m_f->run(2);
        m_auth = std::make_unique<sim::Authorizer>("admin-token", "viewer-token");
        m_faults = std::make_unique<sim::ApiFaults>();
        m_chaos = std::make_unique<sim::ChaosApi>(*m_f->simulation, *m_faults, *m_auth);
        sim::ApiServerOptions options;
        options.threads = 16;
        m_server = std::make_unique<sim::ApiServer>(m_f->store, *m_auth, [this] { return m_f->clock.now(); }, options,
                                                    nullptr);
        m_chaos->install(*m_server);
        m_server->start();
        QVERIFY(m_server->port() > 0);
    }
    void cleanup()
    {
        m_faults->shutdown();
        m_f->store.shutdown();
        m_server->stop();
        m_server.reset();
        m_chaos.reset();
        m_faults.reset();
        m_f.reset();
    }

    void chaosNeedsTheAdminToken()
    {
        auto c = client();
        QCOMPARE(c.Get("/_opsdeck/chaos")->status, 401);
        QCOMPARE(c.Get("/_opsdeck/chaos", kViewer)->status, 403);
        auto r = c.Get("/_opsdeck/chaos", kAdmin);
        QCOMPARE(r->status, 200);
        QCOMPARE(Json::parse(r->body)["kind"].get<std::string>(), std::string("ChaosStatus"));
        QCOMPARE(c.Post("/_opsdeck/chaos/services/nosuch/fail", kAdmin, "{\"errorRate\":5}", "application/json")->status,
                 404);
        QCOMPARE(c.Post("/_opsdeck/chaos/services/productservice/fail", kAdmin, "{}", "application/json")->status, 400);
        QCOMPARE(c.Post("/_opsdeck/chaos/services/productservice/explode", kAdmin, "{}", "application/json")->status, 404);
        QCOMPARE(c.Post("/_opsdeck/chaos/api-faults", kAdmin, "{\"kind\":\"nope\"}", "application/json")->status, 400);
    }

    void serviceChaosOverHttp()
    {
        auto c = client();
        auto r = c.Post("/_opsdeck/chaos/services/productservice/fail", kAdmin, R"({"errorRate":40,"track":"canary"})",
                        "application/json");
        QCOMPARE(r->status, 200);
        r = c.Post("/_opsdeck/chaos/services/orderservice/kill-pods", kAdmin, R"({"count":2,"track":"stable"})",
                   "application/json");
        QCOMPARE(Json::parse(r->body)["killed"].size(), std::size_t(2));
        QCOMPARE(c.Post("/_opsdeck/chaos/services/productservice/spike", kAdmin, R"({"factor":3})", "application/json")->status,
                 200);
        const Json status = Json::parse(c.Get("/_opsdeck/chaos", kAdmin)->body);
        QCOMPARE(status["services"].size(), std::size_t(2));
        QCOMPARE(status["services"][0]["kind"].get<std::string>(), std::string("fail"));
        QCOMPARE(status["services"][0]["track"].get<std::string>(), std::string("canary"));
        QCOMPARE(status["services"][1]["kind"].get<std::string>(), std::string("spike"));
        QCOMPARE(c.Delete("/_opsdeck/chaos/services/productservice/spike", kAdmin)->status, 200);
        QCOMPARE(Json::parse(c.Get("/_opsdeck/chaos", kAdmin)->body)["services"].size(), std::size_t(1));
        QCOMPARE(c.Delete("/_opsdeck/chaos", kAdmin)->status, 200);
        QVERIFY(Json::parse(c.Get("/_opsdeck/chaos", kAdmin)->body)["services"].empty());
    }

    void healthThroughTheServiceProxy()
    {
        auto c = client();
        auto r = c.Get("/api/v1/namespaces/microservices/services/orderservice-stable:80/proxy/health", kViewer);
        QCOMPARE(r->status, 200);
        const Json report = Json::parse(r->body);
        QCOMPARE(report["status"].get<std::string>(), std::string("Healthy"));
        QCOMPARE(report["entries"]["productservice"]["data"]["circuitState"].get<std::string>(), std::string("Closed"));
        QCOMPARE(c.Get("/api/v1/namespaces/microservices/services/orderservice/proxy/metrics", kAdmin)->status, 404);

        // The canary's own pods answer for it: break them and its Service has no endpoints.
        m_f->simulation->setTrackBroken("productservice", "canary", true);
        QVERIFY(m_f->runUntil([&] { return m_f->simulation->readyPods("productservice", "canary") == 0; }, 30));
        r = c.Get("/api/v1/namespaces/microservices/services/productservice-canary/proxy/health", kAdmin);
        QCOMPARE(r->status, 503);
        QCOMPARE(Json::parse(r->body)["kind"].get<std::string>(), std::string("Status"));
        QCOMPARE(c.Get("/api/v1/namespaces/microservices/services/productservice-stable/proxy/health", kAdmin)->status, 200);

        // Unhealthy answers 503 with the report.
        m_f->simulation->setDatabaseDown("productservice", true);
        m_f->run(5);
        r = c.Get("/api/v1/namespaces/microservices/services/productservice-stable/proxy/health", kAdmin);
        QCOMPARE(r->status, 503);
        QCOMPARE(Json::parse(r->body)["entries"]["products-db"]["data"]["circuitState"].get<std::string>(),
                 std::string("Open"));
    }

    void revokedTokenUntilCleared()
    {
        auto c = client();
        QCOMPARE(c.Get(kPods, kAdmin)->status, 200);
        const Json fault = addFault({{"kind", "unauthorized"}});
        QCOMPARE(fault["kind"].get<std::string>(), std::string("unauthorized"));
        for (int i = 0; i < 3; ++i) {
            auto r = c.Get(kPods, kAdmin);
            QCOMPARE(r->status, 401);
            QCOMPARE(Json::parse(r->body)["reason"].get<std::string>(), std::string("Unauthorized"));
        }
        QCOMPARE(c.Get("/_opsdeck/chaos", kAdmin)->status, 200); // the controls are never faulted
        QCOMPARE(c.Delete("/_opsdeck/chaos/api-faults/" + std::to_string(fault["id"].get<int>()), kAdmin)->status, 200);
        QCOMPARE(c.Get(kPods, kAdmin)->status, 200);
    }

    void throttleWithRetryAfter()
    {
        auto c = client();
        addFault({{"kind", "throttle"}, {"retryAfterSeconds", 7}, {"count", 2}});
        for (int i = 0; i < 2; ++i) {
            auto r = c.Get(kPods, kAdmin);
            QCOMPARE(r->status, 429);
            QCOMPARE(r->get_header_value("Retry-After"), std::string("7"));
            QCOMPARE(Json::parse(r->body)["details"]["retryAfterSeconds"].get<int>(), 7);
        }
        QCOMPARE(c.Get(kPods, kAdmin)->status, 200);
    }

    void burstOfServerErrorsInScope()
    {
        auto c = client();
        addFault({{"kind", "error"}, {"code", 503}, {"count", 3}, {"resource", "pods"}});
        QCOMPARE(c.Get("/apis/apps/v1/namespaces/microservices/deployments", kAdmin)->status, 200);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(c.Get(kPods, kAdmin)->status, 503);
        QCOMPARE(c.Get(kPods, kAdmin)->status, 200);
        // Scoped by verb and for a while.
        addFault({{"kind", "error"}, {"verb", "get"}, {"durationSeconds", 1}});
        QCOMPARE(c.Get(kPods, kAdmin)->status, 200);
        QCOMPARE(c.Get("/api/v1/namespaces/microservices/services/orderservice", kAdmin)->status, 500);
        std::this_thread::sleep_for(1200ms);
        QCOMPARE(c.Get("/api/v1/namespaces/microservices/services/orderservice", kAdmin)->status, 200);
        QVERIFY(Json::parse(c.Get("/_opsdeck/chaos/api-faults", kAdmin)->body)["items"].empty());
    }

    void stall()
    {
        auto c = client();
        addFault({{"kind", "stall"}, {"seconds", 1.5}, {"count", 1}});
        QElapsedTimer timer;
        timer.start();
        QCOMPARE(c.Get(kPods, kAdmin)->status, 200);
        QVERIFY2(timer.elapsed() >= 1400, qPrintable(QString::number(timer.elapsed())));
        timer.restart();
        QCOMPARE(c.Get(kPods, kAdmin)->status, 200);
        QVERIFY(timer.elapsed() < 1000);
    }

    void truncatedAndMalformedBodies()
    {
        auto c = client();
        const std::string good = c.Get(kPods, kAdmin)->body;
        QVERIFY(parses(good));
        addFault({{"kind", "truncate"}, {"count", 1}});
        auto r = c.Get(kPods, kAdmin);
        QCOMPARE(r->status, 200);
        QVERIFY(!parses(r->body));
        QVERIFY(r->body.size() < good.size());
        addFault({{"kind", "malformed"}, {"count", 1}, {"resource", "pods"}});
        r = c.Get(kPods + std::string("/") + Json::parse(good)["items"][0]["metadata"]["name"].get<std::string>(), kAdmin);
        QCOMPARE(r->status, 200);
        QVERIFY(!parses(r->body));
        QVERIFY(parses(c.Get(kPods, kAdmin)->body));
    }

    void hugeBody()
    {
        auto c = client();
        addFault({{"kind", "huge"}, {"megabytes", 24}, {"count", 1}});
        std::size_t received = 0;
        std::string head;
        std::string tail;
        auto r = c.Get(kPods, kAdmin, [&](const char *data, std::size_t n) {
            if (head.size() < 64)
                head.append(data, std::min<std::size_t>(n, 64));
            tail = std::string(data + (n > 8 ? n - 8 : 0), std::min<std::size_t>(n, 8));
            received += n;
            return true;
        });
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(r->get_header_value("Content-Length"), std::to_string(24 * 1024 * 1024));
        QCOMPARE(received, std::size_t(24 * 1024 * 1024));
        QVERIFY(head.rfind("{\"kind\":\"List\"", 0) == 0);
        QVERIFY(tail.size() >= 2 && tail.substr(tail.size() - 2) == "]}");
    }

    void watchGone()
    {
        addFault({{"kind", "watch-gone"}, {"count", 1}});
        bool clean = false;
        const std::string body = watch(std::string(kPods) + "?watch=1&resourceVersion=1", clean);
        QVERIFY(clean);
        const Json event = Json::parse(body.substr(0, body.find('\n')));
        QCOMPARE(event["type"].get<std::string>(), std::string("ERROR"));
        QCOMPARE(event["object"]["code"].get<int>(), 410);
        QCOMPARE(event["object"]["reason"].get<std::string>(), std::string("Expired"));
        addFault({{"kind", "watch-gone"}, {"mode", "http"}, {"count", 1}});
        auto r = client().Get(std::string(kPods) + "?watch=true", kAdmin);
        QCOMPARE(r->status, 410);
        QCOMPARE(client().Get(kPods, kAdmin)->status, 200); // lists are not watches
    }

    void watchDroppedAfterEvents()
    {
        addFault({{"kind", "drop-watches"}, {"afterEvents", 3}, {"count", 1}});
        bool clean = true;
        const std::string body = watch(std::string(kPods) + "?watch=1", clean); // 12 initial ADDED events
        QVERIFY(!clean);
        QCOMPARE(std::count(body.begin(), body.end(), '\n'), 3);
        QVERIFY(!body.empty() && body.back() != '\n'); // ends mid-event
        QVERIFY(!parses(body.substr(body.rfind('\n') + 1)));
        // The fault was for one stream: the next watch runs normally until its timeout.
        const std::string next = watch(std::string(kPods) + "?watch=1&timeoutSeconds=1", clean);
        QVERIFY(clean);
        QCOMPARE(std::count(next.begin(), next.end(), '\n'), 12);
    }

    void watchDroppedNow()
    {
        const std::string rv = Json::parse(client().Get(kPods, kAdmin)->body)["metadata"]["resourceVersion"];
        bool clean = true;
        std::string body;
        QElapsedTimer timer;
        timer.start();
        std::thread watcher([&] { body = watch(std::string(kPods) + "?watch=1&resourceVersion=" + rv, clean, 20s); });
        std::this_thread::sleep_for(300ms);
        addFault({{"kind", "drop-watches"}});
        watcher.join();
        QVERIFY(timer.elapsed() < 5000);
        QVERIFY(!clean);
        QVERIFY(body.rfind("{\"type\":\"MODIFIED\"", 0) == 0 && !parses(body));
        // One-shot: a new watch is not affected.
        const std::string next = watch(std::string(kPods) + "?watch=1&timeoutSeconds=1", clean);
        QVERIFY(clean);
    }

    void cliOverPlainHttp()
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
        QCOMPARE(run({"chaos", "fail-service", "productservice", "--error-rate", "50"}, out), 0);
        QCOMPARE(run({"chaos", "add-latency", "orderservice", "--ms", "800", "--track", "canary"}, out), 0);
        QCOMPARE(run({"chaos", "status"}, out), 0);
        QVERIFY2(out.find("service productservice fail") != std::string::npos, out.c_str());
        QVERIFY2(out.find("service orderservice latency") != std::string::npos, out.c_str());
        QCOMPARE(run({"fault", "throttle", "--retry-after", "3", "--count", "2", "--resource", "pods"}, out), 0);
        QVERIFY2(out.find("fault #1 throttle") != std::string::npos, out.c_str());
        QCOMPARE(client().Get(kPods, kAdmin)->status, 429);
        QCOMPARE(run({"chaos", "status", "--json"}, out), 0);
        const Json status = Json::parse(out);
        QCOMPARE(status["apiFaults"][0]["retryAfterSeconds"].get<int>(), 3);
        QCOMPARE(run({"chaos", "kill-pods", "orderservice", "--count", "1"}, out), 0);
        QVERIFY2(out.rfind("pod/orderservice-", 0) == 0, out.c_str());
        QCOMPARE(run({"chaos", "clear", "productservice", "fail"}, out), 0);
        QCOMPARE(run({"chaos", "fault", "clear"}, out), 0);
        QCOMPARE(client().Get(kPods, kAdmin)->status, 200);
        QCOMPARE(run({"chaos", "clear", "--all"}, out), 0);
        QCOMPARE(run({"chaos", "status"}, out), 0);
        QCOMPARE(out, std::string("no active chaos\n"));
        QCOMPARE(run({"chaos", "fail-service", "productservice"}, out), 2);
        QCOMPARE(run({"chaos", "fail-service", "nosuch", "--error-rate", "5"}, out), 1);
    }

    void cliOverTlsWithTheKubeconfigCa()
    {
        sim::CertificateAuthority ca;
        sim::ApiServerOptions options;
        options.threads = 8;
        sim::ApiServer secure(m_f->store, *m_auth, [this] { return m_f->clock.now(); }, options, &ca);
        m_chaos->install(secure);
        secure.start();
        const std::string kubeconfig = m_f->dir.filePath(QStringLiteral("tls-kubeconfig")).toStdString();
        sim::KubeconfigWriter::write(kubeconfig, {secure.url(), ca.caPem(), "admin-token", "viewer-token", "microservices"});
        std::ostringstream out;
        std::ostringstream err;
        QCOMPARE(sim::ChaosClient::run({"chaos", "--kubeconfig", kubeconfig, "database-down", "productservice"}, out, err),
                 0);
        QVERIFY2(err.str().empty(), err.str().c_str());
        QCOMPARE(m_f->simulation->chaosStatus()[0]["kind"].get<std::string>(), std::string("database-down"));
        // A kubeconfig whose CA is some other one fails the handshake.
        sim::CertificateAuthority other;
        sim::KubeconfigWriter::write(kubeconfig, {secure.url(), other.caPem(), "admin-token", "viewer-token", "ms"});
        QCOMPARE(sim::ChaosClient::run({"chaos", "--kubeconfig", kubeconfig, "status"}, out, err), 1);
        secure.stop();
    }
};

QTEST_GUILESS_MAIN(tst_ChaosApi)
#include "tst_chaosapi.moc"
