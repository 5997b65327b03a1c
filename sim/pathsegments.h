#pragma once

// Splits a URL path into its non-empty segments ("/api/v1//pods" → api, v1, pods): every router in the
// sim (Kubernetes, chaos, API faults, Azure) matches routes on these.

#include <string>
#include <vector>

namespace sim {

inline std::vector<std::string> pathSegments(const std::string &path)
{
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start < path.size()) {
        std::size_t slash = path.find('/', start);
        if (slash == std::string::npos)
            slash = path.size();
        if (slash > start)
            parts.push_back(path.substr(start, slash - start));
        start = slash + 1;
    }
    return parts;
}

} // namespace sim
