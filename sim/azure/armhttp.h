#pragma once

// What every ARM-style route of the simulator answers the same way (Cost Management, Consumption,
// Microsoft.Sql, the Log Analytics test hooks): JSON bodies, ARM's error envelope, the bearer check with
// ARM's audiences and 401 codes, the admin-only test hooks, and the queue of injected faults those hooks
// fill. One place, so the APIs cannot drift apart in how they refuse a request.

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>

namespace sim {

class Authorizer;
class EntraTokens;

namespace armhttp {

using Json = nlohmann::json;

std::string lower(std::string text);
// A JSON answer (invalid UTF-8 replaced, never thrown).
void send(httplib::Response &res, int status, const Json &body);
// ARM's error body: {error: {code, message, target?, details: [], additionalInfo: []}}.
Json armError(const std::string &code, const std::string &message, const std::string &target = {});
void fail(httplib::Response &res, int status, const std::string &code, const std::string &message,
          const std::string &target = {});
// The token of an `Authorization: Bearer …` header; empty without one.
std::string bearer(const httplib::Request &req);

// ARM's bearer check against the sim's Entra tokens. Refuses with 401 AuthenticationFailed (no token),
// InvalidAuthenticationToken (unknown or expired) or InvalidAuthenticationTokenAudience (accepted:
// management.azure.com, management.core.windows.net, the sim's own URL); `authorizationUri` goes into
// WWW-Authenticate as ARM sends it. `errorBody` builds the body (Cost Management's is shorter).
using ErrorBody = std::function<Json(const std::string &code, const std::string &message)>;
bool authorize(const httplib::Request &req, httplib::Response &res, const EntraTokens &tokens, std::string ownUrl,
               const std::string &authorizationUri, const ErrorBody &errorBody = {});

// The test hooks take the kubeconfig's admin credentials, like the chaos API: 401/403 as Kubernetes
// Status otherwise. True when the caller may go on.
bool adminOnly(const httplib::Request &req, httplib::Response &res, const Authorizer &authorizer);

// Faults a test hook queued: the next `remaining` matching requests fail with `kind`.
struct Fault
{
    std::string kind;  // throttle | server-error | …
    std::string scope; // which API it hits ("" = any)
    int remaining = 1;
    int retryAfterSeconds = 2;
};

class FaultQueue
{
public:
    // `kinds` / `scopes`: what a POST may ask for; `scopeKey`: the body's key naming the scope ("" = none).
    FaultQueue(std::set<std::string> kinds, std::set<std::string> scopes, std::string scopeKey, int defaultRetryAfter);

    // The first fault for `scope`, counted down; nullopt when none waits.
    std::optional<Fault> take(const std::string &scope = {});
    // The hook's route: POST adds {kind, <scopeKey>?, count?, retryAfterSeconds?} (201), GET lists, DELETE
    // clears; answers {items: [...]}. The caller checks adminOnly first.
    void handle(const httplib::Request &req, httplib::Response &res);

private:
    Json items() const;

    std::set<std::string> m_kinds;
    std::set<std::string> m_scopes;
    std::string m_scopeKey;
    int m_defaultRetryAfter;
    mutable std::mutex m_mutex;
    std::deque<Fault> m_faults;
};

} // namespace armhttp
} // namespace sim
