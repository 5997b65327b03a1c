#include "alertsview.h"

#include "alertengine.h"
#include "alertseveritydelegate.h"
#include "alerttablemodel.h"

#include <QAbstractItemView>
#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace Opsdeck {

AlertsView::AlertsView(AlertEngine *engine, AlertLog *log, QWidget *parent, const Clock &clock)
    : QWidget(parent)
    , m_engine(engine)
    , m_model(new AlertTableModel(engine, log, clock, this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_mode(new QComboBox(this))
    , m_acknowledge(new QPushButton(tr("&Acknowledge"), this))
    , m_summary(new QLabel(this))
    , m_table(new QTableView(this))
    , m_tick(new QTimer(this))
    , m_user(defaultUser())
{
    setAccessibleName(tr("Alerts"));

    m_mode->addItem(tr("Active alerts"));
    m_mode->addItem(tr("History"));
    m_mode->setAccessibleName(tr("Show active alerts or history"));
    m_mode->view()->setAccessibleName(tr("Alert lists")); // the drop-down list, as a screen reader meets it
    m_mode->setToolTip(tr("Active alerts, or every alert raised (the alert log), newest first"));
    connect(m_mode, &QComboBox::currentIndexChanged, this, [this](int index) { showHistory(index == 1); });

    m_acknowledge->setAccessibleName(tr("Acknowledge selected alerts"));
    m_acknowledge->setToolTip(tr("Mark the selected alerts as seen by %1 (Ctrl+K)").arg(m_user));
    connect(m_acknowledge, &QPushButton::clicked, this, &AlertsView::acknowledgeSelected);
    // Ctrl+K anywhere in the dock, like the button's mnemonic.
    auto *acknowledge = new QAction(tr("Acknowledge"), this);
    acknowledge->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    acknowledge->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(acknowledge, &QAction::triggered, this, &AlertsView::acknowledgeSelected);
    addAction(acknowledge);

    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setAccessibleName(tr("Alert count"));

    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(AlertTableModel::SortRole);
    m_table->setModel(m_proxy);
    m_table->setItemDelegateForColumn(AlertTableModel::SeverityColumn, new AlertSeverityDelegate(m_table));
    m_table->setAccessibleName(tr("Alerts"));
    m_table->setAccessibleDescription(
        tr("Active alerts, worst first: severity, rule, service, since, summary, acknowledged by"));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setTabKeyNavigation(false);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setAccessibleName(tr("Alert columns"));
    m_table->verticalHeader()->setAccessibleName(tr("Alert rows"));
    m_table->horizontalHeader()->setStretchLastSection(false);
    // Few rows: every column fits its content, the summary takes the rest.
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(AlertTableModel::SummaryColumn, QHeaderView::Stretch);
    m_table->setSortingEnabled(false); // the engine's order (worst first) is the order
    m_table->setColumnHidden(AlertTableModel::EndedColumn, true);
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex &index) {
        const auto key = index.data(AlertTableModel::ServiceKeyRole).value<ServiceKey>();
        if (!key.name.isEmpty() && !key.context.isEmpty())
            Q_EMIT serviceActivated(key);
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &AlertsView::updateButtons);

    // A reload resets the rows: keep the selection by alert id.
    connect(m_model, &QAbstractItemModel::modelAboutToBeReset, this, [this] {
        m_keptSelection.clear();
        for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
            m_keptSelection << index.data(AlertTableModel::AlertIdRole).toString();
    });
    connect(m_model, &AlertTableModel::reloaded, this, [this] {
        for (const QString &id : std::as_const(m_keptSelection)) {
            const int row = m_model->rowOf(id);
            if (row >= 0)
                m_table->selectionModel()->select(m_proxy->mapFromSource(m_model->index(row, 0)),
                                                  QItemSelectionModel::Select | QItemSelectionModel::Rows);
        }
        updateSummary();
        updateButtons();
    });

    // "5 min ago" moves on by itself.
    m_tick->setInterval(15'000);
    connect(m_tick, &QTimer::timeout, m_model, &AlertTableModel::refreshTimes);
    m_tick->start();

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_mode);
    bar->addWidget(m_summary, 1);
    bar->addWidget(m_acknowledge);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(bar);
    layout->addWidget(m_table, 1);
    setFocusProxy(m_table);

    updateSummary();
    updateButtons();
}

QString AlertsView::defaultUser()
{
    const QString configured = QSettings().value(QStringLiteral("alerts/acknowledgeAs")).toString().trimmed();
    if (!configured.isEmpty())
        return configured;
    for (const char *name : { "USER", "USERNAME", "LOGNAME" }) {
        const QString value = qEnvironmentVariable(name).trimmed();
        if (!value.isEmpty())
            return value;
    }
    return tr("operator");
}

void AlertsView::showHistory(bool history)
{
    m_model->setMode(history ? AlertTableModel::Mode::History : AlertTableModel::Mode::Active);
    m_table->setColumnHidden(AlertTableModel::EndedColumn, !history);
    m_table->setAccessibleDescription(
        history ? tr("Every alert raised, newest first, with when it ended")
                : tr("Active alerts, worst first: severity, rule, service, since, summary, acknowledged by"));
    if (m_mode->currentIndex() != (history ? 1 : 0))
        m_mode->setCurrentIndex(history ? 1 : 0);
    updateSummary();
    updateButtons();
}

bool AlertsView::isShowingHistory() const
{
    return m_model->mode() == AlertTableModel::Mode::History;
}

QStringList AlertsView::selectedIds() const
{
    QStringList ids;
    if (!m_table->selectionModel())
        return ids;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows()) {
        if (index.data(AlertTableModel::ActiveRole).toBool())
            ids << index.data(AlertTableModel::AlertIdRole).toString();
    }
    return ids;
}

int AlertsView::acknowledgeSelected()
{
    if (!m_engine)
        return 0;
    int count = 0;
    for (const QString &id : selectedIds()) {
        const std::optional<Alert> alert = m_engine->alert(id);
        if (!alert || !alert->acknowledgedBy.isEmpty())
            continue;
        m_engine->acknowledge(id, m_user);
        ++count;
    }
    return count;
}

bool AlertsView::selectAlert(const QString &id)
{
    const int row = m_model->rowOf(id);
    if (row < 0)
        return false;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    m_table->setCurrentIndex(index);
    m_table->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    return true;
}

void AlertsView::updateSummary()
{
    const int count = m_engine ? int(m_engine->active().size()) : 0;
    if (isShowingHistory())
        m_summary->setText(tr("%1 in the log shown; %2 active")
                               .arg(AlertTableModel::countText(m_model->rowCount()))
                               .arg(count));
    else if (count == 0)
        m_summary->setText(tr("No active alerts"));
    else
        m_summary->setText(tr("Active: %1").arg(AlertTableModel::countText(count)));
}

void AlertsView::updateButtons()
{
    bool any = false;
    for (const QString &id : selectedIds()) {
        if (const std::optional<Alert> alert = m_engine ? m_engine->alert(id) : std::nullopt;
            alert && alert->acknowledgedBy.isEmpty())
            any = true;
    }
    m_acknowledge->setEnabled(any);
}

} // namespace Opsdeck
