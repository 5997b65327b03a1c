#pragma once

// The point-in-time restore runbook (issue 8, DESIGN §7–8, API-CONTRACTS §5) as one action, `restore-db`:
//   1 "Restore <db> to <point> as <new>"   — refuse unless the target name is absent (GET → 404, never
//     overwrite), point inside [earliestRestoreDate, the server's now]; PUT createMode PointInTimeRestore
//     with the Service tag; track the LRO (Azure-AsyncOperation, else Location; Retry-After, else backoff;
//     percentComplete) and wait for the new database to be Online;
//   2 "Point <service>-db at <new>"        — only with `repoint`: the Secret's connectionString + database;
//   3 "Restart <service> (stable, canary)" — restartedAt on both Deployments;
//   4 "Verify pods Ready and /health Healthy" — polled until healthy or the timeout says what is wrong.
// Preview: the same checks, the permission check, the Kubernetes dry runs as a masked diff, the steps.
// Running, OperationStatus.parameters carries the request's parameters plus `restoredDatabase`,
// `operationUrl`, `locationUrl`, `restartedAt` and `completedSteps` (["restore", "repoint", …]) as soon
// as they are known, so resume() after a restart continues from the journal: it polls the recorded
// operation (or the database), skips the steps done, and always verifies.
//
// Request parameters: `database` (required), `pointInTime` (ISO 8601; no zone = UTC; required), `newName`
// (default defaultRestoreName()), `repoint` (bool, default false). Lives on one thread; deletes itself
// once it has answered (preview) or the operation is final.

#include "actiontypes.h"
#include "error.h"
#include "restorebackend.h"
#include "restoreplan.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>

#include <chrono>
#include <functional>
#include <optional>

namespace Opsdeck {

class RestoreRunbook : public QObject
{
    Q_OBJECT

public:
    static constexpr const char *ActionId = "restore-db";
    // Step keys, as `completedSteps` lists them.
    static constexpr const char *StepRestore = "restore";
    static constexpr const char *StepRepoint = "repoint";
    static constexpr const char *StepRestart = "restart";
    static constexpr const char *StepVerify = "verify";

    enum class Mode { Preview, Execute, Resume };

    struct Settings
    {
        std::chrono::seconds verifyTimeout { 300 };
        std::chrono::milliseconds verifyInterval { 2000 };
        std::chrono::seconds onlineTimeout { 300 }; // after Succeeded, until the database is Online
        std::chrono::milliseconds onlineInterval { 2000 };
        std::chrono::milliseconds firstBackoff { 1000 }; // LRO polls without Retry-After: 1, 2, 4 … s
        std::chrono::seconds maxBackoff { 30 };
        int maxPollFailures = 6; // consecutive failed polls before the step fails
        int retentionDays = 7; // when the API has no backup retention policy (Azure's default)
    };

    // The request's parameters as read (restoreplan.h).
    using Parameters = RestorePlan;

    RestoreRunbook(Mode mode, const ActionRequest &request, RestoreBackend *backend, const Settings &settings,
                   QObject *parent = nullptr);
    ~RestoreRunbook() override;

    void setResumed(const OperationStatus &status) { m_resumed = status; }
    void start();

    // The rules the UI checks too; see RestorePlan.
    static QString defaultRestoreName(const QString &db, const QDateTime &point)
    {
        return RestorePlan::defaultRestoreName(db, point);
    }
    static Result<void> validatePoint(const QDateTime &point, const QDateTime &earliest, const QDateTime &now)
    {
        return RestorePlan::validatePoint(point, earliest, now);
    }
    static Result<QDateTime> parsePoint(const QString &text) { return RestorePlan::parsePoint(text); }
    static Result<void> validateName(const QString &name) { return RestorePlan::validateName(name); }
    static QDateTime serverNow(const QDateTime &earliest, const QDateTime &created, const QDateTime &wallNow,
                               int retentionDays)
    {
        return RestorePlan::serverNow(earliest, created, wallNow, retentionDays);
    }
    static QList<ActionStep> plannedSteps(const Parameters &parameters, const QString &service)
    {
        return RestorePlan::plannedSteps(parameters, service);
    }

Q_SIGNALS:
    void previewReady(const Opsdeck::ActionPreview &preview);
    void operationChanged(const Opsdeck::OperationStatus &status);
    void failed(const QUuid &requestId, const Opsdeck::Error &error);

private:
    struct Source
    {
        QString id;
        QString location;
        QString status;
        QString service; // its Service tag
        QDateTime earliest;
        QDateTime created;
    };

    // Preview
    void previewChecked(const Source &source);
    void previewAccess();
    void previewRepoint();
    void previewRestart();
    // Checks shared by preview and execute: the source, the point, the target name.
    void checkSource(std::function<void(const Source &)> next);
    void checkTarget(std::function<void()> next);
    // A check failed: the preview fails, a running restore fails (or is refused) at step 1.
    void stop(const Error &error, int httpStatus, const QString &response);
    template<typename Callback> auto guarded(Callback callback);

    // Execute / resume
    void runFrom(int index);
    int indexOf(const char *key) const;
    QString keyAt(int index) const;
    bool isCompleted(const QString &key) const;
    void completeStep(int index, int httpStatus, const QString &response);
    void startRestore();
    void putRestore(const Source &source);
    void pollOperation();
    void onOperationReply(const RestoreReply &reply, bool viaAsyncOperation);
    void pollAgain(const RestoreReply &reply);
    void pollFailed(const RestoreReply &reply);
    void waitOnline();
    void runRepoint();
    void runRestart();
    void runVerify();
    void verifyRound();

    void setStepRunning(int index, const QString &message);
    void stepRequest(int index, const QString &request);
    void emitStatus(const QString &message);
    void failStep(int index, const Error &error, int httpStatus, const QString &response,
                  OperationStatus::State state = OperationStatus::State::Failed);
    void succeed();
    void previewFailed(const Error &error);
    int percentFor(int index, double within) const;
    Error armError(const QString &what, const RestoreReply &reply, const QString &hint) const;
    std::chrono::milliseconds nextDelay(const RestoreReply &reply);
    QString restoredName() const;

    Mode m_mode;
    ActionRequest m_request;
    RestoreBackend *m_backend;
    Settings m_settings;
    std::optional<OperationStatus> m_resumed;
    Parameters m_parameters;
    ActionPreview m_preview;
    OperationStatus m_status;
    int m_restoreStep = 0; // indexes into m_status.steps
    std::chrono::milliseconds m_backoff { 0 };
    int m_pollFailures = 0;
    QDateTime m_onlineDeadline;
    QDateTime m_verifyDeadline;
    QString m_lastWrong;
    bool m_done = false;
};

} // namespace Opsdeck
