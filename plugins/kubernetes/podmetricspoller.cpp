#include "podmetricspoller.h"

#include "clusterclient.h"
#include "bodydecoder.h"
#include "kuberneteslogging.h"
#include "resilientclient.h"
#include "resilientreply.h"

#include <QTimer>

using namespace Opsdeck;

PodMetricsPoller::PodMetricsPoller(InformerSettings settings, ClusterClient *client, ResilientClient *http,
                                   Sink sink, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_client(client)
    , m_http(http)
    , m_sink(std::move(sink))
{
}

PodMetricsPoller::~PodMetricsPoller()
{
    stop();
}

void PodMetricsPoller::start()
{
    m_stopped = false;
    m_timer = new QTimer(this);
    m_timer->setInterval(m_settings.metricsInterval);
    connect(m_timer, &QTimer::timeout, this, &PodMetricsPoller::poll);
    m_timer->start();
    poll();
}

void PodMetricsPoller::stop()
{
    m_stopped = true;
    if (m_timer)
        m_timer->stop();
    if (m_reply)
        m_reply->abort();
}

void PodMetricsPoller::poll()
{
    if (m_stopped || m_reply) // a slow poll is not stacked on
        return;
    RequestOptions options;
    options.what = QStringLiteral("reading pod metrics");
    m_reply = m_http->send(m_client->request(m_endpoint.path(m_settings.ns)), QByteArrayLiteral("GET"), {}, options);
    connect(m_reply, &ResilientReply::finished, this, &PodMetricsPoller::onFinished);
}

void PodMetricsPoller::onFinished()
{
    auto *reply = qobject_cast<ResilientReply *>(sender());
    if (!reply)
        return;
    reply->deleteLater();
    if (m_stopped || reply != m_reply)
        return;
    m_reply.clear();
    const Result<HttpResponse> &result = reply->result();
    const int status = reply->httpStatus();
    if (!result && (status == 404 || status == 503)) {
        // No metrics-server (or its APIService is unavailable): one clear message, not one per poll.
        setError(Error{ErrorKind::NotFound,
                       QStringLiteral("%1: pod metrics unavailable: metrics.k8s.io answered HTTP %2")
                           .arg(m_client->where())
                           .arg(status),
                       QStringLiteral("Install metrics-server in the cluster to see CPU and memory per pod; "
                                      "Opsdeck checks again every %1 s.")
                           .arg(m_settings.metricsInterval.count() / 1000),
                       std::nullopt});
        return;
    }
    if (!result) {
        Error error = result.error();
        error.message = QStringLiteral("%1: reading pod metrics failed: %2").arg(m_client->where(), error.message);
        if (m_error != error)
            qCWarning(lcKubernetes).noquote() << error.message;
        setError(error);
        return;
    }
    auto decoded = BodyDecoder::decode(result->header("Content-Encoding"), result->body);
    QByteArray body = decoded ? std::move(*decoded) : QByteArray();
    auto page = decoded ? m_parser.parseList(ResourceKind::PodMetrics, body, m_settings.parse)
                        : Result<ListPage>(tl::unexpected(decoded.error()));
    if (!page) {
        Error error = page.error();
        error.message = QStringLiteral("%1: reading pod metrics: %2").arg(m_client->where(), error.message);
        setError(error);
        return;
    }
    std::vector<Observation> out;
    out.reserve(page->items.size() + 2);
    const ResourceKey all{m_settings.context, ResourceKind::PodMetrics, m_settings.ns, {}};
    if (m_synced)
        out.emplace_back(ResourceDelta{ResourceDelta::Type::Relisted, all, {}});
    for (ParsedObject &item : page->items)
        out.emplace_back(ResourceDelta{ResourceDelta::Type::Added,
                                       ResourceKey{m_settings.context, ResourceKind::PodMetrics, item.ns, item.name},
                                       std::move(item.object)});
    if (!m_synced)
        out.emplace_back(ResourceDelta{ResourceDelta::Type::Synced, all, {}});
    m_synced = true;
    ++m_polls;
    m_sink(std::move(out));
    setError(std::nullopt);
}

void PodMetricsPoller::setError(std::optional<Error> error)
{
    if (m_error == error)
        return;
    m_error = std::move(error);
    Q_EMIT stateChanged();
}
