#pragma once

// When a failed request is tried again, and after how long (DESIGN §5): exponential backoff with full
// jitter (a uniform wait in [0, min(max, base·2^(n-1))], so clients that lost the same server spread out),
// a server's Retry-After (or a Status' details.retryAfterSeconds) taken as given, and only for failures
// that are transient. Writes are never retried blindly: only when the server provably did not process
// them (connection refused, 429).

#include <QByteArray>
#include <QDateTime>
#include <QNetworkReply>
#include <QRandomGenerator>

#include <chrono>
#include <optional>

namespace Opsdeck {

class RetryPolicy
{
public:
    struct Settings
    {
        int maxAttempts = 4; // including the first
        std::chrono::milliseconds baseDelay { 500 };
        std::chrono::milliseconds maxDelay { 30'000 };
        // A longer Retry-After is not waited out inside one request: the caller gets Throttled with it.
        std::chrono::seconds maxRetryAfter { 60 };
    };

    // How one attempt failed. httpStatus 0: no HTTP answer (see `network`).
    struct Failure
    {
        int httpStatus = 0;
        QNetworkReply::NetworkError network = QNetworkReply::NoError;
        bool timedOut = false;
        std::optional<std::chrono::seconds> retryAfter;
    };

    RetryPolicy();
    explicit RetryPolicy(Settings settings, quint32 seed = 0); // seed 0: random jitter

    const Settings &settings() const { return m_settings; }

    // The wait before attempt `attemptsMade + 1`, or nullopt to give up. `idempotent`: GET and friends,
    // or a request the caller vouches for. `jitter` in [0, 1) picks the point in the backoff window.
    std::optional<std::chrono::milliseconds> delay(bool idempotent, int attemptsMade, const Failure &failure,
                                                   double jitter) const;
    // The same, drawing the jitter.
    std::optional<std::chrono::milliseconds> nextDelay(bool idempotent, int attemptsMade,
                                                       const Failure &failure);
    // The top of the window after `attemptsMade` failures: min(max, base·2^(attemptsMade-1)).
    std::chrono::milliseconds ceiling(int attemptsMade) const;

    // A failure another attempt may cure: no connection, a timeout, 408, 429, 500, 502, 503, 504.
    static bool isTransient(const Failure &failure);
    // A failure that says the server did not act on the request, so even a write may be sent again.
    static bool wasNotProcessed(const Failure &failure);
    // GET, HEAD, OPTIONS. PUT and DELETE are idempotent in HTTP, but a repeated write after a lost answer
    // turns a success into a 409 or 404, so they are not retried unless the caller says so.
    static bool isIdempotent(const QByteArray &method);
    // Retry-After as delta-seconds or an IMF-fixdate (RFC 9110 §10.2.3); nullopt if absent or unreadable.
    static std::optional<std::chrono::seconds> parseRetryAfter(const QByteArray &header,
                                                               const QDateTime &now);

private:
    Settings m_settings;
    QRandomGenerator m_random;
};

} // namespace Opsdeck
