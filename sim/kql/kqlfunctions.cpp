#include "kqlfunctions.h"

#include "kqlerror.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

namespace sim::kql {

namespace {

struct Signature
{
    std::size_t minArgs;
    std::size_t maxArgs;
};

const std::map<std::string, Signature> &signatures()
{
    static const std::map<std::string, Signature> s = {
        {"ago", {1, 1}}, {"now", {0, 1}}, {"bin", {2, 2}}, {"floor", {2, 2}},
        {"tostring", {1, 1}}, {"toint", {1, 1}}, {"tolong", {1, 1}}, {"todouble", {1, 1}}, {"toreal", {1, 1}},
        {"todatetime", {1, 1}}, {"totimespan", {1, 1}}, {"tobool", {1, 1}}, {"toboolean", {1, 1}},
        {"todynamic", {1, 1}}, {"parse_json", {1, 1}},
        {"tolower", {1, 1}}, {"toupper", {1, 1}}, {"strlen", {1, 1}}, {"strcat", {1, 64}}, {"substring", {2, 3}},
        {"iff", {3, 3}}, {"iif", {3, 3}}, {"case", {3, 129}}, {"coalesce", {2, 64}},
        {"isempty", {1, 1}}, {"isnotempty", {1, 1}}, {"isnull", {1, 1}}, {"isnotnull", {1, 1}}, {"not", {1, 1}},
        {"round", {1, 2}}, {"abs", {1, 1}}, {"sqrt", {1, 1}}, {"log10", {1, 1}}, {"exp", {1, 1}}, {"pow", {2, 2}},
        {"max_of", {2, 64}}, {"min_of", {2, 64}}, {"startofday", {1, 1}}, {"startofhour", {1, 1}},
        {"array_length", {1, 1}}, {"totimespan", {1, 1}},
    };
    return s;
}

std::string lower(std::string s)
{
    for (auto &c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string upper(std::string s)
{
    for (auto &c : s)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

bool timeLike(Type t)
{
    return t == Type::DateTime || t == Type::TimeSpan;
}

// Widest of numeric types: real beats long beats int.
Type numericResult(Type a, Type b)
{
    if (a == Type::Real || b == Type::Real || a == Type::Dynamic || b == Type::Dynamic)
        return Type::Real;
    if (a == Type::Long || b == Type::Long)
        return Type::Long;
    return a;
}

std::int64_t floorTo(std::int64_t value, std::int64_t step)
{
    if (step <= 0)
        return value;
    std::int64_t q = value / step;
    if (value % step != 0 && value < 0)
        --q;
    return q * step;
}

Value parseNumber(const Value &v, bool asReal)
{
    const Value u = v.unwrapped();
    if (u.isNull())
        return Value::null(asReal ? Type::Real : Type::Long);
    if (u.type() == Type::String) {
        const std::string &s = u.asString();
        try {
            std::size_t used = 0;
            const double d = std::stod(s, &used);
            if (used != s.size())
                return Value::null(asReal ? Type::Real : Type::Long);
            return asReal ? Value::real(d) : Value::integer(static_cast<std::int64_t>(d));
        } catch (const std::exception &) {
            return Value::null(asReal ? Type::Real : Type::Long);
        }
    }
    if (u.type() == Type::Bool || isNumeric(u.type()) || timeLike(u.type()))
        return asReal ? Value::real(u.asReal()) : Value::integer(u.asInt());
    return Value::null(asReal ? Type::Real : Type::Long);
}

bool emptyValue(const Value &v)
{
    if (v.isNull())
        return true;
    const Value u = v.unwrapped();
    if (u.type() == Type::String || u.type() == Type::Guid)
        return u.asString().empty();
    if (u.type() == Type::Dynamic)
        return u.asDynamic().is_null();
    return false;
}

} // namespace

bool KqlFunctions::isScalar(const std::string &name)
{
    return signatures().count(name) > 0;
}

Type KqlFunctions::returnType(const Expr &call, const std::vector<Type> &a)
{
    const auto &name = call.name;
    const auto sig = signatures().find(name);
    if (sig == signatures().end())
        throw KqlError(KqlError::Kind::Syntax, "the function '" + name + "' is not supported by opsdeck-sim's KQL subset",
                       call.position, name);
    if (a.size() < sig->second.minArgs || a.size() > sig->second.maxArgs)
        throw KqlError(KqlError::Kind::Semantic,
                       "function '" + name + "': wrong number of arguments (" + std::to_string(a.size()) + ")",
                       call.position, name);
    const auto need = [&](bool ok, const std::string &what) {
        if (!ok)
            throw KqlError(KqlError::Kind::Semantic, "function '" + name + "' expects " + what, call.position, name);
    };
    if (name == "ago") {
        need(a[0] == Type::TimeSpan, "a timespan argument");
        return Type::DateTime;
    }
    if (name == "now") {
        need(a.empty() || a[0] == Type::TimeSpan, "a timespan argument");
        return Type::DateTime;
    }
    if (name == "bin" || name == "floor") {
        if (a[0] == Type::DateTime || a[0] == Type::TimeSpan) {
            need(a[1] == Type::TimeSpan, "a timespan bin size for a " + typeName(a[0]));
            return a[0];
        }
        need(isNumeric(a[0]) || a[0] == Type::Dynamic, "a numeric, datetime or timespan value");
        need(isNumeric(a[1]), "a numeric bin size");
        return numericResult(a[0], a[1]);
    }
    if (name == "tostring" || name == "tolower" || name == "toupper" || name == "strcat" || name == "substring")
        return Type::String;
    if (name == "toint")
        return Type::Int;
    if (name == "tolong" || name == "strlen" || name == "array_length")
        return Type::Long;
    if (name == "todouble" || name == "toreal" || name == "sqrt" || name == "log10" || name == "exp" || name == "pow")
        return Type::Real;
    if (name == "todatetime" || name == "startofday" || name == "startofhour")
        return Type::DateTime;
    if (name == "totimespan")
        return Type::TimeSpan;
    if (name == "tobool" || name == "toboolean" || name == "isempty" || name == "isnotempty" || name == "isnull"
        || name == "isnotnull" || name == "not")
        return Type::Bool;
    if (name == "todynamic" || name == "parse_json")
        return Type::Dynamic;
    if (name == "iff" || name == "iif") {
        need(a[0] == Type::Bool || a[0] == Type::Dynamic, "a bool condition");
        if (a[1] == a[2])
            return a[1];
        if (isNumeric(a[1]) && isNumeric(a[2]))
            return numericResult(a[1], a[2]);
        if (a[1] == Type::Dynamic)
            return a[2];
        if (a[2] == Type::Dynamic)
            return a[1];
        need(false, "both branches of the same type");
    }
    if (name == "case") {
        need(a.size() % 2 == 1, "pairs of condition and value and an else value");
        return a.back();
    }
    if (name == "coalesce" || name == "max_of" || name == "min_of") {
        Type t = a[0];
        for (const Type x : a)
            if (isNumeric(t) && isNumeric(x))
                t = numericResult(t, x);
        return t;
    }
    if (name == "round")
        return a[0] == Type::Int ? Type::Long : (a[0] == Type::Dynamic ? Type::Real : a[0]);
    if (name == "abs")
        return a[0];
    return Type::Dynamic;
}

Value KqlFunctions::call(const std::string &name, const std::vector<Value> &a, std::int64_t now)
{
    if (name == "ago")
        return a[0].isNull() ? Value::null(Type::DateTime) : Value::datetime(now - a[0].asInt());
    if (name == "now")
        return Value::datetime(now + (a.empty() ? 0 : a[0].asInt()));
    if (name == "bin" || name == "floor") {
        const Value v = a[0].unwrapped();
        if (v.isNull() || a[1].isNull())
            return Value::null(v.type());
        if (v.type() == Type::DateTime || v.type() == Type::TimeSpan)
            return Value::integer(floorTo(v.asInt(), a[1].asInt()), v.type());
        if (v.type() == Type::Real || a[1].type() == Type::Real) {
            const double step = a[1].asReal();
            return Value::real(step > 0 ? std::floor(v.asReal() / step) * step : v.asReal());
        }
        return Value::integer(floorTo(v.asInt(), a[1].asInt()), v.type() == Type::Int ? Type::Long : v.type());
    }
    if (name == "tostring")
        return Value::string(a[0].toText());
    if (name == "toint" || name == "tolong") {
        Value n = parseNumber(a[0], false);
        return n.isNull() ? Value::null(name == "toint" ? Type::Int : Type::Long)
                          : Value::integer(n.asInt(), name == "toint" ? Type::Int : Type::Long);
    }
    if (name == "todouble" || name == "toreal")
        return parseNumber(a[0], true);
    if (name == "todatetime") {
        const Value u = a[0].unwrapped();
        if (u.type() == Type::DateTime)
            return u;
        if (u.type() == Type::String)
            if (const auto t = Value::parseDatetime(u.asString()))
                return Value::datetime(*t);
        return Value::null(Type::DateTime);
    }
    if (name == "totimespan") {
        const Value u = a[0].unwrapped();
        if (u.type() == Type::TimeSpan)
            return u;
        if (isNumeric(u.type()))
            return Value::timespan(u.asInt());
        return Value::null(Type::TimeSpan);
    }
    if (name == "tobool" || name == "toboolean") {
        const Value u = a[0].unwrapped();
        if (u.type() == Type::Bool)
            return u;
        if (u.type() == Type::String) {
            const std::string s = lower(u.asString());
            if (s == "true" || s == "1")
                return Value::boolean(true);
            if (s == "false" || s == "0")
                return Value::boolean(false);
            return Value::null(Type::Bool);
        }
        if (isNumeric(u.type()))
            return Value::boolean(u.asReal() != 0);
        return Value::null(Type::Bool);
    }
    if (name == "todynamic" || name == "parse_json") {
        const Value u = a[0].unwrapped();
        if (u.type() == Type::String) {
            try {
                return Value::dynamic(nlohmann::json::parse(u.asString()));
            } catch (const nlohmann::json::exception &) {
                return Value::dynamic(nlohmann::json(u.asString()));
            }
        }
        return a[0].type() == Type::Dynamic ? a[0] : Value::dynamic(a[0].toJson());
    }
    if (name == "tolower")
        return Value::string(lower(a[0].toText()));
    if (name == "toupper")
        return Value::string(upper(a[0].toText()));
    if (name == "strlen")
        return a[0].isNull() ? Value::null(Type::Long) : Value::integer(static_cast<std::int64_t>(a[0].toText().size()));
    if (name == "strcat") {
        std::string out;
        for (const auto &v : a)
            out += v.toText();
        return Value::string(out);
    }
    if (name == "substring") {
        const std::string s = a[0].toText();
        std::int64_t start = std::max<std::int64_t>(0, a[1].asInt());
        if (start > static_cast<std::int64_t>(s.size()))
            return Value::string("");
        const std::int64_t length = a.size() > 2 ? std::max<std::int64_t>(0, a[2].asInt()) : static_cast<std::int64_t>(s.size());
        return Value::string(s.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(length)));
    }
    if (name == "iff" || name == "iif")
        return a[0].unwrapped().asBool() ? a[1] : a[2];
    if (name == "case") {
        for (std::size_t i = 0; i + 1 < a.size(); i += 2)
            if (a[i].unwrapped().asBool())
                return a[i + 1];
        return a.back();
    }
    if (name == "coalesce") {
        for (const auto &v : a)
            if (!emptyValue(v))
                return v;
        return a.back();
    }
    if (name == "isempty")
        return Value::boolean(emptyValue(a[0]));
    if (name == "isnotempty")
        return Value::boolean(!emptyValue(a[0]));
    if (name == "isnull")
        return Value::boolean(a[0].isNull() || (a[0].type() == Type::Dynamic && a[0].asDynamic().is_null()));
    if (name == "isnotnull")
        return Value::boolean(!(a[0].isNull() || (a[0].type() == Type::Dynamic && a[0].asDynamic().is_null())));
    if (name == "not") {
        const Value u = a[0].unwrapped();
        return u.isNull() ? Value::null(Type::Bool) : Value::boolean(!u.asBool());
    }
    if (name == "round") {
        const Value u = a[0].unwrapped();
        if (u.isNull())
            return Value::null(Type::Real);
        if (u.type() != Type::Real)
            return u;
        const double scale = std::pow(10.0, a.size() > 1 ? static_cast<double>(a[1].asInt()) : 0.0);
        return Value::real(std::round(u.asReal() * scale) / scale);
    }
    if (name == "abs") {
        const Value u = a[0].unwrapped();
        if (u.isNull())
            return u;
        if (u.type() == Type::Real)
            return Value::real(std::fabs(u.asReal()));
        return Value::integer(std::llabs(u.asInt()), u.type());
    }
    if (name == "sqrt" || name == "log10" || name == "exp") {
        const Value u = a[0].unwrapped();
        if (u.isNull())
            return Value::null(Type::Real);
        const double x = u.asReal();
        return Value::real(name == "sqrt" ? std::sqrt(x) : name == "log10" ? std::log10(x) : std::exp(x));
    }
    if (name == "pow")
        return Value::real(std::pow(a[0].unwrapped().asReal(), a[1].unwrapped().asReal()));
    if (name == "max_of" || name == "min_of") {
        Value best;
        for (const auto &v : a) {
            if (v.isNull())
                continue;
            if (best.isNull()) {
                best = v;
                continue;
            }
            const auto c = compare(v, best);
            if (c && ((name == "max_of" && *c > 0) || (name == "min_of" && *c < 0)))
                best = v;
        }
        return best;
    }
    if (name == "startofday" || name == "startofhour") {
        if (a[0].isNull())
            return Value::null(Type::DateTime);
        const std::int64_t step = (name == "startofday" ? 86400 : 3600) * kTicksPerSecond;
        return Value::datetime(floorTo(a[0].asInt(), step));
    }
    if (name == "array_length") {
        const Value &v = a[0];
        if (v.type() == Type::Dynamic && v.asDynamic().is_array())
            return Value::integer(static_cast<std::int64_t>(v.asDynamic().size()));
        return Value::null(Type::Long);
    }
    return Value::null(Type::Dynamic);
}

} // namespace sim::kql
