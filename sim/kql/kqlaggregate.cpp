#include "kqlaggregate.h"

#include "kqlerror.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace sim::kql {

namespace {

std::string sanitize(const std::string &s)
{
    std::string out;
    for (const char c : s)
        out += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
    return out;
}

std::string percentName(double p)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", p);
    std::string s = buf;
    std::replace(s.begin(), s.end(), '.', '_');
    return s;
}

bool fixedArgs(const std::string &f, std::size_t n)
{
    if (f == "count")
        return n == 0;
    if (f == "countif" || f == "sum" || f == "avg" || f == "min" || f == "max" || f == "any" || f == "make_set")
        return n == 1;
    if (f == "dcount" || f == "make_list")
        return n == 1 || n == 2;
    if (f == "sumif" || f == "avgif" || f == "minif" || f == "maxif" || f == "percentile")
        return n == 2;
    if (f == "dcountif")
        return n == 2 || n == 3;
    if (f == "percentiles")
        return n >= 2;
    if (f == "arg_max" || f == "arg_min")
        return n >= 2;
    return false;
}

} // namespace

std::string derivedName(const Expr &e)
{
    switch (e.kind) {
    case Expr::Kind::Column: return e.name;
    case Expr::Kind::Member: {
        const std::string base = derivedName(*e.args[0]);
        return base.empty() ? std::string() : base + "_" + sanitize(e.name);
    }
    case Expr::Kind::Index: {
        const std::string base = derivedName(*e.args[0]);
        const Expr &key = *e.args[1];
        if (base.empty() || key.kind != Expr::Kind::Literal)
            return {};
        return base + "_" + sanitize(key.literal.toText());
    }
    case Expr::Kind::Call:
        // bin(TimeGenerated, 5m) → TimeGenerated; tostring(Properties.version) → Properties_version
        if (!e.args.empty() && e.name != "iff" && e.name != "iif" && e.name != "case" && e.name != "strcat")
            return derivedName(*e.args[0]);
        return {};
    default: return {};
    }
}

bool KqlAggregate::isAggregate(const std::string &f)
{
    static const std::set<std::string> names = {"count", "countif", "sum", "sumif", "avg", "avgif", "min", "max",
                                                "minif", "maxif", "dcount", "dcountif", "percentile", "percentiles",
                                                "make_list", "make_set", "any", "arg_max", "arg_min"};
    return names.count(f) > 0;
}

AggregateSpec KqlAggregate::spec(const Expr &call, const std::vector<Column> &input)
{
    AggregateSpec s;
    s.function = call.name;
    const std::string &f = call.name;
    for (const auto &a : call.args)
        s.argTypes.push_back(a->type);
    const auto fail = [&](const std::string &why) {
        throw KqlError(KqlError::Kind::Semantic, "aggregate '" + f + "': " + why, call.position, f);
    };
    if (!fixedArgs(f, call.args.size()))
        fail("wrong number of arguments (" + std::to_string(call.args.size()) + ")");
    const std::string arg = call.args.empty() ? std::string() : derivedName(*call.args[0]);
    const Type t0 = s.argTypes.empty() ? Type::Long : s.argTypes[0];
    const auto boolArg = [&](std::size_t i) {
        if (s.argTypes[i] != Type::Bool && s.argTypes[i] != Type::Dynamic)
            fail("argument " + std::to_string(i + 1) + " must be a bool predicate");
    };
    const auto numericArg = [&]() {
        if (!isNumeric(t0) && t0 != Type::Dynamic && t0 != Type::TimeSpan && t0 != Type::Bool)
            fail("needs a numeric argument, got " + typeName(t0));
    };
    const auto sumType = [&]() {
        return t0 == Type::Real || t0 == Type::Dynamic ? Type::Real : t0 == Type::TimeSpan ? Type::TimeSpan : Type::Long;
    };
    if (f == "count") {
        s.outputs = {{"count_", Type::Long}};
    } else if (f == "countif") {
        boolArg(0);
        s.outputs = {{"countif_", Type::Long}};
    } else if (f == "sum" || f == "sumif") {
        numericArg();
        if (f == "sumif")
            boolArg(1);
        s.outputs = {{f + "_" + arg, sumType()}};
    } else if (f == "avg" || f == "avgif") {
        numericArg();
        if (f == "avgif")
            boolArg(1);
        s.outputs = {{f + "_" + arg, t0 == Type::TimeSpan ? Type::TimeSpan : Type::Real}};
    } else if (f == "min" || f == "max" || f == "minif" || f == "maxif" || f == "any") {
        if (f == "minif" || f == "maxif")
            boolArg(1);
        s.outputs = {{f + "_" + arg, t0 == Type::Int ? Type::Long : t0}};
    } else if (f == "dcount" || f == "dcountif") {
        if (f == "dcountif")
            boolArg(1);
        s.outputs = {{f + "_" + arg, Type::Long}};
    } else if (f == "percentile" || f == "percentiles") {
        numericArg();
        for (std::size_t i = 1; i < call.args.size(); ++i) {
            const Expr &p = *call.args[i];
            if (p.kind != Expr::Kind::Literal || !isNumeric(p.literal.type()) || p.literal.asReal() < 0
                || p.literal.asReal() > 100)
                fail("the percentile must be a number literal between 0 and 100");
            s.percentiles.push_back(p.literal.asReal());
            s.outputs.push_back({"percentile_" + arg + "_" + percentName(p.literal.asReal()),
                                 t0 == Type::Int || t0 == Type::Bool ? Type::Long : (t0 == Type::Dynamic ? Type::Real : t0)});
        }
    } else if (f == "make_list" || f == "make_set") {
        if (call.args.size() == 2) {
            const Expr &m = *call.args[1];
            if (m.kind != Expr::Kind::Literal || !isNumeric(m.literal.type()) || m.literal.asInt() < 1)
                fail("the size limit must be a positive whole number");
            s.maxListSize = static_cast<std::size_t>(m.literal.asInt());
        }
        s.outputs = {{(f == "make_list" ? "list_" : "set_") + arg, Type::Dynamic}};
    } else if (f == "arg_max" || f == "arg_min") {
        s.outputs.push_back({arg.empty() ? f : arg, t0});
        for (std::size_t i = 1; i < call.args.size(); ++i) {
            const Expr &c = *call.args[i];
            if (c.kind == Expr::Kind::Star) {
                for (std::size_t col = 0; col < input.size(); ++col) {
                    if (input[col].name == arg)
                        continue;
                    s.extraColumns.push_back(static_cast<int>(col));
                    s.outputs.push_back(input[col]);
                }
            } else if (c.kind == Expr::Kind::Column && c.column >= 0) {
                s.extraColumns.push_back(c.column);
                s.outputs.push_back(input[static_cast<std::size_t>(c.column)]);
            } else {
                fail("returns columns: name them, or use *");
            }
        }
    }
    return s;
}

void KqlAggregate::add(const std::vector<Value> &args)
{
    const std::string &f = m_spec->function;
    const auto predicate = [&](std::size_t i) { return args[i].unwrapped().asBool(); };
    if (f == "count") {
        ++m_count;
    } else if (f == "countif") {
        if (predicate(0))
            ++m_count;
    } else if (f == "sum" || f == "sumif" || f == "avg" || f == "avgif") {
        if ((f == "sumif" || f == "avgif") && !predicate(1))
            return;
        const Value v = args[0].unwrapped();
        if (v.isNull() || (!isNumeric(v.type()) && v.type() != Type::TimeSpan && v.type() != Type::Bool))
            return;
        ++m_count;
        if (v.type() == Type::Real)
            m_realSum += v.asReal();
        else
            m_intSum += v.asInt();
    } else if (f == "min" || f == "max" || f == "minif" || f == "maxif" || f == "any") {
        if ((f == "minif" || f == "maxif") && !predicate(1))
            return;
        const Value &v = args[0];
        if (v.isNull())
            return;
        if (m_best.isNull() && m_count == 0) {
            m_best = v;
            m_count = 1;
            return;
        }
        if (f == "any")
            return;
        const auto c = compare(v, m_best);
        if (c && ((f[1] == 'a' && *c > 0) || (f[1] == 'i' && *c < 0)))
            m_best = v;
    } else if (f == "dcount" || f == "dcountif") {
        if (f == "dcountif" && !predicate(1))
            return;
        if (!args[0].isNull())
            m_distinct.insert(args[0].key());
    } else if (f == "percentile" || f == "percentiles") {
        const Value v = args[0].unwrapped();
        if (!v.isNull() && (isNumeric(v.type()) || v.type() == Type::TimeSpan))
            m_values.push_back(v.asReal());
    } else if (f == "make_list" || f == "make_set") {
        if (args[0].isNull() || m_list.size() >= m_spec->maxListSize)
            return;
        const Value u = args[0];
        nlohmann::json j = u.type() == Type::Dynamic ? u.asDynamic()
            : (u.type() == Type::DateTime || u.type() == Type::TimeSpan || u.type() == Type::Guid) ? nlohmann::json(u.toText())
                                                                                                  : u.toJson();
        if (f == "make_set") {
            if (!m_distinct.insert(u.key()).second)
                return;
        }
        m_list.push_back(std::move(j));
    } else if (f == "arg_max" || f == "arg_min") {
        const Value &v = args[0];
        if (v.isNull())
            return;
        bool take = m_count == 0;
        if (!take) {
            const auto c = compare(v, m_best);
            take = c && ((f == "arg_max" && *c > 0) || (f == "arg_min" && *c < 0));
        }
        if (take) {
            m_count = 1;
            m_best = v;
            m_bestRow.assign(args.begin() + 1, args.end());
        }
    }
}

std::vector<Value> KqlAggregate::results() const
{
    const std::string &f = m_spec->function;
    const Type out = m_spec->outputs.empty() ? Type::Long : m_spec->outputs[0].type;
    if (f == "count" || f == "countif")
        return {Value::integer(m_count)};
    if (f == "sum" || f == "sumif") {
        // Nothing summed is 0, as Kusto's sum and sumif give.
        if (out == Type::Real)
            return {Value::real(m_realSum + static_cast<double>(m_intSum))};
        return {Value::integer(m_intSum, out)};
    }
    if (f == "avg" || f == "avgif") {
        if (m_count == 0)
            return {Value::null(out)};
        const double avg = (m_realSum + static_cast<double>(m_intSum)) / static_cast<double>(m_count);
        if (out == Type::TimeSpan)
            return {Value::timespan(static_cast<std::int64_t>(std::llround(avg)))};
        return {Value::real(avg)};
    }
    if (f == "min" || f == "max" || f == "minif" || f == "maxif" || f == "any") {
        if (m_best.isNull())
            return {Value::null(out)};
        const Value u = m_best.unwrapped();
        if (out == Type::Real && u.type() != Type::Real)
            return {Value::real(u.asReal())};
        if (out == Type::Long && u.type() == Type::Int)
            return {Value::integer(u.asInt())};
        return {m_best};
    }
    if (f == "dcount" || f == "dcountif")
        return {Value::integer(static_cast<std::int64_t>(m_distinct.size()))};
    if (f == "percentile" || f == "percentiles") {
        std::vector<Value> results;
        std::vector<double> sorted = m_values;
        std::sort(sorted.begin(), sorted.end());
        for (std::size_t i = 0; i < m_spec->percentiles.size(); ++i) {
            const Type t = m_spec->outputs[i].type;
            if (sorted.empty()) {
                results.push_back(Value::null(t));
                continue;
            }
            // Nearest rank, as Kusto's estimate returns a value that occurs in the data.
            const double p = m_spec->percentiles[i];
            auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
            rank = std::clamp<std::size_t>(rank, 1, sorted.size());
            const double v = sorted[rank - 1];
            if (t == Type::Real)
                results.push_back(Value::real(v));
            else
                results.push_back(Value::integer(static_cast<std::int64_t>(std::llround(v)), t));
        }
        return results;
    }
    if (f == "make_list" || f == "make_set")
        return {Value::dynamic(m_list)};
    if (f == "arg_max" || f == "arg_min") {
        std::vector<Value> results;
        results.push_back(m_count == 0 ? Value::null(out) : m_best);
        for (std::size_t i = 0; i < m_spec->extraColumns.size(); ++i)
            results.push_back(m_count == 0 ? Value::null(m_spec->outputs[i + 1].type) : m_bestRow[i]);
        return results;
    }
    return {Value()};
}

} // namespace sim::kql
