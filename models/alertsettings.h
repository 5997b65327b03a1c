#pragma once

// The alert rules' thresholds and durations (issue 9 §1), kept in QSettings under "alerts/…". There is no
// settings page yet (a later step of issue 9): edit the settings file, or call save() from that page.

class QSettings;

namespace Opsdeck {

struct AlertSettings
{
    double errorRatePercent = 5.0;     // error-rate-high: stable's error rate above this over the window …
    double errorRateMinRequests = 100; // … with at least this many stable requests (fewer: no judgement)
    int hpaAtMaxSeconds = 300;         // hpa-at-max: currentReplicas == maxReplicas for longer than this
    // pods-not-ready: a pod not Ready for longer than this (warning). Long enough that a rolling update's
    // new pods, which start NotReady, do not page anyone.
    int podsNotReadySeconds = 180;
    // … or a pod in CrashLoopBackOff, or none of the service's pods Ready, for longer than this
    // (critical). Short: a crash loop never heals by waiting, a service without a ready pod is down, and a
    // broken canary must alert within two refreshes (issue 9's drill acceptance).
    int podsDownSeconds = 15;
    int healthSeconds = 60;            // health-unhealthy / health-degraded: held for longer than this
    double staleFactor = 3.0;          // source-down: no success for this many intervals counts as down
    int holdDownSeconds = 60;          // an alert ends only after its condition stayed clear this long
    int evaluateIntervalSeconds = 5;   // attach(): re-evaluation tick for durations and hold-downs (adds to a held rule's delay)
    int historyLimit = 1000;           // alerts kept in history()

    static AlertSettings load(const QSettings &settings);
    void save(QSettings &settings) const;
    friend bool operator==(const AlertSettings &, const AlertSettings &) = default;
};

} // namespace Opsdeck
