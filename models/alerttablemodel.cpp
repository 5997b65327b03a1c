#include "alerttablemodel.h"

#include "alertengine.h"
#include "alertlog.h"
#include "format.h"

#include <QLoggingCategory>

#include <algorithm>
#include <limits>

Q_LOGGING_CATEGORY(lcAlertTable, "opsdeck.alerttablemodel")

namespace Opsdeck {

AlertTableModel::AlertTableModel(AlertEngine *engine, AlertLog *log, const Clock &clock, QObject *parent)
    : QAbstractTableModel(parent)
    , m_engine(engine)
    , m_log(log)
    , m_clock(clock)
{
    // An evaluation raises, ends and re-words several alerts in a row: read them once.
    m_coalesce.setSingleShot(true);
    m_coalesce.setInterval(50);
    connect(&m_coalesce, &QTimer::timeout, this, &AlertTableModel::reload);
    if (engine)
        connect(engine, &AlertEngine::alertsChanged, this, &AlertTableModel::scheduleReload);
    if (log)
        connect(log, &AlertLog::recorded, this, &AlertTableModel::scheduleReload);
    reload();
}

void AlertTableModel::setMode(Mode mode)
{
    if (mode == m_mode)
        return;
    m_mode = mode;
    reload();
}

void AlertTableModel::setHistoryLimit(int limit)
{
    m_historyLimit = qMax(1, limit);
    if (m_mode == Mode::History)
        reload();
}

void AlertTableModel::scheduleReload()
{
    if (!m_coalesce.isActive())
        m_coalesce.start();
}

void AlertTableModel::reload()
{
    m_coalesce.stop();
    QList<Alert> alerts;
    if (m_mode == Mode::Active) {
        if (m_engine)
            alerts = m_engine->active();
    } else if (m_log && m_log->isOpen()) {
        const Result<QList<Alert>> recent = m_log->recent(m_historyLimit);
        if (recent) {
            alerts = *recent;
            // Rows of alerts still active carry the engine's latest state (acknowledged a moment ago).
            if (m_engine) {
                for (Alert &a : alerts) {
                    if (const auto live = m_engine->alert(a.id); live && live->since == a.since)
                        a = *live;
                }
            }
        } else {
            qCWarning(lcAlertTable) << toString(recent.error());
        }
    } else if (m_engine) {
        alerts = m_engine->history();
        std::reverse(alerts.begin(), alerts.end());
        if (alerts.size() > m_historyLimit)
            alerts.resize(m_historyLimit);
    }
    beginResetModel();
    m_alerts = alerts;
    endResetModel();
    Q_EMIT reloaded();
}

void AlertTableModel::refreshTimes()
{
    if (m_alerts.isEmpty())
        return;
    Q_EMIT dataChanged(index(0, SinceColumn), index(int(m_alerts.size()) - 1, EndedColumn),
                       { Qt::DisplayRole, Qt::ToolTipRole });
}

int AlertTableModel::rowOf(const QString &id) const
{
    for (qsizetype row = 0; row < m_alerts.size(); ++row) {
        if (m_alerts.at(row).id == id)
            return int(row);
    }
    return -1;
}

int AlertTableModel::activeCount() const
{
    return int(
        std::count_if(m_alerts.cbegin(), m_alerts.cend(), [](const Alert &a) { return a.isActive(); }));
}

int AlertTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_alerts.size());
}

int AlertTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString AlertTableModel::severityWord(Alert::Severity severity)
{
    switch (severity) {
    case Alert::Severity::Critical:
        return tr("Critical");
    case Alert::Severity::Warning:
        return tr("Warning");
    case Alert::Severity::Info:
        return tr("Info");
    }
    return tr("Info");
}

QString AlertTableModel::countText(int count)
{
    return count == 1 ? tr("1 alert") : tr("%1 alerts").arg(count);
}

QString AlertTableModel::serviceText(const Alert &alert)
{
    if (alert.service.name.isEmpty())
        return tr("Estate");
    if (alert.service.ns.isEmpty())
        return alert.service.name;
    return alert.service.ns + QLatin1Char('/') + alert.service.name;
}

QVariant AlertTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_alerts.size())
        return {};
    const Alert &a = m_alerts.at(index.row());
    const QDateTime now = m_clock.wallNow();
    switch (role) {
    case AlertIdRole:
        return a.id;
    case SeverityRole:
        return int(a.severity);
    case ServiceKeyRole:
        return QVariant::fromValue(a.service);
    case ActiveRole:
        return a.isActive();
    case Qt::DisplayRole:
    case Qt::AccessibleTextRole:
        switch (index.column()) {
        case SeverityColumn:
            return severityWord(a.severity);
        case RuleColumn:
            return a.rule;
        case ServiceColumn:
            return serviceText(a);
        case SinceColumn:
            return Format::ago(a.since, now);
        case SummaryColumn: {
            QString summary = a.summary; // one line per row; the tooltip has it whole
            summary.replace(QLatin1Char('\n'), QLatin1Char(' '));
            return summary;
        }
        case AcknowledgedColumn:
            return a.acknowledgedBy;
        case EndedColumn:
            return a.isActive() ? tr("active") : Format::ago(a.ended, now);
        }
        return {};
    case Qt::ToolTipRole:
        switch (index.column()) {
        case SinceColumn:
            return Format::absoluteTime(a.since);
        case EndedColumn:
            return a.isActive() ? tr("Still active") : Format::absoluteTime(a.ended);
        case AcknowledgedColumn:
            return a.acknowledgedBy.isEmpty()
                ? tr("Not acknowledged")
                : tr("Acknowledged by %1 at %2")
                      .arg(a.acknowledgedBy, Format::absoluteTime(a.acknowledgedAt));
        case ServiceColumn:
            return a.service.name.isEmpty() ? tr("Estate-wide: no single service")
                                            : a.service.context + QLatin1Char('/') + serviceText(a);
        default:
            return a.summary;
        }
    case SortRole:
        switch (index.column()) {
        case SeverityColumn:
            return int(a.severity);
        case SinceColumn:
            return a.since.toMSecsSinceEpoch();
        case EndedColumn:
            return a.isActive() ? std::numeric_limits<qint64>::max() : a.ended.toMSecsSinceEpoch();
        default:
            return data(index, Qt::DisplayRole);
        }
    }
    return {};
}

QVariant AlertTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || (role != Qt::DisplayRole && role != Qt::ToolTipRole))
        return {};
    switch (section) {
    case SeverityColumn:
        return tr("Severity");
    case RuleColumn:
        return tr("Rule");
    case ServiceColumn:
        return tr("Service");
    case SinceColumn:
        return tr("Since");
    case SummaryColumn:
        return tr("Summary");
    case AcknowledgedColumn:
        return tr("Acknowledged by");
    case EndedColumn:
        return tr("Ended");
    }
    return {};
}

} // namespace Opsdeck
