#pragma once

// KQL's scalar functions that opsdeck-sim implements: ago, now, bin/floor, tostring, toint, tolong,
// todouble/toreal, todatetime, totimespan, tobool, todynamic/parse_json, tolower, toupper, strlen,
// strcat, substring, iff/iif, case, coalesce, isempty, isnotempty, isnull, isnotnull, not, round, abs,
// sqrt, log10, pow, exp, max_of, min_of, startofday, startofhour, datetime_diff... see isScalar().

#include "kqlast.h"
#include "kqlvalue.h"

#include <cstdint>
#include <string>
#include <vector>

namespace sim::kql {

class KqlFunctions
{
public:
    static bool isScalar(const std::string &name);
    // The result type of name(args); throws KqlError (Semantic) on a wrong argument count or type.
    static Type returnType(const Expr &call, const std::vector<Type> &argTypes);
    // Evaluates a call on already evaluated arguments; `nowTicks` is the query's now().
    static Value call(const std::string &name, const std::vector<Value> &args, std::int64_t nowTicks);
};

} // namespace sim::kql
