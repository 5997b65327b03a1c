#include "costsview.h"

#include "costbudgetdelegate.h"
#include "costcharts.h"
#include "costformat.h"
#include "coststore.h"
#include "coststyle.h"
#include "costtablemodel.h"
#include "format.h"
#include "healthstyle.h"

#include <QAbstractItemView>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {

QChartView *chartView(QChart *chart, const QString &name, const QString &description, QWidget *parent)
{
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    auto *view = new QChartView(chart, parent);
    view->setRenderHint(QPainter::Antialiasing);
    view->setAccessibleName(name);
    view->setAccessibleDescription(description);
    view->setMinimumHeight(260); // a chart view in a splitter collapses without one (DESIGN §12)
    view->setFocusPolicy(Qt::StrongFocus);
    return view;
}

} // namespace

CostsView::CostsView(CostStore *store, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_model(new CostTableModel(store, this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_table(new QTableView(this))
    , m_daily(new QChart)
    , m_detail(new QChart)
    , m_alerts(new QListWidget(this))
    , m_age(new QLabel(this))
    , m_total(new QLabel(this))
    , m_scope(new QComboBox(this))
    , m_refresh(new QPushButton(tr("&Refresh"), this))
    , m_export(new QPushButton(tr("E&xport CSV…"), this))
    , m_clock(new QTimer(this))
{
    setAccessibleName(tr("Costs"));
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(CostTableModel::SortRole);
    m_proxy->setDynamicSortFilter(true);

    // Top bar: scope, refresh, export, and how old the figures are.
    m_scope->setEditable(true);
    m_scope->setAccessibleName(tr("Cost scope"));
    m_scope->view()->setAccessibleName(tr("Cost scopes")); // the drop-down list, as a screen reader meets it
    m_scope->setToolTip(tr("The subscription, a resource group's name, or a full scope (/subscriptions/…/resourceGroups/…)"));
    m_scope->addItem(tr("Subscription"), QString());
    m_scope->setMinimumWidth(260);
    m_scope->lineEdit()->setAccessibleName(tr("Cost scope"));
    auto *scopeLabel = new QLabel(tr("&Scope:"), this);
    scopeLabel->setBuddy(m_scope);
    m_refresh->setAccessibleName(tr("Refresh costs"));
    m_refresh->setToolTip(tr("Ask Cost Management again now (it refreshes by itself every hour)"));
    m_refresh->setIcon(QIcon::fromTheme(QStringLiteral("view-refresh")));
    m_export->setAccessibleName(tr("Export costs as CSV"));
    m_export->setToolTip(tr("Save the table as it is shown (order included) as CSV, plain numbers"));
    m_export->setIcon(QIcon::fromTheme(QStringLiteral("document-save-as")));
    m_age->setTextFormat(Qt::PlainText);
    m_age->setAccessibleName(tr("Cost figures age"));
    m_total->setTextFormat(Qt::PlainText);
    m_total->setAccessibleName(tr("Total cost"));
    QFont bold = m_total->font();
    bold.setBold(true);
    m_total->setFont(bold);

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(scopeLabel);
    bar->addWidget(m_scope);
    bar->addWidget(m_refresh);
    bar->addWidget(m_export);
    bar->addSpacing(12);
    bar->addWidget(m_total);
    bar->addStretch(1);
    bar->addWidget(m_age);

    // The table.
    m_table->setModel(m_proxy);
    m_table->setAccessibleName(tr("Costs by service"));
    m_table->setAccessibleDescription(tr("Per Service tag: month to date, last month's same days, change, forecast, budget and "
                                         "budget used; untagged and shared spend are rows of their own"));
    m_table->setItemDelegate(new CostBudgetDelegate(CostTableModel::BudgetUsedColumn, m_table));
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(CostTableModel::MonthToDateColumn, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setTabKeyNavigation(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setAccessibleName(tr("Costs by service columns"));
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    // A handful of rows: every column fits its content, the budget bar takes the rest.
    for (int column = 0; column < CostTableModel::BudgetUsedColumn; ++column)
        m_table->horizontalHeader()->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    m_table->setMinimumHeight(m_table->fontMetrics().height() * 8);

    m_alerts->setAccessibleName(tr("Budget alerts"));
    m_alerts->setAccessibleDescription(tr("Budget thresholds crossed by the spend or by the forecast"));
    m_alerts->setMaximumHeight(m_alerts->fontMetrics().height() * 5 + 8);
    m_alerts->setSelectionMode(QAbstractItemView::NoSelection);

    m_dailyView = chartView(m_daily, tr("Daily cost chart"),
                            tr("The month's cost per day, stacked by service; forecast days lighter; the budget's daily pace as a line"),
                            this);
    m_detailView = chartView(m_detail, tr("Service cost chart"),
                             tr("The selected service's cumulative cost this month, the forecast to month end and its budget"), this);

    auto *charts = new QSplitter(Qt::Horizontal, this);
    charts->setChildrenCollapsible(false);
    charts->addWidget(m_dailyView);
    charts->addWidget(m_detailView);
    charts->setStretchFactor(0, 3);
    charts->setStretchFactor(1, 2);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->setChildrenCollapsible(false);
    split->addWidget(m_table);
    split->addWidget(charts);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 2);
    split->setSizes({300, 520});

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(4);
    layout->addLayout(bar);
    layout->addWidget(m_alerts);
    layout->addWidget(split, 1);

    connect(m_store, &CostStore::changed, this, &CostsView::onStoreChanged);
    connect(m_store, &CostStore::alertsChanged, this, &CostsView::onAlertsChanged);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &CostsView::updateDetail);
    connect(m_refresh, &QPushButton::clicked, this, [this] {
        m_refreshing = true;
        updateAge();
        Q_EMIT refreshRequested();
    });
    connect(m_export, &QPushButton::clicked, this, &CostsView::onExportClicked);
    connect(m_scope->lineEdit(), &QLineEdit::returnPressed, this, [this] {
        const QString text = m_scope->currentText().trimmed();
        Q_EMIT scopeRequested(text == tr("Subscription") ? QString() : text);
    });
    connect(m_scope, &QComboBox::activated, this, [this](int index) {
        const QVariant data = m_scope->itemData(index);
        Q_EMIT scopeRequested(data.isValid() ? data.toString() : m_scope->itemText(index));
    });
    m_clock->setInterval(15'000); // "updated 3 min ago" moves on
    connect(m_clock, &QTimer::timeout, this, &CostsView::updateAge);
    m_clock->start();

    setTabOrder(m_scope, m_refresh);
    setTabOrder(m_refresh, m_export);
    setTabOrder(m_export, m_table);
    setTabOrder(m_table, m_dailyView);
    setTabOrder(m_dailyView, m_detailView);
    onStoreChanged();
    onAlertsChanged();
}

void CostsView::onStoreChanged()
{
    m_refreshing = false;
    CostCharts::fillDaily(m_daily, *m_store);
    if (!m_table->currentIndex().isValid() && m_proxy->rowCount() > 0)
        m_table->setCurrentIndex(m_proxy->index(0, CostTableModel::ServiceColumn));
    updateDetail();
    updateAge();
    m_total->setText(m_store->hasData() ? tr("Total %1").arg(CostFormat::money(m_store->totalMonthToDate(), m_store->currency())) : QString());
}

void CostsView::onAlertsChanged()
{
    m_alerts->clear();
    const QList<CostAlert> alerts = m_store->alerts();
    if (alerts.isEmpty()) {
        auto *item = new QListWidgetItem(HealthStyle::icon(Health::Healthy), tr("No budget threshold crossed"), m_alerts);
        item->setToolTip(tr("Budget alerts appear here when spend or forecast crosses a budget's threshold"));
        return;
    }
    for (const CostAlert &alert : alerts) {
        const Health health = alert.severity == CostAlert::Severity::Critical ? Health::Unhealthy
            : alert.severity == CostAlert::Severity::Warning                  ? Health::Degraded
                                                                               : Health::Stale;
        auto *item = new QListWidgetItem(HealthStyle::icon(health),
                                         QStringLiteral("%1 — %2").arg(toString(alert.severity), alert.summary), m_alerts);
        item->setToolTip(tr("Since %1").arg(Format::absoluteTime(alert.since)));
    }
}

void CostsView::updateAge()
{
    if (!m_store->hasData()) {
        m_age->setText(m_refreshing ? tr("Asking Cost Management…") : tr("No cost figures yet"));
        return;
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QDateTime fetched = m_store->fetchedAt();
    QString text = tr("%1 — figures up to %2").arg(m_store->scope(), QLocale().toString(m_store->asOf(), QStringLiteral("d MMM yyyy")));
    if (m_store->isCached())
        text += tr(", cached (%1)").arg(Format::stale(fetched, now));
    else
        text += tr(", updated %1").arg(Format::ago(fetched, now));
    if (m_refreshing)
        text += tr(" — refreshing…");
    m_age->setText(text);
    m_age->setToolTip(tr("Read from Cost Management at %1").arg(Format::absoluteTime(fetched)));
}

void CostsView::updateDetail()
{
    CostCharts::fillDetail(m_detail, *m_store, selectedService());
}

QString CostsView::selectedService() const
{
    const QModelIndex current = m_table->currentIndex();
    return current.isValid() ? current.data(CostTableModel::ServiceRole).toString() : QString();
}

bool CostsView::selectService(const QString &service)
{
    for (int row = 0; row < m_proxy->rowCount(); ++row) {
        const QModelIndex index = m_proxy->index(row, CostTableModel::ServiceColumn);
        if (index.data(CostTableModel::ServiceRole).toString() == service) {
            m_table->setCurrentIndex(index);
            return true;
        }
    }
    return false;
}

QString CostsView::shownCsv() const
{
    return CostTableModel::toCsv(m_proxy);
}

bool CostsView::exportCsv(const QString &path, QString *error) const
{
    QSaveFile file(path);
    const QByteArray bytes = shownCsv().toUtf8();
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        if (error)
            *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

void CostsView::onExportClicked()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export costs as CSV"),
                                                      QStringLiteral("costs-%1.csv").arg(m_store->asOf().toString(Qt::ISODate)),
                                                      tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportCsv(path, &error))
        QMessageBox::warning(this, tr("Export costs as CSV"), error);
}

} // namespace Opsdeck
