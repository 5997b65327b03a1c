#include "commandline.h"

#include "subcommand.h"

#include <QCommandLineParser>
#include <QFileInfo>

namespace Opsdeck {

CommandLine CommandLine::parse(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Opsdeck: an operations dashboard for Kubernetes and Azure microservice estates."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help and exit."));
    const QCommandLineOption version(QStringLiteral("version"), QStringLiteral("Show the version and exit."));
    const QCommandLineOption demo(QStringLiteral("demo"),
                                  QStringLiteral("Start the simulated estate (opsdeck-sim) and connect to it."));
    const QCommandLineOption kubeconfig(QStringLiteral("kubeconfig"),
                                        QStringLiteral("Kubeconfig file (else KUBECONFIG, else ~/.kube/config)."),
                                        QStringLiteral("FILE"));
    const QCommandLineOption context(QStringLiteral("context"),
                                     QStringLiteral("Kubeconfig context to watch; repeat it or separate names with commas "
                                                    "to watch several side by side (default: the current context)."),
                                     QStringLiteral("NAME"));
    const QCommandLineOption syncTimeout(QStringLiteral("sync-timeout"),
                                         QStringLiteral("With --snapshot or --screenshot: fail when the sources have not "
                                                        "synced within SECONDS (default 60)."),
                                         QStringLiteral("SECONDS"), QStringLiteral("60"));
    const QCommandLineOption readOnly(QStringLiteral("read-only"), QStringLiteral("Hide every action."));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QStringLiteral("Render the main window to FILE.png after connecting, then exit."),
                                        QStringLiteral("FILE.png"));
    const QCommandLineOption azureConfig(QStringLiteral("azure-config"),
                                         QStringLiteral("Azure endpoints and ids to watch (docs/azure-config.md)."),
                                         QStringLiteral("FILE"));
    const QCommandLineOption snapshot(QStringLiteral("snapshot"),
                                      QStringLiteral("Connect without a window, write the estate as JSON to FILE, then exit."),
                                      QStringLiteral("FILE.json"));
    const QCommandLineOption printQueries(QStringLiteral("print-queries"),
                                          QStringLiteral("Print every Application Insights query Opsdeck sends, "
                                                         "separated by lines holding only ----, then exit."));
    const QCommandLineOption dialect(QStringLiteral("dialect"),
                                     QStringLiteral("With --print-queries: workspace (default) or classic tables."),
                                     QStringLiteral("workspace|classic"));
    const QCommandLineOption service(QStringLiteral("service"),
                                     QStringLiteral("With --print-queries: only this service (repeatable)."),
                                     QStringLiteral("NAME"));
    const QCommandLineOption window(QStringLiteral("window"),
                                    QStringLiteral("With --print-queries: only this window (default: all four)."),
                                    QStringLiteral("15m|1h|6h|24h"));
    const QCommandLineOption allowChaos(QStringLiteral("allow-chaos"),
                                        QStringLiteral("Offer the Drills panel (View → Drills), which injects faults through "
                                                       "opsdeck-sim's chaos API; only against an opsdeck-sim (--demo implies it)."));
    parser.addOption(allowChaos);
    const QCommandLineOption warRoom(QStringLiteral("war-room"),
                                     QStringLiteral("Start in war-room mode: full screen, large type, services with alerts "
                                                    "first, the timeline below (Esc leaves to the main window)."));
    parser.addOption(warRoom);
    parser.addOptions({help, version, demo, kubeconfig, context, readOnly, screenshot, snapshot, syncTimeout, azureConfig,
                       printQueries, dialect, service, window});

    CommandLine result;
    const auto usage = [&result](const QString &message) {
        result.exitNow = true;
        result.exitCode = 2;
        result.output = QStringLiteral("opsdeck: %1 (see opsdeck --help)").arg(message);
        return result;
    };
    if (!parser.parse(arguments))
        return usage(parser.errorText());
    if (!parser.positionalArguments().isEmpty())
        return usage(QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().constFirst()));
    if (parser.isSet(help)) {
        result.exitNow = true;
        // helpText() names the executable from QCoreApplication, which does not exist yet.
        result.output = parser.helpText().replace(QStringLiteral("<executable_name>"), QStringLiteral("opsdeck"));
        const QList<Subcommand> commands = subcommands();
        if (!commands.isEmpty()) {
            result.output += QStringLiteral("\nCommands (opsdeck COMMAND --help for each):\n");
            for (const Subcommand &command : commands)
                result.output += QStringLiteral("  %1  %2\n").arg(command.name, -10).arg(command.summary);
        }
        return result;
    }
    if (parser.isSet(version)) {
        result.exitNow = true;
        result.output = QStringLiteral("opsdeck " OPSDECK_VERSION "\n");
        return result;
    }

    Options &o = result.options;
    o.demo = parser.isSet(demo);
    o.warRoom = parser.isSet(warRoom);
    o.allowChaos = parser.isSet(allowChaos);
    o.readOnly = parser.isSet(readOnly);
    o.kubeconfig = parser.value(kubeconfig);
    for (const QString &value : parser.values(context)) {
        for (const QString &name : value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            if (!o.contexts.contains(name.trimmed()))
                o.contexts.append(name.trimmed());
        }
    }
    bool timeoutOk = false;
    o.syncTimeoutSeconds = parser.value(syncTimeout).toInt(&timeoutOk);
    if (!timeoutOk || o.syncTimeoutSeconds <= 0)
        return usage(QStringLiteral("--sync-timeout needs a positive number of seconds, got '%1'").arg(parser.value(syncTimeout)));
    o.screenshot = parser.value(screenshot);
    o.snapshot = parser.value(snapshot);
    o.azureConfig = parser.value(azureConfig);
    o.printQueries = parser.isSet(printQueries);
    o.queryDialect = parser.value(dialect);
    for (const QString &value : parser.values(service))
        for (const QString &name : value.split(QLatin1Char(','), Qt::SkipEmptyParts))
            o.queryServices.append(name.trimmed());
    o.queryWindow = parser.value(window);
    if (!o.printQueries && (parser.isSet(dialect) || parser.isSet(service) || parser.isSet(window)))
        return usage(QStringLiteral("--dialect, --service and --window go with --print-queries"));
    if (!o.azureConfig.isEmpty() && !QFileInfo(o.azureConfig).isReadable())
        return usage(QStringLiteral("cannot read Azure config '%1'").arg(o.azureConfig));
    if (o.demo && !o.azureConfig.isEmpty())
        return usage(QStringLiteral("--demo writes its own Azure config; do not combine it with --azure-config"));
    if (o.demo && !o.kubeconfig.isEmpty())
        return usage(QStringLiteral("--demo writes its own kubeconfig; do not combine it with --kubeconfig"));
    if (!o.screenshot.isEmpty() && !o.snapshot.isEmpty())
        return usage(QStringLiteral("--screenshot and --snapshot exclude each other"));
    if (!o.screenshot.isEmpty() && !o.screenshot.endsWith(QLatin1String(".png"), Qt::CaseInsensitive))
        return usage(QStringLiteral("--screenshot needs a .png file name, got '%1'").arg(o.screenshot));
    if (!o.kubeconfig.isEmpty() && !QFileInfo(o.kubeconfig).isReadable())
        return usage(QStringLiteral("cannot read kubeconfig '%1'").arg(o.kubeconfig));
    return result;
}

} // namespace Opsdeck
