#include "commandline.h"

#include <filesystem>

namespace sim {

std::string CommandLine::usage()
{
    return "usage: opsdeck-sim [--scenario FILE] [--listen HOST:PORT] [--plain-http] [--speed X] [--seed N]\n"
           "                   [--write-kubeconfig PATH] [--write-azure-config PATH]\n"
           "       opsdeck-sim chaos --kubeconfig FILE COMMAND ...   (opsdeck-sim chaos --help)\n"
           "       opsdeck-sim fault --kubeconfig FILE KIND ...\n";
}

std::string CommandLine::defaultScenario()
{
    for (const char *dir : {OPSDECK_SIM_SCENARIO_DIR, OPSDECK_SIM_INSTALLED_SCENARIO_DIR}) {
        const std::filesystem::path candidate = std::filesystem::path(dir) / "seed.yaml";
        std::error_code ec;
        if (std::filesystem::is_regular_file(candidate, ec))
            return candidate.string();
    }
    return {};
}

std::optional<CommandLine> CommandLine::parse(const std::vector<std::string> &args, std::string &error)
{
    CommandLine cl;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string flag = args[i];
        std::optional<std::string> inlineValue;
        if (const auto eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
            inlineValue = flag.substr(eq + 1);
            flag = flag.substr(0, eq);
        }
        const auto value = [&]() -> std::optional<std::string> {
            if (inlineValue)
                return inlineValue;
            if (i + 1 >= args.size()) {
                error = flag + " needs a value";
                return std::nullopt;
            }
            return args[++i];
        };
        if (flag == "--help" || flag == "-h") {
            cl.help = true;
        } else if (flag == "--plain-http") {
            cl.plainHttp = true;
        } else if (flag == "--scenario") {
            const auto v = value();
            if (!v)
                return std::nullopt;
            cl.scenario = *v;
        } else if (flag == "--write-kubeconfig") {
            const auto v = value();
            if (!v)
                return std::nullopt;
            cl.kubeconfigPath = *v;
        } else if (flag == "--write-azure-config") {
            const auto v = value();
            if (!v)
                return std::nullopt;
            cl.azureConfigPath = *v;
        } else if (flag == "--listen") {
            const auto v = value();
            if (!v)
                return std::nullopt;
            const auto colon = v->rfind(':');
            if (colon == std::string::npos || colon == 0) {
                error = "--listen wants HOST:PORT, got '" + *v + "'";
                return std::nullopt;
            }
            cl.host = v->substr(0, colon);
            try {
                std::size_t used = 0;
                cl.port = std::stoi(v->substr(colon + 1), &used);
                if (used != v->size() - colon - 1 || cl.port < 0 || cl.port > 65535)
                    throw std::out_of_range(*v);
            } catch (const std::exception &) {
                error = "--listen: bad port in '" + *v + "'";
                return std::nullopt;
            }
        } else if (flag == "--speed") {
            const auto v = value();
            if (!v)
                return std::nullopt;
            try {
                std::size_t used = 0;
                cl.speed = std::stod(*v, &used);
                if (used != v->size() || !(cl.speed > 0) || cl.speed > 1e6)
                    throw std::out_of_range(*v);
            } catch (const std::exception &) {
                error = "--speed wants a positive number, got '" + *v + "'";
                return std::nullopt;
            }
        } else if (flag == "--seed") {
            const auto v = value();
            if (!v)
                return std::nullopt;
            try {
                std::size_t used = 0;
                cl.seed = std::stoull(*v, &used);
                if (used != v->size() || v->front() == '-')
                    throw std::out_of_range(*v);
            } catch (const std::exception &) {
                error = "--seed wants a non-negative integer, got '" + *v + "'";
                return std::nullopt;
            }
        } else {
            error = "unknown option '" + args[i] + "'";
            return std::nullopt;
        }
    }
    return cl;
}

} // namespace sim
