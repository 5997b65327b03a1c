#pragma once

// One kind's informer (DESIGN §6, API-CONTRACTS §1): LIST in pages of `limit`, then WATCH from the
// list's resourceVersion with bookmarks and a server-side timeout, renewed from the last version seen.
// On 410 (HTTP or an ERROR event) it relists and reports Relisted + Added so the store drops ghosts; a
// dropped stream, network error, 5xx or 429 resumes with jittered backoff. Runs on the source's thread.
// LIST pages go through the source's ResilientClient (timeout, retry honouring Retry-After, a breaker per
// kind's path; DESIGN §5); the watch keeps its own reconnect logic and network manager (DESIGN §12) and
// never takes the breaker's half-open probe: a stream that lives for minutes would hold it.

#include "backoff.h"
#include "error.h"
#include "informersettings.h"
#include "observation.h"
#include "resourceendpoint.h"
#include "responseparser.h"
#include "watchlinesplitter.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>

#include <functional>
#include <optional>
#include <vector>

class ClusterClient;
class QNetworkAccessManager;

namespace Opsdeck {
class ResilientClient;
class ResilientReply;
} // namespace Opsdeck
class QNetworkReply;
class QTimer;

class Informer : public QObject
{
    Q_OBJECT

public:
    using Sink = std::function<void(std::vector<Opsdeck::Observation> &&)>;

    Informer(ResourceEndpoint endpoint, InformerSettings settings, ClusterClient *client,
             Opsdeck::ResilientClient *http, Sink sink, QObject *parent = nullptr);
    ~Informer() override;

    void start();
    void stop();

    Opsdeck::ResourceKind kind() const { return m_endpoint.kind; }
    const ResourceEndpoint &endpoint() const { return m_endpoint; }
    bool isSynced() const { return m_synced; }
    bool isAbsent() const { return m_absent; }       // optional API not installed (404)
    std::optional<Opsdeck::Error> error() const { return m_error; } // the latest unresolved failure
    // Counters for tests and diagnostics.
    int listsCompleted() const { return m_listsCompleted; }
    int watchesStarted() const { return m_watchesStarted; }
    QString resourceVersion() const { return m_resourceVersion; }

Q_SIGNALS:
    // synced, absent or error changed
    void stateChanged();

private:
    enum class Phase { Idle, Listing, Watching, Waiting, WaitingForCredentials };

    void resume();
    void listPage();
    void onListFinished();
    void finishList(QString resourceVersion);
    void watch();
    void onWatchOpened();
    void onWatchData();
    void onWatchFinished();
    void handleEventLine(QByteArray &line, std::vector<Opsdeck::Observation> &out);
    // A failed request (HTTP `status`, 0 for none). Decides between relist, credential renewal and backoff.
    void handleFailure(int status, Opsdeck::Error error);
    void retryLater(std::chrono::milliseconds delay);
    void setError(std::optional<Opsdeck::Error> error);
    void markAbsent();
    void onCredentialsReady();
    void onCredentialsFailed(const Opsdeck::Error &error);
    Opsdeck::ResourceKey key(const QString &ns, const QString &name) const;

    ResourceEndpoint m_endpoint;
    InformerSettings m_settings;
    ClusterClient *m_client;
    Opsdeck::ResilientClient *m_http;
    QNetworkAccessManager *m_watchManager = nullptr; // own connection budget
    Sink m_sink;
    ResponseParser m_parser;
    WatchLineSplitter m_splitter;
    Backoff m_backoff;
    QTimer *m_retryTimer = nullptr;

    Phase m_phase = Phase::Idle;
    bool m_stopped = false;
    bool m_needList = true;
    bool m_synced = false;
    bool m_absent = false;
    bool m_authRenewed = false;   // a 401 already caused one renewal; the next one is reported
    bool m_watchExpired = false;  // an ERROR 410 arrived on the current watch
    std::optional<Opsdeck::Error> m_watchError; // another ERROR event on the current watch
    QString m_resourceVersion;    // last seen (list, event or bookmark)
    QString m_continue;
    int m_expiredContinues = 0;   // 410s while paging in a row
    std::vector<Opsdeck::Observation> m_listed; // pages of the list in progress
    QPointer<Opsdeck::ResilientReply> m_listReply;
    QPointer<QNetworkReply> m_watchReply;
    QElapsedTimer m_watchClock;
    int m_watchEvents = 0;
    std::optional<Opsdeck::Error> m_error;
    int m_listsCompleted = 0;
    int m_watchesStarted = 0;
};
