#include "kqlevaluator.h"

#include "kqlerror.h"
#include "kqlfunctions.h"
#include "kqlparser.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <unordered_map>

namespace sim::kql {

namespace {

std::string lower(std::string s)
{
    for (auto &c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool isText(Type t)
{
    return t == Type::String || t == Type::Guid;
}

// Kusto's `has`: the needle is a whole term of the haystack (terms are runs of letters and digits).
bool hasTerm(const std::string &hay, const std::string &needle)
{
    if (needle.empty())
        return true;
    std::size_t at = 0;
    const auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
    while ((at = hay.find(needle, at)) != std::string::npos) {
        const bool startOk = at == 0 || !alnum(hay[at - 1]) || !alnum(needle.front());
        const std::size_t end = at + needle.size();
        const bool endOk = end == hay.size() || !alnum(hay[end]) || !alnum(needle.back());
        if (startOk && endOk)
            return true;
        ++at;
    }
    return false;
}

bool equalValues(const Value &x, const Value &y, bool caseInsensitive)
{
    const Value a = x.unwrapped();
    const Value b = y.unwrapped();
    if (a.isNull() || b.isNull())
        return false;
    if (isText(a.type()) && isText(b.type()))
        return caseInsensitive ? lower(a.asString()) == lower(b.asString()) : a.asString() == b.asString();
    if (a.type() == Type::Bool || b.type() == Type::Bool)
        return a.type() == b.type() && a.asBool() == b.asBool();
    if (a.type() == Type::Dynamic || b.type() == Type::Dynamic)
        return a.key() == b.key();
    if (isText(a.type()) != isText(b.type())) // a string against a number: compare as text, as dynamic does
        return caseInsensitive ? lower(a.toText()) == lower(b.toText()) : a.toText() == b.toText();
    const auto c = compare(a, b);
    return c && *c == 0;
}

[[noreturn]] void semantic(const std::string &message, const Expr &at, const std::string &token = {})
{
    throw KqlError(KqlError::Kind::Semantic, message, at.position, token.empty() ? at.name : token);
}

std::string uniqueName(const std::vector<Column> &columns, std::string name)
{
    const auto taken = [&](const std::string &n) {
        return std::any_of(columns.begin(), columns.end(), [&](const Column &c) { return c.name == n; });
    };
    if (!taken(name))
        return name;
    for (int i = 1;; ++i)
        if (!taken(name + std::to_string(i)))
            return name + std::to_string(i);
}

} // namespace

KqlEvaluator::KqlEvaluator(TableSource source, std::int64_t nowTicks)
    : m_source(std::move(source))
    , m_now(nowTicks)
{}

Table KqlEvaluator::run(const std::string &query)
{
    Query q = KqlParser::parse(query);
    return run(q);
}

Table KqlEvaluator::run(Query &q)
{
    m_lets.clear();
    for (auto &let : q.lets) {
        bind(*let.value, {}, "let");
        m_lets[let.name] = eval(*let.value, {});
    }
    auto table = m_source(q.table);
    if (!table)
        throw KqlError(KqlError::Kind::Semantic, "Failed to resolve table or column expression named '" + q.table + "'",
                       q.tablePosition, q.table);
    Table t = std::move(*table);
    for (auto &op : q.operators) {
        switch (op.kind) {
        case Operator::Kind::Where: where(t, op); break;
        case Operator::Kind::Extend: extend(t, op, false); break;
        case Operator::Kind::Project: extend(t, op, true); break;
        case Operator::Kind::ProjectAway: {
            std::vector<int> keep;
            for (const auto &name : op.names)
                if (t.indexOf(name) < 0)
                    throw KqlError(KqlError::Kind::Semantic,
                                   "'project-away' operator: Failed to resolve column named '" + name + "'", op.position, name);
            Table out;
            out.name = t.name;
            for (std::size_t i = 0; i < t.columns.size(); ++i)
                if (std::find(op.names.begin(), op.names.end(), t.columns[i].name) == op.names.end()) {
                    keep.push_back(static_cast<int>(i));
                    out.columns.push_back(t.columns[i]);
                }
            for (auto &row : t.rows) {
                Row r;
                r.reserve(keep.size());
                for (int i : keep)
                    r.push_back(std::move(row[static_cast<std::size_t>(i)]));
                out.rows.push_back(std::move(r));
            }
            t = std::move(out);
            break;
        }
        case Operator::Kind::Summarize: summarize(t, op); break;
        case Operator::Kind::Sort: sort(t, op); break;
        case Operator::Kind::Top:
            sort(t, op);
            if (static_cast<std::int64_t>(t.rows.size()) > op.count)
                t.rows.resize(static_cast<std::size_t>(std::max<std::int64_t>(0, op.count)));
            break;
        case Operator::Kind::Take:
            if (static_cast<std::int64_t>(t.rows.size()) > op.count)
                t.rows.resize(static_cast<std::size_t>(std::max<std::int64_t>(0, op.count)));
            break;
        case Operator::Kind::Count: {
            const auto n = static_cast<std::int64_t>(t.rows.size());
            t.columns = {{"Count", Type::Long}};
            t.rows = {{Value::integer(n)}};
            break;
        }
        case Operator::Kind::Distinct: distinct(t, op); break;
        }
    }
    return t;
}

Type KqlEvaluator::bind(Expr &e, const std::vector<Column> &schema, const std::string &where)
{
    switch (e.kind) {
    case Expr::Kind::Literal:
        e.type = e.literal.type();
        return e.type;
    case Expr::Kind::Star:
        semantic("'*' is only allowed in arg_max and arg_min", e, "*");
    case Expr::Kind::Column: {
        for (std::size_t i = 0; i < schema.size(); ++i) {
            if (schema[i].name == e.name) {
                if (m_collect)
                    semantic("'summarize' operator: column '" + e.name
                                 + "' must be used inside an aggregation function or in 'by'",
                             e);
                e.column = static_cast<int>(i);
                e.type = schema[i].type;
                return e.type;
            }
        }
        if (const auto let = m_lets.find(e.name); let != m_lets.end()) {
            e.kind = Expr::Kind::Literal;
            e.literal = let->second;
            e.type = let->second.type();
            return e.type;
        }
        semantic("'" + where + "' operator: Failed to resolve scalar expression named '" + e.name + "'", e);
    }
    case Expr::Kind::Member: {
        const Type base = bind(*e.args[0], schema, where);
        if (base != Type::Dynamic)
            semantic("'" + where + "' operator: the member '" + e.name + "' needs a dynamic value, not " + typeName(base),
                     e, e.name);
        e.type = Type::Dynamic;
        return e.type;
    }
    case Expr::Kind::Index: {
        const Type base = bind(*e.args[0], schema, where);
        const Type key = bind(*e.args[1], schema, where);
        if (base != Type::Dynamic)
            semantic("'" + where + "' operator: [] needs a dynamic value, not " + typeName(base), e, "[");
        if (!isText(key) && !isNumeric(key))
            semantic("'" + where + "' operator: an index must be a string or a number", e, "[");
        e.type = Type::Dynamic;
        return e.type;
    }
    case Expr::Kind::Call: {
        if (KqlAggregate::isAggregate(e.name)) {
            if (!m_collect)
                semantic("'" + where + "' operator: the aggregation function '" + e.name
                             + "' can only be used in summarize",
                         e);
            auto *collect = m_collect;
            m_collect = nullptr;
            for (std::size_t i = 0; i < e.args.size(); ++i) {
                Expr &a = *e.args[i];
                if (a.kind == Expr::Kind::Star && (e.name == "arg_max" || e.name == "arg_min") && i > 0)
                    continue;
                bind(a, schema, where);
            }
            m_collect = collect;
            m_specs.push_back(KqlAggregate::spec(e, schema));
            e.aggregateSlot = static_cast<int>(m_specs.size() - 1);
            collect->push_back(&e);
            e.type = m_specs.back().outputs.empty() ? Type::Long : m_specs.back().outputs[0].type;
            return e.type;
        }
        std::vector<Type> types;
        for (auto &a : e.args)
            types.push_back(bind(*a, schema, where));
        e.type = KqlFunctions::returnType(e, types);
        return e.type;
    }
    case Expr::Kind::Unary: {
        const Type t = bind(*e.args[0], schema, where);
        if (!isNumeric(t) && t != Type::TimeSpan && t != Type::Dynamic)
            semantic("'" + where + "' operator: unary " + e.op + " needs a number or timespan", e, e.op);
        e.type = t;
        return t;
    }
    case Expr::Kind::In:
    case Expr::Kind::Between:
        for (auto &a : e.args)
            bind(*a, schema, where);
        e.type = Type::Bool;
        return e.type;
    case Expr::Kind::Binary: {
        const Type l = bind(*e.args[0], schema, where);
        const Type r = bind(*e.args[1], schema, where);
        const std::string &op = e.op;
        if (op == "and" || op == "or") {
            for (Type t : {l, r})
                if (t != Type::Bool && t != Type::Dynamic)
                    semantic("'" + where + "' operator: '" + op + "' needs bool operands, got " + typeName(t), e, op);
            e.type = Type::Bool;
            return e.type;
        }
        if (op == "==" || op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=") {
            const bool lt = l == Type::Dynamic, rt = r == Type::Dynamic;
            const bool comparable = lt || rt || l == r || (isNumeric(l) && isNumeric(r)) || (isText(l) && isText(r));
            if (!comparable)
                semantic("'" + where + "' operator: Cannot compare values of types " + typeName(l) + " and " + typeName(r)
                             + ". Try adding explicit casts",
                         e, op);
            e.type = Type::Bool;
            return e.type;
        }
        if (op == "=~" || op == "!~" || op.find("has") != std::string::npos || op.find("contains") != std::string::npos
            || op.find("startswith") != std::string::npos || op.find("endswith") != std::string::npos) {
            e.type = Type::Bool;
            return e.type;
        }
        // arithmetic
        Type t = Type::Real;
        if (l == Type::DateTime && r == Type::DateTime && op == "-")
            t = Type::TimeSpan;
        else if (l == Type::DateTime && r == Type::TimeSpan && (op == "+" || op == "-"))
            t = Type::DateTime;
        else if (l == Type::TimeSpan && r == Type::DateTime && op == "+")
            t = Type::DateTime;
        else if (l == Type::TimeSpan && r == Type::TimeSpan)
            t = op == "/" ? Type::Real : Type::TimeSpan;
        else if (l == Type::TimeSpan && isNumeric(r) && (op == "*" || op == "/"))
            t = Type::TimeSpan;
        else if (isNumeric(l) && r == Type::TimeSpan && op == "*")
            t = Type::TimeSpan;
        else if (isNumeric(l) && isNumeric(r))
            t = (l == Type::Real || r == Type::Real) ? Type::Real : Type::Long;
        else if (l == Type::Dynamic || r == Type::Dynamic)
            t = Type::Real;
        else
            semantic("'" + where + "' operator: operator '" + op + "' cannot be applied to " + typeName(l) + " and "
                         + typeName(r),
                     e, op);
        e.type = t;
        return t;
    }
    }
    return Type::Dynamic;
}

Value KqlEvaluator::eval(const Expr &e, const Row &row) const
{
    switch (e.kind) {
    case Expr::Kind::Literal: return e.literal;
    case Expr::Kind::Column: return row[static_cast<std::size_t>(e.column)];
    case Expr::Kind::Star: return Value();
    case Expr::Kind::Member: {
        const Value base = eval(*e.args[0], row);
        const auto &j = base.asDynamic();
        if (j.is_object()) {
            const auto it = j.find(e.name);
            if (it != j.end())
                return Value::dynamic(*it);
        }
        return Value::null(Type::Dynamic);
    }
    case Expr::Kind::Index: {
        const Value base = eval(*e.args[0], row);
        const Value key = eval(*e.args[1], row).unwrapped();
        const auto &j = base.asDynamic();
        if (j.is_object() && isText(key.type())) {
            const auto it = j.find(key.asString());
            if (it != j.end())
                return Value::dynamic(*it);
        } else if (j.is_array() && isNumeric(key.type())) {
            std::int64_t i = key.asInt();
            if (i < 0)
                i += static_cast<std::int64_t>(j.size());
            if (i >= 0 && i < static_cast<std::int64_t>(j.size()))
                return Value::dynamic(j[static_cast<std::size_t>(i)]);
        }
        return Value::null(Type::Dynamic);
    }
    case Expr::Kind::Call: {
        if (e.aggregateSlot >= 0)
            return (*m_aggregateResults)[static_cast<std::size_t>(e.aggregateSlot)][0];
        std::vector<Value> args;
        args.reserve(e.args.size());
        for (const auto &a : e.args)
            args.push_back(eval(*a, row));
        return KqlFunctions::call(e.name, args, m_now);
    }
    case Expr::Kind::Unary: {
        const Value v = eval(*e.args[0], row).unwrapped();
        if (e.op == "+" || v.isNull())
            return v;
        if (v.type() == Type::Real)
            return Value::real(-v.asReal());
        return Value::integer(-v.asInt(), v.type());
    }
    case Expr::Kind::In: {
        const Value v = eval(*e.args[0], row);
        const bool insensitive = e.op.back() == '~';
        bool found = false;
        for (std::size_t i = 1; i < e.args.size() && !found; ++i) {
            const Value candidate = eval(*e.args[i], row);
            if (candidate.type() == Type::Dynamic && candidate.asDynamic().is_array()) {
                for (const auto &item : candidate.asDynamic())
                    if (equalValues(v, Value::dynamic(item), insensitive)) {
                        found = true;
                        break;
                    }
            } else {
                found = equalValues(v, candidate, insensitive);
            }
        }
        if (v.unwrapped().isNull())
            return Value::boolean(false);
        return Value::boolean(e.op[0] == '!' ? !found : found);
    }
    case Expr::Kind::Between: {
        const Value v = eval(*e.args[0], row).unwrapped();
        const Value lo = eval(*e.args[1], row).unwrapped();
        Value hi = eval(*e.args[2], row).unwrapped();
        if (v.isNull() || lo.isNull() || hi.isNull())
            return Value::boolean(false);
        if (lo.type() == Type::DateTime && hi.type() == Type::TimeSpan)
            hi = Value::datetime(lo.asInt() + hi.asInt());
        const auto a = compare(v, lo);
        const auto b = compare(v, hi);
        const bool inside = a && b && *a >= 0 && *b <= 0;
        return Value::boolean(e.op[0] == '!' ? !inside : inside);
    }
    case Expr::Kind::Binary: return binaryOp(e, row);
    }
    return Value();
}

Value KqlEvaluator::binaryOp(const Expr &e, const Row &row) const
{
    const std::string &op = e.op;
    if (op == "and") {
        if (!eval(*e.args[0], row).unwrapped().asBool())
            return Value::boolean(false);
        return Value::boolean(eval(*e.args[1], row).unwrapped().asBool());
    }
    if (op == "or") {
        if (eval(*e.args[0], row).unwrapped().asBool())
            return Value::boolean(true);
        return Value::boolean(eval(*e.args[1], row).unwrapped().asBool());
    }
    const Value l = eval(*e.args[0], row).unwrapped();
    const Value r = eval(*e.args[1], row).unwrapped();
    if (op == "==" || op == "=~")
        return Value::boolean(equalValues(l, r, op == "=~"));
    if (op == "!=" || op == "!~") {
        if (l.isNull() || r.isNull())
            return Value::boolean(!(l.isNull() && r.isNull()) && false);
        return Value::boolean(!equalValues(l, r, op == "!~"));
    }
    if (op == "<" || op == "<=" || op == ">" || op == ">=") {
        const auto c = compare(l, r);
        if (!c)
            return Value::boolean(false);
        if (op == "<")
            return Value::boolean(*c < 0);
        if (op == "<=")
            return Value::boolean(*c <= 0);
        if (op == ">")
            return Value::boolean(*c > 0);
        return Value::boolean(*c >= 0);
    }
    const bool negated = op[0] == '!';
    const std::string base = negated ? op.substr(1) : op;
    if (base.find("has") == 0 || base.find("contains") == 0 || base.find("startswith") == 0
        || base.find("endswith") == 0) {
        const bool cs = base.size() > 3 && base.compare(base.size() - 3, 3, "_cs") == 0;
        std::string hay = l.toText();
        std::string needle = r.toText();
        if (!cs) {
            hay = lower(hay);
            needle = lower(needle);
        }
        bool result = false;
        if (base.rfind("hasprefix", 0) == 0)
            result = hay.rfind(needle, 0) == 0 || hay.find(" " + needle) != std::string::npos;
        else if (base.rfind("hassuffix", 0) == 0)
            result = hay.size() >= needle.size() && hay.compare(hay.size() - needle.size(), needle.size(), needle) == 0;
        else if (base.rfind("has", 0) == 0)
            result = hasTerm(hay, needle);
        else if (base.rfind("contains", 0) == 0)
            result = hay.find(needle) != std::string::npos;
        else if (base.rfind("startswith", 0) == 0)
            result = hay.rfind(needle, 0) == 0;
        else
            result = hay.size() >= needle.size() && hay.compare(hay.size() - needle.size(), needle.size(), needle) == 0;
        return Value::boolean(negated ? !result : result);
    }
    // arithmetic
    if (l.isNull() || r.isNull())
        return Value::null(e.type);
    const Type lt = l.type(), rt = r.type();
    const bool timeResult = e.type == Type::TimeSpan || e.type == Type::DateTime;
    if (timeResult || (lt == Type::TimeSpan && rt == Type::TimeSpan)) {
        if (op == "+")
            return Value::integer(l.asInt() + r.asInt(), e.type);
        if (op == "-")
            return Value::integer(l.asInt() - r.asInt(), e.type);
        if (op == "*")
            return Value::integer(static_cast<std::int64_t>(std::llround(l.asReal() * r.asReal())), e.type);
        if (op == "/") {
            if (lt == Type::TimeSpan && rt == Type::TimeSpan)
                return r.asInt() == 0 ? Value::null(Type::Real) : Value::real(l.asReal() / r.asReal());
            return r.asReal() == 0 ? Value::null(e.type)
                                   : Value::integer(static_cast<std::int64_t>(std::llround(l.asReal() / r.asReal())), e.type);
        }
        return Value::null(e.type);
    }
    if (lt == Type::Real || rt == Type::Real || e.type == Type::Real) {
        const double a = l.asReal(), b = r.asReal();
        if (op == "+")
            return Value::real(a + b);
        if (op == "-")
            return Value::real(a - b);
        if (op == "*")
            return Value::real(a * b);
        if (op == "/")
            return b == 0 ? Value::real(a == 0 ? std::nan("") : (a > 0 ? HUGE_VAL : -HUGE_VAL)) : Value::real(a / b);
        if (op == "%")
            return b == 0 ? Value::null(Type::Real) : Value::real(std::fmod(a, b));
    }
    const std::int64_t a = l.asInt(), b = r.asInt();
    if (op == "+")
        return Value::integer(a + b);
    if (op == "-")
        return Value::integer(a - b);
    if (op == "*")
        return Value::integer(a * b);
    if (op == "/")
        return b == 0 ? Value::null(Type::Long) : Value::integer(a / b);
    if (op == "%")
        return b == 0 ? Value::null(Type::Long) : Value::integer(a % b);
    return Value::null(e.type);
}

void KqlEvaluator::where(Table &t, Operator &op)
{
    const Type type = bind(*op.predicate, t.columns, op.keyword);
    if (type != Type::Bool && type != Type::Dynamic)
        semantic("'where' operator: the predicate must be of type bool, not " + typeName(type), *op.predicate, "where");
    std::vector<Row> kept;
    for (auto &row : t.rows)
        if (eval(*op.predicate, row).unwrapped().asBool())
            kept.push_back(std::move(row));
    t.rows = std::move(kept);
}

void KqlEvaluator::extend(Table &t, Operator &op, bool project)
{
    std::vector<Column> columns = project ? std::vector<Column>() : t.columns;
    std::vector<int> target; // output column of each item
    int unnamed = 0;
    for (auto &item : op.items) {
        const Type type = bind(*item.expr, t.columns, op.keyword);
        // Unnamed: a column keeps its name, a dynamic member becomes base_member, anything else ColumnN.
        std::string name = item.name;
        const auto kind = item.expr->kind;
        if (name.empty() && (kind == Expr::Kind::Column || kind == Expr::Kind::Member || kind == Expr::Kind::Index))
            name = derivedName(*item.expr);
        if (name.empty())
            name = uniqueName(columns, "Column" + std::to_string(++unnamed));
        int index = -1;
        for (std::size_t i = 0; i < columns.size(); ++i)
            if (columns[i].name == name)
                index = static_cast<int>(i);
        if (index >= 0 && project)
            throw KqlError(KqlError::Kind::Semantic, "'project' operator: the column '" + name + "' is named twice",
                           item.expr->position, name);
        if (index < 0) {
            columns.push_back({name, type});
            index = static_cast<int>(columns.size() - 1);
        } else {
            columns[static_cast<std::size_t>(index)].type = type;
        }
        target.push_back(index);
    }
    for (auto &row : t.rows) {
        Row out = project ? Row(columns.size()) : row;
        out.resize(columns.size());
        for (std::size_t i = 0; i < op.items.size(); ++i)
            out[static_cast<std::size_t>(target[i])] = eval(*op.items[i].expr, row);
        row = std::move(out);
    }
    t.columns = std::move(columns);
}

void KqlEvaluator::summarize(Table &t, Operator &op)
{
    // Group keys.
    std::vector<Column> keyColumns;
    for (auto &item : op.by) {
        const Type type = bind(*item.expr, t.columns, "summarize");
        std::string name = item.name.empty() ? derivedName(*item.expr) : item.name;
        if (name.empty())
            name = "Column" + std::to_string(keyColumns.size() + 1);
        keyColumns.push_back({uniqueName(keyColumns, name), type});
    }
    // Aggregates: each item is one aggregate call (possibly with several outputs) or an expression
    // over aggregate calls.
    m_specs.clear();
    std::vector<Expr *> calls;
    std::vector<Column> columns = keyColumns;
    struct Output
    {
        Expr *expr;
        bool expands; // a top-level multi-output aggregate: copy its results
        std::size_t firstColumn;
    };
    std::vector<Output> outputs;
    for (auto &item : op.items) {
        m_collect = &calls;
        try {
            bind(*item.expr, t.columns, "summarize");
        } catch (...) {
            m_collect = nullptr;
            throw;
        }
        m_collect = nullptr;
        Expr &e = *item.expr;
        if (calls.empty() || (e.kind == Expr::Kind::Literal))
            semantic("'summarize' operator: each item needs an aggregation function", e, "summarize");
        const bool top = e.aggregateSlot >= 0;
        std::vector<std::string> names;
        if (!item.name.empty()) {
            std::size_t start = 0;
            while (true) {
                const std::size_t comma = item.name.find(',', start);
                names.push_back(item.name.substr(start, comma - start));
                if (comma == std::string::npos)
                    break;
                start = comma + 1;
            }
        }
        const std::size_t first = columns.size();
        if (top) {
            const auto &spec = m_specs[static_cast<std::size_t>(e.aggregateSlot)];
            for (std::size_t i = 0; i < spec.outputs.size(); ++i) {
                Column c = spec.outputs[i];
                if (i < names.size())
                    c.name = names[i];
                else if (spec.function == "arg_max" || spec.function == "arg_min")
                    c.name = uniqueName(columns, c.name);
                columns.push_back(c);
            }
            outputs.push_back({&e, true, first});
        } else {
            for (const Expr *c : calls)
                if (m_specs[static_cast<std::size_t>(c->aggregateSlot)].outputs.size() != 1)
                    semantic("'summarize' operator: '" + c->name + "' cannot be part of an expression", *c);
            columns.push_back({names.empty() ? "Column" + std::to_string(outputs.size() + 1) : names[0], e.type});
            outputs.push_back({&e, false, first});
        }
        calls.clear();
    }

    // Accumulate.
    struct Group
    {
        Row key;
        std::vector<KqlAggregate> aggregates;
    };
    std::vector<Group> groups;
    std::unordered_map<std::string, std::size_t> index;
    // The arguments of every aggregate slot, gathered once per slot from the bound calls.
    std::vector<const Expr *> slotCalls(m_specs.size(), nullptr);
    {
        std::vector<const Expr *> stack;
        for (const auto &o : outputs)
            stack.push_back(o.expr);
        while (!stack.empty()) {
            const Expr *x = stack.back();
            stack.pop_back();
            if (x->kind == Expr::Kind::Call && x->aggregateSlot >= 0) {
                slotCalls[static_cast<std::size_t>(x->aggregateSlot)] = x;
                continue;
            }
            for (const auto &a : x->args)
                stack.push_back(a.get());
        }
    }
    const auto newGroup = [&](Row key) {
        Group g;
        g.key = std::move(key);
        for (const auto &spec : m_specs)
            g.aggregates.emplace_back(spec);
        groups.push_back(std::move(g));
        return groups.size() - 1;
    };
    std::vector<Value> args;
    for (const auto &row : t.rows) {
        Row key;
        std::string k;
        for (const auto &item : op.by) {
            key.push_back(eval(*item.expr, row));
            k += key.back().key();
            k += '\x1f';
        }
        auto it = index.find(k);
        std::size_t g = it == index.end() ? (index[k] = newGroup(std::move(key))) : it->second;
        for (std::size_t s = 0; s < m_specs.size(); ++s) {
            const Expr *call = slotCalls[s];
            args.clear();
            if (m_specs[s].function == "arg_max" || m_specs[s].function == "arg_min") {
                args.push_back(eval(*call->args[0], row));
                for (int col : m_specs[s].extraColumns)
                    args.push_back(row[static_cast<std::size_t>(col)]);
            } else {
                for (const auto &a : call->args)
                    args.push_back(eval(*a, row));
            }
            groups[g].aggregates[s].add(args);
        }
    }
    if (groups.empty() && op.by.empty())
        newGroup({});

    // Emit.
    Table out;
    out.name = t.name;
    out.columns = columns;
    std::vector<std::vector<Value>> results;
    for (auto &g : groups) {
        results.clear();
        for (const auto &a : g.aggregates)
            results.push_back(a.results());
        m_aggregateResults = &results;
        Row row = std::move(g.key);
        row.resize(columns.size());
        for (const auto &o : outputs) {
            if (o.expands) {
                const auto &values = results[static_cast<std::size_t>(o.expr->aggregateSlot)];
                for (std::size_t i = 0; i < values.size(); ++i)
                    row[o.firstColumn + i] = values[i];
            } else {
                row[o.firstColumn] = eval(*o.expr, row);
            }
        }
        m_aggregateResults = nullptr;
        out.rows.push_back(std::move(row));
    }
    t = std::move(out);
}

void KqlEvaluator::sort(Table &t, Operator &op)
{
    for (auto &key : op.sort)
        bind(*key.expr, t.columns, op.keyword);
    std::vector<std::pair<std::vector<Value>, std::size_t>> keyed;
    keyed.reserve(t.rows.size());
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
        std::vector<Value> k;
        for (const auto &key : op.sort)
            k.push_back(eval(*key.expr, t.rows[i]).unwrapped());
        keyed.emplace_back(std::move(k), i);
    }
    std::stable_sort(keyed.begin(), keyed.end(), [&](const auto &a, const auto &b) {
        for (std::size_t i = 0; i < op.sort.size(); ++i) {
            const Value &x = a.first[i];
            const Value &y = b.first[i];
            if (x.isNull() != y.isNull())
                return op.sort[i].nullsFirst ? x.isNull() : y.isNull();
            auto c = compare(x, y);
            if (!c) {
                const std::string kx = x.toText(), ky = y.toText();
                c = kx < ky ? -1 : (ky < kx ? 1 : 0);
            }
            if (*c != 0)
                return op.sort[i].descending ? *c > 0 : *c < 0;
        }
        return false;
    });
    std::vector<Row> rows;
    rows.reserve(t.rows.size());
    for (auto &k : keyed)
        rows.push_back(std::move(t.rows[k.second]));
    t.rows = std::move(rows);
}

void KqlEvaluator::distinct(Table &t, Operator &op)
{
    extend(t, op, true);
    std::set<std::string> seen;
    std::vector<Row> rows;
    for (auto &row : t.rows) {
        std::string k;
        for (const auto &v : row)
            k += v.key() + '\x1f';
        if (seen.insert(k).second)
            rows.push_back(std::move(row));
    }
    t.rows = std::move(rows);
}

} // namespace sim::kql
