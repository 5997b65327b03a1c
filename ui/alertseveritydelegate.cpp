#include "alertseveritydelegate.h"

#include "alertstyle.h"
#include "alerttablemodel.h"

namespace Opsdeck {

void AlertSeverityDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    const QVariant severity = index.data(AlertTableModel::SeverityRole);
    if (!severity.isValid())
        return;
    option->icon = AlertStyle::icon(Alert::Severity(severity.toInt()));
    option->features |= QStyleOptionViewItem::HasDecoration;
}

} // namespace Opsdeck
