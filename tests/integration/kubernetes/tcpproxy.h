#pragma once

// A loopback TCP relay between the plugin and opsdeck-sim, so a test can cut every connection (a
// dropped watch, as a load balancer's idle timeout does) or refuse new ones for a while (an outage),
// without touching the simulator. TLS passes through untouched.

#include <QObject>
#include <QTcpServer>

#include <QList>
#include <QPointer>

class QTcpSocket;

class TcpProxy : public QObject
{
    Q_OBJECT

public:
    TcpProxy(quint16 targetPort, QObject *parent = nullptr);
    bool listen();
    quint16 port() const { return m_server.serverPort(); }

    // Closes every relayed connection at once (both sides see a reset).
    void dropAll();
    // While paused, new connections are accepted and closed at once; existing ones are dropped.
    void setPaused(bool paused);
    int connectionsAccepted() const { return m_accepted; }

private:
    void onNewConnection();

    QTcpServer m_server;
    quint16 m_targetPort;
    bool m_paused = false;
    int m_accepted = 0;
    QList<QPair<QPointer<QTcpSocket>, QPointer<QTcpSocket>>> m_pairs;
};
