// The alerts in the main window (issue 9 §2), offscreen: the Alerts dock (View → Alerts, Ctrl+Shift+E)
// lists the engine's active alerts worst first with icon and word, service, relative since (absolute
// in the tooltip) and the summary as plain text; Ctrl+K acknowledges (engine and alert log); the history
// shows ended alerts; activating a row selects its service; the title counts ("Opsdeck — 2 alerts"); the
// tray indicator, without a tray offscreen, still decides notifications; the settings dialog edits them.
// With OPSDECK_GRAB_DIR set, writes alerts-dock.png there.

#include "alertengine.h"
#include "alertlog.h"
#include "alertsview.h"
#include "alerttablemodel.h"
#include "journal.h"
#include "mainwindow.h"
#include "notificationsettingsdialog.h"
#include "servicestore.h"
#include "sourcelistmodel.h"
#include "trayindicator.h"

#include "../unit/models/estatebuilder.h"

#include <QAbstractItemView>
#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QLabel>
#include <QMenuBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QSystemTrayIcon>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeEdit>

using namespace Opsdeck;
using namespace Opsdeck::Test;

namespace {

ServiceKey serviceKey(const QString &name)
{
    return ServiceKey { Ctx, Ns, name };
}

// productservice: its database breaker open for 5 min and Unhealthy because of it (both raise at once,
// dated by the breaker); orders: an HPA at its maximum, held for its duration.
QList<ServiceSummary> troubledEstate(const QDateTime &now)
{
    ServiceSummary product;
    product.key = serviceKey(QStringLiteral("productservice"));
    product.health = Health::Unhealthy;
    product.reportStatus = HealthStatus::Unhealthy;
    product.pods = product.readyPods = 2;
    BreakerSummary db;
    db.name = QStringLiteral("<b>productdb</b>"); // server text: shown as is, never as markup
    db.track = Track::Stable;
    db.state = BreakerState::State::Open;
    db.since = now.addSecs(-300);
    product.breakers << db;
    ServiceSummary orders;
    orders.key = serviceKey(QStringLiteral("orders"));
    orders.health = Health::Healthy;
    orders.pods = orders.readyPods = 3;
    return { product, orders };
}

} // namespace

class TestAlertsView : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    SourceListModel m_sources;
    ServiceStore m_store;
    Journal m_journal;
    std::unique_ptr<AlertEngine> m_engine;
    std::unique_ptr<AlertLog> m_log;
    std::unique_ptr<MainWindow> m_window;

    AlertsView *view() const { return m_window->alertsView(); }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // QSettings of the notifications in a test location
        QSettings().remove(QStringLiteral("notifications"));
        registerObservationMetaTypes();
        QVERIFY(m_dir.isValid());
        QVERIFY(m_journal.open(m_dir.filePath(QStringLiteral("journal.sqlite"))));
        std::vector<Observation> estate = allSynced();
        append(estate, service(QStringLiteral("productservice"), 2, 0));
        append(estate, service(QStringLiteral("orders"), 3, 0));
        m_store.apply(batch(estate));
        m_store.flush();

        m_engine = std::make_unique<AlertEngine>();
        AlertSettings settings;
        settings.holdDownSeconds = 0;
        m_engine->setSettings(settings);
        m_log = std::make_unique<AlertLog>();
        QVERIFY(m_log->open(m_journal.path()));
        m_log->attach(m_engine.get());

        m_window = std::make_unique<MainWindow>(&m_sources, &m_store);
        m_window->resize(1280, 800);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        m_window->setAlerts(m_engine.get(), m_log.get());
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_log.reset();
        m_engine.reset();
    }

    void dockMenuAndTitle()
    {
        QVERIFY(m_window->alertsDock());
        QCOMPARE(m_window->alertsDock()->accessibleName(), QStringLiteral("Alerts panel"));
        QCOMPARE(m_window->windowTitle(), QStringLiteral("Opsdeck"));
        QAction *toggle = m_window->alertsDock()->toggleViewAction();
        QCOMPARE(toggle->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
        bool inViewMenu = false;
        bool notificationsInSettings = false;
        for (QMenu *menu : m_window->menuBar()->findChildren<QMenu *>()) {
            if (menu->title() == QStringLiteral("&View"))
                inViewMenu = menu->actions().contains(toggle);
            if (menu->title() == QStringLiteral("&Settings")) {
                for (QAction *action : menu->actions())
                    notificationsInSettings |= action->text() == QStringLiteral("&Notifications…")
                        && action->shortcut() == QKeySequence(Qt::CTRL | Qt::Key_Comma);
            }
        }
        QVERIFY(inViewMenu);
        QVERIFY(notificationsInSettings);
        QCOMPARE(view()->summaryLabel()->text(), QStringLiteral("No active alerts"));
        QVERIFY(!view()->acknowledgeButton()->isEnabled());
    }

    void listsActiveAlertsWorstFirst()
    {
        QSignalSpy notified(m_window->trayIndicator(), &TrayIndicator::notificationRequested);
        m_engine->setServices(troubledEstate(QDateTime::currentDateTimeUtc()));
        m_engine->evaluate();
        QTRY_COMPARE(view()->model()->rowCount(), 2);
        QCOMPARE(m_window->windowTitle(), QStringLiteral("Opsdeck — 2 alerts"));
        QCOMPARE(view()->summaryLabel()->text(), QStringLiteral("Active: 2 alerts"));

        QTableView *table = view()->table();
        const QAbstractItemModel *model = table->model();
        QStringList rules;
        for (int row = 0; row < model->rowCount(); ++row) {
            QCOMPARE(model->index(row, AlertTableModel::SeverityColumn).data().toString(),
                     QStringLiteral("Critical"));
            QCOMPARE(model->index(row, AlertTableModel::ServiceColumn).data().toString(),
                     QStringLiteral("microservices/productservice"));
            QCOMPARE(model->index(row, AlertTableModel::SinceColumn).data().toString(),
                     QStringLiteral("5 min ago"));
            QVERIFY(model->index(row, AlertTableModel::SinceColumn)
                        .data(Qt::ToolTipRole)
                        .toString()
                        .endsWith(QStringLiteral("UTC")));
            rules << model->index(row, AlertTableModel::RuleColumn).data().toString();
        }
        QCOMPARE(rules, (QStringList { QStringLiteral("breaker-open"), QStringLiteral("health-unhealthy") }));
        const QString summary = model->index(0, AlertTableModel::SummaryColumn).data().toString();
        QVERIFY2(summary.contains(QStringLiteral("<b>productdb</b>")),
                 qPrintable(summary)); // the text as the server gave it
        // The severity cell has its own delegate: the icon (shape as well as the word).
        QVERIFY(table->itemDelegateForColumn(AlertTableModel::SeverityColumn));

        // Offscreen there is no tray: no icon, no crash, yet the notification was decided (one for both).
        QCOMPARE(m_window->trayIndicator()->hasTrayIcon(), QSystemTrayIcon::isSystemTrayAvailable());
        QTRY_COMPARE(notified.size(), 1);
        const auto n = notified.constFirst().constFirst().value<NotificationPolicy::Notification>();
        QCOMPARE(n.title, QStringLiteral("Critical: 2 new alerts"));
        QCOMPARE(n.alertIds.size(), 2);
        QVERIFY(
            m_window->trayIndicator()->toolTip().contains(QStringLiteral("2 alerts active, worst critical")));
        QVERIFY(m_window->trayIndicator()->worst() == std::optional(Alert::Severity::Critical));
    }

    void everyWidgetIsNamed()
    {
        m_window->alertsDock()->show();
        for (QWidget *widget : view()->findChildren<QWidget *>()) {
            if (qobject_cast<QAbstractItemView *>(widget) || qobject_cast<QComboBox *>(widget)
                || qobject_cast<QPushButton *>(widget) || qobject_cast<QLabel *>(widget))
                QVERIFY2(!widget->accessibleName().isEmpty(), widget->metaObject()->className());
        }
        QVERIFY(!view()->modePicker()->view()->accessibleName().isEmpty());
        QCOMPARE(view()->summaryLabel()->textFormat(), Qt::PlainText);
    }

    void grab()
    {
        const QString dir = qEnvironmentVariable("OPSDECK_GRAB_DIR");
        if (dir.isEmpty())
            QSKIP("set OPSDECK_GRAB_DIR to write alerts-dock.png");
        m_window->alertsDock()->show();
        m_window->selectService(serviceKey(QStringLiteral("productservice")));
        QTest::qWait(200);
        QVERIFY(m_window->grab().save(QDir(dir).filePath(QStringLiteral("alerts-dock.png"))));
    }

    void acknowledgeWithCtrlK()
    {
        m_window->alertsDock()->show();
        QVERIFY(view()->selectAlert(m_engine->active().constFirst().id));
        QVERIFY(view()->acknowledgeButton()->isEnabled());
        view()->setUser(QStringLiteral("alice"));
        view()->table()->setFocus();
        QTest::keyClick(view()->table(), Qt::Key_K, Qt::ControlModifier);
        const Alert first = m_engine->active().constFirst();
        QCOMPARE(first.acknowledgedBy, QStringLiteral("alice"));
        QTRY_COMPARE(
            view()->table()->model()->index(0, AlertTableModel::AcknowledgedColumn).data().toString(),
            QStringLiteral("alice"));
        QVERIFY(!view()
                     ->acknowledgeButton()
                     ->isEnabled()); // the selection survived the reload, nothing left to do
        const Result<QList<Alert>> logged = m_log->between(first.since, first.since);
        QVERIFY(logged);
        bool found = false;
        for (const Alert &a : *logged)
            found |= a.id == first.id && a.acknowledgedBy == QStringLiteral("alice");
        QVERIFY(found);
    }

    void activatingSelectsTheService()
    {
        QSignalSpy activated(view(), &AlertsView::serviceActivated);
        const QModelIndex index = view()->table()->model()->index(1, AlertTableModel::RuleColumn);
        view()->table()->setCurrentIndex(index);
        QTest::keyClick(view()->table(), Qt::Key_Return);
        QCOMPARE(activated.size(), 1);
        QCOMPARE(m_window->selectedService(), serviceKey(QStringLiteral("productservice")));
    }

    void historyShowsEndedAlerts()
    {
        QList<ServiceSummary> calm = troubledEstate(QDateTime::currentDateTimeUtc());
        calm[0].breakers.clear();
        calm[0].health = Health::Healthy;
        calm[0].reportStatus = HealthStatus::Healthy;
        m_engine->setServices(calm);
        m_engine->evaluate();
        QTRY_COMPARE(view()->model()->rowCount(), 0);
        QCOMPARE(m_window->windowTitle(), QStringLiteral("Opsdeck"));

        view()->modePicker()->setCurrentIndex(1);
        QVERIFY(view()->isShowingHistory());
        QVERIFY(!view()->table()->isColumnHidden(AlertTableModel::EndedColumn));
        QTRY_COMPARE(view()->model()->rowCount(), 2);
        for (int row = 0; row < 2; ++row) {
            QVERIFY(!view()->model()->alert(row).isActive());
            QVERIFY(view()
                        ->table()
                        ->model()
                        ->index(row, AlertTableModel::EndedColumn)
                        .data()
                        .toString()
                        .endsWith(QStringLiteral("ago")));
        }
        view()->showHistory(false);
        QCOMPARE(view()->modePicker()->currentIndex(), 0);
        QVERIFY(view()->table()->isColumnHidden(AlertTableModel::EndedColumn));
    }

    void notificationSettingsDialog()
    {
        NotificationSettings s;
        s.minimumSeverity = Alert::Severity::Critical;
        s.quietStart = QTime(22, 0);
        s.quietEnd = QTime(6, 30);
        NotificationSettingsDialog dialog(s);
        QCOMPARE(dialog.settings(), s);
        QVERIFY(dialog.quietStartEdit()->isEnabled());
        for (QWidget *w : std::initializer_list<QWidget *> { dialog.enabledBox(), dialog.severityPicker(),
                                                             dialog.quietBox(), dialog.quietStartEdit(),
                                                             dialog.quietEndEdit() })
            QVERIFY2(!w->accessibleName().isEmpty(), w->metaObject()->className());
        QVERIFY(!dialog.severityPicker()->view()->accessibleName().isEmpty());

        dialog.quietBox()->setChecked(false);
        QVERIFY(!dialog.quietStartEdit()->isEnabled());
        QVERIFY(!dialog.settings().hasQuietHours());
        dialog.severityPicker()->setCurrentIndex(1);
        QVERIFY(dialog.settings().minimumSeverity == Alert::Severity::Warning);
        dialog.enabledBox()->setChecked(false);
        QVERIFY(!dialog.severityPicker()->isEnabled());
        QVERIFY(!dialog.settings().enabled);

        // Saved through the tray indicator: QSettings and the policy it asks.
        m_window->trayIndicator()->setNotificationSettings(dialog.settings());
        QCOMPARE(QSettings().value(QStringLiteral("notifications/enabled")).toBool(), false);
        QVERIFY(!m_window->trayIndicator()->policy().settings().enabled);
    }
};

QTEST_MAIN(TestAlertsView)
#include "tst_alertsview.moc"
