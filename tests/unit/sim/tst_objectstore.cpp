// ObjectStore: resourceVersions, conflicts, watch history and 410, waiting for changes.
#include "objectstore.h"
#include "resourceregistry.h"

#include <QtTest>

#include <thread>

using sim::Json;
using sim::ObjectStore;

class tst_ObjectStore : public QObject
{
    Q_OBJECT

private:
    static std::chrono::system_clock::time_point fixedNow()
    {
        return std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
    }
    static Json pod(const std::string &name, const std::string &ns = "default")
    {
        return {{"metadata", {{"name", name}, {"namespace", ns}, {"labels", {{"app", "web"}}}}},
                {"spec", {{"containers", Json::array({{{"name", "c"}, {"image", "img:1"}}})}}}};
    }

private Q_SLOTS:
    void createFillsServerFields()
    {
        ObjectStore store(fixedNow);
        sim::registerKubernetesTypes(store);
        const std::uint64_t before = store.resourceVersion();
        auto created = store.create("pods", pod("a"));
        QVERIFY(created);
        const Json &m = (*created.value)["metadata"];
        QCOMPARE(m["resourceVersion"].get<std::string>(), std::to_string(before + 1));
        QVERIFY(!m["uid"].get<std::string>().empty());
        QCOMPARE(m["creationTimestamp"].get<std::string>(), std::string("2027-01-15T08:00:00Z"));
        QCOMPARE(m["generation"].get<int>(), 1);
        QCOMPARE((*created.value)["kind"].get<std::string>(), std::string("Pod"));
        QCOMPARE((*created.value)["apiVersion"].get<std::string>(), std::string("v1"));
        QCOMPARE(store.resourceVersion(), before + 1);

        auto again = store.create("pods", pod("a"));
        QVERIFY(!again);
        QCOMPARE(again.error->code, 409);
        QCOMPARE(again.error->reason, std::string("AlreadyExists"));
        QCOMPARE(again.error->message, std::string("pods \"a\" already exists"));

        auto dry = store.create("pods", pod("b"), true);
        QVERIFY(dry);
        QVERIFY(!store.get("pods", "default", "b"));
        QCOMPARE(store.resourceVersion(), before + 1);
    }

    void generateName()
    {
        ObjectStore store(fixedNow);
        sim::registerKubernetesTypes(store);
        Json p = pod("");
        p["metadata"].erase("name");
        p["metadata"]["generateName"] = "web-";
        auto a = store.create("pods", p);
        auto b = store.create("pods", p);
        QVERIFY(a && b);
        const auto na = (*a.value)["metadata"]["name"].get<std::string>();
        const auto nb = (*b.value)["metadata"]["name"].get<std::string>();
        QCOMPARE(na.size(), std::size_t(9));
        QVERIFY(na.rfind("web-", 0) == 0);
        QVERIFY(na != nb);

        Json nameless = pod("");
        nameless["metadata"].erase("name");
        auto bad = store.create("pods", nameless);
        QVERIFY(!bad);
        QCOMPARE(bad.error->code, 422);
    }

    void updateConflictAndGeneration()
    {
        ObjectStore store(fixedNow);
        sim::registerKubernetesTypes(store);
        Json created = *store.create("pods", pod("a")).value;
        Json stale = created;

        Json changed = created;
        changed["spec"]["containers"][0]["image"] = "img:2";
        auto updated = store.update("pods", changed);
        QVERIFY(updated);
        QCOMPARE((*updated.value)["metadata"]["generation"].get<int>(), 2);
        QCOMPARE((*updated.value)["metadata"]["uid"], created["metadata"]["uid"]);

        stale["metadata"]["labels"]["x"] = "y";
        auto conflict = store.update("pods", stale);
        QVERIFY(!conflict);
        QCOMPARE(conflict.error->code, 409);
        QCOMPARE(conflict.error->reason, std::string("Conflict"));
        QVERIFY(conflict.error->message.find("the object has been modified") != std::string::npos);

        // Without a resourceVersion: last writer wins. Metadata-only: generation stays.
        stale["metadata"].erase("resourceVersion");
        stale["spec"] = (*updated.value)["spec"];
        auto lww = store.update("pods", stale);
        QVERIFY(lww);
        QCOMPARE((*lww.value)["metadata"]["generation"].get<int>(), 2);

        // A no-op update keeps the resourceVersion and emits no event.
        const std::uint64_t rv = store.resourceVersion();
        auto noop = store.update("pods", *lww.value);
        QVERIFY(noop);
        QCOMPARE(store.resourceVersion(), rv);

        Json missing = pod("zzz");
        auto nf = store.update("pods", missing);
        QVERIFY(!nf);
        QCOMPARE(nf.error->code, 404);
    }

    void modifyAndRemove()
    {
        ObjectStore store(fixedNow);
        sim::registerKubernetesTypes(store);
        store.create("pods", pod("a"));
        const std::uint64_t rv = store.resourceVersion();
        QVERIFY(!store.modify("pods", "default", "a", [](Json &) { return false; }));
        QVERIFY(!store.modify("pods", "default", "a", [](Json &) { return true; })); // unchanged: no event
        QCOMPARE(store.resourceVersion(), rv);
        auto m = store.modify("pods", "default", "a", [](Json &o) {
            o["status"]["phase"] = "Running";
            return true;
        });
        QVERIFY(m);
        QCOMPARE(store.resourceVersion(), rv + 1);
        QCOMPARE((*m)["metadata"]["generation"].get<int>(), 1);

        auto removed = store.remove("pods", "default", "a");
        QVERIFY(removed);
        QVERIFY(!store.get("pods", "default", "a"));
        auto again = store.remove("pods", "default", "a");
        QCOMPARE(again.error->code, 404);
        QCOMPARE(again.error->message, std::string("pods \"a\" not found"));
    }

    void listOrderAndNamespaces()
    {
        ObjectStore store(fixedNow);
        sim::registerKubernetesTypes(store);
        store.create("pods", pod("b", "ns2"));
        store.create("pods", pod("b", "ns1"));
        store.create("pods", pod("a", "ns2"));
        std::uint64_t rv = 0;
        auto all = store.list("pods", "", &rv);
        QCOMPARE(all.size(), std::size_t(3));
        QCOMPARE(rv, store.resourceVersion());
        QCOMPARE(all[0]["metadata"]["namespace"].get<std::string>(), std::string("ns1"));
        QCOMPARE(all[1]["metadata"]["name"].get<std::string>(), std::string("a"));
        QCOMPARE(store.list("pods", "ns2").size(), std::size_t(2));
        QCOMPARE(store.list("pods", "nsX").size(), std::size_t(0));
        // Cluster-scoped objects ignore the namespace.
        QVERIFY(store.create("namespaces", {{"metadata", {{"name", "ns1"}, {"namespace", "junk"}}}}));
        QVERIFY(store.get("namespaces", "", "ns1"));
        QVERIFY(!store.get("namespaces", "", "ns1")->at("metadata").contains("namespace"));
    }

    void historyAndExpiry()
    {
        ObjectStore store(fixedNow, 3);
        sim::registerKubernetesTypes(store);
        const std::uint64_t start = store.resourceVersion();
        store.create("pods", pod("a"));
        store.create("pods", pod("b", "other"));
        auto events = store.eventsSince("pods", "", start);
        QVERIFY(events);
        QCOMPARE(events->size(), std::size_t(2));
        QCOMPARE(events->at(0).type, std::string("ADDED"));
        QCOMPARE(store.eventsSince("pods", "default", start)->size(), std::size_t(1));
        QCOMPARE(store.eventsSince("pods", "", start + 1)->size(), std::size_t(1));
        store.remove("pods", "default", "a");
        store.create("pods", pod("c"));
        // Limit 3: the first event is gone, so resuming from before it must be refused (410).
        QVERIFY(!store.eventsSince("pods", "", start));
        auto recent = store.eventsSince("pods", "", start + 1);
        QVERIFY(recent);
        QCOMPARE(recent->size(), std::size_t(3));
        QCOMPARE(recent->at(1).type, std::string("DELETED"));
        QCOMPARE(recent->at(1).resourceVersion, start + 3);
        QCOMPARE(recent->at(1).object["metadata"]["resourceVersion"].get<std::string>(), std::to_string(start + 3));
        // Other types' history is unaffected.
        QVERIFY(store.eventsSince("deployments.apps", "", start));
    }

    void waitForChange()
    {
        ObjectStore store(fixedNow);
        sim::registerKubernetesTypes(store);
        const std::uint64_t rv = store.resourceVersion();
        const auto t0 = std::chrono::steady_clock::now();
        QVERIFY(!store.waitForChange(rv, t0 + std::chrono::milliseconds(50)));
        QVERIFY(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(45));

        std::thread writer([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(30));
            store.create("pods", pod("a"));
        });
        QVERIFY(store.waitForChange(rv, std::chrono::steady_clock::now() + std::chrono::seconds(5)));
        writer.join();

        std::thread stopper([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(30));
            store.shutdown();
        });
        const auto t1 = std::chrono::steady_clock::now();
        QVERIFY(!store.waitForChange(store.resourceVersion(), t1 + std::chrono::seconds(10)));
        QVERIFY(std::chrono::steady_clock::now() - t1 < std::chrono::seconds(5));
        stopper.join();
        QVERIFY(store.isShutDown());
    }

    void concurrentWriters()
    {
        ObjectStore store(fixedNow, 100000);
        sim::registerKubernetesTypes(store);
        const std::uint64_t start = store.resourceVersion();
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&store, t] {
                for (int i = 0; i < 250; ++i)
                    store.create("pods", pod("p" + std::to_string(t) + "-" + std::to_string(i)));
            });
        }
        for (auto &th : threads)
            th.join();
        QCOMPARE(store.resourceVersion(), start + 1000);
        auto events = store.eventsSince("pods", "", start);
        QCOMPARE(events->size(), std::size_t(1000));
        for (std::size_t i = 1; i < events->size(); ++i)
            QVERIFY(events->at(i).resourceVersion > events->at(i - 1).resourceVersion);
    }
};

QTEST_GUILESS_MAIN(tst_ObjectStore)
#include "tst_objectstore.moc"
