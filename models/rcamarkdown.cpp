#include "rcamarkdown.h"

#include "rcareport.h"

#include <QStringList>

namespace Opsdeck {

namespace {

QString cell(const QString &text)
{
    const QString escaped = RcaMarkdown::escape(text);
    return escaped.isEmpty() ? QStringLiteral("—") : escaped;
}

QString row(const QStringList &cells)
{
    return QStringLiteral("| ") + cells.join(QStringLiteral(" | ")) + QStringLiteral(" |\n");
}

QString table(const QStringList &header, const QList<QStringList> &rows)
{
    QString out = row(header);
    QStringList rule;
    for (qsizetype i = 0; i < header.size(); ++i)
        rule << QStringLiteral("---");
    out += row(rule);
    for (const QStringList &cells : rows)
        out += row(cells);
    return out;
}

QString alertTimes(const RcaReport &report, const Alert &alert)
{
    if (!alert.ended.isValid())
        return QStringLiteral("still active");
    const QString ended = report.timeLabel(alert.ended);
    return ended + QStringLiteral(" (") + RcaReport::durationLabel(alert.since.secsTo(alert.ended))
        + QLatin1Char(')');
}

QString optionalDuration(const std::optional<qint64> &seconds)
{
    return seconds ? RcaReport::durationLabel(*seconds) : QStringLiteral("—");
}

} // namespace

QString RcaMarkdown::placeholderMarker()
{
    return QStringLiteral("_To be written:_");
}

QString RcaMarkdown::placeholder(const QString &what)
{
    return placeholderMarker() + QLatin1Char(' ') + what;
}

QString RcaMarkdown::escape(const QString &text)
{
    QString out;
    out.reserve(text.size() + text.size() / 4);
    for (const QChar c : text) {
        switch (c.unicode()) {
        case '<':
            out += QStringLiteral("&lt;");
            break;
        case '>':
            out += QStringLiteral("&gt;");
            break;
        case '&':
            out += QStringLiteral("&amp;");
            break;
        // Inline Markdown (emphasis, code, links and images — `[` and `]` suffice, a `(` alone links
        // nothing — strikethrough, math), table cells, and a heading should the text ever start a line.
        case '\\':
        case '`':
        case '*':
        case '_':
        case '[':
        case ']':
        case '!':
        case '|':
        case '~':
        case '#':
        case '$':
            out += QLatin1Char('\\');
            out += c;
            break;
        case '\n':
        case '\r':
        case '\t':
        case '\v':
        case '\f':
            out += QLatin1Char(' ');
            break;
        default:
            if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format)
                break; // invisible controls and bidi overrides would hide or reorder what a reader sees
            out += c;
        }
    }
    return out.trimmed();
}

QString RcaMarkdown::write(const RcaReport &report)
{
    QString md;
    md += QStringLiteral("# ") + escape(report.title) + QStringLiteral("\n\n");

    // Header: the facts a reader wants before anything else, and the people who own the document.
    QStringList serviceNames;
    for (const ServiceKey &service : report.services)
        serviceNames << escape(RcaReport::serviceLabel(service));
    md += table(
        { QStringLiteral("Field"), QStringLiteral("Value") },
        {
            { QStringLiteral("**Window**"), escape(report.windowLabel()) },
            { QStringLiteral("**Services affected**"),
              serviceNames.isEmpty() ? placeholder(QStringLiteral("none found in the window; name them"))
                                     : serviceNames.join(QStringLiteral(", ")) },
            { QStringLiteral("**Severity**"),
              report.severity ? escape(report.severityLabel()) + QStringLiteral(" (highest alert)")
                              : placeholder(QStringLiteral("severity")) },
            { QStringLiteral("**Status**"), escape(report.resolution) },
            { QStringLiteral("**Incident commander**"), placeholder(QStringLiteral("name")) },
            { QStringLiteral("**Authors**"), placeholder(QStringLiteral("names")) },
            { QStringLiteral("**Reviewers**"), placeholder(QStringLiteral("names")) },
            { QStringLiteral("**Generated**"),
              escape(RcaReport::dateTimeLabel(report.generatedAt)) + QStringLiteral(" by Opsdeck")
                  + (report.sources.isEmpty()
                         ? QString()
                         : QStringLiteral(" from ") + escape(report.sources.join(QStringLiteral(", ")))) },
        });
    md += QLatin1Char('\n');

    md += QStringLiteral("## Summary\n\n");
    md += placeholder(
              QStringLiteral("what happened, who was affected and for how long, in two or three sentences."))
        + QStringLiteral("\n\n");
    md += QStringLiteral("Key figures (from the timeline):\n\n");
    md += QStringLiteral("- **First fault:** ")
        + (report.firstFaultAt.isValid() ? escape(report.timeLabel(report.firstFaultAt))
                   + QStringLiteral(" — ") + escape(report.firstFault)
                                         : QStringLiteral("not recorded"))
        + QLatin1Char('\n');
    md += QStringLiteral("- **First alert:** ")
        + (report.firstAlertAt.isValid() ? escape(report.timeLabel(report.firstAlertAt))
                   + QStringLiteral(" — ") + escape(report.firstAlert)
                                         : QStringLiteral("none"))
        + QLatin1Char('\n');
    md += QStringLiteral("- **Time to detect:** ") + optionalDuration(report.detectionSeconds())
        + QLatin1Char('\n');
    md += QStringLiteral("- **Resolved:** ")
        + (report.resolvedAt.isValid()
               ? escape(report.timeLabel(report.resolvedAt)) + QStringLiteral(" (time to resolve: ")
                   + optionalDuration(report.resolveSeconds()) + QLatin1Char(')')
               : escape(report.resolution))
        + QLatin1Char('\n');
    md += QStringLiteral("- **Actions taken:** %1\n\n").arg(report.actions.size());

    md += QStringLiteral("## Detection\n\n");
    if (report.alerts.isEmpty()) {
        md += QStringLiteral("No alert was active in the window.\n\n");
    } else {
        if (const auto seconds = report.detectionSeconds())
            md += QStringLiteral("The first alert was raised %1 after the first fault.\n\n")
                      .arg(RcaReport::durationLabel(*seconds));
        QList<QStringList> rows;
        for (const Alert &alert : report.alerts) {
            rows << QStringList {
                escape(report.timeLabel(alert.since)),
                escape(alertTimes(report, alert)),
                escape(toString(alert.severity)),
                escape(alert.rule),
                cell(alert.service.name.isEmpty() ? QStringLiteral("estate") : alert.service.name),
                cell(alert.summary),
                cell(alert.acknowledgedBy.isEmpty() ? QString()
                                                    : alert.acknowledgedBy + QStringLiteral(" at ")
                             + report.timeLabel(alert.acknowledgedAt))
            };
        }
        md += table({ QStringLiteral("Raised"), QStringLiteral("Ended"), QStringLiteral("Severity"),
                      QStringLiteral("Rule"), QStringLiteral("Service"), QStringLiteral("Summary"),
                      QStringLiteral("Acknowledged") },
                    rows);
        md += QLatin1Char('\n');
    }
    md += placeholder(QStringLiteral(
              "how the incident was noticed, and whether the alerts were early and clear enough."))
        + QStringLiteral("\n\n");

    md += QStringLiteral("## Impact\n\n");
    if (report.services.isEmpty()) {
        md += QStringLiteral("No affected service was found in the window.\n\n");
    } else {
        for (const ServiceKey &service : report.services) {
            const qint64 seconds = report.alertSecondsFor(service);
            md += QStringLiteral("- ") + escape(RcaReport::serviceLabel(service)) + QStringLiteral(": ")
                + (seconds > 0 ? QStringLiteral("alerting for ") + RcaReport::durationLabel(seconds)
                               : QStringLiteral("no alert"))
                + QLatin1Char('\n');
        }
        md += QLatin1Char('\n');
    }
    md += placeholder(QStringLiteral("who noticed what (users, requests failed, revenue, SLO budget spent)."))
        + QStringLiteral("\n\n");

    md += QStringLiteral("## Response timeline\n\n");
    if (report.timeline.isEmpty()) {
        md += QStringLiteral("Nothing was recorded in the window.\n\n");
    } else {
        md += QStringLiteral("Times in UTC.\n\n");
        QList<QStringList> rows;
        for (const TimelineEntry &entry : report.timeline) {
            QString what = escape(entry.title);
            if (!entry.detail.isEmpty())
                what += QStringLiteral(" — ") + escape(entry.detail);
            rows << QStringList { escape(report.timeLabel(entry.at)),
                                  escape(toString(entry.kind)),
                                  escape(toString(entry.severity)),
                                  cell(entry.service.name.isEmpty() ? QStringLiteral("estate")
                                                                    : entry.service.name),
                                  what.isEmpty() ? QStringLiteral("—") : what,
                                  cell(entry.source) };
        }
        md += table({ QStringLiteral("Time"), QStringLiteral("Kind"), QStringLiteral("Severity"),
                      QStringLiteral("Service"), QStringLiteral("What"), QStringLiteral("Source") },
                    rows);
        md += QLatin1Char('\n');
    }

    md += QStringLiteral("## Root cause\n\n");
    for (const DrillRun &run : report.drills) {
        md += QStringLiteral("- The fault was injected on purpose by the **%1** drill into %2 at %3 (drill "
                             "status: %4).\n")
                  .arg(escape(run.scenario), escape(RcaReport::serviceLabel(run.service)),
                       escape(report.timeLabel(run.faultAt)), escape(run.status));
    }
    if (!report.drills.isEmpty())
        md += QLatin1Char('\n');
    md += placeholder(QStringLiteral("the underlying cause, and the contributing factors (five whys)."))
        + QStringLiteral("\n\n");

    md += QStringLiteral("## Resolution\n\n");
    if (report.actions.isEmpty()) {
        md += QStringLiteral("No action was taken through Opsdeck in the window.\n\n");
    } else {
        QList<QStringList> rows;
        for (const RcaAction &action : report.actions) {
            QString what = escape(action.action);
            if (!action.parameters.isEmpty())
                what += QStringLiteral(" (") + escape(action.parameters) + QLatin1Char(')');
            QString result = escape(action.result);
            if (!action.detail.isEmpty())
                result += QStringLiteral(": ") + escape(action.detail);
            if (!action.changes.isEmpty())
                result += QStringLiteral(" — ") + escape(action.changes.join(QStringLiteral("; ")));
            rows << QStringList { escape(report.timeLabel(action.startedAt)),
                                  escape(report.timeLabel(action.finishedAt)),
                                  cell(action.who),
                                  what,
                                  cell(action.service.name
                                       + (action.track.isEmpty()
                                              ? QString()
                                              : QStringLiteral(" (") + action.track + QLatin1Char(')'))),
                                  result };
        }
        md += table({ QStringLiteral("Started"), QStringLiteral("Finished"), QStringLiteral("Who"),
                      QStringLiteral("Action"), QStringLiteral("Target"), QStringLiteral("Result") },
                    rows);
        md += QLatin1Char('\n');
    }
    if (!report.drills.isEmpty()) {
        QList<QStringList> rows;
        for (const DrillRun &run : report.drills) {
            const std::optional<qint64> detected
                = run.detectedSeconds(); // rounded as `opsdeck drill` prints it
            const std::optional<qint64> recovered = run.recoveredSeconds();
            rows << QStringList {
                escape(run.scenario),
                cell(run.service.name),
                escape(report.timeLabel(run.faultAt)),
                optionalDuration(detected),
                escape(report.timeLabel(run.clearedAt)),
                optionalDuration(recovered),
                cell(run.status + (run.error.isEmpty() ? QString() : QStringLiteral(": ") + run.error))
            };
        }
        md += QStringLiteral("Drills in the window:\n\n");
        md += table({ QStringLiteral("Scenario"), QStringLiteral("Service"), QStringLiteral("Fault"),
                      QStringLiteral("Detected after"), QStringLiteral("Cleared"),
                      QStringLiteral("Recovered after"), QStringLiteral("Status") },
                    rows);
        md += QLatin1Char('\n');
    }
    md += QStringLiteral("- **Resolved:** ")
        + (report.resolvedAt.isValid() ? escape(RcaReport::dateTimeLabel(report.resolvedAt))
                                       : escape(report.resolution))
        + QLatin1Char('\n');
    md += QStringLiteral("- ") + placeholder(QStringLiteral("what fixed it, and what did not help."))
        + QStringLiteral("\n\n");

    md += QStringLiteral("## Prevention (action items)\n\n");
    md += table({ QStringLiteral("#"), QStringLiteral("Action item"), QStringLiteral("Owner"),
                  QStringLiteral("Due"), QStringLiteral("Tracking") },
                {
                    { QStringLiteral("1"), placeholder(QStringLiteral("prevent it happening again")),
                      placeholder(QStringLiteral("owner")), placeholder(QStringLiteral("date")),
                      placeholder(QStringLiteral("ticket")) },
                    { QStringLiteral("2"), placeholder(QStringLiteral("detect it sooner")),
                      placeholder(QStringLiteral("owner")), placeholder(QStringLiteral("date")),
                      placeholder(QStringLiteral("ticket")) },
                    { QStringLiteral("3"), placeholder(QStringLiteral("recover faster")),
                      placeholder(QStringLiteral("owner")), placeholder(QStringLiteral("date")),
                      placeholder(QStringLiteral("ticket")) },
                });
    md += QLatin1Char('\n');
    md += QStringLiteral("---\n\n*Prefilled by Opsdeck from what it recorded. Fields marked %1 are for the "
                         "people who ran the incident.*\n")
              .arg(placeholderMarker());
    return md;
}

} // namespace Opsdeck
