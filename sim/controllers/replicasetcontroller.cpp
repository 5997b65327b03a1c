#include "replicasetcontroller.h"

#include "kubeutil.h"
#include "podfactory.h"

#include <algorithm>
#include <unordered_map>

namespace sim {

namespace {

using TimePoint = std::chrono::system_clock::time_point;

// ActivePodsWithRanks: unscheduled before scheduled, pending before running, not ready before ready,
// more restarts first, younger first — the order the controller deletes in.
int rank(const Json &pod)
{
    if (kube::str(pod, "spec", "nodeName").empty())
        return 0;
    if (kube::str(pod, "status", "phase") == "Pending")
        return 1;
    if (!kube::podReady(pod))
        return 2;
    return 3;
}

int restarts(const Json &pod)
{
    const Json &statuses = kube::member(pod, "status", "containerStatuses");
    int total = 0;
    if (statuses.is_array())
        for (const auto &s : statuses)
            total += s.value("restartCount", 0);
    return total;
}

} // namespace

ReplicaSetController::ReplicaSetController(SimContext &context) : m_ctx(context) {}

void ReplicaSetController::step(TimePoint now)
{
    const auto replicaSets = m_ctx.store.snapshot("replicasets.apps", m_ctx.ns);
    const auto pods = m_ctx.store.snapshot("pods", m_ctx.ns);
    std::unordered_map<std::string, std::vector<const Json *>> byOwner;
    std::unordered_map<std::string, bool> rsUids;
    for (const auto &rs : replicaSets)
        rsUids[kube::uid(rs->object())] = true;
    m_podNames.clear();
    for (const auto &stored : pods) {
        const Json &pod = stored->object();
        m_podNames.insert(kube::name(pod));
        const std::string owner = kube::controllerUid(pod);
        if (owner.empty())
            continue;
        if (rsUids.count(owner)) {
            byOwner[owner].push_back(&pod);
            continue;
        }
        // The garbage collector: pods of a deleted ReplicaSet go too.
        const Json &refs = pod["metadata"]["ownerReferences"];
        if (refs.is_array() && !refs.empty() && refs[0].value("kind", std::string()) == "ReplicaSet"
            && !kube::podTerminating(pod))
            terminate(pod, now);
    }
    for (const auto &rs : replicaSets) {
        const auto it = byOwner.find(kube::uid(rs->object()));
        sync(rs->object(), it == byOwner.end() ? std::vector<const Json *>() : std::move(it->second), now);
    }
}

void ReplicaSetController::terminate(const Json &pod, TimePoint now)
{
    // Graceful deletion: the pod lifecycle controller stops it and removes it.
    m_ctx.store.modify("pods", m_ctx.ns, kube::name(pod), [&](Json &p) {
        if (kube::podTerminating(p))
            return false;
        const int grace = static_cast<int>(kube::integer(p, "spec", "terminationGracePeriodSeconds", 30));
        p["metadata"]["deletionTimestamp"] = kube::timeText(now + std::chrono::seconds(grace));
        p["metadata"]["deletionGracePeriodSeconds"] = grace;
        return true;
    });
}

void ReplicaSetController::sync(const Json &rs, std::vector<const Json *> pods, TimePoint now)
{
    const std::string rsName = kube::name(rs);
    const int desired = static_cast<int>(kube::integer(rs, "spec", "replicas", 1));
    std::vector<const Json *> active;
    for (const Json *pod : pods)
        if (kube::podActive(*pod))
            active.push_back(pod);

    int created = 0;
    std::vector<std::string> deleted;
    const int diff = static_cast<int>(active.size()) - desired;
    if (diff < 0) {
        const int count = std::min(-diff, kBurst);
        for (int i = 0; i < count; ++i) {
            std::string name;
            do
                name = rsName + "-" + m_ctx.names.suffix(5);
            while (m_podNames.count(name));
            m_podNames.insert(name);
            if (m_ctx.store.create("pods", PodFactory::fromReplicaSet(rs, name))) {
                ++created;
                m_ctx.events.record(rs, "Normal", "SuccessfulCreate", "Created pod: " + name, "replicaset-controller",
                                    now);
            }
        }
    } else if (diff > 0) {
        std::vector<const Json *> victims = active;
        std::stable_sort(victims.begin(), victims.end(), [](const Json *a, const Json *b) {
            const int ra = rank(*a);
            const int rb = rank(*b);
            if (ra != rb)
                return ra < rb;
            const int sa = restarts(*a);
            const int sb = restarts(*b);
            if (sa != sb)
                return sa > sb;
            return kube::str(*a, "metadata", "creationTimestamp") > kube::str(*b, "metadata", "creationTimestamp");
        });
        for (int i = 0; i < diff; ++i) {
            const Json &pod = *victims[static_cast<std::size_t>(i)];
            terminate(pod, now);
            deleted.push_back(kube::name(pod));
            m_ctx.events.record(rs, "Normal", "SuccessfulDelete", "Deleted pod: " + kube::name(pod),
                                "replicaset-controller", now);
        }
    }

    // Status over the pods as they are after this sync (new ones are not ready yet).
    int ready = 0;
    for (const Json *pod : active)
        if (kube::podReady(*pod)
            && std::find(deleted.begin(), deleted.end(), kube::name(*pod)) == deleted.end())
            ++ready;
    const int replicas = static_cast<int>(active.size()) + created - static_cast<int>(deleted.size());
    Json status = {{"replicas", replicas}};
    if (replicas > 0)
        status["fullyLabeledReplicas"] = replicas;
    if (ready > 0) {
        status["readyReplicas"] = ready;
        status["availableReplicas"] = ready; // minReadySeconds 0: ready is available
    }
    status["observedGeneration"] = kube::integer(rs, "metadata", "generation", 1);
    if (kube::member(rs, "status") == status)
        return;
    m_ctx.store.modify("replicasets.apps", m_ctx.ns, rsName, [&](Json &object) {
        object["status"] = status;
        return true;
    });
}

} // namespace sim
