#include "azureapi.h"
#include "pathsegments.h"

#include "apiserver.h"
#include "apistatus.h"
#include "authorizer.h"
#include "azure/armhttp.h"
#include "azure/azureconfigwriter.h"
#include "azure/sqlapi.h"
#include "controllers/rng.h"
#include "kql/kqlerror.h"
#include "kql/kqlevaluator.h"
#include "kql/kqllexer.h"
#include "simulation.h"

#include <httplib.h>

#include <set>

namespace sim {

namespace {

using Json = nlohmann::json;
using armhttp::bearer;
using armhttp::send;

std::string guidFrom(Rng &rng)
{
    const std::string h = rng.hex(32);
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20, 12);
}

// A Log Analytics / Application Insights query API error body.
Json apiError(const std::string &code, const std::string &message, const Json &inner = nullptr)
{
    Json e = {{"message", message}, {"code", code}, {"correlationId", EntraTokens::randomGuid()}};
    if (!inner.is_null())
        e["innererror"] = inner;
    return {{"error", e}};
}

std::map<std::string, std::string> formOf(const httplib::Request &req)
{
    std::map<std::string, std::string> form;
    for (const auto &[k, v] : req.params)
        form.emplace(k, v);
    if (form.count("grant_type") == 0 && form.count("client_id") == 0 && !req.body.empty()) {
        httplib::Params parsed;
        httplib::detail::parse_query_text(req.body, parsed);
        for (const auto &[k, v] : parsed)
            form.emplace(k, v);
    }
    return form;
}

} // namespace

AzureIdentity AzureIdentity::generate(std::uint64_t seed)
{
    Rng rng(Rng::mix(seed ^ 0x617a757265ULL));
    AzureIdentity id;
    id.tenantId = guidFrom(rng);
    id.clientId = guidFrom(rng);
    id.subscriptionId = guidFrom(rng);
    id.workspaceId = guidFrom(rng);
    id.appId = guidFrom(rng);
    id.instrumentationKey = guidFrom(rng);
    id.clientSecret = "sim~" + EntraTokens::randomGuid(); // a secret: random, never from the seed
    return id;
}

AzureApi::AzureApi(const Simulation &simulation, const Authorizer &authorizer, AzureIdentity identity,
                   std::function<std::string()> baseUrl, Clock now, int devicePollIntervalSeconds)
    : m_simulation(simulation)
    , m_authorizer(authorizer)
    , m_identity(std::move(identity))
    , m_baseUrl(std::move(baseUrl))
    , m_now(std::move(now))
    , m_tokens([&] {
        EntraOptions o;
        o.tenantId = m_identity.tenantId;
        o.clientId = m_identity.clientId;
        o.clientSecret = m_identity.clientSecret;
        o.pollIntervalSeconds = devicePollIntervalSeconds;
        return o;
    }())
    , m_tables(simulation, {m_identity.appId, m_identity.appName, m_identity.instrumentationKey, m_identity.workspaceId,
                            "/subscriptions/" + m_identity.subscriptionId + "/resourcegroups/" + m_identity.resourceGroup
                                + "/providers/microsoft.insights/components/" + m_identity.appName})
    , m_costs(std::make_unique<CostManagementApi>(
          simulation.costs(), simulation.scenario(), authorizer, m_tokens,
          CostManagementApi::Identity{m_identity.tenantId, m_identity.subscriptionId, m_identity.resourceGroup}, m_baseUrl,
          m_now))
{
    if (SqlDatabases *sql = simulation.sqlDatabases()) {
        m_identity.sqlServer = sql->options().server;
        m_identity.sqlLocation = sql->options().location;
        m_sql = std::make_shared<SqlApi>(*sql, m_tokens, authorizer, m_identity.subscriptionId, m_identity.resourceGroup,
                                         m_baseUrl, m_now);
    }
}

void AzureApi::install(ApiServer &server)
{
    server.setFrontHandler([this](const httplib::Request &req, httplib::Response &res) { return handle(req, res); });
}

bool AzureApi::handle(const httplib::Request &req, httplib::Response &res)
{
    const auto parts = pathSegments(req.path);
    if (parts.empty())
        return false;
    if (m_sql && m_sql->handle(parts, req, res)) // ARM Microsoft.Sql and /_opsdeck/azure/sql-faults
        return true;
    if (m_costs->handle(parts, req, res)) // ARM Cost Management, budgets, /_opsdeck/azure/cost-*
        return true;
    const std::string base = m_baseUrl();
    // Entra: /{tenant}/v2.0/.well-known/openid-configuration, /{tenant}/oauth2/v2.0/{devicecode,token},
    // /{tenant}/discovery/v2.0/keys
    if (parts.size() == 4 && parts[1] == "v2.0" && parts[2] == ".well-known" && parts[3] == "openid-configuration"
        && req.method == "GET") {
        openIdConfiguration(parts[0], res);
        return true;
    }
    if (parts.size() == 4 && parts[1] == "discovery" && parts[2] == "v2.0" && parts[3] == "keys") {
        send(res, 200, {{"keys", Json::array()}}); // HS256: nothing public to publish
        return true;
    }
    if (parts.size() == 4 && parts[1] == "oauth2" && parts[2] == "v2.0"
        && (parts[3] == "token" || parts[3] == "devicecode")) {
        if (req.method != "POST") {
            send(res, 405, {{"error", "invalid_request"}, {"error_description", "AADSTS900561: The endpoint only accepts POST requests."}});
            return true;
        }
        const std::string &tenant = parts[0];
        if (tenant != m_identity.tenantId && tenant != "organizations" && tenant != "common") {
            send(res, 400, {{"error", "invalid_request"},
                            {"error_description", "AADSTS90002: Tenant '" + tenant + "' not found."},
                            {"error_codes", {90002}}});
            return true;
        }
        const auto form = formOf(req);
        const TokenReply reply = parts[3] == "token" ? m_tokens.token(form, base) : m_tokens.deviceCode(form, base);
        res.set_header("Cache-Control", "no-store, no-cache");
        send(res, reply.status, reply.body);
        return true;
    }
    if (parts.size() == 1 && parts[0] == "devicelogin") {
        // The page a person opens to enter the code (and approve it: the sim has no passwords).
        std::string message;
        if (req.method == "POST") {
            const auto form = formOf(req);
            const auto code = form.count("user_code") ? form.at("user_code") : std::string();
            message = m_tokens.approve(code, form.count("decline") > 0) ? "<p>Done: you can close this page.</p>"
                                                                         : "<p>That code was not recognized or has expired.</p>";
        }
        res.set_content("<!doctype html><html><head><title>opsdeck-sim sign-in</title></head><body><h1>Enter code</h1>"
                            + message
                            + "<form method=post><input name=user_code autofocus><button>Approve</button>"
                              "<button name=decline value=1>Decline</button></form></body></html>",
                        "text/html; charset=utf-8");
        return true;
    }
    // Query APIs: /v1/workspaces/{id}/query and /v1/apps/{id}/query
    if (parts.size() == 4 && parts[0] == "v1" && parts[3] == "query" && (parts[1] == "workspaces" || parts[1] == "apps")) {
        queryEndpoint(parts[1] == "workspaces" ? TelemetrySchema::Workspace : TelemetrySchema::Classic, parts[2], req, res);
        return true;
    }
    if (parts.size() >= 2 && parts[0] == "v1" && (parts[1] == "workspaces" || parts[1] == "apps")) {
        send(res, 404, apiError("PathNotFoundError", "The requested path does not exist"));
        return true;
    }
    if (parts.size() >= 2 && parts[0] == "_opsdeck" && parts[1] == "azure") {
        testHooks(parts, req, res);
        return true;
    }
    return false;
}

void AzureApi::openIdConfiguration(const std::string &tenant, httplib::Response &res)
{
    const std::string base = m_baseUrl();
    const std::string t = tenant == "organizations" || tenant == "common" ? m_identity.tenantId : tenant;
    if (t != m_identity.tenantId) {
        send(res, 400, {{"error", "invalid_tenant"},
                        {"error_description", "AADSTS90002: Tenant '" + tenant + "' not found."},
                        {"error_codes", {90002}}});
        return;
    }
    const std::string root = base + "/" + tenant;
    send(res, 200,
         {{"token_endpoint", root + "/oauth2/v2.0/token"},
          {"token_endpoint_auth_methods_supported", {"client_secret_post", "private_key_jwt", "client_secret_basic"}},
          {"jwks_uri", root + "/discovery/v2.0/keys"},
          {"response_modes_supported", {"query", "fragment", "form_post"}},
          {"subject_types_supported", {"pairwise"}},
          {"id_token_signing_alg_values_supported", {"HS256", "RS256"}},
          {"response_types_supported", {"code", "id_token", "code id_token", "id_token token"}},
          {"scopes_supported", {"openid", "profile", "email", "offline_access"}},
          {"issuer", base + "/" + t + "/v2.0"},
          {"request_uri_parameter_supported", false},
          {"userinfo_endpoint", base + "/oidc/userinfo"},
          {"authorization_endpoint", root + "/oauth2/v2.0/authorize"},
          {"device_authorization_endpoint", root + "/oauth2/v2.0/devicecode"},
          {"http_logout_supported", true},
          {"frontchannel_logout_supported", true},
          {"end_session_endpoint", root + "/oauth2/v2.0/logout"},
          {"claims_supported", {"sub", "iss", "aud", "exp", "iat", "name", "oid", "tid", "preferred_username"}},
          {"tenant_region_scope", "EU"},
          {"cloud_instance_name", "opsdeck-sim"},
          {"cloud_graph_host_name", "graph.windows.net"},
          {"msgraph_host", "graph.microsoft.com"}});
}

bool AzureApi::throttled(const std::string &principal)
{
    const auto now = std::chrono::steady_clock::now();
    auto &times = m_recent[principal];
    while (!times.empty() && now - times.front() > std::chrono::seconds(30))
        times.pop_front();
    if (static_cast<int>(times.size()) >= kQueriesPerWindow)
        return true;
    times.push_back(now);
    return false;
}

std::pair<int, Json> AzureApi::query(TelemetrySchema schema, const std::string &text, const std::string &timespan)
{
    const std::int64_t now = kql::Value::fromTime(m_now()).asInt();
    TelemetryScope scope;
    if (!timespan.empty()) {
        const auto slash = timespan.find('/');
        const auto point = [&](const std::string &s) { return kql::Value::parseDatetime(s); };
        bool ok = true;
        if (slash == std::string::npos) {
            const auto d = kql::Value::parseIsoDuration(timespan);
            ok = d.has_value();
            if (ok) {
                scope.fromTicks = now - *d;
                scope.toTicks = now + 1;
            }
        } else {
            const std::string a = timespan.substr(0, slash);
            const std::string b = timespan.substr(slash + 1);
            const auto ta = point(a), tb = point(b);
            const auto da = kql::Value::parseIsoDuration(a), db = kql::Value::parseIsoDuration(b);
            if (ta && tb) {
                scope.fromTicks = *ta;
                scope.toTicks = *tb;
            } else if (ta && db) {
                scope.fromTicks = *ta;
                scope.toTicks = *ta + *db;
            } else if (da && tb) {
                scope.fromTicks = *tb - *da;
                scope.toTicks = *tb;
            } else {
                ok = false;
            }
        }
        if (!ok)
            return {400, apiError("BadArgumentError", "The request had some invalid properties",
                                  {{"code", "InvalidTimespan"},
                                   {"message", "The timespan '" + timespan + "' is not valid: use an ISO 8601 duration "
                                               "(PT1H) or interval (start/end, start/duration)"}})};
    }
    // Only the columns the query names are filled in (the others stay null) unless it may return
    // them all: a query without project/summarize/count/distinct, or with a '*'.
    try {
        const auto tokens = kql::KqlLexer::tokenize(text);
        std::set<std::string> names;
        bool narrows = false;
        bool star = false;
        for (const auto &t : tokens) {
            if (t.kind == kql::Token::Kind::Name || t.kind == kql::Token::Kind::QuotedName)
                names.insert(t.text);
            if (t.kind == kql::Token::Kind::Name
                && (t.text == "project" || t.text == "summarize" || t.text == "count" || t.text == "distinct"))
                narrows = true;
            if (t.kind == kql::Token::Kind::Punct && t.text == "*")
                star = true;
        }
        if (narrows && !star)
            scope.columns = names;
        kql::KqlEvaluator evaluator(
            [&](const std::string &name) { return m_tables.table(schema, name, scope); }, now);
        kql::Table result = evaluator.run(text);
        Json columns = Json::array();
        for (const auto &c : result.columns)
            columns.push_back({{"name", c.name}, {"type", kql::typeName(c.type)}});
        Json rows = Json::array();
        bool partial = false;
        for (const auto &r : result.rows) {
            if (rows.size() >= kMaxResultRows) {
                partial = true;
                break;
            }
            Json row = Json::array();
            for (const auto &v : r)
                row.push_back(v.toJson());
            rows.push_back(std::move(row));
        }
        Json body = {{"tables", Json::array({{{"name", "PrimaryResult"}, {"columns", columns}, {"rows", rows}}})}};
        if (partial)
            body["error"] = apiError("PartialError", "There were some errors when processing your query.",
                                     {{"code", "EngineError"},
                                      {"message", "Query result set has exceeded the internal record count limit "
                                                  + std::to_string(kMaxResultRows) + " records"}})["error"];
        return {200, body};
    } catch (const kql::KqlError &e) {
        const bool syntax = e.kind() == kql::KqlError::Kind::Syntax;
        // line and column of the position, as Kusto reports them
        int line = 1;
        int pos = 0;
        for (std::size_t i = 0; i < e.position() && i < text.size(); ++i) {
            if (text[i] == '\n') {
                ++line;
                pos = 0;
            } else {
                ++pos;
            }
        }
        Json detail = {{"code", syntax ? "SYN0002" : "SEM0100"}, {"message", e.what()}, {"line", line}, {"pos", pos}};
        if (!e.token().empty())
            detail["token"] = e.token();
        return {400, apiError("BadArgumentError", "The request had some invalid properties",
                              {{"code", syntax ? "SyntaxError" : "SemanticError"},
                               {"message", std::string(syntax ? "A recognition error occurred in the query: "
                                                              : "A semantic error occurred: ")
                                               + e.what()},
                               {"innererror", detail}})};
    }
}

void AzureApi::queryEndpoint(TelemetrySchema schema, const std::string &id, const httplib::Request &req,
                             httplib::Response &res)
{
    const bool workspace = schema == TelemetrySchema::Workspace;
    const std::string token = bearer(req);
    if (token.empty()) {
        res.set_header("WWW-Authenticate", "Bearer authorization_uri=\"" + m_baseUrl() + "/" + m_identity.tenantId
                                               + "/oauth2/authorize\", realm=\"\", error=\"invalid_token\"");
        send(res, 401, apiError("AuthorizationRequiredError", "Valid authentication was not provided"));
        return;
    }
    const auto claims = m_tokens.validate(token);
    if (!claims) {
        send(res, 403, apiError("InvalidTokenError", "The provided authentication is not valid for this resource"));
        return;
    }
    std::string audience = claims->audience;
    while (!audience.empty() && audience.back() == '/')
        audience.pop_back();
    const std::string own = workspace ? "https://api.loganalytics.io" : "https://api.applicationinsights.io";
    // Tokens for the other API work too: Log Analytics accepts both audiences for workspace queries.
    const bool audienceOk = audience == own || audience == m_baseUrl() || audience == "https://api.loganalytics.io"
        || (workspace && audience == "https://api.loganalytics.azure.com");
    if (!audienceOk) {
        send(res, 403, apiError("InsufficientAccessError",
                                "The provided credentials have insufficient access to perform the requested operation",
                                {{"code", "InvalidTokenAudience"}, {"message", "The token audience '" + audience + "' is not " + own}}));
        return;
    }
    if (id != (workspace ? m_identity.workspaceId : m_identity.appId)) {
        if (workspace)
            send(res, 404, apiError("WorkspaceNotFoundError", "The workspace could not be found",
                                    {{"code", "WorkspaceNotFoundError"}, {"message", "Workspace '" + id + "' was not found"}}));
        else
            send(res, 404, apiError("ApplicationNotFoundError", "The application could not be found",
                                    {{"code", "ApplicationNotFoundError"}, {"message", "Application '" + id + "' was not found"}}));
        return;
    }
    std::string kql;
    std::string timespan;
    if (req.method == "GET") {
        kql = req.get_param_value("query");
        timespan = req.get_param_value("timespan");
    } else if (req.method == "POST") {
        try {
            const Json body = Json::parse(req.body);
            kql = body.value("query", std::string());
            timespan = body.value("timespan", std::string());
        } catch (const Json::exception &) {
            send(res, 400, apiError("BadArgumentError", "The request had some invalid properties",
                                    {{"code", "InvalidJson"}, {"message", "The body must be JSON: {query, timespan}"}}));
            return;
        }
    } else {
        send(res, 405, apiError("MethodNotAllowed", "The method " + req.method + " is not allowed"));
        return;
    }
    if (kql.empty()) {
        send(res, 400, apiError("BadArgumentError", "The request had some invalid properties",
                                {{"code", "QueryMissing"}, {"message", "The query parameter is required"}}));
        return;
    }
    std::string fault;
    int retryAfter = 0;
    {
        if (const auto f = m_faults.take()) {
            fault = f->kind;
            retryAfter = f->retryAfterSeconds;
        }
        std::lock_guard lock(m_mutex);
        if (fault.empty() && throttled(claims->subject)) {
            fault = "throttle";
            retryAfter = 30;
        }
    }
    if (fault == "throttle") {
        res.set_header("Retry-After", std::to_string(retryAfter));
        send(res, 429, apiError("ThrottledError", "You have sent too many requests. Please wait " + std::to_string(retryAfter)
                                                      + " seconds before sending more requests."));
        return;
    }
    if (fault == "server-error") {
        send(res, 500, apiError("InternalServerError", "An unexpected error occurred while processing the request"));
        return;
    }
    auto [status, body] = query(schema, kql, timespan);
    if (fault == "partial" && status == 200) {
        auto &rows = body["tables"][0]["rows"];
        Json kept = Json::array();
        for (std::size_t i = 0; i < rows.size() / 2; ++i)
            kept.push_back(rows[i]);
        rows = kept;
        body["error"] = apiError("PartialError", "There were some errors when processing your query.",
                                 {{"code", "EngineError"},
                                  {"message", "Query execution has exceeded the allowed limits (injected by opsdeck-sim)"}})["error"];
    }
    send(res, status, body);
}

void AzureApi::testHooks(const std::vector<std::string> &parts, const httplib::Request &req, httplib::Response &res)
{
    if (!armhttp::adminOnly(req, res, m_authorizer))
        return;
    // GET|POST|DELETE /_opsdeck/azure/query-faults {kind: throttle|partial|server-error, count?, retryAfterSeconds?}
    if (parts.size() == 3 && parts[2] == "query-faults") {
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
    // POST /_opsdeck/azure/devicecode/approve {userCode, decline?}
    if (parts.size() == 4 && parts[2] == "devicecode" && parts[3] == "approve" && req.method == "POST") {
        const std::string code = body.value("userCode", std::string());
        if (!m_tokens.approve(code, body.value("decline", false))) {
            send(res, 404, apistatus::toJson(ApiError{404, "NotFound", "no pending device code '" + code + "'", Json::object()}));
            return;
        }
        send(res, 200, {{"userCode", code}, {"approved", !body.value("decline", false)}});
        return;
    }
    // GET /_opsdeck/azure/config: what --write-azure-config writes (without caFile)
    if (parts.size() == 3 && parts[2] == "config" && req.method == "GET") {
        send(res, 200, AzureConfigWriter::render(m_identity, m_baseUrl(), std::string()));
        return;
    }
    send(res, 404, apistatus::toJson(apistatus::notFoundPath()));
}

} // namespace sim
