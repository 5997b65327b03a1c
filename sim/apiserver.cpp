#include "apiserver.h"
#include "pathsegments.h"

#include "apifaults.h"
#include "apistatus.h"
#include "certificateauthority.h"
#include "discovery.h"
#include "fieldselector.h"
#include "labelselector.h"
#include "patcher.h"
#include "resourceregistry.h"
#include "secretcodec.h"
#include "validator.h"
#include "watchstream.h"

#include <httplib.h>

#include <algorithm>
#include <cstdio>

namespace sim {

namespace {

enum class Output { Json, Table, Metadata };

// The representation the client asked for in Accept: a Table (kubectl get), partial object metadata,
// or the objects themselves. Ranges are tried in order; unsupported ones (protobuf) are skipped.
std::optional<std::pair<Output, std::string>> negotiate(const std::string &accept)
{
    if (accept.empty())
        return std::pair{Output::Json, std::string()};
    std::size_t start = 0;
    while (start <= accept.size()) {
        std::size_t comma = accept.find(',', start);
        if (comma == std::string::npos)
            comma = accept.size();
        std::string range = accept.substr(start, comma - start);
        start = comma + 1;
        range.erase(std::remove(range.begin(), range.end(), ' '), range.end());
        const std::string media = range.substr(0, range.find(';'));
        if (media != "application/json" && media != "*/*" && media != "application/*" && media != "application/yaml")
            continue;
        std::map<std::string, std::string> params;
        std::size_t p = range.find(';');
        while (p != std::string::npos) {
            const std::size_t next = range.find(';', p + 1);
            const std::string param = range.substr(p + 1, next == std::string::npos ? std::string::npos : next - p - 1);
            const std::size_t eq = param.find('=');
            if (eq != std::string::npos)
                params[param.substr(0, eq)] = param.substr(eq + 1);
            p = next;
        }
        const auto as = params.find("as");
        if (as == params.end())
            return std::pair{Output::Json, std::string()};
        const std::string version = params.count("v") ? params["v"] : "v1";
        if (params["g"] != "meta.k8s.io" || (version != "v1" && version != "v1beta1"))
            continue;
        if (as->second == "Table")
            return std::pair{Output::Table, "meta.k8s.io/" + version};
        if (as->second == "PartialObjectMetadata" || as->second == "PartialObjectMetadataList")
            return std::pair{Output::Metadata, "meta.k8s.io/" + version};
    }
    if (accept == "*/*")
        return std::pair{Output::Json, std::string()};
    return std::nullopt;
}

bool hasSubresource(const ResourceInfo &info, const std::string &sub)
{
    return std::find(info.subresources.begin(), info.subresources.end(), sub) != info.subresources.end();
}

std::string jsonText(const Json &j)
{
    return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

const Json &metaOf(const Json &object)
{
    static const Json empty = Json::object();
    const auto it = object.find("metadata");
    return it != object.end() && it->is_object() ? *it : empty;
}

std::string metaString(const Json &object, const char *key)
{
    const Json &m = metaOf(object);
    const auto it = m.find(key);
    return it != m.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace

struct ApiServer::Call
{
    std::string user;
    std::string verb;
    const ResourceInfo *info = nullptr;
    std::string typeId;
    std::string ns;
    std::string name;
    std::string subresource;
    std::string proxyPath;
    bool dryRun = false;
    Output output = Output::Json;
    std::string outputVersion;
    TableConverter::Include include = TableConverter::Include::Metadata;
};

ApiServer::ApiServer(ObjectStore &store, const Authorizer &authorizer, ObjectStore::Clock now,
                     ApiServerOptions options, const CertificateAuthority *ca)
    : m_store(store)
    , m_authorizer(authorizer)
    , m_now(now)
    , m_options(std::move(options))
    , m_tables(now)
    , m_pager(m_options.continueTtl)
{
    if (ca) {
        m_server = std::make_unique<httplib::SSLServer>(ca->serverCertificate(), ca->serverKey());
        m_tls = true;
    } else {
        m_server = std::make_unique<httplib::Server>();
    }
    const std::size_t threads = std::max<std::size_t>(m_options.threads, 4);
    m_server->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    m_server->set_payload_max_length(m_options.maxBodyBytes);
    m_server->set_read_timeout(m_options.ioTimeout.count(), 0);
    m_server->set_write_timeout(m_options.ioTimeout.count(), 0);
    m_server->set_keep_alive_timeout(10);
    m_server->set_keep_alive_max_count(1000);

    const auto handler = [this](const httplib::Request &req, httplib::Response &res) { handle(req, res); };
    m_server->Get(".*", handler);
    m_server->Post(".*", handler);
    m_server->Put(".*", handler);
    m_server->Patch(".*", handler);
    m_server->Delete(".*", handler);
    m_server->Options(".*", handler);
    m_server->set_exception_handler([this](const httplib::Request &, httplib::Response &res, std::exception_ptr ep) {
        std::string what = "unknown error";
        try {
            if (ep)
                std::rethrow_exception(ep);
        } catch (const std::exception &e) {
            what = e.what();
        } catch (...) {
        }
        sendError(res, apistatus::internal(what));
    });
    // Errors cpp-httplib raises itself (413, 400 for a malformed request line ...) as Status objects.
    m_server->set_error_handler([this](const httplib::Request &, httplib::Response &res) {
        if (!res.body.empty())
            return;
        const int code = res.status;
        if (code == 413)
            sendError(res, apistatus::tooLarge());
        else if (code == 404)
            sendError(res, apistatus::notFoundPath());
        else if (code == 405)
            sendError(res, apistatus::methodNotAllowed(""));
        else
            sendError(res, ApiError{code, code >= 500 ? "InternalError" : "BadRequest",
                                    "the request could not be processed (HTTP " + std::to_string(code) + ")",
                                    Json::object()});
        res.status = code;
    });
}

ApiServer::~ApiServer()
{
    stop();
}

int ApiServer::bind()
{
    if (m_options.port == 0)
        m_port = m_server->bind_to_any_port(m_options.host);
    else
        m_port = m_server->bind_to_port(m_options.host, m_options.port) ? m_options.port : -1;
    return m_port;
}

void ApiServer::run()
{
    m_server->listen_after_bind();
}

void ApiServer::start()
{
    if (m_port < 0 && bind() < 0)
        return;
    m_thread = std::thread([this] { run(); });
    while (!m_server->is_running())
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

void ApiServer::stop()
{
    m_server->stop();
    if (m_thread.joinable())
        m_thread.join();
}

std::string ApiServer::url() const
{
    return std::string(m_tls ? "https://" : "http://") + m_options.host + ":" + std::to_string(m_port);
}

void ApiServer::sendError(httplib::Response &res, const ApiError &error)
{
    res.status = error.code;
    res.set_content(jsonText(apistatus::toJson(error)), "application/json");
    for (const auto &[k, v] : error.details.items()) {
        if (k == "retryAfterSeconds" && v.is_number())
            res.set_header("Retry-After", std::to_string(v.get<long long>()));
    }
}

void ApiServer::sendObject(Call &call, httplib::Response &res, int status, const Json &object)
{
    res.status = status;
    if (call.output == Output::Table) {
        Json rows = Json::array({m_tables.row(call.typeId, object, call.include)});
        Json meta = {{"resourceVersion", metaString(object, "resourceVersion")}};
        res.set_content(jsonText(m_tables.table(call.typeId, call.outputVersion, std::move(rows), std::move(meta))),
                        "application/json");
    } else if (call.output == Output::Metadata) {
        res.set_content(jsonText({{"kind", "PartialObjectMetadata"},
                                  {"apiVersion", call.outputVersion},
                                  {"metadata", metaOf(object)}}),
                        "application/json");
    } else {
        res.set_content(jsonText(object), "application/json");
    }
}

namespace {

// The start of a List body of exactly `total` bytes: `{"kind":"List",...,"items":[{},{},...   ]}`,
// produced piecewise so a 200 MB answer never sits in memory.
void hugeBody(std::uint64_t total, std::uint64_t offset, std::size_t length, std::string &out)
{
    static const std::string head = "{\"kind\":\"List\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"1\"},"
                                    "\"items\":[";
    static const std::string tail = "]}";
    const std::uint64_t middle = total - head.size() - tail.size();
    const std::uint64_t units = middle >= 2 ? (middle - 2) / 3 : 0;
    out.resize(length);
    for (std::size_t i = 0; i < length; ++i) {
        const std::uint64_t at = offset + i;
        char c = ' ';
        if (at < head.size()) {
            c = head[at];
        } else if (at >= total - tail.size()) {
            c = tail[at - (total - tail.size())];
        } else {
            const std::uint64_t m = at - head.size();
            if (m < 2)
                c = "{}"[m];
            else if ((m - 2) / 3 < units)
                c = ",{}"[(m - 2) % 3];
        }
        out[i] = c;
    }
}

} // namespace

void ApiServer::handle(const httplib::Request &req, httplib::Response &res)
{
    if (m_frontHandler && m_frontHandler(req, res))
        return;
    const std::string &path = req.path;
    if (path == "/_opsdeck" || path.rfind("/_opsdeck/", 0) == 0) {
        if (!m_extensionHandler || !m_extensionHandler(req, res))
            sendError(res, apistatus::notFoundPath());
        return;
    }
    if (!m_faults)
        return route(req, res);

    using Kind = ApiFault::Kind;
    const bool isWatch = req.get_param_value("watch") == "1" || req.get_param_value("watch") == "true";
    const FaultRequest request = FaultRequest::describe(req.method, path, isWatch);
    if (const auto fault = m_faults->take(request, {Kind::Unauthorized, Kind::Throttle, Kind::ServerError,
                                                    Kind::WatchGone, Kind::Huge})) {
        switch (fault->kind) {
        case Kind::Unauthorized:
            return sendError(res, apistatus::unauthorized());
        case Kind::Throttle: {
            ApiError error{429, "TooManyRequests", "the server has received too many requests and has asked us to "
                                                   "try again later",
                           {{"retryAfterSeconds", fault->retryAfterSeconds}}};
            return sendError(res, error);
        }
        case Kind::ServerError:
            if (fault->code == 503)
                return sendError(res, apistatus::serviceUnavailable("the server is currently unable to handle the "
                                                                    "request"));
            return sendError(res, apistatus::internal("an error on the server (\"injected fault\") has prevented the "
                                                      "request from succeeding"));
        case Kind::WatchGone: {
            const ApiError gone = apistatus::expired("too old resource version: " + req.get_param_value("resourceVersion")
                                                     + " (" + std::to_string(m_store.resourceVersion()) + ")");
            if (fault->mode == "http")
                return sendError(res, gone);
            const std::string line = jsonText({{"type", "ERROR"}, {"object", apistatus::toJson(gone)}}) + "\n";
            res.status = 200;
            res.set_header("Cache-Control", "no-cache, private");
            res.set_chunked_content_provider("application/json;stream=watch", [line](std::size_t, httplib::DataSink &sink) {
                sink.write(line.data(), line.size());
                sink.done();
                return true;
            });
            return;
        }
        case Kind::Huge: {
            const std::uint64_t total = std::max<std::uint64_t>(fault->bytes, 128);
            res.status = 200;
            res.set_content_provider(static_cast<std::size_t>(total), "application/json",
                                     [total](std::size_t offset, std::size_t length, httplib::DataSink &sink) {
                                         std::string chunk;
                                         hugeBody(total, offset, std::min<std::size_t>(length, 256 * 1024), chunk);
                                         return sink.write(chunk.data(), chunk.size());
                                     });
            return;
        }
        default:
            break;
        }
    }
    if (const auto stall = m_faults->take(request, {Kind::Stall}))
        m_faults->stall(stall->id, stall->stallSeconds);
    route(req, res);
    if (res.status != 200 || res.body.empty() || request.watch || (request.verb != "get" && request.verb != "list"))
        return;
    if (const auto fault = m_faults->take(request, {Kind::Truncate, Kind::Malformed})) {
        std::string &body = res.body;
        if (fault->kind == Kind::Truncate) {
            body.resize(body.size() / 2); // cut mid-document: the JSON never closes
        } else {
            // Valid-looking start, then a broken token in the middle: `"kind": "PodList",` stays parseable
            // up to here, so a parser fails deep inside, not on the first byte.
            const std::size_t at = body.size() / 2;
            body = body.substr(0, at) + "\x01}{,\"oops\" ::: [nul" + body.substr(at);
        }
    }
}

void ApiServer::route(const httplib::Request &req, httplib::Response &res)
{
    const std::string &path = req.path;
    if (path == "/healthz" || path == "/livez" || path == "/readyz") {
        res.set_content("ok", "text/plain; charset=utf-8");
        return;
    }

    Call call;
    const auto auth = m_authorizer.authenticate(req.get_header_value("Authorization"), call.user);
    if (auth == Authorizer::Auth::Invalid || (auth == Authorizer::Auth::Missing && path != "/version")) {
        sendError(res, apistatus::unauthorized());
        return;
    }
    if (req.method == "GET") {
        if (path == "/version") {
            res.set_content(jsonText(Discovery::version()), "application/json");
            return;
        }
        if (path == "/api" || path == "/api/") {
            res.set_content(jsonText(Discovery::apiVersions(m_options.host + ":" + std::to_string(m_port))),
                            "application/json");
            return;
        }
        if (path == "/apis" || path == "/apis/") {
            res.set_content(jsonText(Discovery::apiGroupList()), "application/json");
            return;
        }
    }
    const auto parts = pathSegments(path);
    std::string group;
    std::string version;
    std::size_t restAt = 0;
    if (parts.size() >= 2 && parts[0] == "api") {
        version = parts[1];
        restAt = 2;
    } else if (parts.size() >= 2 && parts[0] == "apis") {
        group = parts[1];
        if (parts.size() == 2) {
            if (req.method == "GET") {
                if (const auto g = Discovery::apiGroup(group)) {
                    res.set_content(jsonText(*g), "application/json");
                    return;
                }
            }
            sendError(res, apistatus::notFoundPath());
            return;
        }
        version = parts[2];
        restAt = 3;
    } else {
        // /openapi/v2, /openapi/v3 and anything else: kubectl falls back without them.
        sendError(res, apistatus::notFoundPath());
        return;
    }
    if (parts.size() == restAt) {
        const auto list = req.method == "GET" ? Discovery::resourceList(group, version) : std::nullopt;
        if (list)
            res.set_content(jsonText(*list), "application/json");
        else
            sendError(res, apistatus::notFoundPath());
        return;
    }

    std::vector<std::string> rest(parts.begin() + static_cast<std::ptrdiff_t>(restAt), parts.end());
    std::size_t i = 0;
    if (rest.size() >= 3 && rest[0] == "namespaces" && findResource(group, version, rest[2])) {
        call.ns = rest[1];
        i = 2;
    }
    const ResourceInfo *info = findResource(group, version, rest[i]);
    if (!info) {
        sendError(res, apistatus::notFoundPath());
        return;
    }
    call.info = info;
    call.typeId = info->type.id();
    if (i + 1 < rest.size())
        call.name = rest[i + 1];
    if (i + 2 < rest.size())
        call.subresource = rest[i + 2];
    if (i + 3 < rest.size()) {
        if (call.subresource != "proxy") {
            sendError(res, apistatus::notFoundPath());
            return;
        }
        for (std::size_t k = i + 3; k < rest.size(); ++k)
            call.proxyPath += "/" + rest[k];
    }
    if (call.subresource == "proxy" && call.proxyPath.empty())
        call.proxyPath = "/";
    if (!info->type.namespaced)
        call.ns.clear();
    if (!call.subresource.empty() && !hasSubresource(*info, call.subresource)) {
        sendError(res, apistatus::notFoundPath());
        return;
    }
    handleResource(call, req, res);
}

void ApiServer::handleResource(Call &call, const httplib::Request &req, httplib::Response &res)
{
    const ResourceInfo &info = *call.info;
    const std::string &m = req.method;
    const bool isWatch = req.get_param_value("watch") == "1" || req.get_param_value("watch") == "true";
    if (m == "GET")
        call.verb = call.name.empty() ? (isWatch ? "watch" : "list") : "get";
    else if (m == "POST")
        call.verb = "create";
    else if (m == "PUT")
        call.verb = "update";
    else if (m == "PATCH")
        call.verb = "patch";
    else if (m == "DELETE")
        call.verb = call.name.empty() ? "deletecollection" : "delete";
    else {
        sendError(res, apistatus::methodNotAllowed(m));
        return;
    }

    // Which verbs exist here: the resource's own, or get/update/patch on status and scale.
    bool supported = false;
    if (call.subresource.empty()) {
        const bool needsName = call.verb == "get" || call.verb == "update" || call.verb == "patch" || call.verb == "delete";
        const bool forbidsName = call.verb == "create" || call.verb == "list" || call.verb == "watch"
                                 || call.verb == "deletecollection";
        supported = std::find(info.verbs.begin(), info.verbs.end(), call.verb) != info.verbs.end()
                    && !(needsName && call.name.empty()) && !(forbidsName && !call.name.empty());
    } else if (call.subresource == "proxy") {
        supported = true;
    } else {
        supported = call.verb == "get" || call.verb == "update" || call.verb == "patch";
    }
    if (!supported) {
        sendError(res, apistatus::methodNotAllowed(m));
        return;
    }
    if (!m_authorizer.allowed(call.user, call.verb, info.type.group, info.type.plural, call.subresource)) {
        sendError(res, apistatus::forbidden(call.user, call.verb, &info.type, info.type.plural, call.subresource,
                                            call.ns, call.name));
        return;
    }

    const auto output = negotiate(req.get_header_value("Accept"));
    if (!output) {
        sendError(res, apistatus::notAcceptable(req.get_header_value("Accept")));
        return;
    }
    call.output = output->first;
    call.outputVersion = output->second;
    call.include = TableConverter::includeFromParam(req.get_param_value("includeObject"));
    if (call.subresource == "scale" || call.subresource == "proxy" || !info.stored)
        call.output = Output::Json;

    if (req.has_param("dryRun")) {
        const std::string dryRun = req.get_param_value("dryRun");
        if (dryRun != "All") {
            sendError(res, apistatus::badRequest("Invalid dryRun: '" + dryRun + "' (supported values: All)"));
            return;
        }
        call.dryRun = true;
    }

    if (call.subresource == "proxy")
        return serviceProxy(call, req, res);
    if (call.typeId == "selfsubjectaccessreviews.authorization.k8s.io")
        return accessReview(call, req, res);
    if (call.subresource == "scale")
        return scale(call, req, res);
    if (call.verb == "get")
        return get(call, res);
    if (call.verb == "list")
        return list(call, req, res);
    if (call.verb == "watch")
        return watch(call, req, res);
    if (call.verb == "create")
        return create(call, req, res);
    if (call.verb == "update")
        return update(call, req, res);
    if (call.verb == "patch")
        return patch(call, req, res);
    if (call.verb == "delete")
        return remove(call, req, res);
    return removeCollection(call, req, res);
}

void ApiServer::get(Call &call, httplib::Response &res)
{
    const auto stored = m_store.getShared(call.typeId, call.ns, call.name);
    if (!stored)
        return sendError(res, apistatus::notFound(call.info->type, call.name));
    if (call.output == Output::Json) {
        res.status = 200;
        res.set_content(stored->text(), "application/json");
        return;
    }
    sendObject(call, res, 200, stored->object());
}

void ApiServer::list(Call &call, const httplib::Request &req, httplib::Response &res)
{
    std::string error;
    std::optional<LabelSelector> labels;
    std::optional<FieldSelector> fields;
    const std::string labelText = req.get_param_value("labelSelector");
    const std::string fieldText = req.get_param_value("fieldSelector");
    if (!labelText.empty() && !(labels = LabelSelector::parse(labelText, &error)))
        return sendError(res, apistatus::badRequest(error));
    if (!fieldText.empty() && !(fields = FieldSelector::parse(fieldText, call.typeId, &error)))
        return sendError(res, apistatus::badRequest(error));
    long long limit = 0;
    if (req.has_param("limit")) {
        try {
            limit = std::stoll(req.get_param_value("limit"));
        } catch (const std::exception &) {
            return sendError(res, apistatus::badRequest("limit must be an integer"));
        }
    }
    const std::string scope = call.typeId + "|" + call.ns + "|" + labelText + "|" + fieldText;

    ListPager::Position position;
    const std::string token = req.get_param_value("continue");
    if (!token.empty()) {
        switch (m_pager.resume(token, scope, position)) {
        case ListPager::Result::Malformed:
            return sendError(res, apistatus::badRequest("continue key is not valid: the token does not belong to "
                                                        "this list or is malformed"));
        case ListPager::Result::Expired:
            return sendError(res, apistatus::expired(
                                      "The provided continue parameter is too old to display a consistent list "
                                      "result. You can start a new list without the continue parameter, or use the "
                                      "continue token in this response to retrieve the remainder of the results. "
                                      "Continuing with the provided token results in an inconsistent list - objects "
                                      "that were created, modified, or deleted between the time the first chunk was "
                                      "returned and now may show up in the list."));
        case ListPager::Result::Ok:
            break;
        }
    } else {
        auto all = m_store.snapshot(call.typeId, call.ns, &position.resourceVersion);
        if (labels || fields) {
            std::vector<StoredPtr> kept;
            kept.reserve(all.size());
            for (auto &item : all) {
                const Json &o = item->object();
                if (labels && !labels->matches(metaOf(o).value("labels", Json())))
                    continue;
                if (fields && !fields->matches(o))
                    continue;
                kept.push_back(std::move(item));
            }
            all = std::move(kept);
        }
        position.items = std::make_shared<const std::vector<StoredPtr>>(std::move(all));
    }

    const std::size_t total = position.items->size();
    std::size_t end = total;
    std::string next;
    if (limit > 0 && total - position.offset > static_cast<std::size_t>(limit)) {
        end = position.offset + static_cast<std::size_t>(limit);
        next = m_pager.issue(position.items, end, position.resourceVersion, scope);
    }
    Json meta = {{"resourceVersion", std::to_string(position.resourceVersion)}};
    if (!next.empty()) {
        meta["continue"] = next;
        if (!labels && !fields)
            meta["remainingItemCount"] = total - end;
    }

    const auto &items = *position.items;
    res.status = 200;
    if (call.output == Output::Table) {
        Json rows = Json::array();
        for (std::size_t k = position.offset; k < end; ++k)
            rows.push_back(m_tables.row(call.typeId, items[k]->object(), call.include));
        res.set_content(jsonText(m_tables.table(call.typeId, call.outputVersion, std::move(rows), std::move(meta))),
                        "application/json");
        return;
    }
    const ResourceType &type = call.info->type;
    std::string body;
    if (call.output == Output::Metadata) {
        body = "{\"kind\":\"PartialObjectMetadataList\",\"apiVersion\":\"" + call.outputVersion
               + "\",\"metadata\":" + jsonText(meta) + ",\"items\":[";
        for (std::size_t k = position.offset; k < end; ++k) {
            if (k != position.offset)
                body += ',';
            body += jsonText({{"kind", "PartialObjectMetadata"},
                              {"apiVersion", call.outputVersion},
                              {"metadata", metaOf(items[k]->object())}});
        }
    } else {
        // Concatenate each object's cached text: a 10k-pod list costs a copy, not a serialization.
        std::size_t size = 256;
        for (std::size_t k = position.offset; k < end; ++k)
            size += items[k]->text().size() + 1;
        body.reserve(size);
        body = "{\"kind\":\"" + type.kind + "List\",\"apiVersion\":\"" + type.apiVersion()
               + "\",\"metadata\":" + jsonText(meta) + ",\"items\":[";
        for (std::size_t k = position.offset; k < end; ++k) {
            if (k != position.offset)
                body += ',';
            body += items[k]->text();
        }
    }
    body += "]}";
    res.set_content(std::move(body), "application/json");
}

void ApiServer::watch(Call &call, const httplib::Request &req, httplib::Response &res)
{
    std::string error;
    WatchOptions options;
    options.typeId = call.typeId;
    options.ns = call.ns;
    const std::string labelText = req.get_param_value("labelSelector");
    const std::string fieldText = req.get_param_value("fieldSelector");
    if (!labelText.empty() && !(options.labels = LabelSelector::parse(labelText, &error)))
        return sendError(res, apistatus::badRequest(error));
    if (!fieldText.empty() && !(options.fields = FieldSelector::parse(fieldText, call.typeId, &error)))
        return sendError(res, apistatus::badRequest(error));
    const std::string rv = req.get_param_value("resourceVersion");
    if (rv.empty() || rv == "0") {
        options.sendInitialEvents = true;
    } else {
        try {
            std::size_t used = 0;
            options.since = std::stoull(rv, &used);
            if (used != rv.size())
                throw std::invalid_argument(rv);
        } catch (const std::exception &) {
            return sendError(res, apistatus::badRequest("invalid resource version \"" + rv + "\""));
        }
        options.sendInitialEvents = false;
    }
    if (req.get_param_value("sendInitialEvents") == "true")
        options.sendInitialEvents = true;
    options.bookmarks = req.get_param_value("allowWatchBookmarks") == "true";
    options.bookmarkInterval = m_options.bookmarkInterval;
    std::chrono::seconds timeout = m_options.defaultWatchTimeout;
    if (req.has_param("timeoutSeconds")) {
        try {
            timeout = std::chrono::seconds(std::max(0LL, std::stoll(req.get_param_value("timeoutSeconds"))));
        } catch (const std::exception &) {
            return sendError(res, apistatus::badRequest("timeoutSeconds must be an integer"));
        }
    }
    options.deadline = std::chrono::steady_clock::now() + timeout;
    if (call.output == Output::Table) {
        options.table = &m_tables;
        options.include = call.include;
        options.tableApiVersion = call.outputVersion;
    }

    auto stream = std::make_shared<WatchStream>(m_store, std::move(options));
    // Injected faults may cut this stream mid-event (ApiFaults::WatchTap).
    std::shared_ptr<ApiFaults::WatchTap> tap;
    if (m_faults)
        tap = m_faults->openWatch(FaultRequest::describe(req.method, req.path, true));
    res.status = 200;
    res.set_header("Cache-Control", "no-cache, private");
    // Not "application/json": cpp-httplib would gzip it when the client accepts gzip and hold the
    // small watch lines back (DESIGN §12). Clients parse the media type and ignore the parameter.
    res.set_chunked_content_provider("application/json;stream=watch", [stream, tap](std::size_t, httplib::DataSink &sink) {
        if (tap && tap->dropNow()) {
            static const std::string partial = "{\"type\":\"MODIFIED\",\"object\":{\"kind\":\"";
            sink.write(partial.data(), partial.size());
            return false; // closes the connection without the last chunk
        }
        const auto step = stream->pump([&sink, &tap](const std::string &data) {
            if (tap) {
                const std::size_t allowed = tap->allow(data);
                if (allowed < data.size()) {
                    sink.write(data.data(), allowed);
                    return false;
                }
            }
            return sink.write(data.data(), data.size());
        });
        if (step == WatchStream::Step::Failed)
            return false;
        if (step == WatchStream::Step::Done)
            sink.done();
        return true;
    });
}

namespace {

// Fields the API server resets on create (status belongs to controllers) for types with a status
// subresource.
void resetStatusForCreate(const ResourceInfo &info, Json &object)
{
    if (!hasSubresource(info, "status"))
        return;
    if (info.type.id() == "pods")
        object["status"] = {{"phase", "Pending"}, {"qosClass", "BestEffort"}};
    else if (info.type.id() == "namespaces")
        object["status"] = {{"phase", "Active"}};
    else
        object.erase("status");
}

std::optional<Json> parseBody(const std::string &body, std::string &error)
{
    try {
        Json j = Json::parse(body);
        if (!j.is_object()) {
            error = "the request body is not a JSON object";
            return std::nullopt;
        }
        return j;
    } catch (const std::exception &e) {
        error = std::string("couldn't get version/kind; json parse error: ") + e.what();
        return std::nullopt;
    }
}

} // namespace

void ApiServer::create(Call &call, const httplib::Request &req, httplib::Response &res)
{
    std::string error;
    auto body = parseBody(req.body, error);
    if (!body)
        return sendError(res, apistatus::badRequest(error));
    const ResourceType &type = call.info->type;
    if (body->contains("kind") && (*body)["kind"] != type.kind)
        return sendError(res, apistatus::badRequest("the kind in the data (" + (*body)["kind"].dump()
                                                    + ") does not match the expected kind (" + type.kind + ")"));
    Json &meta = (*body)["metadata"];
    if (meta.is_null())
        meta = Json::object();
    if (!meta.is_object())
        return sendError(res, apistatus::badRequest("metadata must be an object"));
    if (type.namespaced) {
        const std::string bodyNs = meta.value("namespace", std::string());
        if (!bodyNs.empty() && bodyNs != call.ns)
            return sendError(res, apistatus::badRequest("the namespace of the provided object does not match the "
                                                        "namespace sent on the request"));
        meta["namespace"] = call.ns;
        // The namespace must exist (checked once the estate has namespaces at all).
        if (!m_store.snapshot("namespaces", "").empty() && !m_store.getShared("namespaces", "", call.ns)) {
            const ResourceInfo *nsInfo = findResource("", "v1", "namespaces");
            return sendError(res, apistatus::notFound(nsInfo->type, call.ns));
        }
    }
    resetStatusForCreate(*call.info, *body);
    if (auto bad = SecretCodec::normalize(type, *body)) // stringData → data, base64 checked
        return sendError(res, *bad);
    const auto errors = Validator::validate(type, *body);
    if (!errors.empty())
        return sendError(res, apistatus::invalid(type, meta.value("name", meta.value("generateName", std::string())), errors));
    auto created = m_store.create(call.typeId, std::move(*body), call.dryRun);
    if (!created)
        return sendError(res, *created.error);
    sendObject(call, res, 201, *created.value);
}

void ApiServer::update(Call &call, const httplib::Request &req, httplib::Response &res)
{
    std::string error;
    auto body = parseBody(req.body, error);
    if (!body)
        return sendError(res, apistatus::badRequest(error));
    const ResourceType &type = call.info->type;
    Json &meta = (*body)["metadata"];
    if (!meta.is_object())
        return sendError(res, apistatus::badRequest("metadata must be an object"));
    const std::string name = meta.value("name", std::string());
    if (name != call.name)
        return sendError(res, apistatus::badRequest("the name of the object (" + name
                                                    + ") does not match the name on the URL (" + call.name + ")"));
    if (type.namespaced) {
        const std::string bodyNs = meta.value("namespace", std::string());
        if (!bodyNs.empty() && bodyNs != call.ns)
            return sendError(res, apistatus::badRequest("the namespace of the provided object does not match the "
                                                        "namespace sent on the request"));
        meta["namespace"] = call.ns;
    }
    const auto current = m_store.getShared(call.typeId, call.ns, call.name);
    if (!current)
        return sendError(res, apistatus::notFound(type, call.name));
    Json object;
    if (call.subresource == "status") {
        object = current->object();
        object["status"] = body->value("status", Json::object());
        object["metadata"]["resourceVersion"] = meta.value("resourceVersion", std::string());
    } else {
        object = std::move(*body);
        if (hasSubresource(*call.info, "status")) {
            if (current->object().contains("status"))
                object["status"] = current->object()["status"];
            else
                object.erase("status");
        }
    }
    if (auto bad = SecretCodec::normalize(type, object)) // stringData → data, base64 checked
        return sendError(res, *bad);
    const auto errors = Validator::validate(type, object);
    if (!errors.empty())
        return sendError(res, apistatus::invalid(type, call.name, errors));
    auto updated = m_store.update(call.typeId, std::move(object), call.dryRun);
    if (!updated)
        return sendError(res, *updated.error);
    sendObject(call, res, 200, *updated.value);
}

void ApiServer::patch(Call &call, const httplib::Request &req, httplib::Response &res)
{
    const std::string contentType = req.get_header_value("Content-Type");
    const Patcher::Type patchType = Patcher::typeFor(contentType);
    if (patchType == Patcher::Type::Unsupported)
        return sendError(res, apistatus::unsupportedMediaType(contentType));
    const ResourceType &type = call.info->type;
    if (patchType == Patcher::Type::ApplyPatch && req.get_param_value("fieldManager").empty())
        return sendError(res, apistatus::badRequest("PATCH requests with application/apply-patch+yaml require "
                                                    "fieldManager to be set"));

    // A patch without a resourceVersion is last-writer-wins: retry when a controller got in between.
    for (int attempt = 0; attempt < 8; ++attempt) {
        const auto current = m_store.getShared(call.typeId, call.ns, call.name);
        if (!current) {
            if (patchType != Patcher::Type::ApplyPatch || !call.subresource.empty())
                return sendError(res, apistatus::notFound(type, call.name));
            // Server-side apply of a new object creates it.
            Json object;
            try {
                object = Patcher::yamlToJson(req.body);
            } catch (const std::exception &e) {
                return sendError(res, apistatus::badRequest(std::string("error decoding YAML: ") + e.what()));
            }
            if (!object.is_object())
                return sendError(res, apistatus::badRequest("the applied configuration is not an object"));
            object["metadata"]["name"] = call.name;
            if (type.namespaced)
                object["metadata"]["namespace"] = call.ns;
            resetStatusForCreate(*call.info, object);
            if (auto bad = SecretCodec::normalize(type, object)) // stringData → data, base64 checked
                return sendError(res, *bad);
            const auto errors = Validator::validate(type, object);
            if (!errors.empty())
                return sendError(res, apistatus::invalid(type, call.name, errors));
            auto created = m_store.create(call.typeId, std::move(object), call.dryRun);
            if (!created)
                return sendError(res, *created.error);
            return sendObject(call, res, 201, *created.value);
        }
        auto patched = Patcher::apply(patchType, current->object(), req.body);
        if (!patched)
            return sendError(res, *patched.error);
        Json object = std::move(*patched.value);
        if (!object.is_object() || !object.contains("metadata") || !object["metadata"].is_object())
            return sendError(res, apistatus::badRequest("the patch removed the object's metadata"));
        if (metaString(object, "name") != call.name)
            return sendError(res, apistatus::badRequest("the name of the object (" + metaString(object, "name")
                                                        + ") does not match the name on the URL (" + call.name + ")"));
        if (type.namespaced)
            object["metadata"]["namespace"] = call.ns;
        if (call.subresource == "status") {
            Json merged = current->object();
            merged["status"] = object.value("status", Json::object());
            merged["metadata"]["resourceVersion"] = metaString(object, "resourceVersion");
            object = std::move(merged);
        } else if (hasSubresource(*call.info, "status")) {
            if (current->object().contains("status"))
                object["status"] = current->object()["status"];
            else
                object.erase("status");
        }
        if (auto bad = SecretCodec::normalize(type, object)) // stringData → data, base64 checked
            return sendError(res, *bad);
        const auto errors = Validator::validate(type, object);
        if (!errors.empty())
            return sendError(res, apistatus::invalid(type, call.name, errors));
        auto updated = m_store.update(call.typeId, std::move(object), call.dryRun);
        if (updated)
            return sendObject(call, res, 200, *updated.value);
        const bool pinned = req.body.find("\"resourceVersion\"") != std::string::npos
                            || req.body.find("resourceVersion:") != std::string::npos;
        if (updated.error->code != 409 || updated.error->reason != "Conflict" || pinned)
            return sendError(res, *updated.error);
    }
    return sendError(res, ApiError{409, "Conflict", "the object kept changing while the patch was applied; try again",
                                   Json::object()});
}

void ApiServer::cascadeDelete(const std::string &uid, const std::string &ns)
{
    // Background propagation, as the garbage collector does it: dependents whose owner is gone.
    for (const auto &info : kubernetesResources()) {
        if (!info.stored || !info.type.namespaced)
            continue;
        for (const auto &item : m_store.snapshot(info.type.id(), ns)) {
            const Json &owners = metaOf(item->object()).value("ownerReferences", Json::array());
            bool owned = false;
            for (const auto &owner : owners)
                owned = owned || (owner.is_object() && owner.value("uid", std::string()) == uid);
            if (!owned)
                continue;
            const std::string name = metaString(item->object(), "name");
            const std::string childUid = metaString(item->object(), "uid");
            if (m_store.remove(info.type.id(), ns, name))
                cascadeDelete(childUid, ns);
        }
    }
}

void ApiServer::remove(Call &call, const httplib::Request &req, httplib::Response &res)
{
    Json options = Json::object();
    if (!req.body.empty()) {
        std::string error;
        auto body = parseBody(req.body, error);
        if (!body)
            return sendError(res, apistatus::badRequest(error));
        options = std::move(*body);
    }
    if (options.contains("dryRun") && options["dryRun"].is_array()) {
        for (const auto &d : options["dryRun"])
            call.dryRun = call.dryRun || d == "All";
    }
    const ResourceType &type = call.info->type;
    const auto current = m_store.getShared(call.typeId, call.ns, call.name);
    if (!current)
        return sendError(res, apistatus::notFound(type, call.name));
    if (options.contains("preconditions") && options["preconditions"].is_object()) {
        const Json &pre = options["preconditions"];
        const std::string uid = metaString(current->object(), "uid");
        const std::string rv = metaString(current->object(), "resourceVersion");
        if (pre.contains("uid") && pre["uid"].is_string() && pre["uid"] != uid)
            return sendError(res, ApiError{409, "Conflict",
                                           "Operation cannot be fulfilled on " + apistatus::qualifiedResource(type) + " \""
                                               + call.name + "\": Precondition failed: UID in precondition: "
                                               + pre["uid"].get<std::string>() + ", UID in object meta: " + uid,
                                           {{"name", call.name}, {"kind", type.plural}}});
        if (pre.contains("resourceVersion") && pre["resourceVersion"].is_string() && pre["resourceVersion"] != rv)
            return sendError(res, ApiError{409, "Conflict",
                                           "Operation cannot be fulfilled on " + apistatus::qualifiedResource(type) + " \""
                                               + call.name + "\": Precondition failed: ResourceVersion in precondition: "
                                               + pre["resourceVersion"].get<std::string>()
                                               + ", ResourceVersion in object meta: " + rv,
                                           {{"name", call.name}, {"kind", type.plural}}});
    }
    auto removed = m_store.remove(call.typeId, call.ns, call.name, call.dryRun);
    if (!removed)
        return sendError(res, *removed.error);
    const std::string propagation = options.value("propagationPolicy", req.get_param_value("propagationPolicy"));
    if (!call.dryRun && propagation != "Orphan")
        cascadeDelete(metaString(*removed.value, "uid"), call.ns);
    Json status = apistatus::success();
    status["details"] = {{"name", call.name}, {"kind", type.plural}, {"uid", metaString(*removed.value, "uid")}};
    if (!type.group.empty())
        status["details"]["group"] = type.group;
    res.status = 200;
    res.set_content(jsonText(status), "application/json");
}

void ApiServer::removeCollection(Call &call, const httplib::Request &req, httplib::Response &res)
{
    std::string error;
    std::optional<LabelSelector> labels;
    std::optional<FieldSelector> fields;
    const std::string labelText = req.get_param_value("labelSelector");
    const std::string fieldText = req.get_param_value("fieldSelector");
    if (!labelText.empty() && !(labels = LabelSelector::parse(labelText, &error)))
        return sendError(res, apistatus::badRequest(error));
    if (!fieldText.empty() && !(fields = FieldSelector::parse(fieldText, call.typeId, &error)))
        return sendError(res, apistatus::badRequest(error));
    Json items = Json::array();
    for (const auto &item : m_store.snapshot(call.typeId, call.ns)) {
        const Json &o = item->object();
        if ((labels && !labels->matches(metaOf(o).value("labels", Json()))) || (fields && !fields->matches(o)))
            continue;
        auto removed = m_store.remove(call.typeId, metaString(o, "namespace"), metaString(o, "name"), call.dryRun);
        if (!removed)
            continue;
        if (!call.dryRun)
            cascadeDelete(metaString(o, "uid"), metaString(o, "namespace"));
        items.push_back(std::move(*removed.value));
    }
    const ResourceType &type = call.info->type;
    res.status = 200;
    res.set_content(jsonText({{"kind", type.kind + "List"},
                              {"apiVersion", type.apiVersion()},
                              {"metadata", {{"resourceVersion", std::to_string(m_store.resourceVersion())}}},
                              {"items", items}}),
                    "application/json");
}

void ApiServer::scale(Call &call, const httplib::Request &req, httplib::Response &res)
{
    const ResourceType &type = call.info->type;
    const auto toScale = [](const Json &o) {
        const Json &meta = metaOf(o);
        Json scale = {{"kind", "Scale"},
                      {"apiVersion", "autoscaling/v1"},
                      {"metadata", Json::object()},
                      {"spec", {{"replicas", o.contains("spec") ? o["spec"].value("replicas", 1) : 1}}},
                      {"status", {{"replicas", o.contains("status") ? o["status"].value("replicas", 0) : 0}}}};
        for (const char *key : {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
            if (meta.contains(key))
                scale["metadata"][key] = meta[key];
        }
        const std::string selector = LabelSelector::fromJson(o.contains("spec") ? o["spec"].value("selector", Json()) : Json())
                                         .toString();
        scale["status"]["selector"] = selector == "<none>" ? std::string() : selector;
        return scale;
    };
    for (int attempt = 0; attempt < 8; ++attempt) {
        const auto current = m_store.getShared(call.typeId, call.ns, call.name);
        if (!current)
            return sendError(res, apistatus::notFound(type, call.name));
        const Json scale = toScale(current->object());
        if (call.verb == "get") {
            res.status = 200;
            res.set_content(jsonText(scale), "application/json");
            return;
        }
        Json wanted;
        bool pinned = false;
        if (call.verb == "update") {
            std::string error;
            auto body = parseBody(req.body, error);
            if (!body)
                return sendError(res, apistatus::badRequest(error));
            wanted = std::move(*body);
            pinned = !metaString(wanted, "resourceVersion").empty();
        } else {
            const Patcher::Type patchType = Patcher::typeFor(req.get_header_value("Content-Type"));
            if (patchType == Patcher::Type::Unsupported)
                return sendError(res, apistatus::unsupportedMediaType(req.get_header_value("Content-Type")));
            auto patched = Patcher::apply(patchType, scale, req.body);
            if (!patched)
                return sendError(res, *patched.error);
            wanted = std::move(*patched.value);
            pinned = metaString(wanted, "resourceVersion") != metaString(scale, "resourceVersion");
        }
        const auto errors = Validator::validateScale(wanted);
        if (!errors.empty()) {
            ResourceType scaleType{"scale", "autoscaling", "v1", "Scale", true};
            return sendError(res, apistatus::invalid(scaleType, call.name, errors));
        }
        if (!wanted.contains("spec") || !wanted["spec"].is_object() || !wanted["spec"].contains("replicas"))
            return sendError(res, apistatus::badRequest("the Scale has no spec.replicas"));
        Json object = current->object();
        object["spec"]["replicas"] = wanted["spec"]["replicas"];
        object["metadata"]["resourceVersion"] = metaString(wanted, "resourceVersion");
        auto updated = m_store.update(call.typeId, std::move(object), call.dryRun);
        if (updated) {
            res.status = 200;
            res.set_content(jsonText(toScale(*updated.value)), "application/json");
            return;
        }
        if (updated.error->code != 409 || pinned)
            return sendError(res, *updated.error);
    }
    return sendError(res, ApiError{409, "Conflict", "the object kept changing; try again", Json::object()});
}

void ApiServer::accessReview(Call &call, const httplib::Request &req, httplib::Response &res)
{
    std::string error;
    auto body = parseBody(req.body, error);
    if (!body)
        return sendError(res, apistatus::badRequest(error));
    res.status = 201;
    res.set_content(jsonText(m_authorizer.review(call.user, std::move(*body))), "application/json");
}

void ApiServer::serviceProxy(Call &call, const httplib::Request &req, httplib::Response &res)
{
    // {name} may be "https:name:port", "name:port" or "name".
    std::string name = call.name;
    if (const auto colon = name.find(':'); colon != std::string::npos) {
        const std::string first = name.substr(0, colon);
        name = (first == "https" || first == "http") ? name.substr(colon + 1) : first;
        name = name.substr(0, name.find(':'));
    }
    const auto service = m_store.getShared("services", call.ns, name);
    if (!service)
        return sendError(res, apistatus::notFound(call.info->type, name));
    if (m_proxyHandler) {
        if (auto reply = m_proxyHandler(call.ns, name, req.method, call.proxyPath)) {
            res.status = reply->status;
            res.set_content(reply->body, reply->contentType);
            return;
        }
    }
    const Json &spec = service->object().value("spec", Json::object());
    const LabelSelector selector = LabelSelector::fromMap(spec.value("selector", Json()));
    int total = 0;
    int ready = 0;
    for (const auto &pod : m_store.snapshot("pods", call.ns)) {
        const Json &o = pod->object();
        if (!selector.matches(metaOf(o).value("labels", Json())) || metaOf(o).contains("deletionTimestamp"))
            continue;
        ++total;
        const Json &conditions = o.contains("status") ? o["status"].value("conditions", Json::array()) : Json::array();
        for (const auto &c : conditions) {
            if (c.is_object() && c.value("type", std::string()) == "Ready" && c.value("status", std::string()) == "True")
                ++ready;
        }
    }
    if (ready == 0)
        return sendError(res, apistatus::serviceUnavailable("no endpoints available for service \"" + name + "\""));
    const std::string status = ready == total ? "Healthy" : ready > 0 ? "Degraded" : "Unhealthy";
    const Json entry = {{"status", status},
                        {"description", std::to_string(ready) + " of " + std::to_string(total) + " pods ready"},
                        {"duration", "00:00:00.0001000"},
                        {"data", Json::object()},
                        {"tags", Json::array({"pods"})}};
    const Json report = {{"status", status}, {"totalDuration", "00:00:00.0001000"}, {"entries", {{"pods", entry}}}};
    res.status = status == "Unhealthy" ? 503 : 200;
    res.set_content(jsonText(report), "application/json");
}

} // namespace sim
