#include "warroomdelegate.h"

#include "alert.h"
#include "healthstyle.h"
#include "warroomservicemodel.h"

#include <QPainter>

namespace Opsdeck {

WarRoomDelegate::WarRoomDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{ }

void WarRoomDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    if (index.column() == WarRoomServiceModel::HealthColumn) {
        option->features |= QStyleOptionViewItem::HasDecoration;
        option->icon = HealthStyle::icon(index.data(WarRoomServiceModel::HealthRole).value<Health>());
    }
    const int severity = index.data(WarRoomServiceModel::AlertSeverityRole).toInt();
    if (index.column() == WarRoomServiceModel::ServiceColumn && severity >= 0) {
        const QString marker = severity == int(Alert::Severity::Critical) ? QStringLiteral("▲ ")
            : severity == int(Alert::Severity::Warning)                   ? QStringLiteral("■ ")
                                                                          : QStringLiteral("● ");
        option->text = marker + option->text;
    }
}

void WarRoomDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                            const QModelIndex &index) const
{
    const int severity = index.data(WarRoomServiceModel::AlertSeverityRole).toInt();
    if (severity >= 0 && !(option.state & QStyle::State_Selected)) {
        // Dark bands that keep white text above 7:1 contrast.
        const QColor band = severity == int(Alert::Severity::Critical) ? QColor(0x5c, 0x12, 0x00)
            : severity == int(Alert::Severity::Warning)                ? QColor(0x4a, 0x33, 0x00)
                                                                       : QColor(0x0b, 0x2a, 0x44);
        painter->fillRect(option.rect, band);
    }
    QStyledItemDelegate::paint(painter, option, index);
}

} // namespace Opsdeck
