#pragma once

// Requests per second per service over the virtual day (a daily sinusoid plus seeded, smooth noise),
// split between stable and canary by the canary weight read from the store (the canary Ingress's
// annotation or the HTTPRoute's backend weights), turned into CPU per ready pod.

#include "controller.h"
#include "simcontext.h"

#include <chrono>
#include <map>
#include <string>

namespace sim {

class TrafficModel final : public Controller
{
public:
    using TimePoint = std::chrono::system_clock::time_point;

    explicit TrafficModel(SimContext &context);
    void step(TimePoint now) override;

    // Total requests per second of a service at a time (deterministic in seed, service and time).
    double serviceRps(const ServiceSpec &service, std::size_t index, TimePoint at) const;
    // The canary's share of traffic in [0, 1] as routed now.
    double canaryShare(const ServiceSpec &service) const;

    // Extra load multiplier per service (chaos "spike traffic"); 1 by default.
    void setSpike(const std::string &service, double factor);

private:
    SimContext &m_ctx;
    TimePoint m_last;
    std::map<std::string, double> m_spike;
};

} // namespace sim
