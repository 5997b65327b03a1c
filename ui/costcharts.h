#pragma once

// Fills the Costs view's two charts from CostStore: the month's daily cost stacked by service (forecast
// days lighter) with the budget's daily pace as a line, and one service's cumulative cost (actual, then
// forecast dashed) against its budget.

#include "coststore.h"

class QChart;

namespace Opsdeck {

class CostCharts
{
public:
    static void fillDaily(QChart *chart, const CostStore &store);
    static void fillDetail(QChart *chart, const CostStore &store, const QString &service);
    // One colour per service, stable across refreshes (Okabe–Ito, then hue steps).
    static QColor serviceColor(int index);
};

} // namespace Opsdeck
