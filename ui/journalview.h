#pragma once

// The History view (issue 6 §1): every action from the journal, newest first, filtered by service,
// action, status and time range; the selected action's details (preview, confirmation, each step's
// request and the server's answer); CSV export; and interrupted actions — found when the journal
// opened — offered to Resume or Mark abandoned.

#include "error.h"
#include "journalfilter.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace Opsdeck {

class ActionService;
class Journal;
class JournalTableModel;

class JournalView : public QWidget
{
    Q_OBJECT

public:
    JournalView(Journal *journal, ActionService *service, QWidget *parent = nullptr);

    void setReadOnly(bool readOnly);
    // Re-reads the journal (another process may have written) and the interrupted actions.
    void refresh();
    // The filter the widgets describe now (the time range counts back from now).
    JournalFilter currentFilter() const;
    Result<int> exportCsv(const QString &path) const;
    int interruptedCount() const { return m_interrupted; }
    // The interrupted action Resume and Mark abandoned act on: the selected row if interrupted, else the newest.
    qint64 interruptedTarget() const;
    Result<void> resumeInterrupted();
    Result<void> abandonInterrupted();

    JournalTableModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QLineEdit *serviceFilter() const { return m_service; }
    QComboBox *actionFilter() const { return m_action; }
    QComboBox *statusFilter() const { return m_status; }
    QComboBox *timeFilter() const { return m_time; }
    QPlainTextEdit *details() const { return m_details; }
    QLabel *interruptedLabel() const { return m_interruptedText; }
    QPushButton *resumeButton() const { return m_resume; }
    QPushButton *abandonButton() const { return m_abandon; }
    QPushButton *exportButton() const { return m_export; }

Q_SIGNALS:
    void interruptedFound(int count);

private:
    void applyFilter();
    void updateDetails();
    void updateInterrupted();
    void chooseExportFile();
    void report(const QString &text);

    Journal *m_journal;
    ActionService *m_actions;
    JournalTableModel *m_model;
    bool m_readOnly = false;
    int m_interrupted = 0;

    QLineEdit *m_service = nullptr;
    QComboBox *m_action = nullptr;
    QComboBox *m_status = nullptr;
    QComboBox *m_time = nullptr;
    QPushButton *m_refresh = nullptr;
    QPushButton *m_export = nullptr;
    QTableView *m_table = nullptr;
    QPlainTextEdit *m_details = nullptr;
    QWidget *m_interruptedBar = nullptr;
    QLabel *m_interruptedText = nullptr;
    QPushButton *m_resume = nullptr;
    QPushButton *m_abandon = nullptr;
    QLabel *m_message = nullptr;
};

} // namespace Opsdeck
