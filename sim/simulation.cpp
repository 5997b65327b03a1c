#include "simulation.h"

#include "controllers/controller.h"
#include "controllers/deploymentcontroller.h"
#include "controllers/estatebuilder.h"
#include "controllers/hpacontroller.h"
#include "controllers/metricscontroller.h"
#include "controllers/podlifecyclecontroller.h"
#include "controllers/replicasetcontroller.h"
#include "controllers/simcontext.h"
#include "controllers/trafficmodel.h"
#include "scenario.h"

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
    m_controllers.push_back(std::make_unique<MetricsController>(*context));
    m_controllers.push_back(std::make_unique<HpaController>(*context));

    m_services.clear();
    for (const auto &service : scenario->services)
        m_services.push_back(service.name);
    m_namespace = scenario->namespaceName;
    m_scenario = std::move(scenario);
    m_context = std::move(context);
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
    return true;
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
