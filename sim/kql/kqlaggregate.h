#pragma once

// One aggregation of `summarize` for one group: count, countif, sum, sumif, avg, avgif, min, max, dcount,
// dcountif, percentile, percentiles, make_list, make_set, any, arg_max, arg_min. Spec() checks a call
// and names and types its output columns (percentiles and arg_max/arg_min give several); add() feeds
// one row's evaluated arguments; results() gives the group's values.

#include "kqlast.h"
#include "kqltable.h"

#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <vector>

namespace sim::kql {

struct AggregateSpec
{
    std::string function;
    std::vector<Type> argTypes;
    std::vector<double> percentiles;   // percentile / percentiles
    std::vector<int> extraColumns;     // arg_max/arg_min: input columns returned with the extreme row
    std::vector<Column> outputs;       // the columns it produces (names before the query's own names)
    std::size_t maxListSize = 1048576; // make_list/make_set's second argument
};

class KqlAggregate
{
public:
    static bool isAggregate(const std::string &name);
    // Checks a bound aggregate call and names its outputs as Kusto would (count_, sum_X,
    // percentile_X_95 ...). `input` is the summarize's input table schema (for arg_max's *).
    // Throws KqlError.
    static AggregateSpec spec(const Expr &call, const std::vector<Column> &input);

    explicit KqlAggregate(const AggregateSpec &spec) : m_spec(&spec) {}

    // args: the evaluated arguments (for arg_max/arg_min: the by-value then the extra columns' values).
    void add(const std::vector<Value> &args);
    std::vector<Value> results() const;

private:
    const AggregateSpec *m_spec;
    std::int64_t m_count = 0;
    double m_realSum = 0;
    std::int64_t m_intSum = 0;
    Value m_best;
    std::vector<Value> m_bestRow;
    std::set<std::string> m_distinct;
    std::vector<double> m_values;
    nlohmann::json m_list = nlohmann::json::array();
};

// Kusto's column name for an expression without an explicit one: the column it reads, with dynamic
// members joined by '_' (customDimensions.version → customDimensions_version); "" when there is none.
std::string derivedName(const Expr &e);

} // namespace sim::kql
