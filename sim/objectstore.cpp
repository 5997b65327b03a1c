#include "objectstore.h"

#include "kubetime.h"

#include <algorithm>
#include <cstdio>

namespace sim {

namespace {

// "pods" or "deployments.apps", as the API server names a resource in its messages.
std::string qualified(const ResourceType &type)
{
    return type.group.empty() ? type.plural : type.plural + "." + type.group;
}

ApiError makeError(int code, std::string reason, std::string message, const ResourceType *type,
                   const std::string &name)
{
    ApiError error{code, std::move(reason), std::move(message), Json::object()};
    if (!name.empty())
        error.details["name"] = name;
    if (type) {
        if (!type->group.empty())
            error.details["group"] = type->group;
        error.details["kind"] = type->plural;
    }
    return error;
}

ApiError notFound(const ResourceType &type, const std::string &name)
{
    return makeError(404, "NotFound", qualified(type) + " \"" + name + "\" not found", &type, name);
}

ApiError unknownType(const std::string &typeId)
{
    return makeError(404, "NotFound", "the server could not find the requested resource (" + typeId + ")",
                     nullptr, {});
}

std::string stringAt(const Json &object, const char *section, const char *key)
{
    const auto s = object.find(section);
    if (s == object.end() || !s->is_object())
        return {};
    const auto k = s->find(key);
    return k != s->end() && k->is_string() ? k->get<std::string>() : std::string();
}

template<typename T>
Outcome<T> failure(ApiError error)
{
    Outcome<T> outcome;
    outcome.error = std::move(error);
    return outcome;
}

template<typename T>
Outcome<T> success(T value)
{
    Outcome<T> outcome;
    outcome.value = std::move(value);
    return outcome;
}

Json withoutResourceVersion(Json object)
{
    if (auto m = object.find("metadata"); m != object.end() && m->is_object())
        m->erase("resourceVersion");
    return object;
}

} // namespace

const std::string &StoredObject::text() const
{
    std::call_once(m_rendered, [this] { m_text = m_object.dump(-1, ' ', false, Json::error_handler_t::replace); });
    return m_text;
}

ObjectStore::ObjectStore(Clock now, std::size_t historyLimit)
    : m_now(std::move(now))
    , m_historyLimit(historyLimit == 0 ? 1 : historyLimit)
{}

void ObjectStore::registerType(const ResourceType &type)
{
    std::lock_guard lock(m_mutex);
    auto &state = m_types[type.id()];
    state.type = type;
}

const ResourceType *ObjectStore::type(const std::string &id) const
{
    std::lock_guard lock(m_mutex);
    const auto it = m_types.find(id);
    // Types are only ever added, and std::map nodes are stable, so the pointer stays valid.
    return it == m_types.end() ? nullptr : &it->second.type;
}

std::vector<ResourceType> ObjectStore::types() const
{
    std::lock_guard lock(m_mutex);
    std::vector<ResourceType> result;
    result.reserve(m_types.size());
    for (const auto &[id, state] : m_types)
        result.push_back(state.type);
    return result;
}

ObjectStore::TypeState *ObjectStore::findState(const std::string &typeId)
{
    const auto it = m_types.find(typeId);
    return it == m_types.end() ? nullptr : &it->second;
}

const ObjectStore::TypeState *ObjectStore::findState(const std::string &typeId) const
{
    const auto it = m_types.find(typeId);
    return it == m_types.end() ? nullptr : &it->second;
}

std::optional<Json> ObjectStore::get(const std::string &typeId, const std::string &ns, const std::string &name) const
{
    const auto stored = getShared(typeId, ns, name);
    if (!stored)
        return std::nullopt;
    return stored->object();
}

StoredPtr ObjectStore::getShared(const std::string &typeId, const std::string &ns, const std::string &name) const
{
    std::lock_guard lock(m_mutex);
    const TypeState *state = findState(typeId);
    if (!state)
        return nullptr;
    const auto it = state->objects.find({state->type.namespaced ? ns : std::string(), name});
    return it == state->objects.end() ? nullptr : it->second;
}

std::vector<Json> ObjectStore::list(const std::string &typeId, const std::string &ns, std::uint64_t *resourceVersion) const
{
    const auto shared = snapshot(typeId, ns, resourceVersion);
    std::vector<Json> result;
    result.reserve(shared.size());
    for (const auto &stored : shared)
        result.push_back(stored->object());
    return result;
}

std::vector<StoredPtr> ObjectStore::snapshot(const std::string &typeId, const std::string &ns,
                                             std::uint64_t *resourceVersion) const
{
    std::lock_guard lock(m_mutex);
    if (resourceVersion)
        *resourceVersion = m_resourceVersion;
    std::vector<StoredPtr> result;
    const TypeState *state = findState(typeId);
    if (!state)
        return result;
    if (ns.empty() || !state->type.namespaced) {
        result.reserve(state->objects.size());
        for (const auto &[key, stored] : state->objects)
            result.push_back(stored);
        return result;
    }
    // Keys sort by namespace first: one contiguous range.
    for (auto it = state->objects.lower_bound({ns, std::string()}); it != state->objects.end() && it->first.first == ns;
         ++it)
        result.push_back(it->second);
    return result;
}

std::string ObjectStore::nowText() const
{
    return kubetime::format(m_now());
}

std::string ObjectStore::nextUid()
{
    // Deterministic (same seed, same estate), shaped like a UUID v4 so clients that parse it are happy.
    const std::uint64_t n = m_nextUid++;
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "5e1f0000-0000-4000-8000-%012llx",
                  static_cast<unsigned long long>(n & 0xffffffffffffULL));
    return buffer;
}

std::string ObjectStore::randomSuffix()
{
    // The API server's alphabet for generateName (no vowels, no confusable digits).
    static constexpr char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
    std::uint64_t x = (m_nextUid * 0x9E3779B97F4A7C15ULL) ^ (m_resourceVersion << 17);
    std::string suffix;
    for (int i = 0; i < 5; ++i) {
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdULL;
        x ^= x >> 29;
        suffix += alphabet[x % (sizeof alphabet - 1)];
    }
    return suffix;
}

StoredPtr ObjectStore::commit(TypeState &state, const std::string &eventType, Json object)
{
    const std::uint64_t rv = ++m_resourceVersion;
    object["metadata"]["resourceVersion"] = std::to_string(rv);
    auto stored = std::make_shared<const StoredObject>(std::move(object));
    const auto &metadata = stored->object()["metadata"];
    const std::pair<std::string, std::string> key{metadata.value("namespace", std::string()),
                                                  metadata.value("name", std::string())};
    if (eventType == "DELETED")
        state.objects.erase(key);
    else
        state.objects[key] = stored;
    state.history.push_back({eventType, stored, rv});
    while (state.history.size() > m_historyLimit) {
        state.oldestRetained = state.history.front().resourceVersion;
        state.history.pop_front();
    }
    m_changed.notify_all();
    return stored;
}

Outcome<Json> ObjectStore::create(const std::string &typeId, Json object, bool dryRun)
{
    std::lock_guard lock(m_mutex);
    TypeState *state = findState(typeId);
    if (!state)
        return failure<Json>(unknownType(typeId));
    const ResourceType &type = state->type;
    if (!object.is_object())
        return failure<Json>(makeError(400, "BadRequest", "the object is not a JSON object", &type, {}));
    Json &metadata = object["metadata"];
    if (metadata.is_null())
        metadata = Json::object();
    if (!metadata.is_object())
        return failure<Json>(makeError(400, "BadRequest", "metadata must be an object", &type, {}));
    std::string name = metadata.value("name", std::string());
    if (name.empty()) {
        const std::string prefix = metadata.value("generateName", std::string());
        if (prefix.empty()) {
            ApiError error = makeError(422, "Invalid",
                                       qualified(type) + " \"\" is invalid: metadata.name: Required value: name or "
                                                         "generateName is required",
                                       &type, {});
            error.details["causes"] = Json::array(
                {{{"reason", "FieldValueRequired"}, {"message", "Required value: name or generateName is required"},
                  {"field", "metadata.name"}}});
            return failure<Json>(std::move(error));
        }
        do
            name = prefix + randomSuffix();
        while (state->objects.count({type.namespaced ? metadata.value("namespace", std::string()) : std::string(), name}));
        metadata["name"] = name;
    }
    std::string ns = metadata.value("namespace", std::string());
    if (type.namespaced && ns.empty())
        return failure<Json>(makeError(400, "BadRequest", "the namespace of the object must be set", &type, name));
    if (!type.namespaced) {
        metadata.erase("namespace");
        ns.clear();
    }
    if (state->objects.count({ns, name}))
        return failure<Json>(makeError(409, "AlreadyExists", qualified(type) + " \"" + name + "\" already exists",
                                       &type, name));

    object["apiVersion"] = type.apiVersion();
    object["kind"] = type.kind;
    metadata["uid"] = nextUid();
    if (!metadata.contains("creationTimestamp") || !metadata["creationTimestamp"].is_string()
        || metadata["creationTimestamp"].get<std::string>().empty())
        metadata["creationTimestamp"] = nowText();
    metadata["generation"] = 1;
    metadata.erase("resourceVersion");
    metadata.erase("deletionTimestamp");
    if (dryRun) {
        metadata["resourceVersion"] = std::to_string(m_resourceVersion);
        return success(std::move(object));
    }
    return success(commit(*state, "ADDED", std::move(object))->object());
}

Outcome<Json> ObjectStore::update(const std::string &typeId, Json object, bool dryRun)
{
    std::lock_guard lock(m_mutex);
    TypeState *state = findState(typeId);
    if (!state)
        return failure<Json>(unknownType(typeId));
    const ResourceType &type = state->type;
    if (!object.is_object() || !object.contains("metadata") || !object["metadata"].is_object())
        return failure<Json>(makeError(400, "BadRequest", "the object has no metadata", &type, {}));
    Json &metadata = object["metadata"];
    const std::string name = metadata.value("name", std::string());
    const std::string ns = type.namespaced ? metadata.value("namespace", std::string()) : std::string();
    const auto it = state->objects.find({ns, name});
    if (it == state->objects.end())
        return failure<Json>(notFound(type, name));
    const Json &current = it->second->object();
    const Json &currentMeta = current["metadata"];
    const std::string sentVersion = metadata.value("resourceVersion", std::string());
    if (!sentVersion.empty() && sentVersion != currentMeta.value("resourceVersion", std::string()))
        return failure<Json>(makeError(409, "Conflict",
                                       "Operation cannot be fulfilled on " + qualified(type) + " \"" + name
                                           + "\": the object has been modified; please apply your changes to the "
                                             "latest version and try again",
                                       &type, name));

    // Server-owned fields come from the stored object whatever the client sent.
    object["apiVersion"] = type.apiVersion();
    object["kind"] = type.kind;
    for (const char *key : {"uid", "creationTimestamp", "generation", "deletionTimestamp"}) {
        if (currentMeta.contains(key))
            metadata[key] = currentMeta[key];
        else
            metadata.erase(key);
    }
    if (!type.namespaced)
        metadata.erase("namespace");
    metadata["resourceVersion"] = currentMeta.value("resourceVersion", std::string());
    if (object == current)
        return success(current); // a no-op update keeps the resourceVersion, as the API server does
    const Json noSpec;
    if (object.value("spec", noSpec) != current.value("spec", noSpec))
        metadata["generation"] = currentMeta.value("generation", 0) + 1;
    if (dryRun)
        return success(std::move(object));
    return success(commit(*state, "MODIFIED", std::move(object))->object());
}

std::optional<Json> ObjectStore::modify(const std::string &typeId, const std::string &ns, const std::string &name,
                                        const std::function<bool(Json &)> &mutate)
{
    std::lock_guard lock(m_mutex);
    TypeState *state = findState(typeId);
    if (!state)
        return std::nullopt;
    const auto it = state->objects.find({state->type.namespaced ? ns : std::string(), name});
    if (it == state->objects.end())
        return std::nullopt;
    const Json &current = it->second->object();
    Json object = current;
    if (!mutate(object) || !object.is_object())
        return std::nullopt;
    Json &metadata = object["metadata"];
    // Identity stays the store's: a controller cannot rename or re-namespace an object by accident.
    for (const char *key : {"name", "namespace", "uid", "creationTimestamp", "resourceVersion"}) {
        if (current["metadata"].contains(key))
            metadata[key] = current["metadata"][key];
    }
    if (withoutResourceVersion(object) == withoutResourceVersion(current))
        return std::nullopt;
    const Json noSpec;
    if (object.value("spec", noSpec) != current.value("spec", noSpec)
        && metadata.value("generation", 0) == current["metadata"].value("generation", 0))
        metadata["generation"] = current["metadata"].value("generation", 0) + 1;
    return commit(*state, "MODIFIED", std::move(object))->object();
}

Outcome<Json> ObjectStore::remove(const std::string &typeId, const std::string &ns, const std::string &name, bool dryRun)
{
    std::lock_guard lock(m_mutex);
    TypeState *state = findState(typeId);
    if (!state)
        return failure<Json>(unknownType(typeId));
    const auto it = state->objects.find({state->type.namespaced ? ns : std::string(), name});
    if (it == state->objects.end())
        return failure<Json>(notFound(state->type, name));
    Json object = it->second->object();
    if (dryRun)
        return success(std::move(object));
    object["metadata"]["deletionTimestamp"] = nowText();
    return success(commit(*state, "DELETED", std::move(object))->object());
}

std::uint64_t ObjectStore::resourceVersion() const
{
    std::lock_guard lock(m_mutex);
    return m_resourceVersion;
}

std::optional<std::vector<WatchEvent>> ObjectStore::eventsSince(const std::string &typeId, const std::string &ns,
                                                                std::uint64_t since) const
{
    std::uint64_t current = 0;
    auto shared = eventsSinceShared(typeId, ns, since, current);
    if (!shared)
        return std::nullopt;
    std::vector<WatchEvent> result;
    result.reserve(shared->size());
    for (const auto &event : *shared)
        result.push_back({event.type, event.object->object(), event.resourceVersion});
    return result;
}

std::optional<std::vector<SharedWatchEvent>> ObjectStore::eventsSinceShared(const std::string &typeId,
                                                                            const std::string &ns,
                                                                            std::uint64_t since,
                                                                            std::uint64_t &current) const
{
    std::lock_guard lock(m_mutex);
    current = m_resourceVersion;
    const TypeState *state = findState(typeId);
    if (!state)
        return std::vector<SharedWatchEvent>();
    if (since < state->oldestRetained)
        return std::nullopt;
    std::vector<SharedWatchEvent> result;
    // History is ordered by resourceVersion: find the first event after `since` by bisection.
    auto first = std::upper_bound(state->history.begin(), state->history.end(), since,
                                  [](std::uint64_t rv, const SharedWatchEvent &e) { return rv < e.resourceVersion; });
    const bool filter = state->type.namespaced && !ns.empty();
    for (auto it = first; it != state->history.end(); ++it) {
        if (filter && stringAt(it->object->object(), "metadata", "namespace") != ns)
            continue;
        result.push_back(*it);
    }
    return result;
}

std::uint64_t ObjectStore::oldestResumable(const std::string &typeId) const
{
    std::lock_guard lock(m_mutex);
    const TypeState *state = findState(typeId);
    return state ? state->oldestRetained : 0;
}

bool ObjectStore::waitForChange(std::uint64_t since, std::chrono::steady_clock::time_point deadline) const
{
    std::unique_lock lock(m_mutex);
    m_changed.wait_until(lock, deadline, [&] { return m_shutDown || m_resourceVersion > since; });
    return !m_shutDown && m_resourceVersion > since;
}

void ObjectStore::shutdown()
{
    {
        std::lock_guard lock(m_mutex);
        m_shutDown = true;
    }
    m_changed.notify_all();
}

bool ObjectStore::isShutDown() const
{
    std::lock_guard lock(m_mutex);
    return m_shutDown;
}

} // namespace sim
