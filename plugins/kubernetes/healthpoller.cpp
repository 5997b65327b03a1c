#include "healthpoller.h"

#include "bodydecoder.h"
#include "clusterclient.h"
#include "healthreportparser.h"
#include "kuberneteslogging.h"
#include "resilientclient.h"
#include "resilientreply.h"

#include <QTimer>

#include <algorithm>

using namespace Opsdeck;

namespace {

const QString StableSuffix = QStringLiteral("-stable");
const QString CanarySuffix = QStringLiteral("-canary");

} // namespace

HealthPoller::HealthPoller(InformerSettings settings, ClusterClient *client, ResilientClient *http, Sink sink,
                           QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_client(client)
    , m_http(http)
    , m_sink(std::move(sink))
{
}

HealthPoller::~HealthPoller()
{
    stop();
}

void HealthPoller::start()
{
    m_stopped = false;
    if (!m_timer) {
        m_timer = new QTimer(this);
        connect(m_timer, &QTimer::timeout, this, &HealthPoller::round);
    }
    m_timer->setInterval(m_settings.healthInterval);
    m_timer->start();
    // The first round waits for the Services list (observe() starts it).
}

void HealthPoller::stop()
{
    m_stopped = true;
    if (m_timer)
        m_timer->stop();
    m_queue.clear();
}

void HealthPoller::observe(const std::vector<Observation> &observations)
{
    bool changed = false;
    for (const Observation &o : observations) {
        const auto *delta = std::get_if<ResourceDelta>(&o);
        if (!delta || delta->key.kind != ResourceKind::Service)
            continue;
        const QString key = delta->key.ns + u'/' + delta->key.name;
        switch (delta->type) {
        case ResourceDelta::Type::Added:
        case ResourceDelta::Type::Modified:
            if (const auto *service = std::get_if<ServiceInfo>(&delta->object)) {
                m_services.insert(key, *service);
                changed = true;
            }
            break;
        case ResourceDelta::Type::Deleted:
            changed = m_services.remove(key) > 0 || changed;
            break;
        case ResourceDelta::Type::Relisted:
            // The Added deltas that follow in the same batch bring back what still exists.
            m_services.removeIf([&](const auto &it) { return delta->key.ns.isEmpty() || it.value().ns == delta->key.ns; });
            changed = true;
            break;
        case ResourceDelta::Type::Synced:
            changed = true;
            break;
        }
    }
    // The first round goes as soon as the Services are known, not 15 s later.
    if (changed && m_rounds == 0 && !m_stopped && !m_services.isEmpty())
        QTimer::singleShot(0, this, [this] {
            if (m_rounds == 0)
                round();
        });
}

QList<HealthPoller::Target> HealthPoller::targets() const
{
    // Group the Services by the app they select.
    QHash<ServiceKey, QStringList> byApp;
    for (const ServiceInfo &service : m_services) {
        if (service.selectorApp.isEmpty() || service.type == u"ExternalName")
            continue;
        byApp[ServiceKey{m_settings.context, service.ns, service.selectorApp}].append(service.name);
    }
    QList<Target> result;
    for (auto it = byApp.cbegin(); it != byApp.cend(); ++it) {
        const ServiceKey &app = it.key();
        const QStringList &names = it.value();
        const QString stable = app.name + StableSuffix;
        const QString canary = app.name + CanarySuffix;
        if (names.contains(stable) || names.contains(canary)) {
            if (names.contains(stable))
                result.append(Target{app, Track::Stable, stable});
            if (names.contains(canary))
                result.append(Target{app, Track::Canary, canary});
            continue;
        }
        QStringList sorted = names;
        std::sort(sorted.begin(), sorted.end());
        result.append(Target{app, Track::Unknown, sorted.contains(app.name) ? app.name : sorted.constFirst()});
    }
    std::sort(result.begin(), result.end(), [](const Target &a, const Target &b) {
        return std::tie(a.service.ns, a.service.name, a.track) < std::tie(b.service.ns, b.service.name, b.track);
    });
    return result;
}

QString HealthPoller::keyOf(const Target &target) const
{
    return target.service.ns + u'/' + target.k8sService;
}

void HealthPoller::round()
{
    if (m_stopped || !m_http)
        return;
    ++m_rounds;
    // A target still queued or in flight from the last round is not stacked on.
    for (const Target &target : targets()) {
        if (!m_busy.contains(keyOf(target)) && !m_queue.contains(target))
            m_queue.append(target);
    }
    startMore();
}

void HealthPoller::startMore()
{
    while (!m_stopped && m_http && m_inFlight < m_settings.healthMaxInFlight && !m_queue.isEmpty()) {
        const Target target = m_queue.takeFirst();
        const QString key = keyOf(target);
        m_busy.insert(key);
        ++m_inFlight;
        m_maxInFlightSeen = std::max(m_maxInFlightSeen, m_inFlight);
        const QString path = QStringLiteral("/api/v1/namespaces/%1/services/%2/proxy/health")
                                 .arg(target.service.ns, target.k8sService);
        RequestOptions options;
        options.what = QStringLiteral("reading the health of %1").arg(target.k8sService);
        options.fallbackToLastKnownGood = true;
        options.acceptedStatuses = {503}; // Unhealthy is a report (API-CONTRACTS §7)
        QNetworkRequest request = m_client->request(path);
        request.setRawHeader("Accept", "application/json, text/plain");
        m_http->send(request, QByteArrayLiteral("GET"), {}, options, this,
                     [this, target](const Result<HttpResponse> &result) { onAnswer(target, result); });
    }
}

void HealthPoller::onAnswer(const Target &target, const Result<HttpResponse> &result)
{
    const QString key = keyOf(target);
    m_busy.remove(key);
    --m_inFlight;
    if (m_stopped)
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    HealthReport report;
    report.service = target.service;
    report.track = target.track;
    report.checkedAt = now;
    std::optional<HealthReportParser::Parsed> parsed;
    bool stale = false;
    if (!result) {
        report.error = result.error();
    } else {
        auto body = BodyDecoder::decode(result->header("Content-Encoding"), result->body);
        auto read = body ? HealthReportParser::parse(*body) : Result<HealthReportParser::Parsed>(tl::unexpected(body.error()));
        if (read) {
            parsed = std::move(*read);
            if (result->stale) {
                stale = true;
                report.checkedAt = now.addMSecs(-result->age.count());
                report.error = result->staleBecause;
            }
        } else {
            // The proxy's own 503 ("no endpoints available") or a body that is no report.
            report.error = read.error();
            report.error->message = QStringLiteral("%1: reading the health of %2 (HTTP %3): %4")
                                        .arg(m_client->where(), target.k8sService)
                                        .arg(result->status)
                                        .arg(read.error().message);
        }
    }
    if (report.error && !report.error->message.contains(m_client->where()))
        report.error->message = m_client->where() + QStringLiteral(": ") + report.error->message;
    const QString errorText = report.error ? report.error->message : QString();
    if (m_lastError.value(key) != errorText) {
        if (!errorText.isEmpty())
            qCInfo(lcKubernetes).noquote() << errorText;
        m_lastError.insert(key, errorText);
    }

    std::vector<Observation> out;
    if (parsed) {
        report.status = parsed->status;
        report.entries = parsed->entries;
    }
    if (parsed && !stale) {
        for (const HealthReportParser::Breaker &b : std::as_const(parsed->breakers)) {
            // `since`: the service's own lastTransition, else when this poller first saw the state.
            const QString seenKey = key + u'|' + b.name;
            auto seen = m_breakerSeen.find(seenKey);
            if (seen == m_breakerSeen.end() || seen->first != b.state)
                seen = m_breakerSeen.insert(seenKey, {b.state, now});
            BreakerState state;
            state.service = target.service;
            state.pipeline = b.name;
            state.state = b.state;
            state.since = b.lastTransition.isValid() ? b.lastTransition : seen->second;
            state.track = target.track;
            out.emplace_back(std::move(state));
        }
    }
    out.emplace(out.begin(), std::move(report));
    m_sink(std::move(out));
    startMore();
}
