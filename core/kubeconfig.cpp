#include "kubeconfig.h"

#include <QFile>
#include <QSslCertificate>

namespace Opsdeck {

namespace {

const QString kExecV1 = QStringLiteral("client.authentication.k8s.io/v1");
const QString kExecV1beta1 = QStringLiteral("client.authentication.k8s.io/v1beta1");

tl::unexpected<Error> configError(const QString &file, const QString &what, const QString &hint = {})
{
    return makeError(ErrorKind::Config, QStringLiteral("kubeconfig %1: %2").arg(file, what), hint);
}

// Reads a file named by the kubeconfig; a missing or unreadable file is the kubeconfig's error.
Result<QByteArray> readReferencedFile(const QString &origin, const QString &entry, const QString &field,
                                      const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return configError(origin, QStringLiteral("%1: cannot read %2 %3: %4").arg(entry, field, path,
                                                                                   file.errorString()),
                           QStringLiteral("Fix the path in the kubeconfig or restore the file."));
    return file.readAll();
}

QString joined(const QStringList &names)
{
    return names.isEmpty() ? QStringLiteral("none") : names.join(QStringLiteral(", "));
}

} // namespace

std::optional<KubeconfigCluster> Kubeconfig::cluster(const QString &name) const
{
    const auto it = m_clusters.constFind(name);
    return it == m_clusters.cend() ? std::nullopt : std::optional(*it);
}

std::optional<KubeconfigUser> Kubeconfig::user(const QString &name) const
{
    const auto it = m_users.constFind(name);
    return it == m_users.cend() ? std::nullopt : std::optional(*it);
}

std::optional<KubeconfigContext> Kubeconfig::context(const QString &name) const
{
    const auto it = m_contexts.constFind(name);
    return it == m_contexts.cend() ? std::nullopt : std::optional(*it);
}

bool Kubeconfig::addCluster(const KubeconfigCluster &cluster)
{
    if (m_clusters.contains(cluster.name))
        return false;
    m_clusters.insert(cluster.name, cluster);
    return true;
}

bool Kubeconfig::addUser(const KubeconfigUser &user)
{
    if (m_users.contains(user.name))
        return false;
    m_users.insert(user.name, user);
    return true;
}

bool Kubeconfig::addContext(const KubeconfigContext &context)
{
    if (m_contexts.contains(context.name))
        return false;
    m_contexts.insert(context.name, context);
    return true;
}

bool Kubeconfig::setCurrentContextIfUnset(const QString &name, const QString &origin)
{
    if (name.isEmpty() || !m_currentContext.isEmpty())
        return false;
    m_currentContext = name;
    m_currentContextOrigin = origin;
    return true;
}

void Kubeconfig::merge(const Kubeconfig &later)
{
    // clientcmd: "the first file to set a particular map key wins and map key's value is never
    // changed"; the same holds for current-context.
    m_files.append(later.m_files);
    setCurrentContextIfUnset(later.m_currentContext, later.m_currentContextOrigin);
    for (const KubeconfigCluster &c : later.m_clusters)
        addCluster(c);
    for (const KubeconfigUser &u : later.m_users)
        addUser(u);
    for (const KubeconfigContext &c : later.m_contexts)
        addContext(c);
}

Result<ClusterConnection> Kubeconfig::resolve(const QString &contextName) const
{
    const QString allFiles = m_files.join(u':');
    if (m_files.isEmpty())
        return makeError(ErrorKind::Config,
                         QStringLiteral("no kubeconfig found (looked for %1)").arg(joined(m_searched)),
                         QStringLiteral("Pass --kubeconfig FILE, set KUBECONFIG or create ~/.kube/config."));

    QString name = contextName;
    QString contextFrom = allFiles;
    if (name.isEmpty()) {
        if (m_currentContext.isEmpty())
            return configError(allFiles,
                               m_contexts.isEmpty()
                                   ? QStringLiteral("no contexts are defined")
                                   : QStringLiteral("current-context is not set (contexts: %1)")
                                         .arg(joined(m_contexts.keys())),
                               QStringLiteral("Choose a context with --context NAME or "
                                              "`kubectl config use-context NAME`."));
        name = m_currentContext;
        contextFrom = m_currentContextOrigin;
    }
    const auto ctx = context(name);
    if (!ctx)
        return configError(contextFrom,
                           QStringLiteral("%1 '%2' is not defined (contexts: %3)")
                               .arg(contextName.isEmpty() ? QStringLiteral("current-context")
                                                          : QStringLiteral("context"),
                                    name, joined(m_contexts.keys())),
                           QStringLiteral("Choose one of the defined contexts."));

    ClusterConnection conn;
    conn.contextName = ctx->name;
    conn.kubeconfigFile = ctx->origin;
    conn.namespaceName = ctx->namespaceName.isEmpty() ? QStringLiteral("default") : ctx->namespaceName;

    // --- cluster ---
    if (ctx->cluster.isEmpty())
        return configError(ctx->origin, QStringLiteral("context '%1' names no cluster").arg(ctx->name));
    const auto cluster = this->cluster(ctx->cluster);
    if (!cluster)
        return configError(ctx->origin,
                           QStringLiteral("context '%1' refers to cluster '%2', which is not defined")
                               .arg(ctx->name, ctx->cluster),
                           QStringLiteral("Add the cluster to a kubeconfig file or fix the context."));
    const QString clusterEntry = QStringLiteral("cluster '%1'").arg(cluster->name);
    conn.clusterName = cluster->name;
    if (!cluster->certificateAuthority.isEmpty() && !cluster->certificateAuthorityData.isEmpty())
        return configError(cluster->origin,
                           QStringLiteral("%1 sets both certificate-authority and certificate-authority-data")
                               .arg(clusterEntry));
    if (!cluster->certificateAuthority.isEmpty()) {
        auto pem = readReferencedFile(cluster->origin, clusterEntry, QStringLiteral("certificate-authority"),
                                      cluster->certificateAuthority);
        if (!pem)
            return tl::unexpected(pem.error());
        if (QSslCertificate::fromData(*pem, QSsl::Pem).isEmpty())
            return configError(cluster->origin,
                               QStringLiteral("%1: certificate-authority %2 holds no PEM certificate")
                                   .arg(clusterEntry, cluster->certificateAuthority));
        conn.caPem = *pem;
    } else if (!cluster->certificateAuthorityData.isEmpty()) {
        if (QSslCertificate::fromData(cluster->certificateAuthorityData, QSsl::Pem).isEmpty())
            return configError(cluster->origin,
                               QStringLiteral("%1: certificate-authority-data holds no PEM certificate")
                                   .arg(clusterEntry));
        conn.caPem = cluster->certificateAuthorityData;
    }
    if (cluster->insecureSkipTlsVerify) {
        // client-go refuses a root certificate together with the insecure flag.
        if (!conn.caPem.isEmpty())
            return configError(cluster->origin,
                               QStringLiteral("%1 sets insecure-skip-tls-verify together with a certificate "
                                              "authority, which kubectl refuses")
                                   .arg(clusterEntry),
                               QStringLiteral("Remove one of the two."));
        conn.insecureSkipTlsVerify = true;
        conn.warning = QStringLiteral("Context '%1' skips TLS verification (insecure-skip-tls-verify in %2): "
                                      "the identity of cluster '%3' is not checked, so a man in the middle "
                                      "could read its credentials.")
                           .arg(ctx->name, cluster->origin, cluster->name);
    }
    conn.tlsServerName = cluster->tlsServerName;

    // --- user ---
    std::optional<KubeconfigUser> user;
    if (!ctx->user.isEmpty()) {
        user = this->user(ctx->user);
        if (!user)
            return configError(ctx->origin,
                               QStringLiteral("context '%1' refers to user '%2', which is not defined")
                                   .arg(ctx->name, ctx->user),
                               QStringLiteral("Add the user to a kubeconfig file or fix the context."));
    }
    bool hasClientCertificate = false;
    if (user) {
        const QString userEntry = QStringLiteral("user '%1'").arg(user->name);
        conn.userName = user->name;
        conn.userOrigin = user->origin;
        const auto fail = [&](const QString &what, const QString &hint = {}) {
            return configError(user->origin, QStringLiteral("%1 %2").arg(userEntry, what), hint);
        };
        if (!user->authProvider.isEmpty())
            return fail(QStringLiteral("uses auth-provider '%1', which Opsdeck does not support")
                            .arg(user->authProvider),
                        QStringLiteral("Use an exec credential plugin instead (for AKS: `kubelogin "
                                       "convert-kubeconfig`; for GKE: gke-gcloud-auth-plugin)."));
        if (!user->clientCertificate.isEmpty() && !user->clientCertificateData.isEmpty())
            return fail(QStringLiteral("sets both client-certificate and client-certificate-data"));
        if (!user->clientKey.isEmpty() && !user->clientKeyData.isEmpty())
            return fail(QStringLiteral("sets both client-key and client-key-data"));
        hasClientCertificate = !user->clientCertificate.isEmpty() || !user->clientCertificateData.isEmpty();
        const bool hasKey = !user->clientKey.isEmpty() || !user->clientKeyData.isEmpty();
        if (hasClientCertificate != hasKey)
            return fail(hasClientCertificate ? QStringLiteral("has a client certificate but no client-key")
                                             : QStringLiteral("has a client-key but no client certificate"));
        if (hasClientCertificate) {
            QByteArray certificate = user->clientCertificateData;
            if (!user->clientCertificate.isEmpty()) {
                auto pem = readReferencedFile(user->origin, userEntry, QStringLiteral("client-certificate"),
                                              user->clientCertificate);
                if (!pem)
                    return tl::unexpected(pem.error());
                certificate = *pem;
            }
            if (QSslCertificate::fromData(certificate, QSsl::Pem).isEmpty())
                return fail(QStringLiteral("has a client certificate (%1) that holds no PEM certificate")
                                .arg(user->clientCertificate.isEmpty() ? QStringLiteral("client-certificate-data")
                                                                      : user->clientCertificate));
            QByteArray key = user->clientKeyData;
            if (!user->clientKey.isEmpty()) {
                auto pem =
                    readReferencedFile(user->origin, userEntry, QStringLiteral("client-key"), user->clientKey);
                if (!pem)
                    return tl::unexpected(pem.error());
                key = *pem;
            }
            if (ClusterConnection::parsePrivateKey(key).isNull())
                return fail(QStringLiteral("has a client key (%1) that is not an unencrypted PEM private key")
                                .arg(user->clientKey.isEmpty() ? QStringLiteral("client-key-data") : user->clientKey));
            conn.clientCertificatePem = certificate;
            conn.clientKeyPem = key;
        }
        const bool basicAuth = !user->username.isEmpty() || !user->password.isEmpty();
        if (!user->token.isEmpty() && basicAuth)
            return fail(QStringLiteral("has both a token and a username/password; only one is allowed"));
        conn.username = user->username;
        conn.password = user->password;
        conn.tokenFile = user->tokenFile;
        if (!user->token.isEmpty()) {
            conn.token = user->token; // client-go: an inline token wins over tokenFile
        } else if (!user->tokenFile.isEmpty()) {
            auto content = readReferencedFile(user->origin, userEntry, QStringLiteral("tokenFile"), user->tokenFile);
            if (!content)
                return tl::unexpected(content.error());
            conn.token = QString::fromUtf8(content->trimmed());
            if (conn.token.isEmpty())
                return fail(QStringLiteral("has an empty tokenFile %1").arg(user->tokenFile));
        }
        if (user->exec) {
            const ExecConfig &exec = *user->exec;
            if (exec.command.isEmpty())
                return fail(QStringLiteral("has an exec plugin without a command"));
            if (exec.apiVersion.isEmpty())
                return fail(QStringLiteral("has an exec plugin without an apiVersion"),
                            QStringLiteral("Set exec.apiVersion to %1.").arg(kExecV1));
            if (exec.apiVersion != kExecV1 && exec.apiVersion != kExecV1beta1)
                return fail(QStringLiteral("has an exec plugin with apiVersion '%1', which is not supported")
                                .arg(exec.apiVersion),
                            QStringLiteral("Use %1 or %2.").arg(kExecV1, kExecV1beta1));
            for (const auto &[envName, value] : exec.env) {
                Q_UNUSED(value)
                if (envName.isEmpty())
                    return fail(QStringLiteral("has an exec env entry without a name"));
            }
            const QString mode = exec.interactiveMode;
            if (!mode.isEmpty() && mode != u"Never" && mode != u"IfAvailable" && mode != u"Always")
                return fail(QStringLiteral("has an exec plugin with invalid interactiveMode '%1'").arg(mode),
                            QStringLiteral("Use Never, IfAvailable or Always."));
            conn.exec = exec;
        }
    }

    // --- server ---
    if (cluster->server.isEmpty())
        return configError(cluster->origin, QStringLiteral("%1 has no server").arg(clusterEntry),
                           QStringLiteral("Set clusters[].cluster.server to the API server's URL."));
    QUrl server(cluster->server, QUrl::StrictMode);
    if (server.scheme().isEmpty() || server.host().isEmpty()) {
        // rest.DefaultServerURL: a bare host:port gets https when TLS settings are present, else http.
        const bool tls = !conn.caPem.isEmpty() || hasClientCertificate || conn.insecureSkipTlsVerify;
        server = QUrl((tls ? QStringLiteral("https://") : QStringLiteral("http://")) + cluster->server,
                      QUrl::StrictMode);
    }
    if (!server.isValid() || (server.scheme() != u"https" && server.scheme() != u"http") || server.host().isEmpty())
        return configError(cluster->origin,
                           QStringLiteral("%1 has server '%2', which is not an http(s) URL")
                               .arg(clusterEntry, cluster->server));
    conn.server = server;

    if (!cluster->proxyUrl.isEmpty()) {
        const QUrl proxy(cluster->proxyUrl, QUrl::StrictMode);
        const QString scheme = proxy.scheme();
        if (!proxy.isValid() || proxy.host().isEmpty()
            || (scheme != u"http" && scheme != u"https" && scheme != u"socks5"))
            return configError(cluster->origin,
                               QStringLiteral("%1 has proxy-url '%2'; expected an http, https or socks5 URL")
                                   .arg(clusterEntry, cluster->proxyUrl));
        conn.proxyUrl = proxy;
    }
    return conn;
}

} // namespace Opsdeck
