#pragma once

// Pods as the ReplicaSet controller creates them and their status at each step of the kubelet's
// lifecycle (scheduled, ContainerCreating, running, ready, crashed), shared by the estate builder
// (history at load) and the controllers.

#include "../objectstore.h"

#include <chrono>
#include <string>

namespace sim {

class PodFactory
{
public:
    using TimePoint = std::chrono::system_clock::time_point;

    // A new Pending pod of `replicaSet` named `name`, spec from its template plus the API server's defaults.
    static Json fromReplicaSet(const Json &replicaSet, const std::string &name);

    static void scheduled(Json &pod, const std::string &node, TimePoint at);
    static void containerCreating(Json &pod, const std::string &hostIp, TimePoint at);
    static void running(Json &pod, const std::string &podIp, const std::string &containerId, TimePoint at);
    static void ready(Json &pod, TimePoint at);
    // The container exited with `exitCode` and waits in CrashLoopBackOff for `backoffSeconds`.
    static void crashed(Json &pod, int exitCode, int backoffSeconds, const std::string &newContainerId, TimePoint at);
    static void restarted(Json &pod, const std::string &containerId, TimePoint at);
    static void notReady(Json &pod, TimePoint at);

    static std::string qosClass(const Json &podSpec);
    static std::string imageId(const std::string &image);
    static std::string containerName(const Json &pod);
    static std::string image(const Json &pod);

private:
    static void setCondition(Json &pod, const std::string &type, bool status, TimePoint at,
                             const std::string &reason = {}, const std::string &message = {});
    static Json &containerStatus(Json &pod);
};

} // namespace sim
