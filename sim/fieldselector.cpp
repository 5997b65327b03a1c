#include "fieldselector.h"

#include <algorithm>

namespace sim {

namespace {

// The fields each resource's field selector supports in the real API server (field label conversion).
bool supported(const std::string &typeId, const std::string &field)
{
    if (field == "metadata.name" || field == "metadata.namespace")
        return true;
    static const std::vector<std::string> pod = {"spec.nodeName",           "spec.restartPolicy", "spec.schedulerName",
                                                 "spec.serviceAccountName", "spec.hostNetwork",   "status.phase",
                                                 "status.podIP",            "status.nominatedNodeName"};
    static const std::vector<std::string> event = {"involvedObject.kind",      "involvedObject.namespace",
                                                   "involvedObject.name",      "involvedObject.uid",
                                                   "involvedObject.apiVersion", "involvedObject.resourceVersion",
                                                   "involvedObject.fieldPath", "reason",
                                                   "reportingComponent",       "source",
                                                   "type"};
    const auto has = [&field](const std::vector<std::string> &list) {
        return std::find(list.begin(), list.end(), field) != list.end();
    };
    if (typeId == "pods")
        return has(pod);
    if (typeId == "events")
        return has(event);
    if (typeId == "secrets")
        return field == "type";
    if (typeId == "replicasets.apps")
        return field == "status.replicas";
    return false;
}

std::string trim(const std::string &s)
{
    const auto b = s.find_first_not_of(' ');
    const auto e = s.find_last_not_of(' ');
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

} // namespace

std::optional<FieldSelector> FieldSelector::parse(const std::string &text, const std::string &typeId, std::string *error)
{
    FieldSelector selector;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t comma = text.find(',', start);
        if (comma == std::string::npos)
            comma = text.size();
        const std::string part = trim(text.substr(start, comma - start));
        start = comma + 1;
        if (part.empty()) {
            if (comma == text.size())
                break;
            continue;
        }
        Term term;
        std::size_t op = part.find("!=");
        std::size_t opLength = 2;
        if (op != std::string::npos) {
            term.equals = false;
        } else if ((op = part.find("==")) != std::string::npos) {
            opLength = 2;
        } else if ((op = part.find('=')) != std::string::npos) {
            opLength = 1;
        } else {
            if (error)
                *error = "invalid selector: '" + text + "'; can't understand '" + part + "'";
            return std::nullopt;
        }
        term.field = trim(part.substr(0, op));
        term.value = trim(part.substr(op + opLength));
        if (!supported(typeId, term.field)) {
            if (error)
                *error = "field label not supported: " + term.field;
            return std::nullopt;
        }
        selector.m_terms.push_back(std::move(term));
    }
    return selector;
}

std::string FieldSelector::valueOf(const nlohmann::json &object, const std::string &field)
{
    if (field == "source") {
        const auto &src = object.contains("source") ? object["source"] : nlohmann::json();
        return src.is_object() ? src.value("component", std::string()) : std::string();
    }
    const nlohmann::json *node = &object;
    std::size_t start = 0;
    while (start < field.size()) {
        std::size_t dot = field.find('.', start);
        if (dot == std::string::npos)
            dot = field.size();
        const std::string key = field.substr(start, dot - start);
        start = dot + 1;
        if (!node->is_object())
            return {};
        const auto it = node->find(key);
        if (it == node->end())
            return {};
        node = &*it;
    }
    if (node->is_string())
        return node->get<std::string>();
    if (node->is_null())
        return {};
    return node->dump();
}

bool FieldSelector::matches(const nlohmann::json &object) const
{
    for (const auto &term : m_terms) {
        if ((valueOf(object, term.field) == term.value) != term.equals)
            return false;
    }
    return true;
}

std::optional<std::string> FieldSelector::pinnedName() const
{
    for (const auto &term : m_terms) {
        if (term.field == "metadata.name" && term.equals)
            return term.value;
    }
    return std::nullopt;
}

} // namespace sim
