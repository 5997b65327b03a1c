#pragma once

// Jittered exponential backoff for re-listing and re-watching (DESIGN §5): the n-th consecutive
// failure waits a random time in [d/2, d] with d = min(initial * 2^n, max), so many informers (and many
// clients) that lost the same server do not come back in lockstep. A server's Retry-After wins.

#include <QByteArray>
#include <QDateTime>
#include <QRandomGenerator>

#include <chrono>
#include <optional>

class Backoff
{
public:
    Backoff(std::chrono::milliseconds initial = std::chrono::milliseconds(500),
            std::chrono::milliseconds maximum = std::chrono::seconds(30), quint32 seed = 0);

    // The delay before the next attempt; counts one more failure. With `retryAfter` (HTTP 429/503) the
    // server's figure is used, capped at maxRetryAfter() so a bogus header cannot park us for a day.
    std::chrono::milliseconds next(std::optional<std::chrono::seconds> retryAfter = std::nullopt);
    // After a success: the next failure starts from `initial` again.
    void reset() { m_failures = 0; }
    int failures() const { return m_failures; }

    std::chrono::milliseconds initial() const { return m_initial; }
    std::chrono::milliseconds maximum() const { return m_maximum; }
    static constexpr std::chrono::seconds maxRetryAfter() { return std::chrono::minutes(10); }

    // Retry-After as delta-seconds or an HTTP-date (RFC 9110 §10.2.3); nullopt when absent or unreadable.
    static std::optional<std::chrono::seconds> parseRetryAfter(const QByteArray &header,
                                                               const QDateTime &now = QDateTime::currentDateTimeUtc());

private:
    std::chrono::milliseconds m_initial;
    std::chrono::milliseconds m_maximum;
    int m_failures = 0;
    QRandomGenerator m_random;
};
