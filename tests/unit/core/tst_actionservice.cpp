// ActionService against a fake ActionProvider and a real journal: permission → preview → confirmation →
// journal → execute → each step journaled → final; typed confirmation; read-only; refusals; a service
// destroyed mid-action found interrupted and resumed; a provider on a worker thread.

#include "actionservice.h"
#include "journal.h"
#include "observation.h"

#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace Opsdeck;

// Opsdeck::toString(enum) returns QString, which hides QTest::toString from QCOMPARE: compare the words.
#define QCOMPARE_STR(actual, expected) QCOMPARE(toString(actual), toString(expected))
using namespace std::chrono_literals;

namespace {

ServiceKey productservice()
{
    return ServiceKey { QStringLiteral("sim"), QStringLiteral("microservices"),
                        QStringLiteral("productservice") };
}

ActionStep step(const QString &title, bool destructive = false)
{
    ActionStep s;
    s.title = title;
    s.destructive = destructive;
    return s;
}

// Offers "canary-weight" (one step) and "promote" (three steps, the last destructive). Answers as told;
// remembers what it was asked and, when given a journal on its thread, what the journal held at execute().
class FakeProvider : public ActionProvider
{
    Q_OBJECT

public:
    QList<ActionDescriptor> descriptors {
        ActionDescriptor {
            QStringLiteral("canary-weight"), QStringLiteral("Shift canary weight"), {}, false, true, {} },
        ActionDescriptor { QStringLiteral("promote"), QStringLiteral("Promote canary"), {}, false, true, {} }
    };
    bool allow = true;
    bool previewDestructive = false;
    std::optional<Error> previewError;
    std::optional<Error> executeError;
    Journal *journal = nullptr; // read at execute(), same thread only
    QList<ActionRequest> previews;
    QList<ActionRequest> executes;
    QList<OperationStatus> resumes;
    std::optional<JournalEntry> entryAtExecute;

    QList<ActionDescriptor> actionsFor(const ServiceKey &) const override { return descriptors; }

    static QList<ActionStep> stepsFor(const QString &action)
    {
        if (action == QLatin1String("promote"))
            return { step(QStringLiteral("Copy canary template onto stable")),
                     step(QStringLiteral("Set canary weight to 0")),
                     step(QStringLiteral("Scale canary to 0"), true) };
        return { step(QStringLiteral("Set canary weight")) };
    }

    void preview(const ActionRequest &request) override
    {
        previews << request;
        if (previewError) {
            Q_EMIT failed(request.id, *previewError);
            return;
        }
        ActionPreview p;
        p.requestId = request.id;
        p.allowed = allow;
        p.deniedReason = allow ? QString() : QStringLiteral("viewer cannot patch ingresses in microservices");
        p.changes = { ActionChange { QStringLiteral("Ingress"), QStringLiteral("productservice-canary"),
                                     QStringLiteral("canary-weight"), QStringLiteral("10"),
                                     request.parameters.value(QStringLiteral("weight")).toString() } };
        p.steps = stepsFor(request.actionId);
        p.destructive = previewDestructive;
        Q_EMIT previewReady(p);
    }

    void execute(const ActionRequest &request) override
    {
        executes << request;
        if (journal) {
            JournalFilter f;
            auto all = journal->entries(f);
            for (const JournalEntry &e : all.value_or(QList<JournalEntry> {})) {
                if (e.requestId == request.id)
                    entryAtExecute = e;
            }
        }
        if (executeError) {
            Q_EMIT failed(request.id, *executeError);
            return;
        }
        OperationStatus s = statusFor(request, OperationStatus::State::Running);
        s.steps[0].state = ActionStep::State::Running;
        Q_EMIT operationChanged(s);
    }

    void resume(const OperationStatus &status) override { resumes << status; }

    static OperationStatus statusFor(const ActionRequest &request, OperationStatus::State state)
    {
        OperationStatus s;
        s.requestId = request.id;
        s.actionId = request.actionId;
        s.service = request.service;
        s.state = state;
        s.steps = stepsFor(request.actionId);
        return s;
    }

    // The test plays the server: step i done with its request and answer.
    void finishStep(const ActionRequest &request, int done, int httpStatus = 200, bool last = false)
    {
        OperationStatus s = statusFor(
            request,
            last ? (httpStatus < 300 ? OperationStatus::State::Succeeded : OperationStatus::State::Failed)
                 : OperationStatus::State::Running);
        for (int i = 0; i <= done; ++i) {
            s.steps[i].state
                = i < done || httpStatus < 300 ? ActionStep::State::Succeeded : ActionStep::State::Failed;
            s.steps[i].request = QStringLiteral("PATCH /step/%1").arg(i);
            s.steps[i].httpStatus = i < done ? 200 : httpStatus;
            s.steps[i].response = QStringLiteral("answer %1").arg(i);
        }
        if (!last && done + 1 < s.steps.size())
            s.steps[done + 1].state = ActionStep::State::Running;
        s.percent = 100 * (done + 1) / int(s.steps.size());
        s.message = s.steps[done].title;
        if (last && httpStatus >= 300)
            s.error = Error { ErrorKind::Network, QStringLiteral("step %1 failed").arg(done), {}, {} };
        Q_EMIT operationChanged(s);
    }
};

ActionRequest weightRequest(int weight)
{
    ActionRequest r;
    r.actionId = QStringLiteral("canary-weight");
    r.service = productservice();
    r.track = Track::Canary;
    r.parameters = { { QStringLiteral("weight"), weight } };
    return r;
}

ActionRequest promoteRequest()
{
    ActionRequest r;
    r.actionId = QStringLiteral("promote");
    r.service = productservice();
    r.track = Track::Canary;
    return r;
}

using Method = ActionService::Confirmation::Method;

} // namespace

class tst_ActionService : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void init();
    void cleanup();
    void previewConfirmExecuteJournalsEachStep();
    void typedConfirmation_data();
    void typedConfirmation();
    void readOnlyRefusesEverything();
    void permissionDeniedIsJournaledAsRefused();
    void previewFailures();
    void executeRefusedByServer();
    void failedStepRecordsAnswer();
    void journalWriteFailureRunsNothing();
    void oneActionPerServiceAtATime();
    void unknownOrUnavailableAction();
    void destroyedMidActionIsInterruptedThenResumed();
    void interruptedCanBeAbandoned();
    void providerOnWorkerThread();

private:
    QString path() const { return m_dir->filePath(QStringLiteral("journal.sqlite")); }
    // Previews a request and waits for the answer.
    QUuid previewed(ActionService &service, const ActionRequest &request);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Journal> m_journal;
    std::unique_ptr<FakeProvider> m_provider;
    std::unique_ptr<ActionService> m_service;
};

void tst_ActionService::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_journal = std::make_unique<Journal>();
    QVERIFY(m_journal->open(path()));
    m_provider = std::make_unique<FakeProvider>();
    m_provider->journal = m_journal.get();
    m_service = std::make_unique<ActionService>(*m_journal);
    m_service->addProvider(m_provider.get());
    m_service->setUserResolver([](const ServiceKey &key) {
        return key.context == QLatin1String("sim") ? QStringLiteral("sre-admin") : QString();
    });
}

void tst_ActionService::cleanup()
{
    m_service.reset();
    m_provider.reset();
    m_journal.reset();
    m_dir.reset();
}

QUuid tst_ActionService::previewed(ActionService &service, const ActionRequest &request)
{
    QSignalSpy ready(&service, &ActionService::previewReady);
    auto id = service.preview(request);
    if (!id)
        return {};
    if (!ready.wait(5000))
        return {};
    return *id;
}

void tst_ActionService::previewConfirmExecuteJournalsEachStep()
{
    QSignalSpy ready(m_service.get(), &ActionService::previewReady);
    QSignalSpy changed(m_service.get(), &ActionService::operationChanged);
    QSignalSpy finished(m_service.get(), &ActionService::finished);

    auto requestId = m_service->preview(promoteRequest());
    QVERIFY(requestId);
    QVERIFY(m_provider->previews.isEmpty()); // queued: never answered inside preview()
    QVERIFY(ready.wait());
    const ActionPreview p = ready.first().first().value<ActionPreview>();
    QCOMPARE(p.requestId, *requestId);
    QCOMPARE(p.steps.size(), 3);
    QVERIFY(m_service->previewFor(*requestId));
    QVERIFY(m_journal->entries()->isEmpty()); // a preview changes nothing and writes nothing

    auto journalId = m_service->confirm(*requestId, { Method::TypedName, QStringLiteral("productservice") });
    QVERIFY2(journalId, qPrintable(journalId ? QString() : toString(journalId.error())));
    QVERIFY(m_provider->executes.isEmpty());
    QTRY_COMPARE(m_provider->executes.size(), 1);

    // The entry was there, complete, before execute() ran.
    QVERIFY(m_provider->entryAtExecute);
    const JournalEntry before = *m_provider->entryAtExecute;
    QCOMPARE(before.id, *journalId);
    QCOMPARE_STR(before.status, JournalStatus::Started);
    QCOMPARE(before.user, QStringLiteral("sre-admin"));
    QCOMPARE(before.action, QStringLiteral("promote"));
    QCOMPARE(before.service, productservice());
    QCOMPARE_STR(before.track, Track::Canary);
    QCOMPARE(before.confirmation, QStringLiteral("typed productservice"));
    QCOMPARE(before.preview, p.changes);
    QCOMPARE(before.steps.size(), 3);
    QCOMPARE(before.steps[2].destructive, true);

    const ActionRequest executed = m_provider->executes.first();
    QCOMPARE(executed.id, *requestId);
    QTRY_COMPARE(changed.size(), 1);
    QCOMPARE(m_service->running().size(), 1);

    m_provider->finishStep(executed, 0);
    QTRY_COMPARE(changed.size(), 2);
    auto mid = m_journal->entry(*journalId).value();
    QCOMPARE_STR(mid.status, JournalStatus::Started);
    QCOMPARE_STR(mid.steps[0].state, ActionStep::State::Succeeded);
    QCOMPARE(mid.steps[0].request, QStringLiteral("PATCH /step/0"));
    QCOMPARE(mid.steps[0].httpStatus, 200);
    QCOMPARE(mid.steps[0].response, QStringLiteral("answer 0"));
    QCOMPARE_STR(mid.steps[1].state, ActionStep::State::Running);
    QCOMPARE(mid.percent, 33);

    m_provider->finishStep(executed, 1);
    m_provider->finishStep(executed, 2, 200, true);
    QTRY_COMPARE(finished.size(), 1);
    const OperationStatus last = finished.first().first().value<OperationStatus>();
    QCOMPARE_STR(last.state, OperationStatus::State::Succeeded);
    QCOMPARE_STR(last.track, Track::Canary); // filled in for the journal and a later resume
    auto done = m_journal->entry(*journalId).value();
    QCOMPARE_STR(done.status, JournalStatus::Succeeded);
    QVERIFY(done.finishedAt.isValid());
    for (const ActionStep &s : done.steps) {
        QCOMPARE_STR(s.state, ActionStep::State::Succeeded);
        QCOMPARE(s.httpStatus, 200);
    }
    QVERIFY(m_service->running().isEmpty());
    // Later news about a finished request is ignored.
    m_provider->finishStep(executed, 0);
    QTest::qWait(20);
    QCOMPARE_STR(m_journal->entry(*journalId)->status, JournalStatus::Succeeded);
}

void tst_ActionService::typedConfirmation_data()
{
    QTest::addColumn<bool>("descriptorDestructive");
    QTest::addColumn<bool>("previewDestructive");
    QTest::addColumn<QString>("action");
    QTest::addColumn<bool>("typedNeeded");
    QTest::newRow("weight 25") << false << false << QStringLiteral("canary-weight") << false;
    QTest::newRow("weight 100 (preview says so)") << false << true << QStringLiteral("canary-weight") << true;
    QTest::newRow("destructive action") << true << false << QStringLiteral("canary-weight") << true;
    QTest::newRow("a destructive step") << false << false << QStringLiteral("promote") << true;
}

void tst_ActionService::typedConfirmation()
{
    QFETCH(bool, descriptorDestructive);
    QFETCH(bool, previewDestructive);
    QFETCH(QString, action);
    QFETCH(bool, typedNeeded);
    for (ActionDescriptor &d : m_provider->descriptors)
        d.destructive = descriptorDestructive;
    m_provider->previewDestructive = previewDestructive;
    ActionRequest request = action == QLatin1String("promote") ? promoteRequest() : weightRequest(100);

    const QUuid id = previewed(*m_service, request);
    QVERIFY(!id.isNull());
    QCOMPARE(m_service->needsTypedConfirmation(id), typedNeeded);
    if (typedNeeded) {
        for (const ActionService::Confirmation &wrong :
             { ActionService::Confirmation { Method::Dialog, {} },
               ActionService::Confirmation { Method::TypedName, QStringLiteral("productservic") },
               ActionService::Confirmation { Method::TypedName, QStringLiteral("ProductService") } }) {
            auto refused = m_service->confirm(id, wrong);
            QVERIFY(!refused);
            QCOMPARE_STR(refused.error().kind, ErrorKind::Invalid);
            QVERIFY2(refused.error().hint.contains(QStringLiteral("productservice")),
                     qPrintable(refused.error().hint));
        }
        QTest::qWait(20);
        QVERIFY(m_provider->executes.isEmpty());
        QVERIFY(m_journal->entries()->isEmpty());
        QVERIFY(m_service->previewFor(id)); // still pending: the person can type it again
    }
    QVERIFY(m_service->confirm(id, { Method::TypedName, QStringLiteral("productservice") }));
    QTRY_COMPARE(m_provider->executes.size(), 1);

    // `--yes` is the script's explicit consent, typed or not.
    m_provider->finishStep(m_provider->executes.first(), int(FakeProvider::stepsFor(action).size()) - 1, 200,
                           true);
    QTRY_VERIFY(m_service->running().isEmpty());
    const QUuid again = previewed(*m_service, request);
    QVERIFY(m_service->confirm(again, { Method::CommandLineYes, {} }));
    QTRY_COMPARE(m_provider->executes.size(), 2);
    QCOMPARE(m_journal->entries()->first().confirmation, QStringLiteral("--yes"));
}

void tst_ActionService::readOnlyRefusesEverything()
{
    const QUuid pendingId = previewed(*m_service, weightRequest(25));
    QVERIFY(!pendingId.isNull());
    m_service->setReadOnly(true);
    QVERIFY(m_service->isReadOnly());
    QVERIFY(m_service->actionsFor(productservice()).isEmpty());

    QSignalSpy refused(m_service.get(), &ActionService::refused);
    auto previewedId = m_service->preview(weightRequest(50));
    QVERIFY(!previewedId);
    QCOMPARE_STR(previewedId.error().kind, ErrorKind::Forbidden);
    QVERIFY(previewedId.error().message.contains(QStringLiteral("read-only")));
    // A preview made before read-only was switched on cannot be confirmed either.
    auto confirmed = m_service->confirm(pendingId, { Method::CommandLineYes, {} });
    QVERIFY(!confirmed);
    QCOMPARE_STR(confirmed.error().kind, ErrorKind::Forbidden);
    QCOMPARE(refused.size(), 2);
    QTest::qWait(20);
    QCOMPARE(m_provider->previews.size(), 1);
    QVERIFY(m_provider->executes.isEmpty());
    // Both attempts are journaled as refused.
    auto entries = m_journal->entries().value();
    QCOMPARE(entries.size(), 2);
    for (const JournalEntry &e : entries) {
        QCOMPARE_STR(e.status, JournalStatus::Refused);
        QVERIFY(e.error);
        QCOMPARE_STR(e.error->kind, ErrorKind::Forbidden);
        QVERIFY(e.finishedAt.isValid());
    }
}

void tst_ActionService::permissionDeniedIsJournaledAsRefused()
{
    m_provider->allow = false;
    QSignalSpy refused(m_service.get(), &ActionService::refused);
    QSignalSpy ready(m_service.get(), &ActionService::previewReady);
    auto id = m_service->preview(weightRequest(50));
    QVERIFY(id);
    QVERIFY(refused.wait());
    QCOMPARE(ready.size(), 0);
    QCOMPARE(refused.first().first().toUuid(), *id);
    const Error error = refused.first().at(1).value<Error>();
    QCOMPARE_STR(error.kind, ErrorKind::Forbidden);
    QVERIFY(error.message.contains(QStringLiteral("viewer cannot patch ingresses in microservices")));
    auto entries = m_journal->entries().value();
    QCOMPARE(entries.size(), 1);
    QCOMPARE_STR(entries[0].status, JournalStatus::Refused);
    QCOMPARE(entries[0].user, QStringLiteral("sre-admin"));
    QCOMPARE(entries[0].parameters.value(QStringLiteral("weight")).toInt(), 50);
    QVERIFY(!m_service->confirm(*id, { Method::CommandLineYes, {} }));
    QVERIFY(m_provider->executes.isEmpty());
}

void tst_ActionService::previewFailures()
{
    // The network failing is not a refusal: reported, nothing journaled.
    m_provider->previewError = Error { ErrorKind::Network, QStringLiteral("connection refused"), {}, {} };
    QSignalSpy failed(m_service.get(), &ActionService::failed);
    QSignalSpy refused(m_service.get(), &ActionService::refused);
    QVERIFY(m_service->preview(weightRequest(25)));
    QVERIFY(failed.wait());
    QCOMPARE(refused.size(), 0);
    QVERIFY(m_journal->entries()->isEmpty());

    // A 403 from the dry run is a refusal, journaled.
    m_provider->previewError
        = Error { ErrorKind::Forbidden, QStringLiteral("ingresses is forbidden"), {}, {} };
    QVERIFY(m_service->preview(weightRequest(25)));
    QVERIFY(refused.wait());
    QCOMPARE(failed.size(), 1);
    QCOMPARE(m_journal->entries()->size(), 1);
    QCOMPARE_STR(m_journal->entries()->first().status, JournalStatus::Refused);
}

void tst_ActionService::executeRefusedByServer()
{
    m_provider->executeError
        = Error { ErrorKind::Conflict, QStringLiteral("the object has been modified"), {}, {} };
    QSignalSpy finished(m_service.get(), &ActionService::finished);
    const QUuid id = previewed(*m_service, weightRequest(25));
    auto journalId = m_service->confirm(id, {});
    QVERIFY(journalId);
    QVERIFY(finished.wait());
    QCOMPARE_STR(finished.first().first().value<OperationStatus>().state, OperationStatus::State::Refused);
    auto e = m_journal->entry(*journalId).value();
    QCOMPARE_STR(e.status, JournalStatus::Refused);
    QCOMPARE_STR(e.error->kind, ErrorKind::Conflict);
    QVERIFY(e.finishedAt.isValid());
}

void tst_ActionService::failedStepRecordsAnswer()
{
    QSignalSpy finished(m_service.get(), &ActionService::finished);
    const QUuid id = previewed(*m_service, promoteRequest());
    const qint64 journalId
        = m_service->confirm(id, { Method::TypedName, QStringLiteral("productservice") }).value();
    QTRY_COMPARE(m_provider->executes.size(), 1);
    m_provider->finishStep(m_provider->executes.first(), 0);
    m_provider->finishStep(m_provider->executes.first(), 1, 500, true);
    QTRY_COMPARE(finished.size(), 1); // the fake answers on this thread, at once
    auto e = m_journal->entry(journalId).value();
    QCOMPARE_STR(e.status, JournalStatus::Failed);
    QCOMPARE(e.steps[0].httpStatus, 200);
    QCOMPARE_STR(e.steps[1].state, ActionStep::State::Failed);
    QCOMPARE(e.steps[1].httpStatus, 500);
    QCOMPARE(e.steps[1].response, QStringLiteral("answer 1"));
    QCOMPARE_STR(e.steps[2].state, ActionStep::State::Pending);
    QCOMPARE(e.error->message, QStringLiteral("step 1 failed"));
}

void tst_ActionService::journalWriteFailureRunsNothing()
{
    const QUuid id = previewed(*m_service, weightRequest(25));
    m_journal->setBusyTimeout(20ms);
    QSqlDatabase other = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("locker"));
    other.setDatabaseName(path());
    QVERIFY(other.open());
    QVERIFY(QSqlQuery(other).exec(QStringLiteral("BEGIN EXCLUSIVE")));

    auto refused = m_service->confirm(id, {});
    QVERIFY(!refused);
    QCOMPARE_STR(refused.error().kind, ErrorKind::Conflict);
    QVERIFY(refused.error().hint.contains(QStringLiteral("not run")));
    QTest::qWait(20);
    QVERIFY(m_provider->executes.isEmpty());

    QVERIFY(QSqlQuery(other).exec(QStringLiteral("ROLLBACK")));
    other.close();
    other = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("locker"));
    // The preview is still there: confirming again works once the journal can be written.
    QVERIFY(m_service->confirm(id, {}));
    QTRY_COMPARE(m_provider->executes.size(), 1);
    QCOMPARE_STR(m_provider->entryAtExecute->status, JournalStatus::Started);
}

void tst_ActionService::oneActionPerServiceAtATime()
{
    const QUuid first = previewed(*m_service, weightRequest(25));
    const QUuid second = previewed(*m_service, weightRequest(50));
    QVERIFY(m_service->confirm(first, {}));
    auto busy = m_service->confirm(second, {});
    QVERIFY(!busy);
    QCOMPARE_STR(busy.error().kind, ErrorKind::Conflict);
    auto previewBusy = m_service->preview(weightRequest(75));
    QVERIFY(!previewBusy);
    QCOMPARE_STR(previewBusy.error().kind, ErrorKind::Conflict);
    // Another service is not blocked.
    ActionRequest other = weightRequest(25);
    other.service.name = QStringLiteral("orderservice");
    QVERIFY(!previewed(*m_service, other).isNull());
}

void tst_ActionService::unknownOrUnavailableAction()
{
    ActionRequest unknown = weightRequest(25);
    unknown.actionId = QStringLiteral("self-destruct");
    auto result = m_service->preview(unknown);
    QVERIFY(!result);
    QCOMPARE_STR(result.error().kind, ErrorKind::Invalid);
    QVERIFY(m_journal->entries()->isEmpty()); // a typo is not an attempt

    m_provider->descriptors[0].available = false;
    m_provider->descriptors[0].unavailableReason = QStringLiteral("no canary running");
    result = m_service->preview(weightRequest(25));
    QVERIFY(!result);
    QVERIFY(result.error().message.contains(QStringLiteral("no canary running")));
    QCOMPARE(m_journal->entries()->size(), 1);
    QTest::qWait(20);
    QVERIFY(m_provider->previews.isEmpty());
}

void tst_ActionService::destroyedMidActionIsInterruptedThenResumed()
{
    const QUuid id = previewed(*m_service, promoteRequest());
    const qint64 journalId
        = m_service->confirm(id, { Method::TypedName, QStringLiteral("productservice") }).value();
    QTRY_COMPARE(m_provider->executes.size(), 1);
    const ActionRequest executed = m_provider->executes.first();
    m_provider->finishStep(executed, 0);
    QTRY_COMPARE(m_journal->entry(journalId)->steps[0].httpStatus, 200);

    // The app goes away mid-promote.
    m_service.reset();
    m_provider.reset();
    m_journal.reset();

    m_journal = std::make_unique<Journal>();
    QVERIFY(m_journal->open(path()));
    m_provider = std::make_unique<FakeProvider>();
    m_service = std::make_unique<ActionService>(*m_journal);
    m_service->addProvider(m_provider.get());
    auto interrupted = m_service->interrupted();
    QVERIFY(interrupted);
    QCOMPARE(interrupted->size(), 1);
    const JournalEntry e = interrupted->first();
    QCOMPARE(e.id, journalId);
    QCOMPARE_STR(e.status, JournalStatus::Interrupted);
    QCOMPARE_STR(e.steps[0].state, ActionStep::State::Succeeded);
    QCOMPARE_STR(e.steps[1].state, ActionStep::State::Running);

    // Read-only refuses to resume.
    m_service->setReadOnly(true);
    QCOMPARE_STR(m_service->resume(journalId).error().kind, ErrorKind::Forbidden);
    m_service->setReadOnly(false);

    QSignalSpy finished(m_service.get(), &ActionService::finished);
    QVERIFY(m_service->resume(journalId));
    QCOMPARE_STR(m_journal->entry(journalId)->status, JournalStatus::Started);
    QTRY_COMPARE(m_provider->resumes.size(), 1);
    const OperationStatus handed = m_provider->resumes.first();
    QCOMPARE(handed.requestId, executed.id);
    QCOMPARE(handed.actionId, QStringLiteral("promote"));
    QCOMPARE(handed.service, productservice());
    QCOMPARE_STR(handed.track, Track::Canary);
    QCOMPARE(handed.steps.size(), 3);
    QCOMPARE_STR(handed.steps[0].state, ActionStep::State::Succeeded);
    QVERIFY(!m_service->resume(journalId)); // not interrupted any more

    // The provider read the real state back and finishes the remaining steps.
    m_provider->finishStep(executed, 1);
    m_provider->finishStep(executed, 2, 200, true);
    QTRY_COMPARE(finished.size(), 1); // the fake answers on this thread, at once
    auto done = m_journal->entry(journalId).value();
    QCOMPARE_STR(done.status, JournalStatus::Succeeded);
    QCOMPARE_STR(done.steps[2].state, ActionStep::State::Succeeded);
    QVERIFY(m_service->interrupted()->isEmpty());
}

void tst_ActionService::interruptedCanBeAbandoned()
{
    const QUuid id = previewed(*m_service, weightRequest(25));
    const qint64 journalId = m_service->confirm(id, {}).value();
    QTRY_COMPARE(m_provider->executes.size(), 1);
    m_service.reset();
    m_journal.reset();
    m_journal = std::make_unique<Journal>();
    QVERIFY(m_journal->open(path()));
    m_service = std::make_unique<ActionService>(*m_journal);
    m_service->addProvider(m_provider.get());
    QCOMPARE(m_service->interrupted()->size(), 1);
    QVERIFY(m_service->abandon(journalId, QStringLiteral("weight checked: already 25")));
    QCOMPARE_STR(m_journal->entry(journalId)->status, JournalStatus::Abandoned);
    QVERIFY(m_service->interrupted()->isEmpty());
    QVERIFY(!m_service->resume(journalId));
}

void tst_ActionService::providerOnWorkerThread()
{
    m_service->removeProvider(m_provider.get());
    QThread worker;
    auto *provider = new FakeProvider; // no journal: Qt SQL connections belong to this thread
    provider->moveToThread(&worker);
    connect(&worker, &QThread::finished, provider, &QObject::deleteLater);
    worker.start();
    m_service->addProvider(provider);

    QSignalSpy ready(m_service.get(), &ActionService::previewReady);
    QSignalSpy changed(m_service.get(), &ActionService::operationChanged);
    auto id = m_service->preview(weightRequest(25));
    QVERIFY(id);
    QVERIFY(ready.wait());
    const qint64 journalId = m_service->confirm(*id, {}).value();
    QVERIFY(changed.wait());
    QCOMPARE_STR(changed.first().first().value<OperationStatus>().state, OperationStatus::State::Running);
    QTRY_VERIFY(m_journal->entry(journalId)->steps[0].state == ActionStep::State::Running);
    QMetaObject::invokeMethod(provider, [provider] {
        ActionRequest r = provider->executes.first();
        provider->finishStep(r, 0, 200, true);
    });
    QTRY_VERIFY(m_journal->entry(journalId)->status == JournalStatus::Succeeded);
    worker.quit();
    QVERIFY(worker.wait(5000));
}

QTEST_GUILESS_MAIN(tst_ActionService)
#include "tst_actionservice.moc"
