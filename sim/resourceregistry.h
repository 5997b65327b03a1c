#pragma once

// The Kubernetes resource types opsdeck-sim serves, with what discovery tells clients about them
// (verbs, short names, categories, subresources). One table, used by the store, the simulation and
// the API server's discovery documents.

#include "objectstore.h"

#include <string>
#include <vector>

namespace sim {

struct ResourceInfo
{
    ResourceType type;
    std::string singular;
    std::vector<std::string> verbs;
    std::vector<std::string> shortNames;
    std::vector<std::string> categories;
    std::vector<std::string> subresources; // e.g. "status", "scale", "proxy"
    bool stored = true;                      // false: answered by the server, never stored (reviews)
};

// Every served resource, in discovery order.
const std::vector<ResourceInfo> &kubernetesResources();

// The entry for a group/version/plural, or nullptr.
const ResourceInfo *findResource(const std::string &group, const std::string &version, const std::string &plural);

// The served group versions in discovery order, e.g. {"", "v1"}, {"apps", "v1"}, ...
std::vector<std::pair<std::string, std::string>> kubernetesGroupVersions();

// Registers every stored type with the store (ids: "pods", "deployments.apps", "pods.metrics.k8s.io"...).
void registerKubernetesTypes(ObjectStore &store);

} // namespace sim
