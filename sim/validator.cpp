#include "validator.h"

#include "labelselector.h"

#include <cctype>

namespace sim {

namespace {

using apistatus::FieldError;

bool lowerAlnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

std::string quoted(const Json &value)
{
    return value.is_string() ? "\"" + value.get<std::string>() + "\"" : value.dump();
}

void checkNonNegative(std::vector<FieldError> &errors, const Json &value, const std::string &field)
{
    if (value.is_null())
        return;
    if (!value.is_number_integer())
        errors.push_back({"FieldValueInvalid", field, "Invalid value: " + quoted(value) + ": must be an integer"});
    else if (value.get<long long>() < 0)
        errors.push_back({"FieldValueInvalid", field,
                          "Invalid value: " + value.dump() + ": must be greater than or equal to 0"});
}

std::optional<long long> parseInt(const std::string &text)
{
    if (text.empty() || text.size() > 9)
        return std::nullopt;
    for (char c : text) {
        if (!std::isdigit(static_cast<unsigned char>(c)))
            return std::nullopt;
    }
    return std::stoll(text);
}

const Json &at(const Json &j, const char *key)
{
    static const Json null;
    if (!j.is_object())
        return null;
    const auto it = j.find(key);
    return it == j.end() ? null : *it;
}

} // namespace

bool Validator::isDns1123Label(const std::string &name)
{
    if (name.empty() || name.size() > 63 || !lowerAlnum(name.front()) || !lowerAlnum(name.back()))
        return false;
    for (char c : name) {
        if (!lowerAlnum(c) && c != '-')
            return false;
    }
    return true;
}

bool Validator::isDns1123Subdomain(const std::string &name)
{
    if (name.empty() || name.size() > 253)
        return false;
    std::size_t start = 0;
    while (start <= name.size()) {
        std::size_t dot = name.find('.', start);
        if (dot == std::string::npos)
            dot = name.size();
        const std::string part = name.substr(start, dot - start);
        if (part.empty() || !lowerAlnum(part.front()) || !lowerAlnum(part.back()))
            return false;
        for (char c : part) {
            if (!lowerAlnum(c) && c != '-')
                return false;
        }
        start = dot + 1;
        if (dot == name.size())
            break;
    }
    return true;
}

std::vector<FieldError> Validator::validate(const ResourceType &type, const Json &object)
{
    std::vector<FieldError> errors;
    const Json &meta = at(object, "metadata");
    const std::string name = at(meta, "name").is_string() ? at(meta, "name").get<std::string>() : std::string();
    // Services and namespaces are DNS labels; the rest DNS subdomains.
    const bool label = type.plural == "services" || type.plural == "namespaces";
    if (!name.empty() && !(label ? isDns1123Label(name) : isDns1123Subdomain(name))) {
        errors.push_back(
            {"FieldValueInvalid", "metadata.name",
             label ? "Invalid value: \"" + name
                         + "\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or "
                           "'-', and must start and end with an alphanumeric character (e.g. 'my-name',  or "
                           "'123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
                   : "Invalid value: \"" + name
                         + "\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
                           "'-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "
                           "regex used for validation is "
                           "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"});
    }
    for (const char *section : {"labels", "annotations"}) {
        const Json &map = at(meta, section);
        if (!map.is_null() && !map.is_object()) {
            errors.push_back({"FieldValueInvalid", std::string("metadata.") + section, "Invalid value: must be a map"});
            continue;
        }
        if (map.is_object()) {
            for (const auto &[k, v] : map.items()) {
                if (!v.is_string())
                    errors.push_back({"FieldValueInvalid", std::string("metadata.") + section + "[" + k + "]",
                                      "Invalid value: " + v.dump() + ": must be a string"});
            }
        }
    }
    const Json &spec = at(object, "spec");
    const std::string id = type.id();
    if (id == "deployments.apps" || id == "replicasets.apps") {
        checkNonNegative(errors, at(spec, "replicas"), "spec.replicas");
        const Json &selector = at(spec, "selector");
        const Json &templateLabels = at(at(at(spec, "template"), "metadata"), "labels");
        if (!selector.is_object() || selector.empty()) {
            errors.push_back({"FieldValueRequired", "spec.selector", "Required value"});
        } else if (!LabelSelector::fromJson(selector).matches(templateLabels)) {
            errors.push_back({"FieldValueInvalid", "spec.template.metadata.labels",
                              "Invalid value: " + templateLabels.dump()
                                  + ": `selector` does not match template `labels`"});
        }
        if (id == "deployments.apps") {
            const Json &containers = at(at(at(spec, "template"), "spec"), "containers");
            if (!containers.is_array() || containers.empty())
                errors.push_back({"FieldValueRequired", "spec.template.spec.containers", "Required value"});
        }
    }
    if (id == "horizontalpodautoscalers.autoscaling") {
        const Json &minR = at(spec, "minReplicas");
        const Json &maxR = at(spec, "maxReplicas");
        if (minR.is_number_integer() && minR.get<long long>() < 1)
            errors.push_back({"FieldValueInvalid", "spec.minReplicas",
                              "Invalid value: " + minR.dump() + ": must be greater than or equal to 1"});
        if (!maxR.is_number_integer() || maxR.get<long long>() < 1)
            errors.push_back({"FieldValueInvalid", "spec.maxReplicas",
                              "Invalid value: " + quoted(maxR) + ": must be greater than 0"});
        else if (minR.is_number_integer() && maxR.get<long long>() < minR.get<long long>())
            errors.push_back({"FieldValueInvalid", "spec.maxReplicas",
                              "Invalid value: " + maxR.dump() + ": must be greater than or equal to `minReplicas`"});
    }
    if (id == "ingresses.networking.k8s.io") {
        // ingress-nginx's admission webhook refuses canary weights outside 0..canary-weight-total.
        const Json &annotations = at(meta, "annotations");
        static const std::string prefix = "nginx.ingress.kubernetes.io/";
        long long total = 100;
        const Json &totalText = at(annotations, (prefix + "canary-weight-total").c_str());
        if (totalText.is_string()) {
            const auto parsed = parseInt(totalText.get<std::string>());
            if (!parsed || *parsed < 1)
                errors.push_back({"FieldValueInvalid", "metadata.annotations[" + prefix + "canary-weight-total]",
                                  "Invalid value: " + quoted(totalText) + ": must be a positive integer"});
            else
                total = *parsed;
        }
        const Json &weight = at(annotations, (prefix + "canary-weight").c_str());
        if (weight.is_string()) {
            const auto parsed = parseInt(weight.get<std::string>());
            if (!parsed || *parsed > total)
                errors.push_back({"FieldValueInvalid", "metadata.annotations[" + prefix + "canary-weight]",
                                  "Invalid value: " + quoted(weight) + ": must be an integer between 0 and "
                                      + std::to_string(total)});
        }
    }
    return errors;
}

std::vector<FieldError> Validator::validateScale(const Json &scale)
{
    std::vector<FieldError> errors;
    checkNonNegative(errors, at(at(scale, "spec"), "replicas"), "spec.replicas");
    return errors;
}

} // namespace sim
