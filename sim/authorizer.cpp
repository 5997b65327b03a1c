#include "authorizer.h"

#include <openssl/rand.h>

#include <stdexcept>

namespace sim {

namespace {

std::string randomToken()
{
    unsigned char bytes[24];
    if (RAND_bytes(bytes, sizeof bytes) != 1)
        throw std::runtime_error("OpenSSL could not generate a random token");
    static constexpr char hex[] = "0123456789abcdef";
    std::string token;
    for (unsigned char b : bytes) {
        token += hex[b >> 4];
        token += hex[b & 15];
    }
    return token;
}

// Constant-time comparison: a token check should not leak how many leading characters matched.
bool sameToken(const std::string &a, const std::string &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

} // namespace

Authorizer::Authorizer()
    : Authorizer(randomToken(), randomToken())
{}

Authorizer::Authorizer(std::string adminToken, std::string viewerToken)
    : m_adminToken(std::move(adminToken))
    , m_viewerToken(std::move(viewerToken))
{}

Authorizer::Auth Authorizer::authenticate(const std::string &header, std::string &user) const
{
    if (header.empty())
        return Auth::Missing;
    static const std::string prefix = "Bearer ";
    if (header.size() <= prefix.size() || header.compare(0, prefix.size(), prefix) != 0)
        return Auth::Invalid;
    const std::string token = header.substr(prefix.size());
    if (sameToken(token, m_adminToken)) {
        user = "admin";
        return Auth::Authenticated;
    }
    if (sameToken(token, m_viewerToken)) {
        user = "viewer";
        return Auth::Authenticated;
    }
    return Auth::Invalid;
}

bool Authorizer::allowed(const std::string &user, const std::string &verb, const std::string &group,
                         const std::string &resource, const std::string &subresource) const
{
    // Every authenticated user may ask what it may do (system:basic-user).
    if (group == "authorization.k8s.io" && (resource == "selfsubjectaccessreviews" || resource == "selfsubjectrulesreviews")
        && verb == "create")
        return true;
    if (user == "admin")
        return true;
    if (user != "viewer")
        return false;
    (void)subresource;
    return verb == "get" || verb == "list" || verb == "watch";
}

nlohmann::json Authorizer::review(const std::string &user, nlohmann::json body) const
{
    const auto &spec = body.contains("spec") && body["spec"].is_object() ? body["spec"] : nlohmann::json::object();
    bool allow = false;
    if (spec.contains("resourceAttributes") && spec["resourceAttributes"].is_object()) {
        const auto &ra = spec["resourceAttributes"];
        const std::string verb = ra.value("verb", std::string());
        std::string resource = ra.value("resource", std::string());
        allow = allowed(user, verb == "*" ? "delete" : verb, ra.value("group", std::string()), resource,
                        ra.value("subresource", std::string()));
        if (verb == "*")
            allow = allow && allowed(user, "create", ra.value("group", std::string()), resource, {});
    } else if (spec.contains("nonResourceAttributes") && spec["nonResourceAttributes"].is_object()) {
        const std::string verb = spec["nonResourceAttributes"].value("verb", std::string());
        allow = user == "admin" || verb == "get";
    }
    body["apiVersion"] = "authorization.k8s.io/v1";
    body["kind"] = "SelfSubjectAccessReview";
    if (!body.contains("metadata") || !body["metadata"].is_object())
        body["metadata"] = nlohmann::json::object();
    body["status"] = {{"allowed", allow}};
    if (allow)
        body["status"]["reason"] = user == "admin" ? "RBAC: allowed by ClusterRoleBinding \"opsdeck-sim-admin\" of "
                                                     "ClusterRole \"cluster-admin\" to User \"admin\""
                                                   : "RBAC: allowed by ClusterRoleBinding \"opsdeck-sim-viewer\" of "
                                                     "ClusterRole \"view\" to User \"viewer\"";
    return body;
}

} // namespace sim
