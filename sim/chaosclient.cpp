#include "chaosclient.h"

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <sstream>

namespace sim {

namespace {

using Json = nlohmann::json;

struct Target
{
    std::string server;
    std::string token;
    std::string caPem;  // inline CA
    std::string caFile; // or a CA file
    bool insecure = false;
};

std::string decodeBase64(const std::string &text)
{
    std::string clean;
    for (const char c : text)
        if (!std::isspace(static_cast<unsigned char>(c)))
            clean += c;
    std::string out(clean.size() / 4 * 3 + 3, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char *>(out.data()),
                                  reinterpret_cast<const unsigned char *>(clean.data()), static_cast<int>(clean.size()));
    if (n < 0)
        throw std::runtime_error("certificate-authority-data is not base64");
    out.resize(static_cast<std::size_t>(n));
    while (!clean.empty() && clean.back() == '=' && !out.empty()) { // EVP_DecodeBlock keeps padding zeros
        out.pop_back();
        clean.pop_back();
    }
    return out;
}

YAML::Node named(const YAML::Node &list, const std::string &name)
{
    if (list && list.IsSequence())
        for (const auto &item : list)
            if (item["name"] && item["name"].as<std::string>() == name)
                return item;
    return YAML::Node();
}

Target readKubeconfig(const std::string &path, const std::string &contextName)
{
    YAML::Node root;
    try {
        root = YAML::LoadFile(path);
    } catch (const YAML::Exception &e) {
        throw std::runtime_error("kubeconfig " + path + ": " + e.what());
    }
    const std::string context = contextName.empty() && root["current-context"]
                                    ? root["current-context"].as<std::string>()
                                    : contextName;
    const YAML::Node ctx = named(root["contexts"], context);
    if (!ctx || !ctx["context"])
        throw std::runtime_error("kubeconfig " + path + ": no context \"" + context + "\"");
    const YAML::Node cluster = named(root["clusters"], ctx["context"]["cluster"].as<std::string>(""))["cluster"];
    const YAML::Node user = named(root["users"], ctx["context"]["user"].as<std::string>(""))["user"];
    if (!cluster || !cluster["server"])
        throw std::runtime_error("kubeconfig " + path + ": context \"" + context + "\" has no cluster server");
    Target t;
    t.server = cluster["server"].as<std::string>();
    if (cluster["certificate-authority-data"])
        t.caPem = decodeBase64(cluster["certificate-authority-data"].as<std::string>());
    if (cluster["certificate-authority"])
        t.caFile = cluster["certificate-authority"].as<std::string>();
    t.insecure = cluster["insecure-skip-tls-verify"] && cluster["insecure-skip-tls-verify"].as<bool>(false);
    if (!user || !user["token"])
        throw std::runtime_error("kubeconfig " + path + ": user of context \"" + context
                                 + "\" has no token (the chaos API takes the sim's admin token)");
    t.token = user["token"].as<std::string>();
    return t;
}

// Options: "--name value" or "--name=value"; flags listed in `flags` take no value.
struct Args
{
    std::vector<std::string> positional;
    std::map<std::string, std::string> options;
};

std::optional<Args> parseArgs(const std::vector<std::string> &args, const std::set<std::string> &flags, std::string &error)
{
    Args out;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string &a = args[i];
        if (a.rfind("--", 0) != 0 || a.size() == 2) {
            out.positional.push_back(a);
            continue;
        }
        std::string name = a.substr(2);
        if (const auto eq = name.find('='); eq != std::string::npos) {
            out.options[name.substr(0, eq)] = name.substr(eq + 1);
            continue;
        }
        if (flags.count(name)) {
            out.options[name] = "true";
            continue;
        }
        if (i + 1 >= args.size()) {
            error = "--" + name + " needs a value";
            return std::nullopt;
        }
        out.options[name] = args[++i];
    }
    return out;
}

double number(const Args &a, const std::string &name, std::string &error)
{
    const auto it = a.options.find(name);
    if (it == a.options.end()) {
        error = "--" + name + " is required";
        return 0;
    }
    try {
        std::size_t used = 0;
        const double v = std::stod(it->second, &used);
        if (used == it->second.size())
            return v;
    } catch (const std::exception &) {
    }
    error = "--" + name + " wants a number, got '" + it->second + "'";
    return 0;
}

std::string describe(const Json &item)
{
    std::ostringstream line;
    for (const auto &[key, value] : item.items()) {
        if (key == "service" || key == "kind" || key == "id" || key == "action")
            continue;
        line << " " << key << "=" << (value.is_string() ? value.get<std::string>() : value.dump());
    }
    return line.str();
}

} // namespace

std::string ChaosClient::usage()
{
    return "usage: opsdeck-sim chaos [--kubeconfig FILE] [--context NAME] COMMAND\n"
           "  fail-service S --error-rate PERCENT [--track stable|canary]\n"
           "  add-latency S --ms MS [--track stable|canary]\n"
           "  kill-pods S [--track stable|canary] [--count N]\n"
           "  spike-traffic S --factor X\n"
           "  break-canary S\n"
           "  database-down S | database-up S        (S or --service S: the database S's Secret names)\n"
           "  restore-fail S                         (S's next point-in-time restore fails)\n"
           "  sql-throttle [--count N] [--retry-after S] | sql-error [--count N]   (ARM Microsoft.Sql answers 429 / 503)\n"
           "  clear S [fail|latency|spike|break-canary|database-down|restore-fail] | clear --all\n"
           "  status [--json]\n"
           "  telemetry [--service S] [--event NAME] [--limit N]\n"
           "  fault KIND [--path PREFIX] [--resource R] [--verb V] [--count N] [--duration SECONDS] ...\n"
           "       unauthorized | throttle [--retry-after S] | error [--code 500|503] | stall [--seconds N]\n"
           "       | watch-gone [--mode event|http] | drop-watches [--after-events N] | truncate | malformed\n"
           "       | huge [--mb N]\n"
           "  fault list | fault clear [ID | --all]\n"
           "(`opsdeck-sim fault ...` is `opsdeck-sim chaos fault ...`.) The kubeconfig defaults to $KUBECONFIG.\n";
}

int ChaosClient::run(const std::vector<std::string> &all, std::ostream &out, std::ostream &err)
{
    std::vector<std::string> args(all.begin() + (all.empty() ? 0 : 1), all.end());
    if (!all.empty() && all[0] == "fault")
        args.insert(args.begin(), "fault");
    std::string error;
    const auto parsed = parseArgs(args, {"all", "json", "help"}, error);
    if (!parsed) {
        err << "opsdeck-sim chaos: " << error << "\n" << usage();
        return 2;
    }
    const Args &a = *parsed;
    if (a.options.count("help") || a.positional.empty()) {
        (a.positional.empty() && !a.options.count("help") ? err : out) << usage();
        return a.options.count("help") ? 0 : 2;
    }
    const auto opt = [&a](const std::string &name) {
        const auto it = a.options.find(name);
        return it == a.options.end() ? std::string() : it->second;
    };
    const std::string command = a.positional[0];
    const std::string service = a.positional.size() > 1 ? a.positional[1] : opt("service");

    // What to send.
    std::string method = "POST";
    std::string path;
    Json body = Json::object();
    const auto needService = [&]() {
        if (service.empty())
            error = command + " needs a service name";
        return !service.empty();
    };
    if (!opt("track").empty())
        body["track"] = opt("track");
    if (command == "fail-service" && needService()) {
        path = "/_opsdeck/chaos/services/" + service + "/fail";
        body["errorRate"] = number(a, "error-rate", error);
    } else if (command == "add-latency" && needService()) {
        path = "/_opsdeck/chaos/services/" + service + "/latency";
        body["ms"] = number(a, "ms", error);
    } else if (command == "kill-pods" && needService()) {
        path = "/_opsdeck/chaos/services/" + service + "/kill-pods";
        if (a.options.count("count"))
            body["count"] = static_cast<int>(number(a, "count", error));
    } else if (command == "spike-traffic" && needService()) {
        path = "/_opsdeck/chaos/services/" + service + "/spike";
        body["factor"] = number(a, "factor", error);
    } else if ((command == "break-canary" || command == "database-down" || command == "database-up"
                || command == "restore-fail")
               && needService()) {
        path = "/_opsdeck/chaos/services/" + service + "/" + command;
    } else if (command == "sql-throttle" || command == "sql-error") {
        path = "/_opsdeck/azure/sql-faults";
        body = {{"kind", command == "sql-throttle" ? "throttle" : "server-error"}};
        body["count"] = a.options.count("count") ? static_cast<int>(number(a, "count", error)) : 1;
        if (a.options.count("retry-after"))
            body["retryAfterSeconds"] = static_cast<int>(number(a, "retry-after", error));
    } else if (command == "clear") {
        method = "DELETE";
        if (a.options.count("all"))
            path = "/_opsdeck/chaos";
        else if (needService())
            path = "/_opsdeck/chaos/services/" + service + (a.positional.size() > 2 ? "/" + a.positional[2] : "");
    } else if (command == "status") {
        method = "GET";
        path = "/_opsdeck/chaos";
    } else if (command == "telemetry") {
        method = "GET";
        httplib::Params params;
        for (const char *key : {"service", "track", "event", "pipeline", "strategy", "since", "limit"})
            if (!opt(key).empty())
                params.emplace(key, opt(key));
        path = httplib::append_query_params("/_opsdeck/telemetry/polly", params);
    } else if (command == "fault") {
        const std::string kind = a.positional.size() > 1 ? a.positional[1] : std::string();
        if (kind == "list") {
            method = "GET";
            path = "/_opsdeck/chaos/api-faults";
        } else if (kind == "clear") {
            method = "DELETE";
            path = "/_opsdeck/chaos/api-faults" + (a.positional.size() > 2 ? "/" + a.positional[2] : "");
        } else if (kind.empty()) {
            error = "fault needs a kind";
        } else {
            path = "/_opsdeck/chaos/api-faults";
            body = Json::object();
            body["kind"] = kind == "revoke-token" ? "unauthorized" : kind;
            const std::map<std::string, std::string> strings = {
                {"path", "pathPrefix"}, {"resource", "resource"}, {"verb", "verb"}, {"mode", "mode"}};
            for (const auto &[flag, key] : strings)
                if (!opt(flag).empty())
                    body[key] = opt(flag);
            const std::map<std::string, std::string> numbers = {
                {"count", "count"},         {"duration", "durationSeconds"}, {"retry-after", "retryAfterSeconds"},
                {"code", "code"},           {"seconds", "seconds"},          {"after-events", "afterEvents"},
                {"mb", "megabytes"}};
            for (const auto &[flag, key] : numbers)
                if (a.options.count(flag)) {
                    const double v = number(a, flag, error);
                    if (key == "durationSeconds" || key == "seconds" || key == "megabytes")
                        body[key] = v;
                    else
                        body[key] = static_cast<int>(v);
                }
        }
    } else if (error.empty()) {
        error = "unknown command '" + command + "'";
    }
    if (!error.empty()) {
        err << "opsdeck-sim chaos: " << error << "\n" << usage();
        return 2;
    }

    std::string kubeconfig = opt("kubeconfig");
    if (kubeconfig.empty()) {
        const char *env = std::getenv("KUBECONFIG");
        kubeconfig = env ? std::string(env).substr(0, std::string(env).find(':')) : std::string();
    }
    if (kubeconfig.empty()) {
        err << "opsdeck-sim chaos: no kubeconfig: pass --kubeconfig FILE (the sim's --write-kubeconfig)\n";
        return 2;
    }
    Target target;
    try {
        target = readKubeconfig(kubeconfig, opt("context"));
    } catch (const std::exception &e) {
        err << "opsdeck-sim chaos: " << e.what() << "\n";
        return 1;
    }

    httplib::Client client(target.server);
    if (!client.is_valid()) {
        err << "opsdeck-sim chaos: cannot use server " << target.server << "\n";
        return 1;
    }
    client.set_connection_timeout(5, 0);
    client.set_read_timeout(30, 0);
    client.set_bearer_token_auth(target.token.c_str());
    if (target.server.rfind("https://", 0) == 0) {
        client.enable_server_certificate_verification(!target.insecure);
        if (!target.caFile.empty()) {
            client.set_ca_cert_path(target.caFile.c_str());
        } else if (!target.caPem.empty()) {
            X509_STORE *store = X509_STORE_new();
            BIO *bio = BIO_new_mem_buf(target.caPem.data(), static_cast<int>(target.caPem.size()));
            while (X509 *cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
                X509_STORE_add_cert(store, cert);
                X509_free(cert);
            }
            BIO_free(bio);
            client.set_ca_cert_store(store); // the client's SSL context owns it from here
        }
    }
    httplib::Result result = method == "GET"      ? client.Get(path)
                             : method == "DELETE" ? client.Delete(path)
                                                  : client.Post(path, body.dump(), "application/json");
    if (!result) {
        err << "opsdeck-sim chaos: " << target.server << ": " << httplib::to_string(result.error()) << "\n";
        return 1;
    }
    Json reply;
    try {
        reply = Json::parse(result->body);
    } catch (const Json::exception &) {
        reply = Json();
    }
    if (result->status >= 400) {
        err << "opsdeck-sim chaos: HTTP " << result->status << ": "
            << (reply.is_object() ? reply.value("message", result->body) : result->body) << "\n";
        return 1;
    }
    if (a.options.count("json") || !reply.is_object()) {
        out << (reply.is_null() ? result->body : reply.dump(2)) << "\n";
        return 0;
    }
    // Readable summaries.
    if (reply.contains("services") && reply.contains("apiFaults")) {
        if (reply["services"].empty() && reply["apiFaults"].empty())
            out << "no active chaos\n";
        for (const auto &item : reply["services"])
            out << "service " << item.value("service", std::string()) << " " << item.value("kind", std::string())
                << describe(item) << "\n";
        for (const auto &item : reply["apiFaults"])
            out << "fault #" << item.value("id", 0) << " " << item.value("kind", std::string()) << describe(item)
                << "\n";
    } else if (reply.contains("events")) {
        for (const auto &e : reply["events"])
            out << e.value("timestamp", std::string()) << " " << e["tags"].value("event.name", std::string()) << " "
                << e["tags"].value("pipeline.name", std::string()) << "/" << e["tags"].value("pipeline.instance", std::string())
                << " x" << e.value("count", 0) << "\n";
    } else if (reply.contains("action") && !reply.contains("killed")) {
        out << reply.value("service", std::string()) << ": " << reply.value("action", std::string()) << describe(reply)
            << "\n";
    } else if (reply.contains("killed")) {
        for (const auto &name : reply["killed"])
            out << "pod/" << name.get<std::string>() << " deleted\n";
    } else if (reply.contains("kind") && reply.contains("id")) {
        out << "fault #" << reply.value("id", 0) << " " << reply.value("kind", std::string()) << describe(reply) << "\n";
    } else if (reply.contains("items")) {
        if (reply["items"].empty())
            out << "no active API faults\n";
        for (const auto &item : reply["items"])
            out << "fault #" << item.value("id", 0) << " " << item.value("kind", std::string()) << describe(item)
                << "\n";
    } else {
        out << reply.dump() << "\n";
    }
    return 0;
}

} // namespace sim
