#include "healthstyle.h"

#include <QHash>

namespace Opsdeck {

QString HealthStyle::word(Health health)
{
    return toString(health);
}

QString HealthStyle::themeIconName(Health health)
{
    switch (health) {
    case Health::Healthy:
        return QStringLiteral("emblem-ok-symbolic");
    case Health::Degraded:
        return QStringLiteral("dialog-warning");
    case Health::Unhealthy:
        return QStringLiteral("dialog-error");
    case Health::Unknown:
        return QStringLiteral("dialog-question");
    case Health::Stale:
        return QStringLiteral("chronometer");
    }
    return QStringLiteral("dialog-question");
}

QString HealthStyle::bundledIconPath(Health health)
{
    return QStringLiteral(":/opsdeck/icons/health-%1.svg").arg(word(health).toLower());
}

QIcon HealthStyle::icon(Health health)
{
    // Built once per state: the delegate asks for every painted cell.
    static QHash<int, QIcon> cache;
    const auto it = cache.constFind(int(health));
    if (it != cache.cend())
        return *it;
    const QIcon icon = QIcon::fromTheme(themeIconName(health), QIcon(bundledIconPath(health)));
    cache.insert(int(health), icon);
    return icon;
}

QColor HealthStyle::color(Health health)
{
    switch (health) {
    case Health::Healthy:
        return QColor(0x00, 0x9e, 0x73); // bluish green
    case Health::Degraded:
        return QColor(0xe6, 0x9f, 0x00); // orange
    case Health::Unhealthy:
        return QColor(0xd5, 0x5e, 0x00); // vermillion
    case Health::Unknown:
        return QColor(0x7f, 0x7f, 0x7f); // grey
    case Health::Stale:
        return QColor(0x00, 0x72, 0xb2); // blue
    }
    return QColor(0x7f, 0x7f, 0x7f);
}

} // namespace Opsdeck
