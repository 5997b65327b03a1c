#include "chaosapi.h"
#include "pathsegments.h"

#include "apifaults.h"
#include "apistatus.h"
#include "authorizer.h"
#include "controllers/kubeutil.h"
#include "scenario.h"
#include "simulation.h"

#include <httplib.h>

namespace sim {

namespace {

void send(httplib::Response &res, int status, const Json &body)
{
    res.status = status;
    res.set_content(body.dump(-1, ' ', false, Json::error_handler_t::replace), "application/json");
}

void fail(httplib::Response &res, const ApiError &error)
{
    send(res, error.code, apistatus::toJson(error));
}

void badRequest(httplib::Response &res, const std::string &message)
{
    fail(res, apistatus::badRequest(message));
}

std::optional<Json> bodyOf(const httplib::Request &req, httplib::Response &res)
{
    if (req.body.empty())
        return Json::object();
    try {
        Json j = Json::parse(req.body);
        if (j.is_object())
            return j;
    } catch (const Json::exception &) {
    }
    badRequest(res, "the body must be a JSON object");
    return std::nullopt;
}

template<typename T>
std::optional<T> field(const Json &body, const char *key, httplib::Response &res)
{
    const auto it = body.find(key);
    if (it == body.end() || it->is_null())
        return std::nullopt;
    try {
        return it->get<T>();
    } catch (const Json::exception &) {
        badRequest(res, std::string(key) + " has the wrong type");
        throw;
    }
}

} // namespace

ChaosApi::ChaosApi(Simulation &simulation, ApiFaults &faults, const Authorizer &authorizer)
    : m_simulation(simulation)
    , m_faults(faults)
    , m_authorizer(authorizer)
{}

void ChaosApi::install(ApiServer &server)
{
    server.setFaults(&m_faults);
    server.setExtensionHandler([this](const httplib::Request &req, httplib::Response &res) { return handle(req, res); });
    server.setServiceProxyHandler([this](const std::string &ns, const std::string &service, const std::string &method,
                                         const std::string &path) { return proxy(ns, service, method, path); });
}

Json ChaosApi::status() const
{
    Json faults = Json::array();
    for (const auto &f : m_faults.active())
        faults.push_back(f.toJson());
    return {{"kind", "ChaosStatus"}, {"services", m_simulation.chaosStatus()}, {"apiFaults", faults}};
}

bool ChaosApi::handle(const httplib::Request &req, httplib::Response &res)
{
    const auto parts = pathSegments(req.path);
    if (parts.size() < 2 || parts[0] != "_opsdeck" || (parts[1] != "chaos" && parts[1] != "telemetry"))
        return false;
    // The admin token only, checked here: a revoked-token fault must not lock the operator out.
    std::string user;
    if (m_authorizer.authenticate(req.get_header_value("Authorization"), user) != Authorizer::Auth::Authenticated) {
        fail(res, apistatus::unauthorized());
        return true;
    }
    if (user != "admin") {
        fail(res, ApiError{403, "Forbidden", "User \"" + user + "\" cannot use the chaos controls", Json::object()});
        return true;
    }
    try {
        if (parts[1] == "telemetry") {
            if (parts.size() == 3 && parts[2] == "polly" && req.method == "GET")
                telemetry(req, res);
            else
                fail(res, apistatus::notFoundPath());
            return true;
        }
        if (parts.size() == 2) {
            if (req.method == "GET") {
                send(res, 200, status());
            } else if (req.method == "DELETE") {
                m_simulation.clearAllChaos();
                m_faults.clear();
                send(res, 200, status());
            } else {
                fail(res, apistatus::methodNotAllowed(req.method));
            }
            return true;
        }
        if (parts[2] == "services" && parts.size() >= 4 && parts.size() <= 5) {
            serviceChaos(parts[3], parts.size() == 5 ? parts[4] : std::string(), req, res);
            return true;
        }
        if (parts[2] == "api-faults" && parts.size() <= 4) {
            apiFaults(parts.size() == 4 ? parts[3] : std::string(), req, res);
            return true;
        }
        fail(res, apistatus::notFoundPath());
    } catch (const Json::exception &) {
        if (res.status < 400)
            badRequest(res, "a field has the wrong type");
    }
    return true;
}

void ChaosApi::serviceChaos(const std::string &service, const std::string &action, const httplib::Request &req,
                            httplib::Response &res)
{
    const Scenario *scenario = m_simulation.scenario();
    const ServiceSpec *spec = nullptr;
    if (scenario)
        for (const auto &s : scenario->services)
            if (s.name == service)
                spec = &s;
    if (!spec)
        return fail(res, ApiError{404, "NotFound", "service \"" + service + "\" is not in the scenario", Json::object()});
    if (req.method == "DELETE") {
        if (!m_simulation.clearChaos(service, action))
            return badRequest(res, "unknown chaos kind \"" + action
                                       + "\" (fail, latency, spike, break-canary, database-down, restore-fail)");
        return send(res, 200, status());
    }
    if (req.method != "POST" || action.empty())
        return fail(res, apistatus::methodNotAllowed(req.method));
    const auto body = bodyOf(req, res);
    if (!body)
        return;
    const std::string track = field<std::string>(*body, "track", res).value_or("");
    if (!track.empty() && track != "stable" && track != "canary")
        return badRequest(res, "track must be \"stable\" or \"canary\"");
    if (track == "canary" && !spec->hasCanary)
        return badRequest(res, "service \"" + service + "\" has no canary");
    Json result = {{"service", service}, {"action", action}};
    if (!track.empty())
        result["track"] = track;
    if (action == "fail") {
        const auto rate = field<double>(*body, "errorRate", res);
        if (!rate || *rate < 0 || *rate > 100)
            return badRequest(res, "errorRate (percent, 0..100) is required");
        m_simulation.setErrorRate(service, track, *rate / 100.0);
        result["errorRatePercent"] = *rate;
    } else if (action == "latency") {
        const auto ms = field<double>(*body, "ms", res);
        if (!ms || *ms < 0 || *ms > 600000)
            return badRequest(res, "ms (0..600000) is required");
        m_simulation.setLatency(service, track, *ms);
        result["latencyMs"] = *ms;
    } else if (action == "kill-pods") {
        const int count = field<int>(*body, "count", res).value_or(1);
        if (count < 1)
            return badRequest(res, "count must be positive");
        const auto killed = m_simulation.killPods(service, track, count);
        result["killed"] = killed ? *killed : std::vector<std::string>();
    } else if (action == "spike") {
        const auto factor = field<double>(*body, "factor", res);
        if (!factor || !(*factor > 0) || *factor > 1000)
            return badRequest(res, "factor (0..1000, 1 = normal) is required");
        m_simulation.setTrafficSpike(service, *factor);
        result["factor"] = *factor;
    } else if (action == "break-canary") {
        if (!spec->hasCanary)
            return badRequest(res, "service \"" + service + "\" has no canary");
        m_simulation.setTrackBroken(service, "canary", true);
    } else if (action == "database-down") {
        m_simulation.setDatabaseDown(service, true);
        for (const auto &item : m_simulation.chaosStatus())
            if (item.value("service", std::string()) == service && item.value("kind", std::string()) == "database-down")
                result["database"] = item.value("database", std::string());
    } else if (action == "database-up") {
        m_simulation.setDatabaseDown(service, false);
    } else if (action == "restore-fail") {
        m_simulation.setRestoreFail(service, true);
    } else {
        return fail(res, ApiError{404, "NotFound",
                                  "unknown chaos action \"" + action
                                      + "\" (fail, latency, kill-pods, spike, break-canary, database-down, database-up, "
                                        "restore-fail)",
                                  Json::object()});
    }
    send(res, 200, result);
}

void ChaosApi::apiFaults(const std::string &id, const httplib::Request &req, httplib::Response &res)
{
    if (req.method == "GET" && id.empty()) {
        Json items = Json::array();
        for (const auto &f : m_faults.active())
            items.push_back(f.toJson());
        return send(res, 200, {{"items", items}});
    }
    if (req.method == "POST" && id.empty()) {
        const auto body = bodyOf(req, res);
        if (!body)
            return;
        std::string error;
        auto fault = ApiFault::fromJson(*body, error);
        if (!fault)
            return badRequest(res, error);
        return send(res, 201, m_faults.add(*fault).toJson());
    }
    if (req.method == "DELETE") {
        if (id.empty()) {
            m_faults.clear();
            return send(res, 200, {{"items", Json::array()}});
        }
        int number = 0;
        try {
            number = std::stoi(id);
        } catch (const std::exception &) {
        }
        if (!m_faults.remove(number))
            return fail(res, ApiError{404, "NotFound", "no active API fault " + id, Json::object()});
        return send(res, 200, {{"removed", number}});
    }
    fail(res, apistatus::methodNotAllowed(req.method));
}

void ChaosApi::telemetry(const httplib::Request &req, httplib::Response &res)
{
    PollyEventQuery q;
    q.service = req.get_param_value("service");
    q.track = req.get_param_value("track");
    q.pipelineName = req.get_param_value("pipeline");
    q.strategyName = req.get_param_value("strategy");
    q.eventName = req.get_param_value("event");
    if (req.has_param("since")) {
        const auto since = kube::parseTime(req.get_param_value("since"));
        if (!since)
            return badRequest(res, "since must be an RFC 3339 time");
        q.since = *since;
    }
    if (req.has_param("limit")) {
        try {
            q.limit = static_cast<std::size_t>(std::stoul(req.get_param_value("limit")));
        } catch (const std::exception &) {
            return badRequest(res, "limit must be a non-negative integer");
        }
    }
    Json events = Json::array();
    for (const auto &e : m_simulation.telemetry().query(q))
        events.push_back(e.toJson());
    send(res, 200, {{"events", events}, {"dropped", m_simulation.telemetry().dropped()}});
}

std::optional<ProxyReply> ChaosApi::proxy(const std::string &ns, const std::string &name, const std::string &method,
                                          const std::string &path)
{
    const Scenario *scenario = m_simulation.scenario();
    if (!scenario || ns != m_simulation.namespaceName())
        return std::nullopt;
    std::string service;
    std::string track;
    for (const auto &s : scenario->services) {
        if (name == s.name)
            service = s.name;
        else if (name == s.name + "-stable" || (s.hasCanary && name == s.name + "-canary")) {
            service = s.name;
            track = name.substr(s.name.size() + 1);
        }
    }
    if (service.empty())
        return std::nullopt;
    const int stable = track.empty() || track == "stable" ? m_simulation.readyPods(service, "stable") : 0;
    const int canary = track.empty() || track == "canary" ? m_simulation.readyPods(service, "canary") : 0;
    if (stable + canary == 0)
        return std::nullopt; // the API server answers 503: no endpoints available
    // kube-proxy spreads requests over the ready endpoints.
    if (track.empty())
        track = static_cast<int>(m_roundRobin++ % static_cast<std::uint64_t>(stable + canary)) < stable ? "stable"
                                                                                                        : "canary";
    std::string p = path.substr(0, path.find('?'));
    if (p.size() > 1 && p.back() == '/')
        p.pop_back();
    if (p != "/health" && p != "/health/ready" && p != "/health/live")
        return ProxyReply{404, "text/plain", ""}; // Kestrel's answer for an unmapped path
    if (method != "GET" && method != "HEAD")
        return ProxyReply{405, "text/plain", ""};
    const auto report = m_simulation.healthReport(service, track, p);
    if (!report)
        return std::nullopt;
    return ProxyReply{report->httpStatus, "application/json; charset=utf-8",
                      report->body.dump(-1, ' ', false, Json::error_handler_t::replace)};
}

} // namespace sim
