#pragma once

// What the costmanagement source last said, per scope, and what follows from it (DESIGN §7): one
// CostLine per Service tag value ("(untagged)" and "(shared)" always among them), the budgets, and the
// budget thresholds crossed (alerts). A batch carrying a scope's series replaces that scope's figures;
// the current scope is the one of the latest batch. Lives on the GUI thread, fed by
// SourceHost::observationsReady; no widgets.

#include "costalert.h"
#include "costline.h"
#include "observation.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>

namespace Opsdeck {

class CostStore : public QObject
{
    Q_OBJECT

public:
    explicit CostStore(QObject *parent = nullptr);

    void apply(const ObservationBatch &batch);

    QString scope() const { return m_current; }
    QStringList scopes() const { return m_scopes.keys(); }
    bool hasData() const { return m_scopes.contains(m_current); }
    QList<CostLine> lines() const { return m_lines; }
    std::optional<CostLine> line(const QString &service) const;
    QList<CostBudget> budgets() const;
    // The budget without a Service filter: the whole scope's (the chart's budget line).
    std::optional<CostBudget> scopeBudget() const;
    QList<CostAlert> alerts() const { return m_alerts; }
    QDate asOf() const;
    QDateTime fetchedAt() const;
    bool isCached() const;  // the figures are the cache's, replayed at start
    QString currency() const;
    // Sum of every line's figure (the Costs view's total).
    double totalMonthToDate() const;

    // The figures of one series, with its service's budget (if any) — the maths of the Costs view.
    static CostLine summarize(const CostSeries &series, const std::optional<CostBudget> &budget);
    // 100 × (now − before) ÷ before; nullopt when before is 0.
    static std::optional<double> changePercent(double now, double before);
    static BudgetLevel levelFor(std::optional<double> usedPercent);
    // The highest threshold per (budget, Actual|Forecasted) crossed; `now` stamps new alerts.
    static QList<CostAlert> alertsFor(const QList<CostBudget> &budgets, const QList<CostLine> &lines, const QDate &asOf);

    // The CLI's CSV (CLI.md): header service,monthToDate,lastMonth,forecast,budget,budgetUsedPercent,currency;
    // plain numbers, `.` as decimal point, empty where unknown. lastMonth is the month before, same period.
    QString csv() const;
    static QString csvNumber(std::optional<double> value);
    // Adds `cost` to every service of root["contexts"][i]["services"][j] (matched by name; all fields null
    // when there is no such Service tag) and a top-level `costs` object (docs/snapshot-format.md).
    void addToSnapshot(QJsonObject &root) const;

Q_SIGNALS:
    void changed();
    void alertsChanged();

private:
    struct ScopeData
    {
        QList<CostSeries> series;
        QList<CostBudget> budgets;
    };

    void recompute();

    QHash<QString, ScopeData> m_scopes;
    QString m_current;
    QList<CostLine> m_lines;
    QList<CostAlert> m_alerts;
    QHash<QString, QDateTime> m_alertSince; // alert id → first seen
};

} // namespace Opsdeck
