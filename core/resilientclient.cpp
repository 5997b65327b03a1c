#include "resilientclient.h"

#include "resilientreply.h"

#include <QNetworkAccessManager>
#include <QPointer>

Q_LOGGING_CATEGORY(lcResilience, "opsdeck.core.resilience")

namespace Opsdeck {

ResilientClient::ResilientClient(QNetworkAccessManager *manager, QObject *parent)
    : ResilientClient(manager, Settings {}, Clock::system(), parent)
{ }

ResilientClient::ResilientClient(QNetworkAccessManager *manager, Settings settings, const Clock &clock,
                                 QObject *parent)
    : QObject(parent)
    , m_manager(manager)
    , m_settings(settings)
    , m_clock(clock)
    , m_policy(settings.retry, settings.seed)
    , m_lastKnownGood(clock)
{
    Q_ASSERT(manager);
}

ResilientClient::~ResilientClient()
{
    // Replies still parented here go first: they talk to the breakers on their way out.
    qDeleteAll(findChildren<ResilientReply *>(Qt::FindDirectChildrenOnly));
}

ResilientReply *ResilientClient::send(const QNetworkRequest &request, const QByteArray &method,
                                      const QByteArray &body, const RequestOptions &options)
{
    auto *reply = new ResilientReply(this, request, method, body, options);
    QMetaObject::invokeMethod(reply, &ResilientReply::attempt, Qt::QueuedConnection);
    return reply;
}

ResilientReply *ResilientClient::send(const QNetworkRequest &request, const QByteArray &method,
                                      const QByteArray &body, const RequestOptions &options, QObject *context,
                                      Callback callback)
{
    Q_ASSERT(context);
    ResilientReply *reply = send(request, method, body, options);
    // The result is copied out before the reply goes, so a context on another thread reads no freed reply.
    connect(reply, &ResilientReply::finished, reply,
            [reply, context = QPointer<QObject>(context), callback = std::move(callback)] {
                if (context)
                    QMetaObject::invokeMethod(context,
                                              [callback, result = reply->result()] { callback(result); });
                reply->deleteLater();
            });
    // The caller is gone: nobody wants the answer. Disconnect first so abort() calls no callback.
    connect(context, &QObject::destroyed, reply, [reply] {
        reply->disconnect();
        reply->abort();
        reply->deleteLater();
    });
    return reply;
}

QStringList ResilientClient::endpoints() const
{
    QStringList keys;
    keys.reserve(qsizetype(m_breakers.size()));
    for (const auto &entry : m_breakers)
        keys.append(entry.first);
    return keys;
}

const CircuitBreaker *ResilientClient::breaker(const QString &endpoint) const
{
    const auto it = m_breakers.find(endpoint);
    return it == m_breakers.end() ? nullptr : it->second.get();
}

QString ResilientClient::endpointOf(const QUrl &url)
{
    return url
        .adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::StripTrailingSlash)
        .toString();
}

CircuitBreaker &ResilientClient::breakerFor(const QString &endpoint)
{
    auto it = m_breakers.find(endpoint);
    if (it != m_breakers.end())
        return *it->second;
    auto breaker = std::make_unique<CircuitBreaker>(endpoint, m_settings.breaker, m_clock);
    breaker->setTransitionHandler([this, endpoint](const CircuitBreaker::Transition &transition) {
        const QString last = m_lastFailure.value(endpoint);
        if (transition.to == CircuitBreaker::State::Open)
            qCWarning(lcResilience).noquote()
                << QStringLiteral("circuit open for %1 (last failure: %2)").arg(endpoint, last);
        else
            qCInfo(lcResilience).noquote() << "circuit" << toString(transition.to) << "for" << endpoint;
        Q_EMIT breakerChanged(endpoint, transition.to);
    });
    return *m_breakers.emplace(endpoint, std::move(breaker)).first->second;
}

} // namespace Opsdeck
