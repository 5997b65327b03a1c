#pragma once

// Who may do what on opsdeck-sim: two bearer tokens, random per run — `admin` (every verb) and
// `viewer` (get, list, watch) — as an RBAC-enabled API server with two bound users would decide.

#include <nlohmann/json.hpp>

#include <string>

namespace sim {

class Authorizer
{
public:
    enum class Auth { Authenticated, Missing, Invalid };

    Authorizer(); // random tokens
    Authorizer(std::string adminToken, std::string viewerToken);

    // From the Authorization header; `user` receives the user name when authenticated.
    Auth authenticate(const std::string &authorizationHeader, std::string &user) const;

    bool allowed(const std::string &user, const std::string &verb, const std::string &group,
                 const std::string &resource, const std::string &subresource) const;

    // A SelfSubjectAccessReview body → the same object with status {allowed, reason?, denied?}.
    nlohmann::json review(const std::string &user, nlohmann::json body) const;

    const std::string &adminToken() const { return m_adminToken; }
    const std::string &viewerToken() const { return m_viewerToken; }

private:
    std::string m_adminToken;
    std::string m_viewerToken;
};

} // namespace sim
