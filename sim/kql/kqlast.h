#pragma once

// The parsed form of a KQL query: `let` scalars, a table name and the tabular operators piped after it,
// each holding scalar expressions. Binding (KqlEvaluator) resolves columns in place, so a tree is
// evaluated once against the table it was bound to.

#include "kqlvalue.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sim::kql {

struct Expr;
using ExprPtr = std::shared_ptr<Expr>;

struct Expr
{
    enum class Kind {
        Literal, // literal
        Column,  // name; bound: column index or a let's value
        Member,  // args[0].name  (dynamic property)
        Index,   // args[0][args[1]]
        Call,    // name(args...)
        Unary,   // op args[0]: "-", "+"
        Binary,  // args[0] op args[1]: arithmetic, comparison, and/or, string operators
        In,      // args[0] in (args[1..]); op "in", "!in", "in~", "!in~"
        Between, // args[0] between (args[1] .. args[2]); negated by op "!between"
        Star,    // `*` as an argument (arg_max(T, *))
    };

    Kind kind = Kind::Literal;
    std::string name;  // column, member or function name
    std::string op;    // operator text, lower-case for word operators ("has", "!contains")
    Value literal;
    std::vector<ExprPtr> args;
    std::size_t position = 0;

    // Set by binding.
    int column = -1;       // Column: index in the input row
    Type type = Type::Dynamic;
    int aggregateSlot = -1; // Call of an aggregate inside summarize
};

struct NamedExpr
{
    std::string name; // "" when the query gave none
    ExprPtr expr;
};

struct SortKey
{
    ExprPtr expr;
    bool descending = true;
    bool nullsFirst = false;
};

struct Operator
{
    enum class Kind { Where, Extend, Project, ProjectAway, Summarize, Sort, Top, Take, Count, Distinct };
    Kind kind = Kind::Where;
    std::string keyword; // as written, for error messages
    std::size_t position = 0;
    ExprPtr predicate;             // where
    std::vector<NamedExpr> items;  // extend, project, summarize aggregates, distinct columns
    std::vector<NamedExpr> by;     // summarize ... by
    std::vector<SortKey> sort;     // sort/order by, top ... by
    std::int64_t count = 0;        // take/limit/top
    std::vector<std::string> names; // project-away
};

struct LetStatement
{
    std::string name;
    ExprPtr value; // a scalar expression, evaluated once
};

struct Query
{
    std::vector<LetStatement> lets;
    std::string table;
    std::size_t tablePosition = 0;
    std::vector<Operator> operators;
};

} // namespace sim::kql
