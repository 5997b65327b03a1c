#pragma once

// A realistic incident for the RCA tests (and docs/rca-page1.png): a database-failure drill on
// productservice between 08:00 and 09:00 UTC, the breaker and pods alerts it raised, a restart and a
// scale-up by the on-call, plus noise outside the window that the report must leave out.

#include "alert.h"
#include "drillstore.h"
#include "journalentry.h"
#include "rcareport.h"
#include "timelineentry.h"

#include <QDateTime>
#include <QTimeZone>

namespace RcaFixture {

using namespace Opsdeck;

inline QDateTime at(int hour, int minute, int second = 0)
{
    return QDateTime(QDate(2026, 11, 26), QTime(hour, minute, second), QTimeZone::utc());
}

inline ServiceKey product()
{
    return { QStringLiteral("sim"), QStringLiteral("shop"), QStringLiteral("productservice") };
}

inline ServiceKey cart()
{
    return { QStringLiteral("sim"), QStringLiteral("shop"), QStringLiteral("cartservice") };
}

inline TimelineEntry entry(const QDateTime &when, TimelineEntry::Kind kind, TimelineEntry::Severity severity,
                           const ServiceKey &service, const QString &title, const QString &detail,
                           const QString &source, const QString &reference)
{
    TimelineEntry e;
    e.at = when;
    e.kind = kind;
    e.severity = severity;
    e.service = service;
    e.title = title;
    e.detail = detail;
    e.source = source;
    e.reference = reference;
    return e;
}

inline Alert alert(const QString &rule, const ServiceKey &service, Alert::Severity severity,
                   const QDateTime &since, const QDateTime &ended, const QString &summary)
{
    Alert a;
    a.rule = rule;
    a.service = service;
    a.id = rule + QLatin1Char(':') + service.context + QLatin1Char('/') + service.ns + QLatin1Char('/')
        + service.name;
    a.severity = severity;
    a.since = since;
    a.ended = ended;
    a.summary = summary;
    return a;
}

inline JournalEntry action(qint64 id, const QString &name, const QDateTime &started,
                           const QDateTime &finished, JournalStatus status,
                           const QVariantMap &parameters = {})
{
    JournalEntry e;
    e.id = id;
    e.requestId = QUuid::createUuid();
    e.startedAt = started;
    e.updatedAt = finished.isValid() ? finished : started;
    e.finishedAt = finished;
    e.user = QStringLiteral("aks-admin");
    e.service = product();
    e.track = Track::Stable;
    e.action = name;
    e.parameters = parameters;
    e.confirmation = QStringLiteral("dialog");
    e.status = status;
    e.message = QStringLiteral("done");
    return e;
}

inline DrillRun drill()
{
    DrillRun run;
    run.id = 7;
    run.scenario = QStringLiteral("database-failure");
    run.service = product();
    run.status = QStringLiteral("recovered");
    run.faultAt = at(8, 12, 3);
    run.detectedAt = at(8, 12, 41);
    run.clearedAt = at(8, 15, 10);
    run.recoveredAt = at(8, 16, 30);
    run.alertId = QStringLiteral("breaker-open:sim/shop/productservice");
    return run;
}

// The incident's inputs. `withDrill` false: the same outage without a drill (a real incident).
inline RcaReport::Inputs inputs(bool withDrill = true)
{
    using K = TimelineEntry::Kind;
    using S = TimelineEntry::Severity;
    RcaReport::Inputs in;
    in.from = at(8, 0);
    in.to = at(9, 0);
    in.generatedAt = at(9, 2, 10);
    in.sources = { QStringLiteral("journal"), QStringLiteral("alert log"), QStringLiteral("drill runs") };

    in.alerts = {
        alert(QStringLiteral("source-down"), {}, Alert::Severity::Warning, at(7, 10), at(7, 20),
              QStringLiteral("kubernetes:sim stale")), // before
        alert(QStringLiteral("breaker-open"), product(), Alert::Severity::Critical, at(8, 12, 41),
              at(8, 16, 30), QStringLiteral("Breaker products-db is Open on stable")),
        alert(QStringLiteral("pods-not-ready"), product(), Alert::Severity::Warning, at(8, 13, 40),
              at(8, 15, 50), QStringLiteral("2 of 3 pods not Ready for 1 min")),
    };
    in.alerts[1].acknowledgedBy = QStringLiteral("alice");
    in.alerts[1].acknowledgedAt = at(8, 13, 5);

    JournalEntry scale = action(42, QStringLiteral("scale"), at(8, 13, 50), at(8, 14, 20),
                                JournalStatus::Succeeded, { { QStringLiteral("replicas"), 4 } });
    scale.result
        = { ActionChange { QStringLiteral("Deployment"), QStringLiteral("productservice"),
                           QStringLiteral("spec.replicas"), QStringLiteral("2"), QStringLiteral("4") } };
    in.journal = {
        action(40, QStringLiteral("canary-weight"), at(7, 30), at(7, 30, 5), JournalStatus::Succeeded,
               { { QStringLiteral("weight"), 10 } }), // before
        action(41, QStringLiteral("restart"), at(8, 13, 30), at(8, 14, 5), JournalStatus::Succeeded),
        scale,
    };

    in.timeline = {
        entry(at(7, 30), K::Action, S::Info, product(), QStringLiteral("canary-weight started"), {},
              QStringLiteral("journal"), QStringLiteral("40:started")),
        entry(at(8, 5), K::Scaling, S::Info, cart(), QStringLiteral("cartservice stable replicas 2 → 3"), {},
              QStringLiteral("kubernetes:sim"), QStringLiteral("sim/shop/cartservice/replicas@1")),
        entry(
            at(8, 12, 20), K::Health, S::Critical, product(),
            QStringLiteral("productservice Healthy → Unhealthy"),
            QStringLiteral(
                "products-db: SqlException: A network-related error occurred while connecting to SQL Server"),
            QStringLiteral("kubernetes:sim"), QStringLiteral("sim/shop/productservice/health@2")),
        entry(at(8, 12, 25), K::Breaker, S::Critical, product(),
              QStringLiteral("Breaker products-db Closed → Open"), {}, QStringLiteral("kubernetes:sim"),
              QStringLiteral("sim/shop/productservice/products-db/stable@3")),
        entry(at(8, 12, 41), K::Alert, S::Critical, product(), QStringLiteral("Alert breaker-open raised"),
              QStringLiteral("Breaker products-db is Open on stable"), QStringLiteral("alerts"),
              QStringLiteral("breaker-open@raised")),
        entry(at(8, 13, 30), K::Action, S::Info, product(), QStringLiteral("restart productservice started"),
              {}, QStringLiteral("journal"), QStringLiteral("41:started")),
        entry(at(8, 13, 50), K::Event, S::Warning, product(),
              QStringLiteral("Unhealthy: Readiness probe failed"),
              QStringLiteral("HTTP probe failed with statuscode: 503"), QStringLiteral("kubernetes:sim"),
              QStringLiteral("sim/shop/ev1@4")),
        entry(at(8, 14, 5), K::Action, S::Info, product(), QStringLiteral("restart productservice succeeded"),
              {}, QStringLiteral("journal"), QStringLiteral("41:succeeded")),
        entry(at(8, 14, 5), K::Action, S::Info, product(), QStringLiteral("restart productservice succeeded"),
              {}, QStringLiteral("journal"),
              QStringLiteral("41:succeeded")), // the same entry from a second source: once in the report
        entry(at(8, 16, 10), K::Breaker, S::Info, product(),
              QStringLiteral("Breaker products-db HalfOpen → Closed"), {}, QStringLiteral("kubernetes:sim"),
              QStringLiteral("sim/shop/productservice/products-db/stable@5")),
        entry(at(8, 16, 30), K::Alert, S::Info, product(), QStringLiteral("Alert breaker-open ended"), {},
              QStringLiteral("alerts"), QStringLiteral("breaker-open@ended")),
        entry(at(9, 30), K::Health, S::Warning, cart(), QStringLiteral("cartservice Healthy → Degraded"), {},
              QStringLiteral("kubernetes:sim"),
              QStringLiteral("sim/shop/cartservice/health@6")), // after
    };
    if (withDrill) {
        in.drills = { drill() };
        in.timeline << entry(at(8, 12, 3), K::Drill, S::Warning, product(),
                             QStringLiteral("Drill database-failure: fault injected"), {},
                             QStringLiteral("drills"), QStringLiteral("drill:7:fault"))
                    << entry(at(8, 15, 10), K::Drill, S::Info, product(),
                             QStringLiteral("Drill database-failure: fault cleared"), {},
                             QStringLiteral("drills"), QStringLiteral("drill:7:cleared"));
    }
    return in;
}

// Server text that tries to become Markdown or HTML.
inline QString hostile()
{
    return QStringLiteral("<script>alert(1)</script> [click](http://x) ![img](http://x/i.png) | extra | "
                          "**bold** `code`\n# heading");
}

} // namespace RcaFixture
