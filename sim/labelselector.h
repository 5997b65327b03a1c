#pragma once

// A Kubernetes label selector: the query-string grammar (`app=web,version!=canary,tier in (a,b),!x`)
// and the structured form of Deployments and ReplicaSets (matchLabels / matchExpressions).

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace sim {

class LabelSelector
{
public:
    enum class Op { Equals, NotEquals, In, NotIn, Exists, DoesNotExist };
    struct Requirement
    {
        std::string key;
        Op op = Op::Exists;
        std::vector<std::string> values;
    };

    // nullopt and `error` set when the text does not parse.
    static std::optional<LabelSelector> parse(const std::string &text, std::string *error = nullptr);
    // {matchLabels, matchExpressions}; a null selector selects nothing, an empty one everything.
    static LabelSelector fromJson(const nlohmann::json &selector);
    // A Service's spec.selector map (equality only).
    static LabelSelector fromMap(const nlohmann::json &labels);

    bool matches(const nlohmann::json &labels) const; // labels: metadata.labels (may be null)
    bool empty() const { return m_requirements.empty() && !m_nothing; }
    std::string toString() const; // as kubectl prints it
    const std::vector<Requirement> &requirements() const { return m_requirements; }

private:
    std::vector<Requirement> m_requirements;
    bool m_nothing = false;
};

} // namespace sim
