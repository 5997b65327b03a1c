#include "actionclient.h"

#include "bodydecoder.h"
#include "clusterclient.h"
#include "resilientreply.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>

using namespace Opsdeck;

namespace {

// Statuses that are the server's answer, read from their Status body instead of failing the request.
const QList<int> kAnswers{400, 401, 403, 404, 405, 409, 410, 415, 422, 429};

ErrorKind kindFor(int status)
{
    switch (status) {
    case 401:
        return ErrorKind::Unauthorized;
    case 403:
        return ErrorKind::Forbidden;
    case 404:
        return ErrorKind::NotFound;
    case 409:
        return ErrorKind::Conflict;
    case 410:
        return ErrorKind::Gone;
    case 429:
        return ErrorKind::Throttled;
    default:
        return status >= 500 ? ErrorKind::Network : ErrorKind::Invalid;
    }
}

} // namespace

QString ActionReply::summary() const
{
    const QString message = object.value(u"kind").toString() == u"Status" ? object.value(u"message").toString() : QString();
    if (status == 0)
        return error ? error->message : QStringLiteral("no answer");
    if (!message.isEmpty())
        return QStringLiteral("%1 %2").arg(status).arg(message);
    const QString rv = object.value(u"metadata").toObject().value(u"resourceVersion").toString();
    return rv.isEmpty() ? QString::number(status) : QStringLiteral("%1 (resourceVersion %2)").arg(status).arg(rv);
}

ActionClient::ActionClient(QObject *parent)
    : QObject(parent)
{
}

Result<ActionClient *> ActionClient::create(const ClusterConnection &connection,
                                            const ResilientClient::Settings &settings, QObject *parent)
{
    auto *client = new ActionClient(parent);
    auto cluster = ClusterClient::create(connection, client);
    if (!cluster) {
        delete client;
        return tl::unexpected(cluster.error());
    }
    client->m_cluster = *cluster;
    client->m_manager = client->m_cluster->createManager(client);
    client->m_http = new ResilientClient(client->m_manager, settings, Clock::system(), client);
    connect(client->m_cluster, &ClusterClient::credentialsReady, client, [client] { client->onCredentials({}); });
    connect(client->m_cluster, &ClusterClient::credentialsFailed, client,
            [client](const Error &error) { client->onCredentials(error); });
    return client;
}

const ClusterConnection &ActionClient::connection() const
{
    return m_cluster->connection();
}

QString ActionClient::user() const
{
    const QString name = m_cluster->connection().userName;
    return name.isEmpty() ? QStringLiteral("system:anonymous") : name;
}

void ActionClient::whenReady(std::function<void()> run)
{
    if (m_cluster->hasCredentials()) {
        run();
        return;
    }
    m_waiting.append(std::move(run));
    if (!m_fetching) {
        m_fetching = true;
        m_credentialError.reset();
        m_cluster->fetchCredentials();
    }
}

void ActionClient::onCredentials(const std::optional<Error> &error)
{
    m_fetching = false;
    m_credentialError = error;
    const auto waiting = std::exchange(m_waiting, {});
    for (const auto &run : waiting)
        run(); // each send sees m_credentialError and fails, or goes ahead
}

void ActionClient::send(const QByteArray &method, const QString &path, const QUrlQuery &query,
                        const QByteArray &contentType, const QByteArray &body, const QString &what, QObject *context,
                        Callback callback)
{
    QString line = QString::fromLatin1(method) + u' ' + path;
    if (!query.isEmpty())
        line += u'?' + query.toString(QUrl::FullyDecoded);
    if (!body.isEmpty())
        line += u' ' + QString::fromUtf8(body);
    QPointer<QObject> guard(context);
    whenReady([this, method, path, query, contentType, body, what, guard, callback, line] {
        if (!guard)
            return;
        if (m_credentialError) {
            ActionReply reply;
            reply.request = line;
            reply.error = *m_credentialError;
            callback(reply);
            return;
        }
        QNetworkRequest request = m_cluster->request(path, query);
        request.setHeader(QNetworkRequest::UserAgentHeader,
                          QStringLiteral("opsdeck/" OPSDECK_KUBERNETES_VERSION " (kubernetes actions)"));
        if (!contentType.isEmpty())
            request.setRawHeader("Content-Type", contentType);
        RequestOptions options;
        options.what = what;
        options.acceptedStatuses = kAnswers;
        // One breaker for the provider's writes and reads: an API server that fails them fails them all.
        options.endpoint = QStringLiteral("actions %1").arg(m_cluster->connection().server.toString());
        m_http->send(request, method, body, options, guard,
                     [callback, line, what](const Result<HttpResponse> &result) {
                         ActionReply reply;
                         reply.request = line;
                         if (!result) {
                             reply.error = result.error();
                             callback(reply);
                             return;
                         }
                         reply.status = result->status;
                         auto decoded = BodyDecoder::decode(result->header("Content-Encoding"), result->body);
                         reply.body = decoded ? *decoded : result->body;
                         reply.object = QJsonDocument::fromJson(reply.body).object();
                         if (reply.status < 200 || reply.status >= 300) {
                             const QString message = reply.object.value(u"message").toString();
                             reply.error = Error{kindFor(reply.status),
                                                 QStringLiteral("%1: HTTP %2%3")
                                                     .arg(what)
                                                     .arg(reply.status)
                                                     .arg(message.isEmpty() ? QString() : QStringLiteral(": ") + message),
                                                 {},
                                                 std::nullopt};
                         }
                         callback(reply);
                     });
    });
}
