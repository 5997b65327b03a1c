#include "costscommand.h"

#include "azure/azureconfig.h"
#include "costformat.h"
#include "coststore.h"
#include "datasourcefactory.h"
#include "globaloptions.h"
#include "pluginloader.h"
#include "subcommand.h"

#include <QCommandLineParser>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QTimer>

namespace Opsdeck {

namespace {

const QString Command = QStringLiteral("costs");

QString humanTable(const CostStore &store)
{
    const QStringList header{QObject::tr("SERVICE"), QObject::tr("MONTH TO DATE"), QObject::tr("LAST MONTH (SAME DAYS)"), QObject::tr("CHANGE"),
                             QObject::tr("FORECAST"), QObject::tr("BUDGET"), QObject::tr("USED")};
    QList<QStringList> rows{header};
    for (const CostLine &l : store.lines()) {
        rows << QStringList{l.service,
                            CostFormat::money(l.monthToDate, l.currency),
                            CostFormat::money(l.lastMonthSamePeriod, l.currency),
                            CostFormat::change(l.changePercent),
                            CostFormat::money(l.forecast, l.currency),
                            l.budget ? CostFormat::money(l.budget, l.currency) : QStringLiteral("—"),
                            CostFormat::percent(l.budgetUsedPercent)};
    }
    QList<qsizetype> widths(header.size(), 0);
    for (const QStringList &row : rows) {
        for (qsizetype i = 0; i < row.size(); ++i)
            widths[i] = qMax(widths[i], row[i].size());
    }
    QString out;
    for (const QStringList &row : rows) {
        QStringList cells;
        for (qsizetype i = 0; i < row.size(); ++i)
            cells << (i == 0 ? row[i].leftJustified(widths[i]) : row[i].rightJustified(widths[i]));
        out += cells.join(QStringLiteral("   ")).trimmed() + QLatin1Char('\n');
    }
    out += QObject::tr("Scope %1, %2 as of %3; total %4.\n")
               .arg(store.scope(), QObject::tr("month to date"), store.asOf().toString(Qt::ISODate),
                    CostFormat::money(store.totalMonthToDate(), store.currency()));
    for (const CostAlert &alert : store.alerts())
        out += QStringLiteral("%1: %2\n").arg(toString(alert.severity), alert.summary);
    return out;
}

} // namespace

int runCostsCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Print the cost per Service tag of an Azure scope (Cost Management), with "
                                                    "last month's same days, the forecast to month end and budgets."));
    parser.addHelpOption();
    GlobalOptions::addTo(parser);
    parser.addOptions({
        QCommandLineOption(QStringLiteral("scope"),
                           QStringLiteral("A resource group's name or a full scope (/subscriptions/ID[/resourceGroups/RG]); "
                                          "default: the config's subscription."),
                           QStringLiteral("S")),
        QCommandLineOption(QStringLiteral("period"), QStringLiteral("mtd (month to date, default) or last-month."), QStringLiteral("P"),
                           QStringLiteral("mtd")),
        QCommandLineOption(QStringLiteral("csv"),
                           QStringLiteral("CSV: service,monthToDate,lastMonth,forecast,budget,budgetUsedPercent,currency (plain numbers).")),
        QCommandLineOption(QStringLiteral("timeout"), QStringLiteral("Give up after this many seconds (default 300)."), QStringLiteral("S"),
                           QStringLiteral("300")),
    });
    const ParsedCommandLine global = parseCommandLine(parser, arguments, Command);
    if (!global)
        return global.error();
    const QString period = parser.value(QStringLiteral("period"));
    if (period != QLatin1String("mtd") && period != QLatin1String("last-month")) {
        printDiagnostic(Command, QStringLiteral("--period must be mtd or last-month, not '%1'").arg(period));
        return ExitCode::Usage;
    }
    bool timeoutOk = false;
    const int timeoutSeconds = parser.value(QStringLiteral("timeout")).toInt(&timeoutOk);
    if (!timeoutOk || timeoutSeconds <= 0) {
        printDiagnostic(Command, QStringLiteral("--timeout must be a positive number of seconds"));
        return ExitCode::Usage;
    }
    if (parser.isSet(QStringLiteral("csv")) && global->json) {
        printDiagnostic(Command, QStringLiteral("--csv and --json exclude each other"));
        return ExitCode::Usage;
    }
    if (global->azureConfig.isEmpty()) {
        printDiagnostic(Command, QStringLiteral("no Azure config: give --azure-config FILE (opsdeck-sim --write-azure-config writes one)"));
        return ExitCode::Usage;
    }
    const Result<AzureConfig> config = AzureConfig::load(global->azureConfig);
    if (!config) {
        printDiagnostic(Command, toString(config.error()));
        return ExitCode::Usage;
    }

    // The source's own warnings would repeat the one diagnostic line this command prints.
    QLoggingCategory::setFilterRules(QStringLiteral("opsdeck.costmanagement.warning=false"));
    PluginLoader plugins;
    plugins.load();
    DataSourceFactory *factory = plugins.sourceFactory(QStringLiteral("costmanagement"));
    if (!factory) {
        printDiagnostic(Command, QStringLiteral("the costmanagement plugin was not found (searched %1); set OPSDECK_PLUGIN_PATH to "
                                                "the folder holding libopsdeck-costmanagement.so")
                                     .arg(plugins.searchPaths().join(QStringLiteral(", "))));
        return ExitCode::Failed;
    }
    QVariantMap settings = config->toSettings();
    settings.insert(QStringLiteral("scope"), parser.value(QStringLiteral("scope")));
    settings.insert(QStringLiteral("period"), period);
    settings.insert(QStringLiteral("cacheFile"), QString()); // a one-shot wants today's figures, not the cache's
    std::unique_ptr<DataSource> source = factory->createSource();
    if (const Result<void> configured = source->configure(SourceConfig{QStringLiteral("costmanagement"), settings}); !configured) {
        printDiagnostic(Command, toString(configured.error()));
        return ExitCode::Usage;
    }

    CostStore store;
    QEventLoop loop;
    int exitCode = ExitCode::Failed;
    bool fresh = false;
    QObject::connect(source.get(), &DataSource::observationsReady, &loop, [&](const ObservationBatch &batch) {
        store.apply(batch);
        fresh = store.hasData() && !store.isCached();
    });
    QObject::connect(source.get(), &DataSource::statusChanged, &loop, [&](const SourceStatus &status) {
        if (status.state == SourceStatus::State::Down) {
            printDiagnostic(Command, status.error ? toString(*status.error) : QStringLiteral("Cost Management could not be read"));
            exitCode = status.error && (status.error->kind == ErrorKind::Forbidden || status.error->kind == ErrorKind::Unauthorized)
                ? ExitCode::Refused
                : ExitCode::Failed;
            loop.quit();
        } else if (fresh && (status.state == SourceStatus::State::Ok || status.state == SourceStatus::State::Degraded)) {
            if (status.state == SourceStatus::State::Degraded && status.error)
                printDiagnostic(Command, QStringLiteral("partial figures: %1").arg(toString(*status.error)));
            exitCode = ExitCode::Done;
            loop.quit();
        }
    });
    QTimer::singleShot(std::chrono::seconds(timeoutSeconds), &loop, [&] {
        printDiagnostic(Command, QStringLiteral("no answer from Cost Management within %1 s (try --timeout)").arg(timeoutSeconds));
        exitCode = ExitCode::Failed;
        loop.quit();
    });
    QTimer::singleShot(0, source.get(), &DataSource::start);
    loop.exec();
    source->stop();
    if (exitCode != ExitCode::Done)
        return exitCode;

    if (parser.isSet(QStringLiteral("csv"))) {
        printOut(store.csv());
    } else if (global->json) {
        QJsonObject root{{QStringLiteral("contexts"), QJsonArray()}};
        store.addToSnapshot(root);
        printOut(QString::fromUtf8(QJsonDocument(root.value(QStringLiteral("costs")).toObject()).toJson(QJsonDocument::Indented)));
    } else {
        printOut(humanTable(store));
    }
    return ExitCode::Done;
}

} // namespace Opsdeck
