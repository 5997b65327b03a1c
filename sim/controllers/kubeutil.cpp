#include "kubeutil.h"

#include "../kubetime.h"

#include <cmath>
#include <cstdio>

namespace sim::kube {

namespace {

const Json &nullJson()
{
    static const Json null;
    return null;
}

} // namespace

const Json &member(const Json &object, const char *a, const char *b)
{
    if (!object.is_object())
        return nullJson();
    const auto first = object.find(a);
    if (first == object.end())
        return nullJson();
    if (!b)
        return *first;
    if (!first->is_object())
        return nullJson();
    const auto second = first->find(b);
    return second == first->end() ? nullJson() : *second;
}

std::string str(const Json &object, const char *a, const char *b, const char *c)
{
    const Json &m = member(object, a, b);
    const Json &v = c ? member(m, c) : m;
    return v.is_string() ? v.get<std::string>() : std::string();
}

std::int64_t integer(const Json &object, const char *a, const char *b, std::int64_t fallback)
{
    const Json &v = member(object, a, b);
    return v.is_number_integer() ? v.get<std::int64_t>() : fallback;
}

std::string name(const Json &object)
{
    return str(object, "metadata", "name");
}

std::string uid(const Json &object)
{
    return str(object, "metadata", "uid");
}

std::string label(const Json &object, const std::string &key)
{
    return str(object, "metadata", "labels", key.c_str());
}

std::string annotation(const Json &object, const std::string &key)
{
    return str(object, "metadata", "annotations", key.c_str());
}

std::int64_t revision(const Json &replicaSet)
{
    const std::string text = annotation(replicaSet, kRevision);
    if (text.empty())
        return 0;
    try {
        return std::stoll(text);
    } catch (const std::exception &) {
        return 0;
    }
}

std::string controllerUid(const Json &object)
{
    const Json &refs = member(object, "metadata", "ownerReferences");
    if (!refs.is_array())
        return {};
    for (const auto &ref : refs)
        if (ref.value("controller", false))
            return ref.value("uid", std::string());
    return {};
}

Json ownerReference(const Json &owner)
{
    return {{"apiVersion", owner.value("apiVersion", std::string())},
            {"kind", owner.value("kind", std::string())},
            {"name", name(owner)},
            {"uid", uid(owner)},
            {"controller", true},
            {"blockOwnerDeletion", true}};
}

bool matchesLabels(const Json &labels, const Json &matchLabels)
{
    if (!matchLabels.is_object())
        return false;
    for (auto it = matchLabels.begin(); it != matchLabels.end(); ++it) {
        if (!labels.is_object())
            return false;
        const auto found = labels.find(it.key());
        if (found == labels.end() || *found != it.value())
            return false;
    }
    return true;
}

std::string templateHash(const Json &podTemplate, std::int64_t collisionCount)
{
    std::uint32_t hash = 2166136261u;
    const auto feed = [&hash](const std::string &bytes) {
        for (const unsigned char c : bytes) {
            hash ^= c;
            hash *= 16777619u;
        }
    };
    feed(withoutTemplateHash(podTemplate).dump());
    if (collisionCount > 0)
        feed(std::to_string(collisionCount));
    static constexpr char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
    std::string result;
    for (const char digit : std::to_string(hash))
        result += alphabet[static_cast<unsigned char>(digit) % (sizeof alphabet - 1)];
    return result;
}

Json withoutTemplateHash(Json podTemplate)
{
    if (auto m = podTemplate.find("metadata"); m != podTemplate.end() && m->is_object()) {
        if (auto l = m->find("labels"); l != m->end() && l->is_object())
            l->erase(kTemplateHash);
    }
    return podTemplate;
}

int intOrPercent(const Json &value, int total, bool roundUp)
{
    if (value.is_number_integer())
        return std::max(0, value.get<int>());
    if (value.is_string()) {
        std::string text = value.get<std::string>();
        const bool percent = !text.empty() && text.back() == '%';
        if (percent)
            text.pop_back();
        int n = 0;
        try {
            n = std::stoi(text);
        } catch (const std::exception &) {
            return 0;
        }
        if (!percent)
            return std::max(0, n);
        const double scaled = static_cast<double>(n) * total / 100.0;
        return std::max(0, static_cast<int>(roundUp ? std::ceil(scaled) : std::floor(scaled)));
    }
    return 0;
}

double cpuMillis(const std::string &quantity)
{
    if (quantity.empty())
        return 0;
    std::size_t used = 0;
    double value = 0;
    try {
        value = std::stod(quantity, &used);
    } catch (const std::exception &) {
        return 0;
    }
    const std::string suffix = quantity.substr(used);
    if (suffix == "m")
        return value;
    if (suffix == "n")
        return value / 1e6;
    if (suffix == "u")
        return value / 1e3;
    if (suffix == "k")
        return value * 1e6;
    return value * 1000.0;
}

double memoryBytes(const std::string &quantity)
{
    if (quantity.empty())
        return 0;
    std::size_t used = 0;
    double value = 0;
    try {
        value = std::stod(quantity, &used);
    } catch (const std::exception &) {
        return 0;
    }
    const std::string suffix = quantity.substr(used);
    if (suffix == "Ki")
        return value * 1024.0;
    if (suffix == "Mi")
        return value * 1024.0 * 1024.0;
    if (suffix == "Gi")
        return value * 1024.0 * 1024.0 * 1024.0;
    if (suffix == "k")
        return value * 1e3;
    if (suffix == "M")
        return value * 1e6;
    if (suffix == "G")
        return value * 1e9;
    if (suffix == "m")
        return value / 1000.0;
    return value;
}

std::string cpuNanos(double millis)
{
    return std::to_string(static_cast<long long>(std::llround(std::max(0.0, millis) * 1e6))) + "n";
}

std::string memoryKi(double bytes)
{
    return std::to_string(static_cast<long long>(std::llround(std::max(0.0, bytes) / 1024.0))) + "Ki";
}

std::string cpuQuantity(double millis)
{
    return std::to_string(static_cast<long long>(std::llround(std::max(0.0, millis)))) + "m";
}

bool podReady(const Json &pod)
{
    const Json &conditions = member(pod, "status", "conditions");
    if (!conditions.is_array())
        return false;
    for (const auto &c : conditions)
        if (c.value("type", std::string()) == "Ready")
            return c.value("status", std::string()) == "True";
    return false;
}

bool podTerminating(const Json &pod)
{
    return member(pod, "metadata", "deletionTimestamp").is_string();
}

bool podActive(const Json &pod)
{
    if (podTerminating(pod))
        return false;
    const std::string phase = str(pod, "status", "phase");
    return phase != "Succeeded" && phase != "Failed";
}

std::string base64(const std::string &bytes)
{
    static constexpr char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8)
            | static_cast<unsigned char>(bytes[i + 2]);
        out += table[(v >> 18) & 63];
        out += table[(v >> 12) & 63];
        out += table[(v >> 6) & 63];
        out += table[v & 63];
    }
    if (i < bytes.size()) {
        unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
        if (i + 1 < bytes.size())
            v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        out += table[(v >> 18) & 63];
        out += table[(v >> 12) & 63];
        out += i + 1 < bytes.size() ? table[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

std::string timeText(TimePoint time)
{
    return kubetime::format(time);
}

std::optional<TimePoint> parseTime(const std::string &text)
{
    return kubetime::parse(text);
}

} // namespace sim::kube
