#pragma once

// The Alerts dock (issue 9 §2): the active alerts, worst first — severity icon and word, rule, service,
// since (relative; absolute in the tooltip), summary as plain text, acknowledged by — or the history
// (the alert log, newest first). Acknowledge (Ctrl+K) stamps the selected alerts with the user's name;
// Enter or a double click opens the alert's service in the main window.

#include "alert.h"
#include "clock.h"
#include "servicekey.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QTimer;

namespace Opsdeck {

class AlertEngine;
class AlertLog;
class AlertTableModel;

class AlertsView : public QWidget
{
    Q_OBJECT

public:
    // `clock`: what "5 min ago" counts from (tests pass the engine's FakeClock).
    AlertsView(AlertEngine *engine, AlertLog *log, QWidget *parent = nullptr,
               const Clock &clock = Clock::system());

    // Who acknowledges: QSettings alerts/acknowledgeAs, else the login name.
    static QString defaultUser();
    void setUser(const QString &user) { m_user = user; }
    QString user() const { return m_user; }

    void showHistory(bool history);
    bool isShowingHistory() const;
    // Acknowledges the selected active alerts; returns how many.
    int acknowledgeSelected();
    // Selects the row of this alert (if shown).
    bool selectAlert(const QString &id);

    AlertTableModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QComboBox *modePicker() const { return m_mode; }
    QPushButton *acknowledgeButton() const { return m_acknowledge; }
    QLabel *summaryLabel() const { return m_summary; }

Q_SIGNALS:
    void serviceActivated(const Opsdeck::ServiceKey &service);

private:
    void updateSummary();
    void updateButtons();
    QStringList selectedIds() const;

    AlertEngine *m_engine;
    AlertTableModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QComboBox *m_mode;
    QPushButton *m_acknowledge;
    QLabel *m_summary;
    QTableView *m_table;
    QTimer *m_tick;
    QString m_user;
    QStringList m_keptSelection; // across a reload
};

} // namespace Opsdeck
