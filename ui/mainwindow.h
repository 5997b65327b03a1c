#pragma once

// Opsdeck's main window: the cluster connection (context, server, version, state) and the Sources
// panel listing the loaded plugins and plugin load errors. The Services view lands here next.

#include "connectioninfo.h"

#include <QMainWindow>

class QLabel;
class QListView;

namespace Opsdeck {

class SourceListModel;

class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(SourceListModel *sources, QWidget *parent = nullptr);
    ~MainWindow() override;

    void setConnection(const ConnectionInfo &info);
    ConnectionInfo connection() const { return m_connection; }
    // A short message in the status bar, kept until replaced (the sim died, a plugin failed).
    void showStatus(const QString &text);

private:
    void updateSourcesSummary();

    SourceListModel *m_sources;
    ConnectionInfo m_connection;
    QLabel *m_context = nullptr;
    QLabel *m_server = nullptr;
    QLabel *m_version = nullptr;
    QLabel *m_state = nullptr;
    QLabel *m_message = nullptr;
    QListView *m_plugins = nullptr;
    QLabel *m_sourcesSummary = nullptr;
    QLabel *m_statusText = nullptr;
};

} // namespace Opsdeck
