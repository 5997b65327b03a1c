#include "timelinemodel.h"

#include "format.h"

#include <QSet>

#include <algorithm>

namespace Opsdeck {

TimelineModel::TimelineModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(FlushIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &TimelineModel::flush);
}

void TimelineModel::setLimit(int limit)
{
    m_limit = std::max(1, limit);
    trim();
}

void TimelineModel::add(const TimelineEntry &entry)
{
    TimelineEntry copy = entry;
    copy.at = copy.at.toUTC();
    if (copy.reference.isEmpty())
        copy.reference = QStringLiteral("anonymous:%1").arg(++m_anonymous);
    m_pending.insert(keyOf(copy), copy);
    if (!m_timer.isActive())
        m_timer.start();
}

void TimelineModel::add(const QList<TimelineEntry> &entries)
{
    for (const TimelineEntry &entry : entries)
        add(entry);
}

void TimelineModel::clear()
{
    m_timer.stop();
    m_pending.clear();
    if (m_rows.isEmpty())
        return;
    beginResetModel();
    m_rows.clear();
    m_byKey.clear();
    endResetModel();
}

int TimelineModel::rowOf(TimelineEntry::Kind kind, const QString &reference) const
{
    const auto it = m_byKey.constFind(Key { int(kind), reference });
    return it == m_byKey.cend() ? -1 : int(findRow(*it));
}

qsizetype TimelineModel::findRow(const TimelineEntry &entry) const
{
    const auto it = std::lower_bound(m_rows.cbegin(), m_rows.cend(), entry, timelineLess);
    if (it == m_rows.cend() || keyOf(*it) != keyOf(entry))
        return -1;
    return it - m_rows.cbegin();
}

void TimelineModel::flush()
{
    m_timer.stop();
    if (m_pending.isEmpty())
        return;
    const QList<TimelineEntry> pending = m_pending.values();
    m_pending.clear();

    // 1. Replacements that keep their place in the order: in place, one dataChanged per contiguous run.
    QList<qsizetype> changed;
    QList<qsizetype> moved; // rows whose entry changed time: removed, then inserted again
    QList<TimelineEntry> fresh;
    for (const TimelineEntry &entry : pending) {
        const auto it = m_byKey.constFind(keyOf(entry));
        if (it == m_byKey.cend()) {
            fresh.append(entry);
            continue;
        }
        if (*it == entry)
            continue;
        const qsizetype row = findRow(*it);
        Q_ASSERT(row >= 0);
        if (it->at == entry.at && it->title == entry.title) {
            m_rows[row] = entry;
            changed.append(row);
        } else {
            moved.append(row);
            fresh.append(entry);
        }
        m_byKey.insert(keyOf(entry), entry);
    }
    std::sort(changed.begin(), changed.end());
    for (qsizetype first = 0; first < changed.size();) {
        qsizetype last = first;
        while (last + 1 < changed.size() && changed[last + 1] == changed[last] + 1)
            ++last;
        Q_EMIT dataChanged(index(int(changed[first]), 0), index(int(changed[last]), ColumnCount - 1));
        first = last + 1;
    }

    // 2. Entries that moved leave their old row.
    std::sort(moved.begin(), moved.end());
    removeRows(moved);

    // 3. New rows, grouped by where they go: live entries are mostly newest, so usually one run at the end.
    std::sort(fresh.begin(), fresh.end(), timelineLess);
    // Past the bound, new entries older than everything kept would only be inserted to be trimmed again
    // (a feed re-reading old events every tick): they are not inserted at all.
    if (qsizetype excess = m_rows.size() + fresh.size() - m_limit; excess > 0) {
        qsizetype fromRows = 0;
        qsizetype fromFresh = 0;
        while (excess-- > 0) {
            if (fromFresh < fresh.size()
                && (fromRows >= m_rows.size() || timelineLess(fresh[fromFresh], m_rows[fromRows])))
                ++fromFresh;
            else
                ++fromRows;
        }
        for (qsizetype i = 0; i < fromFresh; ++i)
            m_byKey.remove(keyOf(fresh[i]));
        fresh.remove(0, fromFresh);
    }
    QList<qsizetype> positions;
    positions.reserve(fresh.size());
    int runs = 0;
    for (const TimelineEntry &entry : fresh) {
        const qsizetype pos
            = std::lower_bound(m_rows.cbegin(), m_rows.cend(), entry, timelineLess) - m_rows.cbegin();
        if (positions.isEmpty() || positions.constLast() != pos)
            ++runs;
        positions.append(pos);
    }
    if (runs > MaxInsertRuns) {
        beginResetModel();
        QList<TimelineEntry> merged;
        merged.reserve(m_rows.size() + fresh.size());
        std::merge(m_rows.cbegin(), m_rows.cend(), fresh.cbegin(), fresh.cend(), std::back_inserter(merged),
                   timelineLess);
        m_rows = std::move(merged);
        for (const TimelineEntry &entry : std::as_const(fresh))
            m_byKey.insert(keyOf(entry), entry);
        endResetModel();
    } else {
        qsizetype offset = 0;
        for (qsizetype first = 0; first < fresh.size();) {
            qsizetype last = first;
            while (last + 1 < fresh.size() && positions[last + 1] == positions[first])
                ++last;
            const qsizetype at = positions[first] + offset;
            const qsizetype count = last - first + 1;
            beginInsertRows({}, int(at), int(at + count - 1));
            for (qsizetype i = 0; i < count; ++i) {
                m_rows.insert(at + i, fresh[first + i]);
                m_byKey.insert(keyOf(fresh[first + i]), fresh[first + i]);
            }
            endInsertRows();
            offset += count;
            first = last + 1;
        }
    }

    trim();
    Q_EMIT flushed();
}

void TimelineModel::removeRows(QList<qsizetype> rows)
{
    // Descending, so earlier runs keep their row numbers.
    for (qsizetype last = rows.size() - 1; last >= 0;) {
        qsizetype first = last;
        while (first > 0 && rows[first - 1] == rows[first] - 1)
            --first;
        beginRemoveRows({}, int(rows[first]), int(rows[last]));
        m_rows.remove(rows[first], rows[last] - rows[first] + 1);
        endRemoveRows();
        last = first - 1;
    }
}

void TimelineModel::trim()
{
    const qsizetype excess = m_rows.size() - m_limit;
    if (excess <= 0)
        return;
    beginRemoveRows({}, 0, int(excess - 1));
    for (qsizetype i = 0; i < excess; ++i)
        m_byKey.remove(keyOf(m_rows[i]));
    m_rows.remove(0, excess);
    endRemoveRows();
}

int TimelineModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TimelineModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString TimelineModel::kindLabel(TimelineEntry::Kind kind)
{
    switch (kind) {
    case TimelineEntry::Kind::Event:
        return tr("Event");
    case TimelineEntry::Kind::Scaling:
        return tr("Scaling");
    case TimelineEntry::Kind::Rollout:
        return tr("Rollout");
    case TimelineEntry::Kind::CanaryWeight:
        return tr("Canary weight");
    case TimelineEntry::Kind::Action:
        return tr("Action");
    case TimelineEntry::Kind::Alert:
        return tr("Alert");
    case TimelineEntry::Kind::Breaker:
        return tr("Breaker");
    case TimelineEntry::Kind::Health:
        return tr("Health");
    case TimelineEntry::Kind::Budget:
        return tr("Budget");
    case TimelineEntry::Kind::Drill:
        return tr("Drill");
    }
    return tr("Event");
}

QString TimelineModel::serviceLabel(const ServiceKey &key)
{
    return key.name.isEmpty() ? tr("estate") : key.name;
}

namespace {

QString severityLabel(TimelineEntry::Severity severity)
{
    switch (severity) {
    case TimelineEntry::Severity::Info:
        return TimelineModel::tr("Info");
    case TimelineEntry::Severity::Warning:
        return TimelineModel::tr("Warning");
    case TimelineEntry::Severity::Critical:
        return TimelineModel::tr("Critical");
    }
    return TimelineModel::tr("Info");
}

} // namespace

QVariant TimelineModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TimelineEntry &entry = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return entry.at.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        case KindColumn:
            return kindLabel(entry.kind);
        case SeverityColumn:
            return severityLabel(entry.severity);
        case ServiceColumn:
            return serviceLabel(entry.service);
        case TitleColumn:
            return entry.title;
        case DetailColumn:
            return entry.detail;
        }
        return {};
    case Qt::ToolTipRole:
        switch (index.column()) {
        case TimeColumn:
            return Format::absoluteTime(entry.at);
        case ServiceColumn:
            return entry.service.name.isEmpty()
                ? tr("The whole estate")
                : QStringLiteral("%1/%2/%3").arg(entry.service.context, entry.service.ns, entry.service.name);
        case TitleColumn:
        case DetailColumn:
            return entry.detail.isEmpty() ? entry.title : entry.title + QLatin1Char('\n') + entry.detail;
        case KindColumn:
            return tr("Reported by %1").arg(entry.source);
        }
        return {};
    case SortRole:
        switch (index.column()) {
        case TimeColumn:
            return entry.at.toMSecsSinceEpoch();
        case KindColumn:
            return int(entry.kind);
        case SeverityColumn:
            return int(entry.severity);
        }
        return data(index, Qt::DisplayRole);
    case AtRole:
        return entry.at;
    case KindRole:
        return int(entry.kind);
    case SeverityRole:
        return int(entry.severity);
    case ServiceKeyRole:
        return QVariant::fromValue(entry.service);
    case ReferenceRole:
        return entry.reference;
    case EntryRole:
        return QVariant::fromValue(entry);
    }
    return {};
}

QVariant TimelineModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case KindColumn:
        return tr("Kind");
    case SeverityColumn:
        return tr("Severity");
    case ServiceColumn:
        return tr("Service");
    case TitleColumn:
        return tr("What");
    case DetailColumn:
        return tr("Detail");
    }
    return {};
}

} // namespace Opsdeck
