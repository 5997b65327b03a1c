#pragma once

// The action journal (DESIGN §8): every action written before it runs and after each step, in SQLite
// (Qt SQL, WAL) in the app-data folder. Several Journals — the app and an `opsdeck act` beside it — may
// share one file: each holds a session lock file while open, and at open an action still `started` whose
// session holds no lock any more (its process crashed or exited) becomes `interrupted`, ready to be read
// back and resumed or abandoned. Used on one thread (Qt SQL connections are per thread); writes are small.

#include "error.h"
#include "journalentry.h"
#include "journalfilter.h"

#include <QObject>
#include <QTimer>
#include <QUuid>

#include <chrono>
#include <map>
#include <memory>

class QIODevice;
class QLockFile;

namespace Opsdeck {

class Journal : public QObject
{
    Q_OBJECT

public:
    explicit Journal(QObject *parent = nullptr);
    ~Journal() override;

    // <AppDataLocation>/journal.sqlite
    static QString defaultPath();

    // Creates or migrates the file, turns WAL on, takes this session's lock, and marks actions of ended
    // sessions interrupted. A corrupt, locked or newer file is an Error and left untouched.
    Result<void> open(const QString &path = {});
    void close();
    bool isOpen() const { return !m_connection.isEmpty(); }
    QString path() const { return m_path; }
    QUuid session() const { return m_session; }
    Result<int> schemaVersion() const;
    Result<QString> journalMode() const; // "wal"
    // How long a write waits for another process's write to finish before it fails (then retried later).
    void setBusyTimeout(std::chrono::milliseconds timeout);

    // Before an action runs: a new entry (normally status Started; a refusal is written final). Its
    // requestId must be unique. If this fails the action must not run.
    Result<qint64> add(const JournalEntry &entry);
    // After each step: the operation's state, message, progress, applied changes, error and every step's
    // request and answer. If the write fails the state is kept and retried (flush(), and a timer), so
    // nothing is lost; the error is returned and emitted as writeFailed.
    Result<void> record(qint64 id, const OperationStatus &status);
    // An interrupted action picked up by this session again (status back to Started).
    Result<void> markResumed(qint64 id);
    // An interrupted action a person chose not to resume.
    Result<void> markAbandoned(qint64 id, const QString &reason);
    // Started actions of sessions whose process is gone become Interrupted; returns how many.
    Result<int> recoverInterrupted();
    bool hasUnsaved() const { return !m_unsaved.empty(); }
    Result<void> flush();

    // Newest first.
    Result<QList<JournalEntry>> entries(const JournalFilter &filter = {}) const;
    Result<JournalEntry> entry(qint64 id) const;
    Result<QList<JournalEntry>> interrupted() const;
    // RFC 4180 CSV with a header row; returns the number of entries written.
    Result<int> exportCsv(const JournalFilter &filter, QIODevice *device) const;

Q_SIGNALS:
    void entryChanged(qint64 id);
    void writeFailed(const Opsdeck::Error &error);

private:
    Result<void> configure(const QString &path);
    Result<void> writeStatus(qint64 id, const OperationStatus &status);
    Result<void> setStatus(qint64 id, JournalStatus from, JournalStatus to, const QString &message,
                           bool finish);
    Error sqlError(const QString &what, const QString &driverText) const;
    QString lockDirectory() const;

    QString m_connection; // empty while closed
    QString m_path;
    QUuid m_session;
    std::unique_ptr<QLockFile> m_sessionLock;
    std::chrono::milliseconds m_busyTimeout { 250 };
    std::map<qint64, OperationStatus> m_unsaved; // latest state per entry that failed to write
    QTimer m_retry;
};

} // namespace Opsdeck
