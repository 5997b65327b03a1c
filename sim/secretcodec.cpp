#include "secretcodec.h"

#include "apistatus.h"
#include "controllers/kubeutil.h"

#include <cctype>
#include <vector>

namespace sim {

namespace {

bool validConfigKey(const std::string &key)
{
    if (key.empty() || key.size() > 253 || key == "." || key == ".." || key.rfind("..", 0) == 0)
        return false;
    for (const char c : key)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
            return false;
    return true;
}

} // namespace

long SecretCodec::illegalBase64At(const std::string &text)
{
    // Go's StdEncoding: padded groups of four; it skips newlines, everything else counts.
    std::string s;
    std::vector<std::size_t> at;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\r' && text[i] != '\n') {
            s += text[i];
            at.push_back(i);
        }
    }
    for (std::size_t k = 0; k < s.size(); ++k) {
        const char c = s[k];
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/')
            continue;
        if (c == '=' && s.size() % 4 == 0 && (k + 1 == s.size() || (k + 2 == s.size() && s[k + 1] == '=')))
            continue;
        return static_cast<long>(at[k]);
    }
    return s.size() % 4 == 0 ? -1 : static_cast<long>(text.size());
}

std::optional<ApiError> SecretCodec::normalize(const ResourceType &type, Json &object)
{
    if (type.id() != "secrets" || !object.is_object())
        return std::nullopt;
    const auto cannot = [](const std::string &why) {
        return apistatus::badRequest("Secret in version \"v1\" cannot be handled as a Secret: " + why);
    };
    if (object.contains("data") && !object["data"].is_null() && !object["data"].is_object())
        return cannot("json: cannot unmarshal into Go struct field Secret.data of type map[string][]uint8");
    if (object.contains("stringData") && !object["stringData"].is_null()) {
        if (!object["stringData"].is_object())
            return cannot("json: cannot unmarshal into Go struct field Secret.stringData of type map[string]string");
        for (const auto &[key, value] : object["stringData"].items()) {
            if (!value.is_string())
                return cannot("json: cannot unmarshal " + std::string(value.type_name())
                              + " into Go struct field Secret.stringData of type string");
            object["data"][key] = kube::base64(value.get<std::string>());
        }
    }
    object.erase("stringData");
    std::vector<apistatus::FieldError> invalid;
    if (object.contains("data") && object["data"].is_object()) {
        for (const auto &[key, value] : object["data"].items()) {
            if (value.is_null())
                continue;
            if (!value.is_string())
                return cannot("json: cannot unmarshal " + std::string(value.type_name())
                              + " into Go struct field Secret.data of type []uint8");
            const long at = illegalBase64At(value.get<std::string>());
            if (at >= 0)
                return cannot("illegal base64 data at input byte " + std::to_string(at));
            if (!validConfigKey(key))
                invalid.push_back({"FieldValueInvalid", "data[" + key + "]",
                                   "Invalid value: \"" + key + "\": a valid config key must consist of alphanumeric "
                                   "characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex "
                                   "used for validation is '[-._a-zA-Z0-9]+')"});
        }
    }
    if (!invalid.empty())
        return apistatus::invalid(type, kube::name(object), invalid);
    return std::nullopt;
}

} // namespace sim
