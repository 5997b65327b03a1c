// The timeline and war-room UI over synthetic stores: a timeline entry's click or Enter selects its
// service and the fitting detail tab in the main window; the strip paints marks one can click, zooms and
// pans by key; the filters are named for screen readers; war-room mode opens with F11, is large and high
// contrast, pins the services with alerts first (critical before warning) and leaves with Esc.
// With OPSDECK_SCREENSHOT_DIR set it writes timeline.png.

#include "../unit/models/estatebuilder.h"

#include "alertengine.h"
#include "fakeclock.h"
#include "mainwindow.h"
#include "servicestore.h"
#include "sourcelistmodel.h"
#include "timelinefilterproxymodel.h"
#include "timelinemodel.h"
#include "timelinestrip.h"
#include "timelineview.h"
#include "warroomservicemodel.h"
#include "warroomwindow.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QToolButton>

using namespace Opsdeck;
using namespace Opsdeck::Test;

namespace {

const ServiceKey Products { Ctx, Ns, QStringLiteral("productservice") };
const ServiceKey Orders { Ctx, Ns, QStringLiteral("orderservice") };
const ServiceKey Baskets { Ctx, Ns, QStringLiteral("basketservice") };

TimelineEntry entry(int secondsAgo, TimelineEntry::Kind kind, TimelineEntry::Severity severity,
                    const ServiceKey &service, const QString &title)
{
    TimelineEntry e;
    e.at = QDateTime::currentDateTimeUtc().addSecs(-secondsAgo);
    e.kind = kind;
    e.severity = severity;
    e.service = service;
    e.title = title;
    e.detail = QStringLiteral("detail of ") + title;
    e.source = QStringLiteral("test");
    e.reference = title;
    return e;
}

} // namespace

class tst_TimelineView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void filtersAreNamed();
    void tableClickSelectsServiceAndTab();
    void enterActivatesToo();
    void stripPaintsZoomsPansAndClicks();
    void filtersNarrowTableAndStrip();
    void warRoomOpensLargeAndLeavesWithEsc();
    void warRoomPinsServicesWithAlerts();
    void cleanupTestCase();

private:
    int rowOf(const QString &title) const;
    // Offscreen, a transient window reports itself active while its parent is: make it the one.
    static void activate(QWidget *window)
    {
        QApplication::setActiveWindow(window);
        QTRY_COMPARE(QApplication::activeWindow(), window);
    }

    SourceListModel m_sources;
    ServiceStore m_store;
    TimelineModel m_timeline;
    FakeClock m_clock;
    std::unique_ptr<AlertEngine> m_alerts;
    std::unique_ptr<MainWindow> m_window;
};

void tst_TimelineView::initTestCase()
{
    std::vector<Observation> observations = allSynced();
    append(observations, service(QStringLiteral("productservice"), 2, 1));
    append(observations, service(QStringLiteral("orderservice"), 2, 0));
    append(observations, service(QStringLiteral("basketservice"), 1, 0));
    m_store.apply(batch(observations));
    m_store.flush();
    QCOMPARE(m_store.serviceCount(), 3);

    m_timeline.add({
        entry(3000, TimelineEntry::Kind::Scaling, TimelineEntry::Severity::Info, Orders,
              QStringLiteral("orderservice stable scaled 2 → 3 replicas")),
        entry(2400, TimelineEntry::Kind::Event, TimelineEntry::Severity::Warning, Products,
              QStringLiteral("BackOff Pod/productservice-stable-0")),
        entry(1800, TimelineEntry::Kind::Breaker, TimelineEntry::Severity::Critical, Products,
              QStringLiteral("Breaker products-db (stable) Closed → Open")),
        entry(1500, TimelineEntry::Kind::Alert, TimelineEntry::Severity::Critical, Products,
              QStringLiteral("Alert breaker-open raised (critical)")),
        entry(1200, TimelineEntry::Kind::CanaryWeight, TimelineEntry::Severity::Info, Products,
              QStringLiteral("productservice canary weight 10 % → 50 %")),
        entry(900, TimelineEntry::Kind::Action, TimelineEntry::Severity::Info, Products,
              QStringLiteral("canary-weight on productservice (canary) succeeded")),
        entry(600, TimelineEntry::Kind::Health, TimelineEntry::Severity::Warning, Baskets,
              QStringLiteral("basketservice Healthy → Degraded")),
        entry(300, TimelineEntry::Kind::Budget, TimelineEntry::Severity::Warning,
              ServiceKey { {}, {}, QStringLiteral("orderservice") },
              QStringLiteral("Budget orderservice-monthly crossed 80 %")),
        entry(120, TimelineEntry::Kind::Alert, TimelineEntry::Severity::Warning, ServiceKey {},
              QStringLiteral("Alert source-down raised (warning)")),
    });
    m_timeline.flush();

    m_alerts = std::make_unique<AlertEngine>(m_clock);
    AlertSettings settings;
    settings.holdDownSeconds = 0;
    m_alerts->setSettings(settings);

    m_window = std::make_unique<MainWindow>(&m_sources, &m_store);
    m_window->setTimeline(&m_timeline);
    m_window->setWarRoomSources(nullptr, m_alerts.get());
    m_window->resize(1300, 900);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QVERIFY(m_window->timelineDock());
    QVERIFY(!m_window->timelineDock()->isVisible());
    // View → Timeline, Ctrl+8.
    QTest::keyClick(m_window.get(), Qt::Key_8, Qt::ControlModifier);
    QTRY_VERIFY(m_window->timelineDock()->isVisible());
}

int tst_TimelineView::rowOf(const QString &title) const
{
    const QAbstractItemModel *model = m_window->timelineView()->table()->model();
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, TimelineModel::TitleColumn).data().toString() == title)
            return row;
    }
    return -1;
}

void tst_TimelineView::filtersAreNamed()
{
    TimelineView *view = m_window->timelineView();
    QCOMPARE(view->table()->accessibleName(), QStringLiteral("Timeline entries"));
    QCOMPARE(view->kindFilter()->accessibleName(), QStringLiteral("Timeline kind filter"));
    QCOMPARE(view->kindFilter()->view()->accessibleName(), QStringLiteral("Timeline kind filter"));
    QCOMPARE(view->serviceFilter()->accessibleName(), QStringLiteral("Timeline service filter"));
    QCOMPARE(view->severityFilter()->accessibleName(), QStringLiteral("Timeline severity filter"));
    QCOMPARE(view->textFilter()->accessibleName(), QStringLiteral("Timeline search"));
    QCOMPARE(view->nowButton()->accessibleName(), QStringLiteral("Show now"));
    QCOMPARE(view->strip()->accessibleName(), QStringLiteral("Timeline strip"));
    QVERIFY(!view->strip()->accessibleDescription().isEmpty());
    // Every entry of the last hour is in the table, newest first; the table exposes cells.
    QCOMPARE(view->table()->model()->rowCount(), 9);
    QCOMPARE(view->table()->model()->index(0, TimelineModel::TitleColumn).data().toString(),
             QStringLiteral("Alert source-down raised (warning)"));
    // The service picker lists the services on the timeline (the budget's bare name folds into orderservice).
    QCOMPARE(view->serviceFilter()->count(), 4);
}

void tst_TimelineView::tableClickSelectsServiceAndTab()
{
    TimelineView *view = m_window->timelineView();
    QSignalSpy activated(view, &TimelineView::entryActivated);
    QVERIFY(m_window->selectService(Orders));
    QCOMPARE(m_window->selectedService(), Orders);

    // A breaker entry: productservice, Health tab.
    const int breaker = rowOf(QStringLiteral("Breaker products-db (stable) Closed → Open"));
    QVERIFY(breaker >= 0);
    QTableView *table = view->table();
    const QRect cell = table->visualRect(table->model()->index(breaker, TimelineModel::TitleColumn));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.constFirst().at(0).value<ServiceKey>(), Products);
    QCOMPARE(m_window->selectedService(), Products);
    auto *tabs = m_window->findChild<QTabWidget *>();
    QVERIFY(tabs);
    QCOMPARE(tabs->currentIndex(), int(MainWindow::HealthTab));

    // A scaling entry: orderservice, Pods tab.
    const int scaling = rowOf(QStringLiteral("orderservice stable scaled 2 → 3 replicas"));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {},
                      table->visualRect(table->model()->index(scaling, TimelineModel::TitleColumn)).center());
    QCOMPARE(m_window->selectedService(), Orders);
    QCOMPARE(tabs->currentIndex(), int(MainWindow::PodsTab));

    // A budget entry knows only the Service tag: the service of that name is found.
    QVERIFY(m_window->selectService(Products));
    const int budget = rowOf(QStringLiteral("Budget orderservice-monthly crossed 80 %"));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {},
                      table->visualRect(table->model()->index(budget, TimelineModel::TitleColumn)).center());
    QCOMPARE(m_window->selectedService(), Orders);

    // An estate-wide entry selects nothing.
    const int estate = rowOf(QStringLiteral("Alert source-down raised (warning)"));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {},
                      table->visualRect(table->model()->index(estate, TimelineModel::TitleColumn)).center());
    QCOMPARE(m_window->selectedService(), Orders);
}

void tst_TimelineView::enterActivatesToo()
{
    TimelineView *view = m_window->timelineView();
    QTableView *table = view->table();
    QVERIFY(m_window->selectService(Orders));
    const int row = rowOf(QStringLiteral("basketservice Healthy → Degraded"));
    table->setFocus();
    table->setCurrentIndex(table->model()->index(row, 0));
    QTest::keyClick(table, Qt::Key_Return);
    QCOMPARE(m_window->selectedService(), Baskets);
}

void tst_TimelineView::stripPaintsZoomsPansAndClicks()
{
    TimelineView *view = m_window->timelineView();
    TimelineStrip *strip = view->strip();
    strip->repaint();
    QCOMPARE(strip->lanes(),
             QStringList({ QStringLiteral("estate"), QStringLiteral("basketservice"),
                           QStringLiteral("orderservice"), QStringLiteral("productservice") }));
    QVERIFY(strip->followsNow());
    QCOMPARE(strip->spanSeconds(), TimelineStrip::DefaultSpanSeconds);

    // Click the canary-weight mark: its service is selected (Pods tab: no Canary tab without telemetry).
    QVERIFY(m_window->selectService(Orders));
    const int source = m_timeline.rowOf(TimelineEntry::Kind::CanaryWeight,
                                        QStringLiteral("productservice canary weight 10 % → 50 %"));
    const QRectF mark = strip->markRect(source);
    QVERIFY(!mark.isEmpty());
    QTest::mouseClick(strip, Qt::LeftButton, {}, mark.center().toPoint());
    QCOMPARE(m_window->selectedService(), Products);
    QCOMPARE(view->table()->currentIndex().data(TimelineModel::ReferenceRole).toString(),
             QStringLiteral("productservice canary weight 10 % → 50 %"));

    // Keys: − zooms out, + in, ← pans into the past (the table follows the range), Home comes back.
    strip->setFocus();
    QTest::keyClick(strip, Qt::Key_Minus);
    QCOMPARE(strip->spanSeconds(), 2 * TimelineStrip::DefaultSpanSeconds);
    QTest::keyClick(strip, Qt::Key_Plus);
    QTest::keyClick(strip, Qt::Key_Plus);
    QCOMPARE(strip->spanSeconds(), TimelineStrip::DefaultSpanSeconds / 2); // the last 30 minutes
    QCOMPARE(view->table()->model()->rowCount(), 6);
    QTest::keyClick(strip, Qt::Key_Left);
    QVERIFY(!strip->followsNow());
    QVERIFY(view->proxy()->to().isValid());
    QVERIFY(view->table()->model()->rowCount() < 6);
    QTest::keyClick(strip, Qt::Key_Home);
    QVERIFY(strip->followsNow());
    QCOMPARE(view->table()->model()->rowCount(), 6);
    QWheelEvent wheel(QPointF(50, 20), strip->mapToGlobal(QPointF(50, 20)), {}, QPoint(0, -120), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(strip, &wheel);
    QCOMPARE(strip->spanSeconds(), TimelineStrip::DefaultSpanSeconds);
    QCOMPARE(view->table()->model()->rowCount(), 9);
}

void tst_TimelineView::filtersNarrowTableAndStrip()
{
    TimelineView *view = m_window->timelineView();
    QAbstractItemModel *table = view->table()->model();
    view->kindFilter()->setCurrentIndex(view->kindFilter()->findText(QStringLiteral("Alert")));
    QCOMPARE(table->rowCount(), 2);
    view->strip()->repaint();
    QCOMPARE(view->strip()->lanes(),
             QStringList({ QStringLiteral("estate"), QStringLiteral("productservice") }));
    view->kindFilter()->setCurrentIndex(0);

    view->severityFilter()->setCurrentIndex(2); // critical only
    QCOMPARE(table->rowCount(), 2);
    view->severityFilter()->setCurrentIndex(0);

    view->setService(Products);
    QCOMPARE(table->rowCount(), 6); // its five and the estate's one
    view->setService({});

    QTest::keyClicks(view->textFilter(), QStringLiteral("monthly"));
    QCOMPARE(table->rowCount(), 1);
    view->textFilter()->clear();
    QCOMPARE(table->rowCount(), 9);

    const QString dir = qEnvironmentVariable("OPSDECK_SCREENSHOT_DIR");
    if (!dir.isEmpty()) {
        QVERIFY(m_window->selectService(Products));
        QApplication::processEvents();
        QVERIFY(m_window->grab().save(QDir(dir).filePath(QStringLiteral("timeline.png")), "PNG"));
    }
}

void tst_TimelineView::warRoomOpensLargeAndLeavesWithEsc()
{
    QTest::keyClick(m_window.get(), Qt::Key_F11);
    WarRoomWindow *room = m_window->warRoom();
    QVERIFY(room);
    QTRY_VERIFY(room->isVisible());
    activate(room);
    QVERIFY(room->windowState() & Qt::WindowFullScreen);
    QVERIFY(room->font().pointSizeF() >= 1.6 * QApplication::font().pointSizeF());
    QCOMPARE(room->palette().color(QPalette::Window), QColor(Qt::black));
    QCOMPARE(room->palette().color(QPalette::Text), QColor(Qt::white));
    // The footer lists a key for everything, Esc first.
    QVERIFY(room->footer()->text().startsWith(QStringLiteral("Esc leave")));
    for (QAction *action : room->shortcuts()) {
        QVERIFY2(!action->shortcut().isEmpty(), qPrintable(action->text()));
        QVERIFY2(room->footer()->text().contains(action->text()), qPrintable(action->text()));
    }
    // The same timeline below.
    QCOMPARE(room->timelineView()->model(), &m_timeline);

    QSignalSpy left(room, &WarRoomWindow::left);
    QTest::keyClick(room->servicesTable(), Qt::Key_Escape);
    QCOMPARE(left.count(), 1);
    QVERIFY(!room->isVisible());

    // F11 again, then F11 leaves too.
    activate(m_window.get());
    QTest::keyClick(m_window.get(), Qt::Key_F11);
    QTRY_VERIFY(room->isVisible());
    activate(room);
    QTest::keyClick(room->servicesTable(), Qt::Key_F11);
    QVERIFY(!room->isVisible());
}

void tst_TimelineView::warRoomPinsServicesWithAlerts()
{
    m_window->showWarRoom();
    WarRoomWindow *room = m_window->warRoom();
    activate(room);
    WarRoomServiceModel *model = room->serviceModel();
    model->refresh();
    QCOMPARE(model->pinnedCount(), 0);

    // orderservice's breaker open (critical, through the store as its health report says it), basketservice
    // degraded (a warning).
    BreakerState open;
    open.service = Orders;
    open.pipeline = QStringLiteral("orders-db");
    open.strategy = QStringLiteral("cb");
    open.state = BreakerState::State::Open;
    open.since = QDateTime::currentDateTimeUtc();
    open.track = Track::Stable;
    m_store.apply(batch({ open }));
    m_store.flush();
    QList<ServiceSummary> services;
    for (int row = 0; row < m_store.serviceCount(); ++row)
        services << m_store.serviceAt(row);
    for (ServiceSummary &s : services) {
        if (s.key == Baskets)
            s.health = Health::Degraded;
    }
    m_alerts->setServices(services);
    m_alerts->evaluate();
    m_clock.advance(std::chrono::minutes(15)); // past every rule's duration
    m_alerts->evaluate();
    QVERIFY2(m_alerts->active().size() >= 2, qPrintable(QString::number(m_alerts->active().size())));
    model->refresh();
    QCOMPARE(model->pinnedCount(), 2);
    QCOMPARE(model->keyAt(0), Orders); // critical first
    QCOMPARE(model->keyAt(1), Baskets); // then warning
    QCOMPARE(model->keyAt(2), Products);
    QCOMPARE(model->index(0, WarRoomServiceModel::AlertsColumn).data().toString(),
             QStringLiteral("1 · breaker-open"));
    QCOMPARE(model->index(0, WarRoomServiceModel::BreakersColumn).data().toString(),
             QStringLiteral("1 of 1 open"));
    QCOMPARE(model->index(2, WarRoomServiceModel::PodsColumn).data().toString(), QStringLiteral("3/3"));
    QCOMPARE(model->index(2, 0).data(WarRoomServiceModel::AlertSeverityRole).toInt(), -1);
    QVERIFY(room->findChild<QLabel *>()->text().contains(QStringLiteral("active alert")));

    // Ctrl+Shift+A acknowledges the selected service's alerts.
    room->servicesTable()->setFocus();
    room->servicesTable()->setCurrentIndex(model->index(0, 0));
    QTest::keyClick(room->servicesTable(), Qt::Key_A, Qt::ControlModifier | Qt::ShiftModifier);
    bool acknowledged = false;
    for (const Alert &alert : m_alerts->active())
        acknowledged |= alert.service == Orders && !alert.acknowledgedBy.isEmpty();
    QVERIFY(acknowledged);

    // Ctrl+Enter leaves for the main window with that service selected.
    QTest::keyClick(room->servicesTable(), Qt::Key_Return, Qt::ControlModifier);
    QVERIFY(!room->isVisible());
    QCOMPARE(m_window->selectedService(), Orders);
}

void tst_TimelineView::cleanupTestCase()
{
    m_window.reset();
}

QTEST_MAIN(tst_TimelineView)
#include "tst_timelineview.moc"
