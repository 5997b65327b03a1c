#include "actionpanel.h"

#include "actionpreviewdialog.h"
#include "actionprovider.h"
#include "actionservice.h"
#include "revisionhistorymodel.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QTimer>

namespace Opsdeck {

namespace {

const QString CanaryWeight = QStringLiteral("canary-weight");
const QString Promote = QStringLiteral("promote");
const QString Abort = QStringLiteral("abort");
const QString Undo = QStringLiteral("rollout-undo");
const QString Scale = QStringLiteral("scale");
const QString Restart = QStringLiteral("restart");

struct Look
{
    QString text; // with the mnemonic
    QKeySequence shortcut;
};

// Ctrl+Shift+C/N/S belong to the main window's pickers and Sources panel.
Look lookFor(const QString &id)
{
    if (id == CanaryWeight)
        return {QObject::tr("Shift canary &weight…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_W)};
    if (id == Promote)
        return {QObject::tr("&Promote canary…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P)};
    if (id == Abort)
        return {QObject::tr("&Abort canary…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A)};
    if (id == Undo)
        return {QObject::tr("&Undo rollout…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_U)};
    if (id == Scale)
        return {QObject::tr("Sca&le…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L)};
    if (id == Restart)
        return {QObject::tr("&Restart…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R)};
    return {};
}

const QList<int> WeightSteps{0, 5, 10, 25, 50, 75, 100};

QLabel *plainLabel(const QString &accessibleName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText); // reasons come from the server
    label->setWordWrap(true);
    label->setAccessibleName(accessibleName);
    return label;
}

} // namespace

QStringList ActionPanel::knownActions()
{
    return {CanaryWeight, Promote, Abort, Undo, Scale, Restart};
}

QString ActionPanel::accessibleNameFor(const QString &actionId)
{
    if (actionId == CanaryWeight)
        return tr("Shift canary weight");
    if (actionId == Promote)
        return tr("Promote canary");
    if (actionId == Abort)
        return tr("Abort canary");
    if (actionId == Undo)
        return tr("Undo rollout");
    if (actionId == Scale)
        return tr("Scale");
    if (actionId == Restart)
        return tr("Restart");
    return actionId;
}

ActionPanel::ActionPanel(ActionService *service, QWidget *parent)
    : QWidget(parent)
    , m_actions(service)
{
    qRegisterMetaType<ActionPreviewDialog *>();
    setAccessibleName(tr("Actions"));
    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(6, 6, 6, 6);
    grid->setHorizontalSpacing(8);
    grid->setColumnStretch(2, 1);

    m_verdict = plainLabel(tr("Canary verdict"), this);
    m_verdict->hide();
    grid->addWidget(m_verdict, 0, 0, 1, 3);
    m_empty = plainLabel(tr("No actions"), this);
    m_empty->setText(tr("No plugin offers actions for this service."));
    grid->addWidget(m_empty, 1, 0, 1, 3);

    // The values the buttons use.
    m_weight = new QComboBox(this);
    m_weight->setAccessibleName(tr("Canary weight"));
    m_weight->view()->setAccessibleName(tr("Canary weights")); // the drop-down list, as a screen reader meets it
    m_weight->setToolTip(tr("The share of traffic for the canary"));
    for (int step : WeightSteps)
        m_weight->addItem(tr("%1 %").arg(step), step);
    m_weight->addItem(tr("Custom…"), -1);
    m_weight->setCurrentIndex(WeightSteps.indexOf(25));
    m_customWeight = new QSpinBox(this);
    m_customWeight->setAccessibleName(tr("Custom canary weight"));
    m_customWeight->setRange(0, 100);
    m_customWeight->setSuffix(tr(" %"));
    m_customWeight->setValue(20);
    m_customWeight->setVisible(false);
    connect(m_weight, &QComboBox::currentIndexChanged, this, &ActionPanel::updateWeightPicker);

    m_track = new QComboBox(this);
    m_track->setAccessibleName(tr("Track"));
    m_track->view()->setAccessibleName(tr("Tracks")); // the drop-down list, as a screen reader meets it
    m_track->setToolTip(tr("Which deployment Undo rollout, Scale and Restart act on"));
    m_track->addItem(tr("Stable"), QStringLiteral("stable"));
    m_track->addItem(tr("Canary"), QStringLiteral("canary"));
    m_revision = new QSpinBox(this);
    m_revision->setAccessibleName(tr("Revision to roll back to"));
    m_revision->setRange(0, 9999);
    m_revision->setSpecialValueText(tr("previous revision"));
    m_revision->setPrefix(tr("revision "));
    m_replicas = new QSpinBox(this);
    m_replicas->setAccessibleName(tr("Replicas"));
    m_replicas->setRange(0, 100);
    m_replicas->setValue(2);
    m_replicas->setSuffix(tr(" replicas"));

    auto *trackLabel = new QLabel(tr("&Track:"), this);
    trackLabel->setBuddy(m_track);
    auto *trackRow = new QWidget(this);
    auto *trackLayout = new QHBoxLayout(trackRow);
    trackLayout->setContentsMargins(0, 0, 0, 0);
    trackLayout->addWidget(trackLabel);
    trackLayout->addWidget(m_track);
    trackLayout->addStretch(1);
    grid->addWidget(trackRow, 2, 0, 1, 3);

    int row = 3;
    for (const QString &id : knownActions()) {
        const Look look = lookFor(id);
        auto *button = new QPushButton(look.text, this);
        button->setAccessibleName(accessibleNameFor(id));
        button->setShortcut(look.shortcut);
        button->setAccessibleDescription(tr("Preview, then apply (%1)").arg(look.shortcut.toString(QKeySequence::NativeText)));
        connect(button, &QPushButton::clicked, this, [this, id] { trigger(id); });
        m_buttons.insert(id, button);
        grid->addWidget(button, row, 0);

        auto *values = new QWidget(this);
        auto *valuesLayout = new QHBoxLayout(values);
        valuesLayout->setContentsMargins(0, 0, 0, 0);
        if (id == CanaryWeight) {
            valuesLayout->addWidget(m_weight);
            valuesLayout->addWidget(m_customWeight);
        } else if (id == Undo) {
            valuesLayout->addWidget(m_revision);
        } else if (id == Scale) {
            valuesLayout->addWidget(m_replicas);
        }
        valuesLayout->addStretch(1);
        grid->addWidget(values, row, 1);

        QLabel *reason = plainLabel(tr("Why %1 is not available").arg(accessibleNameFor(id)), this);
        reason->hide();
        m_reasons.insert(id, reason);
        grid->addWidget(reason, row, 2);
        m_values.insert(id, values);
        ++row;
    }
    // Undo picks from the rollout history, as `kubectl rollout history` shows it.
    m_historyModel = new RevisionHistoryModel(this);
    m_history = new QTableView(this);
    m_history->setModel(m_historyModel);
    m_history->setAccessibleName(tr("Rollout history"));
    m_history->setToolTip(tr("Revisions of the chosen track; select one to undo to it"));
    m_history->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_history->setSelectionMode(QAbstractItemView::SingleSelection);
    m_history->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_history->verticalHeader()->hide();
    m_history->horizontalHeader()->setStretchLastSection(true);
    m_history->setMinimumHeight(90);
    connect(m_history->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) { m_revision->setValue(m_historyModel->revisionAt(current.row())); });
    auto *historyLabel = new QLabel(tr("Rollout &history:"), this);
    historyLabel->setBuddy(m_history);
    grid->addWidget(historyLabel, row++, 0, 1, 3);
    grid->addWidget(m_history, row++, 0, 1, 3);
    connect(m_track, &QComboBox::currentIndexChanged, this, &ActionPanel::requestRevisionHistory);
    grid->setRowStretch(row, 1);

    // Providers learn permissions and canary state as they go: follow them while shown.
    m_refresh = new QTimer(this);
    m_refresh->setInterval(2000);
    connect(m_refresh, &QTimer::timeout, this, &ActionPanel::refresh);
    m_refresh->start();
    // An action changes what applies next (no canary after abort): ask again.
    if (m_actions)
        connect(m_actions, &ActionService::finished, this, [this] {
            checkPermissions();
            refresh();
        });
    refresh();
}

ActionPanel::~ActionPanel() = default;

ActionPreviewDialog *ActionPanel::dialog() const
{
    return m_dialog.data();
}

void ActionPanel::setService(const ServiceKey &service)
{
    const bool changed = !(m_service == service);
    m_service = service;
    if (changed) {
        checkPermissions();
        requestRevisionHistory();
    }
    refresh();
}

void ActionPanel::addProvider(ActionProvider *provider)
{
    if (!provider || m_providers.contains(provider))
        return;
    m_providers.append(provider);
    if (provider->metaObject()->indexOfSignal("permissionsChecked(Opsdeck::ServiceKey)") >= 0)
        connect(provider, SIGNAL(permissionsChecked(Opsdeck::ServiceKey)), this, SLOT(refresh()));
    if (provider->metaObject()->indexOfSignal("revisionHistoryReady(Opsdeck::ServiceKey,QString,QVariantList)") >= 0)
        connect(provider, SIGNAL(revisionHistoryReady(Opsdeck::ServiceKey,QString,QVariantList)), this,
                SLOT(showRevisionHistory(Opsdeck::ServiceKey,QString,QVariantList)));
    checkPermissions();
    requestRevisionHistory();
}

void ActionPanel::requestRevisionHistory()
{
    m_historyModel->clear();
    if (m_service.name.isEmpty() || m_readOnly)
        return;
    const QString track = m_track->currentData().toString();
    for (const QPointer<ActionProvider> &provider : std::as_const(m_providers)) {
        if (provider && provider->metaObject()->indexOfSlot("requestRevisionHistory(Opsdeck::ServiceKey,QString)") >= 0)
            QMetaObject::invokeMethod(provider, "requestRevisionHistory", Qt::QueuedConnection,
                                      Q_ARG(Opsdeck::ServiceKey, m_service), Q_ARG(QString, track));
    }
}

void ActionPanel::showRevisionHistory(const ServiceKey &service, const QString &track, const QVariantList &revisions)
{
    // Answers for another service or track (the selection moved on) are dropped.
    if (!(service == m_service) || track != m_track->currentData().toString())
        return;
    m_historyModel->setHistory(revisions);
    m_history->resizeColumnsToContents();
}

void ActionPanel::checkPermissions()
{
    if (m_service.name.isEmpty() || m_readOnly)
        return;
    for (const QPointer<ActionProvider> &provider : std::as_const(m_providers)) {
        if (provider && provider->metaObject()->indexOfSlot("checkPermissions(Opsdeck::ServiceKey)") >= 0)
            QMetaObject::invokeMethod(provider, "checkPermissions", Qt::QueuedConnection, Q_ARG(Opsdeck::ServiceKey, m_service));
    }
}

void ActionPanel::setReadOnly(bool readOnly)
{
    m_readOnly = readOnly;
    setVisible(!readOnly);
    refresh();
}

void ActionPanel::setVisible(bool visible)
{
    QWidget::setVisible(visible && !m_readOnly);
}

void ActionPanel::setVerdict(const QString &text, const QString &tooltip)
{
    m_verdict->setText(text);
    m_verdict->setToolTip(tooltip);
    m_verdict->setVisible(!text.isEmpty() && !m_readOnly);
}

void ActionPanel::updateWeightPicker()
{
    m_customWeight->setVisible(m_weight->currentData().toInt() < 0 && m_buttons.value(CanaryWeight)->isVisible());
}

void ActionPanel::refresh()
{
    QList<ActionDescriptor> actions;
    if (!m_readOnly && m_actions && !m_service.name.isEmpty())
        actions = m_actions->actionsFor(m_service);
    int shown = 0;
    for (const QString &id : knownActions()) {
        QPushButton *button = m_buttons.value(id);
        QLabel *reason = m_reasons.value(id);
        QWidget *values = m_values.value(id);
        const auto it = std::find_if(actions.cbegin(), actions.cend(), [&id](const ActionDescriptor &d) { return d.id == id; });
        const bool offered = it != actions.cend();
        button->setVisible(offered);
        values->setVisible(offered);
        if (!offered) {
            reason->hide();
            continue;
        }
        ++shown;
        button->setEnabled(it->available);
        const QString why = it->available ? QString() : it->unavailableReason;
        reason->setText(why);
        reason->setVisible(!why.isEmpty());
        button->setToolTip(why.isEmpty() ? (it->description.isEmpty() ? it->title : it->description) : why);
        values->setEnabled(it->available);
    }
    m_empty->setVisible(shown == 0);
    m_empty->setText(m_service.name.isEmpty() ? tr("Select a service to act on it.") : tr("No plugin offers actions for this service."));
    m_track->parentWidget()->setVisible(shown > 0);
    updateWeightPicker();
}

ActionRequest ActionPanel::requestFor(const QString &actionId) const
{
    ActionRequest request;
    request.id = QUuid::createUuid();
    request.actionId = actionId;
    request.service = m_service;
    const QString track = m_track->currentData().toString();
    if (actionId == CanaryWeight) {
        const int step = m_weight->currentData().toInt();
        request.track = Track::Canary;
        request.parameters.insert(QStringLiteral("weight"), step < 0 ? m_customWeight->value() : step);
    } else if (actionId == Promote || actionId == Abort) {
        request.track = Track::Canary;
    } else {
        request.track = track == QLatin1String("canary") ? Track::Canary : Track::Stable;
        request.parameters.insert(QStringLiteral("track"), track);
        if (actionId == Undo && m_revision->value() > 0)
            request.parameters.insert(QStringLiteral("toRevision"), m_revision->value());
        if (actionId == Scale)
            request.parameters.insert(QStringLiteral("replicas"), m_replicas->value());
    }
    return request;
}

void ActionPanel::trigger(const QString &actionId)
{
    if (!m_actions || m_readOnly || m_service.name.isEmpty())
        return;
    if (m_dialog)
        m_dialog->close();
    auto *dialog = new ActionPreviewDialog(m_actions, requestFor(actionId), accessibleNameFor(actionId), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_dialog = dialog;
    dialog->open();
    dialog->start();
    Q_EMIT dialogOpened(dialog);
}

} // namespace Opsdeck
