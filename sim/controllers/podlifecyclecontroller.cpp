#include "podlifecyclecontroller.h"

#include "kubeutil.h"
#include "podfactory.h"

#include <unordered_set>

namespace sim {

namespace {

using namespace std::chrono_literals;

const Json &firstContainerStatus(const Json &pod)
{
    static const Json none;
    const Json &statuses = kube::member(pod, "status", "containerStatuses");
    return statuses.is_array() && !statuses.empty() ? statuses[0] : none;
}

int readinessDelay(const Json &pod)
{
    const Json &containers = kube::member(pod, "spec", "containers");
    if (!containers.is_array() || containers.empty())
        return 0;
    return static_cast<int>(kube::integer(containers[0], "readinessProbe", "initialDelaySeconds", 0));
}

int backoffSeconds(int restartCount)
{
    // The kubelet's crash back-off: 10s doubling up to 5 minutes.
    int seconds = 10;
    for (int i = 1; i < restartCount && seconds < 300; ++i)
        seconds *= 2;
    return std::min(seconds, 300);
}

} // namespace

PodLifecycleController::PodLifecycleController(SimContext &context) : m_ctx(context) {}

PodLifecycleController::Stage PodLifecycleController::stageOf(const Json &pod)
{
    if (kube::podTerminating(pod))
        return Stage::Terminating;
    if (kube::str(pod, "spec", "nodeName").empty())
        return Stage::Unscheduled;
    const Json &status = firstContainerStatus(pod);
    const std::string waiting = kube::str(status, "state", "waiting", "reason");
    if (waiting == "CrashLoopBackOff")
        return Stage::BackOff;
    if (kube::member(status, "state", "running").is_object())
        return kube::podReady(pod) ? Stage::Ready : Stage::Starting;
    return Stage::Creating;
}

std::chrono::milliseconds PodLifecycleController::jitter(int minMs, int maxMs)
{
    return std::chrono::milliseconds(m_ctx.timing.between(minMs, maxMs));
}

bool PodLifecycleController::broken(const Json &pod) const
{
    return m_ctx.isBroken(kube::label(pod, "app"), kube::label(pod, "version"));
}

PodLifecycleController::Plan PodLifecycleController::planFor(const Json &pod, Stage stage, TimePoint now)
{
    Plan plan;
    plan.stage = stage;
    switch (stage) {
    case Stage::Unscheduled:
        plan.at = now + jitter(300, 1200);
        break;
    case Stage::Creating:
        plan.at = now + jitter(1500, 4000); // pulling and creating the container
        break;
    case Stage::Starting:
        plan.at = now + std::chrono::seconds(readinessDelay(pod)) + jitter(500, 3000);
        break;
    case Stage::Ready:
        plan.at = TimePoint::max();
        break;
    case Stage::BackOff: {
        const int restarts = firstContainerStatus(pod).value("restartCount", 1);
        plan.at = now + std::chrono::seconds(backoffSeconds(restarts));
        break;
    }
    case Stage::Terminating: {
        // Most pods exit on SIGTERM within a few seconds; the deadline caps it.
        TimePoint at = now + jitter(1000, 3000);
        if (const auto deadline = kube::parseTime(kube::str(pod, "metadata", "deletionTimestamp")); deadline && *deadline < at)
            at = *deadline;
        plan.at = at;
        break;
    }
    }
    return plan;
}

std::string PodLifecycleController::node(const Json &pod, std::size_t &index) const
{
    const std::string name = kube::str(pod, "spec", "nodeName");
    for (std::size_t i = 0; i < m_ctx.nodes.size(); ++i)
        if (m_ctx.nodes[i].name == name) {
            index = i;
            return m_ctx.nodes[i].ip;
        }
    index = 0;
    return m_ctx.nodes.empty() ? std::string("10.224.0.4") : m_ctx.nodes[0].ip;
}

void PodLifecycleController::step(TimePoint now)
{
    m_ctx.pods.refresh();
    const auto &pods = m_ctx.pods.pods();
    const std::uint64_t step = ++m_steps;
    for (const PodInfo *info : pods) {
        const Json &pod = info->object();
        const std::string &uid = info->uid;
        auto it = m_plans.find(uid);
        if (it != m_plans.end())
            it->second.seen = step;
        // The common case for a large estate: a ready pod of a healthy track, nothing to do.
        if (it != m_plans.end() && it->second.stage == Stage::Ready && !it->second.crashPlanned && !info->terminating
            && (m_ctx.broken.empty() || !m_ctx.isBroken(info->app, info->track))
            && !m_ctx.readinessFails(info->app, info->track))
            continue;
        const Stage stage = stageOf(pod);
        if (it == m_plans.end() || it->second.stage != stage)
            it = m_plans.insert_or_assign(uid, planFor(pod, stage, now)).first;
        Plan &plan = it->second;
        plan.seen = step;
        if (stage == Stage::Ready && broken(pod) && !plan.crashPlanned) {
            // The liveness probe fails a little later and the kubelet kills the container.
            plan.crashPlanned = true;
            plan.at = now + jitter(2000, 8000);
        }
        if (plan.at <= now)
            advance(pod, plan, now);
        else if (stage == Stage::Ready && !plan.crashPlanned)
            probeReadiness(pod, plan, now);
    }
    std::erase_if(m_plans, [step](const auto &entry) { return entry.second.seen != step; });
}

bool PodLifecycleController::readinessProbeFails(const Json &pod, TimePoint now)
{
    const std::string app = kube::label(pod, "app");
    const std::string track = kube::label(pod, "version");
    if (!m_ctx.readinessFails(app, track))
        return false;
    const std::string container = PodFactory::containerName(pod);
    const std::string message = m_ctx.latencyMs(app, track) >= SimContext::kProbeTimeoutMs
        ? "Readiness probe failed: Get \"http://" + kube::str(pod, "status", "podIP")
            + ":8080/health/ready\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
        : std::string("Readiness probe failed: HTTP probe failed with statuscode: 503");
    m_ctx.events.record(pod, "Warning", "Unhealthy", message, "kubelet", now, "spec.containers{" + container + "}",
                        kube::str(pod, "spec", "nodeName"));
    return true;
}

void PodLifecycleController::probeReadiness(const Json &pod, Plan &plan, TimePoint now)
{
    if (!m_ctx.readinessFails(kube::label(pod, "app"), kube::label(pod, "version"))) {
        plan.probeFailures = 0;
        plan.nextProbe = TimePoint();
        return;
    }
    // The kubelet probes every periodSeconds (10) from the pod's own start, so pods fail apart.
    if (plan.nextProbe == TimePoint())
        plan.nextProbe = now + jitter(0, 10000);
    if (now < plan.nextProbe)
        return;
    plan.nextProbe = now + 10s;
    if (!readinessProbeFails(pod, now) || ++plan.probeFailures < 3) // failureThreshold
        return;
    m_ctx.store.modify("pods", m_ctx.ns, kube::name(pod), [&](Json &p) {
        if (!kube::podReady(p))
            return false;
        PodFactory::notReady(p, now);
        return true;
    });
}

void PodLifecycleController::crash(const Json &pod, Plan &plan, TimePoint now)
{
    const int restarts = firstContainerStatus(pod).value("restartCount", 0) + 1;
    const int backoff = backoffSeconds(restarts);
    const std::string containerId = m_ctx.names.hex(64);
    const auto updated = m_ctx.store.modify("pods", m_ctx.ns, kube::name(pod), [&](Json &p) {
        PodFactory::crashed(p, 139, backoff, containerId, now);
        return true;
    });
    if (!updated)
        return;
    const std::string container = PodFactory::containerName(pod);
    const std::string field = "spec.containers{" + container + "}";
    const std::string host = kube::str(pod, "spec", "nodeName");
    m_ctx.events.record(*updated, "Warning", "BackOff",
                        "Back-off restarting failed container " + container + " in pod " + kube::name(pod) + "_"
                            + m_ctx.ns + "(" + kube::uid(pod) + ")",
                        "kubelet", now, field, host);
    plan = {Stage::BackOff, now + std::chrono::seconds(backoff), false, plan.seen, 0, TimePoint()};
}

void PodLifecycleController::advance(const Json &pod, Plan &plan, TimePoint now)
{
    const std::string name = kube::name(pod);
    const std::string container = PodFactory::containerName(pod);
    const std::string field = "spec.containers{" + container + "}";
    const std::string host = kube::str(pod, "spec", "nodeName");
    switch (plan.stage) {
    case Stage::Unscheduled: {
        if (m_ctx.nodes.empty())
            return;
        const std::size_t index = m_ctx.pickNode();
        const Node &n = m_ctx.nodes[index];
        const auto updated = m_ctx.store.modify("pods", m_ctx.ns, name, [&](Json &p) {
            PodFactory::scheduled(p, n.name, now);
            PodFactory::containerCreating(p, n.ip, now);
            return true;
        });
        if (updated)
            m_ctx.events.record(*updated, "Normal", "Scheduled",
                                "Successfully assigned " + m_ctx.ns + "/" + name + " to " + n.name, "default-scheduler",
                                now);
        plan = planFor(pod, Stage::Creating, now);
        plan.seen = m_steps;
        return;
    }
    case Stage::Creating: {
        std::size_t index = 0;
        node(pod, index);
        const std::string podIp = m_ctx.nextPodIp(index);
        const std::string containerId = m_ctx.names.hex(64);
        const auto updated = m_ctx.store.modify("pods", m_ctx.ns, name, [&](Json &p) {
            PodFactory::running(p, podIp, containerId, now);
            return true;
        });
        if (!updated)
            return;
        m_ctx.events.record(*updated, "Normal", "Pulled",
                            "Container image \"" + PodFactory::image(pod) + "\" already present on machine", "kubelet",
                            now, field, host);
        m_ctx.events.record(*updated, "Normal", "Created", "Created container " + container, "kubelet", now, field, host);
        m_ctx.events.record(*updated, "Normal", "Started", "Started container " + container, "kubelet", now, field, host);
        plan = planFor(*updated, Stage::Starting, now);
        plan.seen = m_steps;
        if (broken(pod)) {
            plan.crashPlanned = true;
            plan.at = now + jitter(1500, 5000);
        }
        return;
    }
    case Stage::Starting:
        if (plan.crashPlanned || broken(pod)) {
            crash(pod, plan, now);
            return;
        }
        if (readinessProbeFails(pod, now)) {
            plan.at = now + 10s; // the probe's periodSeconds
            return;
        }
        m_ctx.store.modify("pods", m_ctx.ns, name, [&](Json &p) {
            PodFactory::ready(p, now);
            return true;
        });
        plan = {Stage::Ready, TimePoint::max(), false, plan.seen, 0, TimePoint()};
        return;
    case Stage::Ready:
        if (plan.crashPlanned) {
            if (broken(pod)) {
                m_ctx.events.record(pod, "Warning", "Unhealthy",
                                    "Liveness probe failed: HTTP probe failed with statuscode: 500", "kubelet", now,
                                    field, host);
                crash(pod, plan, now);
            } else {
                plan.crashPlanned = false;
                plan.at = TimePoint::max();
            }
        }
        return;
    case Stage::BackOff: {
        const std::string containerId = m_ctx.names.hex(64);
        const auto updated = m_ctx.store.modify("pods", m_ctx.ns, name, [&](Json &p) {
            PodFactory::restarted(p, containerId, now);
            return true;
        });
        if (!updated)
            return;
        m_ctx.events.record(*updated, "Normal", "Pulled",
                            "Container image \"" + PodFactory::image(pod) + "\" already present on machine", "kubelet",
                            now, field, host);
        m_ctx.events.record(*updated, "Normal", "Created", "Created container " + container, "kubelet", now, field, host);
        m_ctx.events.record(*updated, "Normal", "Started", "Started container " + container, "kubelet", now, field, host);
        plan = planFor(*updated, Stage::Starting, now);
        plan.seen = m_steps;
        if (broken(pod)) {
            plan.crashPlanned = true;
            plan.at = now + jitter(1500, 5000);
        }
        return;
    }
    case Stage::Terminating:
        if (!plan.crashPlanned) {
            // First the kubelet stops the container (the pod turns not ready), then the pod goes.
            plan.crashPlanned = true;
            const auto updated = m_ctx.store.modify("pods", m_ctx.ns, name, [&](Json &p) {
                if (!kube::podReady(p))
                    return false;
                PodFactory::notReady(p, now);
                return true;
            });
            if (!kube::str(pod, "spec", "nodeName").empty())
                m_ctx.events.record(updated ? *updated : pod, "Normal", "Killing", "Stopping container " + container,
                                    "kubelet", now, field, host);
            plan.at = now + jitter(500, 2000);
            return;
        }
        m_ctx.store.remove("pods", m_ctx.ns, name);
        return;
    }
}

} // namespace sim
