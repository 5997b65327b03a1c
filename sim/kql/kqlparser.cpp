#include "kqlparser.h"

#include <set>

namespace sim::kql {

namespace {

using TK = Token::Kind;

ExprPtr make(Expr::Kind kind, std::size_t position)
{
    auto e = std::make_shared<Expr>();
    e->kind = kind;
    e->position = position;
    return e;
}

ExprPtr binary(const std::string &op, ExprPtr l, ExprPtr r, std::size_t position)
{
    auto e = make(Expr::Kind::Binary, position);
    e->op = op;
    e->args = {std::move(l), std::move(r)};
    return e;
}

// Tabular operators of KQL this interpreter does not implement: named in the error.
const std::set<std::string> &knownUnsupportedOperators()
{
    static const std::set<std::string> ops = {
        "join", "union", "lookup", "parse", "parse-where", "parse-kv", "mv-expand", "mv-apply", "make-series",
        "render", "evaluate", "invoke", "as", "serialize", "project-rename", "project-reorder", "project-keep",
        "facet", "fork", "getschema", "search", "find", "range", "print", "datatable", "externaldata",
        "sample", "sample-distinct", "partition", "scan", "reduce", "consume", "top-nested", "top-hitters",
        "extend-schema", "materialize", "graph-match"};
    return ops;
}

const std::set<std::string> &stringOperators()
{
    static const std::set<std::string> ops = {"has", "contains", "startswith", "endswith", "has_cs", "contains_cs",
                                              "startswith_cs", "endswith_cs", "hasprefix", "hassuffix"};
    return ops;
}

} // namespace

Query KqlParser::parse(const std::string &text)
{
    KqlParser parser(KqlLexer::tokenize(text));
    return parser.query();
}

const Token &KqlParser::peek(std::size_t ahead) const
{
    const std::size_t i = std::min(m_at + ahead, m_tokens.size() - 1);
    return m_tokens[i];
}

const Token &KqlParser::next()
{
    const Token &t = m_tokens[m_at];
    if (m_at + 1 < m_tokens.size())
        ++m_at;
    return t;
}

bool KqlParser::isPunct(const char *p, std::size_t ahead) const
{
    const Token &t = peek(ahead);
    return t.kind == TK::Punct && t.text == p;
}

bool KqlParser::isWord(const char *w, std::size_t ahead) const
{
    const Token &t = peek(ahead);
    return t.kind == TK::Name && t.text == w;
}

void KqlParser::expectPunct(const char *p)
{
    if (!isPunct(p))
        fail(std::string("expected '") + p + "'", peek());
    next();
}

void KqlParser::expectWord(const char *w)
{
    if (!isWord(w))
        fail(std::string("expected '") + w + "'", peek());
    next();
}

void KqlParser::fail(const std::string &message, const Token &at) const
{
    const std::string token = at.kind == TK::End ? std::string("<end of query>") : at.text;
    throw KqlError(KqlError::Kind::Syntax, message + " at '" + token + "'", at.position, token);
}

void KqlParser::unsupported(const std::string &what, const Token &at) const
{
    throw KqlError(KqlError::Kind::Syntax, what + " is not supported by opsdeck-sim's KQL subset", at.position, at.text);
}

Query KqlParser::query()
{
    Query q;
    while (isWord("let")) {
        next();
        const Token &name = next();
        if (name.kind != TK::Name)
            fail("expected a name after 'let'", name);
        expectPunct("=");
        const std::size_t start = m_at;
        ExprPtr value = expression();
        if (isPunct("|"))
            unsupported("a tabular 'let' (let " + name.text + " = <table> | ...)", m_tokens[start]);
        expectPunct(";");
        q.lets.push_back({name.text, value});
    }
    const Token &table = next();
    if (table.kind != TK::Name && table.kind != TK::QuotedName)
        fail("expected a table name", table);
    if (knownUnsupportedOperators().count(table.text) && table.text != "as")
        unsupported("'" + table.text + "'", table);
    if (isPunct("("))
        unsupported("a function or table expression '" + table.text + "(...)'", table);
    q.table = table.text;
    q.tablePosition = table.position;
    while (isPunct("|")) {
        next();
        q.operators.push_back(tabularOperator());
    }
    if (isPunct(";"))
        next();
    if (peek().kind != TK::End)
        fail("unexpected text after the query", peek());
    return q;
}

std::int64_t KqlParser::integerLiteral(const char *what)
{
    const Token &t = next();
    if (t.kind != TK::Long)
        fail(std::string(what) + " needs a whole number", t);
    return static_cast<std::int64_t>(t.number);
}

Operator KqlParser::tabularOperator()
{
    const Token &word = next();
    Operator op;
    op.keyword = word.text;
    op.position = word.position;
    if (word.kind != TK::Name)
        fail("expected a tabular operator", word);
    const std::string &w = word.text;
    if (w == "where" || w == "filter") {
        op.kind = Operator::Kind::Where;
        op.predicate = expression();
    } else if (w == "extend") {
        op.kind = Operator::Kind::Extend;
        op.items = namedList();
    } else if (w == "project") {
        op.kind = Operator::Kind::Project;
        op.items = namedList();
    } else if (w == "project-away") {
        op.kind = Operator::Kind::ProjectAway;
        do {
            const Token &n = next();
            if (n.kind != TK::Name && n.kind != TK::QuotedName)
                fail("expected a column name", n);
            op.names.push_back(n.text);
        } while (isPunct(",") && (next(), true));
    } else if (w == "summarize") {
        op.kind = Operator::Kind::Summarize;
        if (!isWord("by"))
            op.items = namedList(true);
        if (isWord("by")) {
            next();
            op.by = namedList();
        }
        if (op.items.empty() && op.by.empty())
            fail("summarize needs an aggregate or a 'by' clause", peek());
    } else if (w == "order" || w == "sort") {
        op.kind = Operator::Kind::Sort;
        expectWord("by");
        op.sort = sortKeys();
    } else if (w == "top") {
        op.kind = Operator::Kind::Top;
        op.count = integerLiteral("top");
        expectWord("by");
        op.sort = sortKeys();
        if (op.sort.size() != 1)
            unsupported("'top' by more than one expression", word);
    } else if (w == "take" || w == "limit") {
        op.kind = Operator::Kind::Take;
        op.count = integerLiteral(w.c_str());
    } else if (w == "count") {
        op.kind = Operator::Kind::Count;
    } else if (w == "distinct") {
        op.kind = Operator::Kind::Distinct;
        op.items = namedList();
    } else if (knownUnsupportedOperators().count(w)) {
        unsupported("the '" + w + "' operator", word);
    } else {
        fail("unknown tabular operator '" + w + "'", word);
    }
    return op;
}

std::vector<NamedExpr> KqlParser::namedList(bool allowStar)
{
    std::vector<NamedExpr> items;
    do {
        NamedExpr item;
        if ((peek().kind == TK::Name || peek().kind == TK::QuotedName) && isPunct("=", 1)) {
            item.name = next().text;
            next();
        } else if (isPunct("(") && peek(1).kind == TK::Name) {
            // (a, b) = percentiles(...) names several outputs at once
            std::size_t i = 1;
            std::string names;
            bool tuple = true;
            while (true) {
                if (peek(i).kind != TK::Name && peek(i).kind != TK::QuotedName) {
                    tuple = false;
                    break;
                }
                names += (names.empty() ? "" : ",") + peek(i).text;
                if (isPunct(",", i + 1)) {
                    i += 2;
                    continue;
                }
                tuple = isPunct(")", i + 1) && isPunct("=", i + 2);
                i += 3;
                break;
            }
            if (tuple) {
                m_at += i;
                item.name = names;
            }
        }
        if (!allowStar && isPunct("*"))
            fail("'*' is only allowed inside arg_max/arg_min", peek());
        item.expr = expression();
        items.push_back(std::move(item));
    } while (isPunct(",") && (next(), true));
    return items;
}

std::vector<SortKey> KqlParser::sortKeys()
{
    std::vector<SortKey> keys;
    do {
        SortKey key;
        key.expr = expression();
        if (isWord("asc")) {
            next();
            key.descending = false;
        } else if (isWord("desc")) {
            next();
        }
        key.nullsFirst = !key.descending;
        if (isWord("nulls")) {
            next();
            if (isWord("first"))
                key.nullsFirst = true;
            else if (isWord("last"))
                key.nullsFirst = false;
            else
                fail("expected 'first' or 'last'", peek());
            next();
        }
        keys.push_back(std::move(key));
    } while (isPunct(",") && (next(), true));
    return keys;
}

ExprPtr KqlParser::expression()
{
    return orExpr();
}

ExprPtr KqlParser::orExpr()
{
    ExprPtr left = andExpr();
    while (isWord("or")) {
        const std::size_t pos = next().position;
        left = binary("or", left, andExpr(), pos);
    }
    return left;
}

ExprPtr KqlParser::andExpr()
{
    ExprPtr left = comparison();
    while (isWord("and")) {
        const std::size_t pos = next().position;
        left = binary("and", left, comparison(), pos);
    }
    return left;
}

ExprPtr KqlParser::comparison()
{
    ExprPtr left = additive();
    static const char *const comparisons[] = {"==", "!=", "<>", "<=", ">=", "<", ">", "=~", "!~"};
    for (const char *c : comparisons) {
        if (isPunct(c)) {
            const std::size_t pos = next().position;
            const std::string op = std::string(c) == "<>" ? "!=" : c;
            return binary(op, left, additive(), pos);
        }
    }
    // Word operators, optionally negated with a leading '!': !has, !contains, !in, !between ...
    bool negated = false;
    std::size_t ahead = 0;
    if (isPunct("!") && peek(1).kind == TK::Name) {
        negated = true;
        ahead = 1;
    }
    const Token &word = peek(ahead);
    if (word.kind != TK::Name)
        return left;
    std::string w = word.text;
    const std::size_t pos = word.position;
    if (stringOperators().count(w)) {
        m_at += ahead + 1;
        return binary((negated ? "!" : "") + w, left, additive(), pos);
    }
    if (w == "in" || w == "between") {
        m_at += ahead + 1;
        bool insensitive = false;
        if (w == "in" && isPunct("~")) {
            next();
            insensitive = true;
        }
        expectPunct("(");
        auto e = make(w == "in" ? Expr::Kind::In : Expr::Kind::Between, pos);
        e->op = (negated ? "!" : "") + w + (insensitive ? "~" : "");
        e->args.push_back(left);
        if (w == "in") {
            if (isPunct(")"))
                fail("'in' needs at least one value", peek());
            if (peek().kind == TK::Name && (isPunct("|", 1)))
                unsupported("'in' with a tabular expression", peek());
            do {
                e->args.push_back(expression());
            } while (isPunct(",") && (next(), true));
        } else {
            e->args.push_back(additive());
            expectPunct("..");
            e->args.push_back(additive());
        }
        expectPunct(")");
        return e;
    }
    if (negated)
        return left; // the '!' belongs to something else; let the caller report it
    if (w == "matches" || w == "has_any" || w == "has_all" || w == "like" || w == "contains_any")
        unsupported("the '" + w + "' operator", word);
    return left;
}

ExprPtr KqlParser::additive()
{
    ExprPtr left = multiplicative();
    while (isPunct("+") || isPunct("-")) {
        const Token &t = next();
        left = binary(t.text, left, multiplicative(), t.position);
    }
    return left;
}

ExprPtr KqlParser::multiplicative()
{
    ExprPtr left = unary();
    while (isPunct("*") || isPunct("/") || isPunct("%")) {
        const Token &t = next();
        left = binary(t.text, left, unary(), t.position);
    }
    return left;
}

ExprPtr KqlParser::unary()
{
    if (isPunct("-") || isPunct("+")) {
        const Token &t = next();
        auto e = make(Expr::Kind::Unary, t.position);
        e->op = t.text;
        e->args.push_back(unary());
        return e;
    }
    return postfix();
}

ExprPtr KqlParser::postfix()
{
    ExprPtr e = primary();
    while (true) {
        if (isPunct(".") && (peek(1).kind == TK::Name || peek(1).kind == TK::QuotedName)) {
            const std::size_t pos = next().position;
            auto m = make(Expr::Kind::Member, pos);
            m->name = next().text;
            m->args.push_back(e);
            e = m;
        } else if (isPunct("[")) {
            const std::size_t pos = next().position;
            auto ix = make(Expr::Kind::Index, pos);
            ix->args.push_back(e);
            ix->args.push_back(expression());
            expectPunct("]");
            e = ix;
        } else {
            return e;
        }
    }
}

ExprPtr KqlParser::primary()
{
    const Token &t = next();
    switch (t.kind) {
    case TK::String: {
        auto e = make(Expr::Kind::Literal, t.position);
        e->literal = Value::string(t.text);
        return e;
    }
    case TK::Long: {
        auto e = make(Expr::Kind::Literal, t.position);
        e->literal = Value::integer(static_cast<std::int64_t>(t.number));
        return e;
    }
    case TK::Real: {
        auto e = make(Expr::Kind::Literal, t.position);
        e->literal = Value::real(t.number);
        return e;
    }
    case TK::TimeSpan: {
        auto e = make(Expr::Kind::Literal, t.position);
        e->literal = Value::timespan(t.ticks);
        return e;
    }
    case TK::DateTime: {
        auto e = make(Expr::Kind::Literal, t.position);
        e->literal = Value::datetime(t.ticks);
        return e;
    }
    case TK::QuotedName: {
        auto e = make(Expr::Kind::Column, t.position);
        e->name = t.text;
        return e;
    }
    case TK::Punct:
        if (t.text == "(") {
            ExprPtr inner = expression();
            if (isPunct(","))
                unsupported("a tuple expression", peek());
            expectPunct(")");
            return inner;
        }
        if (t.text == "*") {
            return make(Expr::Kind::Star, t.position);
        }
        fail("expected an expression", t);
    case TK::Name: {
        if (t.text == "true" || t.text == "false") {
            auto e = make(Expr::Kind::Literal, t.position);
            e->literal = Value::boolean(t.text == "true");
            return e;
        }
        if (isPunct("(")) {
            next();
            auto call = make(Expr::Kind::Call, t.position);
            call->name = t.text;
            if (t.text == "dynamic" || t.text == "toscalar" || t.text == "materialize")
                unsupported("'" + t.text + "(...)'", t);
            if (t.text == "long" || t.text == "int" || t.text == "real" || t.text == "double" || t.text == "bool"
                || t.text == "string" || t.text == "timespan" || t.text == "guid") {
                // typed literals: long(12), real(null), timespan(1h), bool(true)
                const Token &v = next();
                auto e = make(Expr::Kind::Literal, t.position);
                const std::string &ty = t.text;
                if (v.kind == TK::Name && v.text == "null") {
                    Type type = ty == "long" ? Type::Long : ty == "int" ? Type::Int : ty == "bool" ? Type::Bool
                        : ty == "string" ? Type::String : ty == "timespan" ? Type::TimeSpan : ty == "guid" ? Type::Guid
                                                                                                           : Type::Real;
                    e->literal = Value::null(type);
                } else if ((ty == "long" || ty == "int") && v.kind == TK::Long) {
                    e->literal = Value::integer(static_cast<std::int64_t>(v.number), ty == "int" ? Type::Int : Type::Long);
                } else if ((ty == "real" || ty == "double") && (v.kind == TK::Long || v.kind == TK::Real)) {
                    e->literal = Value::real(v.number);
                } else if (ty == "timespan" && v.kind == TK::TimeSpan) {
                    e->literal = Value::timespan(v.ticks);
                } else if (ty == "bool" && v.kind == TK::Name && (v.text == "true" || v.text == "false")) {
                    e->literal = Value::boolean(v.text == "true");
                } else {
                    fail("bad " + ty + " literal", v);
                }
                expectPunct(")");
                return e;
            }
            if (!isPunct(")")) {
                do {
                    call->args.push_back(expression());
                } while (isPunct(",") && (next(), true));
            }
            expectPunct(")");
            return call;
        }
        auto e = make(Expr::Kind::Column, t.position);
        e->name = t.text;
        return e;
    }
    case TK::End:
        fail("unexpected end of query", t);
    }
    fail("expected an expression", t);
}

} // namespace sim::kql
