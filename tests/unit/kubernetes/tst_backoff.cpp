#include "backoff.h"

#include <QTest>

using namespace std::chrono_literals;

class tst_Backoff : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // The n-th delay lies in [d/2, d], d = min(initial * 2^n, max), over many seeds.
    void jitterBounds()
    {
        for (quint32 seed = 1; seed <= 200; ++seed) {
            Backoff b(500ms, 30s, seed);
            qint64 ceiling = 500;
            for (int n = 0; n < 12; ++n) {
                const auto delay = b.next().count();
                QVERIFY2(delay >= ceiling / 2 && delay <= ceiling,
                         qPrintable(QStringLiteral("attempt %1: %2 not in [%3, %4]").arg(n).arg(delay).arg(ceiling / 2).arg(ceiling)));
                ceiling = std::min<qint64>(ceiling * 2, 30000);
            }
        }
    }

    void jitterSpreads()
    {
        // Two clients with different seeds rarely wait the same: the point of jitter.
        QSet<qint64> seen;
        for (quint32 seed = 1; seed <= 50; ++seed) {
            Backoff b(1s, 30s, seed);
            b.next();
            b.next();
            seen.insert(b.next().count()); // in [2000, 4000]
        }
        QVERIFY(seen.size() > 40);
    }

    void resetStartsOver()
    {
        Backoff b(100ms, 10s, 7);
        for (int i = 0; i < 8; ++i)
            b.next();
        QCOMPARE(b.failures(), 8);
        b.reset();
        QVERIFY(b.next() <= 100ms);
    }

    void delay_data()
    {
        QTest::addColumn<int>("retryAfter"); // seconds, -1 = none
        QTest::addColumn<qint64>("minMs");
        QTest::addColumn<qint64>("maxMs");
        QTest::newRow("429 honours Retry-After") << 7 << qint64(7000) << qint64(7000);
        QTest::newRow("Retry-After 0 retries at once") << 0 << qint64(0) << qint64(0);
        QTest::newRow("absurd Retry-After is capped") << 86400 << qint64(600000) << qint64(600000);
        QTest::newRow("no header: backoff") << -1 << qint64(250) << qint64(500);
    }

    void delay()
    {
        QFETCH(int, retryAfter);
        QFETCH(qint64, minMs);
        QFETCH(qint64, maxMs);
        Backoff b(500ms, 30s, 3);
        const auto d = b.next(retryAfter < 0 ? std::nullopt : std::optional(std::chrono::seconds(retryAfter)));
        QVERIFY(d.count() >= minMs && d.count() <= maxMs);
    }

    void parseRetryAfter()
    {
        const QDateTime now(QDate(2026, 11, 24), QTime(5, 0, 0), Qt::UTC);
        QCOMPARE(Backoff::parseRetryAfter("12", now), std::optional(std::chrono::seconds(12)));
        QCOMPARE(Backoff::parseRetryAfter(" 3 ", now), std::optional(std::chrono::seconds(3)));
        QCOMPARE(Backoff::parseRetryAfter("Tue, 24 Nov 2026 05:00:42 GMT", now), std::optional(std::chrono::seconds(42)));
        QCOMPARE(Backoff::parseRetryAfter("Tue, 24 Nov 2026 04:00:00 GMT", now), std::optional(std::chrono::seconds(0)));
        QVERIFY(!Backoff::parseRetryAfter("", now));
        QVERIFY(!Backoff::parseRetryAfter("-5", now));
        QVERIFY(!Backoff::parseRetryAfter("soon", now));
    }
};

QTEST_GUILESS_MAIN(tst_Backoff)
#include "tst_backoff.moc"
