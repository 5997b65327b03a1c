#include "costtablemodel.h"

#include "costformat.h"
#include "csvwriter.h"

namespace Opsdeck {

CostTableModel::CostTableModel(CostStore *store, QObject *parent)
    : QAbstractTableModel(parent)
    , m_store(store)
    , m_lines(store->lines())
{
    connect(store, &CostStore::changed, this, &CostTableModel::onStoreChanged);
}

void CostTableModel::onStoreChanged()
{
    const QList<CostLine> next = m_store->lines();
    bool sameRows = next.size() == m_lines.size();
    for (qsizetype i = 0; sameRows && i < next.size(); ++i)
        sameRows = next.at(i).service == m_lines.at(i).service;
    if (!sameRows) {
        // Services come and go once an hour at most: a reset is cheap and keeps the code plain.
        beginResetModel();
        m_lines = next;
        endResetModel();
        return;
    }
    m_lines = next;
    if (!m_lines.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_lines.size()) - 1, ColumnCount - 1));
}

void CostTableModel::setLocale(const QLocale &locale)
{
    m_locale = locale;
    if (!m_lines.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_lines.size()) - 1, ColumnCount - 1), {Qt::DisplayRole});
}

int CostTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_lines.size());
}

int CostTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

int CostTableModel::rowOf(const QString &service) const
{
    for (qsizetype i = 0; i < m_lines.size(); ++i) {
        if (m_lines.at(i).service == service)
            return int(i);
    }
    return -1;
}

QString CostTableModel::usedText(const CostLine &line, const QLocale &locale)
{
    if (!line.budgetUsedPercent)
        return tr("no budget");
    const QString used = CostFormat::percent(line.budgetUsedPercent, locale);
    switch (line.level) {
    case BudgetLevel::NoBudget:
        return tr("no budget");
    case BudgetLevel::Under50:
        return tr("%1 — under 50%").arg(used);
    case BudgetLevel::From50:
        return tr("%1 — over 50%").arg(used);
    case BudgetLevel::From80:
        return tr("%1 — over 80%").arg(used);
    case BudgetLevel::Over100:
        return tr("%1 — over budget").arg(used);
    }
    return used;
}

QVariant CostTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const CostLine &line = m_lines.at(index.row());
    const auto raw = [](std::optional<double> value) { return value ? QVariant(*value) : QVariant(); };
    switch (role) {
    case LevelRole:
        return QVariant::fromValue(line.level);
    case ServiceRole:
        return line.service;
    case CurrencyRole:
        return line.currency;
    case ForecastUsedRole:
        return raw(line.forecastUsedPercent);
    case Qt::TextAlignmentRole:
        return index.column() == ServiceColumn ? QVariant(Qt::AlignLeft | Qt::AlignVCenter) : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    default:
        break;
    }
    if (role == SortRole || role == RawRole) {
        switch (index.column()) {
        case ServiceColumn:
            return role == SortRole ? QVariant(line.service) : QVariant(line.service);
        case MonthToDateColumn:
            return line.monthToDate;
        case LastMonthColumn:
            return raw(line.lastMonthSamePeriod);
        case ChangeColumn:
            return raw(line.changePercent);
        case ForecastColumn:
            return raw(line.forecast);
        case BudgetColumn:
            return raw(line.budget);
        case BudgetUsedColumn:
            return raw(line.budgetUsedPercent);
        default:
            return {};
        }
    }
    if (role == Qt::DisplayRole || role == Qt::AccessibleTextRole) {
        switch (index.column()) {
        case ServiceColumn:
            return line.service;
        case MonthToDateColumn:
            return CostFormat::money(line.monthToDate, line.currency, m_locale);
        case LastMonthColumn:
            return CostFormat::money(line.lastMonthSamePeriod, line.currency, m_locale);
        case ChangeColumn:
            return CostFormat::change(line.changePercent, m_locale);
        case ForecastColumn:
            return CostFormat::money(line.forecast, line.currency, m_locale);
        case BudgetColumn:
            return line.budget ? CostFormat::money(line.budget, line.currency, m_locale) : tr("no budget");
        case BudgetUsedColumn:
            return usedText(line, m_locale);
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (index.column()) {
        case ServiceColumn:
            if (line.service == QLatin1String("(untagged)"))
                return tr("Spend on resources without a Service tag");
            if (line.service == QLatin1String("(shared)"))
                return tr("Shared infrastructure (Service tag \"shared\"): AKS control plane, ingress, messaging");
            return tr("Resources tagged Service=%1").arg(line.service);
        case LastMonthColumn:
            return tr("Last month, same days: %1 (whole month %2)")
                .arg(CostFormat::money(line.lastMonthSamePeriod, line.currency, m_locale),
                     CostFormat::money(line.lastMonth, line.currency, m_locale));
        case ForecastColumn:
        case BudgetUsedColumn:
            if (line.forecastUsedPercent)
                return tr("Forecast at month end: %1, %2 of budget")
                    .arg(CostFormat::money(line.forecast, line.currency, m_locale), CostFormat::percent(line.forecastUsedPercent, m_locale));
            return tr("Forecast at month end: %1").arg(CostFormat::money(line.forecast, line.currency, m_locale));
        default:
            return {};
        }
    }
    return {};
}

QVariant CostTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == CsvNameRole) {
        static const char *const names[] = {"service", "monthToDate", "lastMonthSamePeriod", "changePercent",
                                            "forecast", "budget", "budgetUsedPercent"};
        return QString::fromLatin1(names[section]);
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case LastMonthColumn:
            return tr("The month before, over the same days (1 to today's day)");
        case ChangeColumn:
            return tr("Month to date against last month's same period");
        case BudgetUsedColumn:
            return tr("Spend against the budget; bands at 50, 80 and 100%");
        default:
            return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case ServiceColumn:
        return tr("Service");
    case MonthToDateColumn:
        return tr("Month to date");
    case LastMonthColumn:
        return tr("Last month (same days)");
    case ChangeColumn:
        return tr("Change");
    case ForecastColumn:
        return tr("Forecast");
    case BudgetColumn:
        return tr("Budget");
    case BudgetUsedColumn:
        return tr("Budget used");
    default:
        return {};
    }
}

QString CostTableModel::toCsv(const QAbstractItemModel *shown)
{
    QStringList header;
    for (int column = 0; column < ColumnCount; ++column)
        header << shown->headerData(column, Qt::Horizontal, CsvNameRole).toString();
    header << QStringLiteral("currency");
    QString out = CsvWriter::row(header);
    for (int row = 0; row < shown->rowCount(); ++row) {
        QStringList fields;
        for (int column = 0; column < ColumnCount; ++column) {
            const QVariant value = shown->index(row, column).data(RawRole);
            if (column == ServiceColumn)
                fields << value.toString();
            else
                fields << (value.isValid() ? CostStore::csvNumber(value.toDouble()) : QString());
        }
        fields << shown->index(row, 0).data(CurrencyRole).toString();
        out += CsvWriter::row(fields);
    }
    return out;
}

} // namespace Opsdeck
