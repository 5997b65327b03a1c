#include "secretstore.h"

#include "azurelogging.h"

#include <qt6keychain/keychain.h>

namespace Opsdeck {

namespace {

void answer(const QPointer<QObject> &context, const std::function<void(Result<QString>)> &done,
            Result<QString> result)
{
    if (!context)
        return;
    QMetaObject::invokeMethod(
        context.data(), [done, result] { done(result); }, Qt::QueuedConnection);
}

std::function<void(Result<QString>)> ignoringValue(std::function<void(Result<>)> done)
{
    return [done = std::move(done)](Result<QString> r) {
        if (r)
            done({});
        else
            done(tl::unexpected(r.error()));
    };
}

} // namespace

SecretStore::SecretStore(QObject *parent, QString service)
    : QObject(parent)
    , m_service(std::move(service))
{ }

SecretStore::~SecretStore() = default;

QString SecretStore::azureKey(const QString &tenantId, const QString &clientId, const QString &name)
{
    return QStringLiteral("azure/%1/%2/%3").arg(tenantId, clientId, name);
}

void SecretStore::read(const QString &key, QObject *context, std::function<void(Result<QString>)> done)
{
    run(Op::Read, key, {}, context ? context : this, std::move(done));
}

void SecretStore::write(const QString &key, const QString &value, QObject *context,
                        std::function<void(Result<>)> done)
{
    run(Op::Write, key, value, context ? context : this, ignoringValue(std::move(done)));
}

void SecretStore::remove(const QString &key, QObject *context, std::function<void(Result<>)> done)
{
    run(Op::Remove, key, {}, context ? context : this, ignoringValue(std::move(done)));
}

void SecretStore::run(Op op, const QString &key, const QString &value, QPointer<QObject> context,
                      std::function<void(Result<QString>)> done)
{
    if (!m_persistent) {
        inMemory(op, key, value, context, std::move(done));
        return;
    }
    QKeychain::Job *job = nullptr;
    switch (op) {
    case Op::Read:
        job = new QKeychain::ReadPasswordJob(m_service, this);
        break;
    case Op::Write: {
        auto *write = new QKeychain::WritePasswordJob(m_service, this);
        write->setTextData(value);
        job = write;
        break;
    }
    case Op::Remove:
        job = new QKeychain::DeletePasswordJob(m_service, this);
        break;
    }
    job->setKey(key);
    job->setAutoDelete(false);
    job->setInsecureFallback(false); // never plain text on disk
    connect(job, &QKeychain::Job::finished, this,
            [this, op, key, value, context, done](QKeychain::Job *finished) {
                finished->deleteLater();
                const QKeychain::Error error = finished->error();
                if (error == QKeychain::NoError) {
                    if (op == Op::Read)
                        answer(context, done,
                               static_cast<QKeychain::ReadPasswordJob *>(finished)->textData());
                    else
                        answer(context, done, QString());
                    return;
                }
                if (error == QKeychain::EntryNotFound) {
                    if (op == Op::Remove)
                        answer(context, done, QString()); // gone is what was asked
                    else
                        answer(context, done,
                               makeError(ErrorKind::NotFound,
                                         QStringLiteral("no secret stored for %1").arg(key)));
                    return;
                }
                // No (working) secret service: the session's memory from now on.
                fallBack(finished);
                inMemory(op, key, value, context, done);
            });
    job->start();
}

void SecretStore::fallBack(QKeychain::Job *job)
{
    if (!m_persistent)
        return;
    m_persistent = false;
    m_reason = QStringLiteral("the system keychain is not available (%1)").arg(job->errorString());
    qCWarning(lcAzure).noquote() << "secrets are kept in memory for this session:" << m_reason;
    Q_EMIT persistenceChanged(false, m_reason);
}

void SecretStore::inMemory(Op op, const QString &key, const QString &value, QPointer<QObject> context,
                           std::function<void(Result<QString>)> done)
{
    switch (op) {
    case Op::Read: {
        const auto it = m_memory.constFind(key);
        if (it == m_memory.constEnd())
            answer(context, done,
                   makeError(ErrorKind::NotFound, QStringLiteral("no secret stored for %1").arg(key)));
        else
            answer(context, done, *it);
        return;
    }
    case Op::Write:
        m_memory.insert(key, value);
        answer(context, done, QString());
        return;
    case Op::Remove:
        m_memory.remove(key);
        answer(context, done, QString());
        return;
    }
}

} // namespace Opsdeck
