#pragma once

// The point-in-time restore runbook as a step-by-step panel (issue 8): choose the database, the point
// in time, the new name and whether to repoint the service (RestorePlanForm) → Preview through
// ActionService (action `restore-db`: validation, permission, the changes and the planned steps) → the
// service name typed → the steps' live progress from ActionService::operationChanged → the verdict, and
// on failure which step failed, why, and what to do. Closing while it runs only stops watching: the
// journal keeps the operation and History shows it.

#include "actiontypes.h"
#include "error.h"
#include "observation.h"
#include "servicekey.h"

#include <QDialog>

#include <optional>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace Opsdeck {

class ActionService;
class Clock;
class RestorePlanForm;

class RestoreRunbookDialog : public QDialog
{
    Q_OBJECT

public:
    enum class Stage {
        Choosing, // the plan is edited; Preview when it is valid
        Previewing, // waiting for the provider's dry run
        Ready, // the preview is shown; Restore once the service name is typed
        Refused, // the preview or the start was refused: nothing was done
        Running,
        Succeeded,
        Failed,
    };
    Q_ENUM(Stage)

    static constexpr const char *ActionId = "restore-db";

    RestoreRunbookDialog(ActionService *actions, const ServiceKey &service, const Clock &clock,
                         QWidget *parent = nullptr);
    ~RestoreRunbookDialog() override;

    // The service's databases as last read (DatabaseStore); the plan keeps its choice.
    void setDatabases(const QList<SqlDatabase> &databases);

    Stage stage() const { return m_stage; }
    ServiceKey service() const { return m_service; }
    // The request Preview sends now (a fresh id each preview).
    ActionRequest request() const;
    std::optional<ActionPreview> preview() const { return m_preview; }
    std::optional<OperationStatus> lastStatus() const { return m_last; }
    std::optional<Error> lastError() const { return m_error; }
    qint64 journalId() const { return m_journalId; }

    RestorePlanForm *plan() const { return m_plan; }
    QPushButton *previewButton() const { return m_previewButton; }
    QPushButton *restoreButton() const { return m_restore; }
    QPushButton *closeButton() const { return m_close; }
    QTableWidget *changesView() const { return m_changes; }
    QTableWidget *stepsView() const { return m_steps; }
    QLabel *statusLabel() const { return m_status; }
    QLabel *warningsLabel() const { return m_warnings; }
    QLabel *verdictLabel() const { return m_verdict; }
    QLabel *planSummaryLabel() const { return m_planSummary; }
    QLabel *adviceLabel() const { return m_advice; }
    QLineEdit *confirmationEdit() const { return m_confirm; }
    QProgressBar *progressBar() const { return m_progress; }
    // The stepper's words in order, the current one marked "▶", done ones "✓".
    QStringList stepperTexts() const;
    // "45 s", "4 min 12 s", "1 h 5 min".
    static QString durationText(qint64 seconds);

public Q_SLOTS:
    void startPreview();
    void restore();
    void reject() override;

Q_SIGNALS:
    void stageChanged(Opsdeck::RestoreRunbookDialog::Stage stage);

private:
    void onPlanChanged();
    void onPreviewReady(const ActionPreview &preview);
    void onRefused(const QUuid &requestId, const Error &error);
    void onFailed(const QUuid &requestId, const Error &error);
    void onOperationChanged(const OperationStatus &status);
    void onFinished(const OperationStatus &status);
    void showStatus(const OperationStatus &status);
    void showVerdict(const OperationStatus &status);
    void showError(const Error &error, bool refused);
    void dropPreview();
    void setStage(Stage stage);
    void updateButtons();
    void updateStepper();

    ActionService *m_actions;
    ServiceKey m_service;
    const Clock &m_clock;
    Stage m_stage = Stage::Choosing;
    QUuid m_requestId;
    ActionRequest m_sent;
    std::optional<ActionPreview> m_preview;
    std::optional<OperationStatus> m_last;
    std::optional<Error> m_error;
    bool m_needsTypedName = false;
    qint64 m_journalId = 0;

    QList<QLabel *> m_stepper;
    RestorePlanForm *m_plan = nullptr;
    QLabel *m_planSummary = nullptr;
    QPushButton *m_previewButton = nullptr;
    QLabel *m_status = nullptr;
    QTableWidget *m_changes = nullptr;
    QLabel *m_warnings = nullptr;
    QTableWidget *m_steps = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_confirmLabel = nullptr;
    QLineEdit *m_confirm = nullptr;
    QLabel *m_verdictIcon = nullptr;
    QLabel *m_verdict = nullptr;
    QLabel *m_advice = nullptr;
    QPushButton *m_restore = nullptr;
    QPushButton *m_close = nullptr;
};

} // namespace Opsdeck
