// `opsdeck rca` end to end: the real binary, no display, on a journal file seeded with the fixture's
// actions, alerts and drill (through Journal, AlertLog and DrillStore, as the app writes them).

#include "alertlog.h"
#include "drillstore.h"
#include "journal.h"
#include "rcafixture.h"
#include "simprocess.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

using namespace Opsdeck;
using namespace RcaFixture;

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

} // namespace

class tst_RcaCommand : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void markdown();
    void pdfWithoutADisplay();
    void markdownToStdout();
    void usageErrors_data();
    void usageErrors();
    void unwritableOutputFails();
    void kubernetesEventsFromTheCluster();

private:
    Run rca(const QStringList &arguments) const;
    QTemporaryDir m_dir;
    QString m_dataDir;
    QString m_runtimeDir;
};

Run tst_RcaCommand::rca(const QStringList &arguments) const
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("OPSDECK_DATA_DIR"), m_dataDir);
    env.remove(QStringLiteral("QT_QPA_PLATFORM")); // the command picks offscreen itself
    env.remove(QStringLiteral("DISPLAY"));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"),
               m_runtimeDir); // as in a desktop session (Qt warns without one)
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(OPSDECK_BINARY), QStringList { QStringLiteral("rca") } + arguments);
    Run run;
    if (!process.waitForFinished(60000))
        return run;
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

void tst_RcaCommand::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_dataDir = m_dir.filePath(QStringLiteral("data"));
    QVERIFY(QDir().mkpath(m_dataDir));
    m_runtimeDir = m_dir.filePath(QStringLiteral("runtime"));
    QVERIFY(QDir().mkpath(m_runtimeDir));
    QVERIFY(QFile::setPermissions(m_runtimeDir,
                                  QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
    const QString path = m_dataDir + QStringLiteral("/journal.sqlite");
    const RcaReport::Inputs seed = inputs();

    Journal journal;
    QVERIFY(journal.open(path));
    for (JournalEntry entry : seed.journal) {
        entry.id = 0;
        QVERIFY(journal.add(entry));
    }
    AlertLog alerts;
    QVERIFY(alerts.open(path));
    for (const Alert &alert : seed.alerts)
        QVERIFY(alerts.record(alert));
    DrillStore drills;
    QVERIFY(drills.open(path));
    QVERIFY(drills.add(drill()));
}

void tst_RcaCommand::markdown()
{
    const QString output = m_dir.filePath(QStringLiteral("incident.md"));
    const Run run
        = rca({ QStringLiteral("--from"), QStringLiteral("2026-11-26T08:00:00Z"), QStringLiteral("--to"),
                QStringLiteral("2026-11-26T09:00:00Z"), QStringLiteral("--format"), QStringLiteral("md"),
                QStringLiteral("--output"), output });
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY2(run.out.startsWith(QStringLiteral("Wrote %1: 2 alerts, 2 actions,").arg(output)),
             qPrintable(run.out));
    QFile file(output);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QString md = QString::fromUtf8(file.readAll());
    for (const QString &expected : {
             QStringLiteral("# Incident: productservice — 2026-11-26 08:12 UTC"),
             QStringLiteral("- **First fault:** 08:12:03 — Drill database-failure injected into "
                            "productservice (sim/shop)"),
             QStringLiteral("- **First alert:** 08:12:41 — breaker-open on productservice"),
             QStringLiteral("- **Time to detect:** 38 s"),
             QStringLiteral("| 08:13:30 | 08:14:05 | aks-admin | restart |"),
             QStringLiteral("Deployment/productservice spec.replicas: 2 → 4"),
             QStringLiteral("| database-failure | productservice | 08:12:03 | 38 s |"),
             QStringLiteral("_To be written:_ the underlying cause"),
             QStringLiteral("## Response timeline"),
         })
        QVERIFY2(md.contains(expected), qPrintable(expected));
    // The timeline is built from the journal, the alert log and the drill: each has its rows.
    const QString timeline = md.section(QStringLiteral("## Response timeline"), 1)
                                 .section(QStringLiteral("## Root cause"), 0, 0);
    QVERIFY(timeline.contains(QStringLiteral("| action |")));
    QVERIFY(timeline.contains(QStringLiteral("| alert |")));
    QVERIFY(timeline.contains(QStringLiteral("| drill |")));
    QVERIFY(!md.contains(QStringLiteral("source-down"))); // 07:10, before the window
    QVERIFY(!md.contains(QStringLiteral("canary-weight"))); // 07:30, before the window
}

void tst_RcaCommand::pdfWithoutADisplay()
{
    const QString output = m_dir.filePath(QStringLiteral("incident.pdf"));
    const Run run = rca({ QStringLiteral("--from"), QStringLiteral("2026-11-26T09:00:00+01:00"),
                          QStringLiteral("--to"), QStringLiteral("2026-11-26T09:00:00"),
                          QStringLiteral("--format"), QStringLiteral("pdf"), QStringLiteral("--output"),
                          output, QStringLiteral("--title"), QStringLiteral("Product catalogue down") });
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QFile file(output);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.read(5), QByteArray("%PDF-"));
    QProcess pdftotext;
    pdftotext.start(QStringLiteral("pdftotext"),
                    { QStringLiteral("-enc"), QStringLiteral("UTF-8"), output, QStringLiteral("-") });
    QVERIFY(pdftotext.waitForFinished(30000));
    const QString text
        = QString::fromUtf8(pdftotext.readAllStandardOutput()).simplified().remove(QLatin1Char(' '));
    for (QString expected :
         { QStringLiteral("Product catalogue down"),
           QStringLiteral("Drill database-failure injected into productservice"),
           QStringLiteral("breaker-open"), QStringLiteral("restart"), QStringLiteral("aks-admin"),
           QStringLiteral("To be written:"), QStringLiteral("Page 1 of") })
        QVERIFY2(text.contains(expected.remove(QLatin1Char(' '))), qPrintable(expected));
}

void tst_RcaCommand::markdownToStdout()
{
    const Run run
        = rca({ QStringLiteral("--from"), QStringLiteral("2026-11-26T08:00:00Z"), QStringLiteral("--to"),
                QStringLiteral("2026-11-26T09:00:00Z"), QStringLiteral("--output"), QStringLiteral("-") });
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY(run.out.startsWith(QStringLiteral("# Incident: productservice")));
    QVERIFY(run.out.contains(QStringLiteral("## Prevention (action items)")));
}

void tst_RcaCommand::usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    const QString from = QStringLiteral("2026-11-26T08:00:00Z");
    const QString to = QStringLiteral("2026-11-26T09:00:00Z");
    const QString out = QStringLiteral("never.md");
    QTest::newRow("bad --from") << QStringList { QStringLiteral("--from"),   QStringLiteral("yesterday"),
                                                 QStringLiteral("--to"),     to,
                                                 QStringLiteral("--output"), out }
                                << QStringLiteral("--from 'yesterday' is not an ISO 8601 time");
    QTest::newRow("bad --to") << QStringList { QStringLiteral("--from"),   from,
                                               QStringLiteral("--to"),     QStringLiteral("2026-13-40T99:00"),
                                               QStringLiteral("--output"), out }
                              << QStringLiteral("--to '2026-13-40T99:00' is not an ISO 8601 time");
    QTest::newRow("to before from") << QStringList {
        QStringLiteral("--from"), to, QStringLiteral("--to"), from, QStringLiteral("--output"), out
    } << QStringLiteral("--to must be after --from");
    QTest::newRow("unknown format") << QStringList { QStringLiteral("--from"),   from,
                                                     QStringLiteral("--to"),     to,
                                                     QStringLiteral("--format"), QStringLiteral("docx"),
                                                     QStringLiteral("--output"), out }
                                    << QStringLiteral("unknown format 'docx'");
    QTest::newRow("no format, no extension")
        << QStringList { QStringLiteral("--from"),   from,
                         QStringLiteral("--to"),     to,
                         QStringLiteral("--output"), QStringLiteral("never") }
        << QStringLiteral("--format md|pdf is required");
    QTest::newRow("missing --output") << QStringList { QStringLiteral("--from"),   from,
                                                       QStringLiteral("--to"),     to,
                                                       QStringLiteral("--format"), QStringLiteral("md") }
                                      << QStringLiteral("--output is required");
    QTest::newRow("pdf to stdout") << QStringList { QStringLiteral("--from"),   from,
                                                    QStringLiteral("--to"),     to,
                                                    QStringLiteral("--format"), QStringLiteral("pdf"),
                                                    QStringLiteral("--output"), QStringLiteral("-") }
                                   << QStringLiteral("a PDF needs a file");
    QTest::newRow("unknown flag") << QStringList { QStringLiteral("--since"), from }
                                  << QStringLiteral("Unknown option 'since'");
}

void tst_RcaCommand::usageErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const QString cwd = QDir::currentPath();
    QDir::setCurrent(m_dir.path());
    const Run run = rca(arguments);
    QDir::setCurrent(cwd);
    QCOMPARE(run.exitCode, 2);
    // One line on stderr naming the command and what is wrong (CLI.md).
    QVERIFY2(run.err.startsWith(QLatin1String("opsdeck rca: ")) && run.err.contains(message)
                 && run.err.count(QLatin1Char('\n')) == 1,
             qPrintable(run.err));
    QVERIFY(run.out.isEmpty());
    QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("never.md"))));
    QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("never"))));
}

void tst_RcaCommand::unwritableOutputFails()
{
    for (const QString &format : { QStringLiteral("md"), QStringLiteral("pdf") }) {
        const Run run = rca({ QStringLiteral("--from"), QStringLiteral("2026-11-26T08:00:00Z"),
                              QStringLiteral("--to"), QStringLiteral("2026-11-26T09:00:00Z"),
                              QStringLiteral("--format"), format, QStringLiteral("--output"),
                              m_dir.filePath(QStringLiteral("no/such/dir/rca.") + format) });
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(QLatin1String("no/such/dir/rca.")), qPrintable(run.err));
    }
}

void tst_RcaCommand::kubernetesEventsFromTheCluster()
{
    QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("sim"))));
    SimProcess sim(QStringLiteral(OPSDECK_SIM_PATH), m_dir.filePath(QStringLiteral("sim")));
    QVERIFY2(sim.start({ .speed = 20, .azure = false }), qPrintable(sim.errorString()));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QStringList window { QStringLiteral("--from"),   now.addSecs(-3600).toString(Qt::ISODate),
                               QStringLiteral("--to"),     now.addSecs(600).toString(Qt::ISODate),
                               QStringLiteral("--output"), QStringLiteral("-") };
    const Run run = rca(
        window
        + QStringList { QStringLiteral("--events"), QStringLiteral("--kubeconfig"), sim.kubeconfigPath() });
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    // The sim's start (Scheduled, SuccessfulCreate, ScalingReplicaSet …) is on the timeline.
    QVERIFY2(run.out.contains(QStringLiteral("| event | ")), qPrintable(run.out.left(3000)));
    QVERIFY(run.out.contains(QStringLiteral("kubernetes:")));
    QVERIFY(run.out.contains(QStringLiteral("Kubernetes Events")));

    // An unreadable kubeconfig is a usage error; nothing is written.
    const Run bad = rca(window
                        + QStringList { QStringLiteral("--events"), QStringLiteral("--kubeconfig"),
                                        m_dir.filePath(QStringLiteral("missing.yaml")) });
    QCOMPARE(bad.exitCode, 2);
    QVERIFY(bad.out.isEmpty());
}

QTEST_GUILESS_MAIN(tst_RcaCommand)
#include "tst_rcacommand.moc"
