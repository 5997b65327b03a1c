#pragma once

// The alerts as a table for the Alerts dock (issue 9 §2): the engine's active alerts (worst first), or the
// history — the alert log's newest rows when there is a log, else the engine's own history, newest first.
// Follows AlertEngine::alertsChanged and AlertLog::recorded (coalesced). Exposes meaning (SeverityRole);
// the view maps it to icon and colour. Times: relative in the cell ("5 min ago"), absolute in the tooltip;
// refreshTimes() moves the relative ones on.

#include "alert.h"
#include "clock.h"

#include <QAbstractTableModel>
#include <QPointer>
#include <QTimer>

namespace Opsdeck {

class AlertEngine;
class AlertLog;

class AlertTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        SeverityColumn,
        RuleColumn,
        ServiceColumn,
        SinceColumn,
        SummaryColumn,
        AcknowledgedColumn,
        EndedColumn, // history only ("active" while it lasts)
        ColumnCount,
    };
    enum Role {
        AlertIdRole = Qt::UserRole + 1, // QString
        SeverityRole, // Alert::Severity as int
        ServiceKeyRole, // ServiceKey (empty for estate-wide)
        ActiveRole, // bool
        SortRole, // numbers for times and severity
    };
    Q_ENUM(Role)
    enum class Mode { Active, History };

    explicit AlertTableModel(AlertEngine *engine, AlertLog *log = nullptr,
                             const Clock &clock = Clock::system(), QObject *parent = nullptr);

    Mode mode() const { return m_mode; }
    void setMode(Mode mode);
    int historyLimit() const { return m_historyLimit; }
    void setHistoryLimit(int limit);

    // Reads the alerts again now.
    void reload();
    // The relative times changed (a view calls this every few seconds).
    void refreshTimes();

    Alert alert(int row) const { return m_alerts.value(row); }
    QList<Alert> alerts() const { return m_alerts; }
    int rowOf(const QString &id) const;
    int activeCount() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // "Critical", "Warning", "Info".
    static QString severityWord(Alert::Severity severity);
    // "1 alert", "3 alerts" (English plurals without a translation file).
    static QString countText(int count);
    // "shop/productservice", or "Estate" for estate-wide alerts.
    static QString serviceText(const Alert &alert);

Q_SIGNALS:
    void reloaded();

private:
    void scheduleReload();

    QPointer<AlertEngine> m_engine;
    QPointer<AlertLog> m_log;
    const Clock &m_clock;
    Mode m_mode = Mode::Active;
    int m_historyLimit = 500;
    QList<Alert> m_alerts;
    QTimer m_coalesce;
};

} // namespace Opsdeck
