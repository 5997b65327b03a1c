#include "queryresponse.h"

#include <cmath>

namespace Opsdeck::AppInsights {

namespace {

tl::unexpected<Error> invalid(const QString &what)
{
    return makeError(ErrorKind::Invalid, QStringLiteral("query response: %1").arg(what),
                     QStringLiteral("The query API answered in an unexpected shape; the figures were not updated."));
}

QString str(const nlohmann::json &j)
{
    return QString::fromStdString(j.get<std::string>());
}

// "code: message" of an error object, walking innererror for the most specific message.
QString describeError(const nlohmann::json &error)
{
    if (!error.is_object())
        return error.is_string() ? str(error) : QString::fromStdString(error.dump());
    QString code = error.contains("code") && error["code"].is_string() ? str(error["code"]) : QString();
    QString message = error.contains("message") && error["message"].is_string() ? str(error["message"]) : QString();
    const nlohmann::json *inner = error.contains("innererror") ? &error["innererror"] : nullptr;
    while (inner && inner->is_object()) {
        if (inner->contains("message") && (*inner)["message"].is_string())
            message = str((*inner)["message"]);
        if (inner->contains("code") && (*inner)["code"].is_string())
            code = str((*inner)["code"]);
        inner = inner->contains("innererror") ? &(*inner)["innererror"] : nullptr;
    }
    if (code.isEmpty())
        return message.isEmpty() ? QStringLiteral("partial result") : message;
    return message.isEmpty() ? code : code + QStringLiteral(": ") + message;
}

} // namespace

Result<QueryResponse> QueryResponse::parse(const QByteArray &body)
{
    nlohmann::json doc = nlohmann::json::parse(body.constData(), body.constData() + body.size(), nullptr, false);
    if (doc.is_discarded())
        return invalid(QStringLiteral("not JSON (%1 bytes)").arg(body.size()));
    if (!doc.is_object() || !doc.contains("tables") || !doc["tables"].is_array())
        return invalid(QStringLiteral("no 'tables' array"));
    if (doc["tables"].empty())
        return invalid(QStringLiteral("'tables' is empty"));
    nlohmann::json &table = doc["tables"][0];
    if (!table.is_object() || !table.contains("columns") || !table["columns"].is_array() || !table.contains("rows")
        || !table["rows"].is_array())
        return invalid(QStringLiteral("tables[0] lacks 'columns' or 'rows'"));

    QueryResponse response;
    for (const nlohmann::json &c : table["columns"]) {
        if (!c.is_object() || !c.contains("name") || !c["name"].is_string())
            return invalid(QStringLiteral("a column without a name"));
        const QString type = c.contains("type") && c["type"].is_string() ? str(c["type"])
            : c.contains("ColumnType") && c["ColumnType"].is_string() ? str(c["ColumnType"]) // older answers
                                                                       : QString();
        response.m_columns.append(Column{str(c["name"]), type.toLower()});
    }
    const std::size_t width = static_cast<std::size_t>(response.m_columns.size());
    response.m_rows.reserve(table["rows"].size());
    for (nlohmann::json &row : table["rows"]) {
        if (!row.is_array() || row.size() != width)
            return invalid(QStringLiteral("row %1 has %2 cells for %3 columns")
                               .arg(response.m_rows.size())
                               .arg(row.is_array() ? qsizetype(row.size()) : qsizetype(-1))
                               .arg(width));
        response.m_rows.push_back(std::move(row));
    }
    if (doc.contains("error") && !doc["error"].is_null())
        response.m_partialError = describeError(doc["error"]);
    return response;
}

QStringList QueryResponse::numericTypes()
{
    return {QStringLiteral("int"), QStringLiteral("long"), QStringLiteral("real"), QStringLiteral("decimal")};
}

Result<int> QueryResponse::column(const QString &name, const QStringList &types) const
{
    for (int i = 0; i < m_columns.size(); ++i) {
        if (m_columns[i].name != name)
            continue;
        if (!types.isEmpty() && !types.contains(m_columns[i].type))
            return invalid(QStringLiteral("column '%1' is of type '%2', expected %3")
                               .arg(name, m_columns[i].type, types.join(QStringLiteral(" or "))));
        return i;
    }
    QStringList names;
    for (const Column &c : m_columns)
        names << c.name;
    return invalid(QStringLiteral("no column '%1' (columns: %2)").arg(name, names.join(QStringLiteral(", "))));
}

Error QueryResponse::cellError(std::size_t row, int column, const QString &expected) const
{
    const nlohmann::json &cell = m_rows[row][static_cast<std::size_t>(column)];
    QString seen = QString::fromStdString(cell.dump());
    if (seen.size() > 40)
        seen = seen.left(40) + QStringLiteral("…");
    return invalid(QStringLiteral("row %1, column '%2': expected %3, got %4")
                       .arg(row)
                       .arg(m_columns[column].name, expected, seen))
        .value();
}

Result<QString> QueryResponse::text(std::size_t row, int column) const
{
    const nlohmann::json &cell = m_rows[row][static_cast<std::size_t>(column)];
    if (cell.is_string())
        return str(cell);
    if (cell.is_null())
        return QString();
    if (cell.is_number())
        return QString::fromStdString(cell.dump()); // a numeric result code
    return tl::unexpected(cellError(row, column, QStringLiteral("a string")));
}

Result<std::optional<double>> QueryResponse::number(std::size_t row, int column) const
{
    const nlohmann::json &cell = m_rows[row][static_cast<std::size_t>(column)];
    if (cell.is_null())
        return std::optional<double>();
    if (cell.is_number()) {
        const double v = cell.get<double>();
        return std::isfinite(v) ? std::optional<double>(v) : std::optional<double>();
    }
    if (cell.is_string()) { // API-CONTRACTS §3: numbers may arrive as strings; NaN always does
        const QString s = str(cell);
        if (s == u"NaN" || s.isEmpty())
            return std::optional<double>();
        bool ok = false;
        const double v = s.toDouble(&ok);
        if (ok && std::isfinite(v))
            return std::optional<double>(v);
    }
    return tl::unexpected(cellError(row, column, QStringLiteral("a number")));
}

Result<QDateTime> QueryResponse::dateTime(std::size_t row, int column) const
{
    const nlohmann::json &cell = m_rows[row][static_cast<std::size_t>(column)];
    if (cell.is_string()) {
        QDateTime t = QDateTime::fromString(str(cell), Qt::ISODateWithMs);
        if (t.isValid())
            return t.toUTC();
    }
    return tl::unexpected(cellError(row, column, QStringLiteral("an ISO 8601 time")));
}

} // namespace Opsdeck::AppInsights
