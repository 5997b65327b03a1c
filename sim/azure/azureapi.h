#pragma once

// The Azure side of opsdeck-sim, on the API server's listener (docs/sim-azure.md): the Entra token
// endpoint (OpenID configuration, device code, token), the Log Analytics workspace query API
// (POST /v1/workspaces/{id}/query) and the classic Application Insights one (POST /v1/apps/{id}/query),
// both answering KQL from TelemetryTables with a bearer token whose audience is the API's (or the
// sim's own URL); and the test hooks under /_opsdeck/azure/ (approve a device code, inject query
// faults) with the admin token of the kubeconfig.

#include "azure/costmanagementapi.h"
#include "azure/entratokens.h"
#include "azure/telemetrytables.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace httplib {
struct Request;
struct Response;
} // namespace httplib

namespace sim {

class ApiServer;
class Authorizer;
class Simulation;
class SqlApi;

// The simulated tenant and resources: what --write-azure-config hands to clients.
struct AzureIdentity
{
    std::string tenantId;
    std::string clientId;
    std::string clientSecret;
    std::string subscriptionId;
    std::string resourceGroup = "opsdeck-demo";
    std::string workspaceId;
    std::string workspaceName = "opsdeck-logs";
    std::string appId;
    std::string appName = "opsdeck-demo-ai";
    std::string instrumentationKey;
    std::string sqlServer = "opsdeck-sql";    // the scenario's Azure SQL server (SqlApi)
    std::string sqlLocation = "westeurope";

    // Ids from the seed (the same estate, the same ids); the client secret is random per run.
    static AzureIdentity generate(std::uint64_t seed);
};

class AzureApi
{
public:
    using Clock = std::function<std::chrono::system_clock::time_point()>;
    static constexpr int kQueriesPerWindow = 200; // per principal per 30 s, as Log Analytics limits
    static constexpr std::size_t kMaxResultRows = 500000;

    // `baseUrl` gives the server's URL once it is bound; `now` is the simulation's clock.
    AzureApi(const Simulation &simulation, const Authorizer &authorizer, AzureIdentity identity,
             std::function<std::string()> baseUrl, Clock now, int devicePollIntervalSeconds = 5);

    void install(ApiServer &server);
    bool handle(const httplib::Request &req, httplib::Response &res); // false: not an Azure path

    const AzureIdentity &identity() const { return m_identity; }
    EntraTokens &tokens() { return m_tokens; }
    CostManagementApi &costs() { return *m_costs; }
    // Runs a query as the API would (for tests); returns the HTTP status and body.
    std::pair<int, nlohmann::json> query(TelemetrySchema schema, const std::string &kql, const std::string &timespan);

private:
    void openIdConfiguration(const std::string &tenant, httplib::Response &res);
    void queryEndpoint(TelemetrySchema schema, const std::string &id, const httplib::Request &req, httplib::Response &res);
    void testHooks(const std::vector<std::string> &parts, const httplib::Request &req, httplib::Response &res);
    bool throttled(const std::string &principal);

    const Simulation &m_simulation;
    const Authorizer &m_authorizer;
    AzureIdentity m_identity;
    std::function<std::string()> m_baseUrl;
    Clock m_now;
    EntraTokens m_tokens;
    TelemetryTables m_tables;
    std::mutex m_mutex;
    std::map<std::string, std::deque<std::chrono::steady_clock::time_point>> m_recent; // principal -> query times
    armhttp::FaultQueue m_faults{{"throttle", "partial", "server-error"}, {}, {}, 2}; // the query-faults hook's
    std::shared_ptr<SqlApi> m_sql; // ARM Microsoft.Sql (sqlapi.h)
    std::unique_ptr<CostManagementApi> m_costs; // ARM Cost Management and Consumption budgets
};

} // namespace sim
