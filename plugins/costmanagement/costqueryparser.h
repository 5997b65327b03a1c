#pragma once

// Reads a Cost Management query or forecast answer (API-CONTRACTS §4): columns resolved by name (the
// cost column may be named after the source column, not the alias), UsageDate as a number (20261115) or
// a string, numbers that may arrive as strings, grouping by TagKey (TagKey/TagValue columns; untagged
// rows have empty values) or by a Dimension (a column named after it), and `nextLink` for the next page.
// A 204 or an empty body is an empty page, not an error.

#include "error.h"

#include <QByteArray>
#include <QDate>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QUrl>

struct CostRow
{
    QDate date;          // invalid when the query had no granularity
    QString group;       // the tag value or dimension value; empty: untagged
    double cost = 0.0;
    QString currency;
    QString costStatus;  // forecast answers: "Actual" | "Forecast"; empty otherwise

    friend bool operator==(const CostRow &, const CostRow &) = default;
};

struct CostQueryPage
{
    QList<CostRow> rows;
    QUrl nextLink; // empty on the last page
};

class CostQueryParser
{
public:
    // `groupName`: the Dimension grouped by ("ResourceGroup"), for answers without TagValue; may be empty.
    static Opsdeck::Result<CostQueryPage> parse(const QByteArray &body, const QString &groupName = {});
    // 20261115, "20261115", "2026-11-15", "2026-11-15T00:00:00"; invalid when unreadable.
    static QDate parseUsageDate(const QJsonValue &value);
};
