#pragma once

// One request in flight through ResilientClient: its attempts, waits and final result. Emits finished()
// once, like QNetworkReply; the caller deletes it (deleteLater) after that.

#include "error.h"
#include "httpresponse.h"
#include "requestoptions.h"

#include <QNetworkRequest>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QNetworkReply;

namespace Opsdeck {

class ResilientClient;

class ResilientReply : public QObject
{
    Q_OBJECT

public:
    ~ResilientReply() override;

    bool isFinished() const { return m_finished; }
    // Valid once finished().
    const Result<HttpResponse> &result() const { return m_result; }
    int attempts() const { return m_attempts; }
    // The last attempt's HTTP status; 0 when it got no HTTP answer (or none was sent: circuit open).
    int httpStatus() const { return m_httpStatus; }
    const QString &endpoint() const { return m_endpoint; }
    const QNetworkRequest &request() const { return m_request; }
    const QByteArray &method() const { return m_method; }

    // No more attempts: finished() follows at once with a Network error saying it was cancelled.
    void abort();

Q_SIGNALS:
    void finished();
    // Attempt `attemptsMade` failed with `error`; the next one starts in `delayMs`.
    void retrying(int attemptsMade, qint64 delayMs, const Opsdeck::Error &error);

private:
    friend class ResilientClient;

    ResilientReply(ResilientClient *client, const QNetworkRequest &request, const QByteArray &method,
                   const QByteArray &body, const RequestOptions &options);
    void attempt();
    void onReplyFinished();
    void onTimeout();
    // Gives up with `error`, or hands back the last-known-good answer if the options ask and it fits.
    void fail(Error error);
    void finish(Result<HttpResponse> result);
    void dropReply();

    QPointer<ResilientClient> m_client; // a reply the caller keeps may outlive it
    QNetworkRequest m_request;
    QByteArray m_method;
    QByteArray m_body;
    RequestOptions m_options;
    QString m_endpoint;
    bool m_idempotent = false;
    std::chrono::milliseconds m_timeout { 0 };
    QPointer<QNetworkReply> m_reply;
    QTimer m_attemptTimer; // the per-attempt timeout
    QTimer m_retryTimer; // the wait before the next attempt
    int m_attempts = 0;
    int m_httpStatus = 0;
    bool m_timedOut = false;
    bool m_holdsBreaker = false; // the breaker admitted the attempt in flight
    bool m_finished = false;
    Result<HttpResponse> m_result;
};

} // namespace Opsdeck
