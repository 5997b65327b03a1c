// The Database tab offscreen (issue 8): a DatabaseStore fed synthetic SqlDatabaseList observations, the
// table's cells (status in the house vocabulary, earliest restore point in local time and UTC, SKU), stale
// data marked, the RPO/RTO targets from QSettings, the last restore drill read from a real journal (over
// and within the targets), the restore button hidden in read-only mode and opening the runbook for the
// selected database, and the main window's "&Database" tab. Run with TZ=Europe/Berlin (ctest sets it).
// With OPSDECK_SCREENSHOT_DIR set it writes database-tab.png.

#include "actionservice.h"
#include "databasepane.h"
#include "databasestore.h"
#include "databasetablemodel.h"
#include "estatebuilder.h"
#include "fakeclock.h"
#include "fakerestoreprovider.h"
#include "journal.h"
#include "mainwindow.h"
#include "restoreplanform.h"
#include "restorerunbookdialog.h"
#include "servicestore.h"
#include "sourcelistmodel.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace Opsdeck;

namespace {

ServiceKey productservice()
{
    return ServiceKey { QStringLiteral("sim"), QStringLiteral("microservices"),
                        QStringLiteral("productservice") };
}

SqlDatabase database(const QString &name, const QString &service, const QString &status,
                     const QDateTime &earliest)
{
    SqlDatabase db;
    db.name = name;
    db.server = QStringLiteral("opsdeck-sql");
    db.armId
        = QStringLiteral(
              "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/opsdeck-sql/databases/")
        + name;
    db.service = service;
    db.location = QStringLiteral("westeurope");
    db.status = status;
    db.sku = QStringLiteral("GP_Gen5_2");
    db.creationDate = earliest.addDays(-30);
    db.earliestRestoreDate = earliest;
    return db;
}

ObservationBatch batch(const QList<SqlDatabase> &databases, const QDateTime &fetchedAt)
{
    ObservationBatch b;
    b.sourceId = QStringLiteral("azuresql");
    b.producedAt = fetchedAt;
    b.observations.push_back(SqlDatabaseList { QStringLiteral("opsdeck-sql"), databases, fetchedAt });
    return b;
}

JournalEntry restoreEntry(const ServiceKey &service, const QDateTime &started, qint64 seconds,
                          JournalStatus status, const QDateTime &point)
{
    JournalEntry e;
    e.requestId = QUuid::createUuid();
    e.startedAt = started;
    e.updatedAt = started.addSecs(seconds);
    e.finishedAt = status == JournalStatus::Started ? QDateTime() : started.addSecs(seconds);
    e.user = QStringLiteral("sre-admin");
    e.service = service;
    e.action = QStringLiteral("restore-db");
    e.parameters = { { QStringLiteral("database"), QStringLiteral("ProductDb") },
                     { QStringLiteral("pointInTime"), point.toUTC().toString(Qt::ISODate) },
                     { QStringLiteral("newName"), QStringLiteral("ProductDb-restored-1") },
                     { QStringLiteral("repoint"), true } };
    e.confirmation = QStringLiteral("typed productservice");
    e.status = status;
    e.message = status == JournalStatus::Failed ? QStringLiteral("Verify failed") : QStringLiteral("done");
    if (status == JournalStatus::Failed)
        e.error = Error {
            ErrorKind::Timeout, QStringLiteral("productservice is not healthy after 300 s"), {}, std::nullopt
        };
    return e;
}

} // namespace

class tst_DatabasePane : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void showsTheServicesDatabases();
    void staleWhenTheSourceIsQuiet();
    void targetsComeFromSettings();
    void lastDrillAgainstTheTargets();
    void readOnlyHidesTheRestore();
    void restoreOpensTheRunbookForTheSelectedDatabase();
    void mainWindowHasTheDatabaseTab();
    void screenshot();

private:
    QDateTime m_now;
    FakeClock m_clock; // fresh for every test (init)
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Journal> m_journal;
    std::unique_ptr<FakeRestoreProvider> m_provider;
    std::unique_ptr<ActionService> m_actions;
    std::unique_ptr<DatabaseStore> m_store;
};

void tst_DatabasePane::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("opsdeck-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_ui_databasepane"));
    QLocale::setDefault(QLocale::c());
}

void tst_DatabasePane::init()
{
    QSettings().clear();
    m_clock = FakeClock();
    m_now = m_clock.wallNow();
    m_dir = std::make_unique<QTemporaryDir>();
    m_journal = std::make_unique<Journal>();
    QVERIFY(m_journal->open(m_dir->filePath(QStringLiteral("journal.sqlite"))));
    m_provider = std::make_unique<FakeRestoreProvider>();
    m_actions = std::make_unique<ActionService>(*m_journal);
    m_actions->addProvider(m_provider.get());
    m_store = std::make_unique<DatabaseStore>();
    const QDateTime earliest(QDate(2024, 12, 25), QTime(12, 0, 30), QTimeZone::utc());
    m_store->apply(
        batch({ database(QStringLiteral("ProductDb"), QStringLiteral("productservice"),
                         QStringLiteral("Online"), earliest),
                database(QStringLiteral("OrderDb"), QStringLiteral("orderservice"), QStringLiteral("Online"),
                         earliest),
                database(QStringLiteral("master"), QString(), QStringLiteral("Online"), earliest) },
              m_now));
}

void tst_DatabasePane::cleanup()
{
    m_actions.reset();
    m_provider.reset();
    m_journal.reset();
    m_dir.reset();
    m_store.reset();
    QSettings().clear();
}

void tst_DatabasePane::showsTheServicesDatabases()
{
    DatabasePane pane(m_store.get(), m_clock);
    QAbstractItemModelTester tester(pane.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    pane.setService(productservice());
    pane.show();
    DatabaseTableModel *model = pane.model();
    QTRY_COMPARE(model->rowCount(), 1);
    QCOMPARE(pane.table()->accessibleName(), QStringLiteral("Databases"));
    const auto cell = [model](int column) {
        return model->index(0, column).data().toString();
    };
    QCOMPARE(cell(DatabaseTableModel::NameColumn), QStringLiteral("ProductDb"));
    QCOMPARE(cell(DatabaseTableModel::StatusColumn), QStringLiteral("Healthy — Online"));
    QCOMPARE(toString(model->index(0, 1).data(DatabaseTableModel::HealthRole).value<Health>()),
             toString(Health::Healthy));
    // Local time (CET in December) and UTC, both spelled out.
    QCOMPARE(cell(DatabaseTableModel::EarliestLocalColumn), QStringLiteral("2024-12-25 13:00:30 CET"));
    QCOMPARE(cell(DatabaseTableModel::EarliestUtcColumn), QStringLiteral("2024-12-25 12:00:30 UTC"));
    QCOMPARE(cell(DatabaseTableModel::SkuColumn), QStringLiteral("GP_Gen5_2"));
    QCOMPARE(cell(DatabaseTableModel::ServerColumn), QStringLiteral("opsdeck-sql"));
    QVERIFY(pane.summaryLabel()->text().startsWith(
        QStringLiteral("1 database(s) of productservice, read 0 s ago")));

    // The next poll: the database went offline (chaos database-down); the row stays, its status changes.
    QSignalSpy reset(model, &QAbstractItemModel::modelReset);
    QSignalSpy changed(model, &QAbstractItemModel::dataChanged);
    const QDateTime earliest(QDate(2024, 12, 25), QTime(12, 1, 30), QTimeZone::utc());
    m_store->apply(batch({ database(QStringLiteral("ProductDb"), QStringLiteral("productservice"),
                                    QStringLiteral("Offline"), earliest) },
                         m_now));
    QTRY_COMPARE(cell(DatabaseTableModel::StatusColumn), QStringLiteral("Unhealthy — Offline"));
    QCOMPARE(toString(model->index(0, 1).data(DatabaseTableModel::HealthRole).value<Health>()),
             toString(Health::Unhealthy));
    QCOMPARE(reset.count(), 0);
    QVERIFY(changed.count() >= 1);

    // A restored database tagged for the service joins the list.
    m_store->apply(
        batch({ database(QStringLiteral("ProductDb"), QStringLiteral("productservice"),
                         QStringLiteral("Offline"), earliest),
                database(QStringLiteral("ProductDb-restored-202412251155"), QStringLiteral("productservice"),
                         QStringLiteral("Restoring"), QDateTime()) },
              m_now));
    QTRY_COMPARE(model->rowCount(), 2);
    QCOMPARE(model->index(1, DatabaseTableModel::StatusColumn).data().toString(),
             QStringLiteral("Degraded — Restoring"));
    QCOMPARE(model->index(1, DatabaseTableModel::EarliestUtcColumn).data().toString(), QStringLiteral("—"));

    // Another service sees its own; none tagged says so.
    pane.setService(ServiceKey { QStringLiteral("sim"), QStringLiteral("microservices"),
                                 QStringLiteral("orderservice") });
    QCOMPARE(model->rowCount(), 0); // OrderDb left with the last list (it replaces the server's)
    QVERIFY(pane.summaryLabel()->text().contains(
        QStringLiteral("No Azure SQL database is tagged Service=orderservice")));
    pane.setService({});
    QCOMPARE(pane.summaryLabel()->text(), QStringLiteral("Select a service to see its databases."));
}

void tst_DatabasePane::staleWhenTheSourceIsQuiet()
{
    DatabasePane pane(m_store.get(), m_clock);
    pane.setService(productservice());
    QCOMPARE(toString(pane.model()->index(0, 1).data(DatabaseTableModel::HealthRole).value<Health>()),
             toString(Health::Healthy));
    m_clock.advance(std::chrono::seconds(DatabasePane::StaleAfterSeconds + 60));
    pane.refresh();
    QCOMPARE(toString(pane.model()->index(0, 1).data(DatabaseTableModel::HealthRole).value<Health>()),
             toString(Health::Stale));
    QCOMPARE(pane.model()->index(0, 1).data().toString(), QStringLiteral("Stale — Online"));
    QVERIFY2(pane.summaryLabel()->text().contains(QStringLiteral("stale, 4 min")),
             qPrintable(pane.summaryLabel()->text()));
}

void tst_DatabasePane::targetsComeFromSettings()
{
    {
        DatabasePane pane(m_store.get(), m_clock);
        QVERIFY2(pane.targetsLabel()->text().startsWith(QStringLiteral("RPO target: 5 min")),
                 qPrintable(pane.targetsLabel()->text()));
        QVERIFY(pane.targetsLabel()->text().contains(QStringLiteral("RTO target: 30 min")));
    }
    QSettings().setValue(QStringLiteral("restore/rpoMinutes"), 15);
    QSettings().setValue(QStringLiteral("restore/rtoMinutes"), 20);
    DatabasePane pane(m_store.get(), m_clock);
    QVERIFY(pane.targetsLabel()->text().startsWith(QStringLiteral("RPO target: 15 min")));
    QVERIFY(pane.targetsLabel()->text().contains(QStringLiteral("RTO target: 20 min")));
    QCOMPARE(DatabasePane::rpoMinutes(), 15);
    QCOMPARE(DatabasePane::rtoMinutes(), 20);
}

void tst_DatabasePane::lastDrillAgainstTheTargets()
{
    DatabasePane pane(m_store.get(), m_clock);
    pane.setActions(m_actions.get(), m_journal.get(), false);
    pane.setService(productservice());
    QVERIFY(pane.drillWhenLabel()->text().startsWith(
        QStringLiteral("No restore of productservice in the journal yet.")));

    // 42 minutes, restore point 8 minutes before it began: over both default targets (RTO 30, RPO 5).
    const QDateTime started = m_now.addSecs(-2 * 3600);
    QVERIFY(m_journal->add(restoreEntry(productservice(), started, 42 * 60, JournalStatus::Succeeded,
                                        started.addSecs(-8 * 60))));
    QTRY_VERIFY(pane.drillResultLabel()->text().startsWith(QStringLiteral("Succeeded")));
    QVERIFY2(pane.drillWhenLabel()->text().startsWith(
                 QStringLiteral("2025-01-01 11:00:00 CET (2025-01-01 10:00:00 UTC), 2 h ago")),
             qPrintable(pane.drillWhenLabel()->text()));
    QVERIFY(pane.drillWhenLabel()->text().contains(QStringLiteral("ProductDb → ProductDb-restored-1")));
    QCOMPARE(pane.drillRtoLabel()->text(),
             QStringLiteral("OVER target: took 42 min, the RTO target is 30 min (12 min over)."));
    QVERIFY2(pane.drillRpoLabel()->text().startsWith(QStringLiteral(
                 "OVER target: restore point 2025-01-01 09:52:00 UTC, 8 min before the restore began")),
             qPrintable(pane.drillRpoLabel()->text()));

    // A newer one within both; another service's restore and another action do not count.
    const QDateTime later = m_now.addSecs(-3600);
    QVERIFY(m_journal->add(
        restoreEntry(productservice(), later, 12 * 60 + 30, JournalStatus::Succeeded, later.addSecs(-120))));
    JournalEntry other = restoreEntry(
        ServiceKey { QStringLiteral("sim"), QStringLiteral("microservices"), QStringLiteral("orderservice") },
        m_now.addSecs(-60), 3600, JournalStatus::Succeeded, m_now.addSecs(-7200));
    QVERIFY(m_journal->add(other));
    QTRY_COMPARE(pane.drillRtoLabel()->text(),
                 QStringLiteral("Within target: took 12 min 30 s, the RTO target is 30 min."));
    QVERIFY(pane.drillRpoLabel()->text().startsWith(QStringLiteral("Within target: restore point")));

    // A failed one is not a recovery time.
    QVERIFY(m_journal->add(restoreEntry(productservice(), m_now.addSecs(-600), 300, JournalStatus::Failed,
                                        m_now.addSecs(-900))));
    QTRY_VERIFY(pane.drillResultLabel()->text().startsWith(
        QStringLiteral("Failed: productservice is not healthy after 300 s")));
    QVERIFY(pane.drillRtoLabel()->text().startsWith(QStringLiteral("Not measured")));

    // Tighter settings are read again.
    QSettings().setValue(QStringLiteral("restore/rtoMinutes"), 1);
    QVERIFY(m_journal->add(restoreEntry(productservice(), m_now.addSecs(-300), 120, JournalStatus::Succeeded,
                                        m_now.addSecs(-360))));
    pane.refresh();
    QCOMPARE(pane.drillRtoLabel()->text(),
             QStringLiteral("OVER target: took 2 min, the RTO target is 1 min (1 min over)."));
}

void tst_DatabasePane::readOnlyHidesTheRestore()
{
    DatabasePane pane(m_store.get(), m_clock);
    pane.setActions(m_actions.get(), m_journal.get(), true);
    pane.setService(productservice());
    pane.show();
    QVERIFY(!pane.restoreButton()->isVisible());
    QVERIFY(!pane.restoreAction()->isEnabled());
    QVERIFY(!pane.openRestoreDialog());
    // The last drill is still shown (reading is not acting).
    QVERIFY(pane.drillWhenLabel()->isVisible());

    DatabasePane acting(m_store.get(), m_clock);
    acting.setActions(m_actions.get(), m_journal.get(), false);
    acting.setService(productservice());
    acting.show();
    QVERIFY(acting.restoreButton()->isVisible());
    QVERIFY(acting.restoreButton()->isEnabled());
    QCOMPARE(acting.restoreButton()->accessibleName(), QStringLiteral("Restore to a point in time"));
    QCOMPARE(acting.restoreAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_B));

    // Without a plugin offering restore-db (no Azure session yet) the button says why instead.
    ActionService bare(*m_journal);
    DatabasePane waiting(m_store.get(), m_clock);
    waiting.setActions(&bare, m_journal.get(), false);
    waiting.setService(productservice());
    waiting.show();
    QVERIFY(waiting.restoreButton()->isVisible());
    QVERIFY(!waiting.restoreButton()->isEnabled());
    QVERIFY(waiting.restoreButton()->toolTip().contains(QStringLiteral("No plugin offers the restore")));
}

void tst_DatabasePane::restoreOpensTheRunbookForTheSelectedDatabase()
{
    const QDateTime earliest = QDateTime::currentDateTimeUtc().addDays(-7);
    m_store->apply(batch({ database(QStringLiteral("ProductDb"), QStringLiteral("productservice"),
                                    QStringLiteral("Offline"), earliest),
                           database(QStringLiteral("ProductDb-audit"), QStringLiteral("productservice"),
                                    QStringLiteral("Online"), earliest) },
                         m_now));
    DatabasePane pane(m_store.get()); // the real clock: the runbook checks the point against now
    pane.setActions(m_actions.get(), m_journal.get(), false);
    pane.setService(productservice());
    pane.show();
    QTRY_COMPARE(pane.model()->rowCount(), 2);
    pane.table()->setCurrentIndex(pane.model()->index(1, 0));
    QSignalSpy opened(&pane, &DatabasePane::dialogOpened);
    pane.restoreButton()->click();
    QCOMPARE(opened.count(), 1);
    RestoreRunbookDialog *dialog = pane.dialog();
    QVERIFY(dialog);
    QCOMPARE(dialog->service(), productservice());
    QCOMPARE(dialog->plan()->database()->name, QStringLiteral("ProductDb-audit"));
    QCOMPARE(dialog->plan()->databasePicker()->count(), 2);
    // A poll while it is open reaches the runbook.
    m_store->apply(batch({ database(QStringLiteral("ProductDb"), QStringLiteral("productservice"),
                                    QStringLiteral("Online"), earliest) },
                         m_now));
    QTRY_COMPARE(dialog->plan()->databasePicker()->count(), 1);
    // The shortcut's action brings the same dialog forward rather than a second one.
    pane.restoreAction()->trigger();
    QCOMPARE(pane.dialog(), dialog);
    dialog->close();
    QTRY_VERIFY(!pane.dialog());
}

void tst_DatabasePane::mainWindowHasTheDatabaseTab()
{
    SourceListModel sources;
    ServiceStore services;
    MainWindow window(&sources, &services);
    window.setActions(m_actions.get(), m_journal.get(), false);
    window.setDatabases(m_store.get());
    DatabasePane *pane = window.databasePane();
    QVERIFY(pane);
    auto *tabs = window.findChild<QTabWidget *>();
    QVERIFY(tabs);
    const int index = tabs->indexOf(pane);
    QVERIFY(index >= 0);
    QCOMPARE(tabs->tabText(index), QStringLiteral("&Database"));
    window.showDetailTab(MainWindow::DatabaseTab);
    QCOMPARE(tabs->currentWidget(), pane);
    QVERIFY(window.actions().contains(pane->restoreAction())); // the shortcut works window-wide
    QVERIFY(pane->restoreButton()->isVisibleTo(&window));

    // The tab follows the service selected in the Services table.
    std::vector<Observation> obs = Test::allSynced();
    Test::append(obs, Test::service(QStringLiteral("productservice"), 2, 1));
    Test::append(obs, Test::service(QStringLiteral("orderservice"), 2, 1));
    services.apply(Test::batch(std::move(obs)));
    services.flush();
    const ServiceKey product { Test::Ctx, Test::Ns, QStringLiteral("productservice") };
    QVERIFY(window.selectService(product));
    QCOMPARE(pane->service(), product);
    QTRY_COMPARE(pane->model()->rowCount(), 1);
    QCOMPARE(pane->model()->index(0, DatabaseTableModel::NameColumn).data().toString(),
             QStringLiteral("ProductDb"));
    QVERIFY(window.selectService(ServiceKey { Test::Ctx, Test::Ns, QStringLiteral("orderservice") }));
    QCOMPARE(pane->service().name, QStringLiteral("orderservice"));
    QCOMPARE(pane->model()->index(0, DatabaseTableModel::NameColumn).data().toString(),
             QStringLiteral("OrderDb"));
}

void tst_DatabasePane::screenshot()
{
    const QString dir = qEnvironmentVariable("OPSDECK_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return; // only when asked for (docs/)
    const QDateTime now = QDateTime::currentDateTimeUtc();
    DatabaseStore store;
    store.apply(batch(
        { database(QStringLiteral("ProductDb"), QStringLiteral("productservice"), QStringLiteral("Offline"),
                   now.addDays(-7)),
          database(QStringLiteral("ProductDb-restored-")
                       + now.addSecs(-3 * 3600).toString(QStringLiteral("yyyyMMddHHmm")),
                   QStringLiteral("productservice"), QStringLiteral("Online"), now.addSecs(-2 * 3600)) },
        now.addSecs(-20)));
    QVERIFY(m_journal->add(restoreEntry(productservice(), now.addSecs(-2 * 3600 - 1500), 23 * 60 + 40,
                                        JournalStatus::Succeeded, now.addSecs(-3 * 3600))));
    DatabasePane pane(&store);
    pane.setActions(m_actions.get(), m_journal.get(), false);
    pane.setService(productservice());
    pane.resize(900, 520);
    pane.show();
    QTRY_COMPARE(pane.model()->rowCount(), 2);
    QTRY_VERIFY(pane.drillResultLabel()->text().startsWith(QStringLiteral("Succeeded")));
    QVERIFY(pane.grab().save(QDir(dir).filePath(QStringLiteral("database-tab.png"))));
}

QTEST_MAIN(tst_DatabasePane)
#include "tst_databasepane.moc"
