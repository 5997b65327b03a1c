#pragma once

// The painted half of the timeline (issue 9 §3): one lane per service, each entry a mark whose shape
// says its kind and whose colour (Okabe–Ito, never alone) says its severity, over a time axis. Zoom with
// the wheel or +/-, pan with the arrow keys, Home (or "Now") follows the present again. The table
// beside it is the accessible path to the same entries; this only paints what the filter accepts.

#include "timelineentry.h"

#include <QDateTime>
#include <QList>
#include <QRectF>
#include <QTimer>
#include <QWidget>

namespace Opsdeck {

class TimelineFilterProxyModel;
class TimelineModel;

class TimelineStrip : public QWidget
{
    Q_OBJECT

public:
    static constexpr qint64 MinSpanSeconds = 60;
    static constexpr qint64 MaxSpanSeconds = 14 * 24 * 3600;
    static constexpr qint64 DefaultSpanSeconds = 3600;
    static constexpr qint64 MaxClockSkewSeconds = 600; // newest entries this far ahead still show

    TimelineStrip(TimelineModel *model, TimelineFilterProxyModel *filter, QWidget *parent = nullptr);

    qint64 spanSeconds() const { return m_spanSeconds; }
    QDateTime visibleFrom() const;
    QDateTime visibleTo() const;
    bool followsNow() const { return m_followNow; }
    // Lanes painted now (service labels), top to bottom.
    QStringList lanes() const { return m_lanes; }
    // The mark of this source row as painted last (empty when not shown).
    QRectF markRect(int sourceRow) const;

    static QColor severityColor(TimelineEntry::Severity severity);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

public Q_SLOTS:
    void zoomIn();
    void zoomOut();
    void panLeft();
    void panRight();
    void showNow();
    // Shows [to − span, to] (no longer following now).
    void showRange(const QDateTime &to, qint64 spanSeconds);

Q_SIGNALS:
    // The visible range changed; `to` is invalid while following now (open end).
    void rangeChanged(const QDateTime &from, const QDateTime &to);
    void entryClicked(int sourceRow);

protected:
    void paintEvent(QPaintEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;

private:
    struct Mark
    {
        QRectF rect;
        int sourceRow = -1;
    };
    void setSpan(qint64 seconds);
    void announceRange();
    void tick();
    void updateAccessibleDescription();
    QDateTime now() const;

    TimelineModel *m_model;
    TimelineFilterProxyModel *m_filter;
    qint64 m_spanSeconds = DefaultSpanSeconds;
    QDateTime m_end; // when not following now
    bool m_followNow = true;
    QStringList m_lanes;
    QList<Mark> m_marks;
    QTimer m_clock;
    QTimer m_repaint;
};

} // namespace Opsdeck
