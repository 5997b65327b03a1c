#include "retrypolicy.h"

#include <QLocale>
#include <QTimeZone>

#include <algorithm>

namespace Opsdeck {

RetryPolicy::RetryPolicy()
    : RetryPolicy(Settings {})
{ }

RetryPolicy::RetryPolicy(Settings settings, quint32 seed)
    : m_settings(settings)
    , m_random(seed != 0 ? seed : QRandomGenerator::global()->generate())
{
    m_settings.maxAttempts = std::max(1, m_settings.maxAttempts);
    m_settings.baseDelay = std::max(m_settings.baseDelay, std::chrono::milliseconds(1));
    m_settings.maxDelay = std::max(m_settings.maxDelay, m_settings.baseDelay);
}

std::chrono::milliseconds RetryPolicy::ceiling(int attemptsMade) const
{
    const int exponent = std::clamp(attemptsMade - 1, 0, 30);
    // base·2^exponent overflows long before 2^30; stop doubling once past the cap.
    qint64 value = m_settings.baseDelay.count();
    for (int i = 0; i < exponent && value < m_settings.maxDelay.count(); ++i)
        value *= 2;
    return std::chrono::milliseconds(std::min<qint64>(value, m_settings.maxDelay.count()));
}

std::optional<std::chrono::milliseconds> RetryPolicy::delay(bool idempotent, int attemptsMade,
                                                            const Failure &failure, double jitter) const
{
    if (attemptsMade >= m_settings.maxAttempts)
        return std::nullopt;
    if (!isTransient(failure))
        return std::nullopt;
    if (!idempotent && !wasNotProcessed(failure))
        return std::nullopt;
    if (failure.retryAfter) {
        if (*failure.retryAfter > m_settings.maxRetryAfter)
            return std::nullopt;
        return std::chrono::milliseconds(*failure.retryAfter);
    }
    jitter = std::clamp(jitter, 0.0, 1.0);
    return std::chrono::milliseconds(qint64(double(ceiling(attemptsMade).count()) * jitter));
}

std::optional<std::chrono::milliseconds> RetryPolicy::nextDelay(bool idempotent, int attemptsMade,
                                                                const Failure &failure)
{
    return delay(idempotent, attemptsMade, failure, m_random.generateDouble());
}

bool RetryPolicy::isTransient(const Failure &failure)
{
    if (failure.timedOut)
        return true;
    switch (failure.httpStatus) {
    case 408:
    case 429:
    case 500:
    case 502:
    case 503:
    case 504:
        return true;
    case 0:
        break;
    default:
        return false;
    }
    switch (failure.network) {
    case QNetworkReply::ConnectionRefusedError:
    case QNetworkReply::RemoteHostClosedError:
    case QNetworkReply::HostNotFoundError:
    case QNetworkReply::TimeoutError:
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::UnknownNetworkError:
    case QNetworkReply::ProxyConnectionRefusedError:
    case QNetworkReply::ProxyConnectionClosedError:
    case QNetworkReply::ProxyTimeoutError:
        return true;
    default:
        // TLS failures, refused credentials, protocol errors: the same request fails the same way.
        return false;
    }
}

bool RetryPolicy::wasNotProcessed(const Failure &failure)
{
    if (failure.httpStatus == 429) // API priority and fairness rejects before the handler runs
        return true;
    return failure.httpStatus == 0 && !failure.timedOut
        && (failure.network == QNetworkReply::ConnectionRefusedError
            || failure.network == QNetworkReply::HostNotFoundError
            || failure.network == QNetworkReply::ProxyConnectionRefusedError);
}

bool RetryPolicy::isIdempotent(const QByteArray &method)
{
    const QByteArray upper = method.toUpper();
    return upper == "GET" || upper == "HEAD" || upper == "OPTIONS";
}

std::optional<std::chrono::seconds> RetryPolicy::parseRetryAfter(const QByteArray &header,
                                                                 const QDateTime &now)
{
    const QByteArray text = header.trimmed();
    if (text.isEmpty())
        return std::nullopt;
    bool ok = false;
    const qint64 seconds = text.toLongLong(&ok);
    if (ok)
        return seconds >= 0 ? std::optional(std::chrono::seconds(seconds)) : std::nullopt;
    // IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT"; a date in the past means "now".
    QDateTime when = QLocale::c().toDateTime(QString::fromLatin1(text),
                                             QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
    if (!when.isValid())
        return std::nullopt;
    when.setTimeZone(QTimeZone::utc());
    return std::chrono::seconds(std::max<qint64>(0, now.secsTo(when)));
}

} // namespace Opsdeck
