#pragma once

// Runs one drill (issue 9 §5): injects a scenario's fault through the sim's chaos API, waits for the
// MATCHING alert from the AlertEngine, clears the fault, waits until the service is Healthy again and the
// drill's alerts ended, and records the times in a DrillRun (kept in a DrillStore when one is set).
//
// Scenarios and what they do to the sim (docs/drills.md):
//   pod-failure      every pod of the service fails its readiness probe (fail-service 100 %): pods NotReady,
//                    the Service has no endpoints. Detected by pods-not-ready / health-unhealthy on the service
//                    or breaker-open on a caller's breaker to it. Cleared by ending the failure and deleting the
//                    failed pods, so the ReplicaSet replaces them.
//   database-failure the service's SQL database goes down (database-down): its <db> breaker opens, /health
//                    Unhealthy. Detected by breaker-open / health-unhealthy / error-rate-high on the service.
//                    Cleared with database-up.
//   high-latency     the service answers 800 ms slower (add-latency): callers with a shorter attempt timeout
//                    time out and open their breakers. Detected by breaker-open on a caller's breaker to it
//                    (or health / error-rate alerts on the service). Cleared by removing the latency.
//   bad-canary       the canary's containers crash (break-canary): CrashLoopBackOff. Detected by
//                    pods-not-ready (critical) or canary-worse-than-stable on the service. Cleared by ending
//                    the crash and deleting the canary pods (as a rollout restart would).
//
// Time runs on a Clock; check() applies the deadlines and the recovery condition (the runner calls it on
// store changes and every second; tests with a FakeClock call it after advancing).

#include "alert.h"
#include "clock.h"
#include "drillstore.h"
#include "error.h"
#include "servicesummary.h"
#include "simchaos.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <chrono>
#include <functional>
#include <optional>

namespace Opsdeck {

class AlertEngine;
class ServiceStore;

// What a scenario does and which alerts count as detecting it.
struct DrillScenario
{
    QString id;                 // "pod-failure", …
    QString title;              // "Pod failure"
    QString description;        // one sentence for the UI
    QList<ChaosCall> inject;
    QList<ChaosCall> clear;     // in order; a kill-pods call gets its count from the service's pods
    QStringList ownRules;       // alert rules on the service itself that detect it
    bool callerBreakers = false; // also breaker-open on another service's breaker named after the service

    // The scenario for `service`, nullopt for an unknown id.
    static std::optional<DrillScenario> forService(const QString &id, const QString &service);
    // Whether `alert` detects this scenario on `service`.
    bool matches(const Alert &alert, const ServiceKey &service) const;
    // "pods-not-ready, health-unhealthy on productservice, or breaker-open of a caller's productservice breaker"
    QString expectedAlerts(const QString &service) const;
};

class DrillRunner : public QObject
{
    Q_OBJECT

public:
    enum class Phase {
        Idle,       // nothing started
        Injecting,  // the inject calls are on their way
        Detecting,  // waiting for a matching alert
        Clearing,   // the clear calls are on their way
        Recovering, // waiting for Healthy and the alerts' end
        Finished,   // run().status says how it ended
    };
    Q_ENUM(Phase)

    using ChaosSender = std::function<void(const ChaosCall &call, QObject *context, SimChaos::Done done)>;
    using ServiceLookup = std::function<std::optional<ServiceSummary>(const ServiceKey &key)>;

    explicit DrillRunner(const Clock &clock = Clock::system(), QObject *parent = nullptr);
    ~DrillRunner() override;

    // Where the faults go (SimChaos::send in the app; a fake in tests).
    void setChaosSender(ChaosSender sender) { m_send = std::move(sender); }
    void setChaos(SimChaos *chaos);
    // Alerts to wait for (alertRaised / alertEnded / active()).
    void setAlertEngine(AlertEngine *engine);
    // The service's state: health and pods (attach() sets it from a ServiceStore and re-checks on changes).
    void setServiceLookup(ServiceLookup lookup) { m_lookup = std::move(lookup); }
    void attach(ServiceStore *store);
    // Optional: runs are added and updated there as they go.
    void setStore(DrillStore *store) { m_store = store; }
    // How long to wait for the alert after the fault, and for recovery after the clear.
    void setTimeouts(std::chrono::seconds detect, std::chrono::seconds recover);
    std::chrono::seconds detectTimeout() const { return m_detectTimeout; }
    std::chrono::seconds recoverTimeout() const { return m_recoverTimeout; }

    // Starts a drill. Refused (Error{Conflict}/{Invalid}) when one runs, the scenario is unknown, the
    // service is not known or not Healthy, or an alert that would count as detection is already active.
    Result<void> start(const QString &scenario, const ServiceKey &service);
    // Ends a running drill: clears the fault (if injected) and finishes it as failed ("cancelled").
    void cancel();

    bool isRunning() const { return m_phase != Phase::Idle && m_phase != Phase::Finished; }
    Phase phase() const { return m_phase; }
    static QString toString(Phase phase); // "injecting the fault", …
    const DrillRun &run() const { return m_run; }
    // What recovery still waits for ("productservice is Degraded; alert … still active"); empty when nothing.
    QString missingForRecovery() const;

public Q_SLOTS:
    // Applies deadlines and the recovery condition at the clock's now.
    void check();

Q_SIGNALS:
    void phaseChanged(Opsdeck::DrillRunner::Phase phase);
    void runChanged(const Opsdeck::DrillRun &run);
    void finished(const Opsdeck::DrillRun &run);

private:
    void setPhase(Phase phase);
    void sendCalls(QList<ChaosCall> calls, std::function<void(const std::optional<Error> &)> done);
    void onAlertRaised(const Alert &alert);
    void onAlertEnded(const Alert &alert);
    void injected(const std::optional<Error> &error);
    void detected(const Alert &alert);
    void clearFault();
    void cleared(const std::optional<Error> &error);
    void finish(const QString &status, const QString &error = {});
    void save();
    bool serviceRecovered(QString *why) const;

    const Clock &m_clock;
    ChaosSender m_send;
    ServiceLookup m_lookup;
    QPointer<AlertEngine> m_alerts;
    QPointer<DrillStore> m_store;
    std::chrono::seconds m_detectTimeout{300};
    std::chrono::seconds m_recoverTimeout{600};

    Phase m_phase = Phase::Idle;
    std::optional<DrillScenario> m_scenario;
    DrillRun m_run;
    Clock::TimePoint m_phaseStart{};
    QSet<QString> m_activeAlerts;     // matching alerts raised during this drill and not ended
    QDateTime m_lastAlertEnd;         // the latest `ended` of those
    std::optional<QDateTime> m_healthySince; // the service Healthy (all pods ready) since
    QString m_pendingStatus;          // the status to finish with once cleared (timedOut / failed)
    QString m_pendingError;
    quint64 m_generation = 0;         // answers of an earlier run are ignored
    QTimer m_tick;
};

} // namespace Opsdeck
