#pragma once

// Everything needed to talk to one Kubernetes API server, resolved from a kubeconfig context:
// the server, TLS material as PEM bytes, static credentials or the exec plugin that provides them.

#include "error.h"

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QNetworkProxy>
#include <QNetworkRequest>
#include <QPair>
#include <QSslConfiguration>
#include <QSslKey>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace Opsdeck {

// users[].user.exec of a kubeconfig (client.authentication.k8s.io/v1 or v1beta1).
struct ExecConfig
{
    QString apiVersion;
    QString command; // absolute when the kubeconfig gave a relative path containing '/'
    QStringList args;
    QList<QPair<QString, QString>> env; // added to the plugin's environment, in order
    QString installHint;
    bool provideClusterInfo = false;
    QString interactiveMode; // Never | IfAvailable | Always; Opsdeck always runs plugins non-interactively

    friend bool operator==(const ExecConfig &, const ExecConfig &) = default;
};

struct ClusterConnection
{
    QString contextName;
    QString clusterName;
    QString userName;       // empty: anonymous
    QString kubeconfigFile; // the file that defined the context, for messages
    QString userOrigin;     // the file that defined the user, for exec plugin messages

    QUrl server;
    QByteArray caPem;   // empty: the system's trusted roots
    bool insecureSkipTlsVerify = false;
    QString warning;       // non-empty when the UI must warn (TLS verification switched off)
    QString tlsServerName; // verify the server certificate against this name (QNetworkRequest::setPeerVerifyName)
    QUrl proxyUrl;         // http, https or socks5; empty: the environment's proxy
    QString namespaceName = QStringLiteral("default");

    // At most one of these, except that a client certificate may come with a token or an exec plugin.
    QByteArray clientCertificatePem;
    QByteArray clientKeyPem;
    QString token;     // from `token`, or the content of `tokenFile` (trimmed)
    QString tokenFile; // absolute path; kubectl re-reads it, so a caller may too
    QString username;
    QString password;
    std::optional<ExecConfig> exec;

    // The CA as the only trusted root, the client certificate and key, VerifyNone when insecure.
    // Error{Config} names the context when a PEM block does not parse.
    Result<QSslConfiguration> sslConfiguration() const;
    // The proxy for proxy-url, or nullopt to use the application's default.
    std::optional<QNetworkProxy> networkProxy() const;
    // Makes `request` (to this server) carry the TLS setup (for https: sslConfiguration() with the client
    // certificate `certPem`/`keyPem` — the kubeconfig's, or an exec plugin's — and tlsServerName) and the
    // credentials: `token` as a bearer token, else basic auth. Error{Config} when the PEM does not parse.
    Result<void> prepare(QNetworkRequest &request, const QString &token, const QByteArray &certPem,
                         const QByteArray &keyPem) const;

    // An unencrypted PEM private key (PKCS#1, SEC1 or PKCS#8; RSA, EC or DSA); null when it does not parse.
    static QSslKey parsePrivateKey(const QByteArray &pem);
};

} // namespace Opsdeck

Q_DECLARE_METATYPE(Opsdeck::ClusterConnection)
