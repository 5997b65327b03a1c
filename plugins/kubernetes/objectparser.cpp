#include "objectparser.h"

#include "quantity.h"

#include <QtNumeric>

#include <algorithm>
#include <limits>

using namespace Opsdeck;
using JsonRead::Value;

namespace {

// The metadata fields any kind needs; annotations and owner references only where asked.
struct Meta
{
    QString name;
    QString ns;
    QString resourceVersion;
    qint64 generation = 0;
    QDateTime created;
    QString app;
    QString fallbackApp;
    QString track;
    QString revision;      // deployment.kubernetes.io/revision
    QString changeCause;   // kubernetes.io/change-cause
    QString canary;        // nginx.ingress.kubernetes.io/canary
    QString canaryWeight;
    QString canaryWeightTotal;
    QString ownerKind;     // the controller owner (or the first owner)
    QString ownerName;
    QString ownerUid;

    QString appName() const { return app.isEmpty() ? fallbackApp : app; }
};

Track toTrack(const QString &value)
{
    if (value == u"stable")
        return Track::Stable;
    if (value == u"canary")
        return Track::Canary;
    return Track::Unknown;
}

void readLabels(Value &labels, const ParseOptions &options, QString &app, QString &fallbackApp, QString &track)
{
    JsonRead::fields(labels, [&](std::string_view key, Value &value) {
        const QString name = JsonRead::toQString(key);
        if (name == options.appLabel)
            app = JsonRead::string(value);
        else if (name == options.fallbackAppLabel)
            fallbackApp = JsonRead::string(value);
        else if (name == options.trackLabel)
            track = JsonRead::string(value);
    });
}

Meta readMeta(Value &metadata, const ParseOptions &options)
{
    Meta meta;
    JsonRead::fields(metadata, [&](std::string_view key, Value &value) {
        if (key == "name") {
            meta.name = JsonRead::string(value);
        } else if (key == "namespace") {
            meta.ns = JsonRead::string(value);
        } else if (key == "resourceVersion") {
            meta.resourceVersion = JsonRead::string(value);
        } else if (key == "generation") {
            meta.generation = JsonRead::integer(value);
        } else if (key == "creationTimestamp") {
            meta.created = JsonRead::time(value);
        } else if (key == "labels") {
            readLabels(value, options, meta.app, meta.fallbackApp, meta.track);
        } else if (key == "annotations") {
            JsonRead::fields(value, [&](std::string_view name, Value &text) {
                if (name == "deployment.kubernetes.io/revision")
                    meta.revision = JsonRead::string(text);
                else if (name == "kubernetes.io/change-cause")
                    meta.changeCause = JsonRead::string(text);
                else if (name == "nginx.ingress.kubernetes.io/canary")
                    meta.canary = JsonRead::string(text);
                else if (name == "nginx.ingress.kubernetes.io/canary-weight")
                    meta.canaryWeight = JsonRead::string(text);
                else if (name == "nginx.ingress.kubernetes.io/canary-weight-total")
                    meta.canaryWeightTotal = JsonRead::string(text);
            });
        } else if (key == "ownerReferences") {
            JsonRead::elements(value, [&](Value &owner) {
                QString kind, name, uid;
                bool controller = false;
                JsonRead::fields(owner, [&](std::string_view field, Value &v) {
                    if (field == "kind")
                        kind = JsonRead::string(v);
                    else if (field == "name")
                        name = JsonRead::string(v);
                    else if (field == "uid")
                        uid = JsonRead::string(v);
                    else if (field == "controller")
                        controller = JsonRead::boolean(v);
                });
                if (meta.ownerKind.isEmpty() || controller) {
                    meta.ownerKind = kind;
                    meta.ownerName = name;
                    meta.ownerUid = uid;
                }
            });
        }
    });
    return meta;
}

int toInt(qint64 value)
{
    return int(std::clamp<qint64>(value, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
}

// Sums of values a server sends (restarts, usage) saturate rather than overflow, which is undefined.
qint64 saturatingAdd(qint64 a, qint64 b)
{
    qint64 sum = 0;
    if (qAddOverflow(a, b, &sum))
        return b > 0 ? std::numeric_limits<qint64>::max() : std::numeric_limits<qint64>::min();
    return sum;
}

// spec.template: labels (for the service name when the owner has none) and the first container's image.
void readTemplate(Value &tmpl, const ParseOptions &options, QString &app, QString &fallbackApp, QString &track,
                  QString &image)
{
    JsonRead::fields(tmpl, [&](std::string_view key, Value &value) {
        if (key == "metadata") {
            JsonRead::fields(value, [&](std::string_view field, Value &v) {
                if (field == "labels")
                    readLabels(v, options, app, fallbackApp, track);
            });
        } else if (key == "spec") {
            JsonRead::fields(value, [&](std::string_view field, Value &v) {
                if (field != "containers")
                    return;
                JsonRead::elements(v, [&](Value &container) {
                    JsonRead::fields(container, [&](std::string_view name, Value &c) {
                        if (name == "image" && image.isEmpty())
                            image = JsonRead::string(c);
                    });
                });
            });
        }
    });
}

QList<ConditionSummary> readConditions(Value &conditions)
{
    QList<ConditionSummary> result;
    JsonRead::elements(conditions, [&](Value &condition) {
        ConditionSummary summary;
        JsonRead::fields(condition, [&](std::string_view key, Value &v) {
            if (key == "type")
                summary.type = JsonRead::string(v);
            else if (key == "status")
                summary.status = JsonRead::string(v) == u"True";
            else if (key == "reason")
                summary.reason = JsonRead::string(v);
            else if (key == "message")
                summary.message = JsonRead::string(v);
        });
        result.append(summary);
    });
    return result;
}

ParsedObject parsePod(Value &object, const ParseOptions &options)
{
    PodInfo pod;
    Meta meta;
    bool specContainersSeen = false;
    int specContainers = 0;
    JsonRead::fields(object, [&](std::string_view key, Value &value) {
        if (key == "metadata") {
            meta = readMeta(value, options);
        } else if (key == "spec") {
            JsonRead::fields(value, [&](std::string_view field, Value &v) {
                if (field == "nodeName") {
                    pod.node = JsonRead::string(v);
                } else if (field == "containers") {
                    specContainersSeen = true;
                    JsonRead::elements(v, [&](Value &) { ++specContainers; });
                }
            });
        } else if (key == "status") {
            JsonRead::fields(value, [&](std::string_view field, Value &v) {
                if (field == "phase") {
                    pod.phase = JsonRead::string(v);
                } else if (field == "startTime") {
                    pod.startTime = JsonRead::time(v);
                } else if (field == "conditions") {
                    for (const ConditionSummary &c : readConditions(v)) {
                        if (c.type == u"Ready")
                            pod.ready = c.status;
                    }
                } else if (field == "containerStatuses") {
                    JsonRead::elements(v, [&](Value &status) {
                        ++pod.containers;
                        JsonRead::fields(status, [&](std::string_view name, Value &s) {
                            if (name == "ready") {
                                if (JsonRead::boolean(s))
                                    ++pod.readyContainers;
                            } else if (name == "restartCount") {
                                pod.restarts = toInt(qint64(pod.restarts) + toInt(JsonRead::integer(s)));
                            } else if (name == "state") {
                                JsonRead::fields(s, [&](std::string_view state, Value &detail) {
                                    if (state != "waiting")
                                        return;
                                    JsonRead::fields(detail, [&](std::string_view f, Value &reason) {
                                        if (f == "reason" && pod.waitingReason.isEmpty())
                                            pod.waitingReason = JsonRead::string(reason);
                                    });
                                });
                            }
                        });
                    });
                }
            });
        }
    });
    // A pod not yet scheduled has no containerStatuses: count the spec's containers instead.
    if (specContainersSeen && specContainers > pod.containers)
        pod.containers = specContainers;
    pod.name = meta.name;
    pod.ns = meta.ns;
    pod.app = meta.appName();
    pod.track = toTrack(meta.track);
    if (meta.ownerKind == u"ReplicaSet")
        pod.ownerReplicaSet = meta.ownerName;
    return {meta.name, meta.ns, meta.resourceVersion, pod};
}

ParsedObject parseDeployment(Value &object, const ParseOptions &options)
{
    DeploymentInfo d;
    Meta meta;
    QString tmplApp, tmplFallback, tmplTrack;
    bool replicasSet = false;
    JsonRead::fields(object, [&](std::string_view key, Value &value) {
        if (key == "metadata") {
            meta = readMeta(value, options);
        } else if (key == "spec") {
            JsonRead::fields(value, [&](std::string_view field, Value &v) {
                if (field == "replicas") {
                    d.desiredReplicas = toInt(JsonRead::integer(v, 1));
                    replicasSet = true;
                } else if (field == "paused") {
                    d.paused = JsonRead::boolean(v);
                } else if (field == "template") {
                    readTemplate(v, options, tmplApp, tmplFallback, tmplTrack, d.image);
                }
            });
        } else if (key == "status") {
            JsonRead::fields(value, [&](std::string_view field, Value &v) {
                if (field == "observedGeneration")
                    d.observedGeneration = JsonRead::integer(v);
                else if (field == "readyReplicas")
                    d.readyReplicas = toInt(JsonRead::integer(v));
                else if (field == "updatedReplicas")
                    d.updatedReplicas = toInt(JsonRead::integer(v));
                else if (field == "availableReplicas")
                    d.availableReplicas = toInt(JsonRead::integer(v));
                else if (field == "conditions")
                    d.conditions = readConditions(v);
            });
        }
    });
    if (!replicasSet)
        d.desiredReplicas = 1; // the API's default for an omitted spec.replicas
    d.name = meta.name;
    d.ns = meta.ns;
    d.app = !meta.appName().isEmpty() ? meta.appName() : (tmplApp.isEmpty() ? tmplFallback : tmplApp);
    d.track = toTrack(meta.track.isEmpty() ? tmplTrack : meta.track);
    d.revision = meta.revision.toLongLong();
    d.generation = meta.generation;
    return {meta.name, meta.ns, meta.resourceVersion, d};
}

ParsedObject parseReplicaSet(Value &object, const ParseOptions &options)
{
    ReplicaSetInfo rs;
    Meta meta;
    QString tmplApp, tmplFallback, tmplTrack;
    JsonRead::fields(object, [&](std::string_view key, Value &value) {
        if (key == "metadata") {
            meta = readMeta(value, options);
        } else if (key == "spec") {
            JsonRead::fields(value, [&](std::string_view field, Value &v) {
                if (field == "replicas")
                    rs.desiredReplicas = toInt(JsonRead::integer(v, 1));
                else if (field == "template")
                    readTemplate(v, options, tmplApp, tmplFallback, tmplTrack, rs.image);
            });
        } else if (key == "status") {
            JsonRead::fields(value, [&](std::string_view field, Value &v) {
                if (field == "readyReplicas")
                    rs.readyReplicas = toInt(JsonRead::integer(v));
            });
        }
    });
    rs.name = meta.name;
    rs.ns = meta.ns;
    rs.app = !meta.appName().isEmpty() ? meta.appName() : (tmplApp.isEmpty() ? tmplFallback : tmplApp);
    rs.track = toTrack(meta.track.isEmpty() ? tmplTrack : meta.track);
    rs.revision = meta.revision.toLongLong();
    rs.changeCause = meta.changeCause;
    if (meta.ownerKind == u"Deployment") {
        rs.ownerDeployment = meta.ownerName;
        rs.ownerUid = meta.ownerUid;
    }
    rs.created = meta.created;
    return {meta.name, meta.ns, meta.resourceVersion, rs};
}

// metrics[] / currentMetrics[]: the CPU figure of a Resource metric (utilization in percent).
std::optional<int> cpuUtilization(Value &metrics, std::string_view valueKey)
{
    std::optional<int> result;
    JsonRead::elements(metrics, [&](Value &metric) {
        QString type;
        QString resourceName;
        std::optional<int> utilization;
        JsonRead::fields(metric, [&](std::string_view key, Value &v) {
            if (key == "type") {
                type = JsonRead::string(v);
            } else if (key == "resource") {
                JsonRead::fields(v, [&](std::string_view field, Value &r) {
                    if (field == "name") {
                        resourceName = JsonRead::string(r);
                    } else if (field == valueKey) {
                        JsonRead::fields(r, [&](std::string_view name, Value &t) {
                            if (name == "averageUtilization")
                                utilization = toInt(JsonRead::integer(t));
                        });
                    }
                });
            }
        });
        if (!result && type == u"Resource" && resourceName == u"cpu" && utilization)
            result = utilization;
    });
    return result;
}

ParsedObject parseHpa(Value &object, const ParseOptions &options)
{
    HpaInfo h;
    Meta meta;
    JsonRead::fields(object, [&](std::string_view key, Value &value) {
        if (key == "metadata") {
            meta = readMeta(value, options);
        } else if (key == "spec") {
            JsonRead::fields(value, [&](std::string_view field, Value &v) {
                if (field == "scaleTargetRef") {
                    JsonRead::fields(v, [&](std::string_view name, Value &t) {
                        if (name == "kind")
                            h.targetKind = JsonRead::string(t);
                        else if (name == "name")
                            h.targetName = JsonRead::string(t);
                    });
                } else if (field == "minReplicas") {
                    h.minReplicas = toInt(JsonRead::integer(v, 1));
                } else if (field == "maxReplicas") {
                    h.maxReplicas = toInt(JsonRead::integer(v));
                } else if (field == "metrics") {
                    h.cpuTargetPercent = cpuUtilization(v, "target");
                }
            });
        } else if (key == "status") {
            JsonRead::fields(value, [&](std::string_view field, Value &v) {
                if (field == "currentReplicas")
                    h.currentReplicas = toInt(JsonRead::integer(v));
                else if (field == "desiredReplicas")
                    h.desiredReplicas = toInt(JsonRead::integer(v));
                else if (field == "lastScaleTime")
                    h.lastScaleTime = JsonRead::time(v);
                else if (field == "currentMetrics")
                    h.cpuCurrentPercent = cpuUtilization(v, "current");
                else if (field == "conditions") {
                    for (const ConditionSummary &c : readConditions(v)) {
                        if (c.type == u"ScalingLimited")
                            h.scalingLimited = c.status;
                    }
                }
            });
        }
    });
    h.name = meta.name;
    h.ns = meta.ns;
    return {meta.name, meta.ns, meta.resourceVersion, h};
}

// backend.service.name (networking.k8s.io/v1)
QString backendServiceName(Value &backend)
{
    QString name;
    JsonRead::fields(backend, [&](std::string_view key, Value &v) {
        if (key != "service")
            return;
        JsonRead::fields(v, [&](std::string_view field, Value &s) {
            if (field == "name")
                name = JsonRead::string(s);
        });
    });
    return name;
}

ParsedObject parseIngress(Value &object, const ParseOptions &options)
{
    IngressInfo ing;
    Meta meta;
    QString defaultBackend;
    bool firstRule = true;
    JsonRead::fields(object, [&](std::string_view key, Value &value) {
        if (key == "metadata") {
            meta = readMeta(value, options);
        } else if (key == "spec") {
            JsonRead::fields(value, [&](std::string_view field, Value &v) {
                if (field == "defaultBackend") {
                    defaultBackend = backendServiceName(v);
                } else if (field == "rules") {
                    JsonRead::elements(v, [&](Value &rule) {
                        if (!firstRule)
                            return;
                        firstRule = false;
                        JsonRead::fields(rule, [&](std::string_view name, Value &r) {
                            if (name == "host") {
                                ing.host = JsonRead::string(r);
                            } else if (name == "http") {
                                JsonRead::fields(r, [&](std::string_view f, Value &paths) {
                                    if (f != "paths")
                                        return;
                                    bool firstPath = true;
                                    JsonRead::elements(paths, [&](Value &path) {
                                        if (!firstPath)
                                            return;
                                        firstPath = false;
                                        JsonRead::fields(path, [&](std::string_view p, Value &pv) {
                                            if (p == "path")
                                                ing.path = JsonRead::string(pv);
                                            else if (p == "backend")
                                                ing.backendService = backendServiceName(pv);
                                        });
                                    });
                                });
                            }
                        });
                    });
                }
            });
        }
    });
    if (ing.backendService.isEmpty())
        ing.backendService = defaultBackend;
    ing.name = meta.name;
    ing.ns = meta.ns;
    ing.canary = meta.canary == u"true";
    bool ok = false;
    const int weight = meta.canaryWeight.toInt(&ok);
    ing.canaryWeight = ok ? weight : 0;
    const int total = meta.canaryWeightTotal.toInt(&ok);
    ing.canaryWeightTotal = ok && total > 0 ? total : 100;
    return {meta.name, meta.ns, meta.resourceVersion, ing};
}

ParsedObject parseHttpRoute(Value &object, const ParseOptions &options)
{
    HttpRouteInfo route;
    Meta meta;
    JsonRead::fields(object, [&](std::string_view key, Value &value) {
        if (key == "metadata") {
            meta = readMeta(value, options);
        } else if (key == "spec") {
            JsonRead::fields(value, [&](std::string_view field, Value &v) {
                if (field == "hostnames") {
                    JsonRead::elements(v, [&](Value &host) { route.hostnames.append(JsonRead::string(host)); });
                } else if (field == "rules") {
                    JsonRead::elements(v, [&](Value &rule) {
                        QList<BackendRef> refs;
                        JsonRead::fields(rule, [&](std::string_view name, Value &r) {
                            if (name != "backendRefs")
                                return;
                            JsonRead::elements(r, [&](Value &ref) {
                                BackendRef backend;
                                JsonRead::fields(ref, [&](std::string_view f, Value &b) {
                                    if (f == "name")
                                        backend.name = JsonRead::string(b);
                                    else if (f == "port")
                                        backend.port = toInt(JsonRead::integer(b));
                                    else if (f == "weight")
                                        backend.weight = toInt(JsonRead::integer(b, 1));
                                });
                                refs.append(backend);
                            });
                        });
                        if (route.backendRefs.isEmpty())
                            route.backendRefs = refs;
                    });
                }
            });
        }
    });
    route.name = meta.name;
    route.ns = meta.ns;
    return {meta.name, meta.ns, meta.resourceVersion, route};
}

ParsedObject parseService(Value &object, const ParseOptions &options)
{
    ServiceInfo svc;
    Meta meta;
    QString selectorApp, selectorFallback, selectorTrack;
    JsonRead::fields(object, [&](std::string_view key, Value &value) {
        if (key == "metadata") {
            meta = readMeta(value, options);
        } else if (key == "spec") {
            JsonRead::fields(value, [&](std::string_view field, Value &v) {
                if (field == "type") {
                    svc.type = JsonRead::string(v);
                } else if (field == "clusterIP") {
                    svc.clusterIp = JsonRead::string(v);
                } else if (field == "selector") {
                    readLabels(v, options, selectorApp, selectorFallback, selectorTrack);
                } else if (field == "ports") {
                    JsonRead::elements(v, [&](Value &port) {
                        JsonRead::fields(port, [&](std::string_view name, Value &p) {
                            if (name == "port")
                                svc.ports.append(toInt(JsonRead::integer(p)));
                        });
                    });
                }
            });
        }
    });
    if (svc.type.isEmpty())
        svc.type = QStringLiteral("ClusterIP");
    svc.name = meta.name;
    svc.ns = meta.ns;
    svc.selectorApp = selectorApp.isEmpty() ? selectorFallback : selectorApp;
    return {meta.name, meta.ns, meta.resourceVersion, svc};
}

ParsedObject parseEvent(Value &object, const ParseOptions &options)
{
    EventInfo ev;
    Meta meta;
    QDateTime lastTimestamp, eventTime, firstTimestamp, seriesTime;
    std::optional<int> count, seriesCount;
    JsonRead::fields(object, [&](std::string_view key, Value &value) {
        if (key == "metadata") {
            meta = readMeta(value, options);
        } else if (key == "involvedObject") {
            JsonRead::fields(value, [&](std::string_view field, Value &v) {
                if (field == "kind")
                    ev.involvedKind = JsonRead::string(v);
                else if (field == "name")
                    ev.involvedName = JsonRead::string(v);
            });
        } else if (key == "reason") {
            ev.reason = JsonRead::string(value);
        } else if (key == "message") {
            ev.message = JsonRead::string(value);
        } else if (key == "type") {
            ev.warning = JsonRead::string(value) == u"Warning";
        } else if (key == "count") {
            if (const qint64 n = JsonRead::integer(value, -1); n >= 0)
                count = toInt(n);
        } else if (key == "lastTimestamp") {
            lastTimestamp = JsonRead::time(value);
        } else if (key == "eventTime") {
            eventTime = JsonRead::time(value);
        } else if (key == "firstTimestamp") {
            firstTimestamp = JsonRead::time(value);
        } else if (key == "series") {
            JsonRead::fields(value, [&](std::string_view field, Value &v) {
                if (field == "count")
                    seriesCount = toInt(JsonRead::integer(v, 1));
                else if (field == "lastObservedTime")
                    seriesTime = JsonRead::time(v);
            });
        }
    });
    ev.name = meta.name;
    ev.ns = meta.ns;
    ev.count = count.value_or(seriesCount.value_or(1));
    // Core v1 events written through events.k8s.io carry eventTime (+ series) instead of lastTimestamp.
    ev.lastTime = lastTimestamp.isValid() ? lastTimestamp
                  : seriesTime.isValid()  ? seriesTime
                  : eventTime.isValid()   ? eventTime
                                          : firstTimestamp;
    return {meta.name, meta.ns, meta.resourceVersion, ev};
}

qint64 quantity(Value &value, bool milli)
{
    const auto parsed = Quantity::parse(JsonRead::string(value));
    if (!parsed)
        return 0;
    const auto scaled = milli ? parsed->toMilli() : parsed->toInt64();
    return scaled ? *scaled : 0;
}

ParsedObject parsePodMetrics(Value &object, const ParseOptions &options)
{
    PodMetricsInfo m;
    Meta meta;
    JsonRead::fields(object, [&](std::string_view key, Value &value) {
        if (key == "metadata") {
            meta = readMeta(value, options);
        } else if (key == "timestamp") {
            m.timestamp = JsonRead::time(value);
        } else if (key == "containers") {
            JsonRead::elements(value, [&](Value &container) {
                JsonRead::fields(container, [&](std::string_view field, Value &v) {
                    if (field != "usage")
                        return;
                    JsonRead::fields(v, [&](std::string_view resource, Value &q) {
                        if (resource == "cpu")
                            m.cpuMillicores = saturatingAdd(m.cpuMillicores, quantity(q, true));
                        else if (resource == "memory")
                            m.memoryBytes = saturatingAdd(m.memoryBytes, quantity(q, false));
                    });
                });
            });
        }
    });
    m.name = meta.name;
    m.ns = meta.ns;
    return {meta.name, meta.ns, meta.resourceVersion, m};
}

} // namespace

ParsedObject ObjectParser::parse(ResourceKind kind, Value &object, const ParseOptions &options)
{
    switch (kind) {
    case ResourceKind::Pod:
        return parsePod(object, options);
    case ResourceKind::PodMetrics:
        return parsePodMetrics(object, options);
    case ResourceKind::Deployment:
        return parseDeployment(object, options);
    case ResourceKind::ReplicaSet:
        return parseReplicaSet(object, options);
    case ResourceKind::HorizontalPodAutoscaler:
        return parseHpa(object, options);
    case ResourceKind::Ingress:
        return parseIngress(object, options);
    case ResourceKind::HttpRoute:
        return parseHttpRoute(object, options);
    case ResourceKind::Service:
        return parseService(object, options);
    case ResourceKind::Event:
        return parseEvent(object, options);
    }
    Q_UNREACHABLE();
    return {};
}
