#include "alertengine.h"

#include "coststore.h"
#include "health.h"
#include "servicestore.h"
#include "telemetrystore.h"

#include <QJsonArray>
#include <QSet>

#include <algorithm>

namespace Opsdeck {

namespace {

const QString BreakerOpen = QStringLiteral("breaker-open");
const QString CanaryWorse = QStringLiteral("canary-worse-than-stable");
const QString ErrorRateHigh = QStringLiteral("error-rate-high");
const QString HpaAtMax = QStringLiteral("hpa-at-max");
const QString PodsNotReady = QStringLiteral("pods-not-ready");
const QString HealthUnhealthy = QStringLiteral("health-unhealthy");
const QString HealthDegraded = QStringLiteral("health-degraded");
const QString BudgetThreshold = QStringLiteral("budget-threshold");
const QString SourceDown = QStringLiteral("source-down");

QString path(const ServiceKey &key)
{
    return key.context + QLatin1Char('/') + key.ns + QLatin1Char('/') + key.name;
}

QString idFor(const QString &rule, const ServiceKey &key, const QString &detail = {})
{
    QString id = rule + QLatin1Char(':') + path(key);
    if (!detail.isEmpty())
        id += QLatin1Char(':') + detail;
    return id;
}

QString number(double value)
{
    return QString::number(value, 'f', value < 10 ? 1 : 0);
}

} // namespace

AlertEngine::AlertEngine(const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_clock(clock)
{
    // Store signals come in bursts (one per flush of each store): read them once.
    m_coalesce.setSingleShot(true);
    m_coalesce.setInterval(200);
    connect(&m_coalesce, &QTimer::timeout, this, [this] {
        pullFromStores();
        evaluate();
    });
    connect(&m_tick, &QTimer::timeout, this, &AlertEngine::evaluate);
}

AlertEngine::~AlertEngine() = default;

void AlertEngine::setSettings(const AlertSettings &settings)
{
    m_settings = settings;
    if (m_tick.isActive())
        m_tick.start(m_settings.evaluateIntervalSeconds * 1000);
    evaluate();
}

QList<Alert> AlertEngine::active() const
{
    QList<Alert> out;
    out.reserve(m_active.size());
    for (const Tracked &t : m_active)
        out << t.alert;
    std::sort(out.begin(), out.end(), [](const Alert &a, const Alert &b) {
        if (a.severity != b.severity)
            return a.severity > b.severity;
        if (a.since != b.since)
            return a.since < b.since;
        return a.id < b.id;
    });
    return out;
}

QList<Alert> AlertEngine::history() const
{
    // Active entries of the history reflect their latest state (acknowledged, escalated).
    QList<Alert> out = m_history;
    for (Alert &a : out) {
        if (a.isActive()) {
            const auto it = m_active.constFind(a.id);
            if (it != m_active.cend() && it->alert.since == a.since)
                a = it->alert;
        }
    }
    return out;
}

std::optional<Alert> AlertEngine::alert(const QString &id) const
{
    const auto it = m_active.constFind(id);
    if (it == m_active.cend())
        return std::nullopt;
    return it->alert;
}

void AlertEngine::acknowledge(const QString &id, const QString &who)
{
    const auto it = m_active.find(id);
    if (it == m_active.end())
        return;
    it->alert.acknowledgedBy = who;
    it->alert.acknowledgedAt = m_clock.wallNow();
    Q_EMIT alertsChanged();
}

void AlertEngine::setServices(const QList<ServiceSummary> &services)
{
    m_services = services;
}

void AlertEngine::setTelemetry(const QHash<ServiceKey, ServiceTelemetry> &telemetry)
{
    m_telemetry = telemetry;
}

void AlertEngine::setCostAlerts(const QList<CostAlert> &alerts)
{
    m_costAlerts = alerts;
}

void AlertEngine::setSourceStatus(const QString &sourceId, const SourceStatus &status, int intervalSeconds)
{
    m_sources.insert(sourceId, Source { status, intervalSeconds });
    m_intervals.insert(sourceId, intervalSeconds);
}

void AlertEngine::setSourceInterval(const QString &sourceId, int intervalSeconds)
{
    m_intervals.insert(sourceId, intervalSeconds);
    if (const auto it = m_sources.find(sourceId); it != m_sources.end())
        it->intervalSeconds = intervalSeconds;
}

void AlertEngine::removeSource(const QString &sourceId)
{
    m_sources.remove(sourceId);
    m_intervals.remove(sourceId);
}

void AlertEngine::attach(ServiceStore *services, TelemetryStore *telemetry, CostStore *costs)
{
    for (QObject *old :
         { static_cast<QObject *>(m_serviceStore.data()), static_cast<QObject *>(m_telemetryStore.data()),
           static_cast<QObject *>(m_costStore.data()) }) {
        if (old)
            disconnect(old, nullptr, this, nullptr);
    }
    m_serviceStore = services;
    m_telemetryStore = telemetry;
    m_costStore = costs;
    const auto schedule = [this] {
        scheduleEvaluation();
    };
    if (services) {
        connect(services, &ServiceStore::flushed, this, schedule);
        connect(services, &ServiceStore::contextsChanged, this, schedule);
    }
    if (telemetry)
        connect(telemetry, &TelemetryStore::telemetryChanged, this, schedule);
    if (costs) {
        connect(costs, &CostStore::changed, this, schedule);
        connect(costs, &CostStore::alertsChanged, this, schedule);
    }
    m_tick.start(m_settings.evaluateIntervalSeconds * 1000);
    pullFromStores();
    evaluate();
}

std::optional<Alert::Severity> AlertEngine::worstActive() const
{
    std::optional<Alert::Severity> worst;
    for (const Tracked &t : m_active) {
        if (!worst || t.alert.severity > *worst)
            worst = t.alert.severity;
    }
    return worst;
}

void AlertEngine::addToSnapshot(const QList<Alert> &active, QJsonObject &root)
{
    const auto belongs = [](const Alert &a, const QString &context, const QString &ns, const QString &name) {
        if (a.service.name != name)
            return false;
        // Budget alerts know only the Service tag; every other alert its full key.
        return (a.service.context.isEmpty() && a.service.ns.isEmpty())
            || (a.service.context == context && a.service.ns == ns);
    };
    QJsonArray contexts = root.value(QLatin1String("contexts")).toArray();
    for (qsizetype i = 0; i < contexts.size(); ++i) {
        QJsonObject context = contexts.at(i).toObject();
        const QString contextName = context.value(QLatin1String("name")).toString();
        QJsonArray services = context.value(QLatin1String("services")).toArray();
        for (qsizetype j = 0; j < services.size(); ++j) {
            QJsonObject service = services.at(j).toObject();
            const QString ns = service.value(QLatin1String("namespace")).toString();
            const QString name = service.value(QLatin1String("name")).toString();
            QJsonArray alerts;
            for (const Alert &a : active) {
                if (belongs(a, contextName, ns, name))
                    alerts.append(toJson(a));
            }
            service.insert(QStringLiteral("alerts"), alerts);
            services.replace(j, service);
        }
        context.insert(QStringLiteral("services"), services);
        contexts.replace(i, context);
    }
    root.insert(QStringLiteral("contexts"), contexts);
    QJsonArray estate;
    for (const Alert &a : active) {
        if (a.service.name.isEmpty())
            estate.append(toJson(a));
    }
    root.insert(QStringLiteral("alerts"), estate);
}

QStringList AlertEngine::rules()
{
    return { BreakerOpen,     CanaryWorse,    ErrorRateHigh,   HpaAtMax,  PodsNotReady,
             HealthUnhealthy, HealthDegraded, BudgetThreshold, SourceDown };
}

void AlertEngine::refresh()
{
    m_coalesce.stop();
    pullFromStores();
    evaluate();
}

void AlertEngine::scheduleEvaluation()
{
    if (!m_coalesce.isActive())
        m_coalesce.start();
}

void AlertEngine::pullFromStores()
{
    if (m_serviceStore) {
        QList<ServiceSummary> services;
        services.reserve(m_serviceStore->serviceCount());
        for (int row = 0; row < m_serviceStore->serviceCount(); ++row)
            services << m_serviceStore->serviceAt(row);
        m_services = services;

        const QHash<QString, SourceStatus> statuses = m_serviceStore->sourceStatuses();
        for (auto it = statuses.cbegin(); it != statuses.cend(); ++it)
            m_sources.insert(it.key(), Source { it.value(), m_intervals.value(it.key()) });
        for (const QString &id : m_sources.keys()) {
            if (!statuses.contains(id))
                m_sources.remove(id);
        }
    }
    if (m_telemetryStore) {
        QHash<ServiceKey, ServiceTelemetry> telemetry;
        const QDateTime now = m_clock.wallNow();
        for (const ServiceSummary &s : std::as_const(m_services)) {
            if (!m_telemetryStore->hasTelemetry(s.key))
                continue;
            ServiceTelemetry t;
            t.stable = m_telemetryStore->figures(s.key, Track::Stable);
            if (s.canary.present)
                t.verdict = m_telemetryStore->verdict(s.key, now);
            telemetry.insert(s.key, t);
        }
        m_telemetry = telemetry;
    }
    if (m_costStore)
        m_costAlerts = m_costStore->alerts();
}

void AlertEngine::addServiceCandidates(const ServiceSummary &s, QList<Candidate> &out) const
{
    const ServiceKey &key = s.key;

    // breaker-open: one alert per open breaker (and track), raised at once.
    for (const BreakerSummary &b : s.breakers) {
        if (b.state != BreakerState::State::Open && b.state != BreakerState::State::Isolated)
            continue;
        const QString detail
            = b.track == Track::Unknown ? b.name : b.name + QLatin1Char('@') + toString(b.track);
        const QString where
            = b.track == Track::Unknown ? QString() : QStringLiteral(" (%1)").arg(toString(b.track));
        out << Candidate {
            idFor(BreakerOpen, key, detail),
            BreakerOpen,
            key,
            Alert::Severity::Critical,
            QStringLiteral("%1: circuit breaker %2 is %3%4").arg(key.name, b.name, toString(b.state), where),
            0,
            b.since
        };
    }

    // hpa-at-max: at its ceiling for longer than N minutes (it cannot absorb more load).
    if (s.hpa.present && s.hpa.max > 0 && s.hpa.current >= s.hpa.max) {
        out << Candidate { idFor(HpaAtMax, key),
                           HpaAtMax,
                           key,
                           Alert::Severity::Warning,
                           QStringLiteral("%1: HPA %2 at its maximum of %3 replicas")
                               .arg(key.name, s.hpa.name)
                               .arg(s.hpa.max),
                           m_settings.hpaAtMaxSeconds,
                           {} };
    }

    // pods-not-ready: critical (and raised sooner) when a pod crash-loops or no pod is ready at all.
    if (s.pods > 0 && s.readyPods == 0 && s.crashLooping == 0) {
        out << Candidate { idFor(PodsNotReady, key),
                           PodsNotReady,
                           key,
                           Alert::Severity::Critical,
                           QStringLiteral("%1: none of its %2 pods ready").arg(key.name).arg(s.pods),
                           m_settings.podsDownSeconds,
                           {} };
    } else if (s.crashLooping > 0) {
        out << Candidate { idFor(PodsNotReady, key),
                           PodsNotReady,
                           key,
                           Alert::Severity::Critical,
                           QStringLiteral("%1: %2 pod(s) in CrashLoopBackOff, %3 of %4 ready")
                               .arg(key.name)
                               .arg(s.crashLooping)
                               .arg(s.readyPods)
                               .arg(s.pods),
                           m_settings.podsDownSeconds,
                           {} };
    } else if (s.readyPods < s.pods) {
        out << Candidate {
            idFor(PodsNotReady, key),
            PodsNotReady,
            key,
            Alert::Severity::Warning,
            QStringLiteral("%1: %2 of %3 pods not ready").arg(key.name).arg(s.pods - s.readyPods).arg(s.pods),
            m_settings.podsNotReadySeconds,
            {}
        };
    }

    // health: Unhealthy and Degraded are separate rules, so an escalation is a new (critical) alert. When
    // the health report is as bad because a breaker is open, the breaker's transition dates the condition.
    QDateTime breakerSince;
    for (const BreakerSummary &b : s.breakers) {
        if (b.state != BreakerState::State::Open && b.state != BreakerState::State::Isolated
            && b.state != BreakerState::State::HalfOpen)
            continue;
        if (b.since.isValid() && (!breakerSince.isValid() || b.since < breakerSince))
            breakerSince = b.since;
    }
    if (s.health == Health::Unhealthy) {
        const bool dated = s.reportStatus == HealthStatus::Unhealthy;
        out << Candidate { idFor(HealthUnhealthy, key),
                           HealthUnhealthy,
                           key,
                           Alert::Severity::Critical,
                           QStringLiteral("%1 is Unhealthy").arg(key.name),
                           m_settings.healthSeconds,
                           dated ? breakerSince : QDateTime() };
    } else if (s.health == Health::Degraded) {
        const bool dated = s.reportStatus == HealthStatus::Degraded;
        out << Candidate { idFor(HealthDegraded, key),
                           HealthDegraded,
                           key,
                           Alert::Severity::Warning,
                           QStringLiteral("%1 is Degraded").arg(key.name),
                           m_settings.healthSeconds,
                           dated ? breakerSince : QDateTime() };
    }

    const auto t = m_telemetry.constFind(key);
    if (t == m_telemetry.cend())
        return;
    const std::optional<double> rate = t->stable.errorRatePercent();
    if (rate && t->stable.requests.value_or(0) >= m_settings.errorRateMinRequests
        && *rate > m_settings.errorRatePercent) {
        out << Candidate { idFor(ErrorRateHigh, key),
                           ErrorRateHigh,
                           key,
                           Alert::Severity::Warning,
                           QStringLiteral("%1: stable error rate %2 % (threshold %3 %) over %4 requests")
                               .arg(key.name, number(*rate), number(m_settings.errorRatePercent))
                               .arg(qint64(*t->stable.requests)),
                           0,
                           {} };
    }
    if (t->verdict && t->verdict->result == CanaryVerdict::Result::Rollback) {
        out << Candidate {
            idFor(CanaryWorse, key),
            CanaryWorse,
            key,
            Alert::Severity::Warning,
            QStringLiteral("%1: canary worse than stable: %2").arg(key.name, t->verdict->reason),
            0,
            {}
        };
    }
}

QList<AlertEngine::Candidate> AlertEngine::candidates() const
{
    QList<Candidate> out;
    for (const ServiceSummary &s : m_services)
        addServiceCandidates(s, out);

    // budget-threshold: one alert per budget and kind (actual / forecast); a higher threshold escalates it.
    for (const CostAlert &c : m_costAlerts) {
        const ServiceKey key { QString(), QString(), c.service };
        const QString kind = c.forecasted ? QStringLiteral("forecast") : QStringLiteral("actual");
        const QString id = BudgetThreshold + QLatin1Char(':') + c.scope + QLatin1Char(':') + c.budget
            + QLatin1Char(':') + kind;
        const bool critical = !c.forecasted && (c.thresholdPercent >= 100 || c.percent >= 100);
        out << Candidate { id,
                           BudgetThreshold,
                           key,
                           critical ? Alert::Severity::Critical : Alert::Severity::Warning,
                           c.summary.isEmpty()
                               ? QStringLiteral("Budget %1: %2 %3 % of the budget (threshold %4 %)")
                                     .arg(c.budget, kind, number(c.percent), number(c.thresholdPercent))
                               : c.summary,
                           0,
                           {} };
    }

    // source-down: estate-wide, one per source.
    const QDateTime now = m_clock.wallNow();
    for (auto it = m_sources.cbegin(); it != m_sources.cend(); ++it) {
        const SourceStatus &status = it->status;
        QString why;
        if (status.state == SourceStatus::State::Down) {
            why = status.error ? status.error->message : QStringLiteral("down");
        } else if (it->intervalSeconds > 0 && status.lastSuccess.isValid()
                   && status.lastSuccess.secsTo(now) > qint64(m_settings.staleFactor * it->intervalSeconds)) {
            why = QStringLiteral("no fresh data for %1 s (interval %2 s)")
                      .arg(status.lastSuccess.secsTo(now))
                      .arg(it->intervalSeconds);
        }
        if (!why.isEmpty()) {
            out << Candidate { SourceDown + QLatin1Char(':') + it.key(),
                               SourceDown,
                               ServiceKey {},
                               Alert::Severity::Warning,
                               QStringLiteral("Source %1 is down: %2").arg(it.key(), why),
                               0,
                               {} };
        }
    }
    return out;
}

void AlertEngine::evaluate()
{
    const Clock::TimePoint now = m_clock.now();
    const QDateTime wallNow = m_clock.wallNow();
    const QList<Candidate> found = candidates();
    bool changed = false;
    QList<Alert> raised;
    QList<Alert> ended;

    QSet<QString> seen;
    for (const Candidate &c : found) {
        if (seen.contains(c.id))
            continue; // the same condition twice keeps one alert
        seen.insert(c.id);
        auto pending = m_pending.find(c.id);
        if (pending == m_pending.end()) {
            // Dated by the data (and not in our future: a simulator's clock may run ahead): held from then.
            Pending start { now, wallNow };
            if (c.dataSince.isValid() && c.dataSince < wallNow) {
                start.since = now - std::chrono::milliseconds(c.dataSince.msecsTo(wallNow));
                start.sinceWall = c.dataSince;
            }
            pending = m_pending.insert(c.id, start);
        }

        const auto active = m_active.find(c.id);
        if (active != m_active.end()) {
            Alert &a = active->alert;
            if (active->clearSince) {
                active->clearSince.reset(); // back within the hold-down: the same alert goes on
                changed = true;
            }
            if (a.severity != c.severity || a.summary != c.summary) {
                a.severity = c.severity;
                a.summary = c.summary;
                changed = true;
            }
            continue;
        }
        if (now - pending->since < std::chrono::seconds(c.holdSeconds))
            continue;
        Alert a;
        a.id = c.id;
        a.rule = c.rule;
        a.service = c.service;
        a.severity = c.severity;
        a.since = pending->sinceWall;
        a.summary = c.summary;
        m_active.insert(c.id, Tracked { a, std::nullopt });
        recordHistory(a);
        raised << a;
        changed = true;
    }

    for (auto it = m_pending.begin(); it != m_pending.end();) {
        if (seen.contains(it.key()))
            ++it;
        else
            it = m_pending.erase(it);
    }

    for (auto it = m_active.begin(); it != m_active.end();) {
        if (seen.contains(it.key())) {
            ++it;
            continue;
        }
        if (!it->clearSince)
            it->clearSince = Pending { now, wallNow };
        if (now - it->clearSince->since < std::chrono::seconds(m_settings.holdDownSeconds)) {
            ++it;
            continue;
        }
        Alert a = it->alert;
        a.ended = it->clearSince->sinceWall;
        for (auto h = m_history.rbegin(); h != m_history.rend(); ++h) {
            if (h->id == a.id && h->since == a.since) {
                *h = a;
                break;
            }
        }
        ended << a;
        it = m_active.erase(it);
        changed = true;
    }

    for (const Alert &a : std::as_const(ended))
        Q_EMIT alertEnded(a);
    for (const Alert &a : std::as_const(raised))
        Q_EMIT alertRaised(a);
    if (changed)
        Q_EMIT alertsChanged();
}

void AlertEngine::recordHistory(const Alert &alert)
{
    m_history << alert;
    while (m_history.size() > m_settings.historyLimit)
        m_history.removeFirst();
}

} // namespace Opsdeck
