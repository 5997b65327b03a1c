#pragma once

// What the services' Application Insights SDKs would have sent, kept as per-minute aggregates per
// service track (requests, failures by result code and cause, latency, dependency calls), so hours of
// history stay small; TelemetryTables turns them into sampled rows (ItemCount > 1) when a query asks.
// Thread-safe: the controller thread adds, HTTP handlers read copies.

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace sim {

struct DependencyMinute
{
    std::string name;        // the pipeline / dependency name, e.g. "productservice", "orders-db"
    std::string type;        // "HTTP" | "SQL" | "Azure Service Bus"
    std::string target;      // host or server | database
    std::string operation;   // e.g. "GET /productservice/api/items"
    double calls = 0;
    double failed = 0;
    double latencyMs = 0;    // mean duration, weighted by calls
    std::string failureCode; // result code of failures ("500", "503", "Timeout", "" for SQL errors)
};

struct TrackMinute
{
    double requests = 0;
    double failed = 0;
    double latencyMs = 0; // median duration of successful requests, time-weighted over the minute
    double seconds = 0;   // how much of the minute is recorded
    std::map<std::string, double> failuresByCode; // result code -> failed requests
    std::string exceptionType;                    // the dominant cause of failures ("" when none)
    std::string exceptionMessage;
    std::vector<DependencyMinute> dependencies;
};

struct TrackMinuteRecord
{
    std::int64_t minute = 0; // minutes since the Unix epoch
    std::string service;
    std::string track;
    TrackMinute data;
};

class AppTelemetry
{
public:
    // Adds `seconds` of a track's behaviour to its minute: counts add, latencies average by time.
    void add(std::int64_t minute, const std::string &service, const std::string &track, const TrackMinute &sample);
    // Records in [fromMinute, toMinute], oldest first.
    std::vector<TrackMinuteRecord> range(std::int64_t fromMinute, std::int64_t toMinute) const;
    std::int64_t firstMinute() const; // 0 when empty
    void pruneBefore(std::int64_t minute);
    std::size_t size() const;

    static std::int64_t minuteOf(std::chrono::system_clock::time_point t);

private:
    mutable std::mutex m_mutex;
    std::map<std::int64_t, std::map<std::string, TrackMinute>> m_minutes; // minute -> "service/track" -> data
};

} // namespace sim
