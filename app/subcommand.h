#pragma once

// A headless command, `opsdeck NAME …` (CLI.md): act, journal, costs, alerts, rca, drill. Each lives in
// its own file pair and is listed once in subcommands.cpp; main() picks it by the first argument and
// runs it inside a QCoreApplication (a QGuiApplication on the offscreen platform when it renders, e.g.
// a PDF), so none of them needs a display.

#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace Opsdeck {

// Exit statuses shared by every command (CLI.md "Conventions").
namespace ExitCode {
constexpr int Done = 0;
constexpr int Failed = 1;  // the API or the network said no, after retries
constexpr int Usage = 2;   // bad flag, bad value, unreadable file
constexpr int Refused = 3; // forbidden, conflict, out of range, no --yes, precondition not met
} // namespace ExitCode

struct Subcommand
{
    QString name;
    QString summary; // one line for `opsdeck --help`
    // `arguments` starts with "opsdeck NAME" (for QCommandLineParser) followed by the command's own.
    // Runs with the application object already made; may spin event loops; returns the exit status.
    std::function<int(const QStringList &arguments)> run;
    bool needsGui = false;
};

// Every command, in the order `opsdeck --help` lists them.
QList<Subcommand> subcommands();
const Subcommand *findSubcommand(const QString &name);

} // namespace Opsdeck
