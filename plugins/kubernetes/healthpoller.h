#pragma once

// Polls every service's /health through the API server's service proxy (DESIGN §6, API-CONTRACTS §1, §7)
// every interval (15 s): per track where `<app>-stable` / `<app>-canary` Services exist, else the Service
// selecting the app. At most `maxInFlight` requests at once, each through the source's ResilientClient
// (timeout, retry, a breaker per Service, last-known-good). Each answer becomes a HealthReport and one
// BreakerState per circuit-breaker entry. A 503 with a report is an Unhealthy report; no endpoint, a
// missing path or a refused request is a report with status Unknown and the error (logged once per
// change). A last-known-good answer goes out with its old checkedAt and the error: entries plus an error
// mean "stale". The Services to poll come from the Services informer's deltas (observe()).

#include "error.h"
#include "informersettings.h"
#include "observation.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QPointer>

#include <functional>
#include <vector>

class ClusterClient;
class QTimer;

namespace Opsdeck {
class ResilientClient;
struct HttpResponse;
} // namespace Opsdeck

class HealthPoller : public QObject
{
    Q_OBJECT

public:
    using Sink = std::function<void(std::vector<Opsdeck::Observation> &&)>;

    struct Target
    {
        Opsdeck::ServiceKey service;
        Opsdeck::Track track = Opsdeck::Track::Unknown;
        QString k8sService; // the Service whose proxy answers

        friend bool operator==(const Target &, const Target &) = default;
    };

    HealthPoller(InformerSettings settings, ClusterClient *client, Opsdeck::ResilientClient *http, Sink sink,
                 QObject *parent = nullptr);
    ~HealthPoller() override;

    void start();
    void stop();
    // Every batch the source publishes passes here: Service deltas say what to poll.
    void observe(const std::vector<Opsdeck::Observation> &observations);

    // What a round polls now, in (namespace, app, track) order.
    QList<Target> targets() const;
    int rounds() const { return m_rounds; }
    int inFlight() const { return m_inFlight; }
    int maxInFlightSeen() const { return m_maxInFlightSeen; }

private:
    void round();
    void startMore();
    void onAnswer(const Target &target, const Opsdeck::Result<Opsdeck::HttpResponse> &result);
    QString keyOf(const Target &target) const;

    InformerSettings m_settings;
    ClusterClient *m_client;
    QPointer<Opsdeck::ResilientClient> m_http;
    Sink m_sink;
    QTimer *m_timer = nullptr;
    bool m_stopped = true;
    QHash<QString, Opsdeck::ServiceInfo> m_services; // "ns/name" → Service
    QList<Target> m_queue;
    QSet<QString> m_busy;                            // targets in flight
    int m_inFlight = 0;
    int m_maxInFlightSeen = 0;
    int m_rounds = 0;
    QHash<QString, QString> m_lastError;             // per target, to log each change once
    QHash<QString, QPair<Opsdeck::BreakerState::State, QDateTime>> m_breakerSeen; // target|entry → state, since
};
