#include "servicestore.h"

#include <QLoggingCategory>

#include <algorithm>

Q_LOGGING_CATEGORY(lcStore, "opsdeck.models.store")

namespace Opsdeck {

struct ServiceStore::Entry
{
    ServiceKey key;
    QSet<QString> pods;
    QSet<QString> deployments;
    QSet<QString> replicaSets;
    QSet<QString> events;
    ServiceSummary summary;
    int row = -1; // -1 until published

    bool isEmpty() const { return pods.isEmpty() && deployments.isEmpty() && replicaSets.isEmpty(); }
};

namespace {

const QString CrashLoopBackOff = QStringLiteral("CrashLoopBackOff");

ResourceKey keyOf(const QString &context, ResourceKind kind, const QString &ns, const QString &name)
{
    return ResourceKey{context, kind, ns, name};
}

std::optional<ResourceKind> kindOfInvolved(const QString &kind)
{
    if (kind == QLatin1String("Pod"))
        return ResourceKind::Pod;
    if (kind == QLatin1String("Deployment"))
        return ResourceKind::Deployment;
    if (kind == QLatin1String("ReplicaSet"))
        return ResourceKind::ReplicaSet;
    if (kind == QLatin1String("HorizontalPodAutoscaler"))
        return ResourceKind::HorizontalPodAutoscaler;
    return std::nullopt;
}

// "<app>-canary" / "<app>-stable" → "<app>": the sim's and the usual naming of per-track Services.
QString stripTrackSuffix(const QString &name)
{
    for (const QLatin1String suffix : {QLatin1String("-canary"), QLatin1String("-stable")}) {
        if (name.endsWith(suffix))
            return name.left(name.size() - suffix.size());
    }
    return name;
}

template<typename Map>
void insertIndex(Map &index, const typename Map::key_type &key, const QString &name)
{
    if (!key.name.isEmpty())
        index[key].insert(name);
}

template<typename Map>
void removeIndex(Map &index, const typename Map::key_type &key, const QString &name)
{
    auto it = index.find(key);
    if (it == index.end())
        return;
    it->remove(name);
    if (it->isEmpty())
        index.erase(it);
}

} // namespace

bool ContextState::isSynced() const
{
    return synced.contains(ResourceKind::Pod) && synced.contains(ResourceKind::Deployment);
}

bool ContextState::isStale() const
{
    if (!sourceStatus)
        return false;
    if (sourceStatus->state == SourceStatus::State::Down)
        return true;
    // Degraded because metrics-server or a CRD is missing is a permanent fact, not stale data.
    return sourceStatus->state == SourceStatus::State::Degraded
           && !(sourceStatus->error && sourceStatus->error->kind == ErrorKind::NotFound);
}

ServiceStore::ServiceStore(QObject *parent)
    : QObject(parent)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(FlushIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &ServiceStore::flush);
}

ServiceStore::~ServiceStore() = default;

const ServiceSummary &ServiceStore::serviceAt(int row) const
{
    Q_ASSERT(row >= 0 && row < m_rows.size());
    return m_rows.at(row)->summary;
}

int ServiceStore::rowOf(const ServiceKey &key) const
{
    const Entry *e = m_entries.value(key);
    return e ? e->row : -1;
}

const ServiceSummary *ServiceStore::service(const ServiceKey &key) const
{
    const Entry *e = m_entries.value(key);
    return e && e->row >= 0 ? &e->summary : nullptr;
}

QList<PodInfo> ServiceStore::pods(const ServiceKey &key) const
{
    QList<PodInfo> result;
    const Entry *e = m_entries.value(key);
    if (!e)
        return result;
    result.reserve(e->pods.size());
    for (const QString &name : e->pods) {
        const ResourceKey podKey = keyOf(key.context, ResourceKind::Pod, key.ns, name);
        PodInfo pod = m_pods.value(podKey);
        const auto metrics = m_podMetrics.constFind(podKey);
        if (metrics != m_podMetrics.cend()) {
            pod.cpuMillicores = metrics->cpuMillicores;
            pod.memoryBytes = metrics->memoryBytes;
        }
        result.append(std::move(pod));
    }
    std::sort(result.begin(), result.end(), [](const PodInfo &a, const PodInfo &b) { return a.name < b.name; });
    return result;
}

QList<EventInfo> ServiceStore::events(const ServiceKey &key) const
{
    QList<EventInfo> result;
    const Entry *e = m_entries.value(key);
    if (!e)
        return result;
    result.reserve(e->events.size());
    for (const QString &name : e->events)
        result.append(m_events.value(keyOf(key.context, ResourceKind::Event, key.ns, name)));
    std::sort(result.begin(), result.end(), [](const EventInfo &a, const EventInfo &b) { return a.name < b.name; });
    return result;
}

QStringList ServiceStore::contexts() const
{
    QStringList names = m_contexts.keys();
    std::sort(names.begin(), names.end());
    return names;
}

QStringList ServiceStore::namespaces(const QString &context) const
{
    QSet<QString> seen;
    for (const Entry *e : m_rows) {
        if (context.isEmpty() || e->key.context == context)
            seen.insert(e->key.ns);
    }
    QStringList names(seen.begin(), seen.end());
    std::sort(names.begin(), names.end());
    return names;
}

ContextState ServiceStore::contextState(const QString &context) const
{
    return m_contexts.value(context, ContextState{context, {}, {}, {}, {}, {}});
}

bool ServiceStore::isContextSynced(const QString &context, const QSet<ResourceKind> &kinds) const
{
    const auto it = m_contexts.constFind(context);
    return it != m_contexts.cend() && it->synced.contains(kinds);
}

int ServiceStore::objectCount(ResourceKind kind) const
{
    switch (kind) {
    case ResourceKind::Pod:
        return int(m_pods.size());
    case ResourceKind::PodMetrics:
        return int(m_podMetrics.size());
    case ResourceKind::Deployment:
        return int(m_deployments.size());
    case ResourceKind::ReplicaSet:
        return int(m_replicaSets.size());
    case ResourceKind::HorizontalPodAutoscaler:
        return int(m_hpas.size());
    case ResourceKind::Ingress:
        return int(m_ingresses.size());
    case ResourceKind::HttpRoute:
        return int(m_routes.size());
    case ResourceKind::Service:
        return int(m_k8sServices.size());
    case ResourceKind::Event:
        return int(m_events.size());
    }
    return 0;
}

void ServiceStore::apply(const ObservationBatch &batch)
{
    const QDateTime when = batch.producedAt.isValid() ? batch.producedAt : QDateTime::currentDateTimeUtc();
    QSet<QString> touched;
    for (const Observation &observation : batch.observations) {
        if (const auto *delta = std::get_if<ResourceDelta>(&observation)) {
            applyDelta(*delta, batch.sourceId);
            touched.insert(delta->key.context);
        } else if (const auto *status = std::get_if<SourceStatus>(&observation)) {
            setSourceStatus(batch.sourceId, *status);
        } else if (const auto *report = std::get_if<HealthReport>(&observation)) {
            applyHealthReport(*report);
        } else if (const auto *breaker = std::get_if<BreakerState>(&observation)) {
            applyBreaker(*breaker, batch.sourceId);
        }
    }
    finishRelists(); // a relist's survivors were re-added in this batch; the rest are gone
    for (const QString &context : std::as_const(touched)) {
        ContextState &state = m_contexts[context];
        state.name = context;
        if (!state.lastUpdate.isValid() || when > state.lastUpdate)
            state.lastUpdate = when;
    }
    if (!touched.isEmpty())
        m_contextsDirty = true;
    scheduleFlush();
}

void ServiceStore::setSourceStatus(const QString &sourceId, const SourceStatus &status)
{
    m_sourceStatus.insert(sourceId, status);
    for (ContextState &state : m_contexts) {
        if (state.sourceId != sourceId)
            continue;
        const bool wasStale = state.isStale();
        state.sourceStatus = status;
        if (wasStale != state.isStale()) {
            state.staleSince = state.isStale() ? QDateTime::currentDateTimeUtc() : QDateTime();
            markContextDirty(state.name); // Stale comes and goes with the source
        }
    }
    m_contextsDirty = true;
    scheduleFlush();
}

void ServiceStore::applyDelta(const ResourceDelta &delta, const QString &sourceId)
{
    const ResourceKey &key = delta.key;
    ContextState &context = m_contexts[key.context];
    if (context.name.isEmpty()) {
        context.name = key.context;
        m_contextsDirty = true;
    }
    if (context.sourceId.isEmpty() && !sourceId.isEmpty()) {
        context.sourceId = sourceId;
        if (m_sourceStatus.contains(sourceId)) {
            context.sourceStatus = m_sourceStatus.value(sourceId);
            if (context.isStale())
                context.staleSince = QDateTime::currentDateTimeUtc();
        }
    }
    switch (delta.type) {
    case ResourceDelta::Type::Added:
    case ResourceDelta::Type::Modified:
        m_relistLeft.remove(key);
        upsert(key, delta.object);
        break;
    case ResourceDelta::Type::Deleted:
        m_relistLeft.remove(key);
        remove(key);
        break;
    case ResourceDelta::Type::Relisted:
        beginRelist(key);
        break;
    case ResourceDelta::Type::Synced:
        if (!context.synced.contains(key.kind)) {
            const bool before = context.isSynced();
            context.synced.insert(key.kind);
            if (before != context.isSynced())
                markContextDirty(key.context); // Unknown → judged
            m_contextsDirty = true;
        }
        break;
    }
}

void ServiceStore::applyHealthReport(const HealthReport &report)
{
    HealthData &data = m_health[report.service];
    const int track = int(report.track);
    const auto old = data.reports.constFind(track);
    HealthReport next = report;
    if (next.error && next.entries.isEmpty() && old != data.reports.cend() && !old->entries.isEmpty()) {
        // The endpoint failed: the last good report stays, marked stale by the error (DESIGN §5).
        next = *old;
        next.error = report.error;
    }
    if (old != data.reports.cend() && *old == next)
        return;
    data.reports.insert(track, next);
    markDirty(report.service);
    m_detailDirty.insert(report.service);
    scheduleFlush();
}

void ServiceStore::applyBreaker(const BreakerState &breaker, const QString &sourceId)
{
    if (breaker.service.name.isEmpty()) {
        QMap<QString, BreakerState> &own = m_sourceBreakers[sourceId];
        const auto old = own.constFind(breaker.strategy);
        if (old != own.cend() && old->state == breaker.state)
            return;
        own.insert(breaker.strategy, breaker);
        m_contextsDirty = true;
        scheduleFlush();
        return;
    }
    HealthData &data = m_health[breaker.service];
    const QString key = QStringLiteral("%1|%2|%3").arg(int(breaker.track)).arg(breaker.pipeline, breaker.strategy);
    const auto old = data.breakers.constFind(key);
    if (old != data.breakers.cend() && *old == breaker)
        return;
    const QString name = breaker.strategy.isEmpty() ? breaker.pipeline : breaker.pipeline + u'/' + breaker.strategy;
    if (old == data.breakers.cend() || old->state != breaker.state) {
        // The service's own transition time orders the timeline, unless its clock disagrees with ours
        // (a simulator's virtual clock, skew): then when we saw it.
        QDateTime at = breaker.since.isValid() ? breaker.since : QDateTime::currentDateTimeUtc();
        for (const BreakerTransition &t : std::as_const(data.history)) {
            if (t.name == name && t.track == breaker.track && t.at > at)
                at = QDateTime::currentDateTimeUtc();
        }
        data.history.append(BreakerTransition{name, breaker.track, breaker.state, at});
        std::stable_sort(data.history.begin(), data.history.end(),
                         [](const BreakerTransition &a, const BreakerTransition &b) { return a.at < b.at; });
        // Bounded: drop the oldest beyond the limit or the window, but keep each breaker's latest point.
        const QDateTime horizon = QDateTime::currentDateTimeUtc().addSecs(-3600LL * BreakerHistoryHours);
        for (qsizetype i = 0; i < data.history.size() && (data.history.size() > BreakerHistoryLimit || data.history[i].at < horizon);) {
            const BreakerTransition &t = data.history[i];
            const bool laterExists = std::any_of(data.history.cbegin() + i + 1, data.history.cend(), [&](const BreakerTransition &u) {
                return u.name == t.name && u.track == t.track;
            });
            if (laterExists)
                data.history.removeAt(i);
            else
                ++i;
        }
    }
    data.breakers.insert(key, breaker);
    markDirty(breaker.service);
    m_detailDirty.insert(breaker.service);
    scheduleFlush();
}

QList<HealthReport> ServiceStore::healthReports(const ServiceKey &key) const
{
    const auto it = m_health.constFind(key);
    if (it == m_health.cend())
        return {};
    QList<HealthReport> reports = it->reports.values();
    // Stable, canary, then a report not per track.
    std::sort(reports.begin(), reports.end(), [](const HealthReport &a, const HealthReport &b) {
        const auto rank = [](Track t) { return t == Track::Stable ? 0 : t == Track::Canary ? 1 : 2; };
        return rank(a.track) < rank(b.track);
    });
    return reports;
}

QList<BreakerTransition> ServiceStore::breakerHistory(const ServiceKey &key) const
{
    const auto it = m_health.constFind(key);
    return it == m_health.cend() ? QList<BreakerTransition>() : it->history;
}

QList<BreakerState> ServiceStore::sourceBreakers(const QString &sourceId) const
{
    return m_sourceBreakers.value(sourceId).values();
}

void ServiceStore::beginRelist(const ResourceKey &scope)
{
    // A relist is rare (410 Gone, dropped watch): one pass over that kind is fine here.
    const auto collect = [&](const auto &map) {
        for (auto it = map.cbegin(); it != map.cend(); ++it) {
            if (it.key().context == scope.context && (scope.ns.isEmpty() || it.key().ns == scope.ns))
                m_relistLeft.insert(it.key());
        }
    };
    switch (scope.kind) {
    case ResourceKind::Pod:
        collect(m_pods);
        break;
    case ResourceKind::PodMetrics:
        for (auto it = m_podMetrics.cbegin(); it != m_podMetrics.cend(); ++it) {
            if (it.key().context == scope.context && (scope.ns.isEmpty() || it.key().ns == scope.ns))
                m_relistLeft.insert(keyOf(scope.context, ResourceKind::PodMetrics, it.key().ns, it.key().name));
        }
        break;
    case ResourceKind::Deployment:
        collect(m_deployments);
        break;
    case ResourceKind::ReplicaSet:
        collect(m_replicaSets);
        break;
    case ResourceKind::HorizontalPodAutoscaler:
        collect(m_hpas);
        break;
    case ResourceKind::Ingress:
        collect(m_ingresses);
        break;
    case ResourceKind::HttpRoute:
        collect(m_routes);
        break;
    case ResourceKind::Service:
        collect(m_k8sServices);
        break;
    case ResourceKind::Event:
        collect(m_events);
        break;
    }
}

void ServiceStore::finishRelists()
{
    if (m_relistLeft.isEmpty())
        return;
    const QSet<ResourceKey> gone = std::exchange(m_relistLeft, {});
    for (const ResourceKey &key : gone)
        remove(key);
}

ServiceStore::Entry *ServiceStore::entry(const ServiceKey &key, bool create)
{
    Entry *e = m_entries.value(key);
    if (e || !create)
        return e;
    auto owned = std::make_unique<Entry>();
    owned->key = key;
    owned->summary.key = key;
    e = owned.get();
    m_owned.push_back(std::move(owned));
    m_entries.insert(key, e);
    m_pendingNew.append(e);
    return e;
}

void ServiceStore::setOwner(const ResourceKey &key, const std::optional<ServiceKey> &owner, MemberSet members)
{
    const auto it = m_ownerOf.find(key);
    if (it != m_ownerOf.end()) {
        if (owner && *it == *owner) {
            markDirty(*owner);
            return;
        }
        if (Entry *old = m_entries.value(*it)) {
            (old->*members).remove(key.name);
            markDirty(old);
        }
        m_ownerOf.erase(it);
    }
    if (!owner)
        return;
    Entry *e = entry(*owner, true);
    (e->*members).insert(key.name);
    m_ownerOf.insert(key, *owner);
    markDirty(e);
}

void ServiceStore::markDirty(const ServiceKey &key)
{
    if (Entry *e = m_entries.value(key))
        markDirty(e);
}

void ServiceStore::markDirty(Entry *e)
{
    m_dirty.insert(e);
    m_detailDirty.insert(e->key);
}

void ServiceStore::markContextDirty(const QString &context)
{
    for (Entry *e : std::as_const(m_entries)) {
        if (e->key.context == context)
            m_dirty.insert(e);
    }
}

void ServiceStore::upsert(const ResourceKey &key, const KubernetesObject &object)
{
    const auto serviceOf = [&key](const QString &app) -> std::optional<ServiceKey> {
        if (app.isEmpty())
            return std::nullopt;
        return ServiceKey{key.context, key.ns, app};
    };
    if (const auto *pod = std::get_if<PodInfo>(&object)) {
        m_pods.insert(key, *pod);
        setOwner(key, serviceOf(pod->app), &Entry::pods);
        attachWaitingEvents(key);
    } else if (const auto *metrics = std::get_if<PodMetricsInfo>(&object)) {
        const ResourceKey podKey = keyOf(key.context, ResourceKind::Pod, key.ns, key.name);
        m_podMetrics.insert(podKey, *metrics);
        if (const auto owner = m_ownerOf.constFind(podKey); owner != m_ownerOf.cend())
            markDirty(*owner);
    } else if (const auto *deployment = std::get_if<DeploymentInfo>(&object)) {
        m_deployments.insert(key, *deployment);
        setOwner(key, serviceOf(deployment->app), &Entry::deployments);
        attachWaitingEvents(key);
    } else if (const auto *rs = std::get_if<ReplicaSetInfo>(&object)) {
        m_replicaSets.insert(key, *rs);
        setOwner(key, serviceOf(rs->app), &Entry::replicaSets);
        attachWaitingEvents(key);
    } else if (const auto *hpa = std::get_if<HpaInfo>(&object)) {
        const auto old = m_hpas.constFind(key);
        if (old != m_hpas.cend()) {
            const ResourceKey oldTarget = keyOf(key.context, ResourceKind::Deployment, key.ns, old->targetName);
            removeIndex(m_hpasByTarget, oldTarget, key.name);
            markDirty(m_ownerOf.value(oldTarget));
        }
        m_hpas.insert(key, *hpa);
        if (hpa->targetKind.isEmpty() || hpa->targetKind == QLatin1String("Deployment")) {
            const ResourceKey target = keyOf(key.context, ResourceKind::Deployment, key.ns, hpa->targetName);
            insertIndex(m_hpasByTarget, target, key.name);
            if (const auto owner = m_ownerOf.constFind(target); owner != m_ownerOf.cend())
                markDirty(*owner);
        }
        attachWaitingEvents(key);
    } else if (const auto *ingress = std::get_if<IngressInfo>(&object)) {
        remove(key); // re-index from scratch: backend or canary flag may have changed
        m_ingresses.insert(key, *ingress);
        if (ingress->canary) {
            insertIndex(m_canaryIngressesByBackend, keyOf(key.context, ResourceKind::Service, key.ns, ingress->backendService), key.name);
            if (const auto owner = ownerOfBackend(key.context, key.ns, ingress->backendService))
                markDirty(*owner);
        }
    } else if (const auto *route = std::get_if<HttpRouteInfo>(&object)) {
        remove(key);
        m_routes.insert(key, *route);
        for (const BackendRef &ref : route->backendRefs) {
            insertIndex(m_routesByBackend, keyOf(key.context, ResourceKind::Service, key.ns, ref.name), key.name);
            if (const auto owner = ownerOfBackend(key.context, key.ns, ref.name))
                markDirty(*owner);
        }
    } else if (const auto *service = std::get_if<ServiceInfo>(&object)) {
        remove(key);
        m_k8sServices.insert(key, *service);
        if (!service->selectorApp.isEmpty()) {
            const ServiceKey app{key.context, key.ns, service->selectorApp};
            m_k8sServicesByApp[app].insert(key.name);
            markDirty(app);
        }
    } else if (const auto *event = std::get_if<EventInfo>(&object)) {
        detachEvent(key);
        m_events.insert(key, *event);
        if (const auto owner = ownerOfEvent(key, *event)) {
            setOwner(key, owner, &Entry::events);
        } else if (const auto kind = kindOfInvolved(event->involvedKind)) {
            // Its object is not known yet (informers list in any order): attach when it arrives.
            const ResourceKey involved = keyOf(key.context, *kind, key.ns, event->involvedName);
            m_waitingEvents[involved].insert(key.name);
            m_eventWaitsFor.insert(key, involved);
        }
    } else {
        qCWarning(lcStore) << "ignoring an empty object for" << toString(key.kind) << key.ns << key.name;
    }
}

void ServiceStore::remove(const ResourceKey &key)
{
    switch (key.kind) {
    case ResourceKind::Pod:
        if (m_pods.remove(key)) {
            m_podMetrics.remove(key);
            setOwner(key, std::nullopt, &Entry::pods);
        }
        break;
    case ResourceKind::PodMetrics: {
        const ResourceKey podKey = keyOf(key.context, ResourceKind::Pod, key.ns, key.name);
        if (m_podMetrics.remove(podKey))
            markDirty(m_ownerOf.value(podKey));
        break;
    }
    case ResourceKind::Deployment:
        if (m_deployments.remove(key))
            setOwner(key, std::nullopt, &Entry::deployments);
        break;
    case ResourceKind::ReplicaSet:
        if (m_replicaSets.remove(key))
            setOwner(key, std::nullopt, &Entry::replicaSets);
        break;
    case ResourceKind::HorizontalPodAutoscaler: {
        const auto it = m_hpas.constFind(key);
        if (it == m_hpas.cend())
            break;
        const ResourceKey target = keyOf(key.context, ResourceKind::Deployment, key.ns, it->targetName);
        removeIndex(m_hpasByTarget, target, key.name);
        markDirty(m_ownerOf.value(target));
        m_hpas.erase(it);
        break;
    }
    case ResourceKind::Ingress: {
        const auto it = m_ingresses.constFind(key);
        if (it == m_ingresses.cend())
            break;
        if (it->canary) {
            removeIndex(m_canaryIngressesByBackend, keyOf(key.context, ResourceKind::Service, key.ns, it->backendService), key.name);
            if (const auto owner = ownerOfBackend(key.context, key.ns, it->backendService))
                markDirty(*owner);
        }
        m_ingresses.erase(it);
        break;
    }
    case ResourceKind::HttpRoute: {
        const auto it = m_routes.constFind(key);
        if (it == m_routes.cend())
            break;
        for (const BackendRef &ref : it->backendRefs) {
            removeIndex(m_routesByBackend, keyOf(key.context, ResourceKind::Service, key.ns, ref.name), key.name);
            if (const auto owner = ownerOfBackend(key.context, key.ns, ref.name))
                markDirty(*owner);
        }
        m_routes.erase(it);
        break;
    }
    case ResourceKind::Service: {
        const auto it = m_k8sServices.constFind(key);
        if (it == m_k8sServices.cend())
            break;
        if (!it->selectorApp.isEmpty()) {
            const ServiceKey app{key.context, key.ns, it->selectorApp};
            auto names = m_k8sServicesByApp.find(app);
            if (names != m_k8sServicesByApp.end()) {
                names->remove(key.name);
                if (names->isEmpty())
                    m_k8sServicesByApp.erase(names);
            }
            markDirty(app);
        }
        m_k8sServices.erase(it);
        break;
    }
    case ResourceKind::Event:
        if (m_events.remove(key))
            detachEvent(key);
        break;
    }
}

void ServiceStore::attachWaitingEvents(const ResourceKey &involved)
{
    const auto it = m_waitingEvents.find(involved);
    if (it == m_waitingEvents.end())
        return;
    const QSet<QString> names = std::move(*it);
    m_waitingEvents.erase(it);
    for (const QString &name : names) {
        const ResourceKey eventKey = keyOf(involved.context, ResourceKind::Event, involved.ns, name);
        m_eventWaitsFor.remove(eventKey);
        const auto event = m_events.constFind(eventKey);
        if (event == m_events.cend())
            continue;
        if (const auto owner = ownerOfEvent(eventKey, *event))
            setOwner(eventKey, owner, &Entry::events);
    }
}

void ServiceStore::detachEvent(const ResourceKey &eventKey)
{
    setOwner(eventKey, std::nullopt, &Entry::events);
    const auto waits = m_eventWaitsFor.find(eventKey);
    if (waits != m_eventWaitsFor.end()) {
        removeIndex(m_waitingEvents, *waits, eventKey.name);
        m_eventWaitsFor.erase(waits);
    }
}

std::optional<ServiceKey> ServiceStore::ownerOfEvent(const ResourceKey &eventKey, const EventInfo &event) const
{
    const auto kind = kindOfInvolved(event.involvedKind);
    if (!kind)
        return std::nullopt;
    ResourceKey involved = keyOf(eventKey.context, *kind, eventKey.ns, event.involvedName);
    if (*kind == ResourceKind::HorizontalPodAutoscaler) {
        const auto hpa = m_hpas.constFind(involved);
        if (hpa == m_hpas.cend())
            return std::nullopt;
        involved = keyOf(eventKey.context, ResourceKind::Deployment, eventKey.ns, hpa->targetName);
    }
    const auto owner = m_ownerOf.constFind(involved);
    if (owner == m_ownerOf.cend())
        return std::nullopt;
    return *owner;
}

std::optional<ServiceKey> ServiceStore::ownerOfBackend(const QString &context, const QString &ns, const QString &backend) const
{
    if (backend.isEmpty())
        return std::nullopt;
    const auto service = m_k8sServices.constFind(keyOf(context, ResourceKind::Service, ns, backend));
    if (service != m_k8sServices.cend() && !service->selectorApp.isEmpty())
        return ServiceKey{context, ns, service->selectorApp};
    return ServiceKey{context, ns, stripTrackSuffix(backend)};
}

QStringList ServiceStore::backendsOf(const ServiceKey &key) const
{
    // The Services selecting this app, plus the conventional names for when a Service is not known.
    QStringList names = m_k8sServicesByApp.value(key).values();
    for (const QString &name : {key.name, key.name + QStringLiteral("-canary"), key.name + QStringLiteral("-stable")}) {
        if (!names.contains(name))
            names.append(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

ServiceSummary ServiceStore::summarize(const Entry &e) const
{
    ServiceSummary s;
    s.key = e.key;
    const QString &ctx = e.key.context;
    const QString &ns = e.key.ns;

    QStringList deployments = e.deployments.values();
    std::sort(deployments.begin(), deployments.end());
    for (const QString &name : std::as_const(deployments)) {
        const ResourceKey key = keyOf(ctx, ResourceKind::Deployment, ns, name);
        const DeploymentInfo d = m_deployments.value(key);
        TrackSummary &t = d.track == Track::Canary ? s.canary : s.stable;
        if (!t.present) {
            t.present = true;
            t.deployment = name;
            t.revision = d.revision;
            t.image = d.image;
        }
        t.desired += d.desiredReplicas;
        t.ready += d.readyReplicas;
        t.updated += d.updatedReplicas;
        t.available += d.availableReplicas;
        t.rolloutInProgress = t.rolloutInProgress || d.observedGeneration < d.generation
                              || d.updatedReplicas < d.desiredReplicas || d.availableReplicas < d.updatedReplicas;
        for (const ConditionSummary &c : d.conditions) {
            if ((c.type == QLatin1String("Progressing") && !c.status && c.reason == QLatin1String("ProgressDeadlineExceeded"))
                || (c.type == QLatin1String("ReplicaFailure") && c.status))
                t.rolloutStuck = true;
        }
        // The HPA scaling this Deployment; the stable track's wins (it is the one the sim and most
        // estates autoscale).
        const auto hpas = m_hpasByTarget.constFind(key);
        if (hpas != m_hpasByTarget.cend() && !hpas->isEmpty() && (!s.hpa.present || d.track != Track::Canary)) {
            QStringList names = hpas->values();
            std::sort(names.begin(), names.end());
            const HpaInfo h = m_hpas.value(keyOf(ctx, ResourceKind::HorizontalPodAutoscaler, ns, names.constFirst()));
            s.hpa = HpaSummary{true, h.name.isEmpty() ? names.constFirst() : h.name, h.currentReplicas,
                               h.desiredReplicas, h.minReplicas, h.maxReplicas, h.cpuCurrentPercent,
                               h.cpuTargetPercent, h.scalingLimited};
        }
    }

    qint64 cpu = 0;
    qint64 memory = 0;
    bool haveMetrics = false;
    for (const QString &name : e.pods) {
        const ResourceKey key = keyOf(ctx, ResourceKind::Pod, ns, name);
        const auto pod = m_pods.constFind(key);
        if (pod == m_pods.cend())
            continue;
        s.restarts += pod->restarts;
        if (pod->phase == QLatin1String("Succeeded") || pod->phase == QLatin1String("Failed"))
            continue; // finished pods are history, not capacity
        ++s.pods;
        TrackSummary &t = pod->track == Track::Canary ? s.canary : s.stable;
        ++t.pods;
        if (pod->ready) {
            ++s.readyPods;
            ++t.readyPods;
        }
        if (pod->waitingReason == CrashLoopBackOff)
            ++s.crashLooping;
        const auto metrics = m_podMetrics.constFind(key);
        if (metrics != m_podMetrics.cend()) {
            haveMetrics = true;
            cpu += metrics->cpuMillicores;
            memory += metrics->memoryBytes;
        }
    }
    if (haveMetrics) {
        s.cpuMillicores = cpu;
        s.memoryBytes = memory;
    }

    // Canary weight: the canary Ingress's annotation, else the HTTPRoute's canary backend share.
    const QStringList backends = backendsOf(e.key);
    for (const QString &backend : backends) {
        const auto ingresses = m_canaryIngressesByBackend.constFind(keyOf(ctx, ResourceKind::Service, ns, backend));
        if (ingresses == m_canaryIngressesByBackend.cend() || ingresses->isEmpty())
            continue;
        QStringList names = ingresses->values();
        std::sort(names.begin(), names.end());
        const IngressInfo ingress = m_ingresses.value(keyOf(ctx, ResourceKind::Ingress, ns, names.constFirst()));
        const int total = ingress.canaryWeightTotal > 0 ? ingress.canaryWeightTotal : 100;
        s.canaryWeight = 100.0 * ingress.canaryWeight / total;
        s.canaryWeightSource = QStringLiteral("Ingress %1").arg(names.constFirst());
        break;
    }
    if (!s.canaryWeight) {
        for (const QString &backend : backends) {
            const auto routes = m_routesByBackend.constFind(keyOf(ctx, ResourceKind::Service, ns, backend));
            if (routes == m_routesByBackend.cend() || routes->isEmpty())
                continue;
            QStringList names = routes->values();
            std::sort(names.begin(), names.end());
            const HttpRouteInfo route = m_routes.value(keyOf(ctx, ResourceKind::HttpRoute, ns, names.constFirst()));
            qint64 total = 0;
            qint64 canary = 0;
            for (const BackendRef &ref : route.backendRefs) {
                total += ref.weight;
                if (backends.contains(ref.name) && ref.name.contains(QLatin1String("canary")))
                    canary += ref.weight;
            }
            if (total > 0) {
                s.canaryWeight = 100.0 * double(canary) / double(total);
                s.canaryWeightSource = QStringLiteral("HTTPRoute %1").arg(names.constFirst());
            }
            break;
        }
    }

    for (const QString &name : e.events) {
        const auto event = m_events.constFind(keyOf(ctx, ResourceKind::Event, ns, name));
        if (event == m_events.cend() || !event->warning)
            continue;
        if (!s.lastWarning || event->lastTime > s.lastWarning->lastTime
            || (event->lastTime == s.lastWarning->lastTime && event->name > s.lastWarning->name))
            s.lastWarning = *event;
    }

    const ContextState context = m_contexts.value(ctx);
    s.stale = context.isStale();
    s.staleSince = s.stale ? (context.staleSince.isValid() ? context.staleSince : context.lastUpdate) : QDateTime();
    s.resourceHealth = deriveHealth(s, context.isSynced(), false);

    const auto health = m_health.constFind(e.key);
    if (health != m_health.cend()) {
        QStringList errors;
        for (const HealthReport &report : health->reports) {
            if (report.error)
                errors << report.error->message;
            if (report.entries.isEmpty() && report.status == HealthStatus::Unknown)
                continue; // never read: says nothing about the service
            if (!s.reportStatus || int(report.status) > int(*s.reportStatus))
                s.reportStatus = report.status; // Unknown < Healthy < Degraded < Unhealthy
        }
        s.reportError = errors.join(QStringLiteral("; "));
        for (const BreakerState &b : health->breakers)
            s.breakers.append(BreakerSummary{b.strategy.isEmpty() ? b.pipeline : b.pipeline + u'/' + b.strategy, b.track, b.state, b.since});
        std::sort(s.breakers.begin(), s.breakers.end(), [](const BreakerSummary &a, const BreakerSummary &b) {
            return std::make_tuple(-severity(a.state), a.name, int(a.track)) < std::make_tuple(-severity(b.state), b.name, int(b.track));
        });
    }
    s.health = s.stale ? Health::Stale : combineHealth(s.resourceHealth, s.reportStatus);
    return s;
}

void ServiceStore::scheduleFlush()
{
    if (!m_timer.isActive())
        m_timer.start();
}

void ServiceStore::flush()
{
    m_timer.stop();

    // 1. Services that lost their last member leave, in contiguous ranges from the bottom.
    QList<int> removed;
    QList<Entry *> emptied;
    for (Entry *e : std::as_const(m_dirty)) {
        if (!e->isEmpty())
            continue;
        if (e->row >= 0)
            removed.append(e->row);
        emptied.append(e);
    }
    std::sort(removed.begin(), removed.end());
    for (qsizetype last = removed.size() - 1; last >= 0;) {
        qsizetype first = last;
        while (first > 0 && removed[first - 1] == removed[first] - 1)
            --first;
        Q_EMIT servicesAboutToBeRemoved(removed[first], removed[last]);
        m_rows.remove(removed[first], removed[last] - removed[first] + 1);
        for (int row = removed[first]; row < m_rows.size(); ++row)
            m_rows[row]->row = row;
        Q_EMIT servicesRemoved();
        last = first - 1;
    }
    for (Entry *e : std::as_const(emptied)) {
        m_dirty.remove(e);
        m_pendingNew.removeOne(e);
        for (const QString &name : std::as_const(e->events)) {
            const ResourceKey eventKey = keyOf(e->key.context, ResourceKind::Event, e->key.ns, name);
            m_ownerOf.remove(eventKey);
        }
        m_entries.remove(e->key);
        m_detailDirty.insert(e->key);
        const auto owned = std::find_if(m_owned.begin(), m_owned.end(), [e](const auto &p) { return p.get() == e; });
        if (owned != m_owned.end())
            m_owned.erase(owned);
    }

    // 2. Derive the dirty services' summaries.
    QList<int> changed;
    for (Entry *e : std::as_const(m_dirty)) {
        ServiceSummary next = summarize(*e);
        if (e->row < 0) {
            e->summary = std::move(next);
        } else if (!(next == e->summary)) {
            e->summary = std::move(next);
            changed.append(e->row);
        }
    }
    m_dirty.clear();

    // 3. New services: one insertion per flush, in key order so the table fills predictably.
    if (!m_pendingNew.isEmpty()) {
        std::sort(m_pendingNew.begin(), m_pendingNew.end(), [](const Entry *a, const Entry *b) {
            return std::tie(a->key.context, a->key.ns, a->key.name) < std::tie(b->key.context, b->key.ns, b->key.name);
        });
        const int first = int(m_rows.size());
        const int last = first + int(m_pendingNew.size()) - 1;
        Q_EMIT servicesAboutToBeInserted(first, last);
        for (Entry *e : std::as_const(m_pendingNew)) {
            e->row = int(m_rows.size());
            m_rows.append(e);
        }
        m_pendingNew.clear();
        Q_EMIT servicesInserted();
        m_contextsDirty = true; // maybe a new namespace
    }
    if (!removed.isEmpty())
        m_contextsDirty = true;

    // 4. Changed rows as contiguous ranges (STYLE §4).
    std::sort(changed.begin(), changed.end());
    for (qsizetype first = 0; first < changed.size();) {
        qsizetype last = first;
        while (last + 1 < changed.size() && changed[last + 1] == changed[last] + 1)
            ++last;
        Q_EMIT servicesChanged(changed[first], changed[last]);
        first = last + 1;
    }

    if (!m_detailDirty.isEmpty())
        Q_EMIT detailsChanged(std::exchange(m_detailDirty, {}));
    if (m_contextsDirty) {
        m_contextsDirty = false;
        Q_EMIT contextsChanged();
    }
    Q_EMIT flushed();
}

} // namespace Opsdeck
