#include "timelineentry.h"

#include <tuple>

namespace Opsdeck {

QString toString(TimelineEntry::Kind kind)
{
    switch (kind) {
    case TimelineEntry::Kind::Event:
        return QStringLiteral("event");
    case TimelineEntry::Kind::Scaling:
        return QStringLiteral("scaling");
    case TimelineEntry::Kind::Rollout:
        return QStringLiteral("rollout");
    case TimelineEntry::Kind::CanaryWeight:
        return QStringLiteral("canary-weight");
    case TimelineEntry::Kind::Action:
        return QStringLiteral("action");
    case TimelineEntry::Kind::Alert:
        return QStringLiteral("alert");
    case TimelineEntry::Kind::Breaker:
        return QStringLiteral("breaker");
    case TimelineEntry::Kind::Health:
        return QStringLiteral("health");
    case TimelineEntry::Kind::Budget:
        return QStringLiteral("budget");
    case TimelineEntry::Kind::Drill:
        return QStringLiteral("drill");
    }
    return QStringLiteral("event");
}

QString toString(TimelineEntry::Severity severity)
{
    switch (severity) {
    case TimelineEntry::Severity::Info:
        return QStringLiteral("info");
    case TimelineEntry::Severity::Warning:
        return QStringLiteral("warning");
    case TimelineEntry::Severity::Critical:
        return QStringLiteral("critical");
    }
    return QStringLiteral("info");
}

bool timelineLess(const TimelineEntry &a, const TimelineEntry &b)
{
    const qint64 at = a.at.toMSecsSinceEpoch();
    const qint64 bt = b.at.toMSecsSinceEpoch();
    return std::tuple(at, int(a.kind), a.reference, a.title) < std::tuple(bt, int(b.kind), b.reference, b.title);
}

} // namespace Opsdeck
