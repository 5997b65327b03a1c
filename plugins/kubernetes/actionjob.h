#pragma once

// One preview, execution or resumption of a Kubernetes action (DESIGN §8), from reading the objects to
// the last answer: permission (SelfSubjectAccessReview per verb and resource), the server-side dry run of
// every write turned into a diff, then the real writes one step at a time — each step's request and
// answer in OperationStatus.steps, progress in percent, the rollout waited for by polling the
// Deployment's status. A 409 on a pinned resourceVersion re-reads the object and says what changed;
// a resumed operation reads the state back and continues from the first step not yet true. Lives on the
// provider's thread and deletes itself when done.

#include "actionplan.h"
#include "actiontargets.h"
#include "actiontypes.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QTimer>

#include <chrono>

class ActionClient;
class ActionPermissions;
struct ActionReply;

// What a preview showed: per object ("Ingress/productservice-canary") its resourceVersion and content.
// The execution pins those versions, so a change in between is a 409, not a silent overwrite.
struct ShownObjects
{
    QHash<QString, QString> versions;
    QHash<QString, QJsonObject> objects;
};

class ActionJob : public QObject
{
    Q_OBJECT

public:
    enum class Mode { Preview, Execute, Resume };
    struct Settings
    {
        QString appLabel = QStringLiteral("app");
        bool accessReview = true;
        std::chrono::milliseconds pollInterval{1000};
        std::chrono::seconds rolloutTimeout{600};
    };

    ActionJob(Mode mode, const Opsdeck::ActionRequest &request, ActionClient *client, ActionPermissions *permissions,
              const Settings &settings, QObject *parent);

    void setShown(const ShownObjects &shown) { m_shown = shown; }     // Execute: pin what the preview showed
    void setResumed(const Opsdeck::OperationStatus &status) { m_resumed = status; } // Resume: the journal's state
    const ShownObjects &shown() const { return m_shown; }
    void start();

Q_SIGNALS:
    void previewReady(const Opsdeck::ActionPreview &preview);
    void operationChanged(const Opsdeck::OperationStatus &status);
    void failed(const QUuid &requestId, const Opsdeck::Error &error);
    void accessChecked(); // new answers are in the permission cache

private:
    void onTargets(const ActionTargets &targets);
    void checkAccess();
    void dryRun(int index);
    void finishPreview();
    void deny(const QString &reason);
    void runStep(int index);
    void sendStep(int index);
    void poll(int index);
    void onConflict(int index, const ActionReply &reply);
    void endOperation(Opsdeck::OperationStatus::State state, const QString &message,
                      const std::optional<Opsdeck::Error> &error = std::nullopt);
    void emitStatus(int index, double within);
    void fail(const Opsdeck::Error &error); // before any step ran
    void done();
    static QString key(const PlannedStep &step) { return step.objectKind + u'/' + step.objectName; }
    QList<Opsdeck::ActionChange> changesOf(const PlannedStep &step, const QJsonObject &after) const;

    Mode m_mode;
    Opsdeck::ActionRequest m_request;
    ActionClient *m_client;
    ActionPermissions *m_permissions;
    Settings m_settings;
    ActionTargets m_targets;
    ActionPlan m_plan;
    ShownObjects m_shown;
    std::optional<Opsdeck::OperationStatus> m_resumed;
    bool m_checkingDone = false; // resuming: steps are checked against the real state until one is not done
    Opsdeck::ActionPreview m_preview;
    Opsdeck::OperationStatus m_status;
    QTimer m_pollTimer;
    QDateTime m_waitDeadline;
    bool m_finished = false;
};
