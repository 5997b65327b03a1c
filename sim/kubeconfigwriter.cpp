#include "kubeconfigwriter.h"

#include <openssl/evp.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <sys/stat.h>

namespace sim {

namespace {

std::string base64(const std::string &data)
{
    std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char *>(out.data()),
                                  reinterpret_cast<const unsigned char *>(data.data()), static_cast<int>(data.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

void writeFile(const std::string &path, const std::string &text, mode_t mode)
{
    {
        std::ofstream file(path, std::ios::binary | std::ios::trunc);
        if (!file)
            throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
        file << text;
        if (!file.flush())
            throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
    }
    ::chmod(path.c_str(), mode);
}

} // namespace

std::string KubeconfigWriter::render(const KubeconfigContent &c)
{
    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "apiVersion" << YAML::Value << "v1";
    out << YAML::Key << "kind" << YAML::Value << "Config";
    out << YAML::Key << "preferences" << YAML::Value << YAML::BeginMap << YAML::EndMap;
    out << YAML::Key << "current-context" << YAML::Value << "opsdeck-sim";

    out << YAML::Key << "clusters" << YAML::Value << YAML::BeginSeq;
    out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << "opsdeck-sim";
    out << YAML::Key << "cluster" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "server" << YAML::Value << c.serverUrl;
    if (!c.caPem.empty())
        out << YAML::Key << "certificate-authority-data" << YAML::Value << base64(c.caPem);
    out << YAML::EndMap << YAML::EndMap << YAML::EndSeq;

    out << YAML::Key << "users" << YAML::Value << YAML::BeginSeq;
    for (const auto &[name, token] : {std::pair{"admin", c.adminToken}, std::pair{"viewer", c.viewerToken}}) {
        out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << name;
        out << YAML::Key << "user" << YAML::Value << YAML::BeginMap << YAML::Key << "token" << YAML::Value << token
            << YAML::EndMap << YAML::EndMap;
    }
    out << YAML::EndSeq;

    out << YAML::Key << "contexts" << YAML::Value << YAML::BeginSeq;
    for (const auto &[name, user] : {std::pair{"opsdeck-sim", "admin"}, std::pair{"opsdeck-sim-viewer", "viewer"}}) {
        out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << name;
        out << YAML::Key << "context" << YAML::Value << YAML::BeginMap;
        out << YAML::Key << "cluster" << YAML::Value << "opsdeck-sim";
        out << YAML::Key << "user" << YAML::Value << user;
        out << YAML::Key << "namespace" << YAML::Value << c.namespaceName;
        out << YAML::EndMap << YAML::EndMap;
    }
    out << YAML::EndSeq;
    out << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
}

void KubeconfigWriter::write(const std::string &path, const KubeconfigContent &content)
{
    writeFile(path, render(content), 0600);
    if (!content.caPem.empty())
        writeFile(caPath(path), content.caPem, 0644);
}

} // namespace sim
