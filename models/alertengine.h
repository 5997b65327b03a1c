#pragma once

// The alert rules of the war room (issue 9 §1), evaluated on a Clock so tests step time with FakeClock.
// Inputs come through small setters (plain values, so tests feed synthetic data) or, in the app, through
// attach(), which reads ServiceStore, TelemetryStore and CostStore on their change signals (coalesced).
//
// Rules (stable ids, CLI.md): breaker-open (critical), canary-worse-than-stable (warning),
// error-rate-high (warning), hpa-at-max (warning), pods-not-ready (warning; critical with CrashLoopBackOff),
// health-unhealthy (critical), health-degraded (warning), budget-threshold (warning; critical at 100 %
// actual), source-down (estate-wide, warning).
//
// One condition keeps one alert (de-duplicated by id). A condition must hold for its rule's duration
// before it raises; an alert ends once its condition stayed clear for the hold-down (so it does not flap),
// `ended` being when it cleared.

#include "alert.h"
#include "alertsettings.h"
#include "canaryanalysis.h"
#include "clock.h"
#include "costalert.h"
#include "servicesummary.h"
#include "sourcestatus.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <optional>

namespace Opsdeck {

class CostStore;
class ServiceStore;
class TelemetryStore;

// What the telemetry rules read of one service.
struct ServiceTelemetry
{
    TrackFigures stable;
    std::optional<CanaryVerdict> verdict; // nullopt: no canary analysis
};

class AlertEngine : public QObject
{
    Q_OBJECT

public:
    explicit AlertEngine(const Clock &clock = Clock::system(), QObject *parent = nullptr);
    ~AlertEngine() override;

    AlertSettings settings() const { return m_settings; }
    void setSettings(const AlertSettings &settings); // re-evaluates

    // Active alerts, worst first (then oldest first, then by id).
    QList<Alert> active() const;
    // Every alert raised, active or ended, oldest first (at most settings().historyLimit).
    QList<Alert> history() const;
    std::optional<Alert> alert(const QString &id) const; // the active one with this id
    // Marks an active alert acknowledged (who, now); no-op for an unknown or ended id.
    void acknowledge(const QString &id, const QString &who);

    // Inputs. Each replaces what was set before; evaluate() applies them.
    void setServices(const QList<ServiceSummary> &services);
    void setTelemetry(const QHash<ServiceKey, ServiceTelemetry> &telemetry);
    void setCostAlerts(const QList<CostAlert> &alerts);
    // A source's state; `intervalSeconds` > 0 also makes it down when its last success is older than
    // staleFactor × interval (0: only its state counts).
    void setSourceStatus(const QString &sourceId, const SourceStatus &status, int intervalSeconds = 0);
    void removeSource(const QString &sourceId);
    // The poll interval of a source whose status attach() reads from ServiceStore (0: only its state counts).
    void setSourceInterval(const QString &sourceId, int intervalSeconds);

    // Reads the stores now and on their change signals (coalesced), and re-evaluates every
    // evaluateIntervalSeconds so durations and hold-downs run out. Any may be null.
    void attach(ServiceStore *services, TelemetryStore *telemetry, CostStore *costs);

    // The rule ids, for documentation and filters.
    static QStringList rules();

    // The worst severity among active(); nullopt when none is active.
    std::optional<Alert::Severity> worstActive() const;

    // `--snapshot`: `alerts` (the active alerts, toJson) on each service object of root's contexts —
    // budget alerts by their Service tag — and the estate-wide ones (source-down) as top-level `alerts`.
    static void addToSnapshot(const QList<Alert> &active, QJsonObject &root);
    void addToSnapshot(QJsonObject &root) const { addToSnapshot(active(), root); }

public Q_SLOTS:
    // Applies the rules to the inputs at the clock's now: raises, updates and ends alerts.
    void evaluate();
    // Reads the attached stores now (not after the coalescing delay), then evaluate().
    void refresh();

Q_SIGNALS:
    void alertRaised(const Opsdeck::Alert &alert);
    void alertEnded(const Opsdeck::Alert &alert);
    // Anything in active() changed (raised, ended, severity, summary, acknowledged).
    void alertsChanged();

private:
    struct Candidate
    {
        QString id;
        QString rule;
        ServiceKey service;
        Alert::Severity severity = Alert::Severity::Warning;
        QString summary;
        int holdSeconds = 0; // must hold this long before it raises
        QDateTime dataSince; // when the data itself dates the condition (breaker since): held from then
    };
    struct Pending
    {
        Clock::TimePoint since;
        QDateTime sinceWall;
    };
    struct Tracked
    {
        Alert alert;
        std::optional<Pending> clearSince; // condition gone since (hold-down running)
    };
    struct Source
    {
        SourceStatus status;
        int intervalSeconds = 0;
    };

    QList<Candidate> candidates() const;
    void addServiceCandidates(const ServiceSummary &service, QList<Candidate> &out) const;
    void pullFromStores();
    void scheduleEvaluation();
    void recordHistory(const Alert &alert);

    const Clock &m_clock;
    AlertSettings m_settings;
    QList<ServiceSummary> m_services;
    QHash<ServiceKey, ServiceTelemetry> m_telemetry;
    QList<CostAlert> m_costAlerts;
    QHash<QString, Source> m_sources;
    QHash<QString, int> m_intervals; // source id -> poll interval (s), for attach()'s statuses

    QHash<QString, Pending> m_pending; // conditions seen, not yet held long enough (or raised)
    QHash<QString, Tracked> m_active;
    QList<Alert> m_history;

    QPointer<ServiceStore> m_serviceStore;
    QPointer<TelemetryStore> m_telemetryStore;
    QPointer<CostStore> m_costStore;
    QTimer m_coalesce;
    QTimer m_tick;
};

} // namespace Opsdeck
