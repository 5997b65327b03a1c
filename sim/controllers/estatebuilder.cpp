#include "estatebuilder.h"

#include "kubeutil.h"
#include "podfactory.h"

#include <cstdio>
#include <stdexcept>

namespace sim {

namespace {

using namespace std::chrono_literals;

Json intOrString(const std::string &text)
{
    if (!text.empty() && text.back() == '%')
        return text;
    try {
        return std::stoi(text);
    } catch (const std::exception &) {
        return 0;
    }
}

Json condition(const std::string &type, const std::string &status, const std::string &reason,
               const std::string &message, const std::string &at)
{
    return {{"type", type}, {"status", status}, {"lastTransitionTime", at}, {"reason", reason}, {"message", message}};
}

} // namespace

EstateBuilder::EstateBuilder(SimContext &context, TimePoint now)
    : m_ctx(context)
    , m_now(now)
    , m_rng(Rng::mix(context.seed ^ 0x657374617465ULL))
{}

std::string EstateBuilder::nodeName(std::uint64_t seed, int index)
{
    // AKS names VMSS nodes aks-<pool>-<8 digits>-vmss<6 base-36 digits>.
    char id[16];
    std::snprintf(id, sizeof id, "%08llu", static_cast<unsigned long long>(Rng::mix(seed ^ 0x6e6f6465ULL) % 100000000ULL));
    static constexpr char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    std::string instance(6, '0');
    for (int i = 5, n = index; i >= 0 && n > 0; --i, n /= 36)
        instance[i] = digits[n % 36];
    return std::string("aks-nodepool1-") + id + "-vmss" + instance;
}

Json EstateBuilder::create(const std::string &typeId, Json object)
{
    auto outcome = m_ctx.store.create(typeId, std::move(object));
    if (!outcome)
        throw std::runtime_error("cannot create " + typeId + ": " + outcome.error->message);
    return std::move(*outcome.value);
}

bool EstateBuilder::recent(TimePoint time) const
{
    return m_ctx.scenario.historyEvents && time > m_now - 1h;
}

void EstateBuilder::build()
{
    buildNodes();
    buildNamespace();
    buildSettings();
    for (std::size_t i = 0; i < m_ctx.scenario.services.size(); ++i)
        buildService(m_ctx.scenario.services[i], i);
}

void EstateBuilder::buildNodes()
{
    m_ctx.nodes.clear();
    for (int i = 0; i < m_ctx.scenario.nodes; ++i)
        m_ctx.nodes.push_back({nodeName(m_ctx.seed, i), "10.224.0." + std::to_string(4 + i % 250), 4});
}

void EstateBuilder::buildNamespace()
{
    const std::string &ns = m_ctx.ns;
    auto outcome = m_ctx.store.create(
        "namespaces", {{"apiVersion", "v1"},
                       {"kind", "Namespace"},
                       {"metadata",
                        {{"name", ns},
                         {"creationTimestamp", kube::timeText(m_now - 24h * 60)},
                         {"labels", {{"kubernetes.io/metadata.name", ns}}}}},
                       {"spec", {{"finalizers", {"kubernetes"}}}},
                       {"status", {{"phase", "Active"}}}});
    if (!outcome && outcome.error->code != 409)
        throw std::runtime_error("cannot create namespace " + ns + ": " + outcome.error->message);
}

void EstateBuilder::buildSettings()
{
    const Json settings = {{"Logging", {{"LogLevel", {{"Default", "Information"}, {"Microsoft.AspNetCore", "Warning"}}}}},
                           {"Resilience", {{"CircuitBreaker", {{"FailureRatio", 0.5}, {"BreakDurationSeconds", 30}}}}},
                           {"FeatureManagement", {{"NewCheckout", false}, {"RecommendationsV2", true}}}};
    create("configmaps",
           {{"apiVersion", "v1"},
            {"kind", "ConfigMap"},
            {"metadata",
             {{"name", "microservices-settings"},
              {"namespace", m_ctx.ns},
              {"creationTimestamp", kube::timeText(m_now - 24h * 60)},
              {"labels", {{"app.kubernetes.io/part-of", "opsdeck-demo"}}}}},
            {"data",
             {{"ASPNETCORE_ENVIRONMENT", "Production"},
              {"APPLICATIONINSIGHTS_CONNECTION_STRING",
               "InstrumentationKey=" + m_rng.hex(8) + "-" + m_rng.hex(4) + "-4" + m_rng.hex(3) + "-8" + m_rng.hex(3) + "-"
                   + m_rng.hex(12)
                   + ";IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/;LiveEndpoint=https://"
                     "westeurope.livediagnostics.monitor.azure.com/"},
              {"OTEL_SERVICE_NAMESPACE", "opsdeck-demo"},
              {"appsettings.Production.json", settings.dump(2)}}}});
}

Json EstateBuilder::podTemplate(const Scenario &scenario, const ServiceSpec &service, const std::string &track,
                                const std::string &version)
{
    (void)scenario;
    // The ASP.NET convention: readiness and liveness run only the "ready"/"live" tagged checks, so a
    // dependency outage shows in /health without taking every pod out of its Service.
    const Json probe = {{"httpGet", {{"path", "/health/ready"}, {"port", 8080}, {"scheme", "HTTP"}}},
                        {"timeoutSeconds", 1},
                        {"successThreshold", 1},
                        {"failureThreshold", 3}};
    Json readiness = probe;
    readiness["initialDelaySeconds"] = 5;
    readiness["periodSeconds"] = 10;
    Json liveness = probe;
    liveness["httpGet"]["path"] = "/health/live";
    liveness["initialDelaySeconds"] = 15;
    liveness["periodSeconds"] = 20;
    const Json container = {
        {"name", service.name},
        {"image", service.image + ":" + version},
        {"imagePullPolicy", "IfNotPresent"},
        {"ports", Json::array({{{"name", "http"}, {"containerPort", 8080}, {"protocol", "TCP"}}})},
        {"env",
         Json::array({{{"name", "ASPNETCORE_ENVIRONMENT"},
                       {"valueFrom",
                        {{"configMapKeyRef", {{"name", "microservices-settings"}, {"key", "ASPNETCORE_ENVIRONMENT"}}}}}},
                      {{"name", "ASPNETCORE_HTTP_PORTS"}, {"value", "8080"}},
                      {{"name", "OTEL_SERVICE_NAME"}, {"value", service.name}},
                      {{"name", "SERVICE_VERSION"}, {"value", version}},
                      {{"name", "DEPLOYMENT_TRACK"}, {"value", track}},
                      {{"name", "APPLICATIONINSIGHTS_CONNECTION_STRING"},
                       {"valueFrom",
                        {{"configMapKeyRef",
                          {{"name", "microservices-settings"}, {"key", "APPLICATIONINSIGHTS_CONNECTION_STRING"}}}}}},
                      {{"name", "ConnectionStrings__Default"},
                       {"valueFrom", {{"secretKeyRef", {{"name", service.name + "-db"}, {"key", "connectionString"}}}}}}})},
        {"resources",
         {{"requests", {{"cpu", service.cpuRequest}, {"memory", service.memoryRequest}}},
          {"limits", {{"cpu", service.cpuLimit}, {"memory", service.memoryLimit}}}}},
        {"readinessProbe", readiness},
        {"livenessProbe", liveness},
        {"terminationMessagePath", "/dev/termination-log"},
        {"terminationMessagePolicy", "File"}};
    return {{"metadata", {{"labels", {{"app", service.name}, {"version", track}}}}},
            {"spec",
             {{"containers", Json::array({container})},
              {"restartPolicy", "Always"},
              {"terminationGracePeriodSeconds", 30},
              {"dnsPolicy", "ClusterFirst"},
              {"schedulerName", "default-scheduler"},
              {"securityContext", Json::object()}}}};
}

void EstateBuilder::buildService(const ServiceSpec &service, std::size_t index)
{
    const bool generated = !m_ctx.scenario.historyEvents;
    // Stagger the services' histories so the estate does not look stamped out.
    const auto offset = std::chrono::minutes(static_cast<long>((index * 97) % 600));
    const std::size_t revisions = service.stable.history.size() + 1;
    const TimePoint stableCurrent = m_now - 50h - offset;
    const TimePoint stableFirst = stableCurrent - 24h * 6 * static_cast<long>(revisions - 1) - 24h;
    // An HPA scale-up 25 minutes ago left the youngest stable pod; the rest are as old as the revision.
    const bool scaledRecently = service.hpa.enabled && service.stable.replicas > service.hpa.minReplicas && !generated;
    const TimePoint youngest = scaledRecently ? m_now - 25min - std::chrono::minutes(index * 3) : stableCurrent + 2min;

    buildSecret(service);
    buildServices(service);
    const Json stable = buildTrack(service, "stable", service.stable, stableFirst, stableCurrent, youngest);
    if (service.hasCanary) {
        const TimePoint canaryCurrent = generated ? m_now - 30h - offset : m_now - 50min + std::chrono::minutes(index * 4);
        const std::size_t canaryRevisions = service.canary.history.size() + 1;
        const TimePoint canaryFirst = canaryCurrent - 24h * 2 * static_cast<long>(canaryRevisions);
        buildTrack(service, "canary", service.canary, canaryFirst, canaryCurrent, canaryCurrent + 30s);
    }
    buildRouting(service);
    if (service.hpa.enabled)
        buildHpa(service, stable, scaledRecently ? youngest : stableCurrent);
}

void EstateBuilder::buildSecret(const ServiceSpec &service)
{
    // The pods read it at start (ConnectionStrings__Default): the resilience model connects them there.
    const std::string connection = "Server=tcp:" + m_ctx.scenario.sqlServer + ".database.windows.net,1433;Initial Catalog="
        + service.sqlDatabase + ";User ID=" + service.name + "-app;Password=" + m_rng.hex(24)
        + ";Encrypt=True;TrustServerCertificate=False;Connection Timeout=30;";
    create("secrets", {{"apiVersion", "v1"},
                       {"kind", "Secret"},
                       {"metadata",
                        {{"name", service.name + "-db"},
                         {"namespace", m_ctx.ns},
                         {"creationTimestamp", kube::timeText(m_now - 24h * 40)},
                         {"labels", {{"app", service.name}}}}},
                       {"type", "Opaque"},
                       {"data", {{"connectionString", kube::base64(connection)}, {"database", kube::base64(service.sqlDatabase)}}}});
}

void EstateBuilder::buildServices(const ServiceSpec &service)
{
    const auto make = [&](const std::string &name, Json selector) {
        const int n = m_nextClusterIp++;
        const std::string ip = "10.0." + std::to_string(12 + n / 250) + "." + std::to_string(10 + n % 250);
        create("services",
               {{"apiVersion", "v1"},
                {"kind", "Service"},
                {"metadata",
                 {{"name", name},
                  {"namespace", m_ctx.ns},
                  {"creationTimestamp", kube::timeText(m_now - 24h * 40)},
                  {"labels", {{"app", service.name}}}}},
                {"spec",
                 {{"type", "ClusterIP"},
                  {"selector", std::move(selector)},
                  {"clusterIP", ip},
                  {"clusterIPs", Json::array({ip})},
                  {"ipFamilies", Json::array({"IPv4"})},
                  {"ipFamilyPolicy", "SingleStack"},
                  {"internalTrafficPolicy", "Cluster"},
                  {"sessionAffinity", "None"},
                  {"ports",
                   Json::array({{{"name", "http"}, {"port", 80}, {"targetPort", 8080}, {"protocol", "TCP"}}})}}},
                {"status", {{"loadBalancer", Json::object()}}}});
    };
    make(service.name, {{"app", service.name}});
    make(service.name + "-stable", {{"app", service.name}, {"version", "stable"}});
    if (service.hasCanary)
        make(service.name + "-canary", {{"app", service.name}, {"version", "canary"}});
}

void EstateBuilder::buildRouting(const ServiceSpec &service)
{
    const std::string created = kube::timeText(m_now - 24h * 40);
    if (service.routing == "httproute") {
        Json backends = Json::array({{{"group", ""},
                                      {"kind", "Service"},
                                      {"name", service.name + "-stable"},
                                      {"port", 80},
                                      {"weight", 100 - (service.hasCanary ? service.canaryWeight : 0)}}});
        if (service.hasCanary)
            backends.push_back({{"group", ""},
                                {"kind", "Service"},
                                {"name", service.name + "-canary"},
                                {"port", 80},
                                {"weight", service.canaryWeight}});
        const Json parent = {{"group", "gateway.networking.k8s.io"}, {"kind", "Gateway"}, {"name", m_ctx.scenario.gateway}};
        const Json conditions = Json::array(
            {{{"type", "Accepted"}, {"status", "True"}, {"reason", "Accepted"}, {"message", "Route is accepted"},
              {"observedGeneration", 1}, {"lastTransitionTime", created}},
             {{"type", "ResolvedRefs"}, {"status", "True"}, {"reason", "ResolvedRefs"},
              {"message", "All references are resolved"}, {"observedGeneration", 1}, {"lastTransitionTime", created}}});
        create("httproutes.gateway.networking.k8s.io",
               {{"apiVersion", "gateway.networking.k8s.io/v1"},
                {"kind", "HTTPRoute"},
                {"metadata",
                 {{"name", service.name},
                  {"namespace", m_ctx.ns},
                  {"creationTimestamp", created},
                  {"labels", {{"app", service.name}}}}},
                {"spec",
                 {{"parentRefs", Json::array({parent})},
                  {"hostnames", Json::array({m_ctx.scenario.host})},
                  {"rules",
                   Json::array({{{"matches", Json::array({{{"path", {{"type", "PathPrefix"}, {"value", service.path}}}}})},
                                 {"backendRefs", std::move(backends)}}})}}},
                {"status",
                 {{"parents",
                   Json::array({{{"parentRef", parent},
                                 {"controllerName", "gateway.nginx.org/nginx-gateway-controller"},
                                 {"conditions", conditions}}})}}}});
        return;
    }
    const auto ingress = [&](const std::string &name, const std::string &backend, Json annotations) {
        Json metadata = {{"name", name},
                         {"namespace", m_ctx.ns},
                         {"creationTimestamp", created},
                         {"labels", {{"app", service.name}}}};
        if (!annotations.empty())
            metadata["annotations"] = std::move(annotations);
        create("ingresses.networking.k8s.io",
               {{"apiVersion", "networking.k8s.io/v1"},
                {"kind", "Ingress"},
                {"metadata", std::move(metadata)},
                {"spec",
                 {{"ingressClassName", "nginx"},
                  {"rules",
                   Json::array({{{"host", m_ctx.scenario.host},
                                 {"http",
                                  {{"paths",
                                    Json::array({{{"path", service.path},
                                                  {"pathType", "Prefix"},
                                                  {"backend",
                                                   {{"service", {{"name", backend}, {"port", {{"number", 80}}}}}}}}})}}}}})}}},
                {"status", {{"loadBalancer", {{"ingress", Json::array({{{"ip", m_ctx.scenario.ingressAddress}}})}}}}}});
    };
    ingress(service.name, service.name + "-stable", Json::object());
    if (service.hasCanary)
        ingress(service.name + "-canary", service.name + "-canary",
                {{"nginx.ingress.kubernetes.io/canary", "true"},
                 {"nginx.ingress.kubernetes.io/canary-weight", std::to_string(service.canaryWeight)}});
}

Json EstateBuilder::replicaSet(const Json &deployment, const Json &podTemplate, int revision, int replicas,
                               int maxSurge, TimePoint created, const std::string &changeCause)
{
    const std::string hash = kube::templateHash(podTemplate, 0);
    Json tmpl = podTemplate;
    tmpl["metadata"]["labels"][kube::kTemplateHash] = hash;
    Json selector = deployment["spec"]["selector"];
    selector["matchLabels"][kube::kTemplateHash] = hash;
    const int desired = static_cast<int>(deployment["spec"].value("replicas", 1));
    Json annotations = {{kube::kDesiredReplicas, std::to_string(desired)},
                        {kube::kMaxReplicas, std::to_string(desired + maxSurge)},
                        {kube::kRevision, std::to_string(revision)}};
    if (!changeCause.empty())
        annotations[kube::kChangeCause] = changeCause;
    Json status = {{"replicas", replicas}, {"observedGeneration", 1}};
    if (replicas > 0) {
        status["fullyLabeledReplicas"] = replicas;
        status["readyReplicas"] = replicas;
        status["availableReplicas"] = replicas;
    }
    return create("replicasets.apps",
                  {{"apiVersion", "apps/v1"},
                   {"kind", "ReplicaSet"},
                   {"metadata",
                    {{"name", kube::name(deployment) + "-" + hash},
                     {"namespace", m_ctx.ns},
                     {"creationTimestamp", kube::timeText(created)},
                     {"labels", tmpl["metadata"]["labels"]},
                     {"annotations", std::move(annotations)},
                     {"ownerReferences", Json::array({kube::ownerReference(deployment)})}}},
                   {"spec", {{"replicas", replicas}, {"selector", std::move(selector)}, {"template", std::move(tmpl)}}},
                   {"status", std::move(status)}});
}

Json EstateBuilder::buildTrack(const ServiceSpec &service, const std::string &track, const TrackSpec &spec,
                               TimePoint firstRevision, TimePoint currentRevision, TimePoint youngestPod)
{
    const std::string name = service.name + "-" + track;
    const int replicas = spec.replicas;
    const std::string maxUnavailable = track == "stable" ? service.maxUnavailable : "25%";
    const Json strategy = {{"type", "RollingUpdate"},
                           {"rollingUpdate", {{"maxSurge", "25%"}, {"maxUnavailable", intOrString(maxUnavailable)}}}};
    const int maxSurge = kube::intOrPercent(strategy["rollingUpdate"]["maxSurge"], replicas, true);
    const int revisions = static_cast<int>(spec.history.size()) + 1;
    Json annotations = {{kube::kRevision, std::to_string(revisions)}};
    if (!spec.changeCause.empty())
        annotations[kube::kChangeCause] = spec.changeCause;
    const Json tmpl = podTemplate(m_ctx.scenario, service, track, spec.version);
    Json deployment = create(
        "deployments.apps",
        {{"apiVersion", "apps/v1"},
         {"kind", "Deployment"},
         {"metadata",
          {{"name", name},
           {"namespace", m_ctx.ns},
           {"creationTimestamp", kube::timeText(firstRevision)},
           {"labels", {{"app", service.name}, {"version", track}, {"app.kubernetes.io/part-of", "opsdeck-demo"}}},
           {"annotations", annotations}}},
         {"spec",
          {{"replicas", replicas},
           {"selector", {{"matchLabels", {{"app", service.name}, {"version", track}}}}},
           {"strategy", strategy},
           {"revisionHistoryLimit", 10},
           {"progressDeadlineSeconds", 600},
           {"template", tmpl}}}});

    // Older revisions: scaled to zero, their images older, spread over the weeks before this one.
    for (int r = 1; r < revisions; ++r) {
        const auto step = (currentRevision - firstRevision) / revisions;
        const TimePoint created = firstRevision + step * (r - 1);
        const std::string &version = spec.history[static_cast<std::size_t>(r - 1)];
        const std::string cause = "kubectl set image deployment/" + name + " " + service.name + "=" + service.image + ":" + version;
        replicaSet(deployment, podTemplate(m_ctx.scenario, service, track, version), r, 0, maxSurge, created, cause);
    }
    // The stored Deployment's template is what the controller compares ReplicaSets against.
    const Json current = replicaSet(deployment, deployment["spec"]["template"], revisions, replicas, maxSurge,
                                    currentRevision, spec.changeCause);

    const bool canaryRollout = recent(currentRevision);
    if (canaryRollout)
        m_ctx.events.recordPast(deployment, "Normal", "ScalingReplicaSet",
                                "Scaled up replica set " + kube::name(current) + " from 0 to " + std::to_string(replicas),
                                "deployment-controller", currentRevision, currentRevision, 1);
    for (int i = 0; i < replicas; ++i) {
        TimePoint created = currentRevision + std::chrono::seconds(m_rng.between(1, 4));
        if (i == replicas - 1 && youngestPod > created)
            created = youngestPod;
        buildPod(current, created, recent(created));
    }
    if (!canaryRollout && recent(youngestPod) && replicas > 1)
        m_ctx.events.recordPast(deployment, "Normal", "ScalingReplicaSet",
                                "Scaled up replica set " + kube::name(current) + " from " + std::to_string(replicas - 1)
                                    + " to " + std::to_string(replicas),
                                "deployment-controller", youngestPod, youngestPod, 1);

    const std::string available = kube::timeText(currentRevision + 40s);
    const std::string progressed = kube::timeText(currentRevision + 45s);
    Json status = {{"observedGeneration", 1},
                   {"conditions",
                    Json::array({condition("Available", "True", "MinimumReplicasAvailable",
                                           "Deployment has minimum availability.", available),
                                 condition("Progressing", "True", "NewReplicaSetAvailable",
                                           "ReplicaSet \"" + kube::name(current) + "\" has successfully progressed.",
                                           progressed)})}};
    status["conditions"][0]["lastUpdateTime"] = available;
    status["conditions"][1]["lastUpdateTime"] = progressed;
    if (replicas > 0) {
        status["replicas"] = replicas;
        status["updatedReplicas"] = replicas;
        status["readyReplicas"] = replicas;
        status["availableReplicas"] = replicas;
    }
    const auto stored = m_ctx.store.modify("deployments.apps", m_ctx.ns, name, [&](Json &d) {
        d["status"] = status;
        return true;
    });
    return stored ? *stored : deployment;
}

void EstateBuilder::buildPod(const Json &replicaSet, TimePoint created, bool withEvents)
{
    std::string name;
    do
        name = kube::name(replicaSet) + "-" + m_ctx.names.suffix(5);
    while (m_ctx.store.getShared("pods", m_ctx.ns, name));
    Json pod = PodFactory::fromReplicaSet(replicaSet, name);
    pod["metadata"]["creationTimestamp"] = kube::timeText(created);
    const std::size_t node = m_ctx.pickNode();
    const Node &n = m_ctx.nodes[node];
    const TimePoint started = created + 3s;
    PodFactory::scheduled(pod, n.name, created);
    PodFactory::containerCreating(pod, n.ip, created + 1s);
    PodFactory::running(pod, m_ctx.nextPodIp(node), m_ctx.names.hex(64), started);
    PodFactory::ready(pod, started + 7s);
    const Json stored = create("pods", std::move(pod));
    if (!withEvents)
        return;
    const std::string container = PodFactory::containerName(stored);
    const std::string image = PodFactory::image(stored);
    const std::string field = "spec.containers{" + container + "}";
    m_ctx.events.recordPast(replicaSet, "Normal", "SuccessfulCreate", "Created pod: " + name, "replicaset-controller",
                            created, created, 1);
    m_ctx.events.recordPast(stored, "Normal", "Scheduled",
                            "Successfully assigned " + m_ctx.ns + "/" + name + " to " + n.name, "default-scheduler",
                            created, created, 1);
    m_ctx.events.recordPast(stored, "Normal", "Pulling", "Pulling image \"" + image + "\"", "kubelet", created + 1s,
                            created + 1s, 1, field, n.name);
    char pulled[64];
    std::snprintf(pulled, sizeof pulled, "%.3fs", 1.2 + m_rng.uniform() * 1.5);
    m_ctx.events.recordPast(stored, "Normal", "Pulled",
                            "Successfully pulled image \"" + image + "\" in " + pulled + " (" + pulled
                                + " including waiting). Image size: " + std::to_string(m_rng.between(88, 112) * 1048576 + m_rng.between(0, 999999))
                                + " bytes.",
                            "kubelet", started, started, 1, field, n.name);
    m_ctx.events.recordPast(stored, "Normal", "Created", "Created container " + container, "kubelet", started, started,
                            1, field, n.name);
    m_ctx.events.recordPast(stored, "Normal", "Started", "Started container " + container, "kubelet", started, started,
                            1, field, n.name);
}

void EstateBuilder::buildHpa(const ServiceSpec &service, const Json &deployment, TimePoint lastScale)
{
    const auto policies = [](std::initializer_list<std::tuple<const char *, int, int>> list) {
        Json out = Json::array();
        for (const auto &[type, value, period] : list)
            out.push_back({{"type", type}, {"value", value}, {"periodSeconds", period}});
        return out;
    };
    // The autoscaling/v2 defaults, written out so clients show them.
    const Json behavior = {{"scaleUp",
                            {{"stabilizationWindowSeconds", 0},
                             {"selectPolicy", "Max"},
                             {"policies", policies({{"Pods", 4, 15}, {"Percent", 100, 15}})}}},
                           {"scaleDown",
                            {{"stabilizationWindowSeconds", 300},
                             {"selectPolicy", "Max"},
                             {"policies", policies({{"Percent", 100, 15}})}}}};
    const int replicas = static_cast<int>(deployment["spec"].value("replicas", 1));
    const std::string since = kube::timeText(lastScale);
    Json hpa = create(
        "horizontalpodautoscalers.autoscaling",
        {{"apiVersion", "autoscaling/v2"},
         {"kind", "HorizontalPodAutoscaler"},
         {"metadata",
          {{"name", service.name},
           {"namespace", m_ctx.ns},
           {"creationTimestamp", deployment["metadata"]["creationTimestamp"]},
           {"labels", {{"app", service.name}}}}},
         {"spec",
          {{"scaleTargetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", kube::name(deployment)}}},
           {"minReplicas", service.hpa.minReplicas},
           {"maxReplicas", service.hpa.maxReplicas},
           {"metrics",
            Json::array({{{"type", "Resource"},
                          {"resource",
                           {{"name", "cpu"},
                            {"target", {{"type", "Utilization"}, {"averageUtilization", service.hpa.targetCpuUtilization}}}}}}})},
           {"behavior", behavior}}},
         {"status",
          {{"observedGeneration", 1},
           {"lastScaleTime", since},
           {"currentReplicas", replicas},
           {"desiredReplicas", replicas},
           {"conditions",
            Json::array({condition("AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size", since),
                         condition("ScalingActive", "True", "ValidMetricFound",
                                   "the HPA was able to successfully calculate a replica count from cpu resource "
                                   "utilization (percentage of request)",
                                   since),
                         condition("ScalingLimited", "False", "DesiredWithinRange",
                                   "the desired count is within the acceptable range", since)})}}}});
    if (recent(lastScale))
        m_ctx.events.recordPast(hpa, "Normal", "SuccessfulRescale",
                                "New size: " + std::to_string(replicas)
                                    + "; reason: cpu resource utilization (percentage of request) above target",
                                "horizontal-pod-autoscaler", lastScale, lastScale, 1);
}

} // namespace sim
