#include "azureconfigwriter.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace sim {

namespace {

void writeFile(const std::string &path, const std::string &text, mode_t mode)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        throw std::runtime_error(path + ": " + std::strerror(errno));
    ::fchmod(fd, mode);
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            const std::string why = std::strerror(errno);
            ::close(fd);
            throw std::runtime_error(path + ": " + why);
        }
        done += static_cast<std::size_t>(n);
    }
    if (::close(fd) != 0)
        throw std::runtime_error(path + ": " + std::strerror(errno));
}

} // namespace

nlohmann::json AzureConfigWriter::render(const AzureIdentity &id, const std::string &baseUrl, const std::string &caFile)
{
    nlohmann::json j = {{"authorityHost", baseUrl},
                        {"tenantId", id.tenantId},
                        {"clientId", id.clientId},
                        {"clientSecret", id.clientSecret},
                        {"armEndpoint", baseUrl},
                        {"subscriptionId", id.subscriptionId},
                        {"resourceGroup", id.resourceGroup},
                        {"logAnalyticsEndpoint", baseUrl},
                        {"workspaceId", id.workspaceId},
                        {"appInsightsEndpoint", baseUrl},
                        {"appId", id.appId},
                        {"sqlServer", id.sqlServer},
                        {"sqlLocation", id.sqlLocation}};
    if (!caFile.empty())
        j["caFile"] = caFile;
    return j;
}

void AzureConfigWriter::write(const std::string &path, const nlohmann::json &config, const std::string &caFile,
                              const std::string &caPem)
{
    if (!caPem.empty() && !caFile.empty())
        writeFile(caFile, caPem, 0644);
    writeFile(path, config.dump(2) + "\n", 0600);
}

} // namespace sim
