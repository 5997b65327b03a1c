#pragma once

// The simulator's own HTTP endpoints (docs/sim-chaos-api.md), served by ApiServer under /_opsdeck/ with
// the admin token: chaos on services (fail, latency, kill pods, spike, break the canary, database
// down/up, fail the next restore), API-server faults (ApiFaults), the Polly telemetry log; and the services' answers through the
// service proxy (/health, /health/ready, /health/live of each track). Never subject to the faults.

#include "apiserver.h"
#include "objectstore.h"

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

namespace httplib {
struct Request;
struct Response;
} // namespace httplib

namespace sim {

class ApiFaults;
class Authorizer;
class Simulation;

class ChaosApi
{
public:
    // All three must outlive this object and the server it is installed on.
    ChaosApi(Simulation &simulation, ApiFaults &faults, const Authorizer &authorizer);

    // Routes /_opsdeck/ and the service proxy of `server` here, and gives it the faults.
    void install(ApiServer &server);

    // false: not a path of ours.
    bool handle(const httplib::Request &req, httplib::Response &res);
    // A service's (or its -stable / -canary Service's) answer; nullopt when no ready pod serves it.
    std::optional<ProxyReply> proxy(const std::string &ns, const std::string &service, const std::string &method,
                                    const std::string &path);

private:
    void serviceChaos(const std::string &service, const std::string &action, const httplib::Request &req,
                      httplib::Response &res);
    void apiFaults(const std::string &id, const httplib::Request &req, httplib::Response &res);
    void telemetry(const httplib::Request &req, httplib::Response &res);
    Json status() const;

    Simulation &m_simulation;
    ApiFaults &m_faults;
    const Authorizer &m_authorizer;
    std::atomic<std::uint64_t> m_roundRobin{0};
};

} // namespace sim
