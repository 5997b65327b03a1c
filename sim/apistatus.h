#pragma once

// Kubernetes Status objects (API-CONTRACTS §1): the error values the API server answers with, built
// with the messages and reasons the real API server uses so clients branch on them the same way.

#include "objectstore.h"

#include <string>

namespace sim::apistatus {

// {kind: Status, apiVersion: v1, metadata: {}, status: Failure, message, reason, details, code}
Json toJson(const ApiError &error);
Json success(); // status: Success (DELETE answers for some resources)

ApiError badRequest(const std::string &message);
ApiError notFound(const ResourceType &type, const std::string &name);
ApiError notFoundPath(); // "the server could not find the requested resource"
ApiError methodNotAllowed(const std::string &method);
ApiError unauthorized();
ApiError forbidden(const std::string &user, const std::string &verb, const ResourceType *type,
                   const std::string &resource, const std::string &subresource, const std::string &ns,
                   const std::string &name);
ApiError expired(const std::string &message);
ApiError unsupportedMediaType(const std::string &contentType);
ApiError notAcceptable(const std::string &accept);
ApiError tooLarge();
ApiError serviceUnavailable(const std::string &message);
ApiError internal(const std::string &message);

// 422 Invalid: "Deployment.apps \"x\" is invalid: spec.replicas: Invalid value: -1: must be ..."
struct FieldError
{
    std::string reason; // FieldValueInvalid | FieldValueRequired | FieldValueNotSupported ...
    std::string field;  // spec.replicas
    std::string message; // Invalid value: -1: must be greater than or equal to 0
};
ApiError invalid(const ResourceType &type, const std::string &name, const std::vector<FieldError> &errors);

// "pods" or "deployments.apps"
std::string qualifiedResource(const ResourceType &type);

} // namespace sim::apistatus
