#pragma once

// The Costs view (issue 7): per-service table (month to date, last month's same days, change, forecast,
// budget and how much of it is used, banded at 50/80/100 %), the month's daily cost stacked by service
// with the budget's pace, the selected service's month against its budget, the budget thresholds
// crossed, how old the figures are, a refresh button and CSV export of what the table shows. It only
// shows CostStore; refresh and scope go out as signals (Application hands them to the source).

#include <QWidget>

class QChart;
class QChartView;
class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QTimer;

namespace Opsdeck {

class CostStore;
class CostTableModel;

class CostsView : public QWidget
{
    Q_OBJECT

public:
    explicit CostsView(CostStore *store, QWidget *parent = nullptr);

    // Writes what the table shows (its rows in the shown order) as CSV; false with a message if not.
    bool exportCsv(const QString &path, QString *error = nullptr) const;
    QString shownCsv() const;
    bool selectService(const QString &service);
    QString selectedService() const;

    QTableView *table() const { return m_table; }
    QChartView *dailyChart() const { return m_dailyView; }
    QChartView *detailChart() const { return m_detailView; }
    QListWidget *alerts() const { return m_alerts; }
    QLabel *ageLabel() const { return m_age; }

Q_SIGNALS:
    void refreshRequested();
    // A resource group's name or a full scope; empty: the subscription.
    void scopeRequested(const QString &scope);

private:
    void onStoreChanged();
    void onAlertsChanged();
    void updateAge();
    void updateDetail();
    void onExportClicked();

    CostStore *m_store;
    CostTableModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_table;
    QChart *m_daily;
    QChartView *m_dailyView;
    QChart *m_detail;
    QChartView *m_detailView;
    QListWidget *m_alerts;
    QLabel *m_age;
    QLabel *m_total;
    QComboBox *m_scope;
    QPushButton *m_refresh;
    QPushButton *m_export;
    QTimer *m_clock;
    bool m_refreshing = false;
};

} // namespace Opsdeck
