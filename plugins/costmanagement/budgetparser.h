#pragma once

// Reads a Microsoft.Consumption budgets list (API-CONTRACTS §4): `{value:[…], nextLink}`, each budget's
// amount, time grain, currentSpend/forecastSpend and notifications (threshold percent, Actual or
// Forecasted). Which service a budget is for comes from its filter: a `tags` comparison on `Service`
// (directly or inside `and`), with one value; a budget without one covers the whole scope.

#include "error.h"
#include "observation.h"

#include <QByteArray>
#include <QList>
#include <QUrl>

struct BudgetPage
{
    QList<Opsdeck::CostBudget> budgets; // serviceTag as found (empty: whole scope); scope not set
    QUrl nextLink;
};

class BudgetParser
{
public:
    static Opsdeck::Result<BudgetPage> parse(const QByteArray &body, const QString &tagName = QStringLiteral("Service"));
};
