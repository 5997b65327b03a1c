#include "journalcommand.h"

#include "globaloptions.h"
#include "journal.h"
#include "journalentry.h"
#include "journalfilter.h"
#include "observation.h"
#include "subcommand.h"

#include <QCommandLineParser>
#include <QDir>
#include <QJsonDocument>

#include <cstdio>

namespace Opsdeck {

namespace {

const QString Command = QStringLiteral("journal");

QString elide(const QString &text, int width)
{
    const QString line = QString(text).replace(QLatin1Char('\n'), QLatin1Char(' '));
    return line.size() <= width ? line : line.left(width - 1) + QStringLiteral("…");
}

// kubectl-style columns: as wide as their widest cell, two spaces apart.
QString table(const QList<QStringList> &rows)
{
    QList<int> widths;
    for (const QStringList &row : rows) {
        for (int i = 0; i < row.size(); ++i) {
            if (widths.size() <= i)
                widths << 0;
            widths[i] = std::max(widths[i], int(row[i].size()));
        }
    }
    QString out;
    for (const QStringList &row : rows) {
        QString line;
        for (int i = 0; i < row.size(); ++i)
            line += i + 1 < row.size() ? row[i].leftJustified(widths[i] + 2) : row[i];
        out += line.trimmed() + QLatin1Char('\n');
    }
    return out;
}

QString parameters(const QVariantMap &map)
{
    QStringList parts;
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        parts << QStringLiteral("%1=%2").arg(it.key(), it.value().toString());
    return parts.isEmpty() ? QStringLiteral("-") : parts.join(QLatin1Char(','));
}

} // namespace

QString journalFilePath()
{
    const QString dir = qEnvironmentVariable("OPSDECK_DATA_DIR");
    return dir.isEmpty() ? Journal::defaultPath() : QDir(dir).filePath(QStringLiteral("journal.sqlite"));
}

int runJournalCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Print the action journal, newest first (CLI.md)."));
    parser.addHelpOption();
    GlobalOptions::addTo(parser);
    parser.addOptions({
        QCommandLineOption(QStringLiteral("service"), QStringLiteral("Only this service's actions."), QStringLiteral("S")),
        QCommandLineOption(QStringLiteral("action"), QStringLiteral("Only this action (canary-weight, promote, …)."), QStringLiteral("ACTION")),
        QCommandLineOption(QStringLiteral("status"),
                           QStringLiteral("Only this status: started, succeeded, failed, refused, interrupted, abandoned."),
                           QStringLiteral("STATUS")),
        QCommandLineOption(QStringLiteral("limit"), QStringLiteral("At most N entries."), QStringLiteral("N")),
    });
    const ParsedCommandLine options = parseCommandLine(parser, arguments, Command);
    if (!options)
        return options.error();
    JournalFilter filter;
    filter.service = parser.value(QStringLiteral("service"));
    filter.action = parser.value(QStringLiteral("action"));
    filter.context = options->context;
    filter.ns = options->ns;
    if (parser.isSet(QStringLiteral("status"))) {
        const std::optional<JournalStatus> status = journalStatusFromString(parser.value(QStringLiteral("status")));
        if (!status) {
            printDiagnostic(Command, QStringLiteral("unknown status '%1'").arg(parser.value(QStringLiteral("status"))));
            return ExitCode::Usage;
        }
        filter.statuses = {*status};
    }
    if (parser.isSet(QStringLiteral("limit"))) {
        bool ok = false;
        filter.limit = parser.value(QStringLiteral("limit")).toInt(&ok);
        if (!ok || filter.limit < 1) {
            printDiagnostic(Command, QStringLiteral("--limit takes a positive number"));
            return ExitCode::Usage;
        }
    }

    Journal journal;
    if (const Result<void> opened = journal.open(journalFilePath()); !opened) {
        printDiagnostic(Command, toString(opened.error()));
        return ExitCode::Failed;
    }
    const Result<QList<JournalEntry>> entries = journal.entries(filter);
    if (!entries) {
        printDiagnostic(Command, toString(entries.error()));
        return ExitCode::Failed;
    }
    if (options->json) {
        std::fputs(QJsonDocument(journalToJson(*entries)).toJson(QJsonDocument::Indented).constData(), stdout);
        return ExitCode::Done;
    }
    if (entries->isEmpty()) {
        std::fprintf(stderr, "No actions in the journal (%s).\n", qPrintable(journal.path()));
        return ExitCode::Done;
    }
    QList<QStringList> rows{{QStringLiteral("ID"), QStringLiteral("STARTED"), QStringLiteral("USER"), QStringLiteral("CONTEXT"),
                             QStringLiteral("ACTION"), QStringLiteral("TARGET"), QStringLiteral("PARAMETERS"), QStringLiteral("STATUS"),
                             QStringLiteral("MESSAGE")}};
    for (const JournalEntry &e : *entries) {
        rows << QStringList{QString::number(e.id),
                            toRfc3339(e.startedAt),
                            e.user.isEmpty() ? QStringLiteral("-") : e.user,
                            e.service.context,
                            e.action,
                            QStringLiteral("%1/%2 (%3)").arg(e.service.ns, e.service.name, toString(e.track)),
                            parameters(e.parameters),
                            toString(e.status),
                            elide(e.error ? e.error->message : e.message, 80)};
    }
    std::fputs(qPrintable(table(rows)), stdout);
    return ExitCode::Done;
}

} // namespace Opsdeck
