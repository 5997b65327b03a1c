#pragma once

// What a timeline view shows of the merged timeline: some kinds, one service (or all), at least a
// severity, entries whose text contains every word typed, and a time range (the strip's zoom). Sorted by
// the model's SortRole (time as a number).

#include "timelineentry.h"

#include <QDateTime>
#include <QSet>
#include <QSortFilterProxyModel>
#include <QStringList>

namespace Opsdeck {

class TimelineFilterProxyModel : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit TimelineFilterProxyModel(QObject *parent = nullptr);

    void setKinds(const QSet<TimelineEntry::Kind> &kinds); // empty: every kind
    QSet<TimelineEntry::Kind> kinds() const { return m_kinds; }
    // Empty name: every service. Context and namespace empty match any (a budget knows only the name);
    // estate-wide entries (no service) are shown for every service with `includeEstate`.
    void setService(const ServiceKey &service, bool includeEstate = true);
    ServiceKey service() const { return m_service; }
    void setMinimumSeverity(TimelineEntry::Severity severity);
    TimelineEntry::Severity minimumSeverity() const { return m_minimumSeverity; }
    void setFilterText(const QString &text); // words, case-insensitive, in title, detail, service or kind
    QString filterText() const { return m_words.join(QLatin1Char(' ')); }
    // Either bound may be invalid (open).
    void setTimeRange(const QDateTime &from, const QDateTime &to);
    QDateTime from() const { return m_from; }
    QDateTime to() const { return m_to; }

    // Whether the entry passes every filter but the time range (the strip paints those outside it too).
    bool acceptsIgnoringTime(const TimelineEntry &entry) const;

Q_SIGNALS:
    void filterChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    void changed();

    QSet<TimelineEntry::Kind> m_kinds;
    ServiceKey m_service;
    bool m_includeEstate = true;
    TimelineEntry::Severity m_minimumSeverity = TimelineEntry::Severity::Info;
    QStringList m_words;
    QDateTime m_from;
    QDateTime m_to;
};

} // namespace Opsdeck
