#pragma once

// A telemetry window and its bin: 15 min in 1 min bins, 1 h in 5 min, 6 h in 15 min, 24 h in 1 h — a
// dozen to two dozen points per chart, and never more rows than the query API likes to return.

#include "error.h"

#include <QList>
#include <QString>

namespace Opsdeck::AppInsights {

struct QueryWindow
{
    int seconds = 900;
    int binSeconds = 60;

    // The four windows, shortest first.
    static QList<QueryWindow> all();
    // 900, 3600, 21600 or 86400; anything else is an Error{Config} naming those.
    static Result<QueryWindow> fromSeconds(int seconds);
    // "15m" | "1h" | "6h" | "24h" (the --window spelling), or the seconds as digits.
    static Result<QueryWindow> parse(const QString &text);

    QString label() const;        // "15m", "1h", "6h", "24h"
    QString kqlSpan() const;      // KQL timespan literal of the window: "15m", "1h", "6h", "1d"
    QString kqlBin() const;       // KQL timespan literal of the bin: "1m", "5m", "15m", "1h"
    QString isoDuration() const;  // the query body's timespan: "PT15M", "PT1H", "PT6H", "P1D"

    friend bool operator==(const QueryWindow &, const QueryWindow &) = default;
};

} // namespace Opsdeck::AppInsights
