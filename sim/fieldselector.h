#pragma once

// A Kubernetes field selector (`metadata.name=x,status.phase!=Running`), limited per resource to the
// fields the real API server indexes; any other field is a 400 as there.

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace sim {

class FieldSelector
{
public:
    // `typeId` is the store id ("pods", "events", "deployments.apps"...).
    static std::optional<FieldSelector> parse(const std::string &text, const std::string &typeId,
                                              std::string *error = nullptr);

    bool matches(const nlohmann::json &object) const;
    bool empty() const { return m_terms.empty(); }

    // The value a name-equality term pins (`metadata.name=x`), for cheap single-object lookups.
    std::optional<std::string> pinnedName() const;

private:
    struct Term
    {
        std::string field;
        bool equals = true;
        std::string value;
    };
    static std::string valueOf(const nlohmann::json &object, const std::string &field);
    std::vector<Term> m_terms;
};

} // namespace sim
