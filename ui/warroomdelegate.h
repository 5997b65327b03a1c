#pragma once

// Paints the war room's services: the Health column with HealthStyle's icon beside the word, and a
// pinned service's row (active alerts) on a band whose colour follows its worst alert, with a marker
// in the first column ("▲ critical", "■ warning") so colour is never the only sign.

#include <QStyledItemDelegate>

namespace Opsdeck {

class WarRoomDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    explicit WarRoomDelegate(QObject *parent = nullptr);

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;
    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
};

} // namespace Opsdeck
