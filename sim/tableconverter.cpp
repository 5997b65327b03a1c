#include "tableconverter.h"

#include "kubetime.h"
#include "labelselector.h"

#include <algorithm>
#include <cctype>

namespace sim {

namespace {

const std::string kNone = "<none>";

struct Column
{
    const char *name;
    const char *type;
    int priority;
    const char *description;
};

const std::vector<Column> &columnsFor(const std::string &typeId)
{
    static const std::vector<Column> pods = {
        {"Name", "string", 0, "Name must be unique within a namespace."},
        {"Ready", "string", 0, "The aggregate readiness state of this pod for accepting traffic."},
        {"Status", "string", 0, "The aggregate status of the containers in this pod."},
        {"Restarts", "string", 0, "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."},
        {"Age", "string", 0, "CreationTimestamp is a timestamp representing the server time when this object was created."},
        {"IP", "string", 1, "IP address allocated to the pod. Routable at least within the cluster."},
        {"Node", "string", 1, "NodeName is a request to schedule this pod onto a specific node."},
        {"Nominated Node", "string", 1, "nominatedNodeName is set only when this pod preempts other pods on the node."},
        {"Readiness Gates", "string", 1, "If specified, all readiness gates will be evaluated for pod readiness."}};
    static const std::vector<Column> deployments = {
        {"Name", "string", 0, "Name must be unique within a namespace."},
        {"Ready", "string", 0, "Number of the pod with ready state"},
        {"Up-to-date", "integer", 0, "Total number of non-terminated pods targeted by this deployment that have the desired template spec."},
        {"Available", "integer", 0, "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."},
        {"Age", "string", 0, "CreationTimestamp is a timestamp representing the server time when this object was created."},
        {"Containers", "string", 1, "Names of each container in the template."},
        {"Images", "string", 1, "Images referenced by each container in the template."},
        {"Selector", "string", 1, "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment."}};
    static const std::vector<Column> replicasets = {
        {"Name", "string", 0, "Name must be unique within a namespace."},
        {"Desired", "integer", 0, "Replicas is the number of desired replicas."},
        {"Current", "integer", 0, "Replicas is the most recently observed number of replicas."},
        {"Ready", "integer", 0, "The number of ready replicas for this replica set."},
        {"Age", "string", 0, "CreationTimestamp is a timestamp representing the server time when this object was created."},
        {"Containers", "string", 1, "Names of each container in the template."},
        {"Images", "string", 1, "Images referenced by each container in the template."},
        {"Selector", "string", 1, "Selector is a label query over pods that should match the replica count."}};
    static const std::vector<Column> hpas = {
        {"Name", "string", 0, "Name must be unique within a namespace."},
        {"Reference", "string", 0, "reference to scaled resource; horizontal pod autoscaler will learn the current resource consumption and will set the desired number of pods by using its Scale subresource."},
        {"Targets", "string", 0, "metrics contains the specifications for which to use to calculate the desired replica count."},
        {"MinPods", "string", 0, "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down."},
        {"MaxPods", "integer", 0, "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up."},
        {"Replicas", "integer", 0, "currentReplicas is current number of replicas of pods managed by this autoscaler."},
        {"Age", "string", 0, "CreationTimestamp is a timestamp representing the server time when this object was created."}};
    static const std::vector<Column> ingresses = {
        {"Name", "string", 0, "Name must be unique within a namespace."},
        {"Class", "string", 0, "The name of the IngressClass resource."},
        {"Hosts", "string", 0, "Hosts that incoming requests are matched against before the ingress rule"},
        {"Address", "string", 0, "Address is a list containing ingress points for the load-balancer"},
        {"Ports", "string", 0, "Ports of TLS configurations that open"},
        {"Age", "string", 0, "CreationTimestamp is a timestamp representing the server time when this object was created."}};
    static const std::vector<Column> services = {
        {"Name", "string", 0, "Name must be unique within a namespace."},
        {"Type", "string", 0, "type determines how the Service is exposed."},
        {"Cluster-IP", "string", 0, "clusterIP is the IP address of the service and is usually assigned randomly."},
        {"External-IP", "string", 0, "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."},
        {"Port(s)", "string", 0, "The list of ports that are exposed by this service."},
        {"Age", "string", 0, "CreationTimestamp is a timestamp representing the server time when this object was created."},
        {"Selector", "string", 1, "Route service traffic to pods with label keys and values matching this selector."}};
    static const std::vector<Column> events = {
        {"Last Seen", "string", 0, "Time when last Event occurred"},
        {"Type", "string", 0, "Type of this event (Normal, Warning), new types could be added in the future."},
        {"Reason", "string", 0, "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."},
        {"Object", "string", 0, "The object that this event is about."},
        {"Subobject", "string", 1, "The subobject that this event is about."},
        {"Source", "string", 1, "The component reporting this event. Should be a short machine understandable string."},
        {"Message", "string", 0, "A human-readable description of the status of this operation."},
        {"First Seen", "string", 1, "Time when first Event occurred"},
        {"Count", "string", 1, "The number of times this event has occurred."},
        {"Name", "string", 1, "Name must be unique within a namespace."}};
    static const std::vector<Column> namespaces = {
        {"Name", "string", 0, "Name must be unique within a namespace."},
        {"Status", "string", 0, "The status of the namespace"},
        {"Age", "string", 0, "CreationTimestamp is a timestamp representing the server time when this object was created."}};
    static const std::vector<Column> secrets = {
        {"Name", "string", 0, "Name must be unique within a namespace."},
        {"Type", "string", 0, "The type of the secret"},
        {"Data", "integer", 0, "The number of entries in the secret"},
        {"Age", "string", 0, "CreationTimestamp is a timestamp representing the server time when this object was created."}};
    static const std::vector<Column> configmaps = {
        {"Name", "string", 0, "Name must be unique within a namespace."},
        {"Data", "integer", 0, "Number of data in configmap"},
        {"Age", "string", 0, "CreationTimestamp is a timestamp representing the server time when this object was created."}};
    static const std::vector<Column> httproutes = {
        {"Name", "string", 0, "Name must be unique within a namespace."},
        {"Hostnames", "string", 0, ""},
        {"Age", "date", 0, ""}};
    static const std::vector<Column> fallback = {
        {"Name", "string", 0, "Name must be unique within a namespace."},
        {"Created At", "date", 0, "CreationTimestamp is a timestamp representing the server time when this object was created."}};
    if (typeId == "pods")
        return pods;
    if (typeId == "deployments.apps")
        return deployments;
    if (typeId == "replicasets.apps")
        return replicasets;
    if (typeId == "horizontalpodautoscalers.autoscaling")
        return hpas;
    if (typeId == "ingresses.networking.k8s.io")
        return ingresses;
    if (typeId == "services")
        return services;
    if (typeId == "events")
        return events;
    if (typeId == "namespaces")
        return namespaces;
    if (typeId == "secrets")
        return secrets;
    if (typeId == "configmaps")
        return configmaps;
    if (typeId == "httproutes.gateway.networking.k8s.io")
        return httproutes;
    return fallback;
}

// Null-safe lookups: objects from clients may lack any field.
const Json &at(const Json &j, const char *key)
{
    static const Json null;
    if (!j.is_object())
        return null;
    const auto it = j.find(key);
    return it == j.end() ? null : *it;
}

std::string str(const Json &j, const std::string &fallback = {})
{
    if (j.is_string())
        return j.get<std::string>();
    if (j.is_number() || j.is_boolean())
        return j.dump();
    return fallback;
}

long long num(const Json &j, long long fallback = 0)
{
    if (j.is_number_integer())
        return j.get<long long>();
    if (j.is_number())
        return static_cast<long long>(j.get<double>());
    return fallback;
}

std::string joinStrings(const std::vector<std::string> &items, const char *separator = ",")
{
    std::string out;
    for (const auto &item : items)
        out += (out.empty() ? "" : separator) + item;
    return out;
}

std::string containerField(const Json &object, const char *field)
{
    std::vector<std::string> values;
    for (const auto &c : at(at(at(at(object, "spec"), "template"), "spec"), "containers")) {
        values.push_back(str(at(c, field)));
    }
    return joinStrings(values);
}

std::string lowerKind(std::string kind)
{
    std::transform(kind.begin(), kind.end(), kind.begin(), [](unsigned char c) { return std::tolower(c); });
    return kind;
}

} // namespace

TableConverter::TableConverter(ObjectStore::Clock now)
    : m_now(std::move(now))
{}

TableConverter::Include TableConverter::includeFromParam(const std::string &value)
{
    if (value == "None")
        return Include::None;
    if (value == "Object")
        return Include::Object;
    return Include::Metadata;
}

std::string TableConverter::age(const Json &timestamp) const
{
    if (!timestamp.is_string())
        return "<unknown>";
    const auto t = kubetime::parse(timestamp.get<std::string>());
    if (!t)
        return "<invalid>";
    return kubetime::humanDuration(std::chrono::duration_cast<std::chrono::seconds>(m_now() - *t));
}

Json TableConverter::columnDefinitions(const std::string &typeId) const
{
    Json out = Json::array();
    for (const auto &c : columnsFor(typeId)) {
        out.push_back({{"name", c.name},
                       {"type", c.type},
                       {"format", std::string(c.name) == "Name" ? "name" : ""},
                       {"description", c.description},
                       {"priority", c.priority}});
    }
    return out;
}

Json TableConverter::cells(const std::string &typeId, const Json &o) const
{
    const Json &meta = at(o, "metadata");
    const Json &spec = at(o, "spec");
    const Json &status = at(o, "status");
    const std::string name = str(at(meta, "name"));
    const std::string created = age(at(meta, "creationTimestamp"));

    if (typeId == "pods") {
        const long long total = static_cast<long long>(at(spec, "containers").size());
        long long ready = 0;
        long long restarts = 0;
        std::string reason = str(at(status, "phase"), "Unknown");
        if (!str(at(status, "reason")).empty())
            reason = str(at(status, "reason"));
        std::optional<std::chrono::system_clock::time_point> lastRestart;
        bool initializing = false;
        const Json &inits = at(status, "initContainerStatuses");
        for (std::size_t i = 0; i < inits.size(); ++i) {
            const Json &c = inits[i];
            restarts += num(at(c, "restartCount"));
            const Json &state = at(c, "state");
            const Json &terminated = at(state, "terminated");
            const Json &waiting = at(state, "waiting");
            if (terminated.is_object() && num(at(terminated, "exitCode")) == 0)
                continue;
            initializing = true;
            if (terminated.is_object())
                reason = "Init:" + str(at(terminated, "reason"), "ExitCode:" + std::to_string(num(at(terminated, "exitCode"))));
            else if (waiting.is_object() && !str(at(waiting, "reason")).empty() && str(at(waiting, "reason")) != "PodInitializing")
                reason = "Init:" + str(at(waiting, "reason"));
            else
                reason = "Init:" + std::to_string(i) + "/" + std::to_string(at(spec, "initContainers").size());
            break;
        }
        if (!initializing) {
            bool hasRunning = false;
            const Json &containers = at(status, "containerStatuses");
            for (auto it = containers.rbegin(); it != containers.rend(); ++it) {
                const Json &c = *it;
                restarts += num(at(c, "restartCount"));
                const Json &finished = at(at(at(c, "lastState"), "terminated"), "finishedAt");
                if (const auto t = finished.is_string() ? kubetime::parse(finished.get<std::string>()) : std::nullopt;
                    t && (!lastRestart || *t > *lastRestart))
                    lastRestart = t;
                const Json &state = at(c, "state");
                const Json &waiting = at(state, "waiting");
                const Json &terminated = at(state, "terminated");
                if (waiting.is_object() && !str(at(waiting, "reason")).empty()) {
                    reason = str(at(waiting, "reason"));
                } else if (terminated.is_object() && !str(at(terminated, "reason")).empty()) {
                    reason = str(at(terminated, "reason"));
                } else if (terminated.is_object()) {
                    reason = num(at(terminated, "signal")) != 0
                                 ? "Signal:" + std::to_string(num(at(terminated, "signal")))
                                 : "ExitCode:" + std::to_string(num(at(terminated, "exitCode")));
                } else if (at(c, "ready") == true && at(state, "running").is_object()) {
                    hasRunning = true;
                    ++ready;
                }
            }
            if (reason == "Completed" && hasRunning) {
                bool podReady = false;
                for (const auto &cond : at(status, "conditions"))
                    podReady = podReady || (str(at(cond, "type")) == "Ready" && str(at(cond, "status")) == "True");
                reason = podReady ? "Running" : "NotReady";
            }
        }
        if (at(meta, "deletionTimestamp").is_string())
            reason = str(at(status, "reason")) == "NodeLost" ? "Unknown" : "Terminating";
        std::string restartText = std::to_string(restarts);
        if (lastRestart)
            restartText += " (" + kubetime::humanDuration(std::chrono::duration_cast<std::chrono::seconds>(m_now() - *lastRestart)) + " ago)";
        std::string gates = kNone;
        if (const Json &rg = at(spec, "readinessGates"); rg.is_array() && !rg.empty()) {
            long long trueGates = 0;
            for (const auto &g : rg) {
                for (const auto &cond : at(status, "conditions")) {
                    if (str(at(cond, "type")) == str(at(g, "conditionType")) && str(at(cond, "status")) == "True")
                        ++trueGates;
                }
            }
            gates = std::to_string(trueGates) + "/" + std::to_string(rg.size());
        }
        return Json::array({name, std::to_string(ready) + "/" + std::to_string(total), reason, restartText, created,
                            str(at(status, "podIP"), kNone), str(at(spec, "nodeName"), kNone),
                            str(at(status, "nominatedNodeName"), kNone), gates});
    }
    if (typeId == "deployments.apps") {
        const long long desired = num(at(spec, "replicas"), 1);
        return Json::array({name, std::to_string(num(at(status, "readyReplicas"))) + "/" + std::to_string(desired),
                            num(at(status, "updatedReplicas")), num(at(status, "availableReplicas")), created,
                            containerField(o, "name"), containerField(o, "image"),
                            LabelSelector::fromJson(at(spec, "selector")).toString()});
    }
    if (typeId == "replicasets.apps") {
        return Json::array({name, num(at(spec, "replicas"), 1), num(at(status, "replicas")),
                            num(at(status, "readyReplicas")), created, containerField(o, "name"),
                            containerField(o, "image"), LabelSelector::fromJson(at(spec, "selector")).toString()});
    }
    if (typeId == "horizontalpodautoscalers.autoscaling") {
        const Json &ref = at(spec, "scaleTargetRef");
        std::vector<std::string> targets;
        for (const auto &m : at(spec, "metrics")) {
            const std::string type = str(at(m, "type"));
            if (type == "Resource" || type == "ContainerResource") {
                const Json &res = at(m, type == "Resource" ? "resource" : "containerResource");
                const std::string resName = str(at(res, "name"));
                const Json &target = at(res, "target");
                std::string current = "<unknown>";
                for (const auto &cm : at(status, "currentMetrics")) {
                    const Json &cres = at(cm, type == "Resource" ? "resource" : "containerResource");
                    if (str(at(cm, "type")) == type && str(at(cres, "name")) == resName) {
                        const Json &cur = at(cres, "current");
                        if (str(at(target, "type")) == "Utilization" && at(cur, "averageUtilization").is_number())
                            current = std::to_string(num(at(cur, "averageUtilization"))) + "%";
                        else if (at(cur, "averageValue").is_string())
                            current = str(at(cur, "averageValue"));
                    }
                }
                if (str(at(target, "type")) == "Utilization")
                    targets.push_back(resName + ": " + current + "/" + std::to_string(num(at(target, "averageUtilization"))) + "%");
                else
                    targets.push_back(resName + ": " + current + "/" + str(at(target, "averageValue"), str(at(target, "value"))));
            } else if (type == "Pods" || type == "Object" || type == "External") {
                const Json &section = at(m, type == "Pods" ? "pods" : type == "Object" ? "object" : "external");
                const Json &target = at(section, "target");
                targets.push_back("<unknown>/" + str(at(target, "averageValue"), str(at(target, "value"))));
            }
        }
        std::string targetText = targets.empty() ? kNone : targets.front();
        if (targets.size() > 1)
            targetText = targets[0] + ", " + targets[1];
        if (targets.size() > 2)
            targetText += " + " + std::to_string(targets.size() - 2) + " more...";
        return Json::array({name, str(at(ref, "kind")) + "/" + str(at(ref, "name")), targetText,
                            std::to_string(num(at(spec, "minReplicas"), 1)), num(at(spec, "maxReplicas")),
                            num(at(status, "currentReplicas")), created});
    }
    if (typeId == "ingresses.networking.k8s.io") {
        std::vector<std::string> hosts;
        for (const auto &rule : at(spec, "rules"))
            hosts.push_back(str(at(rule, "host"), "*"));
        std::vector<std::string> addresses;
        for (const auto &lb : at(at(status, "loadBalancer"), "ingress"))
            addresses.push_back(str(at(lb, "ip"), str(at(lb, "hostname"))));
        const bool tls = at(spec, "tls").is_array() && !at(spec, "tls").empty();
        return Json::array({name, str(at(spec, "ingressClassName"), kNone), hosts.empty() ? "*" : joinStrings(hosts),
                            joinStrings(addresses), tls ? "80, 443" : "80", created});
    }
    if (typeId == "services") {
        const std::string type = str(at(spec, "type"), "ClusterIP");
        std::vector<std::string> external;
        for (const auto &lb : at(at(status, "loadBalancer"), "ingress"))
            external.push_back(str(at(lb, "ip"), str(at(lb, "hostname"))));
        for (const auto &ip : at(spec, "externalIPs"))
            external.push_back(str(ip));
        std::string externalText = external.empty() ? (type == "LoadBalancer" ? "<pending>" : kNone) : joinStrings(external);
        if (type == "ExternalName")
            externalText = str(at(spec, "externalName"), kNone);
        std::vector<std::string> ports;
        for (const auto &p : at(spec, "ports")) {
            std::string text = std::to_string(num(at(p, "port")));
            if (at(p, "nodePort").is_number())
                text += ":" + std::to_string(num(at(p, "nodePort")));
            ports.push_back(text + "/" + str(at(p, "protocol"), "TCP"));
        }
        const Json &selector = at(spec, "selector");
        std::string selectorText = kNone;
        if (selector.is_object() && !selector.empty())
            selectorText = LabelSelector::fromMap(selector).toString();
        return Json::array({name, type, str(at(spec, "clusterIP"), kNone), externalText,
                            ports.empty() ? kNone : joinStrings(ports), created, selectorText});
    }
    if (typeId == "events") {
        const Json &involved = at(o, "involvedObject");
        Json last = at(o, "lastTimestamp");
        if (!last.is_string())
            last = at(at(o, "series"), "lastObservedTime");
        if (!last.is_string())
            last = at(o, "eventTime");
        Json first = at(o, "firstTimestamp");
        if (!first.is_string())
            first = at(o, "eventTime");
        const Json &source = at(o, "source");
        std::string sourceText = str(at(source, "component"), str(at(o, "reportingComponent")));
        if (!str(at(source, "host")).empty())
            sourceText += ", " + str(at(source, "host"));
        long long count = num(at(o, "count"), 1);
        if (at(at(o, "series"), "count").is_number())
            count = num(at(at(o, "series"), "count"));
        return Json::array({age(last), str(at(o, "type")), str(at(o, "reason")),
                            lowerKind(str(at(involved, "kind"))) + "/" + str(at(involved, "name")),
                            str(at(involved, "fieldPath")), sourceText, str(at(o, "message")), age(first),
                            std::to_string(count), name});
    }
    if (typeId == "namespaces")
        return Json::array({name, str(at(status, "phase"), "Active"), created});
    if (typeId == "secrets") {
        const long long n = at(o, "data").is_object() ? static_cast<long long>(at(o, "data").size()) : 0;
        return Json::array({name, str(at(o, "type"), "Opaque"), n, created});
    }
    if (typeId == "configmaps") {
        long long n = at(o, "data").is_object() ? static_cast<long long>(at(o, "data").size()) : 0;
        n += at(o, "binaryData").is_object() ? static_cast<long long>(at(o, "binaryData").size()) : 0;
        return Json::array({name, n, created});
    }
    if (typeId == "httproutes.gateway.networking.k8s.io") {
        const Json &hostnames = at(spec, "hostnames");
        return Json::array({name, hostnames.is_array() ? hostnames.dump() : std::string(), at(meta, "creationTimestamp")});
    }
    return Json::array({name, at(meta, "creationTimestamp")});
}

Json TableConverter::row(const std::string &typeId, const Json &object, Include include) const
{
    Json r = {{"cells", cells(typeId, object)}};
    if (include == Include::Object) {
        r["object"] = object;
    } else if (include == Include::Metadata) {
        r["object"] = {{"kind", "PartialObjectMetadata"},
                       {"apiVersion", "meta.k8s.io/v1"},
                       {"metadata", at(object, "metadata")}};
    }
    return r;
}

Json TableConverter::table(const std::string &typeId, const std::string &apiVersion, Json rows, Json metadata,
                           bool withColumns) const
{
    Json t = {{"kind", "Table"}, {"apiVersion", apiVersion}, {"metadata", std::move(metadata)}};
    t["columnDefinitions"] = withColumns ? columnDefinitions(typeId) : Json();
    t["rows"] = std::move(rows);
    return t;
}

} // namespace sim
