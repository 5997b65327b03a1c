#pragma once

// Faults of the API server itself, for testing a client's resilience (issue 4, docs/sim-chaos-api.md):
// 401 (token revoked), 429 with Retry-After, bursts of 500/503, stalls, 410 on watch, dropped watch
// streams, truncated / malformed / oversized JSON bodies. Each fault has a scope (path prefix,
// resource, verb) and ends after `count` hits or `durationSeconds` of wall time, or when cleared.
// Thread-safe: every HTTP worker asks it; the chaos API adds and clears faults.

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace sim {

// What a request is, as far as fault scopes care.
struct FaultRequest
{
    std::string method;   // GET, POST ...
    std::string path;
    std::string verb;     // get | list | watch | create | update | patch | delete | deletecollection
    std::string resource; // plural, e.g. "pods"; "" for non-resource paths
    bool watch = false;

    static FaultRequest describe(const std::string &method, const std::string &path, bool watch);
};

struct ApiFault
{
    enum class Kind { Unauthorized, Throttle, ServerError, Stall, WatchGone, DropWatches, Truncate, Malformed, Huge };

    int id = 0;
    Kind kind = Kind::ServerError;
    // Scope: empty = any.
    std::string pathPrefix;
    std::string resource;
    std::string verb;
    int count = -1;           // hits left; -1 = unlimited
    double durationSeconds = 0; // wall seconds from creation; 0 = until cleared
    // Parameters by kind.
    int code = 500;           // ServerError: 500 | 503
    int retryAfterSeconds = 1; // Throttle
    double stallSeconds = 5;  // Stall
    std::string mode = "event"; // WatchGone: "event" (200 + ERROR 410 event) | "http" (plain 410)
    int afterEvents = -1;     // DropWatches: cut each matching stream after this many events; -1 = now
    std::uint64_t bytes = 200ull * 1024 * 1024; // Huge
    std::chrono::steady_clock::time_point created;
    int hits = 0;

    static std::optional<Kind> kindFrom(const std::string &name);
    static std::string kindName(Kind kind);
    // From the chaos API's JSON body; `error` says what is wrong.
    static std::optional<ApiFault> fromJson(const nlohmann::json &body, std::string &error);
    nlohmann::json toJson() const;
    bool matches(const FaultRequest &request) const;
};

class ApiFaults
{
public:
    ApiFaults() = default;
    ApiFaults(const ApiFaults &) = delete;
    ApiFaults &operator=(const ApiFaults &) = delete;

    ApiFault add(ApiFault fault); // assigns id and creation time
    bool remove(int id);
    void clear();
    std::vector<ApiFault> active() const;

    // The first active fault of one of `kinds` matching the request; its count is used up.
    std::optional<ApiFault> take(const FaultRequest &request, const std::vector<ApiFault::Kind> &kinds);

    // Sleeps up to `seconds` of wall time; returns early on shutdown() or when the fault is cleared.
    void stall(int faultId, double seconds);
    void shutdown();

    // One open watch stream's view of the DropWatches faults.
    class WatchTap
    {
    public:
        // Before writing `data` (whole watch lines): how many bytes may go out. Less than
        // data.size() means: write that much (ending mid-event) and close the connection.
        std::size_t allow(const std::string &data);
        // A "drop now" fault was added after this watch opened: close mid-event at once.
        bool dropNow();

    private:
        friend class ApiFaults;
        ApiFaults *m_faults = nullptr;
        FaultRequest m_request;
        std::uint64_t m_epoch = 0;
        std::map<int, long long> m_budgets; // fault id -> events left before the cut
    };
    std::shared_ptr<WatchTap> openWatch(const FaultRequest &request);

private:
    void prune(std::chrono::steady_clock::time_point now); // locked

    struct DropNow
    {
        std::uint64_t epoch;
        ApiFault fault;
    };

    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    std::vector<ApiFault> m_faults;
    std::vector<DropNow> m_drops; // recent "drop now" faults, matched against older watches
    std::uint64_t m_epoch = 0;
    int m_nextId = 1;
    bool m_shutDown = false;
};

} // namespace sim
