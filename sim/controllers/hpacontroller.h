#pragma once

// The horizontal pod autoscaler (autoscaling/v2) for CPU utilisation targets: every 15 virtual seconds
// it computes desired = ceil(current x utilisation / target) with the 0.1 tolerance and the k8s
// treatment of missing and not-ready pods, applies the behaviour (stabilisation windows, scaling
// policies, selectPolicy) and min/max, scales the target Deployment and writes status and Events.

#include "controller.h"
#include "simcontext.h"

#include <chrono>
#include <string>
#include <unordered_map>
#include <vector>

namespace sim {

class HpaController final : public Controller
{
public:
    using TimePoint = std::chrono::system_clock::time_point;
    static constexpr std::chrono::seconds kSyncPeriod{15};
    static constexpr double kTolerance = 0.1;

    explicit HpaController(SimContext &context);
    void step(TimePoint now) override;

    struct Policy
    {
        std::string type; // Pods | Percent
        int value = 0;
        int periodSeconds = 15;
    };
    struct Rules
    {
        int stabilizationWindowSeconds = 0;
        std::string selectPolicy = "Max";
        std::vector<Policy> policies;
    };
    struct ScaleEvent
    {
        TimePoint at;
        int change = 0; // replicas added (up) or removed (down), positive
    };
    // The behaviour of an HPA spec with the autoscaling/v2 defaults filled in.
    static Rules scaleUpRules(const Json &hpaSpec);
    static Rules scaleDownRules(const Json &hpaSpec);
    static int scaleUpLimit(int current, const std::vector<ScaleEvent> &events, const Rules &rules, TimePoint now);
    static int scaleDownLimit(int current, const std::vector<ScaleEvent> &events, const Rules &rules, TimePoint now);

private:
    struct Memory
    {
        std::vector<std::pair<TimePoint, int>> recommendations;
        std::vector<ScaleEvent> up;
        std::vector<ScaleEvent> down;
    };
    struct MetricResult
    {
        bool ok = false;
        std::string error;       // why no replica count could be computed
        int replicas = 0;        // proposed from the metric
        int utilization = 0;     // percent of request, over ready pods with metrics
        double averageMillis = 0;
    };

    void sync(const Json &hpa, TimePoint now);
    MetricResult computeCpu(const Json &hpa, const Json &deployment, int currentReplicas, int target) const;

    SimContext &m_ctx;
    TimePoint m_lastSync;
    std::unordered_map<std::string, Memory> m_memory; // hpa uid -> recommendations and scale events
    std::unordered_map<std::string, std::vector<const PodInfo *>> m_podsByApp; // this sync's pods by app label
};

} // namespace sim
