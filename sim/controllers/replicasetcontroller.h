#pragma once

// The ReplicaSet controller: keeps the number of active pods equal to spec.replicas (new pods named
// <rs>-<5 chars>, the least useful ones deleted first), replaces pods that clients delete, removes
// orphaned pods and writes the ReplicaSet's status.

#include "controller.h"
#include "simcontext.h"

#include <chrono>
#include <set>
#include <string>
#include <vector>

namespace sim {

class ReplicaSetController final : public Controller
{
public:
    explicit ReplicaSetController(SimContext &context);
    void step(std::chrono::system_clock::time_point now) override;

    static constexpr int kBurst = 500; // pods created per ReplicaSet per step, as --burst-replicas

private:
    void sync(const Json &replicaSet, std::vector<const PodInfo *> pods, std::chrono::system_clock::time_point now);
    void terminate(const std::string &pod, std::chrono::system_clock::time_point now);

    SimContext &m_ctx;
    std::set<std::string> m_podNames; // names in use this step
    std::vector<StoredPtr> m_lastReplicaSets;
    std::uint64_t m_lastPods = 0;     // PodIndex generation at the last pass
};

} // namespace sim
