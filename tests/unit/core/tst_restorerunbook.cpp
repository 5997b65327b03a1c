// The point-in-time restore runbook's sequencing against a scripted backend: validation, default name,
// the never-overwrite check, the LRO (Azure-AsyncOperation preferred, Location fallback, Retry-After,
// backoff), each step's failure, the verification timeout, and resumption from a journaled status.

#include "observation.h"
#include "restorebackend.h"
#include "restoreconnectionstring.h"
#include "restorerunbook.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace Opsdeck;

// Enums compared as their words (QCOMPARE has no printer for them).
#define QCOMPARE_STR(actual, expected) QCOMPARE(toString(actual), toString(expected))

namespace {

const QString kAsync
    = QStringLiteral("https://arm/ops/databaseAzureAsyncOperation/op1?api-version=2021-11-01");
const QString kLocation
    = QStringLiteral("https://arm/ops/databaseOperationResults/op1?api-version=2021-11-01");

QDateTime utc(const char *text)
{
    return QDateTime::fromString(QString::fromLatin1(text), Qt::ISODate).toUTC();
}

RestoreReply reply(int status, QJsonObject object = {}, QHash<QByteArray, QByteArray> headers = {})
{
    RestoreReply r;
    r.status = status;
    r.object = object;
    r.headers = headers;
    if (status < 200 || status >= 300)
        r.error = Error { status == 404 ? ErrorKind::NotFound : ErrorKind::Network,
                          QStringLiteral("HTTP %1").arg(status),
                          {},
                          std::nullopt };
    return r;
}

QJsonObject database(const QString &name, const QString &status,
                     const char *earliest = "2026-11-19T08:00:00Z",
                     const char *created = "2026-10-17T08:00:00Z")
{
    return QJsonObject {
        { QStringLiteral("id"),
          QStringLiteral("/subscriptions/s/resourceGroups/g/providers/Microsoft.Sql/servers/sql/databases/")
              + name },
        { QStringLiteral("name"), name },
        { QStringLiteral("location"), QStringLiteral("westeurope") },
        { QStringLiteral("tags"),
          QJsonObject { { QStringLiteral("Service"), QStringLiteral("productservice") } } },
        { QStringLiteral("properties"),
          QJsonObject { { QStringLiteral("status"), status },
                        { QStringLiteral("earliestRestoreDate"), QString::fromLatin1(earliest) },
                        { QStringLiteral("creationDate"), QString::fromLatin1(created) } } }
    };
}

QJsonObject operation(const QString &status, int percent, QJsonObject error = {})
{
    QJsonObject o { { QStringLiteral("status"), status }, { QStringLiteral("percentComplete"), percent } };
    if (!error.isEmpty())
        o.insert(QStringLiteral("error"), error);
    return o;
}

// Answers from scripts, always later (like the network), and time that moves only when the runbook waits.
class FakeBackend : public QObject, public RestoreBackend
{
public:
    QDateTime clock = utc("2026-11-26T08:00:00Z");
    QHash<QString, QList<RestoreReply>> gets; // database name → answers in turn (the last repeats)
    RestoreReply putAnswer = reply(202, {},
                                   { { "azure-asyncoperation", kAsync.toUtf8() },
                                     { "location", kLocation.toUtf8() },
                                     { "retry-after", "3" } });
    QList<RestoreReply> polls; // in turn (the last repeats)
    RestoreStepAnswer access;
    RestoreStepAnswer repointAnswer;
    RestoreStepAnswer restartAnswer;
    QList<RestoreVerifyAnswer> verifies { RestoreVerifyAnswer {
        true, {}, QStringLiteral("GET /health"), 200, std::nullopt } };

    QStringList calls;
    QList<qint64> delays; // ms, as asked by after()
    QJsonObject putBody;
    QStringList stamps;

    FakeBackend()
    {
        gets.insert(QStringLiteral("ProductDb"),
                    { reply(200, database(QStringLiteral("ProductDb"), QStringLiteral("Offline"))) });
        repointAnswer.requests << QStringLiteral("PATCH /api/v1/namespaces/ns/secrets/productservice-db");
        repointAnswer.httpStatus = 200;
        repointAnswer.response = QStringLiteral("patched");
        repointAnswer.changes << ActionChange { QStringLiteral("Secret"), QStringLiteral("productservice-db"),
                                                QStringLiteral("data.database"), QStringLiteral("ProductDb"),
                                                QStringLiteral("new") };
        restartAnswer.requests << QStringLiteral("PATCH deployments/productservice-stable")
                               << QStringLiteral("PATCH deployments/productservice-canary");
        restartAnswer.httpStatus = 200;
        restartAnswer.response = QStringLiteral("restarted 2");
        restartAnswer.changes << ActionChange { QStringLiteral("Deployment"),
                                                QStringLiteral("productservice-stable"),
                                                QStringLiteral("restartedAt"), QString(),
                                                QStringLiteral("now") };
    }

    template<typename T, typename F> void later(F done, T value)
    {
        QTimer::singleShot(0, this, [done, value] { done(value); });
    }
    template<typename T> T next(QList<T> &queue)
    {
        return queue.size() > 1 ? queue.takeFirst() : queue.value(0);
    }

    QString serverName() const override { return QStringLiteral("sql"); }
    QString databaseId(const QString &database) const override { return QStringLiteral("/id/") + database; }
    void getDatabase(const QString &name, ReplyCallback done) override
    {
        calls << QStringLiteral("GET ") + name;
        auto it = gets.find(name);
        later(done,
              it == gets.end() || it->isEmpty() ? reply(
                  404,
                  { { QStringLiteral("error"),
                      QJsonObject { { QStringLiteral("code"), QStringLiteral("ResourceNotFound") } } } })
                                                : next(*it));
    }
    void getRetention(const QString &, ReplyCallback done) override { later(done, reply(404)); }
    void putDatabase(const QString &name, const QJsonObject &body, ReplyCallback done) override
    {
        calls << QStringLiteral("PUT ") + name;
        putBody = body;
        RestoreReply r = putAnswer;
        r.request = QStringLiteral("PUT /databases/") + name;
        later(done, r);
    }
    void poll(const QString &url, ReplyCallback done) override
    {
        calls << QStringLiteral("POLL ")
                + (url == kAsync          ? QStringLiteral("async")
                       : url == kLocation ? QStringLiteral("location")
                                          : url);
        later(done, next(polls));
    }
    void checkAccess(const ServiceKey &, bool repoint, StepCallback done) override
    {
        calls << QStringLiteral("ACCESS %1").arg(repoint);
        later(done, access);
    }
    void repoint(const ServiceKey &, const QString &database, bool dryRun, StepCallback done) override
    {
        calls << QStringLiteral("REPOINT %1%2").arg(database, dryRun ? QStringLiteral(" dry") : QString());
        later(done, repointAnswer);
    }
    void restart(const ServiceKey &, const QString &stamp, bool dryRun, StepCallback done) override
    {
        calls << QStringLiteral("RESTART%1").arg(dryRun ? QStringLiteral(" dry") : QString());
        if (!dryRun)
            stamps << stamp;
        later(done, restartAnswer);
    }
    void verify(const ServiceKey &, const QString &, VerifyCallback done) override
    {
        calls << QStringLiteral("VERIFY");
        later(done, next(verifies));
    }
    QDateTime now() const override { return clock; }
    void after(std::chrono::milliseconds delay, QObject *context, std::function<void()> run) override
    {
        delays << delay.count();
        clock = clock.addMSecs(delay.count());
        QTimer::singleShot(0, context, std::move(run));
    }
};

ActionRequest request(QVariantMap parameters)
{
    ActionRequest r;
    r.id = QUuid::createUuid();
    r.actionId = QStringLiteral("restore-db");
    r.service = ServiceKey { QStringLiteral("ctx"), QStringLiteral("ns"), QStringLiteral("productservice") };
    r.parameters = parameters;
    return r;
}

QVariantMap standard(bool repoint = true)
{
    return { { QStringLiteral("database"), QStringLiteral("ProductDb") },
             { QStringLiteral("pointInTime"), QStringLiteral("2026-11-26T07:30:00Z") },
             { QStringLiteral("newName"), QStringLiteral("ProductDb-r1") },
             { QStringLiteral("repoint"), repoint } };
}

RestoreRunbook::Settings quick()
{
    RestoreRunbook::Settings s;
    s.verifyTimeout = std::chrono::seconds(30);
    s.verifyInterval = std::chrono::milliseconds(5000);
    return s;
}

// Runs an execute/resume to its final status.
OperationStatus runToEnd(RestoreRunbook *runbook, QList<OperationStatus> *all = nullptr)
{
    QSignalSpy spy(runbook, &RestoreRunbook::operationChanged);
    runbook->start();
    OperationStatus last;
    for (int i = 0; i < 400; ++i) {
        if (!spy.isEmpty())
            last = spy.constLast().at(0).value<OperationStatus>();
        if (last.isFinal())
            break;
        spy.wait(50);
    }
    if (all) {
        for (const auto &args : spy)
            all->append(args.at(0).value<OperationStatus>());
    }
    return last;
}

} // namespace

class TestRestoreRunbook : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<OperationStatus>();
        qRegisterMetaType<ActionPreview>();
        qRegisterMetaType<Error>();
    }

    void defaultName()
    {
        QCOMPARE(RestoreRunbook::defaultRestoreName(QStringLiteral("ProductDb"), utc("2026-11-26T08:05:59Z")),
                 QStringLiteral("ProductDb-restored-202611260805"));
        // The point's UTC minute, whatever zone it was written in.
        QCOMPARE(RestoreRunbook::defaultRestoreName(
                     QStringLiteral("OrderDb"),
                     QDateTime::fromString(QStringLiteral("2026-11-26T10:05:00+02:00"), Qt::ISODate)),
                 QStringLiteral("OrderDb-restored-202611260805"));
        const auto p = RestoreRunbook::Parameters::read(
            { { QStringLiteral("database"), QStringLiteral("ProductDb") },
              { QStringLiteral("pointInTime"), QStringLiteral("2026-11-26T07:30:00") } });
        QVERIFY(p);
        QCOMPARE(p->newName, QStringLiteral("ProductDb-restored-202611260730"));
        QCOMPARE(p->repoint, false);
    }

    void parametersRefused_data()
    {
        QTest::addColumn<QVariantMap>("parameters");
        QTest::addColumn<QString>("says");
        QTest::newRow("no database") << QVariantMap { { QStringLiteral("pointInTime"),
                                                        QStringLiteral("2026-11-26T07:30:00Z") } }
                                     << "database";
        QTest::newRow("no point") << QVariantMap { { QStringLiteral("database"),
                                                     QStringLiteral("ProductDb") } }
                                  << "point in time";
        QTest::newRow("bad point") << QVariantMap {
            { QStringLiteral("database"), QStringLiteral("ProductDb") },
            { QStringLiteral("pointInTime"), QStringLiteral("yesterday") }
        } << "ISO 8601";
        QTest::newRow("bad name") << QVariantMap {
            { QStringLiteral("database"), QStringLiteral("ProductDb") },
            { QStringLiteral("pointInTime"), QStringLiteral("2026-11-26T07:30:00Z") },
            { QStringLiteral("newName"), QStringLiteral("a/b") }
        } << "contains '/'";
        QTest::newRow("same name") << QVariantMap {
            { QStringLiteral("database"), QStringLiteral("ProductDb") },
            { QStringLiteral("pointInTime"), QStringLiteral("2026-11-26T07:30:00Z") },
            { QStringLiteral("newName"), QStringLiteral("productdb") }
        } << "like its source";
    }
    void parametersRefused()
    {
        QFETCH(QVariantMap, parameters);
        QFETCH(QString, says);
        const auto p = RestoreRunbook::Parameters::read(parameters);
        QVERIFY(!p);
        QCOMPARE_STR(p.error().kind, ErrorKind::Invalid);
        QVERIFY2(p.error().message.contains(says), qPrintable(p.error().message));
    }

    void pointValidation()
    {
        const QDateTime earliest = utc("2026-11-19T08:00:00Z");
        const QDateTime now = utc("2026-11-26T08:00:00Z");
        QVERIFY(RestoreRunbook::validatePoint(utc("2026-11-20T00:00:00Z"), earliest, now));
        QVERIFY(RestoreRunbook::validatePoint(earliest, earliest, now));
        QVERIFY(RestoreRunbook::validatePoint(now, earliest, now));
        const auto before = RestoreRunbook::validatePoint(utc("2026-11-19T07:59:59Z"), earliest, now);
        QVERIFY(!before);
        QVERIFY(before.error().message.contains(
            QStringLiteral("before the earliest restore point 2026-11-19T08:00:00Z")));
        QVERIFY(before.error().hint.contains(QStringLiteral("[2026-11-19T08:00:00Z, 2026-11-26T08:00:00Z]")));
        const auto future = RestoreRunbook::validatePoint(utc("2026-11-26T08:00:01Z"), earliest, now);
        QVERIFY(!future);
        QVERIFY(future.error().message.contains(QStringLiteral("future")));
        QVERIFY(!RestoreRunbook::validatePoint(now, QDateTime(), now));
    }

    void pointParsing()
    {
        QCOMPARE(*RestoreRunbook::parsePoint(QStringLiteral("2026-11-26T08:00:00")),
                 utc("2026-11-26T08:00:00Z"));
        QCOMPARE(*RestoreRunbook::parsePoint(QStringLiteral("2026-11-26T09:00:00+01:00")),
                 utc("2026-11-26T08:00:00Z"));
        QCOMPARE(RestoreRunbook::parsePoint(QStringLiteral("2026-11-26T08:00:00.250Z"))->toMSecsSinceEpoch(),
                 utc("2026-11-26T08:00:00Z").toMSecsSinceEpoch() + 250);
        QCOMPARE(RestoreRunbook::parsePoint(QStringLiteral("2026-11-26T08:00:00Z"))->timeSpec(), Qt::UTC);
    }

    void serverNow()
    {
        const QDateTime wall = utc("2026-11-26T08:00:00Z");
        // The simulator at --speed: its window already starts 7 days before a "now" ahead of ours.
        QCOMPARE(RestoreRunbook::serverNow(utc("2026-11-19T09:30:00Z"), utc("2026-10-17T08:00:00Z"), wall, 7),
                 utc("2026-11-26T09:30:00Z"));
        // A server behind or level with us: our clock.
        QCOMPARE(RestoreRunbook::serverNow(utc("2026-11-19T07:00:00Z"), utc("2026-10-17T08:00:00Z"), wall, 7),
                 wall);
        // A young database: the creation bounds the window, it says nothing about the time.
        QCOMPARE(RestoreRunbook::serverNow(utc("2026-11-25T08:00:00Z"), utc("2026-11-25T08:00:00Z"), wall, 7),
                 wall);
    }

    void connectionString()
    {
        const QString text
            = QStringLiteral("Server=tcp:sql.database.windows.net,1433;Initial Catalog=ProductDb;User ID=u;"
                             "Password=s3cret;Encrypt=True;");
        QCOMPARE(RestoreConnectionString::database(text), QStringLiteral("ProductDb"));
        QCOMPARE(
            *RestoreConnectionString::retarget(text, QStringLiteral("ProductDb-r1")),
            QStringLiteral("Server=tcp:sql.database.windows.net,1433;Initial Catalog=ProductDb-r1;User ID=u;"
                           "Password=s3cret;Encrypt=True;"));
        QCOMPARE(
            RestoreConnectionString::masked(text),
            QStringLiteral("Server=tcp:sql.database.windows.net,1433;Initial Catalog=ProductDb;User ID=u;"
                           "Password=*****;Encrypt=True;"));
        QCOMPARE(RestoreConnectionString::masked(QStringLiteral("database=x;pwd=a")),
                 QStringLiteral("database=x;pwd=*****"));
        QVERIFY(
            !RestoreConnectionString::retarget(QStringLiteral("Server=x;Password=y"), QStringLiteral("z")));
    }

    void previewListsStepsAndChanges()
    {
        FakeBackend backend;
        auto *runbook
            = new RestoreRunbook(RestoreRunbook::Mode::Preview, request(standard()), &backend, quick());
        QSignalSpy ready(runbook, &RestoreRunbook::previewReady);
        runbook->start();
        QVERIFY(ready.wait());
        const auto preview = ready.at(0).at(0).value<ActionPreview>();
        QVERIFY(preview.allowed);
        QVERIFY(preview.destructive);
        QCOMPARE(preview.steps.size(), 4);
        QCOMPARE(preview.steps[0].title,
                 QStringLiteral("Restore ProductDb to 2026-11-26T07:30:00Z as ProductDb-r1"));
        QCOMPARE(preview.steps[1].title, QStringLiteral("Point productservice-db at ProductDb-r1"));
        QCOMPARE(preview.steps[2].title, QStringLiteral("Restart productservice (stable, canary)"));
        QCOMPARE(preview.steps[3].title, QStringLiteral("Verify pods Ready and /health Healthy"));
        QCOMPARE(preview.changes.value(0).kind, QStringLiteral("Database"));
        QCOMPARE(preview.changes.value(0).name, QStringLiteral("ProductDb-r1"));
        QCOMPARE(preview.changes.value(1).kind, QStringLiteral("Secret"));
        QCOMPARE(preview.changes.value(2).kind, QStringLiteral("Deployment"));
        QVERIFY(preview.warnings.join(u' ').contains(QStringLiteral("Offline")));
        QCOMPARE(backend.calls,
                 (QStringList { QStringLiteral("GET ProductDb"), QStringLiteral("GET ProductDb-r1"),
                                QStringLiteral("ACCESS 1"), QStringLiteral("REPOINT ProductDb-r1 dry"),
                                QStringLiteral("RESTART dry") }));
        QVERIFY(!backend.calls.join(u' ').contains(QStringLiteral("PUT")));
    }

    void previewWithoutRepointHasThreeSteps()
    {
        FakeBackend backend;
        auto *runbook
            = new RestoreRunbook(RestoreRunbook::Mode::Preview, request(standard(false)), &backend, quick());
        QSignalSpy ready(runbook, &RestoreRunbook::previewReady);
        runbook->start();
        QVERIFY(ready.wait());
        const auto preview = ready.at(0).at(0).value<ActionPreview>();
        QCOMPARE(preview.steps.size(), 3);
        QVERIFY(!backend.calls.join(u' ').contains(QStringLiteral("REPOINT")));
    }

    void previewRefusesExistingTarget()
    {
        FakeBackend backend;
        backend.gets.insert(
            QStringLiteral("ProductDb-r1"),
            { reply(200, database(QStringLiteral("ProductDb-r1"), QStringLiteral("Online"))) });
        auto *runbook
            = new RestoreRunbook(RestoreRunbook::Mode::Preview, request(standard()), &backend, quick());
        QSignalSpy failed(runbook, &RestoreRunbook::failed);
        runbook->start();
        QVERIFY(failed.wait());
        const auto error = failed.at(0).at(1).value<Error>();
        QCOMPARE_STR(error.kind, ErrorKind::Conflict);
        QVERIFY(error.message.contains(QStringLiteral("already exists")));
        QVERIFY(error.message.contains(QStringLiteral("never overwrites")));
    }

    void previewRefusesPointOutsideWindow()
    {
        FakeBackend backend;
        QVariantMap p = standard();
        p.insert(QStringLiteral("pointInTime"), QStringLiteral("2026-11-01T00:00:00Z"));
        auto *runbook = new RestoreRunbook(RestoreRunbook::Mode::Preview, request(p), &backend, quick());
        QSignalSpy failed(runbook, &RestoreRunbook::failed);
        runbook->start();
        QVERIFY(failed.wait());
        QCOMPARE_STR(failed.at(0).at(1).value<Error>().kind, ErrorKind::Invalid);
        QVERIFY(failed.at(0).at(1).value<Error>().message.contains(QStringLiteral("earliest restore point")));
        QCOMPARE(backend.calls, QStringList { QStringLiteral("GET ProductDb") });
    }

    void previewDeniedByRbac()
    {
        FakeBackend backend;
        backend.access.error = Error {
            ErrorKind::Forbidden, QStringLiteral("viewer cannot patch secrets in ns"), {}, std::nullopt
        };
        auto *runbook
            = new RestoreRunbook(RestoreRunbook::Mode::Preview, request(standard()), &backend, quick());
        QSignalSpy ready(runbook, &RestoreRunbook::previewReady);
        runbook->start();
        QVERIFY(ready.wait());
        const auto preview = ready.at(0).at(0).value<ActionPreview>();
        QVERIFY(!preview.allowed);
        QCOMPARE(preview.deniedReason, QStringLiteral("viewer cannot patch secrets in ns"));
    }

    void executeRunsEveryStep()
    {
        FakeBackend backend;
        backend.gets.insert(
            QStringLiteral("ProductDb-r1"),
            { reply(404), reply(200, database(QStringLiteral("ProductDb-r1"), QStringLiteral("Restoring"))),
              reply(200, database(QStringLiteral("ProductDb-r1"), QStringLiteral("Online"))) });
        backend.polls = { reply(200, operation(QStringLiteral("InProgress"), 40), { { "retry-after", "2" } }),
                          reply(200, operation(QStringLiteral("InProgress"), 80)),
                          reply(200, operation(QStringLiteral("Succeeded"), 100)) };
        backend.verifies
            = { RestoreVerifyAnswer { false, QStringLiteral("1 of 2 stable pods Ready"),
                                      QStringLiteral("GET pods"), 200, std::nullopt },
                RestoreVerifyAnswer { true, {}, QStringLiteral("GET /health"), 200, std::nullopt } };
        QList<OperationStatus> all;
        const OperationStatus last = runToEnd(
            new RestoreRunbook(RestoreRunbook::Mode::Execute, request(standard()), &backend, quick()), &all);
        QCOMPARE_STR(last.state, OperationStatus::State::Succeeded);
        QCOMPARE(last.percent, 100);
        for (const ActionStep &step : last.steps)
            QCOMPARE(int(step.state), int(ActionStep::State::Succeeded));
        QCOMPARE(backend.calls,
                 (QStringList { QStringLiteral("GET ProductDb"), QStringLiteral("GET ProductDb-r1"),
                                QStringLiteral("PUT ProductDb-r1"), QStringLiteral("POLL async"),
                                QStringLiteral("POLL async"), QStringLiteral("POLL async"),
                                QStringLiteral("GET ProductDb-r1"), QStringLiteral("GET ProductDb-r1"),
                                QStringLiteral("REPOINT ProductDb-r1"), QStringLiteral("RESTART"),
                                QStringLiteral("VERIFY"), QStringLiteral("VERIFY") }));
        // Retry-After 3 (the PUT), 2 (first poll), then backoff 1 s with none; the online wait; the verify
        // interval.
        QCOMPARE(backend.delays, (QList<qint64> { 3000, 2000, 1000, 2000, 5000 }));
        const QJsonObject properties = backend.putBody.value(QStringLiteral("properties")).toObject();
        QCOMPARE(properties.value(QStringLiteral("createMode")).toString(),
                 QStringLiteral("PointInTimeRestore"));
        QCOMPARE(
            properties.value(QStringLiteral("sourceDatabaseId")).toString(),
            QStringLiteral(
                "/subscriptions/s/resourceGroups/g/providers/Microsoft.Sql/servers/sql/databases/ProductDb"));
        QCOMPARE(properties.value(QStringLiteral("restorePointInTime")).toString(),
                 QStringLiteral("2026-11-26T07:30:00Z"));
        QCOMPARE(backend.putBody.value(QStringLiteral("location")).toString(), QStringLiteral("westeurope"));
        QCOMPARE(backend.putBody.value(QStringLiteral("tags"))
                     .toObject()
                     .value(QStringLiteral("Service"))
                     .toString(),
                 QStringLiteral("productservice"));
        QCOMPARE(last.parameters.value(QStringLiteral("operationUrl")).toString(), kAsync);
        QCOMPARE(last.parameters.value(QStringLiteral("locationUrl")).toString(), kLocation);
        QCOMPARE(last.parameters.value(QStringLiteral("restoredDatabase")).toString(),
                 QStringLiteral("ProductDb-r1"));
        QCOMPARE(last.parameters.value(QStringLiteral("completedSteps")).toStringList(),
                 (QStringList { QStringLiteral("restore"), QStringLiteral("repoint"),
                                QStringLiteral("restart"), QStringLiteral("verify") }));
        QCOMPARE(last.parameters.value(QStringLiteral("restartedAt")).toString(), backend.stamps.value(0));
        QCOMPARE(last.parameters.value(QStringLiteral("database")).toString(),
                 QStringLiteral("ProductDb")); // the request's kept
        QVERIFY(last.steps[0].request.contains(QStringLiteral("PUT /databases/ProductDb-r1")));
        QVERIFY(last.steps[0].request.contains(QStringLiteral("PointInTimeRestore")));
        QCOMPARE(last.changes.value(0).kind, QStringLiteral("Database"));
        // The operation URL is journaled right after the PUT answered; percent follows percentComplete.
        int firstWithUrl = -1;
        int percentAt40 = -1;
        int previous = -1;
        for (int i = 0; i < all.size(); ++i) {
            if (firstWithUrl < 0 && all[i].parameters.contains(QStringLiteral("operationUrl")))
                firstWithUrl = i;
            if (all[i].message.contains(QStringLiteral("40 %")))
                percentAt40 = all[i].percent;
            QVERIFY(all[i].percent >= previous);
            previous = all[i].percent;
        }
        QVERIFY(firstWithUrl >= 0);
        QCOMPARE(int(all[firstWithUrl].steps[0].state), int(ActionStep::State::Running));
        QCOMPARE(percentAt40, 28); // 40 % of the restore's 70 % share
    }

    void locationFallback()
    {
        FakeBackend backend;
        backend.putAnswer = reply(202, {}, { { "location", kLocation.toUtf8() } });
        backend.gets.insert(
            QStringLiteral("ProductDb-r1"),
            { reply(404), reply(200, database(QStringLiteral("ProductDb-r1"), QStringLiteral("Online"))) });
        backend.polls = { reply(202, {}, { { "retry-after", "4" } }), reply(202),
                          reply(200, database(QStringLiteral("ProductDb-r1"), QStringLiteral("Online"))) };
        const OperationStatus last = runToEnd(
            new RestoreRunbook(RestoreRunbook::Mode::Execute, request(standard(false)), &backend, quick()));
        QCOMPARE_STR(last.state, OperationStatus::State::Succeeded);
        QCOMPARE(backend.calls.count(QStringLiteral("POLL location")), 3);
        QVERIFY(!backend.calls.contains(QStringLiteral("POLL async")));
        // No Retry-After on the PUT: 1 s; then 4 s as asked; then backoff 1 s again.
        QCOMPARE(backend.delays.mid(0, 3), (QList<qint64> { 1000, 4000, 1000 }));
        QVERIFY(!last.parameters.contains(QStringLiteral("operationUrl")));
    }

    void failedOperationNamesTheRestoreStep()
    {
        FakeBackend backend;
        backend.polls
            = { reply(200, operation(QStringLiteral("InProgress"), 30)),
                reply(200,
                      operation(QStringLiteral("Failed"), 60,
                                { { QStringLiteral("code"), QStringLiteral("DatabaseRestoreFailed") },
                                  { QStringLiteral("message"), QStringLiteral("The restore failed.") } })) };
        const OperationStatus last = runToEnd(
            new RestoreRunbook(RestoreRunbook::Mode::Execute, request(standard()), &backend, quick()));
        QCOMPARE_STR(last.state, OperationStatus::State::Failed);
        QVERIFY(last.error);
        QVERIFY2(last.error->message.startsWith(QStringLiteral("step 1 \"Restore ProductDb")),
                 qPrintable(last.error->message));
        QVERIFY(last.error->message.contains(QStringLiteral("DatabaseRestoreFailed")));
        QVERIFY(last.error->hint.contains(QStringLiteral("ProductDb is untouched")));
        QCOMPARE(int(last.steps[0].state), int(ActionStep::State::Failed));
        QCOMPARE(int(last.steps[1].state), int(ActionStep::State::Pending));
        QVERIFY(!backend.calls.join(u' ').contains(QStringLiteral("REPOINT")));
    }

    void putConflictIsRefused()
    {
        FakeBackend backend;
        backend.putAnswer = reply(
            409,
            { { QStringLiteral("error"),
                QJsonObject { { QStringLiteral("code"), QStringLiteral("ConflictingDatabaseOperation") },
                              { QStringLiteral("message"), QStringLiteral("busy") } } } });
        const OperationStatus last = runToEnd(
            new RestoreRunbook(RestoreRunbook::Mode::Execute, request(standard()), &backend, quick()));
        QCOMPARE_STR(last.state, OperationStatus::State::Refused);
        QCOMPARE_STR(last.error->kind, ErrorKind::Conflict);
        QVERIFY(last.error->message.contains(QStringLiteral("ConflictingDatabaseOperation")));
        QCOMPARE(last.steps[0].httpStatus, 409);
    }

    void executeRefusesExistingTarget()
    {
        FakeBackend backend;
        backend.gets.insert(
            QStringLiteral("ProductDb-r1"),
            { reply(200, database(QStringLiteral("ProductDb-r1"), QStringLiteral("Online"))) });
        const OperationStatus last = runToEnd(
            new RestoreRunbook(RestoreRunbook::Mode::Execute, request(standard()), &backend, quick()));
        QCOMPARE_STR(last.state, OperationStatus::State::Refused);
        QVERIFY(!backend.calls.join(u' ').contains(QStringLiteral("PUT")));
    }

    void repointFailureSaysWhatToDo()
    {
        FakeBackend backend;
        backend.gets.insert(
            QStringLiteral("ProductDb-r1"),
            { reply(404), reply(200, database(QStringLiteral("ProductDb-r1"), QStringLiteral("Online"))) });
        backend.polls = { reply(200, operation(QStringLiteral("Succeeded"), 100)) };
        backend.repointAnswer.error
            = Error { ErrorKind::Conflict, QStringLiteral("the Secret changed meanwhile"), {}, std::nullopt };
        backend.repointAnswer.httpStatus = 409;
        const OperationStatus last = runToEnd(
            new RestoreRunbook(RestoreRunbook::Mode::Execute, request(standard()), &backend, quick()));
        QCOMPARE_STR(last.state, OperationStatus::State::Refused);
        QVERIFY(last.error->message.startsWith(
            QStringLiteral("step 2 \"Point productservice-db at ProductDb-r1\" failed")));
        QVERIFY(last.error->hint.contains(QStringLiteral("ProductDb-r1 is restored and Online")));
        QCOMPARE(int(last.steps[0].state), int(ActionStep::State::Succeeded));
        QCOMPARE(int(last.steps[1].state), int(ActionStep::State::Failed));
        QVERIFY(!backend.calls.contains(QStringLiteral("RESTART")));
    }

    void verifyTimesOutSayingWhatIsWrong()
    {
        FakeBackend backend;
        backend.gets.insert(
            QStringLiteral("ProductDb-r1"),
            { reply(404), reply(200, database(QStringLiteral("ProductDb-r1"), QStringLiteral("Online"))) });
        backend.polls = { reply(200, operation(QStringLiteral("Succeeded"), 100)) };
        backend.verifies
            = { RestoreVerifyAnswer { false, QStringLiteral("/health Unhealthy (productdb-db: Open)"),
                                      QStringLiteral("GET /health"), 503, std::nullopt } };
        const OperationStatus last = runToEnd(
            new RestoreRunbook(RestoreRunbook::Mode::Execute, request(standard()), &backend, quick()));
        QCOMPARE_STR(last.state, OperationStatus::State::Failed);
        QCOMPARE_STR(last.error->kind, ErrorKind::Timeout);
        QVERIFY2(last.error->message.contains(QStringLiteral("step 4")), qPrintable(last.error->message));
        QVERIFY(last.error->message.contains(
            QStringLiteral("not healthy within 30 s: /health Unhealthy (productdb-db: Open)")));
        QCOMPARE(int(last.steps[3].state), int(ActionStep::State::Failed));
        QCOMPARE(backend.calls.count(QStringLiteral("VERIFY")), 8); // at 0, 5 … 35 s: past the 30 s
    }

    void pollsGiveUpAfterRepeatedFailures()
    {
        FakeBackend backend;
        backend.polls = { reply(503) };
        const OperationStatus last = runToEnd(
            new RestoreRunbook(RestoreRunbook::Mode::Execute, request(standard()), &backend, quick()));
        QCOMPARE_STR(last.state, OperationStatus::State::Failed);
        QVERIFY(last.error->hint.contains(QStringLiteral("resume")));
        QCOMPARE(backend.calls.count(QStringLiteral("POLL async")), 7);
        // Backoff doubles: after the PUT's 3 s, 1, 2, 4, 8, 16, 30 s.
        QCOMPARE(backend.delays, (QList<qint64> { 3000, 1000, 2000, 4000, 8000, 16000, 30000 }));
    }

    void resumeKeepsTrackingTheOperation()
    {
        FakeBackend backend;
        backend.gets.insert(
            QStringLiteral("ProductDb-r1"),
            { reply(200, database(QStringLiteral("ProductDb-r1"), QStringLiteral("Online"))) });
        backend.polls = { reply(200, operation(QStringLiteral("InProgress"), 70)),
                          reply(200, operation(QStringLiteral("Succeeded"), 100)) };
        OperationStatus journaled;
        journaled.requestId = QUuid::createUuid();
        journaled.actionId = QStringLiteral("restore-db");
        journaled.service = request({}).service;
        journaled.state = OperationStatus::State::Running;
        journaled.started = utc("2026-11-26T07:59:00Z");
        journaled.parameters = standard();
        journaled.parameters.insert(QStringLiteral("restoredDatabase"), QStringLiteral("ProductDb-r1"));
        journaled.parameters.insert(QStringLiteral("operationUrl"), kAsync);
        journaled.parameters.insert(QStringLiteral("locationUrl"), kLocation);
        journaled.steps = RestoreRunbook::plannedSteps(*RestoreRunbook::Parameters::read(standard()),
                                                       QStringLiteral("productservice"));
        journaled.steps[0].state = ActionStep::State::Running;
        journaled.steps[0].request = QStringLiteral("PUT /databases/ProductDb-r1 {…}");
        ActionRequest r = request(journaled.parameters);
        r.id = journaled.requestId;
        auto *runbook = new RestoreRunbook(RestoreRunbook::Mode::Resume, r, &backend, quick());
        runbook->setResumed(journaled);
        const OperationStatus last = runToEnd(runbook);
        QCOMPARE_STR(last.state, OperationStatus::State::Succeeded);
        QCOMPARE(last.requestId, journaled.requestId);
        QCOMPARE(last.started, journaled.started);
        QVERIFY(!backend.calls.join(u' ').contains(QStringLiteral("PUT")));
        QCOMPARE(backend.calls.value(0), QStringLiteral("POLL async"));
        QCOMPARE(last.steps[0].request.section(u'\n', 0, 0),
                 QStringLiteral("PUT /databases/ProductDb-r1 {…}")); // the journal's kept
    }

    void resumeSkipsStepsDone()
    {
        FakeBackend backend;
        OperationStatus journaled;
        journaled.requestId = QUuid::createUuid();
        journaled.parameters = standard();
        journaled.parameters.insert(QStringLiteral("restoredDatabase"), QStringLiteral("ProductDb-r1"));
        journaled.parameters.insert(QStringLiteral("operationUrl"), kAsync);
        journaled.parameters.insert(QStringLiteral("restartedAt"), QStringLiteral("2026-11-26T08:10:00Z"));
        journaled.parameters.insert(QStringLiteral("completedSteps"),
                                    QStringList { QStringLiteral("restore"), QStringLiteral("repoint") });
        ActionRequest r = request(journaled.parameters);
        r.id = journaled.requestId;
        auto *runbook = new RestoreRunbook(RestoreRunbook::Mode::Resume, r, &backend, quick());
        runbook->setResumed(journaled);
        const OperationStatus last = runToEnd(runbook);
        QCOMPARE_STR(last.state, OperationStatus::State::Succeeded);
        QCOMPARE(backend.calls, (QStringList { QStringLiteral("RESTART"), QStringLiteral("VERIFY") }));
        QCOMPARE(
            backend.stamps,
            QStringList { QStringLiteral("2026-11-26T08:10:00Z") }); // the same restart, not a second one
    }

    void resumeBeforeThePutAnswered()
    {
        FakeBackend backend;
        backend.gets.insert(
            QStringLiteral("ProductDb-r1"),
            { reply(404), reply(404),
              reply(200, database(QStringLiteral("ProductDb-r1"), QStringLiteral("Online"))) });
        backend.polls = { reply(200, operation(QStringLiteral("Succeeded"), 100)) };
        OperationStatus journaled;
        journaled.requestId = QUuid::createUuid();
        journaled.parameters = standard(false);
        ActionRequest r = request(journaled.parameters);
        r.id = journaled.requestId;
        auto *runbook = new RestoreRunbook(RestoreRunbook::Mode::Resume, r, &backend, quick());
        runbook->setResumed(journaled);
        const OperationStatus last = runToEnd(runbook);
        QCOMPARE_STR(last.state, OperationStatus::State::Succeeded);
        QCOMPARE(backend.calls.mid(0, 4),
                 (QStringList { QStringLiteral("GET ProductDb-r1"), QStringLiteral("GET ProductDb"),
                                QStringLiteral("GET ProductDb-r1"), QStringLiteral("PUT ProductDb-r1") }));
    }
};

QTEST_GUILESS_MAIN(TestRestoreRunbook)
#include "tst_restorerunbook.moc"
