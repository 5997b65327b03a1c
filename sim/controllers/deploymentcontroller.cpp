#include "deploymentcontroller.h"

#include "kubeutil.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace sim {

namespace {

using TimePoint = std::chrono::system_clock::time_point;

int intField(const Json &object, const char *key, int fallback)
{
    const auto it = object.find(key);
    return it != object.end() && it->is_number_integer() ? it->get<int>() : fallback;
}

// Sets a condition, keeping lastTransitionTime while the status holds and lastUpdateTime while the
// reason and message do, as the deployment controller's SetDeploymentCondition does.
void setCondition(Json &conditions, const std::string &type, const std::string &status, const std::string &reason,
                  const std::string &message, const std::string &now)
{
    Json fresh = {{"type", type},           {"status", status},        {"lastUpdateTime", now},
                  {"lastTransitionTime", now}, {"reason", reason}, {"message", message}};
    for (auto &c : conditions) {
        if (c.value("type", std::string()) != type)
            continue;
        if (c.value("status", std::string()) == status) {
            fresh["lastTransitionTime"] = c.value("lastTransitionTime", now);
            if (c.value("reason", std::string()) == reason && c.value("message", std::string()) == message)
                fresh["lastUpdateTime"] = c.value("lastUpdateTime", now);
        }
        c = std::move(fresh);
        return;
    }
    conditions.push_back(std::move(fresh));
}

} // namespace

DeploymentController::DeploymentController(SimContext &context) : m_ctx(context) {}

bool DeploymentController::sameTemplate(const Json &rsTemplate, const Json &dTemplate)
{
    if (!rsTemplate.is_object() || !dTemplate.is_object())
        return false;
    if (kube::member(rsTemplate, "spec") != kube::member(dTemplate, "spec"))
        return false;
    const Json &rm = kube::member(rsTemplate, "metadata");
    const Json &dm = kube::member(dTemplate, "metadata");
    const Json empty = Json::object();
    const Json &rl = kube::member(rm, "labels").is_object() ? rm["labels"] : empty;
    const Json &dl = kube::member(dm, "labels").is_object() ? dm["labels"] : empty;
    // Labels: equal but for pod-template-hash, compared without copying the templates.
    std::size_t counted = 0;
    for (auto it = rl.begin(); it != rl.end(); ++it) {
        if (it.key() == kube::kTemplateHash)
            continue;
        ++counted;
        const auto found = dl.find(it.key());
        if (found == dl.end() || *found != it.value())
            return false;
    }
    if (counted != dl.size())
        return false;
    // Other metadata (annotations such as kubectl.kubernetes.io/restartedAt): equal, empty or absent alike.
    const auto otherKeysEqual = [&](const Json &a, const Json &b) {
        if (!a.is_object())
            return !b.is_object() || std::all_of(b.items().begin(), b.items().end(), [](const auto &item) {
                return item.key() == "labels" || item.value().is_null() || item.value().empty();
            });
        for (auto it = a.begin(); it != a.end(); ++it) {
            if (it.key() == "labels")
                continue;
            const Json &other = b.is_object() && b.contains(it.key()) ? b[it.key()] : Json();
            const bool blankA = it.value().is_null() || it.value().empty();
            const bool blankB = other.is_null() || other.empty();
            if (!(blankA && blankB) && it.value() != other)
                return false;
        }
        return true;
    };
    return otherKeysEqual(rm, dm) && otherKeysEqual(dm, rm);
}

void DeploymentController::step(TimePoint now)
{
    m_created.clear();
    const auto deployments = m_ctx.store.snapshot("deployments.apps", m_ctx.ns);
    const auto replicaSets = m_ctx.store.snapshot("replicasets.apps", m_ctx.ns);
    // Unchanged objects and no rollout under way: the last pass still holds.
    const auto same = [](const std::vector<StoredPtr> &a, const std::vector<StoredPtr> &b) {
        return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
    };
    if (!m_rollingOut && same(deployments, m_lastDeployments) && same(replicaSets, m_lastReplicaSets))
        return;
    m_lastDeployments = deployments;
    m_lastReplicaSets = replicaSets;
    m_rollingOut = false;
    std::unordered_map<std::string, std::vector<Rs>> owned;
    std::unordered_set<std::string> deploymentUids;
    for (const auto &d : deployments)
        deploymentUids.insert(kube::uid(d->object()));
    for (const auto &stored : replicaSets) {
        const Json &rs = stored->object();
        const std::string owner = kube::controllerUid(rs);
        if (owner.empty())
            continue;
        if (!deploymentUids.count(owner)) {
            // The garbage collector: a ReplicaSet whose Deployment is gone goes too.
            const Json &refs = rs["metadata"]["ownerReferences"];
            if (refs.is_array() && !refs.empty() && refs[0].value("kind", std::string()) == "Deployment")
                m_ctx.store.remove("replicasets.apps", m_ctx.ns, kube::name(rs));
            continue;
        }
        Rs view;
        view.object = &rs;
        view.name = kube::name(rs);
        view.specReplicas = intField(rs["spec"], "replicas", 1);
        const Json &status = kube::member(rs, "status");
        view.statusReplicas = intField(status, "replicas", 0);
        view.ready = intField(status, "readyReplicas", 0);
        view.available = intField(status, "availableReplicas", 0);
        view.revision = kube::revision(rs);
        view.created = kube::str(rs, "metadata", "creationTimestamp");
        owned[owner].push_back(std::move(view));
    }
    for (const auto &d : deployments) {
        const Json &deployment = d->object();
        const auto it = owned.find(kube::uid(deployment));
        sync(deployment, it == owned.end() ? std::vector<Rs>() : std::move(it->second), now);
    }
}

void DeploymentController::sync(const Json &deployment, std::vector<Rs> owned, TimePoint now)
{
    const Json &spec = deployment["spec"];
    const Json &tmpl = kube::member(spec, "template");
    const int replicas = intField(spec, "replicas", 1);
    const bool paused = spec.value("paused", false);
    const Json &strategy = kube::member(spec, "strategy");
    const bool recreateStrategy = kube::str(strategy, "type") == "Recreate";
    const Json &rolling = kube::member(strategy, "rollingUpdate");
    const Json surgeValue = rolling.is_object() && rolling.contains("maxSurge") ? rolling["maxSurge"] : Json("25%");
    const Json unavailableValue =
        rolling.is_object() && rolling.contains("maxUnavailable") ? rolling["maxUnavailable"] : Json("25%");
    int maxSurge = recreateStrategy ? 0 : kube::intOrPercent(surgeValue, replicas, true);
    int maxUnavailable = recreateStrategy ? 0 : kube::intOrPercent(unavailableValue, replicas, false);
    if (!recreateStrategy && maxSurge == 0 && maxUnavailable == 0)
        maxUnavailable = 1;

    // Oldest first, as the controller scales old ReplicaSets down.
    std::sort(owned.begin(), owned.end(), [](const Rs &a, const Rs &b) {
        return a.revision != b.revision ? a.revision < b.revision : a.created < b.created;
    });
    std::optional<Rs> newRs;
    std::vector<Rs> old;
    for (auto &rs : owned) {
        if (!newRs && sameTemplate(kube::member(rs.object->at("spec"), "template"), tmpl))
            newRs = rs;
        else
            old.push_back(rs);
    }
    std::int64_t maxOldRevision = 0;
    for (const auto &rs : old)
        maxOldRevision = std::max(maxOldRevision, rs.revision);

    std::int64_t collisionCount = kube::integer(deployment, "status", "collisionCount", 0);
    bool createdNew = false;
    if (!newRs && !paused && tmpl.is_object()) {
        newRs = createReplicaSet(deployment, maxOldRevision + 1, maxSurge, collisionCount);
        createdNew = newRs.has_value();
    } else if (newRs && !paused && newRs->revision <= maxOldRevision) {
        // A rollback: the old ReplicaSet becomes the newest revision, its old number goes to the history.
        const std::int64_t previous = newRs->revision;
        const std::string changeCause = kube::annotation(deployment, kube::kChangeCause);
        m_ctx.store.modify("replicasets.apps", m_ctx.ns, newRs->name, [&](Json &rs) {
            Json &annotations = rs["metadata"]["annotations"];
            if (!annotations.is_object())
                annotations = Json::object();
            std::string history = annotations.value(kube::kRevisionHistory, std::string());
            if (previous > 0)
                history = history.empty() ? std::to_string(previous) : history + "," + std::to_string(previous);
            if (!history.empty())
                annotations[kube::kRevisionHistory] = history;
            annotations[kube::kRevision] = std::to_string(maxOldRevision + 1);
            if (!changeCause.empty())
                annotations[kube::kChangeCause] = changeCause;
            return true;
        });
        newRs->revision = maxOldRevision + 1;
        m_ctx.events.record(deployment, "Normal", "DeploymentRollback",
                            "Rolled back deployment \"" + kube::name(deployment) + "\" to revision "
                                + std::to_string(previous),
                            "deployment-controller", now);
    }

    if (newRs) {
        const std::string revision = std::to_string(newRs->revision);
        if (kube::annotation(deployment, kube::kRevision) != revision)
            m_ctx.store.modify("deployments.apps", m_ctx.ns, kube::name(deployment), [&](Json &d) {
                d["metadata"]["annotations"][kube::kRevision] = revision;
                return true;
            });
    }

    if (newRs && !paused) {
        if (recreateStrategy)
            recreate(deployment, *newRs, old, replicas, now);
        else
            rollingUpdate(deployment, *newRs, old, replicas, maxSurge, maxUnavailable, now);
    } else if (newRs && paused) {
        // Paused: scaling still applies, a rollout does not proceed.
        const bool oldActive = std::any_of(old.begin(), old.end(), [](const Rs &rs) { return rs.specReplicas > 0; });
        if (!oldActive && newRs->specReplicas != replicas)
            scale(deployment, *newRs, replicas, maxSurge, now);
    }
    cleanup(deployment, old);
    updateStatus(deployment, newRs ? &*newRs : nullptr, old, maxUnavailable, createdNew, collisionCount, now);
}

std::optional<DeploymentController::Rs> DeploymentController::createReplicaSet(const Json &deployment,
                                                                              std::int64_t revision, int maxSurge,
                                                                              std::int64_t &collisionCount)
{
    const Json &spec = deployment["spec"];
    const int replicas = intField(spec, "replicas", 1);
    for (int attempt = 0; attempt < 5; ++attempt) {
        const std::string hash = kube::templateHash(spec["template"], collisionCount);
        Json tmpl = spec["template"];
        tmpl["metadata"]["labels"][kube::kTemplateHash] = hash;
        Json selector = kube::member(spec, "selector").is_object() ? spec["selector"] : Json::object();
        selector["matchLabels"][kube::kTemplateHash] = hash;
        Json annotations = {{kube::kDesiredReplicas, std::to_string(replicas)},
                            {kube::kMaxReplicas, std::to_string(replicas + maxSurge)},
                            {kube::kRevision, std::to_string(revision)}};
        const std::string cause = kube::annotation(deployment, kube::kChangeCause);
        if (!cause.empty())
            annotations[kube::kChangeCause] = cause;
        Json rs = {{"apiVersion", "apps/v1"},
                   {"kind", "ReplicaSet"},
                   {"metadata",
                    {{"name", kube::name(deployment) + "-" + hash},
                     {"namespace", m_ctx.ns},
                     {"labels", tmpl["metadata"]["labels"]},
                     {"annotations", std::move(annotations)},
                     {"ownerReferences", Json::array({kube::ownerReference(deployment)})}}},
                   {"spec", {{"replicas", 0}, {"selector", std::move(selector)}, {"template", std::move(tmpl)}}},
                   {"status", {{"replicas", 0}}}};
        auto outcome = m_ctx.store.create("replicasets.apps", std::move(rs));
        if (outcome) {
            // Kept until the next step: the view points into it.
            m_created.push_back(std::move(*outcome.value));
            Rs view;
            view.object = &m_created.back();
            view.name = kube::name(m_created.back());
            view.revision = revision;
            return view;
        }
        if (outcome.error->code != 409)
            return std::nullopt;
        ++collisionCount; // a hash collision with a ReplicaSet of another template: rehash
    }
    return std::nullopt;
}

void DeploymentController::scale(const Json &deployment, Rs &rs, int replicas, int maxSurge, TimePoint now)
{
    const int desired = intField(deployment["spec"], "replicas", 1);
    const int from = rs.specReplicas;
    const auto changed = m_ctx.store.modify("replicasets.apps", m_ctx.ns, rs.name, [&](Json &object) {
        object["spec"]["replicas"] = replicas;
        object["metadata"]["annotations"][kube::kDesiredReplicas] = std::to_string(desired);
        object["metadata"]["annotations"][kube::kMaxReplicas] = std::to_string(desired + maxSurge);
        return true;
    });
    if (!changed)
        return;
    rs.specReplicas = replicas;
    if (from == replicas)
        return;
    m_ctx.events.record(deployment, "Normal", "ScalingReplicaSet",
                        std::string(replicas > from ? "Scaled up" : "Scaled down") + " replica set " + rs.name + " from "
                            + std::to_string(from) + " to " + std::to_string(replicas),
                        "deployment-controller", now);
}

void DeploymentController::rollingUpdate(const Json &deployment, Rs &newRs, std::vector<Rs> &old, int replicas,
                                         int maxSurge, int maxUnavailable, TimePoint now)
{
    const auto total = [&] {
        int sum = newRs.specReplicas;
        for (const auto &rs : old)
            sum += rs.specReplicas;
        return sum;
    };
    // Scale the new ReplicaSet up within maxSurge (or down to the desired count).
    if (newRs.specReplicas > replicas) {
        scale(deployment, newRs, replicas, maxSurge, now);
    } else if (newRs.specReplicas < replicas) {
        const int maxTotal = replicas + maxSurge;
        const int current = total();
        if (current < maxTotal)
            scale(deployment, newRs, newRs.specReplicas + std::min(maxTotal - current, replicas - newRs.specReplicas),
                  maxSurge, now);
    }

    int oldCount = 0;
    for (const auto &rs : old)
        oldCount += rs.specReplicas;
    if (oldCount == 0)
        return;
    const int minAvailable = replicas - maxUnavailable;
    const int newUnavailable = std::max(0, newRs.specReplicas - newRs.available);
    int maxScaledDown = total() - minAvailable - newUnavailable;
    if (maxScaledDown <= 0)
        return;
    // First the old pods that are not available anyway, then available ones down to minAvailable.
    for (auto &rs : old) {
        if (maxScaledDown <= 0)
            break;
        const int unhealthy = rs.specReplicas - rs.available;
        if (rs.specReplicas == 0 || unhealthy <= 0)
            continue;
        const int down = std::min(maxScaledDown, unhealthy);
        scale(deployment, rs, rs.specReplicas - down, maxSurge, now);
        maxScaledDown -= down;
    }
    int available = newRs.available;
    for (const auto &rs : old)
        available += std::min(rs.available, rs.specReplicas);
    int toScaleDown = available - minAvailable;
    for (auto &rs : old) {
        if (toScaleDown <= 0)
            break;
        if (rs.specReplicas == 0)
            continue;
        const int down = std::min(rs.specReplicas, toScaleDown);
        scale(deployment, rs, rs.specReplicas - down, maxSurge, now);
        toScaleDown -= down;
    }
}

void DeploymentController::recreate(const Json &deployment, Rs &newRs, std::vector<Rs> &old, int replicas,
                                    TimePoint now)
{
    bool oldRunning = false;
    for (auto &rs : old) {
        if (rs.specReplicas > 0)
            scale(deployment, rs, 0, 0, now);
        oldRunning = oldRunning || rs.statusReplicas > 0;
    }
    if (!oldRunning && newRs.specReplicas != replicas)
        scale(deployment, newRs, replicas, 0, now);
}

void DeploymentController::cleanup(const Json &deployment, std::vector<Rs> &old)
{
    const int limit = intField(deployment["spec"], "revisionHistoryLimit", 10);
    std::vector<const Rs *> idle;
    for (const auto &rs : old)
        if (rs.specReplicas == 0 && rs.statusReplicas == 0)
            idle.push_back(&rs);
    const int excess = static_cast<int>(idle.size()) - std::max(0, limit);
    for (int i = 0; i < excess; ++i) // `old` is sorted oldest revision first
        m_ctx.store.remove("replicasets.apps", m_ctx.ns, idle[static_cast<std::size_t>(i)]->name);
}

void DeploymentController::updateStatus(const Json &deployment, const Rs *newRs, const std::vector<Rs> &old,
                                        int maxUnavailable, bool createdNew, std::int64_t collisionCount,
                                        TimePoint now)
{
    const Json &spec = deployment["spec"];
    const int desired = intField(spec, "replicas", 1);
    int replicas = newRs ? newRs->statusReplicas : 0;
    int ready = newRs ? newRs->ready : 0;
    int available = newRs ? newRs->available : 0;
    for (const auto &rs : old) {
        replicas += rs.statusReplicas;
        ready += rs.ready;
        available += rs.available;
    }
    const int updated = newRs ? newRs->statusReplicas : 0;
    const std::int64_t generation = kube::integer(deployment, "metadata", "generation", 1);
    // A Deployment created through the API has no status yet: read it as an empty one.
    static const Json noStatus = Json::object();
    const Json &storedStatus = kube::member(deployment, "status");
    const Json &current = storedStatus.is_object() ? storedStatus : noStatus;

    Json status = Json::object();
    status["observedGeneration"] = generation;
    if (replicas > 0)
        status["replicas"] = replicas;
    if (updated > 0)
        status["updatedReplicas"] = updated;
    if (ready > 0)
        status["readyReplicas"] = ready;
    if (available > 0)
        status["availableReplicas"] = available;
    if (desired - available > 0)
        status["unavailableReplicas"] = desired - available;
    if (collisionCount > 0)
        status["collisionCount"] = collisionCount;

    const std::string nowText = kube::timeText(now);
    Json conditions = kube::member(current, "conditions").is_array() ? current["conditions"] : Json::array();
    if (available >= desired - maxUnavailable)
        setCondition(conditions, "Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.",
                     nowText);
    else
        setCondition(conditions, "Available", "False", "MinimumReplicasUnavailable",
                     "Deployment does not have minimum availability.", nowText);

    const bool complete = newRs && updated == desired && replicas == desired && available == desired;
    if (!complete && !spec.value("paused", false))
        m_rollingOut = true;
    const std::string rsName = newRs ? newRs->name : std::string();
    const bool progressChanged = current.value("replicas", 0) != replicas
        || current.value("updatedReplicas", 0) != updated || current.value("availableReplicas", 0) != available
        || current.value("readyReplicas", 0) != ready;
    if (spec.value("paused", false)) {
        setCondition(conditions, "Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", nowText);
    } else if (complete) {
        setCondition(conditions, "Progressing", "True", "NewReplicaSetAvailable",
                     "ReplicaSet \"" + rsName + "\" has successfully progressed.", nowText);
    } else if (createdNew) {
        setCondition(conditions, "Progressing", "True", "NewReplicaSetCreated",
                     "Created new replica set \"" + rsName + "\"", nowText);
    } else if (newRs) {
        // Progress refreshes lastUpdateTime; none for progressDeadlineSeconds fails the rollout.
        const int deadline = intField(spec, "progressDeadlineSeconds", 600);
        std::string lastUpdate;
        std::string reason;
        for (const auto &c : conditions)
            if (c.value("type", std::string()) == "Progressing") {
                lastUpdate = c.value("lastUpdateTime", std::string());
                reason = c.value("reason", std::string());
            }
        const auto since = kube::parseTime(lastUpdate);
        const bool stalled = !progressChanged && since && now - *since > std::chrono::seconds(deadline);
        if (reason == "ProgressDeadlineExceeded" && !progressChanged) {
            // stays failed until something moves
        } else if (stalled) {
            setCondition(conditions, "Progressing", "False", "ProgressDeadlineExceeded",
                         "ReplicaSet \"" + rsName + "\" has timed out progressing.", nowText);
        } else {
            setCondition(conditions, "Progressing", "True", "ReplicaSetUpdated",
                         "ReplicaSet \"" + rsName + "\" is progressing.", nowText);
            if (progressChanged)
                for (auto &c : conditions)
                    if (c.value("type", std::string()) == "Progressing")
                        c["lastUpdateTime"] = nowText;
        }
    }
    // The API server lists Available before Progressing.
    std::stable_sort(conditions.begin(), conditions.end(), [](const Json &a, const Json &b) {
        return a.value("type", std::string()) == "Available" && b.value("type", std::string()) != "Available";
    });
    status["conditions"] = std::move(conditions);
    if (status == current)
        return;
    m_ctx.store.modify("deployments.apps", m_ctx.ns, kube::name(deployment), [&](Json &d) {
        // Status belongs to the generation we looked at; a newer spec gets its own pass next step.
        if (kube::integer(d, "metadata", "generation", 1) != generation)
            status["observedGeneration"] = generation;
        d["status"] = status;
        return true;
    });
}

} // namespace sim
