#pragma once

// `opsdeck-sim chaos ...` and `opsdeck-sim fault ...`: a small client of the chaos API
// (docs/sim-chaos-api.md) that finds the sim's URL, admin token and CA in a kubeconfig the sim wrote.

#include <ostream>
#include <string>
#include <vector>

namespace sim {

class ChaosClient
{
public:
    // `args` start with "chaos" or "fault". Returns the exit code: 0 done, 1 the sim refused or could not
    // be reached, 2 bad usage.
    static int run(const std::vector<std::string> &args, std::ostream &out, std::ostream &err);
    static std::string usage();
};

} // namespace sim
