// The action UI offscreen, against the test ActionProvider and a real journal: the Actions panel's
// buttons, names and disabled reasons; read-only hides them; the preview dialog's typed confirmation,
// live steps and the 409 → Re-apply path; the History view's filters, CSV export and interrupted
// actions (Resume). With OPSDECK_SCREENSHOT_DIR set it also writes action-preview.png and journal.png.

#include "actionpanel.h"
#include "actionpreviewdialog.h"
#include "actionservice.h"
#include "journal.h"
#include "journaltablemodel.h"
#include "journalview.h"
#include "revisionhistorymodel.h"
#include "mainwindow.h"
#include "servicestore.h"
#include "sourcelistmodel.h"
#include "testactionprovider.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace Opsdeck;

namespace {

ServiceKey productservice(const QString &context = QStringLiteral("sim"))
{
    return ServiceKey{context, QStringLiteral("microservices"), QStringLiteral("productservice")};
}

QStringList column(QTableWidget *table, int column)
{
    QStringList cells;
    for (int row = 0; row < table->rowCount(); ++row)
        cells << (table->item(row, column) ? table->item(row, column)->text() : QString());
    return cells;
}

} // namespace

class tst_Actions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void panelOffersEveryActionByName();
    void disabledActionsSayWhy();
    void readOnlyHidesEveryAction();
    void weightPickerBuildsTheRequest();
    void plainApplyShowsLiveSteps();
    void destructiveNeedsTheNameTyped();
    void conflictShowsWhatChangedAndReapplies();
    void invalidValueIsRefused();
    void historyFiltersAndExportsCsv();
    void rolloutHistoryPicksTheRevision();
    void interruptedActionIsOfferedAndResumed();
    void screenshots();

private:
    ActionPreviewDialog *openDialog(ActionPanel &panel, const QString &actionId);
    void setUpService(const QString &context, int stepMs = 20);
    void setWeight(ActionPanel &panel, int weight);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Journal> m_journal;
    std::unique_ptr<TestActionProvider> m_provider;
    std::unique_ptr<ActionService> m_service;
};

void tst_Actions::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_journal = std::make_unique<Journal>();
    QVERIFY(m_journal->open(m_dir->filePath(QStringLiteral("journal.sqlite"))));
    setUpService(QStringLiteral("sim"));
}

void tst_Actions::setUpService(const QString &context, int stepMs)
{
    m_service.reset();
    m_provider = std::make_unique<TestActionProvider>(
        SourceConfig{QStringLiteral("test:") + context, {{QStringLiteral("context"), context}, {QStringLiteral("stepMs"), stepMs}}});
    m_service = std::make_unique<ActionService>(*m_journal);
    m_service->addProvider(m_provider.get());
    m_service->setUserResolver([](const ServiceKey &) { return QStringLiteral("sre-admin"); });
}

void tst_Actions::cleanup()
{
    m_service.reset();
    m_provider.reset();
    m_journal.reset();
    m_dir.reset();
}

ActionPreviewDialog *tst_Actions::openDialog(ActionPanel &panel, const QString &actionId)
{
    QSignalSpy opened(&panel, &ActionPanel::dialogOpened);
    QPushButton *button = panel.button(actionId);
    if (!button || !button->isEnabled())
        return nullptr;
    button->click();
    if (opened.count() != 1)
        return nullptr;
    ActionPreviewDialog *dialog = panel.dialog();
    if (!dialog)
        return nullptr;
    if (!QTest::qWaitFor([dialog] { return dialog->stage() != ActionPreviewDialog::Stage::Previewing; }, 5000))
        return nullptr;
    return dialog;
}

void tst_Actions::setWeight(ActionPanel &panel, int weight)
{
    const int index = panel.weightPicker()->findData(weight);
    if (index >= 0) {
        panel.weightPicker()->setCurrentIndex(index);
        return;
    }
    panel.weightPicker()->setCurrentIndex(panel.weightPicker()->findData(-1));
    panel.customWeight()->setValue(weight);
}

void tst_Actions::panelOffersEveryActionByName()
{
    ActionPanel panel(m_service.get());
    panel.setService(productservice());
    panel.show();
    const QStringList names{QStringLiteral("Shift canary weight"), QStringLiteral("Promote canary"), QStringLiteral("Abort canary"),
                            QStringLiteral("Undo rollout"), QStringLiteral("Scale"), QStringLiteral("Restart")};
    QStringList seen;
    QSet<QString> shortcuts;
    for (const QString &id : ActionPanel::knownActions()) {
        QPushButton *button = panel.button(id);
        QVERIFY(button);
        QVERIFY2(button->isVisible(), qPrintable(id));
        QVERIFY2(button->isEnabled(), qPrintable(id));
        QVERIFY(!panel.reasonLabel(id)->isVisible());
        QVERIFY2(!button->shortcut().isEmpty(), qPrintable(id));
        shortcuts.insert(button->shortcut().toString());
        seen << button->accessibleName();
    }
    QCOMPARE(seen, names);
    QCOMPARE(shortcuts.size(), 6);
    // The weight picker: the steps of the issue and a custom value.
    QStringList steps;
    for (int i = 0; i < panel.weightPicker()->count(); ++i)
        steps << panel.weightPicker()->itemData(i).toString();
    QCOMPARE(steps.join(QLatin1Char(',')), QStringLiteral("0,5,10,25,50,75,100,-1"));
    QVERIFY(!panel.customWeight()->isVisible());
    setWeight(panel, 20);
    QVERIFY(panel.customWeight()->isVisible());
    // Every widget a person operates has a name.
    for (QWidget *w : panel.findChildren<QWidget *>()) {
        if ((qobject_cast<QAbstractButton *>(w) || qobject_cast<QComboBox *>(w) || qobject_cast<QSpinBox *>(w)) && w->isVisible())
            QVERIFY2(!w->accessibleName().isEmpty(), w->metaObject()->className());
    }

    // Without a service nothing is offered.
    panel.setService({});
    QVERIFY(!panel.button(QStringLiteral("promote"))->isVisible());
}

void tst_Actions::disabledActionsSayWhy()
{
    setUpService(QStringLiteral("sim-viewer"));
    ActionPanel panel(m_service.get());
    panel.setService(productservice(QStringLiteral("sim-viewer")));
    panel.show();
    QPushButton *weight = panel.button(QStringLiteral("canary-weight"));
    QVERIFY(weight->isVisible());
    QVERIFY(!weight->isEnabled());
    QLabel *reason = panel.reasonLabel(QStringLiteral("canary-weight"));
    QVERIFY(reason->isVisible());
    QCOMPARE(reason->text(), QStringLiteral("viewer cannot patch ingresses in microservices"));
    QCOMPARE(reason->textFormat(), Qt::PlainText);
    QCOMPARE(weight->toolTip(), reason->text());
    QVERIFY(!panel.button(QStringLiteral("scale"))->isEnabled());
    QVERIFY(!panel.reasonLabel(QStringLiteral("scale"))->text().isEmpty());
    // A click on a disabled button opens nothing.
    weight->click();
    QVERIFY(!panel.dialog());

    // Once the canary is gone, promote says so (the state changes under the panel; refresh reads it).
    setUpService(QStringLiteral("sim"));
    ActionPanel other(m_service.get());
    other.setService(productservice());
    other.show();
    ActionPreviewDialog *dialog = openDialog(other, QStringLiteral("abort"));
    QVERIFY(dialog);
    dialog->applyButton()->click();
    QTRY_COMPARE(dialog->stage(), ActionPreviewDialog::Stage::Succeeded);
    other.refresh();
    QVERIFY(!other.button(QStringLiteral("promote"))->isEnabled());
    QCOMPARE(other.reasonLabel(QStringLiteral("promote"))->text(), QStringLiteral("no canary is running for productservice"));
}

void tst_Actions::readOnlyHidesEveryAction()
{
    m_service->setReadOnly(true);
    ActionPanel panel(m_service.get());
    panel.setReadOnly(true);
    panel.setService(productservice());
    panel.show();
    QVERIFY(!panel.isVisible());
    for (const QString &id : ActionPanel::knownActions())
        QVERIFY(!panel.button(id)->isVisibleTo(&panel));

    // The window: no Actions dock at all, History still there.
    SourceListModel sources;
    ServiceStore store;
    MainWindow readOnly(&sources, &store);
    readOnly.setActions(m_service.get(), m_journal.get(), true);
    QVERIFY(!readOnly.actionPanel());
    QVERIFY(!readOnly.actionsDock());
    QVERIFY(readOnly.historyDock());
    QVERIFY(!readOnly.journalView()->resumeButton()->isVisibleTo(readOnly.journalView()));
    for (QPushButton *button : readOnly.findChildren<QPushButton *>())
        QVERIFY2(!ActionPanel::knownActions().contains(button->accessibleName()) && button->accessibleName() != QLatin1String("Promote canary"),
                 qPrintable(button->accessibleName()));

    m_service->setReadOnly(false);
    MainWindow window(&sources, &store);
    window.setActions(m_service.get(), m_journal.get(), false);
    QVERIFY(window.actionPanel());
    QVERIFY(window.actionsDock());
    QCOMPARE(window.actionsDock()->widget(), window.actionPanel());
}

void tst_Actions::weightPickerBuildsTheRequest()
{
    ActionPanel panel(m_service.get());
    panel.setService(productservice());
    setWeight(panel, 50);
    ActionRequest r = panel.requestFor(QStringLiteral("canary-weight"));
    QCOMPARE(r.parameters.value(QStringLiteral("weight")).toInt(), 50);
    QVERIFY(r.track == Track::Canary);
    setWeight(panel, 33);
    QCOMPARE(panel.requestFor(QStringLiteral("canary-weight")).parameters.value(QStringLiteral("weight")).toInt(), 33);
    panel.trackPicker()->setCurrentIndex(1);
    panel.replicasPicker()->setValue(4);
    r = panel.requestFor(QStringLiteral("scale"));
    QCOMPARE(r.parameters.value(QStringLiteral("replicas")).toInt(), 4);
    QCOMPARE(r.parameters.value(QStringLiteral("track")).toString(), QStringLiteral("canary"));
    QVERIFY(r.track == Track::Canary);
    panel.revisionPicker()->setValue(2);
    QCOMPARE(panel.requestFor(QStringLiteral("rollout-undo")).parameters.value(QStringLiteral("toRevision")).toInt(), 2);
    panel.revisionPicker()->setValue(0); // "previous revision": no toRevision
    QVERIFY(!panel.requestFor(QStringLiteral("rollout-undo")).parameters.contains(QStringLiteral("toRevision")));
}

void tst_Actions::plainApplyShowsLiveSteps()
{
    setUpService(QStringLiteral("sim"), 150);
    ActionPanel panel(m_service.get());
    panel.setService(productservice());
    panel.show();
    setWeight(panel, 25);
    ActionPreviewDialog *dialog = openDialog(panel, QStringLiteral("canary-weight"));
    QVERIFY(dialog);
    QCOMPARE(dialog->stage(), ActionPreviewDialog::Stage::Ready);
    QVERIFY(!dialog->needsTypedName());
    QVERIFY(!dialog->confirmationEdit()->isVisible());
    QVERIFY(dialog->applyButton()->isEnabled());
    QCOMPARE(dialog->changesView()->rowCount(), 1);
    QCOMPARE(dialog->changesView()->item(0, 0)->text(), QStringLiteral("Ingress/productservice-canary"));
    QCOMPARE(dialog->changesView()->item(0, 2)->text(), QStringLiteral("\"10\""));
    QCOMPARE(dialog->changesView()->item(0, 3)->text(), QStringLiteral("\"25\""));
    QVERIFY(dialog->diffText().contains(QStringLiteral("canary-weight]: \"10\" → \"25\"")));
    QVERIFY(dialog->affectedLabel()->text().contains(QStringLiteral("Ingress/productservice-canary")));
    QCOMPARE(dialog->statusLabel()->textFormat(), Qt::PlainText);
    QCOMPARE(m_provider->state(QStringLiteral("productservice")).weight, 10); // previewing changed nothing

    dialog->applyButton()->click();
    QCOMPARE(dialog->stage(), ActionPreviewDialog::Stage::Running);
    QVERIFY(dialog->progressBar()->isVisible());
    QTRY_COMPARE(column(dialog->stepsView(), 1).value(0), QStringLiteral("Running…"));
    QTRY_COMPARE(dialog->stage(), ActionPreviewDialog::Stage::Succeeded);
    QCOMPARE(column(dialog->stepsView(), 1), QStringList{QStringLiteral("Done")});
    QCOMPARE(column(dialog->stepsView(), 2).value(0), QStringLiteral("200 OK"));
    QCOMPARE(dialog->progressBar()->value(), 100);
    QCOMPARE(m_provider->state(QStringLiteral("productservice")).weight, 25);

    const Result<JournalEntry> entry = m_journal->entry(dialog->journalId());
    QVERIFY(entry);
    QVERIFY(entry->status == JournalStatus::Succeeded);
    QCOMPARE(entry->confirmation, QStringLiteral("dialog"));
    QCOMPARE(entry->user, QStringLiteral("sre-admin"));
}

void tst_Actions::destructiveNeedsTheNameTyped()
{
    ActionPanel panel(m_service.get());
    panel.setService(productservice());
    panel.show();
    setWeight(panel, 100);
    ActionPreviewDialog *dialog = openDialog(panel, QStringLiteral("canary-weight"));
    QVERIFY(dialog);
    QVERIFY(dialog->needsTypedName());
    QVERIFY(dialog->confirmationEdit()->isVisible());
    QCOMPARE(dialog->confirmationEdit()->accessibleName(), QStringLiteral("Type the service name to confirm"));
    QVERIFY(!dialog->applyButton()->isEnabled());
    dialog->apply(); // even called directly, nothing runs
    QCOMPARE(dialog->stage(), ActionPreviewDialog::Stage::Ready);
    QTest::keyClicks(dialog->confirmationEdit(), QStringLiteral("productservic"));
    QVERIFY(!dialog->applyButton()->isEnabled());
    QTest::keyClicks(dialog->confirmationEdit(), QStringLiteral("ee"));
    QVERIFY(!dialog->applyButton()->isEnabled());
    QTest::keyClick(dialog->confirmationEdit(), Qt::Key_Backspace);
    QVERIFY(dialog->applyButton()->isEnabled());
    QCOMPARE(m_provider->state(QStringLiteral("productservice")).weight, 10);
    dialog->applyButton()->click();
    QTRY_COMPARE(dialog->stage(), ActionPreviewDialog::Stage::Succeeded);
    QCOMPARE(m_provider->state(QStringLiteral("productservice")).weight, 100);
    const Result<JournalEntry> entry = m_journal->entry(dialog->journalId());
    QVERIFY(entry);
    QCOMPARE(entry->confirmation, QStringLiteral("typed productservice"));

    // Promote: four steps, the last destructive, shown before anything runs.
    dialog->close();
    ActionPreviewDialog *promote = openDialog(panel, QStringLiteral("promote"));
    QVERIFY(promote);
    QCOMPARE(promote->stepsView()->rowCount(), 4);
    QVERIFY(promote->needsTypedName());
    QVERIFY(column(promote->stepsView(), 0).value(3).contains(QStringLiteral("needs the name typed")));
    promote->confirmationEdit()->setText(QStringLiteral("productservice"));
    promote->applyButton()->click();
    QTRY_COMPARE(promote->stage(), ActionPreviewDialog::Stage::Succeeded);
    QCOMPARE(column(promote->stepsView(), 1), QStringList(4, QStringLiteral("Done")));
    QCOMPARE(m_provider->state(QStringLiteral("productservice")).canaryReplicas, 0);
    QCOMPARE(m_provider->state(QStringLiteral("productservice")).stableImage, QStringLiteral("productservice:1.5.0"));
}

void tst_Actions::conflictShowsWhatChangedAndReapplies()
{
    ActionPanel panel(m_service.get());
    panel.setService(productservice());
    panel.show();
    setWeight(panel, 50);
    ActionPreviewDialog *dialog = openDialog(panel, QStringLiteral("canary-weight"));
    QVERIFY(dialog);
    QVERIFY(!dialog->reapplyButton()->isVisible());
    m_provider->externalChange(QStringLiteral("productservice"), 30); // someone else, meanwhile
    dialog->applyButton()->click();
    QTRY_COMPARE(dialog->stage(), ActionPreviewDialog::Stage::Refused);
    QVERIFY(dialog->isConflict());
    QVERIFY2(dialog->statusLabel()->text().contains(QStringLiteral("canary-weight is now \"30\"")), qPrintable(dialog->statusLabel()->text()));
    QVERIFY(dialog->reapplyButton()->isVisible());
    QCOMPARE(dialog->reapplyButton()->accessibleName(), QStringLiteral("Re-apply"));
    QVERIFY(!dialog->applyButton()->isVisible());
    QCOMPARE(m_provider->state(QStringLiteral("productservice")).weight, 30);

    const QUuid first = dialog->requestId();
    dialog->reapplyButton()->click();
    QTRY_COMPARE(dialog->stage(), ActionPreviewDialog::Stage::Ready);
    QVERIFY(dialog->requestId() != first);
    QCOMPARE(dialog->changesView()->item(0, 2)->text(), QStringLiteral("\"30\"")); // the new state, previewed again
    QVERIFY(!dialog->reapplyButton()->isVisible());
    dialog->applyButton()->click();
    QTRY_COMPARE(dialog->stage(), ActionPreviewDialog::Stage::Succeeded);
    QCOMPARE(m_provider->state(QStringLiteral("productservice")).weight, 50);

    JournalFilter filter;
    const Result<QList<JournalEntry>> entries = m_journal->entries(filter);
    QVERIFY(entries);
    QCOMPARE(entries->size(), 2);
    QVERIFY(entries->at(0).status == JournalStatus::Succeeded);
    QVERIFY(entries->at(1).status == JournalStatus::Refused);
    QVERIFY(entries->at(1).error && entries->at(1).error->kind == ErrorKind::Conflict);
}

void tst_Actions::invalidValueIsRefused()
{
    ActionRequest request;
    request.actionId = QStringLiteral("scale");
    request.service = productservice();
    request.parameters = {{QStringLiteral("replicas"), 500}};
    ActionPreviewDialog dialog(m_service.get(), request, QStringLiteral("Scale"));
    dialog.start();
    QTRY_COMPARE(dialog.stage(), ActionPreviewDialog::Stage::Refused);
    QVERIFY(dialog.statusLabel()->text().contains(QStringLiteral("out of range")));
    QVERIFY(!dialog.applyButton()->isVisible());
    QVERIFY(!dialog.reapplyButton()->isVisible());
}

void tst_Actions::historyFiltersAndExportsCsv()
{
    ActionPanel panel(m_service.get());
    panel.setService(productservice());
    setWeight(panel, 25);
    ActionPreviewDialog *dialog = openDialog(panel, QStringLiteral("canary-weight"));
    QVERIFY(dialog);
    dialog->applyButton()->click();
    QTRY_COMPARE(dialog->stage(), ActionPreviewDialog::Stage::Succeeded);
    dialog->close();
    m_provider->externalChange(QStringLiteral("productservice"), 30);
    setWeight(panel, 50);
    dialog = openDialog(panel, QStringLiteral("canary-weight"));
    QVERIFY(dialog);
    m_provider->externalChange(QStringLiteral("productservice"), 35);
    dialog->applyButton()->click();
    QTRY_COMPARE(dialog->stage(), ActionPreviewDialog::Stage::Refused);
    dialog->close();
    panel.replicasPicker()->setValue(3);
    dialog = openDialog(panel, QStringLiteral("scale"));
    QVERIFY(dialog);
    QVERIFY(dialog->warningsLabel()->isVisible());
    QVERIFY(dialog->warningsLabel()->text().contains(QStringLiteral("will override")));
    dialog->applyButton()->click();
    QTRY_COMPARE(dialog->stage(), ActionPreviewDialog::Stage::Succeeded);
    dialog->close();

    JournalView view(m_journal.get(), m_service.get());
    view.show();
    QTRY_COMPARE(view.model()->rowCount(), 3);
    // Newest first.
    QCOMPARE(view.model()->index(0, JournalTableModel::ActionColumn).data().toString(), QStringLiteral("scale"));
    QCOMPARE(view.model()->index(1, JournalTableModel::StatusColumn).data().toString(), QStringLiteral("Refused"));
    QCOMPARE(view.model()->index(2, JournalTableModel::ParametersColumn).data().toString(), QStringLiteral("weight=25"));
    QCOMPARE(view.table()->accessibleName(), QStringLiteral("Action history"));

    view.statusFilter()->setCurrentIndex(view.statusFilter()->findData(int(JournalStatus::Refused)));
    QCOMPARE(view.model()->rowCount(), 1);
    view.statusFilter()->setCurrentIndex(0);
    view.actionFilter()->setCurrentIndex(view.actionFilter()->findData(QStringLiteral("canary-weight")));
    QCOMPARE(view.model()->rowCount(), 2);
    view.serviceFilter()->setText(QStringLiteral("orderservice"));
    QCOMPARE(view.model()->rowCount(), 0);
    view.serviceFilter()->setText(QStringLiteral("productservice"));
    QCOMPARE(view.model()->rowCount(), 2);
    view.timeFilter()->setCurrentIndex(1); // last hour
    QCOMPARE(view.model()->rowCount(), 2);

    // Details of the selected action: its steps with the request and the answer.
    view.table()->setCurrentIndex(view.model()->index(1, 0));
    QVERIFY2(view.details()->toPlainText().contains(QStringLiteral("request: PATCH /apis/networking.k8s.io/v1/namespaces/microservices/ingresses/productservice-canary")),
             qPrintable(view.details()->toPlainText()));
    QVERIFY(view.details()->toPlainText().contains(QStringLiteral("answer: 200 OK")));

    // CSV of what the filters show.
    const QString path = m_dir->filePath(QStringLiteral("history.csv"));
    const Result<int> rows = view.exportCsv(path);
    QVERIFY(rows);
    QCOMPARE(*rows, 2);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QString csv = QString::fromUtf8(file.readAll());
    const QStringList lines = csv.split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
    QVERIFY2(lines.value(0).startsWith(QStringLiteral("id,startedAt,finishedAt,user,context,namespace,service,track,action")), qPrintable(lines.value(0)));
    QVERIFY(csv.contains(QStringLiteral("sre-admin,sim,microservices,productservice,canary,canary-weight")));
    QVERIFY(csv.contains(QStringLiteral(",refused,")));
    QVERIFY(csv.contains(QStringLiteral(",succeeded,")));
    QVERIFY(!csv.contains(QStringLiteral(",scale,")));
}

void tst_Actions::rolloutHistoryPicksTheRevision()
{
    ActionPanel panel(m_service.get());
    panel.addProvider(m_provider.get());
    panel.setService(productservice());
    QTableView *history = panel.revisionHistory();
    QVERIFY(history);
    QCOMPARE(history->accessibleName(), QStringLiteral("Rollout history"));
    QTRY_COMPARE(history->model()->rowCount(), 3); // revisions 3, 2, 1 of the stable track
    QCOMPARE(history->model()->index(0, RevisionHistoryModel::RevisionColumn).data().toString(), QStringLiteral("3 (current)"));
    QCOMPARE(history->model()->index(1, RevisionHistoryModel::ChangeCauseColumn).data().toString(), QStringLiteral("deploy stable r2"));
    QCOMPARE(history->model()->index(1, RevisionHistoryModel::ImageColumn).data().toString(), QStringLiteral("productservice:1.4.0-r2"));
    QCOMPARE(history->model()->index(1, RevisionHistoryModel::AgeColumn).data().toString(), QStringLiteral("2h"));

    // Picking a row picks the revision Undo rolls back to.
    history->selectRow(2);
    QCOMPARE(panel.revisionPicker()->value(), 1);
    QCOMPARE(panel.requestFor(QStringLiteral("rollout-undo")).parameters.value(QStringLiteral("toRevision")).toInt(), 1);

    // Another track asks again; an answer for another service is not shown.
    panel.trackPicker()->setCurrentIndex(panel.trackPicker()->findData(QStringLiteral("canary")));
    QTRY_COMPARE(history->model()->index(0, RevisionHistoryModel::ImageColumn).data().toString(), QStringLiteral("productservice:1.5.0"));
    panel.showRevisionHistory(ServiceKey{QStringLiteral("sim"), QStringLiteral("microservices"), QStringLiteral("orderservice")},
                              QStringLiteral("canary"), {});
    QCOMPARE(history->model()->rowCount(), 3);
}

void tst_Actions::interruptedActionIsOfferedAndResumed()
{
    // A promote whose process goes away after the first step.
    setUpService(QStringLiteral("sim"), 400);
    {
        ActionRequest request;
        request.actionId = QStringLiteral("promote");
        request.service = productservice();
        request.track = Track::Canary;
        QSignalSpy ready(m_service.get(), &ActionService::previewReady);
        const Result<QUuid> id = m_service->preview(request);
        QVERIFY(id);
        QVERIFY(ready.wait());
        ActionService::Confirmation typed{ActionService::Confirmation::Method::TypedName, QStringLiteral("productservice")};
        QVERIFY(m_service->confirm(*id, typed));
        QTRY_VERIFY_WITH_TIMEOUT(m_provider->state(QStringLiteral("productservice")).stableImage == QLatin1String("productservice:1.5.0"), 5000);
    }
    const QString path = m_journal->path();
    const TestActionProvider::ServiceState halfway = m_provider->state(QStringLiteral("productservice"));
    m_service.reset();
    m_provider.reset();
    m_journal.reset(); // the "crash": its session lock goes with it

    m_journal = std::make_unique<Journal>();
    QVERIFY(m_journal->open(path));
    setUpService(QStringLiteral("sim"), 20);
    m_provider->externalChange(QStringLiteral("productservice"), halfway.weight); // the cluster kept the first step
    JournalView view(m_journal.get(), m_service.get());
    view.show();
    QCOMPARE(view.interruptedCount(), 1);
    QVERIFY(view.interruptedLabel()->isVisible());
    QVERIFY(view.interruptedLabel()->text().contains(QStringLiteral("promote on productservice")));
    QVERIFY(view.resumeButton()->isVisible());
    QVERIFY(view.abandonButton()->isVisible());
    QCOMPARE(view.model()->index(0, JournalTableModel::StatusColumn).data().toString(), QStringLiteral("Interrupted"));

    QSignalSpy finished(m_service.get(), &ActionService::finished);
    view.resumeButton()->click();
    QVERIFY(finished.wait(5000));
    QVERIFY(finished.first().first().value<OperationStatus>().state == OperationStatus::State::Succeeded);
    view.refresh();
    QCOMPARE(view.interruptedCount(), 0);
    QVERIFY(!view.interruptedLabel()->isVisible());
    QTRY_COMPARE(view.model()->index(0, JournalTableModel::StatusColumn).data().toString(), QStringLiteral("Succeeded"));
    QCOMPARE(m_provider->state(QStringLiteral("productservice")).canaryReplicas, 0);
    QCOMPARE(m_provider->state(QStringLiteral("productservice")).weight, 0);
}

void tst_Actions::screenshots()
{
    const QString dir = qEnvironmentVariable("OPSDECK_SCREENSHOT_DIR");
    if (dir.isEmpty())
        QSKIP("set OPSDECK_SCREENSHOT_DIR to write docs/action-preview.png and docs/journal.png");
    ActionPanel panel(m_service.get());
    panel.setService(productservice());
    panel.show();
    setWeight(panel, 25);
    ActionPreviewDialog *dialog = openDialog(panel, QStringLiteral("canary-weight"));
    QVERIFY(dialog);
    dialog->applyButton()->click();
    QTRY_COMPARE(dialog->stage(), ActionPreviewDialog::Stage::Succeeded);
    dialog->close();
    setWeight(panel, 100);
    dialog = openDialog(panel, QStringLiteral("canary-weight"));
    QVERIFY(dialog);
    dialog->close();
    dialog = openDialog(panel, QStringLiteral("promote"));
    QVERIFY(dialog);
    dialog->confirmationEdit()->setText(QStringLiteral("productserv"));
    dialog->resize(820, 600);
    QTest::qWait(100);
    QVERIFY(dialog->grab().save(dir + QStringLiteral("/action-preview.png")));
    dialog->confirmationEdit()->setText(QStringLiteral("productservice"));
    dialog->applyButton()->click();
    QTRY_COMPARE(dialog->stage(), ActionPreviewDialog::Stage::Succeeded);
    dialog->close();

    JournalView view(m_journal.get(), m_service.get());
    view.resize(1200, 520);
    view.show();
    view.table()->setCurrentIndex(view.model()->index(0, 0));
    QTest::qWait(100);
    QVERIFY(view.grab().save(dir + QStringLiteral("/journal.png")));
}

QTEST_MAIN(tst_Actions)
#include "tst_actions.moc"
