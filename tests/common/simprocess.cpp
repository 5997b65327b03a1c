#include "simprocess.h"

#include <QDeadlineTimer>
#include <QDir>

#include <sys/prctl.h>

#include <csignal>
#include <utility>

SimProcess::SimProcess(QString program, QString directory)
    : m_program(std::move(program))
    , m_directory(std::move(directory))
{
}

SimProcess::~SimProcess()
{
    stop();
}

bool SimProcess::start(const Options &options)
{
    stop();
    m_error.clear();
    const QDir dir(m_directory);
    m_kubeconfig = dir.filePath(QStringLiteral("sim-kubeconfig"));
    m_azureConfig = options.azure ? dir.filePath(QStringLiteral("sim-azure.json")) : QString();
    QStringList arguments{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--speed"),
                          QString::number(options.speed), QStringLiteral("--write-kubeconfig"), m_kubeconfig};
    if (options.azure)
        arguments << QStringLiteral("--write-azure-config") << m_azureConfig;
    arguments << options.extraArguments;
    m_process.setProgram(m_program);
    m_process.setArguments(arguments);
    m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    // The sim must not outlive a test that crashed or was killed by its timeout.
    m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    m_process.start();
    if (!m_process.waitForStarted(10000)) {
        m_error = QStringLiteral("%1 did not start: %2").arg(m_program, m_process.errorString());
        return false;
    }
    QByteArray out;
    QDeadlineTimer deadline(options.readyTimeoutMs);
    while (!deadline.hasExpired() && m_process.state() == QProcess::Running) {
        m_process.waitForReadyRead(200);
        out += m_process.readAllStandardOutput();
        if (out.contains("opsdeck-sim ready"))
            return true;
    }
    m_error = QStringLiteral("opsdeck-sim was not ready in %1 ms: %2").arg(options.readyTimeoutMs).arg(QString::fromUtf8(out.right(400)));
    stop();
    return false;
}

void SimProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(10000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

int SimProcess::chaos(const QStringList &arguments, QString *output) const
{
    QProcess client;
    client.setProgram(m_program);
    client.setArguments(QStringList{QStringLiteral("chaos"), QStringLiteral("--kubeconfig"), m_kubeconfig} + arguments);
    client.setProcessChannelMode(QProcess::MergedChannels);
    client.start();
    if (!client.waitForFinished(30000)) {
        client.kill();
        client.waitForFinished(2000);
        return -1;
    }
    if (output)
        *output = QString::fromUtf8(client.readAll());
    return client.exitStatus() == QProcess::NormalExit ? client.exitCode() : -1;
}
