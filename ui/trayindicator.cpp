#include "trayindicator.h"

#include "alertengine.h"
#include "alertstyle.h"
#include "alerttablemodel.h"

#include <QAction>
#include <QMenu>
#include <QSettings>
#include <QSystemTrayIcon>
#include <QWidget>

namespace Opsdeck {

TrayIndicator::TrayIndicator(AlertEngine *engine, QWidget *window, QObject *parent)
    : QObject(parent)
    , m_engine(engine)
    , m_window(window)
{
    m_policy.setSettings(NotificationSettings::load(QSettings()));
    // One evaluation raises its alerts one signal at a time: gather them into one notification.
    m_batch.setSingleShot(true);
    m_batch.setInterval(300);
    connect(&m_batch, &QTimer::timeout, this, &TrayIndicator::flush);

    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(this);
        m_menu = new QMenu(window);
        QAction *show = m_menu->addAction(tr("&Show Opsdeck"));
        connect(show, &QAction::triggered, this, [this] {
            if (m_window) {
                m_window->showNormal();
                m_window->raise();
                m_window->activateWindow();
            }
        });
        m_tray->setContextMenu(m_menu);
        connect(m_tray, &QSystemTrayIcon::activated, this, [show](QSystemTrayIcon::ActivationReason reason) {
            if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick)
                show->trigger();
        });
        connect(m_tray, &QSystemTrayIcon::messageClicked, show, &QAction::trigger);
    }
    if (engine) {
        connect(engine, &AlertEngine::alertsChanged, this, &TrayIndicator::updateState);
        connect(engine, &AlertEngine::alertRaised, this, &TrayIndicator::onRaised);
    }
    updateState();
    if (m_tray)
        m_tray->show();
}

TrayIndicator::~TrayIndicator()
{
    delete m_menu; // parented to the window, which may outlive us
}

void TrayIndicator::setNotificationSettings(const NotificationSettings &settings)
{
    QSettings stored;
    settings.save(stored);
    m_policy.setSettings(settings);
}

void TrayIndicator::addMenuAction(QAction *action)
{
    if (m_menu)
        m_menu->addAction(action);
}

void TrayIndicator::updateState()
{
    const QList<Alert> active = m_engine ? m_engine->active() : QList<Alert>();
    m_worst = m_engine ? m_engine->worstActive() : std::nullopt;
    if (active.isEmpty()) {
        m_toolTip = tr("Opsdeck — no active alerts");
    } else {
        // The worst first, as the Alerts dock lists them.
        m_toolTip
            = tr("Opsdeck — %1 active, worst %2")
                  .arg(AlertTableModel::countText(int(active.size())), AlertStyle::word(*m_worst).toLower());
        const Alert &first = active.constFirst();
        m_toolTip += QLatin1Char('\n') + first.summary;
    }
    if (m_tray) {
        m_tray->setIcon(AlertStyle::stateIcon(m_worst));
        m_tray->setToolTip(m_toolTip);
    }
}

void TrayIndicator::onRaised(const Alert &alert)
{
    m_raised << alert;
    if (!m_batch.isActive())
        m_batch.start();
}

void TrayIndicator::flush()
{
    QList<Alert> raised;
    raised.swap(m_raised);
    // Still active, with the engine's latest state (acknowledged or ended in the meantime: no notification).
    if (m_engine) {
        for (Alert &a : raised) {
            if (const auto live = m_engine->alert(a.id); live && live->since == a.since)
                a = *live;
            else
                a.ended = a.since; // gone already
        }
    }
    const std::optional<NotificationPolicy::Notification> notification = m_policy.notificationFor(raised);
    if (!notification)
        return;
    if (m_tray) {
        const auto icon = notification->severity == Alert::Severity::Critical ? QSystemTrayIcon::Critical
                                                                              : QSystemTrayIcon::Warning;
        m_tray->showMessage(notification->title, notification->body, icon, 15'000);
    }
    Q_EMIT notificationRequested(*notification);
}

} // namespace Opsdeck
