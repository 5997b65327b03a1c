#pragma once

// ARM's Microsoft.Sql for the simulated SQL estate (docs/sim-azure.md "Azure SQL", API-CONTRACTS §5):
// servers and databases (list with nextLink paging, get), restore points, a database's running
// operations, and PUT …/databases/{name} with createMode PointInTimeRestore (or Default) as a long-running
// operation: 202 with Azure-AsyncOperation, Location and Retry-After, the async-operation status
// {status: InProgress | Succeeded | Failed, error?}, and Location answering 202 until done, then 200 with
// the database. ARM's errors ({error: {code, message, details, additionalInfo}}), api-version checks,
// and a bearer token from the sim's Entra with the ARM audience. A test hook injects 429 / 5xx answers.

#include "azure/armhttp.h"
#include "azure/sqldatabases.h"

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace httplib {
struct Request;
struct Response;
} // namespace httplib

namespace sim {

class Authorizer;
class EntraTokens;

class SqlApi
{
public:
    using Clock = std::function<std::chrono::system_clock::time_point()>;
    static constexpr std::size_t kPageSize = 100; // databases per list page

    // All references must outlive this object. `baseUrl` gives the server's URL once bound.
    SqlApi(SqlDatabases &databases, const EntraTokens &tokens, const Authorizer &authorizer, std::string subscriptionId,
           std::string resourceGroup, std::function<std::string()> baseUrl, Clock now);

    // false: not a Microsoft.Sql path (nor the sql-faults hook).
    bool handle(const std::vector<std::string> &parts, const httplib::Request &req, httplib::Response &res);

    // The api-versions of Microsoft.Sql servers/databases that ARM publishes (2014-04-01 … 2024-05-01-preview).
    static const std::set<std::string> &apiVersions();

private:
    bool authorized(const httplib::Request &req, httplib::Response &res) const;
    void faultsHook(const httplib::Request &req, httplib::Response &res);
    void database(const std::string &name, const std::string &apiVersion, const httplib::Request &req,
                  httplib::Response &res);
    void put(const std::string &name, const std::string &apiVersion, const httplib::Request &req, httplib::Response &res);
    void asyncOperation(const std::string &id, const std::string &apiVersion, bool locationStyle, httplib::Response &res);
    void listDatabases(const std::string &apiVersion, const httplib::Request &req, httplib::Response &res);

    std::string resourceGroupId() const; // /subscriptions/{sub}/resourceGroups/{rg}
    std::string serverId() const;
    nlohmann::json serverJson() const;
    nlohmann::json databaseJson(const SqlDatabase &db, std::chrono::system_clock::time_point now) const;
    std::string operationUrl(const std::string &kind, const std::string &id, const std::string &apiVersion) const;
    void lroHeaders(httplib::Response &res, const SqlOperation &op, const std::string &apiVersion,
                    std::chrono::system_clock::time_point now) const;

    SqlDatabases &m_databases;
    const EntraTokens &m_tokens;
    const Authorizer &m_authorizer;
    std::string m_subscriptionId;
    std::string m_resourceGroup;
    std::function<std::string()> m_baseUrl;
    Clock m_now;
    armhttp::FaultQueue m_faults{{"throttle", "server-error"}, {}, {}, 5}; // the sql-faults hook's
};

} // namespace sim
