#pragma once

// The detail pane's Canary tab: the selected service's canary against stable over the telemetry window —
// the verdict and its reason as plain text beside the window picker, a "partial: reason" line when the
// queries answered in part, and three charts (error rate, p95, request rate) with the canary weight's
// changes marked. Picking a window emits windowChanged(seconds); the app passes it to the sources.

#include "servicekey.h"

#include <QWidget>

#include <functional>

class QComboBox;
class QLabel;
class QTimer;
class QToolButton;

namespace Opsdeck {

class ServiceStore;
class TelemetryChart;
class TelemetryStore;

class CanaryPane : public QWidget
{
    Q_OBJECT

public:
    CanaryPane(TelemetryStore *telemetry, QWidget *parent = nullptr);

    void setService(const ServiceKey &key);
    ServiceKey service() const { return m_key; }
    // Shows `seconds` in the picker without emitting windowChanged (the sources' current window).
    void setWindowSeconds(int seconds);
    int windowSeconds() const;

    QComboBox *windowPicker() const { return m_window; }
    QLabel *verdictLabel() const { return m_verdict; }
    QLabel *partialLabel() const { return m_partial; }
    QLabel *figuresLabel() const { return m_figures; }
    TelemetryChart *errorRateChart() const { return m_errorRate; }
    TelemetryChart *latencyChart() const { return m_latency; }
    TelemetryChart *requestRateChart() const { return m_requestRate; }

    static QList<int> windowChoices(); // 900, 3600, 21600, 86400

    // The KQL behind a chart ("errorRate" | "p95" | "requestRate") for a service and window, rendered the
    // way the telemetry source sends it. With a provider each chart offers "Copy query"; without, no button.
    using QueryProvider = std::function<QString(const ServiceKey &service, const QString &chart, int windowSeconds)>;
    void setQueryProvider(QueryProvider provider);
    QToolButton *copyQueryButton(const QString &chart) const;

Q_SIGNALS:
    void windowChanged(int seconds);
    // The selected service's verdict as one line ("Roll back: canary error rate …") and a tooltip; empty
    // text when there is nothing to judge. Sent on every refresh (the Actions panel shows it).
    void verdictChanged(const QString &text, const QString &toolTip);

private:
    void refresh();
    QWidget *withCopyButton(TelemetryChart *chart, const QString &id, const QString &accessibleName);
    void copyQuery(const QString &chart);

    TelemetryStore *m_telemetry;
    ServiceKey m_key;
    QComboBox *m_window;
    QLabel *m_verdictIcon;
    QLabel *m_verdict;
    QLabel *m_partial;
    QLabel *m_figures;
    TelemetryChart *m_errorRate;
    TelemetryChart *m_latency;
    TelemetryChart *m_requestRate;
    QTimer *m_tick;
    QueryProvider m_queries;
    int m_requestedWindow = 0; // picked, not yet answered: the picker keeps it meanwhile
    QHash<QString, QToolButton *> m_copyButtons;
};

} // namespace Opsdeck
