#include "breakertimeline.h"

#include "breakerhistorymodel.h"
#include "healthstyle.h"
#include "servicestore.h"

#include <QMap>
#include <QPainter>
#include <QPaintEvent>

namespace Opsdeck {

namespace {

Health healthOf(BreakerState::State state)
{
    switch (state) {
    case BreakerState::State::Open:
    case BreakerState::State::Isolated:
        return Health::Unhealthy;
    case BreakerState::State::HalfOpen:
        return Health::Degraded;
    case BreakerState::State::Closed:
        break;
    }
    return Health::Healthy;
}

} // namespace

QString BreakerTimeline::eventLetter(const QString &event)
{
    if (event == QStringLiteral("OnRetry"))
        return QStringLiteral("R");
    if (event == QStringLiteral("OnTimeout"))
        return QStringLiteral("T");
    if (event == QStringLiteral("OnFallback"))
        return QStringLiteral("F");
    if (event == QStringLiteral("OnCircuitOpened"))
        return QStringLiteral("O");
    if (event == QStringLiteral("OnCircuitHalfOpened"))
        return QStringLiteral("H");
    if (event == QStringLiteral("OnCircuitClosed"))
        return QStringLiteral("C");
    return QStringLiteral("?");
}

void BreakerTimeline::setResilienceEvents(const QList<ResilienceEvent> &events)
{
    if (events == m_events)
        return;
    m_events = events;
    onModelChanged();
}

BreakerTimeline::BreakerTimeline(BreakerHistoryModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
{
    setAccessibleName(tr("Breaker timeline"));
    setFocusPolicy(Qt::TabFocus);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    connect(model, &QAbstractItemModel::modelReset, this, &BreakerTimeline::onModelChanged);
    connect(model, &QAbstractItemModel::dataChanged, this, &BreakerTimeline::onModelChanged);
    onModelChanged();
}

QSize BreakerTimeline::sizeHint() const
{
    const int lanes = std::max<qsizetype>(1, m_model->lanes().size() + (m_events.isEmpty() ? 0 : 1));
    return QSize(400, fontMetrics().height() * (2 + int(lanes) * 2));
}

QSize BreakerTimeline::minimumSizeHint() const
{
    return QSize(200, fontMetrics().height() * 4);
}

void BreakerTimeline::onModelChanged()
{
    setAccessibleDescription(describe());
    updateGeometry();
    update();
}

QPair<QDateTime, QDateTime> BreakerTimeline::window() const
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QDateTime first = now.addSecs(-120); // a fresh history still gets a readable width
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const QDateTime at = m_model->index(row, 0).data(BreakerHistoryModel::AtRole).toDateTime();
        if (at.isValid() && at < first)
            first = at;
    }
    for (const ResilienceEvent &event : m_events) {
        if (event.at.isValid() && event.at < first)
            first = event.at;
    }
    const QDateTime earliest = now.addSecs(-3600LL * ServiceStore::BreakerHistoryHours);
    return {std::max(first.addSecs(-std::max<qint64>(10, first.secsTo(now) / 10)), earliest), now};
}

QString BreakerTimeline::describe() const
{
    const QStringList lanes = m_model->lanes();
    QString events;
    if (!m_events.isEmpty()) {
        QMap<QString, double> counts;
        for (const ResilienceEvent &event : m_events)
            counts[event.event + (event.track == Track::Canary ? QStringLiteral(" (canary)") : QString())] += event.count;
        QStringList parts;
        for (auto it = counts.cbegin(); it != counts.cend(); ++it)
            parts << QStringLiteral("%1 × %2").arg(it.key()).arg(qint64(it.value()));
        events = tr("resilience events: %1").arg(parts.join(QStringLiteral(", ")));
    }
    if (lanes.isEmpty())
        return events.isEmpty() ? tr("No circuit breaker transitions recorded") : tr("No circuit breaker transitions recorded; ") + events;
    QStringList parts;
    for (const QString &lane : lanes) {
        // The newest row of the lane is its current state.
        for (int row = 0; row < m_model->rowCount(); ++row) {
            const QModelIndex index = m_model->index(row, 0);
            if (index.data(BreakerHistoryModel::LaneRole).toString() != lane)
                continue;
            parts << tr("%1 %2 since %3")
                         .arg(lane, toString(index.data(BreakerHistoryModel::StateRole).value<BreakerState::State>()),
                              index.data(BreakerHistoryModel::AtRole).toDateTime().toUTC().toString(QStringLiteral("HH:mm:ss")));
            break;
        }
    }
    return tr("%n transition(s); ", nullptr, m_model->rowCount()) + parts.join(QStringLiteral("; "))
        + (events.isEmpty() ? QString() : QStringLiteral("; ") + events);
}

void BreakerTimeline::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Base));
    const QStringList lanes = m_model->lanes();
    const QFontMetrics fm = fontMetrics();
    const int labelWidth = std::min(width() / 3, fm.horizontalAdvance(QStringLiteral("notificationservice (canary)")) + 12);
    const int axisHeight = fm.height() + 4;
    const QRect plot(labelWidth, 4, width() - labelWidth - 8, height() - axisHeight - 8);
    p.setPen(palette().color(QPalette::Text));
    if (lanes.isEmpty() && m_events.isEmpty()) {
        p.drawText(rect(), Qt::AlignCenter, tr("No circuit breaker transitions recorded"));
        return;
    }
    const auto [from, to] = window();
    const double span = std::max<qint64>(1, from.msecsTo(to));
    const auto xOf = [&](const QDateTime &t) {
        const double f = std::clamp(double(from.msecsTo(t)) / span, 0.0, 1.0);
        return plot.left() + int(f * plot.width());
    };
    const int laneCount = int(lanes.size()) + (m_events.isEmpty() ? 0 : 1);
    const int laneHeight = std::max(fm.height() + 4, plot.height() / laneCount);
    for (int i = 0; i < lanes.size(); ++i) {
        const QRect laneRect(plot.left(), plot.top() + i * laneHeight, plot.width(), laneHeight - 4);
        p.setPen(palette().color(QPalette::Text));
        p.drawText(QRect(2, laneRect.top(), labelWidth - 6, laneRect.height()), Qt::AlignVCenter | Qt::AlignLeft,
                   fm.elidedText(lanes[i], Qt::ElideRight, labelWidth - 6));
        for (int row = 0; row < m_model->rowCount(); ++row) {
            const QModelIndex index = m_model->index(row, 0);
            if (index.data(BreakerHistoryModel::LaneRole).toString() != lanes[i])
                continue;
            const auto state = index.data(BreakerHistoryModel::StateRole).value<BreakerState::State>();
            QDateTime until = index.data(BreakerHistoryModel::UntilRole).toDateTime();
            if (!until.isValid())
                until = to;
            const QDateTime at = index.data(BreakerHistoryModel::AtRole).toDateTime();
            if (until < from)
                continue;
            const QRect bar(xOf(at), laneRect.top(), std::max(2, xOf(until) - xOf(at)), laneRect.height());
            QColor fill = HealthStyle::color(healthOf(state));
            fill.setAlpha(state == BreakerState::State::Closed ? 90 : 200);
            p.fillRect(bar, fill);
            const QString word = toString(state);
            if (fm.horizontalAdvance(word) + 6 < bar.width()) {
                p.setPen(state == BreakerState::State::Closed ? palette().color(QPalette::Text) : QColor(Qt::white));
                p.drawText(bar.adjusted(3, 0, -3, 0), Qt::AlignVCenter | Qt::AlignLeft, word);
            }
        }
    }
    if (!m_events.isEmpty()) {
        // The events lane: a tick per bin with events, its letter above (the letter, not the colour, says which).
        const QRect laneRect(plot.left(), plot.top() + int(lanes.size()) * laneHeight, plot.width(), laneHeight - 4);
        p.setPen(palette().color(QPalette::Text));
        p.drawText(QRect(2, laneRect.top(), labelWidth - 6, laneRect.height()), Qt::AlignVCenter | Qt::AlignLeft,
                   fm.elidedText(tr("Polly events"), Qt::ElideRight, labelWidth - 6));
        // Events of one bin share a tick: their letters side by side ("RO"), coloured by the worst of them.
        struct Tick
        {
            QString letters;
            int severity = 0;
        };
        QMap<int, Tick> ticks;
        for (const ResilienceEvent &event : std::as_const(m_events)) {
            if (event.at < from)
                continue;
            Tick &tick = ticks[xOf(event.at)];
            const QString letter = eventLetter(event.event);
            if (!tick.letters.contains(letter))
                tick.letters += letter;
            const int severity = event.event == QStringLiteral("OnCircuitOpened") ? 2
                : event.event == QStringLiteral("OnCircuitHalfOpened") || event.event == QStringLiteral("OnTimeout") ? 1
                                                                                                                      : 0;
            tick.severity = std::max(tick.severity, severity);
        }
        for (auto it = ticks.cbegin(); it != ticks.cend(); ++it) {
            const QColor color = it->severity == 2 ? HealthStyle::color(Health::Unhealthy)
                : it->severity == 1               ? HealthStyle::color(Health::Degraded)
                                                  : palette().color(QPalette::Text);
            QPen tick(color);
            tick.setWidth(2);
            p.setPen(tick);
            p.drawLine(it.key(), laneRect.bottom() - laneRect.height() / 3, it.key(), laneRect.bottom());
            const int w = fm.horizontalAdvance(it->letters) + 4;
            p.drawText(QRect(it.key() - w / 2, laneRect.top(), w, laneRect.height() * 2 / 3), Qt::AlignCenter, it->letters);
        }
    }
    // Time axis: the window's ends.
    p.setPen(palette().color(QPalette::PlaceholderText));
    const int axisY = plot.bottom() + 2;
    p.drawLine(plot.left(), axisY, plot.right(), axisY);
    const QString fromText = from.toUTC().toString(QStringLiteral("HH:mm")) + QStringLiteral(" UTC");
    p.drawText(QRect(plot.left(), axisY + 1, plot.width(), axisHeight), Qt::AlignLeft | Qt::AlignTop, fromText);
    p.drawText(QRect(plot.left(), axisY + 1, plot.width(), axisHeight), Qt::AlignRight | Qt::AlignTop, tr("now"));
    if (!m_events.isEmpty()) // what the letters mean
        p.drawText(QRect(plot.left(), axisY + 1, plot.width(), axisHeight), Qt::AlignHCenter | Qt::AlignTop,
                   fm.elidedText(tr("R retry · T timeout · F fallback · O/H/C breaker opened/half-opened/closed"), Qt::ElideRight,
                                 plot.width() - 2 * fm.horizontalAdvance(fromText) - 16));
    if (hasFocus()) {
        QPen focus(palette().color(QPalette::Highlight));
        focus.setWidth(2);
        p.setPen(focus);
        p.drawRect(rect().adjusted(1, 1, -1, -1));
    }
}

} // namespace Opsdeck
