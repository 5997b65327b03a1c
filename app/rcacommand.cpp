#include "rcacommand.h"

#include "globaloptions.h"
#include "headlessestate.h"
#include "journal.h"
#include "journalcommand.h"
#include "rcamarkdown.h"
#include "rcapdfwriter.h"
#include "rcareport.h"
#include "rcasource.h"
#include "subcommand.h"
#include "timelinebuilder.h"

#include <QCommandLineParser>
#include <QEventLoop>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QSaveFile>
#include <QTimeZone>
#include <QTimer>

#include <cstdio>
#include <optional>

namespace Opsdeck {

namespace {

const QString Command = QStringLiteral("rca");

// RFC 3339 / ISO 8601 ("2026-11-26T08:00:00Z", "…+01:00", "2026-11-26T08:00"); without an offset the time
// is UTC, like every time Opsdeck prints.
std::optional<QDateTime> parseTime(const QString &text)
{
    QDateTime time = QDateTime::fromString(text.trimmed(), Qt::ISODateWithMs);
    if (!time.isValid())
        time = QDateTime::fromString(text.trimmed(), Qt::ISODate);
    if (!time.isValid())
        return std::nullopt;
    if (time.timeSpec() == Qt::LocalTime)
        time = QDateTime(time.date(), time.time(), QTimeZone::utc());
    return time.toUTC();
}

// The cluster's Kubernetes Events (it keeps about an hour of them) as timeline entries, after one sync
// of the estate (HeadlessEstate: the kubernetes source of the context).
Result<QList<TimelineEntry>> clusterEvents(const GlobalOptions &options, int timeoutSeconds)
{
    // The sources' own warnings would only repeat the one line this command prints.
    QLoggingCategory::setFilterRules(
        QStringLiteral("opsdeck.*.debug=false\nopsdeck.*.info=false\nopsdeck.*.warning=false"));
    HeadlessEstate estate(options);
    if (const Result<void> started = estate.start(); !started)
        return tl::unexpected(started.error());
    QEventLoop loop;
    std::optional<Error> failure;
    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, &loop, [&] {
        failure = Error { ErrorKind::Timeout,
                          QStringLiteral("the cluster did not sync within %1 s: %2")
                              .arg(timeoutSeconds)
                              .arg(estate.pendingDescription()),
                          QStringLiteral("Raise --timeout."),
                          {} };
        loop.quit();
    });
    QObject::connect(&estate, &HeadlessEstate::failed, &loop, [&](const Error &error) {
        failure = error;
        loop.quit();
    });
    QObject::connect(&estate, &HeadlessEstate::synced, &loop, &QEventLoop::quit);
    timeout.start(std::chrono::seconds(timeoutSeconds));
    loop.exec();
    if (failure)
        return tl::unexpected(*failure);
    QList<TimelineEntry> entries;
    const ServiceStore &store = estate.store();
    for (int row = 0; row < store.serviceCount(); ++row) {
        const ServiceKey key = store.serviceAt(row).key;
        entries += TimelineBuilder::fromEvents(store.events(key), key);
    }
    return entries;
}

} // namespace

int runRcaCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Write the root-cause analysis of a time window (Markdown or PDF), prefilled from the "
        "journal, the alert log and the drill runs; fields for people are marked \"To be written\"."));
    parser.addHelpOption();
    GlobalOptions::addTo(parser);
    parser.addOptions({
        QCommandLineOption(QStringLiteral("from"),
                           QStringLiteral("Start of the window, ISO 8601 (UTC when no offset is given)."),
                           QStringLiteral("TIME")),
        QCommandLineOption(QStringLiteral("to"),
                           QStringLiteral("End of the window, ISO 8601 (UTC when no offset is given)."),
                           QStringLiteral("TIME")),
        QCommandLineOption(QStringLiteral("format"),
                           QStringLiteral("md or pdf (default: from the output file's extension)."),
                           QStringLiteral("FORMAT")),
        QCommandLineOption(QStringLiteral("output"),
                           QStringLiteral("The file to write; - writes Markdown to standard output."),
                           QStringLiteral("FILE")),
        QCommandLineOption(
            QStringLiteral("events"),
            QStringLiteral("Also read the cluster's Kubernetes Events (--kubeconfig, --context); waits "
                           "for one sync. Left out, with a warning, when the cluster does not answer.")),
        QCommandLineOption(QStringLiteral("timeout"),
                           QStringLiteral("With --events: how long to wait for the cluster (default 60)."),
                           QStringLiteral("SECONDS"), QStringLiteral("60")),
        QCommandLineOption(
            QStringLiteral("title"),
            QStringLiteral("The report's title (default: the affected services and the start)."),
            QStringLiteral("TEXT")),
    });
    const ParsedCommandLine options = parseCommandLine(parser, arguments, Command);
    if (!options)
        return options.error();

    for (const QString &required :
         { QStringLiteral("from"), QStringLiteral("to"), QStringLiteral("output") }) {
        if (!parser.isSet(required)) {
            printDiagnostic(Command,
                            QStringLiteral("--%1 is required (opsdeck rca --from ISO8601 --to ISO8601 "
                                           "--format md|pdf --output FILE)")
                                .arg(required));
            return ExitCode::Usage;
        }
    }
    const std::optional<QDateTime> from = parseTime(parser.value(QStringLiteral("from")));
    const std::optional<QDateTime> to = parseTime(parser.value(QStringLiteral("to")));
    if (!from || !to) {
        printDiagnostic(Command,
                        QStringLiteral("--%1 '%2' is not an ISO 8601 time (e.g. 2026-11-26T08:00:00Z)")
                            .arg(!from ? QStringLiteral("from") : QStringLiteral("to"),
                                 parser.value(!from ? QStringLiteral("from") : QStringLiteral("to"))));
        return ExitCode::Usage;
    }
    if (*from >= *to) {
        printDiagnostic(Command, QStringLiteral("--to must be after --from"));
        return ExitCode::Usage;
    }
    const QString output = parser.value(QStringLiteral("output"));
    QString format = parser.value(QStringLiteral("format")).toLower();
    if (format.isEmpty())
        format = QFileInfo(output).suffix().toLower() == QLatin1String("pdf") ? QStringLiteral("pdf")
            : QFileInfo(output).suffix().toLower() == QLatin1String("md") || output == QLatin1String("-")
            ? QStringLiteral("md")
            : QString();
    if (format == QLatin1String("markdown"))
        format = QStringLiteral("md");
    if (format != QLatin1String("md") && format != QLatin1String("pdf")) {
        printDiagnostic(Command,
                        format.isEmpty() ? QStringLiteral(
                            "--format md|pdf is required (the output file's extension says neither)")
                                         : QStringLiteral("unknown format '%1': use md or pdf")
                                               .arg(parser.value(QStringLiteral("format"))));
        return ExitCode::Usage;
    }
    if (format == QLatin1String("pdf") && output == QLatin1String("-")) {
        printDiagnostic(Command, QStringLiteral("a PDF needs a file: --output FILE"));
        return ExitCode::Usage;
    }

    bool timeoutOk = false;
    const int timeoutSeconds = parser.value(QStringLiteral("timeout")).toInt(&timeoutOk);
    if (!timeoutOk || timeoutSeconds <= 0) {
        printDiagnostic(Command, QStringLiteral("--timeout must be a positive number of seconds"));
        return ExitCode::Usage;
    }

    Journal journal;
    if (const Result<void> opened = journal.open(journalFilePath()); !opened) {
        printDiagnostic(Command, toString(opened.error()));
        return ExitCode::Failed;
    }
    Result<RcaReport::Inputs> inputs = RcaSource::read(journal, *from, *to);
    if (!inputs) {
        printDiagnostic(Command, toString(inputs.error()));
        return ExitCode::Failed;
    }
    inputs->title = parser.value(QStringLiteral("title"));
    if (parser.isSet(QStringLiteral("events"))) {
        const Result<QList<TimelineEntry>> events = clusterEvents(*options, timeoutSeconds);
        if (!events) {
            if (events.error().kind
                == ErrorKind::Config) { // an unusable kubeconfig or context: a usage error
                printDiagnostic(Command, toString(events.error()));
                return ExitCode::Usage;
            }
            printDiagnostic(Command,
                            QStringLiteral("Kubernetes Events left out: ") + toString(events.error()));
        } else {
            inputs->timeline += *events;
            inputs->sources << QStringLiteral("Kubernetes Events");
        }
    }
    const RcaReport report = RcaReport::build(*inputs);

    if (format == QLatin1String("pdf")) {
        if (const Result<void> written = RcaPdfWriter::write(report, output); !written) {
            printDiagnostic(Command, toString(written.error()));
            return ExitCode::Failed;
        }
    } else if (output == QLatin1String("-")) {
        std::fputs(RcaMarkdown::write(report).toUtf8().constData(), stdout);
        return ExitCode::Done;
    } else {
        QSaveFile file(output);
        if (!file.open(QIODevice::WriteOnly) || file.write(RcaMarkdown::write(report).toUtf8()) < 0
            || !file.commit()) {
            printDiagnostic(Command, QStringLiteral("cannot write %1: %2").arg(output, file.errorString()));
            return ExitCode::Failed;
        }
    }
    std::fprintf(
        stdout,
        "Wrote %s: %lld alerts, %lld actions, %lld timeline entries, %lld drills, %lld affected services\n",
        qPrintable(output), qint64(report.alerts.size()), qint64(report.actions.size()),
        qint64(report.timeline.size()), qint64(report.drills.size()), qint64(report.services.size()));
    return ExitCode::Done;
}

} // namespace Opsdeck
