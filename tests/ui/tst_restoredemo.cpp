// Issue 8's "done when" through the UI, on the real pieces: opsdeck-sim (Kubernetes and Azure SQL, speed 30),
// productservice's database taken down by chaos, the databases read with the azuresql plugin's ARM client and
// parser into a DatabaseStore, the Database tab showing it Offline, and the runbook dialog driving the
// plugin's restore-db provider through ActionService and a journal: preview, typed confirmation, live steps,
// verified healthy on the restored database; then the tab's last drill is that restore. With
// OPSDECK_SCREENSHOT_DIR set it writes restore.png (the runbook running) and database-tab.png (after it). A
// missing sim fails.

#include "actionservice.h"
#include "actiontables.h"
#include "databasepane.h"
#include "databasestore.h"
#include "databasetablemodel.h"
#include "journal.h"
#include "restoreactionprovider.h"
#include "restoreplanform.h"
#include "restorerunbookdialog.h"
#include "simprocess.h"
#include "sqlarmclient.h"
#include "sqldatabaseparser.h"

#include <QCheckBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace Opsdeck;

class tst_RestoreDemo : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void databaseDownThenRestoreFromTheTab();

private:
    // Lists the server's databases as the azuresql source does (all pages, the plugin's parser).
    bool readDatabases();
    void shoot(QWidget *widget, const QString &name);

    QTemporaryDir m_dir;
    std::unique_ptr<SimProcess> m_sim;
    std::optional<AzureConfig> m_azure;
    DatabaseStore m_store;
};

void tst_RestoreDemo::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    registerObservationMetaTypes();
    QVERIFY(m_dir.isValid());
    m_sim = std::make_unique<SimProcess>(QStringLiteral(OPSDECK_SIM_PATH), m_dir.path());
    QVERIFY2(m_sim->start(SimProcess::Options { 30, true, {}, 60000 }), qPrintable(m_sim->errorString()));
    const Result<AzureConfig> azure = AzureConfig::load(m_sim->azureConfigPath());
    QVERIFY2(azure, azure ? "" : qPrintable(toString(azure.error())));
    m_azure = *azure;
}

void tst_RestoreDemo::cleanupTestCase()
{
    m_sim.reset();
}

bool tst_RestoreDemo::readDatabases()
{
    SqlArmClient arm(*m_azure);
    std::optional<Result<QJsonArray>> answer;
    const QString server = QStringLiteral("opsdeck-sql");
    arm.getAll(arm.serverPath(server) + QStringLiteral("/databases"), QStringLiteral("listing databases"),
               this, [&answer](Result<QJsonArray> result) { answer = std::move(result); });
    if (!QTest::qWaitFor([&answer] { return answer.has_value(); }, 30000) || !*answer) {
        qWarning() << "listing failed"
                   << (answer && !*answer ? toString(answer->error()) : QStringLiteral("timeout"));
        return false;
    }
    SqlDatabaseList list { server, {}, QDateTime::currentDateTimeUtc() };
    for (const QJsonValue &value : std::as_const(**answer)) {
        if (const Result<SqlDatabase> db = parseSqlDatabase(value.toObject()); db)
            list.databases << *db;
    }
    ObservationBatch batch;
    batch.sourceId = QStringLiteral("azuresql");
    batch.producedAt = list.fetchedAt;
    batch.observations.push_back(list);
    m_store.apply(batch);
    return true;
}

void tst_RestoreDemo::shoot(QWidget *widget, const QString &name)
{
    const QString dir = qEnvironmentVariable("OPSDECK_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(widget->grab().save(QDir(dir).filePath(name)));
}

void tst_RestoreDemo::databaseDownThenRestoreFromTheTab()
{
    const ServiceKey productservice { QStringLiteral("opsdeck-sim"), QStringLiteral("microservices"),
                                      QStringLiteral("productservice") };
    QCOMPARE(m_sim->chaos({ QStringLiteral("database-down"), QStringLiteral("productservice") }), 0);
    QVERIFY(readDatabases());
    QTRY_VERIFY(!m_store.databasesFor(productservice.name).isEmpty());

    Journal journal;
    QVERIFY(journal.open(m_dir.filePath(QStringLiteral("journal.sqlite"))));
    ActionService actions(journal);
    actions.setUserResolver([](const ServiceKey &) { return QStringLiteral("sim-admin"); });
    RestoreActionProvider provider;
    QVariantMap settings = m_azure->toSettings();
    settings.insert(QStringLiteral("kubeconfig"), m_sim->kubeconfigPath());
    settings.insert(QStringLiteral("context"), productservice.context);
    settings.insert(QStringLiteral("verifyTimeoutSeconds"), 60);
    settings.insert(QStringLiteral("verifyIntervalMs"), 500);
    settings.insert(QStringLiteral("onlineIntervalMs"), 500);
    const Result<void> configured = provider.configure(SourceConfig { QStringLiteral("azuresql"), settings });
    QVERIFY2(configured, configured ? "" : qPrintable(toString(configured.error())));
    actions.addProvider(&provider);

    // The tab: ProductDb Offline after the chaos.
    DatabasePane pane(&m_store);
    pane.setActions(&actions, &journal, false);
    pane.setService(productservice);
    pane.resize(960, 540);
    pane.show();
    const int row = pane.model()->rowOf(QStringLiteral("ProductDb"));
    QVERIFY(row >= 0);
    QCOMPARE(pane.model()->index(row, DatabaseTableModel::StatusColumn).data().toString(),
             QStringLiteral("Unhealthy — Offline"));
    QVERIFY(pane.restoreButton()->isEnabled());

    // The runbook from the tab's button.
    pane.table()->setCurrentIndex(pane.model()->index(row, 0));
    pane.restoreButton()->click();
    RestoreRunbookDialog *dialog = pane.dialog();
    QVERIFY(dialog);
    dialog->resize(1000, 820);
    QCOMPARE(dialog->plan()->database()->name, QStringLiteral("ProductDb"));
    dialog->plan()->repointBox()->setChecked(true);
    QVERIFY2(!dialog->plan()->check(), qPrintable(dialog->plan()->problemLabel()->text()));
    dialog->previewButton()->click();
    QTRY_VERIFY_WITH_TIMEOUT(dialog->stage() != RestoreRunbookDialog::Stage::Previewing, 30000);
    QVERIFY2(dialog->stage() == RestoreRunbookDialog::Stage::Ready,
             qPrintable(dialog->statusLabel()->text()));
    QCOMPARE(dialog->stepsView()->rowCount(), 4);
    QTest::keyClicks(dialog->confirmationEdit(), productservice.name);
    dialog->restoreButton()->click();
    QCOMPARE(dialog->stage(), RestoreRunbookDialog::Stage::Running);

    // Live: catch it mid-way for the picture, then let it finish.
    const auto stateOf = [dialog](int step) {
        const QTableWidgetItem *item = dialog->stepsView()->item(step, ActionTables::StepStateColumn);
        return item ? item->text() : QString();
    };
    QTRY_VERIFY_WITH_TIMEOUT(stateOf(0) == QStringLiteral("Running…")
                                 || dialog->stage() != RestoreRunbookDialog::Stage::Running,
                             30000);
    QTRY_VERIFY_WITH_TIMEOUT(
        dialog->progressBar()->value() > 0 || dialog->stage() != RestoreRunbookDialog::Stage::Running, 60000);
    shoot(dialog, QStringLiteral("restore.png"));
    QTRY_VERIFY_WITH_TIMEOUT(dialog->stage() != RestoreRunbookDialog::Stage::Running, 120000);
    QVERIFY2(dialog->stage() == RestoreRunbookDialog::Stage::Succeeded,
             qPrintable(dialog->verdictLabel()->text() + QLatin1Char('\n') + dialog->adviceLabel()->text()));
    QVERIFY2(dialog->verdictLabel()->text().contains(QStringLiteral("productservice now runs on it")),
             qPrintable(dialog->verdictLabel()->text()));
    for (int step = 0; step < 4; ++step)
        QCOMPARE(stateOf(step), QStringLiteral("Done"));
    shoot(dialog, QStringLiteral("restore-done.png"));
    dialog->close();

    // The tab: the restored database listed, the restore as the last drill, measured against the targets.
    QVERIFY(readDatabases());
    QTRY_VERIFY(pane.model()->rowCount() >= 2);
    QTRY_VERIFY(pane.drillResultLabel()->text().startsWith(QStringLiteral("Succeeded")));
    QVERIFY2(pane.drillRtoLabel()->text().startsWith(QStringLiteral("Within target: took")),
             qPrintable(pane.drillRtoLabel()->text()));
    shoot(&pane, QStringLiteral("database-tab.png"));
}

QTEST_MAIN(tst_RestoreDemo)
#include "tst_restoredemo.moc"
