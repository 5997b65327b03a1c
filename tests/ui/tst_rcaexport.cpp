// The RCA as documents: the PDF (valid, A4, numbered pages, text a reader can search: the fault, the
// alert, the action, the placeholders), hostile server text kept as text in the PDF and in the Markdown
// as a Markdown renderer reads it, and the File → Export RCA… dialog.

#include "../unit/models/rcafixture.h"
#include "actionservice.h"
#include "alertlog.h"
#include "journal.h"
#include "mainwindow.h"
#include "rcaexportdialog.h"
#include "rcamarkdown.h"
#include "rcapdfwriter.h"
#include "rcareport.h"
#include "servicestore.h"
#include "sourcelistmodel.h"

#include <QAbstractItemView>
#include <QAction>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextFragment>

using namespace Opsdeck;
using namespace RcaFixture;

namespace {

QString run(const QString &program, const QStringList &arguments)
{
    QProcess process;
    process.start(program, arguments);
    if (!process.waitForFinished(30000) || process.exitStatus() != QProcess::NormalExit
        || process.exitCode() != 0)
        return QStringLiteral("<%1 failed: %2>")
            .arg(program, QString::fromUtf8(process.readAllStandardError()));
    return QString::fromUtf8(process.readAllStandardOutput());
}

// pdftotext in reading order; whitespace collapsed so phrases match across wrapped lines.
QString pdfText(const QString &path)
{
    return run(QStringLiteral("pdftotext"),
               { QStringLiteral("-enc"), QStringLiteral("UTF-8"), path, QStringLiteral("-") })
        .simplified();
}

QList<QTextFragment> fragments(const QTextDocument &document)
{
    QList<QTextFragment> all;
    for (QTextBlock block = document.begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it)
            all << it.fragment();
    }
    return all;
}

} // namespace

class tst_RcaExport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pdfIsAValidA4DocumentWithTheFacts();
    void pdfPlaceholdersAreHighlighted();
    void pdfKeepsHostileTextAsText();
    void markdownRendersHostileTextAsText();
    void pdfToAnUnwritablePathFails();
    void dialogDefaultsAndNames();
    void dialogExportsMarkdownAndPdf();
    void dialogShowsErrors();
    void fileMenuExportsFromTheJournal();

private:
    QTemporaryDir m_dir;
};

void tst_RcaExport::pdfIsAValidA4DocumentWithTheFacts()
{
    const QString path = m_dir.filePath(QStringLiteral("rca.pdf"));
    const Result<void> written = RcaPdfWriter::write(RcaReport::build(inputs()), path);
    QVERIFY2(written, written ? "" : qPrintable(written.error().message));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.read(5), QByteArray("%PDF-"));

    // OPSDECK_RCA_SAMPLE_DIR: keep the sample (docs/rca-example.md and docs/rca-page1.png are made from it).
    if (const QString keep = qEnvironmentVariable("OPSDECK_RCA_SAMPLE_DIR"); !keep.isEmpty()) {
        QFile::remove(keep + QStringLiteral("/rca-example.pdf"));
        QFile::copy(path, keep + QStringLiteral("/rca-example.pdf"));
        QFile md(keep + QStringLiteral("/rca-example.md"));
        QVERIFY(md.open(QIODevice::WriteOnly | QIODevice::Truncate));
        md.write(RcaMarkdown::write(RcaReport::build(inputs())).toUtf8());
    }

    const QString info = run(QStringLiteral("pdfinfo"), { path });
    QVERIFY2(info.contains(QLatin1String("(A4)")), qPrintable(info));
    QVERIFY2(info.simplified().contains(QLatin1String("Creator: Opsdeck")), qPrintable(info));
    QVERIFY(
        info.simplified().contains(QStringLiteral("Title: Incident: productservice — 2026-11-26 08:12 UTC")));
    QVERIFY2(info.simplified().contains(QStringLiteral("Pages: 2")),
             qPrintable(info)); // header, summary, tables: two pages

    const QString text = pdfText(path);
    for (const QString &expected : {
             QStringLiteral("INCIDENT REPORT"),
             QStringLiteral("Incident: productservice — 2026-11-26 08:12 UTC"),
             // the header
             QStringLiteral("2026-11-26 08:00 → 09:00 UTC (1 h 00 min)"),
             QStringLiteral("Critical"),
             // the fault, the alert, the actions
             QStringLiteral("Drill database-failure injected into productservice (sim/shop)"),
             QStringLiteral(
                 "breaker-open on productservice (sim/shop): Breaker products-db is Open on stable"),
             QStringLiteral("Breaker products-db Closed → Open"),
             QStringLiteral("restart"),
             QStringLiteral("aks-admin"),
             QStringLiteral("Deployment/productservice spec.replicas: 2 → 4"),
             QStringLiteral("38 s"),
             QStringLiteral("4 min 27 s"),
             // the sections
             QStringLiteral("Summary"),
             QStringLiteral("Detection"),
             QStringLiteral("Impact"),
             QStringLiteral("Response timeline"),
             QStringLiteral("Root cause"),
             QStringLiteral("Resolution"),
             QStringLiteral("Prevention (action items)"),
             QStringLiteral("To be written: the underlying cause"),
             QStringLiteral("Page 1 of"),
         }) {
        // Cells wrap anywhere (also at a '/'): compare without the spaces.
        QVERIFY2(QString(text).remove(QLatin1Char(' ')).contains(QString(expected).remove(QLatin1Char(' '))),
                 qPrintable(expected));
    }
    QVERIFY(!text.contains(QLatin1String("source-down"))); // outside the window

    // Many timeline rows run onto a second page, which is numbered too.
    RcaReport::Inputs in = inputs();
    for (int i = 0; i < 80; ++i) {
        in.timeline << entry(at(8, 20).addSecs(i * 20), TimelineEntry::Kind::Event,
                             TimelineEntry::Severity::Warning, product(), QStringLiteral("Event %1").arg(i),
                             QStringLiteral("Back-off restarting failed container"), QStringLiteral("k8s"),
                             QStringLiteral("ev%1").arg(i));
    }
    const QString longPath = m_dir.filePath(QStringLiteral("long.pdf"));
    QVERIFY(RcaPdfWriter::write(RcaReport::build(in), longPath));
    const QString longText = pdfText(longPath);
    QVERIFY(longText.contains(QLatin1String("Page 2 of")));
    QVERIFY(longText.contains(QLatin1String("Event 79")));
}

void tst_RcaExport::pdfPlaceholdersAreHighlighted()
{
    const std::unique_ptr<QTextDocument> document = RcaPdfWriter::document(RcaReport::build(inputs()));
    int placeholders = 0;
    for (const QTextFragment &fragment : fragments(*document)) {
        if (fragment.text().startsWith(RcaPdfWriter::placeholderMarker())) {
            ++placeholders;
            QVERIFY2(fragment.charFormat().background().style() != Qt::NoBrush, qPrintable(fragment.text()));
            QVERIFY(fragment.charFormat().fontItalic());
        } else {
            QVERIFY2(fragment.charFormat().background().style() == Qt::NoBrush, qPrintable(fragment.text()));
        }
    }
    QVERIFY2(placeholders >= 20, qPrintable(QString::number(placeholders)));
}

void tst_RcaExport::pdfKeepsHostileTextAsText()
{
    RcaReport::Inputs in = inputs();
    in.alerts[1].summary = QStringLiteral("<b>bold</b><script>alert(1)</script>");
    in.timeline[2].detail = QStringLiteral("<a href=\"http://x\">click</a> <img src=\"http://x/i.png\">");
    const RcaReport report = RcaReport::build(in);
    const std::unique_ptr<QTextDocument> document = RcaPdfWriter::document(report);
    for (const QTextFragment &fragment : fragments(*document)) {
        QVERIFY(!fragment.charFormat().isAnchor());
        QVERIFY(!fragment.charFormat().isImageFormat());
        QVERIFY(fragment.charFormat().fontWeight() != QFont::Bold
                || !fragment.text().contains(QLatin1String("bold")));
    }
    const QString plain = document->toPlainText();
    QVERIFY(plain.contains(QLatin1String("<b>bold</b><script>alert(1)</script>")));
    QVERIFY(plain.contains(QLatin1String("<a href=\"http://x\">click</a>")));

    const QString path = m_dir.filePath(QStringLiteral("hostile.pdf"));
    QVERIFY(RcaPdfWriter::write(report, path));
    if (const QString keep = qEnvironmentVariable("OPSDECK_RCA_SAMPLE_DIR"); !keep.isEmpty())
        QFile::copy(path, keep + QStringLiteral("/hostile.pdf"));
    // A long cell wraps anywhere: compare without the spaces.
    QVERIFY(pdfText(path)
                .remove(QLatin1Char(' '))
                .contains(QLatin1String("<b>bold</b><script>alert(1)</script>")));
}

void tst_RcaExport::markdownRendersHostileTextAsText()
{
    RcaReport::Inputs in = inputs();
    in.alerts[1].summary = hostile();
    in.timeline[2].title = QStringLiteral("](http://x)");
    in.journal[1].user = QStringLiteral("[me](javascript:alert(1))");
    const QString md = RcaMarkdown::write(RcaReport::build(in));

    // What a Markdown renderer (Qt's, md4c with GitHub tables) makes of it: the text, no link, no image.
    QTextDocument rendered;
    rendered.setMarkdown(md, QTextDocument::MarkdownDialectGitHub);
    for (const QTextFragment &fragment : fragments(rendered)) {
        QVERIFY2(!fragment.charFormat().isAnchor(), qPrintable(fragment.text()));
        QVERIFY(!fragment.charFormat().isImageFormat());
        if (fragment.text().contains(QLatin1String("bold"))
            && fragment.text().contains(QLatin1String("script")))
            QVERIFY(fragment.charFormat().fontWeight() != QFont::Bold);
    }
    const QString plain = rendered.toPlainText();
    QVERIFY2(plain.contains(QLatin1String("<script>alert(1)</script> [click](http://x) "
                                          "![img](http://x/i.png) | extra | **bold** `code` # heading")),
             qPrintable(plain));
    QVERIFY(plain.contains(QLatin1String("[me](javascript:alert(1))")));
    QVERIFY(plain.contains(QLatin1String("](http://x)")));
    // Placeholders render as emphasis a person can find.
    QVERIFY(plain.contains(QLatin1String("To be written: names")));
}

void tst_RcaExport::pdfToAnUnwritablePathFails()
{
    const Result<void> written = RcaPdfWriter::write(
        RcaReport::build(inputs()), m_dir.filePath(QStringLiteral("missing/folder/rca.pdf")));
    QVERIFY(!written);
    QVERIFY(written.error().message.contains(QLatin1String("missing/folder/rca.pdf")));
}

void tst_RcaExport::dialogDefaultsAndNames()
{
    RcaExportDialog dialog(
        [](const QDateTime &, const QDateTime &) -> Result<RcaReport::Inputs> { return inputs(); });
    // The last hour, ending now.
    QCOMPARE(dialog.from().secsTo(dialog.to()), 3600);
    QVERIFY(qAbs(dialog.to().secsTo(QDateTime::currentDateTimeUtc())) < 60);
    QCOMPARE(dialog.format(), RcaExportDialog::Format::Pdf);
    QVERIFY(dialog.outputPath().endsWith(QLatin1String(".pdf")));

    QCOMPARE(dialog.fromEdit()->accessibleName(), QStringLiteral("From"));
    QCOMPARE(dialog.toEdit()->accessibleName(), QStringLiteral("To"));
    QCOMPARE(dialog.formatPicker()->accessibleName(), QStringLiteral("Format"));
    QVERIFY(!dialog.formatPicker()->view()->accessibleName().isEmpty());
    QCOMPARE(dialog.pathEdit()->accessibleName(), QStringLiteral("Output file"));
    QVERIFY(!dialog.statusLabel()->accessibleName().isEmpty());
    QCOMPARE(dialog.statusLabel()->textFormat(), Qt::PlainText);

    // The extension follows the format.
    dialog.setOutputPath(m_dir.filePath(QStringLiteral("incident.pdf")));
    dialog.setFormat(RcaExportDialog::Format::Markdown);
    QCOMPARE(dialog.outputPath(), m_dir.filePath(QStringLiteral("incident.md")));
    dialog.setFormat(RcaExportDialog::Format::Pdf);
    QCOMPARE(dialog.outputPath(), m_dir.filePath(QStringLiteral("incident.pdf")));
}

void tst_RcaExport::dialogExportsMarkdownAndPdf()
{
    QDateTime askedFrom;
    QDateTime askedTo;
    RcaExportDialog dialog([&](const QDateTime &from, const QDateTime &to) -> Result<RcaReport::Inputs> {
        askedFrom = from;
        askedTo = to;
        return inputs();
    });
    dialog.setWindow(at(8, 0), at(9, 0));
    dialog.setFormat(RcaExportDialog::Format::Markdown);
    dialog.setOutputPath(m_dir.filePath(QStringLiteral("dialog.md")));
    QVERIFY(dialog.exportReport());
    QCOMPARE(askedFrom, at(8, 0));
    QCOMPARE(askedTo, at(9, 0));
    QFile md(dialog.outputPath());
    QVERIFY(md.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(md.readAll());
    QVERIFY(text.contains(QStringLiteral("## Response timeline")));
    QVERIFY(text.contains(QStringLiteral("Drill database-failure injected")));
    QVERIFY(dialog.statusLabel()->text().contains(QLatin1String("dialog.md")));

    dialog.setFormat(RcaExportDialog::Format::Pdf);
    QVERIFY(dialog.exportReport());
    QVERIFY(pdfText(m_dir.filePath(QStringLiteral("dialog.pdf"))).contains(QLatin1String("breaker-open")));
}

void tst_RcaExport::dialogShowsErrors()
{
    RcaExportDialog dialog([](const QDateTime &, const QDateTime &) -> Result<RcaReport::Inputs> {
        return tl::unexpected(Error {
            ErrorKind::Config, QStringLiteral("journal.sqlite: locked"), QStringLiteral("Try again."), {} });
    });
    dialog.setOutputPath(m_dir.filePath(QStringLiteral("never.md")));
    QVERIFY(!dialog.exportReport());
    QVERIFY(dialog.statusLabel()->text().contains(QLatin1String("journal.sqlite: locked")));
    QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("never.md"))));

    dialog.setWindow(at(9, 0), at(8, 0));
    QVERIFY(!dialog.exportReport());
    QVERIFY(dialog.statusLabel()->text().contains(QLatin1String("end after it starts")));
}

void tst_RcaExport::fileMenuExportsFromTheJournal()
{
    SourceListModel sources;
    ServiceStore store;
    MainWindow window(&sources, &store);
    QAction *action = nullptr;
    for (QAction *candidate : window.menuBar()->findChildren<QAction *>()) {
        if (candidate->text() == QStringLiteral("Export &RCA…"))
            action = candidate;
    }
    QVERIFY(action);
    QCOMPARE(action->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_E));

    // Without a journal the dialog says so instead of writing an empty report.
    action->trigger();
    RcaExportDialog *dialog = window.findChild<RcaExportDialog *>();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    dialog->setOutputPath(m_dir.filePath(QStringLiteral("nojournal.md")));
    QVERIFY(!dialog->exportReport());
    QVERIFY(dialog->statusLabel()->text().contains(QLatin1String("No action journal")));
    dialog->close();
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);

    // With the app's journal: the alert log and drill runs in its file land in the report.
    const QString path = m_dir.filePath(QStringLiteral("menu-journal.sqlite"));
    Journal journal;
    QVERIFY(journal.open(path));
    {
        AlertLog log;
        QVERIFY(log.open(path));
        QVERIFY(log.record(inputs().alerts[1]));
    }
    ActionService actions(journal);
    window.setActions(&actions, &journal, true);
    dialog = window.showRcaExport();
    dialog->setWindow(at(8, 0), at(9, 0));
    dialog->setFormat(RcaExportDialog::Format::Markdown);
    dialog->setOutputPath(m_dir.filePath(QStringLiteral("menu.md")));
    QVERIFY(dialog->exportReport());
    QFile md(m_dir.filePath(QStringLiteral("menu.md")));
    QVERIFY(md.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(md.readAll());
    QVERIFY(text.contains(QStringLiteral("breaker-open on productservice")));
    QVERIFY(text.contains(QStringLiteral("Alert breaker-open"))
            || text.contains(QStringLiteral("| alert |")));
    dialog->close();
}

QTEST_MAIN(tst_RcaExport)
#include "tst_rcaexport.moc"
