#pragma once

// A scripted plain-HTTP stand-in for Entra's endpoints, for answers the sim only gives after minutes
// (expired_token) or never (a 503 while polling): each request gets the next scripted answer.

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QPair>
#include <QTcpServer>
#include <QTcpSocket>

class FakeEntra : public QTcpServer
{
public:
    QList<QPair<int, QByteArray>> answers; // (status, JSON body), consumed in order; then 500
    QList<QByteArray> requests; // "POST /path\n<body>"

    FakeEntra()
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket] { onData(socket); });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
        listen(QHostAddress::LocalHost);
    }

    QString url() const { return QStringLiteral("http://127.0.0.1:%1").arg(serverPort()); }

private:
    void onData(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0)
            return;
        qsizetype length = 0;
        for (const QByteArray &line : buffer.left(headerEnd).split('\n')) {
            if (line.toLower().startsWith("content-length:"))
                length = line.mid(15).trimmed().toLongLong();
        }
        if (buffer.size() < headerEnd + 4 + length)
            return;
        const QByteArray requestLine = buffer.left(buffer.indexOf("\r\n"));
        requests.append(requestLine.left(requestLine.lastIndexOf(' ')) + '\n'
                        + buffer.mid(headerEnd + 4, length));
        buffer.clear();
        const auto [status, body]
            = answers.isEmpty() ? qMakePair(500, QByteArray("{}")) : answers.takeFirst();
        socket->write("HTTP/1.1 " + QByteArray::number(status)
                      + " X\r\nContent-Type: application/json\r\nContent-Length: "
                      + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
        socket->disconnectFromHost();
    }

    QHash<QTcpSocket *, QByteArray> m_buffers;
};
