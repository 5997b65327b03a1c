// NotificationPolicy: which new alerts become desktop notifications — on/off, minimum severity, quiet
// hours (also across midnight) on a FakeClock, acknowledged and ended alerts, batching, QSettings keys.

#include "fakeclock.h"
#include "notificationpolicy.h"

#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace Opsdeck;
using namespace std::chrono_literals;

namespace {

Alert alert(Alert::Severity severity, const QString &service = QStringLiteral("productservice"))
{
    Alert a;
    a.rule = severity == Alert::Severity::Critical ? QStringLiteral("breaker-open")
                                                   : QStringLiteral("hpa-at-max");
    a.id = a.rule + QStringLiteral(":sim/shop/") + service;
    a.service = ServiceKey { QStringLiteral("sim"), QStringLiteral("shop"), service };
    a.severity = severity;
    a.since = QDateTime(QDate(2025, 1, 1), QTime(12, 0), QTimeZone::utc());
    a.summary = service + QStringLiteral(": something is wrong");
    return a;
}

// FakeClock starts at 12:00 UTC; step it to hh:mm of the same day or the next.
void advanceTo(FakeClock &clock, int hour, int minute)
{
    const QDateTime now = clock.wallNow();
    QDateTime target(now.date(), QTime(hour, minute), QTimeZone::utc());
    if (target < now)
        target = target.addDays(1);
    clock.advance(std::chrono::milliseconds(now.msecsTo(target)));
}

} // namespace

class TestNotificationPolicy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultsNotifyWarningAndCritical()
    {
        FakeClock clock;
        NotificationPolicy policy(clock);
        policy.setTimeZone(QTimeZone::utc());
        QVERIFY(policy.shouldNotify(alert(Alert::Severity::Critical)));
        QVERIFY(policy.shouldNotify(alert(Alert::Severity::Warning)));
        QVERIFY(!policy.shouldNotify(alert(Alert::Severity::Info)));

        Alert acknowledged = alert(Alert::Severity::Critical);
        acknowledged.acknowledgedBy = QStringLiteral("alice");
        QVERIFY(!policy.shouldNotify(acknowledged));
        Alert ended = alert(Alert::Severity::Critical);
        ended.ended = ended.since.addSecs(60);
        QVERIFY(!policy.shouldNotify(ended));
    }

    void minimumSeverityAndSwitch()
    {
        FakeClock clock;
        NotificationPolicy policy(clock);
        policy.setTimeZone(QTimeZone::utc());
        NotificationSettings s;
        s.minimumSeverity = Alert::Severity::Critical;
        policy.setSettings(s);
        QVERIFY(policy.shouldNotify(alert(Alert::Severity::Critical)));
        QVERIFY(!policy.shouldNotify(alert(Alert::Severity::Warning)));
        s.enabled = false;
        policy.setSettings(s);
        QVERIFY(!policy.shouldNotify(alert(Alert::Severity::Critical)));
    }

    void quietHoursWrapMidnight()
    {
        FakeClock clock;
        NotificationPolicy policy(clock);
        policy.setTimeZone(QTimeZone::utc());
        NotificationSettings s;
        s.quietStart = QTime(22, 0);
        s.quietEnd = QTime(7, 0);
        policy.setSettings(s);
        const Alert critical = alert(Alert::Severity::Critical);
        QVERIFY(!policy.isQuietNow()); // 12:00
        QVERIFY(policy.shouldNotify(critical));
        advanceTo(clock, 21, 59);
        QVERIFY(policy.shouldNotify(critical));
        clock.advance(1min); // 22:00: quiet starts (inclusive)
        QVERIFY(policy.isQuietNow());
        QVERIFY(!policy.shouldNotify(critical));
        advanceTo(clock, 3, 0);
        QVERIFY(!policy.shouldNotify(critical));
        advanceTo(clock, 6, 59);
        QVERIFY(policy.isQuietNow());
        clock.advance(1min); // 07:00: over (exclusive)
        QVERIFY(!policy.isQuietNow());
        QVERIFY(policy.shouldNotify(critical));
    }

    void quietHoursWithinADayAndTimeZone()
    {
        FakeClock clock; // 12:00 UTC
        NotificationPolicy policy(clock);
        policy.setTimeZone(QTimeZone::utc());
        NotificationSettings s;
        s.quietStart = QTime(12, 0);
        s.quietEnd = QTime(13, 30);
        policy.setSettings(s);
        QVERIFY(policy.isQuietNow());
        clock.advance(90min);
        QVERIFY(!policy.isQuietNow());
        // Read in the zone: 13:30 UTC is 14:30 in UTC+1 (outside); 11:15 UTC is 12:15 there (inside).
        policy.setTimeZone(QTimeZone(3600));
        QVERIFY(!policy.isQuietNow());
        advanceTo(clock, 11, 15);
        QVERIFY(policy.isQuietNow());
        // Same start and end: no quiet hours at all.
        s.quietEnd = s.quietStart;
        policy.setSettings(s);
        QVERIFY(!policy.isQuietNow());
    }

    void batchesAlertsRaisedTogether()
    {
        FakeClock clock;
        NotificationPolicy policy(clock);
        policy.setTimeZone(QTimeZone::utc());
        QVERIFY(!policy.notificationFor({}));
        QVERIFY(!policy.notificationFor({ alert(Alert::Severity::Info) }));

        const auto one = policy.notificationFor({ alert(Alert::Severity::Critical) });
        QVERIFY(one);
        QCOMPARE(one->title, QStringLiteral("Critical: breaker-open — productservice"));
        QCOMPARE(one->body, QStringLiteral("productservice: something is wrong"));

        QList<Alert> many { alert(Alert::Severity::Warning, QStringLiteral("a")),
                            alert(Alert::Severity::Info, QStringLiteral("b")),
                            alert(Alert::Severity::Critical, QStringLiteral("c")),
                            alert(Alert::Severity::Warning, QStringLiteral("d")),
                            alert(Alert::Severity::Warning, QStringLiteral("e")) };
        const auto batch = policy.notificationFor(many);
        QVERIFY(batch);
        QVERIFY(batch->severity == Alert::Severity::Critical);
        QCOMPARE(batch->title, QStringLiteral("Critical: 4 new alerts"));
        QCOMPARE(batch->alertIds.size(), 4); // not the info one
        QCOMPARE(batch->body,
                 QStringLiteral(
                     "c: something is wrong\na: something is wrong\nd: something is wrong\n… and 1 more"));
    }

    void settingsRoundTrip()
    {
        QTemporaryDir dir;
        QSettings settings(dir.filePath(QStringLiteral("opsdeck.ini")), QSettings::IniFormat);
        QCOMPARE(NotificationSettings::load(settings), NotificationSettings {});
        settings.setValue(QStringLiteral("notifications/enabled"), false);
        settings.setValue(QStringLiteral("notifications/minimumSeverity"), QStringLiteral("critical"));
        settings.setValue(QStringLiteral("notifications/quietStart"), QStringLiteral("22:30"));
        settings.setValue(QStringLiteral("notifications/quietEnd"), QStringLiteral("06:15"));
        NotificationSettings s = NotificationSettings::load(settings);
        QCOMPARE(s.enabled, false);
        QVERIFY(s.minimumSeverity == Alert::Severity::Critical);
        QCOMPARE(s.quietStart, QTime(22, 30));
        QCOMPARE(s.quietEnd, QTime(6, 15));
        QVERIFY(s.hasQuietHours());

        // Typos keep the defaults.
        settings.setValue(QStringLiteral("notifications/minimumSeverity"), QStringLiteral("loud"));
        settings.setValue(QStringLiteral("notifications/quietStart"), QStringLiteral("late"));
        s = NotificationSettings::load(settings);
        QVERIFY(s.minimumSeverity == Alert::Severity::Warning);
        QVERIFY(!s.hasQuietHours());

        NotificationSettings saved;
        saved.enabled = true;
        saved.minimumSeverity = Alert::Severity::Info;
        saved.quietStart = QTime(23, 0);
        saved.quietEnd = QTime(8, 0);
        saved.save(settings);
        QCOMPARE(settings.value(QStringLiteral("notifications/quietStart")).toString(),
                 QStringLiteral("23:00"));
        QCOMPARE(NotificationSettings::load(settings), saved);
    }
};

QTEST_GUILESS_MAIN(TestNotificationPolicy)
#include "tst_notificationpolicy.moc"
