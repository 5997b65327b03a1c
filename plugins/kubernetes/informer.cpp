#include "informer.h"

#include "clusterclient.h"
#include "bodydecoder.h"
#include "kuberneteslogging.h"
#include "resilientclient.h"
#include "resilientreply.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QTimer>
#include <QUrlQuery>

using namespace Opsdeck;
using namespace std::chrono_literals;

Informer::Informer(ResourceEndpoint endpoint, InformerSettings settings, ClusterClient *client,
                   ResilientClient *http, Sink sink, QObject *parent)
    : QObject(parent)
    , m_endpoint(std::move(endpoint))
    , m_settings(std::move(settings))
    , m_client(client)
    , m_http(http)
    , m_sink(std::move(sink))
    , m_backoff(m_settings.retryInitial, m_settings.retryMax)
{
}

Informer::~Informer()
{
    stop();
}

void Informer::start()
{
    m_stopped = false;
    m_watchManager = m_client->createManager(this);
    m_retryTimer = new QTimer(this);
    m_retryTimer->setSingleShot(true);
    connect(m_retryTimer, &QTimer::timeout, this, &Informer::resume);
    connect(m_client, &ClusterClient::credentialsReady, this, &Informer::onCredentialsReady);
    connect(m_client, &ClusterClient::credentialsFailed, this, &Informer::onCredentialsFailed);
    resume();
}

void Informer::stop()
{
    m_stopped = true;
    m_phase = Phase::Idle;
    if (m_retryTimer)
        m_retryTimer->stop();
    // abort() emits finished() at once; the handlers see m_stopped and do nothing.
    if (m_listReply)
        m_listReply->abort();
    if (m_watchReply)
        m_watchReply->abort();
}

ResourceKey Informer::key(const QString &ns, const QString &name) const
{
    return ResourceKey{m_settings.context, m_endpoint.kind, ns, name};
}

void Informer::resume()
{
    if (m_stopped)
        return;
    if (m_needList) {
        m_listed.clear();
        m_continue.clear();
        listPage();
    } else {
        watch();
    }
}

void Informer::listPage()
{
    m_phase = Phase::Listing;
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("limit"), QString::number(m_settings.pageSize));
    if (!m_continue.isEmpty())
        query.addQueryItem(QStringLiteral("continue"), m_continue);
    RequestOptions options;
    options.what = QStringLiteral("listing %1").arg(m_endpoint.displayName());
    ResilientReply *reply = m_http->send(m_client->request(m_endpoint.path(m_settings.ns), query), QByteArrayLiteral("GET"), {}, options);
    m_listReply = reply;
    connect(reply, &ResilientReply::finished, this, &Informer::onListFinished);
}

void Informer::onListFinished()
{
    auto *reply = qobject_cast<ResilientReply *>(sender());
    if (!reply)
        return;
    reply->deleteLater();
    if (m_stopped || reply != m_listReply)
        return;
    m_listReply.clear();
    const QString what = QStringLiteral("listing %1").arg(m_endpoint.displayName());
    const Result<HttpResponse> &result = reply->result();
    if (!result) {
        // Retries (with Retry-After) and the breaker are behind us: this is the verdict.
        Error error = result.error();
        error.message = QStringLiteral("%1: %2 failed: %3").arg(m_client->where(), what, error.message);
        handleFailure(reply->httpStatus(), std::move(error));
        return;
    }
    auto decoded = BodyDecoder::decode(result->header("Content-Encoding"), result->body);
    QByteArray body = decoded ? std::move(*decoded) : QByteArray();
    auto page = decoded ? m_parser.parseList(m_endpoint.kind, body, m_settings.parse)
                        : Result<ListPage>(tl::unexpected(decoded.error()));
    body = QByteArray(); // the page's text is not needed once parsed
    if (!page) {
        Error error = page.error();
        error.message = QStringLiteral("%1: listing %2: %3").arg(m_client->where(), m_endpoint.displayName(), error.message);
        if (m_error != error)
            qCWarning(lcKubernetes).noquote() << error.message;
        m_needList = true;
        setError(error);
        retryLater(m_backoff.next());
        return;
    }
    m_expiredContinues = 0;
    m_authRenewed = false;
    if (m_listed.empty())
        m_listed.reserve(page->items.size() + 2);
    for (ParsedObject &item : page->items)
        m_listed.emplace_back(ResourceDelta{ResourceDelta::Type::Added, key(item.ns, item.name), std::move(item.object)});
    if (!page->continueToken.isEmpty()) {
        m_continue = page->continueToken;
        listPage();
        return;
    }
    finishList(page->resourceVersion);
}

void Informer::finishList(QString resourceVersion)
{
    std::vector<Observation> out;
    out.reserve(m_listed.size() + 2);
    // Relisted first, so the store drops whatever this list does not re-add (observation.h).
    if (m_synced)
        out.emplace_back(ResourceDelta{ResourceDelta::Type::Relisted, key(m_settings.ns, {}), {}});
    for (Observation &o : m_listed)
        out.push_back(std::move(o));
    m_listed.clear();
    m_listed.shrink_to_fit();
    if (!m_synced)
        out.emplace_back(ResourceDelta{ResourceDelta::Type::Synced, key(m_settings.ns, {}), {}});
    const bool changed = !m_synced || m_absent;
    m_synced = true;
    m_absent = false;
    m_needList = false;
    m_resourceVersion = std::move(resourceVersion);
    ++m_listsCompleted;
    m_backoff.reset();
    m_sink(std::move(out));
    if (m_error)
        setError(std::nullopt);
    else if (changed)
        Q_EMIT stateChanged();
    watch();
}

void Informer::watch()
{
    m_phase = Phase::Watching;
    m_splitter.reset();
    m_watchExpired = false;
    m_watchError.reset();
    m_watchEvents = 0;
    // ±10% so a client's watches (and many clients') do not all renew in the same second.
    const int spread = std::max(1, m_settings.watchTimeoutSeconds / 10);
    const int timeout = m_settings.watchTimeoutSeconds - spread + int(QRandomGenerator::global()->bounded(2 * spread + 1));
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("watch"), QStringLiteral("1"));
    query.addQueryItem(QStringLiteral("resourceVersion"), m_resourceVersion);
    query.addQueryItem(QStringLiteral("allowWatchBookmarks"), QStringLiteral("true"));
    query.addQueryItem(QStringLiteral("timeoutSeconds"), QString::number(std::max(1, timeout)));
    QNetworkRequest request = m_client->request(m_endpoint.path(m_settings.ns), query);
    // A compressor holds small event lines back (DESIGN §12): the stream comes plain.
    request.setRawHeader("Accept-Encoding", "identity");
    QNetworkReply *reply = m_watchManager->get(request);
    m_watchReply = reply;
    ++m_watchesStarted;
    m_watchClock.start();
    connect(reply, &QNetworkReply::metaDataChanged, this, &Informer::onWatchOpened);
    connect(reply, &QNetworkReply::readyRead, this, &Informer::onWatchData);
    connect(reply, &QNetworkReply::finished, this, &Informer::onWatchFinished);
}

void Informer::onWatchOpened()
{
    QNetworkReply *reply = m_watchReply;
    if (m_stopped || !reply || sender() != reply)
        return;
    // The stream is open: whatever failed before is over, even if nothing changes for minutes.
    if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200) {
        m_authRenewed = false;
        setError(std::nullopt);
    }
}

void Informer::onWatchData()
{
    QNetworkReply *reply = m_watchReply;
    if (m_stopped || !reply || sender() != reply)
        return;
    // An error answer's body is a Status, read whole when the reply finishes.
    if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 200)
        return;
    const QList<QByteArray> lines = m_splitter.feed(reply->readAll());
    if (lines.isEmpty())
        return;
    std::vector<Observation> out;
    out.reserve(size_t(lines.size()));
    for (QByteArray line : lines) {
        handleEventLine(line, out);
        if (m_watchExpired || m_watchError)
            break;
    }
    if (!out.empty()) {
        m_backoff.reset();
        m_authRenewed = false;
        m_sink(std::move(out));
    }
    if (m_error && !m_watchExpired && !m_watchError)
        setError(std::nullopt);
    if (m_watchExpired || m_watchError)
        reply->abort(); // finished() follows at once and relists or backs off
}

void Informer::handleEventLine(QByteArray &line, std::vector<Observation> &out)
{
    auto event = m_parser.parseEvent(m_endpoint.kind, line, m_settings.parse);
    if (!event) {
        // One unreadable event: a watch cannot skip it safely, so resync from a fresh list.
        qCWarning(lcKubernetes).noquote() << m_client->where() << m_endpoint.displayName() << event.error().message;
        m_watchError = Error{ErrorKind::Invalid,
                             QStringLiteral("%1: watching %2: %3").arg(m_client->where(), m_endpoint.displayName(),
                                                                       event.error().message),
                             {}, std::nullopt};
        m_needList = true;
        return;
    }
    ++m_watchEvents;
    switch (event->type) {
    case WatchEvent::Type::Added:
    case WatchEvent::Type::Modified:
        out.emplace_back(ResourceDelta{event->type == WatchEvent::Type::Added ? ResourceDelta::Type::Added
                                                                             : ResourceDelta::Type::Modified,
                                       key(event->object.ns, event->object.name), std::move(event->object.object)});
        break;
    case WatchEvent::Type::Deleted:
        out.emplace_back(ResourceDelta{ResourceDelta::Type::Deleted, key(event->object.ns, event->object.name), {}});
        break;
    case WatchEvent::Type::Bookmark:
        break;
    case WatchEvent::Type::Error:
        if (event->statusCode == 410) {
            qCInfo(lcKubernetes).noquote() << m_client->where() << m_endpoint.displayName()
                                           << "watch expired, relisting:" << event->message;
            m_watchExpired = true;
        } else {
            m_watchError = Error{event->statusCode == 403 ? ErrorKind::Forbidden : ErrorKind::Network,
                                 QStringLiteral("%1: watching %2 failed: %3 %4")
                                     .arg(m_client->where(), m_endpoint.displayName())
                                     .arg(event->statusCode)
                                     .arg(event->message),
                                 {}, std::nullopt};
        }
        return;
    }
    if (!event->resourceVersion.isEmpty())
        m_resourceVersion = event->resourceVersion;
}

void Informer::onWatchFinished()
{
    QNetworkReply *reply = qobject_cast<QNetworkReply *>(sender());
    if (!reply)
        return;
    reply->deleteLater();
    if (m_stopped || reply != m_watchReply)
        return;
    m_watchReply.clear();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 200 && reply->error() == QNetworkReply::NoError && !m_watchExpired && !m_watchError) {
        // A clean end: whatever was still buffered, including a last line without its newline.
        QList<QByteArray> lines = m_splitter.feed(reply->readAll());
        if (!m_splitter.pending().trimmed().isEmpty())
            lines.append(m_splitter.pending());
        m_splitter.reset();
        std::vector<Observation> out;
        for (QByteArray line : lines) {
            handleEventLine(line, out);
            if (m_watchExpired || m_watchError)
                break;
        }
        if (!out.empty())
            m_sink(std::move(out));
    }
    if (m_watchExpired) {
        m_needList = true;
        resume();
        return;
    }
    if (m_watchError) {
        setError(m_watchError);
        retryLater(m_backoff.next());
        return;
    }
    if (status != 200) {
        // No stream at all: an error answer (its body a Status) or no connection.
        QByteArray body = ClusterClient::readBody(reply).value_or(QByteArray());
        handleFailure(status, m_client->failure(reply, body, m_parser, QStringLiteral("watching %1").arg(m_endpoint.displayName())));
        return;
    }
    // The stream ended: the server's timeoutSeconds, or a drop mid-stream (200, then a network error;
    // a partial last line is discarded). Watch again from the last version seen; back off only when
    // it ended fast and empty, so a server that closes at once is not hammered.
    if (reply->error() != QNetworkReply::NoError)
        qCInfo(lcKubernetes).noquote() << m_client->where() << m_endpoint.displayName()
                                       << "watch dropped:" << reply->errorString();
    if (m_watchEvents == 0 && m_watchClock.elapsed() < 1000) {
        retryLater(m_backoff.next());
        return;
    }
    m_backoff.reset();
    watch();
}

void Informer::handleFailure(int status, Error error)
{
    if (status == 410) {
        // An expired continue token (list) or too old a resourceVersion (watch, from a proxy): start over.
        m_needList = true;
        const bool repeated = m_phase == Phase::Listing && ++m_expiredContinues > 1;
        if (!repeated) {
            resume();
            return;
        }
    }
    if (status == 404 && m_endpoint.optional) {
        markAbsent();
        return;
    }
    if (status == 401 && !m_authRenewed && m_client->canRenewCredentials()) {
        // Renew once (exec plugin re-run, token file re-read); a second 401 is reported.
        m_authRenewed = true;
        m_phase = Phase::WaitingForCredentials;
        m_client->renewCredentials();
        return;
    }
    if (m_phase == Phase::Listing)
        m_needList = true;
    // Once per distinct failure: an outage retried every few seconds is one line, not a storm.
    if (m_error != error)
        qCWarning(lcKubernetes).noquote() << error.message;
    setError(error);
    retryLater(m_backoff.next(error.retryAfter));
}

void Informer::markAbsent()
{
    // Not an error: the cluster simply does not have this API (Gateway API CRDs, metrics-server).
    std::vector<Observation> out;
    if (m_synced && !m_absent)
        out.emplace_back(ResourceDelta{ResourceDelta::Type::Relisted, key(m_settings.ns, {}), {}});
    if (!m_synced)
        out.emplace_back(ResourceDelta{ResourceDelta::Type::Synced, key(m_settings.ns, {}), {}});
    const bool changed = !m_absent || !m_synced || m_error;
    m_synced = true;
    m_absent = true;
    m_needList = true;
    m_error.reset();
    m_backoff.reset();
    if (!out.empty())
        m_sink(std::move(out));
    if (changed) {
        qCInfo(lcKubernetes).noquote() << m_client->where() << "does not serve" << m_endpoint.displayName();
        Q_EMIT stateChanged();
    }
    retryLater(m_settings.absentRecheck);
}

void Informer::retryLater(std::chrono::milliseconds delay)
{
    m_phase = Phase::Waiting;
    m_retryTimer->start(delay);
}

void Informer::setError(std::optional<Error> error)
{
    if (m_error == error)
        return;
    m_error = std::move(error);
    Q_EMIT stateChanged();
}

void Informer::onCredentialsReady()
{
    if (m_stopped || m_phase != Phase::WaitingForCredentials)
        return;
    resume();
}

void Informer::onCredentialsFailed(const Error &error)
{
    if (m_stopped || m_phase != Phase::WaitingForCredentials)
        return;
    setError(error);
    retryLater(m_backoff.next());
}
