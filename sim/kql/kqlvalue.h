#pragma once

// One cell of a KQL table: a typed scalar (bool, int, long, real, string, datetime, timespan, guid) or a
// dynamic JSON value, any of which may be null. Datetimes and timespans are 100 ns ticks (Unix epoch for
// datetimes), as Kusto keeps them; a dynamic's JSON is shared, so copying rows stays cheap.

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>

namespace sim::kql {

enum class Type { Bool, Int, Long, Real, String, DateTime, TimeSpan, Guid, Dynamic };

std::string typeName(Type type); // as the query API names column types: "bool", "datetime"...
bool isNumeric(Type type);       // int, long, real

constexpr std::int64_t kTicksPerSecond = 10'000'000;
constexpr std::int64_t kTicksPerMs = 10'000;

class Value
{
public:
    Value() = default; // null dynamic

    static Value null(Type type);
    static Value boolean(bool b);
    static Value integer(std::int64_t v, Type type = Type::Long);
    static Value real(double v);
    static Value string(std::string s, Type type = Type::String);
    static Value datetime(std::int64_t ticks);
    static Value timespan(std::int64_t ticks);
    static Value dynamic(nlohmann::json j);
    static Value dynamic(std::shared_ptr<const nlohmann::json> j);
    static Value fromTime(std::chrono::system_clock::time_point t);

    Type type() const { return m_type; }
    bool isNull() const { return std::holds_alternative<std::monostate>(m_data); }

    bool asBool() const;                 // false for null
    std::int64_t asInt() const;          // ticks for datetime/timespan; 0 for null
    double asReal() const;               // numbers, ticks; NaN for null or text
    const std::string &asString() const; // strings and guids; "" otherwise
    const nlohmann::json &asDynamic() const;

    // A dynamic holding a scalar as that scalar's KQL value (string → string, number → long/real,
    // bool → bool, null → null); any other value unchanged.
    Value unwrapped() const;
    // The value as tostring() renders it (datetimes ISO 8601, timespans d.hh:mm:ss, dynamics as JSON).
    std::string toText() const;
    // The value in a query API answer: numbers and bools as JSON, datetimes and timespans as text,
    // dynamics as JSON text (as Log Analytics sends them), null as null.
    nlohmann::json toJson() const;
    // A stable key for grouping and dcount: equal values, equal keys.
    std::string key() const;

    static std::string datetimeText(std::int64_t ticks);
    static std::string timespanText(std::int64_t ticks);
    // ISO 8601 ("2026-11-26T09:00:00Z", "2026-11-26T09:00:00.5+01:00", "2026-11-26"); nullopt if not one.
    static std::optional<std::int64_t> parseDatetime(const std::string &text);
    // ISO 8601 duration ("PT1H", "P1D", "PT15M30S"); nullopt if not one.
    static std::optional<std::int64_t> parseIsoDuration(const std::string &text);

private:
    Type m_type = Type::Dynamic;
    std::variant<std::monostate, bool, std::int64_t, double, std::string, std::shared_ptr<const nlohmann::json>> m_data;
};

// Three-way comparison for order by, min/max and comparisons; nullopt when the two cannot be ordered
// (null, or a string against a number).
std::optional<int> compare(const Value &a, const Value &b);

} // namespace sim::kql
