#pragma once

// An opsdeck-sim child process for integration and UI tests: started on a free loopback port with its
// kubeconfig (and Azure config) written into a test folder, stopped with the test (and killed with the
// test process if that dies), chaos driven through the sim's own `chaos` client as a person would.

#include <QProcess>
#include <QString>
#include <QStringList>

class SimProcess
{
public:
    struct Options
    {
        double speed = 20;
        bool azure = true;            // also --write-azure-config
        QStringList extraArguments = {}; // e.g. {"--seed", "7"}; "= {}": designated initializers may skip it
        int readyTimeoutMs = 60000;
    };

    // `program`: the opsdeck-sim binary (a test's OPSDECK_SIM_PATH); `directory`: where its files go.
    SimProcess(QString program, QString directory);
    ~SimProcess();
    SimProcess(const SimProcess &) = delete;
    SimProcess &operator=(const SimProcess &) = delete;

    // Starts it and waits for its ready line; false with errorString() on failure.
    bool start(const Options &options);
    bool start() { return start(Options{}); }
    void stop();
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }

    QString kubeconfigPath() const { return m_kubeconfig; }
    QString azureConfigPath() const { return m_azureConfig; } // empty without Options::azure
    QString errorString() const { return m_error; }
    QString program() const { return m_program; }

    // Runs `opsdeck-sim chaos --kubeconfig … ARGUMENTS` ("database-down", "productservice"); returns its
    // exit code (-1 when it did not finish in 30 s) and, when asked, what it printed.
    int chaos(const QStringList &arguments, QString *output = nullptr) const;

private:
    QString m_program;
    QString m_directory;
    QString m_kubeconfig;
    QString m_azureConfig;
    QString m_error;
    QProcess m_process;
};
