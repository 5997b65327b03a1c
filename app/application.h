#pragma once

// The composition root: loads plugins, starts sources, runs the demo estate, probes the cluster and
// shows (or, headless, writes) what it found. Emits finished(exitCode) in the one-shot modes
// (--screenshot, --snapshot) and when a headless run cannot go on.

#include "clusterconnection.h"
#include "clusterprobe.h"
#include "commandline.h"
#include "connectioninfo.h"
#include "error.h"
#include "pluginloader.h"
#include "sourcehost.h"
#include "sourcelistmodel.h"

#include <QObject>

#include <memory>
#include <optional>

namespace Opsdeck {

class DemoEnvironment;
class MainWindow;

class Application : public QObject
{
    Q_OBJECT

public:
    explicit Application(Options options, QObject *parent = nullptr);
    ~Application() override;

    void start();
    MainWindow *window() const { return m_window.get(); }

Q_SIGNALS:
    void finished(int exitCode);

private:
    void loadPlugins();
    void connectCluster(const QString &kubeconfigPath);
    void startSources(const QString &kubeconfigPath, const QString &context);
    void onConnected(const ClusterVersion &version);
    void onConnectionFailed(const Error &error, int exitCode);
    void setConnection(const ConnectionInfo &info);
    void finishOneShot();
    int writeSnapshot();
    int writeScreenshot();
    void finish(int exitCode);

    Options m_options;
    PluginLoader m_plugins;
    SourceListModel m_sourceList;
    SourceHost m_host;
    std::unique_ptr<MainWindow> m_window;
    DemoEnvironment *m_demo = nullptr;
    ClusterProbe *m_probe = nullptr;
    ConnectionInfo m_connection;
    std::optional<Error> m_failure;
    int m_failureExitCode = 0;
    bool m_finished = false;
};

} // namespace Opsdeck
