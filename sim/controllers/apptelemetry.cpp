#include "apptelemetry.h"

namespace sim {

std::int64_t AppTelemetry::minuteOf(std::chrono::system_clock::time_point t)
{
    return std::chrono::floor<std::chrono::minutes>(t.time_since_epoch()).count();
}

void AppTelemetry::add(std::int64_t minute, const std::string &service, const std::string &track, const TrackMinute &s)
{
    std::lock_guard lock(m_mutex);
    TrackMinute &m = m_minutes[minute][service + "/" + track];
    const double total = m.seconds + s.seconds;
    if (total > 0)
        m.latencyMs = (m.latencyMs * m.seconds + s.latencyMs * s.seconds) / total;
    m.seconds = total;
    m.requests += s.requests;
    m.failed += s.failed;
    for (const auto &[code, n] : s.failuresByCode)
        m.failuresByCode[code] += n;
    if (!s.exceptionType.empty() && s.failed > 0) {
        m.exceptionType = s.exceptionType;
        m.exceptionMessage = s.exceptionMessage;
    }
    for (const auto &d : s.dependencies) {
        DependencyMinute *into = nullptr;
        for (auto &e : m.dependencies)
            if (e.name == d.name)
                into = &e;
        if (!into) {
            m.dependencies.push_back(d);
            continue;
        }
        const double calls = into->calls + d.calls;
        if (calls > 0)
            into->latencyMs = (into->latencyMs * into->calls + d.latencyMs * d.calls) / calls;
        into->calls = calls;
        into->failed += d.failed;
        if (d.failed > 0)
            into->failureCode = d.failureCode;
    }
}

std::vector<TrackMinuteRecord> AppTelemetry::range(std::int64_t fromMinute, std::int64_t toMinute) const
{
    std::lock_guard lock(m_mutex);
    std::vector<TrackMinuteRecord> out;
    for (auto it = m_minutes.lower_bound(fromMinute); it != m_minutes.end() && it->first <= toMinute; ++it)
        for (const auto &[key, data] : it->second) {
            const auto slash = key.find('/');
            out.push_back({it->first, key.substr(0, slash), key.substr(slash + 1), data});
        }
    return out;
}

std::int64_t AppTelemetry::firstMinute() const
{
    std::lock_guard lock(m_mutex);
    return m_minutes.empty() ? 0 : m_minutes.begin()->first;
}

void AppTelemetry::pruneBefore(std::int64_t minute)
{
    std::lock_guard lock(m_mutex);
    m_minutes.erase(m_minutes.begin(), m_minutes.lower_bound(minute));
}

std::size_t AppTelemetry::size() const
{
    std::lock_guard lock(m_mutex);
    std::size_t n = 0;
    for (const auto &[minute, tracks] : m_minutes)
        n += tracks.size();
    return n;
}

} // namespace sim
