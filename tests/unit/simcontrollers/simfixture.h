#pragma once

// A store, a manual clock and a Simulation over a scenario given as YAML text, stepped in
// controlled virtual time.

#include "controllers/kubeutil.h"
#include "objectstore.h"
#include "resourceregistry.h"
#include "simulation.h"
#include "virtualclock.h"

#include <QTemporaryDir>
#include <QTest>

#include <chrono>
#include <fstream>
#include <functional>
#include <memory>

struct SimFixture
{
    explicit SimFixture(const std::string &yaml, std::uint64_t seed = 7, const std::string &path = {})
        : clock(sim::VirtualClock::Manual{}, std::chrono::sys_days{std::chrono::year{2026} / 11 / 26} + std::chrono::hours{9})
        , store([this] { return clock.now(); })
    {
        sim::registerKubernetesTypes(store);
        std::string file = path;
        if (file.empty()) {
            file = dir.filePath(QStringLiteral("scenario.yaml")).toStdString();
            std::ofstream(file) << yaml;
        }
        simulation = std::make_unique<sim::Simulation>(store, clock, sim::SimulationOptions{file, 1.0, seed});
        simulation->load();
    }

    // Steps every `tick` for `seconds` of virtual time.
    void run(double seconds, std::chrono::milliseconds tick = std::chrono::milliseconds(250),
             const std::function<void()> &afterStep = {})
    {
        const auto end = clock.now() + std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
        while (clock.now() < end) {
            clock.advance(tick);
            simulation->step();
            if (afterStep)
                afterStep();
        }
    }

    // Steps until `done` holds or `seconds` pass; true when it held.
    bool runUntil(const std::function<bool()> &done, double seconds,
                  std::chrono::milliseconds tick = std::chrono::milliseconds(250))
    {
        const auto end = clock.now() + std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
        while (clock.now() < end) {
            clock.advance(tick);
            simulation->step();
            if (done())
                return true;
        }
        return false;
    }

    sim::Json get(const std::string &type, const std::string &name) const
    {
        return store.get(type, ns(), name).value_or(sim::Json());
    }
    std::vector<sim::Json> list(const std::string &type) const { return store.list(type, ns()); }
    std::string ns() const { return simulation->namespaceName(); }

    std::vector<sim::Json> podsOf(const std::string &app, const std::string &track) const
    {
        std::vector<sim::Json> out;
        for (auto &pod : list("pods"))
            if (sim::kube::label(pod, "app") == app && sim::kube::label(pod, "version") == track)
                out.push_back(pod);
        return out;
    }
    int readyActive(const std::string &app, const std::string &track) const
    {
        int n = 0;
        for (const auto &pod : podsOf(app, track))
            n += sim::kube::podReady(pod) && !sim::kube::podTerminating(pod) ? 1 : 0;
        return n;
    }
    std::vector<sim::Json> replicaSetsOf(const std::string &deployment) const
    {
        std::vector<sim::Json> out;
        for (auto &rs : list("replicasets.apps"))
            if (sim::kube::name(rs).rfind(deployment + "-", 0) == 0)
                out.push_back(rs);
        return out;
    }
    bool rolloutDone(const std::string &deployment) const
    {
        // kubectl rollout status's test.
        const auto d = get("deployments.apps", deployment);
        const int replicas = d["spec"].value("replicas", 1);
        const auto &s = d["status"];
        return s.value("observedGeneration", 0) >= d["metadata"].value("generation", 0)
            && s.value("updatedReplicas", 0) == replicas && s.value("replicas", 0) == replicas
            && s.value("availableReplicas", 0) == replicas;
    }
    void modify(const std::string &type, const std::string &name, const std::function<void(sim::Json &)> &change)
    {
        QVERIFY(store.modify(type, ns(), name, [&](sim::Json &o) {
            change(o);
            return true;
        }));
    }

    QTemporaryDir dir;
    sim::VirtualClock clock;
    sim::ObjectStore store;
    std::unique_ptr<sim::Simulation> simulation;
};
