#include "telemetrylog.h"

#include "kubeutil.h"

#include <algorithm>

namespace sim {

nlohmann::json PollyEvent::toJson() const
{
    nlohmann::json j = {{"timestamp", kube::timeText(time)},
                        {"name", "resilience.polly.strategy.events"},
                        {"count", count},
                        {"tags",
                         {{"event.name", eventName},
                          {"event.severity", severity},
                          {"pipeline.name", pipelineName},
                          {"pipeline.instance", pipelineInstance},
                          {"strategy.name", strategyName},
                          {"operation.key", operationKey}}},
                        {"service", service},
                        {"track", track},
                        {"dependency", dependency}};
    if (!exceptionType.empty())
        j["tags"]["exception.type"] = exceptionType;
    if (attemptDurationMs > 0)
        j["attemptDurationMs"] = attemptDurationMs;
    return j;
}

std::string TelemetryLog::severityOf(const std::string &eventName)
{
    // Polly v8's telemetry: breaker opening and timeouts are errors, closing is informational.
    if (eventName == "OnCircuitOpened" || eventName == "OnTimeout")
        return "Error";
    if (eventName == "OnCircuitClosed")
        return "Information";
    return "Warning";
}

void TelemetryLog::append(PollyEvent event)
{
    std::lock_guard lock(m_mutex);
    if (event.severity.empty())
        event.severity = severityOf(event.eventName);
    m_events.push_back(std::move(event));
    while (m_events.size() > m_capacity) {
        m_events.pop_front();
        ++m_dropped;
    }
}

std::vector<PollyEvent> TelemetryLog::query(const PollyEventQuery &q) const
{
    const auto matches = [&q](const PollyEvent &e) {
        return (q.service.empty() || e.service == q.service) && (q.track.empty() || e.track == q.track)
            && (q.pipelineName.empty() || e.pipelineName == q.pipelineName)
            && (q.strategyName.empty() || e.strategyName == q.strategyName)
            && (q.eventName.empty() || e.eventName == q.eventName) && e.time >= q.since && e.time <= q.until;
    };
    std::lock_guard lock(m_mutex);
    std::vector<PollyEvent> out;
    // Newest first so a limit keeps the latest, then back to time order.
    for (auto it = m_events.rbegin(); it != m_events.rend(); ++it) {
        if (!matches(*it))
            continue;
        out.push_back(*it);
        if (q.limit > 0 && out.size() >= q.limit)
            break;
    }
    std::reverse(out.begin(), out.end());
    return out;
}

std::size_t TelemetryLog::size() const
{
    std::lock_guard lock(m_mutex);
    return m_events.size();
}

std::uint64_t TelemetryLog::dropped() const
{
    std::lock_guard lock(m_mutex);
    return m_dropped;
}

void TelemetryLog::clear()
{
    std::lock_guard lock(m_mutex);
    m_events.clear();
}

} // namespace sim
