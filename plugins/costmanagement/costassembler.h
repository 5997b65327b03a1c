#pragma once

// Turns the raw answers of one refresh into a CostSnapshot: one series per Service tag value with the
// daily actual cost of the period and the period before it, plus forecast days after `asOf`. Untagged
// spend becomes "(untagged)" and the `shared` tag "(shared)"; both rows always exist. The forecast API
// takes no grouping (API-CONTRACTS §4), so each tag has its own forecast answer and the untagged
// forecast is what the unfiltered (total) forecast leaves over.

#include "costqueryparser.h"
#include "costsnapshot.h"

#include <QHash>

#include <optional>

struct CostAnswers
{
    QString scope;
    QDate asOf;
    QDateTime fetchedAt;
    QList<CostRow> current;  // daily, the period (month to date, or last month)
    QList<CostRow> previous; // daily, the month before it
    QHash<QString, QList<CostRow>> forecastByTag; // raw tag value → forecast answer
    std::optional<QList<CostRow>> totalForecast;   // unfiltered forecast answer
    QList<Opsdeck::CostBudget> budgets;
    QList<Opsdeck::Error> partialErrors; // a forecast or the budgets could not be read: the rest stands
};

class CostAssembler
{
public:
    static CostSnapshot assemble(const CostAnswers &answers);
    // "" → "(untagged)", "shared" (any case) → "(shared)", else the value.
    static QString serviceName(const QString &tagValue);
    static QString untagged() { return QStringLiteral("(untagged)"); }
    static QString shared() { return QStringLiteral("(shared)"); }
};
