#pragma once

// Secrets (client secrets, refresh tokens) in the OS keychain through QtKeychain, service "opsdeck",
// keys "azure/<tenant>/<client>/clientSecret" and ".../refreshToken". Asynchronous. When the secret
// service fails with anything but success or EntryNotFound (none running, locked, no backend), the store
// switches to memory for the rest of the session — never plain text on disk — and says so:
// persistent() turns false and fallbackReason() tells the UI why. Values are never logged.

#include "error.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>

namespace QKeychain {
class Job;
}

namespace Opsdeck {

class SecretStore : public QObject
{
    Q_OBJECT

public:
    explicit SecretStore(QObject *parent = nullptr, QString service = QStringLiteral("opsdeck"));
    ~SecretStore() override;

    static QString azureKey(const QString &tenantId, const QString &clientId, const QString &name);

    // Each `done` runs once, on `context`'s thread (not at all if it is destroyed first). A key that
    // holds nothing reads as Error{NotFound}.
    void read(const QString &key, QObject *context, std::function<void(Result<QString>)> done);
    void write(const QString &key, const QString &value, QObject *context,
               std::function<void(Result<>)> done);
    void remove(const QString &key, QObject *context, std::function<void(Result<>)> done);

    bool persistent() const { return m_persistent; }
    QString fallbackReason() const { return m_reason; }
    QString service() const { return m_service; }

Q_SIGNALS:
    void persistenceChanged(bool persistent, const QString &reason);

private:
    enum class Op { Read, Write, Remove };
    void run(Op op, const QString &key, const QString &value, QPointer<QObject> context,
             std::function<void(Result<QString>)> done);
    void fallBack(QKeychain::Job *job);
    void inMemory(Op op, const QString &key, const QString &value, QPointer<QObject> context,
                  std::function<void(Result<QString>)> done);

    QString m_service;
    bool m_persistent = true;
    QString m_reason;
    QHash<QString, QString> m_memory; // the session's secrets once the keychain failed
};

} // namespace Opsdeck
