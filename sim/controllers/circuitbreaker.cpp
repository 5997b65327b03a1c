#include "circuitbreaker.h"

#include <algorithm>

namespace sim {

CircuitBreaker::CircuitBreaker(int failureThreshold, std::chrono::milliseconds breakDuration)
    : m_threshold(std::max(1, failureThreshold))
    , m_breakDuration(breakDuration)
{}

std::string CircuitBreaker::stateName(State state)
{
    switch (state) {
    case State::Closed:
        return "Closed";
    case State::Open:
        return "Open";
    case State::HalfOpen:
        return "HalfOpen";
    case State::Isolated:
        return "Isolated";
    }
    return "Closed";
}

void CircuitBreaker::moveTo(State to, TimePoint at)
{
    const State from = m_state;
    if (from == to)
        return;
    m_state = to;
    m_lastTransition = at;
    if (to == State::Open)
        m_openedAt = at;
    if (m_listener)
        m_listener(from, to, at);
}

bool CircuitBreaker::tryAcquire(TimePoint now)
{
    switch (m_state) {
    case State::Closed:
        return true;
    case State::Isolated:
        return false;
    case State::Open:
        if (now < retryAt())
            return false;
        moveTo(State::HalfOpen, now);
        m_probeInFlight = true;
        return true;
    case State::HalfOpen:
        // One probe at a time; the rest wait for its verdict.
        if (m_probeInFlight)
            return false;
        m_probeInFlight = true;
        return true;
    }
    return false;
}

void CircuitBreaker::onSuccess(TimePoint now)
{
    m_failures = 0;
    if (m_state == State::HalfOpen) {
        m_probeInFlight = false;
        moveTo(State::Closed, now);
    }
}

void CircuitBreaker::onFailure(TimePoint now)
{
    switch (m_state) {
    case State::Closed:
        if (++m_failures >= m_threshold)
            moveTo(State::Open, now);
        return;
    case State::HalfOpen:
        m_probeInFlight = false;
        ++m_failures;
        moveTo(State::Open, now);
        return;
    case State::Open:
    case State::Isolated:
        return; // a call admitted before the break ended late: nothing to change
    }
}

void CircuitBreaker::isolate(TimePoint now)
{
    m_probeInFlight = false;
    moveTo(State::Isolated, now);
}

void CircuitBreaker::reset(TimePoint now)
{
    m_failures = 0;
    m_probeInFlight = false;
    moveTo(State::Closed, now);
}

} // namespace sim
