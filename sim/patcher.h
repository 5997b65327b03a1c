#pragma once

// PATCH semantics by Content-Type (API-CONTRACTS §1): RFC 6902 JSON Patch, RFC 7386 merge patch, and
// the strategic merge patch kubectl sends for built-in types (lists merged by their patch merge key,
// `$patch` directives, `$deleteFromPrimitiveList`, `$setElementOrder` and `$retainKeys` tolerated).

#include "objectstore.h"

#include <string>

namespace sim {

class Patcher
{
public:
    enum class Type { JsonPatch, MergePatch, StrategicMergePatch, ApplyPatch, Unsupported };

    static Type typeFor(const std::string &contentType);

    // Applies `body` (the request body) to `original`. Errors: 400 for a body that does not parse,
    // 422 for a patch that cannot be applied (a failed `test`, a missing path).
    static Outcome<Json> apply(Type type, const Json &original, const std::string &body);

    static Json strategicMerge(const Json &original, const Json &patch);
    static Json yamlToJson(const std::string &yaml); // throws std::runtime_error
};

} // namespace sim
