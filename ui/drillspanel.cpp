#include "drillspanel.h"

#include "drillrunner.h"
#include "servicestore.h"
#include "simchaos.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QDockWidget>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {

QLabel *plainLabel(const QString &accessibleName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText); // server text and service names are never markup
    label->setWordWrap(true);
    label->setAccessibleName(accessibleName);
    return label;
}

QString secondsText(const std::optional<qint64> &s)
{
    return s ? QString::number(*s) : QStringLiteral("—");
}

enum Column { WhenColumn, ScenarioColumn, ServiceColumn, StatusColumn, DetectionColumn, RecoveryColumn, RtoColumn, NoteColumn, ColumnCount };

} // namespace

DrillsPanel::DrillsPanel(DrillRunner *runner, DrillStore *store, SimChaos *chaos, ServiceStore *services, QWidget *parent)
    : QWidget(parent)
    , m_runner(runner)
    , m_store(store)
    , m_chaos(chaos)
    , m_services(services)
    , m_status(plainLabel(tr("Drill target"), this))
    , m_scenario(new QComboBox(this))
    , m_service(new QComboBox(this))
    , m_description(plainLabel(tr("Scenario description"), this))
    , m_run(new QPushButton(tr("&Run drill…"), this))
    , m_cancel(new QPushButton(tr("Ca&ncel drill"), this))
    , m_outcome(plainLabel(tr("Drill outcome"), this))
    , m_results(new QTableWidget(0, ColumnCount, this))
    , m_ticker(new QTimer(this))
{
    setAccessibleName(tr("Drills"));
    m_scenario->setAccessibleName(tr("Drill scenario"));
    m_scenario->view()->setAccessibleName(tr("Drill scenarios"));
    for (const QString &id : drillScenarios())
        m_scenario->addItem(DrillScenario::forService(id, QStringLiteral("the service"))->title, id);
    m_service->setAccessibleName(tr("Drill service"));
    m_service->view()->setAccessibleName(tr("Services to drill"));
    m_run->setAccessibleName(tr("Run drill"));
    m_run->setToolTip(tr("Injects the scenario's fault into the service (asks first) — Ctrl+Return"));
    m_run->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_cancel->setAccessibleName(tr("Cancel drill"));
    m_cancel->setToolTip(tr("Clears the fault and ends the drill — Ctrl+Period"));
    m_cancel->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));

    auto *form = new QFormLayout;
    auto *scenarioLabel = new QLabel(tr("&Scenario:"), this);
    scenarioLabel->setBuddy(m_scenario);
    auto *serviceLabel = new QLabel(tr("S&ervice:"), this);
    serviceLabel->setBuddy(m_service);
    form->addRow(scenarioLabel, m_scenario);
    form->addRow(serviceLabel, m_service);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_run);
    buttons->addWidget(m_cancel);
    buttons->addStretch();

    auto *phases = new QVBoxLayout;
    const QStringList phaseNames{tr("Inject the fault"), tr("Wait for the alert"), tr("Clear the fault"), tr("Wait for recovery")};
    for (const QString &name : phaseNames) {
        QLabel *label = plainLabel(tr("Drill phase: %1").arg(name), this);
        m_phases << label;
        phases->addWidget(label);
    }

    m_results->setAccessibleName(tr("Drill results"));
    m_results->setHorizontalHeaderLabels({tr("When"), tr("Scenario"), tr("Service"), tr("Status"), tr("Detection (s)"),
                                          tr("Recovery (s)"), tr("vs RTO"), tr("Alert / error")});
    m_results->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_results->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_results->verticalHeader()->hide();
    m_results->horizontalHeader()->setStretchLastSection(true);
    m_results->setWordWrap(false);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_status);
    layout->addLayout(form);
    layout->addWidget(m_description);
    layout->addLayout(buttons);
    layout->addLayout(phases);
    layout->addWidget(m_outcome);
    layout->addWidget(m_results, 1);

    connect(m_run, &QPushButton::clicked, this, &DrillsPanel::runSelected);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_runner)
            m_runner->cancel();
    });
    connect(m_scenario, &QComboBox::currentIndexChanged, this, &DrillsPanel::updateDescription);
    connect(m_service, &QComboBox::currentIndexChanged, this, &DrillsPanel::updateDescription);
    m_ticker->setInterval(1000);
    connect(m_ticker, &QTimer::timeout, this, &DrillsPanel::updatePhases);
    if (m_runner) {
        connect(m_runner, &DrillRunner::phaseChanged, this, [this] {
            if (m_runner->isRunning())
                m_ticker->start();
            else
                m_ticker->stop();
            updatePhases();
            updateButtons();
        });
        connect(m_runner, &DrillRunner::runChanged, this, &DrillsPanel::updatePhases);
    }
    if (m_store)
        connect(m_store, &DrillStore::runsChanged, this, &DrillsPanel::reloadResults);
    if (m_services) {
        connect(m_services, &ServiceStore::servicesInserted, this, &DrillsPanel::reloadServices);
        connect(m_services, &ServiceStore::servicesRemoved, this, &DrillsPanel::reloadServices);
    }
    reloadServices();
    reloadResults();
    updatePhases();
    updateDescription();
    probe();
}

QDockWidget *DrillsPanel::addDock(QMainWindow *window, DrillsPanel *panel)
{
    auto *dock = new QDockWidget(tr("Drills"), window);
    dock->setObjectName(QStringLiteral("drillsDock"));
    dock->setAccessibleName(tr("Drills panel"));
    dock->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    dock->setWidget(panel);
    window->addDockWidget(Qt::BottomDockWidgetArea, dock);
    dock->hide(); // asked for with View → Drills
    QAction *toggle = dock->toggleViewAction();
    toggle->setText(tr("&Drills"));
    toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    toggle->setToolTip(tr("Run fault drills against opsdeck-sim and compare detection and recovery with the RTO"));
    for (QMenu *menu : window->menuBar()->findChildren<QMenu *>()) {
        if (menu->title() == tr("&View")) {
            menu->addAction(toggle);
            return dock;
        }
    }
    window->addAction(toggle); // no View menu: the shortcut still works
    return dock;
}

int DrillsPanel::rtoSeconds()
{
    bool ok = false;
    const int minutes = QSettings().value(QStringLiteral("restore/rtoMinutes"), 30).toInt(&ok);
    return (ok && minutes > 0 ? minutes : 30) * 60;
}

void DrillsPanel::probe()
{
    m_isSim = false;
    updateButtons();
    if (!m_chaos) {
        m_status->setText(tr("Drills need opsdeck-sim: run with --demo, or --allow-chaos against a running opsdeck-sim."));
        return;
    }
    m_status->setText(tr("Asking %1 for its chaos API…").arg(m_chaos->connection().server.toString()));
    m_chaos->probe(this, [this](const Result<QJsonObject> &status) {
        m_isSim = bool(status);
        if (status)
            m_status->setText(tr("Target: opsdeck-sim at %1 (context %2). Drills inject real faults into it.")
                                  .arg(m_chaos->connection().server.toString(), m_chaos->connection().contextName));
        else
            m_status->setText(tr("Drills are off: %1").arg(status.error().message));
        updateButtons();
    });
}

void DrillsPanel::reloadServices()
{
    const QVariant current = m_service->currentData();
    m_service->clear();
    if (!m_services)
        return;
    const QString context = m_chaos ? m_chaos->connection().contextName : QString();
    QList<ServiceKey> keys;
    for (int row = 0; row < m_services->serviceCount(); ++row) {
        const ServiceKey &key = m_services->serviceAt(row).key;
        if (context.isEmpty() || key.context == context)
            keys << key;
    }
    std::sort(keys.begin(), keys.end(), [](const ServiceKey &a, const ServiceKey &b) {
        return std::tie(a.ns, a.name) < std::tie(b.ns, b.name);
    });
    for (const ServiceKey &key : std::as_const(keys))
        m_service->addItem(key.ns + QLatin1Char('/') + key.name, QVariant::fromValue(key));
    if (current.isValid()) {
        for (int i = 0; i < m_service->count(); ++i) {
            if (m_service->itemData(i).value<ServiceKey>() == current.value<ServiceKey>())
                m_service->setCurrentIndex(i);
        }
    }
    updateButtons();
}

void DrillsPanel::updateDescription()
{
    const ServiceKey key = m_service->currentData().value<ServiceKey>();
    const std::optional<DrillScenario> s =
        DrillScenario::forService(m_scenario->currentData().toString(), key.name.isEmpty() ? tr("the service") : key.name);
    m_description->setText(s ? tr("%1 Detected by: %2.").arg(s->description, s->expectedAlerts(key.name.isEmpty() ? tr("the service") : key.name))
                              : QString());
}

void DrillsPanel::updateButtons()
{
    const bool running = m_runner && m_runner->isRunning();
    m_run->setEnabled(m_runner && m_isSim && !running && m_service->count() > 0);
    m_cancel->setEnabled(running);
    m_scenario->setEnabled(!running);
    m_service->setEnabled(!running);
}

void DrillsPanel::runSelected()
{
    if (!m_runner || !m_run->isEnabled())
        return;
    const QString scenario = m_scenario->currentData().toString();
    const ServiceKey key = m_service->currentData().value<ServiceKey>();
    const std::optional<DrillScenario> s = DrillScenario::forService(scenario, key.name);
    if (!s)
        return;
    if (m_confirm) {
        QMessageBox box(QMessageBox::Warning, tr("Run drill"),
                        tr("Run the %1 drill on %2?").arg(s->title, key.name), QMessageBox::Cancel, this);
        box.setTextFormat(Qt::PlainText);
        box.setInformativeText(tr("This injects a real fault into the opsdeck-sim estate: %1\n\nThe fault is cleared as soon as the "
                                  "alert fires, or after %2 s without one.")
                                   .arg(s->description)
                                   .arg(m_runner->detectTimeout().count()));
        QPushButton *run = box.addButton(tr("&Inject the fault"), QMessageBox::AcceptRole);
        run->setAccessibleName(tr("Inject the fault"));
        box.setDefaultButton(QMessageBox::Cancel);
        box.exec();
        if (box.clickedButton() != run)
            return;
    }
    if (const Result<void> started = m_runner->start(scenario, key); !started) {
        m_outcome->setText(tr("Not started: %1 %2").arg(started.error().message, started.error().hint));
        return;
    }
    m_outcome->clear();
    updateButtons();
}

void DrillsPanel::updatePhases()
{
    const DrillRunner::Phase phase = m_runner ? m_runner->phase() : DrillRunner::Phase::Idle;
    const DrillRun run = m_runner ? m_runner->run() : DrillRun{};
    const QDateTime now = QDateTime::currentDateTimeUtc();
    auto since = [&](const QDateTime &from, const QDateTime &to) {
        return from.isValid() ? tr("%1 s").arg(from.secsTo(to.isValid() ? to : now)) : QString();
    };
    struct Line
    {
        DrillRunner::Phase phase;
        bool done;
        QString detail;
    };
    const QList<Line> lines{
        {DrillRunner::Phase::Injecting, run.faultAt.isValid() && phase != DrillRunner::Phase::Injecting,
         run.faultAt.isValid() ? tr("at %1").arg(run.faultAt.toLocalTime().toString(QStringLiteral("HH:mm:ss"))) : QString()},
        {DrillRunner::Phase::Detecting, run.detectedAt.isValid(),
         run.detectedAt.isValid() ? tr("after %1 s — %2").arg(secondsText(run.detectedSeconds()), run.alertId) : since(run.faultAt, {})},
        {DrillRunner::Phase::Clearing, run.clearedAt.isValid(), QString()},
        {DrillRunner::Phase::Recovering, run.recoveredAt.isValid(),
         run.recoveredAt.isValid() ? tr("after %1 s").arg(secondsText(run.recoveredSeconds()))
                                   : (phase == DrillRunner::Phase::Recovering ? since(run.clearedAt, {}) + QStringLiteral(" — ")
                                              + m_runner->missingForRecovery()
                                                                              : QString())},
    };
    const QStringList names{tr("Inject the fault"), tr("Wait for the alert"), tr("Clear the fault"), tr("Wait for recovery")};
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const Line &l = lines[i];
        QString state;
        if (l.done)
            state = tr("done");
        else if (phase == l.phase)
            state = tr("running");
        else if (phase == DrillRunner::Phase::Finished && run.faultAt.isValid())
            state = tr("not reached");
        else
            state = tr("waiting");
        // Text carries the state (not colour alone): "✓ done", "▶ running".
        const QString mark = l.done ? QStringLiteral("✓") : phase == l.phase ? QStringLiteral("▶") : QStringLiteral("·");
        m_phases[i]->setText(QStringLiteral("%1 %2: %3%4").arg(mark, names[i], state, l.detail.isEmpty() ? QString() : QStringLiteral(" (") + l.detail + QLatin1Char(')')));
    }
    if (phase == DrillRunner::Phase::Finished) {
        if (run.status == QLatin1String("recovered"))
            m_outcome->setText(tr("%1 on %2 recovered: detected after %3 s, recovered after %4 s (RTO %5 min).")
                                   .arg(run.scenario, run.service.name, secondsText(run.detectedSeconds()), secondsText(run.recoveredSeconds()))
                                   .arg(rtoSeconds() / 60));
        else
            m_outcome->setText(tr("%1 on %2: %3 — %4").arg(run.scenario, run.service.name, run.status, run.error));
    }
}

void DrillsPanel::reloadResults()
{
    m_results->setRowCount(0);
    if (!m_store || !m_store->isOpen())
        return;
    const Result<QList<DrillRun>> runs = m_store->latest(ServiceKey{}, 50);
    if (!runs) {
        m_outcome->setText(tr("Cannot read past drills: %1").arg(runs.error().message));
        return;
    }
    const int rto = rtoSeconds();
    m_results->setRowCount(int(runs->size()));
    for (int row = 0; row < runs->size(); ++row) {
        const DrillRun &r = runs->at(row);
        QString vsRto = QStringLiteral("—");
        if (const std::optional<qint64> s = r.recoveredSeconds())
            vsRto = *s <= rto ? tr("within (%1 % of %2 min)").arg(*s * 100 / rto).arg(rto / 60)
                              : tr("EXCEEDED (%1 % of %2 min)").arg(*s * 100 / rto).arg(rto / 60);
        const QStringList cells{r.faultAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                                r.scenario,
                                r.service.name,
                                r.status,
                                secondsText(r.detectedSeconds()),
                                secondsText(r.recoveredSeconds()),
                                vsRto,
                                r.error.isEmpty() ? r.alertId : r.error};
        for (int column = 0; column < ColumnCount; ++column) {
            auto *item = new QTableWidgetItem(cells[column]);
            if (column == DetectionColumn || column == RecoveryColumn)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            item->setToolTip(cells[column]);
            m_results->setItem(row, column, item);
        }
    }
    m_results->resizeColumnsToContents();
}

} // namespace Opsdeck
