#pragma once

// The fields of every pod the controllers branch on, read once per stored version of the pod: a
// 10,000-pod estate where little changes costs a snapshot and a pointer lookup per pod per step.

#include "../objectstore.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace sim {

struct PodInfo
{
    StoredPtr stored;
    std::string name;
    std::string uid;
    std::string app;     // label app
    std::string track;   // label version
    std::string owner;   // controller owner's uid
    std::string ownerKind;
    std::string created; // creationTimestamp (RFC 3339 sorts as text)
    std::string phase;
    std::uint64_t nameHash = 0;
    int restarts = 0;
    bool scheduled = false;
    bool ready = false;
    bool terminating = false;
    bool running = false; // phase Running with its first container running

    const Json &object() const { return stored->object(); }
    bool active() const { return !terminating && phase != "Succeeded" && phase != "Failed"; }
};

class PodIndex
{
public:
    PodIndex(ObjectStore &store, std::string ns);

    // Re-reads the store; pods whose stored version is unchanged keep their parsed info.
    void refresh();
    const std::vector<const PodInfo *> &pods() const { return m_pods; } // ordered by name
    // Bumped by refresh() whenever a pod was added, changed or removed.
    std::uint64_t generation() const { return m_generation; }

private:
    static PodInfo parse(const StoredPtr &stored);

    ObjectStore &m_store;
    std::string m_ns;
    struct Entry
    {
        PodInfo info;
        std::uint64_t seen = 0; // refresh count when last in the store
    };
    std::unordered_map<const StoredObject *, Entry> m_cache;
    std::vector<StoredPtr> m_snapshot;
    std::uint64_t m_refreshes = 0;
    std::vector<const PodInfo *> m_pods;
    std::uint64_t m_generation = 0;
};

} // namespace sim
