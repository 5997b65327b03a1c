#include "podindex.h"

#include "kubeutil.h"

#include <algorithm>

namespace sim {

PodIndex::PodIndex(ObjectStore &store, std::string ns) : m_store(store), m_ns(std::move(ns)) {}

PodInfo PodIndex::parse(const StoredPtr &stored)
{
    const Json &pod = stored->object();
    PodInfo info;
    info.stored = stored;
    info.name = kube::name(pod);
    info.uid = kube::uid(pod);
    info.app = kube::label(pod, "app");
    info.track = kube::label(pod, "version");
    info.owner = kube::controllerUid(pod);
    const Json &refs = kube::member(pod, "metadata", "ownerReferences");
    if (refs.is_array() && !refs.empty())
        info.ownerKind = refs[0].value("kind", std::string());
    info.created = kube::str(pod, "metadata", "creationTimestamp");
    info.phase = kube::str(pod, "status", "phase");
    std::uint64_t h = 1469598103934665603ULL;
    for (const unsigned char c : info.name)
        h = (h ^ c) * 1099511628211ULL;
    info.nameHash = h;
    info.scheduled = !kube::str(pod, "spec", "nodeName").empty();
    info.ready = kube::podReady(pod);
    info.terminating = kube::podTerminating(pod);
    const Json &statuses = kube::member(pod, "status", "containerStatuses");
    if (statuses.is_array()) {
        for (const auto &s : statuses)
            info.restarts += s.value("restartCount", 0);
        info.running = info.phase == "Running" && !statuses.empty()
            && kube::member(statuses[0], "state", "running").is_object();
    }
    return info;
}

void PodIndex::refresh()
{
    auto snapshot = m_store.snapshot("pods", m_ns);
    if (snapshot.size() == m_snapshot.size() && std::equal(snapshot.begin(), snapshot.end(), m_snapshot.begin()))
        return;
    ++m_refreshes;
    ++m_generation;
    m_pods.clear();
    m_pods.reserve(snapshot.size());
    for (const auto &stored : snapshot) {
        // Cached entries keep their objects alive, so an address found here is that same version.
        auto it = m_cache.find(stored.get());
        if (it == m_cache.end())
            it = m_cache.emplace(stored.get(), Entry{parse(stored), 0}).first;
        it->second.seen = m_refreshes;
        m_pods.push_back(&it->second.info);
    }
    std::erase_if(m_cache, [this](const auto &entry) { return entry.second.seen != m_refreshes; });
    m_snapshot = std::move(snapshot);
}

} // namespace sim
