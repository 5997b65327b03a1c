#pragma once

// The Alerts table's severity cell: AlertStyle's icon before the word (AlertTableModel::SeverityRole).

#include <QStyledItemDelegate>

namespace Opsdeck {

class AlertSeverityDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;
};

} // namespace Opsdeck
