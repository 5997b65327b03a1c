#pragma once

// metrics-server: every 15 virtual seconds each running pod gets a fresh PodMetrics object (CPU from
// the traffic model, memory working set), spread over the interval by a per-pod phase so a large
// estate updates in slices; metrics of pods that are gone or not running are deleted.

#include "controller.h"
#include "simcontext.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_map>

namespace sim {

class MetricsController final : public Controller
{
public:
    using TimePoint = std::chrono::system_clock::time_point;
    static constexpr std::chrono::seconds kResolution{15};

    explicit MetricsController(SimContext &context);
    void step(TimePoint now) override;

private:
    void write(const Json &pod, std::int64_t bucket, TimePoint now);

    SimContext &m_ctx;
    struct Written
    {
        std::int64_t bucket = 0; // of the last sample
        std::uint64_t seen = 0;  // step count when the pod was last running
    };
    std::unordered_map<std::string, Written> m_written; // pod name ->
    std::uint64_t m_steps = 0;
};

} // namespace sim
