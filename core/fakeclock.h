#pragma once

// A Clock that moves only when told to: tests step a breaker or an age transition by transition.

#include "clock.h"

#include <QTimeZone>

namespace Opsdeck {

class FakeClock final : public Clock
{
public:
    FakeClock()
        : m_wall(QDateTime(QDate(2025, 1, 1), QTime(12, 0), QTimeZone::utc()))
    { }

    TimePoint now() const override { return m_now; }
    QDateTime wallNow() const override { return m_wall; }

    void advance(std::chrono::milliseconds step)
    {
        m_now += step;
        m_wall = m_wall.addMSecs(step.count());
    }

private:
    TimePoint m_now { std::chrono::hours(1) }; // not the epoch: a zero time point must never look "fresh"
    QDateTime m_wall;
};

} // namespace Opsdeck
