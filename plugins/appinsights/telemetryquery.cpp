#include "telemetryquery.h"

namespace Opsdeck::AppInsights {

QString TelemetryQuery::id() const
{
    switch (kind) {
    case Kind::Requests: return QStringLiteral("requests");
    case Kind::Dependencies: return QStringLiteral("dependencies");
    case Kind::Resilience: return QStringLiteral("resilience");
    case Kind::Failures: return QStringLiteral("failures");
    }
    return {};
}

QString TelemetryQuery::title() const
{
    switch (kind) {
    case Kind::Requests:
        return QStringLiteral("Requests, failed requests and p50/p95/p99 latency per %1 bin").arg(window.kqlBin());
    case Kind::Dependencies:
        return QStringLiteral("Dependency calls and failures per %1 bin").arg(window.kqlBin());
    case Kind::Resilience:
        return QStringLiteral("Polly resilience events per %1 bin").arg(window.kqlBin());
    case Kind::Failures:
        return QStringLiteral("Requests and failures by operation and result code over %1").arg(window.label());
    }
    return {};
}

} // namespace Opsdeck::AppInsights
