#pragma once

// Which journal entries to read: the history view's and `opsdeck journal`'s filters. Empty fields match
// everything; the time range applies to when an action started, [from, to).

#include "journalentry.h"

#include <QDateTime>
#include <QList>
#include <QString>

namespace Opsdeck {

struct JournalFilter
{
    QDateTime from;
    QDateTime to;
    QString action; // "canary-weight"
    QString context;
    QString ns;
    QString service; // the service name
    QList<JournalStatus> statuses; // any of these
    int limit = 0; // 0 = all
};

} // namespace Opsdeck
