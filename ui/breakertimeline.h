#pragma once

// A painted strip of a service's breaker transitions over the last hours: one lane per breaker, each
// span coloured and labelled by its state (the colour only repeats the word, DESIGN §11). Reads
// BreakerHistoryModel; its table is the textual alternative, and the strip's accessible description
// says the same in a sentence.

#include "telemetrystore.h"

#include <QDateTime>
#include <QWidget>

namespace Opsdeck {

class BreakerHistoryModel;

class BreakerTimeline : public QWidget
{
    Q_OBJECT

public:
    explicit BreakerTimeline(BreakerHistoryModel *model, QWidget *parent = nullptr);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    // What the strip shows, as text (also its accessible description).
    QString describe() const;
    // Polly's resilience events from telemetry (retries, timeouts, fallbacks, breaker transitions as the
    // service logged them), drawn as lettered ticks in a lane of their own under the breakers.
    void setResilienceEvents(const QList<ResilienceEvent> &events);
    QList<ResilienceEvent> resilienceEvents() const { return m_events; }
    static QString eventLetter(const QString &event); // "R" retry, "T" timeout, "F" fallback, "O"/"H"/"C" breaker

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    void onModelChanged();
    // The time window shown: the last hours that hold transitions (at least 2 minutes, at most 6 h).
    QPair<QDateTime, QDateTime> window() const;

    BreakerHistoryModel *m_model;
    QList<ResilienceEvent> m_events;
};

} // namespace Opsdeck
