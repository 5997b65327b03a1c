// opsdeck-sim: the simulated estate behind `opsdeck --demo` and the integration tests (DESIGN §10).
// Prints one ready line on stdout once it serves, then runs until SIGTERM or SIGINT.

#include "apifaults.h"
#include "apiserver.h"
#include "azure/azureapi.h"
#include "azure/azureconfigwriter.h"
#include "authorizer.h"
#include "certificateauthority.h"
#include "chaosapi.h"
#include "chaosclient.h"
#include "commandline.h"
#include "kubeconfigwriter.h"
#include "objectstore.h"
#include "resourceregistry.h"
#include "simulation.h"
#include "virtualclock.h"

#include <csignal>
#include <filesystem>
#include <cstdio>
#include <iostream>
#include <pthread.h>
#include <thread>

int main(int argc, char **argv)
{
    if (argc > 1 && (std::string(argv[1]) == "chaos" || std::string(argv[1]) == "fault"))
        return sim::ChaosClient::run(std::vector<std::string>(argv + 1, argv + argc), std::cout, std::cerr);

    std::string error;
    const auto cl = sim::CommandLine::parse(std::vector<std::string>(argv + 1, argv + argc), error);
    if (!cl) {
        std::cerr << "opsdeck-sim: " << error << "\n" << sim::CommandLine::usage();
        return 2;
    }
    if (cl->help) {
        std::cout << sim::CommandLine::usage();
        return 0;
    }
    const std::string scenario = cl->scenario.empty() ? sim::CommandLine::defaultScenario() : cl->scenario;
    if (scenario.empty()) {
        std::cerr << "opsdeck-sim: no scenario given and seed.yaml not found in " OPSDECK_SIM_SCENARIO_DIR
                     " or " OPSDECK_SIM_INSTALLED_SCENARIO_DIR "; pass --scenario FILE\n";
        return 2;
    }

    // Signals are taken by one thread with sigwait, so every other thread (pool, controllers) runs
    // with them blocked and shutdown happens in ordinary code, not in a handler.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    sim::VirtualClock clock(cl->speed);
    sim::ObjectStore store([&clock] { return clock.now(); });
    sim::registerKubernetesTypes(store);
    sim::Simulation simulation(store, clock, {scenario, cl->speed, cl->seed});
    try {
        simulation.load();
    } catch (const std::exception &e) {
        std::cerr << "opsdeck-sim: " << e.what() << "\n";
        return 2;
    }

    std::unique_ptr<sim::CertificateAuthority> ca;
    try {
        if (!cl->plainHttp)
            ca = std::make_unique<sim::CertificateAuthority>();
    } catch (const std::exception &e) {
        std::cerr << "opsdeck-sim: " << e.what() << "\n";
        return 1;
    }
    const sim::Authorizer authorizer;
    sim::ApiServerOptions options;
    options.host = cl->host;
    options.port = cl->port;
    sim::ApiServer server(store, authorizer, [&clock] { return clock.now(); }, options, ca.get());
    sim::ApiFaults faults;
    sim::ChaosApi chaos(simulation, faults, authorizer);
    chaos.install(server);
    sim::AzureApi azure(simulation, authorizer, sim::AzureIdentity::generate(cl->seed), [&server] { return server.url(); },
                        [&clock] { return clock.now(); });
    azure.install(server);
    if (server.bind() < 0) {
        std::cerr << "opsdeck-sim: cannot listen on " << cl->host << ":" << cl->port << "\n";
        return 2;
    }
    if (!cl->kubeconfigPath.empty()) {
        try {
            sim::KubeconfigWriter::write(cl->kubeconfigPath, {server.url(), ca ? ca->caPem() : std::string(),
                                                              authorizer.adminToken(), authorizer.viewerToken(),
                                                              simulation.namespaceName().empty()
                                                                  ? std::string("microservices")
                                                                  : simulation.namespaceName()});
        } catch (const std::exception &e) {
            std::cerr << "opsdeck-sim: " << e.what() << "\n";
            return 2;
        }
    }

    if (!cl->azureConfigPath.empty()) {
        try {
            // Absolute: clients read the file from wherever they run.
            const std::string caFile = ca ? std::filesystem::absolute(cl->azureConfigPath + ".ca.crt").string() : std::string();
            sim::AzureConfigWriter::write(cl->azureConfigPath,
                                          sim::AzureConfigWriter::render(azure.identity(), server.url(), caFile), caFile,
                                          ca ? ca->caPem() : std::string());
        } catch (const std::exception &e) {
            std::cerr << "opsdeck-sim: " << e.what() << "\n";
            return 2;
        }
    }

    std::thread signalWaiter([&] {
        int received = 0;
        sigwait(&signals, &received);
        store.shutdown(); // wakes every watch
        faults.shutdown(); // and every stalled request
        server.stop();
    });

    simulation.start();
    std::printf("opsdeck-sim ready url=%s kubeconfig=%s\n", server.url().c_str(),
                cl->kubeconfigPath.empty() ? "-" : cl->kubeconfigPath.c_str());
    std::fflush(stdout);
    server.run();

    simulation.stop();
    if (signalWaiter.joinable()) {
        // run() also returns if listening fails; make sure the waiter ends.
        pthread_kill(signalWaiter.native_handle(), SIGTERM);
        signalWaiter.join();
    }
    return 0;
}
