#pragma once

// A kubeconfig as kubectl sees it after merging every file it reads (client-go clientcmd rules,
// API-CONTRACTS §1 "kubeconfig"): named clusters, users and contexts, each remembering its file.
// KubeconfigLoader builds it; resolve() turns one context into a ClusterConnection.

#include "clusterconnection.h"
#include "error.h"

#include <QByteArray>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace Opsdeck {

// Paths are absolute (resolved against the directory of `origin`); -data fields are decoded PEM.
struct KubeconfigCluster
{
    QString name;
    QString origin; // the file that defined it
    QString server;
    QString certificateAuthority;
    QByteArray certificateAuthorityData;
    bool insecureSkipTlsVerify = false;
    QString tlsServerName;
    QString proxyUrl;
};

struct KubeconfigUser
{
    QString name;
    QString origin;
    QString clientCertificate;
    QByteArray clientCertificateData;
    QString clientKey;
    QByteArray clientKeyData;
    QString token;
    QString tokenFile;
    QString username;
    QString password;
    std::optional<ExecConfig> exec;
    QString authProvider; // legacy in-tree auth-provider name (gcp, azure, oidc): not supported
};

struct KubeconfigContext
{
    QString name;
    QString origin;
    QString cluster;
    QString user;
    QString namespaceName; // empty: "default"
};

class Kubeconfig
{
public:
    // Files read, in precedence order (missing files in KUBECONFIG are skipped, as kubectl does).
    QStringList files() const { return m_files; }
    QString currentContext() const { return m_currentContext; }
    QStringList contextNames() const { return m_contexts.keys(); }

    std::optional<KubeconfigCluster> cluster(const QString &name) const;
    std::optional<KubeconfigUser> user(const QString &name) const;
    std::optional<KubeconfigContext> context(const QString &name) const;

    // First to set wins: an entry whose name is already present is ignored, as is a second
    // current-context. Returns false when ignored.
    bool addCluster(const KubeconfigCluster &cluster);
    bool addUser(const KubeconfigUser &user);
    bool addContext(const KubeconfigContext &context);
    bool setCurrentContextIfUnset(const QString &name, const QString &origin);
    void addFile(const QString &file) { m_files.append(file); }
    // Where the loader looked, for "no kubeconfig found" messages.
    void setSearchedFiles(const QStringList &files) { m_searched = files; }
    // Merges a later file's config into this one (first wins).
    void merge(const Kubeconfig &later);

    // The named context, or current-context when name is empty. Reads CA, client certificate, key and
    // token files; Error{Config} names the file, the entry and what is wrong.
    Result<ClusterConnection> resolve(const QString &contextName = {}) const;

private:
    QStringList m_files;
    QStringList m_searched;
    QString m_currentContext;
    QString m_currentContextOrigin;
    QMap<QString, KubeconfigCluster> m_clusters;
    QMap<QString, KubeconfigUser> m_users;
    QMap<QString, KubeconfigContext> m_contexts;
};

} // namespace Opsdeck
