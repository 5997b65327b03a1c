// The action journal: schema migrations, WAL, entries and steps, filters, CSV and JSON, two Journals on
// one file, a real crash (a child process killed mid-action), and corrupt or locked files.

#include "csvwriter.h"
#include "journal.h"
#include "journalmigrations.h"
#include "observation.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <cstdio>

using namespace Opsdeck;

// Opsdeck::toString(enum) returns QString, which hides QTest::toString from QCOMPARE: compare the words.
#define QCOMPARE_STR(actual, expected) QCOMPARE(toString(actual), toString(expected))
using namespace std::chrono_literals;
using namespace Qt::StringLiterals;

namespace {

ServiceKey productservice()
{
    return ServiceKey { QStringLiteral("sim"), QStringLiteral("microservices"),
                        QStringLiteral("productservice") };
}

JournalEntry sampleEntry(const QString &action = QStringLiteral("promote"),
                         ServiceKey service = productservice())
{
    JournalEntry e;
    e.requestId = QUuid::createUuid();
    e.user = QStringLiteral("sre-admin");
    e.service = service;
    e.track = Track::Canary;
    e.action = action;
    e.parameters = QVariantMap { { QStringLiteral("weight"), 25 } };
    e.preview
        = { ActionChange { QStringLiteral("Ingress"), QStringLiteral("productservice-canary"),
                           QStringLiteral("canary-weight"), QStringLiteral("10"), QStringLiteral("25") } };
    e.warnings = { QStringLiteral("HPA will override") };
    e.confirmation = QStringLiteral("typed productservice");
    e.message = QStringLiteral("requested");
    ActionStep first;
    first.title = QStringLiteral("Copy canary template onto stable");
    ActionStep second;
    second.title = QStringLiteral("Scale canary to 0");
    second.destructive = true;
    e.steps = { first, second };
    return e;
}

OperationStatus statusFor(const JournalEntry &e, OperationStatus::State state)
{
    OperationStatus s;
    s.requestId = e.requestId;
    s.actionId = e.action;
    s.service = e.service;
    s.state = state;
    s.steps = e.steps;
    return s;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// A minimal RFC 4180 reader, to check the writer's output reads back field for field.
QList<QStringList> parseCsv(const QString &text)
{
    QList<QStringList> rows;
    QStringList row;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (quoted) {
            if (c == QLatin1Char('"') && i + 1 < text.size() && text.at(i + 1) == QLatin1Char('"')) {
                field += c;
                ++i;
            } else if (c == QLatin1Char('"')) {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == QLatin1Char('"')) {
            quoted = true;
        } else if (c == QLatin1Char(',')) {
            row << field;
            field.clear();
        } else if (c == QLatin1Char('\r') && i + 1 < text.size() && text.at(i + 1) == QLatin1Char('\n')) {
            row << field;
            field.clear();
            rows << row;
            row.clear();
            ++i;
        } else {
            field += c;
        }
    }
    return rows;
}

// Runs as a child process: starts an action, records its first step, says "ready", and waits to be killed.
int runCrashChild(const QString &path, bool idle)
{
    Journal journal;
    if (!journal.open(path))
        return 2;
    if (idle) { // a session that runs nothing
        std::printf("ready 0\n");
        std::fflush(stdout);
        for (;;)
            QThread::sleep(1);
    }
    JournalEntry e = sampleEntry();
    auto id = journal.add(e);
    if (!id)
        return 3;
    OperationStatus s = statusFor(e, OperationStatus::State::Running);
    s.steps[0].state = ActionStep::State::Succeeded;
    s.steps[0].request
        = QStringLiteral("PATCH /apis/apps/v1/namespaces/microservices/deployments/productservice");
    s.steps[0].httpStatus = 200;
    s.steps[1].state = ActionStep::State::Running;
    s.message = QStringLiteral("waiting for the stable rollout");
    if (!journal.record(*id, s))
        return 4;
    std::printf("ready %lld\n", static_cast<long long>(*id));
    std::fflush(stdout);
    for (;;)
        QThread::sleep(1);
}

} // namespace

class tst_Journal : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void defaultPathIsAppData();
    void createsCurrentSchemaInWalMode();
    void migratesFromVersion1();
    void refusesNewerSchemaUntouched();
    void refusesCorruptFileUntouched();
    void roundTripsAnEntry();
    void recordsEachStepAndTheOutcome();
    void filters();
    void csvEscaping_data();
    void csvEscaping();
    void exportsCsv();
    void jsonShape();
    void twoJournalsShareOneFile();
    void crashedProcessLeavesInterruptedAction();
    void lockedDatabaseLosesNothing();
    void resumeAndAbandonOnlyInterrupted();

private:
    QString path() const { return m_dir->filePath(QStringLiteral("journal.sqlite")); }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_Journal::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(QSqlDatabase::isDriverAvailable(QStringLiteral("QSQLITE")));
}

void tst_Journal::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void tst_Journal::defaultPathIsAppData()
{
    const QString appData = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QCOMPARE(Journal::defaultPath(), appData + QStringLiteral("/journal.sqlite"));
}

void tst_Journal::createsCurrentSchemaInWalMode()
{
    Journal journal;
    QVERIFY(!journal.isOpen());
    auto opened = journal.open(path());
    QVERIFY2(opened, qPrintable(opened ? QString() : toString(opened.error())));
    QCOMPARE(journal.schemaVersion().value(), JournalMigrations::latestVersion());
    QCOMPARE(journal.journalMode().value(), QStringLiteral("wal"));
    QVERIFY(QFile::exists(path()));
    QVERIFY(journal.add(sampleEntry()));
    QVERIFY(QFile::exists(path() + QStringLiteral("-wal")));

    // Reopening an up-to-date journal keeps the entry and the version.
    journal.close();
    QVERIFY(journal.open(path()));
    QCOMPARE(journal.schemaVersion().value(), JournalMigrations::latestVersion());
    QCOMPARE(journal.entries()->size(), 1);
}

void tst_Journal::migratesFromVersion1()
{
    // Version 1 as it shipped: no percent, warnings or destructive columns, no indexes.
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v1"));
        db.setDatabaseName(path());
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral(
            "CREATE TABLE actions (id INTEGER PRIMARY KEY AUTOINCREMENT, request_id TEXT NOT NULL UNIQUE, "
            "session TEXT NOT NULL, started_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, finished_at "
            "INTEGER, "
            "user_name TEXT NOT NULL, context TEXT NOT NULL, namespace TEXT NOT NULL, service TEXT NOT NULL, "
            "track TEXT NOT NULL, action TEXT NOT NULL, parameters TEXT NOT NULL DEFAULT '{}', "
            "preview TEXT NOT NULL DEFAULT '[]', confirmation TEXT NOT NULL DEFAULT '', status TEXT NOT "
            "NULL, "
            "message TEXT NOT NULL DEFAULT '', result TEXT NOT NULL DEFAULT '[]', error TEXT)")));
        QVERIFY(q.exec(QStringLiteral(
            "CREATE TABLE steps (action_id INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE, "
            "idx INTEGER NOT NULL, title TEXT NOT NULL, state TEXT NOT NULL, request TEXT NOT NULL DEFAULT "
            "'', "
            "http_status INTEGER NOT NULL DEFAULT 0, response TEXT NOT NULL DEFAULT '', started_at INTEGER, "
            "finished_at INTEGER, PRIMARY KEY (action_id, idx))")));
        QVERIFY(q.exec(QStringLiteral(
            "INSERT INTO actions (request_id, session, started_at, updated_at, finished_at, user_name, "
            "context, "
            "namespace, service, track, action, parameters, status, message) VALUES "
            "('6f1c2b9e-1111-4222-8333-944455556666', 'old', 1700000000000, 1700000005000, 1700000005000, "
            "'sre-admin', 'sim', 'microservices', 'productservice', 'stable', 'scale', '{\"replicas\":3}', "
            "'succeeded', 'scaled')")));
        QVERIFY(q.exec(QStringLiteral(
            "INSERT INTO steps (action_id, idx, title, state, request, http_status, "
            "response) VALUES (1, 0, 'Scale to 3', 'succeeded', 'PATCH …/scale', 200, 'OK')")));
        QVERIFY(q.exec(QStringLiteral("PRAGMA user_version = 1")));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("v1"));

    Journal journal;
    auto opened = journal.open(path());
    QVERIFY2(opened, qPrintable(opened ? QString() : toString(opened.error())));
    QCOMPARE(journal.schemaVersion().value(), JournalMigrations::latestVersion());
    {
        // Version 3's tables exist after migrating a version 1 file.
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v3check"));
        db.setDatabaseName(path());
        QVERIFY(db.open());
        QVERIFY(db.tables().contains(QStringLiteral("alert_log")));
        QVERIFY(db.tables().contains(QStringLiteral("drill_runs")));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("v3check"));
    auto entries = journal.entries();
    QVERIFY(entries);
    QCOMPARE(entries->size(), 1);
    const JournalEntry &e = entries->first();
    QCOMPARE(e.action, QStringLiteral("scale"));
    QCOMPARE_STR(e.status, JournalStatus::Succeeded);
    QCOMPARE(e.parameters.value(QStringLiteral("replicas")).toInt(), 3);
    QCOMPARE(e.percent, -1); // the new column's default
    QCOMPARE(e.startedAt, QDateTime::fromMSecsSinceEpoch(1700000000000, Qt::UTC));
    QCOMPARE(e.steps.size(), 1);
    QCOMPARE(e.steps[0].httpStatus, 200);
    QCOMPARE(e.steps[0].destructive, false);
    // The new columns work.
    JournalEntry fresh = sampleEntry();
    fresh.percent = 40;
    auto id = journal.add(fresh);
    QVERIFY(id);
    QCOMPARE(journal.entry(*id)->percent, 40);
    QCOMPARE(journal.entry(*id)->steps[1].destructive, true);
}

void tst_Journal::refusesNewerSchemaUntouched()
{
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("future"));
        db.setDatabaseName(path());
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("CREATE TABLE something_new (x INTEGER)")));
        QVERIFY(q.exec(QStringLiteral("PRAGMA user_version = 99")));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("future"));
    const QByteArray before = readAll(path());

    Journal journal;
    auto opened = journal.open(path());
    QVERIFY(!opened);
    QCOMPARE_STR(opened.error().kind, ErrorKind::Config);
    QVERIFY2(opened.error().message.contains(QStringLiteral("99")), qPrintable(opened.error().message));
    QVERIFY(opened.error().message.contains(path()));
    QVERIFY(!journal.isOpen());
    QCOMPARE(readAll(path()), before);
}

void tst_Journal::refusesCorruptFileUntouched()
{
    QByteArray garbage;
    for (int i = 0; i < 200; ++i)
        garbage += "this is not an sqlite database, it is a text file that got in the way\n";
    {
        QFile f(path());
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(garbage);
    }
    Journal journal;
    auto opened = journal.open(path());
    QVERIFY(!opened);
    QCOMPARE_STR(opened.error().kind, ErrorKind::Config);
    QVERIFY2(opened.error().message.contains(path()), qPrintable(opened.error().message));
    QVERIFY2(opened.error().hint.contains(QStringLiteral("move it aside")), qPrintable(opened.error().hint));
    QVERIFY(!journal.isOpen());
    QCOMPARE(readAll(path()), garbage);
    // Nothing is written through a journal that did not open.
    QVERIFY(!journal.add(sampleEntry()));
}

void tst_Journal::roundTripsAnEntry()
{
    Journal journal;
    QVERIFY(journal.open(path()));
    JournalEntry e = sampleEntry();
    e.parameters.insert(QStringLiteral("note"), QStringLiteral("quote \" and, comma"));
    auto id = journal.add(e);
    QVERIFY2(id, qPrintable(id ? QString() : toString(id.error())));
    auto read = journal.entry(*id);
    QVERIFY(read);
    QCOMPARE(read->id, *id);
    QCOMPARE(read->requestId, e.requestId);
    QCOMPARE(read->user, e.user);
    QCOMPARE(read->service, e.service);
    QCOMPARE_STR(read->track, Track::Canary);
    QCOMPARE(read->action, e.action);
    QCOMPARE(read->parameters.value(QStringLiteral("weight")).toInt(), 25);
    QCOMPARE(read->parameters.value(QStringLiteral("note")).toString(),
             QStringLiteral("quote \" and, comma"));
    QCOMPARE(read->preview, e.preview);
    QCOMPARE(read->warnings, e.warnings);
    QCOMPARE(read->confirmation, e.confirmation);
    QCOMPARE_STR(read->status, JournalStatus::Started);
    QCOMPARE(read->steps.size(), 2);
    QCOMPARE(read->steps[0].title, e.steps[0].title);
    QCOMPARE(read->steps[1].destructive, true);
    QVERIFY(read->startedAt.isValid());
    QVERIFY(!read->finishedAt.isValid());
    QVERIFY(qAbs(read->startedAt.secsTo(QDateTime::currentDateTimeUtc())) < 60);

    // The request id is the action's identity: a second entry with it is refused.
    QVERIFY(!journal.add(e));
    auto missing = journal.entry(*id + 100);
    QVERIFY(!missing);
    QCOMPARE_STR(missing.error().kind, ErrorKind::NotFound);
}

void tst_Journal::recordsEachStepAndTheOutcome()
{
    Journal journal;
    QVERIFY(journal.open(path()));
    QSignalSpy changed(&journal, &Journal::entryChanged);
    const JournalEntry e = sampleEntry();
    const qint64 id = journal.add(e).value();

    OperationStatus s = statusFor(e, OperationStatus::State::Running);
    s.steps[0].state = ActionStep::State::Succeeded;
    s.steps[0].request
        = QStringLiteral("PATCH /apis/apps/v1/namespaces/microservices/deployments/productservice");
    s.steps[0].httpStatus = 200;
    s.steps[0].response = QStringLiteral("deployment.apps/productservice patched");
    s.steps[0].started = QDateTime::fromMSecsSinceEpoch(1700000000000, Qt::UTC);
    s.steps[0].finished = QDateTime::fromMSecsSinceEpoch(1700000001500, Qt::UTC);
    s.steps[1].state = ActionStep::State::Running;
    s.percent = 50;
    s.message = QStringLiteral("scaling the canary");
    QVERIFY(journal.record(id, s));
    auto mid = journal.entry(id).value();
    QCOMPARE_STR(mid.status, JournalStatus::Started);
    QCOMPARE(mid.percent, 50);
    QCOMPARE(mid.message, s.message);
    QCOMPARE(mid.steps[0], s.steps[0]);
    QCOMPARE_STR(mid.steps[1].state, ActionStep::State::Running);
    QVERIFY(!mid.finishedAt.isValid());

    s.state = OperationStatus::State::Failed;
    s.steps[1].state = ActionStep::State::Failed;
    s.steps[1].request = QStringLiteral(
        "PATCH /apis/apps/v1/namespaces/microservices/deployments/productservice-canary/scale");
    s.steps[1].httpStatus = 409;
    s.steps[1].response = QStringLiteral("Operation cannot be fulfilled: the object has been modified");
    s.error = Error { ErrorKind::Conflict, QStringLiteral("conflict on productservice-canary"),
                      QStringLiteral("re-apply"), std::chrono::seconds(5) };
    s.changes = { ActionChange { QStringLiteral("Deployment"), QStringLiteral("productservice"),
                                 QStringLiteral("image"), QStringLiteral("v1"), QStringLiteral("v2") } };
    QVERIFY(journal.record(id, s));
    auto done = journal.entry(id).value();
    QCOMPARE_STR(done.status, JournalStatus::Failed);
    QVERIFY(done.finishedAt.isValid());
    QCOMPARE(done.steps[1].httpStatus, 409);
    QCOMPARE(done.steps[1].response, s.steps[1].response);
    QCOMPARE(done.result, s.changes);
    QVERIFY(done.error);
    QCOMPARE_STR(*done.error, *s.error);
    QCOMPARE(changed.size(), 3);

    // Recording against an entry that does not exist is an error, not a silent no-op, and not retried.
    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression(QStringLiteral("no action %1 to record").arg(id + 42)));
    auto nowhere = journal.record(id + 42, s);
    QVERIFY(!nowhere);
    QCOMPARE_STR(nowhere.error().kind, ErrorKind::NotFound);
    QVERIFY(!journal.hasUnsaved());
}

void tst_Journal::filters()
{
    Journal journal;
    QVERIFY(journal.open(path()));
    const QDateTime t0 = QDateTime(QDate(2026, 11, 24), QTime(5, 0), Qt::UTC);
    ServiceKey orders = productservice();
    orders.name = QStringLiteral("orderservice");
    struct Row
    {
        int minutes;
        QString action;
        ServiceKey service;
        OperationStatus::State state;
    };
    const QList<Row> rows {
        { 0, QStringLiteral("canary-weight"), productservice(), OperationStatus::State::Succeeded },
        { 10, QStringLiteral("canary-weight"), orders, OperationStatus::State::Failed },
        { 20, QStringLiteral("promote"), productservice(), OperationStatus::State::Running },
        { 30, QStringLiteral("scale"), orders, OperationStatus::State::Refused },
    };
    for (const Row &row : rows) {
        JournalEntry e = sampleEntry(row.action, row.service);
        e.startedAt = t0.addSecs(row.minutes * 60);
        const qint64 id = journal.add(e).value();
        QVERIFY(journal.record(id, statusFor(e, row.state)));
    }
    auto actionsOf = [&](const JournalFilter &f) {
        QStringList out;
        const QList<JournalEntry> found = journal.entries(f).value();
        for (const JournalEntry &e : found)
            out << QStringLiteral("%1@%2").arg(e.action).arg(e.startedAt.time().minute());
        return out;
    };
    QCOMPARE(actionsOf({}),
             (QStringList { u"scale@30"_s, u"promote@20"_s, u"canary-weight@10"_s, u"canary-weight@0"_s }));
    JournalFilter f;
    f.from = t0.addSecs(10 * 60);
    f.to = t0.addSecs(30 * 60); // exclusive
    QCOMPARE(actionsOf(f), (QStringList { u"promote@20"_s, u"canary-weight@10"_s }));
    f = {};
    f.action = QStringLiteral("canary-weight");
    QCOMPARE(actionsOf(f), (QStringList { u"canary-weight@10"_s, u"canary-weight@0"_s }));
    f = {};
    f.service = QStringLiteral("orderservice");
    QCOMPARE(actionsOf(f), (QStringList { u"scale@30"_s, u"canary-weight@10"_s }));
    f = {};
    f.statuses = { JournalStatus::Failed, JournalStatus::Refused };
    QCOMPARE(actionsOf(f), (QStringList { u"scale@30"_s, u"canary-weight@10"_s }));
    f = {};
    f.statuses = { JournalStatus::Started };
    f.service = QStringLiteral("productservice");
    QCOMPARE(actionsOf(f), (QStringList { u"promote@20"_s }));
    f = {};
    f.limit = 2;
    QCOMPARE(actionsOf(f), (QStringList { u"scale@30"_s, u"promote@20"_s }));
    f = {};
    f.context = QStringLiteral("other");
    QVERIFY(actionsOf(f).isEmpty());
    f = {};
    f.action = QStringLiteral("x' OR '1'='1"); // bound, never pasted
    QVERIFY(actionsOf(f).isEmpty());
}

void tst_Journal::csvEscaping_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("escaped");
    QTest::newRow("plain") << QStringLiteral("productservice") << QStringLiteral("productservice");
    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("comma") << QStringLiteral("a,b") << QStringLiteral("\"a,b\"");
    QTest::newRow("quote") << QStringLiteral("say \"hi\"") << QStringLiteral("\"say \"\"hi\"\"\"");
    QTest::newRow("LF") << QStringLiteral("one\ntwo") << QStringLiteral("\"one\ntwo\"");
    QTest::newRow("CR") << QStringLiteral("one\rtwo") << QStringLiteral("\"one\rtwo\"");
    QTest::newRow("spaces kept") << QStringLiteral(" x ") << QStringLiteral(" x ");
    QTest::newRow("unicode") << QStringLiteral("10 → 25") << QStringLiteral("10 → 25");
}

void tst_Journal::csvEscaping()
{
    QFETCH(QString, field);
    QFETCH(QString, escaped);
    QCOMPARE(CsvWriter::escape(field), escaped);
    QCOMPARE(CsvWriter::row({ field, QStringLiteral("z") }), escaped + QStringLiteral(",z\r\n"));
}

void tst_Journal::exportsCsv()
{
    Journal journal;
    QVERIFY(journal.open(path()));
    JournalEntry e = sampleEntry();
    e.user = QStringLiteral("O'Brien, \"ops\"");
    const qint64 id = journal.add(e).value();
    OperationStatus s = statusFor(e, OperationStatus::State::Succeeded);
    s.steps[0].state = ActionStep::State::Succeeded;
    s.steps[0].request = QStringLiteral("PATCH a");
    s.steps[0].httpStatus = 200;
    s.steps[1].state = ActionStep::State::Succeeded;
    s.message = QStringLiteral("line one\nline two");
    QVERIFY(journal.record(id, s));
    QVERIFY(journal.add(sampleEntry(QStringLiteral("scale"))));

    QBuffer buffer;
    QVERIFY(buffer.open(QIODevice::WriteOnly));
    auto written = journal.exportCsv({}, &buffer);
    QVERIFY(written);
    QCOMPARE(*written, 2);
    const QString text = QString::fromUtf8(buffer.data());
    QVERIFY(text.endsWith(QStringLiteral("\r\n")));
    const QList<QStringList> rows = parseCsv(text);
    QCOMPARE(rows.size(), 3);
    QCOMPARE(rows[0], journalCsvHeader());
    for (const QStringList &row : rows)
        QCOMPARE(row.size(), journalCsvHeader().size());
    QCOMPARE(rows[1][8], QStringLiteral("scale")); // newest first
    const QStringList &promote = rows[2];
    QCOMPARE(promote[0], QString::number(id));
    QCOMPARE(promote[3], e.user);
    QCOMPARE(promote[12], QStringLiteral("succeeded"));
    QCOMPARE(promote[14], s.message);
    QVERIFY2(promote[13].contains(
                 QStringLiteral("1. Copy canary template onto stable [succeeded] PATCH a => 200")),
             qPrintable(promote[13]));
    QVERIFY(promote[13].contains(QLatin1Char('\n')));
    QCOMPARE(promote[9], QStringLiteral("{\"weight\":25}"));

    // A device that refuses writes is an error, not a short file called done.
    QBuffer closed;
    QTest::ignoreMessage(QtWarningMsg, "QIODevice::write (QBuffer): device not open");
    auto failed = journal.exportCsv({}, &closed);
    QVERIFY(!failed);
}

void tst_Journal::jsonShape()
{
    Journal journal;
    QVERIFY(journal.open(path()));
    JournalEntry older = sampleEntry(QStringLiteral("canary-weight"));
    older.startedAt = QDateTime(QDate(2026, 11, 24), QTime(5, 35, 31), Qt::UTC);
    const qint64 olderId = journal.add(older).value();
    OperationStatus s = statusFor(older, OperationStatus::State::Refused);
    s.error = Error {
        ErrorKind::Forbidden, QStringLiteral("viewer cannot patch ingresses in microservices"), {}, {}
    };
    s.updated = QDateTime(QDate(2026, 11, 24), QTime(5, 35, 32), Qt::UTC);
    QVERIFY(journal.record(olderId, s));
    JournalEntry newer = sampleEntry(QStringLiteral("promote"));
    newer.startedAt = older.startedAt.addSecs(60);
    QVERIFY(journal.add(newer));

    const QJsonObject doc = journalToJson(journal.entries().value());
    QCOMPARE(doc.keys(), QStringList { QStringLiteral("entries") });
    const QJsonArray entries = doc.value(QLatin1String("entries")).toArray();
    QCOMPARE(entries.size(), 2);
    const QJsonObject first = entries[0].toObject();
    const QJsonObject second = entries[1].toObject();
    QCOMPARE(first.value(QLatin1String("action")).toString(), QStringLiteral("promote")); // newest first
    QStringList required { u"id"_s,     u"startedAt"_s, u"finishedAt"_s, u"user"_s,    u"context"_s,
                           u"action"_s, u"target"_s,    u"status"_s,     u"request"_s, u"result"_s };
    std::sort(required.begin(), required.end());
    QCOMPARE(first.keys(), required); // no error while none
    required << QStringLiteral("error");
    std::sort(required.begin(), required.end());
    QCOMPARE(second.keys(), required); // error when there is one
    QCOMPARE(first.value(QLatin1String("status")).toString(), QStringLiteral("started"));
    QVERIFY(first.value(QLatin1String("finishedAt")).isNull());
    QCOMPARE(second.value(QLatin1String("id")).toInteger(), olderId);
    QCOMPARE(second.value(QLatin1String("startedAt")).toString(), QStringLiteral("2026-11-24T05:35:31Z"));
    QCOMPARE(second.value(QLatin1String("finishedAt")).toString(), QStringLiteral("2026-11-24T05:35:32Z"));
    QCOMPARE(second.value(QLatin1String("status")).toString(), QStringLiteral("refused"));
    QCOMPARE(second.value(QLatin1String("user")).toString(), QStringLiteral("sre-admin"));
    QCOMPARE(second.value(QLatin1String("context")).toString(), QStringLiteral("sim"));
    const QJsonObject target = second.value(QLatin1String("target")).toObject();
    QCOMPARE(target.value(QLatin1String("namespace")).toString(), QStringLiteral("microservices"));
    QCOMPARE(target.value(QLatin1String("service")).toString(), QStringLiteral("productservice"));
    QCOMPARE(target.value(QLatin1String("track")).toString(), QStringLiteral("canary"));
    const QJsonObject error = second.value(QLatin1String("error")).toObject();
    QCOMPARE(error.value(QLatin1String("code")).toString(), QStringLiteral("Forbidden"));
    QCOMPARE(error.value(QLatin1String("message")).toString(),
             QStringLiteral("viewer cannot patch ingresses in microservices"));
    const QJsonObject request = second.value(QLatin1String("request")).toObject();
    QCOMPARE(request.value(QLatin1String("parameters")).toObject().value(QLatin1String("weight")).toInt(),
             25);
    QCOMPARE(request.value(QLatin1String("confirmation")).toString(), QStringLiteral("typed productservice"));
    const QJsonObject change = request.value(QLatin1String("preview")).toArray().at(0).toObject();
    QCOMPARE(change.value(QLatin1String("field")).toString(), QStringLiteral("canary-weight"));
    QCOMPARE(change.value(QLatin1String("from")).toString(), QStringLiteral("10"));
    QCOMPARE(change.value(QLatin1String("to")).toString(), QStringLiteral("25"));
    const QJsonArray steps
        = second.value(QLatin1String("result")).toObject().value(QLatin1String("steps")).toArray();
    QCOMPARE(steps.size(), 2);
    QCOMPARE(steps[1].toObject().value(QLatin1String("destructive")).toBool(), true);

    // Every status the CLI documents, and no other: abandoned reads as failed with code Abandoned.
    JournalEntry abandoned = older;
    abandoned.status = JournalStatus::Abandoned;
    abandoned.error.reset();
    abandoned.message = QStringLiteral("left as is");
    const QJsonObject a = toJson(abandoned);
    QCOMPARE(a.value(QLatin1String("status")).toString(), QStringLiteral("failed"));
    QCOMPARE(a.value(QLatin1String("error")).toObject().value(QLatin1String("code")).toString(),
             QStringLiteral("Abandoned"));
    // It survives a round trip through text.
    const QJsonDocument text = QJsonDocument::fromJson(QJsonDocument(doc).toJson());
    QCOMPARE(text.object(), doc);
}

void tst_Journal::twoJournalsShareOneFile()
{
    Journal a;
    Journal b;
    QVERIFY(a.open(path()));
    const JournalEntry running = sampleEntry();
    const qint64 runningId = a.add(running).value();

    // b opens while a's action runs: a's session is alive, so its action stays started.
    QVERIFY(b.open(path()));
    QCOMPARE_STR(b.entry(runningId)->status, JournalStatus::Started);
    QCOMPARE(b.recoverInterrupted().value(), 0);

    // Interleaved writes from both land, with distinct ids, and each sees the other's.
    QList<qint64> ids { runningId };
    for (int i = 0; i < 10; ++i) {
        ids << a.add(sampleEntry(QStringLiteral("scale"))).value();
        ids << b.add(sampleEntry(QStringLiteral("restart"))).value();
        OperationStatus s = statusFor(running, OperationStatus::State::Running);
        s.percent = i * 10;
        QVERIFY(a.record(runningId, s));
    }
    QCOMPARE(QSet<qint64>(ids.begin(), ids.end()).size(), 21);
    QCOMPARE(a.entries()->size(), 21);
    QCOMPARE(b.entries()->size(), 21);
    QCOMPARE(b.entry(runningId)->percent, 90);

    // a goes away with its action unfinished: now b finds it interrupted.
    // (So are the ten "scale" entries a began and never finished; b's own stay started.)
    a.close();
    QCOMPARE(b.recoverInterrupted().value(), 11);
    QCOMPARE_STR(b.entry(runningId)->status, JournalStatus::Interrupted);
    QCOMPARE(b.interrupted()->size(), 11);
    JournalFilter restarts;
    restarts.action = QStringLiteral("restart");
    const QList<JournalEntry> own = b.entries(restarts).value();
    QCOMPARE(own.size(), 10);
    for (const JournalEntry &e : own)
        QCOMPARE_STR(e.status, JournalStatus::Started);
}

// Starts this test binary as a child journal session and waits for its "ready <id>" line.
static qint64 startChild(QProcess &child, const QString &path, bool idle)
{
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QStringList args { QStringLiteral("--crash-child"), path };
    if (idle)
        args << QStringLiteral("idle");
    child.start(QCoreApplication::applicationFilePath(), args);
    if (!child.waitForStarted())
        return -1;
    QByteArray line;
    for (int i = 0; i < 100 && !line.contains('\n'); ++i) {
        child.waitForReadyRead(100);
        line += child.readAllStandardOutput();
    }
    return line.startsWith("ready ") ? line.mid(6).trimmed().toLongLong() : -1;
}

void tst_Journal::crashedProcessLeavesInterruptedAction()
{
    QProcess idle;
    QCOMPARE(startChild(idle, path(), true), 0);
    QProcess child;
    const qint64 id = startChild(child, path(), false);
    QVERIFY(id > 0);

    // While the child lives, its action is running, not interrupted.
    {
        Journal watcher;
        QVERIFY(watcher.open(path()));
        QCOMPARE_STR(watcher.entry(id)->status, JournalStatus::Started);
    }

    child.kill(); // SIGKILL: no destructor runs, the session lock files stay behind
    idle.kill();
    QVERIFY(child.waitForFinished());
    QVERIFY(idle.waitForFinished());
    const QString lockDir = path() + QStringLiteral(".sessions");
    QCOMPARE(QDir(lockDir).entryList({ QStringLiteral("*.lock") }, QDir::Files).size(), 2);

    Journal next;
    QVERIFY(next.open(path()));
    auto entry = next.entry(id);
    QVERIFY(entry);
    QCOMPARE_STR(entry->status, JournalStatus::Interrupted);
    QCOMPARE(entry->message, QStringLiteral("waiting for the stable rollout"));
    QCOMPARE(entry->steps.size(), 2);
    QCOMPARE_STR(entry->steps[0].state, ActionStep::State::Succeeded);
    QCOMPARE(entry->steps[0].httpStatus, 200);
    QCOMPARE_STR(entry->steps[1].state, ActionStep::State::Running);
    // The dead session's lock is gone; only ours remains. A dead session with nothing running leaves no
    // lock behind either (the child below exits without closing its journal).
    QCOMPARE(QDir(lockDir).entryList({ QStringLiteral("*.lock") }, QDir::Files),
             QStringList { next.session().toString(QUuid::WithoutBraces) + QStringLiteral(".lock") });
}

void tst_Journal::lockedDatabaseLosesNothing()
{
    Journal journal;
    QVERIFY(journal.open(path()));
    journal.setBusyTimeout(50ms);
    const JournalEntry e = sampleEntry();
    const qint64 id = journal.add(e).value();
    QSignalSpy failures(&journal, &Journal::writeFailed);

    // Another process holds the write lock.
    QSqlDatabase other = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("locker"));
    other.setDatabaseName(path());
    QVERIFY(other.open());
    {
        QSqlQuery q(other);
        QVERIFY(q.exec(QStringLiteral("BEGIN EXCLUSIVE")));
    }

    // A new action cannot be written: a clear Conflict, and the caller must not run it.
    auto added = journal.add(sampleEntry(QStringLiteral("scale")));
    QVERIFY(!added);
    QCOMPARE_STR(added.error().kind, ErrorKind::Conflict);
    QVERIFY2(added.error().message.contains(path()), qPrintable(added.error().message));

    // A step of a running action cannot be written now: kept, reported, and retried.
    OperationStatus s = statusFor(e, OperationStatus::State::Succeeded);
    s.steps[0].state = ActionStep::State::Succeeded;
    s.steps[0].httpStatus = 200;
    s.steps[1].state = ActionStep::State::Succeeded;
    auto recorded = journal.record(id, s);
    QVERIFY(!recorded);
    QCOMPARE_STR(recorded.error().kind, ErrorKind::Conflict);
    QVERIFY(journal.hasUnsaved());
    QCOMPARE(failures.size(), 1);
    QCOMPARE_STR(journal.entry(id)->status, JournalStatus::Started); // reads still work in WAL

    {
        QSqlQuery q(other);
        QVERIFY(q.exec(QStringLiteral("COMMIT")));
    }
    other.close();
    other = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("locker"));

    // The retry timer writes it without anyone asking.
    QTRY_VERIFY_WITH_TIMEOUT(!journal.hasUnsaved(), 5000);
    auto saved = journal.entry(id).value();
    QCOMPARE_STR(saved.status, JournalStatus::Succeeded);
    QCOMPARE(saved.steps[0].httpStatus, 200);
    QCOMPARE(journal.entries()->size(), 1); // the refused add wrote nothing
}

void tst_Journal::resumeAndAbandonOnlyInterrupted()
{
    qint64 id = 0;
    {
        Journal first;
        QVERIFY(first.open(path()));
        id = first.add(sampleEntry()).value();
        QCOMPARE_STR(first.markAbandoned(id, QStringLiteral("x")).error().kind,
                     ErrorKind::Invalid); // still running
    }
    Journal journal;
    QVERIFY(journal.open(path()));
    QCOMPARE_STR(journal.entry(id)->status, JournalStatus::Interrupted);
    QVERIFY(journal.markResumed(id));
    QCOMPARE_STR(journal.entry(id)->status, JournalStatus::Started);
    QVERIFY(!journal.markResumed(id)); // not interrupted any more
    journal.close();

    QVERIFY(journal.open(path())); // our previous session ended: interrupted again
    QCOMPARE_STR(journal.entry(id)->status, JournalStatus::Interrupted);
    QVERIFY(journal.markAbandoned(id, QStringLiteral("checked by hand: already promoted")));
    auto e = journal.entry(id).value();
    QCOMPARE_STR(e.status, JournalStatus::Abandoned);
    QCOMPARE(e.message, QStringLiteral("checked by hand: already promoted"));
    QVERIFY(e.finishedAt.isValid());
    QVERIFY(e.isFinal());
}

int main(int argc, char *argv[])
{
    if (argc >= 3 && qstrcmp(argv[1], "--crash-child") == 0) {
        QCoreApplication app(argc, argv);
        return runCrashChild(QString::fromLocal8Bit(argv[2]), argc > 3 && qstrcmp(argv[3], "idle") == 0);
    }
    QCoreApplication app(argc, argv);
    tst_Journal test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_journal.moc"
