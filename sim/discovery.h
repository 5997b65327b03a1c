#pragma once

// The discovery documents kubectl and client libraries read before anything else: /version, /api,
// /apis, /apis/{group} and the APIResourceLists of each group version (legacy, non-aggregated form:
// clients fall back to it when the answer is plain application/json).

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace sim {

class Discovery
{
public:
    static nlohmann::json version();
    static nlohmann::json apiVersions(const std::string &serverAddress);
    static nlohmann::json apiGroupList();
    static std::optional<nlohmann::json> apiGroup(const std::string &group);
    static std::optional<nlohmann::json> resourceList(const std::string &group, const std::string &version);
};

} // namespace sim
