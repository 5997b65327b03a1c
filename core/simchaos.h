#pragma once

// A client for opsdeck-sim's chaos API (docs/sim-chaos-api.md, `/_opsdeck/chaos/…`) with a kubeconfig
// context's server, TLS material and credentials (the sim wants its admin user's bearer token). Drills
// inject and clear faults through it. Asynchronous; lives on the thread that makes it.
//
// probe() tells an opsdeck-sim from a real cluster: `GET /_opsdeck/chaos` answers a ChaosStatus on the
// sim and 404 anywhere else, so a real API server is never sent a fault.

#include "clusterconnection.h"
#include "error.h"

#include <QByteArray>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QString>

#include <chrono>
#include <functional>

class QNetworkAccessManager;

namespace Opsdeck {

class ExecCredentialProvider;

// One request of the chaos API: "POST", "/_opsdeck/chaos/services/productservice/fail", {errorRate: 100}.
struct ChaosCall
{
    QByteArray method;
    QString path;       // absolute path on the API server, beginning with /_opsdeck/
    QJsonObject body;   // sent for POST (an empty object is sent as {})
    QString what;       // for messages: "failing every request of productservice"

    friend bool operator==(const ChaosCall &, const ChaosCall &) = default;
};

class SimChaos : public QObject
{
    Q_OBJECT

public:
    using Done = std::function<void(const Result<QJsonObject> &)>;

    explicit SimChaos(ClusterConnection connection, QObject *parent = nullptr);
    ~SimChaos() override;

    const ClusterConnection &connection() const { return m_connection; }
    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }

    // GET /_opsdeck/chaos: the ChaosStatus; Error{NotFound} "… is not an opsdeck-sim" on a 404.
    void probe(QObject *context, Done done);
    // Any call; a 2xx answer's JSON object (an empty object for an empty body), else an Error naming
    // `call.what`, the HTTP status and the server's message. `done` runs only while `context` lives.
    void send(const ChaosCall &call, QObject *context, Done done);

    // Convenience constructors for the routes drills use.
    static ChaosCall status();
    static ChaosCall fail(const QString &service, double errorRatePercent, const QString &track = {});
    static ChaosCall latency(const QString &service, int ms, const QString &track = {});
    static ChaosCall killPods(const QString &service, int count, const QString &track = {});
    static ChaosCall breakCanary(const QString &service);
    static ChaosCall databaseDown(const QString &service);
    static ChaosCall databaseUp(const QString &service);
    // DELETE /_opsdeck/chaos/services/S[/kind]; an empty kind clears all of S.
    static ChaosCall clear(const QString &service, const QString &kind = {});

private:
    void sendWith(const ChaosCall &call, const QString &token, const QByteArray &certPem, const QByteArray &keyPem,
                  QPointer<QObject> context, Done done);

    ClusterConnection m_connection;
    QNetworkAccessManager *m_network = nullptr;
    ExecCredentialProvider *m_exec = nullptr;
    std::chrono::milliseconds m_timeout = std::chrono::seconds(30);
};

} // namespace Opsdeck
