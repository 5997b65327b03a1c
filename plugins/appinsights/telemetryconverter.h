#pragma once

// Turns one refresh's query results into observations (core/observation.h). For every (service, track)
// seen: TelemetrySeries `requests`, `failedRequests`, `dependencyCalls`, `dependencyFailures` and
// `resilience:<event>` (counts per bin, unit "count", zero where a bin had none), `p50Ms`, `p95Ms`,
// `p99Ms` (unit "ms", bins with requests only), and TelemetryBreakdowns "operation" and "resultCode"
// (failing ones only, most failures first, at most 10). Only the kinds of queries that answered this time
// are emitted, so a failed query leaves the previous figures in place; a partial answer marks its series.

#include "queryresponse.h"
#include "querywindow.h"
#include "telemetryquery.h"

#include "observation.h"

#include <QHash>
#include <QMap>
#include <QPair>

#include <map>
#include <optional>
#include <set>
#include <vector>

namespace Opsdeck::AppInsights {

class TelemetryConverter
{
public:
    using Key = QPair<QString, Track>; // (service, track)

    // `context` and `ns` fill ServiceKey (the source's settings; empty when not configured).
    TelemetryConverter(QString context, QString ns, QueryWindow window);

    // Reads one answer; Error{Invalid} (naming the query, column and row) when it is not what `query`
    // returns, in which case nothing of it is kept.
    Result<void> add(const TelemetryQuery &query, const QueryResponse &response);

    // The keys any added answer had rows for.
    std::set<Key> keys() const;
    // Observations for keys() plus `alsoEmpty` (keys shown before that have no rows now: their series
    // become empty instead of staying as they were).
    std::vector<Observation> observations(const std::set<Key> &alsoEmpty = {}) const;

    static constexpr int kBreakdownRows = 10;

private:
    struct Counts
    {
        double failures = 0;
        double total = 0;
    };
    struct PerKey
    {
        std::map<QString, QMap<QDateTime, double>> metrics; // metric -> bin -> value
        std::map<QString, Counts> operations;
        std::map<QString, Counts> resultCodes;
    };

    Result<void> addRequests(const QueryResponse &r);
    Result<void> addDependencies(const QueryResponse &r);
    Result<void> addResilience(const QueryResponse &r);
    Result<void> addFailures(const QueryResponse &r);
    // Service and Track of a row; nullopt for a track that is neither stable nor canary.
    Result<std::optional<Key>> keyOf(const QueryResponse &r, std::size_t row, int serviceColumn, int trackColumn) const;

    TelemetrySeries series(const Key &key, const QString &metric, const QString &unit, TelemetryQuery::Kind kind,
                           bool zeroFill) const;
    QList<QDateTime> grid() const;

    QString m_context;
    QString m_ns;
    QueryWindow m_window;
    std::map<Key, PerKey> m_data;
    std::set<QDateTime> m_bins; // every bin any series had
    std::map<TelemetryQuery::Kind, std::optional<QString>> m_added; // kind -> partial reason
};

} // namespace Opsdeck::AppInsights
