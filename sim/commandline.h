#pragma once

// opsdeck-sim's command line:
//   opsdeck-sim [--scenario FILE] [--listen HOST:PORT] [--plain-http] [--speed X] [--seed N]
//               [--write-kubeconfig PATH] [--write-azure-config PATH]

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sim {

struct CommandLine
{
    std::string scenario;   // empty: the default seed scenario
    std::string host = "127.0.0.1";
    int port = 0;
    bool plainHttp = false;
    double speed = 1.0;
    std::uint64_t seed = 1;
    std::string kubeconfigPath; // empty: none written
    std::string azureConfigPath; // empty: none written (docs/sim-azure.md)
    bool help = false;

    // nullopt and `error` set on a bad flag or value.
    static std::optional<CommandLine> parse(const std::vector<std::string> &args, std::string &error);
    static std::string usage();
    // The default scenario: the source tree's sim/scenarios/seed.yaml, else the installed one.
    static std::string defaultScenario();
};

} // namespace sim
