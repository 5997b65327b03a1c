#include "apistatus.h"

namespace sim::apistatus {

namespace {

ApiError make(int code, std::string reason, std::string message)
{
    return ApiError{code, std::move(reason), std::move(message), Json::object()};
}

} // namespace

std::string qualifiedResource(const ResourceType &type)
{
    return type.group.empty() ? type.plural : type.plural + "." + type.group;
}

Json toJson(const ApiError &error)
{
    Json status = {{"kind", "Status"},    {"apiVersion", "v1"},        {"metadata", Json::object()},
                   {"status", "Failure"}, {"message", error.message}, {"reason", error.reason},
                   {"code", error.code}};
    if (!error.details.empty())
        status["details"] = error.details;
    return status;
}

Json success()
{
    return {{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", Json::object()}, {"status", "Success"}};
}

ApiError badRequest(const std::string &message)
{
    return make(400, "BadRequest", message);
}

ApiError notFound(const ResourceType &type, const std::string &name)
{
    ApiError e = make(404, "NotFound", qualifiedResource(type) + " \"" + name + "\" not found");
    e.details = {{"name", name}, {"kind", type.plural}};
    if (!type.group.empty())
        e.details["group"] = type.group;
    return e;
}

ApiError notFoundPath()
{
    ApiError e = make(404, "NotFound", "the server could not find the requested resource");
    e.details = {{"causes", Json::array({{{"reason", "UnexpectedServerResponse"}, {"message", "404 page not found"}}})}};
    return e;
}

ApiError methodNotAllowed(const std::string &method)
{
    ApiError e = make(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
    e.details = {{"causes", Json::array({{{"reason", "UnexpectedServerResponse"}, {"message", method + " not allowed"}}})}};
    return e;
}

ApiError unauthorized()
{
    return make(401, "Unauthorized", "Unauthorized");
}

ApiError forbidden(const std::string &user, const std::string &verb, const ResourceType *type,
                   const std::string &resource, const std::string &subresource, const std::string &ns,
                   const std::string &name)
{
    const std::string group = type ? type->group : std::string();
    const std::string qualified = group.empty() ? resource : resource + "." + group;
    std::string subject = qualified;
    if (!name.empty())
        subject += " \"" + name + "\"";
    const std::string full = subresource.empty() ? resource : resource + "/" + subresource;
    std::string message = subject + " is forbidden: User \"" + user + "\" cannot " + verb + " resource \"" + full
                          + "\" in API group \"" + group + "\"";
    message += ns.empty() ? " at the cluster scope" : " in the namespace \"" + ns + "\"";
    ApiError e = make(403, "Forbidden", message);
    e.details = {{"kind", resource}};
    if (!name.empty())
        e.details["name"] = name;
    if (!group.empty())
        e.details["group"] = group;
    return e;
}

ApiError expired(const std::string &message)
{
    return make(410, "Expired", message);
}

ApiError unsupportedMediaType(const std::string &contentType)
{
    return make(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media "
                                             "types include: application/json-patch+json, application/merge-patch+json, "
                                             "application/strategic-merge-patch+json (got \""
                                                 + contentType + "\")");
}

ApiError notAcceptable(const std::string &accept)
{
    return make(406, "NotAcceptable", "the server was unable to respond with a content type that the client supports ("
                                          + accept + ")");
}

ApiError tooLarge()
{
    return make(413, "RequestEntityTooLarge", "the request body is too large");
}

ApiError serviceUnavailable(const std::string &message)
{
    return make(503, "ServiceUnavailable", message);
}

ApiError internal(const std::string &message)
{
    return make(500, "InternalError", "Internal error occurred: " + message);
}

ApiError invalid(const ResourceType &type, const std::string &name, const std::vector<FieldError> &errors)
{
    const std::string kind = type.group.empty() ? type.kind : type.kind + "." + type.group;
    std::string message = kind + " \"" + name + "\" is invalid: ";
    if (errors.size() > 1)
        message += "[";
    Json causes = Json::array();
    for (std::size_t i = 0; i < errors.size(); ++i) {
        if (i)
            message += ", ";
        message += errors[i].field + ": " + errors[i].message;
        causes.push_back({{"reason", errors[i].reason}, {"message", errors[i].message}, {"field", errors[i].field}});
    }
    if (errors.size() > 1)
        message += "]";
    ApiError e = make(422, "Invalid", message);
    e.details = {{"name", name}, {"kind", type.kind}, {"causes", causes}};
    if (!type.group.empty())
        e.details["group"] = type.group;
    return e;
}

} // namespace sim::apistatus
