#include "timelinebuilder.h"

#include <QHash>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>

namespace Opsdeck {

namespace {

QString servicePath(const ServiceKey &key)
{
    return QStringLiteral("%1/%2/%3").arg(key.context, key.ns, key.name);
}

QString stamp(const QDateTime &at)
{
    return QString::number(at.toMSecsSinceEpoch());
}

QString trackLabel(Track track)
{
    return toString(track);
}

QString weightText(std::optional<double> weight)
{
    return weight ? QStringLiteral("%1 %").arg(*weight, 0, 'g', 4) : QStringLiteral("none");
}

TimelineEntry::Severity healthSeverity(Health health)
{
    switch (health) {
    case Health::Unhealthy:
        return TimelineEntry::Severity::Critical;
    case Health::Degraded:
    case Health::Stale:
        return TimelineEntry::Severity::Warning;
    case Health::Healthy:
    case Health::Unknown:
        break;
    }
    return TimelineEntry::Severity::Info;
}

TimelineEntry::Severity breakerSeverity(BreakerState::State state)
{
    switch (state) {
    case BreakerState::State::Open:
    case BreakerState::State::Isolated:
        return TimelineEntry::Severity::Critical;
    case BreakerState::State::HalfOpen:
        return TimelineEntry::Severity::Warning;
    case BreakerState::State::Closed:
        break;
    }
    return TimelineEntry::Severity::Info;
}

QString actionTarget(const JournalEntry &entry)
{
    QString target = entry.service.name;
    if (entry.track == Track::Canary)
        target += QStringLiteral(" (canary)");
    return target;
}

QString parametersText(const QVariantMap &parameters)
{
    QStringList parts;
    for (auto it = parameters.cbegin(); it != parameters.cend(); ++it)
        parts << QStringLiteral("%1=%2").arg(it.key(), it.value().toString());
    return parts.join(QStringLiteral(", "));
}

void diffTrack(const ServiceKey &key, const QString &track, const TrackSummary &before,
               const TrackSummary &after, const QDateTime &at, QList<TimelineEntry> &out)
{
    const QString base = servicePath(key) + QLatin1Char('/') + track;
    auto make = [&](TimelineEntry::Kind kind, TimelineEntry::Severity severity, const QString &what,
                    const QString &title, const QString &detail) {
        out.append(TimelineEntry { at, kind, severity, key, title, detail,
                                   QStringLiteral("kubernetes:") + key.context,
                                   base + QLatin1Char('/') + what + QLatin1Char('@') + stamp(at) });
    };
    if (before.present != after.present) {
        make(TimelineEntry::Kind::Rollout, TimelineEntry::Severity::Info, QStringLiteral("present"),
             after.present ? QStringLiteral("%1 %2 deployment created").arg(key.name, track)
                           : QStringLiteral("%1 %2 deployment removed").arg(key.name, track),
             after.present ? after.deployment : before.deployment);
        return; // a track that appeared or vanished has no meaningful before/after figures
    }
    if (!after.present)
        return;
    if (before.desired != after.desired) {
        make(TimelineEntry::Kind::Scaling,
             after.desired == 0 ? TimelineEntry::Severity::Warning : TimelineEntry::Severity::Info,
             QStringLiteral("replicas"),
             QStringLiteral("%1 %2 scaled %3 → %4 replicas")
                 .arg(key.name, track)
                 .arg(before.desired)
                 .arg(after.desired),
             after.deployment);
    }
    if (before.revision != after.revision || before.image != after.image) {
        const QString detail = before.image == after.image
            ? after.image
            : QStringLiteral("%1 → %2").arg(before.image, after.image);
        const QString title = before.revision != after.revision
            ? QStringLiteral("%1 %2 rollout revision %3 → %4")
                  .arg(key.name, track)
                  .arg(before.revision)
                  .arg(after.revision)
            : QStringLiteral("%1 %2 image changed").arg(key.name, track);
        make(TimelineEntry::Kind::Rollout, TimelineEntry::Severity::Info, QStringLiteral("revision"), title,
             detail);
    }
    if (!before.rolloutStuck && after.rolloutStuck) {
        make(TimelineEntry::Kind::Rollout, TimelineEntry::Severity::Warning, QStringLiteral("stuck"),
             QStringLiteral("%1 %2 rollout stuck").arg(key.name, track),
             QStringLiteral("Progress deadline exceeded or replica failure"));
    } else if (before.rolloutInProgress && !after.rolloutInProgress && !after.rolloutStuck) {
        make(TimelineEntry::Kind::Rollout, TimelineEntry::Severity::Info, QStringLiteral("finished"),
             QStringLiteral("%1 %2 rollout finished").arg(key.name, track),
             QStringLiteral("%1/%2 ready, revision %3")
                 .arg(after.ready)
                 .arg(after.desired)
                 .arg(after.revision));
    }
}

// "productservice-canary" → "productservice": the demo's tracks are Deployments named <app>-<track>.
QString stripTrack(QString name)
{
    for (const auto &suffix : { QStringLiteral("-canary"), QStringLiteral("-stable") }) {
        if (name.endsWith(suffix) && name.size() > suffix.size())
            return name.chopped(suffix.size());
    }
    return name;
}

} // namespace

TimelineEntry::Severity TimelineBuilder::severityOf(Alert::Severity severity)
{
    switch (severity) {
    case Alert::Severity::Critical:
        return TimelineEntry::Severity::Critical;
    case Alert::Severity::Warning:
        return TimelineEntry::Severity::Warning;
    case Alert::Severity::Info:
        break;
    }
    return TimelineEntry::Severity::Info;
}

QList<TimelineEntry> TimelineBuilder::fromJournal(const QList<JournalEntry> &entries)
{
    QList<TimelineEntry> out;
    out.reserve(entries.size() * 2);
    for (const JournalEntry &entry : entries) {
        const QString id = QString::number(entry.id);
        const QString target = actionTarget(entry);
        TimelineEntry started;
        started.at = entry.startedAt.toUTC();
        started.kind = TimelineEntry::Kind::Action;
        started.service = entry.service;
        started.title = QStringLiteral("%1 on %2 started").arg(entry.action, target);
        QStringList detail;
        if (!entry.user.isEmpty())
            detail << QStringLiteral("by %1").arg(entry.user);
        if (!entry.parameters.isEmpty())
            detail << parametersText(entry.parameters);
        if (!entry.confirmation.isEmpty())
            detail << QStringLiteral("confirmed: %1").arg(entry.confirmation);
        started.detail = detail.join(QStringLiteral("; "));
        started.source = QStringLiteral("journal");
        started.reference = id + QStringLiteral(":started");
        if (entry.status == JournalStatus::Refused) {
            // Refused actions never ran: one entry, at the moment they were refused.
            started.title = QStringLiteral("%1 on %2 refused").arg(entry.action, target);
            started.severity = TimelineEntry::Severity::Warning;
            if (!entry.message.isEmpty())
                started.detail = entry.message;
            started.reference = id + QStringLiteral(":refused");
            out.append(started);
            continue;
        }
        out.append(started);
        if (!entry.isFinal() || !entry.finishedAt.isValid())
            continue;
        TimelineEntry ended = started;
        ended.at = entry.finishedAt.toUTC();
        const QString status = toString(entry.status);
        ended.title = QStringLiteral("%1 on %2 %3").arg(entry.action, target, status);
        ended.severity = entry.status == JournalStatus::Succeeded ? TimelineEntry::Severity::Info
                                                                  : TimelineEntry::Severity::Warning;
        QString endDetail = entry.message;
        if (entry.error) {
            if (!endDetail.isEmpty())
                endDetail += QStringLiteral(" — ");
            endDetail += entry.error->message;
        }
        ended.detail = endDetail;
        ended.reference = id + QLatin1Char(':') + status;
        out.append(ended);
    }
    return out;
}

TimelineEntry TimelineBuilder::raised(const Alert &alert)
{
    TimelineEntry entry;
    entry.at = alert.since.toUTC();
    entry.kind = TimelineEntry::Kind::Alert;
    entry.severity = severityOf(alert.severity);
    entry.service = alert.service;
    entry.title = QStringLiteral("Alert %1 raised (%2)").arg(alert.rule, toString(alert.severity));
    entry.detail = alert.summary;
    entry.source = QStringLiteral("alerts");
    entry.reference = QStringLiteral("%1@%2:raised").arg(alert.id, stamp(alert.since));
    return entry;
}

TimelineEntry TimelineBuilder::ended(const Alert &alert)
{
    TimelineEntry entry = raised(alert);
    entry.at = alert.ended.toUTC();
    entry.severity = TimelineEntry::Severity::Info;
    entry.title = QStringLiteral("Alert %1 ended").arg(alert.rule);
    if (!alert.acknowledgedBy.isEmpty())
        entry.detail += QStringLiteral(" (acknowledged by %1)").arg(alert.acknowledgedBy);
    entry.reference = QStringLiteral("%1@%2:ended").arg(alert.id, stamp(alert.since));
    return entry;
}

QList<TimelineEntry> TimelineBuilder::fromAlerts(const QList<Alert> &alerts)
{
    QList<TimelineEntry> out;
    out.reserve(alerts.size() * 2);
    for (const Alert &alert : alerts) {
        if (!alert.since.isValid())
            continue;
        out.append(raised(alert));
        if (alert.ended.isValid())
            out.append(ended(alert));
    }
    return out;
}

QString TimelineBuilder::serviceNameOf(const QString &involvedKind, const QString &involvedName)
{
    // Generated names: ReplicaSet <deployment>-<pod-template-hash>, Pod <replicaset>-<5 chars>.
    static const QRegularExpression hashSuffix(QStringLiteral("-[a-z0-9]{5,10}$"));
    QString name = involvedName;
    if (involvedKind == QLatin1String("Pod")) {
        name.remove(hashSuffix);
        name.remove(hashSuffix);
    } else if (involvedKind == QLatin1String("ReplicaSet")) {
        name.remove(hashSuffix);
    }
    return stripTrack(name.isEmpty() ? involvedName : name);
}

QList<TimelineEntry> TimelineBuilder::fromEvents(const QList<EventInfo> &events, const QString &context)
{
    QList<TimelineEntry> out;
    out.reserve(events.size());
    for (const EventInfo &event : events) {
        const ServiceKey key { context, event.ns, serviceNameOf(event.involvedKind, event.involvedName) };
        out.append(fromEvents({ event }, key));
    }
    return out;
}

QList<TimelineEntry> TimelineBuilder::fromEvents(const QList<EventInfo> &events, const ServiceKey &service)
{
    QList<TimelineEntry> out;
    out.reserve(events.size());
    for (const EventInfo &event : events) {
        if (!event.lastTime.isValid())
            continue;
        TimelineEntry entry;
        entry.at = event.lastTime.toUTC();
        entry.kind = TimelineEntry::Kind::Event;
        entry.severity = event.warning ? TimelineEntry::Severity::Warning : TimelineEntry::Severity::Info;
        entry.service = service;
        entry.title = QStringLiteral("%1 %2/%3").arg(event.reason, event.involvedKind, event.involvedName);
        if (event.count > 1)
            entry.title += QStringLiteral(" (×%1)").arg(event.count);
        entry.detail = event.message;
        entry.source = QStringLiteral("kubernetes:") + service.context;
        entry.reference
            = QStringLiteral("%1/%2/%3@%4").arg(service.context, event.ns, event.name, stamp(event.lastTime));
        out.append(entry);
    }
    return out;
}

QList<TimelineEntry> TimelineBuilder::fromBreakerHistory(const ServiceKey &service,
                                                         const QList<BreakerTransition> &transitions)
{
    QList<TimelineEntry> out;
    out.reserve(transitions.size());
    QHash<QString, BreakerState::State> previous; // per breaker lane, in the order given (oldest first)
    for (const BreakerTransition &transition : transitions) {
        const QString lane = transition.name + QLatin1Char('/') + trackLabel(transition.track);
        TimelineEntry entry;
        entry.at = transition.at.toUTC();
        entry.kind = TimelineEntry::Kind::Breaker;
        entry.severity = breakerSeverity(transition.state);
        entry.service = service;
        const QString track = transition.track == Track::Unknown
            ? QString()
            : QStringLiteral(" (%1)").arg(trackLabel(transition.track));
        const auto before = previous.constFind(lane);
        entry.title = before == previous.cend()
            ? QStringLiteral("Breaker %1%2 %3").arg(transition.name, track, toString(transition.state))
            : QStringLiteral("Breaker %1%2 %3 → %4")
                  .arg(transition.name, track, toString(*before), toString(transition.state));
        entry.source = QStringLiteral("health");
        entry.reference
            = servicePath(service) + QLatin1Char('/') + lane + QLatin1Char('@') + stamp(transition.at);
        previous.insert(lane, transition.state);
        out.append(entry);
    }
    return out;
}

QList<TimelineEntry> TimelineBuilder::diff(const ServiceSummary *before, const ServiceSummary &after,
                                           const QDateTime &at)
{
    QList<TimelineEntry> out;
    if (!before)
        return out;
    const ServiceKey &key = after.key;
    const QDateTime when = at.toUTC();
    const QString base = servicePath(key);
    const QString source = QStringLiteral("kubernetes:") + key.context;

    diffTrack(key, QStringLiteral("stable"), before->stable, after.stable, when, out);
    diffTrack(key, QStringLiteral("canary"), before->canary, after.canary, when, out);

    if (after.hpa.present && before->hpa.present && before->hpa.desired != after.hpa.desired) {
        const bool atMax = after.hpa.max > 0 && after.hpa.desired >= after.hpa.max;
        QString detail = QStringLiteral("min %1, max %2").arg(after.hpa.min).arg(after.hpa.max);
        if (after.hpa.cpuPercent && after.hpa.targetPercent)
            detail += QStringLiteral(", CPU %1 % of target %2 %")
                          .arg(*after.hpa.cpuPercent)
                          .arg(*after.hpa.targetPercent);
        out.append(TimelineEntry { when, TimelineEntry::Kind::Scaling,
                                   atMax ? TimelineEntry::Severity::Warning : TimelineEntry::Severity::Info,
                                   key,
                                   QStringLiteral("%1 HPA desired %2 → %3 replicas%4")
                                       .arg(key.name)
                                       .arg(before->hpa.desired)
                                       .arg(after.hpa.desired)
                                       .arg(atMax ? QStringLiteral(" (at max)") : QString()),
                                   detail, source, base + QStringLiteral("/hpa@") + stamp(when) });
    }

    if (before->canaryWeight != after.canaryWeight) {
        out.append(TimelineEntry {
            when, TimelineEntry::Kind::CanaryWeight, TimelineEntry::Severity::Info, key,
            QStringLiteral("%1 canary weight %2 → %3")
                .arg(key.name, weightText(before->canaryWeight), weightText(after.canaryWeight)),
            after.canaryWeightSource, source, base + QStringLiteral("/canary-weight@") + stamp(when) });
    }

    // Unknown → anything is the first sync, not a change anyone caused.
    if (before->health != after.health && before->health != Health::Unknown) {
        QString detail;
        if (after.reportStatus)
            detail = QStringLiteral("/health says %1").arg(toString(*after.reportStatus));
        if (!after.reportError.isEmpty())
            detail += (detail.isEmpty() ? QString() : QStringLiteral("; ")) + after.reportError;
        if (after.desired() > 0)
            detail += (detail.isEmpty() ? QString() : QStringLiteral("; "))
                + QStringLiteral("%1/%2 pods ready").arg(after.readyPods).arg(after.pods);
        out.append(TimelineEntry {
            when, TimelineEntry::Kind::Health, healthSeverity(after.health), key,
            QStringLiteral("%1 %2 → %3").arg(key.name, toString(before->health), toString(after.health)),
            detail, QStringLiteral("health"), base + QStringLiteral("/health@") + stamp(when) });
    }
    return out;
}

TimelineEntry TimelineBuilder::budgetCrossed(const CostAlert &alert)
{
    TimelineEntry entry;
    entry.at = alert.since.toUTC();
    entry.kind = TimelineEntry::Kind::Budget;
    switch (alert.severity) {
    case CostAlert::Severity::Critical:
        entry.severity = TimelineEntry::Severity::Critical;
        break;
    case CostAlert::Severity::Warning:
        entry.severity = TimelineEntry::Severity::Warning;
        break;
    case CostAlert::Severity::Info:
        entry.severity = TimelineEntry::Severity::Info;
        break;
    }
    // A cost budget knows a service only by its Service tag: no context or namespace.
    entry.service = ServiceKey { {}, {}, alert.service };
    entry.title = QStringLiteral("Budget %1 %2 %3 %")
                      .arg(alert.budget,
                           alert.forecasted ? QStringLiteral("forecast crosses") : QStringLiteral("crossed"))
                      .arg(alert.thresholdPercent, 0, 'g', 4);
    entry.detail = alert.summary.isEmpty()
        ? QStringLiteral("%1 % of the budget (%2)").arg(alert.percent, 0, 'f', 1).arg(alert.scope)
        : alert.summary;
    entry.source = QStringLiteral("costmanagement");
    entry.reference = QStringLiteral("%1@%2:crossed").arg(alert.id, stamp(alert.since));
    return entry;
}

QList<TimelineEntry> TimelineBuilder::budgetCrossings(const QList<CostAlert> &before,
                                                      const QList<CostAlert> &after, const QDateTime &at)
{
    QList<TimelineEntry> out;
    QSet<QString> beforeIds;
    for (const CostAlert &alert : before)
        beforeIds.insert(alert.id);
    QSet<QString> afterIds;
    for (const CostAlert &alert : after) {
        afterIds.insert(alert.id);
        if (!beforeIds.contains(alert.id) && alert.since.isValid())
            out.append(budgetCrossed(alert));
    }
    for (const CostAlert &alert : before) {
        if (afterIds.contains(alert.id))
            continue;
        TimelineEntry entry = budgetCrossed(alert);
        entry.at = at.toUTC();
        entry.severity = TimelineEntry::Severity::Info;
        entry.title = QStringLiteral("Budget %1 back under %2 %")
                          .arg(alert.budget)
                          .arg(alert.thresholdPercent, 0, 'g', 4);
        entry.reference = QStringLiteral("%1@%2:cleared").arg(alert.id, stamp(alert.since));
        out.append(entry);
    }
    return out;
}

QList<TimelineEntry> TimelineBuilder::between(const QList<TimelineEntry> &entries, const QDateTime &from,
                                              const QDateTime &to)
{
    QList<TimelineEntry> out;
    for (const TimelineEntry &entry : entries) {
        if (from.isValid() && entry.at < from)
            continue;
        if (to.isValid() && entry.at > to)
            continue;
        out.append(entry);
    }
    return out;
}

QList<TimelineEntry> TimelineBuilder::merged(const QList<TimelineEntry> &entries)
{
    QHash<QPair<int, QString>, qsizetype> latest; // (kind, reference) → index of the last one given
    latest.reserve(entries.size());
    for (qsizetype i = 0; i < entries.size(); ++i)
        latest.insert({ int(entries[i].kind), entries[i].reference }, i);
    QList<TimelineEntry> out;
    out.reserve(latest.size());
    for (qsizetype i = 0; i < entries.size(); ++i) {
        // An entry without a reference cannot be told from another: never merged away.
        if (entries[i].reference.isEmpty()
            || latest.value({ int(entries[i].kind), entries[i].reference }) == i)
            out.append(entries[i]);
    }
    std::stable_sort(out.begin(), out.end(), timelineLess);
    return out;
}

} // namespace Opsdeck
