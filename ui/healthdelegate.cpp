#include "healthdelegate.h"

#include "healthstyle.h"
#include "servicetablemodel.h"

namespace Opsdeck {

HealthDelegate::HealthDelegate(int healthColumn, QObject *parent)
    : QStyledItemDelegate(parent)
    , m_healthColumn(healthColumn)
{
}

void HealthDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    if (index.column() == ServiceTableModel::BreakersColumn) {
        // The worst breaker's state as an icon beside its words: Open looks like Unhealthy, HalfOpen like
        // Degraded, Closed like Healthy.
        const QVariant breaker = index.data(ServiceTableModel::BreakerStateRole);
        if (breaker.isValid()) {
            const auto state = breaker.value<BreakerState::State>();
            const Health look = severity(state) >= 3 ? Health::Unhealthy : state == BreakerState::State::HalfOpen ? Health::Degraded : Health::Healthy;
            option->features |= QStyleOptionViewItem::HasDecoration;
            option->icon = HealthStyle::icon(look);
        }
    }
    const QVariant value = index.data(ServiceTableModel::HealthRole);
    if (!value.isValid())
        return;
    const auto health = value.value<Health>();
    if (index.column() == m_healthColumn) {
        option->features |= QStyleOptionViewItem::HasDecoration;
        option->icon = HealthStyle::icon(health);
        option->text = index.data(Qt::DisplayRole).toString(); // the word, and a stale row's age
    }
    if (health == Health::Stale)
        option->palette.setColor(QPalette::Text, option->palette.color(QPalette::PlaceholderText));
}

} // namespace Opsdeck
