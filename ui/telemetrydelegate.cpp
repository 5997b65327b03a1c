#include "telemetrydelegate.h"

#include "healthstyle.h"
#include "servicetablemodel.h"

namespace Opsdeck {

TelemetryDelegate::TelemetryDelegate(int healthColumn, QObject *parent)
    : HealthDelegate(healthColumn, parent)
{
}

void TelemetryDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    HealthDelegate::initStyleOption(option, index);
    const QVariant value = index.data(ServiceTableModel::TelemetryHealthRole);
    if (!value.isValid())
        return;
    const auto health = value.value<Health>();
    option->features |= QStyleOptionViewItem::HasDecoration;
    option->icon = HealthStyle::icon(health);
    option->decorationAlignment = Qt::AlignLeft | Qt::AlignVCenter;
    if (health == Health::Stale)
        option->palette.setColor(QPalette::Text, option->palette.color(QPalette::PlaceholderText));
    else
        option->palette.setColor(QPalette::Text, HealthStyle::color(health));
}

} // namespace Opsdeck
