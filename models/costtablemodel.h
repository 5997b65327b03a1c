#pragma once

// The Costs view's table: one row per CostStore line ("(untagged)" and "(shared)" included). Exposes
// meaning — LevelRole (the 50/80/100 % band), raw numbers in SortRole/RawRole — and leaves icons and
// colours to ui/. toCsv() writes what a view of it shows, in the view's order, as plain numbers.

#include "coststore.h"

#include <QAbstractTableModel>
#include <QLocale>

namespace Opsdeck {

class CostTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        ServiceColumn,
        MonthToDateColumn,
        LastMonthColumn, // the month before, same period
        ChangeColumn,
        ForecastColumn,
        BudgetColumn,
        BudgetUsedColumn,
        ColumnCount,
    };
    Q_ENUM(Column)

    enum Role {
        SortRole = Qt::UserRole + 1, // raw number or name
        RawRole,                     // the number as the CSV writes it (invalid: unknown)
        LevelRole,                   // Opsdeck::BudgetLevel of the row (any column)
        ServiceRole,                 // the Service tag value
        CurrencyRole,
        ForecastUsedRole,            // double, the forecast's % of budget (invalid: unknown)
        CsvNameRole,                 // Qt::Horizontal header: the CSV column name
    };
    Q_ENUM(Role)

    explicit CostTableModel(CostStore *store, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setLocale(const QLocale &locale);
    int rowOf(const QString &service) const;
    // "12% — under 50%", "62% — over 50%", "85% — over 80%", "104% — over budget", "no budget".
    static QString usedText(const CostLine &line, const QLocale &locale = QLocale());
    // RFC 4180 CSV of `shown` (this model or a proxy of it) in its row order: the CSV column names, then
    // plain numbers (`.` decimal point) and the currency.
    static QString toCsv(const QAbstractItemModel *shown);

private:
    void onStoreChanged();

    CostStore *m_store;
    QList<CostLine> m_lines;
    QLocale m_locale;
};

} // namespace Opsdeck
