#pragma once

// Writes the kubeconfig that points kubectl, client-node and Opsdeck at this sim: one cluster, users
// `admin` and `viewer` with their bearer tokens, contexts `opsdeck-sim` (current, namespace
// microservices) and `opsdeck-sim-viewer`. The CA goes inline and, as PEM, next to the file.

#include <string>

namespace sim {

struct KubeconfigContent
{
    std::string serverUrl;
    std::string caPem; // empty for --plain-http
    std::string adminToken;
    std::string viewerToken;
    std::string namespaceName = "microservices";
};

class KubeconfigWriter
{
public:
    static std::string render(const KubeconfigContent &content);
    // Writes `path` (mode 0600: it holds tokens) and, with TLS, `path + ".ca.crt"`. Throws
    // std::runtime_error naming the file on failure.
    static void write(const std::string &path, const KubeconfigContent &content);
    static std::string caPath(const std::string &kubeconfigPath) { return kubeconfigPath + ".ca.crt"; }
};

} // namespace sim
