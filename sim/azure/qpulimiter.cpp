#include "qpulimiter.h"

#include <algorithm>
#include <cmath>

namespace sim {

QpuLimiter::QpuLimiter(Clock clock) : m_clock(std::move(clock)) {}

const std::vector<QpuLimiter::Window> &QpuLimiter::windows()
{
    static const std::vector<Window> w = {{std::chrono::seconds(10), 12, "QueriesPer10Sec"},
                                          {std::chrono::seconds(60), 60, "QueriesPerMin"},
                                          {std::chrono::seconds(3600), 600, "QueriesPerHour"}};
    return w;
}

void QpuLimiter::prune(std::chrono::steady_clock::time_point now)
{
    while (!m_uses.empty() && now - m_uses.front().at >= windows().back().length)
        m_uses.pop_front();
}

int QpuLimiter::usedIn(std::size_t window, std::chrono::steady_clock::time_point now) const
{
    int used = 0;
    for (auto it = m_uses.rbegin(); it != m_uses.rend() && now - it->at < windows()[window].length; ++it)
        used += it->qpu;
    return used;
}

std::string QpuLimiter::remainingLocked(std::chrono::steady_clock::time_point now) const
{
    std::string out;
    for (std::size_t w = 0; w < windows().size(); ++w) {
        if (!out.empty())
            out += ",";
        out += std::string(windows()[w].name) + ":" + std::to_string(std::max(0, windows()[w].limit - usedIn(w, now)));
    }
    return out;
}

QpuLimiter::Decision QpuLimiter::charge(int qpu)
{
    std::lock_guard lock(m_mutex);
    const auto now = m_clock();
    prune(now);
    Decision d;
    for (std::size_t w = 0; w < windows().size(); ++w) {
        const int used = usedIn(w, now);
        if (used + qpu <= windows()[w].limit)
            continue;
        // Wait until enough of the window's oldest uses have aged out.
        int freed = 0;
        std::chrono::steady_clock::duration wait{};
        for (const auto &use : m_uses) {
            if (now - use.at >= windows()[w].length)
                continue;
            freed += use.qpu;
            wait = use.at + windows()[w].length - now;
            if (used - freed + qpu <= windows()[w].limit)
                break;
        }
        const int seconds = static_cast<int>(std::ceil(std::chrono::duration<double>(wait).count()));
        d.allowed = false;
        d.retryAfterSeconds = std::max({d.retryAfterSeconds, seconds, 1});
    }
    if (d.allowed) {
        m_uses.push_back({now, qpu});
        d.consumed = qpu;
    }
    d.remaining = remainingLocked(now);
    return d;
}

void QpuLimiter::spend(int qpu)
{
    std::lock_guard lock(m_mutex);
    const auto now = m_clock();
    prune(now);
    m_uses.push_back({now, qpu});
}

void QpuLimiter::reset()
{
    std::lock_guard lock(m_mutex);
    m_uses.clear();
}

int QpuLimiter::remaining(std::size_t window) const
{
    std::lock_guard lock(m_mutex);
    return std::max(0, windows().at(window).limit - usedIn(window, m_clock()));
}

std::string QpuLimiter::remainingText() const
{
    std::lock_guard lock(m_mutex);
    return remainingLocked(m_clock());
}

} // namespace sim
