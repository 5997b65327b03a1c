#pragma once

// A tabular result: named, typed columns and rows of values (what every KQL operator consumes and
// produces, and what the query API returns as PrimaryResult).

#include "kqlvalue.h"

#include <string>
#include <vector>

namespace sim::kql {

struct Column
{
    std::string name;
    Type type = Type::String;
};

using Row = std::vector<Value>;

struct Table
{
    std::string name;
    std::vector<Column> columns;
    std::vector<Row> rows;

    // Index of a column by exact name, or -1.
    int indexOf(const std::string &column) const
    {
        for (std::size_t i = 0; i < columns.size(); ++i)
            if (columns[i].name == column)
                return static_cast<int>(i);
        return -1;
    }
};

} // namespace sim::kql
