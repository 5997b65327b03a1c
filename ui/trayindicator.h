#pragma once

// The system tray side of the alerts (issue 9 §2): an icon and tooltip with the worst current state
// (AlertStyle's shapes; the count of active alerts), and a desktop notification when new critical or
// warning alerts are raised — whether one is shown now is NotificationPolicy's call (settings, quiet
// hours). Alerts raised together (one evaluation) make one notification. Without a system tray
// (QSystemTrayIcon::isSystemTrayAvailable() false: offscreen, some desktops) there is no icon and
// nothing is shown; notificationRequested is still emitted, so the decision stays testable.

#include "alert.h"
#include "notificationpolicy.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QAction;
class QMenu;
class QSystemTrayIcon;
class QWidget;

namespace Opsdeck {

class AlertEngine;

class TrayIndicator : public QObject
{
    Q_OBJECT

public:
    // `window` is raised when the icon or a notification is clicked. Notification settings from QSettings.
    TrayIndicator(AlertEngine *engine, QWidget *window, QObject *parent = nullptr);
    ~TrayIndicator() override;

    NotificationPolicy &policy() { return m_policy; }
    // Saves to QSettings and applies.
    void setNotificationSettings(const NotificationSettings &settings);

    bool hasTrayIcon() const { return m_tray != nullptr; }
    QString toolTip() const { return m_toolTip; }
    std::optional<Alert::Severity> worst() const { return m_worst; }

    // Adds an action to the tray's menu (the window adds "Notifications…").
    void addMenuAction(QAction *action);

Q_SIGNALS:
    // A notification the policy let through (shown by the tray when there is one).
    void notificationRequested(const Opsdeck::NotificationPolicy::Notification &notification);

private:
    void updateState();
    void onRaised(const Alert &alert);
    void flush();

    QPointer<AlertEngine> m_engine;
    QPointer<QWidget> m_window;
    NotificationPolicy m_policy;
    QSystemTrayIcon *m_tray = nullptr;
    QPointer<QMenu> m_menu; // parented to the window (a menu needs a widget parent)
    QList<Alert> m_raised; // since the last flush
    QTimer m_batch;
    QString m_toolTip;
    std::optional<Alert::Severity> m_worst;
};

} // namespace Opsdeck
