#pragma once

// One rendered query the appinsights source sends (and `opsdeck --print-queries` prints): its KQL, the
// body's timespan, and the result columns the source reads, in order. Every query covers all services
// and both tracks of the window at once (Service and Track are columns), so a refresh is four requests
// however many services there are (API-CONTRACTS §3: 200 queries / 30 s).

#include "dialect.h"
#include "querywindow.h"

#include <QString>
#include <QStringList>

namespace Opsdeck::AppInsights {

struct TelemetryQuery
{
    enum class Kind {
        Requests,     // requests, failures and p50/p95/p99 latency per bin
        Dependencies, // dependency calls and failures per bin
        Resilience,   // Polly's resilience.polly.strategy.events per event name and bin
        Failures,     // totals and failures per operation and result code over the window
    };

    Kind kind = Kind::Requests;
    Dialect dialect = Dialect::Workspace;
    QueryWindow window;
    QString text;        // the KQL
    QStringList columns; // what the result holds, in this order

    QString id() const;       // "requests" | "dependencies" | "resilience" | "failures"
    QString title() const;    // one line for people ("Requests, failures and latency per 1m bin")
    QString timespan() const { return window.isoDuration(); }
};

} // namespace Opsdeck::AppInsights
