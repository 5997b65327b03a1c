#include "estatebuilder.h"
#include "servicestore.h"
#include "servicetablemodel.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using namespace Opsdeck;
using namespace Opsdeck::Test;

class tst_ServiceStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { registerObservationMetaTypes(); }
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral(".*"))); }
    void newServicesArriveInOneInsertion();
    void tracksAndReplicas();
    void unknownUntilSynced();
    void burstIsCoalesced();
    void relistDropsGhostsWithoutDuplicates();
    void relistOfOneNamespaceKeepsOthers();
    void canaryWeightFromIngress();
    void canaryWeightFromHttpRoute();
    void hpaMapsThroughItsTargetDeployment();
    void lastWarningEventOfAnyMember();
    void eventBeforeItsPodStillAttaches();
    void crashLoopAndRestarts();
    void serviceLeavesWhenItsLastObjectGoes();
    void sourceDownMarksStaleAndKeepsData();
    void flushesOnItsOwnWithinTheTick();
    void tenThousandPodsStayFast();

private:
    static ServiceKey svc(const QString &name) { return ServiceKey{Ctx, Ns, name}; }
};

void tst_ServiceStore::newServicesArriveInOneInsertion()
{
    ServiceStore store;
    ServiceTableModel model(&store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);

    std::vector<Observation> obs = allSynced();
    append(obs, service(QStringLiteral("productservice"), 3, 1));
    append(obs, service(QStringLiteral("orderservice"), 4, 1));
    append(obs, service(QStringLiteral("notificationservice"), 2, 1));
    store.apply(batch(std::move(obs)));
    QCOMPARE(model.rowCount(), 0); // nothing published before the tick
    store.flush();

    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 0);
    QCOMPARE(inserted.at(0).at(2).toInt(), 2);
    QCOMPARE(reset.size(), 0);
    QStringList names;
    for (int row = 0; row < 3; ++row)
        names << model.index(row, ServiceTableModel::NameColumn).data().toString();
    QCOMPARE(names, (QStringList{QStringLiteral("notificationservice"), QStringLiteral("orderservice"), QStringLiteral("productservice")}));
}

void tst_ServiceStore::tracksAndReplicas()
{
    ServiceStore store;
    ServiceTableModel model(&store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    std::vector<Observation> obs = allSynced();
    append(obs, service(QStringLiteral("productservice"), 3, 1));
    store.apply(batch(std::move(obs)));
    store.flush();

    const QModelIndex row = model.indexOf(svc(QStringLiteral("productservice")));
    QVERIFY(row.isValid());
    QCOMPARE(row.siblingAtColumn(ServiceTableModel::StableColumn).data().toString(), QStringLiteral("3/3"));
    QCOMPARE(row.siblingAtColumn(ServiceTableModel::CanaryColumn).data().toString(), QStringLiteral("1/1"));
    QCOMPARE(row.siblingAtColumn(ServiceTableModel::HealthColumn).data().toString(), QStringLiteral("Healthy"));
    QCOMPARE(toString(row.data(ServiceTableModel::HealthRole).value<Health>()), toString(Health::Healthy));
    const ServiceSummary *s = store.service(svc(QStringLiteral("productservice")));
    QVERIFY(s);
    QCOMPARE(s->stable.deployment, QStringLiteral("productservice-stable"));
    QCOMPARE(s->stable.revision, 4);
    QCOMPARE(s->canary.image, QStringLiteral("registry/productservice:1.5.0"));
    QCOMPARE(s->pods, 4);

    // kubectl scale → the row changes, in place.
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    store.apply(batch({added(ResourceKind::Deployment, QStringLiteral("productservice-stable"),
                             deployment(QStringLiteral("productservice"), Track::Stable, 5, 3), Ns, Ctx, ResourceDelta::Type::Modified)}));
    store.flush();
    QCOMPARE(changed.size(), 1);
    QCOMPARE(row.siblingAtColumn(ServiceTableModel::StableColumn).data().toString(), QStringLiteral("3/5"));
    QCOMPARE(toString(row.data(ServiceTableModel::HealthRole).value<Health>()), toString(Health::Degraded));
    // Sort values are numbers, not text.
    QCOMPARE(row.siblingAtColumn(ServiceTableModel::HealthColumn).data(ServiceTableModel::SortRole).userType(), QMetaType::Int);
}

void tst_ServiceStore::unknownUntilSynced()
{
    ServiceStore store;
    store.apply(batch(service(QStringLiteral("productservice"), 3, 1)));
    store.flush();
    QCOMPARE(toString(store.service(svc(QStringLiteral("productservice")))->health), toString(Health::Unknown));
    QVERIFY(!store.contextState(Ctx).isSynced());
    store.apply(batch(allSynced()));
    store.flush();
    QCOMPARE(toString(store.service(svc(QStringLiteral("productservice")))->health), toString(Health::Healthy));
    QVERIFY(store.contextState(Ctx).isSynced());
    QVERIFY(store.isContextSynced(Ctx, {ResourceKind::Pod, ResourceKind::Event}));
    QVERIFY(!store.isContextSynced(Ctx, {ResourceKind::PodMetrics}));
}

void tst_ServiceStore::burstIsCoalesced()
{
    ServiceStore store;
    ServiceTableModel model(&store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    std::vector<Observation> initial = allSynced();
    for (int i = 0; i < 50; ++i)
        append(initial, service(QStringLiteral("svc-%1").arg(i, 3, 10, QLatin1Char('0')), 10, 0));
    store.apply(batch(std::move(initial)));
    store.flush();
    QCOMPARE(model.rowCount(), 50);

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    // 5,000 watch events over all 500 pods in 100 batches, as informers deliver them.
    int restarts = 0;
    for (int b = 0; b < 100; ++b) {
        std::vector<Observation> obs;
        for (int e = 0; e < 50; ++e) {
            const int n = b * 50 + e;
            PodInfo p = pod(QStringLiteral("svc-%1").arg(n % 50, 3, 10, QLatin1Char('0')), Track::Stable, (n / 50) % 10);
            p.restarts = ++restarts;
            obs.push_back(added(ResourceKind::Pod, p.name, p, Ns, Ctx, ResourceDelta::Type::Modified));
        }
        store.apply(batch(std::move(obs)));
    }
    store.flush();
    QCOMPARE(reset.size(), 0);
    QCOMPARE(inserted.size(), 0);
    QCOMPARE(removed.size(), 0);
    QVERIFY2(changed.size() <= 5, qPrintable(QString::number(changed.size())));
    QVERIFY(changed.size() >= 1);
    // All 50 rows were covered by the ranges.
    int covered = 0;
    for (const QList<QVariant> &args : std::as_const(changed))
        covered += args.at(1).toModelIndex().row() - args.at(0).toModelIndex().row() + 1;
    QCOMPARE(covered, 50);
    QCOMPARE(store.objectCount(ResourceKind::Pod), 500);
}

void tst_ServiceStore::relistDropsGhostsWithoutDuplicates()
{
    ServiceStore store;
    ServiceTableModel model(&store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    std::vector<Observation> obs = allSynced();
    append(obs, service(QStringLiteral("productservice"), 3, 1));
    append(obs, service(QStringLiteral("orderservice"), 2, 0));
    store.apply(batch(std::move(obs)));
    store.flush();
    QCOMPARE(model.rowCount(), 2);

    // After a 410: the relist re-adds productservice's pods (one fewer) and none of orderservice's.
    std::vector<Observation> relist{relisted(ResourceKind::Pod)};
    for (int i = 0; i < 2; ++i) {
        const PodInfo p = pod(QStringLiteral("productservice"), Track::Stable, i);
        relist.push_back(added(ResourceKind::Pod, p.name, p));
    }
    const PodInfo c = pod(QStringLiteral("productservice"), Track::Canary, 0);
    relist.push_back(added(ResourceKind::Pod, c.name, c));
    store.apply(batch(std::move(relist)));
    store.flush();

    QCOMPARE(store.objectCount(ResourceKind::Pod), 3);
    const QList<PodInfo> pods = store.pods(svc(QStringLiteral("productservice")));
    QCOMPARE(pods.size(), 3);
    QCOMPARE(pods.at(0).name, QStringLiteral("productservice-canary-0"));
    QVERIFY(store.pods(svc(QStringLiteral("orderservice"))).isEmpty());
    // orderservice still has its Deployment, so it stays as a row — without ghost pods.
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(store.service(svc(QStringLiteral("orderservice")))->pods, 0);

    // Relisting the Deployments without orderservice's removes its row entirely.
    store.apply(batch({relisted(ResourceKind::Deployment),
                       added(ResourceKind::Deployment, QStringLiteral("productservice-stable"), deployment(QStringLiteral("productservice"), Track::Stable, 3, 3)),
                       added(ResourceKind::Deployment, QStringLiteral("productservice-canary"), deployment(QStringLiteral("productservice"), Track::Canary, 1, 1))}));
    store.flush();
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("productservice"));
    QCOMPARE(store.objectCount(ResourceKind::Deployment), 2);
}

void tst_ServiceStore::relistOfOneNamespaceKeepsOthers()
{
    ServiceStore store;
    std::vector<Observation> obs = allSynced();
    append(obs, service(QStringLiteral("productservice"), 2, 0));
    PodInfo other = pod(QStringLiteral("billing"), Track::Stable, 0);
    other.ns = QStringLiteral("finance");
    obs.push_back(added(ResourceKind::Pod, other.name, other, QStringLiteral("finance")));
    store.apply(batch(std::move(obs)));
    store.apply(batch({relisted(ResourceKind::Pod, QStringLiteral("finance"))}));
    store.flush();
    QCOMPARE(store.objectCount(ResourceKind::Pod), 2);
    QCOMPARE(store.pods(svc(QStringLiteral("productservice"))).size(), 2);
}

void tst_ServiceStore::canaryWeightFromIngress()
{
    ServiceStore store;
    ServiceTableModel model(&store);
    std::vector<Observation> obs = allSynced();
    append(obs, service(QStringLiteral("productservice"), 3, 1));
    obs.push_back(added(ResourceKind::Ingress, QStringLiteral("productservice-canary"), canaryIngress(QStringLiteral("productservice"), 15, 200)));
    store.apply(batch(std::move(obs)));
    store.flush();
    const ServiceSummary *s = store.service(svc(QStringLiteral("productservice")));
    QVERIFY(s->canaryWeight);
    QCOMPARE(*s->canaryWeight, 7.5);
    QCOMPARE(s->canaryWeightSource, QStringLiteral("Ingress productservice-canary"));
    QCOMPARE(model.indexOf(s->key, ServiceTableModel::CanaryWeightColumn).data().toString(), QStringLiteral("7.5%"));

    // The ingress may arrive before the Service object that names the app; a Service with another
    // selector re-maps it.
    ServiceInfo canarySvc;
    canarySvc.name = QStringLiteral("productservice-canary");
    canarySvc.ns = Ns;
    canarySvc.selectorApp = QStringLiteral("productservice");
    store.apply(batch({added(ResourceKind::Service, canarySvc.name, canarySvc),
                       added(ResourceKind::Ingress, QStringLiteral("productservice-canary"), canaryIngress(QStringLiteral("productservice"), 30), Ns, Ctx,
                             ResourceDelta::Type::Modified)}));
    store.flush();
    QCOMPARE(*store.service(svc(QStringLiteral("productservice")))->canaryWeight, 30.0);
    store.apply(batch({deleted(ResourceKind::Ingress, QStringLiteral("productservice-canary"))}));
    store.flush();
    QVERIFY(!store.service(svc(QStringLiteral("productservice")))->canaryWeight);
}

void tst_ServiceStore::canaryWeightFromHttpRoute()
{
    ServiceStore store;
    std::vector<Observation> obs = allSynced();
    obs.push_back(added(ResourceKind::HttpRoute, QStringLiteral("notificationservice"), route(QStringLiteral("notificationservice"), 3, 1)));
    append(obs, service(QStringLiteral("notificationservice"), 2, 1)); // route first: order does not matter
    store.apply(batch(std::move(obs)));
    store.flush();
    const ServiceSummary *s = store.service(svc(QStringLiteral("notificationservice")));
    QVERIFY(s && s->canaryWeight);
    QCOMPARE(*s->canaryWeight, 25.0);
    QCOMPARE(s->canaryWeightSource, QStringLiteral("HTTPRoute notificationservice"));
}

void tst_ServiceStore::hpaMapsThroughItsTargetDeployment()
{
    ServiceStore store;
    ServiceTableModel model(&store);
    std::vector<Observation> obs = allSynced();
    obs.push_back(added(ResourceKind::HorizontalPodAutoscaler, QStringLiteral("productservice"), hpa(QStringLiteral("productservice"), 3, 4, 2, 10, 84, 70)));
    append(obs, service(QStringLiteral("productservice"), 3, 1));
    HpaInfo stray = hpa(QStringLiteral("elsewhere"), 1, 1, 1, 2, 10, 70);
    obs.push_back(added(ResourceKind::HorizontalPodAutoscaler, QStringLiteral("elsewhere"), stray));
    store.apply(batch(std::move(obs)));
    store.flush();
    const ServiceSummary *s = store.service(svc(QStringLiteral("productservice")));
    QVERIFY(s->hpa.present);
    QCOMPARE(s->hpa.current, 3);
    QCOMPARE(s->hpa.desired, 4);
    QCOMPARE(s->hpa.min, 2);
    QCOMPARE(s->hpa.max, 10);
    const QModelIndex row = model.indexOf(s->key);
    QCOMPARE(row.siblingAtColumn(ServiceTableModel::HpaColumn).data().toString(), QStringLiteral("3→4 (2–10)"));
    QCOMPARE(row.siblingAtColumn(ServiceTableModel::CpuColumn).data().toString(), QStringLiteral("84% / 70%"));
    QCOMPARE(model.rowCount(), 1); // an HPA alone makes no service

    // Retargeting moves it away.
    HpaInfo moved = hpa(QStringLiteral("productservice"), 3, 4, 2, 10, 84, 70);
    moved.targetName = QStringLiteral("other");
    store.apply(batch({added(ResourceKind::HorizontalPodAutoscaler, QStringLiteral("productservice"), moved, Ns, Ctx, ResourceDelta::Type::Modified)}));
    store.flush();
    QVERIFY(!store.service(svc(QStringLiteral("productservice")))->hpa.present);
}

void tst_ServiceStore::lastWarningEventOfAnyMember()
{
    ServiceStore store;
    std::vector<Observation> obs = allSynced();
    append(obs, service(QStringLiteral("productservice"), 2, 1));
    obs.push_back(added(ResourceKind::Event, QStringLiteral("e1"), eventInfo(QStringLiteral("e1"), QStringLiteral("Pod"), QStringLiteral("productservice-stable-0"), true, QStringLiteral("Unhealthy"), 1)));
    obs.push_back(added(ResourceKind::Event, QStringLiteral("e2"), eventInfo(QStringLiteral("e2"), QStringLiteral("Deployment"), QStringLiteral("productservice-canary"), true, QStringLiteral("ProgressDeadlineExceeded"), 5)));
    obs.push_back(added(ResourceKind::Event, QStringLiteral("e3"), eventInfo(QStringLiteral("e3"), QStringLiteral("Pod"), QStringLiteral("productservice-stable-1"), false, QStringLiteral("Pulled"), 9)));
    obs.push_back(added(ResourceKind::Event, QStringLiteral("e4"), eventInfo(QStringLiteral("e4"), QStringLiteral("Pod"), QStringLiteral("unrelated-0"), true, QStringLiteral("Failed"), 10)));
    store.apply(batch(std::move(obs)));
    store.flush();
    const ServiceSummary *s = store.service(svc(QStringLiteral("productservice")));
    QVERIFY(s->lastWarning);
    QCOMPARE(s->lastWarning->name, QStringLiteral("e2")); // newest Warning; Normal events never count
    QCOMPARE(store.events(s->key).size(), 3);
}

void tst_ServiceStore::eventBeforeItsPodStillAttaches()
{
    ServiceStore store;
    store.apply(batch({added(ResourceKind::Event, QStringLiteral("e1"), eventInfo(QStringLiteral("e1"), QStringLiteral("Pod"), QStringLiteral("productservice-stable-0"), true, QStringLiteral("BackOff"), 3))}));
    store.flush();
    QCOMPARE(store.serviceCount(), 0);
    store.apply(batch(service(QStringLiteral("productservice"), 1, 0)));
    store.flush();
    const ServiceSummary *s = store.service(svc(QStringLiteral("productservice")));
    QVERIFY(s && s->lastWarning);
    QCOMPARE(s->lastWarning->reason, QStringLiteral("BackOff"));
}

void tst_ServiceStore::crashLoopAndRestarts()
{
    ServiceStore store;
    ServiceTableModel model(&store);
    std::vector<Observation> obs = allSynced();
    append(obs, service(QStringLiteral("productservice"), 3, 0));
    PodInfo broken = pod(QStringLiteral("productservice"), Track::Stable, 1, false, QStringLiteral("CrashLoopBackOff"));
    obs.push_back(added(ResourceKind::Pod, broken.name, broken, Ns, Ctx, ResourceDelta::Type::Modified));
    obs.push_back(added(ResourceKind::Deployment, QStringLiteral("productservice-stable"), deployment(QStringLiteral("productservice"), Track::Stable, 3, 2), Ns, Ctx, ResourceDelta::Type::Modified));
    store.apply(batch(std::move(obs)));
    store.flush();
    const ServiceSummary *s = store.service(svc(QStringLiteral("productservice")));
    QCOMPARE(s->crashLooping, 1);
    QCOMPARE(s->restarts, 5);
    QCOMPARE(toString(s->health), toString(Health::Degraded));
    QCOMPARE(model.indexOf(s->key, ServiceTableModel::RestartsColumn).data().toString(), QStringLiteral("5 · 1 in CrashLoopBackOff"));
}

void tst_ServiceStore::serviceLeavesWhenItsLastObjectGoes()
{
    ServiceStore store;
    ServiceTableModel model(&store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    std::vector<Observation> obs = allSynced();
    for (const char *name : {"a", "b", "c", "d"})
        append(obs, service(QString::fromLatin1(name), 1, 0));
    store.apply(batch(std::move(obs)));
    store.flush();
    QCOMPARE(model.rowCount(), 4);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    std::vector<Observation> gone;
    for (const char *name : {"b", "c"}) {
        const QString app = QString::fromLatin1(name);
        gone.push_back(deleted(ResourceKind::Deployment, app + QStringLiteral("-stable")));
        gone.push_back(deleted(ResourceKind::Pod, pod(app, Track::Stable, 0).name));
    }
    store.apply(batch(std::move(gone)));
    store.flush();
    QCOMPARE(removed.size(), 1); // b and c are contiguous: one removal
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(1, 0).data().toString(), QStringLiteral("d"));
    QCOMPARE(store.rowOf(svc(QStringLiteral("d"))), 1);
}

void tst_ServiceStore::sourceDownMarksStaleAndKeepsData()
{
    ServiceStore store;
    std::vector<Observation> obs = allSynced();
    append(obs, service(QStringLiteral("productservice"), 3, 1));
    store.apply(batch(std::move(obs)));
    store.setSourceStatus(QStringLiteral("kubernetes:ctx"), SourceStatus{SourceStatus::State::Ok, QDateTime::currentDateTimeUtc(), std::nullopt});
    store.flush();
    QCOMPARE(toString(store.service(svc(QStringLiteral("productservice")))->health), toString(Health::Healthy));
    QSignalSpy contexts(&store, &ServiceStore::contextsChanged);
    store.setSourceStatus(QStringLiteral("kubernetes:ctx"),
                          SourceStatus{SourceStatus::State::Down, {}, Error{ErrorKind::Network, QStringLiteral("connection refused"), {}, std::nullopt}});
    store.flush();
    QCOMPARE(contexts.size(), 1);
    const ServiceSummary *s = store.service(svc(QStringLiteral("productservice")));
    QCOMPARE(toString(s->health), toString(Health::Stale));
    QCOMPARE(s->stable.ready, 3); // last-known data kept
    QVERIFY(store.contextState(Ctx).isStale());
    store.setSourceStatus(QStringLiteral("kubernetes:ctx"), SourceStatus{SourceStatus::State::Ok, QDateTime::currentDateTimeUtc(), std::nullopt});
    store.flush();
    QCOMPARE(toString(store.service(svc(QStringLiteral("productservice")))->health), toString(Health::Healthy));
}

void tst_ServiceStore::flushesOnItsOwnWithinTheTick()
{
    ServiceStore store;
    QSignalSpy flushed(&store, &ServiceStore::flushed);
    store.apply(batch(service(QStringLiteral("productservice"), 1, 0)));
    store.apply(batch(service(QStringLiteral("orderservice"), 1, 0)));
    QCOMPARE(flushed.size(), 0);
    QVERIFY(flushed.wait(1000));
    QCOMPARE(flushed.size(), 1); // both batches in one tick
    QCOMPARE(store.serviceCount(), 2);
}

void tst_ServiceStore::tenThousandPodsStayFast()
{
    // The large scenario: 500 services × (18 stable + 2 canary) pods, then a burst of modifications.
    ServiceStore store;
    ServiceTableModel model(&store);
    std::vector<Observation> obs = allSynced();
    obs.reserve(12000);
    for (int i = 0; i < 500; ++i)
        append(obs, service(QStringLiteral("svc-%1").arg(i, 4, 10, QLatin1Char('0')), 18, 2));
    QElapsedTimer timer;
    timer.start();
    store.apply(batch(std::move(obs)));
    store.flush();
    const qint64 initialMs = timer.elapsed();
    QCOMPARE(model.rowCount(), 500);
    QCOMPARE(store.objectCount(ResourceKind::Pod), 10000);

    std::vector<Observation> burst;
    for (int n = 0; n < 5000; ++n) {
        PodInfo p = pod(QStringLiteral("svc-%1").arg(n % 500, 4, 10, QLatin1Char('0')), Track::Stable, n % 18);
        p.restarts = n;
        burst.push_back(added(ResourceKind::Pod, p.name, p, Ns, Ctx, ResourceDelta::Type::Modified));
    }
    timer.restart();
    store.apply(batch(std::move(burst)));
    store.flush();
    const qint64 burstMs = timer.elapsed();
    qInfo("10k pods: initial %lld ms, 5,000-event burst %lld ms", initialMs, burstMs);
    // Generous bounds for a Debug/sanitizer build on a shared 2-core machine; a per-event scan would
    // take minutes here.
    QVERIFY2(initialMs < 5000, qPrintable(QString::number(initialMs)));
    QVERIFY2(burstMs < 3000, qPrintable(QString::number(burstMs)));
}

QTEST_GUILESS_MAIN(tst_ServiceStore)
#include "tst_servicestore.moc"
