#include "rcacommand.h"

#include "globaloptions.h"
#include "journal.h"
#include "journalcommand.h"
#include "rcamarkdown.h"
#include "rcapdfwriter.h"
#include "rcareport.h"
#include "rcasource.h"
#include "subcommand.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QSaveFile>
#include <QTimeZone>

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
            QStringLiteral("title"),
            QStringLiteral("The report's title (default: the affected services and the start)."),
            QStringLiteral("TEXT")),
    });
    if (!parser.parse(arguments)) {
        printDiagnostic(Command, parser.errorText());
        return ExitCode::Usage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return ExitCode::Done;
    }
    if (!parser.positionalArguments().isEmpty()) {
        printDiagnostic(
            Command,
            QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().constFirst()));
        return ExitCode::Usage;
    }
    const Result<GlobalOptions> options = GlobalOptions::read(parser);
    if (!options) {
        printDiagnostic(Command, options.error().message);
        return ExitCode::Usage;
    }

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
