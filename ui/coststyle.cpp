#include "coststyle.h"

#include "healthstyle.h"

namespace Opsdeck {

QString CostStyle::word(BudgetLevel level)
{
    switch (level) {
    case BudgetLevel::NoBudget:
        return QObject::tr("no budget");
    case BudgetLevel::Under50:
        return QObject::tr("under 50%");
    case BudgetLevel::From50:
        return QObject::tr("over 50%");
    case BudgetLevel::From80:
        return QObject::tr("over 80%");
    case BudgetLevel::Over100:
        return QObject::tr("over budget");
    }
    return {};
}

QIcon CostStyle::icon(BudgetLevel level)
{
    switch (level) {
    case BudgetLevel::NoBudget:
        return {};
    case BudgetLevel::Under50:
        return HealthStyle::icon(Health::Healthy);
    case BudgetLevel::From50:
        return QIcon::fromTheme(QStringLiteral("dialog-information"), HealthStyle::icon(Health::Unknown));
    case BudgetLevel::From80:
        return HealthStyle::icon(Health::Degraded);
    case BudgetLevel::Over100:
        return HealthStyle::icon(Health::Unhealthy);
    }
    return {};
}

QColor CostStyle::color(BudgetLevel level)
{
    switch (level) {
    case BudgetLevel::NoBudget:
        return HealthStyle::color(Health::Unknown);
    case BudgetLevel::Under50:
        return HealthStyle::color(Health::Healthy);
    case BudgetLevel::From50:
        return QColor(0x00, 0x72, 0xb2); // blue (Okabe–Ito)
    case BudgetLevel::From80:
        return HealthStyle::color(Health::Degraded);
    case BudgetLevel::Over100:
        return HealthStyle::color(Health::Unhealthy);
    }
    return {};
}

} // namespace Opsdeck
