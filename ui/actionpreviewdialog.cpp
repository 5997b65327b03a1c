#include "actionpreviewdialog.h"

#include "actionservice.h"
#include "actiontables.h"
#include "observation.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {

// The tables and labels are shared with the restore runbook (ActionTables).
QLabel *plainLabel(const QString &accessibleName, QWidget *parent)
{
    return ActionTables::plainLabel(accessibleName, parent);
}

} // namespace

ActionPreviewDialog::ActionPreviewDialog(ActionService *service, ActionRequest request, const QString &title, QWidget *parent)
    : QDialog(parent)
    , m_service(service)
    , m_request(std::move(request))
    , m_title(title)
{
    if (m_request.id.isNull())
        m_request.id = QUuid::createUuid();
    setWindowTitle(tr("%1 — %2").arg(title, m_request.service.name));
    setAccessibleName(tr("Preview of %1").arg(title));
    resize(900, 580);

    auto *layout = new QVBoxLayout(this);
    m_summary = plainLabel(tr("Action"), this);
    QFont bold = m_summary->font();
    bold.setBold(true);
    m_summary->setFont(bold);
    m_summary->setText(tr("%1 on %2 (context %3, namespace %4)")
                           .arg(title, m_request.service.name, m_request.service.context, m_request.service.ns));
    layout->addWidget(m_summary);
    m_status = plainLabel(tr("Status"), this);
    layout->addWidget(m_status);

    auto *changesTitle = new QLabel(tr("Changes (server-side dry run):"), this);
    layout->addWidget(changesTitle);
    m_changes = ActionTables::createChangesTable(this);
    changesTitle->setBuddy(m_changes);
    layout->addWidget(m_changes, 2);
    m_affected = plainLabel(tr("Affected objects"), this);
    layout->addWidget(m_affected);
    m_warnings = plainLabel(tr("Warnings"), this);
    m_warnings->hide();
    layout->addWidget(m_warnings);

    auto *stepsTitle = new QLabel(tr("Steps:"), this);
    layout->addWidget(stepsTitle);
    m_steps = ActionTables::createStepsTable(this);
    stepsTitle->setBuddy(m_steps);
    layout->addWidget(m_steps, 2);
    m_progress = new QProgressBar(this);
    m_progress->setAccessibleName(tr("Progress"));
    m_progress->setRange(0, 100);
    m_progress->hide();
    layout->addWidget(m_progress);

    m_confirmLabel = plainLabel(tr("Confirmation needed"), this);
    m_confirmLabel->setText(tr("This changes traffic or capacity. Type the service name \"%1\" to confirm:").arg(m_request.service.name));
    m_confirmLabel->hide();
    layout->addWidget(m_confirmLabel);
    m_confirm = new QLineEdit(this);
    m_confirm->setAccessibleName(tr("Type the service name to confirm"));
    m_confirm->setPlaceholderText(m_request.service.name);
    m_confirm->hide();
    m_confirmLabel->setBuddy(m_confirm);
    connect(m_confirm, &QLineEdit::textChanged, this, &ActionPreviewDialog::updateApply);
    layout->addWidget(m_confirm);

    auto *buttons = new QDialogButtonBox(this);
    m_apply = buttons->addButton(tr("&Apply"), QDialogButtonBox::AcceptRole);
    m_apply->setAccessibleName(tr("Apply"));
    m_apply->setEnabled(false);
    m_reapply = buttons->addButton(tr("&Re-apply"), QDialogButtonBox::ActionRole);
    m_reapply->setAccessibleName(tr("Re-apply"));
    m_reapply->setToolTip(tr("Preview again against the current state, then apply"));
    m_reapply->hide();
    m_close = buttons->addButton(QDialogButtonBox::Cancel);
    m_close->setAccessibleName(tr("Cancel"));
    m_apply->setDefault(false);
    m_apply->setAutoDefault(false); // Enter in the confirmation box must not apply by surprise
    connect(m_apply, &QPushButton::clicked, this, &ActionPreviewDialog::apply);
    connect(m_reapply, &QPushButton::clicked, this, &ActionPreviewDialog::reapply);
    connect(m_close, &QPushButton::clicked, this, &ActionPreviewDialog::reject);
    layout->addWidget(buttons);

    connect(m_service, &ActionService::previewReady, this, &ActionPreviewDialog::onPreviewReady);
    connect(m_service, &ActionService::refused, this, &ActionPreviewDialog::onRefused);
    connect(m_service, &ActionService::failed, this, &ActionPreviewDialog::onFailed);
    connect(m_service, &ActionService::operationChanged, this, &ActionPreviewDialog::onOperationChanged);
    connect(m_service, &ActionService::finished, this, &ActionPreviewDialog::onFinished);
}

ActionPreviewDialog::~ActionPreviewDialog()
{
    if (m_service && m_stage != Stage::Running)
        m_service->cancel(m_request.id);
}

void ActionPreviewDialog::start()
{
    m_preview.reset();
    m_error.reset();
    m_needsTypedName = false;
    m_journalId = 0;
    m_changes->setRowCount(0);
    m_steps->setRowCount(0);
    m_affected->clear();
    m_warnings->hide();
    m_confirm->clear();
    m_confirm->hide();
    m_confirmLabel->hide();
    m_progress->hide();
    m_reapply->hide();
    m_status->setText(tr("Checking permission and running a server-side dry run…"));
    setStage(Stage::Previewing);
    const Result<QUuid> id = m_service->preview(m_request);
    if (!id)
        showError(id.error(), id.error().kind != ErrorKind::Plugin);
}

bool ActionPreviewDialog::isConflict() const
{
    return m_error && m_error->kind == ErrorKind::Conflict;
}

QString ActionPreviewDialog::diffText() const
{
    QStringList lines;
    if (m_preview) {
        for (const ActionChange &c : m_preview->changes)
            lines << QStringLiteral("%1/%2 %3: %4 → %5").arg(c.kind, c.name, c.field, ActionTables::quoted(c.from), ActionTables::quoted(c.to));
    }
    return lines.join(QLatin1Char('\n'));
}

void ActionPreviewDialog::onPreviewReady(const ActionPreview &preview)
{
    if (preview.requestId != m_request.id || m_stage != Stage::Previewing)
        return;
    m_preview = preview;
    const QStringList affected = ActionTables::showChanges(m_changes, preview.changes);
    m_affected->setText(affected.isEmpty() ? tr("Affected objects: none (nothing would change)")
                                           : tr("Affected objects: %1").arg(affected.join(QStringLiteral(", "))));
    m_warnings->setText(preview.warnings.isEmpty() ? QString() : tr("Warning: %1").arg(preview.warnings.join(QStringLiteral("\nWarning: "))));
    m_warnings->setVisible(!preview.warnings.isEmpty());
    showSteps(preview.steps);
    m_needsTypedName = m_service->needsTypedConfirmation(m_request.id);
    m_confirmLabel->setVisible(m_needsTypedName);
    m_confirm->setVisible(m_needsTypedName);
    m_status->setText(preview.changes.isEmpty() ? tr("Allowed. The dry run shows no change.")
                                                : tr("Allowed. Review the change, then apply."));
    setStage(Stage::Ready);
    if (m_needsTypedName)
        m_confirm->setFocus(Qt::OtherFocusReason);
}

void ActionPreviewDialog::showSteps(const QList<ActionStep> &steps)
{
    ActionTables::showSteps(m_steps, steps);
}

void ActionPreviewDialog::onRefused(const QUuid &requestId, const Error &error)
{
    if (requestId == m_request.id && m_stage == Stage::Previewing)
        showError(error, true);
}

void ActionPreviewDialog::onFailed(const QUuid &requestId, const Error &error)
{
    if (requestId == m_request.id && (m_stage == Stage::Previewing || m_stage == Stage::Running))
        showError(error, false);
}

void ActionPreviewDialog::showError(const Error &error, bool refused)
{
    m_error = error;
    QString text = refused ? tr("Refused: %1").arg(error.message) : tr("Failed: %1").arg(error.message);
    if (error.kind == ErrorKind::Conflict)
        text = tr("Conflict — the object changed since the preview, nothing of this step was applied:\n%1").arg(error.message);
    if (!error.hint.isEmpty())
        text += QStringLiteral("\n") + error.hint;
    m_status->setText(text);
    m_reapply->setVisible(error.kind == ErrorKind::Conflict);
    if (error.kind == ErrorKind::Conflict)
        m_reapply->setFocus(Qt::OtherFocusReason);
    m_confirm->hide();
    m_confirmLabel->hide();
    setStage(refused ? Stage::Refused : Stage::Failed);
}

void ActionPreviewDialog::apply()
{
    if (m_stage != Stage::Ready)
        return;
    ActionService::Confirmation confirmation;
    if (m_needsTypedName) {
        confirmation.method = ActionService::Confirmation::Method::TypedName;
        confirmation.typedName = m_confirm->text();
    }
    const Result<qint64> id = m_service->confirm(m_request.id, confirmation);
    if (!id) {
        // A wrong name keeps the preview pending; anything else ended it.
        if (m_service->previewFor(m_request.id)) {
            m_status->setText(tr("Not applied: %1").arg(id.error().message));
            return;
        }
        showError(id.error(), id.error().kind != ErrorKind::Plugin && id.error().kind != ErrorKind::Config);
        return;
    }
    m_journalId = *id;
    m_confirm->setEnabled(false);
    m_progress->setValue(0);
    m_progress->show();
    m_status->setText(tr("Applying… (journal entry %1)").arg(m_journalId));
    m_close->setText(tr("Close"));
    m_close->setAccessibleName(tr("Close"));
    setStage(Stage::Running);
}

void ActionPreviewDialog::reapply()
{
    m_request.id = QUuid::createUuid();
    m_confirm->setEnabled(true);
    m_close->setText(tr("Cancel"));
    m_close->setAccessibleName(tr("Cancel"));
    start();
}

void ActionPreviewDialog::onOperationChanged(const OperationStatus &status)
{
    if (status.requestId != m_request.id || m_stage != Stage::Running)
        return;
    if (!status.steps.isEmpty())
        showSteps(status.steps);
    if (status.percent >= 0)
        m_progress->setValue(status.percent);
    if (!status.isFinal() && !status.message.isEmpty())
        m_status->setText(tr("Applying: %1").arg(status.message));
}

void ActionPreviewDialog::onFinished(const OperationStatus &status)
{
    if (status.requestId != m_request.id || m_stage != Stage::Running)
        return;
    switch (status.state) {
    case OperationStatus::State::Succeeded:
        m_progress->setValue(100);
        m_status->setText(tr("Done. Journal entry %1.").arg(m_journalId));
        setStage(Stage::Succeeded);
        m_close->setFocus(Qt::OtherFocusReason);
        return;
    case OperationStatus::State::Refused:
        showError(status.error.value_or(Error{ErrorKind::Invalid, status.message, {}, std::nullopt}), true);
        return;
    default:
        showError(status.error.value_or(Error{ErrorKind::Network, status.message, {}, std::nullopt}), false);
        return;
    }
}

void ActionPreviewDialog::setStage(Stage stage)
{
    m_stage = stage;
    updateApply();
    Q_EMIT stageChanged(stage);
}

void ActionPreviewDialog::updateApply()
{
    const bool typed = !m_needsTypedName || m_confirm->text() == m_request.service.name;
    m_apply->setEnabled(m_stage == Stage::Ready && typed);
    m_apply->setVisible(m_stage == Stage::Previewing || m_stage == Stage::Ready);
    if (m_stage == Stage::Ready)
        m_apply->setToolTip(typed ? tr("Apply the change") : tr("Type \"%1\" first").arg(m_request.service.name));
}

void ActionPreviewDialog::reject()
{
    // A running action goes on: closing only stops watching it (the journal keeps it).
    if (m_stage != Stage::Running)
        m_service->cancel(m_request.id);
    QDialog::reject();
}

} // namespace Opsdeck
