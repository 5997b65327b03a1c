#include "canaryanalysis.h"

#include <QSettings>
#include <QStringList>

#include <array>
#include <cmath>

namespace Opsdeck {

namespace {

// Figures are sums of doubles: "exactly at the threshold" must not flip on the last bit.
constexpr double Epsilon = 1e-9;

QString pct(double value)
{
    return QStringLiteral("%1%").arg(QString::number(value, 'f', 2));
}

QString points(double value)
{
    return QStringLiteral("%1%2 pp").arg(value >= 0 ? QStringLiteral("+") : QString(), QString::number(value, 'f', 2));
}

QString ms(double value)
{
    return QStringLiteral("%1 ms").arg(QString::number(value, 'f', value < 10 ? 1 : 0));
}

QString count(double value)
{
    return QString::number(std::llround(value));
}

QString weightText(double weight)
{
    return weight == std::floor(weight) ? QStringLiteral("%1 %").arg(qint64(weight)) : QStringLiteral("%1 %").arg(QString::number(weight, 'f', 1));
}

} // namespace

std::optional<double> TrackFigures::errorRatePercent() const
{
    if (!requests || *requests <= 0 || !failedRequests)
        return std::nullopt;
    return *failedRequests / *requests * 100.0;
}

CanaryAnalysisSettings CanaryAnalysisSettings::load(const QSettings &settings)
{
    CanaryAnalysisSettings s;
    const auto read = [&settings](const char *key, double fallback) {
        bool ok = false;
        const double value = settings.value(QLatin1String("canaryAnalysis/") + QLatin1String(key), fallback).toDouble(&ok);
        return ok && std::isfinite(value) && value >= 0 ? value : fallback;
    };
    s.maxErrorRateDeltaPoints = read("maxErrorRateDeltaPoints", s.maxErrorRateDeltaPoints);
    s.maxP95Ratio = read("maxP95Ratio", s.maxP95Ratio);
    s.minCanaryRequests = read("minCanaryRequests", s.minCanaryRequests);
    s.minStableRequests = read("minStableRequests", s.minStableRequests);
    s.zCritical = read("zCritical", s.zCritical);
    return s;
}

void CanaryAnalysisSettings::save(QSettings &settings) const
{
    settings.setValue(QStringLiteral("canaryAnalysis/maxErrorRateDeltaPoints"), maxErrorRateDeltaPoints);
    settings.setValue(QStringLiteral("canaryAnalysis/maxP95Ratio"), maxP95Ratio);
    settings.setValue(QStringLiteral("canaryAnalysis/minCanaryRequests"), minCanaryRequests);
    settings.setValue(QStringLiteral("canaryAnalysis/minStableRequests"), minStableRequests);
    settings.setValue(QStringLiteral("canaryAnalysis/zCritical"), zCritical);
}

std::optional<double> CanaryAnalysis::zScore(double canaryFailed, double canaryTotal, double stableFailed, double stableTotal)
{
    if (canaryTotal <= 0 || stableTotal <= 0)
        return std::nullopt;
    const double pc = canaryFailed / canaryTotal;
    const double ps = stableFailed / stableTotal;
    const double pooled = (canaryFailed + stableFailed) / (canaryTotal + stableTotal);
    const double variance = pooled * (1.0 - pooled) * (1.0 / canaryTotal + 1.0 / stableTotal);
    if (!(variance > 0))
        return std::nullopt;
    return (pc - ps) / std::sqrt(variance);
}

std::optional<double> CanaryAnalysis::nextWeightStep(double weight)
{
    static constexpr std::array<double, 7> Steps{0, 5, 10, 25, 50, 75, 100};
    for (double step : Steps) {
        if (step > weight + Epsilon)
            return step;
    }
    return std::nullopt;
}

QString CanaryAnalysis::toString(CanaryVerdict::Result result)
{
    switch (result) {
    case CanaryVerdict::Result::Rollback:
        return QStringLiteral("rollback");
    case CanaryVerdict::Result::Hold:
        return QStringLiteral("hold");
    case CanaryVerdict::Result::Healthy:
        return QStringLiteral("healthy");
    case CanaryVerdict::Result::NotEnoughData:
        break;
    }
    return QStringLiteral("notEnoughData");
}

QString CanaryAnalysis::word(CanaryVerdict::Result result)
{
    switch (result) {
    case CanaryVerdict::Result::Rollback:
        return QStringLiteral("Roll back");
    case CanaryVerdict::Result::Hold:
        return QStringLiteral("Hold");
    case CanaryVerdict::Result::Healthy:
        return QStringLiteral("Healthy");
    case CanaryVerdict::Result::NotEnoughData:
        break;
    }
    return QStringLiteral("Not enough data");
}

CanaryVerdict CanaryAnalysis::analyse(const CanaryInput &in, const CanaryAnalysisSettings &s)
{
    using R = CanaryVerdict::Result;
    const QString incomplete = in.dataIncomplete
        ? QStringLiteral(" (figures incomplete: %1)").arg(in.incompleteReason.isEmpty() ? QStringLiteral("unknown reason") : in.incompleteReason)
        : QString();

    // An open breaker on the canary is a failure whatever the request counts say.
    if (in.canaryBreakerOpen)
        return {R::Rollback, QStringLiteral("canary circuit breaker %1 is open").arg(in.openBreaker.isEmpty() ? QStringLiteral("(unnamed)") : in.openBreaker) + incomplete, std::nullopt};

    const double canaryN = in.canary.requests.value_or(0);
    const double stableN = in.stable.requests.value_or(0);
    if (!in.canary.requests || canaryN <= 0)
        return {R::NotEnoughData, QStringLiteral("no canary requests in the window") + incomplete, std::nullopt};
    if (!in.stable.requests || stableN <= 0)
        return {R::NotEnoughData, QStringLiteral("no stable requests in the window to compare with") + incomplete, std::nullopt};
    if (canaryN + Epsilon < s.minCanaryRequests)
        return {R::NotEnoughData,
                QStringLiteral("only %1 canary requests in the window (at least %2 needed)").arg(count(canaryN), count(s.minCanaryRequests)) + incomplete,
                std::nullopt};
    if (stableN + Epsilon < s.minStableRequests)
        return {R::NotEnoughData,
                QStringLiteral("only %1 stable requests in the window (at least %2 needed)").arg(count(stableN), count(s.minStableRequests)) + incomplete,
                std::nullopt};
    if (!in.canary.failedRequests || !in.stable.failedRequests)
        return {R::NotEnoughData, QStringLiteral("failed-request counts missing for %1").arg(!in.canary.failedRequests ? QStringLiteral("canary") : QStringLiteral("stable")) + incomplete,
                std::nullopt};

    const double canaryRate = *in.canary.errorRatePercent();
    const double stableRate = *in.stable.errorRatePercent();
    const double delta = canaryRate - stableRate;
    const std::optional<double> z = zScore(*in.canary.failedRequests, canaryN, *in.stable.failedRequests, stableN);
    const bool errorExcess = delta > s.maxErrorRateDeltaPoints + Epsilon;
    const bool significant = z && *z + Epsilon >= s.zCritical;
    const QString errorText = QStringLiteral("canary error rate %1 vs stable %2 (%3, %4 of %5 vs %6 of %7 requests)")
                                  .arg(pct(canaryRate), pct(stableRate), points(delta), count(*in.canary.failedRequests), count(canaryN),
                                       count(*in.stable.failedRequests), count(stableN));

    std::optional<double> ratio;
    if (in.canary.p95Ms && in.stable.p95Ms && *in.stable.p95Ms > 0)
        ratio = *in.canary.p95Ms / *in.stable.p95Ms;
    const bool latencyExcess = ratio && *ratio > s.maxP95Ratio + Epsilon;
    const QString latencyText = ratio ? QStringLiteral("canary p95 %1 vs stable %2 (×%3)")
                                            .arg(ms(*in.canary.p95Ms), ms(*in.stable.p95Ms), QString::number(*ratio, 'f', 2))
                                      : QString();

    QStringList bad;
    if (errorExcess && significant)
        bad << errorText + QStringLiteral(" exceeds the %1 pp limit").arg(QString::number(s.maxErrorRateDeltaPoints, 'g', 3));
    if (latencyExcess)
        bad << latencyText + QStringLiteral(" exceeds ×%1").arg(QString::number(s.maxP95Ratio, 'g', 3));
    if (!bad.isEmpty())
        return {R::Rollback, bad.join(QStringLiteral("; ")) + incomplete, std::nullopt};

    if (errorExcess) // above the limit, but could be noise at these counts
        return {R::NotEnoughData,
                errorText + QStringLiteral(" is above the %1 pp limit but not significant yet (z = %2, needs %3)")
                                .arg(QString::number(s.maxErrorRateDeltaPoints, 'g', 3), z ? QString::number(*z, 'f', 2) : QStringLiteral("n/a"),
                                     QString::number(s.zCritical, 'f', 3)) + incomplete,
                std::nullopt};
    if (!ratio) {
        const QString which = !in.canary.p95Ms ? QStringLiteral("canary") : QStringLiteral("stable");
        return {R::NotEnoughData, QStringLiteral("p95 latency of %1 unknown; %2").arg(which, errorText) + incomplete, std::nullopt};
    }

    const QString figures = errorText + QStringLiteral("; ") + latencyText;
    if (in.canaryBreakerHalfOpen)
        return {R::Hold, QStringLiteral("canary circuit breaker %1 is half-open; %2").arg(in.openBreaker, figures), std::nullopt};
    if (in.dataIncomplete)
        return {R::Hold, QStringLiteral("within limits, but the figures are incomplete (%1); %2")
                             .arg(in.incompleteReason.isEmpty() ? QStringLiteral("unknown reason") : in.incompleteReason, figures),
                std::nullopt};
    if (!in.canaryWeight)
        return {R::Healthy, figures + QStringLiteral("; canary weight unknown"), std::nullopt};
    const std::optional<double> next = nextWeightStep(*in.canaryWeight);
    if (!next)
        return {R::Healthy, figures + QStringLiteral("; canary takes all traffic, ready to promote"), std::nullopt};
    return {R::Healthy, QStringLiteral("can step up to %1: %2").arg(weightText(*next), figures), next};
}

} // namespace Opsdeck
