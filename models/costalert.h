#pragma once

// A budget threshold crossed, by the actual spend or by the forecast (CLI.md rule `budget-threshold`).
// CostStore keeps the active ones; the war-room issue surfaces them with the other alerts.

#include <QDateTime>
#include <QString>

namespace Opsdeck {

struct CostAlert
{
    enum class Severity {
        Info,
        Warning,
        Critical,
    };

    QString id;      // stable: "budget-threshold:<scope>:<budget>:<actual|forecast>:<threshold>"
    QString rule = QStringLiteral("budget-threshold");
    QString scope;
    QString service; // empty: a budget for the whole scope
    QString budget;  // the budget's name
    double thresholdPercent = 0.0;
    bool forecasted = false; // crossed by the forecast, not (yet) by the actual spend
    double percent = 0.0;    // what crossed it
    Severity severity = Severity::Warning;
    QDateTime since;         // first seen crossed
    QString summary;

    friend bool operator==(const CostAlert &, const CostAlert &) = default;
};

// "info" | "warning" | "critical" (CLI.md's spelling)
QString toString(CostAlert::Severity severity);

} // namespace Opsdeck
