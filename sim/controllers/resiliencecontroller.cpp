#include "resiliencecontroller.h"

#include "../azure/sqldatabases.h"
#include "kubeutil.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace sim {

namespace {

using namespace std::chrono_literals;
using State = CircuitBreaker::State;

constexpr double kSqlLatencyMs = 4;

// A .NET TimeSpan as HealthChecks UI writes it: "hh:mm:ss.fffffff" (100 ns ticks).
std::string timeSpan(double ms)
{
    const auto ticks = static_cast<long long>(std::llround(std::max(0.0, ms) * 10000.0));
    const long long seconds = ticks / 10000000;
    char text[48];
    std::snprintf(text, sizeof text, "%02lld:%02lld:%02lld.%07lld", seconds / 3600, (seconds / 60) % 60, seconds % 60,
                  ticks % 10000000);
    return text;
}

int rank(const std::string &status)
{
    return status == "Unhealthy" ? 2 : status == "Degraded" ? 1 : 0;
}

std::string stateWords(State state)
{
    switch (state) {
    case State::Closed:
        return "closed";
    case State::Open:
        return "open";
    case State::HalfOpen:
        return "half-open";
    case State::Isolated:
        return "isolated";
    }
    return "closed";
}

std::string percent(double fraction)
{
    return std::to_string(static_cast<int>(std::lround(fraction * 100))) + "%";
}

std::string operationKey(const DependencySpec &d, const SimContext &ctx)
{
    if (d.kind == "sql")
        return "SqlConnection.Open " + d.target;
    if (d.kind == "queue")
        return "Publish " + d.queue;
    const ServiceSpec *target = ctx.service(d.target);
    return "GET " + (target ? target->path : "/" + d.target);
}

} // namespace

ResilienceController::Pipeline::Pipeline(const DependencySpec &d, std::string svc, std::string trk, std::uint64_t seed)
    : spec(&d)
    , service(std::move(svc))
    , track(std::move(trk))
    , breaker(d.resilience.failureThreshold, std::chrono::seconds(d.resilience.breakSeconds))
    , rng(seed)
{}

ResilienceController::ResilienceController(SimContext &context, TelemetryLog &log)
    : m_ctx(context)
    , m_log(log)
{
    std::uint64_t n = 0;
    for (const auto &service : m_ctx.scenario.services) {
        for (const char *track : {"stable", "canary"}) {
            if (std::string(track) == "canary" && !service.hasCanary)
                continue;
            auto &list = m_pipelines[SimContext::trackKey(service.name, track)];
            for (const auto &dep : service.dependencies) {
                auto p = std::make_unique<Pipeline>(dep, service.name, track, Rng::mix(m_ctx.seed ^ (0x70696c ^ ++n)));
                Pipeline *raw = p.get();
                raw->breaker.setListener([this, raw](State, State to, TimePoint at) {
                    const char *event = to == State::Closed     ? "OnCircuitClosed"
                                        : to == State::HalfOpen ? "OnCircuitHalfOpened"
                                                                : "OnCircuitOpened";
                    emit(*raw, event, "CircuitBreaker", at, 1, to == State::Closed ? std::string() : raw->lastException);
                });
                list.push_back(std::move(p));
            }
        }
    }
}

void ResilienceController::emit(const Pipeline &p, const std::string &event, const std::string &strategy, TimePoint at,
                                std::uint64_t count, const std::string &exception, double attemptMs)
{
    PollyEvent e;
    e.time = at;
    e.eventName = event;
    e.pipelineName = p.service + "-" + p.spec->name;
    e.pipelineInstance = p.track;
    e.strategyName = strategy;
    e.operationKey = operationKey(*p.spec, m_ctx);
    e.exceptionType = exception;
    e.service = p.service;
    e.track = p.track;
    e.dependency = p.spec->name;
    e.count = count;
    e.attemptDurationMs = attemptMs;
    m_log.append(std::move(e));
}

ResilienceController::Target ResilienceController::targetOf(const Pipeline &p) const
{
    Target t;
    const DependencySpec &d = *p.spec;
    if (d.kind == "sql") {
        // Each ready pod calls the database it connected to at start.
        t.exceptionType = "Microsoft.Data.SqlClient.SqlException";
        const auto it = m_databases.find(SimContext::trackKey(p.service, p.track));
        if (it == m_databases.end() || it->second.empty()) {
            t.routes.push_back({1.0, 0.0, kSqlLatencyMs});
            return t;
        }
        for (const auto &use : it->second) {
            t.routes.push_back({static_cast<double>(use.pods), use.accepts ? 0.0 : 1.0, kSqlLatencyMs});
            if (use.accepts || !t.message.empty())
                continue;
            if (use.database.empty())
                t.message = "Format of the initialization string does not conform to specification (the connection "
                            "string in Secret '" + p.service + "-db' names no server and database).";
            else if (m_ctx.sql && m_ctx.sql->get(use.database, m_now))
                t.message = "A network-related or instance-specific error occurred while establishing a connection to "
                            "SQL Server. The server was not found or was not accessible. (database '" + use.database
                            + "' on " + use.host + ")";
            else
                t.message = "Cannot open database \"" + use.database + "\" requested by the login. The login failed. ("
                            + use.host + ")";
        }
        return t;
    }
    if (d.kind == "queue") {
        // Publishing only needs the broker, a managed service that stays up: a failing consumer shows
        // as a growing queue, not as failed calls.
        t.routes.push_back({1.0, 0.0, 8.0});
        t.exceptionType = "Azure.Messaging.ServiceBus.ServiceBusException";
        return t;
    }
    // In-cluster calls go through the Service <target>: every ready pod of either track, evenly.
    for (const char *track : {"stable", "canary"}) {
        const auto it = m_ctx.load.find(SimContext::trackKey(d.target, track));
        if (it == m_ctx.load.end() || it->second.readyPods <= 0)
            continue;
        const double error = std::max(m_ctx.errorRate(d.target, track), m_ctx.databaseFailure(d.target, track));
        t.routes.push_back({static_cast<double>(it->second.readyPods), error, m_ctx.latencyMs(d.target, track)});
    }
    t.exceptionType = "System.Net.Http.HttpRequestException";
    t.message = t.routes.empty() ? "Connection refused (" + d.target + ":80)"
                                 : "Response status code does not indicate success: 500 (Internal Server Error).";
    return t;
}

bool ResilienceController::call(Pipeline &p, const Target &target, TimePoint at, Tally &tally)
{
    const ResilienceSpec &r = p.spec->resilience;
    double total = 0;
    for (const auto &route : target.routes)
        total += route.weight;
    double elapsedMs = 0;
    for (int attempt = 0; attempt <= r.retries; ++attempt) {
        const TimePoint start = at + std::chrono::microseconds(static_cast<long long>(elapsedMs * 1000));
        // Retry wraps the breaker, so each attempt asks it; a rejection is not retried.
        if (!p.breaker.tryAcquire(start)) {
            p.lastException = "Polly.CircuitBreaker.BrokenCircuitException";
            break;
        }
        tally.attempts += 1;
        const Target::Route *route = nullptr;
        if (total > 0) {
            double pick = p.rng.uniform() * total;
            for (const auto &candidate : target.routes) {
                route = &candidate;
                if ((pick -= candidate.weight) < 0)
                    break;
            }
        }
        double duration = route ? route->latencyMs : 1.0; // refused at once
        bool failed = !route;
        std::string exception = target.exceptionType;
        std::string message = target.message;
        if (route && route->latencyMs >= r.timeoutMs) {
            failed = true;
            duration = r.timeoutMs;
            tally.timeouts += 1;
            exception = "Polly.Timeout.TimeoutRejectedException";
            message = "The operation didn't complete within the allowed timeout of '" + timeSpan(r.timeoutMs) + "'.";
        } else if (route && route->failure > 0 && p.rng.uniform() < route->failure) {
            failed = true;
        }
        elapsedMs += duration;
        tally.attemptMs += duration;
        p.lastLatencyMs = duration;
        const TimePoint end = at + std::chrono::microseconds(static_cast<long long>(elapsedMs * 1000));
        if (!failed) {
            p.breaker.onSuccess(end);
            return true;
        }
        tally.failedAttempts += 1;
        p.lastException = exception;
        p.lastMessage = message;
        p.breaker.onFailure(end);
        if (attempt < r.retries) {
            tally.retries += 1;
            elapsedMs += r.backoffMs * std::pow(2.0, attempt);
        }
    }
    tally.fallbacks += 1;
    return false;
}

void ResilienceController::run(Pipeline &p, double callerRps, TimePoint from, TimePoint now)
{
    const double seconds = std::chrono::duration<double>(now - from).count();
    const double real = callerRps * seconds;
    if (real <= 0 || seconds <= 0)
        return; // no calls, nothing learnt: the breaker keeps its state
    const Target target = targetOf(p);
    bool fine = !target.routes.empty();
    for (const auto &route : target.routes)
        fine = fine && route.failure <= 0 && route.latencyMs < p.spec->resilience.timeoutMs;
    if (fine && p.breaker.state() == State::Closed) {
        // The common case, and all of a large estate: every call succeeds.
        p.breaker.onSuccess(now);
        p.failureRatio = 0;
        p.lastLatencyMs = target.routes.front().latencyMs;
        return;
    }
    const int n = std::max(1, static_cast<int>(std::ceil(std::min(real, kSampledCallsPerSecond * seconds))));
    const double scale = real / n;
    Tally tally;
    for (int i = 0; i < n; ++i) {
        const auto offset = std::chrono::duration<double>(seconds * (i + 0.5) / n);
        call(p, target, from + std::chrono::duration_cast<std::chrono::system_clock::duration>(offset), tally);
    }
    p.failureRatio = tally.attempts > 0 ? tally.failedAttempts / tally.attempts : 1.0;
    const auto scaled = [scale](double v) { return static_cast<std::uint64_t>(std::llround(v * scale)); };
    const double meanMs = tally.attempts > 0 ? tally.attemptMs / tally.attempts : 0;
    if (tally.timeouts > 0)
        emit(p, "OnTimeout", "Timeout", now, scaled(tally.timeouts), "Polly.Timeout.TimeoutRejectedException",
             p.spec->resilience.timeoutMs);
    if (tally.retries > 0)
        emit(p, "OnRetry", "Retry", now, scaled(tally.retries), p.lastException, meanMs);
    if (tally.fallbacks > 0)
        emit(p, "OnFallback", "Fallback", now, scaled(tally.fallbacks), p.lastException);
}

void ResilienceController::step(TimePoint now)
{
    if (m_last != TimePoint() && now - m_last < 1s)
        return;
    // After a long pause (a stopped clock, a slow machine) look back at most a minute.
    const TimePoint from = m_last == TimePoint() ? now - 1s : std::max(m_last, now - 60s);
    const double seconds = std::chrono::duration<double>(now - from).count();
    m_last = now;
    m_now = now;
    bindPods(now);

    std::map<std::string, double> inflow; // queue -> messages published this step
    for (auto &[key, pipelines] : m_pipelines) {
        const auto load = m_ctx.load.find(key);
        const double rps = load == m_ctx.load.end() || load->second.readyPods <= 0 ? 0 : load->second.rps;
        for (auto &p : pipelines) {
            if (p->spec->kind == "queue")
                inflow[p->spec->queue + "|" + p->spec->target] += rps * seconds;
            run(*p, rps, from, now);
        }
    }
    // A queue drains as fast as its consumer's ready, working pods can take messages.
    for (const auto &[key, in] : inflow) {
        const std::string consumer = key.substr(key.find('|') + 1);
        double capacity = 0;
        for (const char *track : {"stable", "canary"}) {
            const auto it = m_ctx.load.find(SimContext::trackKey(consumer, track));
            if (it == m_ctx.load.end())
                continue;
            capacity += it->second.readyPods * 100.0 * (1.0 - m_ctx.errorRate(consumer, track))
                        * (1.0 - m_ctx.databaseFailure(consumer, track));
        }
        double &length = m_queues[key];
        length = std::max(0.0, length + in - capacity * seconds);
    }
}

std::vector<PipelineStatus> ResilienceController::pipelines(const std::string &service, const std::string &track) const
{
    std::vector<PipelineStatus> out;
    const auto it = m_pipelines.find(SimContext::trackKey(service, track));
    if (it == m_pipelines.end())
        return out;
    for (const auto &p : it->second)
        out.push_back({p->spec, p->breaker.state(), p->failureRatio, p->lastLatencyMs, p->lastException, p->lastMessage});
    return out;
}

std::vector<ResilienceController::DatabaseUse> ResilienceController::databases(const std::string &service,
                                                                                const std::string &track) const
{
    const auto it = m_databases.find(SimContext::trackKey(service, track));
    return it == m_databases.end() ? std::vector<DatabaseUse>() : it->second;
}

ResilienceController::DatabaseUse ResilienceController::bindingOf(const Json &pod) const
{
    // The kubelet resolves ConnectionStrings__Default's secretKeyRef when it creates the container.
    DatabaseUse use;
    const Json &containers = kube::member(pod, "spec", "containers");
    if (!containers.is_array())
        return use;
    for (const auto &container : containers) {
        const Json &env = container.contains("env") ? container["env"] : Json();
        if (!env.is_array())
            continue;
        for (const auto &var : env) {
            if (var.value("name", std::string()) != "ConnectionStrings__Default")
                continue;
            if (var.contains("value") && var["value"].is_string()) {
                if (const auto target = SqlDatabases::parseConnectionString(var["value"].get<std::string>()))
                    return {target->server, target->host, target->database, 0, true};
                return use;
            }
            const std::string secret = kube::str(var, "valueFrom", "secretKeyRef", "name");
            const std::string key = kube::str(var, "valueFrom", "secretKeyRef", "key");
            const auto object = m_ctx.store.get("secrets", m_ctx.ns, secret);
            if (!object || !(*object).contains("data") || !(*object)["data"].contains(key)
                || !(*object)["data"][key].is_string())
                return use;
            if (const auto target = SqlDatabases::parseConnectionString(
                    SqlDatabases::base64Decode((*object)["data"][key].get<std::string>())))
                return {target->server, target->host, target->database, 0, true};
            return use;
        }
    }
    return use;
}

void ResilienceController::bindPods(TimePoint now)
{
    m_ctx.pods.refresh();
    std::map<std::string, std::map<std::string, DatabaseUse>> uses; // trackKey -> host/database -> use
    std::map<std::string, DatabaseUse> bindings;
    for (const PodInfo *pod : m_ctx.pods.pods()) {
        auto it = m_bindings.find(pod->uid);
        if (it == m_bindings.end()) {
            if (!pod->active())
                continue;
            it = m_bindings.emplace(pod->uid, bindingOf(pod->object())).first;
        }
        bindings.insert(*it);
        if (!pod->ready || pod->terminating)
            continue;
        DatabaseUse &use = uses[SimContext::trackKey(pod->app, pod->track)][it->second.host + "/" + it->second.database];
        if (use.pods == 0)
            use = it->second;
        ++use.pods;
    }
    m_bindings = std::move(bindings); // pods gone, bindings gone
    m_databases.clear();
    m_ctx.databaseFailures.clear();
    std::map<std::string, bool> opens; // host/database -> accepts, asked once per step
    for (auto &[key, byDatabase] : uses) {
        int failing = 0;
        int total = 0;
        auto &list = m_databases[key];
        for (auto &[id, use] : byDatabase) {
            auto known = opens.find(id);
            if (known == opens.end())
                known = opens.emplace(id, !use.database.empty()
                                               && (!m_ctx.sql || m_ctx.sql->accepts(use.server, use.database, now)))
                            .first;
            use.accepts = known->second;
            total += use.pods;
            failing += use.accepts ? 0 : use.pods;
            list.push_back(use);
        }
        if (failing > 0 && total > 0)
            m_ctx.databaseFailures[key] = static_cast<double>(failing) / total;
    }
}

const CircuitBreaker *ResilienceController::breaker(const std::string &service, const std::string &track,
                                                    const std::string &dependency) const
{
    const auto it = m_pipelines.find(SimContext::trackKey(service, track));
    if (it == m_pipelines.end())
        return nullptr;
    for (const auto &p : it->second)
        if (p->spec->name == dependency)
            return &p->breaker;
    return nullptr;
}

Json ResilienceController::selfEntry(const std::string &service, const std::string &track) const
{
    const double error = m_ctx.errorRate(service, track);
    const double latency = m_ctx.latencyMs(service, track);
    std::string status = "Healthy";
    std::string description = "Serving requests";
    if (error >= 0.5)
        status = "Unhealthy";
    else if (error > 0 || latency >= SimContext::kProbeTimeoutMs)
        status = "Degraded";
    if (error > 0)
        description = "Failing " + percent(error) + " of requests with HTTP 500";
    else if (latency >= 200)
        description = "Responding slowly: " + std::to_string(std::lround(latency)) + " ms per request";
    const auto load = m_ctx.load.find(SimContext::trackKey(service, track));
    Json data = {{"errorRatePercent", std::lround(error * 100)},
                 {"latencyMs", std::lround(latency)},
                 {"requestsPerSecond", load == m_ctx.load.end() ? 0.0 : std::round(load->second.rps * 10) / 10}};
    const ServiceSpec *spec = m_ctx.service(service);
    if (spec)
        data["version"] = track == "canary" ? spec->canary.version : spec->stable.version;
    return {{"status", status},
            {"description", description},
            {"duration", timeSpan(0.3 + std::max(0.0, latency - SimContext::kBaseLatencyMs))},
            {"data", data},
            {"tags", Json::array({"live", "ready"})}};
}

Json ResilienceController::entryFor(const Pipeline &p, TimePoint now) const
{
    const DependencySpec &d = *p.spec;
    const State state = p.breaker.state();
    std::string status = "Healthy";
    std::string description = d.displayName + " circuit breaker is " + stateWords(state);
    if (state == State::Open || state == State::Isolated)
        status = d.critical ? "Unhealthy" : "Degraded";
    else if (state == State::HalfOpen || (p.failureRatio > 0 && p.breaker.consecutiveFailures() > 0))
        status = "Degraded";
    if (state == State::Closed && p.failureRatio > 0 && p.breaker.consecutiveFailures() > 0)
        description += "; " + percent(p.failureRatio) + " of attempts failing";
    Json data = {{"circuitState", CircuitBreaker::stateName(state)},
                 {"consecutiveFailures", p.breaker.consecutiveFailures()},
                 {"failureThreshold", p.breaker.failureThreshold()},
                 {"breakDurationSeconds", d.resilience.breakSeconds},
                 {"kind", d.kind},
                 {"target", d.target}};
    if (p.breaker.lastTransition() != TimePoint())
        data["lastTransition"] = kube::timeText(p.breaker.lastTransition());
    if (state == State::Open)
        data["retryAt"] = kube::timeText(p.breaker.retryAt());
    Json tags = Json::array({"circuit-breaker", d.kind});
    if (d.kind == "sql") {
        tags.push_back("db");
        // Where most of the track's pods connect (the runbook checks a repoint took).
        const auto uses = databases(p.service, p.track);
        const DatabaseUse *most = nullptr;
        for (const auto &use : uses)
            if (!most || use.pods > most->pods)
                most = &use;
        if (most) {
            data["server"] = most->host;
            data["database"] = most->database;
            if (uses.size() > 1) {
                Json spread = Json::object();
                for (const auto &use : uses)
                    spread[use.database] = use.pods;
                data["podsPerDatabase"] = spread;
            }
        }
    }
    if (d.kind == "queue") {
        const auto q = m_queues.find(d.queue + "|" + d.target);
        const double length = q == m_queues.end() ? 0 : std::floor(q->second);
        data["queue"] = d.queue;
        data["queueLength"] = static_cast<long long>(length);
        if (length > kQueueBacklogDegraded) {
            status = rank(status) < 1 ? "Degraded" : status;
            description += "; " + std::to_string(static_cast<long long>(length)) + " messages waiting for "
                           + d.target;
        }
    }
    double duration = 0.05; // reading a breaker's state
    if (d.kind == "sql")
        duration = state == State::Closed || state == State::HalfOpen ? std::min(p.lastLatencyMs, 30000.0) : 0.02;
    (void)now;
    Json entry = {{"status", status}, {"description", description}, {"duration", timeSpan(duration)},
                  {"data", data},     {"tags", tags}};
    if (state != State::Closed && !p.lastMessage.empty())
        entry["exception"] = p.lastMessage;
    return entry;
}

std::optional<HealthReport> ResilienceController::report(const std::string &service, const std::string &track,
                                                         const std::string &path) const
{
    const auto it = m_pipelines.find(SimContext::trackKey(service, track));
    if (it == m_pipelines.end())
        return std::nullopt;
    const bool selfOnly = path == "/health/ready" || path == "/health/live";
    Json entries = Json::object();
    entries["self"] = selfEntry(service, track);
    if (!selfOnly)
        for (const auto &p : it->second)
            entries[p->spec->name] = entryFor(*p, m_now);
    std::string status = "Healthy";
    double longest = 0;
    for (const auto &[name, entry] : entries.items()) {
        if (rank(entry["status"].get<std::string>()) > rank(status))
            status = entry["status"].get<std::string>();
        // Checks run in parallel: the report takes as long as the slowest one.
        const std::string d = entry["duration"].get<std::string>();
        const double ms = std::stod(d.substr(0, 2)) * 3600000 + std::stod(d.substr(3, 2)) * 60000
                          + std::stod(d.substr(6)) * 1000;
        longest = std::max(longest, ms);
    }
    HealthReport report;
    report.httpStatus = status == "Unhealthy" ? 503 : 200;
    report.body = {{"status", status}, {"totalDuration", timeSpan(longest + 0.4)}, {"entries", std::move(entries)}};
    return report;
}

} // namespace sim
