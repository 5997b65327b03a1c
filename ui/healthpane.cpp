#include "healthpane.h"

#include "breakerhistorymodel.h"
#include "breakertimeline.h"
#include "healthentrytablemodel.h"
#include "healthstyle.h"
#include "telemetrystore.h"

#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {

// Status cells get the health icon beside the word (never colour alone).
class StatusDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        if (index.column() != HealthEntryTableModel::StatusColumn)
            return;
        option->features |= QStyleOptionViewItem::HasDecoration;
        option->icon = HealthStyle::icon(index.data(HealthEntryTableModel::HealthRole).value<Health>());
    }
};

QTableView *table(const QString &name, const QString &description, QWidget *parent)
{
    auto *view = new QTableView(parent);
    view->setAccessibleName(name);
    view->setAccessibleDescription(description);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->setTabKeyNavigation(false);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 8);
    view->horizontalHeader()->setAccessibleName(QObject::tr("%1 columns").arg(name));
    view->verticalHeader()->setAccessibleName(QObject::tr("%1 rows").arg(name));
    view->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    view->horizontalHeader()->setStretchLastSection(true);
    view->horizontalHeader()->setHighlightSections(false);
    return view;
}

} // namespace

HealthPane::HealthPane(ServiceStore *store, QWidget *parent)
    : QWidget(parent)
    , m_entryModel(new HealthEntryTableModel(store, this))
    , m_historyModel(new BreakerHistoryModel(store, this))
    , m_entryProxy(new QSortFilterProxyModel(this))
{
    setAccessibleName(tr("Health"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 2, 0, 0);
    layout->setSpacing(4);

    m_summary = new QLabel(this);
    m_summary->setTextFormat(Qt::PlainText); // server-supplied text (DESIGN §8)
    m_summary->setWordWrap(true);
    m_summary->setAccessibleName(tr("Health report summary"));
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    layout->addWidget(m_summary);

    m_entryProxy->setSourceModel(m_entryModel);
    m_entryProxy->setSortRole(HealthEntryTableModel::SortRole);
    m_entryProxy->setDynamicSortFilter(true);
    m_entries = table(tr("Health entries"), tr("The entries of the selected service's /health report"), this);
    m_entries->setModel(m_entryProxy);
    m_entries->setSortingEnabled(true);
    m_entries->sortByColumn(HealthEntryTableModel::NameColumn, Qt::AscendingOrder);
    m_entries->setItemDelegate(new StatusDelegate(m_entries));
    const int em = m_entries->fontMetrics().horizontalAdvance(QLatin1Char('M'));
    m_entries->setColumnWidth(HealthEntryTableModel::NameColumn, 11 * em);
    m_entries->setColumnWidth(HealthEntryTableModel::TrackColumn, 5 * em);
    m_entries->setColumnWidth(HealthEntryTableModel::StatusColumn, 8 * em);
    m_entries->setColumnWidth(HealthEntryTableModel::DurationColumn, 6 * em);
    m_entries->setColumnWidth(HealthEntryTableModel::DescriptionColumn, 22 * em);
    m_entries->setTextElideMode(Qt::ElideRight);

    m_timeline = new BreakerTimeline(m_historyModel, this);
    m_history = table(tr("Breaker transitions"), tr("Circuit breaker transitions of the selected service, newest first"), this);
    m_history->setModel(m_historyModel);
    m_history->setColumnWidth(BreakerHistoryModel::TimeColumn, 7 * em);
    m_history->setColumnWidth(BreakerHistoryModel::BreakerColumn, 10 * em);
    m_history->setColumnWidth(BreakerHistoryModel::TrackColumn, 5 * em);
    m_history->setColumnWidth(BreakerHistoryModel::StateColumn, 6 * em);

    auto *breakers = new QGroupBox(tr("Circuit breakers, last hours"), this);
    breakers->setAccessibleName(tr("Circuit breakers"));
    breakers->setFlat(true);
    auto *breakerLayout = new QVBoxLayout(breakers);
    breakerLayout->setContentsMargins(0, 2, 0, 0);
    auto *breakerSplit = new QSplitter(Qt::Vertical, breakers);
    breakerSplit->setChildrenCollapsible(false);
    breakerSplit->addWidget(m_timeline);
    breakerSplit->addWidget(m_history);
    breakerLayout->addWidget(breakerSplit);

    auto *split = new QSplitter(Qt::Horizontal, this);
    split->setChildrenCollapsible(false);
    split->addWidget(m_entries);
    split->addWidget(breakers);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);

    setTabOrder(m_entries, m_timeline);
    setTabOrder(m_timeline, m_history);
    connect(m_entryModel, &QAbstractItemModel::modelReset, this, &HealthPane::updateSummary);
    updateSummary();
}

void HealthPane::setService(const ServiceKey &key)
{
    m_entryModel->setService(key);
    m_historyModel->setService(key);
    updateSummary();
    updateResilienceEvents();
}

void HealthPane::setTelemetry(TelemetryStore *telemetry)
{
    m_telemetry = telemetry;
    if (telemetry) {
        connect(telemetry, &TelemetryStore::telemetryChanged, this, [this](const QSet<ServiceKey> &services) {
            if (services.contains(m_entryModel->service()))
                updateResilienceEvents();
        });
    }
    updateResilienceEvents();
}

void HealthPane::updateResilienceEvents()
{
    const ServiceKey key = m_entryModel->service();
    m_timeline->setResilienceEvents(m_telemetry && !key.name.isEmpty() ? m_telemetry->resilienceEvents(key) : QList<ResilienceEvent>());
}

void HealthPane::updateSummary()
{
    m_summary->setText(m_entryModel->service().name.isEmpty() ? tr("No service selected") : m_entryModel->summary());
}

} // namespace Opsdeck
