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
    std::unordered_map<std::string, std::int64_t> m_written; // pod name -> bucket of the last sample
};

} // namespace sim
