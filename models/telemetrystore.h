#pragma once

// Telemetry per service and track (the appinsights plugin's TelemetrySeries / TelemetryBreakdown), kept
// beside ServiceStore rather than in it: the latest series per (service, track, metric), each source's
// last update (stale after 2× its interval or when it is down), the canary weight's history as the
// ServiceStore shows it changing, and the canary verdict. Changes are coalesced like ServiceStore's:
// apply() marks services dirty, flush() (100 ms timer, public for tests) emits telemetryChanged once.

#include "canaryanalysis.h"
#include "observation.h"
#include "servicekey.h"
#include "sourcestatus.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <optional>

namespace Opsdeck {

class ServiceStore;

// The ServiceStore's canary weight changed from `from` to `to` at `at` (as Opsdeck saw it change).
struct WeightChange
{
    QDateTime at;
    std::optional<double> from;
    std::optional<double> to;

    friend bool operator==(const WeightChange &, const WeightChange &) = default;
};

// A bin of a `resilience:<event>` series with a non-zero count.
struct ResilienceEvent
{
    QDateTime at;
    Track track = Track::Unknown;
    QString event; // "OnCircuitOpened", "OnRetry", …
    double count = 0.0;

    friend bool operator==(const ResilienceEvent &, const ResilienceEvent &) = default;
};

class TelemetryStore : public QObject
{
    Q_OBJECT

public:
    // `services` (optional) supplies canary weights and breakers for the verdict and the weight history.
    explicit TelemetryStore(ServiceStore *services = nullptr, QObject *parent = nullptr);
    ~TelemetryStore() override;

    static constexpr int FlushIntervalMs = 100;
    static constexpr int DefaultIntervalSeconds = 60; // a source's refresh interval until one is learned
    static constexpr int WeightHistoryLimit = 200;    // changes kept per service

    QList<ServiceKey> services() const; // services with telemetry, in no particular order
    // Lookups by a ServiceStore key also find telemetry reported without a namespace (Application Insights
    // has none) or without a context, under the same service name.
    bool hasTelemetry(const ServiceKey &key) const;
    // The latest series of a metric; Track::Stable falls back to Track::Unknown (no version label).
    std::optional<TelemetrySeries> series(const ServiceKey &key, Track track, const QString &metric) const;
    std::optional<TelemetryBreakdown> breakdown(const ServiceKey &key, Track track, const QString &dimension) const;
    // Window totals of one track; every field nullopt when unknown.
    TrackFigures figures(const ServiceKey &key, Track track) const;
    // Per bin, for charts: failed/requests × 100 (bins without requests left out), requests per minute,
    // and p95 as reported. A partial first or last bin (under half the median bin's requests: the window
    // cut it) is left out of all three; figures() still counts it.
    QList<TelemetryPoint> errorRateSeries(const ServiceKey &key, Track track) const;
    QList<TelemetryPoint> requestRateSeries(const ServiceKey &key, Track track) const;
    QList<TelemetryPoint> p95Series(const ServiceKey &key, Track track) const;
    QList<ResilienceEvent> resilienceEvents(const ServiceKey &key) const; // oldest first

    int windowSeconds(const ServiceKey &key) const; // of the newest series; 0 without telemetry
    QStringList partialReasons(const ServiceKey &key) const; // distinct; empty when every series is complete
    QDateTime lastUpdate(const ServiceKey &key) const;
    // Older than 2× its source's interval, or its source is Down.
    bool isStale(const ServiceKey &key, const QDateTime &now = QDateTime::currentDateTimeUtc()) const;
    int sourceIntervalSeconds(const QString &sourceId) const;
    void setSourceInterval(const QString &sourceId, int seconds); // overrides the learned interval

    QList<WeightChange> weightHistory(const ServiceKey &key) const; // oldest first
    CanaryAnalysisSettings analysisSettings() const { return m_settings; }
    void setAnalysisSettings(const CanaryAnalysisSettings &settings);
    CanaryInput canaryInput(const ServiceKey &key, const QDateTime &now = QDateTime::currentDateTimeUtc()) const;
    CanaryVerdict verdict(const ServiceKey &key, const QDateTime &now = QDateTime::currentDateTimeUtc()) const;

    // Adds `telemetry` and `verdict` to each service object of an `opsdeck --snapshot` document
    // (root["contexts"][i]["services"][j], matched by context name, namespace and name).
    void addToSnapshot(QJsonObject &root) const;
    // "PT15M", "PT1H", "PT24H": ISO 8601 durations as the snapshot writes windows.
    static QString isoDuration(int seconds);

public Q_SLOTS:
    void apply(const Opsdeck::ObservationBatch &batch);
    void setSourceStatus(const QString &sourceId, const Opsdeck::SourceStatus &status);
    void flush();

Q_SIGNALS:
    // Telemetry, staleness inputs or the weight history of these services changed (once per flush).
    void telemetryChanged(const QSet<Opsdeck::ServiceKey> &services);

private:
    struct SeriesEntry
    {
        TelemetrySeries series;
        QString sourceId;
        QDateTime receivedAt;
        quint64 sequence = 0; // arrival order: several batches may share a millisecond
    };
    struct BreakdownEntry
    {
        TelemetryBreakdown breakdown;
        QString sourceId;
        QDateTime receivedAt;
    };
    struct ServiceData
    {
        QMap<QPair<int, QString>, SeriesEntry> series;       // (track, metric)
        QMap<QPair<int, QString>, BreakdownEntry> breakdowns; // (track, dimension)
    };
    struct WeightData
    {
        bool seen = false;
        std::optional<double> current;
        QList<WeightChange> changes;
    };
    struct SourceData
    {
        QDateTime lastBatch;
        QList<qint64> gaps; // seconds between its latest telemetry batches
        std::optional<int> interval;
        bool down = false;
    };

    const ServiceData *dataFor(const ServiceKey &key) const;
    // Keys without namespace (or context) also name the ServiceStore's services they stand for.
    QSet<ServiceKey> resolved(const QSet<ServiceKey> &keys) const;
    const SeriesEntry *findSeries(const ServiceKey &key, Track track, const QString &metric) const;
    void observeWeights(int first, int last);
    void markDirty(const ServiceKey &key);

    QPointer<ServiceStore> m_services;
    QHash<ServiceKey, ServiceData> m_data;
    QHash<ServiceKey, WeightData> m_weights;
    QHash<QString, SourceData> m_sources;
    QSet<ServiceKey> m_dirty;
    QPair<int, int> m_pendingInsert{-1, -1};
    CanaryAnalysisSettings m_settings;
    quint64 m_sequence = 0;
    QTimer m_timer;
};

} // namespace Opsdeck
