#include "actionservice.h"

#include "journal.h"
#include "logging.h"
#include "observation.h"

#include <QMetaObject>

namespace Opsdeck {

namespace {

QString describe(const ActionService::Confirmation &confirmation)
{
    switch (confirmation.method) {
    case ActionService::Confirmation::Method::Dialog:
        return QStringLiteral("dialog");
    case ActionService::Confirmation::Method::TypedName:
        return QStringLiteral("typed %1").arg(confirmation.typedName);
    case ActionService::Confirmation::Method::CommandLineYes:
        return QStringLiteral("--yes");
    }
    Q_UNREACHABLE();
    return {};
}

// Refusals are answers, not failures: the server or a rule said no on purpose (CLI.md exit 3).
bool isRefusal(ErrorKind kind)
{
    return kind == ErrorKind::Forbidden || kind == ErrorKind::Unauthorized || kind == ErrorKind::Conflict
        || kind == ErrorKind::Invalid;
}

} // namespace

ActionService::ActionService(Journal &journal, QObject *parent)
    : QObject(parent)
    , m_journal(journal)
{
    registerObservationMetaTypes();
    qRegisterMetaType<ActionStep>();
    connect(&m_journal, &Journal::writeFailed, this, &ActionService::journalFailed);
}

ActionService::~ActionService() = default;

void ActionService::addProvider(ActionProvider *provider)
{
    Q_ASSERT(provider);
    if (m_providers.contains(provider))
        return;
    m_providers.append(provider);
    // Auto connections: queued when the provider lives on a worker thread.
    connect(provider, &ActionProvider::previewReady, this, &ActionService::onPreviewReady);
    connect(provider, &ActionProvider::operationChanged, this, &ActionService::onOperationChanged);
    connect(provider, &ActionProvider::failed, this, &ActionService::onProviderFailed);
    connect(provider, &QObject::destroyed, this, &ActionService::onProviderDestroyed);
}

void ActionService::removeProvider(ActionProvider *provider)
{
    disconnect(provider, nullptr, this, nullptr);
    onProviderDestroyed(provider);
}

void ActionService::onProviderDestroyed(QObject *provider)
{
    m_providers.removeIf(
        [provider](const QPointer<ActionProvider> &p) { return p.isNull() || p == provider; });
    for (auto it = m_pending.begin(); it != m_pending.end();) {
        if (!it->provider.isNull() && it->provider.data() != provider) {
            ++it;
            continue;
        }
        // A running action's entry stays `started`: the next start finds it interrupted.
        const QUuid id = it.key();
        const bool wasRunning = it->stage == Stage::Running;
        it = m_pending.erase(it);
        Q_EMIT failed(id,
                      Error { ErrorKind::Plugin,
                              wasRunning ? QStringLiteral("the plugin running this action went away")
                                         : QStringLiteral("the plugin for this action went away"),
                              QStringLiteral("check the target's state; the journal keeps the action"),
                              std::nullopt });
    }
}

void ActionService::setUserResolver(UserResolver resolver)
{
    m_userResolver = std::move(resolver);
}

void ActionService::setReadOnly(bool readOnly)
{
    m_readOnly = readOnly;
}

QString ActionService::userFor(const ServiceKey &service) const
{
    return m_userResolver ? m_userResolver(service) : QString();
}

QList<ActionDescriptor> ActionService::actionsFor(const ServiceKey &service) const
{
    QList<ActionDescriptor> actions;
    if (m_readOnly)
        return actions;
    for (const QPointer<ActionProvider> &provider : m_providers) {
        if (provider)
            actions += provider->actionsFor(service);
    }
    return actions;
}

Result<QUuid> ActionService::preview(ActionRequest request)
{
    if (request.id.isNull())
        request.id = QUuid::createUuid();
    if (m_pending.contains(request.id))
        return makeError(ErrorKind::Invalid,
                         QStringLiteral("request %1 is already in progress")
                             .arg(request.id.toString(QUuid::WithoutBraces)));
    Pending pending;
    pending.request = request;
    pending.user = userFor(request.service);
    for (const QPointer<ActionProvider> &provider : std::as_const(m_providers)) {
        if (!provider)
            continue;
        for (const ActionDescriptor &descriptor : provider->actionsFor(request.service)) {
            if (descriptor.id == request.actionId && !pending.provider) {
                pending.provider = provider;
                pending.descriptor = descriptor;
            }
        }
    }
    if (m_readOnly) {
        const Error error {
            ErrorKind::Forbidden,
            QStringLiteral("%1 on %2: Opsdeck runs read-only").arg(request.actionId, request.service.name),
            QStringLiteral("start Opsdeck without --read-only to act"), std::nullopt
        };
        refuse(pending, error);
        return tl::unexpected(error);
    }
    if (!pending.provider)
        return makeError(
            ErrorKind::Invalid,
            QStringLiteral("no plugin offers the action '%1' for %2/%3 in context %4")
                .arg(request.actionId, request.service.ns, request.service.name, request.service.context),
            QStringLiteral("check the action's name and that the service's source is loaded"));
    if (!pending.descriptor.available) {
        const Error error { ErrorKind::Invalid,
                            QStringLiteral("%1 on %2: %3")
                                .arg(request.actionId, request.service.name,
                                     pending.descriptor.unavailableReason),
                            QString(), std::nullopt };
        refuse(pending, error);
        return tl::unexpected(error);
    }
    if (serviceBusy(request.service, request.id)) {
        const Error error { ErrorKind::Conflict,
                            QStringLiteral("%1 on %2: another action on this service is still running")
                                .arg(request.actionId, request.service.name),
                            QStringLiteral("wait for it to finish"), std::nullopt };
        refuse(pending, error);
        return tl::unexpected(error);
    }
    ActionProvider *provider = pending.provider;
    m_pending.insert(request.id, pending);
    // Always queued: the answer never arrives inside this call, whichever thread the provider is on.
    QMetaObject::invokeMethod(
        provider, [provider, request] { provider->preview(request); }, Qt::QueuedConnection);
    return request.id;
}

void ActionService::onPreviewReady(const ActionPreview &preview)
{
    auto it = m_pending.find(preview.requestId);
    if (it == m_pending.end() || it->stage != Stage::Previewing)
        return; // another client's request, or one cancelled meanwhile
    if (!preview.allowed) {
        const Pending pending = *it;
        m_pending.erase(it);
        refuse(pending,
               Error { ErrorKind::Forbidden,
                       QStringLiteral("%1 on %2: %3")
                           .arg(pending.request.actionId, pending.request.service.name,
                                preview.deniedReason.isEmpty() ? QStringLiteral("not permitted")
                                                               : preview.deniedReason),
                       QStringLiteral("ask for the permission, or use a context that has it"),
                       std::nullopt });
        return;
    }
    it->preview = preview;
    it->stage = Stage::AwaitingConfirmation;
    Q_EMIT previewReady(preview);
}

std::optional<ActionPreview> ActionService::previewFor(const QUuid &requestId) const
{
    auto it = m_pending.constFind(requestId);
    if (it == m_pending.constEnd() || it->stage != Stage::AwaitingConfirmation)
        return std::nullopt;
    return it->preview;
}

bool ActionService::typedConfirmationRequired(const Pending &pending) const
{
    if (pending.descriptor.destructive || pending.preview.destructive)
        return true;
    return std::any_of(pending.preview.steps.cbegin(), pending.preview.steps.cend(),
                       [](const ActionStep &step) { return step.destructive; });
}

bool ActionService::needsTypedConfirmation(const QUuid &requestId) const
{
    auto it = m_pending.constFind(requestId);
    return it != m_pending.constEnd() && typedConfirmationRequired(*it);
}

bool ActionService::serviceBusy(const ServiceKey &service, const QUuid &except) const
{
    for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it) {
        if (it.key() != except && it->stage == Stage::Running && it->request.service == service)
            return true;
    }
    return false;
}

Result<qint64> ActionService::confirm(const QUuid &requestId, const Confirmation &confirmation)
{
    auto it = m_pending.find(requestId);
    if (it == m_pending.end() || it->stage != Stage::AwaitingConfirmation)
        return makeError(ErrorKind::Invalid,
                         QStringLiteral("request %1 has no preview awaiting confirmation")
                             .arg(requestId.toString(QUuid::WithoutBraces)),
                         QStringLiteral("preview the action first"));
    if (m_readOnly) {
        const Pending pending = *it;
        m_pending.erase(it);
        const Error error { ErrorKind::Forbidden,
                            QStringLiteral("%1 on %2: Opsdeck runs read-only")
                                .arg(pending.request.actionId, pending.request.service.name),
                            QStringLiteral("start Opsdeck without --read-only to act"), std::nullopt };
        refuse(pending, error, describe(confirmation));
        return tl::unexpected(error);
    }
    const QString name = it->request.service.name;
    if (typedConfirmationRequired(*it) && confirmation.method != Confirmation::Method::CommandLineYes
        && (confirmation.method != Confirmation::Method::TypedName || confirmation.typedName != name))
        return makeError(
            ErrorKind::Invalid,
            QStringLiteral("%1 on %2 changes traffic or capacity and needs the service name typed")
                .arg(it->request.actionId, name),
            QStringLiteral("type \"%1\" to confirm").arg(name));
    if (serviceBusy(it->request.service, requestId))
        return makeError(ErrorKind::Conflict,
                         QStringLiteral("%1 on %2: another action on this service is still running")
                             .arg(it->request.actionId, name),
                         QStringLiteral("wait for it to finish, then preview again"));
    if (!it->provider) {
        m_pending.erase(it);
        return makeError(ErrorKind::Plugin, QStringLiteral("the plugin for this action went away"));
    }

    // Written before anything runs: if this fails, nothing runs.
    JournalEntry entry;
    entry.requestId = requestId;
    entry.startedAt = QDateTime::currentDateTimeUtc();
    entry.user = it->user;
    entry.service = it->request.service;
    entry.track = it->request.track;
    entry.action = it->request.actionId;
    entry.parameters = it->request.parameters;
    entry.preview = it->preview.changes;
    entry.warnings = it->preview.warnings;
    entry.confirmation = describe(confirmation);
    entry.status = JournalStatus::Started;
    entry.message = QStringLiteral("requested");
    entry.steps = it->preview.steps;
    auto id = m_journal.add(entry);
    if (!id)
        return tl::unexpected(Error { id.error().kind, id.error().message,
                                      QStringLiteral("the action was not run; %1").arg(id.error().hint),
                                      std::nullopt });

    it->stage = Stage::Running;
    it->journalId = *id;
    it->last = OperationStatus {};
    it->last.requestId = requestId;
    it->last.actionId = it->request.actionId;
    it->last.service = it->request.service;
    it->last.state = OperationStatus::State::Pending;
    it->last.started = entry.startedAt;
    it->last.updated = entry.startedAt;
    it->last.message = entry.message;
    it->last.steps = entry.steps;
    it->last.track = it->request.track;
    it->last.parameters = it->request.parameters;
    ActionProvider *provider = it->provider;
    const ActionRequest request = it->request;
    QMetaObject::invokeMethod(
        provider, [provider, request] { provider->execute(request); }, Qt::QueuedConnection);
    return *id;
}

void ActionService::cancel(const QUuid &requestId)
{
    auto it = m_pending.find(requestId);
    if (it != m_pending.end() && it->stage != Stage::Running)
        m_pending.erase(it);
}

void ActionService::refuse(const Pending &pending, const Error &error, const QString &confirmation)
{
    JournalEntry entry;
    entry.requestId = pending.request.id;
    entry.startedAt = QDateTime::currentDateTimeUtc();
    entry.finishedAt = entry.startedAt;
    entry.user = pending.user;
    entry.service = pending.request.service;
    entry.track = pending.request.track;
    entry.action = pending.request.actionId;
    entry.parameters = pending.request.parameters;
    entry.preview = pending.preview.changes;
    entry.warnings = pending.preview.warnings;
    entry.confirmation = confirmation;
    entry.status = JournalStatus::Refused;
    entry.message = error.message;
    entry.error = error;
    if (auto written = m_journal.add(entry); !written) {
        qCWarning(lcCore).noquote() << "refusal not journaled:" << toString(written.error());
        Q_EMIT journalFailed(written.error());
    }
    Q_EMIT refused(pending.request.id, error);
}

void ActionService::onOperationChanged(const OperationStatus &status)
{
    auto it = m_pending.find(status.requestId);
    if (it == m_pending.end() || it->stage != Stage::Running)
        return;
    track(*it, status);
}

void ActionService::track(Pending &pending, OperationStatus status)
{
    // Keep what the provider left out, so the journal and a later resume have the whole picture.
    if (status.actionId.isEmpty())
        status.actionId = pending.request.actionId;
    if (status.service == ServiceKey {})
        status.service = pending.request.service;
    if (!status.started.isValid())
        status.started = pending.last.started;
    if (!status.updated.isValid())
        status.updated = QDateTime::currentDateTimeUtc();
    if (status.steps.isEmpty())
        status.steps = pending.last.steps;
    if (status.parameters.isEmpty())
        status.parameters = pending.request.parameters;
    status.track = pending.request.track;
    pending.last = status;

    // A failed write is kept by the journal and retried; the operation goes on either way.
    (void)m_journal.record(pending.journalId, status);
    Q_EMIT operationChanged(status);
    if (status.isFinal()) {
        m_pending.remove(status.requestId);
        Q_EMIT finished(status);
    }
}

void ActionService::onProviderFailed(const QUuid &requestId, const Error &error)
{
    auto it = m_pending.find(requestId);
    if (it == m_pending.end())
        return;
    switch (it->stage) {
    case Stage::Previewing: {
        const Pending pending = *it;
        m_pending.erase(it);
        if (isRefusal(error.kind))
            refuse(pending, error);
        else
            Q_EMIT failed(requestId, error);
        return;
    }
    case Stage::AwaitingConfirmation:
        return; // nothing outstanding at the provider
    case Stage::Running: {
        OperationStatus status = it->last;
        status.state
            = isRefusal(error.kind) ? OperationStatus::State::Refused : OperationStatus::State::Failed;
        status.error = error;
        status.message = error.message;
        status.updated = QDateTime::currentDateTimeUtc();
        track(*it, status);
        return;
    }
    }
}

QList<OperationStatus> ActionService::running() const
{
    QList<OperationStatus> list;
    for (const Pending &pending : m_pending) {
        if (pending.stage == Stage::Running)
            list << pending.last;
    }
    return list;
}

Result<QList<JournalEntry>> ActionService::interrupted() const
{
    return m_journal.interrupted();
}

Result<void> ActionService::resume(qint64 journalId)
{
    auto entry = m_journal.entry(journalId);
    if (!entry)
        return tl::unexpected(entry.error());
    if (m_readOnly)
        return makeError(
            ErrorKind::Forbidden,
            QStringLiteral("%1 on %2: Opsdeck runs read-only").arg(entry->action, entry->service.name),
            QStringLiteral("start Opsdeck without --read-only to resume it"));
    if (entry->status != JournalStatus::Interrupted)
        return makeError(
            ErrorKind::Invalid,
            QStringLiteral("action %1 is %2, not interrupted").arg(journalId).arg(toString(entry->status)),
            QStringLiteral("only an interrupted action can be resumed"));
    if (serviceBusy(entry->service, entry->requestId))
        return makeError(ErrorKind::Conflict,
                         QStringLiteral("%1 on %2: another action on this service is running")
                             .arg(entry->action, entry->service.name),
                         QStringLiteral("wait for it to finish"));
    // Any provider that knows the action for this service, available now or not: the state has moved on.
    ActionProvider *provider = nullptr;
    ActionDescriptor descriptor;
    for (const QPointer<ActionProvider> &candidate : std::as_const(m_providers)) {
        if (!candidate || provider)
            continue;
        for (const ActionDescriptor &d : candidate->actionsFor(entry->service)) {
            if (d.id == entry->action) {
                provider = candidate;
                descriptor = d;
                break;
            }
        }
    }
    if (!provider)
        return makeError(ErrorKind::Plugin,
                         QStringLiteral("no plugin offers '%1' for %2 to resume action %3")
                             .arg(entry->action, entry->service.name)
                             .arg(journalId),
                         QStringLiteral("load the plugin, or mark the action abandoned"));
    if (auto marked = m_journal.markResumed(journalId); !marked)
        return marked;

    Pending pending;
    pending.request
        = ActionRequest { entry->requestId, entry->action, entry->service, entry->track, entry->parameters };
    pending.provider = provider;
    pending.descriptor = descriptor;
    pending.user = entry->user;
    pending.stage = Stage::Running;
    pending.journalId = journalId;
    OperationStatus status;
    status.requestId = entry->requestId;
    status.actionId = entry->action;
    status.service = entry->service;
    status.state = OperationStatus::State::Running;
    status.percent = entry->percent;
    status.message = QStringLiteral("resuming");
    status.started = entry->startedAt;
    status.updated = QDateTime::currentDateTimeUtc();
    status.changes = entry->result;
    status.steps = entry->steps;
    status.track = entry->track;
    status.parameters = entry->parameters;
    pending.last = status;
    m_pending.insert(entry->requestId, pending);
    QMetaObject::invokeMethod(
        provider, [provider, status] { provider->resume(status); }, Qt::QueuedConnection);
    return {};
}

Result<void> ActionService::abandon(qint64 journalId, const QString &reason)
{
    return m_journal.markAbandoned(journalId, reason);
}

} // namespace Opsdeck
