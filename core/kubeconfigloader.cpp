#include "kubeconfigloader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <yaml-cpp/yaml.h>

#include <string>

namespace Opsdeck {

namespace {

// Thrown inside the parser only; parse() turns it (and every yaml-cpp exception) into an Error.
struct ShapeError
{
    YAML::Mark mark;
    QString message;
};

QString fromStd(const std::string &s)
{
    return QString::fromStdString(s);
}

class FileParser
{
public:
    explicit FileParser(const QString &fileName)
        : m_fileName(fileName), m_dir(QFileInfo(fileName).absoluteDir())
    {
    }

    Kubeconfig parse(const YAML::Node &root)
    {
        Kubeconfig config;
        config.addFile(m_fileName);
        if (!root.IsDefined() || root.IsNull())
            return config; // an empty file is an empty config, as in clientcmd.Load
        if (!root.IsMap())
            throw ShapeError{root.Mark(), QStringLiteral("the document is not a mapping")};

        const QString apiVersion = string(root, "apiVersion", QStringLiteral("the document"));
        if (!apiVersion.isEmpty() && apiVersion != u"v1")
            throw ShapeError{root["apiVersion"].Mark(),
                             QStringLiteral("apiVersion '%1' is not supported (expected v1)").arg(apiVersion)};
        const QString kind = string(root, "kind", QStringLiteral("the document"));
        if (!kind.isEmpty() && kind != u"Config")
            throw ShapeError{root["kind"].Mark(), QStringLiteral("kind '%1' is not Config").arg(kind)};

        forEachNamed(root, "clusters", "cluster", [&](const QString &name, const YAML::Node &body) {
            const QString entry = QStringLiteral("cluster '%1'").arg(name);
            KubeconfigCluster c;
            c.name = name;
            c.origin = m_fileName;
            c.server = string(body, "server", entry);
            c.certificateAuthority = path(string(body, "certificate-authority", entry));
            c.certificateAuthorityData = base64(body, "certificate-authority-data", entry);
            c.insecureSkipTlsVerify = boolean(body, "insecure-skip-tls-verify", entry);
            c.tlsServerName = string(body, "tls-server-name", entry);
            c.proxyUrl = string(body, "proxy-url", entry);
            if (!config.addCluster(c))
                throw ShapeError{body.Mark(), QStringLiteral("duplicate cluster name '%1'").arg(name)};
        });
        forEachNamed(root, "users", "user", [&](const QString &name, const YAML::Node &body) {
            const QString entry = QStringLiteral("user '%1'").arg(name);
            KubeconfigUser u;
            u.name = name;
            u.origin = m_fileName;
            u.clientCertificate = path(string(body, "client-certificate", entry));
            u.clientCertificateData = base64(body, "client-certificate-data", entry);
            u.clientKey = path(string(body, "client-key", entry));
            u.clientKeyData = base64(body, "client-key-data", entry);
            u.token = string(body, "token", entry);
            u.tokenFile = path(string(body, "tokenFile", entry));
            u.username = string(body, "username", entry);
            u.password = string(body, "password", entry);
            if (const YAML::Node provider = child(body, "auth-provider", entry); provider.IsMap())
                u.authProvider = string(provider, "name", entry + QStringLiteral(" auth-provider"));
            if (const YAML::Node exec = child(body, "exec", entry); exec.IsDefined() && !exec.IsNull())
                u.exec = parseExec(exec, entry);
            if (!config.addUser(u))
                throw ShapeError{body.Mark(), QStringLiteral("duplicate user name '%1'").arg(name)};
        });
        forEachNamed(root, "contexts", "context", [&](const QString &name, const YAML::Node &body) {
            const QString entry = QStringLiteral("context '%1'").arg(name);
            KubeconfigContext c;
            c.name = name;
            c.origin = m_fileName;
            c.cluster = string(body, "cluster", entry);
            c.user = string(body, "user", entry);
            c.namespaceName = string(body, "namespace", entry);
            if (!config.addContext(c))
                throw ShapeError{body.Mark(), QStringLiteral("duplicate context name '%1'").arg(name)};
        });
        config.setCurrentContextIfUnset(string(root, "current-context", QStringLiteral("the document")),
                                        m_fileName);
        return config;
    }

private:
    // A child of a mapping; undefined when absent. Throws when the parent is not a mapping.
    static YAML::Node child(const YAML::Node &map, const char *key, const QString &entry)
    {
        if (!map.IsDefined() || map.IsNull())
            return YAML::Node(YAML::NodeType::Undefined);
        if (!map.IsMap())
            throw ShapeError{map.Mark(), QStringLiteral("%1 is not a mapping").arg(entry)};
        // A missing key yields an invalid node whose IsMap() etc. throw: hand out a plain undefined one.
        const YAML::Node node = map[key];
        return node.IsDefined() ? node : YAML::Node(YAML::NodeType::Undefined);
    }

    static QString string(const YAML::Node &map, const char *key, const QString &entry)
    {
        const YAML::Node node = child(map, key, entry);
        if (!node.IsDefined() || node.IsNull())
            return {};
        if (!node.IsScalar())
            throw ShapeError{node.Mark(),
                             QStringLiteral("%1: %2 must be a string").arg(entry, QLatin1String(key))};
        return fromStd(node.Scalar());
    }

    static bool boolean(const YAML::Node &map, const char *key, const QString &entry)
    {
        const YAML::Node node = child(map, key, entry);
        if (!node.IsDefined() || node.IsNull())
            return false;
        bool value = false;
        if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value))
            throw ShapeError{node.Mark(),
                             QStringLiteral("%1: %2 must be true or false").arg(entry, QLatin1String(key))};
        return value;
    }

    // []byte fields are base64 in kubeconfig YAML (Go's encoding/json); line breaks are allowed.
    static QByteArray base64(const YAML::Node &map, const char *key, const QString &entry)
    {
        QByteArray text = string(map, key, entry).toLatin1();
        text.replace(' ', QByteArray()).replace('\n', QByteArray()).replace('\r', QByteArray());
        if (text.isEmpty())
            return {};
        auto decoded = QByteArray::fromBase64Encoding(text, QByteArray::Base64Encoding
                                                                | QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            throw ShapeError{map[key].Mark(),
                             QStringLiteral("%1: %2 is not valid base64").arg(entry, QLatin1String(key))};
        return *decoded;
    }

    // clientcmd.ResolveLocalPaths: relative to the directory of the file that names it.
    QString path(const QString &p) const
    {
        if (p.isEmpty() || QDir::isAbsolutePath(p))
            return p;
        return QDir::cleanPath(m_dir.absoluteFilePath(p));
    }

    ExecConfig parseExec(const YAML::Node &exec, const QString &entry)
    {
        const QString where = entry + QStringLiteral(" exec");
        if (!exec.IsMap())
            throw ShapeError{exec.Mark(), QStringLiteral("%1 is not a mapping").arg(where)};
        ExecConfig e;
        e.apiVersion = string(exec, "apiVersion", where);
        e.command = string(exec, "command", where);
        // Only a command with a path separator is a path; a bare name is looked up on PATH.
        if (e.command.contains(u'/'))
            e.command = path(e.command);
        if (const YAML::Node args = exec["args"]; args.IsDefined() && !args.IsNull()) {
            if (!args.IsSequence())
                throw ShapeError{args.Mark(), QStringLiteral("%1: args must be a list").arg(where)};
            for (const YAML::Node &arg : args) {
                if (!arg.IsScalar())
                    throw ShapeError{arg.Mark(), QStringLiteral("%1: args must be strings").arg(where)};
                e.args.append(fromStd(arg.Scalar()));
            }
        }
        if (const YAML::Node env = exec["env"]; env.IsDefined() && !env.IsNull()) {
            if (!env.IsSequence())
                throw ShapeError{env.Mark(), QStringLiteral("%1: env must be a list of {name, value}").arg(where)};
            for (const YAML::Node &var : env) {
                if (!var.IsMap())
                    throw ShapeError{var.Mark(),
                                     QStringLiteral("%1: env must be a list of {name, value}").arg(where)};
                e.env.append({string(var, "name", where), string(var, "value", where)});
            }
        }
        e.installHint = string(exec, "installHint", where);
        e.provideClusterInfo = boolean(exec, "provideClusterInfo", where);
        e.interactiveMode = string(exec, "interactiveMode", where);
        return e;
    }

    // clusters: [{name, cluster: {...}}]; a missing or null list is empty.
    template<typename Fn>
    void forEachNamed(const YAML::Node &root, const char *listKey, const char *bodyKey, Fn &&fn)
    {
        const YAML::Node list = root[listKey];
        if (!list.IsDefined() || list.IsNull())
            return;
        if (!list.IsSequence())
            throw ShapeError{list.Mark(), QStringLiteral("%1 must be a list").arg(QLatin1String(listKey))};
        int index = 0;
        for (const YAML::Node &item : list) {
            const QString position = QStringLiteral("%1[%2]").arg(QLatin1String(listKey)).arg(index++);
            if (!item.IsMap())
                throw ShapeError{item.Mark(), QStringLiteral("%1 is not a mapping").arg(position)};
            const QString name = string(item, "name", position);
            if (name.isEmpty())
                throw ShapeError{item.Mark(), QStringLiteral("%1 has no name").arg(position)};
            const YAML::Node body = item[bodyKey];
            if (body.IsDefined() && !body.IsNull() && !body.IsMap())
                throw ShapeError{body.Mark(), QStringLiteral("%1 '%2': %3 is not a mapping")
                                                  .arg(QLatin1String(bodyKey), name, QLatin1String(bodyKey))};
            fn(name, body);
        }
    }

    QString m_fileName;
    QDir m_dir;
};

QString position(const YAML::Mark &mark)
{
    if (mark.is_null())
        return {};
    return QStringLiteral("line %1, column %2: ").arg(mark.line + 1).arg(mark.column + 1);
}

} // namespace

QStringList KubeconfigLoader::files(const QString &explicitPath, const QString &kubeconfigEnv,
                                    const QString &homeDir)
{
    if (!explicitPath.isEmpty())
        return {explicitPath};
    QStringList result;
    for (const QString &file : kubeconfigEnv.split(QDir::listSeparator(), Qt::SkipEmptyParts)) {
        if (!result.contains(file))
            result.append(file);
    }
    if (result.isEmpty())
        result.append(QDir(homeDir).filePath(QStringLiteral(".kube/config")));
    return result;
}

Result<Kubeconfig> KubeconfigLoader::load(const QString &explicitPath)
{
    return load(explicitPath, qEnvironmentVariable("KUBECONFIG"), QDir::homePath());
}

Result<Kubeconfig> KubeconfigLoader::load(const QString &explicitPath, const QString &kubeconfigEnv,
                                          const QString &homeDir)
{
    const QStringList candidates = files(explicitPath, kubeconfigEnv, homeDir);
    Kubeconfig merged;
    merged.setSearchedFiles(candidates);
    for (const QString &fileName : candidates) {
        QFile file(fileName);
        if (!file.exists()) {
            // kubectl skips missing KUBECONFIG entries and a missing default; --kubeconfig must exist.
            if (!explicitPath.isEmpty())
                return makeError(ErrorKind::Config,
                                 QStringLiteral("kubeconfig %1: file does not exist").arg(fileName),
                                 QStringLiteral("Check the --kubeconfig path."));
            continue;
        }
        if (!file.open(QIODevice::ReadOnly))
            return makeError(ErrorKind::Config,
                             QStringLiteral("kubeconfig %1: cannot read: %2").arg(fileName, file.errorString()));
        auto config = parse(file.readAll(), fileName);
        if (!config)
            return tl::unexpected(config.error());
        merged.merge(*config);
    }
    return merged;
}

Result<Kubeconfig> KubeconfigLoader::parse(const QByteArray &yaml, const QString &fileName)
{
    try {
        const YAML::Node root = YAML::Load(yaml.toStdString());
        return FileParser(fileName).parse(root);
    } catch (const ShapeError &e) {
        return makeError(ErrorKind::Config,
                         QStringLiteral("kubeconfig %1: %2%3").arg(fileName, position(e.mark), e.message));
    } catch (const YAML::Exception &e) {
        return makeError(ErrorKind::Config,
                         QStringLiteral("kubeconfig %1: %2invalid YAML: %3")
                             .arg(fileName, position(e.mark), fromStd(e.msg)),
                         QStringLiteral("Fix the YAML syntax at that position."));
    }
}

} // namespace Opsdeck
