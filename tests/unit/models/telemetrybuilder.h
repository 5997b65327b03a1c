#pragma once

// Builds synthetic TelemetrySeries shaped like the appinsights plugin's (observation.h, contracts: metric
// names requests, failedRequests, p95Ms, resilience:<event>): one point per bin over the window.

#include "observation.h"

#include <QDateTime>

#include <functional>
#include <vector>

namespace Opsdeck::Test {

// `value(i)` for bin i of `bins`, the last bin ending at `end`.
inline TelemetrySeries telemetry(const ServiceKey &service, Track track, const QString &metric, int bins,
                                 const std::function<double(int)> &value, const QDateTime &end, int stepSeconds = 60,
                                 int windowSeconds = 900)
{
    TelemetrySeries s;
    s.service = service;
    s.track = track;
    s.metric = metric;
    s.unit = metric.endsWith(QStringLiteral("Ms")) ? QStringLiteral("ms") : QStringLiteral("count");
    s.stepSeconds = stepSeconds;
    s.windowSeconds = windowSeconds;
    for (int i = 0; i < bins; ++i)
        s.points.append(TelemetryPoint{end.addSecs(qint64(i - bins) * stepSeconds), value(i)});
    return s;
}

// requests, failedRequests and p95Ms of one track: `requests` and `failed` per bin, p95 constant.
inline std::vector<Observation> trackTelemetry(const ServiceKey &service, Track track, int bins, double requests, double failed,
                                               double p95, const QDateTime &end, int windowSeconds = 900)
{
    const int step = windowSeconds / bins;
    return {telemetry(service, track, QStringLiteral("requests"), bins, [=](int) { return requests; }, end, step, windowSeconds),
            telemetry(service, track, QStringLiteral("failedRequests"), bins, [=](int) { return failed; }, end, step, windowSeconds),
            telemetry(service, track, QStringLiteral("p95Ms"), bins, [=](int) { return p95; }, end, step, windowSeconds)};
}

} // namespace Opsdeck::Test
