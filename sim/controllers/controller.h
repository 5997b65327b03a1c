#pragma once

// One concern of the simulated control plane (deployments, ReplicaSets, pods, HPA, traffic, metrics),
// stepped by Simulation on its controller thread at the virtual clock's time.

#include <chrono>

namespace sim {

class Controller
{
public:
    virtual ~Controller() = default;
    virtual void step(std::chrono::system_clock::time_point now) = 0;
};

} // namespace sim
