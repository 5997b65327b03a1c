#include "timelinefilterproxymodel.h"

#include "timelinemodel.h"

namespace Opsdeck {

TimelineFilterProxyModel::TimelineFilterProxyModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(TimelineModel::SortRole);
    setDynamicSortFilter(true);
}

void TimelineFilterProxyModel::changed()
{
    invalidateRowsFilter();
    Q_EMIT filterChanged();
}

void TimelineFilterProxyModel::setKinds(const QSet<TimelineEntry::Kind> &kinds)
{
    if (kinds == m_kinds)
        return;
    m_kinds = kinds;
    changed();
}

void TimelineFilterProxyModel::setService(const ServiceKey &service, bool includeEstate)
{
    if (service == m_service && includeEstate == m_includeEstate)
        return;
    m_service = service;
    m_includeEstate = includeEstate;
    changed();
}

void TimelineFilterProxyModel::setMinimumSeverity(TimelineEntry::Severity severity)
{
    if (severity == m_minimumSeverity)
        return;
    m_minimumSeverity = severity;
    changed();
}

void TimelineFilterProxyModel::setFilterText(const QString &text)
{
    const QStringList words = text.simplified().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (words == m_words)
        return;
    m_words = words;
    changed();
}

void TimelineFilterProxyModel::setTimeRange(const QDateTime &from, const QDateTime &to)
{
    if (from == m_from && to == m_to)
        return;
    m_from = from;
    m_to = to;
    changed();
}

bool TimelineFilterProxyModel::acceptsIgnoringTime(const TimelineEntry &entry) const
{
    if (!m_kinds.isEmpty() && !m_kinds.contains(entry.kind))
        return false;
    if (int(entry.severity) < int(m_minimumSeverity))
        return false;
    if (!m_service.name.isEmpty()) {
        if (entry.service.name.isEmpty()) {
            if (!m_includeEstate)
                return false;
        } else {
            auto matches = [](const QString &wanted, const QString &have) {
                return wanted.isEmpty() || have.isEmpty() || wanted == have;
            };
            if (entry.service.name != m_service.name || !matches(m_service.context, entry.service.context)
                || !matches(m_service.ns, entry.service.ns))
                return false;
        }
    }
    for (const QString &word : m_words) {
        if (!entry.title.contains(word, Qt::CaseInsensitive)
            && !entry.detail.contains(word, Qt::CaseInsensitive)
            && !entry.service.name.contains(word, Qt::CaseInsensitive)
            && !TimelineModel::kindLabel(entry.kind).contains(word, Qt::CaseInsensitive))
            return false;
    }
    return true;
}

bool TimelineFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    // The timeline model hands out its entry without a QVariant copy; any other model through EntryRole.
    TimelineEntry copy;
    const TimelineEntry *entryPtr = nullptr;
    if (const auto *model = qobject_cast<const TimelineModel *>(sourceModel());
        model && !sourceParent.isValid()) {
        entryPtr = &model->entryAt(sourceRow);
    } else {
        copy = sourceModel()
                   ->index(sourceRow, 0, sourceParent)
                   .data(TimelineModel::EntryRole)
                   .value<TimelineEntry>();
        entryPtr = &copy;
    }
    const TimelineEntry &entry = *entryPtr;
    if (m_from.isValid() && entry.at < m_from)
        return false;
    if (m_to.isValid() && entry.at > m_to)
        return false;
    return acceptsIgnoringTime(entry);
}

} // namespace Opsdeck
