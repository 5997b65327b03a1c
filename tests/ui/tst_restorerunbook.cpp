// The restore runbook dialog offscreen (issue 8), against a fake `restore-db` provider registered with a
// real ActionService and Journal in a temporary directory: the plan's validation messages, the default
// name, local and UTC times, the preview (changes, planned steps, the request's parameters), the typed
// confirmation, the steps' live progress, success and failure verdicts, server text as plain text.
// Run with TZ=Europe/Berlin (ctest sets it) so local time and UTC differ. With OPSDECK_SCREENSHOT_DIR set
// it also writes restore.png (the runbook running) and restore-failed.png.

#include "actionservice.h"
#include "actiontables.h"
#include "clock.h"
#include "fakerestoreprovider.h"
#include "journal.h"
#include "restoreplanform.h"
#include "restorerunbook.h"
#include "restorerunbookdialog.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDir>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QStandardPaths>
#include <QTableWidget>
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

SqlDatabase database(const QString &name, const QString &status, const QDateTime &earliest)
{
    SqlDatabase db;
    db.name = name;
    db.server = QStringLiteral("opsdeck-sql");
    db.armId
        = QStringLiteral(
              "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/opsdeck-sql/databases/")
        + name;
    db.service = QStringLiteral("productservice");
    db.location = QStringLiteral("westeurope");
    db.status = status;
    db.sku = QStringLiteral("GP_Gen5_2");
    db.creationDate = earliest.addDays(-30);
    db.earliestRestoreDate = earliest;
    return db;
}

QStringList column(QTableWidget *table, int column)
{
    QStringList cells;
    for (int row = 0; row < table->rowCount(); ++row)
        cells << (table->item(row, column) ? table->item(row, column)->text() : QString());
    return cells;
}

} // namespace

class tst_RestoreRunbook : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void defaultNameFollowsDatabaseAndPoint();
    void pointShownInLocalTimeAndUtc();
    void validationSaysWhatIsWrong();
    void previewShowsChangesAndSteps();
    void typedConfirmationRequired();
    void stepsProgressLive();
    void failureSaysWhichStepAndWhatToDo();
    void editingThePlanDropsThePreview();
    void refusedPreviewKeepsThePlanEditable();
    void everyControlHasAName();
    void screenshots();

private:
    std::unique_ptr<RestoreRunbookDialog> makeDialog();
    void previewAndConfirm(RestoreRunbookDialog &dialog);

    QDateTime m_earliest;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Journal> m_journal;
    std::unique_ptr<FakeRestoreProvider> m_provider;
    std::unique_ptr<ActionService> m_service;
};

void tst_RestoreRunbook::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QLocale::setDefault(QLocale::c());
}

void tst_RestoreRunbook::init()
{
    m_earliest = QDateTime::currentDateTimeUtc().addDays(-7);
    m_dir = std::make_unique<QTemporaryDir>();
    m_journal = std::make_unique<Journal>();
    QVERIFY(m_journal->open(m_dir->filePath(QStringLiteral("journal.sqlite"))));
    m_provider = std::make_unique<FakeRestoreProvider>();
    m_service = std::make_unique<ActionService>(*m_journal);
    m_service->addProvider(m_provider.get());
    m_service->setUserResolver([](const ServiceKey &) { return QStringLiteral("sre-admin"); });
}

void tst_RestoreRunbook::cleanup()
{
    m_service.reset();
    m_provider.reset();
    m_journal.reset();
    m_dir.reset();
}

std::unique_ptr<RestoreRunbookDialog> tst_RestoreRunbook::makeDialog()
{
    auto dialog = std::make_unique<RestoreRunbookDialog>(m_service.get(), productservice(), Clock::system());
    dialog->setDatabases(
        { database(QStringLiteral("ProductDb"), QStringLiteral("Online"), m_earliest),
          database(QStringLiteral("ProductDb-archive"), QStringLiteral("Offline"), m_earliest) });
    dialog->show();
    return dialog;
}

void tst_RestoreRunbook::previewAndConfirm(RestoreRunbookDialog &dialog)
{
    dialog.plan()->setRepoint(true);
    QVERIFY(dialog.previewButton()->isEnabled());
    dialog.previewButton()->click();
    QTRY_COMPARE(dialog.stage(), RestoreRunbookDialog::Stage::Ready);
    QTest::keyClicks(dialog.confirmationEdit(), QStringLiteral("productservice"));
    QVERIFY(dialog.restoreButton()->isEnabled());
    dialog.restoreButton()->click();
    QCOMPARE(dialog.stage(), RestoreRunbookDialog::Stage::Running);
    QTRY_COMPARE(m_provider->executions.size(), 1);
}

void tst_RestoreRunbook::defaultNameFollowsDatabaseAndPoint()
{
    auto dialog = makeDialog();
    RestorePlanForm *plan = dialog->plan();
    QCOMPARE(plan->database()->name, QStringLiteral("ProductDb"));
    const QDateTime point(QDate(2026, 11, 25), QTime(21, 47, 30), QTimeZone::utc());
    const QDateTime earliest = point.addDays(-1);
    dialog->setDatabases(
        { database(QStringLiteral("ProductDb"), QStringLiteral("Online"), earliest),
          database(QStringLiteral("ProductDb-archive"), QStringLiteral("Offline"), earliest) });
    plan->setPointInTime(point);
    // The contract's default: <db>-restored-<yyyyMMddHHmm> of the point in UTC.
    QCOMPARE(plan->nameEdit()->text(), QStringLiteral("ProductDb-restored-202611252147"));
    QCOMPARE(plan->nameEdit()->text(),
             RestoreRunbook::defaultRestoreName(QStringLiteral("ProductDb"), point));
    QCOMPARE(plan->parameters().value(QStringLiteral("newName")).toString(),
             QStringLiteral("ProductDb-restored-202611252147"));
    // It follows the database and the point…
    QVERIFY(plan->selectDatabase(QStringLiteral("ProductDb-archive")));
    QCOMPARE(plan->nameEdit()->text(), QStringLiteral("ProductDb-archive-restored-202611252147"));
    plan->setPointInTime(point.addSecs(3600));
    QCOMPARE(plan->nameEdit()->text(), QStringLiteral("ProductDb-archive-restored-202611252247"));
    // …until a name of one's own is typed.
    plan->nameEdit()->selectAll();
    QTest::keyClicks(plan->nameEdit(), QStringLiteral("ProductDb-before-incident"));
    plan->setPointInTime(point);
    QCOMPARE(plan->nameEdit()->text(), QStringLiteral("ProductDb-before-incident"));
    QCOMPARE(plan->parameters().value(QStringLiteral("newName")).toString(),
             QStringLiteral("ProductDb-before-incident"));
}

void tst_RestoreRunbook::pointShownInLocalTimeAndUtc()
{
    QCOMPARE(qEnvironmentVariable("TZ"), QStringLiteral("Europe/Berlin"));
    auto dialog = makeDialog();
    RestorePlanForm *plan = dialog->plan();
    const QDateTime point(QDate(2026, 11, 26), QTime(8, 12, 0), QTimeZone::utc());
    plan->setPointInTime(point);
    // Edited in local time (CET = UTC+1 in November), shown in UTC beside it, sent in UTC.
    QCOMPARE(plan->pointEdit()->text(), QStringLiteral("2026-11-26 09:12:00"));
    QCOMPARE(plan->pointUtcLabel()->text(), QStringLiteral("= 2026-11-26 08:12:00 UTC"));
    QCOMPARE(plan->pointInTime(), point);
    QCOMPARE(plan->parameters().value(QStringLiteral("pointInTime")).toString(),
             QStringLiteral("2026-11-26T08:12:00Z"));
    // The range names the earliest point both ways.
    QVERIFY2(
        plan->rangeLabel()->text().contains(m_earliest.toUTC().toString(QStringLiteral("HH:mm:ss 'UTC'"))),
        qPrintable(plan->rangeLabel()->text()));
    QVERIFY2(
        plan->rangeLabel()->text().contains(m_earliest.toLocalTime().toString(QStringLiteral("HH:mm:ss t"))),
        qPrintable(plan->rangeLabel()->text()));
    // Earliest and Now set the point.
    plan->earliestButton()->click();
    QCOMPARE(plan->pointInTime().toSecsSinceEpoch(), m_earliest.toSecsSinceEpoch());
    plan->nowButton()->click();
    QVERIFY(qAbs(plan->pointInTime().secsTo(QDateTime::currentDateTimeUtc())) < 5);
}

void tst_RestoreRunbook::validationSaysWhatIsWrong()
{
    auto dialog = makeDialog();
    RestorePlanForm *plan = dialog->plan();
    QLabel *problem = plan->problemLabel();
    QCOMPARE(problem->textFormat(), Qt::PlainText);
    // The default plan (a few minutes ago) is valid.
    QVERIFY2(!plan->check(), qPrintable(problem->text()));
    QVERIFY(!problem->isVisible());
    QVERIFY(dialog->previewButton()->isEnabled());

    const auto expectProblem = [&](const QString &what, const QString &expected) {
        QVERIFY2(plan->check().has_value(), qPrintable(what));
        QVERIFY2(problem->isVisible(), qPrintable(what));
        QVERIFY2(problem->text().contains(expected),
                 qPrintable(what + QStringLiteral(": ") + problem->text()));
        QVERIFY2(!dialog->previewButton()->isEnabled(), qPrintable(what));
    };
    // Before the earliest restore point: the runbook's own words.
    const QDateTime tooEarly = m_earliest.addSecs(-3600);
    plan->setPointInTime(tooEarly);
    const Result<void> early
        = RestoreRunbook::validatePoint(plan->pointInTime(), m_earliest, plan->serverNow());
    QVERIFY(!early);
    expectProblem(QStringLiteral("before earliest"), early.error().message);
    // In the future.
    plan->setPointInTime(QDateTime::currentDateTimeUtc().addSecs(3600));
    const Result<void> future
        = RestoreRunbook::validatePoint(plan->pointInTime(), m_earliest, plan->serverNow());
    QVERIFY(!future);
    expectProblem(QStringLiteral("future"), future.error().message);
    // Back inside: fine again.
    plan->setPointInTime(QDateTime::currentDateTimeUtc().addSecs(-600));
    QVERIFY(!plan->check());
    QVERIFY(!problem->isVisible());
    // A name that exists on the server, and one Azure refuses.
    plan->nameEdit()->selectAll();
    QTest::keyClicks(plan->nameEdit(), QStringLiteral("productdb-archive"));
    expectProblem(QStringLiteral("name clash"), QStringLiteral("already exists on server opsdeck-sql"));
    plan->nameEdit()->selectAll();
    QTest::keyClicks(plan->nameEdit(), QStringLiteral("Product/Db"));
    expectProblem(QStringLiteral("bad character"),
                  RestoreRunbook::validateName(QStringLiteral("Product/Db")).error().message);
    // Clearing the name goes back to the default.
    plan->nameEdit()->clear();
    QTest::keyClick(plan->nameEdit(), Qt::Key_Backspace);
    QVERIFY(!plan->check());
    QCOMPARE(plan->newName(), plan->defaultName());
    // A database without backups yet.
    SqlDatabase creating = database(QStringLiteral("ProductDb"), QStringLiteral("Creating"), QDateTime());
    dialog->setDatabases({ creating });
    expectProblem(QStringLiteral("no backups"), QStringLiteral("no restore point yet"));
    // No database at all.
    dialog->setDatabases({});
    expectProblem(QStringLiteral("none known"), QStringLiteral("No database of productservice is known yet"));
    QVERIFY(!plan->databasePicker()->isEnabled());
}

void tst_RestoreRunbook::previewShowsChangesAndSteps()
{
    auto dialog = makeDialog();
    dialog->plan()->setRepoint(true);
    const QDateTime point = QDateTime::currentDateTimeUtc().addSecs(-600);
    dialog->plan()->setPointInTime(point);
    QCOMPARE(dialog->stepperTexts().value(0), QStringLiteral("▶ 1 Choose"));
    dialog->previewButton()->click();
    QTRY_COMPARE(dialog->stage(), RestoreRunbookDialog::Stage::Ready);
    QCOMPARE(dialog->stepperTexts().value(0), QStringLiteral("✓ 1 Choose"));
    QCOMPARE(dialog->stepperTexts().value(2), QStringLiteral("▶ 3 Confirm"));

    // The provider got the contract's parameters.
    QCOMPARE(m_provider->previews.size(), 1);
    const ActionRequest sent = m_provider->previews.first();
    QCOMPARE(sent.actionId, QStringLiteral("restore-db"));
    QCOMPARE(sent.service, productservice());
    QCOMPARE(sent.parameters.value(QStringLiteral("database")).toString(), QStringLiteral("ProductDb"));
    const QString iso = sent.parameters.value(QStringLiteral("pointInTime")).toString();
    QVERIFY2(iso.endsWith(QLatin1Char('Z')), qPrintable(iso));
    QCOMPARE(QDateTime::fromString(iso, Qt::ISODate).toSecsSinceEpoch(), point.toSecsSinceEpoch());
    QCOMPARE(sent.parameters.value(QStringLiteral("newName")).toString(),
             RestoreRunbook::defaultRestoreName(QStringLiteral("ProductDb"), point));
    QCOMPARE(sent.parameters.value(QStringLiteral("repoint")).toBool(), true);

    // The changes and the planned steps, as the preview dialog shows them.
    QCOMPARE(dialog->changesView()->rowCount(), 3);
    QCOMPARE(column(dialog->changesView(), ActionTables::ObjectColumn),
             (QStringList {
                 QStringLiteral("Database/") + sent.parameters.value(QStringLiteral("newName")).toString(),
                 QStringLiteral("Secret/productservice-db"), QStringLiteral("Deployment/productservice") }));
    QVERIFY(dialog->changesView()
                ->item(1, ActionTables::ToColumn)
                ->text()
                .contains(QStringLiteral("Password=********")));
    QCOMPARE(dialog->stepsView()->rowCount(), 4);
    QCOMPARE(column(dialog->stepsView(), ActionTables::StepTitleColumn).value(1),
             QStringLiteral("Point productservice-db at %1")
                 .arg(sent.parameters.value(QStringLiteral("newName")).toString()));
    QCOMPARE(column(dialog->stepsView(), ActionTables::StepStateColumn),
             QStringList(4, QStringLiteral("Pending")));
    QVERIFY(!dialog->stepsView()->item(0, ActionTables::StepStateColumn)->icon().isNull());
    QVERIFY(dialog->statusLabel()->text().startsWith(QStringLiteral("Allowed.")));

    // Without repoint there is no repoint step.
    dialog->plan()->setRepoint(false);
    QCOMPARE(dialog->stage(), RestoreRunbookDialog::Stage::Choosing);
    dialog->previewButton()->click();
    QTRY_COMPARE(dialog->stage(), RestoreRunbookDialog::Stage::Ready);
    QCOMPARE(dialog->stepsView()->rowCount(), 3);
    QVERIFY(!column(dialog->stepsView(), 0)
                 .join(QLatin1Char('\n'))
                 .contains(QStringLiteral("Point productservice-db")));
}

void tst_RestoreRunbook::typedConfirmationRequired()
{
    auto dialog = makeDialog();
    QVERIFY(!dialog->restoreButton()->isEnabled()); // nothing previewed yet
    dialog->previewButton()->click();
    QTRY_COMPARE(dialog->stage(), RestoreRunbookDialog::Stage::Ready);
    QVERIFY(dialog->confirmationEdit()->isVisible());
    QVERIFY(!dialog->restoreButton()->isEnabled());
    // The wrong name is not enough, and nothing starts.
    QTest::keyClicks(dialog->confirmationEdit(), QStringLiteral("orderservice"));
    QVERIFY(!dialog->restoreButton()->isEnabled());
    dialog->restore();
    QCOMPARE(dialog->stage(), RestoreRunbookDialog::Stage::Ready);
    QTest::qWait(50);
    QVERIFY(m_provider->executions.isEmpty());
    // The service's name is.
    dialog->confirmationEdit()->clear();
    QTest::keyClicks(dialog->confirmationEdit(), QStringLiteral("productservice"));
    QVERIFY(dialog->restoreButton()->isEnabled());
    dialog->restoreButton()->click();
    QCOMPARE(dialog->stage(), RestoreRunbookDialog::Stage::Running);
    QTRY_COMPARE(m_provider->executions.size(), 1);
    // The journal says how it was confirmed.
    const Result<JournalEntry> entry = m_journal->entry(dialog->journalId());
    QVERIFY(entry);
    QCOMPARE(entry->action, QStringLiteral("restore-db"));
    QCOMPARE(entry->confirmation, QStringLiteral("typed productservice"));
    QVERIFY(!dialog->plan()->isEnabled()); // the plan is what was confirmed
}

void tst_RestoreRunbook::stepsProgressLive()
{
    auto dialog = makeDialog();
    previewAndConfirm(*dialog);
    QTRY_COMPARE(column(dialog->stepsView(), ActionTables::StepStateColumn).value(0),
                 QStringLiteral("Pending"));
    QCOMPARE(dialog->stepperTexts().value(3), QStringLiteral("▶ 4 Restore"));
    QVERIFY(dialog->progressBar()->isVisible());
    // The confirmed plan shrinks to one line; the confirmation is done with.
    QVERIFY(!dialog->plan()->isVisible());
    QVERIFY(dialog->planSummaryLabel()->isVisible());
    QVERIFY2(dialog->planSummaryLabel()->text().startsWith(QStringLiteral("ProductDb → ProductDb-restored-")),
             qPrintable(dialog->planSummaryLabel()->text()));
    QVERIFY(dialog->planSummaryLabel()->text().contains(
        QStringLiteral("then productservice is pointed at it and restarted")));
    QVERIFY(!dialog->confirmationEdit()->isVisible());

    m_provider->advance(); // step 1 starts
    QTRY_COMPARE(column(dialog->stepsView(), ActionTables::StepStateColumn).value(0),
                 QStringLiteral("Running…"));
    QVERIFY(dialog->statusLabel()->text().contains(QStringLiteral("Step 1 of 4: Restore ProductDb")));
    m_provider->advance(); // LRO 35 %
    QTRY_VERIFY(dialog->statusLabel()->text().contains(
        QStringLiteral("Azure-AsyncOperation: <b>InProgress</b> 35 %")));
    QCOMPARE(dialog->statusLabel()->textFormat(), Qt::PlainText); // the server's words, markup and all
    QCOMPARE(dialog->progressBar()->value(), 24);
    QCOMPARE(column(dialog->stepsView(), ActionTables::StepAnswerColumn).value(0),
             QStringLiteral("InProgress 35 %"));
    m_provider->advance();
    m_provider->advance();
    m_provider->advance(); // step 1 done
    QTRY_COMPARE(column(dialog->stepsView(), ActionTables::StepStateColumn).value(0), QStringLiteral("Done"));
    m_provider->advance(); // step 2 starts
    QTRY_VERIFY(
        dialog->statusLabel()->text().contains(QStringLiteral("Step 2 of 4: Point productservice-db at")));
    QCOMPARE(column(dialog->stepsView(), ActionTables::StepStateColumn),
             (QStringList { QStringLiteral("Done"), QStringLiteral("Running…"), QStringLiteral("Pending"),
                            QStringLiteral("Pending") }));

    m_provider->runToEnd();
    QTRY_COMPARE(dialog->stage(), RestoreRunbookDialog::Stage::Succeeded);
    QCOMPARE(column(dialog->stepsView(), ActionTables::StepStateColumn),
             QStringList(4, QStringLiteral("Done")));
    QCOMPARE(dialog->progressBar()->value(), 100);
    QVERIFY2(dialog->verdictLabel()->text().startsWith(QStringLiteral("Done: ProductDb restored to ")),
             qPrintable(dialog->verdictLabel()->text()));
    QVERIFY(dialog->verdictLabel()->text().contains(QStringLiteral("productservice now runs on it.")));
    QVERIFY(dialog->verdictLabel()->isVisible());
    QCOMPARE(dialog->stepperTexts().value(4), QStringLiteral("✓ 5 Done"));
    QCOMPARE(dialog->closeButton()->text(), QStringLiteral("Close"));
    const Result<JournalEntry> entry = m_journal->entry(dialog->journalId());
    QVERIFY(entry);
    QCOMPARE(toString(entry->status), toString(JournalStatus::Succeeded));
}

void tst_RestoreRunbook::failureSaysWhichStepAndWhatToDo()
{
    m_provider->failAtStep = 3; // verify
    auto dialog = makeDialog();
    previewAndConfirm(*dialog);
    m_provider->runToEnd();
    QTRY_COMPARE(dialog->stage(), RestoreRunbookDialog::Stage::Failed);
    const QString verdict = dialog->verdictLabel()->text();
    QVERIFY2(
        verdict.startsWith(QStringLiteral("Failed at step 4 of 4, \"Verify pods Ready and /health Healthy\": "
                                          "productservice is not healthy after 300 s: <b>Login failed</b>")),
        qPrintable(verdict));
    QCOMPARE(dialog->verdictLabel()->textFormat(), Qt::PlainText);
    const QString advice = dialog->adviceLabel()->text();
    QVERIFY2(
        advice.contains(QStringLiteral("What to do: Check Secret productservice-db's connection string")),
        qPrintable(advice));
    QVERIFY2(advice.contains(QStringLiteral("Already done: 1. Restore ProductDb")), qPrintable(advice));
    QVERIFY(advice.contains(QStringLiteral("Journal entry %1").arg(dialog->journalId())));
    QCOMPARE(column(dialog->stepsView(), ActionTables::StepStateColumn).value(3), QStringLiteral("Failed"));
    QCOMPARE(column(dialog->stepsView(), ActionTables::StepAnswerColumn).value(3),
             QStringLiteral("<i>pods Ready 0/2</i>, /health Unhealthy"));
    QCOMPARE(dialog->stepperTexts().value(4), QStringLiteral("▶ 5 Failed"));
    const Result<JournalEntry> entry = m_journal->entry(dialog->journalId());
    QVERIFY(entry);
    QCOMPARE(toString(entry->status), toString(JournalStatus::Failed));
}

void tst_RestoreRunbook::editingThePlanDropsThePreview()
{
    auto dialog = makeDialog();
    dialog->previewButton()->click();
    QTRY_COMPARE(dialog->stage(), RestoreRunbookDialog::Stage::Ready);
    const QUuid first = m_provider->previews.first().id;
    QVERIFY(m_service->previewFor(first));
    // A poll with the same databases (the earliest point moved on) leaves the preview alone.
    dialog->setDatabases(
        { database(QStringLiteral("ProductDb"), QStringLiteral("Online"), m_earliest.addSecs(60)),
          database(QStringLiteral("ProductDb-archive"), QStringLiteral("Offline"), m_earliest.addSecs(60)) });
    QCOMPARE(dialog->stage(), RestoreRunbookDialog::Stage::Ready);
    QVERIFY(m_service->previewFor(first));
    dialog->plan()->setPointInTime(dialog->plan()->pointInTime().addSecs(-60));
    QCOMPARE(dialog->stage(), RestoreRunbookDialog::Stage::Choosing);
    QVERIFY(!m_service->previewFor(first)); // the stale preview can no longer be confirmed
    QCOMPARE(dialog->changesView()->rowCount(), 0);
    QVERIFY(!dialog->confirmationEdit()->isVisible());
    QVERIFY(!dialog->restoreButton()->isEnabled());
    QVERIFY(dialog->statusLabel()->text().contains(QStringLiteral("preview it again")));
}

void tst_RestoreRunbook::refusedPreviewKeepsThePlanEditable()
{
    m_provider->previewError
        = Error { ErrorKind::Conflict,
                  QStringLiteral("a database named ProductDb-restored-x already exists on opsdeck-sql"),
                  QStringLiteral("choose another name"), std::nullopt };
    auto dialog = makeDialog();
    dialog->previewButton()->click();
    QTRY_COMPARE(dialog->stage(), RestoreRunbookDialog::Stage::Refused);
    QVERIFY(dialog->statusLabel()->text().contains(QStringLiteral("already exists on opsdeck-sql")));
    QVERIFY(dialog->statusLabel()->text().contains(QStringLiteral("choose another name")));
    QVERIFY(dialog->plan()->isEnabled());
    QVERIFY(dialog->previewButton()->isEnabled());
    QVERIFY(!dialog->restoreButton()->isEnabled());
    // Fixed, it previews again.
    m_provider->previewError.reset();
    dialog->previewButton()->click();
    QTRY_COMPARE(dialog->stage(), RestoreRunbookDialog::Stage::Ready);
}

void tst_RestoreRunbook::everyControlHasAName()
{
    auto dialog = makeDialog();
    dialog->previewButton()->click();
    QTRY_COMPARE(dialog->stage(), RestoreRunbookDialog::Stage::Ready);
    QVERIFY(!dialog->windowTitle().isEmpty());
    QCOMPARE(dialog->plan()->pointEdit()->accessibleName(), QStringLiteral("Restore point in time"));
    QCOMPARE(dialog->plan()->databasePicker()->accessibleName(), QStringLiteral("Database to restore"));
    QVERIFY(!dialog->plan()->databasePicker()->view()->accessibleName().isEmpty());
    for (QWidget *w : dialog->findChildren<QWidget *>()) {
        if (!w->isVisible() || qobject_cast<QHeaderView *>(w)) // a table's header is part of the table
            continue;
        const bool operated = qobject_cast<QAbstractButton *>(w) || qobject_cast<QComboBox *>(w)
            || qobject_cast<QLineEdit *>(w) || qobject_cast<QAbstractSpinBox *>(w)
            || qobject_cast<QAbstractItemView *>(w) || qobject_cast<QProgressBar *>(w);
        if (operated && !qobject_cast<QLineEdit *>(w->parentWidget())
            && !qobject_cast<QAbstractSpinBox *>(w->parentWidget()))
            QVERIFY2(!w->accessibleName().isEmpty(),
                     qPrintable(QStringLiteral("%1 %2").arg(QString::fromLatin1(w->metaObject()->className()),
                                                            w->objectName())));
    }
    // The keyboard reaches the plan, Preview and the confirmation.
    QVERIFY(dialog->plan()->pointEdit()->focusPolicy() & Qt::TabFocus);
    QVERIFY(dialog->confirmationEdit()->focusPolicy() & Qt::TabFocus);
    QCOMPARE(dialog->previewButton()->text(), QStringLiteral("Pre&view"));
}

void tst_RestoreRunbook::screenshots()
{
    const QString dir = qEnvironmentVariable("OPSDECK_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return; // only when asked for (docs/)
    {
        auto dialog = makeDialog();
        dialog->resize(1000, 820);
        previewAndConfirm(*dialog);
        for (int i = 0; i < 6; ++i) // restore done, repoint running
            m_provider->advance();
        QTRY_VERIFY(dialog->statusLabel()->text().contains(QStringLiteral("Step 2 of 4")));
        QVERIFY(dialog->grab().save(QDir(dir).filePath(QStringLiteral("restore.png"))));
    }
    cleanup();
    init();
    m_provider->failAtStep = 3;
    auto dialog = makeDialog();
    dialog->resize(1000, 820);
    previewAndConfirm(*dialog);
    m_provider->runToEnd();
    QTRY_COMPARE(dialog->stage(), RestoreRunbookDialog::Stage::Failed);
    QVERIFY(dialog->grab().save(QDir(dir).filePath(QStringLiteral("restore-failed.png"))));
}

QTEST_MAIN(tst_RestoreRunbook)
#include "tst_restorerunbook.moc"
