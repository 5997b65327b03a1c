#pragma once

// A scenario file (sim/scenarios/*.yaml) parsed into per-service parameters; the estate builder and
// the controllers turn them into Kubernetes objects. The format is documented in seed.yaml's header.

#include <map>
#include <string>
#include <vector>

namespace sim {

// What the estate costs (docs/sim-azure.md, Costs): list prices in `currency`, per hour unless named.
struct CostSpec
{
    std::string currency = "USD";
    std::string location = "westeurope";
    std::string resourceGroup = "opsdeck-demo"; // the cluster's, databases' and bus's resource group
    std::string cluster = "opsdeck-aks";
    std::string nodeSize = "Standard_D8s_v5";
    double nodeHourPrice = 0.384;               // one user-pool node
    int podsPerNode = 8;                        // a pod-hour costs nodeHourPrice / podsPerNode
    std::string defaultDatabaseTier = "S0";
    std::map<std::string, std::string> databaseTiers; // service -> SQL tier (Basic, S0..S3, P1, GP_Gen5_2 ...)
    std::map<std::string, double> budgets;            // service or "subscription" -> monthly amount
};

struct TrackSpec
{
    std::string version;              // image tag, e.g. "1.4.2"
    int replicas = 1;
    std::vector<std::string> history; // older image tags, oldest first: ReplicaSet revisions before this one
    std::string changeCause;          // kubernetes.io/change-cause of the current revision ("" = none)
    bool broken = false;              // containers crash on start (CrashLoopBackOff)
};

struct HpaSpec
{
    bool enabled = false;
    int minReplicas = 1;
    int maxReplicas = 1;
    int targetCpuUtilization = 70;
};

struct TrafficSpec
{
    double baseRps = 50;         // mean requests per second over a day
    double cpuPerRequest = 2.0;  // millicores per request/s
    double idleCpu = 8;          // millicores with no traffic
    double memoryMi = 160;       // working set at rest
};

// The Polly-style pipeline guarding one dependency: retry with exponential backoff, a timeout per
// attempt, a consecutive-failure circuit breaker and a fallback (DESIGN §10).
struct ResilienceSpec
{
    int retries = 3;          // attempts after the first
    int backoffMs = 200;      // delay before the first retry, doubled for each further one
    int timeoutMs = 1000;     // per attempt
    int failureThreshold = 5; // consecutive handled failures that open the breaker
    int breakSeconds = 30;    // how long it stays open before a half-open probe
};

// A dependency of a service: another service over HTTP, a queue another service consumes, or the
// service's own SQL database (added for every service).
struct DependencySpec
{
    std::string name;        // health entry and pipeline name, e.g. "productservice", "products-db"
    std::string kind;        // "http" | "queue" | "sql"
    std::string target;      // the called or consuming service, or the database name for sql
    std::string displayName; // e.g. "ProductService", used in descriptions
    std::string queue;       // queue name for kind queue
    bool critical = false;   // an open breaker makes the report Unhealthy (no useful fallback)
    ResilienceSpec resilience;
};

struct ServiceSpec
{
    std::string name;
    std::string image;            // repository without the tag
    std::string routing = "ingress"; // "ingress" (nginx canary Ingress) or "httproute" (Gateway API weights)
    int canaryWeight = 0;         // percent of traffic to the canary
    std::string path;             // URL path prefix, default "/<name>"
    std::string database;         // names the service's database dependency (health entry <database>-db)
    std::string sqlDatabase;      // its Azure SQL database (the <name>-db Secret's Initial Catalog), default <database>-db
    std::string maxUnavailable = "0"; // rolling update of the stable track ("0", "25%", "1"...)
    TrackSpec stable;
    TrackSpec canary;
    bool hasCanary = true;
    HpaSpec hpa;
    TrafficSpec traffic;
    std::string cpuRequest = "100m";
    std::string memoryRequest = "128Mi";
    std::string cpuLimit = "500m";
    std::string memoryLimit = "256Mi";
    ResilienceSpec resilience;                 // default for its dependencies
    std::vector<DependencySpec> dependencies;  // declared ones, then the database (kind sql)
};

struct Scenario
{
    std::string name;
    std::string namespaceName = "microservices";
    std::string registry = "opsdeckdemo.azurecr.io";
    std::string host = "api.opsdeck.demo";
    std::string gateway = "opsdeck-gateway";
    std::string ingressAddress = "20.61.145.17";
    int nodes = 3;
    double dailyAmplitude = 0.45; // daily traffic swing as a fraction of the mean
    double peakHourUtc = 14;
    double noise = 0.08;          // seeded noise as a fraction of the rate
    bool historyEvents = true;    // past Events for the pods and rollouts at load
    // The Azure SQL logical server holding every service's database (docs/sim-azure.md).
    std::string sqlServer = "opsdeck-sql";
    std::string sqlLocation = "westeurope";
    int sqlRetentionDays = 7;     // point-in-time restore window
    int sqlRestoreSeconds = 120;  // virtual seconds a restore takes
    std::vector<ServiceSpec> services;
    CostSpec costs;

    // Throws std::runtime_error naming the file and the problem.
    static Scenario load(const std::string &path);
    static Scenario parse(const std::string &yamlText, const std::string &origin);
};

} // namespace sim
