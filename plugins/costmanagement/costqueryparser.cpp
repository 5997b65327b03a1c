#include "costqueryparser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using Opsdeck::ErrorKind;
using Opsdeck::makeError;

namespace {

int columnNamed(const QJsonArray &columns, const QStringList &names)
{
    for (const QString &name : names) {
        for (qsizetype i = 0; i < columns.size(); ++i) {
            if (columns.at(i).toObject().value(QLatin1String("name")).toString().compare(name, Qt::CaseInsensitive) == 0)
                return int(i);
        }
    }
    return -1;
}

// Numbers may arrive as strings (API-CONTRACTS §3, §4): accept both.
std::optional<double> number(const QJsonValue &value)
{
    if (value.isDouble())
        return value.toDouble();
    if (value.isString()) {
        bool ok = false;
        const double parsed = value.toString().trimmed().toDouble(&ok);
        if (ok)
            return parsed;
    }
    return std::nullopt;
}

QString text(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    if (value.isDouble())
        return QString::number(value.toDouble(), 'g', 17);
    return {};
}

} // namespace

QDate CostQueryParser::parseUsageDate(const QJsonValue &value)
{
    if (value.isDouble()) {
        const qint64 n = qint64(value.toDouble());
        return QDate(int(n / 10000), int((n / 100) % 100), int(n % 100));
    }
    const QString s = value.toString().trimmed();
    if (s.size() == 8) {
        bool ok = false;
        const qint64 n = s.toLongLong(&ok);
        if (ok)
            return QDate(int(n / 10000), int((n / 100) % 100), int(n % 100));
    }
    if (s.size() >= 10)
        return QDate::fromString(s.left(10), Qt::ISODate);
    return {};
}

Opsdeck::Result<CostQueryPage> CostQueryParser::parse(const QByteArray &body, const QString &groupName)
{
    CostQueryPage page;
    if (body.trimmed().isEmpty())
        return page; // 204 No Content: nothing to report
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return makeError(ErrorKind::Invalid, QStringLiteral("cost query answer is not a JSON object: %1").arg(error.errorString()));
    const QJsonObject root = document.object();
    if (root.contains(QLatin1String("error"))) {
        const QJsonObject e = root.value(QLatin1String("error")).toObject();
        return makeError(ErrorKind::Invalid, QStringLiteral("cost query failed: %1 %2")
                                                 .arg(e.value(QLatin1String("code")).toString(), e.value(QLatin1String("message")).toString()));
    }
    const QJsonObject properties = root.value(QLatin1String("properties")).toObject();
    const QJsonValue next = properties.value(QLatin1String("nextLink"));
    if (next.isString() && !next.toString().isEmpty())
        page.nextLink = QUrl(next.toString());
    const QJsonArray columns = properties.value(QLatin1String("columns")).toArray();
    const QJsonArray rows = properties.value(QLatin1String("rows")).toArray();
    if (columns.isEmpty()) {
        if (!rows.isEmpty())
            return makeError(ErrorKind::Invalid, QStringLiteral("cost query answer has rows but no columns"));
        return page;
    }

    const int dateColumn = columnNamed(columns, {QStringLiteral("UsageDate"), QStringLiteral("BillingMonth")});
    int costColumn = columnNamed(columns, {QStringLiteral("Cost"), QStringLiteral("PreTaxCost"), QStringLiteral("CostUSD"),
                                           QStringLiteral("PreTaxCostUSD"), QStringLiteral("totalCost")});
    if (costColumn < 0) {
        // The alias or a source column we do not know: the first Number column that is not the date.
        for (qsizetype i = 0; i < columns.size(); ++i) {
            if (int(i) != dateColumn && columns.at(i).toObject().value(QLatin1String("type")).toString() == QLatin1String("Number")) {
                costColumn = int(i);
                break;
            }
        }
    }
    if (costColumn < 0)
        return makeError(ErrorKind::Invalid, QStringLiteral("cost query answer has no cost column"));
    int groupColumn = columnNamed(columns, {QStringLiteral("TagValue")});
    if (groupColumn < 0 && !groupName.isEmpty())
        groupColumn = columnNamed(columns, {groupName});
    const int currencyColumn = columnNamed(columns, {QStringLiteral("Currency"), QStringLiteral("BillingCurrency")});
    const int statusColumn = columnNamed(columns, {QStringLiteral("CostStatus")});

    for (const QJsonValue &rowValue : rows) {
        const QJsonArray row = rowValue.toArray();
        if (row.size() < columns.size())
            return makeError(ErrorKind::Invalid, QStringLiteral("cost query row has %1 cells for %2 columns").arg(row.size()).arg(columns.size()));
        const auto cost = number(row.at(costColumn));
        if (!cost)
            return makeError(ErrorKind::Invalid, QStringLiteral("cost query row has no number in its cost column"));
        CostRow parsed;
        parsed.cost = *cost;
        if (dateColumn >= 0) {
            parsed.date = parseUsageDate(row.at(dateColumn));
            if (!parsed.date.isValid())
                return makeError(ErrorKind::Invalid, QStringLiteral("cost query row has an unreadable date"));
        }
        if (groupColumn >= 0)
            parsed.group = text(row.at(groupColumn));
        if (currencyColumn >= 0)
            parsed.currency = text(row.at(currencyColumn));
        if (statusColumn >= 0)
            parsed.costStatus = text(row.at(statusColumn));
        page.rows.append(parsed);
    }
    return page;
}
