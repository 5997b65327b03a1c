#pragma once

// What the API server does to a Secret when it decodes one on create, update or patch: `stringData`
// (write-only, plain text) is base64-encoded into `data` (its keys win) and dropped; every `data` value
// must be standard base64 — else 400 "… cannot be handled as a Secret: illegal base64 data at input byte
// N" — and every key a valid config key (422 Invalid). Other resources pass unchanged.

#include "objectstore.h"

#include <optional>

namespace sim {

class SecretCodec
{
public:
    // Normalises `object` in place; the error to answer when it is not a valid Secret.
    static std::optional<ApiError> normalize(const ResourceType &type, Json &object);
    // The position of the first byte Go's base64.StdEncoding rejects, or -1 when `text` decodes.
    static long illegalBase64At(const std::string &text);
};

} // namespace sim
