#pragma once

// One endpoint's circuit breaker (DESIGN §5, the Polly v8 model): Closed counts consecutive handled
// failures; at the threshold it opens and requests fail fast for the break; the first request after the
// break goes through alone as a half-open probe — success closes, failure opens for another break.
// Any answer that is not a handled failure (a 404 proves the server is up) counts as a success.

#include "clock.h"

#include <QMetaType>
#include <QString>

#include <chrono>
#include <functional>
#include <optional>

namespace Opsdeck {

class CircuitBreaker
{
public:
    enum class State {
        Closed,
        Open,
        HalfOpen,
    };

    struct Settings
    {
        int failureThreshold = 5; // consecutive handled failures
        std::chrono::milliseconds breakDuration { 30'000 };
    };

    struct Transition
    {
        State from = State::Closed;
        State to = State::Closed;
        Clock::TimePoint at;
    };

    CircuitBreaker(QString endpoint, Settings settings, const Clock &clock);

    const QString &endpoint() const { return m_endpoint; }
    const Settings &settings() const { return m_settings; }
    State state() const { return m_state; }
    int consecutiveFailures() const { return m_failures; }
    // Open: how long until a probe may go (zero once due). Closed/HalfOpen: nullopt.
    std::optional<std::chrono::milliseconds> remainingBreak() const;

    // Whether a request may go now. An Open breaker past its break turns HalfOpen and admits this one
    // request as the probe; while the probe is out, every other request is refused.
    bool tryAcquire();
    // The outcome of an admitted request.
    void recordSuccess();
    void recordFailure();
    // An admitted request ended without a verdict (aborted by its caller): frees the probe slot.
    void release();

    // Called on every state change, after it happened.
    void setTransitionHandler(std::function<void(const Transition &)> handler)
    {
        m_onTransition = std::move(handler);
    }

private:
    void moveTo(State state);

    QString m_endpoint;
    Settings m_settings;
    const Clock &m_clock;
    State m_state = State::Closed;
    int m_failures = 0;
    bool m_probeOut = false;
    Clock::TimePoint m_openedAt {};
    std::function<void(const Transition &)> m_onTransition;
};

// "Closed" | "Open" | "HalfOpen" (Polly's words, as the health reports spell them).
QString toString(CircuitBreaker::State state);

} // namespace Opsdeck

Q_DECLARE_METATYPE(Opsdeck::CircuitBreaker::State)
