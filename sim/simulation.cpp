#include "simulation.h"

#include "azure/sqldatabases.h"
#include "controllers/apptelemetrycontroller.h"
#include "controllers/controller.h"
#include "controllers/costaccrualcontroller.h"
#include "controllers/deploymentcontroller.h"
#include "controllers/estatebuilder.h"
#include "controllers/hpacontroller.h"
#include "controllers/metricscontroller.h"
#include "controllers/podlifecyclecontroller.h"
#include "controllers/kubeutil.h"
#include "controllers/replicasetcontroller.h"
#include "controllers/simcontext.h"
#include "controllers/trafficmodel.h"
#include "scenario.h"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace sim {

namespace {

using namespace std::chrono_literals;

bool validTrack(const std::string &track)
{
    return track == "stable" || track == "canary";
}

} // namespace

Simulation::Simulation(ObjectStore &store, const VirtualClock &clock, SimulationOptions options)
    : m_store(store)
    , m_clock(clock)
    , m_options(std::move(options))
{}

Simulation::~Simulation()
{
    stop();
}

void Simulation::load()
{
    std::lock_guard lock(m_stepMutex);
    if (m_scenario)
        throw std::runtime_error(m_options.scenarioPath + ": the simulation is already loaded");
    auto scenario = std::make_unique<Scenario>(Scenario::load(m_options.scenarioPath));
    auto context = std::make_unique<SimContext>(m_store, *scenario, m_options.seed);
    // Every service's database lives on one logical server, created with the estate (40 days ago).
    auto sql = std::make_unique<SqlDatabases>(
        SqlOptions{scenario->sqlServer, scenario->sqlLocation, scenario->sqlRetentionDays, scenario->sqlRestoreSeconds,
                   m_options.speed},
        m_options.seed);
    sql->addDatabase("master", std::string(), m_clock.now() - std::chrono::hours(24 * 40), true);
    for (const auto &service : scenario->services)
        sql->addDatabase(service.sqlDatabase, service.name, m_clock.now() - std::chrono::hours(24 * 40));
    context->sql = sql.get();
    for (const auto &service : scenario->services) {
        if (service.stable.broken)
            context->broken.insert(SimContext::trackKey(service.name, "stable"));
        if (service.hasCanary && service.canary.broken)
            context->broken.insert(SimContext::trackKey(service.name, "canary"));
    }
    try {
        EstateBuilder(*context, m_clock.now()).build();
    } catch (const std::exception &e) {
        throw std::runtime_error(m_options.scenarioPath + ": " + e.what());
    }

    // The order of a control loop pass: kubelets, then the ReplicaSet and Deployment controllers,
    // then the load that drives metrics, and the autoscaler reading them.
    m_controllers.push_back(std::make_unique<PodLifecycleController>(*context));
    m_controllers.push_back(std::make_unique<ReplicaSetController>(*context));
    m_controllers.push_back(std::make_unique<DeploymentController>(*context));
    auto traffic = std::make_unique<TrafficModel>(*context);
    m_traffic = traffic.get();
    m_controllers.push_back(std::move(traffic));
    // The services' pipelines see the load and readiness the traffic model just computed.
    auto resilience = std::make_unique<ResilienceController>(*context, m_telemetry);
    m_resilience = resilience.get();
    m_controllers.push_back(std::move(resilience));
    // Request telemetry follows the load and the pipelines' state; 60,000 track-minutes of history at most.
    const std::size_t tracks = std::max<std::size_t>(1, scenario->services.size() * 2);
    m_historyHours = m_options.telemetryHistoryHours >= 0
        ? m_options.telemetryHistoryHours
        : static_cast<int>(std::clamp<std::size_t>(60000 / (tracks * 60), 1, 24));
    m_controllers.push_back(std::make_unique<AppTelemetryController>(*context, *m_traffic, *m_resilience, m_appTelemetry,
                                                                     m_telemetry, m_historyHours));
    m_controllers.push_back(std::make_unique<MetricsController>(*context));
    m_controllers.push_back(std::make_unique<HpaController>(*context));
    // Costs last: they count the pods the other controllers left.
    m_controllers.push_back(std::make_unique<CostAccrualController>(*context, *m_traffic, m_costs, m_clock.now()));

    m_services.clear();
    for (const auto &service : scenario->services)
        m_services.push_back(service.name);
    m_namespace = scenario->namespaceName;
    m_scenario = std::move(scenario);
    m_context = std::move(context);
    m_sql = std::move(sql);
}

void Simulation::step()
{
    std::lock_guard lock(m_stepMutex);
    if (!m_context)
        return;
    const auto now = m_clock.now();
    for (const auto &controller : m_controllers)
        controller->step(now);
    // The API server's --event-ttl (1h), checked once a virtual minute.
    static constexpr auto kPruneEvery = 60s;
    if (m_lastPrune == std::chrono::system_clock::time_point() || now - m_lastPrune >= kPruneEvery) {
        m_lastPrune = now;
        m_context->events.prune(now, 1h);
    }
}

void Simulation::start()
{
    if (m_running.exchange(true))
        return;
    m_thread = std::thread([this] { run(); });
}

void Simulation::run()
{
    while (m_running.load()) {
        step();
        std::unique_lock lock(m_runMutex);
        m_wake.wait_for(lock, 100ms, [this] { return !m_running.load(); });
    }
}

void Simulation::stop()
{
    {
        std::lock_guard lock(m_runMutex);
        if (!m_running.exchange(false) && !m_thread.joinable())
            return;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

bool Simulation::setTrackBroken(const std::string &service, const std::string &track, bool broken)
{
    std::lock_guard lock(m_stepMutex);
    if (!m_context || !m_context->service(service) || !validTrack(track))
        return false;
    const std::string key = SimContext::trackKey(service, track);
    if (broken)
        m_context->broken.insert(key);
    else
        m_context->broken.erase(key);
    return true;
}

bool Simulation::isTrackBroken(const std::string &service, const std::string &track) const
{
    std::lock_guard lock(m_stepMutex);
    return m_context && m_context->isBroken(service, track);
}

bool Simulation::setTrafficSpike(const std::string &service, double factor)
{
    std::lock_guard lock(m_stepMutex);
    if (!m_context || !m_context->service(service) || !(factor >= 0))
        return false;
    m_traffic->setSpike(service, factor);
    if (factor == 1.0)
        m_spikes.erase(service);
    else
        m_spikes[service] = factor;
    return true;
}

bool Simulation::setErrorRate(const std::string &service, const std::string &track, double fraction)
{
    std::lock_guard lock(m_stepMutex);
    if (!m_context || !m_context->service(service) || !(track.empty() || validTrack(track)) || !(fraction >= 0)
        || fraction > 1)
        return false;
    auto &chaos = m_context->chaos[service];
    for (const char *t : {"stable", "canary"}) {
        if (!track.empty() && track != t)
            continue;
        if (fraction > 0)
            chaos.errorRate[t] = fraction;
        else
            chaos.errorRate.erase(t);
    }
    if (chaos.empty())
        m_context->chaos.erase(service);
    return true;
}

bool Simulation::setLatency(const std::string &service, const std::string &track, double addedMs)
{
    std::lock_guard lock(m_stepMutex);
    if (!m_context || !m_context->service(service) || !(track.empty() || validTrack(track)) || !(addedMs >= 0)
        || addedMs > 600000)
        return false;
    auto &chaos = m_context->chaos[service];
    for (const char *t : {"stable", "canary"}) {
        if (!track.empty() && track != t)
            continue;
        if (addedMs > 0)
            chaos.latencyMs[t] = addedMs;
        else
            chaos.latencyMs.erase(t);
    }
    if (chaos.empty())
        m_context->chaos.erase(service);
    return true;
}

bool Simulation::setDatabaseDown(const std::string &service, bool down)
{
    std::lock_guard lock(m_stepMutex);
    if (!m_context || !m_context->service(service))
        return false;
    auto &chaos = m_context->chaos[service];
    if (down) {
        // The database the Secret names now: after a repoint, chaos hits the restored one.
        std::string database = m_context->service(service)->sqlDatabase;
        if (const auto secret = m_store.get("secrets", m_namespace, service + "-db")) {
            const std::string text = SqlDatabases::base64Decode(kube::str(*secret, "data", "connectionString"));
            if (const auto target = SqlDatabases::parseConnectionString(text))
                database = target->database;
        }
        if (chaos.databaseDown && chaos.database != database)
            m_sql->setDown(chaos.database, false);
        chaos.database = database;
        chaos.databaseDown = m_sql->setDown(database, true);
    } else {
        if (chaos.databaseDown)
            m_sql->setDown(chaos.database, false);
        chaos.databaseDown = false;
        chaos.database.clear();
    }
    if (chaos.empty())
        m_context->chaos.erase(service);
    return true;
}

bool Simulation::setRestoreFail(const std::string &service, bool fail)
{
    std::lock_guard lock(m_stepMutex);
    if (!m_context || !m_context->service(service))
        return false;
    m_sql->setFailNextRestore(service, fail);
    return true;
}

std::optional<std::vector<std::string>> Simulation::killPods(const std::string &service, const std::string &track,
                                                             int count)
{
    std::lock_guard lock(m_stepMutex);
    if (!m_context || !m_context->service(service) || !(track.empty() || validTrack(track)) || count < 1)
        return std::nullopt;
    std::vector<std::string> killed;
    const auto now = m_clock.now();
    m_context->pods.refresh();
    for (const PodInfo *pod : m_context->pods.pods()) {
        if (static_cast<int>(killed.size()) >= count)
            break;
        if (pod->app != service || (!track.empty() && pod->track != track) || !pod->active())
            continue;
        // Graceful deletion, as the API server does for `kubectl delete pod`: the kubelet stops the
        // container (Killing) and the ReplicaSet controller makes a replacement.
        const bool marked = m_store
                                .modify("pods", m_namespace, pod->name,
                                        [&](Json &p) {
                                            if (kube::podTerminating(p))
                                                return false;
                                            const auto grace = kube::integer(p, "spec", "terminationGracePeriodSeconds", 30);
                                            p["metadata"]["deletionTimestamp"] = kube::timeText(now + std::chrono::seconds(grace));
                                            p["metadata"]["deletionGracePeriodSeconds"] = grace;
                                            return true;
                                        })
                                .has_value();
        if (marked)
            killed.push_back(pod->name);
    }
    return killed;
}

bool Simulation::clearChaos(const std::string &service, const std::string &kind)
{
    {
        std::lock_guard lock(m_stepMutex);
        if (!m_context || !m_context->service(service))
            return false;
        static const std::set<std::string> kinds = {"",      "fail",         "latency",      "spike",
                                                    "break-canary", "database-down", "restore-fail"};
        if (!kinds.count(kind))
            return false;
        auto it = m_context->chaos.find(service);
        if (it != m_context->chaos.end()) {
            if (kind.empty() || kind == "fail")
                it->second.errorRate.clear();
            if (kind.empty() || kind == "latency")
                it->second.latencyMs.clear();
            if ((kind.empty() || kind == "database-down") && it->second.databaseDown) {
                m_sql->setDown(it->second.database, false);
                it->second.databaseDown = false;
                it->second.database.clear();
            }
            if (it->second.empty())
                m_context->chaos.erase(it);
        }
        if (kind.empty() || kind == "restore-fail")
            m_sql->setFailNextRestore(service, false);
        if (kind.empty() || kind == "break-canary")
            m_context->broken.erase(SimContext::trackKey(service, "canary"));
    }
    if (kind.empty() || kind == "spike")
        setTrafficSpike(service, 1.0);
    return true;
}

void Simulation::clearAllChaos()
{
    for (const auto &service : m_services)
        clearChaos(service);
}

Json Simulation::chaosStatus() const
{
    std::lock_guard lock(m_stepMutex);
    Json out = Json::array();
    if (!m_context)
        return out;
    const auto failingRestores = m_sql ? m_sql->pendingRestoreFailures() : std::set<std::string>();
    for (const auto &name : m_services) {
        if (const auto it = m_context->chaos.find(name); it != m_context->chaos.end()) {
            for (const auto &[track, rate] : it->second.errorRate)
                out.push_back({{"service", name}, {"kind", "fail"}, {"track", track},
                               {"errorRatePercent", std::lround(rate * 100)}});
            for (const auto &[track, ms] : it->second.latencyMs)
                out.push_back({{"service", name}, {"kind", "latency"}, {"track", track}, {"latencyMs", std::lround(ms)}});
            if (it->second.databaseDown)
                out.push_back({{"service", name}, {"kind", "database-down"}, {"database", it->second.database}});
        }
        if (failingRestores.count(name))
            out.push_back({{"service", name}, {"kind", "restore-fail"}});
        for (const char *track : {"stable", "canary"})
            if (m_context->isBroken(name, track))
                out.push_back({{"service", name}, {"kind", std::string(track) == "canary" ? "break-canary" : "broken"},
                               {"track", track}});
        if (const auto spike = m_spikes.find(name); spike != m_spikes.end())
            out.push_back({{"service", name}, {"kind", "spike"}, {"factor", spike->second}});
    }
    return out;
}

std::optional<HealthReport> Simulation::healthReport(const std::string &service, const std::string &track,
                                                     const std::string &path) const
{
    std::lock_guard lock(m_stepMutex);
    if (!m_resilience)
        return std::nullopt;
    return m_resilience->report(service, track, path);
}

int Simulation::readyPods(const std::string &service, const std::string &track) const
{
    int ready = 0;
    for (const auto &pod : m_store.snapshot("pods", m_namespace)) {
        const Json &o = pod->object();
        if (kube::label(o, "app") == service && kube::label(o, "version") == track && kube::podReady(o)
            && !kube::podTerminating(o))
            ++ready;
    }
    return ready;
}

std::optional<CircuitBreaker::State> Simulation::breakerState(const std::string &service, const std::string &track,
                                                              const std::string &dependency) const
{
    std::lock_guard lock(m_stepMutex);
    const CircuitBreaker *breaker = m_resilience ? m_resilience->breaker(service, track, dependency) : nullptr;
    if (!breaker)
        return std::nullopt;
    return breaker->state();
}

double Simulation::trackRps(const std::string &service, const std::string &track) const
{
    std::lock_guard lock(m_stepMutex);
    if (!m_context)
        return 0;
    const auto it = m_context->load.find(SimContext::trackKey(service, track));
    return it == m_context->load.end() ? 0 : it->second.rps;
}

} // namespace sim
