#include "rcareport.h"

#include "observation.h"

#include <QSet>

#include <algorithm>
#include <tuple>

namespace Opsdeck {

namespace {

QDateTime utc(const QDateTime &time)
{
    return time.isValid() ? time.toUTC() : time;
}

// Whole seconds, rounded (as DrillRun and `opsdeck drill` report them), not truncated.
qint64 roundedSeconds(const QDateTime &from, const QDateTime &to)
{
    return (from.msecsTo(to) + 500) / 1000;
}

bool inWindow(const QDateTime &time, const QDateTime &from, const QDateTime &to)
{
    return time.isValid() && time >= from && time <= to;
}

// Overlap of [start, end or open] with [from, to]: an alert raised before the window and still active in it
// belongs to the report as much as one raised inside it.
bool overlaps(const QDateTime &start, const QDateTime &end, const QDateTime &from, const QDateTime &to)
{
    if (!start.isValid())
        return false;
    return start <= to && (!end.isValid() || end >= from);
}

bool serviceLess(const ServiceKey &a, const ServiceKey &b)
{
    return std::tie(a.name, a.context, a.ns) < std::tie(b.name, b.context, b.ns);
}

int rank(Alert::Severity severity)
{
    return int(severity);
}

// Entries that say something broke, as opposed to what was noticed (alerts) or done (actions) about it.
bool isFaultLike(const TimelineEntry &entry)
{
    switch (entry.kind) {
    case TimelineEntry::Kind::Alert:
    case TimelineEntry::Kind::Action:
    case TimelineEntry::Kind::Budget:
    case TimelineEntry::Kind::CanaryWeight:
    case TimelineEntry::Kind::Scaling:
        return false;
    case TimelineEntry::Kind::Event:
    case TimelineEntry::Kind::Rollout:
    case TimelineEntry::Kind::Breaker:
    case TimelineEntry::Kind::Health:
    case TimelineEntry::Kind::Drill:
        return entry.severity != TimelineEntry::Severity::Info;
    }
    return false;
}

QString parametersText(const QVariantMap &parameters)
{
    QStringList parts;
    for (auto it = parameters.cbegin(); it != parameters.cend(); ++it)
        parts << QStringLiteral("%1=%2").arg(it.key(), it.value().toString());
    return parts.join(QStringLiteral(", "));
}

RcaAction actionFrom(const JournalEntry &entry)
{
    RcaAction action;
    action.journalId = entry.id;
    action.startedAt = utc(entry.startedAt);
    action.finishedAt = utc(entry.finishedAt);
    action.who = entry.user;
    action.action = entry.action;
    action.service = entry.service;
    action.track = toString(entry.track);
    action.parameters = parametersText(entry.parameters);
    action.result = toString(entry.status);
    action.detail = entry.error ? entry.error->message : entry.message;
    for (const ActionChange &change : entry.result) {
        action.changes << QStringLiteral("%1/%2 %3: %4 → %5")
                              .arg(change.kind, change.name, change.field,
                                   change.from.isEmpty() ? QStringLiteral("∅") : change.from,
                                   change.to.isEmpty() ? QStringLiteral("∅") : change.to);
    }
    return action;
}

QString alertLine(const Alert &alert)
{
    QString line = alert.rule;
    if (!alert.service.name.isEmpty())
        line += QStringLiteral(" on ") + RcaReport::serviceLabel(alert.service);
    if (!alert.summary.isEmpty())
        line += QStringLiteral(": ") + alert.summary;
    return line;
}

} // namespace

RcaReport RcaReport::build(const Inputs &inputs)
{
    RcaReport report;
    report.from = utc(inputs.from);
    report.to = utc(inputs.to);
    if (report.from.isValid() && report.to.isValid() && report.to < report.from)
        std::swap(report.from, report.to);
    report.generatedAt
        = inputs.generatedAt.isValid() ? utc(inputs.generatedAt) : QDateTime::currentDateTimeUtc();
    report.sources = inputs.sources;

    // Timeline: in the window, one entry per (kind, reference), merge order.
    QSet<QString> seen;
    for (const TimelineEntry &entry : inputs.timeline) {
        if (!inWindow(entry.at, report.from, report.to))
            continue;
        if (!entry.reference.isEmpty()) {
            const QString key = toString(entry.kind) + QLatin1Char('\x1f') + entry.reference;
            if (seen.contains(key))
                continue;
            seen.insert(key);
        }
        TimelineEntry copy = entry;
        copy.at = utc(copy.at);
        report.timeline << copy;
    }
    std::stable_sort(report.timeline.begin(), report.timeline.end(), timelineLess);

    for (const Alert &alert : inputs.alerts) {
        if (!overlaps(alert.since, alert.ended, report.from, report.to))
            continue;
        Alert copy = alert;
        copy.since = utc(copy.since);
        copy.ended = utc(copy.ended);
        copy.acknowledgedAt = utc(copy.acknowledgedAt);
        report.alerts << copy;
    }
    std::stable_sort(report.alerts.begin(), report.alerts.end(), [](const Alert &a, const Alert &b) {
        return std::tie(a.since, a.id) < std::tie(b.since, b.id);
    });

    for (const JournalEntry &entry : inputs.journal) {
        // An action still running, or finishing, inside the window belongs to it too.
        if (overlaps(entry.startedAt, entry.finishedAt, report.from, report.to))
            report.actions << actionFrom(entry);
    }
    std::stable_sort(report.actions.begin(), report.actions.end(),
                     [](const RcaAction &a, const RcaAction &b) {
                         return std::tie(a.startedAt, a.journalId) < std::tie(b.startedAt, b.journalId);
                     });

    for (const DrillRun &run : inputs.drills) {
        const QDateTime end = run.recoveredAt.isValid() ? run.recoveredAt : run.clearedAt;
        if (!overlaps(run.faultAt, end, report.from, report.to))
            continue;
        DrillRun copy = run;
        copy.faultAt = utc(copy.faultAt);
        copy.detectedAt = utc(copy.detectedAt);
        copy.clearedAt = utc(copy.clearedAt);
        copy.recoveredAt = utc(copy.recoveredAt);
        report.drills << copy;
    }
    std::stable_sort(report.drills.begin(), report.drills.end(), [](const DrillRun &a, const DrillRun &b) {
        return std::tie(a.faultAt, a.id) < std::tie(b.faultAt, b.id);
    });

    // Affected services: named by the caller, alerted on, acted on, drilled, or with a fault on the timeline.
    QList<ServiceKey> services;
    auto addService = [&services](const ServiceKey &key) {
        if (!key.name.isEmpty() && !services.contains(key))
            services << key;
    };
    for (const ServiceKey &key : inputs.services)
        addService(key);
    for (const Alert &alert : std::as_const(report.alerts))
        addService(alert.service);
    for (const RcaAction &action : std::as_const(report.actions))
        addService(action.service);
    for (const DrillRun &run : std::as_const(report.drills))
        addService(run.service);
    for (const TimelineEntry &entry : std::as_const(report.timeline)) {
        if (entry.severity != TimelineEntry::Severity::Info)
            addService(entry.service);
    }
    std::sort(services.begin(), services.end(), serviceLess);
    report.services = services;

    for (const Alert &alert : std::as_const(report.alerts)) {
        if (!report.severity || rank(alert.severity) > rank(*report.severity))
            report.severity = alert.severity;
    }

    // First alert: the earliest raised in the window (one raised before it counts at its real time).
    if (!report.alerts.isEmpty()) {
        const Alert &first = report.alerts.constFirst();
        report.firstAlertAt = first.since;
        report.firstAlert = alertLine(first);
    }

    // A drill's detection is its alert being raised: it counts when the alert log has no earlier row
    // (e.g. `opsdeck drill` ran without the app recording alerts).
    for (const DrillRun &run : std::as_const(report.drills)) {
        if (run.detectedAt.isValid()
            && (!report.firstAlertAt.isValid() || run.detectedAt < report.firstAlertAt)) {
            report.firstAlertAt = run.detectedAt;
            report.firstAlert
                = QStringLiteral("%1 raised (detected by the %2 drill)")
                      .arg(run.alertId.isEmpty() ? QStringLiteral("alert") : run.alertId, run.scenario);
        }
    }

    // First fault: the earliest fault-like moment — a drill's injection is exact, the timeline's
    // warnings (an Event, a health or breaker change) are the next best thing.
    struct Candidate
    {
        QDateTime at;
        QString what;
    };
    QList<Candidate> faults;
    for (const DrillRun &run : std::as_const(report.drills)) {
        if (run.faultAt.isValid())
            faults << Candidate {
                run.faultAt,
                QStringLiteral("Drill %1 injected into %2").arg(run.scenario, serviceLabel(run.service))
            };
    }
    for (const TimelineEntry &entry : std::as_const(report.timeline)) {
        if (!isFaultLike(entry))
            continue;
        QString what = entry.title;
        if (!entry.service.name.isEmpty() && !what.contains(entry.service.name))
            what += QStringLiteral(" (%1)").arg(serviceLabel(entry.service));
        faults << Candidate { entry.at, what };
    }
    std::stable_sort(faults.begin(), faults.end(),
                     [](const Candidate &a, const Candidate &b) { return a.at < b.at; });
    if (!faults.isEmpty()) {
        report.firstFaultAt = faults.constFirst().at;
        report.firstFault = faults.constFirst().what;
    }

    // Resolved when nothing is left burning at the end of the window: every alert ended, every drill
    // recovered (or at least cleared).
    bool open = false;
    QDateTime last;
    for (const Alert &alert : std::as_const(report.alerts)) {
        if (!alert.ended.isValid() || alert.ended > report.to)
            open = true;
        else if (!last.isValid() || alert.ended > last)
            last = alert.ended;
    }
    for (const DrillRun &run : std::as_const(report.drills)) {
        const QDateTime end = run.recoveredAt.isValid() ? run.recoveredAt : QDateTime();
        if (!end.isValid() || end > report.to)
            open = true;
        else if (!last.isValid() || end > last)
            last = end;
    }
    if (open) {
        report.resolution = QStringLiteral("Still active at the end of the window");
    } else if (last.isValid()) {
        report.resolvedAt = last;
        report.resolution = report.alerts.isEmpty() ? QStringLiteral("The service recovered")
                                                    : QStringLiteral("Every alert ended");
    } else {
        report.resolution = QStringLiteral("No alert or drill in the window");
    }

    if (!inputs.title.trimmed().isEmpty()) {
        report.title = inputs.title.trimmed();
    } else {
        QStringList names;
        for (const ServiceKey &key : std::as_const(report.services)) {
            if (!names.contains(key.name))
                names << key.name;
        }
        const QString what = names.isEmpty() ? QStringLiteral("Incident") : names.join(QStringLiteral(", "));
        const QDateTime start = report.startedAt();
        report.title = QStringLiteral("%1 — %2").arg(
            what,
            start.isValid()
                ? start.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")) + QStringLiteral(" UTC")
                : QStringLiteral("unknown time"));
        if (!names.isEmpty())
            report.title.prepend(QStringLiteral("Incident: "));
    }
    return report;
}

std::optional<qint64> RcaReport::detectionSeconds() const
{
    if (!firstFaultAt.isValid() || !firstAlertAt.isValid() || firstAlertAt < firstFaultAt)
        return std::nullopt;
    return roundedSeconds(firstFaultAt, firstAlertAt);
}

std::optional<qint64> RcaReport::resolveSeconds() const
{
    const QDateTime start = firstFaultAt.isValid() ? firstFaultAt : firstAlertAt;
    if (!resolvedAt.isValid() || !start.isValid() || resolvedAt < start)
        return std::nullopt;
    return roundedSeconds(start, resolvedAt);
}

QDateTime RcaReport::startedAt() const
{
    if (firstFaultAt.isValid() && (!firstAlertAt.isValid() || firstFaultAt <= firstAlertAt))
        return firstFaultAt;
    if (firstAlertAt.isValid())
        return firstAlertAt;
    return from;
}

QString RcaReport::serviceLabel(const ServiceKey &service)
{
    if (service.name.isEmpty())
        return QStringLiteral("the whole estate");
    if (service.context.isEmpty() && service.ns.isEmpty())
        return service.name;
    return QStringLiteral("%1 (%2/%3)").arg(service.name, service.context, service.ns);
}

QString RcaReport::dateTimeLabel(const QDateTime &time)
{
    if (!time.isValid())
        return QStringLiteral("—");
    return time.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) + QStringLiteral(" UTC");
}

QString RcaReport::timeLabel(const QDateTime &time) const
{
    if (!time.isValid())
        return QStringLiteral("—");
    const QDateTime t = time.toUTC();
    if (from.isValid() && to.isValid() && from.date() == to.date() && t.date() == from.date())
        return t.toString(QStringLiteral("HH:mm:ss"));
    return t.toString(QStringLiteral("MM-dd HH:mm:ss"));
}

QString RcaReport::durationLabel(qint64 seconds)
{
    if (seconds < 0)
        seconds = 0;
    if (seconds < 60)
        return QStringLiteral("%1 s").arg(seconds);
    if (seconds < 3600)
        return QStringLiteral("%1 min %2 s").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
    if (seconds < 86400)
        return QStringLiteral("%1 h %2 min")
            .arg(seconds / 3600)
            .arg((seconds % 3600) / 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 d %2 h").arg(seconds / 86400).arg((seconds % 86400) / 3600);
}

QString RcaReport::windowLabel() const
{
    if (!from.isValid() || !to.isValid())
        return QStringLiteral("—");
    // Seconds only when a bound has them (a window picked to the minute reads better without).
    const bool seconds = from.time().second() != 0 || to.time().second() != 0;
    const QString time = seconds ? QStringLiteral("HH:mm:ss") : QStringLiteral("HH:mm");
    const QString end
        = from.date() == to.date() ? to.toString(time) : to.toString(QStringLiteral("yyyy-MM-dd ") + time);
    return QStringLiteral("%1 → %2 UTC (%3)")
        .arg(from.toString(QStringLiteral("yyyy-MM-dd ") + time), end, durationLabel(from.secsTo(to)));
}

QString RcaReport::severityLabel() const
{
    if (!severity)
        return QStringLiteral("Not set");
    switch (*severity) {
    case Alert::Severity::Critical:
        return QStringLiteral("Critical");
    case Alert::Severity::Warning:
        return QStringLiteral("Warning");
    case Alert::Severity::Info:
        return QStringLiteral("Info");
    }
    return QStringLiteral("Not set");
}

qint64 RcaReport::alertSecondsFor(const ServiceKey &service) const
{
    // The union of the service's alert intervals clipped to the window: two alerts at once count once.
    QList<std::pair<QDateTime, QDateTime>> spans;
    for (const Alert &alert : alerts) {
        if (!(alert.service == service))
            continue;
        const QDateTime start = std::max(alert.since, from);
        const QDateTime end = alert.ended.isValid() ? std::min(alert.ended, to) : to;
        if (end > start)
            spans.append({ start, end });
    }
    std::sort(spans.begin(), spans.end());
    qint64 total = 0;
    QDateTime reached;
    for (const auto &[start, end] : std::as_const(spans)) {
        const QDateTime begin = reached.isValid() ? std::max(start, reached) : start;
        if (end > begin)
            total += begin.secsTo(end);
        if (!reached.isValid() || end > reached)
            reached = end;
    }
    return total;
}

} // namespace Opsdeck
