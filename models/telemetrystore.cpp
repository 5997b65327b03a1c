#include "telemetrystore.h"

#include "format.h"
#include "servicestore.h"

#include <QJsonArray>
#include <QJsonValue>

#include <algorithm>

namespace Opsdeck {

namespace {

const QString Requests = QStringLiteral("requests");
const QString FailedRequests = QStringLiteral("failedRequests");
const QString P95 = QStringLiteral("p95Ms");
const QString ResiliencePrefix = QStringLiteral("resilience:");

QJsonValue number(const std::optional<double> &value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

// The figures of bins present in both series, by time.
QHash<qint64, double> byTime(const QList<TelemetryPoint> &points)
{
    QHash<qint64, double> map;
    map.reserve(points.size());
    for (const TelemetryPoint &p : points)
        map.insert(p.time.toMSecsSinceEpoch(), p.value);
    return map;
}

// The window rarely starts or ends on a bin boundary: its first and last bins hold a fraction of a bin's
// requests, and on a chart a handful of requests reads as a 0 % or 100 % error rate or a dip in traffic.
// Those edge bins (fewer than half the median bin's requests) are left off the charts; the window's
// totals still count them.
QSet<qint64> partialEdgeBins(const QList<TelemetryPoint> &requests)
{
    QSet<qint64> skip;
    if (requests.size() < 3)
        return skip;
    QList<double> values;
    values.reserve(requests.size());
    for (const TelemetryPoint &p : requests)
        values.append(p.value);
    std::sort(values.begin(), values.end());
    const double median = values.at(values.size() / 2);
    for (const TelemetryPoint &edge : {requests.constFirst(), requests.constLast()}) {
        if (edge.value < median / 2)
            skip.insert(edge.time.toMSecsSinceEpoch());
    }
    return skip;
}

} // namespace

TelemetryStore::TelemetryStore(ServiceStore *services, QObject *parent)
    : QObject(parent)
    , m_services(services)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(FlushIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &TelemetryStore::flush);
    if (services) {
        connect(services, &ServiceStore::servicesChanged, this, &TelemetryStore::observeWeights);
        connect(services, &ServiceStore::servicesAboutToBeInserted, this, [this](int first, int last) { m_pendingInsert = {first, last}; });
        connect(services, &ServiceStore::servicesInserted, this, [this] {
            const auto [first, last] = m_pendingInsert;
            m_pendingInsert = {-1, -1};
            if (first >= 0)
                observeWeights(first, last);
        });
        observeWeights(0, services->serviceCount() - 1);
    }
}

TelemetryStore::~TelemetryStore() = default;

void TelemetryStore::apply(const ObservationBatch &batch)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    bool telemetry = false;
    for (const Observation &observation : batch.observations) {
        if (const auto *series = std::get_if<TelemetrySeries>(&observation)) {
            m_data[series->service].series.insert({int(series->track), series->metric}, SeriesEntry{*series, batch.sourceId, now, ++m_sequence});
            markDirty(series->service);
            telemetry = true;
        } else if (const auto *breakdown = std::get_if<TelemetryBreakdown>(&observation)) {
            m_data[breakdown->service].breakdowns.insert({int(breakdown->track), breakdown->dimension},
                                                         BreakdownEntry{*breakdown, batch.sourceId, now});
            markDirty(breakdown->service);
            telemetry = true;
        }
    }
    if (!telemetry)
        return;
    // Learn the source's refresh interval from the gaps between its batches (median of the last five:
    // one early refresh after a window change must not halve it).
    SourceData &source = m_sources[batch.sourceId];
    if (source.lastBatch.isValid()) {
        const qint64 gap = source.lastBatch.secsTo(now);
        if (gap >= 5) { // several batches of one refresh arrive within moments of each other
            source.gaps.append(gap);
            if (source.gaps.size() > 5)
                source.gaps.removeFirst();
        }
    }
    if (!source.lastBatch.isValid() || source.lastBatch.secsTo(now) >= 5)
        source.lastBatch = now;
    source.down = false;
}

void TelemetryStore::setSourceStatus(const QString &sourceId, const SourceStatus &status)
{
    const bool down = status.state == SourceStatus::State::Down;
    auto it = m_sources.find(sourceId);
    if (it == m_sources.end()) {
        if (!down)
            return; // a source that never sent telemetry (e.g. kubernetes) is none of our business
        it = m_sources.insert(sourceId, SourceData{});
    }
    if (it->down == down)
        return;
    it->down = down;
    for (auto service = m_data.cbegin(); service != m_data.cend(); ++service) {
        for (const SeriesEntry &entry : service->series) {
            if (entry.sourceId == sourceId) {
                markDirty(service.key());
                break;
            }
        }
    }
}

void TelemetryStore::markDirty(const ServiceKey &key)
{
    m_dirty.insert(key);
    if (!m_timer.isActive())
        m_timer.start();
}

void TelemetryStore::flush()
{
    m_timer.stop();
    if (m_dirty.isEmpty())
        return;
    const QSet<ServiceKey> dirty = resolved(std::exchange(m_dirty, {}));
    Q_EMIT telemetryChanged(dirty);
}

void TelemetryStore::observeWeights(int first, int last)
{
    if (!m_services)
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (int row = std::max(0, first); row <= last && row < m_services->serviceCount(); ++row) {
        const ServiceSummary &s = m_services->serviceAt(row);
        WeightData &w = m_weights[s.key];
        if (!w.seen) { // the first sighting is where the history starts, not a change
            w.seen = true;
            w.current = s.canaryWeight;
            continue;
        }
        if (w.current == s.canaryWeight)
            continue;
        w.changes.append(WeightChange{now, w.current, s.canaryWeight});
        if (w.changes.size() > WeightHistoryLimit)
            w.changes.removeFirst();
        w.current = s.canaryWeight;
        markDirty(s.key);
    }
}

QList<ServiceKey> TelemetryStore::services() const
{
    return m_data.keys();
}

const TelemetryStore::ServiceData *TelemetryStore::dataFor(const ServiceKey &key) const
{
    // Application Insights knows no namespaces (and a source may not be told its context): telemetry keyed
    // without them belongs to the service of that name in the context, whatever its namespace.
    for (const ServiceKey &candidate : {key, ServiceKey{key.context, {}, key.name}, ServiceKey{{}, {}, key.name}}) {
        const auto it = m_data.constFind(candidate);
        if (it != m_data.cend())
            return &*it;
    }
    return nullptr;
}

QSet<ServiceKey> TelemetryStore::resolved(const QSet<ServiceKey> &keys) const
{
    QSet<ServiceKey> out = keys;
    if (!m_services)
        return out;
    for (const ServiceKey &key : keys) {
        if (!key.ns.isEmpty() && !key.context.isEmpty())
            continue;
        for (int row = 0; row < m_services->serviceCount(); ++row) {
            const ServiceKey &known = m_services->serviceAt(row).key;
            if (known.name == key.name && (key.context.isEmpty() || known.context == key.context))
                out.insert(known);
        }
    }
    return out;
}

bool TelemetryStore::hasTelemetry(const ServiceKey &key) const
{
    const ServiceData *data = dataFor(key);
    return data && !data->series.isEmpty();
}

const TelemetryStore::SeriesEntry *TelemetryStore::findSeries(const ServiceKey &key, Track track, const QString &metric) const
{
    const ServiceData *it = dataFor(key);
    if (!it)
        return nullptr;
    auto found = it->series.constFind({int(track), metric});
    if (found == it->series.cend() && track == Track::Stable)
        found = it->series.constFind({int(Track::Unknown), metric});
    return found == it->series.cend() ? nullptr : &*found;
}

std::optional<TelemetrySeries> TelemetryStore::series(const ServiceKey &key, Track track, const QString &metric) const
{
    const SeriesEntry *entry = findSeries(key, track, metric);
    return entry ? std::optional(entry->series) : std::nullopt;
}

std::optional<TelemetryBreakdown> TelemetryStore::breakdown(const ServiceKey &key, Track track, const QString &dimension) const
{
    const ServiceData *it = dataFor(key);
    if (!it)
        return std::nullopt;
    const auto found = it->breakdowns.constFind({int(track), dimension});
    return found == it->breakdowns.cend() ? std::nullopt : std::optional(found->breakdown);
}

TrackFigures TelemetryStore::figures(const ServiceKey &key, Track track) const
{
    TrackFigures f;
    const SeriesEntry *requests = findSeries(key, track, Requests);
    const SeriesEntry *failed = findSeries(key, track, FailedRequests);
    const SeriesEntry *p95 = findSeries(key, track, P95);
    const auto sum = [](const SeriesEntry *entry) {
        double total = 0;
        for (const TelemetryPoint &p : entry->series.points)
            total += p.value;
        return total;
    };
    if (requests)
        f.requests = sum(requests);
    if (failed)
        f.failedRequests = sum(failed);
    if (p95 && !p95->series.points.isEmpty()) {
        // A window's p95 cannot be rebuilt from the bins' p95s; the request-weighted mean of them is the
        // honest approximation (busy bins count more, empty bins not at all). Without request counts,
        // the plain mean.
        const QHash<qint64, double> counts = requests ? byTime(requests->series.points) : QHash<qint64, double>();
        double weighted = 0;
        double weights = 0;
        for (const TelemetryPoint &p : p95->series.points) {
            const double w = requests ? counts.value(p.time.toMSecsSinceEpoch(), 0.0) : 1.0;
            weighted += p.value * w;
            weights += w;
        }
        if (weights > 0)
            f.p95Ms = weighted / weights;
    }
    return f;
}

QList<TelemetryPoint> TelemetryStore::errorRateSeries(const ServiceKey &key, Track track) const
{
    QList<TelemetryPoint> out;
    const SeriesEntry *requests = findSeries(key, track, Requests);
    const SeriesEntry *failed = findSeries(key, track, FailedRequests);
    if (!requests || !failed)
        return out;
    const QHash<qint64, double> failures = byTime(failed->series.points);
    const QSet<qint64> skip = partialEdgeBins(requests->series.points);
    for (const TelemetryPoint &p : requests->series.points) {
        if (p.value > 0 && !skip.contains(p.time.toMSecsSinceEpoch()))
            out.append(TelemetryPoint{p.time, failures.value(p.time.toMSecsSinceEpoch(), 0.0) / p.value * 100.0});
    }
    return out;
}

QList<TelemetryPoint> TelemetryStore::requestRateSeries(const ServiceKey &key, Track track) const
{
    QList<TelemetryPoint> out;
    const SeriesEntry *requests = findSeries(key, track, Requests);
    if (!requests)
        return out;
    const double perMinute = 60.0 / std::max(1, requests->series.stepSeconds);
    const QSet<qint64> skip = partialEdgeBins(requests->series.points);
    for (const TelemetryPoint &p : requests->series.points) {
        if (!skip.contains(p.time.toMSecsSinceEpoch()))
            out.append(TelemetryPoint{p.time, p.value * perMinute});
    }
    return out;
}

QList<TelemetryPoint> TelemetryStore::p95Series(const ServiceKey &key, Track track) const
{
    const SeriesEntry *p95 = findSeries(key, track, P95);
    if (!p95)
        return {};
    const SeriesEntry *requests = findSeries(key, track, Requests);
    const QSet<qint64> skip = requests ? partialEdgeBins(requests->series.points) : QSet<qint64>();
    QList<TelemetryPoint> out;
    for (const TelemetryPoint &p : p95->series.points) {
        if (!skip.contains(p.time.toMSecsSinceEpoch()))
            out.append(p);
    }
    return out;
}

QList<ResilienceEvent> TelemetryStore::resilienceEvents(const ServiceKey &key) const
{
    QList<ResilienceEvent> events;
    const ServiceData *it = dataFor(key);
    if (!it)
        return events;
    for (const SeriesEntry &entry : it->series) {
        if (!entry.series.metric.startsWith(ResiliencePrefix))
            continue;
        const QString name = entry.series.metric.mid(ResiliencePrefix.size());
        for (const TelemetryPoint &p : entry.series.points) {
            if (p.value > 0)
                events.append(ResilienceEvent{p.time, entry.series.track, name, p.value});
        }
    }
    std::stable_sort(events.begin(), events.end(), [](const ResilienceEvent &a, const ResilienceEvent &b) { return a.at < b.at; });
    return events;
}

int TelemetryStore::windowSeconds(const ServiceKey &key) const
{
    const ServiceData *it = dataFor(key);
    if (!it)
        return 0;
    const SeriesEntry *newest = nullptr;
    for (const SeriesEntry &entry : it->series) {
        if (!newest || entry.sequence > newest->sequence)
            newest = &entry;
    }
    return newest ? newest->series.windowSeconds : 0;
}

QStringList TelemetryStore::partialReasons(const ServiceKey &key) const
{
    QStringList reasons;
    const ServiceData *it = dataFor(key);
    if (!it)
        return reasons;
    for (const SeriesEntry &entry : it->series) {
        if (!entry.series.partial)
            continue;
        const QString reason = entry.series.partialReason.isEmpty() ? tr("the query returned partial results") : entry.series.partialReason;
        if (!reasons.contains(reason))
            reasons << reason;
    }
    for (const BreakdownEntry &entry : it->breakdowns) {
        const QString reason = tr("the %1 breakdown is partial").arg(entry.breakdown.dimension);
        if (entry.breakdown.partial && !reasons.contains(reason))
            reasons << reason;
    }
    return reasons;
}

QDateTime TelemetryStore::lastUpdate(const ServiceKey &key) const
{
    QDateTime latest;
    const ServiceData *it = dataFor(key);
    if (!it)
        return latest;
    for (const SeriesEntry &entry : it->series) {
        if (!latest.isValid() || entry.receivedAt > latest)
            latest = entry.receivedAt;
    }
    return latest;
}

int TelemetryStore::sourceIntervalSeconds(const QString &sourceId) const
{
    const auto it = m_sources.constFind(sourceId);
    if (it == m_sources.cend())
        return DefaultIntervalSeconds;
    if (it->interval)
        return *it->interval;
    if (it->gaps.isEmpty())
        return DefaultIntervalSeconds;
    QList<qint64> gaps = it->gaps;
    std::sort(gaps.begin(), gaps.end());
    return int(gaps.at(gaps.size() / 2));
}

void TelemetryStore::setSourceInterval(const QString &sourceId, int seconds)
{
    m_sources[sourceId].interval = std::max(1, seconds);
}

bool TelemetryStore::isStale(const ServiceKey &key, const QDateTime &now) const
{
    const ServiceData *it = dataFor(key);
    if (!it)
        return false;
    // Each series is judged by its own source: one dead source is enough to make the figures stale.
    for (const SeriesEntry &entry : it->series) {
        const auto source = m_sources.constFind(entry.sourceId);
        if (source != m_sources.cend() && source->down)
            return true;
        if (entry.receivedAt.secsTo(now) > 2LL * sourceIntervalSeconds(entry.sourceId))
            return true;
    }
    return false;
}

QList<WeightChange> TelemetryStore::weightHistory(const ServiceKey &key) const
{
    return m_weights.value(key).changes;
}

void TelemetryStore::setAnalysisSettings(const CanaryAnalysisSettings &settings)
{
    if (m_settings == settings)
        return;
    m_settings = settings;
    for (auto it = m_data.cbegin(); it != m_data.cend(); ++it)
        markDirty(it.key());
}

CanaryInput TelemetryStore::canaryInput(const ServiceKey &key, const QDateTime &now) const
{
    CanaryInput in;
    in.stable = figures(key, Track::Stable);
    in.canary = figures(key, Track::Canary);
    if (const ServiceSummary *s = m_services ? m_services->service(key) : nullptr) {
        in.canaryWeight = s->canaryWeight;
        for (const BreakerSummary &b : s->breakers) {
            if (b.track != Track::Canary)
                continue;
            if (b.state == BreakerState::State::Open || b.state == BreakerState::State::Isolated) {
                in.canaryBreakerOpen = true;
                in.openBreaker = b.name;
                break; // worst first: an open one wins
            }
            if (b.state == BreakerState::State::HalfOpen && !in.canaryBreakerHalfOpen) {
                in.canaryBreakerHalfOpen = true;
                in.openBreaker = b.name;
            }
        }
    }
    QStringList incomplete = partialReasons(key);
    if (isStale(key, now))
        incomplete.prepend(tr("stale, last update %1").arg(Format::ago(lastUpdate(key), now)));
    in.dataIncomplete = !incomplete.isEmpty();
    in.incompleteReason = incomplete.join(QStringLiteral("; "));
    return in;
}

CanaryVerdict TelemetryStore::verdict(const ServiceKey &key, const QDateTime &now) const
{
    return CanaryAnalysis::analyse(canaryInput(key, now), m_settings);
}

QString TelemetryStore::isoDuration(int seconds)
{
    if (seconds <= 0)
        return QStringLiteral("PT0S");
    QString text = QStringLiteral("PT");
    if (seconds >= 3600)
        text += QStringLiteral("%1H").arg(seconds / 3600);
    if (seconds % 3600 >= 60)
        text += QStringLiteral("%1M").arg(seconds % 3600 / 60);
    if (seconds % 60)
        text += QStringLiteral("%1S").arg(seconds % 60);
    return text;
}

void TelemetryStore::addToSnapshot(QJsonObject &root) const
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const auto track = [this](const ServiceKey &key, Track t) -> QJsonValue {
        if (!findSeries(key, t, Requests) && !findSeries(key, t, FailedRequests) && !findSeries(key, t, P95))
            return QJsonValue::Null;
        const TrackFigures f = figures(key, t);
        return QJsonObject{{QStringLiteral("requests"), number(f.requests)},
                           {QStringLiteral("failedRequests"), number(f.failedRequests)},
                           {QStringLiteral("errorRatePercent"), number(f.errorRatePercent())},
                           {QStringLiteral("p95Ms"), number(f.p95Ms)}};
    };
    QJsonArray contexts = root.value(QStringLiteral("contexts")).toArray();
    for (qsizetype c = 0; c < contexts.size(); ++c) {
        QJsonObject context = contexts.at(c).toObject();
        const QString contextName = context.value(QStringLiteral("name")).toString();
        QJsonArray services = context.value(QStringLiteral("services")).toArray();
        for (qsizetype s = 0; s < services.size(); ++s) {
            QJsonObject service = services.at(s).toObject();
            const ServiceKey key{contextName, service.value(QStringLiteral("namespace")).toString(), service.value(QStringLiteral("name")).toString()};
            if (!hasTelemetry(key)) {
                service.insert(QStringLiteral("telemetry"), QJsonValue::Null);
                service.insert(QStringLiteral("verdict"), QJsonValue::Null);
            } else {
                const QStringList partial = partialReasons(key);
                const QDateTime updated = lastUpdate(key);
                service.insert(QStringLiteral("telemetry"),
                               QJsonObject{{QStringLiteral("window"), isoDuration(windowSeconds(key))},
                                           {QStringLiteral("stable"), track(key, Track::Stable)},
                                           {QStringLiteral("canary"), track(key, Track::Canary)},
                                           {QStringLiteral("partial"), !partial.isEmpty()},
                                           {QStringLiteral("partialReason"), partial.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(partial.join(QStringLiteral("; ")))},
                                           {QStringLiteral("stale"), isStale(key, now)},
                                           {QStringLiteral("lastUpdate"), updated.isValid() ? QJsonValue(Format::rfc3339(updated)) : QJsonValue(QJsonValue::Null)}});
                const CanaryVerdict v = verdict(key, now);
                service.insert(QStringLiteral("verdict"),
                               QJsonObject{{QStringLiteral("result"), CanaryAnalysis::toString(v.result)},
                                           {QStringLiteral("reason"), v.reason},
                                           {QStringLiteral("nextWeight"), number(v.nextWeight)}});
            }
            services.replace(s, service);
        }
        context.insert(QStringLiteral("services"), services);
        contexts.replace(c, context);
    }
    root.insert(QStringLiteral("contexts"), contexts);
}

} // namespace Opsdeck
