#include "eventrecorder.h"

#include "kubeutil.h"

#include <cstdio>

namespace sim {

EventRecorder::EventRecorder(ObjectStore &store, std::string ns) : m_store(store), m_ns(std::move(ns)) {}

Json EventRecorder::makeEvent(const Json &involved, const std::string &type, const std::string &reason,
                              const std::string &message, const std::string &component, TimePoint first,
                              TimePoint last, int count, const std::string &fieldPath, const std::string &host)
{
    // client-go names events "<object>.<unix nanos in hex>"; the counter keeps same-instant events apart.
    const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(first.time_since_epoch()).count();
    char suffix[24];
    std::snprintf(suffix, sizeof suffix, "%llx", static_cast<unsigned long long>(nanos) + (++m_counter));
    Json ref = {{"kind", involved.value("kind", std::string())},
                {"namespace", kube::str(involved, "metadata", "namespace")},
                {"name", kube::name(involved)},
                {"uid", kube::uid(involved)},
                {"apiVersion", involved.value("apiVersion", std::string())}};
    const std::string rv = kube::str(involved, "metadata", "resourceVersion");
    if (!rv.empty())
        ref["resourceVersion"] = rv;
    if (!fieldPath.empty())
        ref["fieldPath"] = fieldPath;
    if (ref["namespace"].get<std::string>().empty())
        ref.erase("namespace");
    Json source = {{"component", component}};
    if (!host.empty())
        source["host"] = host;
    return {{"apiVersion", "v1"},
            {"kind", "Event"},
            {"metadata",
             {{"name", kube::name(involved) + "." + suffix},
              {"namespace", m_ns},
              {"creationTimestamp", kube::timeText(first)}}},
            {"involvedObject", std::move(ref)},
            {"reason", reason},
            {"message", message},
            {"type", type},
            {"count", count},
            {"firstTimestamp", kube::timeText(first)},
            {"lastTimestamp", kube::timeText(last)},
            {"source", std::move(source)},
            {"reportingComponent", component},
            {"reportingInstance", host}};
}

void EventRecorder::record(const Json &involved, const std::string &type, const std::string &reason,
                           const std::string &message, const std::string &component, TimePoint now,
                           const std::string &fieldPath, const std::string &host)
{
    const std::string key = kube::uid(involved) + "|" + fieldPath + "|" + reason + "|" + message;
    if (const auto it = m_byKey.find(key); it != m_byKey.end()) {
        const std::string last = kube::timeText(now);
        const auto changed = m_store.modify("events", m_ns, it->second, [&](Json &event) {
            event["count"] = event.value("count", 1) + 1;
            event["lastTimestamp"] = last;
            return true;
        });
        if (changed)
            return;
        m_byKey.erase(it); // pruned or deleted by a client: start a new one
    }
    Json event = makeEvent(involved, type, reason, message, component, now, now, 1, fieldPath, host);
    const std::string eventName = kube::name(event);
    if (m_store.create("events", std::move(event)))
        m_byKey[key] = eventName;
}

void EventRecorder::recordPast(const Json &involved, const std::string &type, const std::string &reason,
                               const std::string &message, const std::string &component, TimePoint first,
                               TimePoint last, int count, const std::string &fieldPath, const std::string &host)
{
    Json event = makeEvent(involved, type, reason, message, component, first, last, count, fieldPath, host);
    const std::string eventName = kube::name(event);
    if (m_store.create("events", std::move(event)))
        m_byKey[kube::uid(involved) + "|" + fieldPath + "|" + reason + "|" + message] = eventName;
}

void EventRecorder::prune(TimePoint now, std::chrono::seconds ttl)
{
    std::unordered_map<std::string, bool> removed;
    for (const auto &stored : m_store.snapshot("events", m_ns)) {
        const Json &event = stored->object();
        const auto last = kube::parseTime(event.value("lastTimestamp", std::string()));
        if (last && *last + ttl < now && m_store.remove("events", m_ns, kube::name(event)))
            removed[kube::name(event)] = true;
    }
    if (removed.empty())
        return;
    for (auto it = m_byKey.begin(); it != m_byKey.end();)
        it = removed.count(it->second) ? m_byKey.erase(it) : std::next(it);
}

} // namespace sim
