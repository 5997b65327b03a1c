#include "estatebuilder.h"
#include "eventtablemodel.h"
#include "podtablemodel.h"
#include "servicestore.h"

#include <QAbstractItemModelTester>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using namespace Opsdeck;
using namespace Opsdeck::Test;

// PodTableModel and EventTableModel: the detail pane's models of the selected service.
class tst_PodTableModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { registerObservationMetaTypes(); }
    void init();
    void showsTheSelectedServicesPods();
    void deletedPodIsGone();
    void metricsMergeIntoPods();
    void eventsOfTheService();

private:
    std::unique_ptr<ServiceStore> m_store;
    const ServiceKey m_product{Ctx, Ns, QStringLiteral("productservice")};
};

void tst_PodTableModel::init()
{
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
    m_store = std::make_unique<ServiceStore>();
    std::vector<Observation> obs = allSynced();
    append(obs, service(QStringLiteral("productservice"), 3, 1));
    append(obs, service(QStringLiteral("orderservice"), 2, 0));
    m_store->apply(batch(std::move(obs)));
    m_store->flush();
}

void tst_PodTableModel::showsTheSelectedServicesPods()
{
    PodTableModel model(m_store.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    model.setService(m_product);
    QCOMPARE(model.rowCount(), 4);
    model.setNow(QDateTime(QDate(2026, 1, 1), QTime(12, 5), Qt::UTC));
    const int row = model.rowOf(QStringLiteral("productservice-stable-0"));
    QVERIFY(row >= 0);
    QCOMPARE(model.index(row, PodTableModel::PhaseColumn).data().toString(), QStringLiteral("Running"));
    QCOMPARE(model.index(row, PodTableModel::ReadyColumn).data().toString(), QStringLiteral("1/1"));
    QCOMPARE(model.index(row, PodTableModel::TrackColumn).data().toString(), QStringLiteral("stable"));
    QCOMPARE(model.index(row, PodTableModel::AgeColumn).data().toString(), QStringLiteral("5m"));
    QCOMPARE(model.index(row, PodTableModel::NodeColumn).data().toString(), QStringLiteral("node-1"));
    QCOMPARE(model.index(row, PodTableModel::AgeColumn).data(PodTableModel::SortRole).toLongLong(), 300);

    // A pod of another service changing does not touch this model.
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    PodInfo other = pod(QStringLiteral("orderservice"), Track::Stable, 0, false);
    m_store->apply(batch({added(ResourceKind::Pod, other.name, other, Ns, Ctx, ResourceDelta::Type::Modified)}));
    m_store->flush();
    QCOMPARE(changed.size(), 0);

    // A new pod of this one is one insertion; a changed one a dataChanged, no reset.
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    PodInfo fresh = pod(QStringLiteral("productservice"), Track::Stable, 7);
    PodInfo crashing = pod(QStringLiteral("productservice"), Track::Stable, 0, false, QStringLiteral("CrashLoopBackOff"));
    m_store->apply(batch({added(ResourceKind::Pod, fresh.name, fresh), added(ResourceKind::Pod, crashing.name, crashing, Ns, Ctx, ResourceDelta::Type::Modified)}));
    m_store->flush();
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(reset.size(), 0);
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(model.index(row, PodTableModel::PhaseColumn).data().toString(), QStringLiteral("Running (CrashLoopBackOff)"));
    QCOMPARE(model.index(row, PodTableModel::ReadyColumn).data().toString(), QStringLiteral("0/1"));
    QVERIFY(model.index(row, 0).data(PodTableModel::CrashLoopRole).toBool());
}

void tst_PodTableModel::deletedPodIsGone()
{
    PodTableModel model(m_store.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setService(m_product);
    QCOMPARE(model.rowCount(), 4);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    m_store->apply(batch({deleted(ResourceKind::Pod, QStringLiteral("productservice-stable-1"))}));
    m_store->flush();
    QCOMPARE(removed.size(), 1);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.rowOf(QStringLiteral("productservice-stable-1")), -1);
    for (int row = 0; row < model.rowCount(); ++row)
        QVERIFY(model.index(row, 0).data().toString() != QStringLiteral("productservice-stable-1"));
    QCOMPARE(m_store->service(m_product)->pods, 3);
}

void tst_PodTableModel::metricsMergeIntoPods()
{
    PodTableModel model(m_store.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setService(m_product);
    const int row = model.rowOf(QStringLiteral("productservice-stable-2"));
    QCOMPARE(model.index(row, PodTableModel::CpuColumn).data().toString(), QStringLiteral("—"));
    PodMetricsInfo metrics{QStringLiteral("productservice-stable-2"), Ns, QDateTime::currentDateTimeUtc(), 85, 182 * 1024 * 1024};
    m_store->apply(batch({added(ResourceKind::PodMetrics, metrics.name, metrics), synced(ResourceKind::PodMetrics)}));
    m_store->flush();
    QCOMPARE(model.index(row, PodTableModel::CpuColumn).data().toString(), QStringLiteral("85m"));
    QCOMPARE(model.index(row, PodTableModel::MemoryColumn).data().toString(), QStringLiteral("182 MiB"));
    QCOMPARE(m_store->service(m_product)->cpuMillicores.value_or(-1), 85);
    // The next poll no longer has it: gone from the pod too.
    m_store->apply(batch({relisted(ResourceKind::PodMetrics)}));
    m_store->flush();
    QCOMPARE(model.index(row, PodTableModel::CpuColumn).data().toString(), QStringLiteral("—"));
}

void tst_PodTableModel::eventsOfTheService()
{
    EventTableModel model(m_store.get());
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setService(m_product);
    QCOMPARE(model.rowCount(), 0);
    m_store->apply(batch({added(ResourceKind::Event, QStringLiteral("e1"),
                                eventInfo(QStringLiteral("e1"), QStringLiteral("Pod"), QStringLiteral("productservice-stable-0"), true, QStringLiteral("BackOff"), 1)),
                          added(ResourceKind::Event, QStringLiteral("e2"),
                                eventInfo(QStringLiteral("e2"), QStringLiteral("Pod"), QStringLiteral("orderservice-stable-0"), true, QStringLiteral("BackOff"), 2))}));
    m_store->flush();
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0, EventTableModel::ReasonColumn).data().toString(), QStringLiteral("BackOff"));
    QCOMPARE(model.index(0, EventTableModel::TypeColumn).data().toString(), QStringLiteral("Warning"));
    QCOMPARE(model.index(0, EventTableModel::ObjectColumn).data().toString(), QStringLiteral("Pod/productservice-stable-0"));
    QVERIFY(model.index(0, 0).data(EventTableModel::WarningRole).toBool());
    m_store->apply(batch({deleted(ResourceKind::Event, QStringLiteral("e1"))}));
    m_store->flush();
    QCOMPARE(model.rowCount(), 0);
    model.setService({});
    QCOMPARE(model.rowCount(), 0);
}

QTEST_GUILESS_MAIN(tst_PodTableModel)
#include "tst_podtablemodel.moc"
