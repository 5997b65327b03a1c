#pragma once

// One row of the Costs view: a Service tag value's figures for the period, as CostStore derives them
// from the costmanagement source's series and budgets. std::nullopt where the figure is not known.

#include "observation.h"

#include <QList>
#include <QMetaType>
#include <QString>

#include <optional>

namespace Opsdeck {

// How much of its budget a service has used: the 50 / 80 / 100 % bands of the Costs view.
enum class BudgetLevel {
    NoBudget,
    Under50,
    From50,
    From80,
    Over100,
};

struct CostLine
{
    QString service; // the Service tag's value, "(untagged)" or "(shared)"
    QString currency;
    double monthToDate = 0.0;                  // the period's actual cost up to asOf
    std::optional<double> lastMonthSamePeriod; // the month before, days 1..asOf's day
    std::optional<double> lastMonth;           // the whole month before
    std::optional<double> changePercent;       // monthToDate against lastMonthSamePeriod
    std::optional<double> forecast;            // the period's cost at month end
    std::optional<double> budget;              // the service's budget amount
    std::optional<double> budgetUsedPercent;   // actual spend ÷ budget × 100
    std::optional<double> forecastUsedPercent; // forecast spend ÷ budget × 100
    BudgetLevel level = BudgetLevel::NoBudget; // of budgetUsedPercent
    QList<CostPoint> daily;                    // the period's month: actual days, then forecast days

    friend bool operator==(const CostLine &, const CostLine &) = default;
};

// "NoBudget" | "Under50" | …
QString toString(BudgetLevel level);

} // namespace Opsdeck

Q_DECLARE_METATYPE(Opsdeck::BudgetLevel)
