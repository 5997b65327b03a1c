#pragma once

// The simulated estate: loads a scenario into the store and runs the controllers (deployments and
// ReplicaSets, pod lifecycle, HPA, traffic model, pod metrics, events) on the virtual clock.

#include "objectstore.h"
#include "virtualclock.h"

#include <atomic>
#include <cstdint>
#include <memory>
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

private:
    ObjectStore &m_store;
    const VirtualClock &m_clock;
    SimulationOptions m_options;
    std::vector<std::unique_ptr<Controller>> m_controllers;
    std::vector<std::string> m_services;
    std::string m_namespace;
    std::thread m_thread;
    std::atomic<bool> m_running{false};
};

} // namespace sim
