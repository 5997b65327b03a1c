#pragma once

// Observations: what data sources report (DESIGN §2). A source parses on its worker thread and emits an
// ObservationBatch by queued signal; the store applies it on the GUI thread. Everything here is a plain
// copyable value — no pointers into a worker's objects ever cross a thread.

#include "actiontypes.h"
#include "kubernetesobjects.h"
#include "servicekey.h"
#include "sourcestatus.h"

#include <QDate>
#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>

#include <optional>
#include <variant>
#include <vector>

namespace Opsdeck {

enum class ResourceKind {
    Pod,
    PodMetrics,
    Deployment,
    ReplicaSet,
    HorizontalPodAutoscaler,
    Ingress,
    HttpRoute,
    Service,
    Event,
};

struct ResourceKey
{
    QString context;
    ResourceKind kind = ResourceKind::Pod;
    QString ns;
    QString name;

    friend bool operator==(const ResourceKey &, const ResourceKey &) = default;
    friend size_t qHash(const ResourceKey &key, size_t seed = 0) noexcept
    {
        return qHashMulti(seed, key.context, static_cast<int>(key.kind), key.ns, key.name);
    }
};

using KubernetesObject = std::variant<std::monostate, PodInfo, PodMetricsInfo, DeploymentInfo,
                                      ReplicaSetInfo, HpaInfo, IngressInfo, HttpRouteInfo,
                                      ServiceInfo, EventInfo>;

// One change to one object. A relist (after 410 Gone or a dropped watch) is a `Relisted` delta for
// (context, kind, ns — empty ns = all namespaces) followed in the same batch by `Added` for every object
// that exists now: the store drops whatever of that kind the relist did not re-add. `Synced` says an
// informer finished its initial list: until then "no pods" means "not known yet".
struct ResourceDelta
{
    enum class Type {
        Added,
        Modified,
        Deleted,
        Relisted,
        Synced,
    };

    Type type = Type::Added;
    ResourceKey key;
    KubernetesObject object; // monostate for Deleted, Relisted and Synced

    friend bool operator==(const ResourceDelta &, const ResourceDelta &) = default;
};

struct TelemetryPoint
{
    QDateTime time;
    double value = 0.0;

    friend bool operator==(const TelemetryPoint &, const TelemetryPoint &) = default;
};

// A time series of one metric of one service's track over the source's window (appinsights plugin).
// Metrics: requests, failedRequests, p50Ms, p95Ms, p99Ms, dependencyCalls, dependencyFailures, and the
// Polly events as "resilience:<event.name>" (OnCircuitOpened, OnCircuitHalfOpened, OnCircuitClosed,
// OnRetry, OnTimeout, OnFallback) — counts per bin. A series replaces the previous one of the same
// (source, service, track, metric).
struct TelemetrySeries
{
    ServiceKey service;
    Track track = Track::Unknown;
    QString metric;
    QString unit;            // "count", "ms", "percent"
    int stepSeconds = 60;
    QList<TelemetryPoint> points;
    int windowSeconds = 900; // what the query covered (15 min, 1 h, 6 h, 24 h)
    bool partial = false;    // the query answered 200 with an `error`: the figures may be incomplete
    QString partialReason;

    friend bool operator==(const TelemetrySeries &, const TelemetrySeries &) = default;
};

enum class HealthStatus {
    Unknown,
    Healthy,
    Degraded,
    Unhealthy,
};

struct HealthEntry
{
    QString name;
    HealthStatus status = HealthStatus::Unknown;
    QString description;
    QString circuitState; // data.circuitState when the service reports it
    double durationMs = 0.0; // how long the check took (the report's TimeSpan "00:00:00.0123456")

    friend bool operator==(const HealthEntry &, const HealthEntry &) = default;
};

// One read of a service's /health endpoint (API-CONTRACTS §7).
struct HealthReport
{
    ServiceKey service;
    Track track = Track::Unknown;
    HealthStatus status = HealthStatus::Unknown;
    QList<HealthEntry> entries;
    QDateTime checkedAt;
    std::optional<Error> error; // the endpoint could not be read

    friend bool operator==(const HealthReport &, const HealthReport &) = default;
};

// A Polly circuit breaker's latest state, keyed by (pipeline.name, strategy.name) (API-CONTRACTS §7).
struct BreakerState
{
    enum class State {
        Closed,
        Open,
        HalfOpen,
        Isolated,
    };

    ServiceKey service;
    QString pipeline;
    QString strategy;
    State state = State::Closed;
    QDateTime since;
    Track track = Track::Unknown; // the track whose pods reported it, when read per track

    friend bool operator==(const BreakerState &, const BreakerState &) = default;
};

// Totals of one service's track over the window, split by one dimension: the top failing operations
// ("operation") or result codes ("resultCode"), most failures first.
struct TelemetryBreakdown
{
    struct Row
    {
        QString name;
        double failures = 0.0;
        double total = 0.0;

        friend bool operator==(const Row &, const Row &) = default;
    };

    ServiceKey service;
    Track track = Track::Unknown;
    QString dimension;
    QList<Row> rows;
    int windowSeconds = 900;
    bool partial = false;

    friend bool operator==(const TelemetryBreakdown &, const TelemetryBreakdown &) = default;
};

struct CostPoint
{
    QDate date;
    double amount = 0.0;
    bool forecast = false;

    friend bool operator==(const CostPoint &, const CostPoint &) = default;
};

// Daily costs of one `Service` tag value ("(untagged)" and "(shared)" are rows too), plus its budget.
// Points cover the month of `asOf` and the month before it (actual), and forecast days to month end.
// The costmanagement source sends every series and budget of a scope in one batch, replacing the last.
struct CostSeries
{
    QString serviceTag;
    QString scope;
    QString currency;
    QList<CostPoint> points;
    std::optional<double> budget;
    QDate asOf;          // the last day the actual figures cover (today for month to date)
    QDateTime fetchedAt; // when the source read them from the API
    bool cached = false; // replayed from the source's cache at start, not fresh (shown with its age)

    friend bool operator==(const CostSeries &, const CostSeries &) = default;
};

// A Microsoft.Consumption budget of a scope (API-CONTRACTS §4); serviceTag from its `Service` tag
// filter, empty when it covers the whole scope.
struct CostBudget
{
    struct Notification
    {
        QString name;
        double thresholdPercent = 0.0;
        bool forecasted = false; // thresholdType Forecasted (else Actual)
        bool enabled = true;
        QString op;              // GreaterThan | GreaterThanOrEqualTo | EqualTo

        friend bool operator==(const Notification &, const Notification &) = default;
    };

    QString scope;
    QString name;
    QString serviceTag;
    double amount = 0.0;
    QString currency;
    QString timeGrain;
    std::optional<double> currentSpend;
    std::optional<double> forecastSpend;
    QList<Notification> notifications;
    QDateTime fetchedAt;
    bool cached = false;

    friend bool operator==(const CostBudget &, const CostBudget &) = default;
};

// One Azure SQL database (ARM Microsoft.Sql, API-CONTRACTS §5), as the azuresql source last read it.
// `service` is its `Service` tag (empty: untagged, e.g. master). Times are UTC, from the API (the
// server's clock, which for the simulator is its virtual clock).
struct SqlDatabase
{
    QString armId;        // /subscriptions/…/servers/{server}/databases/{name}
    QString server;
    QString name;
    QString service;
    QString location;
    QString status;       // Online, Offline, Restoring, Creating, …
    QString sku;          // currentServiceObjectiveName, e.g. GP_Gen5_2
    qint64 maxSizeBytes = 0;
    QDateTime creationDate;
    QDateTime earliestRestoreDate; // invalid while the database has none (being created)

    friend bool operator==(const SqlDatabase &, const SqlDatabase &) = default;
};

// Every database of one server, read in one go (all pages); replaces what the source sent before.
struct SqlDatabaseList
{
    QString server;
    QList<SqlDatabase> databases;
    QDateTime fetchedAt;

    friend bool operator==(const SqlDatabaseList &, const SqlDatabaseList &) = default;
};

using Observation = std::variant<ResourceDelta, TelemetrySeries, TelemetryBreakdown, HealthReport, BreakerState,
                                 CostSeries, CostBudget, OperationStatus, SourceStatus, SqlDatabaseList>;

struct ObservationBatch
{
    QString sourceId;
    QDateTime producedAt;
    std::vector<Observation> observations;

    friend bool operator==(const ObservationBatch &, const ObservationBatch &) = default;
};

// Registers every value type with Qt's meta-type system (needed for queued connections and QVariant).
// Idempotent; SourceHost calls it, tests may call it.
void registerObservationMetaTypes();

QString toString(ResourceKind kind);
QString toString(ResourceDelta::Type type);
QString toString(HealthStatus status);
QString toString(BreakerState::State state);
QString toString(OperationStatus::State state);
QString toString(Track track);

} // namespace Opsdeck

Q_DECLARE_METATYPE(Opsdeck::ResourceKey)
Q_DECLARE_METATYPE(Opsdeck::ResourceDelta)
Q_DECLARE_METATYPE(Opsdeck::TelemetrySeries)
Q_DECLARE_METATYPE(Opsdeck::SqlDatabase)
Q_DECLARE_METATYPE(Opsdeck::SqlDatabaseList)
Q_DECLARE_METATYPE(Opsdeck::TelemetryBreakdown)
Q_DECLARE_METATYPE(Opsdeck::HealthReport)
Q_DECLARE_METATYPE(Opsdeck::BreakerState)
Q_DECLARE_METATYPE(Opsdeck::CostSeries)
Q_DECLARE_METATYPE(Opsdeck::CostBudget)
Q_DECLARE_METATYPE(Opsdeck::Observation)
Q_DECLARE_METATYPE(Opsdeck::ObservationBatch)
