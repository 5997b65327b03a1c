#pragma once

// The Database tab of the selected service (issue 8): its Azure SQL databases (status in the house
// vocabulary, earliest restore point in local time and UTC, SKU), the recovery targets from QSettings
// (`restore/rpoMinutes`, default 5; `restore/rtoMinutes`, default 30), the last restore drill from the
// journal (its latest `restore-db`: when, result, measured time against the RTO, restore point against
// the RPO — plainly over or within) and "Restore to a point in time…", which opens the runbook. The
// button is hidden in read-only mode.

#include "servicekey.h"

#include <QPointer>
#include <QWidget>

#include <optional>

class QAction;
class QLabel;
class QPushButton;
class QTableView;
class QTimer;

namespace Opsdeck {

class ActionService;
class Clock;
class DatabaseStore;
class DatabaseTableModel;
class Journal;
struct JournalEntry;
class RestoreRunbookDialog;

class DatabasePane : public QWidget
{
    Q_OBJECT

public:
    // The database list is stale when the source has not answered for this long (3 polls of 60 s).
    static constexpr int StaleAfterSeconds = 180;

    explicit DatabasePane(DatabaseStore *store, QWidget *parent = nullptr);
    DatabasePane(DatabaseStore *store, const Clock &clock, QWidget *parent = nullptr);
    ~DatabasePane() override;

    // Without an action service there is no restore button; without a journal no last drill.
    void setActions(ActionService *actions, Journal *journal, bool readOnly);
    void setService(const ServiceKey &service);
    ServiceKey service() const { return m_service; }

    static int rpoMinutes(); // QSettings restore/rpoMinutes, default 5
    static int rtoMinutes(); // QSettings restore/rtoMinutes, default 30

    DatabaseTableModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QLabel *summaryLabel() const { return m_summary; }
    QLabel *targetsLabel() const { return m_targets; }
    QLabel *drillWhenLabel() const { return m_drillWhen; }
    QLabel *drillResultLabel() const { return m_drillResult; }
    QLabel *drillRtoLabel() const { return m_drillRto; }
    QLabel *drillRpoLabel() const { return m_drillRpo; }
    QPushButton *restoreButton() const { return m_restoreButton; }
    // Ctrl+Shift+B; the main window adds it to itself so it works from anywhere.
    QAction *restoreAction() const { return m_restoreAction; }
    RestoreRunbookDialog *dialog() const;

public Q_SLOTS:
    // Re-reads the store, the settings and the journal.
    void refresh();
    // Opens the runbook for the service (nullptr in read-only mode or without a service).
    RestoreRunbookDialog *openRestoreDialog();

Q_SIGNALS:
    void dialogOpened(Opsdeck::RestoreRunbookDialog *dialog);

private:
    void refreshDatabases();
    void refreshDrill();
    void showDrill(const std::optional<JournalEntry> &entry);
    void updateRestoreAvailability();

    DatabaseStore *m_store;
    const Clock &m_clock;
    ActionService *m_actions = nullptr;
    Journal *m_journal = nullptr;
    bool m_readOnly = false;
    ServiceKey m_service;

    DatabaseTableModel *m_model = nullptr;
    QLabel *m_summary = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_targets = nullptr;
    QLabel *m_drillWhen = nullptr;
    QLabel *m_drillResultIcon = nullptr;
    QLabel *m_drillResult = nullptr;
    QLabel *m_drillRtoIcon = nullptr;
    QLabel *m_drillRto = nullptr;
    QLabel *m_drillRpoIcon = nullptr;
    QLabel *m_drillRpo = nullptr;
    QPushButton *m_restoreButton = nullptr;
    QAction *m_restoreAction = nullptr;
    QTimer *m_tick = nullptr;
    QPointer<RestoreRunbookDialog> m_dialog;
};

} // namespace Opsdeck
