#pragma once

// Runs actions safely (DESIGN §8): permission check → preview (the provider's server-side dry run and
// diff) → confirmation (the service name typed for destructive steps) → journal `started` → execute →
// journal each step → track until final. Refuses everything in read-only mode. Asynchronous: providers
// are driven by queued calls and answer with signals, so nothing here waits; the journal's writes are
// small and done on this object's thread. Interrupted actions found in the journal can be resumed (the
// provider reads the real state back) or abandoned.

#include "actionprovider.h"
#include "actiontypes.h"
#include "error.h"
#include "journalentry.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QUuid>

#include <functional>
#include <optional>

namespace Opsdeck {

class Journal;

class ActionService : public QObject
{
    Q_OBJECT

public:
    struct Confirmation
    {
        enum class Method {
            Dialog, // a click on Apply
            TypedName, // the service name typed (required for destructive steps)
            CommandLineYes, // `opsdeck act … --yes`: the script's explicit consent
        };
        Method method = Method::Dialog;
        QString typedName;
    };

    // The kubeconfig user of a service's context: who is acting, for the journal.
    using UserResolver = std::function<QString(const ServiceKey &service)>;

    explicit ActionService(Journal &journal, QObject *parent = nullptr);
    ~ActionService() override;

    // Not owned; may live on another thread. Its answers are matched by request id.
    void addProvider(ActionProvider *provider);
    void removeProvider(ActionProvider *provider);
    void setUserResolver(UserResolver resolver);
    void setReadOnly(bool readOnly);
    bool isReadOnly() const { return m_readOnly; }

    // Every provider's actions for the service; none in read-only mode (`--read-only` hides them).
    QList<ActionDescriptor> actionsFor(const ServiceKey &service) const;

    // Step 1: permission check and dry run. Answers previewReady, refused (journaled) or failed. Returns
    // the request id (request.id, or a new one when null). Nothing is changed.
    Result<QUuid> preview(ActionRequest request);
    // The preview received for a request that awaits confirmation.
    std::optional<ActionPreview> previewFor(const QUuid &requestId) const;
    bool needsTypedConfirmation(const QUuid &requestId) const;
    // Step 2: checks the confirmation, writes the journal entry (status started, the planned steps) and
    // only then asks the provider to execute. Returns the journal id. A wrong typed name or a failed
    // journal write returns an Error and runs nothing; the preview stays pending for another try.
    Result<qint64> confirm(const QUuid &requestId, const Confirmation &confirmation);
    // Drops a preview nobody confirmed.
    void cancel(const QUuid &requestId);

    // Operations running now, as last reported.
    QList<OperationStatus> running() const;

    // Interrupted actions (found when the journal opened).
    Result<QList<JournalEntry>> interrupted() const;
    // Hands an interrupted action to its provider to read its real state back and finish it.
    Result<void> resume(qint64 journalId);
    Result<void> abandon(qint64 journalId, const QString &reason);

Q_SIGNALS:
    void previewReady(const Opsdeck::ActionPreview &preview);
    void refused(const QUuid &requestId, const Opsdeck::Error &error); // journaled
    void failed(const QUuid &requestId, const Opsdeck::Error &error); // the preview could not be made
    void operationChanged(const Opsdeck::OperationStatus &status);
    void finished(const Opsdeck::OperationStatus &status);
    void journalFailed(const Opsdeck::Error &error); // a step could not be written yet (it is retried)

private:
    enum class Stage {
        Previewing,
        AwaitingConfirmation,
        Running,
    };
    struct Pending
    {
        ActionRequest request;
        QPointer<ActionProvider> provider;
        ActionDescriptor descriptor;
        QString user;
        Stage stage = Stage::Previewing;
        ActionPreview preview;
        qint64 journalId = 0;
        OperationStatus last;
    };

    void onPreviewReady(const ActionPreview &preview);
    void onOperationChanged(const OperationStatus &status);
    void onProviderFailed(const QUuid &requestId, const Error &error);
    void onProviderDestroyed(QObject *provider);
    void refuse(const Pending &pending, const Error &error, const QString &confirmation = {});
    void track(Pending &pending, OperationStatus status);
    bool typedConfirmationRequired(const Pending &pending) const;
    bool serviceBusy(const ServiceKey &service, const QUuid &except) const;
    QString userFor(const ServiceKey &service) const;

    Journal &m_journal;
    QList<QPointer<ActionProvider>> m_providers;
    QHash<QUuid, Pending> m_pending;
    UserResolver m_userResolver;
    bool m_readOnly = false;
};

} // namespace Opsdeck
