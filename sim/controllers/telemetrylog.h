#pragma once

// The resilience events the services' Polly v8 pipelines would emit (API-CONTRACTS §7: counter
// resilience.polly.strategy.events and its tags), kept in a bounded in-memory log for the telemetry
// APIs to query. Breaker transitions are single events; retries, timeouts and fallbacks of one
// pipeline are summed per controller step into one record whose `count` says how many there were.
// Thread-safe: the controller thread appends, HTTP handlers query.

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace sim {

struct PollyEvent
{
    std::chrono::system_clock::time_point time;
    std::string eventName;     // OnRetry | OnTimeout | OnFallback | OnCircuitOpened | OnCircuitClosed | OnCircuitHalfOpened
    std::string severity;      // Warning | Error | Information (event.severity)
    std::string pipelineName;  // pipeline.name, e.g. "orderservice-productservice"
    std::string pipelineInstance; // pipeline.instance: the track, e.g. "stable"
    std::string strategyName;  // strategy.name: Retry | Timeout | CircuitBreaker | Fallback
    std::string operationKey;  // operation.key, e.g. "GET /api/products"
    std::string exceptionType; // exception.type, "" when none
    std::string service;       // the calling service
    std::string track;         // its track
    std::string dependency;    // the dependency's entry name
    std::uint64_t count = 1;   // occurrences summed into this record
    double attemptDurationMs = 0; // mean attempt duration of the summed occurrences (0 when not measured)

    nlohmann::json toJson() const;
};

struct PollyEventQuery
{
    std::string service;   // "" = any
    std::string track;
    std::string pipelineName;
    std::string strategyName;
    std::string eventName;
    std::chrono::system_clock::time_point since{};          // inclusive
    std::chrono::system_clock::time_point until = std::chrono::system_clock::time_point::max();
    std::size_t limit = 0; // 0 = all; otherwise the newest `limit`, still oldest first
};

class TelemetryLog
{
public:
    explicit TelemetryLog(std::size_t capacity = 50000) : m_capacity(capacity) {}

    void append(PollyEvent event);
    // Matching events, oldest first.
    std::vector<PollyEvent> query(const PollyEventQuery &query) const;
    std::size_t size() const;
    std::uint64_t dropped() const; // evicted because the log was full
    void clear();

    static std::string severityOf(const std::string &eventName); // as Polly v8 assigns it

private:
    std::size_t m_capacity;
    mutable std::mutex m_mutex;
    std::deque<PollyEvent> m_events;
    std::uint64_t m_dropped = 0;
};

} // namespace sim
