#pragma once

// The one place that maps Health to what a person sees (DESIGN §11): a word, an icon with its own
// shape (check, triangle, octagon, dashed question, clock) and a colour from the Okabe–Ito palette,
// which stays distinct for the common colour-vision deficiencies. Never colour alone.

#include "health.h"

#include <QColor>
#include <QIcon>
#include <QString>

namespace Opsdeck {

class HealthStyle
{
public:
    static QString word(Health health);
    static QIcon icon(Health health);       // the freedesktop theme's icon, else the bundled SVG
    static QColor color(Health health);
    static QString themeIconName(Health health);
    static QString bundledIconPath(Health health); // ":/opsdeck/icons/health-<word>.svg"
};

} // namespace Opsdeck
