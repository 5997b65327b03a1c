#pragma once

// The simulated Kubernetes API server: HTTPS (or plain HTTP) on loopback with cpp-httplib, serving
// discovery, the resources of resourceregistry.h with get/list/watch/create/update/patch/delete,
// Table output, the scale and status subresources, SelfSubjectAccessReview and the service proxy,
// authenticated by bearer token and authorised per user.

#include "authorizer.h"
#include "listpager.h"
#include "objectstore.h"
#include "tableconverter.h"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

namespace httplib {
class Server;
struct Request;
struct Response;
} // namespace httplib

namespace sim {

class ApiFaults;
class CertificateAuthority;
struct ResourceInfo;

struct ApiServerOptions
{
    std::string host = "127.0.0.1";
    int port = 0;                              // 0: any free port
    std::size_t threads = 512;                 // each open watch holds one (DESIGN §12)
    std::size_t maxBodyBytes = 8 * 1024 * 1024;
    std::chrono::seconds ioTimeout{30};        // read/write timeout: a stuck client loses its connection
    std::chrono::steady_clock::duration bookmarkInterval = std::chrono::seconds(30);
    std::chrono::steady_clock::duration continueTtl = std::chrono::minutes(5);
    std::chrono::seconds defaultWatchTimeout{1800};
};

// What a service proxy request resolves to; lets the simulation answer for its services later.
struct ProxyReply
{
    int status = 200;
    std::string contentType = "application/json";
    std::string body;
};
using ServiceProxyHandler = std::function<std::optional<ProxyReply>(
    const std::string &ns, const std::string &service, const std::string &method, const std::string &path)>;
// Answers the simulator's own endpoints under /_opsdeck/ (chaos controls, telemetry); false: not mine.
using ExtensionHandler = std::function<bool(const httplib::Request &, httplib::Response &)>;

class ApiServer
{
public:
    // `ca` null: plain HTTP. The store, authorizer and CA must outlive the server.
    ApiServer(ObjectStore &store, const Authorizer &authorizer, ObjectStore::Clock now, ApiServerOptions options,
              const CertificateAuthority *ca);
    ~ApiServer();
    ApiServer(const ApiServer &) = delete;
    ApiServer &operator=(const ApiServer &) = delete;

    int bind();           // binds; returns the port, or -1
    void run();           // serves until stop(); call after bind()
    void start();         // bind() + run() on a thread of its own (tests)
    void stop();          // stops accepting and closes; idempotent
    int port() const { return m_port; }
    std::string url() const;

    // Optional: the simulation's own answer for a service's endpoints (health and more). Without it,
    // or when it returns nullopt, the proxy answers a health report derived from pod readiness.
    void setServiceProxyHandler(ServiceProxyHandler handler) { m_proxyHandler = std::move(handler); }
    // Requests under /_opsdeck/ go to this handler, before authentication and never faulted.
    void setExtensionHandler(ExtensionHandler handler) { m_extensionHandler = std::move(handler); }
    // Gets every request first (the Azure APIs share the listener); false: not mine, on to Kubernetes.
    void setFrontHandler(ExtensionHandler handler) { m_frontHandler = std::move(handler); }
    // API-server faults to inject (issue 4); null: none. Must outlive the server.
    void setFaults(ApiFaults *faults) { m_faults = faults; }

private:
    struct Call;

    void handle(const httplib::Request &req, httplib::Response &res);
    void route(const httplib::Request &req, httplib::Response &res);
    void handleResource(Call &call, const httplib::Request &req, httplib::Response &res);
    void get(Call &call, httplib::Response &res);
    void list(Call &call, const httplib::Request &req, httplib::Response &res);
    void watch(Call &call, const httplib::Request &req, httplib::Response &res);
    void create(Call &call, const httplib::Request &req, httplib::Response &res);
    void update(Call &call, const httplib::Request &req, httplib::Response &res);
    void patch(Call &call, const httplib::Request &req, httplib::Response &res);
    void remove(Call &call, const httplib::Request &req, httplib::Response &res);
    void removeCollection(Call &call, const httplib::Request &req, httplib::Response &res);
    void scale(Call &call, const httplib::Request &req, httplib::Response &res);
    void serviceProxy(Call &call, const httplib::Request &req, httplib::Response &res);
    void accessReview(Call &call, const httplib::Request &req, httplib::Response &res);

    void cascadeDelete(const std::string &uid, const std::string &ns);
    void sendObject(Call &call, httplib::Response &res, int status, const Json &object);
    void sendError(httplib::Response &res, const ApiError &error);

    ObjectStore &m_store;
    const Authorizer &m_authorizer;
    ObjectStore::Clock m_now;
    ApiServerOptions m_options;
    TableConverter m_tables;
    ListPager m_pager;
    ServiceProxyHandler m_proxyHandler;
    ExtensionHandler m_extensionHandler;
    ExtensionHandler m_frontHandler;
    ApiFaults *m_faults = nullptr;
    std::unique_ptr<httplib::Server> m_server;
    std::thread m_thread;
    int m_port = -1;
    bool m_tls = false;
};

} // namespace sim
