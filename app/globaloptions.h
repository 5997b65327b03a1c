#pragma once

// The options every command shares (CLI.md "Conventions"): --kubeconfig, --context, --namespace,
// --azure-config and --json. A command adds them to its parser, then reads and checks them in one go.

#include "error.h"

#include <QString>

class QCommandLineParser;

namespace Opsdeck {

struct GlobalOptions
{
    QString kubeconfig;  // empty: KUBECONFIG, else ~/.kube/config (KubeconfigLoader decides)
    QString context;     // empty: the kubeconfig's current context
    QString ns;          // empty: the context's namespace, else "default"
    QString azureConfig; // empty: none given
    bool json = false;

    static void addTo(QCommandLineParser &parser);
    // Usage errors (unreadable files) come back as Error{Config}: the command exits 2.
    static Result<GlobalOptions> read(const QCommandLineParser &parser);
};

// Prints `opsdeck NAME: message` on stderr, one line (CLI.md: diagnostics on stderr).
void printDiagnostic(const QString &command, const QString &message);

} // namespace Opsdeck
