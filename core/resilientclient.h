#pragma once

// The resilient HTTP pipeline every plugin request goes through (DESIGN §5): per attempt a timeout and a
// circuit breaker per endpoint; between attempts RetryPolicy's backoff (idempotent requests and
// transient failures only, Retry-After honoured); when it all fails, optionally the last-known-good
// answer with its age. Lives on the thread of its QNetworkAccessManager; never blocks — every wait is a
// QTimer.

#include "circuitbreaker.h"
#include "clock.h"
#include "error.h"
#include "httpresponse.h"
#include "lastknowngood.h"
#include "requestoptions.h"
#include "retrypolicy.h"

#include <QLoggingCategory>
#include <QNetworkRequest>
#include <QObject>
#include <QStringList>

#include <functional>
#include <map>
#include <memory>

class QNetworkAccessManager;

Q_DECLARE_LOGGING_CATEGORY(lcResilience) // opsdeck.core.resilience

namespace Opsdeck {

class ResilientReply;

class ResilientClient : public QObject
{
    Q_OBJECT

public:
    struct Settings
    {
        RetryPolicy::Settings retry;
        CircuitBreaker::Settings breaker;
        std::chrono::milliseconds timeout { 30'000 }; // per attempt; zero for none
        quint32 seed = 0; // jitter; 0 = random
    };
    using Callback = std::function<void(const Result<HttpResponse> &)>;

    // `manager` and `clock` must outlive the client.
    explicit ResilientClient(QNetworkAccessManager *manager, QObject *parent = nullptr);
    ResilientClient(QNetworkAccessManager *manager, Settings settings, const Clock &clock = Clock::system(),
                    QObject *parent = nullptr);
    ~ResilientClient() override;

    // Starts on the next turn of the event loop, so connect to the reply's finished() first. The caller
    // owns the reply (its parent is this client until then).
    ResilientReply *send(const QNetworkRequest &request, const QByteArray &method = QByteArrayLiteral("GET"),
                         const QByteArray &body = {}, const RequestOptions &options = {});
    // The same with a callback, run once in `context`'s thread; the reply deletes itself afterwards, and
    // is aborted (without a callback) if `context` goes first.
    ResilientReply *send(const QNetworkRequest &request, const QByteArray &method, const QByteArray &body,
                         const RequestOptions &options, QObject *context, Callback callback);

    QNetworkAccessManager *manager() const { return m_manager; }
    const Clock &clock() const { return m_clock; }
    const Settings &settings() const { return m_settings; }

    // The breakers made so far, one per endpoint key (RequestOptions::endpoint).
    QStringList endpoints() const;
    const CircuitBreaker *breaker(const QString &endpoint) const;
    // The default endpoint key of a URL: origin and path, no query ("https://h:6443/api/v1/pods").
    static QString endpointOf(const QUrl &url);
    // Forget every last-known-good answer (e.g. the context changed).
    void clearLastKnownGood() { m_lastKnownGood.clear(); }

Q_SIGNALS:
    void breakerChanged(const QString &endpoint, Opsdeck::CircuitBreaker::State state);

private:
    friend class ResilientReply;

    CircuitBreaker &breakerFor(const QString &endpoint);

    QNetworkAccessManager *m_manager;
    Settings m_settings;
    const Clock &m_clock;
    RetryPolicy m_policy;
    std::map<QString, std::unique_ptr<CircuitBreaker>> m_breakers;
    QHash<QString, QString> m_lastFailure; // per endpoint, for "circuit open (last failure: …)"
    LastKnownGood<QString, HttpResponse> m_lastKnownGood; // by full URL
};

} // namespace Opsdeck
