#include "scenario.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace sim {

namespace {

// Parse errors name the file and the YAML path, e.g. "seed.yaml: services[1].hpa.max: not an integer".
class Reader
{
public:
    explicit Reader(std::string origin) : m_origin(std::move(origin)) {}

    [[noreturn]] void fail(const std::string &where, const std::string &what) const
    {
        throw std::runtime_error(m_origin + ": " + where + ": " + what);
    }

    void allowOnly(const YAML::Node &node, const std::string &where, const std::set<std::string> &keys) const
    {
        if (!node)
            return;
        if (!node.IsMap())
            fail(where, "expected a mapping");
        for (const auto &entry : node) {
            const auto key = entry.first.as<std::string>();
            if (!keys.count(key))
                fail(where, "unknown key \"" + key + "\"");
        }
    }

    template<typename T>
    void read(const YAML::Node &parent, const char *key, const std::string &where, T &into) const
    {
        const YAML::Node node = parent[key];
        if (!node || node.IsNull())
            return;
        try {
            into = node.as<T>();
        } catch (const YAML::Exception &) {
            fail(where + "." + key, "has the wrong type");
        }
    }

    std::vector<std::string> strings(const YAML::Node &parent, const char *key, const std::string &where) const
    {
        std::vector<std::string> result;
        const YAML::Node node = parent[key];
        if (!node || node.IsNull())
            return result;
        if (!node.IsSequence())
            fail(where + "." + key, "expected a list");
        for (const auto &item : node)
            result.push_back(item.as<std::string>());
        return result;
    }

private:
    std::string m_origin;
};

void readTrack(const Reader &r, const YAML::Node &node, const std::string &where, TrackSpec &track)
{
    r.allowOnly(node, where, {"version", "replicas", "history", "changeCause", "broken"});
    if (!node)
        return;
    r.read(node, "version", where, track.version);
    r.read(node, "replicas", where, track.replicas);
    r.read(node, "changeCause", where, track.changeCause);
    r.read(node, "broken", where, track.broken);
    if (node["history"])
        track.history = r.strings(node, "history", where);
    if (track.replicas < 0)
        r.fail(where + ".replicas", "must not be negative");
}

void readResilience(const Reader &r, const YAML::Node &node, const std::string &where, ResilienceSpec &spec)
{
    if (!node)
        return;
    r.allowOnly(node, where, {"retries", "backoffMs", "timeoutMs", "failureThreshold", "breakSeconds"});
    r.read(node, "retries", where, spec.retries);
    r.read(node, "backoffMs", where, spec.backoffMs);
    r.read(node, "timeoutMs", where, spec.timeoutMs);
    r.read(node, "failureThreshold", where, spec.failureThreshold);
    r.read(node, "breakSeconds", where, spec.breakSeconds);
    if (spec.retries < 0 || spec.retries > 10 || spec.backoffMs < 0 || spec.timeoutMs < 1 || spec.failureThreshold < 1
        || spec.breakSeconds < 1)
        r.fail(where, "needs 0 <= retries <= 10, backoffMs >= 0, timeoutMs >= 1, failureThreshold >= 1, "
                      "breakSeconds >= 1");
}

// "productservice" -> "ProductService", "order-events" -> "Order-events": how the services name
// their breakers in health descriptions.
std::string displayNameOf(const std::string &name)
{
    std::string out = name;
    if (!out.empty())
        out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
    const std::string suffix = "service";
    if (out.size() > suffix.size() && out.compare(out.size() - suffix.size(), suffix.size(), suffix) == 0)
        out[out.size() - suffix.size()] = 'S';
    return out;
}

void readDependencies(const Reader &r, const YAML::Node &node, const std::string &where, ServiceSpec &s)
{
    if (!node || node.IsNull())
        return;
    if (!node.IsSequence())
        r.fail(where, "expected a list");
    for (std::size_t i = 0; i < node.size(); ++i) {
        const YAML::Node d = node[i];
        const std::string at = where + "[" + std::to_string(i) + "]";
        r.allowOnly(d, at, {"service", "kind", "name", "displayName", "queue", "critical", "resilience"});
        DependencySpec dep;
        dep.kind = "http";
        dep.resilience = s.resilience;
        r.read(d, "service", at, dep.target);
        r.read(d, "kind", at, dep.kind);
        r.read(d, "name", at, dep.name);
        r.read(d, "displayName", at, dep.displayName);
        r.read(d, "queue", at, dep.queue);
        r.read(d, "critical", at, dep.critical);
        readResilience(r, d["resilience"], at + ".resilience", dep.resilience);
        if (dep.target.empty())
            r.fail(at + ".service", "is required");
        if (dep.kind != "http" && dep.kind != "queue")
            r.fail(at + ".kind", "must be \"http\" or \"queue\", not \"" + dep.kind + "\"");
        if (dep.kind == "queue" && dep.queue.empty())
            dep.queue = dep.target + "-queue";
        if (dep.name.empty())
            dep.name = dep.kind == "queue" ? dep.queue : dep.target;
        if (dep.displayName.empty())
            dep.displayName = displayNameOf(dep.kind == "queue" ? dep.queue : dep.target);
        s.dependencies.push_back(std::move(dep));
    }
}

// Per-service settings that `defaults` and `generate.template` may also carry.
void readServiceSettings(const Reader &r, const YAML::Node &node, const std::string &where, ServiceSpec &s)
{
    readResilience(r, node["resilience"], where + ".resilience", s.resilience);
    r.read(node, "routing", where, s.routing);
    r.read(node, "canaryWeight", where, s.canaryWeight);
    r.read(node, "maxUnavailable", where, s.maxUnavailable);
    if (const auto res = node["resources"]) {
        r.allowOnly(res, where + ".resources", {"cpuRequest", "memoryRequest", "cpuLimit", "memoryLimit"});
        r.read(res, "cpuRequest", where + ".resources", s.cpuRequest);
        r.read(res, "memoryRequest", where + ".resources", s.memoryRequest);
        r.read(res, "cpuLimit", where + ".resources", s.cpuLimit);
        r.read(res, "memoryLimit", where + ".resources", s.memoryLimit);
    }
    if (const auto t = node["traffic"]) {
        r.allowOnly(t, where + ".traffic", {"baseRps", "cpuPerRequest", "idleCpu", "memoryMi"});
        r.read(t, "baseRps", where + ".traffic", s.traffic.baseRps);
        r.read(t, "cpuPerRequest", where + ".traffic", s.traffic.cpuPerRequest);
        r.read(t, "idleCpu", where + ".traffic", s.traffic.idleCpu);
        r.read(t, "memoryMi", where + ".traffic", s.traffic.memoryMi);
    }
    if (const auto h = node["hpa"]) {
        r.allowOnly(h, where + ".hpa", {"min", "max", "targetCpu"});
        s.hpa.enabled = s.hpa.enabled || h["max"].IsDefined();
        r.read(h, "min", where + ".hpa", s.hpa.minReplicas);
        r.read(h, "max", where + ".hpa", s.hpa.maxReplicas);
        r.read(h, "targetCpu", where + ".hpa", s.hpa.targetCpuUtilization);
    }
}

const std::set<std::string> kSettingKeys = {"routing", "canaryWeight", "maxUnavailable", "resources",
                                            "traffic", "hpa", "resilience"};

std::set<std::string> withSettings(std::set<std::string> keys)
{
    keys.insert(kSettingKeys.begin(), kSettingKeys.end());
    return keys;
}

void validate(const Reader &r, const ServiceSpec &s, const std::string &where)
{
    if (s.name.empty())
        r.fail(where, "a service needs a name");
    if (s.routing != "ingress" && s.routing != "httproute")
        r.fail(where + ".routing", "must be \"ingress\" or \"httproute\", not \"" + s.routing + "\"");
    if (s.canaryWeight < 0 || s.canaryWeight > 100)
        r.fail(where + ".canaryWeight", "must lie in 0..100");
    if (s.stable.version.empty())
        r.fail(where + ".stable.version", "is required");
    if (s.hasCanary && s.canary.version.empty())
        r.fail(where + ".canary.version", "is required (or leave out the canary section)");
    if (s.hpa.enabled && (s.hpa.minReplicas < 1 || s.hpa.maxReplicas < s.hpa.minReplicas))
        r.fail(where + ".hpa", "needs 1 <= min <= max");
    if (s.hpa.enabled && (s.hpa.targetCpuUtilization < 1))
        r.fail(where + ".hpa.targetCpu", "must be positive");
}

void generateServices(const Reader &r, const YAML::Node &gen, const ServiceSpec &defaults, Scenario &scenario)
{
    r.allowOnly(gen, "generate",
                {"services", "podsPerService", "canaryPods", "namePrefix", "stableVersion", "canaryVersion",
                 "history", "canaryWeightEvery", "canaryWeight", "httprouteEvery", "template"});
    int count = 0;
    int podsPerService = 10;
    int canaryPods = 1;
    int canaryWeightEvery = 0;
    int canaryWeight = 10;
    int httprouteEvery = 0;
    std::string prefix = "svc";
    std::string stableVersion = "2.3.1";
    std::string canaryVersion = "2.4.0-rc1";
    r.read(gen, "services", "generate", count);
    r.read(gen, "podsPerService", "generate", podsPerService);
    r.read(gen, "canaryPods", "generate", canaryPods);
    r.read(gen, "namePrefix", "generate", prefix);
    r.read(gen, "stableVersion", "generate", stableVersion);
    r.read(gen, "canaryVersion", "generate", canaryVersion);
    r.read(gen, "canaryWeightEvery", "generate", canaryWeightEvery);
    r.read(gen, "canaryWeight", "generate", canaryWeight);
    r.read(gen, "httprouteEvery", "generate", httprouteEvery);
    const auto history = r.strings(gen, "history", "generate");
    if (count < 0 || count > 100000 || podsPerService < 1 || canaryPods < 0 || canaryPods >= podsPerService)
        r.fail("generate", "needs 0 <= services <= 100000 and 0 <= canaryPods < podsPerService");
    ServiceSpec base = defaults;
    if (const auto t = gen["template"]) {
        r.allowOnly(t, "generate.template", kSettingKeys);
        readServiceSettings(r, t, "generate.template", base);
    }
    for (int i = 1; i <= count; ++i) {
        ServiceSpec s = base;
        char name[64];
        std::snprintf(name, sizeof name, "%s-%04d", prefix.c_str(), i);
        s.name = name;
        s.stable.version = stableVersion;
        s.stable.replicas = podsPerService - canaryPods;
        s.stable.history = history;
        s.hasCanary = canaryPods > 0;
        s.canary.version = canaryVersion;
        s.canary.replicas = canaryPods;
        s.canaryWeight = canaryWeightEvery > 0 && i % canaryWeightEvery == 0 ? canaryWeight : 0;
        s.routing = httprouteEvery > 0 && i % httprouteEvery == 0 ? "httproute" : "ingress";
        if (s.hpa.enabled) {
            s.hpa.minReplicas = std::min(s.hpa.minReplicas, s.stable.replicas);
            s.hpa.maxReplicas = std::max(s.hpa.maxReplicas, s.stable.replicas);
        }
        scenario.services.push_back(std::move(s));
    }
}

void readCosts(const Reader &r, const YAML::Node &node, CostSpec &costs)
{
    r.allowOnly(node, "costs",
                {"currency", "location", "resourceGroup", "cluster", "nodeSize", "nodeHourPrice", "podsPerNode",
                 "defaultDatabaseTier", "databaseTiers", "budgets"});
    r.read(node, "currency", "costs", costs.currency);
    r.read(node, "location", "costs", costs.location);
    r.read(node, "resourceGroup", "costs", costs.resourceGroup);
    r.read(node, "cluster", "costs", costs.cluster);
    r.read(node, "nodeSize", "costs", costs.nodeSize);
    r.read(node, "nodeHourPrice", "costs", costs.nodeHourPrice);
    r.read(node, "podsPerNode", "costs", costs.podsPerNode);
    r.read(node, "defaultDatabaseTier", "costs", costs.defaultDatabaseTier);
    r.read(node, "databaseTiers", "costs", costs.databaseTiers);
    r.read(node, "budgets", "costs", costs.budgets);
    if (costs.currency.size() != 3 || !(costs.nodeHourPrice >= 0) || costs.podsPerNode < 1)
        r.fail("costs", "needs a 3-letter currency, nodeHourPrice >= 0 and podsPerNode >= 1");
    for (const auto &[name, amount] : costs.budgets)
        if (!(amount > 0))
            r.fail("costs.budgets." + name, "must be a positive amount");
}

} // namespace

Scenario Scenario::load(const std::string &path)
{
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error(path + ": cannot read the scenario file");
    std::stringstream text;
    text << in.rdbuf();
    return parse(text.str(), path);
}

Scenario Scenario::parse(const std::string &yamlText, const std::string &origin)
{
    const Reader r(origin);
    YAML::Node root;
    try {
        root = YAML::Load(yamlText);
    } catch (const YAML::Exception &e) {
        throw std::runtime_error(origin + ": not valid YAML: " + e.what());
    }
    if (!root.IsMap())
        r.fail("top level", "expected a mapping");
    r.allowOnly(root, "top level",
                {"name", "namespace", "registry", "host", "gateway", "ingressAddress", "nodes", "traffic",
                 "historyEvents", "defaults", "services", "generate", "costs", "sql"});

    Scenario scenario;
    r.read(root, "name", "top level", scenario.name);
    r.read(root, "namespace", "top level", scenario.namespaceName);
    r.read(root, "registry", "top level", scenario.registry);
    r.read(root, "host", "top level", scenario.host);
    r.read(root, "gateway", "top level", scenario.gateway);
    r.read(root, "ingressAddress", "top level", scenario.ingressAddress);
    r.read(root, "nodes", "top level", scenario.nodes);
    r.read(root, "historyEvents", "top level", scenario.historyEvents);
    if (scenario.nodes < 1 || scenario.nodes > 1000)
        r.fail("nodes", "must lie in 1..1000");
    if (const auto t = root["traffic"]) {
        r.allowOnly(t, "traffic", {"dailyAmplitude", "peakHourUtc", "noise"});
        r.read(t, "dailyAmplitude", "traffic", scenario.dailyAmplitude);
        r.read(t, "peakHourUtc", "traffic", scenario.peakHourUtc);
        r.read(t, "noise", "traffic", scenario.noise);
    }

    if (const auto c = root["costs"])
        readCosts(r, c, scenario.costs);

    if (const auto sql = root["sql"]) {
        r.allowOnly(sql, "sql", {"server", "location", "retentionDays", "restoreSeconds"});
        r.read(sql, "server", "sql", scenario.sqlServer);
        r.read(sql, "location", "sql", scenario.sqlLocation);
        r.read(sql, "retentionDays", "sql", scenario.sqlRetentionDays);
        r.read(sql, "restoreSeconds", "sql", scenario.sqlRestoreSeconds);
        if (scenario.sqlServer.empty() || scenario.sqlLocation.empty() || scenario.sqlRetentionDays < 1
            || scenario.sqlRetentionDays > 35 || scenario.sqlRestoreSeconds < 1)
            r.fail("sql", "needs a server and a location, 1 <= retentionDays <= 35 and restoreSeconds >= 1");
    }

    ServiceSpec defaults;
    if (const auto d = root["defaults"]) {
        r.allowOnly(d, "defaults", kSettingKeys);
        readServiceSettings(r, d, "defaults", defaults);
    }

    if (const auto services = root["services"]) {
        if (!services.IsSequence())
            r.fail("services", "expected a list");
        for (std::size_t i = 0; i < services.size(); ++i) {
            const YAML::Node node = services[i];
            const std::string where = "services[" + std::to_string(i) + "]";
            r.allowOnly(node, where,
                        withSettings({"name", "image", "path", "database", "sqlDatabase", "stable", "canary", "dependencies"}));
            ServiceSpec s = defaults;
            s.hpa.enabled = false;
            r.read(node, "name", where, s.name);
            readServiceSettings(r, node, where, s);
            r.read(node, "image", where, s.image);
            r.read(node, "path", where, s.path);
            r.read(node, "database", where, s.database);
            r.read(node, "sqlDatabase", where, s.sqlDatabase);
            readTrack(r, node["stable"], where + ".stable", s.stable);
            s.hasCanary = node["canary"].IsDefined();
            readTrack(r, node["canary"], where + ".canary", s.canary);
            readDependencies(r, node["dependencies"], where + ".dependencies", s);
            validate(r, s, where);
            scenario.services.push_back(std::move(s));
        }
    }
    if (const auto gen = root["generate"])
        generateServices(r, gen, defaults, scenario);

    std::set<std::string> names;
    std::set<std::string> sqlNames; // SQL names are case-insensitive
    for (auto &s : scenario.services) {
        if (!names.insert(s.name).second)
            r.fail("services", "duplicate service \"" + s.name + "\"");
        if (s.image.empty())
            s.image = scenario.registry + "/" + s.name;
        if (s.path.empty())
            s.path = "/" + s.name;
        if (s.database.empty())
            s.database = s.name;
        if (s.sqlDatabase.empty())
            s.sqlDatabase = s.database + "-db";
        std::string sqlKey = s.sqlDatabase;
        for (char &c : sqlKey)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (sqlKey == "master" || !sqlNames.insert(sqlKey).second)
            r.fail("services", "\"" + s.name + "\": SQL database \"" + s.sqlDatabase + "\" is taken");
        for (const auto &dep : s.dependencies) {
            if (dep.target == s.name)
                r.fail("services", "\"" + s.name + "\" depends on itself");
        }
        // Every service reaches its own database through a pipeline of its own.
        DependencySpec db;
        db.name = s.database + "-db";
        db.kind = "sql";
        db.target = s.database;
        db.displayName = displayNameOf(s.database) + " database";
        db.critical = true;
        db.resilience = s.resilience;
        s.dependencies.push_back(std::move(db));
    }
    for (const auto &s : scenario.services) {
        for (const auto &dep : s.dependencies) {
            if (dep.kind != "sql" && !names.count(dep.target))
                r.fail("services", "\"" + s.name + "\" depends on unknown service \"" + dep.target + "\"");
        }
    }
    if (scenario.services.empty())
        r.fail("services", "the scenario has no services");
    for (const auto &[name, tier] : scenario.costs.databaseTiers)
        if (!names.count(name))
            r.fail("costs.databaseTiers", "unknown service \"" + name + "\"");
    for (const auto &[name, amount] : scenario.costs.budgets)
        if (name != "subscription" && !names.count(name))
            r.fail("costs.budgets", "unknown service \"" + name + "\" (a service's name or \"subscription\")");
    return scenario;
}

} // namespace sim
