#include "mainwindow.h"

#include "actionpanel.h"
#include "alertengine.h"
#include "alertsview.h"
#include "alerttablemodel.h"
#include "canarypane.h"
#include "clearablelineedit.h"
#include "datasourcetablemodel.h"
#include "drillspanel.h"
#include "eventtablemodel.h"
#include "format.h"
#include "healthdelegate.h"
#include "healthpane.h"
#include "healthstyle.h"
#include "notificationsettingsdialog.h"
#include "journalview.h"
#include "podtablemodel.h"
#include "rcaexportdialog.h"
#include "rcasource.h"
#include "scopelistmodel.h"
#include "servicefilterproxymodel.h"
#include "servicestore.h"
#include "servicetablemodel.h"
#include "signindialog.h"
#include "sourcelistmodel.h"
#include "costcolumnproxymodel.h"
#include "costsview.h"
#include "databasepane.h"
#include "telemetrydelegate.h"
#include "telemetrystore.h"
#include "timelinemodel.h"
#include "timelineview.h"
#include "warroomwindow.h"
#include "trayindicator.h"

#include <QAbstractItemView>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenuBar>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTransposeProxyModel>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {

// Server-supplied and file-supplied text is shown as plain text, never rich text (DESIGN §8).
QLabel *valueLabel(const QString &accessibleName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    label->setAccessibleName(accessibleName);
    return label;
}

QString stateWord(ConnectionInfo::State state)
{
    switch (state) {
    case ConnectionInfo::State::NotConfigured:
        return QObject::tr("Not configured");
    case ConnectionInfo::State::Connecting:
        return QObject::tr("Connecting…");
    case ConnectionInfo::State::Connected:
        return QObject::tr("Connected");
    case ConnectionInfo::State::Failed:
        return QObject::tr("Connection failed");
    }
    return {};
}

// Sorts the detail tables by their models' raw values (numbers as numbers, times as times).
QSortFilterProxyModel *sortingProxy(QAbstractItemModel *source, int sortRole, QObject *parent)
{
    auto *proxy = new QSortFilterProxyModel(parent);
    proxy->setSourceModel(source);
    proxy->setSortRole(sortRole);
    proxy->setDynamicSortFilter(true);
    return proxy;
}

} // namespace

MainWindow::MainWindow(SourceListModel *sources, ServiceStore *store, QWidget *parent)
    : QMainWindow(parent)
    , m_sources(sources)
    , m_store(store)
{
    setWindowTitle(QStringLiteral("Opsdeck"));
    setAccessibleName(QStringLiteral("Opsdeck"));
    resize(1360, 820);

    m_serviceModel = new ServiceTableModel(store, this);
    m_serviceProxy = new ServiceFilterProxyModel(this);
    m_serviceProxy->setSourceModel(m_serviceModel);
    m_podModel = new PodTableModel(store, this);
    m_podProxy = sortingProxy(m_podModel, PodTableModel::SortRole, this);
    m_eventModel = new EventTableModel(store, this);
    m_eventProxy = sortingProxy(m_eventModel, EventTableModel::SortRole, this);
    m_contextList = new ScopeListModel(store, ScopeListModel::Scope::Contexts, this);
    m_namespaceList = new ScopeListModel(store, ScopeListModel::Scope::Namespaces, this);
    m_dataSources = new DataSourceTableModel(store, this);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(6, 6, 6, 0);
    layout->setSpacing(4);
    layout->addWidget(createFilterBar());

    m_services = createTable(tr("Services"), tr("Every service of the selected contexts, live"));
    m_services->setModel(m_serviceProxy);
    m_services->setItemDelegate(new HealthDelegate(ServiceTableModel::HealthColumn, m_services));
    m_services->sortByColumn(ServiceTableModel::NameColumn, Qt::AscendingOrder);
    m_services->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_services->horizontalHeader()->setStretchLastSection(true);

    auto *splitter = new QSplitter(Qt::Vertical, central);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(m_services);
    splitter->addWidget(createDetailPane());
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter, 1);
    setCentralWidget(central);

    m_sourcesDock = createSourcesDock();
    addDockWidget(Qt::RightDockWidgetArea, m_sourcesDock);
    resizeDocks({m_sourcesDock}, {440}, Qt::Horizontal);

    m_statusText = new QLabel(this);
    m_statusText->setTextFormat(Qt::PlainText);
    m_statusText->setAccessibleName(tr("Status"));
    statusBar()->addWidget(m_statusText, 1);
    m_contextStatus = new QLabel(this);
    m_contextStatus->setTextFormat(Qt::PlainText);
    m_contextStatus->setAccessibleName(tr("Last update per context"));
    statusBar()->addPermanentWidget(m_contextStatus);
    statusBar()->setAccessibleName(tr("Status bar"));

    createMenus();

    // Keyboard order: pickers, filter, services, pods, events.
    setTabOrder(m_contextPicker, m_namespacePicker);
    setTabOrder(m_namespacePicker, m_filter);
    setTabOrder(m_filter, m_onlyProblems);
    setTabOrder(m_onlyProblems, m_services);
    setTabOrder(m_services, m_pods);
    setTabOrder(m_pods, m_events);
    setTabOrder(m_events, m_detailTabs);

    connect(m_services->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &MainWindow::onCurrentServiceChanged);
    connect(m_serviceProxy, &QAbstractItemModel::rowsInserted, this, [this] {
        if (!m_columnsSized) {
            m_columnsSized = true;
            m_services->resizeColumnsToContents();
            for (int column = 0; column < ServiceTableModel::LastWarningColumn; ++column)
                m_services->setColumnWidth(column, qMin(m_services->columnWidth(column) + 12, 260));
            // Room for "Unhealthy" / "Stale, 12 min" and "Open: productservice" before any of them shows up.
            const int em = m_services->fontMetrics().horizontalAdvance(QLatin1Char('M'));
            m_services->setColumnWidth(ServiceTableModel::HealthColumn, qMax(m_services->columnWidth(ServiceTableModel::HealthColumn), 10 * em));
            m_services->setColumnWidth(ServiceTableModel::BreakersColumn, qMax(m_services->columnWidth(ServiceTableModel::BreakersColumn), 20 * em));
            // And for "3.71% (+3.12 pp)" in the canary telemetry cells before telemetry arrives.
            for (int column : {ServiceTableModel::CanaryErrorRateColumn, ServiceTableModel::CanaryP95Column})
                m_services->setColumnWidth(column, qMax(m_services->columnWidth(column), 11 * em));
        }
        if (!m_services->currentIndex().isValid() && m_serviceProxy->rowCount() > 0)
            m_services->setCurrentIndex(m_serviceProxy->index(0, ServiceTableModel::NameColumn));
    });
    connect(m_serviceProxy, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex &first, const QModelIndex &last) {
        const QModelIndex current = m_services->currentIndex();
        if (current.isValid() && current.row() >= first.row() && current.row() <= last.row())
            updateDetailTitle();
    });
    // Fit the pods' columns to their content, but keep long pod and node names from pushing CPU and
    // memory out of sight (names are elided in the middle, where pod names differ least).
    const auto fitPods = [this] {
        m_pods->resizeColumnsToContents();
        const int em = m_pods->fontMetrics().horizontalAdvance(QLatin1Char('M'));
        for (int column = 0; column < PodTableModel::ColumnCount; ++column)
            m_pods->setColumnWidth(column, qMin(m_pods->columnWidth(column), (column == PodTableModel::NameColumn ? 20 : 11) * em));
    };
    connect(m_podProxy, &QAbstractItemModel::modelReset, this, fitPods);
    connect(m_podProxy, &QAbstractItemModel::rowsInserted, this, fitPods);
    m_pods->setTextElideMode(Qt::ElideMiddle);
    connect(store, &ServiceStore::contextsChanged, this, &MainWindow::onContextsChanged);
    connect(m_sources, &QAbstractItemModel::modelReset, this, &MainWindow::updateSourcesSummary);
    connect(m_sources, &QAbstractItemModel::dataChanged, this, &MainWindow::updateSourcesSummary);

    // "updated 3 s ago" must move on by itself.
    m_clock = new QTimer(this);
    m_clock->setInterval(1000);
    connect(m_clock, &QTimer::timeout, this, &MainWindow::updateContextStatus);
    connect(m_clock, &QTimer::timeout, this, [this] {
        m_dataSources->tick();
        m_services->viewport()->update(); // "Stale (stale, 3 min)" moves on
    });
    m_clock->start();

    updateSourcesSummary();
    onContextsChanged();
    setConnection(ConnectionInfo{});
    updateDetailTitle();
    m_services->setFocus();
}

MainWindow::~MainWindow() = default;

QTableView *MainWindow::createTable(const QString &accessibleName, const QString &description)
{
    auto *table = new QTableView(this);
    table->setAccessibleName(accessibleName);
    table->setAccessibleDescription(description);
    table->setSortingEnabled(true);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->setTabKeyNavigation(false); // Tab leaves the table; arrows move inside it
    table->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    table->verticalHeader()->hide();
    table->verticalHeader()->setAccessibleName(tr("%1 rows").arg(accessibleName));
    table->horizontalHeader()->setAccessibleName(tr("%1 columns").arg(accessibleName));
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 8); // dense rows
    table->horizontalHeader()->setHighlightSections(false);
    table->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    table->horizontalHeader()->setStretchLastSection(true);
    return table;
}

QWidget *MainWindow::createFilterBar()
{
    auto *bar = new QWidget(this);
    auto *row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(6);

    m_contextPicker = new QComboBox(bar);
    m_contextPicker->setAccessibleName(tr("Context"));
    m_contextPicker->setAccessibleDescription(tr("Show the services of one kubeconfig context, or of all"));
    m_contextPicker->setModel(m_contextList);
    m_contextPicker->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_contextPicker->view()->setAccessibleName(tr("Contexts"));
    auto *contextLabel = new QLabel(tr("&Context:"), bar);
    contextLabel->setBuddy(m_contextPicker);

    m_namespacePicker = new QComboBox(bar);
    m_namespacePicker->setAccessibleName(tr("Namespace"));
    m_namespacePicker->setAccessibleDescription(tr("Show the services of one namespace, or of all"));
    m_namespacePicker->setModel(m_namespaceList);
    m_namespacePicker->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_namespacePicker->view()->setAccessibleName(tr("Namespaces"));
    auto *namespaceLabel = new QLabel(tr("&Namespace:"), bar);
    namespaceLabel->setBuddy(m_namespacePicker);

    m_filter = new QLineEdit(bar);
    m_filter->setAccessibleName(tr("Filter services"));
    m_filter->setPlaceholderText(tr("Filter services by name or namespace (Ctrl+F)"));
    enableNamedClearButton(m_filter, tr("Clear filter"));
    m_filter->setMinimumWidth(280);

    m_onlyProblems = new QCheckBox(tr("Only &problems"), bar);
    m_onlyProblems->setAccessibleName(tr("Only problems"));
    m_onlyProblems->setToolTip(tr("Show only Degraded, Unhealthy and Stale services"));

    row->addWidget(contextLabel);
    row->addWidget(m_contextPicker);
    row->addSpacing(8);
    row->addWidget(namespaceLabel);
    row->addWidget(m_namespacePicker);
    row->addSpacing(8);
    row->addWidget(m_filter, 1);
    row->addWidget(m_onlyProblems);

    connect(m_contextPicker, &QComboBox::currentIndexChanged, this, [this](int row) {
        const QString context = m_contextList->index(qMax(row, 0), 0).data(ScopeListModel::ScopeRole).toString();
        m_serviceProxy->setContextFilter(context);
        m_namespaceList->setContext(context);
    });
    connect(m_namespacePicker, &QComboBox::currentIndexChanged, this, [this](int row) {
        m_serviceProxy->setNamespaceFilter(m_namespaceList->index(qMax(row, 0), 0).data(ScopeListModel::ScopeRole).toString());
    });
    connect(m_filter, &QLineEdit::textChanged, m_serviceProxy, &ServiceFilterProxyModel::setFilterText);
    connect(m_onlyProblems, &QCheckBox::toggled, m_serviceProxy, &ServiceFilterProxyModel::setOnlyProblems);
    return bar;
}

QWidget *MainWindow::createDetailPane()
{
    auto *pane = new QWidget(this);
    auto *layout = new QVBoxLayout(pane);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->setSpacing(4);
    m_detailTitle = valueLabel(tr("Selected service"), pane);
    QFont bold = m_detailTitle->font();
    bold.setBold(true);
    m_detailTitle->setFont(bold);
    m_detailTitle->setWordWrap(false);
    layout->addWidget(m_detailTitle);

    m_pods = createTable(tr("Pods"), tr("The pods of the selected service"));
    m_pods->setModel(m_podProxy);
    m_pods->sortByColumn(PodTableModel::NameColumn, Qt::AscendingOrder);
    m_events = createTable(tr("Events"), tr("The Kubernetes events of the selected service, newest first"));
    m_events->setModel(m_eventProxy);
    m_events->sortByColumn(EventTableModel::LastSeenColumn, Qt::DescendingOrder);
    const int em = m_events->fontMetrics().horizontalAdvance(QLatin1Char('M'));
    m_events->setColumnWidth(EventTableModel::LastSeenColumn, 8 * em);
    m_events->setColumnWidth(EventTableModel::TypeColumn, 6 * em);
    m_events->setColumnWidth(EventTableModel::ReasonColumn, 10 * em);
    m_events->setColumnWidth(EventTableModel::ObjectColumn, 16 * em);
    m_events->setColumnWidth(EventTableModel::CountColumn, 4 * em);

    auto *split = new QSplitter(Qt::Horizontal, pane);
    split->setChildrenCollapsible(false);
    const auto titled = [split](const QString &title, QTableView *view) {
        auto *box = new QGroupBox(title, split);
        box->setAccessibleName(title);
        box->setFlat(true);
        auto *l = new QVBoxLayout(box);
        l->setContentsMargins(0, 2, 0, 0);
        l->addWidget(view);
        return box;
    };
    split->addWidget(titled(tr("Pods"), m_pods));
    split->addWidget(titled(tr("Events"), m_events));
    split->setStretchFactor(0, 11);
    split->setStretchFactor(1, 9);
    m_healthPane = new HealthPane(m_store, pane);
    m_detailTabs = new QTabWidget(pane);
    m_detailTabs->setAccessibleName(tr("Service details"));
    m_detailTabs->setDocumentMode(true);
    m_detailTabs->addTab(split, tr("P&ods and events"));
    m_detailTabs->addTab(m_healthPane, tr("&Health"));
    m_detailTabs->setTabToolTip(HealthTab, tr("The service's /health report and its circuit breakers (Ctrl+4)"));
    layout->addWidget(m_detailTabs, 1);
    return pane;
}

QDockWidget *MainWindow::createSourcesDock()
{
    auto *dock = new QDockWidget(tr("Sources"), this);
    dock->setObjectName(QStringLiteral("sourcesDock"));
    dock->setAccessibleName(tr("Sources panel"));
    dock->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable);
    auto *content = new QWidget(dock);
    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(6, 6, 6, 6);

    auto *cluster = new QGroupBox(tr("Cluster"), content);
    cluster->setAccessibleName(tr("Cluster connection"));
    auto *form = new QFormLayout(cluster);
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    m_state = valueLabel(tr("Connection state"), cluster);
    m_context = valueLabel(tr("Connected context"), cluster);
    m_server = valueLabel(tr("Server"), cluster);
    m_server->setWordWrap(true);
    m_version = valueLabel(tr("Server version"), cluster);
    m_message = valueLabel(tr("Connection message"), cluster);
    m_message->setWordWrap(true);
    m_message->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    form->addRow(tr("State:"), m_state);
    form->addRow(tr("Context:"), m_context);
    form->addRow(tr("Server:"), m_server);
    form->addRow(tr("Version:"), m_version);
    form->addRow(m_message);
    layout->addWidget(cluster);

    auto *dataBox = new QGroupBox(tr("Data sources"), content);
    dataBox->setAccessibleName(tr("Data sources"));
    auto *dataLayout = new QVBoxLayout(dataBox);
    m_dataSourceView = createTable(tr("Data sources"), tr("Each running data source: its state, its own circuit breaker, its last "
                                                             "success and how stale the data it shows is"));
    m_dataSourceView->setParent(dataBox);
    // Transposed: one column per source, its fields as rows, so it fits the narrow dock.
    auto *transposed = new QTransposeProxyModel(this);
    transposed->setSourceModel(m_dataSources);
    m_dataSourceView->setModel(transposed);
    m_dataSourceView->setSortingEnabled(false);
    m_dataSourceView->verticalHeader()->show();
    m_dataSourceView->horizontalHeader()->hide(); // the Source row names each column
    m_dataSourceView->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_dataSourceView->setWordWrap(true);
    m_dataSourceView->setMinimumHeight(m_dataSourceView->fontMetrics().height() * 5);
    dataLayout->addWidget(m_dataSourceView);
    const auto fitSources = [this] { m_dataSourceView->resizeRowsToContents(); };
    connect(m_dataSources, &QAbstractItemModel::modelReset, this, fitSources);
    connect(m_dataSources, &QAbstractItemModel::dataChanged, this, fitSources);
    layout->addWidget(dataBox);

    auto *sourcesBox = new QGroupBox(tr("Sources"), content);
    sourcesBox->setAccessibleName(tr("Sources"));
    auto *sourcesLayout = new QVBoxLayout(sourcesBox);
    m_sourcesSummary = valueLabel(tr("Sources summary"), sourcesBox);
    sourcesLayout->addWidget(m_sourcesSummary);
    m_plugins = new QListView(sourcesBox);
    m_plugins->setAccessibleName(tr("Plugins"));
    m_plugins->setAccessibleDescription(tr("Loaded plugins with their state, and plugins that failed to load"));
    m_plugins->setModel(m_sources);
    m_plugins->setUniformItemSizes(true);
    m_plugins->setAlternatingRowColors(true);
    m_plugins->setWordWrap(true);
    m_plugins->setEditTriggers(QAbstractItemView::NoEditTriggers);
    sourcesLayout->addWidget(m_plugins);
    layout->addWidget(sourcesBox, 1);
    content->setMinimumWidth(content->fontMetrics().horizontalAdvance(QLatin1Char('M')) * 22);
    dock->setWidget(content);
    return dock;
}

SignInDialog *MainWindow::showAzureSignIn()
{
    auto *dialog = new SignInDialog(m_azure, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    return dialog;
}

RcaExportDialog *MainWindow::showRcaExport()
{
    auto *dialog = new RcaExportDialog(
        [this](const QDateTime &from, const QDateTime &to) -> Result<RcaReport::Inputs> {
            if (!m_journal)
                return tl::unexpected(Error{ErrorKind::Config, tr("No action journal is open."), tr("Restart Opsdeck to open it."), {}});
            Result<RcaReport::Inputs> inputs = RcaSource::read(*m_journal, from, to);
            // The live timeline adds what only this session saw (events, scaling, breakers); the report
            // de-duplicates what both have by (kind, reference).
            if (inputs && m_timeline)
                inputs->timeline += m_timeline->entries();
            return inputs;
        },
        this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    return dialog;
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Azure sign-in…"), this, &MainWindow::showAzureSignIn);
    QAction *rca = file->addAction(tr("Export &RCA…"), this, &MainWindow::showRcaExport);
    rca->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *filter = view->addAction(tr("&Filter services"), this, [this] {
        m_filter->setFocus(Qt::ShortcutFocusReason);
        m_filter->selectAll();
    });
    filter->setShortcut(QKeySequence::Find);
    QAction *services = view->addAction(tr("&Services"), this, [this] { m_services->setFocus(Qt::ShortcutFocusReason); });
    services->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    QAction *pods = view->addAction(tr("&Pods"), this, [this] { m_pods->setFocus(Qt::ShortcutFocusReason); });
    pods->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_2));
    QAction *events = view->addAction(tr("&Events"), this, [this] { m_events->setFocus(Qt::ShortcutFocusReason); });
    events->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_3));
    QAction *health = view->addAction(tr("&Health"), this, [this] {
        showDetailTab(HealthTab);
        m_healthPane->entriesView()->setFocus(Qt::ShortcutFocusReason);
    });
    health->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_4));
    QAction *context = view->addAction(tr("&Context"), this, [this] {
        m_contextPicker->setFocus(Qt::ShortcutFocusReason);
        m_contextPicker->showPopup();
    });
    context->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    QAction *ns = view->addAction(tr("&Namespace"), this, [this] {
        m_namespacePicker->setFocus(Qt::ShortcutFocusReason);
        m_namespacePicker->showPopup();
    });
    ns->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
    QAction *problems = view->addAction(tr("Only &problems"));
    problems->setCheckable(true);
    problems->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    connect(problems, &QAction::toggled, m_onlyProblems, &QCheckBox::setChecked);
    connect(m_onlyProblems, &QCheckBox::toggled, problems, &QAction::setChecked);
    view->addSeparator();
    QAction *dock = m_sourcesDock->toggleViewAction();
    dock->setText(tr("S&ources panel"));
    dock->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    view->addAction(dock);
}

void MainWindow::setTelemetry(TelemetryStore *telemetry)
{
    if (m_canaryPane || !telemetry)
        return;
    m_serviceModel->setTelemetry(telemetry);
    // Room for "12.5% (+11.50 pp) · stale" in the canary cells, icon included.
    const int em = m_services->fontMetrics().horizontalAdvance(QLatin1Char('M'));
    for (int column = ServiceTableModel::StableErrorRateColumn; column <= ServiceTableModel::CanaryP95Column; ++column) {
        m_services->setItemDelegateForColumn(column, new TelemetryDelegate(ServiceTableModel::HealthColumn, m_services));
        const bool canary = column == ServiceTableModel::CanaryErrorRateColumn || column == ServiceTableModel::CanaryP95Column;
        m_services->setColumnWidth(column, (canary ? 11 : 7) * em);
    }
    m_healthPane->setTelemetry(telemetry);
    m_canaryPane = new CanaryPane(telemetry, m_detailTabs);
    m_detailTabs->insertTab(CanaryTab, m_canaryPane, tr("&Canary"));
    m_detailTabs->setTabToolTip(CanaryTab, tr("Canary against stable: verdict, error rate, p95 and request rate over the window (Ctrl+5)"));
    m_canaryPane->setService(m_selected);
    connect(m_canaryPane, &CanaryPane::windowChanged, this, &MainWindow::telemetryWindowRequested);
    // The verdict also stands next to the action buttons (issue 6), when the Actions panel exists.
    connect(m_canaryPane, &CanaryPane::verdictChanged, this, [this](const QString &text, const QString &toolTip) {
        if (auto *panel = findChild<ActionPanel *>())
            panel->setVerdict(text, toolTip);
    });
    QAction *canary = new QAction(tr("&Canary"), this);
    canary->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_5));
    connect(canary, &QAction::triggered, this, [this] {
        showDetailTab(CanaryTab);
        m_canaryPane->windowPicker()->setFocus(Qt::ShortcutFocusReason);
    });
    // In the View menu beside Health (Ctrl+4), so the shortcut is discoverable.
    const QList<QMenu *> menus = menuBar()->findChildren<QMenu *>();
    const auto view = std::find_if(menus.cbegin(), menus.cend(), [this](QMenu *menu) { return menu->title() == tr("&View"); });
    if (view != menus.cend())
        (*view)->addAction(canary);
    else
        addAction(canary);
}

void MainWindow::setActions(ActionService *service, Journal *journal, bool readOnly)
{
    if (m_historyDock || !service || !journal)
        return;
    m_actionService = service;
    m_journal = journal;
    m_readOnly = readOnly;
    if (m_databasePane)
        m_databasePane->setActions(service, journal, readOnly);
    QMenu *view = nullptr;
    for (QMenu *menu : menuBar()->findChildren<QMenu *>()) {
        if (menu->title() == tr("&View"))
            view = menu;
    }
    if (view)
        view->addSeparator();
    if (!readOnly) { // --read-only hides every action
        m_actionPanel = new ActionPanel(service, this);
        m_actionsDock = new QDockWidget(tr("Actions"), this);
        m_actionsDock->setObjectName(QStringLiteral("actionsDock"));
        m_actionsDock->setAccessibleName(tr("Actions panel"));
        m_actionsDock->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable);
        m_actionsDock->setWidget(m_actionPanel);
        addDockWidget(Qt::RightDockWidgetArea, m_actionsDock);
        splitDockWidget(m_sourcesDock, m_actionsDock, Qt::Vertical);
        m_actionPanel->setService(m_selected);
        if (view) {
            QAction *toggle = m_actionsDock->toggleViewAction();
            toggle->setText(tr("&Actions panel"));
            toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));
            view->addAction(toggle);
        }
    }
    m_journalView = new JournalView(journal, service, this);
    m_journalView->setReadOnly(readOnly);
    m_historyDock = new QDockWidget(tr("History"), this);
    m_historyDock->setObjectName(QStringLiteral("historyDock"));
    m_historyDock->setAccessibleName(tr("History panel"));
    m_historyDock->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    m_historyDock->setWidget(m_journalView);
    addDockWidget(Qt::BottomDockWidgetArea, m_historyDock);
    if (view) {
        QAction *toggle = m_historyDock->toggleViewAction();
        toggle->setText(tr("&History"));
        toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_H));
        view->addAction(toggle);
    }
    // Interrupted actions need a decision: show them at start; otherwise History waits to be asked for.
    m_historyDock->setVisible(m_journalView->interruptedCount() > 0);
    connect(m_journalView, &JournalView::interruptedFound, m_historyDock, &QWidget::show);
    connect(m_historyDock, &QDockWidget::visibilityChanged, m_journalView, [this](bool visible) {
        if (visible)
            m_journalView->refresh();
    });
}

void MainWindow::addActionProvider(ActionProvider *provider)
{
    if (m_actionPanel)
        m_actionPanel->addProvider(provider);
}

void MainWindow::showDetailTab(DetailTab tab)
{
    // Without telemetry there is no Canary tab: the Database tab then sits one place earlier.
    if (tab == DatabaseTab && m_databasePane) {
        m_detailTabs->setCurrentWidget(m_databasePane);
        return;
    }
    m_detailTabs->setCurrentIndex(int(tab));
}

void MainWindow::setDatabases(DatabaseStore *databases)
{
    if (m_databasePane || !databases)
        return;
    m_databasePane = new DatabasePane(databases, m_detailTabs);
    const int index = m_detailTabs->insertTab(DatabaseTab, m_databasePane, tr("&Database"));
    m_detailTabs->setTabToolTip(index, tr("The service's databases, recovery targets, last restore drill and the point-in-time restore (Ctrl+Shift+B)"));
    m_databasePane->setActions(m_actionService, m_journal, m_readOnly);
    m_databasePane->setService(m_selected);
    // The runbook's shortcut works from anywhere in the window, and brings the tab forward.
    addAction(m_databasePane->restoreAction());
    connect(m_databasePane->restoreAction(), &QAction::triggered, this, [this] { showDetailTab(DatabaseTab); });
}

bool MainWindow::selectService(const ServiceKey &key)
{
    const QModelIndex source = m_serviceModel->indexOf(key);
    const QModelIndex index = m_serviceProxy->mapFromSource(m_costColumn ? m_costColumn->mapFromSource(source) : source);
    if (!index.isValid())
        return false;
    m_services->setCurrentIndex(index);
    m_services->scrollTo(index);
    return true;
}

void MainWindow::onCurrentServiceChanged()
{
    const QModelIndex current = m_services->currentIndex();
    m_selected = current.isValid() ? current.data(ServiceTableModel::ServiceKeyRole).value<ServiceKey>() : ServiceKey{};
    m_podModel->setService(m_selected);
    m_eventModel->setService(m_selected);
    m_healthPane->setService(m_selected);
    if (m_actionPanel)
        m_actionPanel->setService(m_selected);
    if (m_canaryPane)
        m_canaryPane->setService(m_selected);
    if (m_databasePane)
        m_databasePane->setService(m_selected);
    updateDetailTitle();
}

void MainWindow::updateDetailTitle()
{
    const ServiceSummary *s = m_selected.name.isEmpty() ? nullptr : m_store->service(m_selected);
    if (!s) {
        m_detailTitle->setText(tr("No service selected"));
        return;
    }
    const auto track = [](const QString &name, const TrackSummary &t) {
        return t.present ? QStringLiteral("%1 r%2 %3").arg(name).arg(t.revision).arg(t.image) : QString();
    };
    QStringList parts{QStringLiteral("%1 — %2 / %3").arg(s->key.name, s->key.context, s->key.ns), HealthStyle::word(s->health)};
    for (const QString &t : {track(tr("stable"), s->stable), track(tr("canary"), s->canary)}) {
        if (!t.isEmpty())
            parts << t;
    }
    m_detailTitle->setText(parts.join(QStringLiteral("   ·   ")));
}

void MainWindow::onContextsChanged()
{
    const QStringList contexts = m_store->contexts();
    // One context: its name on every row says nothing.
    m_services->setColumnHidden(ServiceTableModel::ContextColumn, contexts.size() <= 1);
    updateContextStatus();
}

void MainWindow::updateContextStatus()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QStringList parts;
    QStringList tips;
    for (const QString &name : m_store->contexts()) {
        const ContextState state = m_store->contextState(name);
        QString text;
        if (state.isStale())
            text = tr("%1: stale, last update %2").arg(name, Format::ago(state.lastUpdate, now));
        else if (!state.isSynced())
            text = tr("%1: syncing…").arg(name);
        else
            text = tr("%1: updated %2").arg(name, Format::ago(state.lastUpdate, now));
        parts << text;
        QString tip = tr("%1: last update %2").arg(name, Format::absoluteTime(state.lastUpdate));
        if (state.sourceStatus && state.sourceStatus->error)
            tip += QStringLiteral("\n") + toString(*state.sourceStatus->error);
        tips << tip;
    }
    m_contextStatus->setText(parts.join(QStringLiteral("   ")));
    m_contextStatus->setToolTip(tips.join(QStringLiteral("\n")));
}

void MainWindow::setConnection(const ConnectionInfo &info)
{
    m_connection = info;
    const QString dash = QStringLiteral("—");
    m_state->setText(stateWord(info.state));
    m_context->setText(info.contextName.isEmpty() ? dash : info.contextName);
    // A zero-width space after the scheme lets a long URL wrap instead of losing its port off the edge.
    m_server->setText(info.server.isEmpty() ? dash : QString(info.server).replace(QStringLiteral("://"), QStringLiteral("://\u200b")));
    m_server->setToolTip(info.server);
    m_version->setText(info.serverVersion.isEmpty() ? dash : info.serverVersion);
    m_message->setText(info.message);
    m_message->setVisible(!info.message.isEmpty());
    // The state is a word first; the colour only repeats it (DESIGN §11: never colour alone).
    QPalette palette = m_context->palette();
    if (info.state == ConnectionInfo::State::Failed)
        palette.setColor(QPalette::WindowText, HealthStyle::color(Health::Unhealthy));
    m_state->setPalette(palette);

    if (info.state == ConnectionInfo::State::Connected)
        showStatus(tr("Connected to %1 (%2)").arg(info.contextName, info.serverVersion));
    else if (info.state == ConnectionInfo::State::Failed)
        showStatus(tr("Not connected: %1").arg(info.message));
    else if (info.state == ConnectionInfo::State::Connecting)
        showStatus(tr("Connecting to %1…").arg(info.contextName.isEmpty() ? info.server : info.contextName));
}

void MainWindow::showStatus(const QString &text)
{
    m_statusText->setText(text);
}

void MainWindow::updateSourcesSummary()
{
    const int loaded = m_sources->pluginCount();
    const int errors = m_sources->errorCount();
    QString text = tr("%n plugin(s) loaded", nullptr, loaded);
    if (errors > 0)
        text += QStringLiteral(", ") + tr("%n failed to load", nullptr, errors);
    m_sourcesSummary->setText(text);
}

void MainWindow::setCosts(CostStore *costs)
{
    if (m_costsDock || !costs)
        return;
    // The Cost (MTD) column sits between the Services model and its filter: the table knows nothing of costs.
    m_costColumn = new CostColumnProxyModel(costs, this);
    m_costColumn->setSourceModel(m_serviceModel);
    m_serviceProxy->setSourceModel(m_costColumn);
    m_services->setColumnWidth(m_costColumn->costColumn(), m_services->fontMetrics().horizontalAdvance(QLatin1Char('M')) * 8);
    // Shown beside the scaling figures, not past the last column (a visual move: the model keeps its order).
    m_services->horizontalHeader()->moveSection(m_costColumn->costColumn(), ServiceTableModel::CanaryWeightColumn + 1);

    m_costsView = new CostsView(costs, this);
    m_costsDock = new QDockWidget(tr("Costs"), this);
    m_costsDock->setObjectName(QStringLiteral("costsDock"));
    m_costsDock->setAccessibleName(tr("Costs panel"));
    m_costsDock->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    m_costsDock->setWidget(m_costsView);
    addDockWidget(Qt::BottomDockWidgetArea, m_costsDock);
    m_costsDock->hide(); // asked for with View → Costs
    for (QMenu *menu : menuBar()->findChildren<QMenu *>()) {
        if (menu->title() == tr("&View")) {
            QAction *toggle = m_costsDock->toggleViewAction();
            toggle->setText(tr("&Costs"));
            toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_6));
            toggle->setToolTip(tr("Cost per service, forecast and budgets (Cost Management)"));
            menu->addAction(toggle);
            break;
        }
    }
}

void MainWindow::setDrills(DrillRunner *runner, DrillStore *store, SimChaos *chaos)
{
    if (m_drillsDock || !runner)
        return;
    m_drillsPanel = new DrillsPanel(runner, store, chaos, m_store, this);
    m_drillsDock = DrillsPanel::addDock(this, m_drillsPanel);
}

void MainWindow::setAlerts(AlertEngine *engine, AlertLog *log)
{
    if (m_alertsDock || !engine)
        return;
    m_alertEngine = engine;
    m_alertsView = new AlertsView(engine, log, this);
    m_alertsDock = new QDockWidget(tr("Alerts"), this);
    m_alertsDock->setObjectName(QStringLiteral("alertsDock"));
    m_alertsDock->setAccessibleName(tr("Alerts panel"));
    m_alertsDock->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    m_alertsDock->setWidget(m_alertsView);
    addDockWidget(Qt::BottomDockWidgetArea, m_alertsDock);
    connect(m_alertsView, &AlertsView::serviceActivated, this, [this](const ServiceKey &key) { selectService(key); });
    for (QMenu *menu : menuBar()->findChildren<QMenu *>()) {
        if (menu->title() == tr("&View")) {
            QAction *toggle = m_alertsDock->toggleViewAction();
            toggle->setText(tr("&Alerts"));
            toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
            toggle->setToolTip(tr("Active alerts and their history; acknowledge with Ctrl+K"));
            connect(toggle, &QAction::triggered, this, [this](bool shown) {
                if (shown)
                    m_alertsView->setFocus(Qt::ShortcutFocusReason);
            });
            menu->addAction(toggle);
            break;
        }
    }

    m_trayIndicator = new TrayIndicator(engine, this, this);
    QMenu *settings = nullptr;
    for (QMenu *menu : menuBar()->findChildren<QMenu *>()) {
        if (menu->title() == tr("&Settings"))
            settings = menu;
    }
    if (!settings)
        settings = menuBar()->addMenu(tr("&Settings"));
    QAction *notifications = settings->addAction(tr("&Notifications…"), this, &MainWindow::showNotificationSettings);
    notifications->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    m_trayIndicator->addMenuAction(notifications);

    // "Opsdeck — 2 alerts": the count where the task bar shows it.
    m_baseTitle = windowTitle().isEmpty() ? QStringLiteral("Opsdeck") : windowTitle();
    const auto updateTitle = [this] {
        const int count = m_alertEngine ? int(m_alertEngine->active().size()) : 0;
        setWindowTitle(count == 0 ? m_baseTitle : tr("%1 — %2").arg(m_baseTitle, AlertTableModel::countText(count)));
    };
    connect(engine, &AlertEngine::alertsChanged, this, updateTitle);
    updateTitle();
}

void MainWindow::showNotificationSettings()
{
    if (!m_trayIndicator)
        return;
    auto *dialog = new NotificationSettingsDialog(m_trayIndicator->policy().settings(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        if (m_trayIndicator)
            m_trayIndicator->setNotificationSettings(dialog->settings());
    });
    dialog->open();
}

void MainWindow::setTimeline(TimelineModel *timeline)
{
    if (m_timelineDock || !timeline)
        return;
    m_timeline = timeline;
    m_timelineView = new TimelineView(timeline, this);
    connect(m_timelineView, &TimelineView::entryActivated, this, &MainWindow::openTimelineEntry);
    m_timelineDock = new QDockWidget(tr("Timeline"), this);
    m_timelineDock->setObjectName(QStringLiteral("timelineDock"));
    m_timelineDock->setAccessibleName(tr("Timeline panel"));
    m_timelineDock->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    m_timelineDock->setWidget(m_timelineView);
    addDockWidget(Qt::BottomDockWidgetArea, m_timelineDock);
    m_timelineDock->hide(); // asked for with View → Timeline
    QAction *toggle = m_timelineDock->toggleViewAction();
    toggle->setText(tr("&Timeline"));
    toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_8));
    toggle->setToolTip(tr("Everything that happened, merged: events, scaling, rollouts, actions, alerts, breakers"));
    auto *warRoom = new QAction(tr("&War room"), this);
    warRoom->setShortcut(QKeySequence(Qt::Key_F11));
    warRoom->setToolTip(tr("Full screen, large type: services with alerts first, the timeline below (Esc leaves)"));
    connect(warRoom, &QAction::triggered, this, &MainWindow::showWarRoom);
    QMenu *view = nullptr;
    for (QMenu *menu : menuBar()->findChildren<QMenu *>()) {
        if (menu->title() == tr("&View"))
            view = menu;
    }
    if (view) {
        view->addAction(toggle);
        view->addAction(warRoom);
    } else {
        addAction(toggle);
        addAction(warRoom);
    }
}

void MainWindow::setWarRoomSources(TelemetryStore *telemetry, AlertEngine *alerts)
{
    m_warRoomTelemetry = telemetry;
    m_warRoomAlerts = alerts;
    if (m_warRoom) {
        m_warRoom->setTelemetry(telemetry);
        m_warRoom->setAlerts(alerts);
    }
}

void MainWindow::showWarRoom()
{
    if (!m_timeline)
        return;
    if (!m_warRoom) {
        m_warRoom = std::make_unique<WarRoomWindow>(m_store, m_warRoomTelemetry, m_warRoomAlerts, m_timeline);
        connect(m_warRoom.get(), &WarRoomWindow::left, this, [this] {
            activateWindow();
            m_services->setFocus(Qt::OtherFocusReason);
        });
        connect(m_warRoom.get(), &WarRoomWindow::serviceOpened, this, [this](const ServiceKey &service, const QDateTime &at, TimelineEntry::Kind kind) {
            m_warRoom->leave();
            openTimelineEntry(service, at, kind);
        });
    }
    m_warRoom->enter();
}

void MainWindow::openTimelineEntry(const ServiceKey &service, const QDateTime &at, TimelineEntry::Kind kind)
{
    if (service.name.isEmpty()) {
        showStatus(tr("Estate-wide entry at %1").arg(Format::absoluteTime(at)));
        return;
    }
    // A budget knows its service only by the Service tag: the first service of that name.
    ServiceKey key = service;
    if (key.context.isEmpty() || key.ns.isEmpty()) {
        for (int row = 0; row < m_store->serviceCount(); ++row) {
            const ServiceKey &candidate = m_store->serviceAt(row).key;
            if (candidate.name == service.name && (service.context.isEmpty() || candidate.context == service.context)) {
                key = candidate;
                break;
            }
        }
    }
    if (!selectService(key)) {
        showStatus(tr("%1 is not in the Services table (filtered out or gone)").arg(service.name));
        return;
    }
    switch (kind) {
    case TimelineEntry::Kind::Breaker:
    case TimelineEntry::Kind::Health:
    case TimelineEntry::Kind::Alert:
    case TimelineEntry::Kind::Drill:
        showDetailTab(HealthTab);
        break;
    case TimelineEntry::Kind::CanaryWeight:
        showDetailTab(m_canaryPane ? CanaryTab : PodsTab);
        break;
    case TimelineEntry::Kind::Budget:
        if (m_costsDock)
            m_costsDock->show();
        break;
    case TimelineEntry::Kind::Event:
    case TimelineEntry::Kind::Scaling:
    case TimelineEntry::Kind::Rollout:
    case TimelineEntry::Kind::Action:
        showDetailTab(PodsTab);
        break;
    }
    showStatus(tr("%1 at %2").arg(key.name, Format::absoluteTime(at)));
}

} // namespace Opsdeck
