// Issue 5's "done when", with the real pieces: opsdeck-sim, the kubernetes and appinsights plugins from
// the build tree on SourceHost's threads, ServiceStore + TelemetryStore, MainWindow with its Canary tab.
// Breaking the canary (`opsdeck-sim chaos break-canary`) must show the canary's error rate above stable's
// on the Services table and on the chart, and the verdict turn to "Roll back"; the window picker must
// reach the source. With OPSDECK_SCREENSHOT_DIR set it writes canary.png (docs/canary.png).

#include "azure/azureconfig.h"
#include "canarypane.h"
#include "mainwindow.h"
#include "pluginloader.h"
#include "servicestore.h"
#include "servicetablemodel.h"
#include "sourcehost.h"
#include "sourcelistmodel.h"
#include "telemetrychart.h"
#include "telemetrystore.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QLineSeries>
#include <QProcess>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace Opsdeck;

namespace {

const QString Context = QStringLiteral("opsdeck-sim");
const QString Namespace = QStringLiteral("microservices");
const ServiceKey Product{Context, Namespace, QStringLiteral("productservice")};

} // namespace

class tst_CanaryDemo : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void telemetryArrivesForBothTracks();
    void windowPickerReachesTheSource();
    void brokenCanaryShowsOnTableAndCharts();
    void cleanupTestCase();

private:
    void addSource(const QString &plugin, const QString &id, const QVariantMap &settings);
    QModelIndex cell(int column) const;
    void chaos(const QStringList &arguments);

    QTemporaryDir m_dir;
    QProcess m_sim;
    QString m_kubeconfig;
    std::unique_ptr<PluginLoader> m_loader;
    SourceListModel m_sources;
    ServiceStore m_store;
    TelemetryStore m_telemetry{&m_store};
    std::unique_ptr<SourceHost> m_host;
    std::unique_ptr<MainWindow> m_window;
    int m_telemetryBatches = 0;
};

void tst_CanaryDemo::initTestCase()
{
    registerObservationMetaTypes();
    m_kubeconfig = m_dir.filePath(QStringLiteral("kubeconfig"));
    const QString azure = m_dir.filePath(QStringLiteral("azure.json"));
    // OPSDECK_SIM / OPSDECK_TEST_PLUGIN_DIR: run against binaries built elsewhere (same sources).
    m_sim.setProgram(qEnvironmentVariable("OPSDECK_SIM", QStringLiteral(OPSDECK_SIM_PATH)));
    m_sim.setArguments({QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--write-kubeconfig"), m_kubeconfig,
                        QStringLiteral("--write-azure-config"), azure});
    m_sim.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_sim.start();
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += m_sim.readAllStandardOutput()).contains("opsdeck-sim ready"), 30000);
    const Result<AzureConfig> config = AzureConfig::load(azure);
    QVERIFY2(config, config ? "" : qPrintable(config.error().message));

    m_loader = std::make_unique<PluginLoader>(QStringList{qEnvironmentVariable("OPSDECK_TEST_PLUGIN_DIR", QStringLiteral(OPSDECK_PLUGIN_BUILD_DIR))});
    m_loader->load();
    m_host = std::make_unique<SourceHost>();
    connect(m_host.get(), &SourceHost::observationsReady, &m_store, &ServiceStore::apply);
    connect(m_host.get(), &SourceHost::statusChanged, &m_store, &ServiceStore::setSourceStatus);
    connect(m_host.get(), &SourceHost::observationsReady, &m_telemetry, &TelemetryStore::apply);
    connect(m_host.get(), &SourceHost::statusChanged, &m_telemetry, &TelemetryStore::setSourceStatus);
    connect(m_host.get(), &SourceHost::observationsReady, this, [this](const ObservationBatch &batch) {
        if (batch.sourceId == QStringLiteral("appinsights"))
            ++m_telemetryBatches;
    });
    addSource(QStringLiteral("kubernetes"), QStringLiteral("kubernetes:opsdeck-sim"),
              {{QStringLiteral("kubeconfig"), m_kubeconfig}, {QStringLiteral("healthIntervalMs"), 2000}});
    QVariantMap settings = config->toSettings();
    settings.insert(QStringLiteral("context"), Context);
    settings.insert(QStringLiteral("namespace"), Namespace);
    settings.insert(QStringLiteral("intervalMs"), 3000); // the refresh: a few seconds, so the test takes seconds
    addSource(QStringLiteral("appinsights"), QStringLiteral("appinsights"), settings);
    m_telemetry.setSourceInterval(QStringLiteral("appinsights"), 3);

    m_window = std::make_unique<MainWindow>(&m_sources, &m_store);
    m_window->setTelemetry(&m_telemetry);
    // As Application wires it: the picker sets the appinsights source's `window`.
    connect(m_window.get(), &MainWindow::telemetryWindowRequested, this,
            [this](int seconds) { m_host->setOption(QStringLiteral("appinsights"), QStringLiteral("window"), seconds); });
    m_window->resize(1360, 900);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_host->startAll();
}

void tst_CanaryDemo::addSource(const QString &plugin, const QString &id, const QVariantMap &settings)
{
    DataSourceFactory *factory = m_loader->sourceFactory(plugin);
    QVERIFY2(factory, qPrintable(plugin + QStringLiteral(" plugin is not in the build tree")));
    std::unique_ptr<DataSource> source = factory->createSource();
    QVERIFY(source);
    const auto configured = source->configure(SourceConfig{id, settings});
    QVERIFY2(configured, configured ? "" : qPrintable(configured.error().message));
    QVERIFY(m_host->add(std::move(source)));
}

QModelIndex tst_CanaryDemo::cell(int column) const
{
    for (QTableView *view : m_window->findChildren<QTableView *>()) {
        if (view->accessibleName() != QStringLiteral("Services"))
            continue;
        auto *proxy = qobject_cast<QSortFilterProxyModel *>(view->model());
        auto *model = qobject_cast<ServiceTableModel *>(proxy->sourceModel());
        return proxy->mapFromSource(model->indexOf(Product, column));
    }
    return {};
}

void tst_CanaryDemo::chaos(const QStringList &arguments)
{
    QProcess chaos;
    chaos.start(m_sim.program(), QStringList{QStringLiteral("chaos"), QStringLiteral("--kubeconfig"), m_kubeconfig} + arguments);
    QVERIFY(chaos.waitForFinished(20000));
    QVERIFY2(chaos.exitCode() == 0, chaos.readAllStandardError().constData());
}

void tst_CanaryDemo::telemetryArrivesForBothTracks()
{
    QTRY_VERIFY_WITH_TIMEOUT(m_store.service(Product) && m_telemetry.hasTelemetry(Product), 60000);
    QTRY_VERIFY_WITH_TIMEOUT(m_telemetry.figures(Product, Track::Canary).requests.value_or(0) > 0, 30000);
    QVERIFY(m_window->selectService(Product));
    m_window->showDetailTab(MainWindow::CanaryTab);
    CanaryPane *pane = m_window->canaryPane();
    QTRY_VERIFY_WITH_TIMEOUT(pane->errorRateChart()->canarySeries()->count() > 0, 10000);
    QVERIFY(pane->errorRateChart()->stableSeries()->count() > 0);
    QVERIFY(pane->requestRateChart()->stableSeries()->count() > 0);
    // Stable carries most of the traffic.
    QVERIFY(*m_telemetry.figures(Product, Track::Stable).requests > *m_telemetry.figures(Product, Track::Canary).requests);
    QVERIFY2(!cell(ServiceTableModel::StableErrorRateColumn).data().toString().startsWith(QStringLiteral("—")),
             qPrintable(cell(ServiceTableModel::StableErrorRateColumn).data().toString()));
    QCOMPARE(m_telemetry.windowSeconds(Product), 900);
    QCOMPARE(pane->windowSeconds(), 900);
}

void tst_CanaryDemo::windowPickerReachesTheSource()
{
    CanaryPane *pane = m_window->canaryPane();
    pane->windowPicker()->setFocus();
    QTest::keyClick(pane->windowPicker(), Qt::Key_Down); // 1 h
    QTRY_COMPARE_WITH_TIMEOUT(m_telemetry.windowSeconds(Product), 3600, 30000);
    QTRY_COMPARE_WITH_TIMEOUT(pane->windowSeconds(), 3600, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(m_telemetry.series(Product, Track::Stable, QStringLiteral("requests"))->stepSeconds, 300, 10000);
    QTest::keyClick(pane->windowPicker(), Qt::Key_Up); // back to 15 min: the chaos shows in 1-minute bins
    QTRY_COMPARE_WITH_TIMEOUT(m_telemetry.windowSeconds(Product), 900, 30000);
    QTRY_COMPARE_WITH_TIMEOUT(m_telemetry.series(Product, Track::Canary, QStringLiteral("requests"))->windowSeconds, 900, 30000);
}

void tst_CanaryDemo::brokenCanaryShowsOnTableAndCharts()
{
    const CanaryAnalysisSettings limits = m_telemetry.analysisSettings();
    const auto rates = [this] {
        return std::pair{m_telemetry.figures(Product, Track::Stable).errorRatePercent().value_or(-1),
                         m_telemetry.figures(Product, Track::Canary).errorRatePercent().value_or(-1)};
    };
    qInfo("before: stable %.2f %%, canary %.2f %%; verdict: %s", rates().first, rates().second,
          qPrintable(m_telemetry.verdict(Product).reason));
    const auto bins = [this](Track track) {
        QStringList values;
        for (const TelemetryPoint &p : m_telemetry.p95Series(Product, track))
            values << QString::number(p.value, 'f', 0);
        for (const TelemetryPoint &p : m_telemetry.requestRateSeries(Product, track))
            values << QString::number(p.value, 'f', 0);
        return values.join(u' ');
    };
    qInfo("p95 and requests per bin: stable %s; canary %s", qPrintable(bins(Track::Stable)), qPrintable(bins(Track::Canary)));
    const int before = m_telemetryBatches;
    chaos({QStringLiteral("break-canary"), QStringLiteral("productservice")});
    // The table's canary cell is marked as worse (icon, "+N pp", colour), from the live figures.
    QTRY_VERIFY_WITH_TIMEOUT(cell(ServiceTableModel::CanaryErrorRateColumn).data(ServiceTableModel::TelemetryHealthRole).isValid()
                                 && cell(ServiceTableModel::CanaryErrorRateColumn).data(ServiceTableModel::TelemetryHealthRole).value<Health>()
                                     != Health::Stale,
                             120000);
    const int refreshes = m_telemetryBatches - before;
    qInfo("canary marked worse after %d telemetry batches: %s vs stable %s", refreshes,
          qPrintable(cell(ServiceTableModel::CanaryErrorRateColumn).data().toString()),
          qPrintable(cell(ServiceTableModel::StableErrorRateColumn).data().toString()));
    QVERIFY(rates().second - rates().first > limits.maxErrorRateDeltaPoints);
    QVERIFY2(cell(ServiceTableModel::CanaryErrorRateColumn).data().toString().contains(QStringLiteral(" pp)")),
             qPrintable(cell(ServiceTableModel::CanaryErrorRateColumn).data().toString()));

    // The chart: the canary's newest bin above stable's.
    CanaryPane *pane = m_window->canaryPane();
    QTRY_VERIFY_WITH_TIMEOUT(pane->errorRateChart()->canarySeries()->count() > 0
                                 && pane->errorRateChart()->canarySeries()->points().constLast().y()
                                     > pane->errorRateChart()->stableSeries()->points().constLast().y() + limits.maxErrorRateDeltaPoints,
                             60000);
    // And the verdict names the error rate, once enough requests make the excess significant (the sim's
    // canary may already be rolled back for its latency; the error rate must be among the reasons).
    QTRY_VERIFY_WITH_TIMEOUT(m_telemetry.verdict(Product).result == CanaryVerdict::Result::Rollback
                                 && m_telemetry.verdict(Product).reason.contains(QStringLiteral("canary error rate")),
                             180000);
    // Two broken bins on the chart, for a picture a person can read.
    QTRY_VERIFY_WITH_TIMEOUT(m_telemetry.errorRateSeries(Product, Track::Canary).size() >= 2
                                 && m_telemetry.errorRateSeries(Product, Track::Canary).at(m_telemetry.errorRateSeries(Product, Track::Canary).size() - 2).value
                                     > 10.0,
                             180000);
    QTRY_VERIFY_WITH_TIMEOUT(pane->verdictLabel()->text().startsWith(QStringLiteral("Roll back: ")), 10000);
    qInfo("verdict: %s", qPrintable(pane->verdictLabel()->text()));

    const QString dir = qEnvironmentVariable("OPSDECK_SCREENSHOT_DIR");
    if (!dir.isEmpty()) {
        for (QTableView *view : m_window->findChildren<QTableView *>()) {
            if (view->accessibleName() == QStringLiteral("Services"))
                view->scrollTo(view->model()->index(cell(ServiceTableModel::CanaryP95Column).row(), ServiceTableModel::CanaryP95Column));
        }
        QApplication::processEvents();
        QVERIFY(m_window->grab().save(QDir(dir).filePath(QStringLiteral("canary.png")), "PNG"));
    }
    chaos({QStringLiteral("clear"), QStringLiteral("--all")});
}

void tst_CanaryDemo::cleanupTestCase()
{
    m_host.reset();
    if (m_sim.state() != QProcess::NotRunning) {
        m_sim.terminate();
        if (!m_sim.waitForFinished(10000)) {
            m_sim.kill();
            m_sim.waitForFinished(5000);
        }
    }
}

QTEST_MAIN(tst_CanaryDemo)
#include "tst_canarydemo.moc"
