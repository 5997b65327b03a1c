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
    const QVariant value = index.data(ServiceTableModel::HealthRole);
    if (!value.isValid())
        return;
    const auto health = value.value<Health>();
    if (index.column() == m_healthColumn) {
        option->features |= QStyleOptionViewItem::HasDecoration;
        option->icon = HealthStyle::icon(health);
        option->text = HealthStyle::word(health);
    }
    if (health == Health::Stale)
        option->palette.setColor(QPalette::Text, option->palette.color(QPalette::PlaceholderText));
}

} // namespace Opsdeck
