#include "costbudgetdelegate.h"

#include "costline.h"
#include "coststore.h"
#include "costtablemodel.h"
#include "coststyle.h"

#include <QPainter>

namespace Opsdeck {

CostBudgetDelegate::CostBudgetDelegate(int usedColumn, QObject *parent)
    : QStyledItemDelegate(parent)
    , m_usedColumn(usedColumn)
{
}

void CostBudgetDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    if (index.column() != m_usedColumn)
        return;
    const auto level = index.data(CostTableModel::LevelRole).value<BudgetLevel>();
    option->icon = CostStyle::icon(level);
    if (!option->icon.isNull())
        option->features |= QStyleOptionViewItem::HasDecoration;
    option->displayAlignment = Qt::AlignLeft | Qt::AlignVCenter;
}

void CostBudgetDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    if (index.column() == m_usedColumn) {
        const QVariant used = index.data(CostTableModel::SortRole);
        if (used.isValid()) {
            const auto level = index.data(CostTableModel::LevelRole).value<BudgetLevel>();
            const QRect bar = option.rect.adjusted(2, 3, -2, -3);
            QColor fill = CostStyle::color(level);
            fill.setAlpha(70);
            painter->save();
            painter->fillRect(QRect(bar.topLeft(), QSize(int(bar.width() * qBound(0.0, used.toDouble() / 100.0, 1.0)), bar.height())), fill);
            const QVariant heading = index.data(CostTableModel::ForecastUsedRole);
            if (heading.isValid()) {
                // Where the forecast lands by month end (at the right edge when past the budget).
                const int x = bar.left() + int(bar.width() * qBound(0.0, heading.toDouble() / 100.0, 1.0)) - 1;
                painter->fillRect(QRect(x, bar.top(), 2, bar.height()), CostStyle::color(CostStore::levelFor(heading.toDouble())));
            }
            painter->restore();
        }
    }
    QStyledItemDelegate::paint(painter, option, index);
}

} // namespace Opsdeck
