#pragma once

// The services' request telemetry: once per virtual second, what each track did (requests from the
// traffic model; failures from chaos, a broken release, a database that is down and critical
// dependencies whose breakers are open or whose calls fail after their retries; latency from the
// track's response time and its dependencies') goes into AppTelemetry per minute. At the first step it
// fills the history behind the start (`historyHours`, from the same traffic curve with nothing broken)
// and a few past Polly retries, so charts have hours to show from the first query.

#include "apptelemetry.h"
#include "controller.h"
#include "resiliencecontroller.h"
#include "simcontext.h"
#include "telemetrylog.h"
#include "trafficmodel.h"

#include <chrono>

namespace sim {

class AppTelemetryController final : public Controller
{
public:
    using TimePoint = std::chrono::system_clock::time_point;
    static constexpr double kBaseFailure = 0.002;  // unhandled exceptions of a healthy service
    static constexpr double kNotFound = 0.004;     // 404s of a healthy service (failed requests, no exception)

    AppTelemetryController(SimContext &context, const TrafficModel &traffic, const ResilienceController &resilience,
                           AppTelemetry &telemetry, TelemetryLog &polly, int historyHours);
    void step(TimePoint now) override;

    // `seconds` of a track at `rps`; `history` ignores chaos and breakers (the calm past).
    TrackMinute sample(const ServiceSpec &service, const std::string &track, double rps, double seconds,
                       bool history) const;
    int historyHours() const { return m_historyHours; }

private:
    void backfill(TimePoint now);

    SimContext &m_ctx;
    const TrafficModel &m_traffic;
    const ResilienceController &m_resilience;
    AppTelemetry &m_telemetry;
    TelemetryLog &m_polly;
    int m_historyHours;
    TimePoint m_last;
};

} // namespace sim
