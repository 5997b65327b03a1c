// AlertLog: alerts recorded into the journal file's alert_log (raised, acknowledged, ended, still open at
// close), read back by window (between) and newest first (recent), across reopening the file.

#include "alertengine.h"
#include "alertlog.h"
#include "fakeclock.h"
#include "journal.h"

#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace Opsdeck;
using namespace std::chrono_literals;

namespace {

QDateTime at(int hour, int minute = 0)
{
    return QDateTime(QDate(2026, 11, 26), QTime(hour, minute), QTimeZone::utc());
}

Alert alert(const QString &id, const QDateTime &since, const QDateTime &ended = {})
{
    Alert a;
    a.id = id;
    a.rule = id.section(QLatin1Char(':'), 0, 0);
    a.service = ServiceKey { QStringLiteral("sim"), QStringLiteral("shop"), QStringLiteral("orders") };
    a.severity = Alert::Severity::Critical;
    a.since = since;
    a.ended = ended;
    a.summary = QStringLiteral("orders: <b>circuit</b> breaker db is Open");
    return a;
}

AlertSettings immediate()
{
    AlertSettings s;
    s.holdDownSeconds = 0;
    return s;
}

} // namespace

class TestAlertLog : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    Journal m_journal; // creates and migrates the file, as in the app

    QString path() const { return m_dir.filePath(QStringLiteral("journal.sqlite")); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const Result<void> opened = m_journal.open(path());
        QVERIFY2(opened, opened ? "" : qPrintable(toString(opened.error())));
    }

    void init()
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("wipe"));
        db.setDatabaseName(path());
        QVERIFY(db.open());
        QVERIFY(QSqlQuery(db).exec(QStringLiteral("DELETE FROM alert_log")));
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("wipe"));
    }

    void refusesAFileWithoutTheTable()
    {
        AlertLog log;
        const Result<void> missing = log.open(m_dir.filePath(QStringLiteral("absent.sqlite")));
        QVERIFY(!missing);
        QVERIFY(missing.error().message.contains(QStringLiteral("does not exist")));
        QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("absent.sqlite")))); // not created

        const QString other = m_dir.filePath(QStringLiteral("other.sqlite"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("other"));
            db.setDatabaseName(other);
            QVERIFY(db.open());
            QVERIFY(QSqlQuery(db).exec(QStringLiteral("CREATE TABLE t (x)")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("other"));
        const Result<void> noTable = log.open(other);
        QVERIFY(!noTable);
        QVERIFY(noTable.error().message.contains(QStringLiteral("alert_log")));
        QVERIFY(!log.isOpen());
        QVERIFY(!log.record(alert(QStringLiteral("breaker-open:x"), at(9))));
    }

    void recordsAndReadsByWindow()
    {
        AlertLog log;
        QVERIFY(log.open(path()));
        QSignalSpy recorded(&log, &AlertLog::recorded);
        // 08:00-08:30 ended; 09:00 open; 10:00-10:05 ended; an estate-wide one at 07:00-07:10.
        QVERIFY(log.record(alert(QStringLiteral("breaker-open:a"), at(8), at(8, 30))));
        QVERIFY(log.record(alert(QStringLiteral("health-unhealthy:b"), at(9))));
        QVERIFY(log.record(alert(QStringLiteral("pods-not-ready:c"), at(10), at(10, 5))));
        Alert estate = alert(QStringLiteral("source-down:appinsights"), at(7), at(7, 10));
        estate.service = ServiceKey {};
        estate.severity = Alert::Severity::Warning;
        QVERIFY(log.record(estate));
        QCOMPARE(recorded.size(), 4);

        // [08:15, 09:30]: the first (ended inside) and the open one; not the later or earlier ones.
        Result<QList<Alert>> window = log.between(at(8, 15), at(9, 30));
        QVERIFY(window);
        QCOMPARE(window->size(), 2);
        QCOMPARE(window->at(0).id, QStringLiteral("breaker-open:a"));
        QCOMPARE(window->at(0).ended, at(8, 30));
        QCOMPARE(window->at(1).id, QStringLiteral("health-unhealthy:b"));
        QVERIFY(window->at(1).isActive());
        QCOMPARE(window->at(1).summary,
                 QStringLiteral("orders: <b>circuit</b> breaker db is Open")); // as given
        QCOMPARE(window->at(1).service,
                 (ServiceKey { QStringLiteral("sim"), QStringLiteral("shop"), QStringLiteral("orders") }));
        QCOMPARE(toString(window->at(1).severity), QStringLiteral("critical"));

        // Boundaries are inclusive: ending exactly at `from`, starting exactly at `to`.
        window = log.between(at(8, 30), at(8, 30));
        QVERIFY(window);
        QCOMPARE(window->size(), 1);
        window = log.between(at(10, 10), at(11));
        QVERIFY(window);
        QCOMPARE(window->size(), 1); // only the open one
        QCOMPARE(window->at(0).id, QStringLiteral("health-unhealthy:b"));
        window = log.between(at(6), at(7, 5));
        QVERIFY(window);
        QCOMPARE(window->size(), 1);
        QVERIFY(window->at(0).service.name.isEmpty());

        const Result<QList<Alert>> recent = log.recent(2);
        QVERIFY(recent);
        QCOMPARE(recent->size(), 2);
        QCOMPARE(recent->at(0).id, QStringLiteral("pods-not-ready:c"));
        QCOMPARE(recent->at(1).id, QStringLiteral("health-unhealthy:b"));
    }

    void upsertsOneRowPerOccurrence()
    {
        AlertLog log;
        QVERIFY(log.open(path()));
        Alert a = alert(QStringLiteral("breaker-open:a"), at(8));
        QVERIFY(log.record(a));
        a.acknowledgedBy = QStringLiteral("alice");
        a.acknowledgedAt = at(8, 2);
        a.severity = Alert::Severity::Warning;
        QVERIFY(log.record(a));
        a.ended = at(8, 9);
        QVERIFY(log.record(a));
        // The same id again later is another occurrence.
        QVERIFY(log.record(alert(QStringLiteral("breaker-open:a"), at(9))));
        const Result<QList<Alert>> all = log.between(at(0), at(23));
        QVERIFY(all);
        QCOMPARE(all->size(), 2);
        QCOMPARE(all->at(0).acknowledgedBy, QStringLiteral("alice"));
        QCOMPARE(all->at(0).acknowledgedAt, at(8, 2));
        QCOMPARE(all->at(0).ended, at(8, 9));
        QCOMPARE(toString(all->at(0).severity), QStringLiteral("warning"));
        QVERIFY(all->at(1).isActive());
        QVERIFY(all->at(1).acknowledgedBy.isEmpty());
        QVERIFY(!all->at(1).acknowledgedAt.isValid());
    }

    void followsTheEngineAndClosesOpenAlerts()
    {
        FakeClock clock;
        AlertEngine engine(clock);
        engine.setSettings(immediate());
        {
            AlertLog log(clock);
            QVERIFY(log.open(path()));
            log.attach(&engine);

            ServiceSummary s;
            s.key = ServiceKey { QStringLiteral("sim"), QStringLiteral("shop"), QStringLiteral("orders") };
            s.health = Health::Healthy;
            BreakerSummary b;
            b.name = QStringLiteral("db");
            b.state = BreakerState::State::Open;
            s.breakers << b;
            engine.setServices({ s });
            engine.evaluate();
            const QDateTime raisedAt = clock.wallNow();
            Result<QList<Alert>> rows = log.between(raisedAt, raisedAt);
            QVERIFY(rows);
            QCOMPARE(rows->size(), 1);
            QCOMPARE(rows->at(0).rule, QStringLiteral("breaker-open"));
            QVERIFY(rows->at(0).isActive());

            clock.advance(30s);
            engine.acknowledge(rows->at(0).id, QStringLiteral("bob"));
            rows = log.between(raisedAt, raisedAt);
            QVERIFY(rows);
            QCOMPARE(rows->at(0).acknowledgedBy, QStringLiteral("bob"));
            QCOMPARE(rows->at(0).acknowledgedAt, clock.wallNow());

            // It ends in the engine: ended in the log.
            clock.advance(30s);
            const QDateTime clearedAt = clock.wallNow();
            s.breakers.clear();
            engine.setServices({ s });
            engine.evaluate();
            rows = log.between(raisedAt, raisedAt);
            QVERIFY(rows);
            QCOMPARE(rows->at(0).ended, clearedAt);

            // A second one stays open until the log closes.
            s.health = Health::Unhealthy;
            engine.setServices({ s });
            engine.evaluate();
            clock.advance(61s);
            engine.evaluate();
            QCOMPARE(engine.active().size(), 1);
            clock.advance(5s);
        }
        const QDateTime closedAt = clock.wallNow();
        AlertLog reader;
        QVERIFY(reader.open(path()));
        const Result<QList<Alert>> rows = reader.between(at(0).addYears(-5), closedAt);
        QVERIFY(rows);
        QCOMPARE(rows->size(), 2);
        QCOMPARE(rows->at(1).rule, QStringLiteral("health-unhealthy"));
        QCOMPARE(rows->at(1).ended, closedAt); // nobody watched it after the log closed
        QVERIFY(engine.active().constFirst().isActive()); // the engine itself is untouched
    }
};

QTEST_GUILESS_MAIN(TestAlertLog)
#include "tst_alertlog.moc"
