#pragma once

// The scheduler and the kubelets: Pending pods get a node, then ContainerCreating, Running and, after
// the readiness probe's delay, Ready; containers of a broken track crash into CrashLoopBackOff with
// the kubelet's doubling back-off; terminating pods stop and are removed.

#include "controller.h"
#include "simcontext.h"

#include <chrono>
#include <string>
#include <unordered_map>

namespace sim {

class PodLifecycleController final : public Controller
{
public:
    using TimePoint = std::chrono::system_clock::time_point;

    explicit PodLifecycleController(SimContext &context);
    void step(TimePoint now) override;

    enum class Stage { Unscheduled, Creating, Starting, Ready, BackOff, Terminating };
    static Stage stageOf(const Json &pod);

private:
    struct Plan
    {
        Stage stage = Stage::Unscheduled;
        TimePoint at;          // when the next transition is due
        bool crashPlanned = false;
        std::uint64_t seen = 0; // step count when the pod was last in the store
        int probeFailures = 0;  // consecutive failed readiness probes of a ready pod
        TimePoint nextProbe{};  // of a ready pod whose probe can fail
    };

    void advance(const Json &pod, Plan &plan, TimePoint now);
    Plan planFor(const Json &pod, Stage stage, TimePoint now);
    void crash(const Json &pod, Plan &plan, TimePoint now);
    void probeReadiness(const Json &pod, Plan &plan, TimePoint now);
    bool readinessProbeFails(const Json &pod, TimePoint now); // records the kubelet's Unhealthy event
    std::string node(const Json &pod, std::size_t &index) const;
    bool broken(const Json &pod) const;
    std::chrono::milliseconds jitter(int minMs, int maxMs);

    SimContext &m_ctx;
    std::unordered_map<std::string, Plan> m_plans; // pod uid -> plan
    std::uint64_t m_steps = 0;
};

} // namespace sim
