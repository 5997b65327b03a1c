#pragma once

// The answer of a Log Analytics / Application Insights query (API-CONTRACTS §3):
// {tables: [{name, columns: [{name, type}], rows: [[…]]}], error?}. Only the first table is read; a 200
// with an `error` member is a partial result, kept with its reason. Columns are found by name and
// checked for their type; numbers may arrive as JSON numbers or as strings, both are read.

#include "error.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <optional>

namespace Opsdeck::AppInsights {

class QueryResponse
{
public:
    struct Column
    {
        QString name;
        QString type; // bool, datetime, dynamic, int, long, real, string, guid, decimal, timespan
    };

    // Error{Invalid} when the body is not JSON or has no tables[0] with columns and rows.
    static Result<QueryResponse> parse(const QByteArray &body);

    const QList<Column> &columns() const { return m_columns; }
    std::size_t rowCount() const { return m_rows.size(); }
    // The `error` of a partial result ("code: message"), or nullopt for a complete one.
    const std::optional<QString> &partialError() const { return m_partialError; }

    // The index of column `name`, or Error{Invalid} when it is missing or its type is not one of `types`.
    Result<int> column(const QString &name, const QStringList &types) const;
    static QStringList numericTypes();

    // Cell readers; Error{Invalid} names the column, row and what was there.
    Result<QString> text(std::size_t row, int column) const;
    // nullopt for null and NaN (an empty percentile).
    Result<std::optional<double>> number(std::size_t row, int column) const;
    Result<QDateTime> dateTime(std::size_t row, int column) const;

private:
    Error cellError(std::size_t row, int column, const QString &expected) const;

    QList<Column> m_columns;
    std::vector<nlohmann::json> m_rows; // each an array as long as m_columns
    std::optional<QString> m_partialError;
};

} // namespace Opsdeck::AppInsights
