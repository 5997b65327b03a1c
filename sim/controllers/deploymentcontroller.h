#pragma once

// The deployment controller: a template change makes a new ReplicaSet (or revives the old one with the
// same template, as a rollback does) at revision max+1, rolls it out within maxSurge/maxUnavailable,
// scales, honours `paused`, garbage-collects old revisions and writes the Deployment's status.

#include "controller.h"
#include "simcontext.h"

#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace sim {

class DeploymentController final : public Controller
{
public:
    explicit DeploymentController(SimContext &context);
    void step(std::chrono::system_clock::time_point now) override;

    // The template of a ReplicaSet equals the Deployment's, the pod-template-hash label aside.
    static bool sameTemplate(const Json &replicaSetTemplate, const Json &deploymentTemplate);

private:
    struct Rs
    {
        const Json *object = nullptr;
        std::string name;
        int specReplicas = 0;
        int statusReplicas = 0;
        int ready = 0;
        int available = 0;
        std::int64_t revision = 0;
        std::string created;
    };

    void sync(const Json &deployment, std::vector<Rs> owned, std::chrono::system_clock::time_point now);
    std::optional<Rs> createReplicaSet(const Json &deployment, std::int64_t revision, int maxSurge,
                                       std::int64_t &collisionCount);
    void scale(const Json &deployment, Rs &rs, int replicas, int maxSurge, std::chrono::system_clock::time_point now);
    void rollingUpdate(const Json &deployment, Rs &newRs, std::vector<Rs> &old, int replicas, int maxSurge,
                       int maxUnavailable, std::chrono::system_clock::time_point now);
    void recreate(const Json &deployment, Rs &newRs, std::vector<Rs> &old, int replicas,
                  std::chrono::system_clock::time_point now);
    void cleanup(const Json &deployment, std::vector<Rs> &old);
    void updateStatus(const Json &deployment, const Rs *newRs, const std::vector<Rs> &old, int maxUnavailable,
                      bool createdNew, std::int64_t collisionCount, std::chrono::system_clock::time_point now);

    SimContext &m_ctx;
    std::deque<Json> m_created; // ReplicaSets created this step (deque: stable addresses)
    std::vector<StoredPtr> m_lastDeployments;
    std::vector<StoredPtr> m_lastReplicaSets;
    bool m_rollingOut = false;  // a rollout was in progress at the last pass: time matters (deadline)
};

} // namespace sim
