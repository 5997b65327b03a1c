#include "armhttp.h"

#include "apistatus.h"
#include "authorizer.h"
#include "azure/entratokens.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace sim::armhttp {

namespace {

std::string withoutTrailingSlashes(std::string url)
{
    while (!url.empty() && url.back() == '/')
        url.pop_back();
    return url;
}

std::string joined(const std::set<std::string> &items)
{
    std::string out;
    for (const auto &item : items)
        out += (out.empty() ? "" : " | ") + item;
    return out;
}

} // namespace

std::string lower(std::string text)
{
    for (char &c : text)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

void send(httplib::Response &res, int status, const Json &body)
{
    res.status = status;
    res.set_content(body.dump(-1, ' ', false, Json::error_handler_t::replace), "application/json; charset=utf-8");
}

Json armError(const std::string &code, const std::string &message, const std::string &target)
{
    Json e = {{"code", code}, {"message", message}, {"details", Json::array()}, {"additionalInfo", Json::array()}};
    if (!target.empty())
        e["target"] = target;
    return {{"error", e}};
}

void fail(httplib::Response &res, int status, const std::string &code, const std::string &message, const std::string &target)
{
    send(res, status, armError(code, message, target));
}

std::string bearer(const httplib::Request &req)
{
    const std::string h = req.get_header_value("Authorization");
    if (h.size() > 7 && (h.compare(0, 7, "Bearer ") == 0 || h.compare(0, 7, "bearer ") == 0))
        return h.substr(7);
    return {};
}

bool authorize(const httplib::Request &req, httplib::Response &res, const EntraTokens &tokens, std::string ownUrl,
               const std::string &authorizationUri, const ErrorBody &errorBody)
{
    const auto refuse = [&](const std::string &code, const std::string &message) {
        send(res, 401, errorBody ? errorBody(code, message) : armError(code, message));
        return false;
    };
    const auto challenge = [&](const std::string &description) {
        res.set_header("WWW-Authenticate", "Bearer authorization_uri=\"" + authorizationUri
                                               + "\", error=\"invalid_token\", error_description=\"" + description + "\"");
    };
    const std::string token = bearer(req);
    if (token.empty()) {
        challenge("The authentication failed because of missing 'Authorization' header.");
        return refuse("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");
    }
    const auto claims = tokens.validate(token);
    if (!claims) {
        challenge("The access token is invalid or has expired.");
        return refuse("InvalidAuthenticationToken", "The access token is invalid.");
    }
    // An ARM SDK pointed at another endpoint asks for {endpoint}/.default (API-CONTRACTS §6).
    const std::string audience = withoutTrailingSlashes(claims->audience);
    if (audience != "https://management.azure.com" && audience != "https://management.core.windows.net"
        && audience != withoutTrailingSlashes(std::move(ownUrl)))
        return refuse("InvalidAuthenticationTokenAudience",
                      "The access token has been obtained for wrong audience or resource '" + claims->audience
                          + "'. It should exactly match with one of the allowed audiences "
                            "'https://management.core.windows.net/','https://management.core.windows.net',"
                            "'https://management.azure.com/','https://management.azure.com'.");
    return true;
}

bool adminOnly(const httplib::Request &req, httplib::Response &res, const Authorizer &authorizer)
{
    std::string user;
    if (authorizer.authenticate(req.get_header_value("Authorization"), user) != Authorizer::Auth::Authenticated) {
        send(res, 401, apistatus::toJson(apistatus::unauthorized()));
        return false;
    }
    if (user != "admin") {
        send(res, 403,
             apistatus::toJson(ApiError{403, "Forbidden", "User \"" + user + "\" cannot use the Azure test hooks", Json::object()}));
        return false;
    }
    return true;
}

FaultQueue::FaultQueue(std::set<std::string> kinds, std::set<std::string> scopes, std::string scopeKey, int defaultRetryAfter)
    : m_kinds(std::move(kinds))
    , m_scopes(std::move(scopes))
    , m_scopeKey(std::move(scopeKey))
    , m_defaultRetryAfter(defaultRetryAfter)
{
}

std::optional<Fault> FaultQueue::take(const std::string &scope)
{
    std::lock_guard lock(m_mutex);
    const auto it = std::find_if(m_faults.begin(), m_faults.end(),
                                 [&](const Fault &f) { return f.scope.empty() || f.scope == scope; });
    if (it == m_faults.end())
        return std::nullopt;
    Fault fault = *it;
    if (--it->remaining <= 0)
        m_faults.erase(it);
    return fault;
}

void FaultQueue::handle(const httplib::Request &req, httplib::Response &res)
{
    std::lock_guard lock(m_mutex);
    if (req.method == "POST") {
        Json body;
        try {
            body = req.body.empty() ? Json::object() : Json::parse(req.body);
        } catch (const Json::exception &) {
            body = nullptr;
        }
        Fault f;
        f.retryAfterSeconds = m_defaultRetryAfter;
        if (body.is_object()) {
            f.kind = body.value("kind", std::string());
            if (!m_scopeKey.empty())
                f.scope = body.value(m_scopeKey, std::string());
            f.remaining = body.value("count", 1);
            f.retryAfterSeconds = body.value("retryAfterSeconds", m_defaultRetryAfter);
        }
        if (!m_kinds.count(f.kind) || (!f.scope.empty() && !m_scopes.count(f.scope)) || f.remaining < 1
            || f.retryAfterSeconds < 0) {
            std::string shape = "{kind: " + joined(m_kinds);
            if (!m_scopeKey.empty())
                shape += ", " + m_scopeKey + "?: " + joined(m_scopes);
            send(res, 400, apistatus::toJson(apistatus::badRequest("the body must be " + shape
                                                                    + ", count >= 1, retryAfterSeconds >= 0}")));
            return;
        }
        m_faults.push_back(f);
    } else if (req.method == "DELETE") {
        m_faults.clear();
    } else if (req.method != "GET") {
        send(res, 405, apistatus::toJson(apistatus::methodNotAllowed(req.method)));
        return;
    }
    send(res, req.method == "POST" ? 201 : 200, {{"items", items()}});
}

Json FaultQueue::items() const
{
    Json items = Json::array();
    for (const auto &f : m_faults) {
        Json item = {{"kind", f.kind}, {"count", f.remaining}, {"retryAfterSeconds", f.retryAfterSeconds}};
        if (!m_scopeKey.empty())
            item[m_scopeKey] = f.scope;
        items.push_back(item);
    }
    return items;
}

} // namespace sim::armhttp
