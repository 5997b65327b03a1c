#include "servicetablemodel.h"

#include "format.h"
#include "telemetrystore.h"

namespace Opsdeck {

ServiceTableModel::ServiceTableModel(ServiceStore *store, QObject *parent)
    : QAbstractTableModel(parent)
    , m_store(store)
{
    connect(store, &ServiceStore::servicesAboutToBeInserted, this, [this](int first, int last) { beginInsertRows({}, first, last); });
    connect(store, &ServiceStore::servicesInserted, this, [this] { endInsertRows(); });
    connect(store, &ServiceStore::servicesAboutToBeRemoved, this, [this](int first, int last) { beginRemoveRows({}, first, last); });
    connect(store, &ServiceStore::servicesRemoved, this, [this] { endRemoveRows(); });
    connect(store, &ServiceStore::servicesChanged, this, [this](int first, int last) {
        Q_EMIT dataChanged(index(first, 0), index(last, ColumnCount - 1));
    });
}

void ServiceTableModel::setTelemetry(TelemetryStore *telemetry)
{
    if (m_telemetry)
        disconnect(m_telemetry, nullptr, this, nullptr);
    m_telemetry = telemetry;
    if (telemetry)
        connect(telemetry, &TelemetryStore::telemetryChanged, this, &ServiceTableModel::onTelemetryChanged);
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, StableErrorRateColumn), index(rowCount() - 1, CanaryP95Column));
}

void ServiceTableModel::onTelemetryChanged(const QSet<ServiceKey> &services)
{
    // Only the telemetry cells of the rows concerned, in contiguous ranges (STYLE §4).
    QList<int> rows;
    for (const ServiceKey &key : services) {
        const int row = m_store->rowOf(key);
        if (row >= 0)
            rows << row;
    }
    std::sort(rows.begin(), rows.end());
    for (qsizetype first = 0; first < rows.size();) {
        qsizetype last = first;
        while (last + 1 < rows.size() && rows[last + 1] == rows[last] + 1)
            ++last;
        Q_EMIT dataChanged(index(rows[first], StableErrorRateColumn), index(rows[last], CanaryP95Column));
        first = last + 1;
    }
}

int ServiceTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_store->serviceCount();
}

int ServiceTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QModelIndex ServiceTableModel::indexOf(const ServiceKey &key, int column) const
{
    const int row = m_store->rowOf(key);
    return row < 0 ? QModelIndex() : index(row, column);
}

QVariant ServiceTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ServiceSummary &s = m_store->serviceAt(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return display(s, index.column());
    case Qt::ToolTipRole:
        return toolTip(s, index.column());
    case Qt::TextAlignmentRole:
        switch (index.column()) {
        case StableColumn:
        case CanaryColumn:
        case RestartsColumn:
        case HpaColumn:
        case CpuColumn:
        case CanaryWeightColumn:
        case StableErrorRateColumn:
        case CanaryErrorRateColumn:
        case StableP95Column:
        case CanaryP95Column:
            return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter)); // numbers
        default:
            return QVariant::fromValue(Qt::Alignment(Qt::AlignLeft | Qt::AlignVCenter));
        }
    case HealthRole:
        return QVariant::fromValue(s.health);
    case SortRole:
        return sortValue(s, index.column());
    case ServiceKeyRole:
        return QVariant::fromValue(s.key);
    case ContextRole:
        return s.key.context;
    case NamespaceRole:
        return s.key.ns;
    case NameRole:
        return s.key.name;
    case SummaryRole:
        return QVariant::fromValue(s);
    case BreakerStateRole:
        return s.breakers.isEmpty() ? QVariant() : QVariant::fromValue(s.breakers.constFirst().state);
    case StaleRole:
        return s.stale;
    case TelemetryHealthRole:
        return telemetryHealth(s, index.column());
    default:
        return {};
    }
}

QString ServiceTableModel::breakerText(const ServiceSummary &s)
{
    if (s.breakers.isEmpty())
        return QStringLiteral("—");
    const BreakerState::State worst = s.breakers.constFirst().state;
    QStringList names;
    for (const BreakerSummary &b : s.breakers) {
        if (b.state != worst)
            break;
        const QString name = b.track == Track::Unknown ? b.name : QStringLiteral("%1 (%2)").arg(b.name, toString(b.track).toLower());
        if (!names.contains(name))
            names << name;
    }
    if (worst == BreakerState::State::Closed)
        return tr("Closed (%n)", nullptr, int(s.breakers.size()));
    return QStringLiteral("%1: %2").arg(toString(worst), names.join(QStringLiteral(", ")));
}

QVariant ServiceTableModel::display(const ServiceSummary &s, int column) const
{
    const QString none = QStringLiteral("—");
    switch (column) {
    case NameColumn:
        return s.key.name;
    case NamespaceColumn:
        return s.key.ns;
    case ContextColumn:
        return s.key.context;
    case HealthColumn:
        if (s.stale)
        {
            // "Stale, 3 min": the word, then how long the data has been last-known.
            QString text = Format::stale(s.staleSince, QDateTime::currentDateTimeUtc());
            text[0] = text[0].toUpper();
            return text;
        }
        return toString(s.health);
    case BreakersColumn:
        return breakerText(s);
    case StableColumn:
        return s.stable.present ? QStringLiteral("%1/%2").arg(s.stable.ready).arg(s.stable.desired) : none;
    case CanaryColumn:
        return s.canary.present ? QStringLiteral("%1/%2").arg(s.canary.ready).arg(s.canary.desired) : none;
    case RolloutColumn:
        if (s.rolloutStuck())
            return tr("Stuck");
        if (s.rolloutInProgress())
            return tr("Rolling out");
        return QString();
    case RestartsColumn:
        if (s.crashLooping > 0)
            return tr("%1 · %n in CrashLoopBackOff", nullptr, s.crashLooping).arg(s.restarts);
        return QString::number(s.restarts);
    case HpaColumn:
        if (!s.hpa.present)
            return none;
        return QStringLiteral("%1→%2 (%3–%4)").arg(s.hpa.current).arg(s.hpa.desired).arg(s.hpa.min).arg(s.hpa.max);
    case CpuColumn:
        if (s.hpa.cpuPercent && s.hpa.targetPercent)
            return QStringLiteral("%1% / %2%").arg(*s.hpa.cpuPercent).arg(*s.hpa.targetPercent);
        if (s.hpa.cpuPercent)
            return QStringLiteral("%1%").arg(*s.hpa.cpuPercent);
        if (s.cpuMillicores)
            return Format::millicores(*s.cpuMillicores);
        return none;
    case CanaryWeightColumn:
        return s.canaryWeight ? Format::percent(*s.canaryWeight) : none;
    case StableErrorRateColumn:
    case CanaryErrorRateColumn:
    case StableP95Column:
    case CanaryP95Column:
        return telemetryDisplay(s, column);
    case LastWarningColumn:
        if (!s.lastWarning)
            return QString();
        return QStringLiteral("%1: %2").arg(s.lastWarning->reason, s.lastWarning->message.simplified());
    default:
        return {};
    }
}

QVariant ServiceTableModel::sortValue(const ServiceSummary &s, int column) const
{
    switch (column) {
    case NameColumn:
        return s.key.name;
    case NamespaceColumn:
        return s.key.ns;
    case ContextColumn:
        return s.key.context;
    case HealthColumn:
        return severity(s.health);
    case BreakersColumn:
        return s.breakers.isEmpty() ? -1 : severity(s.breakers.constFirst().state);
    case StableColumn:
        return s.stable.present ? s.stable.desired - s.stable.ready + s.stable.desired / 1000.0 : -1.0;
    case CanaryColumn:
        return s.canary.present ? s.canary.desired - s.canary.ready + s.canary.desired / 1000.0 : -1.0;
    case RolloutColumn:
        return s.rolloutStuck() ? 2 : (s.rolloutInProgress() ? 1 : 0);
    case RestartsColumn:
        return qint64(s.crashLooping) * 1000000 + s.restarts;
    case HpaColumn:
        return s.hpa.present ? s.hpa.desired : -1;
    case CpuColumn:
        if (s.hpa.cpuPercent)
            return double(*s.hpa.cpuPercent);
        return s.cpuMillicores ? double(*s.cpuMillicores) / 1000.0 : -1.0;
    case CanaryWeightColumn:
        return s.canaryWeight.value_or(-1.0);
    case StableErrorRateColumn:
    case CanaryErrorRateColumn:
    case StableP95Column:
    case CanaryP95Column:
        return telemetryValue(s, column);
    case LastWarningColumn:
        return s.lastWarning ? s.lastWarning->lastTime : QDateTime();
    default:
        return {};
    }
}

QVariant ServiceTableModel::toolTip(const ServiceSummary &s, int column) const
{
    const auto track = [](const QString &name, const TrackSummary &t) {
        if (!t.present)
            return tr("No %1 Deployment").arg(name);
        return tr("%1: Deployment %2, revision %3, image %4; %5 ready of %6 desired, %7 up to date")
            .arg(name, t.deployment)
            .arg(t.revision)
            .arg(t.image)
            .arg(t.ready)
            .arg(t.desired)
            .arg(t.updated);
    };
    switch (column) {
    case NameColumn:
        return QStringLiteral("%1 / %2 / %3").arg(s.key.context, s.key.ns, s.key.name);
    case HealthColumn: {
        QString tip = tr("%1: %2 of %3 pods ready").arg(toString(s.health)).arg(s.readyPods).arg(s.pods);
        tip += QStringLiteral("\n") + tr("Resources: %1").arg(toString(s.resourceHealth));
        tip += QStringLiteral("\n") + tr("Health report: %1").arg(s.reportStatus ? toString(*s.reportStatus) : tr("not read"));
        if (!s.reportError.isEmpty())
            tip += QStringLiteral("\n") + s.reportError;
        if (s.stale)
            tip += QStringLiteral("\n") + tr("Last-known data: the source has been failing since %1").arg(Format::absoluteTime(s.staleSince));
        return tip;
    }
    case BreakersColumn: {
        QStringList lines;
        for (const BreakerSummary &b : s.breakers)
            lines << QStringLiteral("%1%2: %3 since %4")
                         .arg(b.name, b.track == Track::Unknown ? QString() : QStringLiteral(" (%1)").arg(toString(b.track).toLower()),
                              toString(b.state), Format::absoluteTime(b.since));
        return lines.isEmpty() ? tr("The service's health report shows no circuit breakers") : lines.join(u'\n');
    }
    case StableColumn:
        return track(tr("Stable"), s.stable);
    case CanaryColumn:
        return track(tr("Canary"), s.canary);
    case HpaColumn:
        if (!s.hpa.present)
            return tr("No HorizontalPodAutoscaler");
        return tr("HPA %1: %2 current, %3 desired, min %4, max %5%6")
            .arg(s.hpa.name)
            .arg(s.hpa.current)
            .arg(s.hpa.desired)
            .arg(s.hpa.min)
            .arg(s.hpa.max)
            .arg(s.hpa.scalingLimited ? tr(" (scaling limited)") : QString());
    case CpuColumn:
        return tr("CPU utilisation against the HPA's target (percent of the pods' CPU request)");
    case CanaryWeightColumn:
        return s.canaryWeight ? tr("From %1").arg(s.canaryWeightSource) : tr("No canary routing found");
    case StableErrorRateColumn:
    case CanaryErrorRateColumn:
    case StableP95Column:
    case CanaryP95Column:
        return telemetryToolTip(s, column);
    case LastWarningColumn:
        if (!s.lastWarning)
            return {};
        return QStringLiteral("%1 %2/%3 (×%4, %5): %6")
            .arg(s.lastWarning->reason, s.lastWarning->involvedKind, s.lastWarning->involvedName)
            .arg(s.lastWarning->count)
            .arg(Format::absoluteTime(s.lastWarning->lastTime), s.lastWarning->message);
    default:
        return {};
    }
}

namespace {

QString errorRateText(double percent)
{
    return QStringLiteral("%1%").arg(QString::number(percent, 'f', percent < 10 ? 2 : 1));
}

bool isCanaryColumn(int column)
{
    return column == ServiceTableModel::CanaryErrorRateColumn || column == ServiceTableModel::CanaryP95Column;
}

bool isErrorColumn(int column)
{
    return column == ServiceTableModel::StableErrorRateColumn || column == ServiceTableModel::CanaryErrorRateColumn;
}

} // namespace

QVariant ServiceTableModel::telemetryValue(const ServiceSummary &s, int column) const
{
    if (!m_telemetry)
        return -1.0;
    const TrackFigures f = m_telemetry->figures(s.key, isCanaryColumn(column) ? Track::Canary : Track::Stable);
    const std::optional<double> value = isErrorColumn(column) ? f.errorRatePercent() : f.p95Ms;
    return value.value_or(-1.0);
}

QVariant ServiceTableModel::telemetryDisplay(const ServiceSummary &s, int column) const
{
    const QString none = QStringLiteral("—");
    if (!m_telemetry)
        return none;
    const TrackFigures f = m_telemetry->figures(s.key, isCanaryColumn(column) ? Track::Canary : Track::Stable);
    const std::optional<double> value = isErrorColumn(column) ? f.errorRatePercent() : f.p95Ms;
    if (!value)
        return none;
    QString text = isErrorColumn(column) ? errorRateText(*value) : Format::milliseconds(*value);
    // The canary's difference from stable, in words, when it is beyond the threshold.
    const QVariant health = telemetryHealth(s, column);
    if (isCanaryColumn(column) && health.isValid() && health.value<Health>() != Health::Stale) {
        const TrackFigures stable = m_telemetry->figures(s.key, Track::Stable);
        if (isErrorColumn(column) && stable.errorRatePercent())
            text += QStringLiteral(" (+%1 pp)").arg(QString::number(*value - *stable.errorRatePercent(), 'f', 2));
        else if (!isErrorColumn(column) && stable.p95Ms && *stable.p95Ms > 0)
            text += QStringLiteral(" (×%1)").arg(QString::number(*value / *stable.p95Ms, 'f', 2));
    }
    if (m_telemetry->isStale(s.key))
        text += QStringLiteral(" · ") + tr("stale");
    return text;
}

QVariant ServiceTableModel::telemetryHealth(const ServiceSummary &s, int column) const
{
    if (!m_telemetry || column < StableErrorRateColumn || column > CanaryP95Column || !m_telemetry->hasTelemetry(s.key))
        return {};
    if (isCanaryColumn(column)) {
        const TrackFigures canary = m_telemetry->figures(s.key, Track::Canary);
        const TrackFigures stable = m_telemetry->figures(s.key, Track::Stable);
        const CanaryAnalysisSettings limits = m_telemetry->analysisSettings();
        bool worse = false;
        if (isErrorColumn(column) && canary.errorRatePercent() && stable.errorRatePercent())
            worse = *canary.errorRatePercent() - *stable.errorRatePercent() > limits.maxErrorRateDeltaPoints + 1e-9;
        else if (!isErrorColumn(column) && canary.p95Ms && stable.p95Ms && *stable.p95Ms > 0)
            worse = *canary.p95Ms / *stable.p95Ms > limits.maxP95Ratio + 1e-9;
        if (worse) // Unhealthy when the verdict agrees (enough data, significant), else a warning
            return QVariant::fromValue(m_telemetry->verdict(s.key).result == CanaryVerdict::Result::Rollback ? Health::Unhealthy : Health::Degraded);
    }
    if (m_telemetry->isStale(s.key))
        return QVariant::fromValue(Health::Stale);
    return {};
}

QVariant ServiceTableModel::telemetryToolTip(const ServiceSummary &s, int column) const
{
    if (!m_telemetry || !m_telemetry->hasTelemetry(s.key))
        return tr("No telemetry for this service");
    const Track track = isCanaryColumn(column) ? Track::Canary : Track::Stable;
    const TrackFigures f = m_telemetry->figures(s.key, track);
    QStringList lines;
    lines << tr("%1 over %2: %3 requests, %4 failed")
                 .arg(toString(track), TelemetryStore::isoDuration(m_telemetry->windowSeconds(s.key)),
                      f.requests ? QString::number(qint64(*f.requests)) : QStringLiteral("—"),
                      f.failedRequests ? QString::number(qint64(*f.failedRequests)) : QStringLiteral("—"));
    if (isCanaryColumn(column)) {
        const CanaryVerdict v = m_telemetry->verdict(s.key);
        lines << tr("Verdict: %1 — %2").arg(CanaryAnalysis::word(v.result), v.reason);
    }
    const QStringList partial = m_telemetry->partialReasons(s.key);
    if (!partial.isEmpty())
        lines << tr("partial: %1").arg(partial.join(QStringLiteral("; ")));
    const QDateTime updated = m_telemetry->lastUpdate(s.key);
    lines << (m_telemetry->isStale(s.key) ? tr("Stale: last update %1") : tr("Updated %1")).arg(Format::absoluteTime(updated));
    return lines.join(u'\n');
}

QVariant ServiceTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case StableColumn:
            return tr("Stable track: ready / desired replicas");
        case CanaryColumn:
            return tr("Canary track: ready / desired replicas");
        case HpaColumn:
            return tr("HorizontalPodAutoscaler: current → desired replicas (min–max)");
        case CpuColumn:
            return tr("CPU utilisation / HPA target");
        case CanaryWeightColumn:
            return tr("Share of traffic routed to the canary");
        case BreakersColumn:
            return tr("The worst of the service's circuit breakers (from its /health report)");
        case StableErrorRateColumn:
            return tr("Stable track: failed requests / requests over the telemetry window");
        case CanaryErrorRateColumn:
            return tr("Canary track: failed requests / requests over the telemetry window; marked when worse than stable beyond the canary thresholds");
        case StableP95Column:
            return tr("Stable track: 95th percentile request duration over the telemetry window");
        case CanaryP95Column:
            return tr("Canary track: 95th percentile request duration over the telemetry window; marked when worse than stable beyond the canary thresholds");
        default:
            return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Service");
    case NamespaceColumn:
        return tr("Namespace");
    case ContextColumn:
        return tr("Context");
    case HealthColumn:
        return tr("Health");
    case BreakersColumn:
        return tr("Breakers");
    case StableColumn:
        return tr("Stable");
    case CanaryColumn:
        return tr("Canary");
    case RolloutColumn:
        return tr("Rollout");
    case RestartsColumn:
        return tr("Restarts");
    case HpaColumn:
        return tr("HPA");
    case CpuColumn:
        return tr("CPU");
    case CanaryWeightColumn:
        return tr("Canary weight");
    case StableErrorRateColumn:
        return tr("Errors stable");
    case CanaryErrorRateColumn:
        return tr("Errors canary");
    case StableP95Column:
        return tr("p95 stable");
    case CanaryP95Column:
        return tr("p95 canary");
    case LastWarningColumn:
        return tr("Last warning");
    default:
        return {};
    }
}

QHash<int, QByteArray> ServiceTableModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(HealthRole, "health");
    names.insert(SortRole, "sortValue");
    names.insert(ServiceKeyRole, "serviceKey");
    names.insert(ContextRole, "context");
    names.insert(NamespaceRole, "namespace");
    names.insert(NameRole, "name");
    names.insert(SummaryRole, "summary");
    names.insert(BreakerStateRole, "breakerState");
    names.insert(StaleRole, "stale");
    names.insert(TelemetryHealthRole, "telemetryHealth");
    return names;
}

} // namespace Opsdeck
