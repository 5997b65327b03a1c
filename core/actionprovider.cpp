#include "actionprovider.h"

namespace Opsdeck {

ActionProvider::ActionProvider(QObject *parent)
    : QObject(parent)
{
}

ActionProvider::~ActionProvider() = default;

void ActionProvider::resume(const OperationStatus &status)
{
    OperationStatus lost = status;
    lost.state = OperationStatus::State::Failed;
    lost.updated = QDateTime::currentDateTimeUtc();
    lost.error = Error{ErrorKind::Invalid,
                       QStringLiteral("operation %1 cannot be tracked after a restart by this plugin")
                           .arg(status.requestId.toString(QUuid::WithoutBraces)),
                       QStringLiteral("check the target's state by hand"), std::nullopt};
    Q_EMIT operationChanged(lost);
}

} // namespace Opsdeck
