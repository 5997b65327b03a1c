// War-room mode on the real demo estate (issue 9 §3, §4): opsdeck-sim, the kubernetes and appinsights
// plugins from the build tree on SourceHost's threads, ServiceStore + TelemetryStore, AlertEngine, the
// TimelineModel fed as Application feeds it, MainWindow with its Timeline dock. Breaking productservice's
// canary (`opsdeck-sim chaos break-canary productservice`) must raise an alert, put it and the service's
// Kubernetes Events on the timeline, and pin productservice first in the war room; Esc leaves.
// With OPSDECK_SCREENSHOT_DIR set it writes war-room.png and timeline.png (docs/).

#include "alertengine.h"
#include "azure/azureconfig.h"
#include "mainwindow.h"
#include "pluginloader.h"
#include "servicestore.h"
#include "simprocess.h"
#include "sourcehost.h"
#include "sourcelistmodel.h"
#include "telemetrystore.h"
#include "timelinebuilder.h"
#include "timelinefeed.h"
#include "timelinefilterproxymodel.h"
#include "timelinemodel.h"
#include "timelinestrip.h"
#include "timelineview.h"
#include "warroomservicemodel.h"
#include "warroomwindow.h"

#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace Opsdeck;

namespace {

const QString Context = QStringLiteral("opsdeck-sim");
const QString Namespace = QStringLiteral("microservices");
const ServiceKey Product { Context, Namespace, QStringLiteral("productservice") };

} // namespace

class tst_WarRoom : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void brokenCanaryIsPinnedAndOnTheTimeline();
    void cleanupTestCase();

private:
    void addSource(const QString &plugin, const QString &id, const QVariantMap &settings);
    QList<Alert> productAlerts() const;

    QTemporaryDir m_dir;
    std::unique_ptr<SimProcess> m_sim;
    std::unique_ptr<PluginLoader> m_loader;
    SourceListModel m_sources;
    ServiceStore m_store;
    TelemetryStore m_telemetry { &m_store };
    AlertEngine m_alerts;
    TimelineModel m_timeline;
    TimelineFeed m_feed { &m_timeline };
    std::unique_ptr<SourceHost> m_host;
    std::unique_ptr<MainWindow> m_window;
};

void tst_WarRoom::initTestCase()
{
    registerObservationMetaTypes();
    m_sim = std::make_unique<SimProcess>(
        qEnvironmentVariable("OPSDECK_SIM", QStringLiteral(OPSDECK_SIM_PATH)), m_dir.path());
    QVERIFY2(m_sim->start(SimProcess::Options { 20, true, {}, 60000 }), qPrintable(m_sim->errorString()));
    const Result<AzureConfig> config = AzureConfig::load(m_sim->azureConfigPath());
    QVERIFY2(config, config ? "" : qPrintable(config.error().message));

    m_loader = std::make_unique<PluginLoader>(QStringList {
        qEnvironmentVariable("OPSDECK_TEST_PLUGIN_DIR", QStringLiteral(OPSDECK_PLUGIN_BUILD_DIR)) });
    m_loader->load();
    m_host = std::make_unique<SourceHost>();
    connect(m_host.get(), &SourceHost::observationsReady, &m_store, &ServiceStore::apply);
    connect(m_host.get(), &SourceHost::statusChanged, &m_store, &ServiceStore::setSourceStatus);
    connect(m_host.get(), &SourceHost::observationsReady, &m_telemetry, &TelemetryStore::apply);
    connect(m_host.get(), &SourceHost::statusChanged, &m_telemetry, &TelemetryStore::setSourceStatus);
    addSource(QStringLiteral("kubernetes"), QStringLiteral("kubernetes:opsdeck-sim"),
              { { QStringLiteral("kubeconfig"), m_sim->kubeconfigPath() },
                { QStringLiteral("healthIntervalMs"), 3000 } });
    QVariantMap settings = config->toSettings();
    settings.insert(QStringLiteral("context"), Context);
    settings.insert(QStringLiteral("namespace"), Namespace);
    settings.insert(QStringLiteral("intervalMs"), 5000);
    addSource(QStringLiteral("appinsights"), QStringLiteral("appinsights"), settings);
    m_telemetry.setSourceInterval(QStringLiteral("appinsights"), 5);

    // As Application wires them.
    m_alerts.attach(&m_store, &m_telemetry, nullptr);
    m_feed.attachServices(&m_store);
    m_feed.attachAlerts(&m_alerts);
    m_window = std::make_unique<MainWindow>(&m_sources, &m_store);
    m_window->setTelemetry(&m_telemetry);
    m_window->setTimeline(&m_timeline);
    m_window->setWarRoomSources(&m_telemetry, &m_alerts);
    m_window->setAlerts(&m_alerts, nullptr);
    m_window->resize(1500, 950);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_host->startAll();
}

void tst_WarRoom::addSource(const QString &plugin, const QString &id, const QVariantMap &settings)
{
    DataSourceFactory *factory = m_loader->sourceFactory(plugin);
    QVERIFY2(factory, qPrintable(plugin + QStringLiteral(" plugin is not in the build tree")));
    std::unique_ptr<DataSource> source = factory->createSource();
    QVERIFY(source);
    const auto configured = source->configure(SourceConfig { id, settings });
    QVERIFY2(configured, configured ? "" : qPrintable(configured.error().message));
    QVERIFY(m_host->add(std::move(source)));
}

QList<Alert> tst_WarRoom::productAlerts() const
{
    QList<Alert> out;
    for (const Alert &alert : m_alerts.active()) {
        if (alert.service == Product)
            out << alert;
    }
    return out;
}

void tst_WarRoom::brokenCanaryIsPinnedAndOnTheTimeline()
{
    QTRY_VERIFY_WITH_TIMEOUT(m_store.service(Product) && m_store.service(Product)->health == Health::Healthy,
                             60000);
    QTRY_VERIFY_WITH_TIMEOUT(m_telemetry.figures(Product, Track::Canary).requests.value_or(0) > 0, 60000);
    QVERIFY2(productAlerts().isEmpty(), qPrintable(productAlerts().value(0).summary));

    QCOMPARE(m_sim->chaos({ QStringLiteral("break-canary"), QStringLiteral("productservice") }), 0);
    QTRY_VERIFY_WITH_TIMEOUT(!productAlerts().isEmpty(), 120000);
    const Alert alert = productAlerts().constFirst();
    qInfo("alert: %s — %s", qPrintable(alert.rule), qPrintable(alert.summary));

    // The alert and the service's own story are on the timeline.
    QTRY_VERIFY_WITH_TIMEOUT(
        m_timeline.rowOf(TimelineEntry::Kind::Alert, TimelineBuilder::raised(alert).reference) >= 0, 5000);
    bool warningEvent = false;
    bool healthChange = false;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            for (const TimelineEntry &entry : m_timeline.entries()) {
                warningEvent |= entry.kind == TimelineEntry::Kind::Event && entry.service == Product
                    && entry.severity == TimelineEntry::Severity::Warning;
                healthChange |= entry.kind == TimelineEntry::Kind::Health && entry.service == Product;
            }
            return warningEvent && healthChange;
        }(),
        60000);

    // The war room: productservice pinned first, with its figures; the same timeline below.
    QTest::keyClick(m_window.get(), Qt::Key_F11);
    WarRoomWindow *room = m_window->warRoom();
    QVERIFY(room);
    QTRY_VERIFY(room->isVisible());
    room->serviceModel()->refresh();
    QCOMPARE(room->serviceModel()->keyAt(0), Product);
    QVERIFY(room->serviceModel()->pinnedCount() >= 1);
    const QString alerts
        = room->serviceModel()->index(0, WarRoomServiceModel::AlertsColumn).data().toString();
    QVERIFY2(alerts.contains(alert.rule), qPrintable(alerts));
    QVERIFY(room->timelineView()->table()->model()->rowCount() > 0);

    const QString dir = qEnvironmentVariable("OPSDECK_SCREENSHOT_DIR");
    if (!dir.isEmpty()) {
        // Let the canary's figures and the strip settle for a picture a person can read.
        QTest::qWait(8000);
        room->serviceModel()->refresh();
        room->setWindowState(Qt::WindowNoState); // offscreen's screen is small: the size of a big screen
        room->resize(1920, 1080);
        QApplication::processEvents();
        room->timelineView()->strip()->zoomIn(); // the last 30 minutes
        // Ctrl+W: warnings and worse (a crash loop's Pulled/Created/Started repeat every few seconds).
        QApplication::setActiveWindow(room);
        QTRY_COMPARE(QApplication::activeWindow(), room);
        QTest::keyClick(room->servicesTable(), Qt::Key_W, Qt::ControlModifier);
        QCOMPARE(toString(room->timelineView()->proxy()->minimumSeverity()),
                 toString(TimelineEntry::Severity::Warning));
        QApplication::processEvents();
        QVERIFY(room->grab().save(QDir(dir).filePath(QStringLiteral("war-room.png")), "PNG"));
    }

    QSignalSpy left(room, &WarRoomWindow::left);
    QApplication::setActiveWindow(room);
    QTRY_COMPARE(QApplication::activeWindow(), room);
    QTest::keyClick(room->servicesTable(), Qt::Key_Escape);
    QCOMPARE(left.count(), 1);
    QVERIFY(!room->isVisible());

    if (!dir.isEmpty()) {
        m_window->timelineDock()->show();
        if (m_window->alertsDock())
            m_window->tabifyDockWidget(m_window->alertsDock(),
                                       m_window->timelineDock()); // the timeline in full width
        m_window->timelineDock()->raise();
        m_window->timelineView()->setMinimumSeverity(TimelineEntry::Severity::Warning);
        QVERIFY(m_window->selectService(Product));
        m_window->resizeDocks({ m_window->timelineDock() }, { 420 }, Qt::Vertical);
        QApplication::processEvents();
        QVERIFY(m_window->grab().save(QDir(dir).filePath(QStringLiteral("timeline.png")), "PNG"));
    }
    QCOMPARE(m_sim->chaos({ QStringLiteral("clear"), QStringLiteral("--all") }), 0);
}

void tst_WarRoom::cleanupTestCase()
{
    m_host.reset();
    m_window.reset();
    m_sim.reset();
}

QTEST_MAIN(tst_WarRoom)
#include "tst_warroom.moc"
