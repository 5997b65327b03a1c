#include "backoff.h"

#include <QLocale>
#include <QTimeZone>

#include <algorithm>

Backoff::Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds maximum, quint32 seed)
    : m_initial(std::max(initial, std::chrono::milliseconds(1)))
    , m_maximum(std::max(maximum, m_initial))
    , m_random(seed != 0 ? seed : QRandomGenerator::global()->generate())
{
}

std::chrono::milliseconds Backoff::next(std::optional<std::chrono::seconds> retryAfter)
{
    const int exponent = std::min(m_failures, 30);
    ++m_failures;
    if (retryAfter && retryAfter->count() >= 0)
        return std::min<std::chrono::milliseconds>(*retryAfter, maxRetryAfter());
    const qint64 ceiling = std::min<qint64>(m_maximum.count(), m_initial.count() << std::min(exponent, 20));
    const qint64 floor = ceiling / 2;
    return std::chrono::milliseconds(floor + qint64(m_random.bounded(quint64(ceiling - floor + 1))));
}

std::optional<std::chrono::seconds> Backoff::parseRetryAfter(const QByteArray &header, const QDateTime &now)
{
    const QByteArray text = header.trimmed();
    if (text.isEmpty())
        return std::nullopt;
    bool ok = false;
    const qint64 seconds = text.toLongLong(&ok);
    if (ok)
        return seconds >= 0 ? std::optional(std::chrono::seconds(seconds)) : std::nullopt;
    // IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
    QDateTime when = QLocale::c().toDateTime(QString::fromLatin1(text), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
    if (!when.isValid())
        return std::nullopt;
    when.setTimeZone(QTimeZone::utc());
    return std::chrono::seconds(std::max<qint64>(0, now.secsTo(when)));
}
