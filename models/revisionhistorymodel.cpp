#include "revisionhistorymodel.h"

#include "format.h"

#include <algorithm>

namespace Opsdeck {

RevisionHistoryModel::RevisionHistoryModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void RevisionHistoryModel::setHistory(const QVariantList &revisions, const QDateTime &now)
{
    beginResetModel();
    m_rows.clear();
    m_now = now;
    for (const QVariant &value : revisions) {
        const QVariantMap map = value.toMap();
        Revision revision;
        revision.revision = map.value(QStringLiteral("revision")).toInt();
        revision.changeCause = map.value(QStringLiteral("changeCause")).toString();
        revision.image = map.value(QStringLiteral("image")).toString();
        revision.created = map.value(QStringLiteral("created")).toDateTime();
        revision.current = map.value(QStringLiteral("current")).toBool();
        if (revision.revision > 0)
            m_rows.append(revision);
    }
    std::sort(m_rows.begin(), m_rows.end(), [](const Revision &a, const Revision &b) { return a.revision > b.revision; });
    endResetModel();
}

void RevisionHistoryModel::clear()
{
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

int RevisionHistoryModel::revisionAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).revision : 0;
}

int RevisionHistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RevisionHistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RevisionHistoryModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Revision &r = m_rows.at(index.row());
    if (role == RevisionRole)
        return r.revision;
    if (role == Qt::TextAlignmentRole && index.column() == RevisionColumn)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == AgeColumn && r.created.isValid())
        return Format::absoluteTime(r.created);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case RevisionColumn:
        return r.current ? tr("%1 (current)").arg(r.revision) : QString::number(r.revision);
    case ChangeCauseColumn:
        return r.changeCause.isEmpty() ? tr("<none>") : r.changeCause; // as kubectl prints it
    case ImageColumn:
        return r.image;
    case AgeColumn:
        return r.created.isValid() ? Format::age(r.created, m_now) : QString();
    default:
        return {};
    }
}

QVariant RevisionHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case RevisionColumn:
        return tr("Revision");
    case ChangeCauseColumn:
        return tr("Change cause");
    case ImageColumn:
        return tr("Image");
    case AgeColumn:
        return tr("Age");
    default:
        return {};
    }
}

} // namespace Opsdeck
