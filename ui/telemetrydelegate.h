#pragma once

// Paints the Services table's telemetry cells: a canary figure worse than stable beyond the canary
// thresholds gets HealthStyle's icon and colour beside its text (which already says "+2.10 pp" or
// "×1.55"), stale figures the Stale clock and dimmed text — never colour alone (DESIGN §11).

#include "healthdelegate.h"

namespace Opsdeck {

class TelemetryDelegate : public HealthDelegate
{
    Q_OBJECT

public:
    explicit TelemetryDelegate(int healthColumn, QObject *parent = nullptr);

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;
};

} // namespace Opsdeck
