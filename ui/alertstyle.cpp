#include "alertstyle.h"

#include "alerttablemodel.h"
#include "healthstyle.h"

namespace Opsdeck {

QString AlertStyle::word(Alert::Severity severity)
{
    return AlertTableModel::severityWord(severity);
}

QIcon AlertStyle::icon(Alert::Severity severity)
{
    switch (severity) {
    case Alert::Severity::Critical:
        return HealthStyle::icon(Health::Unhealthy);
    case Alert::Severity::Warning:
        return HealthStyle::icon(Health::Degraded);
    case Alert::Severity::Info:
        return QIcon::fromTheme(QStringLiteral("dialog-information"), HealthStyle::icon(Health::Unknown));
    }
    return HealthStyle::icon(Health::Unknown);
}

QIcon AlertStyle::stateIcon(std::optional<Alert::Severity> worst)
{
    return worst ? icon(*worst) : HealthStyle::icon(Health::Healthy);
}

} // namespace Opsdeck
