#pragma once

// The services' Polly-style pipelines (DESIGN §10, API-CONTRACTS §7): for every service track and each
// of its dependencies a retry → circuit breaker → timeout pipeline with a fallback, fed once per
// virtual second with a sample of the calls the traffic model says the track makes. Whether a call
// fails follows the callee's truth (no ready pods, chaos error rate or latency, database down), so a
// failing dependency opens the breaker and its recovery closes it through a half-open probe. A pod
// connects to the SQL database its <service>-db Secret named when it started (ConnectionStrings__Default
// from secretKeyRef), so a track's database pipeline fails for the share of its ready pods whose
// database is down, missing or still restoring, and a restart onto a repointed Secret heals it. Breaker
// transitions and retries/timeouts/fallbacks go to the TelemetryLog; report() renders a track's
// ASP.NET health report from the same state.

#include "circuitbreaker.h"
#include "controller.h"
#include "simcontext.h"
#include "telemetrylog.h"

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sim {

// A /health answer: the HealthChecks UIResponseWriter JSON and its HTTP status (503 when Unhealthy).
struct HealthReport
{
    int httpStatus = 200;
    Json body;
};

// What one dependency pipeline of a track looks like at the last step (for the request telemetry).
struct PipelineStatus
{
    const DependencySpec *spec = nullptr;
    CircuitBreaker::State state = CircuitBreaker::State::Closed;
    double failureRatio = 0; // of the attempts at the last step
    double latencyMs = 0;    // of the last attempt
    std::string exceptionType;
    std::string message;
};

class ResilienceController final : public Controller
{
public:
    using TimePoint = std::chrono::system_clock::time_point;
    static constexpr double kSampledCallsPerSecond = 20; // calls simulated per pipeline and second at most
    static constexpr double kQueueBacklogDegraded = 1000;

    ResilienceController(SimContext &context, TelemetryLog &log);
    void step(TimePoint now) override;

    // `path` "/health" (every entry), "/health/ready" or "/health/live" (the self check only).
    // nullopt for an unknown service or track.
    std::optional<HealthReport> report(const std::string &service, const std::string &track,
                                       const std::string &path) const;

    // The breaker of one dependency of a track (tests and status); null when unknown.
    const CircuitBreaker *breaker(const std::string &service, const std::string &track,
                                  const std::string &dependency) const;
    // Every pipeline of a track, in dependency order; empty for an unknown track.
    std::vector<PipelineStatus> pipelines(const std::string &service, const std::string &track) const;

    // Where a track's ready pods connect, at the last step: "host/database" -> pods, plus whether it opens.
    struct DatabaseUse
    {
        std::string server;   // logical server, "opsdeck-sql"
        std::string host;     // "opsdeck-sql.database.windows.net"
        std::string database; // "" when the pod's Secret or connection string could not be read
        int pods = 0;
        bool accepts = true;
    };
    std::vector<DatabaseUse> databases(const std::string &service, const std::string &track) const;

private:
    struct Pipeline
    {
        Pipeline(const DependencySpec &d, std::string svc, std::string trk, std::uint64_t seed);
        const DependencySpec *spec;
        std::string service;
        std::string track;
        CircuitBreaker breaker;
        Rng rng;
        std::string lastException;     // type of the last handled failure
        std::string lastMessage;       // its message, for the report's `exception`
        double lastLatencyMs = 0;      // of the last successful or failed attempt
        double failureRatio = 0;       // of the attempts at the last step
    };
    // What calling a dependency does right now.
    struct Target
    {
        struct Route
        {
            double weight = 0;  // share of calls
            double failure = 0; // probability an attempt fails
            double latencyMs = 0;
        };
        std::vector<Route> routes; // empty: no endpoint at all
        std::string exceptionType;
        std::string message;
    };
    struct Tally
    {
        double retries = 0;
        double timeouts = 0;
        double fallbacks = 0;
        double attempts = 0;
        double failedAttempts = 0;
        double attemptMs = 0;
    };

    void run(Pipeline &p, double callerRps, TimePoint from, TimePoint now);
    bool call(Pipeline &p, const Target &target, TimePoint at, Tally &tally);
    Target targetOf(const Pipeline &p) const;
    void emit(const Pipeline &p, const std::string &event, const std::string &strategy, TimePoint at,
              std::uint64_t count, const std::string &exception, double attemptMs = 0);
    Json entryFor(const Pipeline &p, TimePoint now) const;
    Json selfEntry(const std::string &service, const std::string &track) const;
    void bindPods(TimePoint now);
    DatabaseUse bindingOf(const Json &pod) const;

    SimContext &m_ctx;
    TelemetryLog &m_log;
    TimePoint m_last;
    TimePoint m_now;
    std::map<std::string, std::vector<std::unique_ptr<Pipeline>>> m_pipelines; // trackKey -> one per dependency
    std::map<std::string, double> m_queues; // "queue|consumer" -> messages waiting
    std::map<std::string, DatabaseUse> m_bindings; // pod uid -> where it connected when it started
    std::map<std::string, std::vector<DatabaseUse>> m_databases; // trackKey -> its ready pods' databases
};

} // namespace sim
