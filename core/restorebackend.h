#pragma once

// What the point-in-time restore runbook (RestoreRunbook) asks of the outside world, so its sequencing,
// validation and resumption are testable with a fake: ARM calls for the database and its long-running
// operation (answers handed back as they came, 4xx included), and the Kubernetes steps as whole steps
// (repoint the Secret, restart the Deployments, one verification round), each reporting the requests it
// sent and the answer for the journal. Every callback runs later, on the runbook's thread, exactly once.
// The plugin implements it with SqlArmClient and the Kubernetes plugin's ActionClient.

#include "actiontypes.h"
#include "error.h"
#include "servicekey.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QStringList>

#include <chrono>
#include <functional>
#include <optional>

namespace Opsdeck {

// One ARM request and its answer.
struct RestoreReply
{
    int status = 0; // 0: no HTTP answer
    QJsonObject object; // the body when it is a JSON object
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QString request; // "PUT /subscriptions/…/databases/X?api-version=…", for the journal
    std::optional<Error> error; // transport, auth, or a non-2xx status

    bool ok() const { return !error && status >= 200 && status < 300; }
    int retryAfterSeconds() const; // -1: none
    QString header(const char *lowerCaseName) const;
    // ARM's error.code / error.message (also a failed operation's top-level `error`).
    QString armErrorCode() const;
    QString armErrorMessage() const;
};

// The outcome of one Kubernetes step (or its dry run).
struct RestoreStepAnswer
{
    QStringList requests; // what was sent, one line each, secrets masked
    int httpStatus = 0; // the last answer's status
    QString response; // the answer, for people
    QList<ActionChange> changes; // the diff (dry run) or what changed; secrets masked
    bool alreadyDone = false; // nothing to do: the state is already the goal
    std::optional<Error> error; // the step failed (Forbidden: not permitted)
};

// One verification round: are the service's new pods Ready and its /health Healthy?
struct RestoreVerifyAnswer
{
    bool healthy = false;
    QString stillWrong; // what is not yet right, for people ("1 of 2 stable pods Ready")
    QString request; // the last request, for the journal
    int httpStatus = 0;
    std::optional<Error> error; // cannot verify at all (forbidden, no such service): stop waiting
};

class RestoreBackend
{
public:
    using ReplyCallback = std::function<void(const RestoreReply &)>;
    using StepCallback = std::function<void(const RestoreStepAnswer &)>;
    using VerifyCallback = std::function<void(const RestoreVerifyAnswer &)>;

    virtual ~RestoreBackend();

    // The server the databases are on (for messages), and a database's ARM id on it.
    virtual QString serverName() const = 0;
    virtual QString databaseId(const QString &database) const = 0;

    // GET the database; 404 is an answer (status 404), not only an error.
    virtual void getDatabase(const QString &database, ReplyCallback done) = 0;
    // GET its short-term backup retention policy (retentionDays); may answer 404.
    virtual void getRetention(const QString &database, ReplyCallback done) = 0;
    // PUT the new database with `body` (never repeated blindly).
    virtual void putDatabase(const QString &database, const QJsonObject &body, ReplyCallback done) = 0;
    // GET an absolute LRO URL (Azure-AsyncOperation or Location).
    virtual void poll(const QString &url, ReplyCallback done) = 0;

    // SelfSubjectAccessReview for what the Kubernetes steps write: the Secret (with repoint) and the
    // Deployments. error Forbidden with the sentence when not permitted.
    virtual void checkAccess(const ServiceKey &service, bool repoint, StepCallback done) = 0;
    // Points `<service>-db` (connectionString's catalog, database) at `database`; dryRun=All when asked.
    virtual void repoint(const ServiceKey &service, const QString &database, bool dryRun, StepCallback done)
        = 0;
    // restartedAt = `stamp` on the service's stable and canary Deployments (the same stamp again: no-op).
    virtual void restart(const ServiceKey &service, const QString &stamp, bool dryRun, StepCallback done) = 0;
    // One round: pods of the restarted ReplicaSets Ready, /health Healthy.
    virtual void verify(const ServiceKey &service, const QString &stamp, VerifyCallback done) = 0;

    // Time and waiting, overridable by tests. `run` is dropped if `context` goes first.
    virtual QDateTime now() const;
    virtual void after(std::chrono::milliseconds delay, QObject *context, std::function<void()> run);
};

} // namespace Opsdeck
