#include "sqldatabases.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace sim {

namespace {

using namespace std::chrono_literals;
using Json = nlohmann::json;

std::string lower(std::string s)
{
    for (char &c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string trim(const std::string &s)
{
    std::size_t a = 0;
    std::size_t b = s.size();
    while (a < b && std::isspace(static_cast<unsigned char>(s[a])))
        ++a;
    while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1])))
        --b;
    return s.substr(a, b - a);
}

} // namespace

SqlDatabases::SqlDatabases(SqlOptions options, std::uint64_t seed)
    : m_options(std::move(options))
    , m_rng(Rng::mix(seed ^ 0x73716c6462ULL))
{}

std::string SqlDatabases::newGuid()
{
    const std::string h = m_rng.hex(32);
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-4" + h.substr(13, 3) + "-8" + h.substr(17, 3) + "-" + h.substr(20, 12);
}

SqlDatabase *SqlDatabases::find(const std::string &name)
{
    const auto it = m_databases.find(lower(name));
    return it == m_databases.end() ? nullptr : &it->second;
}

void SqlDatabases::addDatabase(const std::string &name, const std::string &service, TimePoint created, bool system)
{
    std::lock_guard lock(m_mutex);
    SqlDatabase db;
    db.name = name;
    db.databaseId = newGuid();
    db.owner = service;
    if (!service.empty())
        db.tags = {{"Service", service}};
    db.created = created;
    db.system = system;
    m_databases[lower(name)] = std::move(db);
}

void SqlDatabases::settle(TimePoint now)
{
    for (auto &[id, op] : m_operations) {
        if (op.status != "InProgress" || op.end > now)
            continue;
        SqlDatabase *db = find(op.database);
        if (op.fails) {
            op.status = "Failed";
            // A failed restore leaves no database behind.
            if (db && db->operationId == id)
                m_databases.erase(lower(op.database));
            continue;
        }
        op.status = "Succeeded";
        if (db && db->operationId == id) {
            db->state = "Online";
            db->operationId.clear();
            db->created = op.end;
        }
    }
}

std::vector<SqlDatabase> SqlDatabases::list(TimePoint now)
{
    std::lock_guard lock(m_mutex);
    settle(now);
    std::vector<SqlDatabase> out;
    for (const auto &[key, db] : m_databases)
        out.push_back(db);
    std::sort(out.begin(), out.end(), [](const SqlDatabase &a, const SqlDatabase &b) { return a.name < b.name; });
    return out;
}

std::optional<SqlDatabase> SqlDatabases::get(const std::string &name, TimePoint now)
{
    std::lock_guard lock(m_mutex);
    settle(now);
    const SqlDatabase *db = find(name);
    return db ? std::optional<SqlDatabase>(*db) : std::nullopt;
}

std::optional<SqlOperation> SqlDatabases::operation(const std::string &id, TimePoint now)
{
    std::lock_guard lock(m_mutex);
    settle(now);
    const auto it = m_operations.find(lower(id));
    return it == m_operations.end() ? std::nullopt : std::optional<SqlOperation>(it->second);
}

std::vector<SqlOperation> SqlDatabases::runningOperations(const std::string &database, TimePoint now)
{
    std::lock_guard lock(m_mutex);
    settle(now);
    std::vector<SqlOperation> out;
    for (const auto &[id, op] : m_operations)
        if (op.status == "InProgress" && (lower(op.database) == lower(database) || lower(op.source) == lower(database)))
            out.push_back(op);
    return out;
}

std::string SqlDatabases::status(const SqlDatabase &db)
{
    if (db.state != "Online")
        return db.state;
    return db.down ? "Offline" : "Online";
}

SqlDatabases::TimePoint SqlDatabases::earliestRestoreDate(const SqlDatabase &db, TimePoint now) const
{
    return std::max(db.created, now - std::chrono::hours(24) * m_options.retentionDays);
}

bool SqlDatabases::accepts(const std::string &server, const std::string &database, TimePoint now)
{
    if (lower(server) != lower(m_options.server))
        return false;
    std::lock_guard lock(m_mutex);
    settle(now);
    const SqlDatabase *db = find(database);
    return db && db->state == "Online" && !db->down;
}

SqlDatabases::Started SqlDatabases::beginRestore(const std::string &target, const std::string &sourceName,
                                                 TimePoint point, const Json &tags, TimePoint now)
{
    std::lock_guard lock(m_mutex);
    settle(now);
    Started result;
    const auto refuse = [&](int status, std::string code, std::string message) {
        result.refusal = Refusal{status, std::move(code), std::move(message)};
        return result;
    };
    if (const SqlDatabase *existing = find(target)) {
        if (!existing->operationId.empty())
            return refuse(409, "ConflictingDatabaseOperation",
                          "There is an operation in progress on database '" + existing->name
                              + "'. Wait for it to complete before starting another one.");
        return refuse(409, "DatabaseAlreadyExists",
                      "The database '" + existing->name + "' already exists on server '" + m_options.server
                          + "'. A restore creates a new database: choose a different name.");
    }
    const SqlDatabase *source = find(sourceName);
    if (!source || source->system)
        return refuse(400, "InvalidSourceDatabaseId",
                      "The source database '" + sourceName + "' does not exist on server '" + m_options.server + "'.");
    if (!source->operationId.empty())
        return refuse(409, "ConflictingDatabaseOperation",
                      "There is an operation in progress on database '" + source->name
                          + "'. Wait for it to complete before restoring from it.");
    const TimePoint earliest = earliestRestoreDate(*source, now);
    if (point < earliest || point > now)
        return refuse(400, "InvalidPointInTime",
                      "The restore point in time '" + timeText(point) + "' is outside the restore window of database '"
                          + source->name + "': it must lie between its earliest restore point '" + timeText(earliest)
                          + "' and the current time '" + timeText(now) + "'.");
    SqlOperation op;
    op.id = newGuid();
    op.kind = "RestoreDatabase";
    op.database = target;
    op.source = source->name;
    op.start = now;
    op.end = now + std::chrono::seconds(m_options.restoreSeconds);
    op.restorePoint = point;
    if (m_failNext.erase(source->owner) > 0) {
        op.fails = true;
        op.end = now + std::chrono::seconds(std::max(1, m_options.restoreSeconds * 3 / 5));
        op.errorCode = "DatabaseRestoreFailed";
        op.errorMessage = "The restore of database '" + source->name + "' to point in time '" + timeText(point)
                          + "' as '" + target + "' failed: the log backup chain could not be read (injected by "
                            "opsdeck-sim chaos restore-fail). Retry the restore.";
    }
    SqlDatabase db;
    db.name = target;
    db.databaseId = newGuid();
    db.owner = source->owner;
    db.tags = tags.is_object() ? tags : Json::object();
    db.created = now;
    db.state = "Restoring";
    db.operationId = op.id;
    m_databases[lower(target)] = std::move(db);
    m_operations[op.id] = op;
    result.operation = op;
    return result;
}

SqlDatabases::Started SqlDatabases::beginCreate(const std::string &target, const Json &tags, TimePoint now)
{
    std::lock_guard lock(m_mutex);
    settle(now);
    Started result;
    if (find(target)) {
        result.refusal = Refusal{409, "ConflictingDatabaseOperation",
                                 "There is an operation in progress on database '" + target + "'."};
        return result;
    }
    SqlOperation op;
    op.id = newGuid();
    op.kind = "CreateDatabase";
    op.database = target;
    op.start = now;
    op.end = now + std::chrono::seconds(std::max(1, m_options.restoreSeconds / 4));
    SqlDatabase db;
    db.name = target;
    db.databaseId = newGuid();
    db.owner = tags.is_object() ? tags.value("Service", std::string()) : std::string();
    db.tags = tags.is_object() ? tags : Json::object();
    db.created = now;
    db.state = "Creating";
    db.operationId = op.id;
    m_databases[lower(target)] = std::move(db);
    m_operations[op.id] = op;
    result.operation = op;
    return result;
}

std::optional<SqlDatabases::Refusal> SqlDatabases::updateTags(const std::string &name, const Json &tags, TimePoint now)
{
    std::lock_guard lock(m_mutex);
    settle(now);
    SqlDatabase *db = find(name);
    if (!db)
        return Refusal{404, "ResourceNotFound", "The database '" + name + "' does not exist."};
    if (!db->operationId.empty())
        return Refusal{409, "ConflictingDatabaseOperation",
                       "There is an operation in progress on database '" + db->name + "'."};
    if (tags.is_object())
        db->tags = tags;
    return std::nullopt;
}

std::optional<SqlDatabases::Refusal> SqlDatabases::remove(const std::string &name, TimePoint now, bool &existed)
{
    std::lock_guard lock(m_mutex);
    settle(now);
    SqlDatabase *db = find(name);
    existed = db != nullptr;
    if (!db)
        return std::nullopt;
    if (db->system)
        return Refusal{400, "CannotDropSystemDatabase", "The system database '" + db->name + "' cannot be dropped."};
    if (!db->operationId.empty())
        return Refusal{409, "ConflictingDatabaseOperation",
                       "There is an operation in progress on database '" + db->name + "'."};
    m_databases.erase(lower(name));
    return std::nullopt;
}

bool SqlDatabases::setDown(const std::string &name, bool down)
{
    std::lock_guard lock(m_mutex);
    SqlDatabase *db = find(name);
    if (!db || db->system)
        return false;
    db->down = down;
    return true;
}

void SqlDatabases::setFailNextRestore(const std::string &service, bool fail)
{
    std::lock_guard lock(m_mutex);
    if (fail)
        m_failNext.insert(service);
    else
        m_failNext.erase(service);
}

std::set<std::string> SqlDatabases::pendingRestoreFailures() const
{
    std::lock_guard lock(m_mutex);
    return m_failNext;
}

int SqlDatabases::retryAfterSeconds(const SqlOperation &op, TimePoint now) const
{
    // A quarter of the remaining time, in wall seconds: a few polls per operation whatever the speed.
    const double remaining = std::max(0.0, std::chrono::duration<double>(op.end - now).count());
    const double speed = m_options.speed > 0 ? m_options.speed : 1.0;
    return std::clamp(static_cast<int>(std::ceil(remaining / speed / 4.0)), 1, 15);
}

int SqlDatabases::percentComplete(const SqlOperation &op, TimePoint now) const
{
    if (op.status == "Succeeded")
        return 100;
    const double total = std::chrono::duration<double>(op.end - op.start).count();
    const double done = std::chrono::duration<double>(now - op.start).count();
    if (total <= 0)
        return 0;
    const double scale = op.fails ? 0.6 : 1.0; // a failing one dies on its way
    return std::clamp(static_cast<int>(std::floor(done / total * 100.0 * scale)), 0, 99);
}

std::optional<SqlTarget> SqlDatabases::parseConnectionString(const std::string &text)
{
    SqlTarget t;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find(';', start);
        if (end == std::string::npos)
            end = text.size();
        const std::string part = text.substr(start, end - start);
        const auto eq = part.find('=');
        if (eq != std::string::npos) {
            const std::string key = lower(trim(part.substr(0, eq)));
            const std::string value = trim(part.substr(eq + 1));
            if (key == "server" || key == "data source" || key == "address" || key == "addr"
                || key == "network address") {
                std::string host = value;
                if (lower(host).rfind("tcp:", 0) == 0)
                    host = host.substr(4);
                host = host.substr(0, host.find(','));
                t.host = host;
                t.server = host.substr(0, host.find('.'));
            } else if (key == "initial catalog" || key == "database") {
                t.database = value;
            }
        }
        start = end + 1;
    }
    if (t.server.empty() || t.database.empty())
        return std::nullopt;
    return t;
}

std::string SqlDatabases::base64Decode(const std::string &text)
{
    static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned int buffer = 0;
    int bits = 0;
    for (const char c : text) {
        if (c == '=' || std::isspace(static_cast<unsigned char>(c)))
            continue;
        const auto index = alphabet.find(c);
        if (index == std::string::npos)
            return {};
        buffer = (buffer << 6) | static_cast<unsigned int>(index);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buffer >> bits) & 0xff));
        }
    }
    return out;
}

std::optional<SqlDatabases::TimePoint> SqlDatabases::parseTime(const std::string &text)
{
    std::tm utc{};
    int consumed = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &utc.tm_year, &utc.tm_mon, &utc.tm_mday, &utc.tm_hour,
                    &utc.tm_min, &utc.tm_sec, &consumed)
            != 6
        || consumed != 19)
        return std::nullopt;
    if (utc.tm_mon < 1 || utc.tm_mon > 12 || utc.tm_mday < 1 || utc.tm_mday > 31 || utc.tm_hour > 23 || utc.tm_min > 59
        || utc.tm_sec > 60)
        return std::nullopt;
    utc.tm_year -= 1900;
    utc.tm_mon -= 1;
    const std::time_t seconds = timegm(&utc);
    std::size_t i = 19;
    std::chrono::nanoseconds fraction{0};
    if (i < text.size() && (text[i] == '.' || text[i] == ',')) {
        ++i;
        long long scale = 100000000;
        const std::size_t digits = i;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
            fraction += std::chrono::nanoseconds((text[i] - '0') * scale);
            scale /= 10;
            ++i;
        }
        if (i == digits)
            return std::nullopt;
    }
    std::chrono::minutes offset{0};
    if (i < text.size()) {
        if ((text[i] == 'Z' || text[i] == 'z') && i + 1 == text.size()) {
            ++i;
        } else if ((text[i] == '+' || text[i] == '-') && text.size() - i == 6 && text[i + 3] == ':') {
            int h = 0;
            int m = 0;
            if (std::sscanf(text.c_str() + i + 1, "%2d:%2d", &h, &m) != 2 || h > 23 || m > 59)
                return std::nullopt;
            offset = std::chrono::minutes(h * 60 + m) * (text[i] == '+' ? 1 : -1);
            i = text.size();
        } else {
            return std::nullopt;
        }
    }
    return std::chrono::system_clock::from_time_t(seconds)
        + std::chrono::duration_cast<std::chrono::system_clock::duration>(fraction) - offset;
}

std::string SqlDatabases::timeText(TimePoint time)
{
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
    const std::time_t seconds = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    const long long millis = ((ms % 1000) + 1000) % 1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[96];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03lldZ", utc.tm_year + 1900, utc.tm_mon + 1,
                  utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
    return text;
}

bool SqlDatabases::validName(const std::string &name)
{
    if (name.empty() || name.size() > 128 || name.back() == '.' || name.back() == ' ')
        return false;
    for (const char c : name)
        if (std::string("<>*%&:\\/?").find(c) != std::string::npos || static_cast<unsigned char>(c) < 0x20)
            return false;
    return true;
}

} // namespace sim
