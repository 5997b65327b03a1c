#pragma once

// What the main window shows about the cluster connection. Filled by app/ from ClusterProbe.

#include <QString>

namespace Opsdeck {

struct ConnectionInfo
{
    enum class State {
        NotConfigured,
        Connecting,
        Connected,
        Failed,
    };

    State state = State::NotConfigured;
    QString contextName;
    QString server;
    QString serverVersion; // "v1.31.2"
    QString message;       // the error, or a note such as "demo estate (opsdeck-sim)"
};

} // namespace Opsdeck
