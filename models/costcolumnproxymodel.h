#pragma once

// The Services table plus one column, "Cost (MTD)": the month-to-date cost of the Service tag equal to
// the row's service name, from CostStore. Sits between ServiceTableModel and the filter proxy, so the
// Services table needs no knowledge of costs; sorts by ServiceTableModel::SortRole like the others.

#include <QIdentityProxyModel>

namespace Opsdeck {

class CostStore;

class CostColumnProxyModel : public QIdentityProxyModel
{
    Q_OBJECT

public:
    explicit CostColumnProxyModel(CostStore *costs, QObject *parent = nullptr);

    // The added column: the source's last column + 1.
    int costColumn() const;

    int columnCount(const QModelIndex &parent = {}) const override;
    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    QModelIndex sibling(int row, int column, const QModelIndex &idx) const override;
    QModelIndex mapToSource(const QModelIndex &proxyIndex) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    void setSourceModel(QAbstractItemModel *model) override;

private:
    void onCostsChanged();

    CostStore *m_costs;
};

} // namespace Opsdeck
