#include "datasourcetablemodel.h"

#include "format.h"

#include <QUrl>

#include <algorithm>

namespace Opsdeck {

DataSourceTableModel::DataSourceTableModel(ServiceStore *store, QObject *parent)
    : QAbstractTableModel(parent)
    , m_store(store)
{
    connect(store, &ServiceStore::contextsChanged, this, &DataSourceTableModel::reload);
    reload();
}

void DataSourceTableModel::reload()
{
    QStringList ids = m_store->sourceStatuses().keys();
    ids.sort();
    if (ids != m_ids) {
        beginResetModel();
        m_ids = ids;
        endResetModel();
        return;
    }
    if (!m_ids.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_ids.size()) - 1, ColumnCount - 1));
}

void DataSourceTableModel::tick()
{
    if (!m_ids.isEmpty())
        Q_EMIT dataChanged(index(0, LastSuccessColumn), index(int(m_ids.size()) - 1, DataAgeColumn), {Qt::DisplayRole});
}

QString DataSourceTableModel::breakerText(const QList<BreakerState> &breakers)
{
    QList<BreakerState> sorted = breakers;
    std::sort(sorted.begin(), sorted.end(), [](const BreakerState &a, const BreakerState &b) {
        return std::make_pair(-severity(a.state), a.strategy) < std::make_pair(-severity(b.state), b.strategy);
    });
    if (sorted.isEmpty() || sorted.constFirst().state == BreakerState::State::Closed)
        return QStringLiteral("Closed");
    QStringList paths;
    for (const BreakerState &b : std::as_const(sorted)) {
        if (b.state != sorted.constFirst().state)
            break;
        const QUrl url(b.strategy);
        paths << (url.isValid() && !url.path().isEmpty() ? url.path() : b.strategy);
    }
    return QStringLiteral("%1: %2").arg(toString(sorted.constFirst().state), paths.join(QStringLiteral(", ")));
}

int DataSourceTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_ids.size());
}

int DataSourceTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DataSourceTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QString &id = m_ids.at(index.row());
    const SourceStatus status = m_store->sourceStatuses().value(id);
    const QList<BreakerState> breakers = m_store->sourceBreakers(id);
    // The freshest data of this source's contexts, and whether it is stale.
    QDateTime lastUpdate;
    bool stale = false;
    QDateTime staleSince;
    for (const QString &context : m_store->contexts()) {
        const ContextState state = m_store->contextState(context);
        if (state.sourceId != id)
            continue;
        if (!lastUpdate.isValid() || state.lastUpdate > lastUpdate)
            lastUpdate = state.lastUpdate;
        if (state.isStale()) {
            stale = true;
            staleSince = state.staleSince;
        }
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case SourceColumn:
            return id;
        case StateColumn:
            switch (status.state) {
            case SourceStatus::State::Ok:
                return tr("Healthy");
            case SourceStatus::State::Degraded:
                return tr("Degraded");
            case SourceStatus::State::Down:
                return tr("Down");
            case SourceStatus::State::Connecting:
                return tr("Connecting");
            }
            return {};
        case BreakerColumn:
            return breakerText(breakers);
        case LastSuccessColumn:
            return status.lastSuccess.isValid() ? Format::ago(status.lastSuccess, now) : tr("never");
        case DataAgeColumn:
            if (stale)
                return Format::stale(staleSince.isValid() ? staleSince : lastUpdate, now);
            return lastUpdate.isValid() ? tr("fresh (updated %1)").arg(Format::ago(lastUpdate, now)) : QStringLiteral("—");
        default:
            return {};
        }
    case Qt::ToolTipRole: {
        QString tip = id;
        if (status.error)
            tip += QStringLiteral("\n") + toString(*status.error);
        for (const BreakerState &b : breakers)
            tip += QStringLiteral("\n%1: %2 since %3").arg(b.strategy, toString(b.state), Format::absoluteTime(b.since));
        return tip;
    }
    case StateRole:
        return QVariant::fromValue(status.state);
    case HealthRole:
        switch (status.state) {
        case SourceStatus::State::Ok:
            return QVariant::fromValue(Health::Healthy);
        case SourceStatus::State::Degraded:
            return QVariant::fromValue(Health::Degraded);
        case SourceStatus::State::Down:
            return QVariant::fromValue(Health::Unhealthy);
        case SourceStatus::State::Connecting:
            break;
        }
        return QVariant::fromValue(Health::Unknown);
    case BreakerStateRole: {
        BreakerState::State worst = BreakerState::State::Closed;
        for (const BreakerState &b : breakers) {
            if (severity(b.state) > severity(worst))
                worst = b.state;
        }
        return QVariant::fromValue(worst);
    }
    default:
        return {};
    }
}

QVariant DataSourceTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Vertical) // a transposed view's column titles
        return section >= 0 && section < m_ids.size() ? QVariant(m_ids.at(section)) : QVariant();
    switch (section) {
    case SourceColumn:
        return tr("Source");
    case StateColumn:
        return tr("State");
    case BreakerColumn:
        return tr("Breaker");
    case LastSuccessColumn:
        return tr("Last success");
    case DataAgeColumn:
        return tr("Data");
    default:
        return {};
    }
}

} // namespace Opsdeck
