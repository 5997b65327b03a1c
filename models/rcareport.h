#pragma once

// The root-cause analysis of one time window (issue 9 §6), prefilled: what the timeline, the alert log,
// the journal and the drill runs say about [from, to], plus the facts derived from them (first fault,
// first alert, time to detect and to resolve, the actions people took). A plain value: it does not care
// where its inputs came from (the live timeline in the GUI, the journal file headless); RcaMarkdown and
// RcaPdfWriter turn it into documents and mark what a person still has to write.

#include "alert.h"
#include "drillstore.h"
#include "journalentry.h"
#include "servicekey.h"
#include "timelineentry.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace Opsdeck {

// One journaled action, as the report's Resolution lists it.
struct RcaAction
{
    qint64 journalId = 0;
    QDateTime startedAt;
    QDateTime finishedAt; // invalid: still running at the end of the window
    QString who; // the kubeconfig user; empty when unknown
    QString action; // "scale", "restart", "restore-db"
    ServiceKey service;
    QString track; // "stable" | "canary"
    QString parameters; // "replicas=3, …"
    QString result; // the journal status: "succeeded", "failed", …
    QString detail; // the error, else the last message; plain text from the server
    QStringList changes; // what was applied: "Deployment/productservice spec.replicas: 2 → 3"

    friend bool operator==(const RcaAction &, const RcaAction &) = default;
};

struct RcaReport
{
    struct Inputs
    {
        QDateTime from;
        QDateTime to;
        QString title; // empty: derived from the services and the window
        QList<TimelineEntry> timeline;
        QList<Alert> alerts;
        QList<JournalEntry> journal;
        QList<DrillRun> drills;
        QList<ServiceKey> services; // known affected services (e.g. the one selected); more are derived
        QStringList sources; // what the report was read from, for the header ("journal …", "alert log")
        QDateTime generatedAt; // invalid: now
    };

    QString title;
    QDateTime from; // UTC
    QDateTime to; // UTC
    QDateTime generatedAt;
    QStringList sources;
    QList<ServiceKey> services; // affected, sorted
    std::optional<Alert::Severity> severity; // the worst alert's; nullopt: no alert in the window

    QList<TimelineEntry> timeline; // in the window, in timelineLess order, de-duplicated by (kind, reference)
    QList<Alert> alerts; // active at some moment of the window, oldest first
    QList<RcaAction> actions; // running at some moment of the window, oldest first
    QList<DrillRun> drills; // overlapping the window, oldest first

    // Derived facts.
    QDateTime firstFaultAt; // the earliest fault-like moment: a drill's fault, a warning/critical event,
    QString firstFault; // health or breaker change (not alerts, not actions)
    QDateTime firstAlertAt;
    QString firstAlert;
    QDateTime resolvedAt; // every alert ended (and every drill recovered) by then; invalid: not resolved
    QString resolution; // how it ended, one line: "all alerts ended", "still active at the end of the window"

    // Builds the report from inputs for any window; entries outside [from, to] are left out.
    static RcaReport build(const Inputs &inputs);

    // First alert − first fault; nullopt when either is unknown or the alert came first.
    std::optional<qint64> detectionSeconds() const;
    // Resolved − first fault (or the first alert when no fault is known); nullopt while unresolved.
    std::optional<qint64> resolveSeconds() const;
    // Start of the incident: the first fault, else the first alert, else the window's start.
    QDateTime startedAt() const;

    // "productservice (sim/shop)" — names alone read better, context and namespace disambiguate.
    static QString serviceLabel(const ServiceKey &service);
    // "2026-11-26 08:12:03 UTC"
    static QString dateTimeLabel(const QDateTime &time);
    // "08:12:03" when the window is within one UTC day, else "11-26 08:12:03"; "—" for an invalid time.
    QString timeLabel(const QDateTime &time) const;
    // "45 s", "7 min 57 s", "2 h 05 min"
    static QString durationLabel(qint64 seconds);
    // "2026-11-26 08:00 → 09:00 UTC (1 h 00 min)"
    QString windowLabel() const;
    // "Critical", "Warning", "Info", or "Not set" when no alert fired.
    QString severityLabel() const;
    // Each affected service's alert time within the window (sum of its alerts' overlap), for Impact.
    qint64 alertSecondsFor(const ServiceKey &service) const;
};

} // namespace Opsdeck
