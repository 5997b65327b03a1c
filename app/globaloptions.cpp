#include "globaloptions.h"

#include "subcommand.h"

#include <QCommandLineParser>
#include <QFileInfo>

#include <cstdio>

namespace Opsdeck {

void GlobalOptions::addTo(QCommandLineParser &parser)
{
    parser.addOptions({
        QCommandLineOption(QStringLiteral("kubeconfig"), QStringLiteral("Kubeconfig file (else KUBECONFIG, else ~/.kube/config)."),
                           QStringLiteral("FILE")),
        QCommandLineOption(QStringLiteral("context"), QStringLiteral("Kubeconfig context (default: the current one)."),
                           QStringLiteral("NAME")),
        QCommandLineOption(QStringLiteral("namespace"),
                           QStringLiteral("Namespace (default: the context's, else \"default\")."), QStringLiteral("NS")),
        QCommandLineOption(QStringLiteral("azure-config"),
                           QStringLiteral("Azure endpoints and ids (docs/azure-config.md; opsdeck-sim --write-azure-config writes one)."),
                           QStringLiteral("FILE")),
        QCommandLineOption(QStringLiteral("json"), QStringLiteral("Print one JSON document on stdout (CLI.md).")),
    });
}

Result<GlobalOptions> GlobalOptions::read(const QCommandLineParser &parser)
{
    GlobalOptions options;
    options.kubeconfig = parser.value(QStringLiteral("kubeconfig"));
    options.context = parser.value(QStringLiteral("context"));
    options.ns = parser.value(QStringLiteral("namespace"));
    options.azureConfig = parser.value(QStringLiteral("azure-config"));
    options.json = parser.isSet(QStringLiteral("json"));
    for (const QString &file : {options.kubeconfig, options.azureConfig}) {
        if (!file.isEmpty() && !QFileInfo(file).isReadable())
            return makeError(ErrorKind::Config, QStringLiteral("cannot read '%1'").arg(file));
    }
    return options;
}

ParsedCommandLine parseCommandLine(QCommandLineParser &parser, const QStringList &arguments, const QString &command,
                                   bool positionalAllowed)
{
    if (!parser.parse(arguments)) {
        printDiagnostic(command, parser.errorText());
        return tl::unexpected(ExitCode::Usage);
    }
    if (parser.isSet(QStringLiteral("help"))) {
        printOut(parser.helpText());
        return tl::unexpected(ExitCode::Done);
    }
    if (!positionalAllowed && !parser.positionalArguments().isEmpty()) {
        printDiagnostic(command, QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().constFirst()));
        return tl::unexpected(ExitCode::Usage);
    }
    const Result<GlobalOptions> options = GlobalOptions::read(parser);
    if (!options) {
        printDiagnostic(command, options.error().message);
        return tl::unexpected(ExitCode::Usage);
    }
    return *options;
}

void printDiagnostic(const QString &command, const QString &message)
{
    std::fprintf(stderr, "opsdeck %s: %s\n", qPrintable(command), qPrintable(message));
}

void printOut(const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    std::fflush(stdout);
}

QString describeError(const Error &error)
{
    return error.hint.isEmpty() ? error.message : QStringLiteral("%1 (%2)").arg(error.message, error.hint);
}

} // namespace Opsdeck
