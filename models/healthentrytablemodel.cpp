#include "healthentrytablemodel.h"

#include "format.h"

namespace Opsdeck {

namespace {

Health healthOf(HealthStatus status)
{
    switch (status) {
    case HealthStatus::Healthy:
        return Health::Healthy;
    case HealthStatus::Degraded:
        return Health::Degraded;
    case HealthStatus::Unhealthy:
        return Health::Unhealthy;
    case HealthStatus::Unknown:
        break;
    }
    return Health::Unknown;
}

QString trackWord(Track track)
{
    return track == Track::Unknown ? QStringLiteral("—") : toString(track).toLower();
}

} // namespace

HealthEntryTableModel::HealthEntryTableModel(ServiceStore *store, QObject *parent)
    : QAbstractTableModel(parent)
    , m_store(store)
{
    connect(store, &ServiceStore::detailsChanged, this, [this](const QSet<ServiceKey> &services) {
        if (services.contains(m_key))
            reload();
    });
    // Staleness follows the source, not only the reports.
    connect(store, &ServiceStore::contextsChanged, this, &HealthEntryTableModel::reload);
}

void HealthEntryTableModel::setService(const ServiceKey &key)
{
    m_key = key;
    reload();
}

void HealthEntryTableModel::reload()
{
    QList<Row> rows;
    const QList<HealthReport> reports = m_key.name.isEmpty() ? QList<HealthReport>() : m_store->healthReports(m_key);
    const bool sourceStale = !m_key.name.isEmpty() && m_store->contextState(m_key.context).isStale();
    for (const HealthReport &report : reports) {
        for (const HealthEntry &entry : report.entries)
            rows.append(Row{entry, report.track, sourceStale || report.error.has_value(), report.checkedAt});
    }
    if (rows == m_rows && reports == m_reports)
        return; // unchanged: keep the view's selection and scroll position
    beginResetModel();
    m_rows = rows;
    m_reports = reports;
    endResetModel();
}

int HealthEntryTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int HealthEntryTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString HealthEntryTableModel::summary() const
{
    if (m_reports.isEmpty())
        return tr("No health report read yet");
    QStringList parts;
    for (const HealthReport &report : m_reports) {
        QString part = report.track == Track::Unknown ? QString() : toString(report.track).toLower() + QStringLiteral(": ");
        if (report.entries.isEmpty() && report.error)
            part += tr("not readable — %1").arg(report.error->message);
        else
            part += tr("%1, checked %2").arg(toString(report.status), Format::absoluteTime(report.checkedAt));
        if (!report.entries.isEmpty() && report.error)
            part += QStringLiteral(" (%1) — %2").arg(Format::stale(report.checkedAt, QDateTime::currentDateTimeUtc()), report.error->message);
        parts << part;
    }
    return parts.join(QStringLiteral("; "));
}

QVariant HealthEntryTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const HealthEntry &e = row.entry;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            return e.name;
        case TrackColumn:
            return trackWord(row.track);
        case StatusColumn:
            return row.stale ? QStringLiteral("%1 (%2)").arg(toString(e.status), Format::stale(row.checkedAt, QDateTime::currentDateTimeUtc()))
                             : toString(e.status);
        case DurationColumn:
            return Format::milliseconds(e.durationMs);
        case DescriptionColumn:
            return e.description;
        case CircuitColumn:
            return e.circuitState.isEmpty() ? QStringLiteral("—") : e.circuitState;
        default:
            return {};
        }
    case Qt::ToolTipRole:
        if (index.column() == DescriptionColumn)
            return e.description;
        if (row.stale)
            return tr("Last read %1; the latest read failed").arg(Format::absoluteTime(row.checkedAt));
        return {};
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(Qt::Alignment((index.column() == DurationColumn ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter));
    case SortRole:
        switch (index.column()) {
        case StatusColumn:
            return int(e.status);
        case DurationColumn:
            return e.durationMs;
        case TrackColumn:
            return int(row.track);
        default:
            return data(index, Qt::DisplayRole);
        }
    case HealthRole:
        return QVariant::fromValue(row.stale ? Health::Stale : healthOf(e.status));
    case StaleRole:
        return row.stale;
    default:
        return {};
    }
}

QVariant HealthEntryTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Check");
    case TrackColumn:
        return tr("Track");
    case StatusColumn:
        return tr("Status");
    case DurationColumn:
        return tr("Duration");
    case DescriptionColumn:
        return tr("Description");
    case CircuitColumn:
        return tr("Circuit");
    default:
        return {};
    }
}

} // namespace Opsdeck
