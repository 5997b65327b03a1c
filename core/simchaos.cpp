#include "simchaos.h"

#include "execcredentialprovider.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrl>

#include <memory>

namespace Opsdeck {

namespace {

const QString ChaosRoot = QStringLiteral("/_opsdeck/chaos");

QString servicePath(const QString &service, const QString &action = {})
{
    QString path = ChaosRoot + QStringLiteral("/services/") + QString::fromUtf8(QUrl::toPercentEncoding(service));
    if (!action.isEmpty())
        path += QLatin1Char('/') + action;
    return path;
}

QJsonObject withTrack(QJsonObject body, const QString &track)
{
    if (!track.isEmpty())
        body.insert(QStringLiteral("track"), track);
    return body;
}

} // namespace

SimChaos::SimChaos(ClusterConnection connection, QObject *parent)
    : QObject(parent)
    , m_connection(std::move(connection))
    , m_network(new QNetworkAccessManager(this))
{
    if (m_connection.exec)
        m_exec = new ExecCredentialProvider(m_connection, this);
    if (const std::optional<QNetworkProxy> proxy = m_connection.networkProxy())
        m_network->setProxy(*proxy);
}

SimChaos::~SimChaos() = default;

void SimChaos::probe(QObject *context, Done done)
{
    send(status(), context, [this, done = std::move(done)](const Result<QJsonObject> &result) {
        if (!result && result.error().kind == ErrorKind::NotFound) {
            done(makeError(ErrorKind::NotFound,
                           QStringLiteral("context '%1' (%2) is not an opsdeck-sim: GET %3 answered 404")
                               .arg(m_connection.contextName, m_connection.server.toString(), ChaosRoot),
                           QStringLiteral("drills inject real faults and run only against opsdeck-sim (opsdeck --demo, or "
                                          "--kubeconfig of a running opsdeck-sim)")));
            return;
        }
        if (result && result->value(QLatin1String("kind")).toString() != QLatin1String("ChaosStatus")) {
            done(makeError(ErrorKind::Invalid,
                           QStringLiteral("context '%1' (%2): GET %3 did not answer a ChaosStatus")
                               .arg(m_connection.contextName, m_connection.server.toString(), ChaosRoot),
                           QStringLiteral("drills run only against opsdeck-sim")));
            return;
        }
        done(result);
    });
}

void SimChaos::send(const ChaosCall &call, QObject *context, Done done)
{
    QPointer<QObject> guard(context);
    if (!m_exec) {
        sendWith(call, m_connection.token, m_connection.clientCertificatePem, m_connection.clientKeyPem, guard, std::move(done));
        return;
    }
    // The exec plugin answers every waiting caller with one signal; each caller listens once.
    auto connection = std::make_shared<QMetaObject::Connection>();
    *connection = connect(m_exec, &ExecCredentialProvider::credentialReady, this,
                          [this, call, guard, done = std::move(done), connection](const Result<ExecCredential> &credential) {
                              disconnect(*connection);
                              if (!credential) {
                                  if (guard)
                                      done(tl::unexpected(credential.error()));
                                  return;
                              }
                              const QByteArray cert = credential->clientCertificatePem.isEmpty() ? m_connection.clientCertificatePem
                                                                                                 : credential->clientCertificatePem;
                              const QByteArray key = credential->clientKeyPem.isEmpty() ? m_connection.clientKeyPem : credential->clientKeyPem;
                              sendWith(call, credential->token.isEmpty() ? m_connection.token : credential->token, cert, key, guard, done);
                          });
    m_exec->requestCredential();
}

void SimChaos::sendWith(const ChaosCall &call, const QString &token, const QByteArray &certPem, const QByteArray &keyPem,
                        QPointer<QObject> context, Done done)
{
    const QString where = QStringLiteral("context '%1' (%2)").arg(m_connection.contextName, m_connection.server.toString());
    auto answer = [context, done](Result<QJsonObject> result) {
        if (context)
            done(result);
    };
    if (!m_connection.server.isValid() || m_connection.server.scheme().isEmpty()) {
        Error error{ErrorKind::Config, QStringLiteral("%1: the server URL is not valid").arg(where),
                    QStringLiteral("check clusters[].cluster.server in %1").arg(m_connection.kubeconfigFile), std::nullopt};
        QMetaObject::invokeMethod(this, [answer, error] { answer(tl::unexpected(error)); }, Qt::QueuedConnection);
        return;
    }

    QUrl url = m_connection.server;
    QString base = url.path();
    if (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    url.setPath(base + call.path, QUrl::TolerantMode);

    QNetworkRequest request(url);
    request.setRawHeader("Accept", "application/json");
    request.setRawHeader("User-Agent", "opsdeck/" OPSDECK_VERSION);
    request.setTransferTimeout(static_cast<int>(m_timeout.count()));
    if (const Result<void> ready = m_connection.prepare(request, token, certPem, keyPem); !ready) {
        QMetaObject::invokeMethod(this, [answer, error = ready.error()] { answer(tl::unexpected(error)); }, Qt::QueuedConnection);
        return;
    }

    QByteArray payload;
    if (call.method == "POST" || call.method == "PUT" || call.method == "PATCH") {
        payload = QJsonDocument(call.body).toJson(QJsonDocument::Compact);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    }
    QNetworkReply *reply = m_network->sendCustomRequest(request, call.method, payload);
    const QString what = call.what.isEmpty() ? QStringLiteral("%1 %2").arg(QString::fromLatin1(call.method), call.path) : call.what;
    const QString request_ = QStringLiteral("%1 %2").arg(QString::fromLatin1(call.method), call.path);
    connect(reply, &QNetworkReply::finished, this, [this, reply, answer, where, what, request_] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        if (status == 0) {
            const bool timeout = reply->error() == QNetworkReply::OperationCanceledError || reply->error() == QNetworkReply::TimeoutError;
            answer(makeError(timeout ? ErrorKind::Timeout : ErrorKind::Network,
                             QStringLiteral("%1: %2 (%3) failed: %4").arg(where, what, request_, reply->errorString()),
                             QStringLiteral("check that the server is running and reachable")));
            return;
        }
        const QJsonDocument json = QJsonDocument::fromJson(body);
        if (status < 200 || status > 299) {
            QString message = json.object().value(QLatin1String("message")).toString();
            if (message.isEmpty())
                message = QString::fromUtf8(body.left(200)).simplified();
            ErrorKind kind = ErrorKind::Network;
            QString hint;
            switch (status) {
            case 400:
                kind = ErrorKind::Invalid;
                break;
            case 401:
                kind = ErrorKind::Unauthorized;
                hint = QStringLiteral("the chaos API wants the sim's admin user (user '%1' was not accepted)").arg(m_connection.userName);
                if (m_exec)
                    m_exec->invalidate();
                break;
            case 403:
                kind = ErrorKind::Forbidden;
                hint = QStringLiteral("the chaos API wants the sim's admin user, not '%1'").arg(m_connection.userName);
                break;
            case 404:
                kind = ErrorKind::NotFound;
                break;
            case 409:
                kind = ErrorKind::Conflict;
                break;
            default:
                break;
            }
            answer(makeError(kind, QStringLiteral("%1: %2 (%3) answered HTTP %4 %5").arg(where, what, request_).arg(status).arg(message), hint));
            return;
        }
        if (body.trimmed().isEmpty()) {
            answer(QJsonObject());
            return;
        }
        if (!json.isObject()) {
            answer(makeError(ErrorKind::Invalid, QStringLiteral("%1: %2 (%3) answered something that is not a JSON object").arg(where, what, request_)));
            return;
        }
        answer(json.object());
    });
}

ChaosCall SimChaos::status()
{
    return {"GET", ChaosRoot, {}, QStringLiteral("reading the chaos status")};
}

ChaosCall SimChaos::fail(const QString &service, double errorRatePercent, const QString &track)
{
    return {"POST", servicePath(service, QStringLiteral("fail")), withTrack({{QStringLiteral("errorRate"), errorRatePercent}}, track),
            QStringLiteral("failing %1 % of %2's requests").arg(errorRatePercent).arg(service)};
}

ChaosCall SimChaos::latency(const QString &service, int ms, const QString &track)
{
    return {"POST", servicePath(service, QStringLiteral("latency")), withTrack({{QStringLiteral("ms"), ms}}, track),
            QStringLiteral("adding %1 ms to %2's answers").arg(ms).arg(service)};
}

ChaosCall SimChaos::killPods(const QString &service, int count, const QString &track)
{
    return {"POST", servicePath(service, QStringLiteral("kill-pods")), withTrack({{QStringLiteral("count"), count}}, track),
            QStringLiteral("deleting %1's pods").arg(service)};
}

ChaosCall SimChaos::breakCanary(const QString &service)
{
    return {"POST", servicePath(service, QStringLiteral("break-canary")), {}, QStringLiteral("crashing %1's canary").arg(service)};
}

ChaosCall SimChaos::databaseDown(const QString &service)
{
    return {"POST", servicePath(service, QStringLiteral("database-down")), {}, QStringLiteral("taking %1's database down").arg(service)};
}

ChaosCall SimChaos::databaseUp(const QString &service)
{
    return {"POST", servicePath(service, QStringLiteral("database-up")), {}, QStringLiteral("bringing %1's database back").arg(service)};
}

ChaosCall SimChaos::clear(const QString &service, const QString &kind)
{
    return {"DELETE", servicePath(service, kind), {},
            kind.isEmpty() ? QStringLiteral("clearing %1's chaos").arg(service) : QStringLiteral("clearing %1's %2").arg(service, kind)};
}

} // namespace Opsdeck
