#pragma once

// The simulation's clock: starts at the wall clock's now and runs `speed` times as fast, so timestamps
// look real while demos and tests can compress hours into minutes. Thread-safe (reads only).

#include <chrono>

namespace sim {

class VirtualClock
{
public:
    explicit VirtualClock(double speed = 1.0)
        : m_speed(speed)
        , m_wallStart(std::chrono::system_clock::now())
        , m_steadyStart(std::chrono::steady_clock::now())
    {}

    std::chrono::system_clock::time_point now() const
    {
        const auto elapsed = std::chrono::steady_clock::now() - m_steadyStart;
        const auto scaled = std::chrono::duration_cast<std::chrono::system_clock::duration>(elapsed * m_speed);
        return m_wallStart + scaled;
    }

    double speed() const { return m_speed; }

private:
    double m_speed;
    std::chrono::system_clock::time_point m_wallStart;
    std::chrono::steady_clock::time_point m_steadyStart;
};

} // namespace sim
