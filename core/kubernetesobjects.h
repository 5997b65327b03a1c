#pragma once

// Compact value types for the Kubernetes objects Opsdeck shows. The Kubernetes plugin parses API JSON
// straight into these on its worker thread (DESIGN §6: keep only the fields Opsdeck shows); the store
// merges them on the GUI thread. Optional fields are absent when the API omitted them.

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <optional>

namespace Opsdeck {

// The canary/stable split of a service (DESIGN §3: the `version` label).
enum class Track {
    Unknown,
    Stable,
    Canary,
};

struct PodInfo
{
    QString name;
    QString ns;
    QString app;          // the service name label
    Track track = Track::Unknown;
    QString phase;        // Pending | Running | Succeeded | Failed | Unknown
    bool ready = false;   // condition Ready == True
    int readyContainers = 0;
    int containers = 0;
    int restarts = 0;     // summed over containers
    QString waitingReason; // e.g. CrashLoopBackOff, ImagePullBackOff; empty when none waits
    QString node;
    QDateTime startTime;
    QString ownerReplicaSet;
    std::optional<qint64> cpuMillicores; // from metrics.k8s.io, when known
    std::optional<qint64> memoryBytes;

    friend bool operator==(const PodInfo &, const PodInfo &) = default;
};

// One poll of metrics.k8s.io for one pod; the store merges it into the PodInfo of the same key.
struct PodMetricsInfo
{
    QString name;
    QString ns;
    QDateTime timestamp;
    qint64 cpuMillicores = 0;
    qint64 memoryBytes = 0;

    friend bool operator==(const PodMetricsInfo &, const PodMetricsInfo &) = default;
};

struct ConditionSummary
{
    QString type;   // Available | Progressing | ReplicaFailure
    bool status = false;
    QString reason;
    QString message;

    friend bool operator==(const ConditionSummary &, const ConditionSummary &) = default;
};

struct DeploymentInfo
{
    QString name;
    QString ns;
    QString app;
    Track track = Track::Unknown;
    int desiredReplicas = 0;
    int readyReplicas = 0;
    int updatedReplicas = 0;
    int availableReplicas = 0;
    qint64 revision = 0;    // annotation deployment.kubernetes.io/revision
    QString image;          // first container's image
    qint64 generation = 0;
    qint64 observedGeneration = 0;
    bool paused = false;
    QList<ConditionSummary> conditions;

    friend bool operator==(const DeploymentInfo &, const DeploymentInfo &) = default;
};

struct ReplicaSetInfo
{
    QString name;
    QString ns;
    QString app;
    Track track = Track::Unknown;
    qint64 revision = 0;
    QString image;
    QString ownerDeployment;
    QString ownerUid;
    QString changeCause;    // kubernetes.io/change-cause
    int desiredReplicas = 0;
    int readyReplicas = 0;
    QDateTime created;

    friend bool operator==(const ReplicaSetInfo &, const ReplicaSetInfo &) = default;
};

struct HpaInfo
{
    QString name;
    QString ns;
    QString targetKind;     // scaleTargetRef
    QString targetName;
    int minReplicas = 1;
    int maxReplicas = 0;
    int currentReplicas = 0;
    int desiredReplicas = 0;
    std::optional<int> cpuCurrentPercent;
    std::optional<int> cpuTargetPercent;
    QDateTime lastScaleTime;
    bool scalingLimited = false; // condition ScalingLimited == True

    friend bool operator==(const HpaInfo &, const HpaInfo &) = default;
};

struct IngressInfo
{
    QString name;
    QString ns;
    QString host;
    QString path;
    QString backendService;
    bool canary = false;     // nginx.ingress.kubernetes.io/canary: "true"
    int canaryWeight = 0;    // canary-weight
    int canaryWeightTotal = 100; // canary-weight-total (default 100)

    friend bool operator==(const IngressInfo &, const IngressInfo &) = default;
};

struct BackendRef
{
    QString name;
    int port = 0;
    int weight = 1; // Gateway API default

    friend bool operator==(const BackendRef &, const BackendRef &) = default;
};

struct HttpRouteInfo
{
    QString name;
    QString ns;
    QStringList hostnames;
    QList<BackendRef> backendRefs; // of the first rule that has any

    friend bool operator==(const HttpRouteInfo &, const HttpRouteInfo &) = default;
};

struct ServiceInfo
{
    QString name;
    QString ns;
    QString type;            // ClusterIP | NodePort | LoadBalancer | ExternalName
    QString clusterIp;
    QString selectorApp;     // selector's app label, empty if none
    QList<int> ports;

    friend bool operator==(const ServiceInfo &, const ServiceInfo &) = default;
};

struct EventInfo
{
    QString name;
    QString ns;
    QString involvedKind;
    QString involvedName;
    QString reason;
    QString message;
    bool warning = false;    // type Warning (else Normal)
    int count = 1;
    QDateTime lastTime;      // lastTimestamp, else eventTime

    friend bool operator==(const EventInfo &, const EventInfo &) = default;
};

} // namespace Opsdeck

Q_DECLARE_METATYPE(Opsdeck::PodInfo)
Q_DECLARE_METATYPE(Opsdeck::PodMetricsInfo)
Q_DECLARE_METATYPE(Opsdeck::DeploymentInfo)
Q_DECLARE_METATYPE(Opsdeck::ReplicaSetInfo)
Q_DECLARE_METATYPE(Opsdeck::HpaInfo)
Q_DECLARE_METATYPE(Opsdeck::IngressInfo)
Q_DECLARE_METATYPE(Opsdeck::HttpRouteInfo)
Q_DECLARE_METATYPE(Opsdeck::ServiceInfo)
Q_DECLARE_METATYPE(Opsdeck::EventInfo)
