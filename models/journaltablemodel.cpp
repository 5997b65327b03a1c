#include "journaltablemodel.h"

#include "format.h"
#include "journal.h"
#include "observation.h"

namespace Opsdeck {

JournalTableModel::JournalTableModel(Journal *journal, QObject *parent)
    : QAbstractTableModel(parent)
    , m_journal(journal)
{
    m_coalesce.setSingleShot(true);
    m_coalesce.setInterval(50);
    connect(&m_coalesce, &QTimer::timeout, this, [this] { (void)reload(); });
    connect(m_journal, &Journal::entryChanged, this, [this] { m_coalesce.start(); });
    (void)reload();
}

void JournalTableModel::setFilter(const JournalFilter &filter)
{
    m_filter = filter;
    (void)reload();
}

Result<void> JournalTableModel::reload()
{
    if (!m_journal->isOpen()) {
        m_error = Error{ErrorKind::Config, tr("the journal is not open"), {}, std::nullopt};
        return tl::unexpected(*m_error);
    }
    Result<QList<JournalEntry>> entries = m_journal->entries(m_filter);
    if (!entries) {
        m_error = entries.error();
        return tl::unexpected(entries.error());
    }
    m_error.reset();
    beginResetModel();
    m_entries = *entries;
    endResetModel();
    return {};
}

int JournalTableModel::rowOf(qint64 id) const
{
    for (int row = 0; row < m_entries.size(); ++row) {
        if (m_entries[row].id == id)
            return row;
    }
    return -1;
}

int JournalTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int JournalTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString JournalTableModel::parametersText(const QVariantMap &parameters)
{
    QStringList parts;
    for (auto it = parameters.cbegin(); it != parameters.cend(); ++it)
        parts << QStringLiteral("%1=%2").arg(it.key(), it.value().toString());
    return parts.join(QStringLiteral(", "));
}

QString JournalTableModel::statusWord(JournalStatus status)
{
    switch (status) {
    case JournalStatus::Started:
        return tr("Running");
    case JournalStatus::Succeeded:
        return tr("Succeeded");
    case JournalStatus::Failed:
        return tr("Failed");
    case JournalStatus::Refused:
        return tr("Refused");
    case JournalStatus::Interrupted:
        return tr("Interrupted");
    case JournalStatus::Abandoned:
        return tr("Abandoned");
    }
    return {};
}

QVariant JournalTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_entries.size())
        return {};
    const JournalEntry &e = m_entries[index.row()];
    if (role == EntryIdRole)
        return e.id;
    if (role == StatusRole)
        return int(e.status);
    if (role == Qt::ToolTipRole) {
        if (index.column() == StartedColumn)
            return Format::absoluteTime(e.startedAt);
        if (index.column() == MessageColumn || index.column() == StatusColumn)
            return e.error ? toString(*e.error) : e.message;
        return data(index, Qt::DisplayRole);
    }
    if (role == SortRole && index.column() == StartedColumn)
        return e.startedAt;
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    switch (Column(index.column())) {
    case StartedColumn:
        return Format::absoluteTime(e.startedAt);
    case StatusColumn:
        return statusWord(e.status);
    case ActionColumn:
        return e.action;
    case ServiceColumn:
        return QStringLiteral("%1/%2").arg(e.service.ns, e.service.name);
    case TrackColumn:
        return toString(e.track);
    case ParametersColumn:
        return parametersText(e.parameters);
    case UserColumn:
        return e.user;
    case ContextColumn:
        return e.service.context;
    case MessageColumn:
        return e.error ? e.error->message : e.message;
    case ColumnCount:
        break;
    }
    return {};
}

QVariant JournalTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case StartedColumn:
        return tr("Started");
    case StatusColumn:
        return tr("Status");
    case ActionColumn:
        return tr("Action");
    case ServiceColumn:
        return tr("Service");
    case TrackColumn:
        return tr("Track");
    case ParametersColumn:
        return tr("Parameters");
    case UserColumn:
        return tr("User");
    case ContextColumn:
        return tr("Context");
    case MessageColumn:
        return tr("Message");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace Opsdeck
