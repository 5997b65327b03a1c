#pragma once

// What an alert's severity looks like (issue 9 §2), beside HealthStyle: the same shapes — octagon for
// critical, triangle for warning — so the tray, the Alerts dock and the Services table agree. Never
// colour alone: the word goes with the icon.

#include "alert.h"

#include <QIcon>
#include <QString>

#include <optional>

namespace Opsdeck {

class AlertStyle
{
public:
    static QString word(Alert::Severity severity); // "Critical", "Warning", "Info"
    static QIcon icon(Alert::Severity severity);
    // The tray's icon for the worst active severity; nullopt (nothing active): the healthy check.
    static QIcon stateIcon(std::optional<Alert::Severity> worst);
};

} // namespace Opsdeck
