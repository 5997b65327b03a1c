#include "coststyle.h"

#include "healthstyle.h"

#include <QPainter>
#include <QPixmap>

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
    case BudgetLevel::From50: {
        // An "i" in a blue disc, drawn once: no status icon of the theme means "half spent".
        static const QIcon half = [] {
            QPixmap pixmap(32, 32);
            pixmap.fill(Qt::transparent);
            QPainter painter(&pixmap);
            painter.setRenderHint(QPainter::Antialiasing);
            painter.setPen(Qt::NoPen);
            painter.setBrush(color(BudgetLevel::From50));
            painter.drawEllipse(QRectF(1, 1, 30, 30));
            painter.setBrush(Qt::white);
            painter.drawEllipse(QRectF(13.5, 6, 5, 5));
            painter.drawRoundedRect(QRectF(13.5, 13, 5, 13), 1.5, 1.5);
            return QIcon(pixmap);
        }();
        return QIcon::fromTheme(QStringLiteral("dialog-information"), half);
    }
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
