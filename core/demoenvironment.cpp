#include "demoenvironment.h"

#include "logging.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTimer>

#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>

namespace Opsdeck {

namespace {
constexpr int StderrLinesKept = 8;
constexpr int StopGraceMs = 3000;
}

DemoEnvironment::DemoEnvironment(QObject *parent)
    : QObject(parent)
    , m_program(findSimulator())
{
    qRegisterMetaType<Error>();
}

DemoEnvironment::~DemoEnvironment()
{
    stop();
}

QString DemoEnvironment::findSimulator()
{
    const QString fromEnv = qEnvironmentVariable("OPSDECK_SIM");
    if (!fromEnv.isEmpty())
        return fromEnv;
    if (QCoreApplication::instance()) {
        const QString beside = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("opsdeck-sim"));
        if (QFileInfo(beside).isExecutable())
            return beside;
    }
    return QStandardPaths::findExecutable(QStringLiteral("opsdeck-sim"));
}

void DemoEnvironment::start()
{
    if (m_process)
        return;
    m_failed = false;
    if (m_program.isEmpty()) {
        QMetaObject::invokeMethod(this, [this] {
            fail(QStringLiteral("opsdeck-sim was not found beside %1 or in PATH").arg(QCoreApplication::applicationDirPath()),
                 QStringLiteral("build the opsdeck-sim target or set OPSDECK_SIM to its path"));
        }, Qt::QueuedConnection);
        return;
    }
    m_dir = std::make_unique<QTemporaryDir>(QDir::temp().filePath(QStringLiteral("opsdeck-demo-XXXXXX")));
    if (!m_dir->isValid()) {
        QMetaObject::invokeMethod(this, [this] {
            fail(QStringLiteral("cannot create a temporary folder for the demo: %1").arg(m_dir->errorString()), {});
        }, Qt::QueuedConnection);
        return;
    }

    m_process = new QProcess(this);
    m_process->setProgram(m_program);
    m_process->setArguments(QStringList{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                        QStringLiteral("--write-kubeconfig"), m_dir->filePath(QStringLiteral("kubeconfig")),
                                        QStringLiteral("--write-azure-config"), azureConfigPath()}
                            + m_extraArgs);
    const pid_t parent = ::getpid();
    // Runs in the child between fork and exec: if we die (even by a crash) the kernel sends SIGTERM.
    m_process->setChildProcessModifier([parent] {
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent) // we died before prctl took effect
            ::_exit(1);
    });
    connect(m_process, &QProcess::readyReadStandardOutput, this, &DemoEnvironment::readStdout);
    connect(m_process, &QProcess::readyReadStandardError, this, &DemoEnvironment::readStderr);
    connect(m_process, &QProcess::finished, this, &DemoEnvironment::onFinished);
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart)
            return;
        const QString reason = m_process->errorString();
        m_timer->stop();
        m_process->deleteLater(); // no finished() follows a failed start
        m_process = nullptr;
        fail(QStringLiteral("cannot start %1: %2").arg(m_program, reason),
             QStringLiteral("check that the file exists and is executable, or set OPSDECK_SIM"));
    });

    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, [this] {
        fail(QStringLiteral("%1 did not report ready within %2 s").arg(m_program).arg(m_readyTimeout.count() / 1000.0),
             stderrTail());
        stop();
    });
    m_timer->start(m_readyTimeout);
    qCInfo(lcCore).noquote() << "starting" << m_program << m_process->arguments().join(QLatin1Char(' '));
    m_process->start();
}

void DemoEnvironment::stop()
{
    if (!m_process)
        return;
    m_stopping = true;
    if (m_timer)
        m_timer->stop();
    QProcess *process = m_process;
    m_process = nullptr;
    process->disconnect(this);
    if (process->state() != QProcess::NotRunning) {
        // At shutdown there is no event loop left to wait in: give the sim a moment to exit cleanly
        // (its temporary files), then kill it, so no orphan keeps the port.
        process->terminate();
        if (!process->waitForFinished(StopGraceMs)) {
            process->kill();
            process->waitForFinished(StopGraceMs);
        }
    }
    process->deleteLater(); // stop() may run inside one of its signals
    m_ready = false;
    m_stopping = false;
}

void DemoEnvironment::readStdout()
{
    m_stdout += m_process->readAllStandardOutput();
    static const QRegularExpression readyLine(QStringLiteral(R"(^opsdeck-sim ready url=(\S+) kubeconfig=(.+)$)"));
    qsizetype newline;
    while ((newline = m_stdout.indexOf('\n')) >= 0) {
        const QString line = QString::fromUtf8(m_stdout.left(newline)).trimmed();
        m_stdout.remove(0, newline + 1);
        if (m_ready)
            continue;
        const QRegularExpressionMatch match = readyLine.match(line);
        if (!match.hasMatch()) {
            qCDebug(lcCore).noquote() << "opsdeck-sim:" << line;
            continue;
        }
        m_url = QUrl(match.captured(1));
        m_kubeconfig = match.captured(2);
        if (!m_url.isValid() || m_url.port() <= 0) {
            fail(QStringLiteral("opsdeck-sim reported an unusable URL: %1").arg(line), {});
            stop();
            return;
        }
        m_ready = true;
        m_timer->stop();
        qCInfo(lcCore).noquote() << "opsdeck-sim ready at" << m_url.toString() << "kubeconfig" << m_kubeconfig;
        Q_EMIT ready(m_url, m_kubeconfig);
    }
}

void DemoEnvironment::readStderr()
{
    const QString text = QString::fromUtf8(m_process->readAllStandardError());
    for (const QString &line : text.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        qCDebug(lcCore).noquote() << "opsdeck-sim stderr:" << line;
        m_stderrLines << line;
    }
    while (m_stderrLines.size() > StderrLinesKept)
        m_stderrLines.removeFirst();
}

void DemoEnvironment::onFinished(int exitCode, int exitStatus)
{
    if (m_stopping)
        return;
    readStderr();
    const QString how = exitStatus == QProcess::CrashExit ? QStringLiteral("crashed")
                                                          : QStringLiteral("exited with code %1").arg(exitCode);
    const bool wasReady = m_ready;
    m_ready = false;
    if (m_timer)
        m_timer->stop();
    m_process->deleteLater();
    m_process = nullptr;
    if (wasReady) {
        Error error{ErrorKind::Network, QStringLiteral("opsdeck-sim %1; the demo estate is gone").arg(how), stderrTail(), std::nullopt};
        qCWarning(lcCore).noquote() << toString(error);
        Q_EMIT simExited(error);
    } else {
        fail(QStringLiteral("opsdeck-sim %1 before it was ready").arg(how), stderrTail());
    }
}

void DemoEnvironment::fail(const QString &message, const QString &hint)
{
    if (m_failed)
        return; // one answer per start()
    m_failed = true;
    Error error{ErrorKind::Config, message, hint, std::nullopt};
    qCWarning(lcCore).noquote() << toString(error);
    Q_EMIT failed(error);
}

QString DemoEnvironment::stderrTail() const
{
    return m_stderrLines.join(QStringLiteral(" | "));
}

} // namespace Opsdeck
