#include "podfactory.h"

#include "kubeutil.h"
#include "rng.h"

#include <cstdio>

namespace sim {

namespace {

std::string shortId(const std::string &containerId)
{
    return containerId;
}

Json runningState(const std::string &at)
{
    return {{"running", {{"startedAt", at}}}};
}

} // namespace

Json PodFactory::fromReplicaSet(const Json &replicaSet, const std::string &name)
{
    const Json &tmpl = kube::member(replicaSet, "spec", "template");
    Json metadata = {{"name", name},
                     {"generateName", kube::name(replicaSet) + "-"},
                     {"namespace", kube::str(replicaSet, "metadata", "namespace")},
                     {"labels", kube::member(tmpl, "metadata", "labels").is_object() ? tmpl["metadata"]["labels"]
                                                                                    : Json::object()},
                     {"ownerReferences", Json::array({kube::ownerReference(replicaSet)})}};
    if (kube::member(tmpl, "metadata", "annotations").is_object())
        metadata["annotations"] = tmpl["metadata"]["annotations"];
    Json spec = tmpl.value("spec", Json::object());
    // What admission and defaulting add to every pod.
    if (!spec.contains("serviceAccountName"))
        spec["serviceAccountName"] = "default";
    spec["serviceAccount"] = spec["serviceAccountName"];
    if (!spec.contains("enableServiceLinks"))
        spec["enableServiceLinks"] = true;
    if (!spec.contains("preemptionPolicy"))
        spec["preemptionPolicy"] = "PreemptLowerPriority";
    if (!spec.contains("priority"))
        spec["priority"] = 0;
    if (!spec.contains("tolerations"))
        spec["tolerations"] = Json::array(
            {{{"key", "node.kubernetes.io/not-ready"}, {"operator", "Exists"}, {"effect", "NoExecute"},
              {"tolerationSeconds", 300}},
             {{"key", "node.kubernetes.io/unreachable"}, {"operator", "Exists"}, {"effect", "NoExecute"},
              {"tolerationSeconds", 300}}});
    const std::string qos = qosClass(spec);
    return {{"apiVersion", "v1"},
            {"kind", "Pod"},
            {"metadata", std::move(metadata)},
            {"spec", std::move(spec)},
            {"status", {{"phase", "Pending"}, {"qosClass", qos}}}};
}

void PodFactory::setCondition(Json &pod, const std::string &type, bool status, TimePoint at, const std::string &reason,
                              const std::string &message)
{
    Json &conditions = pod["status"]["conditions"];
    if (!conditions.is_array())
        conditions = Json::array();
    const std::string value = status ? "True" : "False";
    Json condition = {{"type", type}, {"status", value}, {"lastTransitionTime", kube::timeText(at)}};
    if (!reason.empty())
        condition["reason"] = reason;
    if (!message.empty())
        condition["message"] = message;
    for (auto &c : conditions) {
        if (c.value("type", std::string()) != type)
            continue;
        if (c.value("status", std::string()) == value)
            condition["lastTransitionTime"] = c.value("lastTransitionTime", kube::timeText(at));
        c = std::move(condition);
        return;
    }
    // The kubelet's order: Initialized, Ready, ContainersReady, PodScheduled.
    static const std::vector<std::string> order = {"Initialized", "Ready", "ContainersReady", "PodScheduled"};
    const auto rank = [](const std::string &t) {
        const auto it = std::find(order.begin(), order.end(), t);
        return it - order.begin();
    };
    auto pos = conditions.begin();
    while (pos != conditions.end() && rank(pos->value("type", std::string())) < rank(type))
        ++pos;
    conditions.insert(pos, std::move(condition));
}

Json &PodFactory::containerStatus(Json &pod)
{
    Json &statuses = pod["status"]["containerStatuses"];
    if (!statuses.is_array() || statuses.empty()) {
        statuses = Json::array();
        const Json &containers = kube::member(pod, "spec", "containers");
        if (containers.is_array())
            for (const auto &c : containers)
                statuses.push_back({{"name", c.value("name", std::string())},
                                    {"image", c.value("image", std::string())},
                                    {"imageID", ""},
                                    {"ready", false},
                                    {"restartCount", 0},
                                    {"started", false},
                                    {"lastState", Json::object()},
                                    {"state", {{"waiting", {{"reason", "ContainerCreating"}}}}}});
    }
    return statuses;
}

void PodFactory::scheduled(Json &pod, const std::string &node, TimePoint at)
{
    pod["spec"]["nodeName"] = node;
    setCondition(pod, "PodScheduled", true, at);
}

void PodFactory::containerCreating(Json &pod, const std::string &hostIp, TimePoint at)
{
    Json &status = pod["status"];
    status["phase"] = "Pending";
    status["hostIP"] = hostIp;
    status["hostIPs"] = Json::array({{{"ip", hostIp}}});
    status["startTime"] = kube::timeText(at);
    std::string names;
    for (const auto &s : containerStatus(pod))
        names += (names.empty() ? "" : " ") + s.value("name", std::string());
    setCondition(pod, "Initialized", true, at);
    setCondition(pod, "Ready", false, at, "ContainersNotReady", "containers with unready status: [" + names + "]");
    setCondition(pod, "ContainersReady", false, at, "ContainersNotReady",
                 "containers with unready status: [" + names + "]");
}

void PodFactory::running(Json &pod, const std::string &podIp, const std::string &containerId, TimePoint at)
{
    Json &status = pod["status"];
    status["phase"] = "Running";
    status["podIP"] = podIp;
    status["podIPs"] = Json::array({{{"ip", podIp}}});
    for (auto &s : containerStatus(pod)) {
        s["state"] = runningState(kube::timeText(at));
        s["started"] = true;
        s["ready"] = false;
        s["imageID"] = imageId(s.value("image", std::string()));
        s["containerID"] = "containerd://" + shortId(containerId);
    }
}

void PodFactory::ready(Json &pod, TimePoint at)
{
    for (auto &s : containerStatus(pod))
        s["ready"] = true;
    Json &conditions = pod["status"]["conditions"];
    setCondition(pod, "Ready", true, at);
    setCondition(pod, "ContainersReady", true, at);
    for (auto &c : conditions)
        if (c.value("status", std::string()) == "True") {
            c.erase("reason");
            c.erase("message");
        }
}

void PodFactory::notReady(Json &pod, TimePoint at)
{
    std::string names;
    for (auto &s : containerStatus(pod)) {
        s["ready"] = false;
        names += (names.empty() ? "" : " ") + s.value("name", std::string());
    }
    setCondition(pod, "Ready", false, at, "ContainersNotReady", "containers with unready status: [" + names + "]");
    setCondition(pod, "ContainersReady", false, at, "ContainersNotReady",
                 "containers with unready status: [" + names + "]");
}

void PodFactory::crashed(Json &pod, int exitCode, int backoffSeconds, const std::string &newContainerId, TimePoint at)
{
    notReady(pod, at);
    const std::string podName = kube::name(pod);
    const std::string ns = kube::str(pod, "metadata", "namespace");
    const std::string uid = kube::uid(pod);
    for (auto &s : containerStatus(pod)) {
        const std::string startedAt = kube::str(s, "state", "running", "startedAt");
        s["lastState"] = {{"terminated",
                           {{"exitCode", exitCode},
                            {"reason", "Error"},
                            {"startedAt", startedAt.empty() ? kube::timeText(at) : startedAt},
                            {"finishedAt", kube::timeText(at)},
                            {"containerID", s.value("containerID", std::string())}}}};
        s["state"] = {{"waiting",
                       {{"reason", "CrashLoopBackOff"},
                        {"message", "back-off " + std::to_string(backoffSeconds) + "s restarting failed container="
                                        + s.value("name", std::string()) + " pod=" + podName + "_" + ns + "(" + uid
                                        + ")"}}}};
        s["ready"] = false;
        s["started"] = false;
        s["restartCount"] = s.value("restartCount", 0) + 1;
        s["containerID"] = "containerd://" + shortId(newContainerId);
    }
}

void PodFactory::restarted(Json &pod, const std::string &containerId, TimePoint at)
{
    for (auto &s : containerStatus(pod)) {
        s["state"] = runningState(kube::timeText(at));
        s["started"] = true;
        s["ready"] = false;
        s["containerID"] = "containerd://" + shortId(containerId);
    }
}

std::string PodFactory::qosClass(const Json &podSpec)
{
    const Json &containers = kube::member(podSpec, "containers");
    if (!containers.is_array())
        return "BestEffort";
    bool any = false;
    bool guaranteed = true;
    for (const auto &c : containers) {
        const Json &requests = kube::member(c, "resources", "requests");
        const Json &limits = kube::member(c, "resources", "limits");
        any = any || (requests.is_object() && !requests.empty()) || (limits.is_object() && !limits.empty());
        for (const char *r : {"cpu", "memory"}) {
            const std::string limit = kube::str(limits, r);
            const std::string request = kube::str(requests, r);
            if (limit.empty() || (!request.empty() && request != limit))
                guaranteed = false;
        }
    }
    return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
}

std::string PodFactory::imageId(const std::string &image)
{
    // A stable digest per image reference, shaped like the registry's sha256.
    std::string repo = image;
    if (const auto colon = repo.rfind(':'); colon != std::string::npos && colon > repo.rfind('/'))
        repo = repo.substr(0, colon);
    std::uint64_t h = 1469598103934665603ULL;
    for (const unsigned char c : image)
        h = (h ^ c) * 1099511628211ULL;
    std::string digest;
    for (int i = 0; i < 4; ++i) {
        char part[17];
        std::snprintf(part, sizeof part, "%016llx", static_cast<unsigned long long>(Rng::mix(h + i)));
        digest += part;
    }
    return repo + "@sha256:" + digest;
}

std::string PodFactory::containerName(const Json &pod)
{
    const Json &containers = kube::member(pod, "spec", "containers");
    return containers.is_array() && !containers.empty() ? containers[0].value("name", std::string()) : std::string();
}

std::string PodFactory::image(const Json &pod)
{
    const Json &containers = kube::member(pod, "spec", "containers");
    return containers.is_array() && !containers.empty() ? containers[0].value("image", std::string()) : std::string();
}

} // namespace sim
