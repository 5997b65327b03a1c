#include "apifaults.h"
#include "pathsegments.h"

#include <algorithm>
#include <cmath>

namespace sim {

namespace {

using Kind = ApiFault::Kind;

const std::vector<std::pair<Kind, std::string>> &kindNames()
{
    static const std::vector<std::pair<Kind, std::string>> names = {
        {Kind::Unauthorized, "unauthorized"}, {Kind::Throttle, "throttle"},   {Kind::ServerError, "error"},
        {Kind::Stall, "stall"},               {Kind::WatchGone, "watch-gone"}, {Kind::DropWatches, "drop-watches"},
        {Kind::Truncate, "truncate"},         {Kind::Malformed, "malformed"}, {Kind::Huge, "huge"}};
    return names;
}

bool readKind(Kind kind)
{
    return kind == Kind::Truncate || kind == Kind::Malformed || kind == Kind::Huge;
}

} // namespace

FaultRequest FaultRequest::describe(const std::string &method, const std::string &path, bool watch)
{
    FaultRequest r;
    r.method = method;
    r.path = path;
    r.watch = watch && method == "GET";
    const auto parts = pathSegments(path);
    std::size_t at = 0;
    if (parts.size() >= 2 && parts[0] == "api")
        at = 2;
    else if (parts.size() >= 3 && parts[0] == "apis")
        at = 3;
    bool named = false;
    if (at > 0 && parts.size() > at) {
        std::vector<std::string> rest(parts.begin() + static_cast<std::ptrdiff_t>(at), parts.end());
        if (rest[0] == "namespaces" && rest.size() >= 3) {
            r.resource = rest[2];
            named = rest.size() >= 4;
        } else {
            r.resource = rest[0];
            named = rest.size() >= 2;
        }
    }
    if (method == "GET")
        r.verb = r.watch ? "watch" : (r.resource.empty() || named) ? "get" : "list";
    else if (method == "POST")
        r.verb = "create";
    else if (method == "PUT")
        r.verb = "update";
    else if (method == "PATCH")
        r.verb = "patch";
    else if (method == "DELETE")
        r.verb = named ? "delete" : "deletecollection";
    return r;
}

std::optional<Kind> ApiFault::kindFrom(const std::string &name)
{
    for (const auto &[kind, text] : kindNames())
        if (text == name)
            return kind;
    return std::nullopt;
}

std::string ApiFault::kindName(Kind kind)
{
    for (const auto &[k, text] : kindNames())
        if (k == kind)
            return text;
    return "error";
}

std::optional<ApiFault> ApiFault::fromJson(const nlohmann::json &body, std::string &error)
{
    if (!body.is_object()) {
        error = "the body must be a JSON object";
        return std::nullopt;
    }
    ApiFault f;
    const auto kind = kindFrom(body.value("kind", std::string()));
    if (!kind) {
        std::string known;
        for (const auto &[k, text] : kindNames())
            known += (known.empty() ? "" : ", ") + text;
        error = "kind must be one of " + known;
        return std::nullopt;
    }
    f.kind = *kind;
    try {
        f.pathPrefix = body.value("pathPrefix", std::string());
        f.resource = body.value("resource", std::string());
        f.verb = body.value("verb", std::string());
        f.count = body.value("count", -1);
        f.durationSeconds = body.value("durationSeconds", 0.0);
        f.code = body.value("code", f.kind == Kind::WatchGone ? 410 : 500);
        f.retryAfterSeconds = body.value("retryAfterSeconds", 1);
        f.stallSeconds = body.value("seconds", 5.0);
        f.mode = body.value("mode", std::string("event"));
        f.afterEvents = body.value("afterEvents", -1);
        f.bytes = static_cast<std::uint64_t>(body.value("megabytes", 200.0) * 1024 * 1024);
    } catch (const nlohmann::json::exception &e) {
        error = std::string("a field has the wrong type: ") + e.what();
        return std::nullopt;
    }
    if (f.count == 0 || f.count < -1)
        error = "count must be positive (or left out: until cleared)";
    else if (f.durationSeconds < 0)
        error = "durationSeconds must not be negative";
    else if (f.kind == Kind::ServerError && f.code != 500 && f.code != 503)
        error = "code must be 500 or 503";
    else if (f.kind == Kind::Throttle && (f.retryAfterSeconds < 0 || f.retryAfterSeconds > 3600))
        error = "retryAfterSeconds must lie in 0..3600";
    else if (f.kind == Kind::Stall && !(f.stallSeconds > 0 && f.stallSeconds <= 600))
        error = "seconds must lie in (0, 600]";
    else if (f.kind == Kind::WatchGone && f.mode != "event" && f.mode != "http")
        error = "mode must be \"event\" or \"http\"";
    else if (f.kind == Kind::Huge && (f.bytes < 1024 || f.bytes > 8ull * 1024 * 1024 * 1024))
        error = "megabytes must lie in 0.001..8192";
    if (!error.empty())
        return std::nullopt;
    return f;
}

nlohmann::json ApiFault::toJson() const
{
    nlohmann::json j = {{"id", id}, {"kind", kindName(kind)}, {"hits", hits}};
    if (!pathPrefix.empty())
        j["pathPrefix"] = pathPrefix;
    if (!resource.empty())
        j["resource"] = resource;
    if (!verb.empty())
        j["verb"] = verb;
    if (count > 0)
        j["count"] = count;
    if (durationSeconds > 0) {
        j["durationSeconds"] = durationSeconds;
        const double left = durationSeconds
                            - std::chrono::duration<double>(std::chrono::steady_clock::now() - created).count();
        j["secondsLeft"] = std::max(0.0, std::round(left * 10) / 10);
    }
    switch (kind) {
    case Kind::ServerError:
        j["code"] = code;
        break;
    case Kind::Throttle:
        j["retryAfterSeconds"] = retryAfterSeconds;
        break;
    case Kind::Stall:
        j["seconds"] = stallSeconds;
        break;
    case Kind::WatchGone:
        j["mode"] = mode;
        break;
    case Kind::DropWatches:
        j["afterEvents"] = afterEvents;
        break;
    case Kind::Huge:
        j["megabytes"] = static_cast<double>(bytes) / (1024.0 * 1024.0);
        break;
    default:
        break;
    }
    return j;
}

bool ApiFault::matches(const FaultRequest &r) const
{
    if (!pathPrefix.empty() && r.path.rfind(pathPrefix, 0) != 0)
        return false;
    if (!resource.empty() && resource.substr(0, resource.find('.')) != r.resource)
        return false;
    if (!verb.empty() && verb != r.verb)
        return false;
    if (kind == Kind::WatchGone || kind == Kind::DropWatches)
        return r.watch;
    if (readKind(kind))
        return r.verb == "get" || r.verb == "list";
    return true;
}

ApiFault ApiFaults::add(ApiFault fault)
{
    std::lock_guard lock(m_mutex);
    fault.id = m_nextId++;
    fault.created = std::chrono::steady_clock::now();
    fault.hits = 0;
    if (fault.kind == Kind::DropWatches && fault.afterEvents < 0) {
        // One-shot: every matching watch open now is cut; later ones are not affected.
        m_drops.push_back({m_epoch, fault});
        ++m_epoch;
        return fault;
    }
    m_faults.push_back(fault);
    return fault;
}

bool ApiFaults::remove(int id)
{
    std::lock_guard lock(m_mutex);
    const auto before = m_faults.size();
    std::erase_if(m_faults, [id](const ApiFault &f) { return f.id == id; });
    m_changed.notify_all();
    return m_faults.size() != before;
}

void ApiFaults::clear()
{
    std::lock_guard lock(m_mutex);
    m_faults.clear();
    m_drops.clear();
    m_changed.notify_all();
}

void ApiFaults::prune(std::chrono::steady_clock::time_point now)
{
    std::erase_if(m_faults, [now](const ApiFault &f) {
        return f.durationSeconds > 0 && now - f.created >= std::chrono::duration<double>(f.durationSeconds);
    });
    std::erase_if(m_drops, [now](const DropNow &d) { return now - d.fault.created > std::chrono::minutes(1); });
}

std::vector<ApiFault> ApiFaults::active() const
{
    std::lock_guard lock(m_mutex);
    const auto now = std::chrono::steady_clock::now();
    std::vector<ApiFault> out;
    for (const auto &f : m_faults)
        if (f.durationSeconds <= 0 || now - f.created < std::chrono::duration<double>(f.durationSeconds))
            out.push_back(f);
    return out;
}

std::optional<ApiFault> ApiFaults::take(const FaultRequest &request, const std::vector<Kind> &kinds)
{
    std::lock_guard lock(m_mutex);
    if (m_faults.empty())
        return std::nullopt;
    prune(std::chrono::steady_clock::now());
    for (auto it = m_faults.begin(); it != m_faults.end(); ++it) {
        if (it->kind == Kind::DropWatches || std::find(kinds.begin(), kinds.end(), it->kind) == kinds.end()
            || !it->matches(request))
            continue;
        ++it->hits;
        ApiFault taken = *it;
        if (it->count > 0 && --it->count == 0)
            m_faults.erase(it);
        return taken;
    }
    return std::nullopt;
}

void ApiFaults::stall(int faultId, double seconds)
{
    std::unique_lock lock(m_mutex);
    const auto deadline = std::chrono::steady_clock::now()
                          + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                              std::chrono::duration<double>(seconds));
    // Ends early when the fault is cleared (a fault with a count may be gone already: then it runs out).
    const bool counted = std::none_of(m_faults.begin(), m_faults.end(), [faultId](const ApiFault &f) {
        return f.id == faultId;
    });
    m_changed.wait_until(lock, deadline, [&] {
        return m_shutDown
            || (!counted && std::none_of(m_faults.begin(), m_faults.end(), [faultId](const ApiFault &f) {
                   return f.id == faultId;
               }));
    });
}

void ApiFaults::shutdown()
{
    std::lock_guard lock(m_mutex);
    m_shutDown = true;
    m_changed.notify_all();
}

std::shared_ptr<ApiFaults::WatchTap> ApiFaults::openWatch(const FaultRequest &request)
{
    auto tap = std::make_shared<WatchTap>();
    std::lock_guard lock(m_mutex);
    tap->m_faults = this;
    tap->m_request = request;
    tap->m_epoch = m_epoch;
    return tap;
}

bool ApiFaults::WatchTap::dropNow()
{
    std::lock_guard lock(m_faults->m_mutex);
    bool drop = false;
    for (auto &d : m_faults->m_drops) {
        if (d.epoch >= m_epoch && d.fault.matches(m_request)) {
            drop = true;
            ++d.fault.hits;
        }
    }
    m_epoch = m_faults->m_epoch;
    return drop;
}

std::size_t ApiFaults::WatchTap::allow(const std::string &data)
{
    std::lock_guard lock(m_faults->m_mutex);
    auto &faults = m_faults->m_faults;
    if (faults.empty())
        return data.size();
    m_faults->prune(std::chrono::steady_clock::now());
    long long lines = std::count(data.begin(), data.end(), '\n');
    ApiFault *cutBy = nullptr;
    long long budget = lines;
    for (auto &f : faults) {
        if (f.kind != Kind::DropWatches || !f.matches(m_request))
            continue;
        const auto [it, fresh] = m_budgets.try_emplace(f.id, f.afterEvents);
        if (it->second < budget) {
            budget = it->second;
            cutBy = &f;
        }
    }
    for (auto &[id, left] : m_budgets)
        left -= lines;
    if (!cutBy)
        return data.size();
    // `budget` whole lines go out, then half of the next one: the stream ends mid-event.
    std::size_t at = 0;
    for (long long i = 0; i < budget; ++i)
        at = data.find('\n', at) + 1;
    const std::size_t end = data.find('\n', at);
    at += (end - at) / 2;
    ++cutBy->hits;
    if (cutBy->count > 0 && --cutBy->count == 0) {
        const int id = cutBy->id;
        std::erase_if(faults, [id](const ApiFault &f) { return f.id == id; });
    }
    return at;
}

} // namespace sim
