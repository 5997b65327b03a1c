#pragma once

// The newest refresh token per (tenant, client), shared by every EntraCredential in the process. Each
// Azure source makes its own credential on its own thread, but a signed-in user has one refresh token,
// and Entra may rotate it on every grant (the sim always does, spending the old one). So grants for one
// key run one at a time process-wide, each with the newest token, and rotated() reports each new token
// (the app stores it in the keychain). The one process-wide object of core/azure, for that reason.
// Thread-safe.

#include <QHash>
#include <QMutex>
#include <QObject>
#include <QSet>
#include <QString>

#include <optional>

namespace Opsdeck {

class RefreshTokenLedger : public QObject
{
    Q_OBJECT

public:
    static RefreshTokenLedger &instance();
    static QString keyFor(const QString &tenantId, const QString &clientId)
    {
        return tenantId + QLatin1Char('/') + clientId;
    }

    // A new sign-in: its token replaces whatever was known.
    void set(const QString &key, const QString &refreshToken);
    // The token to redeem now — the newest known, else `fallback` — or nullopt while another grant for
    // `key` runs (ask again shortly). Every token handed out must be checked in.
    std::optional<QString> checkOut(const QString &key, const QString &fallback);
    // The grant ended; `rotated` is the new refresh token, or empty when none came.
    void checkIn(const QString &key, const QString &rotated);
    QString latest(const QString &key) const;

Q_SIGNALS:
    void rotated(const QString &key, const QString &refreshToken);

private:
    RefreshTokenLedger() = default;

    mutable QMutex m_mutex;
    QHash<QString, QString> m_tokens;
    QSet<QString> m_busy;
};

} // namespace Opsdeck
