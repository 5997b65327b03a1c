#pragma once

// The options every command shares (CLI.md "Conventions"): --kubeconfig, --context, --namespace,
// --azure-config and --json. A command adds them to its parser, then reads and checks them in one go.

#include "error.h"

#include <QString>

#include <tl/expected.hpp>

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

// What parsing a command line came to: the global options, or the exit code to end with now.
using ParsedCommandLine = tl::expected<GlobalOptions, int>;

// The start every command shares: parses `arguments` (GlobalOptions::addTo(parser) done), answers --help
// on stdout (exit Done), and refuses what does not parse, stray positional arguments (unless
// `positionalAllowed`: the command checks its own) and unreadable files with a diagnostic (exit Usage).
ParsedCommandLine parseCommandLine(QCommandLineParser &parser, const QStringList &arguments, const QString &command,
                                   bool positionalAllowed = false);

// Prints `opsdeck NAME: message` on stderr, one line (CLI.md: diagnostics on stderr).
void printDiagnostic(const QString &command, const QString &message);
// Human output on stdout, as UTF-8, flushed (a pipe reads it at once).
void printOut(const QString &text);
// An error for people: its message, then what to do about it.
QString describeError(const Error &error);

} // namespace Opsdeck
