#pragma once

// The simulated estate: loads a scenario into the store and runs the controllers (deployments and
// ReplicaSets, pod lifecycle, HPA, traffic model, pod metrics, events) on the virtual clock.

#include "azure/costledger.h"
#include "controllers/apptelemetry.h"
#include "controllers/resiliencecontroller.h"
#include "controllers/telemetrylog.h"
#include "objectstore.h"
#include "virtualclock.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sim {

struct SimulationOptions
{
    std::string scenarioPath;   // a sim/scenarios/*.yaml file
    double speed = 1.0;         // virtual seconds per wall second (the clock is built with it)
    std::uint64_t seed = 1;     // same seed, same estate and same traffic
    int telemetryHistoryHours = -1; // Application Insights history at start; -1: up to 24 h, less for large estates
};

class Controller; // one per concern, in sim/controllers/
struct Scenario;
struct SimContext;
class TrafficModel;
class ResilienceController;
class SqlDatabases;

class Simulation
{
public:
    Simulation(ObjectStore &store, const VirtualClock &clock, SimulationOptions options);
    ~Simulation();

    // Parses the scenario and creates its objects (with history: ReplicaSet revisions, running pods,
    // past events). Throws std::runtime_error naming the file and the problem.
    void load();

    void start(); // starts the controller thread
    void stop();  // stops and joins it; idempotent

    // One controller step at the clock's current time; start() calls it in a loop. Public for tests.
    void step();

    const std::vector<std::string> &serviceNames() const { return m_services; }
    std::string namespaceName() const { return m_namespace; }

    // Chaos controls, callable from any thread. A broken track's containers crash on start and its
    // running pods fail their liveness probe: CrashLoopBackOff until it is mended. Returns false
    // for an unknown service or a track other than "stable" / "canary".
    bool setTrackBroken(const std::string &service, const std::string &track, bool broken);
    bool isTrackBroken(const std::string &service, const std::string &track) const;
    // Multiplies a service's traffic (1 = normal); false for an unknown service.
    bool setTrafficSpike(const std::string &service, double factor);
    // Requests per second routed to a track at the last step (0 before the first step).
    double trackRps(const std::string &service, const std::string &track) const;

    // More chaos (docs/sim-chaos-api.md). `track` "" means both tracks. Each returns false for an unknown
    // service or track, or a value out of range.
    bool setErrorRate(const std::string &service, const std::string &track, double fraction); // 0..1
    bool setLatency(const std::string &service, const std::string &track, double addedMs);    // >= 0
    // Takes the SQL database the service's <service>-db Secret names down (status Offline, connections
    // fail), or brings the one it took down up again.
    bool setDatabaseDown(const std::string &service, bool down);
    // The service's next point-in-time restore (of a database it owns) fails.
    bool setRestoreFail(const std::string &service, bool fail);
    // The Azure SQL estate: the services' databases and their restores (docs/sim-azure.md); null before load().
    SqlDatabases *sqlDatabases() const { return m_sql.get(); }
    // Deletes up to `count` running pods of a service (track "" = any), gracefully as `kubectl delete pod`
    // does; their ReplicaSets replace them. Returns the pods' names (nullopt for an unknown service).
    std::optional<std::vector<std::string>> killPods(const std::string &service, const std::string &track, int count);
    // Ends one kind of chaos on a service ("fail", "latency", "spike", "break-canary", "database-down",
    // "restore-fail", "" = all of them); false for an unknown service or kind.
    bool clearChaos(const std::string &service, const std::string &kind = {});
    void clearAllChaos();
    // The active chaos: [{service, kind, track?, errorRatePercent? | latencyMs? | factor?}].
    Json chaosStatus() const;

    // A track's /health answer (path /health, /health/ready or /health/live); nullopt when unknown.
    std::optional<HealthReport> healthReport(const std::string &service, const std::string &track,
                                             const std::string &path) const;
    // Ready, not terminating pods of a service's track now.
    int readyPods(const std::string &service, const std::string &track) const;
    // The breaker of a track's dependency, copied (state and counters); nullopt when unknown.
    std::optional<CircuitBreaker::State> breakerState(const std::string &service, const std::string &track,
                                                      const std::string &dependency) const;
    // The Polly events the services emitted (API-CONTRACTS §7), for the telemetry APIs.
    const TelemetryLog &telemetry() const { return m_telemetry; }
    // The services' Application Insights telemetry, per minute and track (the query APIs read it).
    const AppTelemetry &appTelemetry() const { return m_appTelemetry; }
    int telemetryHistoryHours() const { return m_historyHours; }
    // What the estate has cost per resource and hour, from the start of last month (Cost Management reads it).
    const CostLedger &costs() const { return m_costs; }

    const Scenario *scenario() const { return m_scenario.get(); } // null before load()

private:
    void run();

    ObjectStore &m_store;
    const VirtualClock &m_clock;
    SimulationOptions m_options;
    std::vector<std::unique_ptr<Controller>> m_controllers;
    std::vector<std::string> m_services;
    std::string m_namespace;
    std::unique_ptr<Scenario> m_scenario;
    std::unique_ptr<SimContext> m_context;
    std::unique_ptr<SqlDatabases> m_sql;
    TrafficModel *m_traffic = nullptr; // owned by m_controllers
    ResilienceController *m_resilience = nullptr; // owned by m_controllers
    TelemetryLog m_telemetry;
    AppTelemetry m_appTelemetry;
    CostLedger m_costs;
    int m_historyHours = 0;
    std::map<std::string, double> m_spikes; // service -> factor, for chaosStatus()
    std::chrono::system_clock::time_point m_lastPrune;
    mutable std::mutex m_stepMutex;     // step() against the chaos setters
    std::mutex m_runMutex;
    std::condition_variable m_wake;
    std::thread m_thread;
    std::atomic<bool> m_running{false};
};

} // namespace sim
