#include "mainwindow.h"

#include "sourcelistmodel.h"

#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QStatusBar>
#include <QStyle>
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

} // namespace

MainWindow::MainWindow(SourceListModel *sources, QWidget *parent)
    : QMainWindow(parent)
    , m_sources(sources)
{
    setWindowTitle(QStringLiteral("Opsdeck"));
    setAccessibleName(QStringLiteral("Opsdeck"));
    resize(960, 600);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);

    auto *cluster = new QGroupBox(tr("Cluster"), central);
    cluster->setAccessibleName(tr("Cluster connection"));
    auto *form = new QFormLayout(cluster);
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    m_state = valueLabel(tr("Connection state"), cluster);
    m_context = valueLabel(tr("Context"), cluster);
    m_server = valueLabel(tr("Server"), cluster);
    m_version = valueLabel(tr("Server version"), cluster);
    m_message = valueLabel(tr("Connection message"), cluster);
    m_message->setWordWrap(true);
    m_message->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred); // wrap at the form's width
    form->addRow(tr("State:"), m_state);
    form->addRow(tr("Context:"), m_context);
    form->addRow(tr("Server:"), m_server);
    form->addRow(tr("Version:"), m_version);
    form->addRow(QString(), m_message);
    layout->addWidget(cluster);

    auto *sourcesBox = new QGroupBox(tr("Sources"), central);
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
    m_plugins->setEditTriggers(QAbstractItemView::NoEditTriggers);
    sourcesLayout->addWidget(m_plugins);
    layout->addWidget(sourcesBox, 1);

    setCentralWidget(central);

    m_statusText = new QLabel(this);
    m_statusText->setTextFormat(Qt::PlainText);
    m_statusText->setAccessibleName(tr("Status"));
    statusBar()->addWidget(m_statusText, 1);
    statusBar()->setAccessibleName(tr("Status bar"));

    connect(m_sources, &QAbstractItemModel::modelReset, this, &MainWindow::updateSourcesSummary);
    connect(m_sources, &QAbstractItemModel::dataChanged, this, &MainWindow::updateSourcesSummary);
    updateSourcesSummary();
    setConnection(ConnectionInfo{});
}

MainWindow::~MainWindow() = default;

void MainWindow::setConnection(const ConnectionInfo &info)
{
    m_connection = info;
    const QString dash = QStringLiteral("—");
    m_state->setText(stateWord(info.state));
    m_context->setText(info.contextName.isEmpty() ? dash : info.contextName);
    m_server->setText(info.server.isEmpty() ? dash : info.server);
    m_version->setText(info.serverVersion.isEmpty() ? dash : info.serverVersion);
    m_message->setText(info.message);
    m_message->setVisible(!info.message.isEmpty());
    // The state is a word first; the colour only repeats it (DESIGN §11: never colour alone).
    QPalette palette = m_state->palette();
    if (info.state == ConnectionInfo::State::Failed)
        palette.setColor(QPalette::WindowText, QColor(0xb2, 0x22, 0x22));
    else
        palette = m_context->palette();
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

} // namespace Opsdeck
