#pragma once

// The alerts' record in the journal file (issue 9): every alert raised, ended or acknowledged is one row of
// `alert_log` (journal schema 3; key = alert id + since), so the timeline and the RCA export read what
// fired in a window after the app that saw it has quit. Opens its own Qt SQL connection on the journal's
// file (the Journal migrated it already; WAL, busy timeout 5 s). Used on one thread.
//
// attach(engine) records alertRaised / alertEnded and every acknowledgement (alertsChanged). When the log
// closes (destructor) alerts it recorded as active that are still active are written ended at that moment:
// from then on nobody watched them, and an RCA window must not see them active for ever.

#include "alert.h"
#include "clock.h"
#include "error.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>

namespace Opsdeck {

class AlertEngine;

class AlertLog : public QObject
{
    Q_OBJECT

public:
    explicit AlertLog(const Clock &clock = Clock::system(), QObject *parent = nullptr);
    ~AlertLog() override;

    // Opens `journalPath` (a journal of schema ≥ 3). A file without the table is an Error.
    Result<void> open(const QString &journalPath);
    void close(); // ends still-active recorded alerts (see above), then closes the connection
    bool isOpen() const { return !m_connection.isEmpty(); }
    QString path() const { return m_path; }

    // Records the engine's alerts from now on (and its currently active ones). Null detaches.
    void attach(AlertEngine *engine);

    // Inserts or updates the row (alert id, since): severity, summary, ended, acknowledgement.
    Result<void> record(const Alert &alert);
    // Every alert active at some moment of [from, to] (since ≤ to and (ended is null or ended ≥ from)),
    // oldest first (by since, then id).
    Result<QList<Alert>> between(const QDateTime &from, const QDateTime &to) const;
    // The newest `limit` alerts (by since), newest first: the Alerts dock's history.
    Result<QList<Alert>> recent(int limit) const;

Q_SIGNALS:
    // A row was written (the history views re-read).
    void recorded(const Opsdeck::Alert &alert);
    void writeFailed(const Opsdeck::Error &error);

private:
    void recordAndReport(const Alert &alert);
    void onAlertsChanged();
    Result<QList<Alert>> select(const QString &where, const QVariantList &binds, const QString &tail) const;
    Error sqlError(const QString &what, const QString &driverText) const;

    const Clock &m_clock;
    QString m_connection; // empty while closed
    QString m_path;
    QPointer<AlertEngine> m_engine;
    QHash<QString, Alert>
        m_open; // recorded active alerts by id: acknowledgements and close() compare against them
};

} // namespace Opsdeck
