#include "breakerhistorymodel.h"

#include "format.h"

#include <algorithm>

namespace Opsdeck {

namespace {

QString laneOf(const BreakerTransition &t)
{
    return t.track == Track::Unknown ? t.name : QStringLiteral("%1 (%2)").arg(t.name, toString(t.track).toLower());
}

} // namespace

BreakerHistoryModel::BreakerHistoryModel(ServiceStore *store, QObject *parent)
    : QAbstractTableModel(parent)
    , m_store(store)
{
    connect(store, &ServiceStore::detailsChanged, this, [this](const QSet<ServiceKey> &services) {
        if (services.contains(m_key))
            reload();
    });
}

void BreakerHistoryModel::setService(const ServiceKey &key)
{
    m_key = key;
    reload();
}

void BreakerHistoryModel::reload()
{
    QList<Row> rows;
    const QList<BreakerTransition> history = m_key.name.isEmpty() ? QList<BreakerTransition>() : m_store->breakerHistory(m_key);
    // Oldest first in the store: each transition ends where the next one of its lane begins.
    QHash<QString, qsizetype> lastOfLane;
    for (const BreakerTransition &t : history) {
        const QString lane = laneOf(t);
        if (const auto it = lastOfLane.constFind(lane); it != lastOfLane.cend())
            rows[*it].until = t.at;
        lastOfLane.insert(lane, rows.size());
        rows.append(Row{t, {}, lane});
    }
    std::reverse(rows.begin(), rows.end());
    if (rows == m_rows)
        return;
    beginResetModel();
    m_rows = rows;
    endResetModel();
}

QStringList BreakerHistoryModel::lanes() const
{
    QStringList names;
    for (const Row &row : m_rows) {
        if (!names.contains(row.lane))
            names << row.lane;
    }
    names.sort();
    return names;
}

int BreakerHistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int BreakerHistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant BreakerHistoryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const BreakerTransition &t = row.transition;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return t.at.toUTC().toString(QStringLiteral("HH:mm:ss"));
        case BreakerColumn:
            return t.name;
        case TrackColumn:
            return t.track == Track::Unknown ? QStringLiteral("—") : toString(t.track).toLower();
        case StateColumn:
            return toString(t.state);
        case LastedColumn: {
            const QDateTime end = row.until.isValid() ? row.until : QDateTime::currentDateTimeUtc();
            const QString lasted = Format::age(t.at, end);
            return row.until.isValid() ? lasted : tr("%1, ongoing").arg(lasted);
        }
        default:
            return {};
        }
    case Qt::ToolTipRole:
        return tr("%1 entered %2 at %3").arg(row.lane, toString(t.state), Format::absoluteTime(t.at));
    case SortRole:
        switch (index.column()) {
        case TimeColumn:
            return t.at;
        case StateColumn:
            return severity(t.state);
        case LastedColumn:
            return t.at.secsTo(row.until.isValid() ? row.until : QDateTime::currentDateTimeUtc());
        default:
            return data(index, Qt::DisplayRole);
        }
    case StateRole:
        return QVariant::fromValue(t.state);
    case AtRole:
        return t.at;
    case UntilRole:
        return row.until;
    case LaneRole:
        return row.lane;
    default:
        return {};
    }
}

QVariant BreakerHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return tr("Time (UTC)");
    case BreakerColumn:
        return tr("Breaker");
    case TrackColumn:
        return tr("Track");
    case StateColumn:
        return tr("State");
    case LastedColumn:
        return tr("Lasted");
    default:
        return {};
    }
}

} // namespace Opsdeck
