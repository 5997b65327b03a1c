#include "podtablemodel.h"

#include "format.h"

namespace Opsdeck {

PodTableModel::PodTableModel(ServiceStore *store, QObject *parent)
    : QAbstractTableModel(parent)
    , m_store(store)
{
    connect(store, &ServiceStore::detailsChanged, this, [this](const QSet<ServiceKey> &keys) {
        if (keys.contains(m_key))
            refresh();
    });
}

void PodTableModel::setService(const ServiceKey &key)
{
    if (key == m_key)
        return;
    // Another service is another list: a reset here is a selection change, not an update.
    beginResetModel();
    m_key = key;
    m_rows = key.name.isEmpty() ? QList<PodInfo>() : m_store->pods(key);
    m_rowOf.clear();
    for (int row = 0; row < m_rows.size(); ++row)
        m_rowOf.insert(m_rows[row].name, row);
    endResetModel();
}

void PodTableModel::refresh()
{
    const QList<PodInfo> next = m_store->pods(m_key);
    QHash<QString, const PodInfo *> byName;
    byName.reserve(next.size());
    for (const PodInfo &pod : next)
        byName.insert(pod.name, &pod);

    // Removals, bottom-up in contiguous runs.
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

    // Newcomers appended in one insertion.
    QList<PodInfo> added;
    for (const PodInfo &pod : next) {
        if (!m_rowOf.contains(pod.name))
            added.append(pod);
    }
    if (!added.isEmpty()) {
        const int first = int(m_rows.size());
        beginInsertRows({}, first, first + int(added.size()) - 1);
        for (const PodInfo &pod : std::as_const(added)) {
            m_rowOf.insert(pod.name, int(m_rows.size()));
            m_rows.append(pod);
        }
        endInsertRows();
    }
}

QDateTime PodTableModel::now() const
{
    return m_now.isValid() ? m_now : QDateTime::currentDateTimeUtc();
}

int PodTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int PodTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PodTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const PodInfo &pod = m_rows.at(index.row());
    const QString none = QStringLiteral("—");
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            return pod.name;
        case TrackColumn:
            return pod.track == Track::Unknown ? none : toString(pod.track);
        case PhaseColumn:
            return pod.waitingReason.isEmpty() ? pod.phase : QStringLiteral("%1 (%2)").arg(pod.phase, pod.waitingReason);
        case ReadyColumn:
            return QStringLiteral("%1/%2").arg(pod.readyContainers).arg(pod.containers);
        case RestartsColumn:
            return pod.restarts;
        case AgeColumn:
            return Format::age(pod.startTime, now());
        case NodeColumn:
            return pod.node.isEmpty() ? none : pod.node;
        case CpuColumn:
            return pod.cpuMillicores ? Format::millicores(*pod.cpuMillicores) : none;
        case MemoryColumn:
            return pod.memoryBytes ? Format::bytes(*pod.memoryBytes) : none;
        default:
            return {};
        }
    case Qt::ToolTipRole:
        if (index.column() == AgeColumn)
            return Format::absoluteTime(pod.startTime);
        if (index.column() == PhaseColumn && !pod.waitingReason.isEmpty())
            return tr("A container is waiting: %1").arg(pod.waitingReason);
        return {};
    case Qt::TextAlignmentRole:
        switch (index.column()) {
        case ReadyColumn:
        case RestartsColumn:
        case AgeColumn:
        case CpuColumn:
        case MemoryColumn:
            return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
        default:
            return QVariant::fromValue(Qt::Alignment(Qt::AlignLeft | Qt::AlignVCenter));
        }
    case SortRole:
        switch (index.column()) {
        case NameColumn:
            return pod.name;
        case TrackColumn:
            return int(pod.track);
        case PhaseColumn:
            return pod.phase + pod.waitingReason;
        case ReadyColumn:
            return pod.readyContainers * 1000 + pod.containers;
        case RestartsColumn:
            return pod.restarts;
        case AgeColumn:
            return pod.startTime.isValid() ? pod.startTime.secsTo(now()) : -1;
        case NodeColumn:
            return pod.node;
        case CpuColumn:
            return pod.cpuMillicores.value_or(-1);
        case MemoryColumn:
            return pod.memoryBytes.value_or(-1);
        default:
            return {};
        }
    case PodRole:
        return QVariant::fromValue(pod);
    case CrashLoopRole:
        return pod.waitingReason == QLatin1String("CrashLoopBackOff");
    default:
        return {};
    }
}

QVariant PodTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Pod");
    case TrackColumn:
        return tr("Track");
    case PhaseColumn:
        return tr("Phase");
    case ReadyColumn:
        return tr("Ready");
    case RestartsColumn:
        return tr("Restarts");
    case AgeColumn:
        return tr("Age");
    case NodeColumn:
        return tr("Node");
    case CpuColumn:
        return tr("CPU");
    case MemoryColumn:
        return tr("Memory");
    default:
        return {};
    }
}

} // namespace Opsdeck
