#pragma once

// The simulated API server's storage: every object of every resource, one global resourceVersion
// counter (as etcd's revision), and a bounded history of watch events per resource so that watches can
// resume from a resourceVersion or be told 410 Expired. Thread-safe: HTTP handlers and controllers
// call it from many threads. Objects are plain JSON exactly as served to clients.

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace sim {

using Json = nlohmann::json;

// A Kubernetes Status-shaped failure (API-CONTRACTS §1): code 404 NotFound, 409 AlreadyExists/Conflict,
// 422 Invalid, 410 Expired ...
struct ApiError
{
    int code = 500;
    std::string reason;  // e.g. "NotFound"
    std::string message; // e.g. pods "x" not found
    Json details = Json::object();
};

template<typename T>
struct Outcome
{
    std::optional<T> value;
    std::optional<ApiError> error;
    explicit operator bool() const { return value.has_value(); }
};

// Identifies a resource type: plural and group, e.g. {"pods", ""} or {"deployments", "apps"}.
struct ResourceType
{
    std::string plural;
    std::string group;      // "" for the core group
    std::string version;    // served version, e.g. "v1", "v2", "v1beta1"
    std::string kind;       // e.g. "Pod"
    bool namespaced = true;

    std::string apiVersion() const { return group.empty() ? version : group + "/" + version; }
    std::string id() const { return group.empty() ? plural : plural + "." + group; }
};

struct WatchEvent
{
    std::string type; // ADDED | MODIFIED | DELETED
    Json object;      // the object as it was after (or, for DELETED, at) the change
    std::uint64_t resourceVersion = 0;
};

// One stored object, immutable once stored, shared by the store, its history and in-flight
// responses. Its JSON text is rendered once, on first use, so a 10k-pod LIST concatenates text
// instead of serializing objects under the store's lock.
class StoredObject
{
public:
    explicit StoredObject(Json object) : m_object(std::move(object)) {}
    const Json &object() const { return m_object; }
    const std::string &text() const;

private:
    Json m_object;
    mutable std::once_flag m_rendered;
    mutable std::string m_text;
};

using StoredPtr = std::shared_ptr<const StoredObject>;

struct SharedWatchEvent
{
    std::string type; // ADDED | MODIFIED | DELETED
    StoredPtr object;
    std::uint64_t resourceVersion = 0;
};

class ObjectStore
{
public:
    using Clock = std::function<std::chrono::system_clock::time_point()>;

    // `now` is the virtual clock used for creationTimestamp and deletion; `historyLimit` bounds the
    // watch history per resource (older resourceVersions get 410 Expired).
    explicit ObjectStore(Clock now, std::size_t historyLimit = 5000);

    void registerType(const ResourceType &type);
    const ResourceType *type(const std::string &id) const; // by id(), e.g. "deployments.apps"
    std::vector<ResourceType> types() const;

    std::optional<Json> get(const std::string &typeId, const std::string &ns, const std::string &name) const;

    // All objects of a type (ns empty = every namespace), ordered by namespace then name, and the
    // store's resourceVersion at the moment of the snapshot.
    std::vector<Json> list(const std::string &typeId, const std::string &ns, std::uint64_t *resourceVersion = nullptr) const;

    // Fills metadata.uid, resourceVersion, creationTimestamp, generation (1); fails with 409
    // AlreadyExists. metadata.generateName is honoured. dryRun validates and returns without storing.
    Outcome<Json> create(const std::string &typeId, Json object, bool dryRun = false);

    // Replaces the object. When metadata.resourceVersion is set and differs: 409 Conflict ("the object
    // has been modified; please apply your changes to the latest version and try again").
    // metadata.generation is bumped when `spec` changed. Server-owned metadata (uid,
    // creationTimestamp) is kept from the stored object.
    Outcome<Json> update(const std::string &typeId, Json object, bool dryRun = false);

    // Read-modify-write under the store lock, for controllers: `mutate` returns false to leave the
    // object untouched (no new resourceVersion, no watch event). Returns the new object if changed.
    std::optional<Json> modify(const std::string &typeId, const std::string &ns, const std::string &name,
                               const std::function<bool(Json &)> &mutate);

    Outcome<Json> remove(const std::string &typeId, const std::string &ns, const std::string &name, bool dryRun = false);

    std::uint64_t resourceVersion() const;

    // Cheap variants for the HTTP layer: shared snapshots instead of copies.
    StoredPtr getShared(const std::string &typeId, const std::string &ns, const std::string &name) const;
    std::vector<StoredPtr> snapshot(const std::string &typeId, const std::string &ns,
                                    std::uint64_t *resourceVersion = nullptr) const;
    // As eventsSince, and `current` receives the store's resourceVersion at the same instant, so a
    // watcher can wait for changes after it without missing one in between.
    std::optional<std::vector<SharedWatchEvent>> eventsSinceShared(const std::string &typeId, const std::string &ns,
                                                                   std::uint64_t since, std::uint64_t &current) const;
    // The oldest resourceVersion a watch on this type can still resume from.
    std::uint64_t oldestResumable(const std::string &typeId) const;

    // Events of a type after `since` (exclusive), optionally only one namespace. nullopt when `since`
    // is older than the retained history: the caller answers 410 Expired.
    std::optional<std::vector<WatchEvent>> eventsSince(const std::string &typeId, const std::string &ns,
                                                       std::uint64_t since) const;

    // Blocks until the store's resourceVersion passes `since`, the deadline passes, or shutdown().
    // Returns false on timeout or shutdown.
    bool waitForChange(std::uint64_t since, std::chrono::steady_clock::time_point deadline) const;

    void shutdown(); // wakes every waiter; waitForChange returns false from then on
    bool isShutDown() const;

private:
    struct TypeState
    {
        ResourceType type;
        std::map<std::pair<std::string, std::string>, StoredPtr> objects; // (namespace, name) -> object
        std::deque<SharedWatchEvent> history;
        std::uint64_t oldestRetained = 0; // events with rv <= this may be missing
    };

    // Locked helpers: assign the next resourceVersion to `object`, store it and record the event.
    StoredPtr commit(TypeState &state, const std::string &eventType, Json object);
    TypeState *findState(const std::string &typeId);
    const TypeState *findState(const std::string &typeId) const;
    std::string nowText() const;
    std::string nextUid();
    std::string randomSuffix();

    Clock m_now;
    std::size_t m_historyLimit;
    mutable std::mutex m_mutex;
    mutable std::condition_variable m_changed;
    std::map<std::string, TypeState> m_types;
    std::uint64_t m_resourceVersion = 1000;
    std::uint64_t m_nextUid = 1;
    bool m_shutDown = false;
};

} // namespace sim
