#include "timelineview.h"

#include "clearablelineedit.h"
#include "timelinefilterproxymodel.h"
#include "timelinemodel.h"
#include "timelinestrip.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <map>

namespace Opsdeck {

namespace {

constexpr TimelineEntry::Kind AllKinds[] = {
    TimelineEntry::Kind::Alert,   TimelineEntry::Kind::Event,        TimelineEntry::Kind::Scaling,
    TimelineEntry::Kind::Rollout, TimelineEntry::Kind::CanaryWeight, TimelineEntry::Kind::Action,
    TimelineEntry::Kind::Breaker, TimelineEntry::Kind::Health,       TimelineEntry::Kind::Budget,
    TimelineEntry::Kind::Drill,
};

QComboBox *namedCombo(const QString &name, QWidget *parent)
{
    auto *combo = new QComboBox(parent);
    combo->setAccessibleName(name);
    combo->view()->setAccessibleName(name);
    return combo;
}

} // namespace

TimelineView::TimelineView(TimelineModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_proxy(new TimelineFilterProxyModel(this))
    , m_strip(nullptr)
    , m_table(new QTableView(this))
    , m_kind(namedCombo(tr("Timeline kind filter"), this))
    , m_service(namedCombo(tr("Timeline service filter"), this))
    , m_severity(namedCombo(tr("Timeline severity filter"), this))
    , m_text(new QLineEdit(this))
    , m_zoomIn(new QToolButton(this))
    , m_zoomOut(new QToolButton(this))
    , m_now(new QToolButton(this))
    , m_range(new QLabel(this))
    , m_servicesTimer(new QTimer(this))
{
    setAccessibleName(tr("Timeline"));
    m_proxy->setSourceModel(model);
    m_strip = new TimelineStrip(model, m_proxy, this);

    m_kind->addItem(tr("All kinds"), -1);
    for (TimelineEntry::Kind kind : AllKinds)
        m_kind->addItem(TimelineModel::kindLabel(kind), int(kind));
    m_service->addItem(tr("All services"));
    m_severity->addItem(tr("Info and worse"), int(TimelineEntry::Severity::Info));
    m_severity->addItem(tr("Warnings and worse"), int(TimelineEntry::Severity::Warning));
    m_severity->addItem(tr("Critical only"), int(TimelineEntry::Severity::Critical));
    m_text->setPlaceholderText(tr("Search the timeline"));
    m_text->setAccessibleName(tr("Timeline search"));
    enableNamedClearButton(m_text, tr("Clear timeline search"));
    m_zoomIn->setText(QStringLiteral("+"));
    m_zoomIn->setAccessibleName(tr("Zoom in"));
    m_zoomIn->setToolTip(tr("Zoom in (+, wheel up)"));
    m_zoomOut->setText(QStringLiteral("−"));
    m_zoomOut->setAccessibleName(tr("Zoom out"));
    m_zoomOut->setToolTip(tr("Zoom out (−, wheel down)"));
    m_now->setText(tr("Now"));
    m_now->setAccessibleName(tr("Show now"));
    m_now->setToolTip(tr("Follow the present (Home)"));
    m_range->setAccessibleName(tr("Visible time range"));
    m_range->setTextFormat(Qt::PlainText);

    auto *filters = new QHBoxLayout;
    filters->addWidget(m_kind);
    filters->addWidget(m_service);
    filters->addWidget(m_severity);
    filters->addWidget(m_text, 1);
    filters->addWidget(m_range);
    filters->addWidget(m_zoomOut);
    filters->addWidget(m_zoomIn);
    filters->addWidget(m_now);

    m_table->setModel(m_proxy);
    m_table->setAccessibleName(tr("Timeline entries"));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(TimelineModel::TimeColumn, Qt::DescendingOrder); // newest first
    m_table->verticalHeader()->hide();
    m_table->setWordWrap(false);
    m_table->horizontalHeader()->setSectionResizeMode(TimelineModel::TitleColumn, QHeaderView::Interactive);
    m_table->horizontalHeader()->setStretchLastSection(true);
    sizeColumns();

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_strip);
    split->addWidget(m_table);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 2);
    split->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(filters);
    layout->addWidget(split, 1);

    connect(m_kind, &QComboBox::currentIndexChanged, this, [this] {
        const int kind = m_kind->currentData().toInt();
        m_proxy->setKinds(kind < 0 ? QSet<TimelineEntry::Kind>()
                                   : QSet<TimelineEntry::Kind> { TimelineEntry::Kind(kind) });
    });
    connect(m_service, &QComboBox::currentIndexChanged, this,
            [this] { m_proxy->setService(m_service->currentData().value<ServiceKey>()); });
    connect(m_severity, &QComboBox::currentIndexChanged, this, [this] {
        m_proxy->setMinimumSeverity(TimelineEntry::Severity(m_severity->currentData().toInt()));
    });
    connect(m_text, &QLineEdit::textChanged, m_proxy, &TimelineFilterProxyModel::setFilterText);
    connect(m_zoomIn, &QToolButton::clicked, m_strip, &TimelineStrip::zoomIn);
    connect(m_zoomOut, &QToolButton::clicked, m_strip, &TimelineStrip::zoomOut);
    connect(m_now, &QToolButton::clicked, m_strip, &TimelineStrip::showNow);
    connect(m_strip, &TimelineStrip::rangeChanged, this, [this](const QDateTime &from, const QDateTime &to) {
        m_proxy->setTimeRange(from, to);
        updateRangeLabel();
    });
    connect(m_strip, &TimelineStrip::entryClicked, this, [this](int sourceRow) {
        const QModelIndex proxyIndex = m_proxy->mapFromSource(m_model->index(sourceRow, 0));
        if (proxyIndex.isValid())
            m_table->selectionModel()->setCurrentIndex(
                proxyIndex, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        m_table->scrollTo(proxyIndex);
        activateSourceRow(sourceRow);
    });
    connect(m_table, &QTableView::clicked, this, &TimelineView::activate);
    connect(m_table, &QTableView::activated, this, &TimelineView::activate);

    // The service picker lists the services on the timeline; rebuilt at most every second.
    m_servicesTimer->setSingleShot(true);
    m_servicesTimer->setInterval(1000);
    connect(m_servicesTimer, &QTimer::timeout, this, &TimelineView::refreshServices);
    auto schedule = [this] {
        if (!m_servicesTimer->isActive())
            m_servicesTimer->start();
    };
    connect(model, &QAbstractItemModel::rowsInserted, this, schedule);
    connect(model, &QAbstractItemModel::modelReset, this, schedule);
    refreshServices();

    m_proxy->setTimeRange(m_strip->visibleFrom(), {});
    updateRangeLabel();
}

void TimelineView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        sizeColumns(); // the war room's large type needs wider columns
}

void TimelineView::sizeColumns()
{
    m_table->horizontalHeader()->setFont(font());
    const QFontMetrics metrics(font());
    const int pad = metrics.averageCharWidth() * 2;
    m_table->setColumnWidth(TimelineModel::TimeColumn,
                            metrics.horizontalAdvance(QStringLiteral("0000-00-00 00:00:00")) + pad);
    m_table->setColumnWidth(
        TimelineModel::KindColumn,
        metrics.horizontalAdvance(TimelineModel::kindLabel(TimelineEntry::Kind::CanaryWeight)) + pad);
    // The longest word (and the header with its sort arrow) fits.
    const int severityWidth
        = std::max({ metrics.horizontalAdvance(tr("Critical")), metrics.horizontalAdvance(tr("Warning")),
                     metrics.horizontalAdvance(tr("Severity")) });
    m_table->setColumnWidth(TimelineModel::SeverityColumn, severityWidth + pad * 2);
    m_table->setColumnWidth(TimelineModel::ServiceColumn,
                            metrics.horizontalAdvance(QStringLiteral("notificationservice")) + pad);
    m_table->setColumnWidth(TimelineModel::TitleColumn, metrics.averageCharWidth() * 52);
    m_table->verticalHeader()->setDefaultSectionSize(metrics.height() + 6);
}

void TimelineView::refreshServices()
{
    std::map<QString, ServiceKey> services; // by label: sorted, one entry per service
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const ServiceKey &key = m_model->entryAt(row).service;
        if (key.name.isEmpty())
            continue;
        const QString label
            = key.context.isEmpty() ? key.name : QStringLiteral("%1 (%2)").arg(key.name, key.context);
        if (!key.context.isEmpty() || !services.count(label))
            services[label] = key;
    }
    // A budget's entry knows only the tag: skip it when the same name is known with its context.
    for (auto it = services.begin(); it != services.end();) {
        const bool bare = it->second.context.isEmpty();
        const bool hasFull
            = bare && std::any_of(services.cbegin(), services.cend(), [&](const auto &other) {
                  return !other.second.context.isEmpty() && other.second.name == it->second.name;
              });
        it = hasFull ? services.erase(it) : std::next(it);
    }
    const ServiceKey current = m_service->currentData().value<ServiceKey>();
    QSignalBlocker blocker(m_service);
    m_service->clear();
    m_service->addItem(tr("All services"));
    int currentIndex = 0;
    for (const auto &[label, key] : services) {
        m_service->addItem(label, QVariant::fromValue(key));
        if (key == current)
            currentIndex = m_service->count() - 1;
    }
    if (!current.name.isEmpty() && currentIndex == 0) {
        m_service->addItem(current.name,
                           QVariant::fromValue(current)); // keep a chosen service with no entries yet
        currentIndex = m_service->count() - 1;
    }
    m_service->setCurrentIndex(currentIndex);
}

void TimelineView::setService(const ServiceKey &key)
{
    if (key.name.isEmpty()) {
        m_service->setCurrentIndex(0);
        return;
    }
    int index = -1;
    for (int i = 1; i < m_service->count(); ++i) {
        if (m_service->itemData(i).value<ServiceKey>() == key)
            index = i;
    }
    if (index < 0) {
        m_service->addItem(key.name, QVariant::fromValue(key));
        index = m_service->count() - 1;
    }
    m_service->setCurrentIndex(index);
}

ServiceKey TimelineView::service() const
{
    return m_proxy->service();
}

void TimelineView::setKind(std::optional<TimelineEntry::Kind> kind)
{
    m_kind->setCurrentIndex(kind ? m_kind->findData(int(*kind)) : 0);
}

void TimelineView::setMinimumSeverity(TimelineEntry::Severity severity)
{
    m_severity->setCurrentIndex(m_severity->findData(int(severity)));
}

void TimelineView::setFilterText(const QString &text)
{
    m_text->setText(text);
}

void TimelineView::focusFilter()
{
    m_text->setFocus(Qt::ShortcutFocusReason);
    m_text->selectAll();
}

void TimelineView::focusTable()
{
    m_table->setFocus(Qt::ShortcutFocusReason);
    if (!m_table->currentIndex().isValid() && m_proxy->rowCount() > 0)
        m_table->setCurrentIndex(m_proxy->index(0, 0));
}

void TimelineView::activate(const QModelIndex &proxyIndex)
{
    if (!proxyIndex.isValid())
        return;
    activateSourceRow(m_proxy->mapToSource(proxyIndex).row());
}

void TimelineView::activateSourceRow(int sourceRow)
{
    if (sourceRow < 0 || sourceRow >= m_model->rowCount())
        return;
    const TimelineEntry &entry = m_model->entryAt(sourceRow);
    Q_EMIT entryActivated(entry.service, entry.at, entry.kind);
}

void TimelineView::updateRangeLabel()
{
    const qint64 span = m_strip->spanSeconds();
    const QString spanText = span >= 86400 ? tr("%1 d").arg(span / 86400.0, 0, 'g', 3)
        : span >= 3600                     ? tr("%1 h").arg(span / 3600.0, 0, 'g', 3)
                                           : tr("%1 min").arg(span / 60);
    m_range->setText(
        m_strip->followsNow()
            ? tr("last %1").arg(spanText)
            : tr("%1 to %2")
                  .arg(m_strip->visibleFrom().toLocalTime().toString(QStringLiteral("MM-dd HH:mm")),
                       m_strip->visibleTo().toLocalTime().toString(QStringLiteral("MM-dd HH:mm"))));
}

} // namespace Opsdeck
