#pragma once

// The simulated estate behind `opsdeck --demo`: starts `opsdeck-sim` as a child process on a free
// loopback port, waits (asynchronously) for its one ready line
//   opsdeck-sim ready url=https://127.0.0.1:PORT kubeconfig=/path
// (it writes the kubeconfig and, with --write-azure-config, azure.json into our temporary folder first)
// and reports it or a clear error (exited, never ready). The child dies with us: SIGTERM when we exit
// normally, and PR_SET_PDEATHSIG when we crash. If it dies first, simExited says so.

#include "error.h"

#include <QObject>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

#include <chrono>
#include <memory>

class QProcess;
class QTimer;

namespace Opsdeck {

class DemoEnvironment : public QObject
{
    Q_OBJECT

public:
    explicit DemoEnvironment(QObject *parent = nullptr);
    ~DemoEnvironment() override; // stops the sim

    // Where opsdeck-sim is looked for: $OPSDECK_SIM, then beside the running binary, then PATH.
    static QString findSimulator();

    void setProgram(const QString &program) { m_program = program; }
    void setExtraArguments(const QStringList &args) { m_extraArgs = args; }
    void setReadyTimeout(std::chrono::milliseconds timeout) { m_readyTimeout = timeout; }

    // Answers with ready or failed.
    void start();
    void stop();

    bool isReady() const { return m_ready; }
    QUrl url() const { return m_url; }
    QString kubeconfigPath() const { return m_kubeconfig; }
    // The Azure config the sim writes (--write-azure-config) before its ready line; empty before start().
    QString azureConfigPath() const { return m_dir ? m_dir->filePath(QStringLiteral("azure.json")) : QString(); }
    QString program() const { return m_program; }

Q_SIGNALS:
    void ready(const QUrl &url, const QString &kubeconfigPath);
    void failed(const Opsdeck::Error &error);   // before ready
    void simExited(const Opsdeck::Error &error); // after ready: the estate is gone

private:
    void readStdout();
    void readStderr();
    void onFinished(int exitCode, int exitStatus);
    void fail(const QString &message, const QString &hint);
    QString stderrTail() const;

    QString m_program;
    QStringList m_extraArgs;
    std::chrono::milliseconds m_readyTimeout = std::chrono::seconds(30);
    std::unique_ptr<QTemporaryDir> m_dir;
    QProcess *m_process = nullptr;
    QTimer *m_timer = nullptr;
    QByteArray m_stdout;
    QStringList m_stderrLines; // the last few, for error messages
    bool m_ready = false;
    bool m_stopping = false;
    bool m_failed = false;
    QUrl m_url;
    QString m_kubeconfig;
};

} // namespace Opsdeck
