#pragma once

// The simulated estate: loads a scenario into the store and runs the controllers (deployments and
// ReplicaSets, pod lifecycle, HPA, traffic model, pod metrics, events) on the virtual clock.

#include "objectstore.h"
#include "virtualclock.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sim {

struct SimulationOptions
{
    std::string scenarioPath;   // a sim/scenarios/*.yaml file
    double speed = 1.0;         // virtual seconds per wall second (the clock is built with it)
    std::uint64_t seed = 1;     // same seed, same estate and same traffic
};

class Controller; // one per concern, in sim/controllers/
struct Scenario;
struct SimContext;
class TrafficModel;

class Simulation
{
public:
    Simulation(ObjectStore &store, const VirtualClock &clock, SimulationOptions options);
    ~Simulation();

    // Parses the scenario and creates its objects (with history: ReplicaSet revisions, running pods,
    // past events). Throws std::runtime_error naming the file and the problem.
    void load();

    void start(); // starts the controller thread
    void stop();  // stops and joins it; idempotent

    // One controller step at the clock's current time; start() calls it in a loop. Public for tests.
    void step();

    const std::vector<std::string> &serviceNames() const { return m_services; }
    std::string namespaceName() const { return m_namespace; }

    // Chaos controls, callable from any thread. A broken track's containers crash on start and its
    // running pods fail their liveness probe: CrashLoopBackOff until it is mended. Returns false
    // for an unknown service or a track other than "stable" / "canary".
    bool setTrackBroken(const std::string &service, const std::string &track, bool broken);
    bool isTrackBroken(const std::string &service, const std::string &track) const;
    // Multiplies a service's traffic (1 = normal); false for an unknown service.
    bool setTrafficSpike(const std::string &service, double factor);
    // Requests per second routed to a track at the last step (0 before the first step).
    double trackRps(const std::string &service, const std::string &track) const;

    const Scenario *scenario() const { return m_scenario.get(); } // null before load()

private:
    void run();

    ObjectStore &m_store;
    const VirtualClock &m_clock;
    SimulationOptions m_options;
    std::vector<std::unique_ptr<Controller>> m_controllers;
    std::vector<std::string> m_services;
    std::string m_namespace;
    std::unique_ptr<Scenario> m_scenario;
    std::unique_ptr<SimContext> m_context;
    TrafficModel *m_traffic = nullptr; // owned by m_controllers
    std::chrono::system_clock::time_point m_lastPrune;
    mutable std::mutex m_stepMutex;     // step() against the chaos setters
    std::mutex m_runMutex;
    std::condition_variable m_wake;
    std::thread m_thread;
    std::atomic<bool> m_running{false};
};

} // namespace sim
