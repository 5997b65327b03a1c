#include "estatebuilder.h"
#include "scopelistmodel.h"
#include "servicefilterproxymodel.h"
#include "servicestore.h"
#include "servicetablemodel.h"

#include <QAbstractItemModelTester>
#include <QRegularExpression>
#include <QTest>

using namespace Opsdeck;
using namespace Opsdeck::Test;

// The filter box, the context/namespace pickers and sorting, over two contexts side by side.
class tst_ServiceFilterProxyModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { registerObservationMetaTypes(); }
    void init();
    void filtersByTextContextAndNamespace();
    void sortsNumbersAsNumbers();
    void scopeListsFollowTheStore();

private:
    QStringList names(const QAbstractItemModel &model) const;
    std::unique_ptr<ServiceStore> m_store;
    std::unique_ptr<ServiceTableModel> m_table;
};

void tst_ServiceFilterProxyModel::init()
{
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
    m_store = std::make_unique<ServiceStore>();
    m_table = std::make_unique<ServiceTableModel>(m_store.get());
    std::vector<Observation> a = allSynced(QStringLiteral("east"));
    append(a, service(QStringLiteral("productservice"), 10, 1, QStringLiteral("east")));
    append(a, service(QStringLiteral("orderservice"), 2, 0, QStringLiteral("east")));
    std::vector<Observation> b = allSynced(QStringLiteral("west"));
    append(b, service(QStringLiteral("productservice"), 3, 0, QStringLiteral("west")));
    m_store->apply(batch(std::move(a), QStringLiteral("kubernetes:east")));
    m_store->apply(batch(std::move(b), QStringLiteral("kubernetes:west")));
    m_store->flush();
}

QStringList tst_ServiceFilterProxyModel::names(const QAbstractItemModel &model) const
{
    QStringList out;
    for (int row = 0; row < model.rowCount(); ++row)
        out << model.index(row, ServiceTableModel::NameColumn).data().toString() + QLatin1Char('@')
                   + model.index(row, ServiceTableModel::ContextColumn).data().toString();
    return out;
}

void tst_ServiceFilterProxyModel::filtersByTextContextAndNamespace()
{
    ServiceFilterProxyModel proxy;
    proxy.setSourceModel(m_table.get());
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.sort(ServiceTableModel::NameColumn);
    QCOMPARE(proxy.rowCount(), 3);
    proxy.setFilterText(QStringLiteral("  PRODUCT "));
    QCOMPARE(names(proxy), (QStringList{QStringLiteral("productservice@east"), QStringLiteral("productservice@west")}));
    proxy.setFilterText(QStringLiteral("product west"));
    QCOMPARE(names(proxy), QStringList{QStringLiteral("productservice@west")});
    proxy.setFilterText({});
    proxy.setContextFilter(QStringLiteral("east"));
    QCOMPARE(proxy.rowCount(), 2);
    proxy.setNamespaceFilter(QStringLiteral("nope"));
    QCOMPARE(proxy.rowCount(), 0);
    proxy.setNamespaceFilter(Ns);
    QCOMPARE(proxy.rowCount(), 2);

    // Live: a new service in the chosen context appears through the filter.
    m_store->apply(batch(service(QStringLiteral("basketservice"), 1, 0, QStringLiteral("east")), QStringLiteral("kubernetes:east")));
    m_store->flush();
    QCOMPARE(proxy.rowCount(), 3);
    QCOMPARE(proxy.index(0, 0).data().toString(), QStringLiteral("basketservice"));

    proxy.setContextFilter({});
    proxy.setOnlyProblems(true);
    QCOMPARE(proxy.rowCount(), 0);
    m_store->apply(batch({added(ResourceKind::Deployment, QStringLiteral("orderservice-stable"), deployment(QStringLiteral("orderservice"), Track::Stable, 2, 1), Ns,
                                QStringLiteral("east"), ResourceDelta::Type::Modified)},
                         QStringLiteral("kubernetes:east")));
    m_store->flush();
    QCOMPARE(names(proxy), QStringList{QStringLiteral("orderservice@east")});
}

void tst_ServiceFilterProxyModel::sortsNumbersAsNumbers()
{
    ServiceFilterProxyModel proxy;
    proxy.setSourceModel(m_table.get());
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    // Text order would put "10/10" before "2/2" and "3/3"; desired replicas must sort as numbers.
    m_store->apply(batch({added(ResourceKind::Deployment, QStringLiteral("productservice-stable"), deployment(QStringLiteral("productservice"), Track::Stable, 10, 7), Ns,
                                QStringLiteral("east"), ResourceDelta::Type::Modified)},
                         QStringLiteral("kubernetes:east")));
    m_store->flush();
    proxy.sort(ServiceTableModel::StableColumn, Qt::DescendingOrder);
    QCOMPARE(proxy.index(0, ServiceTableModel::StableColumn).data().toString(), QStringLiteral("7/10"));
    proxy.sort(ServiceTableModel::HealthColumn, Qt::DescendingOrder);
    QCOMPARE(proxy.index(0, ServiceTableModel::HealthColumn).data().toString(), QStringLiteral("Degraded"));
}

void tst_ServiceFilterProxyModel::scopeListsFollowTheStore()
{
    ScopeListModel contexts(m_store.get(), ScopeListModel::Scope::Contexts);
    ScopeListModel namespaces(m_store.get(), ScopeListModel::Scope::Namespaces);
    QAbstractItemModelTester t1(&contexts, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester t2(&namespaces, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(contexts.rowCount(), 3);
    QCOMPARE(contexts.index(0, 0).data().toString(), QStringLiteral("All contexts"));
    QCOMPARE(contexts.index(0, 0).data(ScopeListModel::ScopeRole).toString(), QString());
    QCOMPARE(contexts.index(1, 0).data().toString(), QStringLiteral("east"));
    QCOMPARE(contexts.rowOf(QStringLiteral("west")), 2);
    QCOMPARE(namespaces.rowCount(), 2);

    PodInfo p = pod(QStringLiteral("billing"), Track::Stable, 0);
    p.ns = QStringLiteral("finance");
    m_store->apply(batch({added(ResourceKind::Pod, p.name, p, QStringLiteral("finance"), QStringLiteral("west"))}, QStringLiteral("kubernetes:west")));
    m_store->flush();
    QCOMPARE(namespaces.rowCount(), 3);
    QCOMPARE(namespaces.index(1, 0).data().toString(), QStringLiteral("finance"));
    namespaces.setContext(QStringLiteral("east"));
    QCOMPARE(namespaces.rowCount(), 2);
    QCOMPARE(namespaces.rowOf(QStringLiteral("finance")), -1);
}

QTEST_GUILESS_MAIN(tst_ServiceFilterProxyModel)
#include "tst_servicefilterproxymodel.moc"
