#pragma once

// One context's connection as the source's requests need it: the request for a path with TLS,
// proxy and credentials from the kubeconfig (bearer token, token file, basic auth, client certificate
// or an exec plugin's credential), renewal after a 401, and a failed reply turned into an Error that
// names the context, the server and what failed. Lives on the source's worker thread.

#include "clusterconnection.h"
#include "error.h"
#include "execcredentialprovider.h"

#include <QNetworkRequest>
#include <QObject>
#include <QSslConfiguration>
#include <QUrlQuery>

#include <optional>

class QNetworkAccessManager;
class QNetworkReply;
class ResponseParser;

class ClusterClient : public QObject
{
    Q_OBJECT

public:
    // Error{Config} when the TLS material does not parse.
    static Opsdeck::Result<ClusterClient *> create(const Opsdeck::ClusterConnection &connection, QObject *parent);

    const Opsdeck::ClusterConnection &connection() const { return m_connection; }
    // "context 'aks-prod' (https://…:443)"
    QString where() const;

    // A manager with the kubeconfig's proxy; the caller owns it (one per long-running watch, DESIGN §12).
    QNetworkAccessManager *createManager(QObject *parent) const;
    // Asks for gzip (Accept-Encoding): read the body with readBody().
    QNetworkRequest request(const QString &path, const QUrlQuery &query = {}) const;
    // A finished reply's body, inflated when it came gzip-compressed; Error{Invalid} when it cannot be.
    static Opsdeck::Result<QByteArray> readBody(QNetworkReply *reply);

    // Exec plugins must run before the first request: credentialsReady() or credentialsFailed() follows.
    bool hasCredentials() const;
    void fetchCredentials();
    // After a 401: whether anything can be renewed (exec plugin, token file), and renew it.
    bool canRenewCredentials() const;
    void renewCredentials();

    // The reply (finished, not 2xx or a network error) as an Error; `what` says what was being done
    // ("listing pods"). `body` is the reply's content (a Status for API errors).
    Opsdeck::Error failure(QNetworkReply *reply, QByteArray &body, ResponseParser &parser, const QString &what) const;

Q_SIGNALS:
    void credentialsReady();
    void credentialsFailed(const Opsdeck::Error &error);

private:
    explicit ClusterClient(const Opsdeck::ClusterConnection &connection, QObject *parent);
    void onCredential(const Opsdeck::Result<Opsdeck::ExecCredential> &result);

    Opsdeck::ClusterConnection m_connection;
    QSslConfiguration m_ssl;
    QByteArray m_authorization; // the Authorization header value, empty for none
    Opsdeck::ExecCredentialProvider *m_exec = nullptr;
    bool m_haveExecCredential = false;
};
