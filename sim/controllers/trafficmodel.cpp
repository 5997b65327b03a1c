#include "trafficmodel.h"

#include "kubeutil.h"

#include <cmath>
#include <numbers>

namespace sim {

namespace {

using namespace std::chrono_literals;

double parseDouble(const std::string &text, double fallback)
{
    try {
        return text.empty() ? fallback : std::stod(text);
    } catch (const std::exception &) {
        return fallback;
    }
}

} // namespace

TrafficModel::TrafficModel(SimContext &context) : m_ctx(context) {}

void TrafficModel::setSpike(const std::string &service, double factor)
{
    if (factor == 1.0)
        m_spike.erase(service);
    else
        m_spike[service] = factor;
}

double TrafficModel::serviceRps(const ServiceSpec &service, std::size_t index, TimePoint at) const
{
    const Scenario &sc = m_ctx.scenario;
    const double seconds = std::chrono::duration<double>(at.time_since_epoch()).count();
    const double hour = std::fmod(seconds / 3600.0, 24.0);
    const double daily = 1.0 + sc.dailyAmplitude * std::cos(2.0 * std::numbers::pi * (hour - sc.peakHourUtc) / 24.0);
    // Value noise: a seeded value per minute, interpolated so the rate moves smoothly.
    const double minute = seconds / 60.0;
    const auto bucket = static_cast<std::uint64_t>(std::floor(minute));
    const double f = minute - std::floor(minute);
    const double a = Rng::hashUnit(m_ctx.seed, index, bucket) * 2.0 - 1.0;
    const double b = Rng::hashUnit(m_ctx.seed, index, bucket + 1) * 2.0 - 1.0;
    const double noise = a + (b - a) * (f * f * (3.0 - 2.0 * f));
    double rps = service.traffic.baseRps * daily * (1.0 + sc.noise * noise);
    if (const auto it = m_spike.find(service.name); it != m_spike.end())
        rps *= it->second;
    return std::max(0.0, rps);
}

double TrafficModel::canaryShare(const ServiceSpec &service) const
{
    if (!service.hasCanary)
        return 0;
    if (service.routing == "httproute") {
        const auto route = m_ctx.store.getShared("httproutes.gateway.networking.k8s.io", m_ctx.ns, service.name);
        if (!route)
            return 0;
        const Json &rules = kube::member(route->object(), "spec", "rules");
        if (!rules.is_array() || rules.empty())
            return 0;
        const Json &backends = kube::member(rules[0], "backendRefs");
        double total = 0;
        double canary = 0;
        if (backends.is_array())
            for (const auto &ref : backends) {
                const double weight = ref.value("weight", 1); // Gateway API default weight is 1
                total += weight;
                if (ref.value("name", std::string()) == service.name + "-canary")
                    canary += weight;
            }
        return total > 0 ? canary / total : 0;
    }
    const auto ingress = m_ctx.store.getShared("ingresses.networking.k8s.io", m_ctx.ns, service.name + "-canary");
    if (!ingress)
        return 0;
    const Json &object = ingress->object();
    if (kube::annotation(object, "nginx.ingress.kubernetes.io/canary") != "true")
        return 0;
    const double weight = parseDouble(kube::annotation(object, "nginx.ingress.kubernetes.io/canary-weight"), 0);
    const double total = parseDouble(kube::annotation(object, "nginx.ingress.kubernetes.io/canary-weight-total"), 100);
    return total > 0 ? std::clamp(weight / total, 0.0, 1.0) : 0;
}

void TrafficModel::step(TimePoint now)
{
    // Once per virtual second is plenty for a load that moves over minutes.
    if (m_last != TimePoint() && now - m_last < 1s)
        return;
    m_last = now;
    std::map<std::string, int> ready;
    m_ctx.pods.refresh();
    for (const PodInfo *pod : m_ctx.pods.pods())
        if (!pod->terminating && pod->ready)
            ++ready[SimContext::trackKey(pod->app, pod->track)];
    const auto &services = m_ctx.scenario.services;
    for (std::size_t i = 0; i < services.size(); ++i) {
        const ServiceSpec &s = services[i];
        const double total = serviceRps(s, i, now);
        const double share = canaryShare(s);
        for (const char *track : {"stable", "canary"}) {
            const std::string key = SimContext::trackKey(s.name, track);
            TrackLoad load;
            load.rps = total * (std::string(track) == "canary" ? share : 1.0 - share);
            load.readyPods = ready.count(key) ? ready[key] : 0;
            const double perPod = load.readyPods > 0 ? load.rps / load.readyPods : 0;
            load.cpuPerPod = s.traffic.idleCpu + perPod * s.traffic.cpuPerRequest;
            load.memoryMi = s.traffic.memoryMi + perPod * 0.35;
            m_ctx.load[key] = load;
        }
    }
}

} // namespace sim
