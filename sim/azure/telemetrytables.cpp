#include "telemetrytables.h"

#include "controllers/rng.h"
#include "scenario.h"
#include "simulation.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>

namespace sim {

namespace {

using kql::Type;
using kql::Value;
using JsonPtr = std::shared_ptr<const nlohmann::json>;

enum class Kind { Requests, Dependencies, Exceptions, Events, Metrics };

// One telemetry item with every field any table needs; a column picks its field.
struct Item
{
    std::int64_t time = 0;
    std::string id;
    std::string name;
    std::string url;
    std::string source;
    bool success = true;
    std::string resultCode;
    double durationMs = 0;
    std::string operationName;
    std::string operationId;
    std::string parentId;
    std::string role;
    std::string roleInstance;
    std::string appVersion;
    std::int64_t itemCount = 1;
    JsonPtr properties;
    JsonPtr measurements;
    // dependencies
    std::string type;
    std::string target;
    std::string data;
    // exceptions
    std::string problemId;
    std::string exceptionType;
    std::string message;
    std::string assembly;
    std::string method;
    // metrics
    double sum = 0;
    double min = 0;
    double max = 0;
};

using Getter = std::function<Value(const Item &, const TelemetryTables::Identity &)>;

struct ColumnDef
{
    const char *workspace; // "" when the workspace table lacks it
    const char *classic;   // "" when the classic table lacks it
    Type type;
    Getter get;
};

Value str(const std::string &s)
{
    return Value::string(s);
}

std::string performanceBucket(double ms)
{
    if (ms < 250)
        return "<250ms";
    if (ms < 500)
        return "250ms-500ms";
    if (ms < 1000)
        return "500ms-1sec";
    if (ms < 3000)
        return "1sec-3sec";
    if (ms < 7000)
        return "3sec-7sec";
    if (ms < 15000)
        return "7sec-15sec";
    if (ms < 30000)
        return "15sec-30sec";
    return "30sec-1min";
}

std::vector<ColumnDef> common(const char *itemType, const char *workspaceType)
{
    const std::string it = itemType;
    const std::string wt = workspaceType;
    return {
        {"TenantId", "", Type::String, [](const Item &, const TelemetryTables::Identity &id) { return str(id.tenantId); }},
        {"TimeGenerated", "timestamp", Type::DateTime, [](const Item &i, const auto &) { return Value::datetime(i.time); }},
        {"OperationName", "operation_Name", Type::String, [](const Item &i, const auto &) { return str(i.operationName); }},
        {"OperationId", "operation_Id", Type::String, [](const Item &i, const auto &) { return str(i.operationId); }},
        {"ParentId", "operation_ParentId", Type::String, [](const Item &i, const auto &) { return str(i.parentId); }},
        {"SyntheticSource", "operation_SyntheticSource", Type::String, [](const Item &, const auto &) { return str(""); }},
        {"SessionId", "session_Id", Type::String, [](const Item &, const auto &) { return str(""); }},
        {"UserId", "user_Id", Type::String, [](const Item &, const auto &) { return str(""); }},
        {"UserAuthenticatedId", "user_AuthenticatedId", Type::String, [](const Item &, const auto &) { return str(""); }},
        {"UserAccountId", "user_AccountId", Type::String, [](const Item &, const auto &) { return str(""); }},
        {"AppVersion", "application_Version", Type::String, [](const Item &i, const auto &) { return str(i.appVersion); }},
        {"ClientType", "client_Type", Type::String, [](const Item &, const auto &) { return str("PC"); }},
        {"ClientModel", "client_Model", Type::String, [](const Item &, const auto &) { return str(""); }},
        {"ClientOS", "client_OS", Type::String, [](const Item &, const auto &) { return str(""); }},
        {"ClientIP", "client_IP", Type::String, [](const Item &, const auto &) { return str("0.0.0.0"); }},
        {"ClientCity", "client_City", Type::String, [](const Item &, const auto &) { return str(""); }},
        {"ClientStateOrProvince", "client_StateOrProvince", Type::String, [](const Item &, const auto &) { return str(""); }},
        {"ClientCountryOrRegion", "client_CountryOrRegion", Type::String, [](const Item &, const auto &) { return str(""); }},
        {"ClientBrowser", "client_Browser", Type::String, [](const Item &, const auto &) { return str(""); }},
        {"AppRoleName", "cloud_RoleName", Type::String, [](const Item &i, const auto &) { return str(i.role); }},
        {"AppRoleInstance", "cloud_RoleInstance", Type::String, [](const Item &i, const auto &) { return str(i.roleInstance); }},
        {"", "appId", Type::String, [](const Item &, const TelemetryTables::Identity &id) { return str(id.appId); }},
        {"", "appName", Type::String, [](const Item &, const TelemetryTables::Identity &id) { return str(id.appName); }},
        {"IKey", "iKey", Type::String, [](const Item &, const TelemetryTables::Identity &id) { return str(id.instrumentationKey); }},
        {"SDKVersion", "sdkVersion", Type::String, [](const Item &, const auto &) { return str("dotnet-otel:1.3.0"); }},
        {"", "itemId", Type::String, [](const Item &i, const auto &) { return str(i.id.empty() ? i.operationId : i.id); }},
        {"", "itemType", Type::String, [it](const Item &, const auto &) { return str(it); }},
        {"ItemCount", "itemCount", Type::Int, [](const Item &i, const auto &) { return Value::integer(i.itemCount, Type::Int); }},
        {"SourceSystem", "", Type::String, [](const Item &, const auto &) { return str("Azure"); }},
        {"Type", "", Type::String, [wt](const Item &, const auto &) { return str(wt); }},
        {"_ResourceId", "", Type::String, [](const Item &, const TelemetryTables::Identity &id) { return str(id.resourceId); }},
    };
}

Getter props()
{
    return [](const Item &i, const auto &) { return Value::dynamic(i.properties); };
}

Getter measures()
{
    return [](const Item &i, const auto &) { return Value::dynamic(i.measurements); };
}

const std::vector<ColumnDef> &definition(Kind kind)
{
    static const std::map<Kind, std::vector<ColumnDef>> defs = [] {
        std::map<Kind, std::vector<ColumnDef>> d;
        auto requests = common("request", "AppRequests");
        std::vector<ColumnDef> r = {
            {"Id", "id", Type::String, [](const Item &i, const auto &) { return str(i.id); }},
            {"Source", "source", Type::String, [](const Item &i, const auto &) { return str(i.source); }},
            {"Name", "name", Type::String, [](const Item &i, const auto &) { return str(i.name); }},
            {"Url", "url", Type::String, [](const Item &i, const auto &) { return str(i.url); }},
            {"Success", "success", Type::Bool, [](const Item &i, const auto &) { return Value::boolean(i.success); }},
            {"ResultCode", "resultCode", Type::String, [](const Item &i, const auto &) { return str(i.resultCode); }},
            {"DurationMs", "duration", Type::Real, [](const Item &i, const auto &) { return Value::real(i.durationMs); }},
            {"PerformanceBucket", "performanceBucket", Type::String,
             [](const Item &i, const auto &) { return str(performanceBucket(i.durationMs)); }},
            {"Properties", "customDimensions", Type::Dynamic, props()},
            {"Measurements", "customMeasurements", Type::Dynamic, measures()},
        };
        requests.insert(requests.begin() + 2, r.begin(), r.end());
        d[Kind::Requests] = requests;

        auto deps = common("dependency", "AppDependencies");
        std::vector<ColumnDef> dp = {
            {"Id", "id", Type::String, [](const Item &i, const auto &) { return str(i.id); }},
            {"Target", "target", Type::String, [](const Item &i, const auto &) { return str(i.target); }},
            {"DependencyType", "type", Type::String, [](const Item &i, const auto &) { return str(i.type); }},
            {"Name", "name", Type::String, [](const Item &i, const auto &) { return str(i.name); }},
            {"Data", "data", Type::String, [](const Item &i, const auto &) { return str(i.data); }},
            {"Success", "success", Type::Bool, [](const Item &i, const auto &) { return Value::boolean(i.success); }},
            {"ResultCode", "resultCode", Type::String, [](const Item &i, const auto &) { return str(i.resultCode); }},
            {"DurationMs", "duration", Type::Real, [](const Item &i, const auto &) { return Value::real(i.durationMs); }},
            {"PerformanceBucket", "performanceBucket", Type::String,
             [](const Item &i, const auto &) { return str(performanceBucket(i.durationMs)); }},
            {"Properties", "customDimensions", Type::Dynamic, props()},
            {"Measurements", "customMeasurements", Type::Dynamic, measures()},
        };
        deps.insert(deps.begin() + 2, dp.begin(), dp.end());
        d[Kind::Dependencies] = deps;

        auto ex = common("exception", "AppExceptions");
        std::vector<ColumnDef> e = {
            {"ProblemId", "problemId", Type::String, [](const Item &i, const auto &) { return str(i.problemId); }},
            {"HandledAt", "handledAt", Type::String, [](const Item &, const auto &) { return str("UserCode"); }},
            {"ExceptionType", "type", Type::String, [](const Item &i, const auto &) { return str(i.exceptionType); }},
            {"Assembly", "assembly", Type::String, [](const Item &i, const auto &) { return str(i.assembly); }},
            {"Method", "method", Type::String, [](const Item &i, const auto &) { return str(i.method); }},
            {"OuterType", "outerType", Type::String, [](const Item &i, const auto &) { return str(i.exceptionType); }},
            {"OuterMessage", "outerMessage", Type::String, [](const Item &i, const auto &) { return str(i.message); }},
            {"OuterAssembly", "outerAssembly", Type::String, [](const Item &i, const auto &) { return str(i.assembly); }},
            {"OuterMethod", "outerMethod", Type::String, [](const Item &i, const auto &) { return str(i.method); }},
            {"InnermostType", "innermostType", Type::String, [](const Item &i, const auto &) { return str(i.exceptionType); }},
            {"InnermostMessage", "innermostMessage", Type::String, [](const Item &i, const auto &) { return str(i.message); }},
            {"InnermostAssembly", "innermostAssembly", Type::String, [](const Item &i, const auto &) { return str(i.assembly); }},
            {"InnermostMethod", "innermostMethod", Type::String, [](const Item &i, const auto &) { return str(i.method); }},
            {"", "message", Type::String, [](const Item &i, const auto &) { return str(i.message); }},
            {"SeverityLevel", "severityLevel", Type::Int, [](const Item &, const auto &) { return Value::integer(3, Type::Int); }},
            {"Details", "details", Type::Dynamic,
             [](const Item &i, const auto &) {
                 return Value::dynamic(nlohmann::json::array({{{"outerId", "0"}, {"type", i.exceptionType},
                                                               {"message", i.message}, {"parsedStack", nlohmann::json::array()}}}));
             }},
            {"Properties", "customDimensions", Type::Dynamic, props()},
            {"Measurements", "customMeasurements", Type::Dynamic, measures()},
        };
        ex.insert(ex.begin() + 2, e.begin(), e.end());
        d[Kind::Exceptions] = ex;

        auto ev = common("customEvent", "AppEvents");
        std::vector<ColumnDef> v = {
            {"Name", "name", Type::String, [](const Item &i, const auto &) { return str(i.name); }},
            {"Properties", "customDimensions", Type::Dynamic, props()},
            {"Measurements", "customMeasurements", Type::Dynamic, measures()},
        };
        ev.insert(ev.begin() + 2, v.begin(), v.end());
        d[Kind::Events] = ev;

        auto mt = common("customMetric", "AppMetrics");
        std::vector<ColumnDef> m = {
            {"Name", "name", Type::String, [](const Item &i, const auto &) { return str(i.name); }},
            {"", "value", Type::Real, [](const Item &i, const auto &) { return Value::real(i.sum); }},
            {"", "valueCount", Type::Int, [](const Item &i, const auto &) { return Value::integer(i.itemCount, Type::Int); }},
            {"Sum", "valueSum", Type::Real, [](const Item &i, const auto &) { return Value::real(i.sum); }},
            {"Min", "valueMin", Type::Real, [](const Item &i, const auto &) { return Value::real(i.min); }},
            {"Max", "valueMax", Type::Real, [](const Item &i, const auto &) { return Value::real(i.max); }},
            {"", "valueStdDev", Type::Real, [](const Item &, const auto &) { return Value::real(0); }},
            {"Properties", "customDimensions", Type::Dynamic, props()},
        };
        mt.insert(mt.begin() + 2, m.begin(), m.end());
        // Classic customMetrics rows are pre-aggregated: itemCount 1, the measurement count in valueCount;
        // the workspace's AppMetrics keeps that count in ItemCount.
        for (auto &c : mt)
            if (std::string(c.classic) == "itemCount")
                c.classic = "";
        mt.push_back({"", "itemCount", Type::Int, [](const Item &, const auto &) { return Value::integer(1, Type::Int); }});
        d[Kind::Metrics] = mt;
        return d;
    }();
    return defs.at(kind);
}

std::optional<Kind> kindOf(TelemetrySchema schema, const std::string &name)
{
    static const std::map<std::string, Kind> workspace = {{"AppRequests", Kind::Requests},
                                                          {"AppDependencies", Kind::Dependencies},
                                                          {"AppExceptions", Kind::Exceptions},
                                                          {"AppEvents", Kind::Events},
                                                          {"AppMetrics", Kind::Metrics}};
    static const std::map<std::string, Kind> classic = {{"requests", Kind::Requests},
                                                        {"dependencies", Kind::Dependencies},
                                                        {"exceptions", Kind::Exceptions},
                                                        {"customEvents", Kind::Events},
                                                        {"customMetrics", Kind::Metrics}};
    const auto &m = schema == TelemetrySchema::Workspace ? workspace : classic;
    const auto it = m.find(name);
    if (it == m.end())
        return std::nullopt;
    return it->second;
}

std::string hexId(Rng &rng, int length, bool wanted = true)
{
    return wanted ? rng.hex(length) : std::string();
}

std::string noun(const std::string &service)
{
    std::string n = service;
    const std::string suffix = "service";
    if (n.size() > suffix.size() && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0)
        n = n.substr(0, n.size() - suffix.size());
    return n;
}

// Integer count of a fractional one, rounded up or down by a deterministic coin.
std::int64_t roundCount(double x, double coin)
{
    const double f = std::floor(x);
    return static_cast<std::int64_t>(f) + (coin < x - f ? 1 : 0);
}

// A median-centred log-normal sample: most requests near `median`, a tail several times longer.
double lognormal(Rng &rng, double median, double sigma)
{
    const double u1 = std::max(1e-12, rng.uniform());
    const double u2 = rng.uniform();
    const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * 3.14159265358979323846 * u2);
    return median * std::exp(sigma * z);
}

// The standard normal quantile (Newton on the CDF; monotone from 0 since the CDF is concave beyond it).
double normalQuantile(double q)
{
    q = std::clamp(q, 1e-9, 1.0 - 1e-9);
    double z = 0;
    for (int i = 0; i < 60; ++i) {
        const double cdf = 0.5 * std::erfc(-z / std::sqrt(2.0));
        const double pdf = std::exp(-0.5 * z * z) / std::sqrt(2.0 * 3.14159265358979323846);
        const double step = (cdf - q) / std::max(pdf, 1e-300);
        z -= step;
        if (std::abs(step) < 1e-9)
            break;
    }
    return z;
}

std::uint64_t nameHash(const std::string &s)
{
    std::uint64_t h = 1469598103934665603ULL;
    for (const char c : s)
        h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    return h;
}

} // namespace

TelemetryTables::TelemetryTables(const Simulation &simulation, Identity identity)
    : m_simulation(simulation)
    , m_identity(std::move(identity))
{}

std::vector<std::string> TelemetryTables::tableNames(TelemetrySchema schema)
{
    if (schema == TelemetrySchema::Workspace)
        return {"AppRequests", "AppDependencies", "AppExceptions", "AppEvents", "AppMetrics"};
    return {"requests", "dependencies", "exceptions", "customEvents", "customMetrics"};
}

std::vector<kql::Column> TelemetryTables::columns(TelemetrySchema schema, const std::string &name)
{
    std::vector<kql::Column> out;
    const auto kind = kindOf(schema, name);
    if (!kind)
        return out;
    for (const auto &c : definition(*kind)) {
        const char *n = schema == TelemetrySchema::Workspace ? c.workspace : c.classic;
        if (*n)
            out.push_back({n, c.type});
    }
    return out;
}

std::optional<kql::Table> TelemetryTables::table(TelemetrySchema schema, const std::string &name,
                                                 const TelemetryScope &scope) const
{
    const auto kind = kindOf(schema, name);
    if (!kind)
        return std::nullopt;
    kql::Table table;
    table.name = name;
    std::vector<const ColumnDef *> picked;
    for (const auto &c : definition(*kind)) {
        const char *n = schema == TelemetrySchema::Workspace ? c.workspace : c.classic;
        if (!*n)
            continue;
        table.columns.push_back({n, c.type});
        picked.push_back(scope.columns && !scope.columns->count(n) ? nullptr : &c);
    }
    const auto emit = [&](const Item &item) {
        if (item.time < scope.fromTicks || item.time >= scope.toTicks)
            return;
        kql::Row row;
        row.reserve(picked.size());
        for (std::size_t i = 0; i < picked.size(); ++i)
            row.push_back(picked[i] ? picked[i]->get(item, m_identity) : Value::null(table.columns[i].type));
        table.rows.push_back(std::move(row));
    };

    const Scenario *scenario = m_simulation.scenario();
    if (!scenario)
        return table;
    std::map<std::string, const ServiceSpec *> services;
    for (const auto &s : scenario->services)
        services[s.name] = &s;
    const auto versionOf = [&](const std::string &service, const std::string &track) {
        const auto it = services.find(service);
        if (it == services.end())
            return std::string();
        return track == "canary" ? it->second->canary.version : it->second->stable.version;
    };
    // Three pods per track, named as their ReplicaSet would name them (cached: rows ask often).
    std::map<std::string, std::vector<std::string>> pods;
    const auto instanceOf = [&](const std::string &service, const std::string &track, std::uint64_t n) -> const std::string & {
        auto &names = pods[service + "/" + track];
        if (names.empty()) {
            Rng r(Rng::mix(nameHash(service + "/" + track)));
            const std::string rs = r.hex(9);
            for (int i = 0; i < 3; ++i)
                names.push_back(service + "-" + track + "-" + rs + "-" + r.suffix(5));
        }
        return names[n % names.size()];
    };
    // Ids cost; make them only when the query reads them.
    static const std::set<std::string> idColumns = {"Id", "id", "OperationId", "operation_Id", "ParentId",
                                                    "operation_ParentId", "itemId"};
    bool wantIds = !scope.columns;
    if (scope.columns)
        for (const auto &c : *scope.columns)
            wantIds = wantIds || idColumns.count(c) > 0;
    const std::int64_t ticksPerMinute = 60 * kql::kTicksPerSecond;

    if (*kind == Kind::Metrics) {
        PollyEventQuery q;
        q.since = std::chrono::system_clock::time_point(std::chrono::microseconds(scope.fromTicks / 10));
        if (scope.toTicks != INT64_MAX)
            q.until = std::chrono::system_clock::time_point(std::chrono::microseconds(scope.toTicks / 10));
        for (const auto &e : m_simulation.telemetry().query(q)) {
            Item item;
            item.time = Value::fromTime(e.time).asInt();
            item.role = e.service;
            item.roleInstance = instanceOf(e.service, e.track, static_cast<std::uint64_t>(item.time));
            item.appVersion = versionOf(e.service, e.track);
            nlohmann::json p = {{"event.name", e.eventName},       {"event.severity", e.severity},
                                {"pipeline.name", e.pipelineName}, {"pipeline.instance", e.pipelineInstance},
                                {"strategy.name", e.strategyName}, {"operation.key", e.operationKey},
                                {"version", e.track}};
            if (!e.exceptionType.empty())
                p["exception.type"] = e.exceptionType;
            item.properties = std::make_shared<const nlohmann::json>(p);
            item.name = "resilience.polly.strategy.events";
            item.sum = static_cast<double>(e.count);
            item.min = 1;
            item.max = 1;
            item.itemCount = static_cast<std::int64_t>(e.count);
            emit(item);
            if (e.attemptDurationMs > 0) {
                item.name = "resilience.polly.strategy.attempt.duration";
                item.sum = e.attemptDurationMs * static_cast<double>(e.count);
                item.min = item.max = e.attemptDurationMs;
                emit(item);
            }
        }
        return table;
    }

    const std::int64_t fromMinute = scope.fromTicks / ticksPerMinute - (scope.fromTicks < 0 ? 1 : 0);
    const std::int64_t toMinute = scope.toTicks == INT64_MAX ? INT64_MAX : scope.toTicks / ticksPerMinute;
    const auto records = m_simulation.appTelemetry().range(fromMinute, toMinute);
    // Sampling: as many rows per track-minute as the budget allows (at most 12).
    const std::size_t perMinute = std::clamp<std::size_t>(scope.maxRows / std::max<std::size_t>(1, records.size()), 1, 12);
    const std::uint64_t seed = 0x61707069ULL; // fixed: the same minute gives the same rows
    for (const auto &rec : records) {
        const TrackMinute &m = rec.data;
        const auto spec = services.find(rec.service);
        if (spec == services.end())
            continue;
        Rng rng(Rng::mix(seed ^ nameHash(rec.service + "/" + rec.track) ^ Rng::mix(static_cast<std::uint64_t>(rec.minute))));
        const std::int64_t minuteTicks = rec.minute * ticksPerMinute;
        const double span = std::clamp(m.seconds, 1.0, 60.0);
        const auto timeAt = [&]() { return minuteTicks + static_cast<std::int64_t>(rng.uniform() * span * kql::kTicksPerSecond); };
        const std::string version = versionOf(rec.service, rec.track);
        const std::string n = noun(rec.service);
        const std::string path = "/api/" + n + "s";
        auto properties = std::make_shared<const nlohmann::json>(nlohmann::json{
            {"version", rec.track}, {"k8s.namespace.name", scenario->namespaceName},
            {"k8s.deployment.name", rec.service + "-" + rec.track}});
        Item base;
        base.role = rec.service;
        base.appVersion = version;
        base.properties = properties;
        base.measurements = nullptr;
        base.source = "";
        const auto distribute = [&](std::int64_t total, std::size_t maxRows, const std::function<void(std::int64_t)> &make) {
            if (total <= 0)
                return;
            const auto rows = static_cast<std::int64_t>(std::min<std::size_t>(maxRows, static_cast<std::size_t>(total)));
            for (std::int64_t r = 0; r < rows; ++r)
                make(total / rows + (r < total % rows ? 1 : 0));
        };
        switch (*kind) {
        case Kind::Requests: {
            const std::int64_t failed = roundCount(m.failed, rng.uniform());
            const std::int64_t ok = std::max<std::int64_t>(0, roundCount(m.requests, rng.uniform()) - failed);
            // Durations of the successful rows are stratified over the log-normal (row r of n from the
            // narrow slice around (r + 1/2) / n), so a nearest-rank percentile over a handful of rows
            // reads the track's distribution instead of the luck of 12 independent draws; failures are
            // fast (rejected or short-circuited) and kept to a few rows, so the p95 of a busy track and
            // of its 10 % canary lands on the same order statistic however many failures each sampled.
            const std::int64_t okRows = std::min<std::int64_t>(static_cast<std::int64_t>(perMinute), ok);
            std::int64_t okRow = 0;
            const auto makeRequest = [&](std::int64_t count, bool success, const std::string &code) {
                Item i = base;
                i.time = timeAt();
                const double pick = rng.uniform();
                const bool post = success && pick < 0.1;
                const bool byId = code == "404" || (!post && pick < 0.45);
                i.name = post ? "POST " + path : byId ? "GET " + path + "/{id}" : "GET " + path;
                i.url = "http://" + rec.service + (post || !byId ? path : path + "/" + std::to_string(rng.between(1, 9999)));
                i.operationName = i.name;
                i.operationId = hexId(rng, 32, wantIds);
                i.parentId = hexId(rng, 16, wantIds);
                i.id = hexId(rng, 16, wantIds);
                i.success = success;
                i.resultCode = success ? (post ? "201" : "200") : code;
                if (success) {
                    const double q = (static_cast<double>(okRow++) + 0.4 + 0.2 * rng.uniform())
                        / static_cast<double>(std::max<std::int64_t>(1, okRows));
                    i.durationMs = m.latencyMs * std::exp(0.35 * normalQuantile(q));
                } else {
                    i.durationMs = lognormal(rng, m.latencyMs * 0.6, 0.3);
                }
                i.roleInstance = instanceOf(rec.service, rec.track, rng.next());
                i.itemCount = count;
                emit(i);
            };
            distribute(ok, perMinute, [&](std::int64_t c) { makeRequest(c, true, "200"); });
            for (const auto &[code, count] : m.failuresByCode)
                distribute(roundCount(count * (m.failed > 0 ? static_cast<double>(failed) / m.failed : 0), rng.uniform()),
                           std::max<std::size_t>(1, perMinute / 4), [&](std::int64_t c) { makeRequest(c, false, code); });
            break;
        }
        case Kind::Dependencies:
            for (const auto &d : m.dependencies) {
                const std::int64_t failed = roundCount(d.failed, rng.uniform());
                const std::int64_t ok = std::max<std::int64_t>(0, roundCount(d.calls, rng.uniform()) - failed);
                const auto makeDep = [&](std::int64_t count, bool success) {
                    Item i = base;
                    i.time = timeAt();
                    i.type = d.type;
                    i.target = d.target;
                    i.name = d.operation;
                    i.data = d.type == "HTTP" ? "http://" + d.target + "/api/items"
                                              : d.type == "SQL" ? "SELECT * FROM [" + d.name + "]" : d.operation;
                    i.operationId = hexId(rng, 32, wantIds);
                    i.operationName = "GET " + path;
                    i.id = hexId(rng, 16, wantIds);
                    i.parentId = hexId(rng, 16, wantIds);
                    i.success = success;
                    i.resultCode = success ? (d.type == "HTTP" ? "200" : d.type == "SQL" ? "0" : "") : d.failureCode;
                    i.durationMs = lognormal(rng, std::max(0.5, d.latencyMs), 0.3);
                    i.roleInstance = instanceOf(rec.service, rec.track, rng.next());
                    i.itemCount = count;
                    emit(i);
                };
                distribute(ok, std::max<std::size_t>(1, perMinute / 2), [&](std::int64_t c) { makeDep(c, true); });
                distribute(failed, std::max<std::size_t>(1, perMinute / 4), [&](std::int64_t c) { makeDep(c, false); });
            }
            break;
        case Kind::Exceptions: {
            double withException = 0;
            for (const auto &[code, count] : m.failuresByCode)
                if (code != "404")
                    withException += count;
            if (m.exceptionType.empty())
                break;
            const std::int64_t count = roundCount(withException, rng.uniform());
            distribute(count, std::max<std::size_t>(1, perMinute / 4), [&](std::int64_t c) {
                Item i = base;
                i.time = timeAt();
                i.exceptionType = m.exceptionType;
                i.message = m.exceptionMessage;
                const auto dot = m.exceptionType.rfind('.');
                i.assembly = (dot == std::string::npos ? m.exceptionType : m.exceptionType.substr(0, dot))
                    + ", Version=8.0.0.0, Culture=neutral";
                i.method = n + "service.Controllers." + char(std::toupper(static_cast<unsigned char>(n[0]))) + n.substr(1)
                    + "sController.Get";
                i.problemId = m.exceptionType + " at " + i.method;
                i.operationId = hexId(rng, 32, wantIds);
                i.operationName = "GET " + path;
                i.parentId = hexId(rng, 16, wantIds);
                i.roleInstance = instanceOf(rec.service, rec.track, rng.next());
                i.itemCount = c;
                emit(i);
            });
            break;
        }
        case Kind::Events: {
            const std::int64_t count = roundCount(m.requests * 0.1, rng.uniform());
            if (count <= 0)
                break;
            Item i = base;
            i.time = timeAt();
            std::string cap = n;
            if (!cap.empty())
                cap[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(cap[0])));
            i.name = cap + "Requested";
            i.operationId = hexId(rng, 32, wantIds);
            i.operationName = "GET " + path;
            i.roleInstance = instanceOf(rec.service, rec.track, rng.next());
            i.itemCount = count;
            emit(i);
            break;
        }
        case Kind::Metrics: break;
        }
    }
    return table;
}

} // namespace sim
