#include "sqlapi.h"

#include "apistatus.h"
#include "authorizer.h"
#include "azure/armhttp.h"
#include "azure/entratokens.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>

namespace sim {

namespace {

using Json = nlohmann::json;
using armhttp::fail;
using armhttp::lower;
using armhttp::send;
using TimePoint = std::chrono::system_clock::time_point;

// "West Europe" and "westeurope" name the same region.
std::string region(const std::string &s)
{
    std::string out;
    for (const char c : s)
        if (!std::isspace(static_cast<unsigned char>(c)))
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

} // namespace

SqlApi::SqlApi(SqlDatabases &databases, const EntraTokens &tokens, const Authorizer &authorizer,
               std::string subscriptionId, std::string resourceGroup, std::function<std::string()> baseUrl, Clock now)
    : m_databases(databases)
    , m_tokens(tokens)
    , m_authorizer(authorizer)
    , m_subscriptionId(std::move(subscriptionId))
    , m_resourceGroup(std::move(resourceGroup))
    , m_baseUrl(std::move(baseUrl))
    , m_now(std::move(now))
{}

const std::set<std::string> &SqlApi::apiVersions()
{
    static const std::set<std::string> versions = {
        "2014-04-01",         "2017-03-01-preview", "2017-10-01-preview", "2019-06-01-preview", "2020-02-02-preview",
        "2020-08-01-preview", "2020-11-01-preview", "2021-02-01-preview", "2021-05-01-preview", "2021-08-01-preview",
        "2021-11-01-preview", "2021-11-01",         "2022-02-01-preview", "2022-05-01-preview", "2022-08-01-preview",
        "2022-11-01-preview", "2023-02-01-preview", "2023-05-01-preview", "2023-08-01-preview", "2023-08-01",
        "2024-05-01-preview"};
    return versions;
}

std::string SqlApi::resourceGroupId() const
{
    return "/subscriptions/" + m_subscriptionId + "/resourceGroups/" + m_resourceGroup;
}

std::string SqlApi::serverId() const
{
    return resourceGroupId() + "/providers/Microsoft.Sql/servers/" + m_databases.options().server;
}

Json SqlApi::serverJson() const
{
    const auto &o = m_databases.options();
    return {{"kind", "v12.0"},
            {"properties",
             {{"administratorLogin", "opsdeckadmin"},
              {"version", "12.0"},
              {"state", "Ready"},
              {"fullyQualifiedDomainName", m_databases.host()},
              {"privateEndpointConnections", Json::array()},
              {"minimalTlsVersion", "1.2"},
              {"publicNetworkAccess", "Enabled"},
              {"restrictOutboundNetworkAccess", "Disabled"}}},
            {"location", o.location},
            {"tags", {{"Environment", "demo"}}},
            {"id", serverId()},
            {"name", o.server},
            {"type", "Microsoft.Sql/servers"}};
}

Json SqlApi::databaseJson(const SqlDatabase &db, TimePoint now) const
{
    const bool system = db.system;
    const Json sku = system ? Json{{"name", "System"}, {"tier", "System"}, {"capacity", 0}}
                            : Json{{"name", "GP_Gen5"}, {"tier", "GeneralPurpose"}, {"family", "Gen5"}, {"capacity", 2}};
    Json p = {{"collation", "SQL_Latin1_General_CP1_CI_AS"},
              {"maxSizeBytes", system ? 32212254720LL : 34359738368LL},
              {"status", SqlDatabases::status(db)},
              {"databaseId", db.databaseId},
              {"creationDate", SqlDatabases::timeText(db.created)},
              {"currentServiceObjectiveName", system ? "System0" : "GP_Gen5_2"},
              {"requestedServiceObjectiveName", system ? "System0" : "GP_Gen5_2"},
              {"defaultSecondaryLocation", "northeurope"},
              {"catalogCollation", "SQL_Latin1_General_CP1_CI_AS"},
              {"zoneRedundant", false},
              {"readScale", "Disabled"},
              {"currentSku", sku},
              {"currentBackupStorageRedundancy", "Geo"},
              {"requestedBackupStorageRedundancy", "Geo"},
              {"maintenanceConfigurationId",
               "/subscriptions/" + m_subscriptionId + "/providers/Microsoft.Maintenance/publicMaintenanceConfigurations/SQL_Default"},
              {"isLedgerOn", false},
              {"isInfraEncryptionEnabled", false}};
    if (!system) {
        p["licenseType"] = "LicenseIncluded";
        p["maxLogSizeBytes"] = 68719476736LL;
        // A database being created has no backups yet.
        if (db.state == "Online")
            p["earliestRestoreDate"] = SqlDatabases::timeText(m_databases.earliestRestoreDate(db, now));
    }
    return {{"sku", sku},
            {"kind", system ? "v12.0,system" : "v12.0,user,vcore"},
            {"properties", p},
            {"location", m_databases.options().location},
            {"tags", db.tags},
            {"id", serverId() + "/databases/" + db.name},
            {"name", db.name},
            {"type", "Microsoft.Sql/servers/databases"}};
}

std::string SqlApi::operationUrl(const std::string &kind, const std::string &id, const std::string &apiVersion) const
{
    return m_baseUrl() + resourceGroupId() + "/providers/Microsoft.Sql/locations/" + m_databases.options().location + "/"
           + kind + "/" + id + "?api-version=" + apiVersion;
}

void SqlApi::lroHeaders(httplib::Response &res, const SqlOperation &op, const std::string &apiVersion, TimePoint now) const
{
    res.set_header("Azure-AsyncOperation", operationUrl("databaseAzureAsyncOperation", op.id, apiVersion));
    res.set_header("Location", operationUrl("databaseOperationResults", op.id, apiVersion));
    res.set_header("Retry-After", std::to_string(m_databases.retryAfterSeconds(op, now)));
}

bool SqlApi::authorized(const httplib::Request &req, httplib::Response &res) const
{
    return armhttp::authorize(req, res, m_tokens, m_baseUrl(), m_baseUrl() + "/common/oauth2/authorize");
}

bool SqlApi::handle(const std::vector<std::string> &parts, const httplib::Request &req, httplib::Response &res)
{
    if (parts.size() == 3 && parts[0] == "_opsdeck" && parts[1] == "azure" && parts[2] == "sql-faults") {
        faultsHook(req, res);
        return true;
    }
    // /subscriptions/{sub}[/resourceGroups/{rg}]/providers/Microsoft.Sql/...
    if (parts.size() < 5 || lower(parts[0]) != "subscriptions")
        return false;
    std::size_t i = 2;
    std::string group;
    if (lower(parts[i]) == "resourcegroups" && parts.size() > i + 2) {
        group = parts[i + 1];
        i += 2;
    }
    if (parts.size() < i + 3 || lower(parts[i]) != "providers" || lower(parts[i + 1]) != "microsoft.sql")
        return false;
    const std::vector<std::string> rest(parts.begin() + static_cast<long>(i + 2), parts.end());

    res.set_header("x-ms-request-id", EntraTokens::randomGuid());
    res.set_header("x-ms-correlation-request-id", EntraTokens::randomGuid());
    if (!authorized(req, res))
        return true;
    const std::string apiVersion = req.get_param_value("api-version");
    if (apiVersion.empty()) {
        fail(res, 400, "MissingApiVersionParameter",
             "The api-version query parameter (?api-version=) is required for all requests.");
        return true;
    }
    if (!apiVersions().count(apiVersion)) {
        std::string supported;
        for (const auto &v : apiVersions())
            supported += (supported.empty() ? "" : ", ") + v;
        fail(res, 400, "InvalidApiVersionParameter",
             "The api-version '" + apiVersion + "' is invalid. The supported versions are '" + supported + "'.");
        return true;
    }
    if (lower(parts[1]) != lower(m_subscriptionId)) {
        fail(res, 404, "SubscriptionNotFound", "The subscription '" + parts[1] + "' could not be found.");
        return true;
    }
    if (!group.empty() && lower(group) != lower(m_resourceGroup)) {
        fail(res, 404, "ResourceGroupNotFound", "Resource group '" + group + "' could not be found.");
        return true;
    }
    res.set_header(req.method == "GET" ? "x-ms-ratelimit-remaining-subscription-reads" : "x-ms-ratelimit-remaining-subscription-writes",
                   req.method == "GET" ? "11999" : "1199");
    if (const auto f = m_faults.take()) {
        if (f->kind == "throttle") {
            res.set_header("Retry-After", std::to_string(f->retryAfterSeconds));
            fail(res, 429, "SubscriptionTooManyRequests",
                 "The subscription '" + m_subscriptionId + "' has too many requests. Please retry after "
                     + std::to_string(f->retryAfterSeconds) + " seconds.");
        } else {
            fail(res, 503, "ServiceUnavailable", "The server is currently unable to handle the request (injected by opsdeck-sim).");
        }
        return true;
    }
    const std::string method = req.method;
    const auto only = [&](const char *allowed) {
        if (method == allowed || (method == "HEAD" && std::string(allowed) == "GET"))
            return true;
        fail(res, 405, "MethodNotAllowed", "The requested resource does not support http method '" + method + "'.");
        return false;
    };
    const std::string server = m_databases.options().server;
    const auto notFoundServer = [&](const std::string &name) {
        fail(res, 404, "ResourceNotFound",
             "The Resource 'Microsoft.Sql/servers/" + name + "' under resource group '" + m_resourceGroup
                 + "' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix");
    };
    // servers
    if (rest.size() == 1 && lower(rest[0]) == "servers") {
        if (only("GET"))
            send(res, 200, {{"value", Json::array({serverJson()})}});
        return true;
    }
    // locations/{loc}/databaseAzureAsyncOperation/{id}, …/databaseOperationResults/{id}
    if (rest.size() == 4 && lower(rest[0]) == "locations") {
        const std::string kind = lower(rest[2]);
        if ((kind == "databaseazureasyncoperation" || kind == "databaseoperationresults") && only("GET")) {
            if (region(rest[1]) != region(m_databases.options().location))
                fail(res, 404, "ResourceNotFound", "The operation '" + rest[3] + "' was not found in location '" + rest[1] + "'.");
            else
                asyncOperation(rest[3], apiVersion, kind == "databaseoperationresults", res);
        } else if (kind != "databaseazureasyncoperation" && kind != "databaseoperationresults") {
            fail(res, 404, "InvalidResourceType", "The resource type '" + rest[2] + "' could not be found in the namespace 'Microsoft.Sql' for api version '" + apiVersion + "'.");
        }
        return true;
    }
    if (group.empty() || rest.size() < 2 || lower(rest[0]) != "servers") {
        fail(res, 404, "InvalidResourceType", "The resource type could not be found in the namespace 'Microsoft.Sql' for api version '" + apiVersion + "'.");
        return true;
    }
    if (lower(rest[1]) != lower(server)) {
        notFoundServer(rest[1]);
        return true;
    }
    if (rest.size() == 2) {
        if (only("GET"))
            send(res, 200, serverJson());
        return true;
    }
    if (lower(rest[2]) != "databases" || rest.size() > 5) {
        fail(res, 404, "InvalidResourceType", "The resource type 'servers/" + rest[2] + "' could not be found in the namespace 'Microsoft.Sql' for api version '" + apiVersion + "'.");
        return true;
    }
    if (rest.size() == 3) {
        if (only("GET"))
            listDatabases(apiVersion, req, res);
        return true;
    }
    const std::string name = rest[3];
    if (rest.size() == 4) {
        database(name, apiVersion, req, res);
        return true;
    }
    const auto now = m_now();
    const std::string sub = lower(rest[4]);
    if (sub != "restorepoints" && sub != "operations") {
        fail(res, 404, "InvalidResourceType", "The resource type 'servers/databases/" + rest[4] + "' could not be found in the namespace 'Microsoft.Sql' for api version '" + apiVersion + "'.");
        return true;
    }
    if (!only("GET"))
        return true;
    const auto db = m_databases.get(name, now);
    if (!db) {
        fail(res, 404, "ResourceNotFound",
             "The requested resource of type 'Microsoft.Sql/servers/databases' with name '" + name + "' was not found.");
        return true;
    }
    const std::string dbId = serverId() + "/databases/" + db->name;
    Json value = Json::array();
    if (sub == "restorepoints") {
        if (db->state == "Online" && !db->system) {
            const std::string earliest = SqlDatabases::timeText(m_databases.earliestRestoreDate(*db, now));
            value.push_back({{"id", dbId + "/restorePoints/ContinuousRestorePoint"},
                             {"name", "ContinuousRestorePoint"},
                             {"type", "Microsoft.Sql/servers/databases/restorePoints"},
                             {"location", m_databases.options().location},
                             {"properties", {{"restorePointType", "CONTINUOUS"}, {"earliestRestoreDate", earliest}}}});
        }
    } else {
        for (const auto &op : m_databases.runningOperations(db->name, now)) {
            if (lower(op.database) != lower(db->name))
                continue;
            value.push_back({{"id", dbId + "/operations/" + op.id},
                             {"name", op.id},
                             {"type", "Microsoft.Sql/servers/databases/operations"},
                             {"properties",
                              {{"databaseName", db->name},
                               {"operation", op.kind},
                               {"operationFriendlyName", op.kind == "RestoreDatabase" ? "RESTORE DATABASE" : "CREATE DATABASE"},
                               {"percentComplete", m_databases.percentComplete(op, now)},
                               {"serverName", server},
                               {"startTime", SqlDatabases::timeText(op.start)},
                               {"state", op.status},
                               {"isCancellable", false},
                               {"isUserError", false}}}});
        }
    }
    send(res, 200, {{"value", value}});
    return true;
}

void SqlApi::listDatabases(const std::string &apiVersion, const httplib::Request &req, httplib::Response &res)
{
    const auto now = m_now();
    const auto all = m_databases.list(now);
    std::size_t from = 0;
    if (req.has_param("$skipToken")) {
        try {
            from = static_cast<std::size_t>(std::stoul(req.get_param_value("$skipToken")));
        } catch (const std::exception &) {
            fail(res, 400, "InvalidSkipToken", "The skip token '" + req.get_param_value("$skipToken") + "' is not valid.");
            return;
        }
    }
    Json value = Json::array();
    for (std::size_t i = from; i < all.size() && i < from + kPageSize; ++i)
        value.push_back(databaseJson(all[i], now));
    Json body = {{"value", value}};
    if (from + kPageSize < all.size())
        body["nextLink"] = m_baseUrl() + serverId() + "/databases?api-version=" + apiVersion
                           + "&$skipToken=" + std::to_string(from + kPageSize);
    send(res, 200, body);
}

void SqlApi::database(const std::string &name, const std::string &apiVersion, const httplib::Request &req,
                      httplib::Response &res)
{
    const auto now = m_now();
    const auto notFound = [&] {
        fail(res, 404, "ResourceNotFound",
             "The requested resource of type 'Microsoft.Sql/servers/databases' with name '" + name + "' was not found.");
    };
    if (req.method == "GET" || req.method == "HEAD") {
        const auto db = m_databases.get(name, now);
        if (!db)
            return notFound();
        send(res, 200, databaseJson(*db, now));
        return;
    }
    if (req.method == "PUT") {
        put(name, apiVersion, req, res);
        return;
    }
    if (req.method == "DELETE") {
        bool existed = false;
        if (const auto refusal = m_databases.remove(name, now, existed))
            return fail(res, refusal->httpStatus, refusal->code, refusal->message);
        res.status = existed ? 200 : 204;
        return;
    }
    fail(res, 405, "MethodNotAllowed", "The requested resource does not support http method '" + req.method + "'.");
}

void SqlApi::put(const std::string &name, const std::string &apiVersion, const httplib::Request &req,
                 httplib::Response &res)
{
    const auto now = m_now();
    Json body;
    try {
        body = Json::parse(req.body);
    } catch (const Json::exception &e) {
        return fail(res, 400, "InvalidRequestContent",
                    std::string("The request content was invalid and could not be deserialized: '") + e.what() + "'.");
    }
    if (!body.is_object())
        return fail(res, 400, "InvalidRequestContent", "The request content was invalid and could not be deserialized: "
                                                       "the body must be a JSON object.");
    if (!SqlDatabases::validName(name))
        return fail(res, 400, "InvalidResourceName",
                    "Resource name '" + name + "' is invalid. The name can be up to 128 characters long, must not end "
                    "with '.' or ' ' and must not contain '<>*%&:\\/?' or control characters.", "name");
    const Json location = body.value("location", Json());
    if (!location.is_string() || location.get<std::string>().empty())
        return fail(res, 400, "LocationRequired", "The location property is required for this definition.");
    if (region(location.get<std::string>()) != region(m_databases.options().location))
        return fail(res, 400, "InvalidResourceLocation",
                    "The resource location '" + location.get<std::string>() + "' does not match the location '"
                        + m_databases.options().location + "' of server '" + m_databases.options().server + "'.",
                    "location");
    const Json props = body.value("properties", Json::object());
    if (!props.is_object())
        return fail(res, 400, "InvalidRequestContent", "The request content was invalid: properties must be an object.");
    const Json tags = body.value("tags", Json::object());
    if (!tags.is_object())
        return fail(res, 400, "InvalidRequestContent", "The request content was invalid: tags must be an object.");
    const std::string mode = props.value("createMode", std::string("Default"));
    const auto accepted = [&](const SqlOperation &op, const char *operation) {
        lroHeaders(res, op, apiVersion, now);
        send(res, 202, {{"operation", operation}, {"startTime", SqlDatabases::timeText(op.start)}});
    };
    if (lower(mode) == "default") {
        if (m_databases.get(name, now)) {
            if (const auto refusal = m_databases.updateTags(name, tags, now))
                return fail(res, refusal->httpStatus, refusal->code, refusal->message);
            send(res, 200, databaseJson(*m_databases.get(name, now), now));
            return;
        }
        const auto started = m_databases.beginCreate(name, tags, now);
        if (started.refusal)
            return fail(res, started.refusal->httpStatus, started.refusal->code, started.refusal->message);
        return accepted(*started.operation, "CreateLogicalDatabase");
    }
    if (lower(mode) != "pointintimerestore")
        return fail(res, 400, "InvalidCreateMode",
                    "The create mode '" + mode + "' is not supported here: opsdeck-sim creates databases with createMode "
                    "'Default' or 'PointInTimeRestore'.", "createMode");
    const Json sourceId = props.value("sourceDatabaseId", Json());
    if (!sourceId.is_string() || sourceId.get<std::string>().empty())
        return fail(res, 400, "MissingSourceDatabaseId",
                    "The sourceDatabaseId property is required for createMode 'PointInTimeRestore'.", "sourceDatabaseId");
    // /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Sql/servers/{server}/databases/{db}
    std::string sourceName;
    {
        std::string text = sourceId.get<std::string>();
        const auto scheme = text.find("://");
        if (scheme != std::string::npos) // a full URL: keep the path
            text = text.substr(std::min(text.size(), text.find('/', scheme + 3)));
        std::vector<std::string> p;
        std::size_t start = 0;
        while (start < text.size()) {
            std::size_t slash = text.find('/', start);
            if (slash == std::string::npos)
                slash = text.size();
            if (slash > start)
                p.push_back(text.substr(start, slash - start));
            start = slash + 1;
        }
        if (p.size() == 10 && lower(p[0]) == "subscriptions" && lower(p[1]) == lower(m_subscriptionId)
            && lower(p[2]) == "resourcegroups" && lower(p[3]) == lower(m_resourceGroup) && lower(p[4]) == "providers"
            && lower(p[5]) == "microsoft.sql" && lower(p[6]) == "servers"
            && lower(p[7]) == lower(m_databases.options().server) && lower(p[8]) == "databases")
            sourceName = p[9];
    }
    if (sourceName.empty())
        return fail(res, 400, "InvalidSourceDatabaseId",
                    "The sourceDatabaseId '" + sourceId.get<std::string>() + "' is not a database of server '"
                        + m_databases.options().server + "' (expected " + serverId() + "/databases/{name}).",
                    "sourceDatabaseId");
    const Json point = props.value("restorePointInTime", Json());
    if (!point.is_string() || point.get<std::string>().empty())
        return fail(res, 400, "MissingRestorePointInTime",
                    "The restorePointInTime property is required for createMode 'PointInTimeRestore'.",
                    "restorePointInTime");
    const auto when = SqlDatabases::parseTime(point.get<std::string>());
    if (!when)
        return fail(res, 400, "InvalidRequestContent",
                    "The request content was invalid and could not be deserialized: restorePointInTime '"
                        + point.get<std::string>() + "' is not an ISO 8601 date and time.",
                    "restorePointInTime");
    const auto started = m_databases.beginRestore(name, sourceName, *when, tags, now);
    if (started.refusal)
        return fail(res, started.refusal->httpStatus, started.refusal->code, started.refusal->message);
    accepted(*started.operation, "RestoreLogicalDatabase");
}

void SqlApi::asyncOperation(const std::string &id, const std::string &apiVersion, bool locationStyle,
                            httplib::Response &res)
{
    const auto now = m_now();
    const auto op = m_databases.operation(id, now);
    if (!op)
        return fail(res, 404, "ResourceNotFound", "The operation '" + id + "' was not found.");
    if (locationStyle) {
        if (op->status == "InProgress") {
            res.set_header("Location", operationUrl("databaseOperationResults", op->id, apiVersion));
            res.set_header("Retry-After", std::to_string(m_databases.retryAfterSeconds(*op, now)));
            res.status = 202;
            return;
        }
        if (op->status == "Failed")
            return fail(res, 400, op->errorCode, op->errorMessage);
        const auto db = m_databases.get(op->database, now);
        if (!db)
            return fail(res, 404, "ResourceNotFound",
                        "The requested resource of type 'Microsoft.Sql/servers/databases' with name '" + op->database
                            + "' was not found.");
        send(res, 200, databaseJson(*db, now));
        return;
    }
    Json body = {{"id", resourceGroupId() + "/providers/Microsoft.Sql/locations/" + m_databases.options().location
                            + "/databaseAzureAsyncOperation/" + op->id},
                 {"name", op->id},
                 {"status", op->status},
                 {"startTime", SqlDatabases::timeText(op->start)},
                 {"percentComplete", m_databases.percentComplete(*op, now)}};
    if (op->status != "InProgress")
        body["endTime"] = SqlDatabases::timeText(op->end);
    if (op->status == "Failed")
        body["error"] = {{"code", op->errorCode}, {"message", op->errorMessage}};
    if (op->status == "InProgress")
        res.set_header("Retry-After", std::to_string(m_databases.retryAfterSeconds(*op, now)));
    send(res, 200, body);
}

void SqlApi::faultsHook(const httplib::Request &req, httplib::Response &res)
{
    if (armhttp::adminOnly(req, res, m_authorizer))
        m_faults.handle(req, res);
}

} // namespace sim
