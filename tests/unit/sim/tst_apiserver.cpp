// ApiServer over real HTTP, without a Simulation: list and paging, watch, conflicts, 401/403, 422,
// Table output, scale, access review, proxy and TLS with the generated CA.
#include "apiserver.h"
#include "authorizer.h"
#include "certificateauthority.h"
#include "objectstore.h"
#include "resourceregistry.h"

#include <httplib.h>

#include <QtTest>

#include <atomic>
#include <fstream>
#include <thread>

using sim::Json;

class tst_ApiServer : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<sim::ObjectStore> m_store;
    std::unique_ptr<sim::Authorizer> m_auth;
    std::unique_ptr<sim::ApiServer> m_server;

    httplib::Headers admin() const { return {{"Authorization", "Bearer admin-token"}}; }
    httplib::Headers viewer() const { return {{"Authorization", "Bearer viewer-token"}}; }
    httplib::Client client() const
    {
        httplib::Client c("127.0.0.1", m_server->port());
        c.set_read_timeout(10, 0);
        return c;
    }
    static Json body(const httplib::Result &r) { return Json::parse(r->body); }

    void addPod(const std::string &name, const std::string &version, bool ready = true)
    {
        Json pod = {{"metadata", {{"name", name}, {"namespace", "ms"}, {"labels", {{"app", "web"}, {"version", version}}}}},
                    {"spec", {{"containers", {{{"name", "web"}, {"image", "web:1"}}}}, {"nodeName", "node-1"}}},
                    {"status",
                     {{"phase", "Running"},
                      {"conditions", {{{"type", "Ready"}, {"status", ready ? "True" : "False"}}}},
                      {"containerStatuses",
                       {{{"name", "web"}, {"ready", ready}, {"restartCount", 0}, {"state", {{"running", Json::object()}}}}}}}}};
        QVERIFY(m_store->create("pods", pod));
    }

private Q_SLOTS:
    void init()
    {
        m_store = std::make_unique<sim::ObjectStore>([] { return std::chrono::system_clock::now(); }, 50);
        sim::registerKubernetesTypes(*m_store);
        m_auth = std::make_unique<sim::Authorizer>("admin-token", "viewer-token");
        sim::ApiServerOptions options;
        options.threads = 32;
        options.bookmarkInterval = std::chrono::milliseconds(200);
        options.continueTtl = std::chrono::milliseconds(800);
        options.maxBodyBytes = 64 * 1024;
        m_server = std::make_unique<sim::ApiServer>(*m_store, *m_auth, [] { return std::chrono::system_clock::now(); },
                                                    options, nullptr);
        m_server->start();
        QVERIFY(m_server->port() > 0);
        QVERIFY(m_store->create("namespaces", {{"metadata", {{"name", "ms"}}}}));
        for (int i = 0; i < 5; ++i)
            addPod("web-" + std::to_string(i), i < 3 ? "stable" : "canary", i != 4);
    }
    void cleanup()
    {
        m_store->shutdown();
        m_server->stop();
        m_server.reset();
    }

    void discovery()
    {
        auto c = client();
        auto r = c.Get("/version");
        QCOMPARE(r->status, 200);
        QCOMPARE(body(r)["minor"].get<std::string>(), std::string("31"));
        r = c.Get("/api/v1", admin());
        QCOMPARE(r->status, 200);
        bool pods = false;
        const Json resources = body(r)["resources"];
        for (const auto &res : resources)
            pods = pods || (res["name"] == "pods" && res["shortNames"] == Json::array({"po"}));
        QVERIFY(pods);
        r = c.Get("/apis", admin());
        QCOMPARE(body(r)["kind"].get<std::string>(), std::string("APIGroupList"));
        QCOMPARE(c.Get("/apis/apps/v1", admin())->status, 200);
        QCOMPARE(c.Get("/openapi/v3", admin())->status, 404);
        QCOMPARE(body(c.Get("/openapi/v2", admin()))["kind"].get<std::string>(), std::string("Status"));
    }

    void authentication()
    {
        auto c = client();
        auto r = c.Get("/api/v1/pods");
        QCOMPARE(r->status, 401);
        QCOMPARE(body(r)["reason"].get<std::string>(), std::string("Unauthorized"));
        QCOMPARE(c.Get("/api/v1/pods", {{"Authorization", "Bearer wrong"}})->status, 401);
        QCOMPARE(c.Get("/version", {{"Authorization", "Bearer wrong"}})->status, 401);
        QCOMPARE(c.Get("/api/v1/pods", viewer())->status, 200);

        r = c.Patch("/apis/apps/v1/namespaces/ms/deployments/x", viewer(), "{}", "application/merge-patch+json");
        QCOMPARE(r->status, 403);
        QCOMPARE(body(r)["message"].get<std::string>(),
                 std::string("deployments.apps \"x\" is forbidden: User \"viewer\" cannot patch resource "
                             "\"deployments\" in API group \"apps\" in the namespace \"ms\""));
        r = c.Post("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", viewer(),
                   R"({"spec":{"resourceAttributes":{"namespace":"ms","verb":"patch","group":"apps","resource":"deployments"}}})",
                   "application/json");
        QCOMPARE(r->status, 201);
        QCOMPARE(body(r)["status"]["allowed"].get<bool>(), false);
        r = c.Post("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", admin(),
                   R"({"spec":{"resourceAttributes":{"namespace":"ms","verb":"patch","group":"apps","resource":"deployments"}}})",
                   "application/json");
        QCOMPARE(body(r)["status"]["allowed"].get<bool>(), true);
    }

    void listAndSelectors()
    {
        auto c = client();
        auto r = c.Get("/api/v1/namespaces/ms/pods", admin());
        QCOMPARE(r->status, 200);
        Json list = body(r);
        QCOMPARE(list["kind"].get<std::string>(), std::string("PodList"));
        QCOMPARE(list["items"].size(), std::size_t(5));
        QCOMPARE(list["metadata"]["resourceVersion"].get<std::string>(), std::to_string(m_store->resourceVersion()));
        r = c.Get("/api/v1/namespaces/ms/pods?labelSelector=version%3Dcanary", admin());
        QCOMPARE(body(r)["items"].size(), std::size_t(2));
        r = c.Get("/api/v1/pods?labelSelector=version%20notin%20(canary),app", admin());
        QCOMPARE(body(r)["items"].size(), std::size_t(3));
        r = c.Get("/api/v1/namespaces/ms/pods?fieldSelector=metadata.name%3Dweb-1", admin());
        QCOMPARE(body(r)["items"].size(), std::size_t(1));
        QCOMPARE(c.Get("/api/v1/pods?labelSelector=a%20in%20b", admin())->status, 400);
        QCOMPARE(c.Get("/api/v1/pods?fieldSelector=spec.bogus%3D1", admin())->status, 400);
        QCOMPARE(c.Get("/api/v1/namespaces/other/pods", admin()).value().status, 200);
        QCOMPARE(c.Get("/api/v1/namespaces/ms/pods/nope", admin())->status, 404);
        QCOMPARE(body(c.Get("/api/v1/namespaces/ms/pods/nope", admin()))["message"].get<std::string>(),
                 std::string("pods \"nope\" not found"));
        QCOMPARE(c.Get("/api/v1/namespaces/ms/frobs", admin())->status, 404);
    }

    void paging()
    {
        auto c = client();
        auto r = c.Get("/api/v1/namespaces/ms/pods?limit=2", admin());
        Json page = body(r);
        QCOMPARE(page["items"].size(), std::size_t(2));
        const std::string rv = page["metadata"]["resourceVersion"];
        QCOMPARE(page["metadata"]["remainingItemCount"].get<int>(), 3);
        std::string token = page["metadata"]["continue"];
        // A write between pages does not change the pages: one snapshot, one resourceVersion.
        addPod("web-9", "stable");
        std::vector<std::string> names;
        for (const auto &i : page["items"])
            names.push_back(i["metadata"]["name"]);
        while (!token.empty()) {
            r = c.Get("/api/v1/namespaces/ms/pods?limit=2&continue=" + httplib::detail::encode_query_param(token), admin());
            QCOMPARE(r->status, 200);
            page = body(r);
            QCOMPARE(page["metadata"]["resourceVersion"].get<std::string>(), rv);
            for (const auto &i : page["items"])
                names.push_back(i["metadata"]["name"]);
            token = page["metadata"].value("continue", std::string());
        }
        QCOMPARE(names.size(), std::size_t(5));

        r = c.Get("/api/v1/namespaces/ms/pods?limit=1", admin());
        token = body(r)["metadata"]["continue"];
        std::this_thread::sleep_for(std::chrono::milliseconds(1000));
        r = c.Get("/api/v1/namespaces/ms/pods?limit=1&continue=" + httplib::detail::encode_query_param(token), admin());
        QCOMPARE(r->status, 410);
        QCOMPARE(body(r)["reason"].get<std::string>(), std::string("Expired"));
        QCOMPARE(c.Get("/api/v1/namespaces/ms/pods?limit=1&continue=garbage", admin())->status, 400);
    }

    void createUpdateConflict()
    {
        auto c = client();
        const std::string cm = R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c1"},"data":{"a":"1"}})";
        auto r = c.Post("/api/v1/namespaces/ms/configmaps", admin(), cm, "application/json");
        QCOMPARE(r->status, 201);
        Json created = body(r);
        QCOMPARE(c.Post("/api/v1/namespaces/ms/configmaps", admin(), cm, "application/json")->status, 409);
        QCOMPARE(c.Post("/api/v1/namespaces/nons/configmaps", admin(), cm, "application/json")->status, 404);
        QCOMPARE(c.Post("/api/v1/namespaces/ms/configmaps", admin(), "{nope", "application/json")->status, 400);
        r = c.Post("/api/v1/namespaces/ms/configmaps?dryRun=All", admin(),
                   R"({"metadata":{"name":"dry"}})", "application/json");
        QCOMPARE(r->status, 201);
        QVERIFY(!m_store->get("configmaps", "ms", "dry"));

        Json changed = created;
        changed["data"]["a"] = "2";
        r = c.Put("/api/v1/namespaces/ms/configmaps/c1", admin(), changed.dump(), "application/json");
        QCOMPARE(r->status, 200);
        r = c.Put("/api/v1/namespaces/ms/configmaps/c1", admin(), changed.dump(), "application/json");
        QCOMPARE(r->status, 409);
        QCOMPARE(body(r)["reason"].get<std::string>(), std::string("Conflict"));

        r = c.Patch("/api/v1/namespaces/ms/configmaps/c1", admin(), R"({"data":{"b":"3"}})",
                    "application/merge-patch+json");
        QCOMPARE(r->status, 200);
        QCOMPARE(body(r)["data"], Json({{"a", "2"}, {"b", "3"}}));
        r = c.Patch("/api/v1/namespaces/ms/configmaps/c1", admin(),
                    R"({"metadata":{"resourceVersion":"1"},"data":{"b":"4"}})", "application/merge-patch+json");
        QCOMPARE(r->status, 409);
        QCOMPARE(c.Patch("/api/v1/namespaces/ms/configmaps/c1", admin(), "{}", "text/plain")->status, 415);
        QCOMPARE(c.Delete("/api/v1/namespaces/ms/configmaps/c1", admin())->status, 200);
        QCOMPARE(c.Delete("/api/v1/namespaces/ms/configmaps/c1", admin())->status, 404);
    }

    void validation()
    {
        auto c = client();
        auto r = c.Post("/api/v1/namespaces/ms/configmaps", admin(), R"({"metadata":{"name":"Bad_Name"}})",
                        "application/json");
        QCOMPARE(r->status, 422);
        QCOMPARE(body(r)["details"]["causes"][0]["field"].get<std::string>(), std::string("metadata.name"));
        const std::string deploy = R"({"metadata":{"name":"d"},"spec":{"replicas":-1,"selector":{"matchLabels":{"app":"d"}},
            "template":{"metadata":{"labels":{"app":"d"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}})";
        r = c.Post("/apis/apps/v1/namespaces/ms/deployments", admin(), deploy, "application/json");
        QCOMPARE(r->status, 422);
        QCOMPARE(body(r)["details"]["causes"][0]["field"].get<std::string>(), std::string("spec.replicas"));
        const std::string ingress = R"({"metadata":{"name":"i","annotations":{"nginx.ingress.kubernetes.io/canary":"true",
            "nginx.ingress.kubernetes.io/canary-weight":"abc"}},"spec":{}})";
        r = c.Post("/apis/networking.k8s.io/v1/namespaces/ms/ingresses", admin(), ingress, "application/json");
        QCOMPARE(r->status, 422);
        Json ok = Json::parse(ingress);
        ok["metadata"]["annotations"]["nginx.ingress.kubernetes.io/canary-weight"] = "30";
        QCOMPARE(c.Post("/apis/networking.k8s.io/v1/namespaces/ms/ingresses", admin(), ok.dump(), "application/json")->status, 201);
        r = c.Patch("/apis/networking.k8s.io/v1/namespaces/ms/ingresses/i", admin(),
                    R"({"metadata":{"annotations":{"nginx.ingress.kubernetes.io/canary-weight":"101"}}})",
                    "application/merge-patch+json");
        QCOMPARE(r->status, 422);
    }

    void scaleSubresource()
    {
        auto c = client();
        const std::string deploy = R"({"metadata":{"name":"d"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"d"}},
            "template":{"metadata":{"labels":{"app":"d"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}})";
        QCOMPARE(c.Post("/apis/apps/v1/namespaces/ms/deployments", admin(), deploy, "application/json")->status, 201);
        auto r = c.Get("/apis/apps/v1/namespaces/ms/deployments/d/scale", admin());
        QCOMPARE(body(r)["kind"].get<std::string>(), std::string("Scale"));
        QCOMPARE(body(r)["spec"]["replicas"].get<int>(), 2);
        QCOMPARE(body(r)["status"]["selector"].get<std::string>(), std::string("app=d"));
        r = c.Patch("/apis/apps/v1/namespaces/ms/deployments/d/scale", admin(), R"({"spec":{"replicas":5}})",
                    "application/merge-patch+json");
        QCOMPARE(r->status, 200);
        QCOMPARE((*m_store->get("deployments.apps", "ms", "d"))["spec"]["replicas"].get<int>(), 5);
        r = c.Patch("/apis/apps/v1/namespaces/ms/deployments/d/scale", admin(), R"({"spec":{"replicas":-2}})",
                    "application/merge-patch+json");
        QCOMPARE(r->status, 422);
        QCOMPARE(c.Patch("/apis/apps/v1/namespaces/ms/deployments/d/scale", viewer(), R"({"spec":{"replicas":1}})",
                         "application/merge-patch+json")->status,
                 403);
    }

    void table()
    {
        auto c = client();
        httplib::Headers h = admin();
        h.emplace("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json");
        auto r = c.Get("/api/v1/namespaces/ms/pods", h);
        QCOMPARE(r->status, 200);
        Json t = body(r);
        QCOMPARE(t["kind"].get<std::string>(), std::string("Table"));
        QCOMPARE(t["apiVersion"].get<std::string>(), std::string("meta.k8s.io/v1"));
        QCOMPARE(t["columnDefinitions"][1]["name"].get<std::string>(), std::string("Ready"));
        QCOMPARE(t["rows"].size(), std::size_t(5));
        QCOMPARE(t["rows"][4]["cells"][1].get<std::string>(), std::string("0/1"));
        QCOMPARE(t["rows"][0]["cells"][2].get<std::string>(), std::string("Running"));
        QCOMPARE(t["rows"][0]["object"]["kind"].get<std::string>(), std::string("PartialObjectMetadata"));
        r = c.Get("/api/v1/namespaces/ms/pods/web-0?includeObject=Object", h);
        QCOMPARE(body(r)["rows"][0]["object"]["kind"].get<std::string>(), std::string("Pod"));
    }

    void watch()
    {
        const std::uint64_t rv = m_store->resourceVersion();
        std::atomic<bool> stop{false};
        std::string received;
        std::thread watcher([&] {
            auto c = client();
            c.Get("/api/v1/namespaces/ms/pods?watch=1&allowWatchBookmarks=true&labelSelector=version%3Dcanary&"
                  "timeoutSeconds=3&resourceVersion="
                      + std::to_string(rv),
                  admin(), [&](const char *data, size_t n) {
                      received.append(data, n);
                      return !stop;
                  });
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        addPod("web-c", "canary");
        addPod("web-s", "stable");
        m_store->modify("pods", "ms", "web-3", [](Json &o) {
            o["metadata"]["labels"]["version"] = "stable"; // leaves the selection
            return true;
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        stop = true;
        watcher.join();
        std::vector<Json> events;
        std::istringstream lines(received);
        for (std::string line; std::getline(lines, line);)
            events.push_back(Json::parse(line));
        std::vector<std::string> kinds;
        for (const auto &e : events) {
            if (e["type"] != "BOOKMARK")
                kinds.push_back(e["type"].get<std::string>() + ":" + e["object"]["metadata"]["name"].get<std::string>());
        }
        QCOMPARE(kinds, (std::vector<std::string>{"ADDED:web-c", "DELETED:web-3"}));
        bool bookmark = false;
        for (const auto &e : events)
            bookmark = bookmark || e["type"] == "BOOKMARK";
        QVERIFY(bookmark);
    }

    void watchInitialEventsAndTimeout()
    {
        auto c = client();
        const auto t0 = std::chrono::steady_clock::now();
        std::string received;
        auto r = c.Get("/api/v1/namespaces/ms/pods?watch=true&timeoutSeconds=1", admin(), [&](const char *d, size_t n) {
            received.append(d, n);
            return true;
        });
        QVERIFY(r);
        QCOMPARE(r->get_header_value("Content-Type"), std::string("application/json;stream=watch"));
        QVERIFY(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
        QCOMPARE(std::count(received.begin(), received.end(), '\n'), 5L);
        QVERIFY(received.rfind("{\"type\":\"ADDED\"", 0) == 0);
    }

    void watchTooOld()
    {
        // History limit 50: push the first events out, then resume from before them.
        const std::uint64_t old = m_store->resourceVersion();
        for (int i = 0; i < 60; ++i)
            addPod("bulk-" + std::to_string(i), "stable");
        auto c = client();
        std::string received;
        auto r = c.Get("/api/v1/namespaces/ms/pods?watch=1&resourceVersion=" + std::to_string(old - 3), admin(),
                       [&](const char *d, size_t n) {
                           received.append(d, n);
                           return true;
                       });
        QCOMPARE(r->status, 200);
        const Json event = Json::parse(received.substr(0, received.find('\n')));
        QCOMPARE(event["type"].get<std::string>(), std::string("ERROR"));
        QCOMPARE(event["object"]["code"].get<int>(), 410);
        QCOMPARE(event["object"]["reason"].get<std::string>(), std::string("Expired"));
    }

    void manyWatchersAndVanishingClients()
    {
        // More concurrent streams than cpp-httplib's default 8 workers; all must see the change.
        std::vector<std::thread> threads;
        std::atomic<int> saw{0};
        for (int i = 0; i < 20; ++i) {
            threads.emplace_back([&] {
                auto c = client();
                std::string got;
                c.Get("/api/v1/namespaces/ms/pods?watch=1&timeoutSeconds=3&resourceVersion="
                          + std::to_string(m_store->resourceVersion()),
                      admin(), [&](const char *d, size_t n) {
                          got.append(d, n);
                          if (got.find("late") != std::string::npos) {
                              ++saw;
                              return false; // hang up mid-stream
                          }
                          return true;
                      });
            });
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        addPod("late", "stable");
        for (auto &t : threads)
            t.join();
        QCOMPARE(saw.load(), 20);
        QCOMPARE(client().Get("/api/v1/pods", admin())->status, 200); // still serving
    }

    void badInput()
    {
        auto c = client();
        const std::string huge(200 * 1024, 'x');
        auto r = c.Post("/api/v1/namespaces/ms/configmaps", admin(), huge, "application/json");
        QVERIFY(!r || r->status == 413);
        QCOMPARE(c.Get("/api/v1/pods", admin())->status, 200);
        QCOMPARE(c.Put("/api/v1/namespaces/ms/pods", admin(), "{}", "application/json")->status, 405);
    }

    void serviceProxy()
    {
        auto c = client();
        QVERIFY(m_store->create("services", {{"metadata", {{"name", "web"}, {"namespace", "ms"}}},
                                             {"spec", {{"selector", {{"app", "web"}, {"version", "stable"}}}}}}));
        QVERIFY(m_store->create("services", {{"metadata", {{"name", "canary"}, {"namespace", "ms"}}},
                                             {"spec", {{"selector", {{"app", "web"}, {"version", "canary"}}}}}}));
        QVERIFY(m_store->create("services", {{"metadata", {{"name", "none"}, {"namespace", "ms"}}},
                                             {"spec", {{"selector", {{"app", "zzz"}}}}}}));
        auto r = c.Get("/api/v1/namespaces/ms/services/web:80/proxy/health", viewer());
        QCOMPARE(r->status, 200);
        QCOMPARE(body(r)["status"].get<std::string>(), std::string("Healthy"));
        r = c.Get("/api/v1/namespaces/ms/services/https:canary:443/proxy/health", admin());
        QCOMPARE(body(r)["status"].get<std::string>(), std::string("Degraded"));
        QCOMPARE(c.Get("/api/v1/namespaces/ms/services/none/proxy/health", admin())->status, 503);
        QCOMPARE(c.Get("/api/v1/namespaces/ms/services/missing/proxy/health", admin())->status, 404);
    }

    void tls()
    {
        sim::CertificateAuthority ca;
        sim::ApiServerOptions options;
        options.threads = 8;
        sim::ApiServer secure(*m_store, *m_auth, [] { return std::chrono::system_clock::now(); }, options, &ca);
        secure.start();
        const QString caFile = QDir::temp().filePath(QStringLiteral("opsdeck-sim-test-ca.pem"));
        {
            std::ofstream out(caFile.toStdString());
            out << ca.caPem();
        }
        httplib::SSLClient c("127.0.0.1", secure.port());
        c.set_ca_cert_path(caFile.toStdString().c_str());
        c.enable_server_certificate_verification(true);
        auto r = c.Get("/api/v1/namespaces/ms/pods", admin());
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(body(r)["items"].size(), std::size_t(5));
        secure.stop();
        QFile::remove(caFile);
    }
};

QTEST_GUILESS_MAIN(tst_ApiServer)
#include "tst_apiserver.moc"
