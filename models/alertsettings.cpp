#include "alertsettings.h"

#include <QSettings>

namespace Opsdeck {

namespace {

const QString Group = QStringLiteral("alerts/");

template<typename T>
T read(const QSettings &settings, const char *key, T fallback)
{
    const QVariant value = settings.value(Group + QLatin1String(key));
    if (!value.isValid())
        return fallback;
    bool ok = false;
    const double number = value.toDouble(&ok);
    // A value that is no number, or negative, keeps the default: a typo must not disable a rule.
    if (!ok || number < 0)
        return fallback;
    return T(number);
}

} // namespace

AlertSettings AlertSettings::load(const QSettings &settings)
{
    AlertSettings s;
    s.errorRatePercent = read(settings, "errorRatePercent", s.errorRatePercent);
    s.errorRateMinRequests = read(settings, "errorRateMinRequests", s.errorRateMinRequests);
    s.hpaAtMaxSeconds = read(settings, "hpaAtMaxSeconds", s.hpaAtMaxSeconds);
    s.podsNotReadySeconds = read(settings, "podsNotReadySeconds", s.podsNotReadySeconds);
    s.podsDownSeconds = read(settings, "podsDownSeconds", s.podsDownSeconds);
    s.healthSeconds = read(settings, "healthSeconds", s.healthSeconds);
    s.staleFactor = read(settings, "staleFactor", s.staleFactor);
    s.holdDownSeconds = read(settings, "holdDownSeconds", s.holdDownSeconds);
    s.evaluateIntervalSeconds = qMax(1, read(settings, "evaluateIntervalSeconds", s.evaluateIntervalSeconds));
    s.historyLimit = qMax(1, read(settings, "historyLimit", s.historyLimit));
    return s;
}

void AlertSettings::save(QSettings &settings) const
{
    settings.setValue(Group + QStringLiteral("errorRatePercent"), errorRatePercent);
    settings.setValue(Group + QStringLiteral("errorRateMinRequests"), errorRateMinRequests);
    settings.setValue(Group + QStringLiteral("hpaAtMaxSeconds"), hpaAtMaxSeconds);
    settings.setValue(Group + QStringLiteral("podsNotReadySeconds"), podsNotReadySeconds);
    settings.setValue(Group + QStringLiteral("podsDownSeconds"), podsDownSeconds);
    settings.setValue(Group + QStringLiteral("healthSeconds"), healthSeconds);
    settings.setValue(Group + QStringLiteral("staleFactor"), staleFactor);
    settings.setValue(Group + QStringLiteral("holdDownSeconds"), holdDownSeconds);
    settings.setValue(Group + QStringLiteral("evaluateIntervalSeconds"), evaluateIntervalSeconds);
    settings.setValue(Group + QStringLiteral("historyLimit"), historyLimit);
}

} // namespace Opsdeck
