#include "apptelemetrycontroller.h"

#include "rng.h"

#include <algorithm>
#include <cmath>

namespace sim {

namespace {

using namespace std::chrono_literals;

struct Cause
{
    double fraction;
    std::string code;
    std::string exception;
    std::string message;
};

std::string dependencyType(const DependencySpec &d)
{
    if (d.kind == "sql")
        return "SQL";
    if (d.kind == "queue")
        return "Azure Service Bus";
    return "HTTP";
}

std::string dependencyTarget(const DependencySpec &d)
{
    if (d.kind == "sql")
        return "opsdeck-sql.database.windows.net | " + d.target;
    if (d.kind == "queue")
        return "opsdeck-bus.servicebus.windows.net/" + (d.queue.empty() ? d.target : d.queue);
    return d.target;
}

std::string dependencyOperation(const DependencySpec &d)
{
    if (d.kind == "sql")
        return d.target;
    if (d.kind == "queue")
        return "Message.Send " + (d.queue.empty() ? d.target : d.queue);
    return "GET /" + d.target + "/api/items";
}

double nominalLatency(const DependencySpec &d)
{
    if (d.kind == "sql")
        return 4;
    if (d.kind == "queue")
        return 2;
    return SimContext::kBaseLatencyMs;
}

} // namespace

AppTelemetryController::AppTelemetryController(SimContext &context, const TrafficModel &traffic,
                                               const ResilienceController &resilience, AppTelemetry &telemetry,
                                               TelemetryLog &polly, int historyHours)
    : m_ctx(context)
    , m_traffic(traffic)
    , m_resilience(resilience)
    , m_telemetry(telemetry)
    , m_polly(polly)
    , m_historyHours(historyHours)
{}

TrackMinute AppTelemetryController::sample(const ServiceSpec &s, const std::string &track, double rps, double seconds,
                                           bool history) const
{
    TrackMinute m;
    m.seconds = seconds;
    m.requests = rps * seconds;
    std::vector<Cause> causes;
    causes.push_back({kBaseFailure, "500", "System.NullReferenceException",
                      "Object reference not set to an instance of an object."});
    causes.push_back({kNotFound, "404", "", ""});
    double latency = history ? SimContext::kBaseLatencyMs : m_ctx.latencyMs(s.name, track);
    if (track == "canary")
        latency *= 1.05; // the release candidate is a little slower, as they tend to be
    if (!history) {
        if (m_ctx.isBroken(s.name, track))
            causes.push_back({0.75, "500", "System.InvalidOperationException",
                              "Unable to resolve service for type 'IFeatureCache' while attempting to activate '"
                                  + s.name + "Controller'."});
        if (const double e = m_ctx.errorRate(s.name, track); e > 0)
            causes.push_back({e, "500", "System.Exception", "Injected failure (opsdeck-sim chaos)."});
        if (m_ctx.databaseDown(s.name))
            causes.push_back({0.95, "500", "Microsoft.Data.SqlClient.SqlException",
                              "A network-related or instance-specific error occurred while establishing a connection to "
                              "SQL Server."});
    }
    std::vector<PipelineStatus> pipes;
    if (!history)
        pipes = m_resilience.pipelines(s.name, track);
    for (std::size_t i = 0; i < s.dependencies.size(); ++i) {
        const DependencySpec &d = s.dependencies[i];
        DependencyMinute dm;
        dm.name = d.name;
        dm.type = dependencyType(d);
        dm.target = dependencyTarget(d);
        dm.operation = dependencyOperation(d);
        const double calls = m.requests * (d.kind == "queue" ? 0.3 : 1.0);
        const PipelineStatus *p = nullptr;
        for (const auto &candidate : pipes)
            if (candidate.spec && candidate.spec->name == d.name)
                p = &candidate;
        if (!p || d.kind == "queue") {
            dm.calls = calls;
            dm.latencyMs = nominalLatency(d);
            if (d.kind == "http")
                latency += dm.latencyMs;
            m.dependencies.push_back(dm);
            continue;
        }
        const bool open = p->state == CircuitBreaker::State::Open || p->state == CircuitBreaker::State::Isolated;
        const int retries = d.resilience.retries;
        // A call fails when every attempt does; an open breaker rejects it without an attempt.
        const double callFailure = open ? 1.0 : std::pow(p->failureRatio, retries + 1);
        const double attempted = open ? calls * 0.02 : calls * (1.0 + p->failureRatio * retries);
        dm.calls = attempted;
        dm.failed = open ? attempted : attempted * p->failureRatio;
        dm.latencyMs = p->latencyMs > 0 ? p->latencyMs : nominalLatency(d);
        dm.failureCode = d.kind == "sql" ? "" : (p->exceptionType.find("Timeout") != std::string::npos ? "Timeout" : "500");
        if (!open && d.kind == "http")
            latency += std::min<double>(dm.latencyMs, d.resilience.timeoutMs) * (1.0 + p->failureRatio * retries);
        if (callFailure > 0 && d.critical)
            causes.push_back({callFailure, "500", open ? "Polly.CircuitBreaker.BrokenCircuitException" : p->exceptionType,
                              open ? "The circuit is now open and is not allowing calls." : p->message});
        m.dependencies.push_back(dm);
    }
    // Independent causes: a request succeeds only if none hits it.
    double ok = 1.0;
    for (const auto &c : causes)
        ok *= 1.0 - std::clamp(c.fraction, 0.0, 1.0);
    const double failedFraction = 1.0 - ok;
    double weight = 0;
    const Cause *dominant = nullptr;
    for (const auto &c : causes) {
        weight += c.fraction;
        if (!c.exception.empty() && (!dominant || c.fraction > dominant->fraction))
            dominant = &c;
    }
    m.failed = m.requests * failedFraction;
    if (weight > 0)
        for (const auto &c : causes)
            m.failuresByCode[c.code] += m.failed * c.fraction / weight;
    if (dominant) {
        m.exceptionType = dominant->exception;
        m.exceptionMessage = dominant->message;
    }
    m.latencyMs = latency;
    return m;
}

void AppTelemetryController::backfill(TimePoint now)
{
    const std::int64_t nowMinute = AppTelemetry::minuteOf(now);
    const std::int64_t first = nowMinute - static_cast<std::int64_t>(m_historyHours) * 60;
    const auto &services = m_ctx.scenario.services;
    for (std::size_t i = 0; i < services.size(); ++i) {
        const ServiceSpec &s = services[i];
        const double share = s.hasCanary ? std::clamp(s.canaryWeight / 100.0, 0.0, 1.0) : 0.0;
        for (std::int64_t minute = first; minute < nowMinute; ++minute) {
            const TimePoint mid = TimePoint(std::chrono::minutes(minute)) + 30s;
            const double rps = m_traffic.serviceRps(s, i, mid);
            for (const char *track : {"stable", "canary"}) {
                if (std::string(track) == "canary" && !s.hasCanary)
                    continue;
                const double trackRps = rps * (std::string(track) == "canary" ? share : 1.0 - share);
                m_telemetry.add(minute, s.name, track, sample(s, track, trackRps, 60, true));
                // Now and then a transient fault: a retry that succeeded, as healthy pipelines show.
                for (std::size_t d = 0; d < s.dependencies.size() && trackRps > 0; ++d) {
                    const DependencySpec &dep = s.dependencies[d];
                    const double roll = Rng::hashUnit(m_ctx.seed ^ 0x706f6c6c79ULL, i * 131 + d * 7 + (track[0] == 'c'),
                                                      static_cast<std::uint64_t>(minute));
                    if (dep.kind == "queue" || roll > 0.06)
                        continue;
                    PollyEvent e;
                    e.time = TimePoint(std::chrono::minutes(minute)) + std::chrono::seconds(static_cast<int>(roll * 900) % 60);
                    e.eventName = "OnRetry";
                    e.pipelineName = s.name + "-" + dep.name;
                    e.pipelineInstance = track;
                    e.strategyName = "Retry";
                    e.operationKey = dependencyOperation(dep);
                    e.exceptionType = dep.kind == "sql" ? "Microsoft.Data.SqlClient.SqlException"
                                                        : "System.Net.Http.HttpRequestException";
                    e.service = s.name;
                    e.track = track;
                    e.dependency = dep.name;
                    e.count = 1 + static_cast<std::uint64_t>(roll * 40) % 3;
                    e.attemptDurationMs = nominalLatency(dep);
                    m_polly.append(std::move(e));
                }
            }
        }
    }
}

void AppTelemetryController::step(TimePoint now)
{
    if (m_last == TimePoint()) {
        backfill(now);
        m_last = TimePoint(std::chrono::minutes(AppTelemetry::minuteOf(now)));
    }
    if (now - m_last < 1s)
        return;
    const double seconds = std::min(60.0, std::chrono::duration<double>(now - m_last).count());
    m_last = now;
    const std::int64_t minute = AppTelemetry::minuteOf(now - std::chrono::milliseconds(1));
    for (const auto &s : m_ctx.scenario.services) {
        for (const char *track : {"stable", "canary"}) {
            if (std::string(track) == "canary" && !s.hasCanary)
                continue;
            const auto load = m_ctx.load.find(SimContext::trackKey(s.name, track));
            const double rps = load == m_ctx.load.end() ? 0 : load->second.rps;
            m_telemetry.add(minute, s.name, track, sample(s, track, rps, seconds, false));
        }
    }
    // Keep a day more than the history: enough for any window Opsdeck asks.
    m_telemetry.pruneBefore(minute - static_cast<std::int64_t>(m_historyHours + 24) * 60);
}

} // namespace sim
