#include "canarypane.h"

#include "format.h"
#include "healthstyle.h"
#include "telemetrychart.h"
#include "telemetrystore.h"

#include <QClipboard>
#include <QAbstractItemView>
#include <QComboBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QSplitter>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace Opsdeck {

namespace {

Health lookOf(CanaryVerdict::Result result)
{
    switch (result) {
    case CanaryVerdict::Result::Rollback:
        return Health::Unhealthy;
    case CanaryVerdict::Result::Hold:
        return Health::Degraded;
    case CanaryVerdict::Result::Healthy:
        return Health::Healthy;
    case CanaryVerdict::Result::NotEnoughData:
        break;
    }
    return Health::Unknown;
}

QString trackText(const QString &name, const TrackFigures &f)
{
    const QString none = QStringLiteral("—");
    const std::optional<double> rate = f.errorRatePercent();
    return QObject::tr("%1: errors %2, p95 %3, %4 requests")
        .arg(name, rate ? QStringLiteral("%1%").arg(QString::number(*rate, 'f', 2)) : none, f.p95Ms ? Format::milliseconds(*f.p95Ms) : none,
             f.requests ? QString::number(qint64(*f.requests)) : none);
}

} // namespace

QList<int> CanaryPane::windowChoices()
{
    return {900, 3600, 21600, 86400};
}

CanaryPane::CanaryPane(TelemetryStore *telemetry, QWidget *parent)
    : QWidget(parent)
    , m_telemetry(telemetry)
    , m_tick(new QTimer(this))
{
    setAccessibleName(tr("Canary"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 2, 0, 0);
    layout->setSpacing(4);

    auto *top = new QHBoxLayout;
    top->setSpacing(6);
    m_window = new QComboBox(this);
    m_window->setAccessibleName(tr("Telemetry window"));
    m_window->view()->setAccessibleName(tr("Telemetry windows")); // the drop-down list, as a screen reader meets it
    m_window->setAccessibleDescription(tr("The time range the telemetry figures, charts and verdict cover"));
    m_window->addItem(tr("15 min"), 900);
    m_window->addItem(tr("1 h"), 3600);
    m_window->addItem(tr("6 h"), 21600);
    m_window->addItem(tr("24 h"), 86400);
    auto *windowLabel = new QLabel(tr("&Window:"), this);
    windowLabel->setBuddy(m_window);
    m_verdictIcon = new QLabel(this);
    m_verdictIcon->setAccessibleName(tr("Canary verdict icon"));
    m_verdict = new QLabel(this);
    m_verdict->setTextFormat(Qt::PlainText);
    m_verdict->setWordWrap(true);
    m_verdict->setAccessibleName(tr("Canary verdict"));
    m_verdict->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_verdict->setToolTip(tr("Advisory only: compares the canary with stable over the window (thresholds in the canaryAnalysis settings)"));
    top->addWidget(windowLabel);
    top->addWidget(m_window);
    top->addSpacing(12);
    top->addWidget(m_verdictIcon, 0, Qt::AlignTop);
    top->addWidget(m_verdict, 1);
    layout->addLayout(top);

    m_figures = new QLabel(this);
    m_figures->setTextFormat(Qt::PlainText);
    m_figures->setWordWrap(true);
    m_figures->setAccessibleName(tr("Canary and stable figures"));
    m_figures->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    layout->addWidget(m_figures);
    m_partial = new QLabel(this);
    m_partial->setTextFormat(Qt::PlainText); // the server's error text
    m_partial->setWordWrap(true);
    m_partial->setAccessibleName(tr("Partial results"));
    layout->addWidget(m_partial);

    m_errorRate = new TelemetryChart(tr("Error rate"), QStringLiteral("%"), tr("Canary error rate chart"), this);
    m_latency = new TelemetryChart(tr("p95 latency"), QStringLiteral("ms"), tr("Canary p95 latency chart"), this);
    m_requestRate = new TelemetryChart(tr("Request rate"), QStringLiteral("req/min"), tr("Canary request rate chart"), this);
    auto *charts = new QSplitter(Qt::Horizontal, this);
    charts->setChildrenCollapsible(false);
    charts->addWidget(withCopyButton(m_errorRate, QStringLiteral("errorRate"), tr("Copy error rate query")));
    charts->addWidget(withCopyButton(m_latency, QStringLiteral("p95"), tr("Copy p95 latency query")));
    charts->addWidget(withCopyButton(m_requestRate, QStringLiteral("requestRate"), tr("Copy request rate query")));
    layout->addWidget(charts, 1);

    setTabOrder(m_window, m_errorRate);
    setTabOrder(m_errorRate, m_latency);
    setTabOrder(m_latency, m_requestRate);

    connect(m_window, &QComboBox::activated, this, [this](int index) {
        m_requestedWindow = m_window->itemData(index).toInt();
        Q_EMIT windowChanged(m_requestedWindow);
        refresh();
    });
    if (m_telemetry) {
        connect(m_telemetry, &TelemetryStore::telemetryChanged, this, [this](const QSet<ServiceKey> &services) {
            if (services.contains(m_key))
                refresh();
        });
    }
    // Staleness and "updated 12 s ago" move on without new data.
    m_tick->setInterval(5000);
    connect(m_tick, &QTimer::timeout, this, &CanaryPane::refresh);
    m_tick->start();
    refresh();
}

QWidget *CanaryPane::withCopyButton(TelemetryChart *chart, const QString &id, const QString &accessibleName)
{
    auto *box = new QWidget(this);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(chart, 1);
    auto *button = new QToolButton(box);
    button->setText(tr("Copy query"));
    button->setAccessibleName(accessibleName);
    button->setToolTip(tr("Copy the KQL this chart's figures come from, to paste into Log Analytics"));
    button->setVisible(false); // until a query provider is set
    layout->addWidget(button, 0, Qt::AlignRight);
    connect(button, &QToolButton::clicked, this, [this, id] { copyQuery(id); });
    m_copyButtons.insert(id, button);
    return box;
}

void CanaryPane::setQueryProvider(QueryProvider provider)
{
    m_queries = std::move(provider);
    for (QToolButton *button : std::as_const(m_copyButtons))
        button->setVisible(bool(m_queries));
}

QToolButton *CanaryPane::copyQueryButton(const QString &chart) const
{
    return m_copyButtons.value(chart);
}

void CanaryPane::copyQuery(const QString &chart)
{
    if (!m_queries)
        return;
    const int window = m_telemetry && m_telemetry->windowSeconds(m_key) > 0 ? m_telemetry->windowSeconds(m_key) : windowSeconds();
    const QString text = m_queries(m_key, chart, window);
    if (text.isEmpty())
        return;
    QGuiApplication::clipboard()->setText(text);
    if (QToolButton *button = m_copyButtons.value(chart)) {
        button->setText(tr("Copied"));
        QTimer::singleShot(2000, button, [button] { button->setText(tr("Copy query")); });
    }
}

void CanaryPane::setService(const ServiceKey &key)
{
    m_key = key;
    refresh();
}

void CanaryPane::setWindowSeconds(int seconds)
{
    m_requestedWindow = 0;
    const int index = m_window->findData(seconds);
    if (index >= 0)
        m_window->setCurrentIndex(index); // currentIndexChanged, not activated: no windowChanged
}

int CanaryPane::windowSeconds() const
{
    return m_window->currentData().toInt();
}

void CanaryPane::refresh()
{
    const bool known = m_telemetry && !m_key.name.isEmpty() && m_telemetry->hasTelemetry(m_key);
    if (!known) {
        m_verdictIcon->setPixmap(HealthStyle::icon(Health::Unknown).pixmap(16, 16));
        m_verdict->setText(m_key.name.isEmpty() ? tr("No service selected")
                                                : tr("No telemetry for %1 yet (needs an Application Insights source)").arg(m_key.name));
        m_figures->clear();
        m_partial->hide();
        for (TelemetryChart *chart : {m_errorRate, m_latency, m_requestRate})
            chart->clear();
        Q_EMIT verdictChanged({}, {});
        return;
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const CanaryVerdict verdict = m_telemetry->verdict(m_key, now);
    const Health look = lookOf(verdict.result);
    m_verdictIcon->setPixmap(HealthStyle::icon(look).pixmap(16, 16));
    m_verdict->setText(QStringLiteral("%1: %2").arg(CanaryAnalysis::word(verdict.result), verdict.reason));
    QPalette palette = m_figures->palette();
    if (look == Health::Unhealthy || look == Health::Degraded) // the word and icon first; the colour repeats them
        palette.setColor(QPalette::WindowText, HealthStyle::color(look));
    m_verdict->setPalette(palette);
    Q_EMIT verdictChanged(m_verdict->text(), tr("Canary analysis over %1, advisory only: compares the canary with stable "
                                                "(error rate, p95, canary breakers); nothing acts on it")
                                                 .arg(TelemetryStore::isoDuration(m_telemetry->windowSeconds(m_key))));

    // The picker shows the figures' window, except while a newly picked one is on its way.
    const int window = m_telemetry->windowSeconds(m_key);
    if (window > 0 && (m_requestedWindow == 0 || window == m_requestedWindow))
        setWindowSeconds(window);
    const QString pending = m_requestedWindow > 0 ? tr("   ·   asking for %1…").arg(m_window->currentText()) : QString();
    const QDateTime updated = m_telemetry->lastUpdate(m_key);
    const bool stale = m_telemetry->isStale(m_key, now);
    m_figures->setText(QStringLiteral("%1   ·   %2   ·   %3")
                           .arg(trackText(tr("Stable"), m_telemetry->figures(m_key, Track::Stable)),
                                trackText(tr("Canary"), m_telemetry->figures(m_key, Track::Canary)),
                                stale ? tr("stale, last update %1").arg(Format::ago(updated, now)) : tr("updated %1").arg(Format::ago(updated, now)))
                       + pending);
    m_figures->setToolTip(tr("Last update %1").arg(Format::absoluteTime(updated)));
    const QStringList partial = m_telemetry->partialReasons(m_key);
    m_partial->setText(tr("partial: %1").arg(partial.join(QStringLiteral("; "))));
    m_partial->setVisible(!partial.isEmpty());

    const QList<WeightChange> weights = m_telemetry->weightHistory(m_key);
    m_errorRate->setData(m_telemetry->errorRateSeries(m_key, Track::Stable), m_telemetry->errorRateSeries(m_key, Track::Canary), weights);
    m_latency->setData(m_telemetry->p95Series(m_key, Track::Stable), m_telemetry->p95Series(m_key, Track::Canary), weights);
    m_requestRate->setData(m_telemetry->requestRateSeries(m_key, Track::Stable), m_telemetry->requestRateSeries(m_key, Track::Canary), weights);
}

} // namespace Opsdeck
