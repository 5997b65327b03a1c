#include "circuitbreaker.h"
#include "fakeclock.h"

#include <QTest>

using namespace Opsdeck;
using namespace std::chrono_literals;
using namespace Qt::StringLiterals;

// The breaker on a fake clock, transition by transition (threshold 3, break 30 s).
class tst_CircuitBreaker : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void script_data();
    void script();
    void reportsEachTransitionOnce();
    void remainingBreakCountsDown();
    void halfOpenFailureStartsAFreshBreak();
};

namespace {

CircuitBreaker::Settings settings()
{
    return CircuitBreaker::Settings { 3, 30s };
}

QChar letter(CircuitBreaker::State state)
{
    switch (state) {
    case CircuitBreaker::State::Closed:
        return u'C';
    case CircuitBreaker::State::Open:
        return u'O';
    case CircuitBreaker::State::HalfOpen:
        return u'H';
    }
    return u'?';
}

} // namespace

void tst_CircuitBreaker::script_data()
{
    // Steps: A = a request is admitted, X = a request is refused, F = failure, S = success,
    // R = released without a verdict, +N = N seconds pass. `states`: the state after each step.
    QTest::addColumn<QString>("steps");
    QTest::addColumn<QString>("states");
    QTest::newRow("stays closed below the threshold") << u"A F A F"_s << u"C C C C"_s;
    QTest::newRow("opens at the threshold") << u"A F A F A F"_s << u"C C C C C O"_s;
    QTest::newRow("a success resets the count") << u"F F S F F"_s << u"C C C C C"_s;
    QTest::newRow("an answer in between resets too") << u"F F S F F F"_s << u"C C C C C O"_s;
    QTest::newRow("open refuses during the break") << u"F F F X +29 X"_s << u"C C O O O O"_s;
    QTest::newRow("probe after the break") << u"F F F +30 A"_s << u"C C O O H"_s;
    QTest::newRow("only one probe at a time") << u"F F F +30 A X X"_s << u"C C O O H H H"_s;
    QTest::newRow("probe success closes") << u"F F F +30 A S A A"_s << u"C C O O H C C C"_s;
    QTest::newRow("probe failure reopens") << u"F F F +30 A F X"_s << u"C C O O H O O"_s;
    QTest::newRow("reopened waits a full break") << u"F F F +30 A F +29 X +1 A"_s << u"C C O O H O O O O H"_s;
    QTest::newRow("released probe frees the slot") << u"F F F +30 A R A"_s << u"C C O O H H H"_s;
    QTest::newRow("late success while open is ignored") << u"F F F S X"_s << u"C C O O O"_s;
    QTest::newRow("late failure while open is ignored") << u"F F F +20 F +10 A"_s << u"C C O O O O H"_s;
    QTest::newRow("closed after recovery counts afresh") << u"F F F +30 A S F F"_s << u"C C O O H C C C"_s;
    QTest::newRow("long outage probes each break")
        << u"F F F +30 A F +30 A F +30 A S"_s << u"C C O O H O O H O O H C"_s;
}

void tst_CircuitBreaker::script()
{
    QFETCH(QString, steps);
    QFETCH(QString, states);
    FakeClock clock;
    CircuitBreaker breaker(u"https://h/api/v1/pods"_s, settings(), clock);
    const QStringList stepList = steps.split(u' ');
    const QStringList stateList = states.split(u' ');
    QCOMPARE(stepList.size(), stateList.size());
    for (qsizetype i = 0; i < stepList.size(); ++i) {
        const QString &step = stepList[i];
        const QByteArray where = QStringLiteral("step %1 (%2)").arg(i + 1).arg(step).toUtf8();
        if (step == u"A")
            QVERIFY2(breaker.tryAcquire(), where.constData());
        else if (step == u"X")
            QVERIFY2(!breaker.tryAcquire(), where.constData());
        else if (step == u"F")
            breaker.recordFailure();
        else if (step == u"S")
            breaker.recordSuccess();
        else if (step == u"R")
            breaker.release();
        else if (step.startsWith(u'+'))
            clock.advance(std::chrono::seconds(step.mid(1).toInt()));
        else
            QFAIL(where.constData());
        QVERIFY2(letter(breaker.state()) == stateList[i].at(0), where.constData());
    }
}

void tst_CircuitBreaker::reportsEachTransitionOnce()
{
    FakeClock clock;
    CircuitBreaker breaker(u"e"_s, settings(), clock);
    QStringList seen;
    QList<Clock::TimePoint> when;
    breaker.setTransitionHandler([&](const CircuitBreaker::Transition &t) {
        seen.append(toString(t.from) + u"->"_s + toString(t.to));
        when.append(t.at);
    });
    for (int i = 0; i < 3; ++i)
        breaker.recordFailure();
    const auto openedAt = clock.now();
    breaker.recordFailure(); // already open: no new transition
    clock.advance(30s);
    QVERIFY(breaker.tryAcquire());
    QVERIFY(!breaker.tryAcquire());
    breaker.recordSuccess();
    breaker.recordSuccess();
    using S = CircuitBreaker::State;
    QCOMPARE(seen, (QStringList { u"Closed->Open"_s, u"Open->HalfOpen"_s, u"HalfOpen->Closed"_s }));
    QCOMPARE(when[0], openedAt);
    QCOMPARE(when[1], openedAt + 30s);
    QCOMPARE(toString(S::HalfOpen), u"HalfOpen"_s);
}

void tst_CircuitBreaker::remainingBreakCountsDown()
{
    FakeClock clock;
    CircuitBreaker breaker(u"e"_s, settings(), clock);
    QCOMPARE(breaker.remainingBreak(), std::nullopt);
    for (int i = 0; i < 3; ++i)
        breaker.recordFailure();
    QCOMPARE(breaker.remainingBreak(), std::optional(30000ms));
    clock.advance(12500ms);
    QCOMPARE(breaker.remainingBreak(), std::optional(17500ms));
    clock.advance(40s);
    QCOMPARE(breaker.remainingBreak(), std::optional(0ms)); // due: the next request probes
    QCOMPARE(toString(breaker.state()), toString(CircuitBreaker::State::Open));
    QVERIFY(breaker.tryAcquire());
    QCOMPARE(breaker.remainingBreak(), std::nullopt);
}

void tst_CircuitBreaker::halfOpenFailureStartsAFreshBreak()
{
    FakeClock clock;
    CircuitBreaker breaker(u"e"_s, settings(), clock);
    for (int i = 0; i < 3; ++i)
        breaker.recordFailure();
    clock.advance(45s);
    QVERIFY(breaker.tryAcquire());
    breaker.recordFailure();
    QCOMPARE(toString(breaker.state()), toString(CircuitBreaker::State::Open));
    QCOMPARE(breaker.remainingBreak(), std::optional(30000ms));
    QCOMPARE(breaker.consecutiveFailures(), 3); // the count that opened it, until a success
}

QTEST_GUILESS_MAIN(tst_CircuitBreaker)
#include "tst_circuitbreaker.moc"
