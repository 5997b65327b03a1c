// The point-in-time restore runbook end to end against opsdeck-sim (issue 8): productservice's database
// taken down by chaos, restore-db with repoint through ActionService and the journal → the Secret names the
// restored database and the service is verified healthy; chaos restore-fail → the failure names the
// restore step; a name clash is refused; a provider stopped mid-LRO is resumed from the journal by a new
// one; and `opsdeck act restore-db` as a script runs it (exit 3 for a preview or a clash, 0 when healthy).

#include "actionservice.h"
#include "journal.h"
#include "observation.h"
#include "restoreactionprovider.h"
#include "simprocess.h"
#include "sqlarmclient.h"

#include <QDir>
#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Opsdeck;

namespace {

ServiceKey serviceKey(const QString &name)
{
    return ServiceKey { QStringLiteral("opsdeck-sim"), QStringLiteral("microservices"), name };
}

} // namespace

class TestRestore : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<SimProcess> m_sim;
    std::optional<AzureConfig> m_azure;

    QVariantMap settings() const
    {
        QVariantMap s = m_azure->toSettings();
        s.insert(QStringLiteral("kubeconfig"), m_sim->kubeconfigPath());
        s.insert(QStringLiteral("context"), QStringLiteral("opsdeck-sim"));
        s.insert(QStringLiteral("verifyTimeoutSeconds"), 60);
        s.insert(QStringLiteral("verifyIntervalMs"), 500);
        s.insert(QStringLiteral("onlineIntervalMs"), 500);
        return s;
    }

    std::unique_ptr<RestoreActionProvider> provider() const
    {
        auto p = std::make_unique<RestoreActionProvider>();
        const Result<void> configured = p->configure(SourceConfig { QStringLiteral("azuresql"), settings() });
        if (!configured)
            qWarning() << toString(configured.error());
        return p;
    }

    // A point inside the window by the sim's clock: its earliestRestoreDate + 7 days is its "now".
    QString pointFor(const QString &database)
    {
        SqlArmClient arm(*m_azure);
        QJsonObject object;
        bool done = false;
        arm.get(arm.databasePath(QStringLiteral("opsdeck-sql"), database), QStringLiteral("reading"), this,
                [&](const ArmReply &reply) {
                    object = reply.object;
                    done = true;
                });
        if (!QTest::qWaitFor([&] { return done; }, 20000))
            return {};
        const QDateTime earliest = QDateTime::fromString(
            object.value(u"properties").toObject().value(u"earliestRestoreDate").toString(),
            Qt::ISODateWithMs);
        return earliest.addDays(7).addSecs(-600).toUTC().toString(Qt::ISODate);
    }

    QString secretValue(const QString &name, const QString &key)
    {
        QProcess kubectl;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), m_dir.filePath(QStringLiteral("home"))); // a fresh discovery cache
        kubectl.setProcessEnvironment(env);
        kubectl.start(QStringLiteral("kubectl"),
                      { QStringLiteral("--kubeconfig"), m_sim->kubeconfigPath(), QStringLiteral("get"),
                        QStringLiteral("secret"), name, QStringLiteral("-o"),
                        QStringLiteral("jsonpath={.data.%1}").arg(key) });
        if (!kubectl.waitForFinished(60000) || kubectl.exitCode() != 0)
            return QStringLiteral("kubectl failed: ") + QString::fromUtf8(kubectl.readAllStandardError());
        return QString::fromUtf8(QByteArray::fromBase64(kubectl.readAllStandardOutput()));
    }

    struct Run
    {
        std::optional<ActionPreview> preview;
        std::optional<Error> refused;
        std::optional<OperationStatus> finished;
        qint64 journalId = 0;
    };

    // Preview, confirm with the typed service name, wait until final (or a refusal).
    Run runAction(ActionService &service, const ActionRequest &request, int timeoutMs = 90000)
    {
        Run run;
        QSignalSpy previews(&service, &ActionService::previewReady);
        QSignalSpy refusals(&service, &ActionService::refused);
        QSignalSpy failures(&service, &ActionService::failed);
        QSignalSpy finished(&service, &ActionService::finished);
        const Result<QUuid> id = service.preview(request);
        if (!id) {
            run.refused = id.error();
            return run;
        }
        if (!QTest::qWaitFor(
                [&] { return !previews.isEmpty() || !refusals.isEmpty() || !failures.isEmpty(); }, 30000))
            return run;
        if (!refusals.isEmpty()) {
            run.refused = refusals.at(0).at(1).value<Error>();
            return run;
        }
        if (!failures.isEmpty()) {
            run.refused = failures.at(0).at(1).value<Error>();
            return run;
        }
        run.preview = previews.at(0).at(0).value<ActionPreview>();
        const Result<qint64> journalId
            = service.confirm(*id,
                              ActionService::Confirmation { ActionService::Confirmation::Method::TypedName,
                                                            request.service.name });
        if (!journalId) {
            run.refused = journalId.error();
            return run;
        }
        run.journalId = *journalId;
        if (QTest::qWaitFor([&] { return !finished.isEmpty(); }, timeoutMs))
            run.finished = finished.at(0).at(0).value<OperationStatus>();
        return run;
    }

    ActionRequest restoreRequest(const QString &service, const QString &database, const QString &newName,
                                 bool repoint)
    {
        ActionRequest r;
        r.id = QUuid::createUuid();
        r.actionId = QStringLiteral("restore-db");
        r.service = serviceKey(service);
        r.parameters = { { QStringLiteral("database"), database },
                         { QStringLiteral("pointInTime"), pointFor(database) },
                         { QStringLiteral("repoint"), repoint } };
        if (!newName.isEmpty())
            r.parameters.insert(QStringLiteral("newName"), newName);
        return r;
    }

    int runCli(const QStringList &arguments, QString *out, QString *err)
    {
        QProcess opsdeck;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("OPSDECK_DATA_DIR"), m_dir.filePath(QStringLiteral("cli-data")));
        env.insert(QStringLiteral("OPSDECK_PLUGIN_PATH"), QStringLiteral(OPSDECK_PLUGIN_BUILD_DIR));
        opsdeck.setProcessEnvironment(env);
        opsdeck.start(QStringLiteral(OPSDECK_APP_PATH),
                      QStringList { QStringLiteral("act"), QStringLiteral("restore-db"),
                                    QStringLiteral("--kubeconfig"), m_sim->kubeconfigPath(),
                                    QStringLiteral("--azure-config"), m_sim->azureConfigPath() }
                          + arguments);
        if (!opsdeck.waitForFinished(120000)) {
            opsdeck.kill();
            return -1;
        }
        *out = QString::fromUtf8(opsdeck.readAllStandardOutput());
        *err = QString::fromUtf8(opsdeck.readAllStandardError());
        return opsdeck.exitCode();
    }

private Q_SLOTS:
    void initTestCase()
    {
        registerObservationMetaTypes();
        QVERIFY(m_dir.isValid());
        m_sim = std::make_unique<SimProcess>(QStringLiteral(OPSDECK_SIM_PATH), m_dir.path());
        QVERIFY2(m_sim->start(SimProcess::Options { 30, true, {}, 60000 }), qPrintable(m_sim->errorString()));
        const Result<AzureConfig> azure = AzureConfig::load(m_sim->azureConfigPath());
        QVERIFY2(azure, azure ? "" : qPrintable(toString(azure.error())));
        m_azure = *azure;
    }

    void cleanupTestCase() { m_sim.reset(); }

    void databaseDownThenRestoreWithRepoint()
    {
        QCOMPARE(m_sim->chaos({ QStringLiteral("database-down"), QStringLiteral("productservice") }), 0);
        Journal journal;
        QVERIFY(journal.open(m_dir.filePath(QStringLiteral("journal-a.sqlite"))));
        ActionService service(journal);
        auto p = provider();
        service.addProvider(p.get());
        const QList<ActionDescriptor> offered
            = service.actionsFor(serviceKey(QStringLiteral("productservice")));
        QCOMPARE(offered.size(), 1);
        QCOMPARE(offered[0].id, QStringLiteral("restore-db"));
        QVERIFY(offered[0].destructive);

        const Run run = runAction(
            service, restoreRequest(QStringLiteral("productservice"), QStringLiteral("ProductDb"), {}, true));
        QVERIFY2(!run.refused, run.refused ? qPrintable(toString(*run.refused)) : "");
        QVERIFY(run.preview);
        QCOMPARE(run.preview->steps.size(), 4);
        // The preview's diff: the database, the Secret with the password masked, both Deployments.
        QStringList lines;
        for (const ActionChange &c : run.preview->changes)
            lines << QStringLiteral("%1/%2 %3: %4 -> %5").arg(c.kind, c.name, c.field, c.from, c.to);
        const QString diff = lines.join(u'\n');
        QVERIFY2(diff.contains(QStringLiteral("Secret/productservice-db data.connectionString")),
                 qPrintable(diff));
        QVERIFY2(diff.contains(QStringLiteral("Password=*****")), qPrintable(diff));
        QVERIFY2(!diff.contains(QRegularExpression(QStringLiteral("Password=(?!\\*)"))), qPrintable(diff));
        QVERIFY2(diff.contains(QStringLiteral("Deployment/productservice-stable")), qPrintable(diff));
        QVERIFY2(diff.contains(QStringLiteral("Deployment/productservice-canary")), qPrintable(diff));
        // Nothing changed by the preview: the Secret still names ProductDb.
        QVERIFY(run.finished);
        const OperationStatus &status = *run.finished;
        QVERIFY2(status.state == OperationStatus::State::Succeeded, qPrintable(status.message));
        const QString restored = status.parameters.value(QStringLiteral("restoredDatabase")).toString();
        QVERIFY(restored.startsWith(QStringLiteral("ProductDb-restored-")));
        QCOMPARE(secretValue(QStringLiteral("productservice-db"), QStringLiteral("database")), restored);
        QVERIFY(secretValue(QStringLiteral("productservice-db"), QStringLiteral("connectionString"))
                    .contains(QStringLiteral("Initial Catalog=%1;").arg(restored)));
        // Journaled step by step, with the operation's URL for a resume and no password in any request.
        const Result<JournalEntry> entry = journal.entry(run.journalId);
        QVERIFY(entry);
        QCOMPARE(toString(entry->status), toString(JournalStatus::Succeeded));
        QCOMPARE(entry->steps.size(), 4);
        for (const ActionStep &step : entry->steps) {
            QCOMPARE(int(step.state), int(ActionStep::State::Succeeded));
            QVERIFY(!step.request.isEmpty());
            QVERIFY2(!step.request.contains(QRegularExpression(QStringLiteral("Password=(?!\\*)"))),
                     qPrintable(step.request));
        }
        QVERIFY(entry->steps[0].request.contains(QStringLiteral("PointInTimeRestore")));
        QVERIFY(entry->parameters.value(QStringLiteral("operationUrl"))
                    .toString()
                    .contains(QStringLiteral("databaseAzureAsyncOperation")));
    }

    void restoreFailNamesTheRestoreStep()
    {
        QCOMPARE(m_sim->chaos({ QStringLiteral("restore-fail"), QStringLiteral("orderservice") }), 0);
        Journal journal;
        QVERIFY(journal.open(m_dir.filePath(QStringLiteral("journal-b.sqlite"))));
        ActionService service(journal);
        auto p = provider();
        service.addProvider(p.get());
        const Run run = runAction(service,
                                  restoreRequest(QStringLiteral("orderservice"), QStringLiteral("OrderDb"),
                                                 QStringLiteral("OrderDb-failing"), true));
        QVERIFY(run.finished);
        QVERIFY(run.finished->state == OperationStatus::State::Failed);
        QVERIFY(run.finished->error);
        QVERIFY2(run.finished->error->message.startsWith(QStringLiteral("step 1 \"Restore OrderDb")),
                 qPrintable(run.finished->error->message));
        QVERIFY2(run.finished->error->message.contains(QStringLiteral("DatabaseRestoreFailed")),
                 qPrintable(run.finished->error->message));
        QVERIFY(!run.finished->error->hint.isEmpty());
        QCOMPARE(int(run.finished->steps[1].state), int(ActionStep::State::Pending)); // the Secret untouched
        QCOMPARE(secretValue(QStringLiteral("orderservice-db"), QStringLiteral("database")),
                 QStringLiteral("OrderDb"));
    }

    void nameClashIsRefused()
    {
        Journal journal;
        QVERIFY(journal.open(m_dir.filePath(QStringLiteral("journal-c.sqlite"))));
        ActionService service(journal);
        auto p = provider();
        service.addProvider(p.get());
        const Run run = runAction(service,
                                  restoreRequest(QStringLiteral("orderservice"), QStringLiteral("OrderDb"),
                                                 QStringLiteral("NotificationDb"), false));
        QVERIFY(run.refused);
        QVERIFY2(run.refused->kind == ErrorKind::Conflict, qPrintable(toString(*run.refused)));
        QVERIFY(run.refused->message.contains(QStringLiteral("already exists")));
        QVERIFY(!run.journalId);
    }

    void resumedFromTheJournalByANewProvider()
    {
        const QString path = m_dir.filePath(QStringLiteral("journal-d.sqlite"));
        qint64 journalId = 0;
        QString operationUrl;
        {
            Journal journal;
            QVERIFY(journal.open(path));
            ActionService service(journal);
            auto first = provider();
            service.addProvider(first.get());
            QSignalSpy previews(&service, &ActionService::previewReady);
            QSignalSpy changes(&service, &ActionService::operationChanged);
            const ActionRequest request
                = restoreRequest(QStringLiteral("notificationservice"), QStringLiteral("NotificationDb"),
                                 QStringLiteral("NotificationDb-resumed"), false);
            const Result<QUuid> id = service.preview(request);
            QVERIFY(id);
            QVERIFY(previews.wait(30000));
            const Result<qint64> confirmed
                = service.confirm(*id, { ActionService::Confirmation::Method::CommandLineYes, {} });
            QVERIFY(confirmed);
            journalId = *confirmed;
            // Stop the provider as soon as the LRO is being tracked (the app killed mid-restore).
            QVERIFY(QTest::qWaitFor(
                [&] {
                    return !changes.isEmpty()
                        && changes.constLast().at(0).value<OperationStatus>().parameters.contains(
                            QStringLiteral("operationUrl"));
                },
                30000));
            operationUrl = changes.constLast()
                               .at(0)
                               .value<OperationStatus>()
                               .parameters.value(QStringLiteral("operationUrl"))
                               .toString();
            first.reset();
        }
        Journal journal;
        QVERIFY(journal.open(path));
        const Result<QList<JournalEntry>> interrupted = journal.interrupted();
        QVERIFY(interrupted);
        QCOMPARE(interrupted->size(), 1);
        QCOMPARE(interrupted->at(0).parameters.value(QStringLiteral("operationUrl")).toString(),
                 operationUrl);
        ActionService service(journal);
        auto second = provider();
        service.addProvider(second.get());
        QSignalSpy finished(&service, &ActionService::finished);
        QVERIFY(service.resume(journalId));
        QVERIFY(QTest::qWaitFor([&] { return !finished.isEmpty(); }, 90000));
        const OperationStatus status = finished.at(0).at(0).value<OperationStatus>();
        QVERIFY2(status.state == OperationStatus::State::Succeeded, qPrintable(status.message));
        QCOMPARE(status.parameters.value(QStringLiteral("restoredDatabase")).toString(),
                 QStringLiteral("NotificationDb-resumed"));
        QCOMPARE(status.parameters.value(QStringLiteral("operationUrl")).toString(),
                 operationUrl); // the same operation
        QCOMPARE(toString(journal.entry(journalId)->status), toString(JournalStatus::Succeeded));
    }

    // The "killed during the restore": `opsdeck act restore-db` is killed (SIGKILL, no chance to
    // write anything) while the LRO runs; the next start finds the journal entry interrupted, with the
    // operation's URL, and a new provider tracks that same operation to the end.
    void killedCommandIsResumedFromItsJournal()
    {
        const QString dataDir = m_dir.filePath(QStringLiteral("killed-data"));
        QProcess opsdeck;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("OPSDECK_DATA_DIR"), dataDir);
        env.insert(QStringLiteral("OPSDECK_PLUGIN_PATH"), QStringLiteral(OPSDECK_PLUGIN_BUILD_DIR));
        opsdeck.setProcessEnvironment(env);
        opsdeck.start(QStringLiteral(OPSDECK_APP_PATH),
                      { QStringLiteral("act"), QStringLiteral("restore-db"), QStringLiteral("--kubeconfig"),
                        m_sim->kubeconfigPath(), QStringLiteral("--azure-config"), m_sim->azureConfigPath(),
                        QStringLiteral("--service"), QStringLiteral("productservice"), QStringLiteral("--database"),
                        QStringLiteral("ProductDb"), QStringLiteral("--point-in-time"), pointFor(QStringLiteral("ProductDb")),
                        QStringLiteral("--new-name"), QStringLiteral("ProductDb-killed"), QStringLiteral("--yes") });
        QVERIFY(opsdeck.waitForStarted(10000));
        // Kill it once the restore is being tracked: its progress names the LRO's percent.
        QString said;
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         said += QString::fromUtf8(opsdeck.readAllStandardError());
                         return said.contains(QStringLiteral("[1/3]")) && said.contains(QLatin1Char('%'));
                     },
                     60000),
                 qPrintable(said));
        opsdeck.kill();
        QVERIFY(opsdeck.waitForFinished(10000));

        Journal journal;
        QVERIFY(journal.open(QDir(dataDir).filePath(QStringLiteral("journal.sqlite"))));
        const Result<QList<JournalEntry>> interrupted = journal.interrupted();
        QVERIFY(interrupted);
        QCOMPARE(interrupted->size(), 1);
        const JournalEntry entry = interrupted->constFirst();
        QCOMPARE(entry.action, QStringLiteral("restore-db"));
        const QString operationUrl = entry.parameters.value(QStringLiteral("operationUrl")).toString();
        QVERIFY2(!operationUrl.isEmpty(), "the journal kept no operation URL to resume from");

        ActionService service(journal);
        auto resumed = provider();
        service.addProvider(resumed.get());
        QSignalSpy finished(&service, &ActionService::finished);
        QVERIFY(service.resume(entry.id));
        QVERIFY(QTest::qWaitFor([&] { return !finished.isEmpty(); }, 90000));
        const OperationStatus status = finished.at(0).at(0).value<OperationStatus>();
        QVERIFY2(status.state == OperationStatus::State::Succeeded, qPrintable(status.message));
        QCOMPARE(status.parameters.value(QStringLiteral("operationUrl")).toString(), operationUrl);
        QCOMPARE(status.parameters.value(QStringLiteral("restoredDatabase")).toString(), QStringLiteral("ProductDb-killed"));
        QCOMPARE(toString(journal.entry(entry.id)->status), toString(JournalStatus::Succeeded));
    }

    void commandLine()
    {
        QString out;
        QString err;
        const QString point = pointFor(QStringLiteral("OrderDb"));
        // No --yes: the preview, exit 3, nothing done.
        QCOMPARE(runCli({ QStringLiteral("--service"), QStringLiteral("orderservice"),
                          QStringLiteral("--database"), QStringLiteral("OrderDb"),
                          QStringLiteral("--point-in-time"), point, QStringLiteral("--new-name"),
                          QStringLiteral("OrderDb-cli"), QStringLiteral("--repoint") },
                        &out, &err),
                 3);
        QVERIFY2(out.contains(QStringLiteral("1. Restore OrderDb to")), qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("Password=*****")), qPrintable(out));
        // A clash: exit 3.
        QCOMPARE(runCli({ QStringLiteral("--service"), QStringLiteral("orderservice"),
                          QStringLiteral("--database"), QStringLiteral("OrderDb"),
                          QStringLiteral("--point-in-time"), point, QStringLiteral("--new-name"),
                          QStringLiteral("ProductDb"), QStringLiteral("--yes"), QStringLiteral("--json") },
                        &out, &err),
                 3);
        QCOMPARE(QJsonDocument::fromJson(out.toUtf8()).object().value(u"status").toString(),
                 QStringLiteral("refused"));
        // Applied: exit 0 once verified healthy, progress on stderr.
        QCOMPARE(runCli({ QStringLiteral("--service"), QStringLiteral("orderservice"),
                          QStringLiteral("--database"), QStringLiteral("OrderDb"),
                          QStringLiteral("--point-in-time"), point, QStringLiteral("--new-name"),
                          QStringLiteral("OrderDb-cli"), QStringLiteral("--repoint"), QStringLiteral("--yes"),
                          QStringLiteral("--json") },
                        &out, &err),
                 0);
        const QJsonObject json = QJsonDocument::fromJson(out.toUtf8()).object();
        QCOMPARE(json.value(u"status").toString(), QStringLiteral("succeeded"));
        QCOMPARE(json.value(u"action").toString(), QStringLiteral("restore-db"));
        QVERIFY2(err.contains(QStringLiteral("[4/4]")), qPrintable(err));
        QCOMPARE(secretValue(QStringLiteral("orderservice-db"), QStringLiteral("database")),
                 QStringLiteral("OrderDb-cli"));
    }
};

QTEST_GUILESS_MAIN(TestRestore)
#include "tst_restore.moc"
