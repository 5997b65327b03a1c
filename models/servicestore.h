#pragma once

// The one merged state of the estate (DESIGN §2): applies observation batches on the GUI thread and
// derives per-service summaries keyed (context, namespace, app). Every lookup is by key (hashes and
// reverse indexes), so a watch event costs O(1) plus its service's members at the next tick.
// Changes are coalesced: apply() only marks services dirty; flush() — on a 100 ms timer, public for
// tests — publishes them as row insertions/removals and contiguous change ranges, never a reset.

#include "observation.h"
#include "servicesummary.h"
#include "sourcestatus.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMap>
#include <QObject>
#include <QSet>
#include <QStringList>
#include <QTimer>

#include <memory>
#include <optional>
#include <vector>

namespace Opsdeck {

// What the status bar and the snapshot say about one context.
struct ContextState
{
    QString name;
    QString sourceId;
    QSet<ResourceKind> synced; // kinds whose informer reported Synced
    QDateTime lastUpdate;      // the latest batch that touched this context
    std::optional<SourceStatus> sourceStatus;
    QDateTime staleSince;      // when its source began failing (valid while stale)

    bool isSynced() const; // pods and deployments listed: health can be judged
    // Its source is Down, or Degraded by a failure (not by an optional API that is absent): the data
    // shown is last-known.
    bool isStale() const;
};

// One point of a breaker's timeline: from `at` on, the breaker was in `state`.
struct BreakerTransition
{
    QString name;
    Track track = Track::Unknown;
    BreakerState::State state = BreakerState::State::Closed;
    QDateTime at;

    friend bool operator==(const BreakerTransition &, const BreakerTransition &) = default;
};

class ServiceStore : public QObject
{
    Q_OBJECT

public:
    explicit ServiceStore(QObject *parent = nullptr);
    ~ServiceStore() override;

    static constexpr int FlushIntervalMs = 100;

    // Published services, in row order (stable: new services are appended).
    int serviceCount() const { return int(m_rows.size()); }
    const ServiceSummary &serviceAt(int row) const;
    int rowOf(const ServiceKey &key) const; // -1 when not (yet) published
    const ServiceSummary *service(const ServiceKey &key) const;

    // The members of a service as they are now (pods with their metrics merged), in name order.
    QList<PodInfo> pods(const ServiceKey &key) const;
    QList<EventInfo> events(const ServiceKey &key) const;

    QStringList contexts() const;                          // sorted
    QStringList namespaces(const QString &context = {}) const; // sorted; empty context: all
    ContextState contextState(const QString &context) const;
    QHash<QString, SourceStatus> sourceStatuses() const { return m_sourceStatus; }
    // The source's kinds that reported Synced, across its contexts.
    bool isContextSynced(const QString &context, const QSet<ResourceKind> &kinds) const;

    int objectCount(ResourceKind kind) const;

    // Health reports (API-CONTRACTS §7) and breakers. A report that failed after a good one keeps the good
    // one's entries and status with the new error (entries plus error = stale).
    static constexpr int BreakerHistoryLimit = 500; // transitions kept per service
    static constexpr int BreakerHistoryHours = 6;   // and none older than this (but each breaker's latest)
    QList<HealthReport> healthReports(const ServiceKey &key) const; // one per track read, stable first
    QList<BreakerTransition> breakerHistory(const ServiceKey &key) const; // oldest first
    // A source's own circuit breakers (its endpoints), as it reported them (BreakerState with no service).
    QList<BreakerState> sourceBreakers(const QString &sourceId) const;

public Q_SLOTS:
    void apply(const Opsdeck::ObservationBatch &batch);
    void setSourceStatus(const QString &sourceId, const Opsdeck::SourceStatus &status);
    // Publishes everything applied since the last flush now.
    void flush();

Q_SIGNALS:
    void servicesAboutToBeInserted(int first, int last);
    void servicesInserted();
    void servicesAboutToBeRemoved(int first, int last);
    void servicesRemoved();
    void servicesChanged(int first, int last);
    // Pods or events of these services changed (sent once per flush).
    void detailsChanged(const QSet<Opsdeck::ServiceKey> &services);
    // Contexts, namespaces, sync state, source state or last update time changed.
    void contextsChanged();
    void flushed();

private:
    struct Entry;
    using MemberSet = QSet<QString> Entry::*;

    void applyDelta(const ResourceDelta &delta, const QString &sourceId);
    void applyHealthReport(const HealthReport &report);
    void applyBreaker(const BreakerState &breaker, const QString &sourceId);
    void upsert(const ResourceKey &key, const KubernetesObject &object);
    void remove(const ResourceKey &key);
    void beginRelist(const ResourceKey &scope);
    void finishRelists();

    Entry *entry(const ServiceKey &key, bool create);
    void setOwner(const ResourceKey &key, const std::optional<ServiceKey> &owner, MemberSet members);
    void markDirty(const ServiceKey &key);
    void markDirty(Entry *entry);
    void markContextDirty(const QString &context);
    void attachWaitingEvents(const ResourceKey &involved);
    void detachEvent(const ResourceKey &eventKey);
    std::optional<ServiceKey> ownerOfBackend(const QString &context, const QString &ns, const QString &backend) const;
    std::optional<ServiceKey> ownerOfEvent(const ResourceKey &eventKey, const EventInfo &event) const;
    QStringList backendsOf(const ServiceKey &key) const;
    ServiceSummary summarize(const Entry &entry) const;
    void scheduleFlush();

    // Objects by key (ResourceKey::kind is the map's kind; PodMetrics are kept under the Pod key).
    QHash<ResourceKey, PodInfo> m_pods;
    QHash<ResourceKey, PodMetricsInfo> m_podMetrics;
    QHash<ResourceKey, DeploymentInfo> m_deployments;
    QHash<ResourceKey, ReplicaSetInfo> m_replicaSets;
    QHash<ResourceKey, HpaInfo> m_hpas;
    QHash<ResourceKey, IngressInfo> m_ingresses;
    QHash<ResourceKey, HttpRouteInfo> m_routes;
    QHash<ResourceKey, ServiceInfo> m_k8sServices;
    QHash<ResourceKey, EventInfo> m_events;

    // Reverse indexes, so no event needs a scan.
    QHash<ResourceKey, ServiceKey> m_ownerOf;            // pod/deployment/rs/event → service
    QHash<ResourceKey, QSet<QString>> m_hpasByTarget;    // Deployment key → HPA names
    QHash<ResourceKey, QSet<QString>> m_canaryIngressesByBackend; // Service key → canary Ingress names
    QHash<ResourceKey, QSet<QString>> m_routesByBackend; // Service key → HTTPRoute names
    QHash<ServiceKey, QSet<QString>> m_k8sServicesByApp; // selector app → Service names
    QHash<ResourceKey, QSet<QString>> m_waitingEvents;   // involved object not seen yet → event names
    QHash<ResourceKey, ResourceKey> m_eventWaitsFor;     // event → involved object key

    // Services: every known entry by key; published ones also in row order.
    QHash<ServiceKey, Entry *> m_entries;
    std::vector<std::unique_ptr<Entry>> m_owned;
    QList<Entry *> m_rows;
    QList<Entry *> m_pendingNew;
    QSet<Entry *> m_dirty;
    QSet<ServiceKey> m_detailDirty;

    QSet<ResourceKey> m_relistLeft; // objects a relist in this batch has not re-added (yet)
    QHash<QString, ContextState> m_contexts;
    QHash<QString, SourceStatus> m_sourceStatus;

    struct HealthData
    {
        QMap<int, HealthReport> reports;          // by Track
        QMap<QString, BreakerState> breakers;     // by "<track>|<pipeline>|<strategy>"
        QList<BreakerTransition> history;
    };
    QHash<ServiceKey, HealthData> m_health;
    QHash<QString, QMap<QString, BreakerState>> m_sourceBreakers; // source id → endpoint → state
    bool m_contextsDirty = false;
    QTimer m_timer;
};

} // namespace Opsdeck
