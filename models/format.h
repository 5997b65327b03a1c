#pragma once

// The one place that turns numbers and times into text (STYLE §5): units, percentages, ages,
// "3 s ago" with the absolute time for tooltips. Fixed formats, so tests and snapshots are stable.

#include <QDateTime>
#include <QString>

namespace Opsdeck {

class Format
{
public:
    static QString millicores(qint64 millicores);      // "85m", "1.25 cores"
    static QString bytes(qint64 bytes);                // "182 MiB", "1.5 GiB"
    static QString percent(double percent);            // "10%", "33.3%"
    static QString age(const QDateTime &since, const QDateTime &now); // kubectl's "45s", "12m", "3h", "5d"
    static QString ago(const QDateTime &when, const QDateTime &now);  // "3 s ago", "5 min ago"
    static QString absoluteTime(const QDateTime &when);               // "2026-11-24 05:35:31 UTC"
    static QString rfc3339(const QDateTime &when);                    // "2026-11-24T05:35:31Z"
    static QString stale(const QDateTime &since, const QDateTime &now); // "stale, 3 min", "stale, 45 s"
    static QString milliseconds(double ms);                            // "0.3 ms", "12 ms", "2.5 s"
};

} // namespace Opsdeck
