#pragma once

// The canary verdict (issue 6 §5): compares the canary's figures with stable's over the telemetry window
// and says "roll back", "hold", "healthy: can step up to N %" or "not enough data". Pure functions on
// plain values, so every threshold is tested at its boundary; advisory only, it never acts.

#include <QString>

#include <optional>

class QSettings;

namespace Opsdeck {

// One track's totals over the window (TelemetryStore sums its per-bin series into these).
struct TrackFigures
{
    std::optional<double> requests;       // sum of `requests` over the window
    std::optional<double> failedRequests; // sum of `failedRequests`
    std::optional<double> p95Ms;          // request-weighted mean of the bins' p95 (see TelemetryStore)

    // failed / requests × 100; nullopt without requests.
    std::optional<double> errorRatePercent() const;
    friend bool operator==(const TrackFigures &, const TrackFigures &) = default;
};

// Thresholds, kept in QSettings under "canaryAnalysis/…" (no settings UI yet: edit the file or use
// save() from a future settings page).
struct CanaryAnalysisSettings
{
    double maxErrorRateDeltaPoints = 1.0; // canary error rate may exceed stable's by this many percentage points
    double maxP95Ratio = 1.2;             // canary p95 may be this multiple of stable's p95
    double minCanaryRequests = 200;       // fewer canary requests in the window: not enough data
    double minStableRequests = 200;       // stable must have a baseline too
    // One-sided z for the two-proportion test (1.645 ≈ 95 %): an error-rate excess must be this
    // significant before it counts as real rather than noise.
    double zCritical = 1.645;

    static CanaryAnalysisSettings load(const QSettings &settings);
    void save(QSettings &settings) const;
    friend bool operator==(const CanaryAnalysisSettings &, const CanaryAnalysisSettings &) = default;
};

struct CanaryVerdict
{
    enum class Result {
        Rollback,
        Hold,
        Healthy,
        NotEnoughData,
    };

    Result result = Result::NotEnoughData;
    QString reason;                 // one sentence naming the figures it rests on
    std::optional<double> nextWeight; // Healthy: the next step up (nullopt at 100 % or weight unknown)

    friend bool operator==(const CanaryVerdict &, const CanaryVerdict &) = default;
};

struct CanaryInput
{
    TrackFigures stable;
    TrackFigures canary;
    std::optional<double> canaryWeight; // percent, from ServiceSummary
    bool canaryBreakerOpen = false;      // a canary breaker Open or Isolated
    QString openBreaker;                 // its name, for the reason
    bool canaryBreakerHalfOpen = false;
    bool dataIncomplete = false;         // partial results or stale figures
    QString incompleteReason;
};

class CanaryAnalysis
{
public:
    static CanaryVerdict analyse(const CanaryInput &input, const CanaryAnalysisSettings &settings);

    // The pooled two-proportion z statistic for "canary's failure rate > stable's" (positive when the
    // canary fails more). nullopt when either side has no requests or the pooled variance is zero.
    static std::optional<double> zScore(double canaryFailed, double canaryTotal, double stableFailed, double stableTotal);
    // The next step of 0/5/10/25/50/75/100 strictly above `weight`; nullopt at or above 100.
    static std::optional<double> nextWeightStep(double weight);
    // "rollback" | "hold" | "healthy" | "notEnoughData" (CLI.md's snapshot spelling).
    static QString toString(CanaryVerdict::Result result);
    // "Roll back" | "Hold" | "Healthy" | "Not enough data": what a person reads.
    static QString word(CanaryVerdict::Result result);
};

} // namespace Opsdeck
