#include "resourceregistry.h"

namespace sim {

namespace {

const std::vector<std::string> kAllVerbs = {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"};

ResourceInfo info(std::string plural, std::string group, std::string version, std::string kind, bool namespaced,
                  std::string singular, std::vector<std::string> shortNames, std::vector<std::string> categories,
                  std::vector<std::string> subresources, std::vector<std::string> verbs = kAllVerbs)
{
    ResourceInfo r;
    r.type = ResourceType{std::move(plural), std::move(group), std::move(version), std::move(kind), namespaced};
    r.singular = std::move(singular);
    r.shortNames = std::move(shortNames);
    r.categories = std::move(categories);
    r.subresources = std::move(subresources);
    r.verbs = std::move(verbs);
    return r;
}

std::vector<ResourceInfo> buildTable()
{
    std::vector<ResourceInfo> table;
    table.push_back(info("namespaces", "", "v1", "Namespace", false, "namespace", {"ns"}, {}, {"status"},
                         {"create", "delete", "get", "list", "patch", "update", "watch"}));
    table.push_back(info("pods", "", "v1", "Pod", true, "pod", {"po"}, {"all"}, {"status"}));
    table.push_back(info("services", "", "v1", "Service", true, "service", {"svc"}, {"all"}, {"status", "proxy"},
                         {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}));
    table.push_back(info("events", "", "v1", "Event", true, "event", {"ev"}, {}, {}));
    table.push_back(info("secrets", "", "v1", "Secret", true, "secret", {}, {}, {}));
    table.push_back(info("configmaps", "", "v1", "ConfigMap", true, "configmap", {"cm"}, {}, {}));
    table.push_back(info("deployments", "apps", "v1", "Deployment", true, "deployment", {"deploy"}, {"all"},
                         {"scale", "status"}));
    table.push_back(info("replicasets", "apps", "v1", "ReplicaSet", true, "replicaset", {"rs"}, {"all"},
                         {"scale", "status"}));
    table.push_back(info("horizontalpodautoscalers", "autoscaling", "v2", "HorizontalPodAutoscaler", true,
                         "horizontalpodautoscaler", {"hpa"}, {"all"}, {"status"}));
    table.push_back(info("ingresses", "networking.k8s.io", "v1", "Ingress", true, "ingress", {"ing"}, {}, {"status"}));
    table.push_back(info("httproutes", "gateway.networking.k8s.io", "v1", "HTTPRoute", true, "httproute", {},
                         {"gateway-api"}, {"status"}));
    table.push_back(info("pods", "metrics.k8s.io", "v1beta1", "PodMetrics", true, "", {}, {}, {}, {"get", "list"}));
    ResourceInfo review = info("selfsubjectaccessreviews", "authorization.k8s.io", "v1", "SelfSubjectAccessReview",
                               false, "selfsubjectaccessreview", {}, {}, {}, {"create"});
    review.stored = false;
    table.push_back(std::move(review));
    return table;
}

} // namespace

const std::vector<ResourceInfo> &kubernetesResources()
{
    static const std::vector<ResourceInfo> table = buildTable();
    return table;
}

const ResourceInfo *findResource(const std::string &group, const std::string &version, const std::string &plural)
{
    for (const auto &r : kubernetesResources()) {
        if (r.type.group == group && r.type.version == version && r.type.plural == plural)
            return &r;
    }
    return nullptr;
}

std::vector<std::pair<std::string, std::string>> kubernetesGroupVersions()
{
    std::vector<std::pair<std::string, std::string>> result;
    for (const auto &r : kubernetesResources()) {
        const std::pair<std::string, std::string> gv{r.type.group, r.type.version};
        bool seen = false;
        for (const auto &existing : result)
            seen = seen || existing == gv;
        if (!seen)
            result.push_back(gv);
    }
    return result;
}

void registerKubernetesTypes(ObjectStore &store)
{
    for (const auto &r : kubernetesResources()) {
        if (r.stored)
            store.registerType(r.type);
    }
}

} // namespace sim
