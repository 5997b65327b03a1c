#include "globaloptions.h"

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

void printDiagnostic(const QString &command, const QString &message)
{
    std::fprintf(stderr, "opsdeck %s: %s\n", qPrintable(command), qPrintable(message));
}

} // namespace Opsdeck
