#pragma once

// War-room mode (issue 9 §4): a full-screen window for the big screen — large type (1.75× the app's
// font), a high-contrast palette, the services with active alerts pinned first with their key figures,
// the merged timeline below, and a keyboard shortcut for everything, listed in the footer. It reads the
// same models as the main window (ServiceStore, TelemetryStore, AlertEngine, TimelineModel) and keeps no
// state of its own. Esc (or F11) leaves.

#include "servicekey.h"
#include "timelineentry.h"

#include <QDateTime>
#include <QList>
#include <QWidget>

class QAction;
class QLabel;
class QTableView;

namespace Opsdeck {

class AlertEngine;
class ServiceStore;
class TelemetryStore;
class TimelineModel;
class TimelineView;
class WarRoomServiceModel;

class WarRoomWindow : public QWidget
{
    Q_OBJECT

public:
    static constexpr double FontScale = 1.75;

    WarRoomWindow(ServiceStore *store, TelemetryStore *telemetry, AlertEngine *alerts,
                  TimelineModel *timeline, QWidget *parent = nullptr);
    ~WarRoomWindow() override;

    void setAlerts(AlertEngine *alerts);
    void setTelemetry(TelemetryStore *telemetry);

    // Full screen and focused on the services.
    void enter();
    void leave();

    WarRoomServiceModel *serviceModel() const { return m_model; }
    QTableView *servicesTable() const { return m_services; }
    TimelineView *timelineView() const { return m_timeline; }
    QLabel *footer() const { return m_footer; }
    QLabel *banner() const { return m_banner; }
    QList<QAction *> shortcuts() const { return m_actions; }
    ServiceKey currentService() const;

    static QPalette highContrastPalette();

Q_SIGNALS:
    void left();
    // Ctrl+Enter on a service or an entry: open it in the main window (which the war room leaves for).
    void serviceOpened(const Opsdeck::ServiceKey &service, const QDateTime &at,
                       Opsdeck::TimelineEntry::Kind kind);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    QAction *addShortcut(const QString &text, const QKeySequence &key, std::function<void()> slot);
    void updateHeader();
    void acknowledgeCurrent();

    WarRoomServiceModel *m_model;
    AlertEngine *m_alerts;
    QLabel *m_title;
    QLabel *m_clock;
    QLabel *m_banner;
    QTableView *m_services;
    TimelineView *m_timeline;
    QLabel *m_footer;
    QList<QAction *> m_actions;
};

} // namespace Opsdeck
