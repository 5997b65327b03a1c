#include "drillrunner.h"

#include "alertengine.h"
#include "servicestore.h"

namespace Opsdeck {

namespace {

using namespace std::chrono_literals;

const QString BreakerOpen = QStringLiteral("breaker-open");
const QString PodsNotReady = QStringLiteral("pods-not-ready");
const QString HealthUnhealthy = QStringLiteral("health-unhealthy");
const QString HealthDegraded = QStringLiteral("health-degraded");
const QString ErrorRateHigh = QStringLiteral("error-rate-high");
const QString CanaryWorse = QStringLiteral("canary-worse-than-stable");

// The latency the high-latency drill adds: above the seed's 500 ms caller timeout (orderservice →
// productservice), below the readiness probe's 1 s, so callers time out while the pods stay Ready.
constexpr int DrillLatencyMs = 800;

QString keyPath(const ServiceKey &key)
{
    return key.context + QLatin1Char('/') + key.ns + QLatin1Char('/') + key.name;
}

} // namespace

std::optional<DrillScenario> DrillScenario::forService(const QString &id, const QString &service)
{
    DrillScenario s;
    s.id = id;
    if (id == QLatin1String("pod-failure")) {
        s.title = QStringLiteral("Pod failure");
        s.description = QStringLiteral("Every pod of %1 fails its readiness probe (pods NotReady, no endpoints); "
                                       "cleared by ending the failure and deleting the failed pods so the ReplicaSet replaces them.")
                            .arg(service);
        s.inject = {SimChaos::fail(service, 100)};
        s.clear = {SimChaos::clear(service, QStringLiteral("fail")), SimChaos::killPods(service, 0)};
        s.ownRules = {PodsNotReady, HealthUnhealthy};
        s.callerBreakers = true;
    } else if (id == QLatin1String("database-failure")) {
        s.title = QStringLiteral("Database failure");
        s.description = QStringLiteral("%1's SQL database goes down (Offline): its database breaker opens and /health turns Unhealthy; "
                                       "cleared by bringing the database back.")
                            .arg(service);
        s.inject = {SimChaos::databaseDown(service)};
        s.clear = {SimChaos::databaseUp(service)};
        s.ownRules = {BreakerOpen, HealthUnhealthy, ErrorRateHigh};
    } else if (id == QLatin1String("high-latency")) {
        s.title = QStringLiteral("High latency");
        s.description = QStringLiteral("%1 answers %2 ms slower: callers with a shorter timeout time out and open their breakers; "
                                       "cleared by removing the latency.")
                            .arg(service)
                            .arg(DrillLatencyMs);
        s.inject = {SimChaos::latency(service, DrillLatencyMs)};
        s.clear = {SimChaos::clear(service, QStringLiteral("latency"))};
        s.ownRules = {HealthUnhealthy, HealthDegraded, ErrorRateHigh, PodsNotReady};
        s.callerBreakers = true;
    } else if (id == QLatin1String("bad-canary")) {
        s.title = QStringLiteral("Bad canary");
        s.description = QStringLiteral("%1's canary containers crash (CrashLoopBackOff); cleared by ending the crash and deleting "
                                       "the canary pods so fresh ones start.")
                            .arg(service);
        s.inject = {SimChaos::breakCanary(service)};
        s.clear = {SimChaos::clear(service, QStringLiteral("break-canary")), SimChaos::killPods(service, 0, QStringLiteral("canary"))};
        s.ownRules = {PodsNotReady, CanaryWorse, HealthUnhealthy, HealthDegraded};
    } else {
        return std::nullopt;
    }
    return s;
}

bool DrillScenario::matches(const Alert &alert, const ServiceKey &service) const
{
    if (alert.service.context != service.context || alert.service.ns != service.ns || alert.service.name.isEmpty())
        return false;
    if (alert.service.name == service.name)
        return ownRules.contains(alert.rule);
    if (!callerBreakers || alert.rule != BreakerOpen)
        return false;
    // A caller's breaker: id "breaker-open:<ctx>/<ns>/<caller>:<breaker>[@track]", the breaker named
    // after the dependency it guards.
    const QString prefix = alert.rule + QLatin1Char(':') + keyPath(alert.service) + QLatin1Char(':');
    if (!alert.id.startsWith(prefix))
        return false;
    const QString breaker = alert.id.mid(prefix.size()).section(QLatin1Char('@'), 0, 0).section(QLatin1Char('/'), 0, 0);
    return breaker.compare(service.name, Qt::CaseInsensitive) == 0;
}

QString DrillScenario::expectedAlerts(const QString &service) const
{
    QString text = QStringLiteral("%1 on %2").arg(ownRules.join(QStringLiteral(", ")), service);
    if (callerBreakers)
        text += QStringLiteral(", or breaker-open of a caller's %1 breaker").arg(service);
    return text;
}

DrillRunner::DrillRunner(const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_clock(clock)
{
    qRegisterMetaType<DrillRun>();
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &DrillRunner::check);
}

DrillRunner::~DrillRunner() = default;

void DrillRunner::setChaos(SimChaos *chaos)
{
    QPointer<SimChaos> guard(chaos);
    m_send = [guard](const ChaosCall &call, QObject *context, SimChaos::Done done) {
        if (!guard) {
            done(makeError(ErrorKind::Config, QStringLiteral("the chaos client is gone")));
            return;
        }
        guard->send(call, context, std::move(done));
    };
}

void DrillRunner::setAlertEngine(AlertEngine *engine)
{
    if (m_alerts)
        disconnect(m_alerts, nullptr, this, nullptr);
    m_alerts = engine;
    if (!engine)
        return;
    connect(engine, &AlertEngine::alertRaised, this, &DrillRunner::onAlertRaised);
    connect(engine, &AlertEngine::alertEnded, this, &DrillRunner::onAlertEnded);
}

void DrillRunner::attach(ServiceStore *store)
{
    QPointer<ServiceStore> guard(store);
    m_lookup = [guard](const ServiceKey &key) -> std::optional<ServiceSummary> {
        if (!guard)
            return std::nullopt;
        const ServiceSummary *s = guard->service(key);
        return s ? std::optional(*s) : std::nullopt;
    };
    connect(store, &ServiceStore::flushed, this, &DrillRunner::check);
}

void DrillRunner::setTimeouts(std::chrono::seconds detect, std::chrono::seconds recover)
{
    m_detectTimeout = detect;
    m_recoverTimeout = recover;
}

QString DrillRunner::toString(Phase phase)
{
    switch (phase) {
    case Phase::Idle:
        return QStringLiteral("idle");
    case Phase::Injecting:
        return QStringLiteral("injecting the fault");
    case Phase::Detecting:
        return QStringLiteral("waiting for the alert");
    case Phase::Clearing:
        return QStringLiteral("clearing the fault");
    case Phase::Recovering:
        return QStringLiteral("waiting for recovery");
    case Phase::Finished:
        return QStringLiteral("finished");
    }
    return {};
}

Result<void> DrillRunner::start(const QString &scenario, const ServiceKey &service)
{
    if (isRunning())
        return makeError(ErrorKind::Conflict, QStringLiteral("a drill is already running (%1 on %2)").arg(m_run.scenario, m_run.service.name),
                         QStringLiteral("wait for it to finish or cancel it"));
    std::optional<DrillScenario> s = DrillScenario::forService(scenario, service.name);
    if (!s)
        return makeError(ErrorKind::Invalid, QStringLiteral("unknown drill scenario '%1'").arg(scenario),
                         QStringLiteral("use one of %1").arg(drillScenarios().join(QStringLiteral(", "))));
    if (!m_send)
        return makeError(ErrorKind::Config, QStringLiteral("drills need the sim's chaos API"), QStringLiteral("run with --demo or --allow-chaos"));
    if (m_lookup) {
        const std::optional<ServiceSummary> summary = m_lookup(service);
        if (!summary)
            return makeError(ErrorKind::NotFound, QStringLiteral("service %1 is not in %2/%3").arg(service.name, service.context, service.ns),
                             QStringLiteral("pick a service the overview lists"));
        if (summary->health != Health::Healthy)
            return makeError(ErrorKind::Conflict,
                             QStringLiteral("%1 is %2: a drill starts from a Healthy service").arg(service.name, Opsdeck::toString(summary->health)),
                             QStringLiteral("wait until it is Healthy (an earlier fault may still be healing)"));
    }
    if (m_alerts) {
        for (const Alert &alert : m_alerts->active()) {
            if (s->matches(alert, service))
                return makeError(ErrorKind::Conflict,
                                 QStringLiteral("alert %1 is already active, so the drill could not tell its own alert from it").arg(alert.id),
                                 QStringLiteral("wait until it ends"));
        }
    }

    ++m_generation;
    m_scenario = std::move(s);
    m_run = DrillRun{};
    m_run.scenario = scenario;
    m_run.service = service;
    m_run.status = QStringLiteral("running");
    m_run.faultAt = m_clock.wallNow(); // the sim applies the fault as it receives the request
    m_activeAlerts.clear();
    m_lastAlertEnd = QDateTime();
    m_healthySince.reset();
    m_pendingStatus.clear();
    m_pendingError.clear();
    if (m_store) {
        const Result<qint64> id = m_store->add(m_run);
        if (id)
            m_run.id = *id;
        else
            qWarning("drills: %s", qPrintable(Opsdeck::toString(id.error())));
    }
    setPhase(Phase::Injecting);
    Q_EMIT runChanged(m_run);
    m_tick.start();
    sendCalls(m_scenario->inject, [this](const std::optional<Error> &error) { injected(error); });
    return {};
}

void DrillRunner::cancel()
{
    if (!isRunning())
        return;
    m_pendingStatus = QStringLiteral("failed");
    m_pendingError = QStringLiteral("cancelled");
    switch (m_phase) {
    case Phase::Detecting:
        clearFault();
        break;
    case Phase::Recovering:
        finish(QStringLiteral("failed"), QStringLiteral("cancelled before the service recovered: %1").arg(missingForRecovery()));
        break;
    default: // Injecting / Clearing: their answer finishes the run
        break;
    }
}

void DrillRunner::setPhase(Phase phase)
{
    m_phase = phase;
    m_phaseStart = m_clock.now();
    Q_EMIT phaseChanged(phase);
}

void DrillRunner::sendCalls(QList<ChaosCall> calls, std::function<void(const std::optional<Error> &)> done)
{
    if (calls.isEmpty()) {
        done(std::nullopt);
        return;
    }
    ChaosCall call = calls.takeFirst();
    if (call.path.endsWith(QLatin1String("/kill-pods"))) {
        // Every pod of the service (or track) that is there now.
        int count = 100;
        if (m_lookup) {
            if (const std::optional<ServiceSummary> s = m_lookup(m_run.service))
                count = qMax(1, call.body.value(QLatin1String("track")).toString() == QLatin1String("canary") ? s->canary.pods : s->pods);
        }
        call.body.insert(QStringLiteral("count"), count);
    }
    const quint64 generation = m_generation;
    m_send(call, this, [this, generation, calls, done](const Result<QJsonObject> &result) {
        if (generation != m_generation)
            return;
        if (!result) {
            done(result.error());
            return;
        }
        sendCalls(calls, done);
    });
}

void DrillRunner::injected(const std::optional<Error> &error)
{
    if (error) {
        finish(QStringLiteral("failed"), QStringLiteral("could not inject the fault: %1").arg(Opsdeck::toString(*error)));
        return;
    }
    if (!m_pendingStatus.isEmpty()) { // cancelled meanwhile
        clearFault();
        return;
    }
    if (m_run.detectedAt.isValid()) { // the alert came before the answer
        clearFault();
        return;
    }
    setPhase(Phase::Detecting);
    check();
}

void DrillRunner::onAlertRaised(const Alert &alert)
{
    if (!isRunning() || !m_scenario || !m_scenario->matches(alert, m_run.service))
        return;
    m_activeAlerts.insert(alert.id);
    if (m_run.detectedAt.isValid() || !m_pendingStatus.isEmpty())
        return;
    if (m_phase == Phase::Injecting || m_phase == Phase::Detecting)
        detected(alert);
}

void DrillRunner::onAlertEnded(const Alert &alert)
{
    if (!isRunning() || !m_activeAlerts.remove(alert.id))
        return;
    const QDateTime ended = alert.ended.isValid() ? alert.ended : m_clock.wallNow();
    if (!m_lastAlertEnd.isValid() || ended > m_lastAlertEnd)
        m_lastAlertEnd = ended;
    check();
}

void DrillRunner::detected(const Alert &alert)
{
    m_run.detectedAt = m_clock.wallNow();
    m_run.alertId = alert.id;
    save();
    Q_EMIT runChanged(m_run);
    if (m_phase == Phase::Detecting)
        clearFault();
}

void DrillRunner::clearFault()
{
    setPhase(Phase::Clearing);
    sendCalls(m_scenario->clear, [this](const std::optional<Error> &error) { cleared(error); });
}

void DrillRunner::cleared(const std::optional<Error> &error)
{
    if (error) {
        QString message = QStringLiteral("could not clear the fault: %1; clear it with `opsdeck-sim chaos clear %2`")
                              .arg(Opsdeck::toString(*error), m_run.service.name);
        if (!m_pendingError.isEmpty())
            message = m_pendingError + QStringLiteral("; ") + message;
        finish(QStringLiteral("failed"), message);
        return;
    }
    m_run.clearedAt = m_clock.wallNow();
    if (!m_pendingStatus.isEmpty()) {
        finish(m_pendingStatus, m_pendingError);
        return;
    }
    save();
    Q_EMIT runChanged(m_run);
    m_healthySince.reset();
    setPhase(Phase::Recovering);
    check();
}

bool DrillRunner::serviceRecovered(QString *why) const
{
    if (!m_lookup)
        return true; // nothing to judge by: the alerts' end decides
    const std::optional<ServiceSummary> s = m_lookup(m_run.service);
    if (!s) {
        *why = QStringLiteral("%1 is not listed").arg(m_run.service.name);
        return false;
    }
    QStringList missing;
    if (s->health != Health::Healthy)
        missing << QStringLiteral("%1 is %2").arg(m_run.service.name, Opsdeck::toString(s->health));
    if (s->pods == 0 || s->readyPods < s->pods)
        missing << QStringLiteral("%1 of %2 pods ready").arg(s->readyPods).arg(s->pods);
    if (s->crashLooping > 0)
        missing << QStringLiteral("%1 pod(s) in CrashLoopBackOff").arg(s->crashLooping);
    *why = missing.join(QStringLiteral("; "));
    return missing.isEmpty();
}

QString DrillRunner::missingForRecovery() const
{
    QStringList missing;
    QString why;
    if (!serviceRecovered(&why))
        missing << why;
    QStringList alerts(m_activeAlerts.cbegin(), m_activeAlerts.cend());
    alerts.sort();
    for (const QString &id : std::as_const(alerts))
        missing << QStringLiteral("alert %1 still active").arg(id);
    return missing.join(QStringLiteral("; "));
}

void DrillRunner::check()
{
    const auto elapsed = m_clock.now() - m_phaseStart;
    if (m_phase == Phase::Detecting) {
        if (elapsed >= m_detectTimeout) {
            m_pendingStatus = QStringLiteral("timedOut");
            m_pendingError = QStringLiteral("no alert raised within %1 s of the fault (expected %2)")
                                 .arg(m_detectTimeout.count())
                                 .arg(m_scenario->expectedAlerts(m_run.service.name));
            clearFault();
        }
        return;
    }
    if (m_phase != Phase::Recovering)
        return;
    QString why;
    if (serviceRecovered(&why)) {
        if (!m_healthySince)
            m_healthySince = m_clock.wallNow();
    } else {
        m_healthySince.reset();
    }
    if (m_healthySince && m_activeAlerts.isEmpty()) {
        // Recovered when both held: Healthy (since) and the drill's alerts' conditions cleared (`ended`,
        // not when their hold-down ran out).
        QDateTime at = *m_healthySince;
        if (m_lastAlertEnd.isValid() && m_lastAlertEnd > at)
            at = m_lastAlertEnd;
        if (at < m_run.clearedAt)
            at = m_run.clearedAt;
        m_run.recoveredAt = at;
        finish(QStringLiteral("recovered"));
        return;
    }
    if (elapsed >= m_recoverTimeout)
        finish(QStringLiteral("timedOut"),
               QStringLiteral("not recovered within %1 s of clearing the fault: %2").arg(m_recoverTimeout.count()).arg(missingForRecovery()));
}

void DrillRunner::finish(const QString &status, const QString &error)
{
    m_tick.stop();
    m_run.status = status;
    m_run.error = error;
    ++m_generation; // late answers of this run are ignored
    setPhase(Phase::Finished);
    save();
    Q_EMIT runChanged(m_run);
    Q_EMIT finished(m_run);
}

void DrillRunner::save()
{
    if (!m_store || m_run.id == 0)
        return;
    if (const Result<void> r = m_store->update(m_run); !r)
        qWarning("drills: %s", qPrintable(Opsdeck::toString(r.error())));
}

} // namespace Opsdeck
