#include "hpacontroller.h"

#include "kubeutil.h"

#include <algorithm>
#include <climits>
#include <cmath>

namespace sim {

namespace {

using namespace std::chrono_literals;

HpaController::Rules readRules(const Json &behavior, const char *direction, HpaController::Rules rules)
{
    const Json &r = kube::member(behavior, direction);
    if (!r.is_object())
        return rules;
    if (r.contains("stabilizationWindowSeconds") && r["stabilizationWindowSeconds"].is_number_integer())
        rules.stabilizationWindowSeconds = r["stabilizationWindowSeconds"].get<int>();
    if (r.contains("selectPolicy") && r["selectPolicy"].is_string())
        rules.selectPolicy = r["selectPolicy"].get<std::string>();
    if (r.contains("policies") && r["policies"].is_array()) {
        rules.policies.clear();
        for (const auto &p : r["policies"])
            rules.policies.push_back({p.value("type", std::string("Pods")), p.value("value", 0), p.value("periodSeconds", 15)});
    }
    return rules;
}

void setCondition(Json &conditions, const std::string &type, bool status, const std::string &reason,
                  const std::string &message, const std::string &now)
{
    const std::string value = status ? "True" : "False";
    Json fresh = {{"type", type}, {"status", value}, {"lastTransitionTime", now}, {"reason", reason}, {"message", message}};
    for (auto &c : conditions) {
        if (c.value("type", std::string()) != type)
            continue;
        if (c.value("status", std::string()) == value)
            fresh["lastTransitionTime"] = c.value("lastTransitionTime", now);
        c = std::move(fresh);
        return;
    }
    conditions.push_back(std::move(fresh));
}

double requestMillis(const Json &pod)
{
    double total = 0;
    const Json &containers = kube::member(pod, "spec", "containers");
    if (!containers.is_array())
        return 0;
    for (const auto &c : containers) {
        const std::string request = kube::str(c, "resources", "requests", "cpu");
        if (request.empty())
            return -1; // a container without a CPU request: utilisation is undefined
        total += kube::cpuMillis(request);
    }
    return total;
}

} // namespace

HpaController::HpaController(SimContext &context) : m_ctx(context) {}

HpaController::Rules HpaController::scaleUpRules(const Json &hpaSpec)
{
    Rules defaults{0, "Max", {{"Pods", 4, 15}, {"Percent", 100, 15}}};
    return readRules(kube::member(hpaSpec, "behavior"), "scaleUp", defaults);
}

HpaController::Rules HpaController::scaleDownRules(const Json &hpaSpec)
{
    Rules defaults{300, "Max", {{"Percent", 100, 15}}};
    return readRules(kube::member(hpaSpec, "behavior"), "scaleDown", defaults);
}

int HpaController::scaleUpLimit(int current, const std::vector<ScaleEvent> &events, const Rules &rules, TimePoint now)
{
    if (rules.selectPolicy == "Disabled")
        return current;
    const bool pickMax = rules.selectPolicy != "Min";
    long long result = pickMax ? LLONG_MIN : LLONG_MAX;
    for (const auto &policy : rules.policies) {
        int added = 0;
        for (const auto &e : events)
            if (e.at > now - std::chrono::seconds(policy.periodSeconds))
                added += e.change;
        const int periodStart = current - added;
        const long long proposed = policy.type == "Percent"
            ? static_cast<long long>(std::ceil(periodStart * (1.0 + policy.value / 100.0)))
            : static_cast<long long>(periodStart) + policy.value;
        result = pickMax ? std::max(result, proposed) : std::min(result, proposed);
    }
    if (rules.policies.empty())
        return current;
    return static_cast<int>(std::clamp<long long>(result, INT_MIN, INT_MAX));
}

int HpaController::scaleDownLimit(int current, const std::vector<ScaleEvent> &events, const Rules &rules,
                                  TimePoint now)
{
    if (rules.selectPolicy == "Disabled")
        return current;
    // For scaling down, "Max" means the policy that allows the biggest change: the lowest count.
    const bool pickMostChange = rules.selectPolicy != "Min";
    long long result = pickMostChange ? LLONG_MAX : LLONG_MIN;
    for (const auto &policy : rules.policies) {
        int removed = 0;
        for (const auto &e : events)
            if (e.at > now - std::chrono::seconds(policy.periodSeconds))
                removed += e.change;
        const int periodStart = current + removed;
        const long long proposed = policy.type == "Percent"
            ? static_cast<long long>(periodStart * (1.0 - policy.value / 100.0))
            : static_cast<long long>(periodStart) - policy.value;
        result = pickMostChange ? std::min(result, proposed) : std::max(result, proposed);
    }
    if (rules.policies.empty())
        return current;
    return static_cast<int>(std::clamp<long long>(result, INT_MIN, INT_MAX));
}

void HpaController::step(TimePoint now)
{
    if (m_lastSync != TimePoint() && now - m_lastSync < kSyncPeriod)
        return;
    m_lastSync = now;
    m_ctx.pods.refresh();
    m_podsByApp.clear();
    for (const PodInfo *pod : m_ctx.pods.pods())
        m_podsByApp[pod->app].push_back(pod);
    for (const auto &stored : m_ctx.store.snapshot("horizontalpodautoscalers.autoscaling", m_ctx.ns))
        sync(stored->object(), now);
    m_podsByApp.clear();
}

HpaController::MetricResult HpaController::computeCpu(const Json &hpa, const Json &deployment, int currentReplicas,
                                                      int target) const
{
    (void)hpa;
    MetricResult result;
    const Json &matchLabels = kube::member(kube::member(deployment, "spec", "selector"), "matchLabels");
    const std::string app = kube::str(matchLabels, "app");
    std::vector<const PodInfo *> candidates;
    if (const auto it = m_podsByApp.find(app); !app.empty() && it != m_podsByApp.end())
        candidates = it->second;
    else if (app.empty())
        candidates = m_ctx.pods.pods();

    double readyUsage = 0;
    double readyRequest = 0;
    int readyCount = 0;
    std::vector<double> missingRequests;
    std::vector<double> ignoredRequests;
    for (const PodInfo *info : candidates) {
        const Json *pod = &info->object();
        if (info->terminating || info->phase == "Failed"
            || !kube::matchesLabels(kube::member(*pod, "metadata", "labels"), matchLabels))
            continue;
        const double request = requestMillis(*pod);
        if (request < 0) {
            result.error = "failed to get cpu utilization: missing request for cpu in container of pod "
                + kube::name(*pod);
            return result;
        }
        const auto metrics = m_ctx.store.getShared("pods.metrics.k8s.io", m_ctx.ns, kube::name(*pod));
        if (!metrics) {
            missingRequests.push_back(request);
            continue;
        }
        // Not-ready pods (starting, crashing) are set aside, as the controller does for CPU.
        if (!info->ready) {
            ignoredRequests.push_back(request);
            continue;
        }
        double usage = 0;
        const Json &containers = kube::member(metrics->object(), "containers");
        if (containers.is_array())
            for (const auto &c : containers)
                usage += kube::cpuMillis(kube::str(c, "usage", "cpu"));
        readyUsage += usage;
        readyRequest += request;
        ++readyCount;
    }
    if (readyCount == 0 || readyRequest <= 0) {
        result.error = "failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned "
                       "from resource metrics API";
        return result;
    }
    result.ok = true;
    const double utilization = readyUsage * 100.0 / readyRequest;
    result.utilization = static_cast<int>(utilization);
    result.averageMillis = readyUsage / readyCount;
    const double usageRatio = utilization / target;

    const bool rebalanceIgnored = !ignoredRequests.empty() && usageRatio > 1.0;
    if (!rebalanceIgnored && missingRequests.empty()) {
        result.replicas = std::abs(1.0 - usageRatio) <= kTolerance ? currentReplicas
                                                                  : static_cast<int>(std::ceil(usageRatio * readyCount));
        return result;
    }
    // Missing pods count as using their full request when scaling down and nothing when scaling up;
    // not-ready pods count as idle when scaling up. A flipped direction means no change.
    double usage = readyUsage;
    double request = readyRequest;
    int count = readyCount;
    for (const double r : missingRequests) {
        if (usageRatio < 1.0)
            usage += r;
        request += r;
        ++count;
    }
    if (rebalanceIgnored)
        for (const double r : ignoredRequests) {
            request += r;
            ++count;
        }
    const double newRatio = usage * 100.0 / request / target;
    if (std::abs(1.0 - newRatio) <= kTolerance || (usageRatio < 1.0 && newRatio > 1.0)
        || (usageRatio > 1.0 && newRatio < 1.0)) {
        result.replicas = currentReplicas;
        return result;
    }
    const int proposed = static_cast<int>(std::ceil(newRatio * count));
    if ((newRatio < 1.0 && proposed > currentReplicas) || (newRatio > 1.0 && proposed < currentReplicas))
        result.replicas = currentReplicas;
    else
        result.replicas = proposed;
    return result;
}

void HpaController::sync(const Json &hpa, TimePoint now)
{
    const std::string name = kube::name(hpa);
    const Json &spec = kube::member(hpa, "spec");
    const Json &current = kube::member(hpa, "status");
    const std::string nowText = kube::timeText(now);
    const int minReplicas = static_cast<int>(kube::integer(spec, "minReplicas", nullptr, 1));
    const int maxReplicas = static_cast<int>(kube::integer(spec, "maxReplicas", nullptr, 1));
    Json conditions = kube::member(current, "conditions").is_array() ? current["conditions"] : Json::array();
    Json status = current.is_object() ? current : Json::object();
    status["observedGeneration"] = kube::integer(hpa, "metadata", "generation", 1);

    const auto finish = [&](Json &&s) {
        s["conditions"] = std::move(conditions);
        if (s == current)
            return;
        m_ctx.store.modify("horizontalpodautoscalers.autoscaling", m_ctx.ns, name, [&](Json &object) {
            object["status"] = s;
            return true;
        });
    };

    const std::string targetKind = kube::str(spec, "scaleTargetRef", "kind");
    const std::string targetName = kube::str(spec, "scaleTargetRef", "name");
    const auto target = targetKind == "Deployment" ? m_ctx.store.getShared("deployments.apps", m_ctx.ns, targetName)
                                                   : StoredPtr();
    if (!target) {
        const std::string message = "the HPA controller was unable to get the target's current scale: "
            + std::string(targetKind == "Deployment" ? "deployments.apps" : targetKind) + " \"" + targetName
            + "\" not found";
        setCondition(conditions, "AbleToScale", false, "FailedGetScale", message, nowText);
        if (!kube::member(current, "conditions").is_array() || current["conditions"] != conditions)
            m_ctx.events.record(hpa, "Warning", "FailedGetScale", message, "horizontal-pod-autoscaler", now);
        finish(std::move(status));
        return;
    }
    const Json &deployment = target->object();
    const int currentReplicas = static_cast<int>(kube::integer(deployment, "spec", "replicas", 1));
    status["currentReplicas"] = kube::integer(deployment, "status", "replicas", 0);

    int targetUtilization = 0;
    const Json &metrics = kube::member(spec, "metrics");
    if (metrics.is_array())
        for (const auto &m : metrics)
            if (kube::str(m, "type") == "Resource" && kube::str(m, "resource", "name") == "cpu"
                && kube::str(kube::member(m, "resource", "target"), "type") == "Utilization")
                targetUtilization = static_cast<int>(kube::integer(kube::member(m, "resource", "target"),
                                                                   "averageUtilization", nullptr, 0));
    if (metrics.is_null())
        targetUtilization = 80; // autoscaling/v2 default: 80% CPU

    const bool firstSight = !m_memory.count(kube::uid(hpa));
    Memory &memory = m_memory[kube::uid(hpa)];
    if (firstSight) // the estate has been running: as if the HPA had recommended the current size so far
        memory.recommendations.emplace_back(now, currentReplicas);
    int desired = currentReplicas;
    std::string rescaleReason;
    std::string ableReason = "ReadyForNewScale";
    std::string ableMessage = "recommended size matches current size";

    if (currentReplicas == 0 && minReplicas != 0) {
        setCondition(conditions, "ScalingActive", false, "ScalingDisabled",
                     "scaling is disabled since the replica count of the target is zero", nowText);
        status["desiredReplicas"] = 0;
        setCondition(conditions, "AbleToScale", true, ableReason, ableMessage, nowText);
        finish(std::move(status));
        return;
    }
    if (currentReplicas > maxReplicas) {
        desired = maxReplicas;
        rescaleReason = "Current number of replicas above Spec.MaxReplicas";
    } else if (currentReplicas < minReplicas) {
        desired = minReplicas;
        rescaleReason = "Current number of replicas below Spec.MinReplicas";
    } else {
        if (targetUtilization <= 0) {
            setCondition(conditions, "ScalingActive", false, "InvalidMetricSourceType",
                         "the HPA was unable to compute the replica count: no CPU utilization target", nowText);
            finish(std::move(status));
            return;
        }
        const MetricResult metric = computeCpu(hpa, deployment, currentReplicas, targetUtilization);
        if (!metric.ok) {
            const bool wasActive = [&] {
                for (const auto &c : conditions)
                    if (c.value("type", std::string()) == "ScalingActive")
                        return c.value("status", std::string()) == "True";
                return true;
            }();
            setCondition(conditions, "ScalingActive", false, "FailedGetResourceMetric",
                         "the HPA was unable to compute the replica count: " + metric.error, nowText);
            if (wasActive)
                m_ctx.events.record(hpa, "Warning", "FailedGetResourceMetric", metric.error,
                                    "horizontal-pod-autoscaler", now);
            status["desiredReplicas"] = currentReplicas;
            finish(std::move(status));
            return;
        }
        setCondition(conditions, "ScalingActive", true, "ValidMetricFound",
                     "the HPA was able to successfully calculate a replica count from cpu resource utilization "
                     "(percentage of request)",
                     nowText);
        status["currentMetrics"] = Json::array(
            {{{"type", "Resource"},
              {"resource",
               {{"name", "cpu"},
                {"current",
                 {{"averageUtilization", metric.utilization}, {"averageValue", kube::cpuQuantity(metric.averageMillis)}}}}}}});

        // Stabilisation: the lowest recommendation of the scale-up window and the highest of the
        // scale-down window bound the change.
        const Rules up = scaleUpRules(spec);
        const Rules down = scaleDownRules(spec);
        const int proposal = metric.replicas;
        int upRecommendation = proposal;
        int downRecommendation = proposal;
        for (const auto &[at, value] : memory.recommendations) {
            if (at > now - std::chrono::seconds(up.stabilizationWindowSeconds))
                upRecommendation = std::min(upRecommendation, value);
            if (at > now - std::chrono::seconds(down.stabilizationWindowSeconds))
                downRecommendation = std::max(downRecommendation, value);
        }
        int stabilized = currentReplicas;
        if (stabilized < upRecommendation)
            stabilized = upRecommendation;
        if (stabilized > downRecommendation)
            stabilized = downRecommendation;
        memory.recommendations.emplace_back(now, proposal);
        const auto longest = std::chrono::seconds(std::max(up.stabilizationWindowSeconds, down.stabilizationWindowSeconds));
        std::erase_if(memory.recommendations, [&](const auto &r) { return r.first <= now - longest - kSyncPeriod; });
        if (stabilized != proposal) {
            ableReason = stabilized < proposal ? "ScaleUpStabilized" : "ScaleDownStabilized";
            ableMessage = stabilized < proposal
                ? "recent recommendations were lower than current one, applying the lowest recent recommendation"
                : "recent recommendations were higher than current one, applying the highest recent recommendation";
        }

        // Rate limits of the policies, then min/max.
        desired = stabilized;
        std::string limitReason = "DesiredWithinRange";
        std::string limitMessage = "the desired count is within the acceptable range";
        bool limited = false;
        if (desired > currentReplicas) {
            int limit = std::max(scaleUpLimit(currentReplicas, memory.up, up, now), currentReplicas);
            std::string reason = "ScaleUpLimit";
            std::string message = "the desired replica count is increasing faster than the maximum scale rate";
            if (maxReplicas <= limit) {
                limit = maxReplicas;
                reason = "TooManyReplicas";
                message = "the desired replica count is more than the maximum replica count";
            }
            if (desired > limit) {
                desired = limit;
                limited = true;
                limitReason = reason;
                limitMessage = message;
            }
        } else if (desired < currentReplicas) {
            int limit = std::min(scaleDownLimit(currentReplicas, memory.down, down, now), currentReplicas);
            std::string reason = "ScaleDownLimit";
            std::string message = "the desired replica count is decreasing faster than the maximum scale rate";
            if (minReplicas >= limit) {
                limit = minReplicas;
                reason = "TooFewReplicas";
                message = "the desired replica count is less than the minimum replica count";
            }
            if (desired < limit) {
                desired = limit;
                limited = true;
                limitReason = reason;
                limitMessage = message;
            }
        }
        setCondition(conditions, "ScalingLimited", limited, limitReason, limitMessage, nowText);
        if (desired != currentReplicas)
            rescaleReason = desired > currentReplicas ? "cpu resource utilization (percentage of request) above target"
                                                      : "All metrics below target";
    }

    if (desired != currentReplicas) {
        const auto scaled = m_ctx.store.modify("deployments.apps", m_ctx.ns, targetName, [&](Json &d) {
            d["spec"]["replicas"] = desired;
            return true;
        });
        if (scaled) {
            const int change = std::abs(desired - currentReplicas);
            (desired > currentReplicas ? memory.up : memory.down).push_back({now, change});
            status["lastScaleTime"] = nowText;
            ableReason = "SucceededRescale";
            ableMessage = "the HPA controller was able to update the target scale to " + std::to_string(desired);
            m_ctx.events.record(hpa, "Normal", "SuccessfulRescale",
                                "New size: " + std::to_string(desired) + "; reason: " + rescaleReason,
                                "horizontal-pod-autoscaler", now);
        }
    }
    const auto keep = [&](std::vector<ScaleEvent> &events, const Rules &rules) {
        int longest = 0;
        for (const auto &p : rules.policies)
            longest = std::max(longest, p.periodSeconds);
        std::erase_if(events, [&](const ScaleEvent &e) { return e.at <= now - std::chrono::seconds(longest); });
    };
    keep(memory.up, scaleUpRules(spec));
    keep(memory.down, scaleDownRules(spec));
    status["desiredReplicas"] = desired;
    setCondition(conditions, "AbleToScale", true, ableReason, ableMessage, nowText);
    // AbleToScale, ScalingActive, ScalingLimited, in the order the controller writes them.
    static const std::vector<std::string> order = {"AbleToScale", "ScalingActive", "ScalingLimited"};
    std::stable_sort(conditions.begin(), conditions.end(), [](const Json &a, const Json &b) {
        const auto rank = [](const Json &c) {
            const auto it = std::find(order.begin(), order.end(), c.value("type", std::string()));
            return it - order.begin();
        };
        return rank(a) < rank(b);
    });
    finish(std::move(status));
}

} // namespace sim
