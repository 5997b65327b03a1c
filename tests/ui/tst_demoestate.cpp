// The real pieces on the demo estate: opsdeck-sim (started like `opsdeck --demo` does), the kubernetes
// plugin from the build tree, SourceHost → ServiceStore → MainWindow. Checks the Services table as a
// person would read it: the three seed services with their replicas, pods and canary weights.

#include "breakerhistorymodel.h"
#include "breakertimeline.h"
#include "clusterprobe.h"
#include "datasourcetablemodel.h"
#include "kubeconfigloader.h"
#include "demoenvironment.h"
#include "healthentrytablemodel.h"
#include "healthpane.h"
#include "mainwindow.h"
#include "pluginloader.h"
#include "servicestore.h"
#include "servicetablemodel.h"
#include "sourcehost.h"
#include "sourcelistmodel.h"

#include <QApplication>
#include <QDir>
#include <QLabel>
#include <QProcess>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace Opsdeck;

class tst_DemoEstate : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void showsTheSeedServices();
    void podsOfTheSelectedService();
    void healthTabShowsAnOpenBreaker();
    void cleanupTestCase();

private:
    QTableView *table(const QString &name) const;
    int rowOf(const QString &service) const;
    QString cell(const QString &service, int column) const;

    DemoEnvironment m_demo;
    PluginLoader m_loader{QStringList{QStringLiteral(OPSDECK_PLUGIN_BUILD_DIR)}};
    SourceListModel m_sources;
    ServiceStore m_store;
    std::unique_ptr<SourceHost> m_host;
    std::unique_ptr<MainWindow> m_window;
};

QTableView *tst_DemoEstate::table(const QString &name) const
{
    for (QTableView *view : m_window->findChildren<QTableView *>()) {
        if (view->accessibleName() == name)
            return view;
    }
    return nullptr;
}

int tst_DemoEstate::rowOf(const QString &service) const
{
    QAbstractItemModel *model = table(QStringLiteral("Services"))->model();
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, ServiceTableModel::NameColumn).data().toString() == service)
            return row;
    }
    return -1;
}

QString tst_DemoEstate::cell(const QString &service, int column) const
{
    const int row = rowOf(service);
    return row < 0 ? QString() : table(QStringLiteral("Services"))->model()->index(row, column).data().toString();
}

void tst_DemoEstate::initTestCase()
{
    registerObservationMetaTypes();
    m_demo.setProgram(qEnvironmentVariable("OPSDECK_SIM", QStringLiteral(OPSDECK_SIM_PATH)));
    QSignalSpy ready(&m_demo, &DemoEnvironment::ready);
    QSignalSpy failed(&m_demo, &DemoEnvironment::failed);
    m_demo.start();
    QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty() || !failed.isEmpty(), 30000);
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.at(0).at(0).value<Error>().message));

    m_loader.load();
    DataSourceFactory *factory = m_loader.sourceFactory(QStringLiteral("kubernetes"));
    QVERIFY2(factory, "the kubernetes plugin is not in the build tree");
    QList<PluginInfo> shown; // as the app shows them: no test fixtures
    for (const PluginInfo &plugin : m_loader.plugins())
        if (!plugin.testOnly)
            shown.append(plugin);
    m_sources.setPlugins(shown, m_loader.errors());

    m_host = std::make_unique<SourceHost>();
    connect(m_host.get(), &SourceHost::observationsReady, &m_store, &ServiceStore::apply);
    connect(m_host.get(), &SourceHost::statusChanged, &m_store, &ServiceStore::setSourceStatus);
    std::unique_ptr<DataSource> source = factory->createSource();
    QVERIFY(source);
    const auto configured = source->configure(SourceConfig{QStringLiteral("kubernetes:demo"), {{QStringLiteral("kubeconfig"), m_demo.kubeconfigPath()},
                                                                                       {QStringLiteral("healthIntervalMs"), 2000}}});
    QVERIFY2(configured, configured ? "" : qPrintable(configured.error().message));
    QVERIFY(m_host->add(std::move(source)));

    m_window = std::make_unique<MainWindow>(&m_sources, &m_store);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_host->startAll();
    // The Cluster panel as the app fills it (its screenshot goes into docs/).
    const auto kubeconfig = KubeconfigLoader::load(m_demo.kubeconfigPath());
    QVERIFY(kubeconfig);
    const auto connection = kubeconfig->resolve({});
    QVERIFY(connection);
    ClusterProbe probe(*connection);
    QSignalSpy version(&probe, &ClusterProbe::versionReceived);
    probe.start();
    QVERIFY(version.wait(20000));
    m_window->setConnection(ConnectionInfo{ConnectionInfo::State::Connected, connection->contextName, connection->server.toString(),
                                           version.at(0).at(0).value<ClusterVersion>().gitVersion, tr("Demo estate (opsdeck-sim)")});
}

void tst_DemoEstate::showsTheSeedServices()
{
    QTableView *services = table(QStringLiteral("Services"));
    QVERIFY(services);
    QTRY_COMPARE_WITH_TIMEOUT(services->model()->rowCount(), 3, 60000);
    // Wait for the data to be judged (every kind listed): health is then no longer Unknown.
    QTRY_VERIFY_WITH_TIMEOUT(cell(QStringLiteral("productservice"), ServiceTableModel::HealthColumn) != QLatin1String("Unknown"), 60000);
    const QRegularExpression replicas(QStringLiteral("^\\d+/\\d+$"));
    for (const QString &name : {QStringLiteral("productservice"), QStringLiteral("orderservice"), QStringLiteral("notificationservice")}) {
        QVERIFY2(rowOf(name) >= 0, qPrintable(name));
        QVERIFY2(replicas.match(cell(name, ServiceTableModel::StableColumn)).hasMatch(), qPrintable(cell(name, ServiceTableModel::StableColumn)));
        QVERIFY2(replicas.match(cell(name, ServiceTableModel::CanaryColumn)).hasMatch(), qPrintable(name));
        QVERIFY2(cell(name, ServiceTableModel::HpaColumn).contains(QStringLiteral("→")), qPrintable(name));
    }
    // The seed: canary one replica each; stable at least the HPA minimum.
    QTRY_COMPARE_WITH_TIMEOUT(cell(QStringLiteral("productservice"), ServiceTableModel::CanaryColumn), QStringLiteral("1/1"), 60000);
    QTRY_VERIFY_WITH_TIMEOUT(cell(QStringLiteral("productservice"), ServiceTableModel::StableColumn).endsWith(QStringLiteral("/3"))
                                 || cell(QStringLiteral("productservice"), ServiceTableModel::HpaColumn).contains(QStringLiteral("(2–10)")),
                             30000);
    QCOMPARE(cell(QStringLiteral("productservice"), ServiceTableModel::HpaColumn).endsWith(QStringLiteral("(2–10)")), true);
    QCOMPARE(cell(QStringLiteral("orderservice"), ServiceTableModel::HpaColumn).endsWith(QStringLiteral("(3–20)")), true);
    // Canary weights: Ingress annotations for two, the HTTPRoute's weights for notificationservice.
    QCOMPARE(cell(QStringLiteral("productservice"), ServiceTableModel::CanaryWeightColumn), QStringLiteral("10%"));
    QCOMPARE(cell(QStringLiteral("orderservice"), ServiceTableModel::CanaryWeightColumn), QStringLiteral("0%"));
    QCOMPARE(cell(QStringLiteral("notificationservice"), ServiceTableModel::CanaryWeightColumn), QStringLiteral("10%"));
}

void tst_DemoEstate::podsOfTheSelectedService()
{
    QVERIFY(m_window->selectService(ServiceKey{m_store.contexts().value(0), QStringLiteral("microservices"), QStringLiteral("productservice")}));
    QTableView *pods = table(QStringLiteral("Pods"));
    QTRY_VERIFY_WITH_TIMEOUT(pods->model()->rowCount() >= 4, 30000);
    bool canary = false;
    for (int row = 0; row < pods->model()->rowCount(); ++row) {
        QVERIFY(pods->model()->index(row, 0).data().toString().startsWith(QStringLiteral("productservice-")));
        canary = canary || pods->model()->index(row, 1).data().toString() == QLatin1String("canary");
    }
    QVERIFY(canary);
}

void tst_DemoEstate::healthTabShowsAnOpenBreaker()
{
    // Chaos as an SRE would run it: productservice fails every request, so orderservice's breaker to it opens.
    QProcess chaos;
    chaos.start(m_demo.program(), {QStringLiteral("chaos"), QStringLiteral("--kubeconfig"), m_demo.kubeconfigPath(),
                                   QStringLiteral("fail-service"), QStringLiteral("productservice"), QStringLiteral("--error-rate"),
                                   QStringLiteral("100")});
    QVERIFY(chaos.waitForFinished(20000));
    QCOMPARE(chaos.exitCode(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(cell(QStringLiteral("orderservice"), ServiceTableModel::BreakersColumn).startsWith(QStringLiteral("Open: productservice")), 60000);

    QVERIFY(m_window->selectService(ServiceKey{m_store.contexts().value(0), QStringLiteral("microservices"), QStringLiteral("orderservice")}));
    m_window->showDetailTab(MainWindow::HealthTab);
    HealthPane *pane = m_window->healthPane();
    QVERIFY(pane->isVisible());
    QTableView *entries = table(QStringLiteral("Health entries"));
    QVERIFY(entries);
    QTRY_VERIFY_WITH_TIMEOUT(entries->model()->rowCount() >= 4, 20000);
    bool open = false;
    for (int row = 0; row < entries->model()->rowCount(); ++row) {
        const QAbstractItemModel *m = entries->model();
        if (m->index(row, HealthEntryTableModel::NameColumn).data().toString() == u"productservice") {
            open = open
                   || (m->index(row, HealthEntryTableModel::CircuitColumn).data().toString() == u"Open"
                       && m->index(row, HealthEntryTableModel::DescriptionColumn).data().toString().contains(u"circuit breaker is open"));
        }
    }
    QVERIFY(open);
    // The timeline and its textual twin both tell the transition.
    QTableView *transitions = table(QStringLiteral("Breaker transitions"));
    QVERIFY(transitions);
    QTRY_VERIFY_WITH_TIMEOUT(transitions->model()->rowCount() >= 1, 10000);
    QVERIFY(pane->timeline()->accessibleDescription().contains(QStringLiteral("productservice")));
    QVERIFY(!pane->summaryLabel()->text().isEmpty());
    // Everything new is named for assistive tech.
    for (QWidget *w : pane->findChildren<QWidget *>()) {
        if (qobject_cast<QTableView *>(w) || qobject_cast<BreakerTimeline *>(w))
            QVERIFY2(!w->accessibleName().isEmpty(), w->metaObject()->className());
    }
    QTableView *dataSources = table(QStringLiteral("Data sources"));
    QVERIFY(dataSources);
    QCOMPARE(dataSources->model()->columnCount(), 1); // transposed: one column per source
    QCOMPARE(dataSources->model()->index(DataSourceTableModel::StateColumn, 0).data().toString(), QStringLiteral("Healthy"));
    QCOMPARE(dataSources->model()->index(DataSourceTableModel::BreakerColumn, 0).data().toString(), QStringLiteral("Closed"));

    // docs/health-open-breaker.png comes from here: OPSDECK_SCREENSHOT_DIR=docs ctest -R ui_demoestate.
    const QString dir = qEnvironmentVariable("OPSDECK_SCREENSHOT_DIR");
    if (!dir.isEmpty()) {
        QTest::qWait(600); // let the tables lay out their rows
        QVERIFY(m_window->grab().save(QDir(dir).filePath(QStringLiteral("health-open-breaker.png")), "PNG"));
    }
}

void tst_DemoEstate::cleanupTestCase()
{
    if (m_host)
        m_host->stopAll();
    m_window.reset();
    m_demo.stop();
}

QTEST_MAIN(tst_DemoEstate)
#include "tst_demoestate.moc"
