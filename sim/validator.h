#pragma once

// Validation on create and update, as the API server (and, for canary annotations, ingress-nginx's
// admission webhook) would reject the object: 422 Invalid with one cause per field.

#include "apistatus.h"

#include <string>
#include <vector>

namespace sim {

class Validator
{
public:
    static std::vector<apistatus::FieldError> validate(const ResourceType &type, const Json &object);
    static std::vector<apistatus::FieldError> validateScale(const Json &scale);

    static bool isDns1123Subdomain(const std::string &name);
    static bool isDns1123Label(const std::string &name);
};

} // namespace sim
