#pragma once

// Splits a watch response's body into its newline-delimited JSON events (API-CONTRACTS §1 "Watch").
// Chunks arrive as the network delivers them, so an event may span several readyRead()s and one read
// may carry many events; the unfinished tail is kept until its newline arrives.

#include <QByteArray>
#include <QList>

class WatchLineSplitter
{
public:
    // The complete lines in `chunk` (with whatever was left over before it), without '\n' or a
    // trailing '\r'; blank lines are dropped.
    QList<QByteArray> feed(const QByteArray &chunk);
    // What arrived after the last newline (an unfinished event).
    QByteArray pending() const { return m_pending; }
    void reset() { m_pending.clear(); }

private:
    QByteArray m_pending;
};
