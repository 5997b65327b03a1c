#include "snapshotwriter.h"

#include "format.h"
#include "servicestore.h"

#include <QJsonArray>

#include <algorithm>

namespace Opsdeck {

namespace {

QJsonValue optionalInt(const std::optional<int> &value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

QJsonValue track(const TrackSummary &t)
{
    if (!t.present)
        return QJsonValue(QJsonValue::Null);
    return QJsonObject{{QStringLiteral("deployment"), t.deployment},
                       {QStringLiteral("desired"), t.desired},
                       {QStringLiteral("ready"), t.ready},
                       {QStringLiteral("updated"), t.updated},
                       {QStringLiteral("available"), t.available},
                       {QStringLiteral("revision"), t.revision},
                       {QStringLiteral("image"), t.image},
                       {QStringLiteral("rolloutInProgress"), t.rolloutInProgress},
                       {QStringLiteral("rolloutStuck"), t.rolloutStuck}};
}

QString trackWord(Track t)
{
    switch (t) {
    case Track::Stable:
        return QStringLiteral("stable");
    case Track::Canary:
        return QStringLiteral("canary");
    case Track::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

QJsonObject service(const ServiceStore &store, const ServiceSummary &s)
{
    QJsonArray pods;
    for (const PodInfo &pod : store.pods(s.key)) {
        QJsonObject p{{QStringLiteral("name"), pod.name},
                      {QStringLiteral("track"), trackWord(pod.track)},
                      {QStringLiteral("phase"), pod.phase},
                      {QStringLiteral("ready"), pod.ready},
                      {QStringLiteral("restarts"), pod.restarts},
                      {QStringLiteral("waitingReason"), pod.waitingReason.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(pod.waitingReason)},
                      {QStringLiteral("node"), pod.node},
                      {QStringLiteral("cpuMillicores"), pod.cpuMillicores ? QJsonValue(double(*pod.cpuMillicores)) : QJsonValue(QJsonValue::Null)},
                      {QStringLiteral("memoryBytes"), pod.memoryBytes ? QJsonValue(double(*pod.memoryBytes)) : QJsonValue(QJsonValue::Null)}};
        pods.append(p);
    }
    QJsonValue hpa(QJsonValue::Null);
    if (s.hpa.present) {
        hpa = QJsonObject{{QStringLiteral("name"), s.hpa.name},
                          {QStringLiteral("current"), s.hpa.current},
                          {QStringLiteral("desired"), s.hpa.desired},
                          {QStringLiteral("min"), s.hpa.min},
                          {QStringLiteral("max"), s.hpa.max},
                          {QStringLiteral("cpuPercent"), optionalInt(s.hpa.cpuPercent)},
                          {QStringLiteral("targetPercent"), optionalInt(s.hpa.targetPercent)}};
    }
    QJsonValue warning(QJsonValue::Null);
    if (s.lastWarning) {
        warning = QJsonObject{{QStringLiteral("reason"), s.lastWarning->reason},
                              {QStringLiteral("message"), s.lastWarning->message},
                              {QStringLiteral("object"), QStringLiteral("%1/%2").arg(s.lastWarning->involvedKind, s.lastWarning->involvedName)},
                              {QStringLiteral("count"), s.lastWarning->count},
                              {QStringLiteral("lastSeen"), s.lastWarning->lastTime.isValid() ? QJsonValue(Format::rfc3339(s.lastWarning->lastTime)) : QJsonValue(QJsonValue::Null)}};
    }
    QJsonArray report;
    QJsonValue reportCheckedAt(QJsonValue::Null);
    for (const HealthReport &r : store.healthReports(s.key)) {
        if (r.checkedAt.isValid() && (reportCheckedAt.isNull() || Format::rfc3339(r.checkedAt) > reportCheckedAt.toString()))
            reportCheckedAt = Format::rfc3339(r.checkedAt);
        for (const HealthEntry &e : r.entries) {
            QJsonObject o{{QStringLiteral("name"), e.name},
                          {QStringLiteral("status"), toString(e.status)},
                          {QStringLiteral("description"), e.description},
                          {QStringLiteral("durationMs"), e.durationMs},
                          {QStringLiteral("track"), r.track == Track::Unknown ? QJsonValue(QJsonValue::Null) : QJsonValue(trackWord(r.track))},
                          {QStringLiteral("stale"), r.error.has_value()}};
            if (!e.circuitState.isEmpty())
                o.insert(QStringLiteral("circuitState"), e.circuitState);
            report.append(o);
        }
    }
    QJsonArray breakers;
    for (const BreakerSummary &b : s.breakers)
        breakers.append(QJsonObject{{QStringLiteral("name"), b.name},
                                    {QStringLiteral("state"), toString(b.state)},
                                    {QStringLiteral("since"), b.since.isValid() ? QJsonValue(Format::rfc3339(b.since)) : QJsonValue(QJsonValue::Null)},
                                    {QStringLiteral("track"), b.track == Track::Unknown ? QJsonValue(QJsonValue::Null) : QJsonValue(trackWord(b.track))}});
    return QJsonObject{{QStringLiteral("namespace"), s.key.ns},
                       {QStringLiteral("resourceHealth"), toString(s.resourceHealth)},
                       {QStringLiteral("healthReport"), report},
                       {QStringLiteral("healthReportStatus"), s.reportStatus ? QJsonValue(toString(*s.reportStatus)) : QJsonValue(QJsonValue::Null)},
                       {QStringLiteral("healthReportCheckedAt"), reportCheckedAt},
                       {QStringLiteral("healthReportError"), s.reportError.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s.reportError)},
                       {QStringLiteral("breakers"), breakers},
                       {QStringLiteral("stale"), s.stale},
                       {QStringLiteral("staleSince"), s.stale && s.staleSince.isValid() ? QJsonValue(Format::rfc3339(s.staleSince)) : QJsonValue(QJsonValue::Null)},
                       {QStringLiteral("name"), s.key.name},
                       {QStringLiteral("health"), toString(s.health)},
                       {QStringLiteral("stable"), track(s.stable)},
                       {QStringLiteral("canary"), track(s.canary)},
                       {QStringLiteral("canaryWeight"), s.canaryWeight ? QJsonValue(*s.canaryWeight) : QJsonValue(QJsonValue::Null)},
                       {QStringLiteral("canaryWeightSource"), s.canaryWeight ? QJsonValue(s.canaryWeightSource) : QJsonValue(QJsonValue::Null)},
                       {QStringLiteral("hpa"), hpa},
                       {QStringLiteral("restarts"), s.restarts},
                       {QStringLiteral("crashLoopBackOff"), s.crashLooping},
                       {QStringLiteral("rolloutInProgress"), s.rolloutInProgress()},
                       {QStringLiteral("lastWarning"), warning},
                       {QStringLiteral("pods"), pods}};
}

} // namespace

QString SnapshotWriter::stateWord(SourceStatus::State state)
{
    switch (state) {
    case SourceStatus::State::Ok:
        return QStringLiteral("Ok");
    case SourceStatus::State::Degraded:
        return QStringLiteral("Degraded");
    case SourceStatus::State::Connecting:
    case SourceStatus::State::Down:
        break;
    }
    return QStringLiteral("Down");
}

QJsonObject SnapshotWriter::toJson(const ServiceStore &store, const QStringList &contexts, const QList<SourceRecord> &sources,
                                   const QDateTime &generatedAt)
{
    QStringList names = store.contexts();
    for (const QString &name : contexts) {
        if (!name.isEmpty() && !names.contains(name))
            names.append(name);
    }
    std::sort(names.begin(), names.end());

    QHash<QString, QList<const ServiceSummary *>> byContext;
    for (int row = 0; row < store.serviceCount(); ++row) {
        const ServiceSummary &s = store.serviceAt(row);
        byContext[s.key.context].append(&s);
    }
    QJsonArray contextArray;
    for (const QString &name : std::as_const(names)) {
        QList<const ServiceSummary *> services = byContext.value(name);
        std::sort(services.begin(), services.end(), [](const ServiceSummary *a, const ServiceSummary *b) {
            return std::tie(a->key.ns, a->key.name) < std::tie(b->key.ns, b->key.name);
        });
        QJsonArray serviceArray;
        for (const ServiceSummary *s : std::as_const(services))
            serviceArray.append(service(store, *s));
        const ContextState state = store.contextState(name);
        contextArray.append(QJsonObject{
            {QStringLiteral("name"), name},
            {QStringLiteral("synced"), state.isSynced()},
            {QStringLiteral("lastUpdate"), state.lastUpdate.isValid() ? QJsonValue(Format::rfc3339(state.lastUpdate)) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("services"), serviceArray}});
    }

    QJsonArray sourceArray;
    for (const SourceRecord &source : sources) {
        QJsonObject o{{QStringLiteral("name"), source.name},
                      {QStringLiteral("kind"), source.kind},
                      {QStringLiteral("state"), stateWord(source.status.state)},
                      {QStringLiteral("lastSuccess"), source.status.lastSuccess.isValid() ? QJsonValue(Format::rfc3339(source.status.lastSuccess)) : QJsonValue(QJsonValue::Null)}};
        if (source.status.error)
            o.insert(QStringLiteral("error"), toString(*source.status.error));
        // The source's own circuit breakers (DESIGN §5): the worst, and every one not Closed.
        const QList<BreakerState> own = store.sourceBreakers(source.name);
        BreakerState::State worst = BreakerState::State::Closed;
        QJsonArray openBreakers;
        for (const BreakerState &b : own) {
            if (severity(b.state) > severity(worst))
                worst = b.state;
            if (b.state != BreakerState::State::Closed)
                openBreakers.append(QJsonObject{{QStringLiteral("endpoint"), b.strategy},
                                                {QStringLiteral("state"), toString(b.state)},
                                                {QStringLiteral("since"), Format::rfc3339(b.since)}});
        }
        o.insert(QStringLiteral("breaker"), toString(worst));
        o.insert(QStringLiteral("breakers"), openBreakers);
        sourceArray.append(o);
    }
    return QJsonObject{{QStringLiteral("generatedAt"), Format::rfc3339(generatedAt)},
                       {QStringLiteral("contexts"), contextArray},
                       {QStringLiteral("sources"), sourceArray}};
}

} // namespace Opsdeck
