#pragma once

// Where the resilience pipeline reads the time: breakers, backoff bookkeeping and last-known-good ages
// take a Clock so tests can step time with FakeClock instead of sleeping through a 30 s break.

#include <QDateTime>

#include <chrono>

namespace Opsdeck {

class Clock
{
public:
    using TimePoint = std::chrono::steady_clock::time_point;

    virtual ~Clock() = default;
    // Monotonic: for durations (break windows, ages).
    virtual TimePoint now() const = 0;
    // Wall clock: for HTTP-dates (Retry-After) and what people read.
    virtual QDateTime wallNow() const = 0;

    // The real clock. Stateless, so one shared instance is no singleton of any state.
    static const Clock &system();
};

} // namespace Opsdeck
