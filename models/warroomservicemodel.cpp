#include "warroomservicemodel.h"

#include "alertengine.h"
#include "format.h"
#include "servicestore.h"
#include "telemetrystore.h"

#include <algorithm>

namespace Opsdeck {

WarRoomServiceModel::WarRoomServiceModel(ServiceStore *store, TelemetryStore *telemetry, AlertEngine *alerts,
                                         QObject *parent)
    : QAbstractTableModel(parent)
    , m_store(store)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(RefreshIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &WarRoomServiceModel::refresh);
    if (store) {
        connect(store, &ServiceStore::servicesInserted, this, &WarRoomServiceModel::scheduleRefresh);
        connect(store, &ServiceStore::servicesRemoved, this, &WarRoomServiceModel::scheduleRefresh);
        connect(store, &ServiceStore::servicesChanged, this, &WarRoomServiceModel::scheduleRefresh);
    }
    setTelemetry(telemetry);
    setAlerts(alerts);
    refresh();
}

void WarRoomServiceModel::setAlerts(AlertEngine *alerts)
{
    if (m_alerts)
        disconnect(m_alerts, nullptr, this, nullptr);
    m_alerts = alerts;
    if (alerts)
        connect(alerts, &AlertEngine::alertsChanged, this, &WarRoomServiceModel::scheduleRefresh);
    scheduleRefresh();
}

void WarRoomServiceModel::setTelemetry(TelemetryStore *telemetry)
{
    if (m_telemetry)
        disconnect(m_telemetry, nullptr, this, nullptr);
    m_telemetry = telemetry;
    if (telemetry)
        connect(telemetry, &TelemetryStore::telemetryChanged, this, &WarRoomServiceModel::scheduleRefresh);
    scheduleRefresh();
}

void WarRoomServiceModel::scheduleRefresh()
{
    if (!m_timer.isActive())
        m_timer.start();
}

int WarRoomServiceModel::pinnedCount() const
{
    return int(std::count_if(m_rows.cbegin(), m_rows.cend(),
                             [this](const ServiceKey &key) { return m_activeByService.contains(key); }));
}

QList<Alert> WarRoomServiceModel::estateAlerts() const
{
    return m_activeByService.value(ServiceKey {});
}

QList<Alert> WarRoomServiceModel::alertsOf(const ServiceKey &key) const
{
    return m_activeByService.value(key);
}

void WarRoomServiceModel::refresh()
{
    m_timer.stop();
    // Alerts by service, matched like the telemetry: a key without namespace or context stands for the
    // service of that name.
    QHash<ServiceKey, QList<Alert>> byService;
    QList<ServiceKey> services;
    if (m_store) {
        for (int row = 0; row < m_store->serviceCount(); ++row)
            services.append(m_store->serviceAt(row).key);
    }
    if (m_alerts) {
        for (const Alert &alert : m_alerts->active()) {
            if (alert.service.name.isEmpty()) {
                byService[ServiceKey {}].append(alert);
                continue;
            }
            bool matched = false;
            for (const ServiceKey &key : std::as_const(services)) {
                if (key.name == alert.service.name
                    && (alert.service.ns.isEmpty() || key.ns == alert.service.ns)
                    && (alert.service.context.isEmpty() || key.context == alert.service.context)) {
                    byService[key].append(alert);
                    matched = true;
                }
            }
            if (!matched) {
                byService[alert.service].append(alert);
                services.append(alert.service); // an alert for a service the store does not show (yet)
            }
        }
    }

    auto worst = [&byService](const ServiceKey &key) {
        const QList<Alert> alerts = byService.value(key);
        int severity = -1;
        QDateTime oldest;
        for (const Alert &alert : alerts) {
            severity = std::max(severity, int(alert.severity));
            if (!oldest.isValid() || alert.since < oldest)
                oldest = alert.since;
        }
        return std::pair(severity, oldest);
    };
    auto healthOf = [this](const ServiceKey &key) {
        const ServiceSummary *summary = m_store ? m_store->service(key) : nullptr;
        return summary ? summary->health : Health::Unknown;
    };
    std::stable_sort(services.begin(), services.end(), [&](const ServiceKey &a, const ServiceKey &b) {
        const auto [sa, oa] = worst(a);
        const auto [sb, ob] = worst(b);
        if (sa != sb)
            return sa > sb; // pinned (any alert) before the rest, critical before warning
        if (sa >= 0 && oa != ob)
            return oa < ob; // the longest-running incident first
        const int ha = severity(healthOf(a));
        const int hb = severity(healthOf(b));
        if (ha != hb)
            return ha < hb; // severity(): Unhealthy is 0
        return std::tie(a.name, a.context, a.ns) < std::tie(b.name, b.context, b.ns);
    });

    m_activeByService = byService;
    if (services == m_rows) {
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
    } else if (QSet<ServiceKey>(services.cbegin(), services.cend())
               == QSet<ServiceKey>(m_rows.cbegin(), m_rows.cend())) {
        // Same services in a new order: a layout change keeps the selection on its service.
        Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
        const QModelIndexList before = persistentIndexList();
        QModelIndexList after;
        after.reserve(before.size());
        for (const QModelIndex &index : before)
            after.append(this->index(int(services.indexOf(m_rows.at(index.row()))), index.column()));
        m_rows = services;
        changePersistentIndexList(before, after);
        Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
    } else {
        beginResetModel();
        m_rows = services;
        endResetModel();
    }
    Q_EMIT refreshed();
}

int WarRoomServiceModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int WarRoomServiceModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

namespace {

QString dash()
{
    return QStringLiteral("—");
}

QString percentOrDash(std::optional<double> value)
{
    return value ? Format::percent(*value) : dash();
}

QString msOrDash(std::optional<double> value)
{
    return value ? Format::milliseconds(*value) : dash();
}

} // namespace

QVariant WarRoomServiceModel::display(const ServiceKey &key, int column) const
{
    const ServiceSummary *summary = m_store ? m_store->service(key) : nullptr;
    const QList<Alert> alerts = alertsOf(key);
    const TrackFigures stable = m_telemetry ? m_telemetry->figures(key, Track::Stable) : TrackFigures {};
    const bool hasCanary = summary && summary->canary.present;
    const TrackFigures canary
        = m_telemetry && hasCanary ? m_telemetry->figures(key, Track::Canary) : TrackFigures {};
    switch (column) {
    case ServiceColumn:
        return key.name;
    case HealthColumn:
        return toString(summary ? summary->health : Health::Unknown);
    case AlertsColumn: {
        if (alerts.isEmpty())
            return tr("none");
        QStringList rules;
        for (const Alert &alert : alerts)
            rules << alert.rule;
        rules.removeDuplicates();
        return QStringLiteral("%1 · %2").arg(alerts.size()).arg(rules.join(QStringLiteral(", ")));
    }
    case BreakersColumn: {
        if (!summary || summary->breakers.isEmpty())
            return dash();
        int open = 0;
        for (const BreakerSummary &breaker : summary->breakers)
            open += breaker.state == BreakerState::State::Open
                    || breaker.state == BreakerState::State::Isolated
                ? 1
                : 0;
        return tr("%1 of %2 open").arg(open).arg(summary->breakers.size());
    }
    case ErrorStableColumn:
        return percentOrDash(stable.errorRatePercent());
    case ErrorCanaryColumn:
        return hasCanary ? percentOrDash(canary.errorRatePercent()) : dash();
    case P95StableColumn:
        return msOrDash(stable.p95Ms);
    case P95CanaryColumn:
        return hasCanary ? msOrDash(canary.p95Ms) : dash();
    case PodsColumn:
        return summary ? QStringLiteral("%1/%2").arg(summary->readyPods).arg(summary->desired()) : dash();
    case HpaColumn:
        if (!summary || !summary->hpa.present)
            return dash();
        return tr("%1 → %2 (max %3)")
            .arg(summary->hpa.current)
            .arg(summary->hpa.desired)
            .arg(summary->hpa.max);
    case CanaryWeightColumn:
        return summary && summary->canaryWeight ? Format::percent(*summary->canaryWeight) : dash();
    }
    return {};
}

QVariant WarRoomServiceModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ServiceKey &key = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return display(key, index.column());
    case Qt::ToolTipRole: {
        if (index.column() == ServiceColumn)
            return QStringLiteral("%1/%2/%3").arg(key.context, key.ns, key.name);
        if (index.column() == AlertsColumn) {
            QStringList lines;
            for (const Alert &alert : alertsOf(key))
                lines
                    << QStringLiteral("%1 (%2): %3").arg(alert.rule, toString(alert.severity), alert.summary);
            return lines.join(QLatin1Char('\n'));
        }
        return {};
    }
    case Qt::TextAlignmentRole:
        return index.column() >= BreakersColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case ServiceKeyRole:
        return QVariant::fromValue(key);
    case HealthRole: {
        const ServiceSummary *summary = m_store ? m_store->service(key) : nullptr;
        return QVariant::fromValue(summary ? summary->health : Health::Unknown);
    }
    case AlertSeverityRole: {
        int worst = -1;
        for (const Alert &alert : alertsOf(key))
            worst = std::max(worst, int(alert.severity));
        return worst;
    }
    case PinnedRole:
        return m_activeByService.contains(key);
    case AlertIdsRole: {
        QStringList ids;
        for (const Alert &alert : alertsOf(key))
            ids << alert.id;
        return ids;
    }
    }
    return {};
}

QVariant WarRoomServiceModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case ServiceColumn:
        return tr("Service");
    case HealthColumn:
        return tr("Health");
    case AlertsColumn:
        return tr("Alerts");
    case BreakersColumn:
        return tr("Breakers");
    case ErrorStableColumn:
        return tr("Errors stable");
    case ErrorCanaryColumn:
        return tr("Errors canary");
    case P95StableColumn:
        return tr("p95 stable");
    case P95CanaryColumn:
        return tr("p95 canary");
    case PodsColumn:
        return tr("Pods ready");
    case HpaColumn:
        return tr("HPA replicas");
    case CanaryWeightColumn:
        return tr("Canary weight");
    }
    return {};
}

} // namespace Opsdeck
