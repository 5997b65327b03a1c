#pragma once

// A painted strip of a service's breaker transitions over the last hours: one lane per breaker, each
// span coloured and labelled by its state (the colour only repeats the word, DESIGN §11). Reads
// BreakerHistoryModel; its table is the textual alternative, and the strip's accessible description
// says the same in a sentence.

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

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    void onModelChanged();
    // The time window shown: the last hours that hold transitions (at least 2 minutes, at most 6 h).
    QPair<QDateTime, QDateTime> window() const;

    BreakerHistoryModel *m_model;
};

} // namespace Opsdeck
