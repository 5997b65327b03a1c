#include "execcredentialprovider.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QTimer>

namespace Opsdeck {

Q_LOGGING_CATEGORY(lcExec, "opsdeck.core.exec")

namespace {

// Plugins explain failures on stderr; keep the end of it for the message.
QString stderrTail(const QByteArray &err)
{
    const QString text = QString::fromUtf8(err).trimmed();
    constexpr qsizetype kMax = 400;
    return text.size() > kMax ? QStringLiteral("…") + text.right(kMax) : text;
}

} // namespace

ExecCredentialProvider::ExecCredentialProvider(ClusterConnection connection, QObject *parent)
    : QObject(parent), m_connection(std::move(connection))
{
    Q_ASSERT(m_connection.exec);
}

ExecCredentialProvider::~ExecCredentialProvider()
{
    if (m_process) {
        m_process->disconnect(this);
        m_process->kill();
    }
}

QString ExecCredentialProvider::where() const
{
    return QStringLiteral("kubeconfig %1: user '%2'")
        .arg(m_connection.userOrigin.isEmpty() ? m_connection.kubeconfigFile : m_connection.userOrigin,
             m_connection.userName);
}

std::optional<ExecCredential> ExecCredentialProvider::cachedCredential() const
{
    if (m_cached && !m_cached->isExpired(QDateTime::currentDateTimeUtc()))
        return m_cached;
    return std::nullopt;
}

void ExecCredentialProvider::invalidate()
{
    m_cached.reset();
}

void ExecCredentialProvider::requestCredential()
{
    if (const auto cached = cachedCredential()) {
        // Queued so callers see the same ordering whether or not the plugin had to run.
        QMetaObject::invokeMethod(
            this, [this, credential = *cached] { Q_EMIT credentialReady(credential); }, Qt::QueuedConnection);
        return;
    }
    if (m_running)
        return; // the running plugin answers this request too
    start();
}

QByteArray ExecCredentialProvider::execInfo() const
{
    QJsonObject spec{{QStringLiteral("interactive"), false}};
    if (m_connection.exec->provideClusterInfo) {
        // Shadows the kubeconfig cluster; the CA always travels as data (base64 in JSON).
        QJsonObject cluster{{QStringLiteral("server"), m_connection.server.toString()}};
        if (!m_connection.tlsServerName.isEmpty())
            cluster.insert(QStringLiteral("tls-server-name"), m_connection.tlsServerName);
        if (m_connection.insecureSkipTlsVerify)
            cluster.insert(QStringLiteral("insecure-skip-tls-verify"), true);
        if (!m_connection.caPem.isEmpty())
            cluster.insert(QStringLiteral("certificate-authority-data"),
                           QString::fromLatin1(m_connection.caPem.toBase64()));
        if (!m_connection.proxyUrl.isEmpty())
            cluster.insert(QStringLiteral("proxy-url"), m_connection.proxyUrl.toString());
        spec.insert(QStringLiteral("cluster"), cluster);
    }
    const QJsonObject info{{QStringLiteral("apiVersion"), m_connection.exec->apiVersion},
                           {QStringLiteral("kind"), QStringLiteral("ExecCredential")},
                           {QStringLiteral("spec"), spec}};
    return QJsonDocument(info).toJson(QJsonDocument::Compact);
}

void ExecCredentialProvider::start()
{
    const ExecConfig &exec = *m_connection.exec;
    const auto failLater = [this](Error error) {
        // Answer from the event loop, as for a run, and keep "running" until then so requests coalesce.
        m_timer = new QTimer(this);
        m_timer->setSingleShot(true);
        connect(m_timer, &QTimer::timeout, this, [this, error] { finish(tl::unexpected(error)); });
        m_timer->start(0);
    };
    m_running = true;

    // Interactive plugins need a terminal; kubectl refuses "Always" without one, and we never have one.
    if (exec.interactiveMode == u"Always") {
        failLater(Error{ErrorKind::Config,
                        QStringLiteral("%1 runs '%2' with interactiveMode Always, which needs a terminal")
                            .arg(where(), exec.command),
                        QStringLiteral("Log in once with kubectl in a terminal, or set interactiveMode to "
                                       "IfAvailable."),
                        std::nullopt});
        return;
    }

    // Resolve the program first: QProcess reports a missing program only as a generic start failure.
    QString program;
    if (exec.command.contains(u'/')) {
        const QFileInfo info(exec.command);
        if (info.isFile() && info.isExecutable())
            program = info.absoluteFilePath();
    } else {
        program = QStandardPaths::findExecutable(exec.command);
    }
    if (program.isEmpty()) {
        const QString hint = exec.installHint.trimmed();
        QString message = exec.command.contains(u'/')
                              ? QStringLiteral("%1 runs '%2', which does not exist or is not executable")
                                    .arg(where(), exec.command)
                              : QStringLiteral("%1 runs '%2', which is not on PATH").arg(where(), exec.command);
        if (!hint.isEmpty())
            message += QStringLiteral(". ") + hint;
        failLater(Error{ErrorKind::Config, message,
                        hint.isEmpty() ? QStringLiteral("Install '%1' or fix users[%2].exec.command in the "
                                                        "kubeconfig.")
                                             .arg(exec.command, m_connection.userName)
                                       : hint,
                        std::nullopt});
        return;
    }

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const auto &[name, value] : exec.env)
        env.insert(name, value);
    env.insert(QStringLiteral("KUBERNETES_EXEC_INFO"), QString::fromUtf8(execInfo()));

    m_process = new QProcess(this);
    m_process->setProgram(program);
    m_process->setArguments(exec.args);
    m_process->setProcessEnvironment(env);
    m_process->setStandardInputFile(QProcess::nullDevice()); // non-interactive: no stdin
    connect(m_process, &QProcess::finished, this, [this](int exitCode, QProcess::ExitStatus status) {
        const QByteArray out = m_process->readAllStandardOutput();
        const QByteArray err = m_process->readAllStandardError();
        const QString command = m_connection.exec->command;
        if (status != QProcess::NormalExit || exitCode != 0) {
            QString message = status == QProcess::NormalExit
                                  ? QStringLiteral("%1: '%2' failed with exit code %3").arg(where(), command).arg(exitCode)
                                  : QStringLiteral("%1: '%2' crashed").arg(where(), command);
            if (const QString tail = stderrTail(err); !tail.isEmpty())
                message += QStringLiteral(": ") + tail;
            finish(tl::unexpected(Error{ErrorKind::Unauthorized, message,
                                        QStringLiteral("Run the command in a terminal to see why it fails."),
                                        std::nullopt}));
            return;
        }
        finish(parseOutput(out));
    });
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        // Only a failed start ends the run here; other errors are followed by finished().
        if (error != QProcess::FailedToStart)
            return;
        finish(tl::unexpected(Error{ErrorKind::Config,
                                    QStringLiteral("%1: cannot start '%2': %3")
                                        .arg(where(), m_connection.exec->command, m_process->errorString()),
                                    QStringLiteral("Check that '%1' is an executable program.")
                                        .arg(m_connection.exec->command),
                                    std::nullopt}));
    });
    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, [this] {
        finish(tl::unexpected(Error{ErrorKind::Timeout,
                                    QStringLiteral("%1: '%2' did not finish within %3 s")
                                        .arg(where(), m_connection.exec->command)
                                        .arg(double(m_timeout.count()) / 1000.0),
                                    QStringLiteral("Run the command in a terminal to see whether it waits for "
                                                   "input."),
                                    std::nullopt}));
    });
    m_timer->start(m_timeout);
    qCDebug(lcExec) << "running exec plugin" << program << "for user" << m_connection.userName;
    m_process->start();
}

void ExecCredentialProvider::finish(const Result<ExecCredential> &result)
{
    m_running = false;
    if (m_timer) {
        m_timer->stop();
        m_timer->deleteLater();
        m_timer = nullptr;
    }
    if (m_process) {
        QProcess *process = m_process;
        m_process = nullptr;
        process->disconnect(this);
        if (process->state() != QProcess::NotRunning) {
            // Timed out: let it die, then free it, without waiting here.
            connect(process, &QProcess::finished, process, &QObject::deleteLater);
            process->kill();
        } else {
            process->deleteLater();
        }
    }
    if (result)
        m_cached = *result;
    else
        qCWarning(lcExec).noquote() << result.error().message;
    Q_EMIT credentialReady(result);
}

Result<ExecCredential> ExecCredentialProvider::parseOutput(const QByteArray &stdoutData) const
{
    const QString expected = m_connection.exec->apiVersion;
    const auto bad = [&](const QString &what) {
        return makeError(ErrorKind::Config,
                         QStringLiteral("%1: '%2' %3").arg(where(), m_connection.exec->command, what),
                         QStringLiteral("The plugin must print an ExecCredential (%1) on stdout.").arg(expected));
    };
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(stdoutData, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return bad(QStringLiteral("printed no ExecCredential JSON (%1 at offset %2)")
                       .arg(parseError.errorString())
                       .arg(parseError.offset));
    const QJsonObject root = doc.object();
    const QString apiVersion = root.value(u"apiVersion").toString();
    if (apiVersion != expected)
        return bad(QStringLiteral("returned apiVersion '%1', but the kubeconfig asks for '%2'").arg(apiVersion, expected));
    if (root.value(u"kind").toString() != u"ExecCredential")
        return bad(QStringLiteral("returned kind '%1', not ExecCredential").arg(root.value(u"kind").toString()));
    const QJsonValue statusValue = root.value(u"status");
    if (!statusValue.isObject())
        return bad(QStringLiteral("returned no status"));
    const QJsonObject status = statusValue.toObject();

    ExecCredential credential;
    credential.token = status.value(u"token").toString();
    credential.clientCertificatePem = status.value(u"clientCertificateData").toString().toUtf8();
    credential.clientKeyPem = status.value(u"clientKeyData").toString().toUtf8();
    if (credential.token.isEmpty() && credential.clientCertificatePem.isEmpty() && credential.clientKeyPem.isEmpty())
        return bad(QStringLiteral("returned neither a token nor a client certificate and key"));
    if (credential.clientCertificatePem.isEmpty() != credential.clientKeyPem.isEmpty())
        return bad(QStringLiteral("returned only a client certificate or only a key, not both"));
    const QString expiry = status.value(u"expirationTimestamp").toString();
    if (!expiry.isEmpty()) {
        const QDateTime when = QDateTime::fromString(expiry, Qt::ISODateWithMs);
        if (!when.isValid())
            return bad(QStringLiteral("returned expirationTimestamp '%1', which is not an RFC 3339 time").arg(expiry));
        credential.expiration = when.toUTC();
    }
    return credential;
}

} // namespace Opsdeck
