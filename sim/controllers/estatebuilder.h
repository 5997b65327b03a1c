#pragma once

// Turns a scenario into the objects of a running estate with history behind it: Deployments with
// old ReplicaSet revisions, running pods spread over the node pool, Services, Ingresses or an
// HTTPRoute, HPAs, Secrets, a ConfigMap and the past hour's Events.

#include "simcontext.h"

#include <chrono>
#include <string>

namespace sim {

class EstateBuilder
{
public:
    using TimePoint = std::chrono::system_clock::time_point;

    EstateBuilder(SimContext &context, TimePoint now);

    void build(); // throws std::runtime_error when the store refuses an object

    // The pod template of a service's track at an image tag, as its Deployment carries it.
    static Json podTemplate(const Scenario &scenario, const ServiceSpec &service, const std::string &track,
                            const std::string &version);
    static std::string nodeName(std::uint64_t seed, int index);

private:
    Json create(const std::string &typeId, Json object);
    void buildNodes();
    void buildNamespace();
    void buildSettings();
    void buildService(const ServiceSpec &service, std::size_t index);
    void buildServices(const ServiceSpec &service);
    void buildRouting(const ServiceSpec &service);
    void buildSecret(const ServiceSpec &service);
    void buildHpa(const ServiceSpec &service, const Json &deployment, TimePoint lastScale);
    // The Deployment of a track with its revisions; returns the Deployment as stored. `youngestPod`
    // is when its newest pod started (an HPA scale-up in the last hour, for the seed's history).
    Json buildTrack(const ServiceSpec &service, const std::string &track, const TrackSpec &spec, TimePoint firstRevision,
                    TimePoint currentRevision, TimePoint youngestPod);
    Json replicaSet(const Json &deployment, const Json &podTemplate, int revision, int replicas, int maxSurge,
                    TimePoint created, const std::string &changeCause);
    void buildPod(const Json &replicaSet, TimePoint created, bool withEvents);
    bool recent(TimePoint time) const;

    SimContext &m_ctx;
    TimePoint m_now;
    Rng m_rng;
    int m_nextClusterIp = 0;
};

} // namespace sim
