#include "querywindow.h"

namespace Opsdeck::AppInsights {

namespace {

struct Spec
{
    int seconds;
    int binSeconds;
    const char *label;
    const char *kqlSpan;
    const char *kqlBin;
    const char *iso;
};

constexpr Spec kSpecs[] = {
    {900, 60, "15m", "15m", "1m", "PT15M"},
    {3600, 300, "1h", "1h", "5m", "PT1H"},
    {21600, 900, "6h", "6h", "15m", "PT6H"},
    {86400, 3600, "24h", "1d", "1h", "P1D"},
};

const Spec &specOf(const QueryWindow &w)
{
    for (const Spec &s : kSpecs) {
        if (s.seconds == w.seconds)
            return s;
    }
    return kSpecs[0]; // unreachable: windows only come from fromSeconds()/all()
}

} // namespace

QList<QueryWindow> QueryWindow::all()
{
    QList<QueryWindow> windows;
    for (const Spec &s : kSpecs)
        windows.append(QueryWindow{s.seconds, s.binSeconds});
    return windows;
}

Result<QueryWindow> QueryWindow::fromSeconds(int seconds)
{
    for (const Spec &s : kSpecs) {
        if (s.seconds == seconds)
            return QueryWindow{s.seconds, s.binSeconds};
    }
    return makeError(ErrorKind::Config, QStringLiteral("telemetry window of %1 seconds is not offered").arg(seconds),
                     QStringLiteral("Use 900 (15 min), 3600 (1 h), 21600 (6 h) or 86400 (24 h)."));
}

Result<QueryWindow> QueryWindow::parse(const QString &text)
{
    for (const Spec &s : kSpecs) {
        if (text == QLatin1String(s.label))
            return QueryWindow{s.seconds, s.binSeconds};
    }
    bool ok = false;
    const int seconds = text.toInt(&ok);
    if (ok)
        return fromSeconds(seconds);
    return makeError(ErrorKind::Config, QStringLiteral("unknown telemetry window '%1'").arg(text),
                     QStringLiteral("Use 15m, 1h, 6h or 24h."));
}

QString QueryWindow::label() const
{
    return QLatin1String(specOf(*this).label);
}

QString QueryWindow::kqlSpan() const
{
    return QLatin1String(specOf(*this).kqlSpan);
}

QString QueryWindow::kqlBin() const
{
    return QLatin1String(specOf(*this).kqlBin);
}

QString QueryWindow::isoDuration() const
{
    return QLatin1String(specOf(*this).iso);
}

} // namespace Opsdeck::AppInsights
