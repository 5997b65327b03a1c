#pragma once

// ARM's Cost Management and Consumption budgets on the sim's listener (API-CONTRACTS §4, docs/sim-azure.md
// Costs): POST {scope}/providers/Microsoft.CostManagement/query and /forecast, GET|PUT|DELETE
// {scope}/providers/Microsoft.Consumption/budgets[/{name}], for scope /subscriptions/{id} and
// /subscriptions/{id}/resourceGroups/{rg}; ARM bearer tokens (audience management.azure.com or the sim's
// URL), every published api-version, QPU throttling with its headers, nextLink paging whose skiptoken
// resumes a snapshot of the result, the real error bodies; and the test hooks
// /_opsdeck/azure/cost-faults and /_opsdeck/azure/cost-qpu (admin token).

#include "azure/armhttp.h"
#include "azure/budgets.h"
#include "azure/costledger.h"
#include "azure/costquery.h"
#include "azure/qpulimiter.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace httplib {
struct Request;
struct Response;
} // namespace httplib

namespace sim {

class Authorizer;
class EntraTokens;
struct Scenario;

class CostManagementApi
{
public:
    using Clock = std::function<std::chrono::system_clock::time_point()>;
    static constexpr int kDefaultPageSize = 1000;
    static constexpr int kMaxPageSize = 5000;

    struct Identity
    {
        std::string tenantId;
        std::string subscriptionId;
        std::string resourceGroup; // the estate's own; the AKS node resource group comes from the ledger
    };

    CostManagementApi(const CostLedger &ledger, const Scenario *scenario, const Authorizer &authorizer,
                      const EntraTokens &tokens, Identity identity, std::function<std::string()> baseUrl, Clock now,
                      QpuLimiter::Clock steady = [] { return std::chrono::steady_clock::now(); });

    // False when the path is not one of this API's.
    bool handle(const std::vector<std::string> &parts, const httplib::Request &req, httplib::Response &res);

    QpuLimiter &limiter() { return m_limiter; }
    Budgets &budgets() { return m_budgets; }

    static const std::vector<std::string> &costManagementVersions();
    static const std::vector<std::string> &consumptionVersions();

private:
    enum class Api { Query, Forecast, Budgets };
    struct Snapshot
    {
        std::size_t bodyHash = 0;
        CostTable table;
        std::chrono::steady_clock::time_point created;
    };

    bool authorize(const httplib::Request &req, httplib::Response &res);
    bool takeFault(Api api, httplib::Response &res);
    void costQuery(Api api, const CostScope &scope, const std::string &scopePath, const httplib::Request &req,
                   httplib::Response &res);
    void budgetsEndpoint(const CostScope &scope, const std::string &name, const httplib::Request &req,
                         httplib::Response &res);
    void testHooks(const std::vector<std::string> &parts, const httplib::Request &req, httplib::Response &res);

    const CostLedger &m_ledger;
    const Authorizer &m_authorizer;
    const EntraTokens &m_tokens;
    Identity m_identity;
    std::function<std::string()> m_baseUrl;
    Clock m_now;
    QpuLimiter::Clock m_steady;
    QpuLimiter m_limiter;
    Budgets m_budgets;
    std::mutex m_mutex;
    // The cost-faults hook's: throttle | server-error | no-content, for query | forecast | budgets | any.
    armhttp::FaultQueue m_faults{{"throttle", "server-error", "no-content"}, {"query", "forecast", "budgets"}, "api", 2};
    std::map<std::string, Snapshot> m_snapshots; // paged results by id, for skiptokens
    std::uint64_t m_nextSnapshot = 0;
};

} // namespace sim
