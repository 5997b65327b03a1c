// The Polly-style circuit breaker on a manual clock, transition by transition: Closed → Open after 5
// consecutive failures, rejected while open, HalfOpen with one probe after 30 s, Closed on the probe's
// success or Open again on its failure; a success in between resets the count; Isolated holds.

#include "controllers/circuitbreaker.h"

#include <QTest>

#include <chrono>
#include <vector>

using sim::CircuitBreaker;
using State = CircuitBreaker::State;
using namespace std::chrono_literals;

class tst_CircuitBreaker : public QObject
{
    Q_OBJECT

private:
    struct Transition
    {
        State from;
        State to;
        CircuitBreaker::TimePoint at;
    };
    const CircuitBreaker::TimePoint t0 = CircuitBreaker::TimePoint(std::chrono::hours(24 * 20000));

    static CircuitBreaker make(std::vector<Transition> &log)
    {
        CircuitBreaker b(5, 30s);
        b.setListener([&log](State from, State to, CircuitBreaker::TimePoint at) { log.push_back({from, to, at}); });
        return b;
    }

private Q_SLOTS:
    void opensAfterFiveConsecutiveFailures()
    {
        std::vector<Transition> log;
        auto b = make(log);
        for (int i = 0; i < 4; ++i) {
            QVERIFY(b.tryAcquire(t0 + i * 1s));
            b.onFailure(t0 + i * 1s);
            QCOMPARE(b.state(), State::Closed);
            QCOMPARE(b.consecutiveFailures(), i + 1);
        }
        QVERIFY(log.empty());
        QVERIFY(b.tryAcquire(t0 + 4s));
        b.onFailure(t0 + 4s);
        QCOMPARE(b.state(), State::Open);
        QCOMPARE(log.size(), std::size_t(1));
        QCOMPARE(log[0].from, State::Closed);
        QCOMPARE(log[0].to, State::Open);
        QVERIFY(log[0].at == t0 + 4s);
        QVERIFY(b.retryAt() == t0 + 34s);
    }

    void successResetsTheCount()
    {
        std::vector<Transition> log;
        auto b = make(log);
        for (int i = 0; i < 4; ++i)
            b.onFailure(t0);
        b.onSuccess(t0);
        QCOMPARE(b.consecutiveFailures(), 0);
        for (int i = 0; i < 4; ++i)
            b.onFailure(t0);
        QCOMPARE(b.state(), State::Closed);
        QVERIFY(log.empty());
    }

    void openRejectsUntilTheBreakEndsThenOneProbeCloses()
    {
        std::vector<Transition> log;
        auto b = make(log);
        for (int i = 0; i < 5; ++i)
            b.onFailure(t0);
        QCOMPARE(b.state(), State::Open);
        QVERIFY(!b.tryAcquire(t0 + 1s));
        QVERIFY(!b.tryAcquire(t0 + 29s + 999ms));
        QCOMPARE(b.state(), State::Open);
        // The break is over: this call is the probe, the next ones wait for its verdict.
        QVERIFY(b.tryAcquire(t0 + 30s));
        QCOMPARE(b.state(), State::HalfOpen);
        QVERIFY(!b.tryAcquire(t0 + 30s));
        QVERIFY(!b.tryAcquire(t0 + 31s));
        b.onSuccess(t0 + 31s);
        QCOMPARE(b.state(), State::Closed);
        QVERIFY(b.tryAcquire(t0 + 31s));
        QCOMPARE(log.size(), std::size_t(3));
        QCOMPARE(log[1].from, State::Open);
        QCOMPARE(log[1].to, State::HalfOpen);
        QVERIFY(log[1].at == t0 + 30s);
        QCOMPARE(log[2].from, State::HalfOpen);
        QCOMPARE(log[2].to, State::Closed);
        QVERIFY(log[2].at == t0 + 31s);
    }

    void failedProbeOpensAgainForAFullBreak()
    {
        std::vector<Transition> log;
        auto b = make(log);
        for (int i = 0; i < 5; ++i)
            b.onFailure(t0);
        QVERIFY(b.tryAcquire(t0 + 30s));
        b.onFailure(t0 + 30s + 500ms);
        QCOMPARE(b.state(), State::Open);
        QVERIFY(b.openedAt() == t0 + 30s + 500ms);
        QVERIFY(!b.tryAcquire(t0 + 59s));
        QVERIFY(b.tryAcquire(t0 + 60s + 500ms));
        QCOMPARE(b.state(), State::HalfOpen);
        QCOMPARE(log.size(), std::size_t(4));
        QCOMPARE(log[2].to, State::Open);
        QCOMPARE(log[3].to, State::HalfOpen);
    }

    void isolatedHoldsUntilReset()
    {
        std::vector<Transition> log;
        auto b = make(log);
        b.isolate(t0);
        QCOMPARE(b.state(), State::Isolated);
        QVERIFY(!b.tryAcquire(t0 + 3600s));
        b.reset(t0 + 3601s);
        QCOMPARE(b.state(), State::Closed);
        QVERIFY(b.tryAcquire(t0 + 3601s));
        QCOMPARE(CircuitBreaker::stateName(State::HalfOpen), std::string("HalfOpen"));
        QCOMPARE(log.size(), std::size_t(2));
    }
};

QTEST_GUILESS_MAIN(tst_CircuitBreaker)
#include "tst_circuitbreaker.moc"
