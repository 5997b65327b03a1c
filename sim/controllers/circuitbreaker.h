#pragma once

// A Polly-style circuit breaker on the virtual clock: Closed until `failureThreshold` consecutive
// handled failures, then Open for `breakDuration`; the first call after that is let through as a
// half-open probe (other calls are rejected meanwhile) and closes it on success or opens it again on
// failure. Isolated is the manual hold-open of Polly's ManualControl. Not thread-safe: one owner.

#include <chrono>
#include <functional>
#include <string>

namespace sim {

class CircuitBreaker
{
public:
    using TimePoint = std::chrono::system_clock::time_point;
    enum class State { Closed, Open, HalfOpen, Isolated };
    // Called on every state change, with the time it happened.
    using Listener = std::function<void(State from, State to, TimePoint at)>;

    CircuitBreaker(int failureThreshold, std::chrono::milliseconds breakDuration);

    void setListener(Listener listener) { m_listener = std::move(listener); }

    // Asks to make a call at `now`: false means rejected (BrokenCircuitException). An Open breaker whose
    // break is over turns HalfOpen here and admits this one call as the probe.
    bool tryAcquire(TimePoint now);
    void onSuccess(TimePoint now);
    void onFailure(TimePoint now);

    void isolate(TimePoint now); // hold open until reset()
    void reset(TimePoint now);   // back to Closed

    State state() const { return m_state; }
    int consecutiveFailures() const { return m_failures; }
    TimePoint openedAt() const { return m_openedAt; }
    TimePoint retryAt() const { return m_openedAt + m_breakDuration; } // when an Open breaker admits a probe
    TimePoint lastTransition() const { return m_lastTransition; }
    int failureThreshold() const { return m_threshold; }
    std::chrono::milliseconds breakDuration() const { return m_breakDuration; }

    static std::string stateName(State state); // "Closed" | "Open" | "HalfOpen" | "Isolated"

private:
    void moveTo(State to, TimePoint at);

    int m_threshold;
    std::chrono::milliseconds m_breakDuration;
    State m_state = State::Closed;
    int m_failures = 0;
    bool m_probeInFlight = false;
    TimePoint m_openedAt;
    TimePoint m_lastTransition;
    Listener m_listener;
};

} // namespace sim
