#pragma once

// opsdeck's command line (CLI.md): parsed without a QCoreApplication so main() can choose a headless
// or a GUI application from it.

#include <QString>
#include <QStringList>

namespace Opsdeck {

struct Options
{
    bool demo = false;
    bool readOnly = false;
    bool allowChaos = false; // --allow-chaos: the Drills panel against a (non-demo) opsdeck-sim
    bool warRoom = false;    // --war-room: start in war-room mode (full screen)
    QString kubeconfig;
    QStringList contexts; // --context, repeatable or comma-separated; empty: the current context
    int syncTimeoutSeconds = 60; // --snapshot/--screenshot give up when not synced by then
    QString screenshot; // FILE.png: render the window after the first connection, then exit
    QString snapshot;   // FILE.json: headless, write the estate's snapshot, then exit
    QString azureConfig; // --azure-config FILE (docs/azure-config.md); --demo makes its own
    bool printQueries = false; // --print-queries: print the telemetry KQL and exit (app/printqueries.h)
    QString queryDialect;      // --dialect workspace|classic (default workspace)
    QStringList queryServices; // --service NAME, repeatable or comma-separated; empty: every service
    QString queryWindow;       // --window 15m|1h|6h|24h; empty: all four

    bool headless() const { return !snapshot.isEmpty(); }
};

struct CommandLine
{
    Options options;
    bool exitNow = false; // --help, --version or a usage error
    int exitCode = 0;
    QString output;       // for stdout (help, version) when exitCode is 0, else for stderr

    static CommandLine parse(const QStringList &arguments);
};

} // namespace Opsdeck
