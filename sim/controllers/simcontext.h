#pragma once

// What the controllers share: the store, the scenario, the seeded randomness, the event recorder,
// the chaos flags and the traffic model's latest load per service track. Only the controller thread
// touches it (Simulation serialises step() and the chaos setters).

#include "../objectstore.h"
#include "../scenario.h"
#include "eventrecorder.h"
#include "podindex.h"
#include "rng.h"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace sim {

class SqlDatabases;

// The traffic on one track of a service at the last step.
struct TrackLoad
{
    double rps = 0;        // requests per second routed to the track
    int readyPods = 0;
    double cpuPerPod = 0;  // millicores per ready pod
    double memoryMi = 0;   // working set per pod
};

// Chaos on one service (Simulation's chaos setters): what its pods do wrong, per track.
struct ServiceChaos
{
    std::map<std::string, double> errorRate; // track -> fraction of requests failing with 500, 0..1
    std::map<std::string, double> latencyMs; // track -> added response time
    bool databaseDown = false;               // chaos took the database its Secret names down...
    std::string database;                    // ...this one (SqlDatabases), brought up again on clear

    bool empty() const { return errorRate.empty() && latencyMs.empty() && !databaseDown; }
};

struct Node
{
    std::string name;
    std::string ip;
    int nextPodHost = 4; // last octet of the next pod IP in this node's /24
};

struct SimContext
{
    SimContext(ObjectStore &s, const Scenario &sc, std::uint64_t seedValue)
        : store(s)
        , scenario(sc)
        , ns(sc.namespaceName)
        , seed(seedValue)
        , names(Rng::mix(seedValue ^ 0x6e616d6573ULL))
        , timing(Rng::mix(seedValue ^ 0x74696d696e67ULL))
        , events(s, sc.namespaceName)
        , pods(s, sc.namespaceName)
    {
        for (const auto &service : sc.services)
            services[service.name] = &service;
    }

    static std::string trackKey(const std::string &service, const std::string &track) { return service + "/" + track; }
    bool isBroken(const std::string &service, const std::string &track) const
    {
        return broken.count(trackKey(service, track)) > 0;
    }
    const ServiceSpec *service(const std::string &name) const
    {
        const auto it = services.find(name);
        return it == services.end() ? nullptr : it->second;
    }
    double errorRate(const std::string &service, const std::string &track) const
    {
        const auto it = chaos.find(service);
        if (it == chaos.end())
            return 0;
        const auto rate = it->second.errorRate.find(track);
        return rate == it->second.errorRate.end() ? 0 : rate->second;
    }
    // Response time of a track's pods: a .NET service's usual 25 ms plus chaos latency.
    double latencyMs(const std::string &service, const std::string &track) const
    {
        const auto it = chaos.find(service);
        if (it == chaos.end())
            return kBaseLatencyMs;
        const auto added = it->second.latencyMs.find(track);
        return kBaseLatencyMs + (added == it->second.latencyMs.end() ? 0 : added->second);
    }
    // Share of a track's ready pods whose database refuses connections: pods connect where their
    // <service>-db Secret pointed when they started (ResilienceController updates it every step).
    double databaseFailure(const std::string &service, const std::string &track) const
    {
        const auto it = databaseFailures.find(trackKey(service, track));
        return it == databaseFailures.end() ? 0 : it->second;
    }
    // Most of a track's pods cannot reach their database.
    bool databaseDown(const std::string &service) const
    {
        return databaseFailure(service, "stable") >= 0.5 || databaseFailure(service, "canary") >= 0.5;
    }
    // Whether the kubelet's readiness probe (GET /health/ready, 1 s timeout) fails on this track: the
    // self check turns Unhealthy (503) at a 50% error rate, and a slow pod misses the timeout.
    bool readinessFails(const std::string &service, const std::string &track) const
    {
        return !chaos.empty() && (errorRate(service, track) >= 0.5 || latencyMs(service, track) >= kProbeTimeoutMs);
    }
    static constexpr double kBaseLatencyMs = 25;
    static constexpr double kProbeTimeoutMs = 1000;

    // Round-robin over the node pool, as a spread-by-default scheduler would place a service's pods.
    std::size_t pickNode() { return nextNode++ % nodes.size(); }
    std::string nextPodIp(std::size_t node)
    {
        Node &n = nodes[node];
        const int host = n.nextPodHost;
        n.nextPodHost = host >= 250 ? 4 : host + 1;
        return "10." + std::to_string(244 + node / 256) + "." + std::to_string(node % 256) + "." + std::to_string(host);
    }

    ObjectStore &store;
    const Scenario &scenario;
    std::string ns;
    std::uint64_t seed;
    Rng names;   // pod name suffixes, container ids
    Rng timing;  // scheduling, start-up and crash delays
    EventRecorder events;
    PodIndex pods;                             // refresh() before reading
    std::set<std::string> broken;              // trackKey()s whose containers crash
    std::map<std::string, ServiceChaos> chaos; // service -> its injected faults
    std::map<std::string, TrackLoad> load;     // trackKey() -> traffic at the last step
    std::map<std::string, double> databaseFailures; // trackKey() -> databaseFailure()
    SqlDatabases *sql = nullptr;               // the Azure SQL estate the pods connect to (Simulation owns it)
    std::map<std::string, const ServiceSpec *> services;
    std::vector<Node> nodes;
    std::size_t nextNode = 0;
};

} // namespace sim
