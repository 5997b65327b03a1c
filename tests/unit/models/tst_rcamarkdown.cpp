// RcaMarkdown: the template's sections in order, the prefilled facts (fault, alert, actions), placeholders
// for what people must write, and server text that cannot inject Markdown or HTML.

#include "rcafixture.h"
#include "rcamarkdown.h"
#include "rcareport.h"

#include <QRegularExpression>
#include <QTest>

using namespace Opsdeck;
using namespace RcaFixture;

namespace {

QString section(const QString &md, const QString &heading)
{
    const qsizetype start = md.indexOf(QStringLiteral("\n## ") + heading + QLatin1Char('\n'));
    if (start < 0)
        return {};
    const qsizetype end = md.indexOf(QStringLiteral("\n## "), start + 4);
    return md.mid(start, end < 0 ? -1 : end - start);
}

// Table cells split at unescaped pipes.
int unescapedPipes(const QString &line)
{
    int pipes = 0;
    for (qsizetype i = 0; i < line.size(); ++i) {
        if (line[i] == QLatin1Char('\\')) {
            ++i;
            continue;
        }
        pipes += line[i] == QLatin1Char('|');
    }
    return pipes;
}

} // namespace

class tst_RcaMarkdown : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sectionsInOrder();
    void header();
    void prefilledContent();
    void placeholdersMarked();
    void hostileServerText();
    void tablesKeepTheirColumns();
    void escape_data();
    void escape();
};

void tst_RcaMarkdown::sectionsInOrder()
{
    const QString md = RcaMarkdown::write(RcaReport::build(inputs()));
    QVERIFY(md.startsWith(QStringLiteral("# Incident: productservice — 2026-11-26 08:12 UTC\n")));
    const QStringList headings { QStringLiteral("Summary"),
                                 QStringLiteral("Detection"),
                                 QStringLiteral("Impact"),
                                 QStringLiteral("Response timeline"),
                                 QStringLiteral("Root cause"),
                                 QStringLiteral("Resolution"),
                                 QStringLiteral("Prevention (action items)") };
    qsizetype last = -1;
    for (const QString &heading : headings) {
        const qsizetype at = md.indexOf(QStringLiteral("\n## ") + heading + QLatin1Char('\n'));
        QVERIFY2(at > last, qPrintable(heading));
        last = at;
    }
}

void tst_RcaMarkdown::header()
{
    const QString md = RcaMarkdown::write(RcaReport::build(inputs()));
    QVERIFY(md.contains(QStringLiteral("| **Window** | 2026-11-26 08:00 → 09:00 UTC (1 h 00 min) |")));
    QVERIFY(md.contains(QStringLiteral("| **Services affected** | productservice (sim/shop) |")));
    QVERIFY(md.contains(QStringLiteral("| **Severity** | Critical (highest alert) |")));
    QVERIFY(md.contains(QStringLiteral("| **Authors** | _To be written:_ names |")));
    QVERIFY(md.contains(QStringLiteral("| **Reviewers** | _To be written:_ names |")));
    QVERIFY(md.contains(
        QStringLiteral("2026-11-26 09:02:10 UTC by Opsdeck from journal, alert log, drill runs")));
}

void tst_RcaMarkdown::prefilledContent()
{
    const QString md = RcaMarkdown::write(RcaReport::build(inputs()));
    const QString summary = section(md, QStringLiteral("Summary"));
    QVERIFY(summary.contains(QStringLiteral(
        "- **First fault:** 08:12:03 — Drill database-failure injected into productservice (sim/shop)")));
    QVERIFY(summary.contains(QStringLiteral("- **First alert:** 08:12:41 — breaker-open on productservice")));
    QVERIFY(summary.contains(QStringLiteral("- **Time to detect:** 38 s")));
    QVERIFY(summary.contains(QStringLiteral("- **Resolved:** 08:16:30 (time to resolve: 4 min 27 s)")));
    QVERIFY(summary.contains(QStringLiteral("- **Actions taken:** 2")));

    const QString detection = section(md, QStringLiteral("Detection"));
    QVERIFY(detection.contains(
        QStringLiteral("| 08:12:41 | 08:16:30 (3 min 49 s) | critical | breaker-open | productservice | "
                       "Breaker products-db is Open on stable | alice at 08:13:05 |")));
    QVERIFY(detection.contains(QStringLiteral("pods-not-ready")));
    QVERIFY(!detection.contains(QStringLiteral("source-down"))); // before the window

    QVERIFY(section(md, QStringLiteral("Impact"))
                .contains(QStringLiteral("- productservice (sim/shop): alerting for 3 min 49 s")));

    const QString timeline = section(md, QStringLiteral("Response timeline"));
    QVERIFY(timeline.contains(QStringLiteral("| 08:12:03 | drill | warning | productservice | Drill "
                                             "database-failure: fault injected | drills |")));
    QVERIFY(timeline.contains(QStringLiteral("Breaker products-db Closed → Open")));
    QCOMPARE(timeline.count(QStringLiteral("restart productservice succeeded")), 1);
    QVERIFY(timeline.indexOf(QStringLiteral("08:12:03")) < timeline.indexOf(QStringLiteral("08:12:41")));

    QVERIFY(section(md, QStringLiteral("Root cause"))
                .contains(QStringLiteral("**database-failure** drill into productservice")));

    const QString resolution = section(md, QStringLiteral("Resolution"));
    QVERIFY(resolution.contains(QStringLiteral(
        "| 08:13:30 | 08:14:05 | aks-admin | restart | productservice (stable) | succeeded: done |")));
    QVERIFY(resolution.contains(QStringLiteral("scale (replicas=4)")));
    QVERIFY(resolution.contains(QStringLiteral("Deployment/productservice spec.replicas: 2 → 4")));
    QVERIFY(resolution.contains(QStringLiteral(
        "| database-failure | productservice | 08:12:03 | 38 s | 08:15:10 | 4 min 27 s | recovered |")));
}

void tst_RcaMarkdown::placeholdersMarked()
{
    const QString md = RcaMarkdown::write(RcaReport::build(inputs()));
    const QString marker = RcaMarkdown::placeholderMarker();
    QCOMPARE(marker, QStringLiteral("_To be written:_"));
    for (const QString &heading :
         { QStringLiteral("Summary"), QStringLiteral("Detection"), QStringLiteral("Impact"),
           QStringLiteral("Root cause"), QStringLiteral("Resolution"),
           QStringLiteral("Prevention (action items)") })
        QVERIFY2(section(md, heading).contains(marker), qPrintable(heading));
    // The response timeline is Opsdeck's to fill, not a person's.
    QVERIFY(!section(md, QStringLiteral("Response timeline")).contains(marker));
    QVERIFY(md.count(marker) >= 20);
    // With no alert the severity and the services are for a person too.
    RcaReport::Inputs in = inputs();
    in.from = at(10, 0);
    in.to = at(11, 0);
    const QString empty = RcaMarkdown::write(RcaReport::build(in));
    QVERIFY(empty.contains(QStringLiteral("| **Severity** | _To be written:_ severity |")));
    QVERIFY(empty.contains(QStringLiteral("| **Services affected** | _To be written:_ none found")));
    QVERIFY(empty.contains(QStringLiteral("No alert was active in the window.")));
    QVERIFY(empty.contains(QStringLiteral("No action was taken through Opsdeck in the window.")));
}

void tst_RcaMarkdown::hostileServerText()
{
    RcaReport::Inputs in = inputs();
    in.alerts[1].summary = hostile();
    in.alerts[1].acknowledgedBy = QStringLiteral("<img src=x onerror=alert(1)>");
    in.timeline[2].detail = hostile();
    in.timeline[2].title = QStringLiteral("](http://x)");
    in.journal[1].user = QStringLiteral("[me](javascript:alert(1))");
    in.journal[1].message = QStringLiteral("<iframe src=http://x>");
    in.title = QStringLiteral("<h1>pwned</h1>");
    const QString md = RcaMarkdown::write(RcaReport::build(in));

    for (const QString &bad : { QStringLiteral("<script"), QStringLiteral("<img"), QStringLiteral("<iframe"),
                                QStringLiteral("<h1"), QStringLiteral("![img]"), QStringLiteral("**bold**"),
                                QStringLiteral("`code`"), QStringLiteral("\n# heading") })
        QVERIFY2(!md.contains(bad), qPrintable(bad));
    QVERIFY(md.contains(QStringLiteral("&lt;script&gt;alert(1)&lt;/script&gt; \\[click\\](http://x)")));
    QVERIFY(md.contains(QStringLiteral("\\](http://x)")));
    // No link can start: every `]` and `[` of server text is escaped.
    QVERIFY(!md.contains(QRegularExpression(QStringLiteral("(?<!\\\\)\\]\\("))));
    QVERIFY(!md.contains(QRegularExpression(QStringLiteral("(?<!\\\\)\\[(click|me|img)"))));
    QVERIFY(md.startsWith(QStringLiteral("# &lt;h1&gt;pwned&lt;/h1&gt;\n")));
}

void tst_RcaMarkdown::tablesKeepTheirColumns()
{
    RcaReport::Inputs in = inputs();
    in.alerts[1].summary = hostile(); // pipes and a newline in a cell
    in.timeline[2].detail = QStringLiteral("a | b | c\n| d |");
    const QString md = RcaMarkdown::write(RcaReport::build(in));
    // Every line of a table has as many unescaped pipes as its header row.
    int expected = -1;
    int tables = 0;
    for (const QString &line : md.split(QLatin1Char('\n'))) {
        if (!line.startsWith(QLatin1Char('|'))) {
            expected = -1;
            continue;
        }
        if (expected < 0) {
            expected = unescapedPipes(line);
            ++tables;
        }
        QVERIFY2(unescapedPipes(line) == expected, qPrintable(line));
    }
    QCOMPARE(tables, 6); // header, alerts, timeline, actions, drills, action items
}

void tst_RcaMarkdown::escape_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("escaped");
    QTest::newRow("plain") << QStringLiteral("Readiness probe failed: 503")
                           << QStringLiteral("Readiness probe failed: 503");
    QTest::newRow("html") << QStringLiteral("<b>x</b> & y") << QStringLiteral("&lt;b&gt;x&lt;/b&gt; &amp; y");
    QTest::newRow("link") << QStringLiteral("[a](http://x)") << QStringLiteral("\\[a\\](http://x)");
    QTest::newRow("emphasis") << QStringLiteral("*a* _b_ ~c~") << QStringLiteral("\\*a\\* \\_b\\_ \\~c\\~");
    QTest::newRow("code and pipes") << QStringLiteral("`x` | y") << QStringLiteral("\\`x\\` \\| y");
    QTest::newRow("backslash") << QStringLiteral("C:\\temp\\*") << QStringLiteral("C:\\\\temp\\\\\\*");
    QTest::newRow("newlines") << QStringLiteral("one\n# two\r\nthree")
                              << QStringLiteral("one \\# two  three");
    QTest::newRow("controls and bidi") << QStringLiteral("a\x01"
                                                         "b\u202E"
                                                         "c")
                                       << QStringLiteral("abc");
    QTest::newRow("entity stays text") << QStringLiteral("&lt;") << QStringLiteral("&amp;lt;");
}

void tst_RcaMarkdown::escape()
{
    QFETCH(QString, text);
    QFETCH(QString, escaped);
    QCOMPARE(RcaMarkdown::escape(text), escaped);
}

QTEST_GUILESS_MAIN(tst_RcaMarkdown)
#include "tst_rcamarkdown.moc"
