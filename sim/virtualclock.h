#pragma once

// The simulation's clock: starts at the wall clock's now and runs `speed` times as fast, so timestamps
// look real while demos and tests can compress hours into minutes. Thread-safe (reads only).
// A manual clock (for deterministic tests) stands still at `start` until advance() moves it.

#include <atomic>
#include <chrono>

namespace sim {

class VirtualClock
{
public:
    struct Manual
    {
    };

    explicit VirtualClock(double speed = 1.0)
        : m_speed(speed)
        , m_wallStart(std::chrono::system_clock::now())
        , m_steadyStart(std::chrono::steady_clock::now())
    {}

    VirtualClock(Manual, std::chrono::system_clock::time_point start)
        : m_speed(0.0)
        , m_manual(true)
        , m_wallStart(start)
        , m_steadyStart(std::chrono::steady_clock::now())
    {}

    std::chrono::system_clock::time_point now() const
    {
        if (m_manual)
            return m_wallStart + std::chrono::system_clock::duration(m_offset.load());
        const auto elapsed = std::chrono::steady_clock::now() - m_steadyStart;
        const auto scaled = std::chrono::duration_cast<std::chrono::system_clock::duration>(elapsed * m_speed);
        return m_wallStart + scaled;
    }

    // Moves a manual clock forward; no effect on a running clock.
    template<typename Rep, typename Period>
    void advance(std::chrono::duration<Rep, Period> by)
    {
        if (m_manual)
            m_offset += std::chrono::duration_cast<std::chrono::system_clock::duration>(by).count();
    }

    double speed() const { return m_speed; }
    bool isManual() const { return m_manual; }

private:
    double m_speed;
    bool m_manual = false;
    std::chrono::system_clock::time_point m_wallStart;
    std::chrono::steady_clock::time_point m_steadyStart;
    std::atomic<std::chrono::system_clock::duration::rep> m_offset{0};
};

} // namespace sim
