#pragma once

// The Drills panel (issue 9 §5): pick a scenario and a service, Run (after a confirmation: it injects a
// real fault into the opsdeck-sim estate), watch the phases live (inject, alert, clear, recovery) with the
// seconds so far, and read the past runs: detection and recovery seconds against the service's RTO
// (QSettings restore/rtoMinutes, default 30). Shown only with --demo or --allow-chaos; it asks the sim's
// chaos API first and keeps Run disabled against anything that is not an opsdeck-sim.

#include "drillstore.h"

#include <QPointer>
#include <QWidget>

class QComboBox;
class QDockWidget;
class QLabel;
class QMainWindow;
class QPushButton;
class QTableWidget;
class QTimer;

namespace Opsdeck {

class DrillRunner;
class ServiceStore;
class SimChaos;

class DrillsPanel : public QWidget
{
    Q_OBJECT

public:
    DrillsPanel(DrillRunner *runner, DrillStore *store, SimChaos *chaos, ServiceStore *services, QWidget *parent = nullptr);

    // Asks the chaos API whether this is an opsdeck-sim (done once at construction; again on demand).
    void probe();
    // Puts `panel` in a hidden dock of `window` with View → Drills (Ctrl+Shift+D) to show it.
    static QDockWidget *addDock(QMainWindow *window, DrillsPanel *panel);
    // Tests skip the confirmation dialog.
    void setConfirmRuns(bool confirm) { m_confirm = confirm; }

    QComboBox *scenarioBox() const { return m_scenario; }
    QComboBox *serviceBox() const { return m_service; }
    QPushButton *runButton() const { return m_run; }
    QPushButton *cancelButton() const { return m_cancel; }
    QTableWidget *results() const { return m_results; }
    QLabel *statusLabel() const { return m_status; }
    QList<QLabel *> phaseLabels() const { return m_phases; }
    // The service's RTO in seconds (QSettings restore/rtoMinutes, default 30 min).
    static int rtoSeconds();

public Q_SLOTS:
    void runSelected();
    void reloadResults();

private:
    void reloadServices();
    void updatePhases();
    void updateDescription();
    void updateButtons();

    QPointer<DrillRunner> m_runner;
    QPointer<DrillStore> m_store;
    QPointer<SimChaos> m_chaos;
    QPointer<ServiceStore> m_services;
    bool m_isSim = false;
    bool m_confirm = true;

    QLabel *m_status;
    QComboBox *m_scenario;
    QComboBox *m_service;
    QLabel *m_description;
    QPushButton *m_run;
    QPushButton *m_cancel;
    QList<QLabel *> m_phases;
    QLabel *m_outcome;
    QTableWidget *m_results;
    QTimer *m_ticker;
};

} // namespace Opsdeck
