#pragma once

// Paints the Costs table's "Budget used" column as a bar — the share of the budget spent, in its
// band's colour, with the band's icon and the words — and the forecast's share as a thin mark.

#include <QStyledItemDelegate>

namespace Opsdeck {

class CostBudgetDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    explicit CostBudgetDelegate(int usedColumn, QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;

private:
    int m_usedColumn;
};

} // namespace Opsdeck
