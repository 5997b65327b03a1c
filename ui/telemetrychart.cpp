#include "telemetrychart.h"

#include <QChart>
#include <QDateTimeAxis>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPainter>
#include <QValueAxis>

#include <cmath>

namespace Opsdeck {

namespace {

// Okabe–Ito blue and vermillion: distinct for the common colour-vision deficiencies; the canary line is
// also dashed, so the two never differ by colour alone.
const QColor StableColor(0x00, 0x72, 0xb2);
const QColor CanaryColor(0xd5, 0x5e, 0x00);

QString weightText(const std::optional<double> &weight)
{
    if (!weight)
        return QStringLiteral("none");
    return *weight == std::floor(*weight) ? QStringLiteral("%1%").arg(qint64(*weight)) : QStringLiteral("%1%").arg(QString::number(*weight, 'f', 1));
}

} // namespace

TelemetryChart::TelemetryChart(const QString &title, const QString &unit, const QString &accessibleName, QWidget *parent)
    : QChartView(parent)
    , m_title(title)
    , m_unit(unit)
    , m_stable(new QLineSeries)
    , m_canary(new QLineSeries)
    , m_time(new QDateTimeAxis)
    , m_values(new QValueAxis)
{
    setAccessibleName(accessibleName);
    setFocusPolicy(Qt::TabFocus);
    setRenderHint(QPainter::Antialiasing);
    // A chart view in a splitter or a tab collapses without a minimum height (DESIGN §12).
    setMinimumHeight(fontMetrics().height() * 12);
    setMinimumWidth(fontMetrics().horizontalAdvance(QLatin1Char('M')) * 18);

    auto *chart = new QChart;
    chart->setTitle(title);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setBackgroundRoundness(0);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setAnimationOptions(QChart::NoAnimation);
    m_stable->setName(tr("Stable"));
    m_canary->setName(tr("Canary"));
    QPen stablePen(StableColor);
    stablePen.setWidthF(2);
    m_stable->setPen(stablePen);
    QPen canaryPen(CanaryColor);
    canaryPen.setWidthF(2);
    canaryPen.setStyle(Qt::DashLine);
    m_canary->setPen(canaryPen);
    chart->addSeries(m_stable);
    chart->addSeries(m_canary);
    m_time->setFormat(QStringLiteral("HH:mm"));
    m_time->setTickCount(5);
    m_time->setTitleText(tr("UTC"));
    m_values->setTitleText(unit);
    m_values->setLabelFormat(unit == QStringLiteral("%") ? QStringLiteral("%.1f") : QStringLiteral("%.0f"));
    m_values->setTickCount(5);
    chart->addAxis(m_time, Qt::AlignBottom);
    chart->addAxis(m_values, Qt::AlignLeft);
    for (QLineSeries *series : {m_stable, m_canary}) {
        series->attachAxis(m_time);
        series->attachAxis(m_values);
    }
    setChart(chart); // the view owns the chart, the chart its series and axes
    clear();
}

void TelemetryChart::clear()
{
    setData({}, {}, {});
}

void TelemetryChart::setData(const QList<TelemetryPoint> &stable, const QList<TelemetryPoint> &canary, const QList<WeightChange> &weights)
{
    QDateTime from;
    QDateTime to;
    double top = 0;
    const auto fill = [&](QLineSeries *series, const QList<TelemetryPoint> &points, std::optional<double> &last) {
        QList<QPointF> xy;
        xy.reserve(points.size());
        for (const TelemetryPoint &p : points) {
            xy.append(QPointF(double(p.time.toMSecsSinceEpoch()), p.value));
            if (!from.isValid() || p.time < from)
                from = p.time;
            if (!to.isValid() || p.time > to)
                to = p.time;
            top = std::max(top, p.value);
        }
        series->replace(xy);
        last = points.isEmpty() ? std::nullopt : std::optional(points.constLast().value);
    };
    fill(m_stable, stable, m_lastStable);
    fill(m_canary, canary, m_lastCanary);
    if (!from.isValid()) {
        to = QDateTime::currentDateTimeUtc();
        from = to.addSecs(-900);
    }
    if (from == to)
        from = from.addSecs(-60);
    // Weight changes a little after the last bin still belong on the chart: they are what happened "now".
    const QDateTime markEnd = std::max(to, QDateTime::currentDateTimeUtc());
    m_marks.clear();
    for (const WeightChange &w : weights) {
        if (w.at >= from && w.at <= markEnd)
            m_marks.append(w);
    }
    if (!m_marks.isEmpty() && m_marks.constLast().at > to)
        to = m_marks.constLast().at.addSecs(30);
    m_time->setRange(from.toUTC(), to.toUTC());
    const double floor = m_unit == QStringLiteral("%") ? 1.0 : 10.0; // an all-zero line still gets a readable axis
    m_values->setRange(0, std::max(floor, top * 1.15));
    setAccessibleDescription(describe());
    viewport()->update();
}

QString TelemetryChart::describe() const
{
    const auto value = [this](const std::optional<double> &v) {
        return v ? QStringLiteral("%1 %2").arg(QString::number(*v, 'f', m_unit == QStringLiteral("%") ? 2 : 0), m_unit) : tr("no data");
    };
    QString text = tr("%1: latest stable %2, canary %3").arg(m_title, value(m_lastStable), value(m_lastCanary));
    if (!m_marks.isEmpty()) {
        QStringList marks;
        for (const WeightChange &w : m_marks)
            marks << tr("%1 → %2 at %3").arg(weightText(w.from), weightText(w.to), w.at.toUTC().toString(QStringLiteral("HH:mm:ss")));
        text += tr("; canary weight changed: %1").arg(marks.join(QStringLiteral(", ")));
    }
    return text;
}

void TelemetryChart::drawForeground(QPainter *painter, const QRectF &rect)
{
    QChartView::drawForeground(painter, rect);
    if (m_marks.isEmpty())
        return;
    const QRectF plot = chart()->mapRectToScene(chart()->plotArea());
    painter->save();
    QPen pen(palette().color(QPalette::Text));
    pen.setStyle(Qt::DotLine);
    pen.setWidthF(1.5);
    painter->setPen(pen);
    const QFontMetrics fm(font());
    for (const WeightChange &w : m_marks) {
        const QPointF at = chart()->mapToScene(chart()->mapToPosition(QPointF(double(w.at.toMSecsSinceEpoch()), 0), m_stable));
        if (at.x() < plot.left() - 1 || at.x() > plot.right() + 1)
            continue;
        painter->drawLine(QPointF(at.x(), plot.top()), QPointF(at.x(), plot.bottom()));
        const QString label = QStringLiteral("→ %1").arg(weightText(w.to));
        const qreal width = fm.horizontalAdvance(label) + 6;
        // Right of the line, unless that would leave the plot: then left of it.
        const qreal left = at.x() + 3 + width > plot.right() ? at.x() - 3 - width : at.x() + 3;
        const QRectF box(left, plot.top() + 2, width, fm.height() + 2);
        painter->fillRect(box, palette().color(QPalette::Base));
        painter->drawText(box, Qt::AlignCenter, label);
    }
    painter->restore();
}

} // namespace Opsdeck
