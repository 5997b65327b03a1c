#pragma once

// Preview, confirm, apply, watch (issue 6 §3): asks ActionService for the permission check and the
// server-side dry run, shows the exact change (kind/name field: from → to), warnings, the planned steps
// and the affected objects, and applies only on Apply — for destructive previews only once the service
// name has been typed. After Apply the steps show their progress live. A 409 (the object changed since
// the preview) shows what changed and offers Re-apply, which previews again against the new state.
// Every server string is shown as plain text.

#include "actiontypes.h"
#include "error.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace Opsdeck {

class ActionService;

class ActionPreviewDialog : public QDialog
{
    Q_OBJECT

public:
    enum class Stage {
        Previewing,
        Ready,      // the preview is shown; Apply when confirmed
        Refused,    // permission denied, invalid value, conflict: nothing was done
        Failed,     // the preview could not be made, or the action failed
        Running,
        Succeeded,
    };
    Q_ENUM(Stage)

    ActionPreviewDialog(ActionService *service, ActionRequest request, const QString &title, QWidget *parent = nullptr);
    ~ActionPreviewDialog() override;

    // Sends the preview request (again, for a fresh request id).
    void start();

    Stage stage() const { return m_stage; }
    QUuid requestId() const { return m_request.id; }
    ActionRequest request() const { return m_request; }
    std::optional<ActionPreview> preview() const { return m_preview; }
    bool needsTypedName() const { return m_needsTypedName; }
    qint64 journalId() const { return m_journalId; }
    std::optional<Error> lastError() const { return m_error; }
    bool isConflict() const;

    // The diff as plain text, one `kind/name field: "from" → "to"` per line.
    QString diffText() const;

    QTableWidget *changesView() const { return m_changes; }
    QTableWidget *stepsView() const { return m_steps; }
    QLabel *statusLabel() const { return m_status; }
    QLabel *warningsLabel() const { return m_warnings; }
    QLabel *affectedLabel() const { return m_affected; }
    QLineEdit *confirmationEdit() const { return m_confirm; }
    QPushButton *applyButton() const { return m_apply; }
    QPushButton *reapplyButton() const { return m_reapply; }
    QPushButton *closeButton() const { return m_close; }
    QProgressBar *progressBar() const { return m_progress; }

public Q_SLOTS:
    void apply();
    void reapply();
    void reject() override;

Q_SIGNALS:
    void stageChanged(Opsdeck::ActionPreviewDialog::Stage stage);

private:
    void onPreviewReady(const ActionPreview &preview);
    void onRefused(const QUuid &requestId, const Error &error);
    void onFailed(const QUuid &requestId, const Error &error);
    void onOperationChanged(const OperationStatus &status);
    void onFinished(const OperationStatus &status);
    void showSteps(const QList<ActionStep> &steps);
    void showError(const Error &error, bool refused);
    void setStage(Stage stage);
    void updateApply();

    ActionService *m_service;
    ActionRequest m_request;
    QString m_title;
    Stage m_stage = Stage::Previewing;
    std::optional<ActionPreview> m_preview;
    std::optional<Error> m_error;
    bool m_needsTypedName = false;
    qint64 m_journalId = 0;

    QLabel *m_summary = nullptr;
    QLabel *m_status = nullptr;
    QTableWidget *m_changes = nullptr;
    QLabel *m_affected = nullptr;
    QLabel *m_warnings = nullptr;
    QTableWidget *m_steps = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_confirmLabel = nullptr;
    QLineEdit *m_confirm = nullptr;
    QPushButton *m_apply = nullptr;
    QPushButton *m_reapply = nullptr;
    QPushButton *m_close = nullptr;
};

} // namespace Opsdeck
