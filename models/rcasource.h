#pragma once

// What the journal file knows about a time window, as RcaReport inputs: the actions (Journal), the alerts
// (AlertLog's alert_log), the drills (DrillStore's drill_runs) and the timeline TimelineBuilder and
// DrillStore make of them — the same entries, with the same references, as the live timeline. Used by
// `opsdeck rca` and by File → Export RCA… (which adds the live timeline's entries on top).

#include "error.h"
#include "rcareport.h"

#include <QDateTime>

namespace Opsdeck {

class Journal;

class RcaSource
{
public:
    // `journal` must be open; the alert log and the drill store are opened on its file for the read.
    static Result<RcaReport::Inputs> read(const Journal &journal, const QDateTime &from, const QDateTime &to);

    // How far before the window actions are looked for: one started earlier may still run inside it.
    static constexpr qint64 ActionLookbackSeconds = 6 * 3600;
};

} // namespace Opsdeck
