#include "observation.h"

#include <QSignalSpy>
#include <QTest>
#include <QTimeZone>
#include <QThread>

using namespace Opsdeck;

// Emits a batch from whatever thread it lives on.
class BatchEmitter : public QObject
{
    Q_OBJECT

public:
    ObservationBatch batch;

public Q_SLOTS:
    void send() { Q_EMIT ready(batch); }

Q_SIGNALS:
    void ready(const Opsdeck::ObservationBatch &batch);
};

class tst_Observation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void copiesAreIndependent();
    void metaTypesAreRegistered();
    void variantRoundTrip();
    void queuedAcrossThreads();
    void names();

private:
    static ObservationBatch sampleBatch();
};

ObservationBatch tst_Observation::sampleBatch()
{
    PodInfo pod;
    pod.name = QStringLiteral("orders-7d9f-abc");
    pod.ns = QStringLiteral("shop");
    pod.app = QStringLiteral("orders");
    pod.track = Track::Canary;
    pod.phase = QStringLiteral("Running");
    pod.restarts = 4;
    pod.waitingReason = QStringLiteral("CrashLoopBackOff");
    pod.cpuMillicores = 250;

    DeploymentInfo deployment;
    deployment.name = QStringLiteral("orders");
    deployment.desiredReplicas = 3;
    deployment.readyReplicas = 2;
    deployment.conditions << ConditionSummary{QStringLiteral("Available"), true, QStringLiteral("MinimumReplicasAvailable"), {}};

    HealthReport health;
    health.service = ServiceKey{QStringLiteral("sim"), QStringLiteral("shop"), QStringLiteral("orders")};
    health.status = HealthStatus::Degraded;
    health.entries << HealthEntry{QStringLiteral("payments"), HealthStatus::Unhealthy,
                                  QStringLiteral("payments circuit breaker is open"), QStringLiteral("Open"), 12.5};

    TelemetrySeries series;
    series.service = health.service;
    series.metric = QStringLiteral("requests");
    series.points << TelemetryPoint{QDateTime::fromSecsSinceEpoch(1000, QTimeZone::utc()), 12.5};

    CostSeries cost;
    cost.serviceTag = QStringLiteral("orders");
    cost.currency = QStringLiteral("EUR");
    cost.points << CostPoint{QDate(2026, 11, 1), 3.25, false};
    cost.budget = 100.0;

    OperationStatus op;
    op.requestId = QUuid::createUuid();
    op.actionId = QStringLiteral("canary-weight");
    op.state = OperationStatus::State::Running;
    op.changes << ActionChange{QStringLiteral("Ingress"), QStringLiteral("orders-canary"),
                               QStringLiteral("canary-weight"), QStringLiteral("10"), QStringLiteral("20")};

    ObservationBatch batch;
    batch.sourceId = QStringLiteral("kubernetes:sim");
    batch.producedAt = QDateTime::currentDateTimeUtc();
    batch.observations.emplace_back(ResourceDelta{ResourceDelta::Type::Added,
                                                  ResourceKey{QStringLiteral("sim"), ResourceKind::Pod, pod.ns, pod.name}, pod});
    batch.observations.emplace_back(ResourceDelta{ResourceDelta::Type::Modified,
                                                  ResourceKey{QStringLiteral("sim"), ResourceKind::Deployment, pod.ns, deployment.name},
                                                  deployment});
    batch.observations.emplace_back(health);
    batch.observations.emplace_back(series);
    batch.observations.emplace_back(BreakerState{health.service, QStringLiteral("payments"), QStringLiteral("cb"),
                                                 BreakerState::State::Open, QDateTime::currentDateTimeUtc(), Track::Stable});
    batch.observations.emplace_back(cost);
    batch.observations.emplace_back(op);
    batch.observations.emplace_back(SourceStatus{SourceStatus::State::Degraded, QDateTime::currentDateTimeUtc(),
                                                 Error{ErrorKind::Timeout, QStringLiteral("watch pods"), {}, std::nullopt}});
    return batch;
}

void tst_Observation::initTestCase()
{
    registerObservationMetaTypes();
}

void tst_Observation::copiesAreIndependent()
{
    const ObservationBatch original = sampleBatch();
    ObservationBatch copy = original;
    QCOMPARE(copy, original);

    auto &delta = std::get<ResourceDelta>(copy.observations.front());
    std::get<PodInfo>(delta.object).restarts = 99;
    QVERIFY(copy != original);
    const auto &originalDelta = std::get<ResourceDelta>(original.observations.front());
    QCOMPARE(std::get<PodInfo>(originalDelta.object).restarts, 4);
}

void tst_Observation::metaTypesAreRegistered()
{
    QVERIFY(QMetaType::fromName("Opsdeck::ObservationBatch").isValid());
    QVERIFY(QMetaType::fromName("Opsdeck::SourceStatus").isValid());
    QVERIFY(QMetaType::fromName("Opsdeck::OperationStatus").isValid());
    QVERIFY(QMetaType::fromName("Opsdeck::ActionPreview").isValid());
    QVERIFY(QMetaType::fromName("Opsdeck::Error").isValid());
    QCOMPARE(QMetaType::fromName("Opsdeck::ObservationBatch"), QMetaType::fromType<ObservationBatch>());
}

void tst_Observation::variantRoundTrip()
{
    const ObservationBatch batch = sampleBatch();
    const QVariant v = QVariant::fromValue(batch);
    QVERIFY(v.canConvert<ObservationBatch>());
    QCOMPARE(v.value<ObservationBatch>(), batch);
}

void tst_Observation::queuedAcrossThreads()
{
    QThread worker;
    worker.setObjectName(QStringLiteral("worker"));
    BatchEmitter emitter;
    emitter.batch = sampleBatch();
    emitter.moveToThread(&worker);

    ObservationBatch received;
    QThread *receivedOn = nullptr;
    QObject context; // lives on the main thread, so the connection is queued
    connect(&emitter, &BatchEmitter::ready, &context, [&](const ObservationBatch &batch) {
        received = batch;
        receivedOn = QThread::currentThread();
    });
    QSignalSpy spy(&emitter, &BatchEmitter::ready);

    worker.start();
    QMetaObject::invokeMethod(&emitter, &BatchEmitter::send, Qt::QueuedConnection);
    QTRY_VERIFY_WITH_TIMEOUT(receivedOn != nullptr, 5000);
    QCOMPARE(receivedOn, QThread::currentThread());
    QCOMPARE(received, emitter.batch);
    QCOMPARE(received.observations.size(), size_t(8));
    QVERIFY(std::holds_alternative<HealthReport>(received.observations[2]));
    QCOMPARE(std::get<HealthReport>(received.observations[2]).entries.front().circuitState, QStringLiteral("Open"));

    worker.quit();
    QVERIFY(worker.wait(5000));
}

void tst_Observation::names()
{
    QCOMPARE(toString(ResourceKind::HorizontalPodAutoscaler), QStringLiteral("HorizontalPodAutoscaler"));
    QCOMPARE(toString(ResourceDelta::Type::Relisted), QStringLiteral("Relisted"));
    QCOMPARE(toString(HealthStatus::Degraded), QStringLiteral("Degraded"));
    QCOMPARE(toString(BreakerState::State::HalfOpen), QStringLiteral("HalfOpen"));
    QCOMPARE(toString(OperationStatus::State::Refused), QStringLiteral("refused"));
    QCOMPARE(toString(SourceStatus::State::Down), QStringLiteral("Down"));
    QCOMPARE(toString(Track::Canary), QStringLiteral("canary"));
}

QTEST_GUILESS_MAIN(tst_Observation)
#include "tst_observation.moc"
