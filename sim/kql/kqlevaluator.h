#pragma once

// Runs a parsed KQL query: binds each operator's expressions to the columns of the table flowing into
// it (unknown names → KqlError Semantic, as Kusto's SEM0100), then evaluates the operators in order.
// Tables come from a source callback, so the interpreter knows nothing of where rows come from.

#include "kqlaggregate.h"
#include "kqlast.h"
#include "kqltable.h"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace sim::kql {

class KqlEvaluator
{
public:
    // The table named `name` (case-sensitive, as in Kusto); nullopt when there is none.
    using TableSource = std::function<std::optional<Table>(const std::string &name)>;

    KqlEvaluator(TableSource source, std::int64_t nowTicks);

    // Parses and runs; throws KqlError.
    Table run(const std::string &query);
    Table run(Query &query);

private:
    Type bind(Expr &e, const std::vector<Column> &schema, const std::string &where);
    Value eval(const Expr &e, const Row &row) const;
    Value binaryOp(const Expr &e, const Row &row) const;

    void where(Table &t, Operator &op);
    void extend(Table &t, Operator &op, bool project);
    void summarize(Table &t, Operator &op);
    void sort(Table &t, Operator &op);
    void distinct(Table &t, Operator &op);

    TableSource m_source;
    std::int64_t m_now;
    std::map<std::string, Value> m_lets;
    std::vector<AggregateSpec> m_specs;              // the current summarize's aggregates, by slot
    std::vector<Expr *> *m_collect = nullptr;        // binding summarize items: aggregate calls found
    const std::vector<std::vector<Value>> *m_aggregateResults = nullptr; // evaluating a summarize output
};

} // namespace sim::kql
