#pragma once

// What `az account get-access-token --resource R -o json` prints: {accessToken, expiresOn
// "YYYY-MM-DD hh:mm:ss.ffffff" in local time, expires_on POSIX seconds (CLI 2.54+), subscription,
// tenant, tokenType}. expires_on wins when present: it has no time zone to guess.

#include "accesstoken.h"
#include "error.h"

#include <QByteArray>
#include <QString>

namespace Opsdeck {

class AzureCliToken
{
public:
    static Result<AccessToken> parse(const QByteArray &json, const QString &resource);
};

} // namespace Opsdeck
