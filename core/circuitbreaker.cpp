#include "circuitbreaker.h"

#include <algorithm>

namespace Opsdeck {

CircuitBreaker::CircuitBreaker(QString endpoint, Settings settings, const Clock &clock)
    : m_endpoint(std::move(endpoint))
    , m_settings(settings)
    , m_clock(clock)
{
    m_settings.failureThreshold = std::max(1, m_settings.failureThreshold);
    m_settings.breakDuration = std::max(m_settings.breakDuration, std::chrono::milliseconds(0));
}

std::optional<std::chrono::milliseconds> CircuitBreaker::remainingBreak() const
{
    if (m_state != State::Open)
        return std::nullopt;
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(m_clock.now() - m_openedAt);
    return std::max(std::chrono::milliseconds(0), m_settings.breakDuration - elapsed);
}

bool CircuitBreaker::tryAcquire()
{
    switch (m_state) {
    case State::Closed:
        return true;
    case State::Open:
        if (m_clock.now() - m_openedAt < m_settings.breakDuration)
            return false;
        moveTo(State::HalfOpen);
        m_probeOut = true;
        return true;
    case State::HalfOpen:
        if (m_probeOut)
            return false;
        m_probeOut = true; // the probe was released without a verdict: the next request probes
        return true;
    }
    return false;
}

void CircuitBreaker::recordSuccess()
{
    m_failures = 0;
    if (m_state == State::HalfOpen) {
        m_probeOut = false;
        moveTo(State::Closed);
    }
    // Open: a request admitted before the break ended well; the break still runs its course.
}

void CircuitBreaker::recordFailure()
{
    switch (m_state) {
    case State::Closed:
        if (++m_failures >= m_settings.failureThreshold) {
            m_openedAt = m_clock.now();
            moveTo(State::Open);
        }
        break;
    case State::HalfOpen:
        m_probeOut = false;
        m_openedAt = m_clock.now();
        moveTo(State::Open);
        break;
    case State::Open:
        break; // admitted before it opened; the break already counts from the opening
    }
}

void CircuitBreaker::release()
{
    if (m_state == State::HalfOpen)
        m_probeOut = false;
}

void CircuitBreaker::moveTo(State state)
{
    const Transition transition { m_state, state, m_clock.now() };
    m_state = state;
    if (m_onTransition)
        m_onTransition(transition);
}

QString toString(CircuitBreaker::State state)
{
    switch (state) {
    case CircuitBreaker::State::Closed:
        return QStringLiteral("Closed");
    case CircuitBreaker::State::Open:
        return QStringLiteral("Open");
    case CircuitBreaker::State::HalfOpen:
        return QStringLiteral("HalfOpen");
    }
    return {};
}

} // namespace Opsdeck
