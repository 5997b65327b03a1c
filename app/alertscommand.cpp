#include "alertscommand.h"

#include "alerttablemodel.h"
#include "format.h"
#include "globaloptions.h"
#include "headlessestate.h"
#include "subcommand.h"

#include <QCommandLineParser>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QTimer>

namespace Opsdeck {

namespace {

const QString Command = QStringLiteral("alerts");

QString serviceText(const Alert &alert)
{
    if (alert.service.name.isEmpty())
        return QStringLiteral("(estate)");
    if (alert.service.ns.isEmpty())
        return alert.service.name;
    return alert.service.ns + QLatin1Char('/') + alert.service.name;
}

QString humanTable(const QList<Alert> &alerts, const QDateTime &now)
{
    if (alerts.isEmpty())
        return QObject::tr("No active alerts.\n");
    const QStringList header { QObject::tr("SEVERITY"), QObject::tr("RULE"), QObject::tr("SERVICE"),
                               QObject::tr("SINCE"), QObject::tr("SUMMARY") };
    QList<QStringList> rows { header };
    for (const Alert &a : alerts) {
        QString since
            = Format::rfc3339(a.since) + QStringLiteral(" (") + Format::ago(a.since, now) + QLatin1Char(')');
        QString summary = a.summary;
        summary.replace(QLatin1Char('\n'), QLatin1Char(' '));
        if (!a.acknowledgedBy.isEmpty())
            summary += QObject::tr(" [acknowledged by %1]").arg(a.acknowledgedBy);
        rows << QStringList { toString(a.severity).toUpper(), a.rule, serviceText(a), since, summary };
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
            cells << (i + 1 == row.size() ? row[i] : row[i].leftJustified(widths[i]));
        out += cells.join(QStringLiteral("   ")).trimmed() + QLatin1Char('\n');
    }
    out += QObject::tr("%1 active.\n").arg(AlertTableModel::countText(int(alerts.size())));
    return out;
}

} // namespace

int runAlertsCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Print the active alerts of the estate after one sync: the context's Kubernetes objects and health "
        "reports, "
        "and with --azure-config the Application Insights, Cost Management and Azure SQL sources. Rules that "
        "must "
        "hold for a while (hpa-at-max, pods-not-ready, health-*) count from when the data dates the "
        "condition "
        "(an open circuit breaker's transition); otherwise give them --wait seconds. See docs/alerts.md."));
    parser.addHelpOption();
    GlobalOptions::addTo(parser);
    parser.addOptions({
        QCommandLineOption(
            QStringLiteral("wait"),
            QStringLiteral(
                "After the sync, keep watching this many seconds so rules with a duration can raise "
                "(default 0)."),
            QStringLiteral("SECONDS"), QStringLiteral("0")),
        QCommandLineOption(QStringLiteral("timeout"),
                           QStringLiteral("Give up when the sources have not synced within this many "
                                          "seconds (default 120)."),
                           QStringLiteral("SECONDS"), QStringLiteral("120")),
    });
    const ParsedCommandLine global = parseCommandLine(parser, arguments, Command);
    if (!global)
        return global.error();
    bool ok = false;
    const int waitSeconds = parser.value(QStringLiteral("wait")).toInt(&ok);
    if (!ok || waitSeconds < 0) {
        printDiagnostic(Command, QStringLiteral("--wait must be a number of seconds (0 or more)"));
        return ExitCode::Usage;
    }
    const int timeoutSeconds = parser.value(QStringLiteral("timeout")).toInt(&ok);
    if (!ok || timeoutSeconds <= 0) {
        printDiagnostic(Command, QStringLiteral("--timeout must be a positive number of seconds"));
        return ExitCode::Usage;
    }

    // The sources' own warnings would repeat what the alerts (source-down) say.
    QLoggingCategory::setFilterRules(
        QStringLiteral("opsdeck.*.debug=false\nopsdeck.*.info=false\nopsdeck.*.warning=false"));
    HeadlessEstate estate(*global);
    if (const Result<void> started = estate.start(); !started) {
        printDiagnostic(Command, describeError(started.error()));
        return started.error().kind == ErrorKind::Config ? ExitCode::Usage : ExitCode::Failed;
    }

    QEventLoop loop;
    int exitCode = ExitCode::Done;
    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, &loop, [&] {
        printDiagnostic(Command,
                        QStringLiteral("the sources did not sync within %1 s: %2 (try --timeout)")
                            .arg(timeoutSeconds)
                            .arg(estate.pendingDescription()));
        exitCode = ExitCode::Failed;
        loop.quit();
    });
    QObject::connect(&estate, &HeadlessEstate::failed, &loop, [&](const Error &error) {
        printDiagnostic(Command, describeError(error));
        exitCode = ExitCode::Failed;
        loop.quit();
    });
    QObject::connect(&estate, &HeadlessEstate::synced, &loop, [&] {
        timeout.stop();
        if (waitSeconds == 0) {
            loop.quit();
            return;
        }
        QTimer::singleShot(std::chrono::seconds(waitSeconds), &loop, [&] {
            estate.alerts().refresh();
            loop.quit();
        });
    });
    timeout.start(std::chrono::seconds(timeoutSeconds));
    loop.exec();
    if (exitCode != ExitCode::Done)
        return exitCode;

    QList<Alert> alerts = estate.alerts().active();
    if (!global->ns.isEmpty()) {
        // --namespace narrows the services; estate-wide and budget alerts (no namespace) stay.
        alerts.removeIf(
            [&](const Alert &a) { return !a.service.ns.isEmpty() && a.service.ns != global->ns; });
    }
    if (global->json) {
        QJsonArray array;
        for (const Alert &a : std::as_const(alerts))
            array.append(toJson(a));
        printOut(QString::fromUtf8(QJsonDocument(QJsonObject { { QStringLiteral("alerts"), array } })
                                    .toJson(QJsonDocument::Indented)));
    } else {
        printOut(humanTable(alerts, QDateTime::currentDateTimeUtc()));
    }
    return ExitCode::Done;
}

} // namespace Opsdeck
