#include "timelinestrip.h"

#include "timelinefilterproxymodel.h"
#include "timelinemodel.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace Opsdeck {

namespace {

constexpr int AxisHeight = 22;
constexpr qreal MarkRadius = 6.0;

// Tick steps people read easily, in seconds.
constexpr qint64 TickSteps[]
    = { 10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800 };

QPainterPath markShape(TimelineEntry::Kind kind, const QPointF &c, qreal r)
{
    QPainterPath path;
    auto polygon = [&](std::initializer_list<QPointF> points) {
        QPolygonF poly;
        for (const QPointF &p : points)
            poly << c + p;
        path.addPolygon(poly);
        path.closeSubpath();
    };
    switch (kind) {
    case TimelineEntry::Kind::Event:
        path.addEllipse(c, r * 0.75, r * 0.75);
        break;
    case TimelineEntry::Kind::Scaling:
        polygon({ { 0, -r }, { r, r }, { -r, r } });
        break;
    case TimelineEntry::Kind::Rollout:
        path.addRect(QRectF(c.x() - r * 0.8, c.y() - r * 0.8, r * 1.6, r * 1.6));
        break;
    case TimelineEntry::Kind::CanaryWeight:
        polygon({ { 0, -r }, { r, 0 }, { 0, r }, { -r, 0 } });
        break;
    case TimelineEntry::Kind::Action:
        polygon({ { -r * 0.3, -r },
                  { r * 0.3, -r },
                  { r * 0.3, -r * 0.3 },
                  { r, -r * 0.3 },
                  { r, r * 0.3 },
                  { r * 0.3, r * 0.3 },
                  { r * 0.3, r },
                  { -r * 0.3, r },
                  { -r * 0.3, r * 0.3 },
                  { -r, r * 0.3 },
                  { -r, -r * 0.3 },
                  { -r * 0.3, -r * 0.3 } });
        break;
    case TimelineEntry::Kind::Alert:
        polygon({ { -r, -r }, { r, -r }, { 0, r } });
        break;
    case TimelineEntry::Kind::Breaker: {
        QPolygonF octagon;
        for (int i = 0; i < 8; ++i) {
            const qreal a = (M_PI / 4.0) * i + M_PI / 8.0;
            octagon << c + QPointF(std::cos(a) * r, std::sin(a) * r);
        }
        path.addPolygon(octagon);
        path.closeSubpath();
        break;
    }
    case TimelineEntry::Kind::Health:
        path.addEllipse(c, r, r);
        path.addEllipse(c, r * 0.45, r * 0.45); // a ring (odd-even fill)
        break;
    case TimelineEntry::Kind::Budget:
        path.addRoundedRect(QRectF(c.x() - r, c.y() - r * 0.6, r * 2, r * 1.2), 2, 2);
        break;
    case TimelineEntry::Kind::Drill:
        polygon({ { -r, -r * 0.6 },
                  { -r * 0.6, -r },
                  { 0, -r * 0.4 },
                  { r * 0.6, -r },
                  { r, -r * 0.6 },
                  { r * 0.4, 0 },
                  { r, r * 0.6 },
                  { r * 0.6, r },
                  { 0, r * 0.4 },
                  { -r * 0.6, r },
                  { -r, r * 0.6 },
                  { -r * 0.4, 0 } });
        break;
    }
    return path;
}

} // namespace

TimelineStrip::TimelineStrip(TimelineModel *model, TimelineFilterProxyModel *filter, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_filter(filter)
{
    setFocusPolicy(Qt::StrongFocus);
    setAccessibleName(tr("Timeline strip"));
    setMouseTracking(false);
    // Repaints are coalesced: a storm of entries is one paint.
    m_repaint.setSingleShot(true);
    m_repaint.setInterval(100);
    connect(&m_repaint, &QTimer::timeout, this, [this] {
        update();
        updateAccessibleDescription();
    });
    auto schedule = [this] {
        if (!m_repaint.isActive())
            m_repaint.start();
    };
    connect(model, &QAbstractItemModel::rowsInserted, this, schedule);
    connect(model, &QAbstractItemModel::rowsRemoved, this, schedule);
    connect(model, &QAbstractItemModel::dataChanged, this, schedule);
    connect(model, &QAbstractItemModel::modelReset, this, schedule);
    connect(filter, &TimelineFilterProxyModel::filterChanged, this, schedule);
    // Following now: the strip slides every second; the table's range follows every few seconds.
    m_clock.setInterval(1000);
    connect(&m_clock, &QTimer::timeout, this, &TimelineStrip::tick);
    m_clock.start();
    updateAccessibleDescription();
}

QDateTime TimelineStrip::now() const
{
    return QDateTime::currentDateTimeUtc();
}

QDateTime TimelineStrip::visibleTo() const
{
    if (!m_followNow)
        return m_end;
    // A cluster whose clock runs ahead of ours (a few minutes; the sim at --speed more) stamps its
    // newest events "in the future": following now still shows them.
    const QDateTime current = now();
    if (m_model->rowCount() == 0)
        return current;
    const QDateTime newest = m_model->entryAt(m_model->rowCount() - 1).at;
    return newest > current ? std::min(newest, current.addSecs(MaxClockSkewSeconds)) : current;
}

QDateTime TimelineStrip::visibleFrom() const
{
    return visibleTo().addSecs(-m_spanSeconds);
}

QSize TimelineStrip::sizeHint() const
{
    return { 800, fontMetrics().height() * 8 + AxisHeight };
}

QSize TimelineStrip::minimumSizeHint() const
{
    return { 300, fontMetrics().height() * 3 + AxisHeight };
}

QColor TimelineStrip::severityColor(TimelineEntry::Severity severity)
{
    switch (severity) {
    case TimelineEntry::Severity::Info:
        return QColor(0x56, 0xb4, 0xe9); // sky blue
    case TimelineEntry::Severity::Warning:
        return QColor(0xe6, 0x9f, 0x00); // orange
    case TimelineEntry::Severity::Critical:
        return QColor(0xd5, 0x5e, 0x00); // vermillion
    }
    return Qt::gray;
}

void TimelineStrip::setSpan(qint64 seconds)
{
    const qint64 span = std::clamp(seconds, MinSpanSeconds, MaxSpanSeconds);
    if (span == m_spanSeconds)
        return;
    m_spanSeconds = span;
    announceRange();
}

void TimelineStrip::zoomIn()
{
    setSpan(m_spanSeconds / 2);
}

void TimelineStrip::zoomOut()
{
    setSpan(m_spanSeconds * 2);
}

void TimelineStrip::panLeft()
{
    m_end = visibleTo().addSecs(-std::max<qint64>(1, m_spanSeconds / 4));
    m_followNow = false;
    announceRange();
}

void TimelineStrip::panRight()
{
    const QDateTime end = visibleTo().addSecs(std::max<qint64>(1, m_spanSeconds / 4));
    if (end >= now()) {
        showNow();
        return;
    }
    m_end = end;
    m_followNow = false;
    announceRange();
}

void TimelineStrip::showNow()
{
    m_followNow = true;
    announceRange();
}

void TimelineStrip::showRange(const QDateTime &to, qint64 spanSeconds)
{
    m_spanSeconds = std::clamp(spanSeconds, MinSpanSeconds, MaxSpanSeconds);
    m_end = to.toUTC();
    m_followNow = false;
    announceRange();
}

void TimelineStrip::announceRange()
{
    update();
    updateAccessibleDescription();
    Q_EMIT rangeChanged(visibleFrom(), m_followNow ? QDateTime() : visibleTo());
}

void TimelineStrip::tick()
{
    if (!m_followNow || !isVisible())
        return;
    update();
    // The table's lower bound moves with now, but re-filtering every second would be wasted work.
    if (QDateTime::currentSecsSinceEpoch() % 5 == 0)
        Q_EMIT rangeChanged(visibleFrom(), {});
}

void TimelineStrip::updateAccessibleDescription()
{
    const QString from = visibleFrom().toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    const QString to
        = m_followNow ? tr("now") : visibleTo().toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    setAccessibleDescription(
        tr("From %1 to %2; plus and minus zoom, arrows pan, Home shows now").arg(from, to));
    setToolTip(accessibleDescription());
}

QRectF TimelineStrip::markRect(int sourceRow) const
{
    for (const Mark &mark : m_marks) {
        if (mark.sourceRow == sourceRow)
            return mark.rect;
    }
    return {};
}

void TimelineStrip::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    painter.fillRect(rect(), pal.color(QPalette::Base));

    const QDateTime from = visibleFrom();
    const QDateTime to = visibleTo();
    const qint64 fromMs = from.toMSecsSinceEpoch();
    const qint64 spanMs = std::max<qint64>(1, to.toMSecsSinceEpoch() - fromMs);

    // The entries in view, and their lanes ("estate" first, then services by name).
    struct Visible
    {
        int row;
        const TimelineEntry *entry;
    };
    QList<Visible> visible;
    QStringList lanes;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const TimelineEntry &entry = m_model->entryAt(row);
        if (entry.at < from || entry.at > to || !m_filter->acceptsIgnoringTime(entry))
            continue;
        visible.append({ row, &entry });
        const QString lane = TimelineModel::serviceLabel(entry.service);
        if (!lanes.contains(lane))
            lanes.append(lane);
    }
    std::sort(lanes.begin(), lanes.end(), [](const QString &a, const QString &b) {
        const bool ea = a == TimelineModel::serviceLabel({});
        const bool eb = b == TimelineModel::serviceLabel({});
        return ea != eb ? ea : a < b;
    });
    m_lanes = lanes;

    const QFontMetrics fm = fontMetrics();
    int gutter = fm.horizontalAdvance(tr("estate")) + 16;
    for (const QString &lane : std::as_const(lanes))
        gutter = std::max(gutter, fm.horizontalAdvance(lane) + 16);
    gutter = std::min(gutter, width() / 3);
    const QRectF plot(gutter, 4, std::max(10, width() - gutter - 8), std::max(10, height() - AxisHeight - 8));
    const qreal laneHeight = lanes.isEmpty() ? plot.height() : plot.height() / lanes.size();
    const qreal radius = std::clamp(laneHeight * 0.3, 3.0, MarkRadius * fm.height() / 14.0);

    // Lanes: alternating bands and their labels.
    for (int i = 0; i < lanes.size(); ++i) {
        const QRectF band(0, plot.top() + i * laneHeight, width(), laneHeight);
        if (i % 2)
            painter.fillRect(band, pal.color(QPalette::AlternateBase));
        painter.setPen(pal.color(QPalette::Text));
        painter.drawText(QRectF(4, band.top(), gutter - 8, band.height()), Qt::AlignVCenter | Qt::AlignLeft,
                         fm.elidedText(lanes[i], Qt::ElideRight, gutter - 8));
    }

    // Time axis with readable steps.
    const qint64 spanSeconds = spanMs / 1000;
    qint64 step = TickSteps[std::size(TickSteps) - 1];
    for (qint64 candidate : TickSteps) {
        if (spanSeconds / candidate
            <= std::max(2, int(plot.width() / (fm.horizontalAdvance(QStringLiteral("00:00")) * 2.2)))) {
            step = candidate;
            break;
        }
    }
    const qint64 stepMs = step * 1000;
    const qint64 offset = QDateTime::currentDateTime().offsetFromUtc() * 1000LL; // ticks on local round times
    painter.setPen(QPen(pal.color(QPalette::Mid), 1));
    const qreal axisY = plot.bottom() + 2;
    painter.drawLine(QPointF(plot.left(), axisY), QPointF(plot.right(), axisY));
    for (qint64 t = ((fromMs + offset) / stepMs + 1) * stepMs - offset; t < fromMs + spanMs; t += stepMs) {
        const qreal x = plot.left() + plot.width() * qreal(t - fromMs) / qreal(spanMs);
        painter.setPen(QPen(pal.color(QPalette::Mid), 1, Qt::DotLine));
        painter.drawLine(QPointF(x, plot.top()), QPointF(x, axisY));
        const QDateTime tick = QDateTime::fromMSecsSinceEpoch(t).toLocalTime();
        const QString label = step >= 86400 ? tick.toString(QStringLiteral("MM-dd"))
            : step >= 3600 && tick.time() == QTime(0, 0)
            ? tick.toString(QStringLiteral("MM-dd"))
            : tick.toString(step < 60 ? QStringLiteral("HH:mm:ss") : QStringLiteral("HH:mm"));
        painter.setPen(pal.color(QPalette::Text));
        const qreal w = fm.horizontalAdvance(label);
        painter.drawText(
            QPointF(std::clamp(x - w / 2, plot.left(), plot.right() - w), axisY + fm.ascent() + 2), label);
    }

    // Now.
    const qint64 nowMs = now().toMSecsSinceEpoch();
    if (nowMs >= fromMs && nowMs <= fromMs + spanMs) {
        const qreal x = plot.left() + plot.width() * qreal(nowMs - fromMs) / qreal(spanMs);
        painter.setPen(QPen(pal.color(QPalette::Highlight), 2));
        painter.drawLine(QPointF(x, plot.top()), QPointF(x, axisY));
    }

    // Marks, oldest first so the newest is on top.
    m_marks.clear();
    m_marks.reserve(visible.size());
    const QColor outline = pal.color(QPalette::Text);
    for (const Visible &v : std::as_const(visible)) {
        const int lane = int(lanes.indexOf(TimelineModel::serviceLabel(v.entry->service)));
        const qreal x
            = plot.left() + plot.width() * qreal(v.entry->at.toMSecsSinceEpoch() - fromMs) / qreal(spanMs);
        const QPointF centre(x, plot.top() + (lane + 0.5) * laneHeight);
        const qreal r = v.entry->severity == TimelineEntry::Severity::Critical ? radius * 1.3 : radius;
        QPainterPath shape = markShape(v.entry->kind, centre, r);
        shape.setFillRule(Qt::OddEvenFill);
        painter.setPen(QPen(outline, 1));
        painter.setBrush(severityColor(v.entry->severity));
        painter.drawPath(shape);
        m_marks.append({ shape.boundingRect().adjusted(-2, -2, 2, 2), v.row });
    }
    if (visible.isEmpty()) {
        painter.setPen(pal.color(QPalette::PlaceholderText));
        painter.drawText(plot, Qt::AlignCenter,
                         tr("Nothing happened in this range (%1 hidden by filters or outside it)")
                             .arg(m_model->rowCount()));
    }
}

void TimelineStrip::wheelEvent(QWheelEvent *event)
{
    const int delta = event->angleDelta().y();
    if (delta > 0)
        zoomIn();
    else if (delta < 0)
        zoomOut();
    event->accept();
}

void TimelineStrip::keyPressEvent(QKeyEvent *event)
{
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomIn();
        return;
    case Qt::Key_Minus:
        zoomOut();
        return;
    case Qt::Key_Left:
        panLeft();
        return;
    case Qt::Key_Right:
        panRight();
        return;
    case Qt::Key_Home:
    case Qt::Key_End:
        showNow();
        return;
    default:
        QWidget::keyPressEvent(event);
    }
}

void TimelineStrip::mousePressEvent(QMouseEvent *event)
{
    setFocus(Qt::MouseFocusReason);
    const QPointF pos = event->position();
    int best = -1;
    qreal bestDistance = 1e9;
    for (const Mark &mark : std::as_const(m_marks)) {
        if (!mark.rect.adjusted(-4, -4, 4, 4).contains(pos))
            continue;
        const qreal distance = QLineF(mark.rect.center(), pos).length();
        if (distance <= bestDistance) { // later (newer, painted on top) wins ties
            bestDistance = distance;
            best = mark.sourceRow;
        }
    }
    if (best >= 0)
        Q_EMIT entryClicked(best);
    QWidget::mousePressEvent(event);
}

} // namespace Opsdeck
