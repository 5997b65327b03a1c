#include "warroomwindow.h"

#include "alertengine.h"
#include "timelinefilterproxymodel.h"
#include "timelinemodel.h"
#include "timelinestrip.h"
#include "timelineview.h"
#include "warroomdelegate.h"
#include "warroomservicemodel.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace Opsdeck {

WarRoomWindow::WarRoomWindow(ServiceStore *store, TelemetryStore *telemetry, AlertEngine *alerts,
                             TimelineModel *timeline, QWidget *parent)
    : QWidget(parent, Qt::Window)
    , m_model(new WarRoomServiceModel(store, telemetry, alerts, this))
    , m_alerts(alerts)
    , m_title(new QLabel(this))
    , m_clock(new QLabel(this))
    , m_banner(new QLabel(this))
    , m_services(new QTableView(this))
    , m_timeline(new TimelineView(timeline, this))
    , m_footer(new QLabel(this))
{
    setWindowTitle(tr("Opsdeck — war room"));
    setAccessibleName(tr("War room"));
    setPalette(highContrastPalette());
    setAutoFillBackground(true);
    QFont big = QApplication::font();
    big.setPointSizeF(big.pointSizeF() * FontScale);
    setFont(big);

    QFont titleFont = big;
    titleFont.setBold(true);
    titleFont.setPointSizeF(big.pointSizeF() * 1.25);
    m_title->setFont(titleFont);
    m_title->setAccessibleName(tr("War room summary"));
    m_title->setTextFormat(Qt::PlainText);
    m_clock->setFont(titleFont);
    m_clock->setAccessibleName(tr("Time"));
    m_clock->setTextFormat(Qt::PlainText);
    m_banner->setAccessibleName(tr("Estate-wide alerts"));
    m_banner->setTextFormat(Qt::PlainText);
    m_banner->setWordWrap(true);
    m_banner->setAutoFillBackground(true);
    QPalette bannerPalette = m_banner->palette();
    bannerPalette.setColor(QPalette::Window, QColor(0x4a, 0x33, 0x00));
    m_banner->setPalette(bannerPalette);

    m_services->setModel(m_model);
    m_services->setItemDelegate(new WarRoomDelegate(m_services));
    m_services->setAccessibleName(tr("Services, alerts first"));
    m_services->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_services->setSelectionMode(QAbstractItemView::SingleSelection);
    m_services->verticalHeader()->hide();
    m_services->setWordWrap(false);
    m_services->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_services->horizontalHeader()->setStretchLastSection(true);
    m_services->setShowGrid(false);

    m_footer->setAccessibleName(tr("Keyboard shortcuts"));
    m_footer->setTextFormat(Qt::PlainText);
    m_footer->setWordWrap(true);

    auto *header = new QHBoxLayout;
    header->addWidget(m_title, 1);
    header->addWidget(m_clock);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_services);
    split->addWidget(m_timeline);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(m_banner);
    layout->addWidget(split, 1);
    layout->addWidget(m_footer);

    // Every action has a key, and the footer lists them all.
    addShortcut(tr("Esc leave"), QKeySequence(Qt::Key_Escape), [this] { leave(); });
    addShortcut(tr("F11 leave"), QKeySequence(Qt::Key_F11), [this] { leave(); });
    addShortcut(tr("Alt+1 services"), QKeySequence(Qt::ALT | Qt::Key_1), [this] {
        m_services->setFocus(Qt::ShortcutFocusReason);
        if (!m_services->currentIndex().isValid() && m_model->rowCount() > 0)
            m_services->setCurrentIndex(m_model->index(0, 0));
    });
    addShortcut(tr("Alt+2 timeline"), QKeySequence(Qt::ALT | Qt::Key_2),
                [this] { m_timeline->focusTable(); });
    addShortcut(tr("Alt+3 strip"), QKeySequence(Qt::ALT | Qt::Key_3),
                [this] { m_timeline->strip()->setFocus(Qt::ShortcutFocusReason); });
    addShortcut(tr("Ctrl+F search"), QKeySequence::Find, [this] { m_timeline->focusFilter(); });
    addShortcut(tr("Ctrl+= zoom in"), QKeySequence(Qt::CTRL | Qt::Key_Equal),
                [this] { m_timeline->strip()->zoomIn(); });
    addShortcut(tr("Ctrl+- zoom out"), QKeySequence(Qt::CTRL | Qt::Key_Minus),
                [this] { m_timeline->strip()->zoomOut(); });
    addShortcut(tr("Ctrl+←/→ pan"), QKeySequence(Qt::CTRL | Qt::Key_Left),
                [this] { m_timeline->strip()->panLeft(); });
    m_actions.constLast()->setShortcuts({ QKeySequence(Qt::CTRL | Qt::Key_Left) });
    {
        auto *right = new QAction(this);
        right->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Right));
        right->setShortcutContext(Qt::WindowShortcut);
        connect(right, &QAction::triggered, this, [this] { m_timeline->strip()->panRight(); });
        addAction(right);
    }
    addShortcut(tr("Ctrl+Home now"), QKeySequence(Qt::CTRL | Qt::Key_Home),
                [this] { m_timeline->strip()->showNow(); });
    addShortcut(tr("Ctrl+T this service's timeline"), QKeySequence(Qt::CTRL | Qt::Key_T), [this] {
        const ServiceKey key = currentService();
        m_timeline->setService(m_timeline->service() == key ? ServiceKey {} : key);
    });
    addShortcut(tr("Ctrl+W warnings and worse"), QKeySequence(Qt::CTRL | Qt::Key_W), [this] {
        const bool on = m_timeline->proxy()->minimumSeverity() != TimelineEntry::Severity::Warning;
        m_timeline->setMinimumSeverity(on ? TimelineEntry::Severity::Warning : TimelineEntry::Severity::Info);
    });
    addShortcut(tr("Ctrl+Shift+A acknowledge"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A),
                [this] { acknowledgeCurrent(); });
    addShortcut(tr("Ctrl+Enter open in main window"), QKeySequence(Qt::CTRL | Qt::Key_Return), [this] {
        if (m_timeline->table()->hasFocus()) {
            const QModelIndex index = m_timeline->table()->currentIndex();
            if (index.isValid()) {
                const auto entry = index.data(TimelineModel::EntryRole).value<TimelineEntry>();
                Q_EMIT serviceOpened(entry.service, entry.at, entry.kind);
                return;
            }
        }
        const ServiceKey key = currentService();
        if (!key.name.isEmpty())
            Q_EMIT serviceOpened(key, QDateTime::currentDateTimeUtc(), TimelineEntry::Kind::Health);
    });
    QStringList keys;
    for (QAction *action : std::as_const(m_actions))
        keys << action->text();
    m_footer->setText(keys.join(QStringLiteral("   ·   ")));

    // Enter on a service shows its timeline (again: all services).
    connect(m_services, &QTableView::activated, this, [this](const QModelIndex &index) {
        const auto key = index.data(WarRoomServiceModel::ServiceKeyRole).value<ServiceKey>();
        m_timeline->setService(m_timeline->service() == key ? ServiceKey {} : key);
    });
    connect(m_timeline, &TimelineView::entryActivated, this, [this](const ServiceKey &service) {
        const int row = m_model->rowOf(service);
        if (row >= 0)
            m_services->setCurrentIndex(m_model->index(row, 0));
    });
    connect(m_model, &WarRoomServiceModel::refreshed, this, &WarRoomWindow::updateHeader);
    auto *clock = new QTimer(this);
    clock->setInterval(1000);
    connect(clock, &QTimer::timeout, this,
            [this] { m_clock->setText(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss"))); });
    clock->start();
    m_clock->setText(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss")));
    updateHeader();
}

WarRoomWindow::~WarRoomWindow() = default;

QAction *WarRoomWindow::addShortcut(const QString &text, const QKeySequence &key, std::function<void()> slot)
{
    auto *action = new QAction(text, this);
    action->setShortcut(key);
    action->setShortcutContext(Qt::WindowShortcut);
    connect(action, &QAction::triggered, this, std::move(slot));
    addAction(action);
    m_actions.append(action);
    return action;
}

QPalette WarRoomWindow::highContrastPalette()
{
    // White on black with a yellow selection: well above WCAG AAA (7:1) for text.
    QPalette p;
    const QColor black(0, 0, 0);
    const QColor white(255, 255, 255);
    for (auto group : { QPalette::Active, QPalette::Inactive }) {
        p.setColor(group, QPalette::Window, black);
        p.setColor(group, QPalette::WindowText, white);
        p.setColor(group, QPalette::Base, black);
        p.setColor(group, QPalette::AlternateBase, QColor(0x1c, 0x1c, 0x1c));
        p.setColor(group, QPalette::Text, white);
        p.setColor(group, QPalette::Button, QColor(0x22, 0x22, 0x22));
        p.setColor(group, QPalette::ButtonText, white);
        p.setColor(group, QPalette::Highlight, QColor(0xff, 0xd7, 0x00));
        p.setColor(group, QPalette::HighlightedText, black);
        p.setColor(group, QPalette::ToolTipBase, black);
        p.setColor(group, QPalette::ToolTipText, white);
        p.setColor(group, QPalette::PlaceholderText, QColor(0xbb, 0xbb, 0xbb));
        p.setColor(group, QPalette::Mid, QColor(0x88, 0x88, 0x88));
        p.setColor(group, QPalette::Light, QColor(0xcc, 0xcc, 0xcc));
        p.setColor(group, QPalette::Dark, QColor(0x44, 0x44, 0x44));
    }
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x99, 0x99, 0x99));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x99, 0x99, 0x99));
    return p;
}

void WarRoomWindow::setAlerts(AlertEngine *alerts)
{
    m_alerts = alerts;
    m_model->setAlerts(alerts);
}

void WarRoomWindow::setTelemetry(TelemetryStore *telemetry)
{
    m_model->setTelemetry(telemetry);
}

void WarRoomWindow::enter()
{
    m_model->refresh();
    showFullScreen();
    raise();
    activateWindow();
    m_services->setFocus(Qt::ActiveWindowFocusReason);
    if (m_model->rowCount() > 0 && !m_services->currentIndex().isValid())
        m_services->setCurrentIndex(m_model->index(0, 0));
}

void WarRoomWindow::leave()
{
    if (!isVisible())
        return;
    hide();
    Q_EMIT left();
}

void WarRoomWindow::closeEvent(QCloseEvent *event)
{
    event->accept();
    Q_EMIT left();
}

ServiceKey WarRoomWindow::currentService() const
{
    const QModelIndex index = m_services->currentIndex();
    return index.isValid() ? index.data(WarRoomServiceModel::ServiceKeyRole).value<ServiceKey>()
                           : ServiceKey {};
}

void WarRoomWindow::acknowledgeCurrent()
{
    if (!m_alerts)
        return;
    const QModelIndex index = m_services->currentIndex();
    if (!index.isValid())
        return;
    QString who = qEnvironmentVariable("USER");
    if (who.isEmpty())
        who = tr("war room");
    for (const QString &id : index.data(WarRoomServiceModel::AlertIdsRole).toStringList())
        m_alerts->acknowledge(id, who);
}

void WarRoomWindow::updateHeader()
{
    const int pinned = m_model->pinnedCount();
    int alerts = 0;
    int critical = 0;
    if (m_alerts) {
        const QList<Alert> active = m_alerts->active();
        alerts = int(active.size());
        for (const Alert &alert : active)
            critical += alert.severity == Alert::Severity::Critical ? 1 : 0;
    }
    m_title->setText(alerts == 0
                         ? tr("War room — no active alerts, %n service(s)", nullptr, m_model->rowCount())
                         : tr("War room — %1 active alert(s), %2 critical, on %3 service(s)")
                               .arg(alerts)
                               .arg(critical)
                               .arg(pinned));
    const QList<Alert> estate = m_model->estateAlerts();
    QStringList lines;
    for (const Alert &alert : estate)
        lines << QStringLiteral("■ %1: %2").arg(alert.rule, alert.summary);
    m_banner->setText(lines.join(QLatin1Char('\n')));
    m_banner->setVisible(!lines.isEmpty());
}

} // namespace Opsdeck
