#pragma once

// Actions a plugin offers on a service (DESIGN §4, §8): which apply, a preview (permission check and
// server-side dry run as a diff), execution, and the status of the operation until it is final. Every
// call is asynchronous and answered by a signal carrying the caller's request id, so the provider can
// live on a worker thread and be driven by queued calls (QMetaObject::invokeMethod) with values only.

#include "actiontypes.h"
#include "servicekey.h"
#include "sourceconfig.h"

#include <QObject>

namespace Opsdeck {

class ActionProvider : public QObject
{
    Q_OBJECT

public:
    explicit ActionProvider(QObject *parent = nullptr);
    ~ActionProvider() override;

    // Which of this provider's actions apply to a service, from what the provider knows now. Cheap: no
    // network. Unavailable ones are listed with the reason (the UI shows them disabled).
    virtual QList<ActionDescriptor> actionsFor(const ServiceKey &service) const = 0;

public Q_SLOTS:
    // Answers with previewReady or failed. Nothing is changed.
    virtual void preview(const Opsdeck::ActionRequest &request) = 0;
    // Applies the change; answers with operationChanged until isFinal(), or failed before it began.
    virtual void execute(const Opsdeck::ActionRequest &request) = 0;
    // Picks up an operation still running when the app last exited (journal, DESIGN §8). The default
    // reports that this provider cannot track it.
    virtual void resume(const Opsdeck::OperationStatus &status);

Q_SIGNALS:
    void previewReady(const Opsdeck::ActionPreview &preview);
    void operationChanged(const Opsdeck::OperationStatus &status);
    void failed(const QUuid &requestId, const Opsdeck::Error &error);
};

} // namespace Opsdeck
