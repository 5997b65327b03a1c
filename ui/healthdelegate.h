#pragma once

// Paints the Services table: the Health column gets HealthStyle's icon beside the word, and a stale
// service's cells are dimmed so last-known data never passes for live data.

#include <QStyledItemDelegate>

namespace Opsdeck {

class HealthDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    explicit HealthDelegate(int healthColumn, QObject *parent = nullptr);

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;

private:
    int m_healthColumn;
};

} // namespace Opsdeck
