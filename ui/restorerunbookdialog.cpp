#include "restorerunbookdialog.h"

#include "actionservice.h"
#include "actiontables.h"
#include "databasetablemodel.h"
#include "healthstyle.h"
#include "restoreplanform.h"

#include <QDialogButtonBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {

const QStringList StepperWords { QObject::tr("Choose"), QObject::tr("Preview"), QObject::tr("Confirm"),
                                 QObject::tr("Restore"), QObject::tr("Result") };

int stepperIndex(RestoreRunbookDialog::Stage stage)
{
    switch (stage) {
    case RestoreRunbookDialog::Stage::Choosing:
        return 0;
    case RestoreRunbookDialog::Stage::Previewing:
        return 1;
    case RestoreRunbookDialog::Stage::Ready:
        return 2;
    case RestoreRunbookDialog::Stage::Running:
        return 3;
    case RestoreRunbookDialog::Stage::Refused:
    case RestoreRunbookDialog::Stage::Succeeded:
    case RestoreRunbookDialog::Stage::Failed:
        return 4;
    }
    return 0;
}

} // namespace

QString RestoreRunbookDialog::durationText(qint64 seconds)
{
    seconds = std::max<qint64>(0, seconds);
    if (seconds < 60)
        return tr("%1 s").arg(seconds);
    if (seconds < 3600)
        return seconds % 60 == 0 ? tr("%1 min").arg(seconds / 60)
                                 : tr("%1 min %2 s").arg(seconds / 60).arg(seconds % 60);
    return tr("%1 h %2 min").arg(seconds / 3600).arg((seconds % 3600) / 60);
}

RestoreRunbookDialog::RestoreRunbookDialog(ActionService *actions, const ServiceKey &service,
                                           const Clock &clock, QWidget *parent)
    : QDialog(parent)
    , m_actions(actions)
    , m_service(service)
    , m_clock(clock)
{
    setWindowTitle(tr("Restore to a point in time — %1").arg(service.name));
    setAccessibleName(tr("Restore %1's database to a point in time").arg(service.name));
    resize(980, 760);
    auto *layout = new QVBoxLayout(this);

    auto *title = ActionTables::plainLabel(tr("Runbook"), this);
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);
    title->setText(tr("Restore a database of %1 (context %2, namespace %3) to a point in time")
                       .arg(service.name, service.context, service.ns));
    layout->addWidget(title);

    // Where the runbook stands: words, with ✓ for done and ▶ for now (never colour alone).
    auto *stepper = new QWidget(this);
    stepper->setAccessibleName(tr("Runbook progress"));
    auto *stepperLayout = new QHBoxLayout(stepper);
    stepperLayout->setContentsMargins(0, 2, 0, 2);
    for (int i = 0; i < StepperWords.size(); ++i) {
        if (i > 0)
            stepperLayout->addWidget(new QLabel(QStringLiteral("→"), stepper));
        auto *label = ActionTables::plainLabel(StepperWords[i], stepper);
        label->setWordWrap(false);
        m_stepper << label;
        stepperLayout->addWidget(label);
    }
    stepperLayout->addStretch(1);
    layout->addWidget(stepper);

    auto *planBox = new QGroupBox(tr("Plan"), this);
    auto *planLayout = new QVBoxLayout(planBox);
    m_plan = new RestorePlanForm(service, clock, planBox);
    planLayout->addWidget(m_plan);
    // Once confirmed the plan is history: one line says what runs, the steps get the room.
    m_planSummary = ActionTables::plainLabel(tr("Confirmed plan"), planBox);
    m_planSummary->hide();
    planLayout->addWidget(m_planSummary);
    layout->addWidget(planBox);
    connect(m_plan, &RestorePlanForm::changed, this, &RestoreRunbookDialog::onPlanChanged);

    auto *previewBox = new QGroupBox(tr("Preview and progress"), this);
    auto *previewLayout = new QVBoxLayout(previewBox);
    m_status = ActionTables::plainLabel(tr("Status"), previewBox);
    previewLayout->addWidget(m_status);
    auto *changesTitle = new QLabel(tr("&Changes:"), previewBox);
    previewLayout->addWidget(changesTitle);
    m_changes = ActionTables::createChangesTable(previewBox);
    m_changes->setAccessibleName(tr("Changes the restore makes"));
    changesTitle->setBuddy(m_changes);
    previewLayout->addWidget(m_changes, 2);
    m_warnings = ActionTables::plainLabel(tr("Warnings"), previewBox);
    m_warnings->hide();
    previewLayout->addWidget(m_warnings);
    auto *stepsTitle = new QLabel(tr("&Steps:"), previewBox);
    previewLayout->addWidget(stepsTitle);
    m_steps = ActionTables::createStepsTable(previewBox);
    m_steps->setAccessibleName(tr("Restore steps"));
    stepsTitle->setBuddy(m_steps);
    previewLayout->addWidget(m_steps, 3);
    m_progress = new QProgressBar(previewBox);
    m_progress->setAccessibleName(tr("Restore progress"));
    m_progress->setRange(0, 100);
    m_progress->hide();
    previewLayout->addWidget(m_progress);
    layout->addWidget(previewBox, 1);

    m_confirmLabel = ActionTables::plainLabel(tr("Confirmation needed"), this);
    m_confirmLabel->setText(
        tr("This creates a database and may restart %1. Type the service name \"%1\" to confirm:")
            .arg(service.name));
    m_confirmLabel->hide();
    layout->addWidget(m_confirmLabel);
    m_confirm = new QLineEdit(this);
    m_confirm->setAccessibleName(tr("Type the service name to confirm"));
    m_confirm->setPlaceholderText(service.name);
    m_confirm->hide();
    m_confirmLabel->setBuddy(m_confirm);
    connect(m_confirm, &QLineEdit::textChanged, this, &RestoreRunbookDialog::updateButtons);
    layout->addWidget(m_confirm);

    auto *verdictRow = new QWidget(this);
    auto *verdictLayout = new QHBoxLayout(verdictRow);
    verdictLayout->setContentsMargins(0, 0, 0, 0);
    m_verdictIcon = new QLabel(verdictRow);
    m_verdictIcon->setFixedSize(24, 24);
    verdictLayout->addWidget(m_verdictIcon, 0, Qt::AlignTop);
    auto *verdictText = new QWidget(verdictRow);
    auto *verdictTextLayout = new QVBoxLayout(verdictText);
    verdictTextLayout->setContentsMargins(0, 0, 0, 0);
    m_verdict = ActionTables::plainLabel(tr("Verdict"), verdictText);
    m_verdict->setFont(bold);
    verdictTextLayout->addWidget(m_verdict);
    m_advice = ActionTables::plainLabel(tr("What to do"), verdictText);
    verdictTextLayout->addWidget(m_advice);
    verdictLayout->addWidget(verdictText, 1);
    verdictRow->hide();
    layout->addWidget(verdictRow);

    auto *buttons = new QDialogButtonBox(this);
    m_previewButton = buttons->addButton(tr("Pre&view"), QDialogButtonBox::ActionRole);
    m_previewButton->setAccessibleName(tr("Preview the restore"));
    m_previewButton->setToolTip(
        tr("Validate the plan, check permissions and show the changes and steps; nothing is changed"));
    m_restore = buttons->addButton(tr("&Restore"), QDialogButtonBox::AcceptRole);
    m_restore->setAccessibleName(tr("Start the restore"));
    m_restore->setAutoDefault(false); // Enter in the confirmation box must not start it by surprise
    m_close = buttons->addButton(QDialogButtonBox::Cancel);
    m_close->setAccessibleName(tr("Cancel"));
    connect(m_previewButton, &QPushButton::clicked, this, &RestoreRunbookDialog::startPreview);
    connect(m_restore, &QPushButton::clicked, this, &RestoreRunbookDialog::restore);
    connect(m_close, &QPushButton::clicked, this, &RestoreRunbookDialog::reject);
    layout->addWidget(buttons);

    if (m_actions) {
        connect(m_actions, &ActionService::previewReady, this, &RestoreRunbookDialog::onPreviewReady);
        connect(m_actions, &ActionService::refused, this, &RestoreRunbookDialog::onRefused);
        connect(m_actions, &ActionService::failed, this, &RestoreRunbookDialog::onFailed);
        connect(m_actions, &ActionService::operationChanged, this, &RestoreRunbookDialog::onOperationChanged);
        connect(m_actions, &ActionService::finished, this, &RestoreRunbookDialog::onFinished);
    }
    m_status->setText(tr("Choose the database, the point in time and the new name, then Preview."));
    setStage(Stage::Choosing);
}

RestoreRunbookDialog::~RestoreRunbookDialog()
{
    dropPreview();
}

void RestoreRunbookDialog::setDatabases(const QList<SqlDatabase> &databases)
{
    // Once it runs, the plan is what was confirmed; later polls only refresh what the picker shows.
    m_plan->setDatabases(databases);
}

ActionRequest RestoreRunbookDialog::request() const
{
    ActionRequest request;
    request.actionId = QString::fromLatin1(ActionId);
    request.service = m_service;
    request.track = Track::Stable;
    request.parameters = m_plan->parameters();
    return request;
}

QStringList RestoreRunbookDialog::stepperTexts() const
{
    QStringList texts;
    for (const QLabel *label : m_stepper)
        texts << label->text();
    return texts;
}

void RestoreRunbookDialog::onPlanChanged()
{
    // A preview answers for the plan it was made of: any edit sends the runbook back to Choosing.
    if (m_stage == Stage::Previewing || m_stage == Stage::Ready || m_stage == Stage::Refused) {
        dropPreview();
        m_changes->setRowCount(0);
        m_steps->setRowCount(0);
        m_warnings->hide();
        m_status->setText(tr("The plan changed: preview it again."));
        setStage(Stage::Choosing);
        return;
    }
    updateButtons();
}

void RestoreRunbookDialog::dropPreview()
{
    if (m_actions && !m_requestId.isNull() && m_stage != Stage::Running && m_stage != Stage::Succeeded
        && m_stage != Stage::Failed)
        m_actions->cancel(m_requestId);
    m_preview.reset();
    m_confirm->clear();
    m_confirm->hide();
    m_confirmLabel->hide();
}

void RestoreRunbookDialog::startPreview()
{
    if (!m_actions || (m_stage != Stage::Choosing && m_stage != Stage::Refused))
        return;
    if (const std::optional<Error> problem = m_plan->check()) {
        showError(*problem, true);
        return;
    }
    dropPreview();
    m_error.reset();
    m_sent = request();
    m_sent.id = QUuid::createUuid();
    m_requestId = m_sent.id;
    m_changes->setRowCount(0);
    m_steps->setRowCount(0);
    m_warnings->hide();
    m_verdict->parentWidget()->parentWidget()->hide();
    m_status->setText(
        tr("Validating the restore point and the name, checking permissions, planning the steps…"));
    setStage(Stage::Previewing);
    const Result<QUuid> id = m_actions->preview(m_sent);
    if (!id)
        showError(id.error(), id.error().kind != ErrorKind::Plugin);
}

void RestoreRunbookDialog::onPreviewReady(const ActionPreview &preview)
{
    if (preview.requestId != m_requestId || m_stage != Stage::Previewing)
        return;
    m_preview = preview;
    const QStringList affected = ActionTables::showChanges(m_changes, preview.changes);
    m_warnings->setText(preview.warnings.isEmpty()
                            ? QString()
                            : tr("Warning: %1").arg(preview.warnings.join(QStringLiteral("\nWarning: "))));
    m_warnings->setVisible(!preview.warnings.isEmpty());
    ActionTables::showSteps(m_steps, preview.steps);
    m_needsTypedName = m_actions->needsTypedConfirmation(m_requestId);
    m_confirmLabel->setVisible(m_needsTypedName);
    m_confirm->setVisible(m_needsTypedName);
    m_status->setText(tr("Allowed. %1 step(s); affects %2. Review, then confirm.")
                          .arg(preview.steps.size())
                          .arg(affected.isEmpty() ? tr("nothing") : affected.join(QStringLiteral(", "))));
    setStage(Stage::Ready);
    if (m_needsTypedName)
        m_confirm->setFocus(Qt::OtherFocusReason);
}

void RestoreRunbookDialog::onRefused(const QUuid &requestId, const Error &error)
{
    if (requestId == m_requestId && m_stage == Stage::Previewing)
        showError(error, true);
}

void RestoreRunbookDialog::onFailed(const QUuid &requestId, const Error &error)
{
    if (requestId == m_requestId && (m_stage == Stage::Previewing || m_stage == Stage::Running))
        showError(error, m_stage == Stage::Previewing);
}

void RestoreRunbookDialog::restore()
{
    if (m_stage != Stage::Ready || !m_actions)
        return;
    ActionService::Confirmation confirmation;
    if (m_needsTypedName) {
        confirmation.method = ActionService::Confirmation::Method::TypedName;
        confirmation.typedName = m_confirm->text();
    }
    const Result<qint64> id = m_actions->confirm(m_requestId, confirmation);
    if (!id) {
        // A wrong name keeps the preview pending; anything else ended it.
        if (m_actions->previewFor(m_requestId)) {
            m_status->setText(tr("Not started: %1").arg(id.error().message));
            return;
        }
        showError(id.error(), true);
        return;
    }
    m_journalId = *id;
    m_confirm->setEnabled(false);
    m_confirm->hide();
    m_confirmLabel->hide();
    m_plan->setEnabled(false);
    const QVariantMap p = m_sent.parameters;
    const QDateTime point
        = QDateTime::fromString(p.value(QStringLiteral("pointInTime")).toString(), Qt::ISODate);
    m_planSummary->setText(tr("%1 → %2 at %3 (%4)%5")
                               .arg(p.value(QStringLiteral("database")).toString(),
                                    p.value(QStringLiteral("newName")).toString(),
                                    DatabaseTableModel::utcText(point), DatabaseTableModel::localText(point),
                                    p.value(QStringLiteral("repoint")).toBool()
                                        ? tr("; then %1 is pointed at it and restarted").arg(m_service.name)
                                        : tr("; %1 keeps its database").arg(m_service.name)));
    m_plan->hide();
    m_planSummary->show();
    m_progress->setRange(0, 0); // busy until the first percent arrives
    m_progress->show();
    m_status->setText(
        tr("Restoring… (journal entry %1; closing this window does not stop it)").arg(m_journalId));
    m_close->setText(tr("Close"));
    m_close->setAccessibleName(tr("Close"));
    setStage(Stage::Running);
}

void RestoreRunbookDialog::onOperationChanged(const OperationStatus &status)
{
    if (status.requestId != m_requestId || m_stage != Stage::Running)
        return;
    showStatus(status);
}

void RestoreRunbookDialog::showStatus(const OperationStatus &status)
{
    m_last = status;
    if (!status.steps.isEmpty())
        ActionTables::showSteps(m_steps, status.steps);
    if (status.percent >= 0) {
        m_progress->setRange(0, 100);
        m_progress->setValue(status.percent);
    }
    if (!status.isFinal()) {
        int current = -1;
        for (int i = 0; i < status.steps.size(); ++i) {
            if (status.steps[i].state == ActionStep::State::Running)
                current = i;
        }
        QString text = current >= 0 ? tr("Step %1 of %2: %3")
                                          .arg(current + 1)
                                          .arg(status.steps.size())
                                          .arg(status.steps[current].title)
                                    : tr("Restoring…");
        if (status.percent >= 0)
            text += tr(" — %1 %").arg(status.percent);
        if (!status.message.isEmpty())
            text += QStringLiteral("\n") + status.message;
        m_status->setText(text);
    }
}

void RestoreRunbookDialog::onFinished(const OperationStatus &status)
{
    if (status.requestId != m_requestId || m_stage != Stage::Running)
        return;
    showStatus(status);
    showVerdict(status);
}

void RestoreRunbookDialog::showVerdict(const OperationStatus &status)
{
    const QVariantMap p = status.parameters.isEmpty() ? m_sent.parameters : status.parameters;
    const QString database = p.value(QStringLiteral("database")).toString();
    const QString newName
        = p.value(QStringLiteral("restoredDatabase"), p.value(QStringLiteral("newName"))).toString();
    const QDateTime point
        = QDateTime::fromString(p.value(QStringLiteral("pointInTime")).toString(), Qt::ISODate);
    const qint64 took
        = status.started.isValid() && status.updated.isValid() ? status.started.secsTo(status.updated) : -1;
    m_progress->setRange(0, 100);
    m_verdict->parentWidget()->parentWidget()->show();

    if (status.state == OperationStatus::State::Succeeded) {
        m_progress->setValue(100);
        m_verdictIcon->setPixmap(HealthStyle::icon(Health::Healthy).pixmap(24, 24));
        QString text
            = tr("Done: %1 restored to %2 as %3.").arg(database, DatabaseTableModel::utcText(point), newName);
        if (p.value(QStringLiteral("repoint")).toBool())
            text += tr(" %1 now runs on it.").arg(m_service.name);
        if (took >= 0)
            text += tr(" Took %1.").arg(durationText(took));
        m_verdict->setText(text);
        m_advice->setText(
            status.message.isEmpty()
                ? tr("Journal entry %1 has every step.").arg(m_journalId)
                : tr("%1\nJournal entry %2 has every step.").arg(status.message).arg(m_journalId));
        m_status->setText(tr("Finished."));
        setStage(Stage::Succeeded);
        m_close->setFocus(Qt::OtherFocusReason);
        return;
    }

    const Error error = status.error.value_or(Error { ErrorKind::Network, status.message, {}, std::nullopt });
    m_error = error;
    int failed = -1;
    QStringList done;
    for (int i = 0; i < status.steps.size(); ++i) {
        if (status.steps[i].state == ActionStep::State::Failed && failed < 0)
            failed = i;
        if (status.steps[i].state == ActionStep::State::Succeeded)
            done << tr("%1. %2").arg(i + 1).arg(status.steps[i].title);
    }
    m_verdictIcon->setPixmap(HealthStyle::icon(Health::Unhealthy).pixmap(24, 24));
    const QString why = error.message.isEmpty() ? status.message : error.message;
    m_verdict->setText(failed >= 0 ? tr("Failed at step %1 of %2, \"%3\": %4")
                                         .arg(failed + 1)
                                         .arg(status.steps.size())
                                         .arg(status.steps[failed].title, why)
                                   : tr("Failed: %1").arg(why));
    QStringList advice;
    advice << (error.hint.isEmpty() ? tr(
                   "What to do: read the step's answer below, fix the cause, then preview the restore again.")
                                    : tr("What to do: %1").arg(error.hint));
    advice << (done.isEmpty() ? tr("Nothing was changed before the failure.")
                              : tr("Already done: %1.").arg(done.join(QStringLiteral("; "))));
    advice << tr("Journal entry %1 (History, Ctrl+H) has every step's request and answer.").arg(m_journalId);
    m_advice->setText(advice.join(QLatin1Char('\n')));
    m_status->setText(status.state == OperationStatus::State::Refused ? tr("Refused.") : tr("Failed."));
    setStage(Stage::Failed);
    m_close->setFocus(Qt::OtherFocusReason);
}

void RestoreRunbookDialog::showError(const Error &error, bool refused)
{
    m_error = error;
    QString text = refused ? tr("Refused: %1").arg(error.message) : tr("Failed: %1").arg(error.message);
    if (!error.hint.isEmpty())
        text += QStringLiteral("\n") + error.hint;
    m_status->setText(text);
    m_confirm->hide();
    m_confirmLabel->hide();
    if (m_stage == Stage::Running) {
        OperationStatus status = m_last.value_or(OperationStatus {});
        status.requestId = m_requestId;
        status.state = OperationStatus::State::Failed;
        status.error = error;
        showVerdict(status);
        return;
    }
    // Nothing ran: the plan can be fixed and previewed again.
    m_plan->setEnabled(true);
    setStage(refused ? Stage::Refused : Stage::Failed);
}

void RestoreRunbookDialog::setStage(Stage stage)
{
    m_stage = stage;
    updateButtons();
    updateStepper();
    Q_EMIT stageChanged(stage);
}

void RestoreRunbookDialog::updateButtons()
{
    const bool planValid = !m_plan->check().has_value();
    const bool editable = m_stage == Stage::Choosing || m_stage == Stage::Refused;
    m_previewButton->setEnabled(editable && planValid && m_actions);
    m_previewButton->setVisible(m_stage != Stage::Running && m_stage != Stage::Succeeded
                                && m_stage != Stage::Failed);
    const bool typed = !m_needsTypedName || m_confirm->text() == m_service.name;
    m_restore->setEnabled(m_stage == Stage::Ready && typed);
    m_restore->setVisible(m_stage == Stage::Ready || m_stage == Stage::Choosing
                          || m_stage == Stage::Previewing || m_stage == Stage::Refused);
    m_restore->setToolTip(m_stage != Stage::Ready ? tr("Preview first")
                              : typed             ? tr("Start the restore")
                                                  : tr("Type \"%1\" first").arg(m_service.name));
}

void RestoreRunbookDialog::updateStepper()
{
    const int current = stepperIndex(m_stage);
    for (int i = 0; i < m_stepper.size(); ++i) {
        QLabel *label = m_stepper[i];
        QString word = tr("%1 %2").arg(i + 1).arg(StepperWords[i]);
        if (i == 4 && current == 4)
            word = m_stage == Stage::Succeeded ? tr("5 Done")
                : m_stage == Stage::Refused    ? tr("5 Refused")
                                               : tr("5 Failed");
        const bool done = i < current || (i == 4 && m_stage == Stage::Succeeded);
        label->setText(done               ? QStringLiteral("✓ ") + word
                           : i == current ? QStringLiteral("▶ ") + word
                                          : word);
        QFont font = label->font();
        font.setBold(i == current);
        label->setFont(font);
        label->setEnabled(i <= current);
        label->setAccessibleName(i == current ? tr("Current step: %1").arg(word) : word);
    }
}

void RestoreRunbookDialog::reject()
{
    // A running restore goes on: closing only stops watching it (the journal keeps it).
    dropPreview();
    QDialog::reject();
}

} // namespace Opsdeck
