#include "kqlvalue.h"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>

namespace sim::kql {

namespace {

const std::string kEmpty;
const nlohmann::json kNullJson;

std::int64_t floorDiv(std::int64_t a, std::int64_t b)
{
    std::int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        --q;
    return q;
}

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool digits(const std::string &s, std::size_t at, std::size_t n, int &out)
{
    if (at + n > s.size())
        return false;
    out = 0;
    for (std::size_t i = at; i < at + n; ++i) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        out = out * 10 + (s[i] - '0');
    }
    return true;
}

} // namespace

std::string typeName(Type type)
{
    switch (type) {
    case Type::Bool: return "bool";
    case Type::Int: return "int";
    case Type::Long: return "long";
    case Type::Real: return "real";
    case Type::String: return "string";
    case Type::DateTime: return "datetime";
    case Type::TimeSpan: return "timespan";
    case Type::Guid: return "guid";
    case Type::Dynamic: return "dynamic";
    }
    return "dynamic";
}

bool isNumeric(Type type)
{
    return type == Type::Int || type == Type::Long || type == Type::Real;
}

Value Value::null(Type type)
{
    Value v;
    v.m_type = type;
    return v;
}

Value Value::boolean(bool b)
{
    Value v;
    v.m_type = Type::Bool;
    v.m_data = b;
    return v;
}

Value Value::integer(std::int64_t i, Type type)
{
    Value v;
    v.m_type = type;
    v.m_data = i;
    return v;
}

Value Value::real(double d)
{
    Value v;
    v.m_type = Type::Real;
    v.m_data = d;
    return v;
}

Value Value::string(std::string s, Type type)
{
    Value v;
    v.m_type = type;
    v.m_data = std::move(s);
    return v;
}

Value Value::datetime(std::int64_t ticks)
{
    return integer(ticks, Type::DateTime);
}

Value Value::timespan(std::int64_t ticks)
{
    return integer(ticks, Type::TimeSpan);
}

Value Value::dynamic(nlohmann::json j)
{
    return dynamic(std::make_shared<const nlohmann::json>(std::move(j)));
}

Value Value::dynamic(std::shared_ptr<const nlohmann::json> j)
{
    Value v;
    v.m_type = Type::Dynamic;
    if (j && !j->is_null())
        v.m_data = std::move(j);
    return v;
}

Value Value::fromTime(std::chrono::system_clock::time_point t)
{
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
    return datetime(us * 10);
}

bool Value::asBool() const
{
    if (const auto *b = std::get_if<bool>(&m_data))
        return *b;
    if (const auto *i = std::get_if<std::int64_t>(&m_data))
        return *i != 0;
    if (const auto *j = std::get_if<std::shared_ptr<const nlohmann::json>>(&m_data))
        return (*j)->is_boolean() && (*j)->get<bool>();
    return false;
}

std::int64_t Value::asInt() const
{
    if (const auto *i = std::get_if<std::int64_t>(&m_data))
        return *i;
    if (const auto *d = std::get_if<double>(&m_data))
        return std::isfinite(*d) ? static_cast<std::int64_t>(*d) : 0;
    if (const auto *b = std::get_if<bool>(&m_data))
        return *b ? 1 : 0;
    return 0;
}

double Value::asReal() const
{
    if (const auto *d = std::get_if<double>(&m_data))
        return *d;
    if (const auto *i = std::get_if<std::int64_t>(&m_data))
        return static_cast<double>(*i);
    if (const auto *b = std::get_if<bool>(&m_data))
        return *b ? 1 : 0;
    return std::numeric_limits<double>::quiet_NaN();
}

const std::string &Value::asString() const
{
    if (const auto *s = std::get_if<std::string>(&m_data))
        return *s;
    return kEmpty;
}

const nlohmann::json &Value::asDynamic() const
{
    if (const auto *j = std::get_if<std::shared_ptr<const nlohmann::json>>(&m_data))
        return **j;
    return kNullJson;
}

Value Value::unwrapped() const
{
    if (m_type != Type::Dynamic)
        return *this;
    const nlohmann::json &j = asDynamic();
    if (j.is_null())
        return Value::null(Type::Dynamic);
    if (j.is_string())
        return Value::string(j.get<std::string>());
    if (j.is_boolean())
        return Value::boolean(j.get<bool>());
    if (j.is_number_integer() || j.is_number_unsigned())
        return Value::integer(j.get<std::int64_t>());
    if (j.is_number_float())
        return Value::real(j.get<double>());
    return *this;
}

std::string Value::datetimeText(std::int64_t ticks)
{
    const std::int64_t seconds = floorDiv(ticks, kTicksPerSecond);
    const std::int64_t fraction = ticks - seconds * kTicksPerSecond;
    const std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    std::string out = buf;
    if (fraction != 0) {
        char frac[16];
        std::snprintf(frac, sizeof frac, ".%07lld", static_cast<long long>(fraction));
        std::string f = frac;
        while (f.back() == '0')
            f.pop_back();
        out += f;
    }
    return out + "Z";
}

std::string Value::timespanText(std::int64_t ticks)
{
    std::string out;
    if (ticks < 0) {
        out = "-";
        ticks = -ticks;
    }
    const std::int64_t days = ticks / (86400 * kTicksPerSecond);
    std::int64_t rest = ticks % (86400 * kTicksPerSecond);
    const std::int64_t hours = rest / (3600 * kTicksPerSecond);
    rest %= 3600 * kTicksPerSecond;
    const std::int64_t minutes = rest / (60 * kTicksPerSecond);
    rest %= 60 * kTicksPerSecond;
    const std::int64_t secs = rest / kTicksPerSecond;
    const std::int64_t fraction = rest % kTicksPerSecond;
    char buf[64];
    if (days > 0)
        out += std::to_string(days) + ".";
    std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", static_cast<long long>(hours), static_cast<long long>(minutes),
                  static_cast<long long>(secs));
    out += buf;
    if (fraction != 0) {
        std::snprintf(buf, sizeof buf, ".%07lld", static_cast<long long>(fraction));
        out += buf;
    }
    return out;
}

std::optional<std::int64_t> Value::parseDatetime(const std::string &s)
{
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' || !digits(s, 8, 2, d))
        return std::nullopt;
    if (mo < 1 || mo > 12 || d < 1 || d > 31)
        return std::nullopt;
    std::size_t at = 10;
    std::int64_t fraction = 0;
    std::int64_t offsetSeconds = 0;
    if (at < s.size() && (s[at] == 'T' || s[at] == ' ')) {
        if (!digits(s, at + 1, 2, h) || s.size() < at + 6 || s[at + 3] != ':' || !digits(s, at + 4, 2, mi))
            return std::nullopt;
        at += 6;
        if (at < s.size() && s[at] == ':') {
            if (!digits(s, at + 1, 2, sec))
                return std::nullopt;
            at += 3;
            if (at < s.size() && s[at] == '.') {
                ++at;
                std::int64_t scale = kTicksPerSecond / 10;
                while (at < s.size() && s[at] >= '0' && s[at] <= '9') {
                    fraction += (s[at] - '0') * scale;
                    scale /= 10;
                    ++at;
                }
            }
        }
        if (at < s.size() && s[at] == 'Z') {
            ++at;
        } else if (at < s.size() && (s[at] == '+' || s[at] == '-')) {
            int oh = 0, om = 0;
            const int sign = s[at] == '-' ? -1 : 1;
            if (!digits(s, at + 1, 2, oh))
                return std::nullopt;
            std::size_t next = at + 3;
            if (next < s.size() && s[next] == ':')
                ++next;
            if (!digits(s, next, 2, om))
                return std::nullopt;
            offsetSeconds = sign * (oh * 3600 + om * 60);
            at = next + 2;
        }
    }
    if (at != s.size() || h > 23 || mi > 59 || sec > 60)
        return std::nullopt;
    const std::int64_t days = daysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    const std::int64_t seconds = days * 86400 + h * 3600 + mi * 60 + sec - offsetSeconds;
    return seconds * kTicksPerSecond + fraction;
}

std::optional<std::int64_t> Value::parseIsoDuration(const std::string &s)
{
    if (s.size() < 2 || (s[0] != 'P' && s[0] != 'p'))
        return std::nullopt;
    bool inTime = false;
    bool any = false;
    double total = 0;
    std::size_t i = 1;
    while (i < s.size()) {
        if (s[i] == 'T' || s[i] == 't') {
            inTime = true;
            ++i;
            continue;
        }
        std::size_t start = i;
        while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.'))
            ++i;
        if (start == i || i >= s.size())
            return std::nullopt;
        double n = 0;
        try {
            n = std::stod(s.substr(start, i - start));
        } catch (const std::exception &) {
            return std::nullopt;
        }
        const char unit = static_cast<char>(std::toupper(static_cast<unsigned char>(s[i++])));
        if (!inTime && unit == 'D')
            total += n * 86400;
        else if (!inTime && unit == 'W')
            total += n * 7 * 86400;
        else if (inTime && unit == 'H')
            total += n * 3600;
        else if (inTime && unit == 'M')
            total += n * 60;
        else if (inTime && unit == 'S')
            total += n;
        else
            return std::nullopt; // years and months have no fixed length
        any = true;
    }
    if (!any)
        return std::nullopt;
    return static_cast<std::int64_t>(std::llround(total * kTicksPerSecond));
}

std::string Value::toText() const
{
    if (isNull())
        return {};
    switch (m_type) {
    case Type::Bool: return asBool() ? "true" : "false";
    case Type::Int:
    case Type::Long: return std::to_string(asInt());
    case Type::Real: {
        const double d = asReal();
        if (std::isnan(d))
            return "NaN";
        if (std::isinf(d))
            return d > 0 ? "Infinity" : "-Infinity";
        if (d == std::floor(d) && std::fabs(d) < 1e15)
            return std::to_string(static_cast<long long>(d));
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.15g", d);
        return buf;
    }
    case Type::String:
    case Type::Guid: return asString();
    case Type::DateTime: return datetimeText(asInt());
    case Type::TimeSpan: return timespanText(asInt());
    case Type::Dynamic: {
        const auto &j = asDynamic();
        return j.is_string() ? j.get<std::string>() : j.dump();
    }
    }
    return {};
}

nlohmann::json Value::toJson() const
{
    if (isNull())
        return nullptr;
    switch (m_type) {
    case Type::Bool: return asBool();
    case Type::Int:
    case Type::Long: return asInt();
    case Type::Real: {
        const double d = asReal();
        if (std::isnan(d))
            return "NaN";
        if (std::isinf(d))
            return d > 0 ? "Infinity" : "-Infinity";
        return d;
    }
    case Type::Dynamic: {
        const auto &j = asDynamic();
        return j.is_string() ? j.get<std::string>() : j.dump();
    }
    default: return toText();
    }
}

std::string Value::key() const
{
    if (isNull())
        return "\x01";
    const Value u = unwrapped();
    switch (u.m_type) {
    case Type::Int:
    case Type::Long: return "n" + std::to_string(u.asInt());
    case Type::Real: {
        const double d = u.asReal();
        if (d == std::floor(d) && std::fabs(d) < 9e18)
            return "n" + std::to_string(static_cast<long long>(d));
        char buf[40];
        std::snprintf(buf, sizeof buf, "r%.17g", d);
        return buf;
    }
    case Type::Bool: return u.asBool() ? "b1" : "b0";
    case Type::DateTime: return "d" + std::to_string(u.asInt());
    case Type::TimeSpan: return "t" + std::to_string(u.asInt());
    case Type::Dynamic: return "j" + u.asDynamic().dump();
    default: return "s" + u.asString();
    }
}

std::optional<int> compare(const Value &x, const Value &y)
{
    const Value a = x.unwrapped();
    const Value b = y.unwrapped();
    if (a.isNull() || b.isNull())
        return std::nullopt;
    const auto three = [](auto l, auto r) { return l < r ? -1 : (r < l ? 1 : 0); };
    const bool aText = a.type() == Type::String || a.type() == Type::Guid;
    const bool bText = b.type() == Type::String || b.type() == Type::Guid;
    if (aText && bText)
        return three(a.asString(), b.asString());
    if (aText || bText)
        return std::nullopt;
    if (a.type() == Type::Dynamic || b.type() == Type::Dynamic)
        return std::nullopt;
    if (a.type() == Type::Real || b.type() == Type::Real)
        return three(a.asReal(), b.asReal());
    return three(a.asInt(), b.asInt());
}

} // namespace sim::kql
