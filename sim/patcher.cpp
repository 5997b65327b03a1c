#include "patcher.h"

#include "apistatus.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace sim {

namespace {

bool startsWith(const std::string &s, const std::string &prefix)
{
    return s.compare(0, prefix.size(), prefix) == 0;
}

// The patch merge keys of the built-in types' lists (the `patchMergeKey` struct tags in k8s.io/api).
std::string mergeKeyFor(const std::string &field, const Json &items)
{
    static const std::vector<std::string> byName = {"containers", "initContainers", "ephemeralContainers", "env",
                                                    "volumes",    "imagePullSecrets", "resourceClaims",
                                                    "schedulingGates"};
    if (std::find(byName.begin(), byName.end(), field) != byName.end())
        return "name";
    if (field == "volumeMounts")
        return "mountPath";
    if (field == "volumeDevices")
        return "devicePath";
    if (field == "conditions")
        return "type";
    if (field == "ownerReferences")
        return "uid";
    if (field == "hostAliases")
        return "ip";
    if (field == "topologySpreadConstraints")
        return "topologyKey";
    if (field == "readinessGates")
        return "conditionType";
    if (field == "ports") {
        // Container ports merge by containerPort, Service ports by port.
        for (const auto &item : items) {
            if (item.is_object() && item.contains("containerPort"))
                return "containerPort";
        }
        return "port";
    }
    return {};
}

bool isPrimitiveMergeList(const std::string &field)
{
    return field == "finalizers";
}

Json stripDirectives(const Json &value)
{
    if (value.is_object()) {
        Json out = Json::object();
        for (const auto &[k, v] : value.items()) {
            if (k == "$patch" || k == "$retainKeys" || startsWith(k, "$setElementOrder/")
                || startsWith(k, "$deleteFromPrimitiveList/"))
                continue;
            out[k] = stripDirectives(v);
        }
        return out;
    }
    if (value.is_array()) {
        Json out = Json::array();
        for (const auto &v : value) {
            if (v.is_object() && v.size() == 1 && v.contains("$patch"))
                continue;
            out.push_back(stripDirectives(v));
        }
        return out;
    }
    return value;
}

void mergeMap(Json &target, const Json &patch);

void mergeList(Json &target, const Json &patch, const std::string &field)
{
    for (const auto &p : patch) {
        if (p.is_object() && p.value("$patch", std::string()) == "replace") {
            target = stripDirectives(patch);
            return;
        }
    }
    if (isPrimitiveMergeList(field)) {
        for (const auto &p : patch) {
            if (std::find(target.begin(), target.end(), p) == target.end())
                target.push_back(p);
        }
        return;
    }
    const std::string key = mergeKeyFor(field, patch.empty() ? target : patch);
    if (key.empty()) {
        target = stripDirectives(patch);
        return;
    }
    for (const auto &p : patch) {
        if (!p.is_object() || !p.contains(key)) {
            target.push_back(stripDirectives(p));
            continue;
        }
        const auto same = [&](const Json &e) { return e.is_object() && e.contains(key) && e[key] == p[key]; };
        if (p.value("$patch", std::string()) == "delete") {
            target.erase(std::remove_if(target.begin(), target.end(), same), target.end());
            continue;
        }
        const auto it = std::find_if(target.begin(), target.end(), same);
        if (it == target.end())
            target.push_back(stripDirectives(p));
        else
            mergeMap(*it, p);
    }
}

void mergeMap(Json &target, const Json &patch)
{
    const std::string directive = patch.value("$patch", std::string());
    if (directive == "replace") {
        target = stripDirectives(patch);
        return;
    }
    if (directive == "delete") {
        target = Json::object();
        return;
    }
    if (!target.is_object())
        target = Json::object();
    for (const auto &[k, v] : patch.items()) {
        if (k == "$patch" || k == "$retainKeys" || startsWith(k, "$setElementOrder/"))
            continue;
        if (startsWith(k, "$deleteFromPrimitiveList/")) {
            const std::string field = k.substr(std::string("$deleteFromPrimitiveList/").size());
            auto it = target.find(field);
            if (it != target.end() && it->is_array() && v.is_array()) {
                Json kept = Json::array();
                for (const auto &item : *it) {
                    if (std::find(v.begin(), v.end(), item) == v.end())
                        kept.push_back(item);
                }
                *it = kept;
            }
            continue;
        }
        if (v.is_null()) {
            target.erase(k);
            continue;
        }
        auto it = target.find(k);
        if (v.is_object() && it != target.end() && it->is_object()) {
            if (v.value("$patch", std::string()) == "delete")
                target.erase(k);
            else
                mergeMap(*it, v);
        } else if (v.is_array() && it != target.end() && it->is_array()) {
            mergeList(*it, v, k);
        } else if (v.is_object() && v.value("$patch", std::string()) == "delete") {
            target.erase(k);
        } else {
            target[k] = stripDirectives(v);
        }
    }
}

Json yamlNodeToJson(const YAML::Node &node)
{
    switch (node.Type()) {
    case YAML::NodeType::Map: {
        Json out = Json::object();
        for (const auto &kv : node)
            out[kv.first.as<std::string>()] = yamlNodeToJson(kv.second);
        return out;
    }
    case YAML::NodeType::Sequence: {
        Json out = Json::array();
        for (const auto &item : node)
            out.push_back(yamlNodeToJson(item));
        return out;
    }
    case YAML::NodeType::Scalar: {
        const std::string text = node.Scalar();
        if (node.Tag() == "!") // quoted: always a string
            return text;
        if (text == "true" || text == "false")
            return text == "true";
        if (text == "null" || text == "~")
            return nullptr;
        try {
            std::size_t used = 0;
            const long long i = std::stoll(text, &used);
            if (used == text.size())
                return i;
            const double d = std::stod(text, &used);
            if (used == text.size())
                return d;
        } catch (const std::exception &) {
        }
        return text;
    }
    default:
        return nullptr;
    }
}

} // namespace

Patcher::Type Patcher::typeFor(const std::string &contentType)
{
    std::string mediaType = contentType.substr(0, contentType.find(';'));
    mediaType.erase(std::remove(mediaType.begin(), mediaType.end(), ' '), mediaType.end());
    if (mediaType == "application/json-patch+json")
        return Type::JsonPatch;
    if (mediaType == "application/merge-patch+json")
        return Type::MergePatch;
    if (mediaType == "application/strategic-merge-patch+json")
        return Type::StrategicMergePatch;
    if (mediaType == "application/apply-patch+yaml")
        return Type::ApplyPatch;
    return Type::Unsupported;
}

Json Patcher::strategicMerge(const Json &original, const Json &patch)
{
    Json result = original;
    mergeMap(result, patch);
    return result;
}

Json Patcher::yamlToJson(const std::string &yaml)
{
    try {
        return yamlNodeToJson(YAML::Load(yaml));
    } catch (const YAML::Exception &e) {
        throw std::runtime_error(e.what());
    }
}

Outcome<Json> Patcher::apply(Type type, const Json &original, const std::string &body)
{
    Outcome<Json> out;
    Json patch;
    try {
        patch = type == Type::ApplyPatch ? yamlToJson(body) : Json::parse(body);
    } catch (const std::exception &e) {
        out.error = apistatus::badRequest(std::string("error decoding patch: ") + e.what());
        return out;
    }
    switch (type) {
    case Type::JsonPatch:
        if (!patch.is_array()) {
            out.error = apistatus::badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
            return out;
        }
        try {
            out.value = original.patch(patch);
        } catch (const std::exception &e) {
            ApiError error{422, "Invalid", std::string("the server rejected our request due to an error in our "
                                                       "request: ")
                                               + e.what(),
                           Json::object()};
            out.error = error;
        }
        return out;
    case Type::MergePatch:
        if (!patch.is_object()) {
            out.error = apistatus::badRequest("error decoding patch: the merge patch is not a JSON object");
            return out;
        }
        out.value = original;
        out.value->merge_patch(patch);
        return out;
    case Type::StrategicMergePatch:
    case Type::ApplyPatch:
        if (!patch.is_object()) {
            out.error = apistatus::badRequest("error decoding patch: the patch is not an object");
            return out;
        }
        out.value = strategicMerge(original, patch);
        return out;
    case Type::Unsupported:
        break;
    }
    out.error = apistatus::unsupportedMediaType("");
    return out;
}

} // namespace sim
