#include "format.h"

#include <QLocale>

#include <cmath>

namespace Opsdeck {

QString Format::millicores(qint64 millicores)
{
    if (millicores < 1000)
        return QStringLiteral("%1m").arg(millicores);
    return QStringLiteral("%1 cores").arg(QString::number(double(millicores) / 1000.0, 'f', 2));
}

QString Format::bytes(qint64 bytes)
{
    constexpr double Ki = 1024.0;
    const double value = double(bytes);
    if (value < Ki)
        return QStringLiteral("%1 B").arg(bytes);
    if (value < Ki * Ki)
        return QStringLiteral("%1 KiB").arg(std::llround(value / Ki));
    if (value < Ki * Ki * Ki)
        return QStringLiteral("%1 MiB").arg(std::llround(value / Ki / Ki));
    return QStringLiteral("%1 GiB").arg(QString::number(value / Ki / Ki / Ki, 'f', 1));
}

QString Format::percent(double percent)
{
    const double rounded = std::round(percent * 10.0) / 10.0;
    if (rounded == std::floor(rounded))
        return QStringLiteral("%1%").arg(qint64(rounded));
    return QStringLiteral("%1%").arg(QString::number(rounded, 'f', 1));
}

QString Format::age(const QDateTime &since, const QDateTime &now)
{
    if (!since.isValid())
        return QStringLiteral("—");
    const qint64 s = std::max<qint64>(0, since.secsTo(now));
    if (s < 120)
        return QStringLiteral("%1s").arg(s);
    if (s < 2 * 3600)
        return QStringLiteral("%1m").arg(s / 60);
    if (s < 48 * 3600)
        return QStringLiteral("%1h").arg(s / 3600);
    return QStringLiteral("%1d").arg(s / 86400);
}

QString Format::ago(const QDateTime &when, const QDateTime &now)
{
    if (!when.isValid())
        return QStringLiteral("never");
    const qint64 s = std::max<qint64>(0, when.secsTo(now));
    if (s < 60)
        return QStringLiteral("%1 s ago").arg(s);
    if (s < 3600)
        return QStringLiteral("%1 min ago").arg(s / 60);
    if (s < 48 * 3600)
        return QStringLiteral("%1 h ago").arg(s / 3600);
    return QStringLiteral("%1 d ago").arg(s / 86400);
}

QString Format::absoluteTime(const QDateTime &when)
{
    if (!when.isValid())
        return QStringLiteral("—");
    return when.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) + QStringLiteral(" UTC");
}

QString Format::rfc3339(const QDateTime &when)
{
    return when.toUTC().toString(Qt::ISODate);
}

QString Format::stale(const QDateTime &since, const QDateTime &now)
{
    if (!since.isValid())
        return QStringLiteral("stale");
    const qint64 s = std::max<qint64>(0, since.secsTo(now));
    if (s < 60)
        return QStringLiteral("stale, %1 s").arg(s);
    if (s < 3600)
        return QStringLiteral("stale, %1 min").arg(s / 60);
    if (s < 48 * 3600)
        return QStringLiteral("stale, %1 h").arg(s / 3600);
    return QStringLiteral("stale, %1 d").arg(s / 86400);
}

QString Format::milliseconds(double ms)
{
    if (ms < 1.0)
        return QStringLiteral("%1 ms").arg(QString::number(ms, 'f', 1));
    if (ms < 1000.0)
        return QStringLiteral("%1 ms").arg(qint64(std::round(ms)));
    return QStringLiteral("%1 s").arg(QString::number(ms / 1000.0, 'f', ms < 10000.0 ? 1 : 0));
}

} // namespace Opsdeck
