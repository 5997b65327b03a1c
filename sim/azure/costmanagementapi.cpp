#include "costmanagementapi.h"

#include "apistatus.h"
#include "azure/armhttp.h"
#include "authorizer.h"
#include "azure/entratokens.h"
#include "scenario.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>

namespace sim {

namespace {

using Json = nlohmann::json;
using armhttp::lower;
using armhttp::send;

bool ieq(const std::string &a, const std::string &b)
{
    return lower(a) == lower(b);
}

// ARM's error body; Cost Management's own messages end with the request id.
void sendError(httplib::Response &res, int status, const std::string &code, const std::string &message,
               bool withRequestId = false)
{
    std::string text = message;
    if (withRequestId)
        text += " (Request ID: " + res.get_header_value("x-ms-request-id") + ")";
    send(res, status, {{"error", {{"code", code}, {"message", text}}}});
}

std::string hexOf(const std::string &text)
{
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : text) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

std::optional<std::string> unhex(const std::string &text)
{
    if (text.size() % 2)
        return std::nullopt;
    std::string out;
    for (std::size_t i = 0; i < text.size(); i += 2) {
        const auto value = [](char c) -> int {
            if (c >= '0' && c <= '9')
                return c - '0';
            if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
            return -1;
        };
        const int hi = value(text[i]);
        const int lo = value(text[i + 1]);
        if (hi < 0 || lo < 0)
            return std::nullopt;
        out += static_cast<char>(hi * 16 + lo);
    }
    return out;
}

std::string joined(const std::vector<std::string> &items)
{
    std::string out;
    for (const auto &i : items)
        out += (out.empty() ? "'" : ", '") + i + "'";
    return out;
}

} // namespace

const std::vector<std::string> &CostManagementApi::costManagementVersions()
{
    static const std::vector<std::string> v = {
        "2018-05-31",         "2018-08-01-preview", "2018-12-01-preview", "2019-01-01",         "2019-03-01-preview",
        "2019-04-01-preview", "2019-10-01",         "2019-11-01",         "2020-03-01-preview", "2020-06-01",
        "2020-12-01-preview", "2021-10-01",         "2022-02-01-preview", "2022-04-01-preview", "2022-06-01-preview",
        "2022-08-01-preview", "2022-10-01",         "2022-10-01-preview", "2022-10-05-preview", "2023-03-01",
        "2023-04-01-preview", "2023-07-01-preview", "2023-08-01",         "2023-09-01",         "2023-11-01",
        "2024-08-01",         "2025-03-01"};
    return v;
}

const std::vector<std::string> &CostManagementApi::consumptionVersions()
{
    static const std::vector<std::string> v = {"2017-12-30-preview", "2018-01-31", "2018-03-31", "2018-05-31",
                                               "2018-06-30",         "2018-08-31", "2018-10-01", "2019-01-01",
                                               "2019-04-01-preview", "2019-05-01", "2019-06-01", "2019-10-01",
                                               "2019-11-01",         "2021-05-01", "2021-10-01", "2022-06-01",
                                               "2022-09-01",         "2023-03-01", "2023-05-01", "2023-11-01",
                                               "2024-08-01"};
    return v;
}

CostManagementApi::CostManagementApi(const CostLedger &ledger, const Scenario *scenario, const Authorizer &authorizer,
                                     const EntraTokens &tokens, Identity identity, std::function<std::string()> baseUrl,
                                     Clock now, QpuLimiter::Clock steady)
    : m_ledger(ledger)
    , m_authorizer(authorizer)
    , m_tokens(tokens)
    , m_identity(std::move(identity))
    , m_baseUrl(std::move(baseUrl))
    , m_now(std::move(now))
    , m_steady(steady)
    , m_limiter(std::move(steady))
    , m_budgets(ledger, m_identity.subscriptionId, scenario)
{}

bool CostManagementApi::handle(const std::vector<std::string> &parts, const httplib::Request &req,
                               httplib::Response &res)
{
    if (parts.size() == 3 && parts[0] == "_opsdeck" && parts[1] == "azure"
        && (parts[2] == "cost-faults" || parts[2] == "cost-qpu")) {
        testHooks(parts, req, res);
        return true;
    }
    if (parts.size() < 5 || !ieq(parts[0], "subscriptions"))
        return false;
    CostScope scope{parts[1], {}};
    std::size_t i = 2;
    if (parts.size() >= 7 && ieq(parts[2], "resourceGroups")) {
        scope.resourceGroup = parts[3];
        i = 4;
    }
    if (parts.size() < i + 3 || !ieq(parts[i], "providers"))
        return false;
    const std::string &ns = parts[i + 1];
    const std::string &operation = parts[i + 2];
    Api api;
    std::string name;
    if (ieq(ns, "Microsoft.CostManagement") && parts.size() == i + 3 && (ieq(operation, "query") || ieq(operation, "forecast")))
        api = ieq(operation, "query") ? Api::Query : Api::Forecast;
    else if (ieq(ns, "Microsoft.Consumption") && ieq(operation, "budgets") && parts.size() <= i + 4)
        api = Api::Budgets;
    else
        return false;
    if (parts.size() == i + 4)
        name = parts[i + 3];

    const std::string requestId = EntraTokens::randomGuid();
    res.set_header("x-ms-request-id", requestId);
    res.set_header("x-ms-correlation-request-id", requestId);
    const auto &versions = api == Api::Budgets ? consumptionVersions() : costManagementVersions();
    if (!req.has_param("api-version")) {
        sendError(res, 400, "MissingApiVersionParameter",
                  "The api-version query parameter (?api-version=) is required for all requests.");
        return true;
    }
    const std::string version = req.get_param_value("api-version");
    if (std::find(versions.begin(), versions.end(), version) == versions.end()) {
        sendError(res, 400, "InvalidApiVersionParameter",
                  "The api-version '" + version + "' is invalid. The supported versions are " + joined(versions) + ".");
        return true;
    }
    if (!authorize(req, res))
        return true;
    if (!ieq(scope.subscriptionId, m_identity.subscriptionId)) {
        sendError(res, 404, "SubscriptionNotFound", "The subscription '" + scope.subscriptionId + "' could not be found.");
        return true;
    }
    scope.subscriptionId = m_identity.subscriptionId;
    if (!scope.resourceGroup.empty()) {
        std::set<std::string> groups = {lower(m_identity.resourceGroup)};
        for (const auto &r : m_ledger.resources())
            if (!r.resourceGroup.empty())
                groups.insert(r.resourceGroup);
        if (!groups.count(lower(scope.resourceGroup))) {
            sendError(res, 404, "ResourceGroupNotFound", "Resource group '" + scope.resourceGroup + "' could not be found.");
            return true;
        }
    }
    std::string scopePath = "/subscriptions/" + scope.subscriptionId;
    if (!scope.resourceGroup.empty())
        scopePath += "/resourceGroups/" + scope.resourceGroup;
    if (api == Api::Budgets)
        budgetsEndpoint(scope, name, req, res);
    else
        costQuery(api, scope, scopePath, req, res);
    return true;
}

bool CostManagementApi::authorize(const httplib::Request &req, httplib::Response &res)
{
    return armhttp::authorize(req, res, m_tokens, m_baseUrl(), m_baseUrl() + "/" + m_identity.tenantId,
                              [](const std::string &code, const std::string &message) {
                                  return Json{{"error", {{"code", code}, {"message", message}}}};
                              });
}

bool CostManagementApi::takeFault(Api api, httplib::Response &res)
{
    const auto taken = m_faults.take(api == Api::Query ? "query" : api == Api::Forecast ? "forecast" : "budgets");
    if (!taken)
        return false;
    const armhttp::Fault &fault = *taken;
    if (fault.kind == "throttle") {
        const std::string seconds = std::to_string(fault.retryAfterSeconds);
        if (api == Api::Budgets) {
            res.set_header("x-ms-ratelimit-microsoft.consumption-retry-after", seconds);
        } else {
            res.set_header("x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after", seconds);
            res.set_header("x-ms-ratelimit-microsoft.costmanagement-qpu-consumed", "0");
            res.set_header("x-ms-ratelimit-microsoft.costmanagement-qpu-remaining", m_limiter.remainingText());
        }
        res.set_header("Retry-After", seconds);
        sendError(res, 429, "429", "Too many requests. Please retry.");
    } else if (fault.kind == "server-error") {
        sendError(res, 500, "InternalServerError", "An internal error occurred (injected by opsdeck-sim).", true);
    } else {
        res.status = 204;
    }
    return true;
}

void CostManagementApi::costQuery(Api api, const CostScope &scope, const std::string &scopePath,
                                  const httplib::Request &req, httplib::Response &res)
{
    const std::string what = api == Api::Forecast ? "forecast" : "query";
    if (req.method != "POST") {
        sendError(res, 405, "MethodNotAllowed", "The requested resource does not support http method '" + req.method + "'.");
        return;
    }
    Json body;
    try {
        body = Json::parse(req.body);
    } catch (const Json::exception &) {
        sendError(res, 400, "BadRequest", "Invalid " + what + " definition: the request body is not valid JSON.", true);
        return;
    }
    int top = kDefaultPageSize;
    const bool topGiven = req.has_param("$top");
    if (topGiven) {
        const std::string text = req.get_param_value("$top");
        try {
            std::size_t used = 0;
            top = std::stoi(text, &used);
            if (used != text.size())
                top = 0;
        } catch (const std::exception &) {
            top = 0;
        }
        if (top < 1 || top > kMaxPageSize) {
            sendError(res, 400, "BadRequest",
                      "Invalid $top '" + text + "': it must be a number from 1 to " + std::to_string(kMaxPageSize) + ".",
                      true);
            return;
        }
    }
    const auto now = m_now();
    auto parsed = CostQuery::parse(body, api == Api::Forecast, now);
    if (const auto *e = std::get_if<CostError>(&parsed)) {
        sendError(res, e->status, e->code, e->message, true);
        return;
    }
    const CostQueryDefinition definition = std::get<CostQueryDefinition>(std::move(parsed));
    const std::string skip = req.get_param_value("$skiptoken");
    std::string snapshotId;
    std::size_t offset = 0;
    if (!skip.empty()) {
        const auto decoded = unhex(skip);
        const auto colon = decoded ? decoded->find(':') : std::string::npos;
        try {
            if (colon == std::string::npos)
                throw std::invalid_argument("no colon");
            snapshotId = decoded->substr(0, colon);
            offset = std::stoul(decoded->substr(colon + 1));
        } catch (const std::exception &) {
            sendError(res, 400, "BadRequest", "Invalid skiptoken '" + skip + "': use the nextLink the API returned.", true);
            return;
        }
    }
    if (takeFault(api, res))
        return;
    // Only a query's first page is charged: its continuation reads the same result.
    QpuLimiter::Decision decision;
    if (skip.empty())
        decision = m_limiter.charge(definition.qpu());
    else
        decision.remaining = m_limiter.remainingText();
    res.set_header("x-ms-ratelimit-microsoft.costmanagement-qpu-consumed", std::to_string(decision.consumed));
    res.set_header("x-ms-ratelimit-microsoft.costmanagement-qpu-remaining", decision.remaining);
    if (!decision.allowed) {
        const std::string seconds = std::to_string(decision.retryAfterSeconds);
        res.set_header("x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after", seconds);
        res.set_header("Retry-After", seconds);
        sendError(res, 429, "429", "Too many requests. Please retry.");
        return;
    }

    const std::size_t bodyHash = std::hash<std::string>{}(body.dump());
    CostTable table;
    bool fromSnapshot = false;
    {
        std::lock_guard lock(m_mutex);
        const auto it = m_snapshots.find(snapshotId);
        if (!snapshotId.empty() && it != m_snapshots.end() && it->second.bodyHash == bodyHash) {
            table = it->second.table;
            fromSnapshot = true;
        }
    }
    if (!fromSnapshot) // a first page, or a continuation whose snapshot expired: the same query again
        table = api == Api::Forecast ? CostQuery::forecast(m_ledger, definition, scope, now)
                                     : CostQuery::query(m_ledger, definition, scope, now);
    if (api == Api::Forecast && table.rows.empty() && skip.empty()) {
        res.status = 204; // nothing to forecast
        return;
    }
    const std::size_t end = std::min(table.rows.size(), offset + static_cast<std::size_t>(top));
    Json rows = Json::array();
    for (std::size_t r = std::min(offset, table.rows.size()); r < end; ++r)
        rows.push_back(table.rows[r]);
    Json nextLink = nullptr;
    if (end < table.rows.size()) {
        std::lock_guard lock(m_mutex);
        if (snapshotId.empty() || !m_snapshots.count(snapshotId)) {
            const auto steadyNow = m_steady();
            for (auto it = m_snapshots.begin(); it != m_snapshots.end();) {
                if (steadyNow - it->second.created > std::chrono::minutes(10) || m_snapshots.size() > 32)
                    it = m_snapshots.erase(it);
                else
                    ++it;
            }
            snapshotId = "s" + std::to_string(++m_nextSnapshot);
            m_snapshots[snapshotId] = {bodyHash, table, steadyNow};
        }
        nextLink = m_baseUrl() + scopePath + "/providers/Microsoft.CostManagement/" + what
            + "?api-version=" + req.get_param_value("api-version") + (topGiven ? "&$top=" + std::to_string(top) : "")
            + "&$skiptoken=" + hexOf(snapshotId + ":" + std::to_string(end));
    }
    const std::string guid = EntraTokens::randomGuid();
    send(res, 200,
         {{"id", scopePath.substr(1) + "/providers/Microsoft.CostManagement/query/" + guid},
          {"name", guid},
          {"type", "Microsoft.CostManagement/query"},
          {"location", nullptr},
          {"sku", nullptr},
          {"eTag", nullptr},
          {"properties", {{"nextLink", nextLink}, {"columns", table.columns}, {"rows", rows}}}});
}

void CostManagementApi::budgetsEndpoint(const CostScope &scope, const std::string &name, const httplib::Request &req,
                                        httplib::Response &res)
{
    if (takeFault(Api::Budgets, res))
        return;
    const auto now = m_now();
    if (name.empty()) {
        if (req.method != "GET") {
            sendError(res, 405, "MethodNotAllowed", "The requested resource does not support http method '" + req.method + "'.");
            return;
        }
        std::size_t offset = 0;
        if (req.has_param("$skiptoken")) {
            try {
                offset = std::stoul(req.get_param_value("$skiptoken"));
            } catch (const std::exception &) {
                sendError(res, 400, "BadRequest", "Invalid skiptoken: use the nextLink the API returned.");
                return;
            }
        }
        std::size_t total = 0;
        Json value = Json::array();
        for (auto &budget : m_budgets.list(scope, now, offset, Budgets::kPageSize, &total))
            value.push_back(std::move(budget));
        const std::size_t end = offset + value.size();
        Json body = {{"value", value}};
        if (end < total) {
            std::string path = "/subscriptions/" + scope.subscriptionId;
            if (!scope.resourceGroup.empty())
                path += "/resourceGroups/" + scope.resourceGroup;
            body["nextLink"] = m_baseUrl() + path + "/providers/Microsoft.Consumption/budgets?api-version="
                + req.get_param_value("api-version") + "&$skiptoken=" + std::to_string(end);
        }
        send(res, 200, body);
        return;
    }
    const bool validName = name.size() <= 63
        && std::all_of(name.begin(), name.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
           });
    if (!validName) {
        sendError(res, 400, "BadRequest",
                  "The budget name '" + name + "' is not valid: use up to 63 letters, digits, '-' and '_'.");
        return;
    }
    if (req.method == "GET") {
        if (auto budget = m_budgets.get(scope, name, now))
            send(res, 200, *budget);
        else
            sendError(res, 404, "NotFound", "The budget '" + name + "' could not be found.");
    } else if (req.method == "PUT") {
        Json body;
        try {
            body = Json::parse(req.body);
        } catch (const Json::exception &) {
            sendError(res, 400, "BadRequest", "The request body is not valid JSON.");
            return;
        }
        auto result = m_budgets.put(scope, name, body, now);
        if (const auto *e = std::get_if<CostError>(&result)) {
            sendError(res, e->status, e->code, e->message);
            return;
        }
        const auto &[status, budget] = std::get<std::pair<int, Json>>(result);
        send(res, status, budget);
    } else if (req.method == "DELETE") {
        res.status = m_budgets.remove(scope, name, now) ? 200 : 204;
    } else {
        sendError(res, 405, "MethodNotAllowed", "The requested resource does not support http method '" + req.method + "'.");
    }
}

void CostManagementApi::testHooks(const std::vector<std::string> &parts, const httplib::Request &req,
                                  httplib::Response &res)
{
    if (!armhttp::adminOnly(req, res, m_authorizer))
        return;
    if (parts[2] == "cost-faults") {
        m_faults.handle(req, res);
        return;
    }
    Json body = Json::object();
    if (!req.body.empty()) {
        try {
            body = Json::parse(req.body);
        } catch (const Json::exception &) {
            send(res, 400, apistatus::toJson(apistatus::badRequest("the body must be a JSON object")));
            return;
        }
    }
    // cost-qpu: spend the QPU budget (default: what is left of this minute's), or give it back.
    if (req.method == "POST") {
        const int spend = body.value("spend", std::max(m_limiter.remaining(0), m_limiter.remaining(1)));
        if (spend < 0) {
            send(res, 400, apistatus::toJson(apistatus::badRequest("spend must be >= 0")));
            return;
        }
        m_limiter.spend(spend);
    } else if (req.method == "DELETE") {
        m_limiter.reset();
    } else if (req.method != "GET") {
        send(res, 405, apistatus::toJson(apistatus::methodNotAllowed(req.method)));
        return;
    }
    Json windows = Json::array();
    for (std::size_t w = 0; w < QpuLimiter::windows().size(); ++w)
        windows.push_back({{"name", QpuLimiter::windows()[w].name},
                           {"seconds", QpuLimiter::windows()[w].length.count()},
                           {"limit", QpuLimiter::windows()[w].limit},
                           {"remaining", m_limiter.remaining(w)}});
    send(res, 200, {{"remaining", m_limiter.remainingText()}, {"windows", windows}});
}

} // namespace sim
