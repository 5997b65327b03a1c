// `opsdeck act` and `opsdeck journal` as a script runs them (CLI.md, issue 6 §6–7): the real binary,
// its exit statuses and --json, against a fresh opsdeck-sim with kubectl reading the cluster back; and
// against the test-actions plugin (no cluster) for the paths a sim cannot easily produce (a step that
// fails). A missing sim or kubectl fails the test, never skips.

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <signal.h>
#include <sys/prctl.h>

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;

    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

} // namespace

class tst_Cli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void usageErrorsExit2();
    void previewWithoutYesChangesNothing();
    void dryRunPrintsTheDiff();
    void yesAppliesAndKubectlSeesIt();
    void viewerIsRefusedAndJournaled();
    void journalListsEverythingNewestFirst();
    void failedStepExits1();

private:
    Run opsdeck(const QStringList &arguments, const QProcessEnvironment &extra = {}) const;
    QString kubectl(const QStringList &arguments) const;
    QString canaryWeight() const;
    QStringList simArgs(const QString &context = QStringLiteral("opsdeck-sim")) const;

    QTemporaryDir m_dir;
    QProcess m_sim;
    QString m_kubeconfig;
    QString m_dataDir;
};

void tst_Cli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFile::exists(QStringLiteral(OPSDECK_BINARY)), OPSDECK_BINARY " not built");
    QVERIFY2(QFile::exists(QStringLiteral(OPSDECK_SIM_PATH)), OPSDECK_SIM_PATH " not built");
    QVERIFY2(QFile::exists(QStringLiteral(OPSDECK_KUBECTL)), OPSDECK_KUBECTL " is missing (scripts/setup installs it)");
    m_dataDir = m_dir.filePath(QStringLiteral("data"));
    m_kubeconfig = m_dir.filePath(QStringLiteral("sim-kubeconfig"));
    m_sim.setProgram(QStringLiteral(OPSDECK_SIM_PATH));
    m_sim.setArguments({QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--speed"), QStringLiteral("10"),
                        QStringLiteral("--write-kubeconfig"), m_kubeconfig});
    m_sim.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_sim.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    m_sim.start();
    QVERIFY2(m_sim.waitForStarted(10000), qPrintable(m_sim.errorString()));
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += m_sim.readAllStandardOutput()).contains("opsdeck-sim ready"), 30000);
    QCOMPARE(canaryWeight(), QStringLiteral("10"));
}

void tst_Cli::cleanupTestCase()
{
    if (m_sim.state() != QProcess::NotRunning) {
        m_sim.terminate();
        if (!m_sim.waitForFinished(5000))
            m_sim.kill();
        m_sim.waitForFinished(5000);
    }
}

QStringList tst_Cli::simArgs(const QString &context) const
{
    return {QStringLiteral("--kubeconfig"), m_kubeconfig, QStringLiteral("--context"), context, QStringLiteral("--namespace"),
            QStringLiteral("microservices")};
}

Run tst_Cli::opsdeck(const QStringList &arguments, const QProcessEnvironment &extra) const
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("OPSDECK_DATA_DIR"), m_dataDir);
    env.insert(QStringLiteral("HOME"), m_dir.path()); // nothing of the user's
    env.insert(extra);
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(OPSDECK_BINARY), arguments);
    if (!p.waitForFinished(120000)) {
        p.kill();
        p.waitForFinished();
    }
    Run run{p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(), p.readAllStandardError()};
    qDebug().noquote() << "opsdeck" << arguments.join(QLatin1Char(' ')) << "→" << run.exitCode << "\n" << run.err.trimmed();
    return run;
}

QString tst_Cli::kubectl(const QStringList &arguments) const
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), m_dir.path()); // a fresh discovery cache (DESIGN §12)
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(OPSDECK_KUBECTL),
            QStringList{QStringLiteral("--kubeconfig"), m_kubeconfig, QStringLiteral("-n"), QStringLiteral("microservices")} + arguments);
    p.waitForFinished(60000);
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

QString tst_Cli::canaryWeight() const
{
    return kubectl({QStringLiteral("get"), QStringLiteral("ingress/productservice-canary"), QStringLiteral("-o"),
                    QStringLiteral("jsonpath={.metadata.annotations.nginx\\.ingress\\.kubernetes\\.io/canary-weight}")});
}

void tst_Cli::usageErrorsExit2()
{
    QCOMPARE(opsdeck(QStringList{QStringLiteral("act"), QStringLiteral("bogus"), QStringLiteral("--service"), QStringLiteral("x")} + simArgs()).exitCode, 2);
    QCOMPARE(opsdeck(QStringList{QStringLiteral("act"), QStringLiteral("canary-weight"), QStringLiteral("abc"), QStringLiteral("--service"),
                                 QStringLiteral("productservice")} + simArgs()).exitCode, 2);
    QCOMPARE(opsdeck(QStringList{QStringLiteral("act"), QStringLiteral("promote")} + simArgs()).exitCode, 2); // no --service
    QCOMPARE(opsdeck(QStringList{QStringLiteral("act"), QStringLiteral("scale"), QStringLiteral("2"), QStringLiteral("--service"),
                                 QStringLiteral("productservice"), QStringLiteral("--track"), QStringLiteral("both")} + simArgs()).exitCode, 2);
    QCOMPARE(opsdeck(QStringList{QStringLiteral("act"), QStringLiteral("promote"), QStringLiteral("--service"), QStringLiteral("productservice"),
                                 QStringLiteral("--context"), QStringLiteral("nope"), QStringLiteral("--kubeconfig"), m_kubeconfig}).exitCode, 2);
    // Out of range is a refusal (3), not a usage error.
    const Run range = opsdeck(QStringList{QStringLiteral("act"), QStringLiteral("canary-weight"), QStringLiteral("150"), QStringLiteral("--service"),
                                          QStringLiteral("productservice")} + simArgs());
    QCOMPARE(range.exitCode, 3);
    QVERIFY(range.err.contains("out of range"));
    QCOMPARE(canaryWeight(), QStringLiteral("10"));
}

void tst_Cli::previewWithoutYesChangesNothing()
{
    const Run run = opsdeck(QStringList{QStringLiteral("act"), QStringLiteral("canary-weight"), QStringLiteral("--service"),
                                        QStringLiteral("productservice"), QStringLiteral("50")} + simArgs());
    QCOMPARE(run.exitCode, 3);
    QVERIFY2(run.out.contains("Ingress/productservice-canary"), run.out.constData());
    QVERIFY2(run.out.contains("\"10\" → \"50\""), run.out.constData());
    QVERIFY(run.err.contains("--yes"));
    QCOMPARE(canaryWeight(), QStringLiteral("10"));

    const Run json = opsdeck(QStringList{QStringLiteral("act"), QStringLiteral("canary-weight"), QStringLiteral("--service"),
                                         QStringLiteral("productservice"), QStringLiteral("50"), QStringLiteral("--json")} + simArgs());
    QCOMPARE(json.exitCode, 3);
    const QJsonObject o = json.json();
    QCOMPARE(o.value(QStringLiteral("status")).toString(), QStringLiteral("previewed"));
    QCOMPARE(o.value(QStringLiteral("action")).toString(), QStringLiteral("canary-weight"));
    QCOMPARE(o.value(QStringLiteral("service")).toString(), QStringLiteral("productservice"));
    QCOMPARE(o.value(QStringLiteral("namespace")).toString(), QStringLiteral("microservices"));
    QCOMPARE(o.value(QStringLiteral("context")).toString(), QStringLiteral("opsdeck-sim"));
    QCOMPARE(o.value(QStringLiteral("track")).toString(), QStringLiteral("canary"));
    QVERIFY(o.value(QStringLiteral("journalId")).isNull());
    const QJsonObject change = o.value(QStringLiteral("changes")).toArray().at(0).toObject();
    QCOMPARE(change.value(QStringLiteral("from")).toString(), QStringLiteral("10"));
    QCOMPARE(change.value(QStringLiteral("to")).toString(), QStringLiteral("50"));
    QCOMPARE(canaryWeight(), QStringLiteral("10"));
}

void tst_Cli::dryRunPrintsTheDiff()
{
    const Run run = opsdeck(QStringList{QStringLiteral("act"), QStringLiteral("canary-weight"), QStringLiteral("--service"),
                                        QStringLiteral("productservice"), QStringLiteral("75"), QStringLiteral("--dry-run")} + simArgs());
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains("\"10\" → \"75\""), run.out.constData());
    QCOMPARE(canaryWeight(), QStringLiteral("10"));
}

void tst_Cli::yesAppliesAndKubectlSeesIt()
{
    const Run run = opsdeck(QStringList{QStringLiteral("act"), QStringLiteral("canary-weight"), QStringLiteral("--service"),
                                        QStringLiteral("productservice"), QStringLiteral("25"), QStringLiteral("--yes"), QStringLiteral("--json")}
                            + simArgs());
    QCOMPARE(run.exitCode, 0);
    const QJsonObject o = run.json();
    QCOMPARE(o.value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
    QVERIFY(o.value(QStringLiteral("journalId")).toInteger() > 0);
    QVERIFY(!o.contains(QStringLiteral("error")));
    bool sawWeight = false;
    for (const QJsonValue &v : o.value(QStringLiteral("changes")).toArray())
        sawWeight |= v.toObject().value(QStringLiteral("to")).toString() == QLatin1String("25");
    QVERIFY2(sawWeight, run.out.constData());
    QCOMPARE(canaryWeight(), QStringLiteral("25"));
}

void tst_Cli::viewerIsRefusedAndJournaled()
{
    const Run run = opsdeck(QStringList{QStringLiteral("act"), QStringLiteral("canary-weight"), QStringLiteral("--service"),
                                        QStringLiteral("productservice"), QStringLiteral("50"), QStringLiteral("--yes"), QStringLiteral("--json")}
                            + simArgs(QStringLiteral("opsdeck-sim-viewer")));
    QCOMPARE(run.exitCode, 3);
    const QJsonObject o = run.json();
    QCOMPARE(o.value(QStringLiteral("status")).toString(), QStringLiteral("refused"));
    QVERIFY(o.value(QStringLiteral("journalId")).toInteger() > 0);
    QVERIFY2(o.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().contains(QStringLiteral("viewer")),
             run.out.constData());
    QVERIFY(run.err.contains("viewer"));
    QCOMPARE(canaryWeight(), QStringLiteral("25"));
}

void tst_Cli::journalListsEverythingNewestFirst()
{
    const Run run = opsdeck({QStringLiteral("journal"), QStringLiteral("--json")});
    QCOMPARE(run.exitCode, 0);
    const QJsonArray entries = run.json().value(QStringLiteral("entries")).toArray();
    QCOMPARE(entries.size(), 2); // previews and dry runs change nothing and are not journaled
    const QJsonObject refused = entries.at(0).toObject();
    const QJsonObject applied = entries.at(1).toObject();
    QCOMPARE(refused.value(QStringLiteral("status")).toString(), QStringLiteral("refused"));
    QCOMPARE(refused.value(QStringLiteral("user")).toString(), QStringLiteral("viewer"));
    QCOMPARE(refused.value(QStringLiteral("context")).toString(), QStringLiteral("opsdeck-sim-viewer"));
    QCOMPARE(applied.value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
    QCOMPARE(applied.value(QStringLiteral("action")).toString(), QStringLiteral("canary-weight"));
    QCOMPARE(applied.value(QStringLiteral("user")).toString(), QStringLiteral("admin"));
    QCOMPARE(applied.value(QStringLiteral("target")).toObject().value(QStringLiteral("service")).toString(), QStringLiteral("productservice"));
    QCOMPARE(applied.value(QStringLiteral("request")).toObject().value(QStringLiteral("confirmation")).toString(), QStringLiteral("--yes"));
    QVERIFY(!applied.value(QStringLiteral("finishedAt")).toString().isEmpty());

    const Run table = opsdeck({QStringLiteral("journal")});
    QCOMPARE(table.exitCode, 0);
    const QList<QByteArray> lines = table.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 3);
    QVERIFY(lines.at(0).startsWith("ID"));
    QVERIFY(lines.at(1).contains("refused"));
    QVERIFY(lines.at(2).contains("succeeded"));
    QVERIFY(lines.at(2).contains("weight=25"));
}

void tst_Cli::failedStepExits1()
{
    // The test-actions plugin: a promote whose second step gets a 500.
    const QString kubeconfig = m_dir.filePath(QStringLiteral("test-kubeconfig"));
    QFile file(kubeconfig);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("apiVersion: v1\nkind: Config\ncurrent-context: test\nclusters:\n- name: test\n  cluster:\n    server: https://127.0.0.1:1\n"
               "users:\n- name: tester\n  user:\n    token: t\ncontexts:\n- name: test\n  context:\n    cluster: test\n    user: tester\n"
               "    namespace: shop\n");
    file.close();
    QProcessEnvironment env;
    env.insert(QStringLiteral("OPSDECK_ACTION_PLUGIN"), QStringLiteral("test-actions"));
    env.insert(QStringLiteral("OPSDECK_TEST_ACTIONS_STATE"), m_dir.filePath(QStringLiteral("test-state.json")));
    env.insert(QStringLiteral("OPSDECK_TEST_ACTIONS_FAIL"), QStringLiteral("promote"));
    env.insert(QStringLiteral("OPSDECK_DATA_DIR"), m_dir.filePath(QStringLiteral("test-data")));
    const Run run = opsdeck({QStringLiteral("act"), QStringLiteral("promote"), QStringLiteral("--service"), QStringLiteral("cartservice"),
                             QStringLiteral("--kubeconfig"), kubeconfig, QStringLiteral("--yes"), QStringLiteral("--json")},
                            env);
    QCOMPARE(run.exitCode, 1);
    QCOMPARE(run.json().value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
    QCOMPARE(run.json().value(QStringLiteral("namespace")).toString(), QStringLiteral("shop"));
    QVERIFY(run.err.contains("[1/4]")); // progress on stderr
    const Run journal = opsdeck({QStringLiteral("journal"), QStringLiteral("--json")}, env);
    const QJsonObject entry = journal.json().value(QStringLiteral("entries")).toArray().at(0).toObject();
    QCOMPARE(entry.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
    const QJsonArray steps = entry.value(QStringLiteral("result")).toObject().value(QStringLiteral("steps")).toArray();
    QCOMPARE(steps.size(), 4);
    QCOMPARE(steps.at(0).toObject().value(QStringLiteral("state")).toString(), QStringLiteral("succeeded"));
    QCOMPARE(steps.at(1).toObject().value(QStringLiteral("httpStatus")).toInt(), 500);

    // Scale on the same plugin succeeds: exit 0.
    env.insert(QStringLiteral("OPSDECK_TEST_ACTIONS_FAIL"), QString());
    const Run scale = opsdeck({QStringLiteral("act"), QStringLiteral("scale"), QStringLiteral("4"), QStringLiteral("--service"),
                               QStringLiteral("cartservice"), QStringLiteral("--kubeconfig"), kubeconfig, QStringLiteral("--yes")},
                              env);
    QCOMPARE(scale.exitCode, 0);
    QVERIFY(scale.out.contains("succeeded"));
}

QTEST_GUILESS_MAIN(tst_Cli)
#include "tst_cli.moc"
