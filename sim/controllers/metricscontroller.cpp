#include "metricscontroller.h"

#include "kubeutil.h"

#include <cmath>
#include <unordered_set>

namespace sim {

namespace {

std::uint64_t nameHash(const std::string &name)
{
    std::uint64_t h = 1469598103934665603ULL;
    for (const unsigned char c : name)
        h = (h ^ c) * 1099511628211ULL;
    return h;
}


} // namespace

MetricsController::MetricsController(SimContext &context) : m_ctx(context) {}

void MetricsController::step(TimePoint now)
{
    const auto nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    const auto periodMs = std::chrono::duration_cast<std::chrono::milliseconds>(kResolution).count();
    const std::uint64_t step = ++m_steps;
    m_ctx.pods.refresh();
    for (const PodInfo *info : m_ctx.pods.pods()) {
        if (!info->running || info->terminating)
            continue;
        const Json &pod = info->object();
        const std::string &name = info->name;
        // Each pod has its own phase within the 15 s, so only a slice of the estate is written per step.
        const auto phase = static_cast<std::int64_t>(info->nameHash % static_cast<std::uint64_t>(periodMs));
        const std::int64_t bucket = (nowMs - phase) / periodMs;
        auto it = m_written.find(name);
        if (it != m_written.end()) {
            it->second.seen = step;
            if (it->second.bucket == bucket)
                continue;
        }
        write(pod, bucket, now);
        m_written[name] = {bucket, step};
    }
    for (auto it = m_written.begin(); it != m_written.end();) {
        if (it->second.seen == step) {
            ++it;
            continue;
        }
        m_ctx.store.remove("pods.metrics.k8s.io", m_ctx.ns, it->first);
        it = m_written.erase(it);
    }
}

void MetricsController::write(const Json &pod, std::int64_t bucket, TimePoint now)
{
    const std::string name = kube::name(pod);
    const std::string app = kube::label(pod, "app");
    const std::string track = kube::label(pod, "version");
    const auto load = m_ctx.load.find(SimContext::trackKey(app, track));
    const ServiceSpec *service = m_ctx.service(app);
    double cpu = service ? service->traffic.idleCpu : 5.0;
    double memoryMi = service ? service->traffic.memoryMi : 120.0;
    if (kube::podReady(pod) && load != m_ctx.load.end()) {
        cpu = load->second.cpuPerPod;
        memoryMi = load->second.memoryMi;
    } else if (!kube::podReady(pod)) {
        cpu *= 4.0; // start-up: the JIT and the first health checks
        memoryMi *= 0.7;
    }
    const std::uint64_t h = nameHash(name);
    const double cpuJitter = 1.0 + 0.16 * (Rng::hashUnit(m_ctx.seed, h, static_cast<std::uint64_t>(bucket)) - 0.5);
    const double memJitter = 1.0 + 0.08 * (Rng::hashUnit(m_ctx.seed, h ^ 0x6d656dULL, 0) - 0.5);
    Json containers = Json::array();
    const Json &specContainers = kube::member(pod, "spec", "containers");
    if (specContainers.is_array())
        for (const auto &c : specContainers) {
            containers.push_back({{"name", c.value("name", std::string())},
                                  {"usage",
                                   {{"cpu", kube::cpuNanos(cpu * cpuJitter)},
                                    {"memory", kube::memoryKi(memoryMi * memJitter * 1048576.0)}}}});
            cpu = 1.0; // sidecars, if any, idle
            memoryMi = 24.0;
        }
    Json labels = kube::member(pod, "metadata", "labels");
    const std::string timestamp = kube::timeText(now);
    const bool updated = m_ctx.store
                             .modify("pods.metrics.k8s.io", m_ctx.ns, name,
                                     [&](Json &m) {
                                         m["timestamp"] = timestamp;
                                         m["containers"] = containers;
                                         m["metadata"]["labels"] = labels;
                                         return true;
                                     })
                             .has_value();
    if (updated || m_ctx.store.getShared("pods.metrics.k8s.io", m_ctx.ns, name))
        return;
    m_ctx.store.create("pods.metrics.k8s.io", {{"apiVersion", "metrics.k8s.io/v1beta1"},
                                               {"kind", "PodMetrics"},
                                               {"metadata", {{"name", name}, {"namespace", m_ctx.ns}, {"labels", labels}}},
                                               {"timestamp", timestamp},
                                               {"window", "15s"},
                                               {"containers", containers}});
}

} // namespace sim
