#pragma once

// Writes v1 Events the way the kubelet and controllers do: one object per (object, reason, message),
// its count and lastTimestamp bumped when it repeats; events older than the TTL are removed.

#include "../objectstore.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_map>

namespace sim {

class EventRecorder
{
public:
    using TimePoint = std::chrono::system_clock::time_point;

    EventRecorder(ObjectStore &store, std::string ns);

    // `involved` is the object the event is about (kind, name, uid taken from it).
    void record(const Json &involved, const std::string &type, const std::string &reason, const std::string &message,
                const std::string &component, TimePoint now, const std::string &fieldPath = {},
                const std::string &host = {});
    // A past event for the history at load: given first/last time and count.
    void recordPast(const Json &involved, const std::string &type, const std::string &reason,
                    const std::string &message, const std::string &component, TimePoint first, TimePoint last,
                    int count, const std::string &fieldPath = {}, const std::string &host = {});

    // Deletes events whose lastTimestamp is older than `ttl` (the API server's --event-ttl, 1h).
    void prune(TimePoint now, std::chrono::seconds ttl);

private:
    Json makeEvent(const Json &involved, const std::string &type, const std::string &reason, const std::string &message,
                   const std::string &component, TimePoint first, TimePoint last, int count,
                   const std::string &fieldPath, const std::string &host);

    ObjectStore &m_store;
    std::string m_ns;
    std::unordered_map<std::string, std::string> m_byKey; // uid|reason|message -> event name
    std::uint64_t m_counter = 0;
};

} // namespace sim
