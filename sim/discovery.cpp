#include "discovery.h"

#include "resourceregistry.h"

#include <algorithm>

namespace sim {

namespace {

nlohmann::json groupJson(const std::string &group)
{
    nlohmann::json versions = nlohmann::json::array();
    for (const auto &[g, v] : kubernetesGroupVersions()) {
        if (g == group)
            versions.push_back({{"groupVersion", g + "/" + v}, {"version", v}});
    }
    return {{"name", group}, {"versions", versions}, {"preferredVersion", versions.front()}};
}

} // namespace

nlohmann::json Discovery::version()
{
    return {{"major", "1"},
            {"minor", "31"},
            {"gitVersion", "v1.31.0"},
            {"gitCommit", "9edcffcde5595e8a5b1a35f88c421764e575afce"},
            {"gitTreeState", "clean"},
            {"buildDate", "2024-08-13T07:28:49Z"},
            {"goVersion", "go1.22.5"},
            {"compiler", "gc"},
            {"platform", "linux/amd64"}};
}

nlohmann::json Discovery::apiVersions(const std::string &serverAddress)
{
    return {{"kind", "APIVersions"},
            {"versions", {"v1"}},
            {"serverAddressByClientCIDRs", {{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", serverAddress}}}}};
}

nlohmann::json Discovery::apiGroupList()
{
    nlohmann::json groups = nlohmann::json::array();
    std::vector<std::string> seen;
    for (const auto &[g, v] : kubernetesGroupVersions()) {
        if (g.empty() || std::find(seen.begin(), seen.end(), g) != seen.end())
            continue;
        seen.push_back(g);
        groups.push_back(groupJson(g));
    }
    return {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}};
}

std::optional<nlohmann::json> Discovery::apiGroup(const std::string &group)
{
    for (const auto &[g, v] : kubernetesGroupVersions()) {
        if (g == group && !g.empty()) {
            nlohmann::json out = groupJson(group);
            out["kind"] = "APIGroup";
            out["apiVersion"] = "v1";
            return out;
        }
    }
    return std::nullopt;
}

std::optional<nlohmann::json> Discovery::resourceList(const std::string &group, const std::string &version)
{
    nlohmann::json resources = nlohmann::json::array();
    bool any = false;
    for (const auto &r : kubernetesResources()) {
        if (r.type.group != group || r.type.version != version)
            continue;
        any = true;
        nlohmann::json entry = {{"name", r.type.plural},
                                {"singularName", r.singular},
                                {"namespaced", r.type.namespaced},
                                {"kind", r.type.kind},
                                {"verbs", r.verbs}};
        if (!r.shortNames.empty())
            entry["shortNames"] = r.shortNames;
        if (!r.categories.empty())
            entry["categories"] = r.categories;
        resources.push_back(entry);
        for (const auto &sub : r.subresources) {
            nlohmann::json s = {{"name", r.type.plural + "/" + sub},
                                {"singularName", ""},
                                {"namespaced", r.type.namespaced},
                                {"kind", r.type.kind},
                                {"verbs", {"get", "patch", "update"}}};
            if (sub == "scale") {
                s["group"] = "autoscaling";
                s["version"] = "v1";
                s["kind"] = "Scale";
            } else if (sub == "proxy") {
                s["kind"] = "ServiceProxyOptions";
                s["verbs"] = {"create", "delete", "get", "patch", "update"};
            }
            resources.push_back(s);
        }
    }
    if (!any)
        return std::nullopt;
    return nlohmann::json{{"kind", "APIResourceList"},
                          {"apiVersion", "v1"},
                          {"groupVersion", group.empty() ? version : group + "/" + version},
                          {"resources", resources}};
}

} // namespace sim
