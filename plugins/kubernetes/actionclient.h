#pragma once

// The action provider's requests to one context's API server: ClusterClient's TLS and credentials under
// a ResilientClient (timeouts, breaker; reads retried, writes never repeated blindly — DESIGN §5), with
// the server's 4xx answers handed back as answers (the Status tells why a write was refused), the JSON
// parsed, and the request described for the journal ("PATCH /apis/…?dryRun=All {…}"). Lives on the
// provider's thread.

#include "clusterconnection.h"
#include "error.h"
#include "resilientclient.h"

#include <QByteArray>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QUrlQuery>

#include <functional>
#include <optional>

class ClusterClient;
class QNetworkAccessManager;

struct ActionReply
{
    int status = 0;      // 0: no HTTP answer
    QJsonObject object;  // the parsed body (a Status for errors), empty when not JSON
    QByteArray body;
    QString request;     // "PATCH /apis/…/ingresses/x?dryRun=All {…}" for the journal
    std::optional<Opsdeck::Error> error; // set unless 2xx

    bool ok() const { return !error && status >= 200 && status < 300; }
    // The Status' message, else the HTTP status, for the journal's step answer.
    QString summary() const;
};

class ActionClient : public QObject
{
    Q_OBJECT

public:
    using Callback = std::function<void(const ActionReply &)>;

    // Error{Config} when the TLS material does not parse.
    static Opsdeck::Result<ActionClient *> create(const Opsdeck::ClusterConnection &connection,
                                                  const Opsdeck::ResilientClient::Settings &settings, QObject *parent);

    const Opsdeck::ClusterConnection &connection() const;
    // The kubeconfig user ("viewer"), as RBAC messages name it.
    QString user() const;

    // `body` is sent as is with `contentType` (a patch type, or application/json). `what` names the
    // request in errors ("patching ingress x"). `callback` runs once in `context`'s thread.
    void send(const QByteArray &method, const QString &path, const QUrlQuery &query, const QByteArray &contentType,
              const QByteArray &body, const QString &what, QObject *context, Callback callback);
    void get(const QString &path, const QUrlQuery &query, const QString &what, QObject *context, Callback callback)
    {
        send(QByteArrayLiteral("GET"), path, query, {}, {}, what, context, std::move(callback));
    }

private:
    explicit ActionClient(QObject *parent);
    void whenReady(std::function<void()> run);
    void onCredentials(const std::optional<Opsdeck::Error> &error);

    ClusterClient *m_cluster = nullptr;
    QNetworkAccessManager *m_manager = nullptr;
    Opsdeck::ResilientClient *m_http = nullptr;
    bool m_fetching = false;
    QList<std::function<void()>> m_waiting;
    std::optional<Opsdeck::Error> m_credentialError;
};
