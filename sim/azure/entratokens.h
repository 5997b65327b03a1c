#pragma once

// The sim's Entra ID (Azure AD) token service: client credentials for one service principal, the
// device code flow (RFC 8628 as Entra speaks it: authorization_pending, slow_down, expired_token,
// authorization_declined, bad_verification_code) with a test hook to approve or decline a code, and
// refresh tokens. Access tokens are JWT-shaped (HS256, signed with a per-run key) with `aud` = the
// requested scope's resource, so the query APIs can check audience, expiry and signature. Errors are
// Entra's bodies: {error, error_description "AADSTS…", error_codes, timestamp, trace_id, correlation_id}.
// Tokens run on the wall clock (clients are real), not the simulation's. Thread-safe.

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace sim {

struct EntraOptions
{
    std::string tenantId;
    std::string clientId;      // the service principal of client credentials
    std::string clientSecret;
    std::string userName = "sre@opsdeck.demo"; // who "signs in" with a device code
    std::chrono::seconds tokenLifetime{3600};
    std::chrono::seconds deviceCodeLifetime{900};
    int pollIntervalSeconds = 5;
};

struct TokenReply
{
    int status = 200;
    nlohmann::json body;
};

struct TokenClaims
{
    std::string audience;
    std::string subject;   // oid of the principal
    std::string appId;     // the client id that asked
    std::string name;      // user name, or the app's
    std::chrono::system_clock::time_point expires;
};

class EntraTokens
{
public:
    EntraOptions options;

    explicit EntraTokens(EntraOptions options);

    // POST {tenant}/oauth2/v2.0/devicecode and /token, with the form fields decoded. `base` is the
    // authority's URL (for verification_uri and iss).
    TokenReply deviceCode(const std::map<std::string, std::string> &form, const std::string &base);
    TokenReply token(const std::map<std::string, std::string> &form, const std::string &base);

    // Approves (or declines) a pending device code by its user code; false when none is pending.
    bool approve(const std::string &userCode, bool decline);

    // A token this service issued, still valid; nullopt for anything else (bad signature, expired).
    std::optional<TokenClaims> validate(const std::string &jwt) const;

    // The resource of a scope list: "https://api.loganalytics.io/.default offline_access" →
    // "https://api.loganalytics.io"; "" when none names a resource.
    static std::string resourceOf(const std::string &scopes);
    static std::string randomGuid();

private:
    struct DeviceCode
    {
        std::string userCode;
        std::string clientId;
        std::string scope;
        std::chrono::system_clock::time_point expires;
        std::chrono::system_clock::time_point lastPoll;
        int interval = 5;
        enum class State { Pending, Approved, Declined, Redeemed } state = State::Pending;
    };
    struct Refresh
    {
        std::string clientId;
        std::string subject;
        std::string name;
    };

    TokenReply error(int status, const std::string &code, int aadsts, const std::string &description) const;
    TokenReply issue(const std::string &scope, const std::string &clientId, const std::string &subject,
                     const std::string &name, bool user, const std::string &base);
    std::string sign(const nlohmann::json &payload) const;

    std::string m_key; // HS256 signing key
    std::string m_appObjectId;
    std::string m_userObjectId;
    mutable std::mutex m_mutex;
    std::map<std::string, DeviceCode> m_deviceCodes; // device_code -> state
    std::map<std::string, Refresh> m_refreshTokens;
};

} // namespace sim
