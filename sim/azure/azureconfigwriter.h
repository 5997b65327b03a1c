#pragma once

// Writes the JSON file that points Opsdeck (and any Azure client) at the sim's Azure side
// (docs/sim-azure.md): {authorityHost, tenantId, clientId, clientSecret, armEndpoint, subscriptionId,
// resourceGroup, logAnalyticsEndpoint, workspaceId, appInsightsEndpoint, appId, sqlServer, sqlLocation,
// caFile?}. The same
// format describes real Azure when a user writes it by hand (without the secret, kept in the keychain).

#include "azure/azureapi.h"

#include <nlohmann/json.hpp>

#include <string>

namespace sim {

class AzureConfigWriter
{
public:
    // `baseUrl` the sim's URL; `caFile` the CA PEM clients must trust ("" for --plain-http).
    static nlohmann::json render(const AzureIdentity &identity, const std::string &baseUrl, const std::string &caFile);
    // Writes `path` with mode 0600 (it holds the client secret) and, when `caPem` is given and
    // `caFile` names a file, the CA there. Throws std::runtime_error naming the file.
    static void write(const std::string &path, const nlohmann::json &config, const std::string &caFile = {},
                      const std::string &caPem = {});
};

} // namespace sim
