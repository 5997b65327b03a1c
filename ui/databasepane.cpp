#include "databasepane.h"

#include "actionservice.h"
#include "actiontables.h"
#include "clock.h"
#include "databasestore.h"
#include "databasetablemodel.h"
#include "format.h"
#include "healthdelegate.h"
#include "healthstyle.h"
#include "journal.h"
#include "restoreplanform.h"
#include "restorerunbookdialog.h"
#include "servicetablemodel.h"

#include <QAction>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace Opsdeck {

// HealthDelegate reads ServiceTableModel's HealthRole; the database model answers the same role.
static_assert(int(DatabaseTableModel::HealthRole) == int(ServiceTableModel::HealthRole));

namespace {

const QString RestoreAction = QStringLiteral("restore-db");

// An icon beside a plain-text label: the status vocabulary, never colour alone.
QLabel *iconLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setFixedSize(16, 16);
    return label;
}

QWidget *row(QLabel *icon, QLabel *text, QWidget *parent)
{
    auto *widget = new QWidget(parent);
    auto *layout = new QHBoxLayout(widget);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(icon, 0, Qt::AlignTop);
    layout->addWidget(text, 1);
    return widget;
}

void setIcon(QLabel *label, std::optional<Health> health)
{
    if (health)
        label->setPixmap(HealthStyle::icon(*health).pixmap(16, 16));
    else
        label->clear();
}

QString when(const QDateTime &time, const QDateTime &now)
{
    return QObject::tr("%1 (%2), %3")
        .arg(DatabaseTableModel::localText(time), DatabaseTableModel::utcText(time), Format::ago(time, now));
}

} // namespace

DatabasePane::DatabasePane(DatabaseStore *store, QWidget *parent)
    : DatabasePane(store, Clock::system(), parent)
{ }

DatabasePane::DatabasePane(DatabaseStore *store, const Clock &clock, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_clock(clock)
{
    qRegisterMetaType<RestoreRunbookDialog *>();
    setAccessibleName(tr("Database"));
    auto *layout = new QVBoxLayout(this);

    m_summary = ActionTables::plainLabel(tr("Databases summary"), this);
    layout->addWidget(m_summary);

    m_model = new DatabaseTableModel(this);
    m_table = new QTableView(this);
    m_table->setModel(m_model);
    m_table->setAccessibleName(tr("Databases"));
    m_table->setAccessibleDescription(
        tr("The Azure SQL databases tagged with this service: status, earliest restore point, SKU"));
    m_table->setItemDelegate(new HealthDelegate(DatabaseTableModel::StatusColumn, m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setTabKeyNavigation(false); // Tab leaves the table; arrows move inside it
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    const int em = m_table->fontMetrics().horizontalAdvance(QLatin1Char('M'));
    m_table->setColumnWidth(DatabaseTableModel::NameColumn, 16 * em);
    m_table->setColumnWidth(DatabaseTableModel::StatusColumn, 12 * em);
    m_table->setColumnWidth(DatabaseTableModel::EarliestLocalColumn, 15 * em);
    m_table->setColumnWidth(DatabaseTableModel::EarliestUtcColumn, 15 * em);
    m_table->setColumnWidth(DatabaseTableModel::SkuColumn, 8 * em);
    m_table->setMinimumHeight(5 * m_table->verticalHeader()->defaultSectionSize());
    layout->addWidget(m_table, 1);

    auto *targetsBox = new QGroupBox(tr("Recovery targets"), this);
    auto *targetsLayout = new QVBoxLayout(targetsBox);
    m_targets = ActionTables::plainLabel(tr("Recovery targets"), targetsBox);
    targetsLayout->addWidget(m_targets);
    layout->addWidget(targetsBox);

    auto *drillBox = new QGroupBox(tr("Last restore drill"), this);
    auto *drillForm = new QFormLayout(drillBox);
    m_drillWhen = ActionTables::plainLabel(tr("Last restore drill: when"), drillBox);
    drillForm->addRow(tr("When:"), m_drillWhen);
    m_drillResultIcon = iconLabel(drillBox);
    m_drillResult = ActionTables::plainLabel(tr("Last restore drill: result"), drillBox);
    drillForm->addRow(tr("Result:"), row(m_drillResultIcon, m_drillResult, drillBox));
    m_drillRtoIcon = iconLabel(drillBox);
    m_drillRto = ActionTables::plainLabel(tr("Last restore drill: time against the RTO target"), drillBox);
    drillForm->addRow(tr("Recovery time:"), row(m_drillRtoIcon, m_drillRto, drillBox));
    m_drillRpoIcon = iconLabel(drillBox);
    m_drillRpo
        = ActionTables::plainLabel(tr("Last restore drill: restore point against the RPO target"), drillBox);
    drillForm->addRow(tr("Data window:"), row(m_drillRpoIcon, m_drillRpo, drillBox));
    layout->addWidget(drillBox);

    m_restoreAction = new QAction(tr("Restore to a point in time…"), this);
    m_restoreAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_B));
    m_restoreAction->setShortcutContext(Qt::WindowShortcut);
    connect(m_restoreAction, &QAction::triggered, this, &DatabasePane::openRestoreDialog);
    m_restoreButton = new QPushButton(tr("Restore to a &point in time…"), this);
    m_restoreButton->setAccessibleName(tr("Restore to a point in time"));
    m_restoreButton->setAccessibleDescription(
        tr("Opens the runbook: choose the point, preview, confirm, watch each step (%1)")
            .arg(m_restoreAction->shortcut().toString(QKeySequence::NativeText)));
    connect(m_restoreButton, &QPushButton::clicked, m_restoreAction, &QAction::trigger);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_restoreButton);
    buttons->addStretch(1);
    layout->addLayout(buttons);

    // Ages ("read 40 s ago", stale after 3 min) move on by themselves.
    m_tick = new QTimer(this);
    m_tick->setInterval(5000);
    connect(m_tick, &QTimer::timeout, this, &DatabasePane::refreshDatabases);
    m_tick->start();
    if (m_store)
        connect(m_store, &DatabaseStore::changed, this, &DatabasePane::refreshDatabases);
    updateRestoreAvailability();
    refresh();
}

DatabasePane::~DatabasePane() = default;

RestoreRunbookDialog *DatabasePane::dialog() const
{
    return m_dialog.data();
}

int DatabasePane::rpoMinutes()
{
    const int value = QSettings().value(QStringLiteral("restore/rpoMinutes"), 5).toInt();
    return value > 0 ? value : 5;
}

int DatabasePane::rtoMinutes()
{
    const int value = QSettings().value(QStringLiteral("restore/rtoMinutes"), 30).toInt();
    return value > 0 ? value : 30;
}

void DatabasePane::setActions(ActionService *actions, Journal *journal, bool readOnly)
{
    m_actions = actions;
    m_journal = journal;
    m_readOnly = readOnly;
    if (m_journal)
        connect(m_journal, &Journal::entryChanged, this, &DatabasePane::refreshDrill, Qt::UniqueConnection);
    if (m_actions)
        connect(m_actions, &ActionService::finished, this, &DatabasePane::refreshDrill, Qt::UniqueConnection);
    updateRestoreAvailability();
    refreshDrill();
}

void DatabasePane::setService(const ServiceKey &service)
{
    if (m_service == service)
        return;
    m_service = service;
    updateRestoreAvailability();
    refresh();
}

void DatabasePane::updateRestoreAvailability()
{
    // --read-only hides every action (DESIGN §8).
    const bool offered = m_actions && !m_readOnly;
    m_restoreButton->setVisible(offered);
    m_restoreAction->setEnabled(offered && !m_service.name.isEmpty());
    const bool known = m_store && !m_store->databasesFor(m_service.name).isEmpty();
    // The azuresql plugin's provider arrives with the Azure session; until then say so rather than fail
    // later.
    bool provided = false;
    if (offered && !m_service.name.isEmpty()) {
        for (const ActionDescriptor &action : m_actions->actionsFor(m_service))
            provided = provided || action.id == RestoreAction;
    }
    m_restoreButton->setEnabled(offered && !m_service.name.isEmpty() && known && provided);
    m_restoreButton->setToolTip(!known ? tr("No database of this service is known yet")
                                    : !provided
                                    ? tr("No plugin offers the restore for %1 yet (the Azure SQL plugin "
                                         "needs a signed-in Azure session)")
                                          .arg(m_service.name)
                                    : tr("Restore a database of %1 to a point in time").arg(m_service.name));
}

void DatabasePane::refresh()
{
    const int rpo = rpoMinutes();
    const int rto = rtoMinutes();
    m_targets->setText(tr("RPO target: %1 min (the most data a restore may lose) · RTO target: %2 min (the "
                          "longest a restore may take). "
                          "Settings restore/rpoMinutes and restore/rtoMinutes.")
                           .arg(rpo)
                           .arg(rto));
    refreshDatabases();
    refreshDrill();
}

void DatabasePane::refreshDatabases()
{
    const QDateTime now = m_clock.wallNow();
    if (!m_store) {
        m_model->setDatabases({}, false);
        m_summary->setText(
            tr("No database source: start Opsdeck with an Azure config (--azure-config, or --demo)."));
        return;
    }
    if (m_service.name.isEmpty()) {
        m_model->setDatabases({}, false);
        m_summary->setText(tr("Select a service to see its databases."));
        updateRestoreAvailability();
        return;
    }
    const QList<SqlDatabase> databases = m_store->databasesFor(m_service.name);
    const QDateTime fetched = m_store->fetchedAt();
    const bool stale = fetched.isValid() && fetched.secsTo(now) > StaleAfterSeconds;
    const int rowsBefore = m_model->rowCount();
    m_model->setDatabases(databases, stale);
    if (m_model->rowCount() != rowsBefore) {
        // Fit the names and times once per new set of rows; later polls keep what the user dragged.
        m_table->resizeColumnsToContents();
        const int em = m_table->fontMetrics().horizontalAdvance(QLatin1Char('M'));
        m_table->setColumnWidth(DatabaseTableModel::StatusColumn,
                                m_table->columnWidth(DatabaseTableModel::StatusColumn) + 2 * em);
    }
    if (!fetched.isValid())
        m_summary->setText(tr("Waiting for the Azure SQL source to list the databases…"));
    else if (databases.isEmpty())
        m_summary->setText(tr("No Azure SQL database is tagged Service=%1 (read %2).")
                               .arg(m_service.name, Format::ago(fetched, now)));
    else
        m_summary->setText(tr("%n database(s) of %1, read %2%3.", nullptr, int(databases.size()))
                               .arg(m_service.name, Format::ago(fetched, now),
                                    stale ? tr(" — %1").arg(Format::stale(fetched, now)) : QString()));
    m_summary->setToolTip(fetched.isValid() ? tr("Read at %1").arg(Format::absoluteTime(fetched))
                                            : QString());
    if (m_dialog)
        m_dialog->setDatabases(databases);
    updateRestoreAvailability();
}

void DatabasePane::refreshDrill()
{
    if (!m_journal || !m_journal->isOpen() || m_service.name.isEmpty()) {
        showDrill(std::nullopt);
        return;
    }
    JournalFilter filter;
    filter.action = RestoreAction;
    filter.context = m_service.context;
    filter.ns = m_service.ns;
    filter.service = m_service.name;
    filter.limit = 1;
    const Result<QList<JournalEntry>> entries = m_journal->entries(filter); // newest first
    if (!entries) {
        showDrill(std::nullopt);
        m_drillResult->setText(tr("The journal could not be read: %1").arg(entries.error().message));
        return;
    }
    showDrill(entries->isEmpty() ? std::nullopt : std::optional<JournalEntry>(entries->first()));
}

void DatabasePane::showDrill(const std::optional<JournalEntry> &entry)
{
    if (!entry) {
        m_drillWhen->setText(m_journal
                                 ? tr("No restore of %1 in the journal yet.")
                                       .arg(m_service.name.isEmpty() ? tr("this service") : m_service.name)
                                 : tr("No journal: the last drill is unknown."));
        m_drillResult->setText(tr("Run one (a drill) to measure the recovery time against the targets."));
        m_drillRto->setText(tr("—"));
        m_drillRpo->setText(tr("—"));
        for (QLabel *icon : { m_drillResultIcon, m_drillRtoIcon, m_drillRpoIcon })
            setIcon(icon, std::nullopt);
        return;
    }
    const QDateTime now = m_clock.wallNow();
    const QVariantMap &p = entry->parameters;
    const QString restored
        = p.value(QStringLiteral("restoredDatabase"), p.value(QStringLiteral("newName"))).toString();
    m_drillWhen->setText(
        tr("%1 — %2 → %3")
            .arg(when(entry->startedAt, now), p.value(QStringLiteral("database")).toString(), restored));

    const int rto = rtoMinutes();
    const int rpo = rpoMinutes();
    switch (entry->status) {
    case JournalStatus::Succeeded:
        setIcon(m_drillResultIcon, Health::Healthy);
        m_drillResult->setText(tr("Succeeded (journal entry %1)").arg(entry->id));
        break;
    case JournalStatus::Failed:
        setIcon(m_drillResultIcon, Health::Unhealthy);
        m_drillResult->setText(tr("Failed: %1 (journal entry %2)")
                                   .arg(entry->error ? entry->error->message : entry->message)
                                   .arg(entry->id));
        break;
    case JournalStatus::Refused:
        setIcon(m_drillResultIcon, Health::Degraded);
        m_drillResult->setText(tr("Refused: %1 (journal entry %2)")
                                   .arg(entry->error ? entry->error->message : entry->message)
                                   .arg(entry->id));
        break;
    case JournalStatus::Started:
        setIcon(m_drillResultIcon, Health::Unknown);
        m_drillResult->setText(
            tr("Running%1: %2")
                .arg(entry->percent >= 0 ? tr(" (%1 %)").arg(entry->percent) : QString(), entry->message));
        break;
    case JournalStatus::Interrupted:
        setIcon(m_drillResultIcon, Health::Degraded);
        m_drillResult->setText(
            tr("Interrupted: Opsdeck stopped while it ran; History (Ctrl+H) can resume it."));
        break;
    case JournalStatus::Abandoned:
        setIcon(m_drillResultIcon, Health::Unknown);
        m_drillResult->setText(tr("Abandoned: %1").arg(entry->message));
        break;
    }

    // Recovery time: from the start of the runbook to its verified end, against the RTO.
    if (entry->status == JournalStatus::Succeeded && entry->finishedAt.isValid()) {
        const qint64 took = entry->startedAt.secsTo(entry->finishedAt);
        const bool over = took > qint64(rto) * 60;
        setIcon(m_drillRtoIcon, over ? Health::Unhealthy : Health::Healthy);
        m_drillRto->setText(over ? tr("OVER target: took %1, the RTO target is %2 min (%3 over).")
                                       .arg(RestoreRunbookDialog::durationText(took))
                                       .arg(rto)
                                       .arg(RestoreRunbookDialog::durationText(took - qint64(rto) * 60))
                                 : tr("Within target: took %1, the RTO target is %2 min.")
                                       .arg(RestoreRunbookDialog::durationText(took))
                                       .arg(rto));
    } else if (entry->status == JournalStatus::Started) {
        const qint64 running = entry->startedAt.secsTo(now);
        const bool over = running > qint64(rto) * 60;
        setIcon(m_drillRtoIcon, over ? Health::Unhealthy : Health::Unknown);
        m_drillRto->setText(over ? tr("OVER target already: running for %1, the RTO target is %2 min.")
                                       .arg(RestoreRunbookDialog::durationText(running))
                                       .arg(rto)
                                 : tr("Running for %1; the RTO target is %2 min.")
                                       .arg(RestoreRunbookDialog::durationText(running))
                                       .arg(rto));
    } else {
        setIcon(m_drillRtoIcon, Health::Unknown);
        const qint64 took = entry->finishedAt.isValid() ? entry->startedAt.secsTo(entry->finishedAt) : -1;
        m_drillRto->setText(
            took >= 0 ? tr("Not measured: it ended without a recovery after %1 (RTO target %2 min).")
                            .arg(RestoreRunbookDialog::durationText(took))
                            .arg(rto)
                      : tr("Not measured (RTO target %1 min).").arg(rto));
    }

    // Data window: how far before the start the restore point lay — what a real incident would lose.
    const QDateTime point
        = QDateTime::fromString(p.value(QStringLiteral("pointInTime")).toString(), Qt::ISODate);
    if (point.isValid()) {
        const qint64 window = std::max<qint64>(0, point.secsTo(entry->startedAt));
        const bool over = window > qint64(rpo) * 60;
        setIcon(m_drillRpoIcon, over ? Health::Unhealthy : Health::Healthy);
        const QString text
            = tr("restore point %1, %2 before the restore began")
                  .arg(DatabaseTableModel::utcText(point), RestoreRunbookDialog::durationText(window));
        m_drillRpo->setText(over ? tr("OVER target: %1; the RPO target is %2 min.").arg(text).arg(rpo)
                                 : tr("Within target: %1; the RPO target is %2 min.").arg(text).arg(rpo));
    } else {
        setIcon(m_drillRpoIcon, std::nullopt);
        m_drillRpo->setText(tr("—"));
    }
}

RestoreRunbookDialog *DatabasePane::openRestoreDialog()
{
    if (!m_actions || m_readOnly || m_service.name.isEmpty())
        return nullptr;
    if (m_dialog) {
        if (m_dialog->service() == m_service) {
            m_dialog->raise();
            m_dialog->activateWindow();
            return m_dialog;
        }
        m_dialog->close();
    }
    auto *dialog = new RestoreRunbookDialog(m_actions, m_service, m_clock, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setDatabases(m_store ? m_store->databasesFor(m_service.name) : QList<SqlDatabase> {});
    // The database selected in the table is the one to restore.
    const QModelIndex current = m_table->currentIndex();
    if (current.isValid())
        dialog->plan()->selectDatabase(m_model->databases().value(current.row()).name);
    m_dialog = dialog;
    dialog->show();
    Q_EMIT dialogOpened(dialog);
    return dialog;
}

} // namespace Opsdeck
