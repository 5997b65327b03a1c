#include "costcolumnproxymodel.h"

#include "costformat.h"
#include "coststore.h"
#include "servicetablemodel.h"

namespace Opsdeck {

CostColumnProxyModel::CostColumnProxyModel(CostStore *costs, QObject *parent)
    : QIdentityProxyModel(parent)
    , m_costs(costs)
{
    connect(costs, &CostStore::changed, this, &CostColumnProxyModel::onCostsChanged);
}

void CostColumnProxyModel::setSourceModel(QAbstractItemModel *model)
{
    QIdentityProxyModel::setSourceModel(model);
}

int CostColumnProxyModel::costColumn() const
{
    return sourceModel() ? sourceModel()->columnCount() : 0;
}

int CostColumnProxyModel::columnCount(const QModelIndex &parent) const
{
    if (parent.isValid() || !sourceModel())
        return 0;
    return sourceModel()->columnCount() + 1;
}

QModelIndex CostColumnProxyModel::index(int row, int column, const QModelIndex &parent) const
{
    if (parent.isValid() || !sourceModel() || row < 0 || row >= rowCount() || column < 0 || column >= columnCount())
        return {};
    if (column == costColumn())
        return createIndex(row, column);
    return QIdentityProxyModel::index(row, column, parent);
}

QModelIndex CostColumnProxyModel::parent(const QModelIndex &child) const
{
    Q_UNUSED(child)
    return {}; // a table
}

QModelIndex CostColumnProxyModel::sibling(int row, int column, const QModelIndex &idx) const
{
    Q_UNUSED(idx)
    return index(row, column);
}

QModelIndex CostColumnProxyModel::mapToSource(const QModelIndex &proxyIndex) const
{
    if (!proxyIndex.isValid() || proxyIndex.column() == costColumn())
        return {};
    return QIdentityProxyModel::mapToSource(proxyIndex);
}

Qt::ItemFlags CostColumnProxyModel::flags(const QModelIndex &index) const
{
    if (index.isValid() && index.column() == costColumn())
        return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
    return QIdentityProxyModel::flags(index);
}

QVariant CostColumnProxyModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.column() != costColumn())
        return QIdentityProxyModel::data(index, role);
    const QModelIndex name = sourceModel()->index(index.row(), ServiceTableModel::NameColumn);
    const std::optional<CostLine> line = m_costs->hasData() ? m_costs->line(name.data(ServiceTableModel::NameRole).toString()) : std::nullopt;
    switch (role) {
    case Qt::DisplayRole:
    case Qt::AccessibleTextRole:
        return line ? CostFormat::money(line->monthToDate, line->currency) : QStringLiteral("—");
    case ServiceTableModel::SortRole:
        return line ? QVariant(line->monthToDate) : QVariant(-1.0);
    case Qt::TextAlignmentRole:
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::ToolTipRole:
        if (!line)
            return tr("No cost data for a Service tag of this name");
        return tr("Month to date %1; forecast %2; budget %3")
            .arg(CostFormat::money(line->monthToDate, line->currency), CostFormat::money(line->forecast, line->currency),
                 line->budget ? CostFormat::percent(line->budgetUsedPercent) + tr(" used") : tr("none"));
    default:
        // Row-wide roles (health, key, stale) read the same as the row's other cells.
        if (role > Qt::UserRole)
            return name.data(role);
        return {};
    }
}

QVariant CostColumnProxyModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && section == costColumn()) {
        if (role == Qt::DisplayRole)
            return tr("Cost (MTD)");
        if (role == Qt::ToolTipRole)
            return tr("Month-to-date cost of the resources tagged Service=<name> (Cost Management)");
        return {};
    }
    return QIdentityProxyModel::headerData(section, orientation, role);
}

void CostColumnProxyModel::onCostsChanged()
{
    const int rows = rowCount();
    if (rows > 0)
        Q_EMIT dataChanged(index(0, costColumn()), index(rows - 1, costColumn()));
}

} // namespace Opsdeck
