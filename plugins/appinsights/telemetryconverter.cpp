#include "telemetryconverter.h"

#include "querybuilder.h"

#include <algorithm>

namespace Opsdeck::AppInsights {

namespace {

const QString kCount = QStringLiteral("count");
const QString kMs = QStringLiteral("ms");

const QStringList kStringTypes{QStringLiteral("string")};
const QStringList kTimeTypes{QStringLiteral("datetime")};

#define TRY_ASSIGN(var, expr)                 \
    auto var##_r = (expr);                    \
    if (!var##_r)                             \
        return tl::unexpected(var##_r.error()); \
    const auto var = *var##_r

QString metricOf(const QString &event)
{
    return QStringLiteral("resilience:") + event;
}

} // namespace

TelemetryConverter::TelemetryConverter(QString context, QString ns, QueryWindow window)
    : m_context(std::move(context)), m_ns(std::move(ns)), m_window(window)
{
}

Result<std::optional<TelemetryConverter::Key>> TelemetryConverter::keyOf(const QueryResponse &r, std::size_t row,
                                                                         int serviceColumn, int trackColumn) const
{
    TRY_ASSIGN(service, r.text(row, serviceColumn));
    TRY_ASSIGN(track, r.text(row, trackColumn));
    if (service.isEmpty())
        return std::optional<Key>();
    if (track == u"stable")
        return std::optional<Key>(Key{service, Track::Stable});
    if (track == u"canary")
        return std::optional<Key>(Key{service, Track::Canary});
    return std::optional<Key>();
}

Result<void> TelemetryConverter::add(const TelemetryQuery &query, const QueryResponse &response)
{
    // Read into a copy first: a bad answer must leave nothing half-added.
    TelemetryConverter scratch = *this;
    Result<void> ok;
    switch (query.kind) {
    case TelemetryQuery::Kind::Requests: ok = scratch.addRequests(response); break;
    case TelemetryQuery::Kind::Dependencies: ok = scratch.addDependencies(response); break;
    case TelemetryQuery::Kind::Resilience: ok = scratch.addResilience(response); break;
    case TelemetryQuery::Kind::Failures: ok = scratch.addFailures(response); break;
    }
    if (!ok) {
        Error e = ok.error();
        e.message = QStringLiteral("%1 query (%2): %3").arg(query.id(), toString(query.dialect), e.message);
        return tl::unexpected(e);
    }
    scratch.m_added[query.kind] = response.partialError();
    *this = std::move(scratch);
    return {};
}

Result<void> TelemetryConverter::addRequests(const QueryResponse &r)
{
    TRY_ASSIGN(service, r.column(QStringLiteral("Service"), kStringTypes));
    TRY_ASSIGN(track, r.column(QStringLiteral("Track"), kStringTypes));
    TRY_ASSIGN(bin, r.column(QStringLiteral("TimeBin"), kTimeTypes));
    const struct
    {
        const char *column;
        const char *metric;
    } fields[] = {{"Requests", "requests"}, {"FailedRequests", "failedRequests"}, {"P50Ms", "p50Ms"},
                  {"P95Ms", "p95Ms"},       {"P99Ms", "p99Ms"}};
    std::vector<std::pair<int, QString>> columns;
    for (const auto &f : fields) {
        TRY_ASSIGN(c, r.column(QLatin1String(f.column), QueryResponse::numericTypes()));
        columns.emplace_back(c, QLatin1String(f.metric));
    }
    for (std::size_t row = 0; row < r.rowCount(); ++row) {
        TRY_ASSIGN(key, keyOf(r, row, service, track));
        TRY_ASSIGN(time, r.dateTime(row, bin));
        if (!key)
            continue;
        PerKey &data = m_data[*key];
        m_bins.insert(time);
        for (const auto &[c, metric] : columns) {
            TRY_ASSIGN(value, r.number(row, c));
            if (value)
                data.metrics[metric][time] += *value;
        }
    }
    return {};
}

Result<void> TelemetryConverter::addDependencies(const QueryResponse &r)
{
    TRY_ASSIGN(service, r.column(QStringLiteral("Service"), kStringTypes));
    TRY_ASSIGN(track, r.column(QStringLiteral("Track"), kStringTypes));
    TRY_ASSIGN(bin, r.column(QStringLiteral("TimeBin"), kTimeTypes));
    TRY_ASSIGN(calls, r.column(QStringLiteral("DependencyCalls"), QueryResponse::numericTypes()));
    TRY_ASSIGN(failures, r.column(QStringLiteral("DependencyFailures"), QueryResponse::numericTypes()));
    for (std::size_t row = 0; row < r.rowCount(); ++row) {
        TRY_ASSIGN(key, keyOf(r, row, service, track));
        TRY_ASSIGN(time, r.dateTime(row, bin));
        TRY_ASSIGN(c, r.number(row, calls));
        TRY_ASSIGN(f, r.number(row, failures));
        if (!key)
            continue;
        PerKey &data = m_data[*key];
        m_bins.insert(time);
        data.metrics[QStringLiteral("dependencyCalls")][time] += c.value_or(0);
        data.metrics[QStringLiteral("dependencyFailures")][time] += f.value_or(0);
    }
    return {};
}

Result<void> TelemetryConverter::addResilience(const QueryResponse &r)
{
    TRY_ASSIGN(service, r.column(QStringLiteral("Service"), kStringTypes));
    TRY_ASSIGN(track, r.column(QStringLiteral("Track"), kStringTypes));
    TRY_ASSIGN(event, r.column(QStringLiteral("Event"), kStringTypes));
    TRY_ASSIGN(bin, r.column(QStringLiteral("TimeBin"), kTimeTypes));
    TRY_ASSIGN(events, r.column(QStringLiteral("Events"), QueryResponse::numericTypes()));
    const QStringList known = QueryBuilder::resilienceEvents();
    for (std::size_t row = 0; row < r.rowCount(); ++row) {
        TRY_ASSIGN(key, keyOf(r, row, service, track));
        TRY_ASSIGN(name, r.text(row, event));
        TRY_ASSIGN(time, r.dateTime(row, bin));
        TRY_ASSIGN(count, r.number(row, events));
        if (!key || !known.contains(name))
            continue;
        m_data[*key].metrics[metricOf(name)][time] += count.value_or(0);
        m_bins.insert(time);
    }
    return {};
}

Result<void> TelemetryConverter::addFailures(const QueryResponse &r)
{
    TRY_ASSIGN(service, r.column(QStringLiteral("Service"), kStringTypes));
    TRY_ASSIGN(track, r.column(QStringLiteral("Track"), kStringTypes));
    TRY_ASSIGN(operation, r.column(QStringLiteral("Operation"), kStringTypes));
    TRY_ASSIGN(code, r.column(QStringLiteral("ResultCode"), kStringTypes));
    TRY_ASSIGN(total, r.column(QStringLiteral("Total"), QueryResponse::numericTypes()));
    TRY_ASSIGN(failures, r.column(QStringLiteral("Failures"), QueryResponse::numericTypes()));
    for (std::size_t row = 0; row < r.rowCount(); ++row) {
        TRY_ASSIGN(key, keyOf(r, row, service, track));
        TRY_ASSIGN(op, r.text(row, operation));
        TRY_ASSIGN(rc, r.text(row, code));
        TRY_ASSIGN(t, r.number(row, total));
        TRY_ASSIGN(f, r.number(row, failures));
        if (!key)
            continue;
        PerKey &data = m_data[*key];
        Counts &o = data.operations[op.isEmpty() ? QStringLiteral("(unnamed)") : op];
        o.total += t.value_or(0);
        o.failures += f.value_or(0);
        Counts &c = data.resultCodes[rc.isEmpty() ? QStringLiteral("(none)") : rc];
        c.total += t.value_or(0);
        c.failures += f.value_or(0);
    }
    return {};
}

std::set<TelemetryConverter::Key> TelemetryConverter::keys() const
{
    std::set<Key> keys;
    for (const auto &[key, data] : m_data)
        keys.insert(key);
    return keys;
}

QList<QDateTime> TelemetryConverter::grid() const
{
    // Bins come from bin(): aligned to the step, so min..max in steps covers every bin of the answers.
    QList<QDateTime> bins;
    if (m_bins.empty())
        return bins;
    const qint64 step = m_window.binSeconds;
    const qint64 maxBins = m_window.seconds / step + 2;
    const QDateTime last = *m_bins.rbegin();
    QDateTime t = std::max(*m_bins.begin(), last.addSecs(-step * (maxBins - 1)));
    for (; t <= last; t = t.addSecs(step))
        bins << t;
    return bins;
}

TelemetrySeries TelemetryConverter::series(const Key &key, const QString &metric, const QString &unit,
                                           TelemetryQuery::Kind kind, bool zeroFill) const
{
    TelemetrySeries s;
    s.service = ServiceKey{m_context, m_ns, key.first};
    s.track = key.second;
    s.metric = metric;
    s.unit = unit;
    s.stepSeconds = m_window.binSeconds;
    s.windowSeconds = m_window.seconds;
    const auto added = m_added.find(kind);
    if (added != m_added.end() && added->second) {
        s.partial = true;
        s.partialReason = *added->second;
    }
    QMap<QDateTime, double> values;
    if (const auto data = m_data.find(key); data != m_data.end()) {
        if (const auto m = data->second.metrics.find(metric); m != data->second.metrics.end())
            values = m->second;
    }
    if (zeroFill) {
        for (const QDateTime &t : grid())
            s.points.append(TelemetryPoint{t, values.value(t, 0.0)});
    } else {
        for (auto it = values.cbegin(); it != values.cend(); ++it)
            s.points.append(TelemetryPoint{it.key(), it.value()});
    }
    return s;
}

std::vector<Observation> TelemetryConverter::observations(const std::set<Key> &alsoEmpty) const
{
    std::set<Key> all = keys();
    all.insert(alsoEmpty.begin(), alsoEmpty.end());
    using K = TelemetryQuery::Kind;
    const auto has = [this](K kind) { return m_added.count(kind) > 0; };
    std::vector<Observation> out;
    for (const Key &key : all) {
        if (has(K::Requests)) {
            out.emplace_back(series(key, QStringLiteral("requests"), kCount, K::Requests, true));
            out.emplace_back(series(key, QStringLiteral("failedRequests"), kCount, K::Requests, true));
            for (const char *p : {"p50Ms", "p95Ms", "p99Ms"})
                out.emplace_back(series(key, QLatin1String(p), kMs, K::Requests, false));
        }
        if (has(K::Dependencies)) {
            out.emplace_back(series(key, QStringLiteral("dependencyCalls"), kCount, K::Dependencies, true));
            out.emplace_back(series(key, QStringLiteral("dependencyFailures"), kCount, K::Dependencies, true));
        }
        if (has(K::Resilience)) {
            for (const QString &event : QueryBuilder::resilienceEvents())
                out.emplace_back(series(key, metricOf(event), kCount, K::Resilience, true));
        }
        if (has(K::Failures)) {
            const auto found = m_data.find(key);
            for (const bool byOperation : {true, false}) {
                TelemetryBreakdown b;
                b.service = ServiceKey{m_context, m_ns, key.first};
                b.track = key.second;
                b.dimension = byOperation ? QStringLiteral("operation") : QStringLiteral("resultCode");
                b.windowSeconds = m_window.seconds;
                b.partial = m_added.at(K::Failures).has_value();
                if (found != m_data.end()) {
                    for (const auto &[name, counts] : byOperation ? found->second.operations : found->second.resultCodes) {
                        if (counts.failures > 0)
                            b.rows.append(TelemetryBreakdown::Row{name, counts.failures, counts.total});
                    }
                }
                std::stable_sort(b.rows.begin(), b.rows.end(), [](const auto &a, const auto &c) {
                    return a.failures != c.failures ? a.failures > c.failures : a.total > c.total;
                });
                if (b.rows.size() > kBreakdownRows)
                    b.rows.resize(kBreakdownRows);
                out.emplace_back(std::move(b));
            }
        }
    }
    return out;
}

} // namespace Opsdeck::AppInsights
