#pragma once

// Continue tokens for paged LISTs (API-CONTRACTS §1): the first page takes a snapshot of the matching
// objects; later pages read the same snapshot, so every page shares one resourceVersion. Tokens are
// opaque and expire (410 Expired), as etcd compaction makes them expire on a real cluster.

#include "objectstore.h"

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sim {

class ListPager
{
public:
    using Items = std::shared_ptr<const std::vector<StoredPtr>>;

    explicit ListPager(std::chrono::steady_clock::duration ttl = std::chrono::minutes(5), std::size_t maxSnapshots = 256);

    struct Position
    {
        Items items;
        std::size_t offset = 0;
        std::uint64_t resourceVersion = 0;
    };

    // A token for reading `items` from `offset`; `scope` ties it to one resource, namespace and query.
    std::string issue(const Items &items, std::size_t offset, std::uint64_t resourceVersion, const std::string &scope);

    enum class Result { Ok, Malformed, Expired };
    Result resume(const std::string &token, const std::string &scope, Position &position);

private:
    struct Snapshot
    {
        Items items;
        std::uint64_t resourceVersion = 0;
        std::string scope;
        std::chrono::steady_clock::time_point created;
    };
    void prune(); // locked

    std::chrono::steady_clock::duration m_ttl;
    std::size_t m_maxSnapshots;
    std::mutex m_mutex;
    std::map<std::uint64_t, Snapshot> m_snapshots;
    std::map<const void *, std::uint64_t> m_byItems;
    std::uint64_t m_nextId = 1;
};

} // namespace sim
