#pragma once

// Polls metrics.k8s.io's PodMetrics every interval (15 s, the metrics-server's window) and reports
// each poll as Relisted + Added PodMetrics deltas, so metrics of vanished pods drop out (the first
// poll: Added + Synced). A cluster
// without metrics-server (404/503) is reported once as an error and retried at the poll interval. Each poll
// goes through the source's ResilientClient (timeout, retry, breaker); while it fails the store keeps the
// last metrics it had.

#include "error.h"
#include "informersettings.h"
#include "observation.h"
#include "resourceendpoint.h"
#include "responseparser.h"

#include <QObject>
#include <QPointer>

#include <functional>
#include <optional>
#include <vector>

class ClusterClient;
class QTimer;

namespace Opsdeck {
class ResilientClient;
class ResilientReply;
} // namespace Opsdeck

class PodMetricsPoller : public QObject
{
    Q_OBJECT

public:
    using Sink = std::function<void(std::vector<Opsdeck::Observation> &&)>;

    PodMetricsPoller(InformerSettings settings, ClusterClient *client, Opsdeck::ResilientClient *http, Sink sink,
                     QObject *parent = nullptr);
    ~PodMetricsPoller() override;

    void start();
    void stop();

    std::optional<Opsdeck::Error> error() const { return m_error; }
    int polls() const { return m_polls; }

Q_SIGNALS:
    void stateChanged();

private:
    void poll();
    void onFinished();
    void setError(std::optional<Opsdeck::Error> error);

    ResourceEndpoint m_endpoint = ResourceEndpoint::metrics();
    InformerSettings m_settings;
    ClusterClient *m_client;
    Opsdeck::ResilientClient *m_http;
    Sink m_sink;
    ResponseParser m_parser;
    QTimer *m_timer = nullptr;
    QPointer<Opsdeck::ResilientReply> m_reply;
    bool m_stopped = false;
    bool m_synced = false;
    int m_polls = 0;
    std::optional<Opsdeck::Error> m_error;
};
