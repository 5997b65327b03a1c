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
int rank(const PodInfo &pod)
{
    if (!pod.scheduled)
        return 0;
    if (pod.phase == "Pending")
        return 1;
    return pod.ready ? 3 : 2;
}

} // namespace

ReplicaSetController::ReplicaSetController(SimContext &context) : m_ctx(context) {}

void ReplicaSetController::step(TimePoint now)
{
    m_ctx.pods.refresh();
    const auto replicaSets = m_ctx.store.snapshot("replicasets.apps", m_ctx.ns);
    // Nothing changed since the last pass (the steady state of a large estate): nothing to do.
    const auto same = [](const std::vector<StoredPtr> &a, const std::vector<StoredPtr> &b) {
        return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
    };
    if (m_ctx.pods.generation() == m_lastPods && same(replicaSets, m_lastReplicaSets))
        return;
    m_lastPods = m_ctx.pods.generation();
    m_lastReplicaSets = replicaSets;
    std::unordered_map<std::string, std::vector<const PodInfo *>> byOwner;
    std::unordered_map<std::string, bool> rsUids;
    for (const auto &rs : replicaSets)
        rsUids[kube::uid(rs->object())] = true;
    m_podNames.clear();
    for (const PodInfo *pod : m_ctx.pods.pods()) {
        m_podNames.insert(pod->name);
        if (pod->owner.empty())
            continue;
        if (rsUids.count(pod->owner)) {
            byOwner[pod->owner].push_back(pod);
            continue;
        }
        // The garbage collector: pods of a deleted ReplicaSet go too.
        if (pod->ownerKind == "ReplicaSet" && !pod->terminating)
            terminate(pod->name, now);
    }
    for (const auto &rs : replicaSets) {
        const auto it = byOwner.find(kube::uid(rs->object()));
        sync(rs->object(), it == byOwner.end() ? std::vector<const PodInfo *>() : std::move(it->second), now);
    }
}

void ReplicaSetController::terminate(const std::string &pod, TimePoint now)
{
    // Graceful deletion: the pod lifecycle controller stops it and removes it.
    m_ctx.store.modify("pods", m_ctx.ns, pod, [&](Json &p) {
        if (kube::podTerminating(p))
            return false;
        const int grace = static_cast<int>(kube::integer(p, "spec", "terminationGracePeriodSeconds", 30));
        p["metadata"]["deletionTimestamp"] = kube::timeText(now + std::chrono::seconds(grace));
        p["metadata"]["deletionGracePeriodSeconds"] = grace;
        return true;
    });
}

void ReplicaSetController::sync(const Json &rs, std::vector<const PodInfo *> pods, TimePoint now)
{
    const std::string rsName = kube::name(rs);
    const int desired = static_cast<int>(kube::integer(rs, "spec", "replicas", 1));
    std::vector<const PodInfo *> active;
    for (const PodInfo *pod : pods)
        if (pod->active())
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
        std::vector<const PodInfo *> victims = active;
        std::stable_sort(victims.begin(), victims.end(), [](const PodInfo *a, const PodInfo *b) {
            const int ra = rank(*a);
            const int rb = rank(*b);
            if (ra != rb)
                return ra < rb;
            if (a->restarts != b->restarts)
                return a->restarts > b->restarts;
            return a->created > b->created;
        });
        for (int i = 0; i < diff; ++i) {
            const PodInfo &pod = *victims[static_cast<std::size_t>(i)];
            terminate(pod.name, now);
            deleted.push_back(pod.name);
            m_ctx.events.record(rs, "Normal", "SuccessfulDelete", "Deleted pod: " + pod.name, "replicaset-controller",
                                now);
        }
    }

    // Status over the pods as they are after this sync (new ones are not ready yet).
    int ready = 0;
    for (const PodInfo *pod : active)
        if (pod->ready && std::find(deleted.begin(), deleted.end(), pod->name) == deleted.end())
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
