#include "entratokens.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstdio>
#include <ctime>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace sim {

namespace {

using Clock = std::chrono::system_clock;

std::string randomBytes(std::size_t n)
{
    std::string out(n, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char *>(out.data()), static_cast<int>(n)) != 1)
        throw std::runtime_error("RAND_bytes failed");
    return out;
}

std::string base64url(const std::string &in)
{
    std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char *>(out.data()),
                                  reinterpret_cast<const unsigned char *>(in.data()), static_cast<int>(in.size()));
    out.resize(static_cast<std::size_t>(n));
    while (!out.empty() && out.back() == '=')
        out.pop_back();
    for (auto &c : out)
        c = c == '+' ? '-' : (c == '/' ? '_' : c);
    return out;
}

std::optional<std::string> unbase64url(std::string in)
{
    for (auto &c : in)
        c = c == '-' ? '+' : (c == '_' ? '/' : c);
    while (in.size() % 4)
        in += '=';
    std::string out(in.size() / 4 * 3 + 1, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char *>(out.data()),
                                  reinterpret_cast<const unsigned char *>(in.data()), static_cast<int>(in.size()));
    if (n < 0)
        return std::nullopt;
    std::size_t len = static_cast<std::size_t>(n);
    for (std::size_t i = in.size(); i > 0 && in[i - 1] == '='; --i)
        --len;
    out.resize(len);
    return out;
}

std::string hmac(const std::string &key, const std::string &data)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char *>(data.data()),
         data.size(), mac, &len);
    return std::string(reinterpret_cast<char *>(mac), len);
}

std::string hex(const std::string &bytes)
{
    static const char *digits = "0123456789abcdef";
    std::string out;
    for (const unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

long long epoch(Clock::time_point t)
{
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string timestampText(Clock::time_point t)
{
    const std::time_t tt = Clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%SZ", &tm);
    return buf;
}

std::string field(const std::map<std::string, std::string> &form, const char *key)
{
    const auto it = form.find(key);
    return it == form.end() ? std::string() : it->second;
}

} // namespace

EntraTokens::EntraTokens(EntraOptions o)
    : options(std::move(o))
    , m_key(randomBytes(32))
    , m_appObjectId(randomGuid())
    , m_userObjectId(randomGuid())
{}

std::string EntraTokens::randomGuid()
{
    const std::string h = hex(randomBytes(16));
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-4" + h.substr(13, 3) + "-a" + h.substr(17, 3) + "-" + h.substr(20, 12);
}

std::string EntraTokens::resourceOf(const std::string &scopes)
{
    std::istringstream in(scopes);
    std::string scope;
    while (in >> scope) {
        if (scope == "openid" || scope == "profile" || scope == "offline_access" || scope == "email")
            continue;
        const auto slash = scope.rfind('/');
        if (slash == std::string::npos || slash == 0)
            continue;
        std::string resource = scope.substr(0, slash);
        while (!resource.empty() && resource.back() == '/')
            resource.pop_back(); // "https://management.azure.com//.default"
        if (resource.find("://") != std::string::npos || resource.rfind("api://", 0) == 0)
            return resource;
    }
    return {};
}

TokenReply EntraTokens::error(int status, const std::string &code, int aadsts, const std::string &description) const
{
    const auto now = Clock::now();
    const std::string trace = randomGuid();
    const std::string correlation = randomGuid();
    const std::string text = "AADSTS" + std::to_string(aadsts) + ": " + description + "\r\nTrace ID: " + trace
        + "\r\nCorrelation ID: " + correlation + "\r\nTimestamp: " + timestampText(now);
    return {status,
            {{"error", code},
             {"error_description", text},
             {"error_codes", {aadsts}},
             {"timestamp", timestampText(now)},
             {"trace_id", trace},
             {"correlation_id", correlation},
             {"error_uri", "https://login.microsoftonline.com/error?code=" + std::to_string(aadsts)}}};
}

std::string EntraTokens::sign(const nlohmann::json &payload) const
{
    const nlohmann::json header = {{"typ", "JWT"}, {"alg", "HS256"}, {"kid", "opsdeck-sim"}};
    const std::string unsigned_ = base64url(header.dump()) + "." + base64url(payload.dump());
    return unsigned_ + "." + base64url(hmac(m_key, unsigned_));
}

TokenReply EntraTokens::issue(const std::string &scope, const std::string &clientId, const std::string &subject,
                              const std::string &name, bool user, const std::string &base)
{
    const std::string resource = resourceOf(scope);
    if (resource.empty())
        return error(400, "invalid_scope", 70011,
                     "The provided request must include a 'scope' input parameter. The provided value for the input "
                     "parameter 'scope' is not valid. The scope " + scope + " is not valid.");
    const auto now = Clock::now();
    const auto exp = now + options.tokenLifetime;
    nlohmann::json claims = {{"aud", resource},
                             {"iss", "https://sts.windows.net/" + options.tenantId + "/"},
                             {"iat", epoch(now)},
                             {"nbf", epoch(now)},
                             {"exp", epoch(exp)},
                             {"appid", clientId},
                             {"oid", subject},
                             {"sub", subject},
                             {"tid", options.tenantId},
                             {"uti", base64url(randomBytes(12))},
                             {"ver", "1.0"}};
    if (user) {
        claims["name"] = name;
        claims["upn"] = name;
        claims["scp"] = "user_impersonation";
    } else {
        claims["idtyp"] = "app";
        claims["roles"] = nlohmann::json::array({"Data.Read"});
    }
    const std::string granted = resource + "/.default";
    nlohmann::json body = {{"token_type", "Bearer"},
                           {"scope", user ? resource + "/user_impersonation" : granted},
                           {"expires_in", options.tokenLifetime.count()},
                           {"ext_expires_in", options.tokenLifetime.count()},
                           {"access_token", sign(claims)}};
    if (user) {
        const std::string refresh = base64url(randomBytes(48));
        m_refreshTokens[refresh] = {clientId, subject, name};
        body["refresh_token"] = refresh;
        body["id_token"] = sign({{"aud", clientId},
                                 {"iss", base + "/" + options.tenantId + "/v2.0"},
                                 {"iat", epoch(now)},
                                 {"nbf", epoch(now)},
                                 {"exp", epoch(exp)},
                                 {"name", "Opsdeck SRE"},
                                 {"preferred_username", name},
                                 {"oid", subject},
                                 {"sub", subject},
                                 {"tid", options.tenantId},
                                 {"ver", "2.0"}});
        body["scope"] = resource + "/user_impersonation openid profile offline_access";
    }
    return {200, body};
}

TokenReply EntraTokens::deviceCode(const std::map<std::string, std::string> &form, const std::string &base)
{
    const std::string clientId = field(form, "client_id");
    const std::string scope = field(form, "scope");
    if (clientId.empty())
        return error(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.");
    if (resourceOf(scope).empty())
        return error(400, "invalid_scope", 70011, "The provided value for the input parameter 'scope' is not valid.");
    std::lock_guard lock(m_mutex);
    static const char *alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    std::string userCode;
    for (const unsigned char c : randomBytes(9))
        userCode += alphabet[c % 32];
    const std::string device = base64url(randomBytes(36));
    DeviceCode dc;
    dc.userCode = userCode;
    dc.clientId = clientId;
    dc.scope = scope;
    dc.expires = Clock::now() + options.deviceCodeLifetime;
    dc.interval = options.pollIntervalSeconds;
    m_deviceCodes[device] = dc;
    const std::string uri = base + "/devicelogin";
    return {200,
            {{"user_code", userCode},
             {"device_code", device},
             {"verification_uri", uri},
             {"expires_in", options.deviceCodeLifetime.count()},
             {"interval", options.pollIntervalSeconds},
             {"message", "To sign in, use a web browser to open the page " + uri + " and enter the code " + userCode
                             + " to authenticate."}}};
}

bool EntraTokens::approve(const std::string &userCode, bool decline)
{
    std::lock_guard lock(m_mutex);
    for (auto &[device, dc] : m_deviceCodes) {
        if (dc.userCode == userCode && dc.state == DeviceCode::State::Pending && Clock::now() < dc.expires) {
            dc.state = decline ? DeviceCode::State::Declined : DeviceCode::State::Approved;
            return true;
        }
    }
    return false;
}

TokenReply EntraTokens::token(const std::map<std::string, std::string> &form, const std::string &base)
{
    const std::string grant = field(form, "grant_type");
    const std::string clientId = field(form, "client_id");
    if (grant.empty())
        return error(400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.");
    if (clientId.empty())
        return error(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.");
    std::lock_guard lock(m_mutex);
    if (grant == "client_credentials") {
        if (clientId != options.clientId)
            return error(400, "unauthorized_client", 700016,
                         "Application with identifier '" + clientId + "' was not found in the directory '"
                             + options.tenantId + "'.");
        if (field(form, "client_secret") != options.clientSecret)
            return error(401, "invalid_client", 7000215,
                         "Invalid client secret provided. Ensure the secret being sent in the request is the client "
                         "secret value, not the client secret ID, for a secret added to app '" + clientId + "'.");
        return issue(field(form, "scope"), clientId, m_appObjectId, "opsdeck-sim", false, base);
    }
    if (grant == "urn:ietf:params:oauth:grant-type:device_code" || grant == "device_code") {
        const std::string code = field(form, "device_code");
        const auto it = m_deviceCodes.find(code);
        if (it == m_deviceCodes.end() || it->second.clientId != clientId)
            return error(400, "bad_verification_code", 70019, "Verification code was not recognized.");
        DeviceCode &dc = it->second;
        const auto now = Clock::now();
        if (now >= dc.expires) {
            m_deviceCodes.erase(it);
            return error(400, "expired_token", 70020, "The provided value for the input parameter 'device_code' is not "
                                                      "valid. This device code has expired.");
        }
        if (dc.state == DeviceCode::State::Declined) {
            m_deviceCodes.erase(it);
            return error(400, "authorization_declined", 70000, "The user declined to authorize the application.");
        }
        if (dc.state == DeviceCode::State::Approved) {
            const std::string scope = dc.scope;
            m_deviceCodes.erase(it);
            return issue(scope, clientId, m_userObjectId, options.userName, true, base);
        }
        // Polling faster than the interval earns a slow_down and a longer interval (RFC 8628 §3.5).
        const bool tooSoon = dc.lastPoll != Clock::time_point() && now - dc.lastPoll < std::chrono::seconds(dc.interval)
            - std::chrono::milliseconds(250);
        dc.lastPoll = now;
        if (tooSoon) {
            dc.interval += 5;
            return error(400, "slow_down", 70016, "OAuth 2.0 device flow error. Polling too frequently: slow down.");
        }
        return error(400, "authorization_pending", 70016, "OAuth 2.0 device flow error. Authorization is pending. "
                                                          "Continue polling.");
    }
    if (grant == "refresh_token") {
        const auto it = m_refreshTokens.find(field(form, "refresh_token"));
        if (it == m_refreshTokens.end() || it->second.clientId != clientId)
            return error(400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.");
        const Refresh r = it->second;
        m_refreshTokens.erase(it); // refresh tokens rotate
        return issue(field(form, "scope"), clientId, r.subject, r.name, true, base);
    }
    return error(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type '" + grant + "'.");
}

std::optional<TokenClaims> EntraTokens::validate(const std::string &jwt) const
{
    const auto dot1 = jwt.find('.');
    const auto dot2 = dot1 == std::string::npos ? std::string::npos : jwt.find('.', dot1 + 1);
    if (dot2 == std::string::npos)
        return std::nullopt;
    const std::string signedPart = jwt.substr(0, dot2);
    if (base64url(hmac(m_key, signedPart)) != jwt.substr(dot2 + 1))
        return std::nullopt;
    const auto payload = unbase64url(jwt.substr(dot1 + 1, dot2 - dot1 - 1));
    if (!payload)
        return std::nullopt;
    try {
        const auto j = nlohmann::json::parse(*payload);
        TokenClaims c;
        c.audience = j.value("aud", std::string());
        c.subject = j.value("oid", std::string());
        c.appId = j.value("appid", std::string());
        c.name = j.value("name", std::string());
        c.expires = Clock::time_point(std::chrono::seconds(j.value("exp", 0LL)));
        if (Clock::now() >= c.expires)
            return std::nullopt;
        return c;
    } catch (const nlohmann::json::exception &) {
        return std::nullopt;
    }
}

} // namespace sim
