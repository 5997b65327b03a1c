// Offscreen: the Services table's telemetry columns and the Canary tab, fed synthetic observations the
// way the appinsights plugin sends them (TelemetrySeries per service, track and metric), plus the
// resilience events on the Health tab's breaker timeline. With OPSDECK_SCREENSHOT_DIR set it also writes
// canary-synthetic.png and canary-synthetic-health.png (the window on the Canary and Health tabs).

#include "../unit/models/estatebuilder.h"
#include "../unit/models/telemetrybuilder.h"
#include "breakertimeline.h"
#include "canarypane.h"
#include "healthpane.h"
#include "mainwindow.h"
#include "servicestore.h"
#include "servicetablemodel.h"
#include "sourcelistmodel.h"
#include "telemetrychart.h"
#include "telemetrystore.h"

#include <QAbstractButton>
#include <QApplication>
#include <QChartView>
#include <QClipboard>
#include <QToolButton>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QLineSeries>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTabWidget>
#include <QTest>

#include <cmath>

using namespace Opsdeck;
using namespace Opsdeck::Test;

namespace {

const QString Source = QStringLiteral("appinsights");
const ServiceKey Product{Ctx, Ns, QStringLiteral("productservice")};
const ServiceKey Orders{Ctx, Ns, QStringLiteral("orderservice")};
constexpr int Bins = 15;

// A canary going bad: stable steady around 0.6 % errors and 120 ms; the canary like stable for ten
// minutes, then 6 % errors and p95 over 200 ms (a deterministic wobble, no randomness).
std::vector<Observation> badCanary(const QDateTime &end)
{
    const auto wobble = [](int i, double amplitude) { return amplitude * std::sin(i * 1.7); };
    const auto series = [&](Track track, const QString &metric, std::function<double(int)> value) {
        return Observation(telemetry(Product, track, metric, Bins, std::move(value), end));
    };
    return {
        series(Track::Stable, QStringLiteral("requests"), [&](int i) { return std::round(420 + wobble(i, 25)); }),
        series(Track::Stable, QStringLiteral("failedRequests"), [&](int i) { return std::round(2.5 + wobble(i + 3, 1.2)); }),
        series(Track::Stable, QStringLiteral("p95Ms"), [&](int i) { return 118 + wobble(i + 1, 7); }),
        series(Track::Canary, QStringLiteral("requests"), [&](int i) { return std::round(i < 12 ? 46 + wobble(i, 4) : 140 + wobble(i, 6)); }),
        series(Track::Canary, QStringLiteral("failedRequests"), [&](int i) { return i < 10 ? (i % 4 == 0 ? 1.0 : 0.0) : std::round(i < 12 ? 3 : 9 + wobble(i, 1.5)); }),
        series(Track::Canary, QStringLiteral("p95Ms"), [&](int i) { return i < 10 ? 124 + wobble(i + 2, 8) : 205 + wobble(i, 12); }),
        series(Track::Canary, QStringLiteral("resilience:OnRetry"), [](int i) { return i >= 10 ? 4.0 + i % 3 : 0.0; }),
        series(Track::Canary, QStringLiteral("resilience:OnCircuitOpened"), [](int i) { return i == 13 ? 1.0 : 0.0; }),
    };
}

ObservationBatch telemetryBatch(std::vector<Observation> observations)
{
    return ObservationBatch{Source, QDateTime::currentDateTimeUtc(), std::move(observations)};
}

} // namespace

class tst_CanaryPane : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void tableShowsTelemetryColumns();
    void canaryCellMarkedWhenWorse();
    void staleFiguresAreMarked();
    void canaryTabShowsVerdictAndCharts();
    void weightChangeIsMarkedOnTheCharts();
    void partialResultsAreSaid();
    void windowPickerAsksForAWindow();
    void everyControlHasAName();
    void copyQueryCopiesTheRenderedQuery();
    void resilienceEventsJoinTheBreakerTimeline();
    void rendersOffscreen();

private:
    QModelIndex cell(const ServiceKey &key, int column) const;
    QTableView *servicesView() const
    {
        for (QTableView *view : m_window->findChildren<QTableView *>()) {
            if (view->accessibleName() == QStringLiteral("Services"))
                return view;
        }
        return nullptr;
    }

    SourceListModel m_sources;
    ServiceStore m_store;
    TelemetryStore m_telemetry{&m_store};
    std::unique_ptr<MainWindow> m_window;
};

void tst_CanaryPane::initTestCase()
{
    QCOMPARE(QGuiApplication::platformName(), QStringLiteral("offscreen"));
    registerObservationMetaTypes();
    std::vector<Observation> obs = allSynced();
    append(obs, service(QStringLiteral("productservice"), 3, 1));
    append(obs, service(QStringLiteral("orderservice"), 4, 1));
    obs.push_back(added(ResourceKind::Ingress, QStringLiteral("productservice-canary"), canaryIngress(QStringLiteral("productservice"), 10)));
    m_store.apply(batch(std::move(obs)));
    m_store.flush();
    m_telemetry.apply(telemetryBatch(badCanary(QDateTime::currentDateTimeUtc())));
    // orderservice: canary as good as stable.
    std::vector<Observation> good = trackTelemetry(Orders, Track::Stable, Bins, 300, 1.5, 90, QDateTime::currentDateTimeUtc());
    append(good, trackTelemetry(Orders, Track::Canary, Bins, 30, 0.15, 95, QDateTime::currentDateTimeUtc()));
    m_telemetry.apply(telemetryBatch(std::move(good)));
    m_telemetry.flush();

    m_window = std::make_unique<MainWindow>(&m_sources, &m_store);
    m_window->setTelemetry(&m_telemetry);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QVERIFY(m_window->selectService(Product));
}

QModelIndex tst_CanaryPane::cell(const ServiceKey &key, int column) const
{
    auto *proxy = qobject_cast<QSortFilterProxyModel *>(servicesView()->model());
    auto *model = qobject_cast<ServiceTableModel *>(proxy->sourceModel());
    return proxy->mapFromSource(model->indexOf(key, column));
}

void tst_CanaryPane::tableShowsTelemetryColumns()
{
    const QModelIndex stableErrors = cell(Orders, ServiceTableModel::StableErrorRateColumn);
    QCOMPARE(stableErrors.model()->headerData(ServiceTableModel::StableErrorRateColumn, Qt::Horizontal).toString(), QStringLiteral("Errors stable"));
    QCOMPARE(stableErrors.model()->headerData(ServiceTableModel::CanaryP95Column, Qt::Horizontal).toString(), QStringLiteral("p95 canary"));
    QCOMPARE(stableErrors.data().toString(), QStringLiteral("0.50%"));
    QCOMPARE(cell(Orders, ServiceTableModel::CanaryErrorRateColumn).data().toString(), QStringLiteral("0.50%"));
    QCOMPARE(cell(Orders, ServiceTableModel::StableP95Column).data().toString(), QStringLiteral("90 ms"));
    QCOMPARE(cell(Orders, ServiceTableModel::CanaryP95Column).data().toString(), QStringLiteral("95 ms"));
    QCOMPARE(cell(Orders, ServiceTableModel::CanaryP95Column).data(Qt::TextAlignmentRole).value<Qt::Alignment>(), Qt::AlignRight | Qt::AlignVCenter);
    QCOMPARE(cell(Orders, ServiceTableModel::CanaryErrorRateColumn).data(ServiceTableModel::SortRole).toDouble(), 0.5);
    QVERIFY(!cell(Orders, ServiceTableModel::CanaryErrorRateColumn).data(ServiceTableModel::TelemetryHealthRole).isValid());
    // The columns that were there keep their meaning.
    QCOMPARE(cell(Orders, ServiceTableModel::StableColumn).data().toString(), QStringLiteral("4/4"));
    QCOMPARE(cell(Product, ServiceTableModel::CanaryWeightColumn).data().toString(), QStringLiteral("10%"));
}

void tst_CanaryPane::canaryCellMarkedWhenWorse()
{
    const QModelIndex errors = cell(Product, ServiceTableModel::CanaryErrorRateColumn);
    QVERIFY2(errors.data().toString().contains(QStringLiteral(" pp)")), qPrintable(errors.data().toString()));
    QVERIFY(errors.data(ServiceTableModel::TelemetryHealthRole).value<Health>() == Health::Unhealthy);
    const QModelIndex latency = cell(Product, ServiceTableModel::CanaryP95Column);
    QVERIFY2(latency.data().toString().contains(QStringLiteral("(×")), qPrintable(latency.data().toString()));
    QVERIFY(latency.data(ServiceTableModel::TelemetryHealthRole).value<Health>() == Health::Unhealthy);
    QVERIFY(!cell(Product, ServiceTableModel::StableErrorRateColumn).data(ServiceTableModel::TelemetryHealthRole).isValid());
    QVERIFY(cell(Product, ServiceTableModel::CanaryErrorRateColumn).data(Qt::ToolTipRole).toString().contains(QStringLiteral("Verdict: Roll back")));
}

void tst_CanaryPane::staleFiguresAreMarked()
{
    QSignalSpy changed(servicesView()->model(), &QAbstractItemModel::dataChanged);
    m_telemetry.setSourceStatus(Source, SourceStatus{SourceStatus::State::Down, {}, std::nullopt});
    m_telemetry.flush();
    QVERIFY(!changed.isEmpty());
    QVERIFY2(cell(Orders, ServiceTableModel::StableErrorRateColumn).data().toString().endsWith(QStringLiteral(" · stale")),
             qPrintable(cell(Orders, ServiceTableModel::StableErrorRateColumn).data().toString()));
    QVERIFY(cell(Orders, ServiceTableModel::StableErrorRateColumn).data(ServiceTableModel::TelemetryHealthRole).value<Health>() == Health::Stale);
    // Worse-than-stable still wins over stale on the canary cell.
    QVERIFY(cell(Product, ServiceTableModel::CanaryErrorRateColumn).data(ServiceTableModel::TelemetryHealthRole).value<Health>() == Health::Unhealthy);
    m_telemetry.setSourceStatus(Source, SourceStatus{SourceStatus::State::Ok, QDateTime::currentDateTimeUtc(), std::nullopt});
    m_telemetry.flush();
    QVERIFY(!cell(Orders, ServiceTableModel::StableErrorRateColumn).data().toString().contains(QStringLiteral("stale")));
}

void tst_CanaryPane::canaryTabShowsVerdictAndCharts()
{
    m_window->showDetailTab(MainWindow::CanaryTab);
    CanaryPane *pane = m_window->canaryPane();
    QVERIFY(pane);
    QVERIFY(pane->isVisible());
    QCOMPARE(pane->service(), Product);
    QVERIFY2(pane->verdictLabel()->text().startsWith(QStringLiteral("Roll back: canary error rate")), qPrintable(pane->verdictLabel()->text()));
    QCOMPARE(pane->verdictLabel()->textFormat(), Qt::PlainText);
    QVERIFY2(pane->figuresLabel()->text().contains(QStringLiteral("Stable: errors ")), qPrintable(pane->figuresLabel()->text()));
    QVERIFY(!pane->partialLabel()->isVisible());
    QCOMPARE(pane->errorRateChart()->stableSeries()->count(), Bins);
    QCOMPARE(pane->errorRateChart()->canarySeries()->count(), Bins);
    QCOMPARE(pane->latencyChart()->canarySeries()->count(), Bins);
    QCOMPARE(pane->requestRateChart()->stableSeries()->count(), Bins);
    // The last canary bin: 9 + wobble failures of 140 + wobble requests, as a percentage.
    const QList<TelemetryPoint> canaryErrors = m_telemetry.errorRateSeries(Product, Track::Canary);
    QCOMPARE(pane->errorRateChart()->canarySeries()->at(Bins - 1).y(), canaryErrors.constLast().value);
    QVERIFY(canaryErrors.constLast().value > 4.0);
    QVERIFY(pane->errorRateChart()->minimumHeight() > 100); // DESIGN §12
    QVERIFY(pane->errorRateChart()->accessibleDescription().startsWith(QStringLiteral("Error rate: latest stable")));

    // Another service: its own verdict, also sent on for the Actions panel.
    QSignalSpy verdicts(pane, &CanaryPane::verdictChanged);
    QVERIFY(m_window->selectService(Orders));
    QVERIFY(!verdicts.isEmpty());
    QCOMPARE(verdicts.constLast().at(0).toString(), pane->verdictLabel()->text());
    QVERIFY(verdicts.constLast().at(1).toString().contains(QStringLiteral("advisory only")));
    QVERIFY2(pane->verdictLabel()->text().startsWith(QStringLiteral("Not enough data: only 450 canary requests")) ||
                 pane->verdictLabel()->text().startsWith(QStringLiteral("Healthy")),
             qPrintable(pane->verdictLabel()->text()));
    QVERIFY(m_window->selectService(Product));
}

void tst_CanaryPane::weightChangeIsMarkedOnTheCharts()
{
    CanaryPane *pane = m_window->canaryPane();
    QVERIFY(pane->errorRateChart()->weightMarks().isEmpty());
    m_store.apply(batch({added(ResourceKind::Ingress, QStringLiteral("productservice-canary"), canaryIngress(QStringLiteral("productservice"), 25), Ns, Ctx,
                               ResourceDelta::Type::Modified)}));
    m_store.flush();
    m_telemetry.flush();
    QCOMPARE(pane->errorRateChart()->weightMarks().size(), 1);
    QCOMPARE(pane->errorRateChart()->weightMarks().constFirst().to, std::optional<double>(25));
    QCOMPARE(pane->latencyChart()->weightMarks().size(), 1);
    QVERIFY2(pane->errorRateChart()->accessibleDescription().contains(QStringLiteral("canary weight changed: 10% → 25%")),
             qPrintable(pane->errorRateChart()->accessibleDescription()));
}

void tst_CanaryPane::partialResultsAreSaid()
{
    CanaryPane *pane = m_window->canaryPane();
    TelemetrySeries partial = telemetry(Product, Track::Stable, QStringLiteral("p99Ms"), Bins, [](int) { return 300.0; }, QDateTime::currentDateTimeUtc());
    partial.partial = true;
    partial.partialReason = QStringLiteral("Query result set has exceeded the internal record count limit");
    m_telemetry.apply(telemetryBatch({partial}));
    m_telemetry.flush();
    QVERIFY(pane->partialLabel()->isVisible());
    QCOMPARE(pane->partialLabel()->text(), QStringLiteral("partial: Query result set has exceeded the internal record count limit"));
    QCOMPARE(pane->partialLabel()->textFormat(), Qt::PlainText);
    partial.partial = false;
    m_telemetry.apply(telemetryBatch({partial}));
    m_telemetry.flush();
    QVERIFY(!pane->partialLabel()->isVisible());
}

void tst_CanaryPane::windowPickerAsksForAWindow()
{
    CanaryPane *pane = m_window->canaryPane();
    QSignalSpy asked(m_window.get(), &MainWindow::telemetryWindowRequested);
    QCOMPARE(pane->windowSeconds(), 900); // what the series say
    pane->windowPicker()->setFocus();
    QTest::keyClick(pane->windowPicker(), Qt::Key_Down);
    QCOMPARE(asked.size(), 1);
    QCOMPARE(asked.at(0).at(0).toInt(), 3600);
    // Until the 1 h figures arrive the picker keeps the choice (15-minute data refreshing meanwhile).
    m_telemetry.apply(telemetryBatch(badCanary(QDateTime::currentDateTimeUtc())));
    m_telemetry.flush();
    QCOMPARE(pane->windowSeconds(), 3600);
    QVERIFY2(pane->figuresLabel()->text().endsWith(QStringLiteral("asking for 1 h…")), qPrintable(pane->figuresLabel()->text()));
    // The sources' answer (a 1 h series) sets the picker without asking again.
    m_telemetry.apply(telemetryBatch(trackTelemetry(Product, Track::Stable, 60, 400, 2, 120, QDateTime::currentDateTimeUtc(), 3600)));
    m_telemetry.flush();
    QCOMPARE(pane->windowSeconds(), 3600);
    QVERIFY(!pane->figuresLabel()->text().contains(QStringLiteral("asking")));
    QCOMPARE(asked.size(), 1);
    pane->setWindowSeconds(900);
    QCOMPARE(asked.size(), 1);
    QCOMPARE(CanaryPane::windowChoices(), (QList<int>{900, 3600, 21600, 86400}));
    m_telemetry.apply(telemetryBatch(badCanary(QDateTime::currentDateTimeUtc()))); // back to the 15-minute picture
    m_telemetry.flush();
}

void tst_CanaryPane::everyControlHasAName()
{
    CanaryPane *pane = m_window->canaryPane();
    QCOMPARE(pane->windowPicker()->accessibleName(), QStringLiteral("Telemetry window"));
    QCOMPARE(pane->errorRateChart()->accessibleName(), QStringLiteral("Canary error rate chart"));
    QCOMPARE(pane->latencyChart()->accessibleName(), QStringLiteral("Canary p95 latency chart"));
    QCOMPARE(pane->requestRateChart()->accessibleName(), QStringLiteral("Canary request rate chart"));
    // Everything a person reads or operates: labels (but captions with a buddy), pickers, buttons, charts.
    for (QWidget *widget : pane->findChildren<QWidget *>()) {
        const bool readable = qobject_cast<QLabel *>(widget) || qobject_cast<QComboBox *>(widget) || qobject_cast<QAbstractButton *>(widget)
            || qobject_cast<QChartView *>(widget);
        if (!readable)
            continue;
        if (auto *label = qobject_cast<QLabel *>(widget); label && label->buddy())
            continue;
        QVERIFY2(!widget->accessibleName().isEmpty(), widget->metaObject()->className());
    }
}

void tst_CanaryPane::copyQueryCopiesTheRenderedQuery()
{
    CanaryPane *pane = m_window->canaryPane();
    QToolButton *button = pane->copyQueryButton(QStringLiteral("p95"));
    QVERIFY(button);
    QVERIFY(!button->isVisible()); // no provider: no button
    QStringList asked;
    pane->setQueryProvider([&asked](const ServiceKey &key, const QString &chart, int window) {
        asked << QStringLiteral("%1 %2 %3").arg(key.name, chart).arg(window);
        return QStringLiteral("AppRequests | where TimeGenerated > ago(15m)");
    });
    QVERIFY(button->isVisible());
    QCOMPARE(button->accessibleName(), QStringLiteral("Copy p95 latency query"));
    QTest::mouseClick(button, Qt::LeftButton);
    QCOMPARE(asked, QStringList{QStringLiteral("productservice p95 900")});
    QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("AppRequests | where TimeGenerated > ago(15m)"));
    QCOMPARE(button->text(), QStringLiteral("Copied"));
}

void tst_CanaryPane::resilienceEventsJoinTheBreakerTimeline()
{
    BreakerTimeline *timeline = m_window->healthPane()->timeline();
    const QList<ResilienceEvent> events = timeline->resilienceEvents();
    QCOMPARE(events.size(), 6); // five bins with retries, one with the breaker opening
    QVERIFY2(timeline->describe().contains(QStringLiteral("OnCircuitOpened (canary) × 1")), qPrintable(timeline->describe()));
    QVERIFY(timeline->accessibleDescription().contains(QStringLiteral("resilience events")));
    QCOMPARE(BreakerTimeline::eventLetter(QStringLiteral("OnRetry")), QStringLiteral("R"));
    QVERIFY(m_window->selectService(Orders));
    QVERIFY(timeline->resilienceEvents().isEmpty());
    QVERIFY(m_window->selectService(Product));
    QCOMPARE(timeline->resilienceEvents().size(), 6);
}

void tst_CanaryPane::rendersOffscreen()
{
    m_window->showDetailTab(MainWindow::CanaryTab);
    QApplication::processEvents();
    const QPixmap pane = m_window->canaryPane()->grab();
    QVERIFY(!pane.isNull());
    QVERIFY(pane.height() >= m_window->canaryPane()->errorRateChart()->minimumHeight());
    const QString dir = qEnvironmentVariable("OPSDECK_SCREENSHOT_DIR");
    if (!dir.isEmpty()) {
        const QString target = QDir(dir).filePath(QStringLiteral("canary-synthetic.png"));
        m_window->resize(1360, 900);
        // The telemetry columns in view, and the "Copied" of copyQuery… gone again.
        servicesView()->scrollTo(servicesView()->model()->index(0, ServiceTableModel::CanaryP95Column));
        QTRY_COMPARE_WITH_TIMEOUT(m_window->canaryPane()->copyQueryButton(QStringLiteral("p95"))->text(), QStringLiteral("Copy query"), 5000);
        QVERIFY(m_window->grab().save(target, "PNG"));
        m_window->showDetailTab(MainWindow::HealthTab);
        QApplication::processEvents();
        QVERIFY(m_window->grab().save(QString(target).replace(QStringLiteral(".png"), QStringLiteral("-health.png")), "PNG"));
    }
}

QTEST_MAIN(tst_CanaryPane)
#include "tst_canarypane.moc"
