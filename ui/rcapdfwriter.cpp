#include "rcapdfwriter.h"

#include "rcareport.h"

#include <QAbstractTextDocumentLayout>
#include <QFileInfo>
#include <QFont>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPrinter>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextFrame>
#include <QTextList>
#include <QTextTable>

namespace Opsdeck {

namespace {

// One palette for the document: a navy accent, quiet greys, and the severity colours people know.
const QColor Accent(0x1f, 0x3a, 0x5f);
const QColor Muted(0x5b, 0x67, 0x76);
const QColor Rule(0xc9, 0xd2, 0xde);
const QColor LabelFill(0xee, 0xf2, 0xf7);
const QColor Zebra(0xf7, 0xf9, 0xfc);
const QColor PlaceholderFill(0xff, 0xf1, 0xa8);
const QColor PlaceholderText(0x6b, 0x4e, 0x00);

QColor severityColour(const QString &severity)
{
    if (severity.compare(QLatin1String("critical"), Qt::CaseInsensitive) == 0)
        return QColor(0xb4, 0x23, 0x18);
    if (severity.compare(QLatin1String("warning"), Qt::CaseInsensitive) == 0)
        return QColor(0xb5, 0x47, 0x08);
    return QColor(0x34, 0x40, 0x54);
}

QFont baseFont()
{
    QFont font;
    font.setFamilies({ QStringLiteral("DejaVu Sans"), QStringLiteral("Liberation Sans"),
                       QStringLiteral("Noto Sans"), QStringLiteral("Sans Serif") });
    font.setPointSizeF(9);
    return font;
}

// Server text is shown as it is, but on one line per cell: control characters (and bidi overrides) out.
QString plain(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        if (c == QLatin1Char('\n') || c == QLatin1Char('\r') || c == QLatin1Char('\t'))
            out += QLatin1Char(' ');
        else if (c.category() != QChar::Other_Control && c.category() != QChar::Other_Format)
            out += c;
    }
    return out;
}

// A piece of text in a cell: what it says and how it looks.
struct Span
{
    QString text;
    enum Style { Normal, Bold, Muted, Placeholder, Severity } style = Normal;
};

class Builder
{
public:
    // Frame and block lengths are in logical pixels (96 per inch); the layout scales them to its device.
    explicit Builder(QTextDocument *document)
        : m_document(document)
        , m_cursor(document)
        , m_scale(96.0 / 72.0)
    {
        m_document->setDefaultFont(baseFont());
        m_document->setDocumentMargin(0);
        m_document->setIndentWidth(pt(12));
        m_normal.setForeground(QColor(0x1d, 0x24, 0x2f));
    }

    qreal pt(qreal points) const { return points * m_scale; }

    void kicker(const QString &text)
    {
        QTextBlockFormat block;
        block.setBottomMargin(pt(2));
        QTextCharFormat format = m_normal;
        format.setForeground(Accent);
        format.setFontPointSize(8);
        format.setFontWeight(QFont::Bold);
        format.setFontLetterSpacingType(QFont::AbsoluteSpacing);
        format.setFontLetterSpacing(0.4);
        m_cursor.setBlockFormat(block);
        m_cursor.insertText(text, format);
    }

    void title(const QString &text)
    {
        QTextBlockFormat block;
        block.setBottomMargin(pt(8));
        block.setProperty(QTextFormat::BlockTrailingHorizontalRulerWidth,
                          QTextLength(QTextLength::PercentageLength, 100));
        QTextCharFormat format = m_normal;
        format.setFontPointSize(16);
        format.setFontWeight(QFont::Bold);
        format.setForeground(Accent);
        m_cursor.insertBlock(block, format);
        m_cursor.insertText(plain(text).trimmed(), format);
        m_cursor.insertBlock(QTextBlockFormat(), m_normal);
    }

    void heading(const QString &text)
    {
        QTextBlockFormat block;
        block.setTopMargin(pt(14));
        block.setBottomMargin(pt(5));
        block.setPageBreakPolicy(QTextFormat::PageBreak_Auto);
        QTextCharFormat format = m_normal;
        format.setFontPointSize(12.5);
        format.setFontWeight(QFont::Bold);
        format.setForeground(Accent);
        m_cursor.insertBlock(block, format);
        m_cursor.insertText(text, format);
    }

    // A paragraph of spans.
    void paragraph(const QList<Span> &spans, qreal bottom = 4)
    {
        QTextBlockFormat block;
        block.setBottomMargin(pt(bottom));
        block.setLineHeight(115, QTextBlockFormat::ProportionalHeight);
        m_cursor.insertBlock(block, m_normal);
        insert(m_cursor, spans);
    }

    // A list item with a hanging indent (wrapped lines start under the text, not under the bullet).
    void bullet(const QList<Span> &spans)
    {
        QTextBlockFormat block;
        block.setBottomMargin(pt(2));
        m_cursor.insertBlock(block, m_normal);
        QTextListFormat list;
        list.setStyle(QTextListFormat::ListDisc);
        list.setIndent(1);
        m_cursor.createList(list);
        insert(m_cursor, spans);
    }

    // A grid with a navy header row (or, for `keyValue`, a shaded first column and no header).
    void table(const QStringList &header, const QList<QList<QList<Span>>> &rows, const QList<qreal> &widths,
               bool keyValue = false)
    {
        if (rows.isEmpty() && keyValue)
            return;
        const int columns = int(keyValue ? widths.size() : header.size());
        const int headerRows = keyValue ? 0 : 1;
        QTextTableFormat format;
        format.setBorder(pt(0.5));
        format.setBorderBrush(Rule);
        format.setBorderStyle(QTextFrameFormat::BorderStyle_Solid);
        format.setBorderCollapse(true);
        format.setCellPadding(pt(3.5));
        format.setCellSpacing(0);
        format.setHeaderRowCount(headerRows);
        format.setWidth(QTextLength(QTextLength::PercentageLength, 100));
        format.setTopMargin(pt(4));
        format.setBottomMargin(pt(6));
        QList<QTextLength> constraints;
        for (const qreal width : widths)
            constraints << QTextLength(QTextLength::PercentageLength, width);
        format.setColumnWidthConstraints(constraints);

        QTextTable *table = m_cursor.insertTable(int(rows.size()) + headerRows, columns, format);
        if (!keyValue) {
            for (int column = 0; column < columns; ++column) {
                QTextTableCell cell = table->cellAt(0, column);
                QTextCharFormat fill = cell.format();
                fill.setBackground(Accent);
                cell.setFormat(fill);
                QTextCursor at = cell.firstCursorPosition();
                QTextCharFormat text = m_normal;
                text.setForeground(Qt::white);
                text.setFontWeight(QFont::Bold);
                text.setFontPointSize(8);
                at.insertText(header.value(column), text);
            }
        }
        for (int r = 0; r < rows.size(); ++r) {
            for (int column = 0; column < columns; ++column) {
                QTextTableCell cell = table->cellAt(r + headerRows, column);
                const bool shaded = keyValue ? column == 0 : r % 2 == 1;
                if (shaded) {
                    QTextCharFormat fill = cell.format();
                    fill.setBackground(keyValue ? LabelFill : Zebra);
                    cell.setFormat(fill);
                }
                QTextCursor at = cell.firstCursorPosition();
                insert(at, rows[r].value(column), keyValue && column == 0 ? 8.5 : 8);
            }
        }
        m_cursor.movePosition(QTextCursor::End);
    }

    // Four figures side by side: the first thing a reviewer looks at.
    void figures(const QList<std::pair<QString, Span>> &items)
    {
        QTextTableFormat format;
        format.setBorder(pt(0.5));
        format.setBorderBrush(Rule);
        format.setBorderStyle(QTextFrameFormat::BorderStyle_Solid);
        format.setBorderCollapse(true);
        format.setCellPadding(pt(6));
        format.setCellSpacing(0);
        format.setWidth(QTextLength(QTextLength::PercentageLength, 100));
        format.setTopMargin(pt(4));
        format.setBottomMargin(pt(6));
        QList<QTextLength> constraints;
        for (qsizetype i = 0; i < items.size(); ++i)
            constraints << QTextLength(QTextLength::PercentageLength, 100.0 / qreal(items.size()));
        format.setColumnWidthConstraints(constraints);
        QTextTable *table = m_cursor.insertTable(1, int(items.size()), format);
        for (int column = 0; column < items.size(); ++column) {
            QTextTableCell cell = table->cellAt(0, column);
            QTextCharFormat fill = cell.format();
            fill.setBackground(LabelFill);
            cell.setFormat(fill);
            QTextCursor at = cell.firstCursorPosition();
            QTextCharFormat label = m_normal;
            label.setForeground(Muted);
            label.setFontPointSize(7.5);
            label.setFontWeight(QFont::Bold);
            at.insertText(items[column].first.toUpper(), label);
            at.insertBlock();
            Span value = items[column].second;
            QTextCharFormat big = formatFor(value, 14);
            big.setFontWeight(QFont::Bold);
            at.insertText(plain(value.text), big);
        }
        m_cursor.movePosition(QTextCursor::End);
    }

private:
    QTextCharFormat formatFor(const Span &span, qreal size) const
    {
        QTextCharFormat format = m_normal;
        format.setFontPointSize(size);
        switch (span.style) {
        case Span::Normal:
            break;
        case Span::Bold:
            format.setFontWeight(QFont::Bold);
            break;
        case Span::Muted:
            format.setForeground(Muted);
            break;
        case Span::Placeholder:
            format.setBackground(PlaceholderFill);
            format.setForeground(PlaceholderText);
            format.setFontItalic(true);
            break;
        case Span::Severity:
            format.setForeground(severityColour(span.text));
            format.setFontWeight(QFont::Bold);
            break;
        }
        return format;
    }

    void insert(QTextCursor &cursor, const QList<Span> &spans, qreal size = 9) const
    {
        for (const Span &span : spans)
            cursor.insertText(plain(span.text), formatFor(span, size));
    }

    QTextDocument *m_document;
    QTextCursor m_cursor;
    qreal m_scale;
    QTextCharFormat m_normal;
};

Span text(const QString &value)
{
    return { value, Span::Normal };
}
Span bold(const QString &value)
{
    return { value, Span::Bold };
}
Span muted(const QString &value)
{
    return { value, Span::Muted };
}
Span todo(const QString &what)
{
    return { RcaPdfWriter::placeholderMarker() + QLatin1Char(' ') + what, Span::Placeholder };
}
Span orDash(const QString &value)
{
    return value.trimmed().isEmpty() ? muted(QStringLiteral("—")) : text(value);
}

QString optionalDuration(const std::optional<qint64> &seconds)
{
    return seconds ? RcaReport::durationLabel(*seconds) : QStringLiteral("—");
}

} // namespace

QString RcaPdfWriter::placeholderMarker()
{
    return QStringLiteral("To be written:");
}

std::unique_ptr<QTextDocument> RcaPdfWriter::document(const RcaReport &report)
{
    auto document = std::make_unique<QTextDocument>();
    document->setMetaInformation(QTextDocument::DocumentTitle, plain(report.title));
    Builder b(document.get());

    b.kicker(QStringLiteral("INCIDENT REPORT  ·  ROOT-CAUSE ANALYSIS"));
    b.title(report.title);

    QList<Span> services;
    for (const ServiceKey &service : report.services) {
        if (!services.isEmpty())
            services << text(QStringLiteral(", "));
        services << bold(service.name);
        if (!service.context.isEmpty() || !service.ns.isEmpty())
            services << muted(QStringLiteral(" (%1/%2)").arg(service.context, service.ns));
    }
    if (services.isEmpty())
        services << todo(QStringLiteral("none found in the window; name them"));
    const QList<Span> severity = report.severity
        ? QList<Span> { { report.severityLabel(), Span::Severity },
                        muted(QStringLiteral("  ·  highest alert severity")) }
        : QList<Span> { todo(QStringLiteral("severity")) };
    b.table({},
            {
                { { bold(QStringLiteral("Window")) }, { text(report.windowLabel()) } },
                { { bold(QStringLiteral("Services affected")) }, services },
                { { bold(QStringLiteral("Severity")) }, severity },
                { { bold(QStringLiteral("Status")) }, { text(report.resolution) } },
                { { bold(QStringLiteral("Incident commander")) }, { todo(QStringLiteral("name")) } },
                { { bold(QStringLiteral("Authors")) }, { todo(QStringLiteral("names")) } },
                { { bold(QStringLiteral("Reviewers")) }, { todo(QStringLiteral("names")) } },
                { { bold(QStringLiteral("Generated")) },
                  { text(RcaReport::dateTimeLabel(report.generatedAt) + QStringLiteral(" by Opsdeck")),
                    muted(report.sources.isEmpty()
                              ? QString()
                              : QStringLiteral(" from ") + report.sources.join(QStringLiteral(", "))) } },
            },
            { 26, 74 }, true);

    b.heading(QStringLiteral("Summary"));
    b.paragraph({ todo(
        QStringLiteral("what happened, who was affected and for how long, in two or three sentences.")) });
    b.figures({
        { QStringLiteral("Time to detect"), text(optionalDuration(report.detectionSeconds())) },
        { QStringLiteral("Time to resolve"),
          text(report.resolvedAt.isValid() ? optionalDuration(report.resolveSeconds())
                                           : QStringLiteral("Unresolved")) },
        { QStringLiteral("Alerts"), text(QString::number(report.alerts.size())) },
        { QStringLiteral("Actions taken"), text(QString::number(report.actions.size())) },
    });
    b.bullet({ bold(QStringLiteral("First fault: ")),
               report.firstFaultAt.isValid()
                   ? text(report.timeLabel(report.firstFaultAt) + QStringLiteral(" — ") + report.firstFault)
                   : muted(QStringLiteral("not recorded")) });
    b.bullet({ bold(QStringLiteral("First alert: ")),
               report.firstAlertAt.isValid()
                   ? text(report.timeLabel(report.firstAlertAt) + QStringLiteral(" — ") + report.firstAlert)
                   : muted(QStringLiteral("none")) });
    b.bullet({ bold(QStringLiteral("Resolved: ")),
               text(report.resolvedAt.isValid() ? RcaReport::dateTimeLabel(report.resolvedAt)
                            + QStringLiteral(" — ") + report.resolution
                                                : report.resolution) });

    b.heading(QStringLiteral("Detection"));
    if (report.alerts.isEmpty()) {
        b.paragraph({ muted(QStringLiteral("No alert was active in the window.")) });
    } else {
        if (const auto seconds = report.detectionSeconds())
            b.paragraph({ text(QStringLiteral("The first alert was raised ")),
                          bold(RcaReport::durationLabel(*seconds)),
                          text(QStringLiteral(" after the first fault.")) });
        QList<QList<QList<Span>>> rows;
        for (const Alert &alert : report.alerts) {
            const QString ended = alert.ended.isValid() ? report.timeLabel(alert.ended) + QStringLiteral(" (")
                    + RcaReport::durationLabel(alert.since.secsTo(alert.ended)) + QLatin1Char(')')
                                                        : QStringLiteral("still active");
            rows << QList<QList<Span>> { { text(report.timeLabel(alert.since)) },
                                         { text(ended) },
                                         { { toString(alert.severity), Span::Severity } },
                                         { text(alert.rule) },
                                         { orDash(alert.service.name.isEmpty() ? QStringLiteral("estate")
                                                                               : alert.service.name) },
                                         { orDash(alert.summary) },
                                         { orDash(alert.acknowledgedBy) } };
        }
        b.table({ QStringLiteral("Raised"), QStringLiteral("Ended"), QStringLiteral("Severity"),
                  QStringLiteral("Rule"), QStringLiteral("Service"), QStringLiteral("Summary"),
                  QStringLiteral("Ack.") },
                rows, { 9, 14, 10, 14, 14, 30, 9 });
    }
    b.paragraph({ todo(QStringLiteral(
        "how the incident was noticed, and whether the alerts were early and clear enough.")) });

    b.heading(QStringLiteral("Impact"));
    if (report.services.isEmpty())
        b.paragraph({ muted(QStringLiteral("No affected service was found in the window.")) });
    for (const ServiceKey &service : report.services) {
        const qint64 seconds = report.alertSecondsFor(service);
        b.bullet({ bold(RcaReport::serviceLabel(service)), text(QStringLiteral(": ")),
                   seconds > 0 ? text(QStringLiteral("alerting for ") + RcaReport::durationLabel(seconds))
                               : muted(QStringLiteral("no alert")) });
    }
    b.paragraph(
        { todo(QStringLiteral("who noticed what (users, requests failed, revenue, SLO budget spent).")) });

    b.heading(QStringLiteral("Response timeline"));
    if (report.timeline.isEmpty()) {
        b.paragraph({ muted(QStringLiteral("Nothing was recorded in the window.")) });
    } else {
        QList<QList<QList<Span>>> rows;
        for (const TimelineEntry &entry : report.timeline) {
            QList<Span> what { text(entry.title) };
            if (!entry.detail.isEmpty())
                what << muted(QStringLiteral(" — ") + entry.detail);
            const QString severityText = toString(entry.severity);
            rows << QList<QList<Span>> {
                { text(report.timeLabel(entry.at)) },
                { text(toString(entry.kind)) },
                { entry.severity == TimelineEntry::Severity::Info ? muted(severityText)
                                                                  : Span { severityText, Span::Severity } },
                { orDash(entry.service.name.isEmpty() ? QStringLiteral("estate") : entry.service.name) },
                what
            };
        }
        b.paragraph({ muted(QStringLiteral("Times in UTC.")) }, 0);
        b.table({ QStringLiteral("Time"), QStringLiteral("Kind"), QStringLiteral("Severity"),
                  QStringLiteral("Service"), QStringLiteral("What happened") },
                rows, { 10, 10, 10, 14, 56 });
    }

    b.heading(QStringLiteral("Root cause"));
    for (const DrillRun &run : report.drills) {
        b.bullet({ text(QStringLiteral("The fault was injected on purpose by the ")), bold(run.scenario),
                   text(QStringLiteral(" drill into ")), text(RcaReport::serviceLabel(run.service)),
                   text(QStringLiteral(" at ") + report.timeLabel(run.faultAt) + QStringLiteral(" (drill ")),
                   text(run.status), text(QStringLiteral(").")) });
    }
    b.paragraph({ todo(QStringLiteral("the underlying cause, and the contributing factors (five whys).")) });

    b.heading(QStringLiteral("Resolution"));
    if (report.actions.isEmpty()) {
        b.paragraph({ muted(QStringLiteral("No action was taken through Opsdeck in the window.")) });
    } else {
        QList<QList<QList<Span>>> rows;
        for (const RcaAction &action : report.actions) {
            QList<Span> what { bold(action.action) };
            if (!action.parameters.isEmpty())
                what << muted(QStringLiteral(" ") + action.parameters);
            QList<Span> result {
                { action.result, action.result == QLatin1String("failed") ? Span::Severity : Span::Normal }
            };
            if (!action.detail.isEmpty())
                result << muted(QStringLiteral(": ") + action.detail);
            if (!action.changes.isEmpty())
                result << muted(QStringLiteral(" — ") + action.changes.join(QStringLiteral("; ")));
            rows << QList<QList<Span>> { { text(report.timeLabel(action.startedAt)) },
                                         { text(report.timeLabel(action.finishedAt)) },
                                         { orDash(action.who) },
                                         what,
                                         { orDash(action.service.name
                                                  + (action.track.isEmpty() ? QString()
                                                                            : QStringLiteral(" (")
                                                             + action.track + QLatin1Char(')'))) },
                                         result };
        }
        b.table({ QStringLiteral("Started"), QStringLiteral("Finished"), QStringLiteral("Who"),
                  QStringLiteral("Action"), QStringLiteral("Target"), QStringLiteral("Result") },
                rows, { 10, 10, 12, 20, 16, 32 });
    }
    if (!report.drills.isEmpty()) {
        QList<QList<QList<Span>>> rows;
        for (const DrillRun &run : report.drills) {
            const std::optional<qint64> detected
                = run.detectedSeconds(); // rounded as `opsdeck drill` prints it
            const std::optional<qint64> recovered = run.recoveredSeconds();
            rows << QList<QList<Span>> { { bold(run.scenario) },
                                         { orDash(run.service.name) },
                                         { text(report.timeLabel(run.faultAt)) },
                                         { text(optionalDuration(detected)) },
                                         { text(report.timeLabel(run.clearedAt)) },
                                         { text(optionalDuration(recovered)) },
                                         { text(run.status),
                                           muted(run.error.isEmpty() ? QString()
                                                                     : QStringLiteral(": ") + run.error) } };
        }
        b.paragraph({ bold(QStringLiteral("Drills in the window")) }, 0);
        b.table({ QStringLiteral("Scenario"), QStringLiteral("Service"), QStringLiteral("Fault"),
                  QStringLiteral("Detected after"), QStringLiteral("Cleared"),
                  QStringLiteral("Recovered after"), QStringLiteral("Status") },
                rows, { 17, 15, 11, 13, 11, 13, 20 });
    }
    b.paragraph({ todo(QStringLiteral("what fixed it, and what did not help.")) });

    b.heading(QStringLiteral("Prevention (action items)"));
    QList<QList<QList<Span>>> items;
    const QStringList goals { QStringLiteral("prevent it happening again"),
                              QStringLiteral("detect it sooner"), QStringLiteral("recover faster") };
    for (int i = 0; i < goals.size(); ++i)
        items << QList<QList<Span>> { { text(QString::number(i + 1)) },
                                      { todo(goals[i]) },
                                      { todo(QStringLiteral("owner")) },
                                      { todo(QStringLiteral("date")) },
                                      { todo(QStringLiteral("ticket")) } };
    b.table({ QStringLiteral("#"), QStringLiteral("Action item"), QStringLiteral("Owner"),
              QStringLiteral("Due"), QStringLiteral("Tracking") },
            items, { 3, 43, 18, 18, 18 });
    b.paragraph({ muted(QStringLiteral("Prefilled by Opsdeck from what it recorded. Highlighted fields are "
                                       "for the people who ran the incident.")) });
    return document;
}

Result<void> RcaPdfWriter::write(const RcaReport &report, const QString &path)
{
    QPrinter printer(QPrinter::HighResolution);
    printer.setOutputFormat(QPrinter::PdfFormat);
    printer.setOutputFileName(path);
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait,
                                      QMarginsF(18, 16, 18, 12), QPageLayout::Millimeter));
    printer.setDocName(plain(report.title));
    printer.setCreator(QStringLiteral("Opsdeck"));

    const qreal dpi = printer.resolution();
    std::unique_ptr<QTextDocument> document = RcaPdfWriter::document(report);
    const auto pt = [dpi](qreal points) {
        return points * dpi / 72.0;
    };

    QPainter painter;
    if (!painter.begin(&printer)) {
        return tl::unexpected(Error { ErrorKind::Config,
                                      QStringLiteral("RCA PDF %1: cannot be written").arg(path),
                                      QStringLiteral("Check that the folder exists and is writable."),
                                      {} });
    }
    // The body leaves room for the footer (a rule, the title and "Page n of m") inside the margins.
    const QRectF page = printer.pageRect(QPrinter::DevicePixel);
    const qreal footer = pt(26);
    const QSizeF body(page.width(), page.height() - footer);
    document->documentLayout()->setPaintDevice(&printer);
    document->setPageSize(body);
    const int pages = document->pageCount();

    QFont footerFont = baseFont();
    footerFont.setPointSizeF(7.5);
    for (int index = 0; index < pages; ++index) {
        if (index > 0)
            printer.newPage();
        painter.save();
        const QRectF clip(0, index * body.height(), body.width(), body.height());
        painter.translate(0, -clip.top());
        painter.setClipRect(clip);
        QAbstractTextDocumentLayout::PaintContext context;
        context.clip = clip;
        context.palette.setColor(QPalette::Text, QColor(0x1d, 0x24, 0x2f));
        document->documentLayout()->draw(&painter, context);
        painter.restore();

        painter.save();
        painter.setFont(footerFont);
        painter.setPen(QPen(Rule, pt(0.5)));
        const qreal top = page.height() - footer + pt(10);
        painter.drawLine(QPointF(0, top), QPointF(page.width(), top));
        painter.setPen(Muted);
        const QRectF line(0, top + pt(3), page.width(), pt(12));
        const QString left = painter.fontMetrics().elidedText(
            QStringLiteral("Opsdeck RCA · ") + plain(report.title), Qt::ElideRight, int(page.width() * 0.7));
        painter.drawText(line, Qt::AlignLeft | Qt::AlignVCenter, left);
        painter.drawText(line, Qt::AlignRight | Qt::AlignVCenter,
                         QStringLiteral("Page %1 of %2").arg(index + 1).arg(pages));
        painter.restore();
    }
    if (!painter.end() || printer.printerState() == QPrinter::Error || QFileInfo(path).size() == 0) {
        return tl::unexpected(
            Error { ErrorKind::Config,
                    QStringLiteral("RCA PDF %1: writing failed").arg(path),
                    QStringLiteral("Check the free space and the permissions of the folder."),
                    {} });
    }
    return {};
}

} // namespace Opsdeck
