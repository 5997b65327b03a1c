#pragma once

// One Canary-tab chart: a metric over time, stable against canary (two lines that differ by dash as well
// as by colour, DESIGN §11), with the canary weight's changes marked on the time axis as dashed
// verticals labelled "→ 25%". Its accessible description says the same in a sentence.

#include "observation.h"
#include "telemetrystore.h"

#include <QChartView>
#include <QDateTime>

class QDateTimeAxis;
class QLineSeries;
class QValueAxis;

namespace Opsdeck {

class TelemetryChart : public QChartView
{
    Q_OBJECT

public:
    // `unit` labels the value axis ("%", "ms", "req/min").
    TelemetryChart(const QString &title, const QString &unit, const QString &accessibleName, QWidget *parent = nullptr);

    void setData(const QList<TelemetryPoint> &stable, const QList<TelemetryPoint> &canary, const QList<WeightChange> &weights);
    void clear();

    QLineSeries *stableSeries() const { return m_stable; }
    QLineSeries *canarySeries() const { return m_canary; }
    QList<WeightChange> weightMarks() const { return m_marks; } // those inside the shown time range
    QString describe() const;

protected:
    void drawForeground(QPainter *painter, const QRectF &rect) override;

private:
    QString m_title;
    QString m_unit;
    QLineSeries *m_stable;
    QLineSeries *m_canary;
    QDateTimeAxis *m_time;
    QValueAxis *m_values;
    QList<WeightChange> m_marks;
    std::optional<double> m_lastStable;
    std::optional<double> m_lastCanary;
};

} // namespace Opsdeck
