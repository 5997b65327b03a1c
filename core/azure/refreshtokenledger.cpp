#include "refreshtokenledger.h"

#include <QMutexLocker>

namespace Opsdeck {

RefreshTokenLedger &RefreshTokenLedger::instance()
{
    static RefreshTokenLedger ledger;
    return ledger;
}

void RefreshTokenLedger::set(const QString &key, const QString &refreshToken)
{
    QMutexLocker lock(&m_mutex);
    m_tokens.insert(key, refreshToken);
}

std::optional<QString> RefreshTokenLedger::checkOut(const QString &key, const QString &fallback)
{
    QMutexLocker lock(&m_mutex);
    if (m_busy.contains(key))
        return std::nullopt;
    m_busy.insert(key);
    const auto it = m_tokens.constFind(key);
    if (it != m_tokens.constEnd() && !it->isEmpty())
        return *it;
    m_tokens.insert(key, fallback);
    return fallback;
}

void RefreshTokenLedger::checkIn(const QString &key, const QString &rotated)
{
    {
        QMutexLocker lock(&m_mutex);
        m_busy.remove(key);
        if (rotated.isEmpty() || m_tokens.value(key) == rotated)
            return;
        m_tokens.insert(key, rotated);
    }
    Q_EMIT this->rotated(key, rotated);
}

QString RefreshTokenLedger::latest(const QString &key) const
{
    QMutexLocker lock(&m_mutex);
    return m_tokens.value(key);
}

} // namespace Opsdeck
