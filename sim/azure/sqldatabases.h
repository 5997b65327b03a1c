#pragma once

// The simulated Azure SQL estate (DESIGN §10, API-CONTRACTS §5): one logical server with a database per
// service (tagged Service=<name>), its `master`, and the long-running operations that create databases
// (point-in-time restores, empty creates). Everything runs on the virtual clock: earliestRestoreDate is
// `now - retention` but never before the database's creation, an operation finishes `restoreSeconds`
// after it started (or fails earlier when chaos asked for it), and every read first settles the
// operations that are due at the `now` it is given. Chaos takes a database down (its status turns
// Offline and connections fail) or makes a service's next restore fail. Thread-safe: the HTTP layer,
// the chaos API and the controllers call it from their threads.

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "controllers/rng.h"

namespace sim {

struct SqlOptions
{
    std::string server = "opsdeck-sql";  // logical server name (host <server>.database.windows.net)
    std::string location = "westeurope";
    int retentionDays = 7;               // point-in-time restore window
    int restoreSeconds = 120;            // virtual seconds a restore or create takes
    double speed = 1.0;                  // virtual seconds per wall second, for Retry-After hints
};

struct SqlDatabase
{
    std::string name;
    std::string databaseId;              // a GUID, as ARM's properties.databaseId
    std::string owner;                   // the service it serves (internal: the Service tag, or the restore source's owner)
    nlohmann::json tags = nlohmann::json::object();
    std::chrono::system_clock::time_point created;
    bool system = false;                 // master
    bool down = false;                   // chaos: refuses connections
    std::string state = "Online";        // Online | Restoring | Creating (while its operation runs)
    std::string operationId;             // the operation creating it, "" when none runs
};

struct SqlOperation
{
    std::string id;                      // GUID in the Azure-AsyncOperation / Location URLs
    std::string kind;                    // "RestoreDatabase" | "CreateDatabase"
    std::string database;                // the database it creates
    std::string source;                  // restore source's name ("" for a create)
    std::chrono::system_clock::time_point start;
    std::chrono::system_clock::time_point end; // when it finishes (fails at `end` too when `fails`)
    std::chrono::system_clock::time_point restorePoint;
    bool fails = false;
    std::string status = "InProgress";   // InProgress | Succeeded | Failed
    std::string errorCode;
    std::string errorMessage;
};

// Where a connection string points.
struct SqlTarget
{
    std::string server;   // "opsdeck-sql" from "tcp:opsdeck-sql.database.windows.net,1433"
    std::string host;     // "opsdeck-sql.database.windows.net"
    std::string database; // Initial Catalog / Database
};

class SqlDatabases
{
public:
    using TimePoint = std::chrono::system_clock::time_point;

    // An ARM error: HTTP status, code and message.
    struct Refusal
    {
        int httpStatus = 400;
        std::string code;
        std::string message;
    };
    struct Started
    {
        std::optional<SqlOperation> operation; // set on success
        std::optional<Refusal> refusal;        // set on failure
    };

    SqlDatabases(SqlOptions options, std::uint64_t seed);

    const SqlOptions &options() const { return m_options; }
    std::string host() const { return m_options.server + ".database.windows.net"; }

    // Adds an Online database at load (tagged Service=<service> unless `service` is empty).
    void addDatabase(const std::string &name, const std::string &service, TimePoint created, bool system = false);

    // Reads, after settling what is due at `now`. list() is ordered by name.
    std::vector<SqlDatabase> list(TimePoint now);
    std::optional<SqlDatabase> get(const std::string &name, TimePoint now);
    std::optional<SqlOperation> operation(const std::string &id, TimePoint now);
    // Operations of a database (as target or source) that are still running.
    std::vector<SqlOperation> runningOperations(const std::string &database, TimePoint now);

    // ARM's properties.status of a database: Offline while down, else its state.
    static std::string status(const SqlDatabase &db);
    // max(creation, now - retention).
    TimePoint earliestRestoreDate(const SqlDatabase &db, TimePoint now) const;
    // Whether a connection to `database` on `server` opens now: it exists, is Online and not down.
    bool accepts(const std::string &server, const std::string &database, TimePoint now);

    // PUT …/databases/{target} with createMode PointInTimeRestore (`sourceName` already resolved from
    // sourceDatabaseId) or an empty create (`sourceName` ""). Validates the point against the source's
    // window, the target against clashes and running operations. `tags` become the new database's tags.
    Started beginRestore(const std::string &target, const std::string &sourceName, TimePoint point,
                         const nlohmann::json &tags, TimePoint now);
    Started beginCreate(const std::string &target, const nlohmann::json &tags, TimePoint now);
    // Updates an existing database's tags (PUT without a create mode); nullopt when it does not exist.
    std::optional<Refusal> updateTags(const std::string &name, const nlohmann::json &tags, TimePoint now);
    // DELETE: nullopt when deleted; refusal 404-free: deleting an absent database is not an error (false).
    std::optional<Refusal> remove(const std::string &name, TimePoint now, bool &existed);

    // Chaos. setDown: false for an unknown database. failNextRestore: the next restore whose source
    // belongs to `service` fails.
    bool setDown(const std::string &name, bool down);
    void setFailNextRestore(const std::string &service, bool fail);
    std::set<std::string> pendingRestoreFailures() const;

    // A Retry-After hint in wall seconds for a running operation (1..15).
    int retryAfterSeconds(const SqlOperation &op, TimePoint now) const;
    int percentComplete(const SqlOperation &op, TimePoint now) const;

    // Helpers shared with the API and the resilience model.
    static std::optional<SqlTarget> parseConnectionString(const std::string &text);
    static std::string base64Decode(const std::string &text); // "" for invalid input
    // ISO 8601 / RFC 3339 with optional fraction and zone (Z, ±hh:mm); no zone = UTC.
    static std::optional<TimePoint> parseTime(const std::string &text);
    static std::string timeText(TimePoint time); // 2026-11-26T09:00:00.000Z, as ARM writes dates
    static bool validName(const std::string &name);

private:
    void settle(TimePoint now); // with m_mutex held
    std::string newGuid();      // with m_mutex held
    SqlDatabase *find(const std::string &name); // case-insensitive, as SQL names are

    SqlOptions m_options;
    Rng m_rng;
    mutable std::mutex m_mutex;
    std::map<std::string, SqlDatabase> m_databases; // lower-case name -> database
    std::map<std::string, SqlOperation> m_operations; // id -> operation (kept after they finish)
    std::set<std::string> m_failNext;                 // services whose next restore fails
};

} // namespace sim
