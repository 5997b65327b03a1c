#pragma once

// Cost Management's query budget (API-CONTRACTS §4): every query costs query processing units (QPU,
// about one per month of data) against per-tenant windows — 12 per 10 s, 60 per minute, 600 per hour —
// reported in x-ms-ratelimit-microsoft.costmanagement-qpu-consumed / -qpu-remaining; a query that would
// overrun one is refused with the seconds until it fits (-qpu-retry-after). On the wall clock (clients are
// real); the clock is injectable for tests. Thread-safe.

#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace sim {

class QpuLimiter
{
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    struct Window
    {
        std::chrono::seconds length;
        int limit;
        const char *name; // as qpu-remaining names it
    };
    struct Decision
    {
        bool allowed = true;
        int consumed = 0;          // QPU charged for this request
        int retryAfterSeconds = 0; // when refused
        std::string remaining;     // "QueriesPer10Sec:11,QueriesPerMin:59,QueriesPerHour:599"
    };

    explicit QpuLimiter(Clock clock = [] { return std::chrono::steady_clock::now(); });

    static const std::vector<Window> &windows();

    Decision charge(int qpu); // records it when it fits
    void spend(int qpu);      // records it whatever the budget says (chaos: spend the budget)
    void reset();
    int remaining(std::size_t window) const;
    std::string remainingText() const;

private:
    struct Use
    {
        std::chrono::steady_clock::time_point at;
        int qpu;
    };
    void prune(std::chrono::steady_clock::time_point now);
    int usedIn(std::size_t window, std::chrono::steady_clock::time_point now) const;
    std::string remainingLocked(std::chrono::steady_clock::time_point now) const;

    Clock m_clock;
    mutable std::mutex m_mutex;
    std::deque<Use> m_uses; // oldest first, at most an hour old
};

} // namespace sim
