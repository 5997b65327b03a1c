#pragma once

// What a budget band looks like (DESIGN §11: never colour alone): under 50 % the Healthy icon and
// colour, from 50 % blue with the information icon, from 80 % HealthStyle's Degraded, over 100 % its
// Unhealthy — each also says it in words, and the Costs view's bar shows how full the budget is.

#include "costline.h"

#include <QColor>
#include <QIcon>
#include <QString>

namespace Opsdeck {

class CostStyle
{
public:
    static QString word(BudgetLevel level); // "under 50%", "over 50%", "over 80%", "over budget", "no budget"
    static QIcon icon(BudgetLevel level);
    static QColor color(BudgetLevel level);
};

} // namespace Opsdeck
