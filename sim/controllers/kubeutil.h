#pragma once

// Small helpers the controllers share: reading fields of API objects, quantities, owner references
// and the pod-template-hash as the deployment controller computes it.

#include "../objectstore.h"

#include <chrono>
#include <cstdint>
#include <string>

namespace sim::kube {

using TimePoint = std::chrono::system_clock::time_point;

inline constexpr const char *kRevision = "deployment.kubernetes.io/revision";
inline constexpr const char *kRevisionHistory = "deployment.kubernetes.io/revision-history";
inline constexpr const char *kDesiredReplicas = "deployment.kubernetes.io/desired-replicas";
inline constexpr const char *kMaxReplicas = "deployment.kubernetes.io/max-replicas";
inline constexpr const char *kChangeCause = "kubernetes.io/change-cause";
inline constexpr const char *kTemplateHash = "pod-template-hash";

// "" when absent or not a string.
std::string str(const Json &object, const char *a, const char *b = nullptr, const char *c = nullptr);
std::int64_t integer(const Json &object, const char *a, const char *b = nullptr, std::int64_t fallback = 0);
const Json &member(const Json &object, const char *a, const char *b = nullptr); // null Json when absent

std::string name(const Json &object);
std::string uid(const Json &object);
std::string label(const Json &object, const std::string &key);
std::string annotation(const Json &object, const std::string &key);
std::int64_t revision(const Json &replicaSet); // 0 when absent

// The controller owner's uid from metadata.ownerReferences, "" when none.
std::string controllerUid(const Json &object);
Json ownerReference(const Json &owner); // controller: true, blockOwnerDeletion: true
bool matchesLabels(const Json &labels, const Json &matchLabels);

// What k8s.io/kubernetes/pkg/controller.ComputeHash does: FNV-1a of the template (plus the collision
// count), printed in decimal and mapped through the safe alphabet.
std::string templateHash(const Json &podTemplate, std::int64_t collisionCount);
Json withoutTemplateHash(Json podTemplate);

// maxSurge / maxUnavailable: an int or "25%" of `total`, rounded up or down as the controller does.
int intOrPercent(const Json &value, int total, bool roundUp);

double cpuMillis(const std::string &quantity);    // "250m" -> 250, "1" -> 1000, "123456n" -> 0.123456
double memoryBytes(const std::string &quantity);  // "128Mi" -> 134217728
std::string cpuNanos(double millis);              // -> "123456789n"
std::string memoryKi(double bytes);               // -> "123456Ki"
std::string cpuQuantity(double millis);           // -> "123m"

bool podReady(const Json &pod);
bool podTerminating(const Json &pod);
bool podActive(const Json &pod); // not terminating, not Succeeded/Failed

std::string base64(const std::string &bytes);
std::string timeText(TimePoint time);
std::optional<TimePoint> parseTime(const std::string &text);

} // namespace sim::kube
