#include "eventtablemodel.h"

#include "format.h"

namespace Opsdeck {

EventTableModel::EventTableModel(ServiceStore *store, QObject *parent)
    : QAbstractTableModel(parent)
    , m_store(store)
{
    connect(store, &ServiceStore::detailsChanged, this, [this](const QSet<ServiceKey> &keys) {
        if (keys.contains(m_key))
            refresh();
    });
}

void EventTableModel::setService(const ServiceKey &key)
{
    if (key == m_key)
        return;
    beginResetModel(); // a selection change, not an update
    m_key = key;
    m_rows = key.name.isEmpty() ? QList<EventInfo>() : m_store->events(key);
    m_rowOf.clear();
    for (int row = 0; row < m_rows.size(); ++row)
        m_rowOf.insert(m_rows[row].name, row);
    endResetModel();
}

void EventTableModel::refresh()
{
    const QList<EventInfo> next = m_store->events(m_key);
    QHash<QString, const EventInfo *> byName;
    byName.reserve(next.size());
    for (const EventInfo &event : next)
        byName.insert(event.name, &event);

    for (int last = int(m_rows.size()) - 1; last >= 0;) {
        if (byName.contains(m_rows[last].name)) {
            --last;
            continue;
        }
        int first = last;
        while (first > 0 && !byName.contains(m_rows[first - 1].name))
            --first;
        beginRemoveRows({}, first, last);
        m_rows.remove(first, last - first + 1);
        endRemoveRows();
        last = first - 1;
    }
    m_rowOf.clear();
    for (int row = 0; row < m_rows.size(); ++row) {
        m_rowOf.insert(m_rows[row].name, row);
        m_rows[row] = *byName.value(m_rows[row].name);
    }
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));

    QList<EventInfo> added;
    for (const EventInfo &event : next) {
        if (!m_rowOf.contains(event.name))
            added.append(event);
    }
    if (!added.isEmpty()) {
        const int first = int(m_rows.size());
        beginInsertRows({}, first, first + int(added.size()) - 1);
        for (const EventInfo &event : std::as_const(added)) {
            m_rowOf.insert(event.name, int(m_rows.size()));
            m_rows.append(event);
        }
        endInsertRows();
    }
}

int EventTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int EventTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const EventInfo &event = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case LastSeenColumn:
            return Format::ago(event.lastTime, m_now.isValid() ? m_now : QDateTime::currentDateTimeUtc());
        case TypeColumn:
            return event.warning ? tr("Warning") : tr("Normal");
        case ReasonColumn:
            return event.reason;
        case ObjectColumn:
            return QStringLiteral("%1/%2").arg(event.involvedKind, event.involvedName);
        case MessageColumn:
            return event.message.simplified();
        case CountColumn:
            return event.count;
        default:
            return {};
        }
    case Qt::ToolTipRole:
        if (index.column() == LastSeenColumn)
            return Format::absoluteTime(event.lastTime);
        if (index.column() == MessageColumn)
            return event.message;
        return {};
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(Qt::Alignment((index.column() == CountColumn ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter));
    case SortRole:
        switch (index.column()) {
        case LastSeenColumn:
            return event.lastTime;
        case TypeColumn:
            return event.warning ? 1 : 0;
        case CountColumn:
            return event.count;
        default:
            return data(index, Qt::DisplayRole);
        }
    case WarningRole:
        return event.warning;
    default:
        return {};
    }
}

QVariant EventTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case LastSeenColumn:
        return tr("Last seen");
    case TypeColumn:
        return tr("Type");
    case ReasonColumn:
        return tr("Reason");
    case ObjectColumn:
        return tr("Object");
    case MessageColumn:
        return tr("Message");
    case CountColumn:
        return tr("Count");
    default:
        return {};
    }
}

} // namespace Opsdeck
