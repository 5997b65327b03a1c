#include "restorerunbook.h"

#include <QJsonDocument>

#include <algorithm>

namespace Opsdeck {

namespace {

const QString kRestoredDatabase = QStringLiteral("restoredDatabase");
const QString kOperationUrl = QStringLiteral("operationUrl");
const QString kLocationUrl = QStringLiteral("locationUrl");
const QString kRestartedAt = QStringLiteral("restartedAt");
const QString kCompletedSteps = QStringLiteral("completedSteps");

QString isoUtc(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODate);
}

QDateTime dateOf(const QJsonObject &properties, const QString &key)
{
    return QDateTime::fromString(properties.value(key).toString(), Qt::ISODateWithMs).toUTC();
}

QString compact(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

// A refusal (exit 3, journaled "refused") rather than a failure: the request itself cannot be done.
OperationStatus::State stateFor(const Error &error)
{
    switch (error.kind) {
    case ErrorKind::Invalid:
    case ErrorKind::Conflict:
    case ErrorKind::Forbidden:
    case ErrorKind::Unauthorized:
        return OperationStatus::State::Refused;
    default:
        return OperationStatus::State::Failed;
    }
}

bool transient(const RestoreReply &reply)
{
    return reply.status == 0 || reply.status == 408 || reply.status == 429 || reply.status >= 500;
}

} // namespace

template<typename Callback> auto RestoreRunbook::guarded(Callback callback)
{
    // The backend may answer after the runbook has gone (its provider stopped it).
    return [self = QPointer<RestoreRunbook>(this), callback = std::move(callback)](const auto &answer) {
        if (self)
            callback(answer);
    };
}

RestoreRunbook::RestoreRunbook(Mode mode, const ActionRequest &request, RestoreBackend *backend,
                               const Settings &settings, QObject *parent)
    : QObject(parent)
    , m_mode(mode)
    , m_request(request)
    , m_backend(backend)
    , m_settings(settings)
{ }

RestoreRunbook::~RestoreRunbook() = default;

// --- start ------------------------------------------------------------------------------------------

void RestoreRunbook::start()
{
    const QVariantMap parameters = m_resumed ? m_resumed->parameters : m_request.parameters;
    const Result<Parameters> read = Parameters::read(parameters);
    if (!read) {
        if (m_mode == Mode::Preview) {
            previewFailed(read.error());
        } else {
            m_status.requestId = m_request.id;
            m_status.actionId = m_request.actionId;
            m_status.service = m_request.service;
            m_status.parameters = parameters;
            m_status.state = OperationStatus::State::Refused;
            m_status.error = read.error();
            m_status.message = read.error().message;
            m_status.updated = m_backend->now();
            Q_EMIT operationChanged(m_status);
            deleteLater();
        }
        return;
    }
    m_parameters = *read;

    if (m_mode == Mode::Preview) {
        m_preview.requestId = m_request.id;
        m_preview.allowed = true;
        m_preview.destructive = true;
        m_preview.steps = plannedSteps(m_parameters, m_request.service.name);
        checkSource([this](const Source &source) { previewChecked(source); });
        return;
    }

    m_status.requestId = m_request.id;
    m_status.actionId = m_request.actionId;
    m_status.service = m_request.service;
    m_status.track = m_request.track;
    m_status.state = OperationStatus::State::Running;
    m_status.started = m_resumed && m_resumed->started.isValid() ? m_resumed->started : m_backend->now();
    m_status.parameters = parameters;
    m_status.steps = plannedSteps(m_parameters, m_request.service.name);
    if (m_resumed) {
        m_status.changes = m_resumed->changes;
        // Keep what the journal knows of each step (requests, answers, times) when the plan matches.
        if (m_resumed->steps.size() == m_status.steps.size()) {
            for (int i = 0; i < m_status.steps.size(); ++i) {
                if (m_resumed->steps[i].title == m_status.steps[i].title)
                    m_status.steps[i] = m_resumed->steps[i];
            }
        }
        for (int i = 0; i < m_status.steps.size(); ++i) {
            ActionStep &step = m_status.steps[i];
            if (isCompleted(keyAt(i)))
                step.state = ActionStep::State::Succeeded;
            else if (step.state != ActionStep::State::Pending)
                step.state = ActionStep::State::Running; // picked up again
        }
    }
    m_restoreStep = indexOf(StepRestore);
    runFrom(0);
}

// --- checks -----------------------------------------------------------------------------------------

void RestoreRunbook::checkSource(std::function<void(const Source &)> next)
{
    const QString db = m_parameters.database;
    m_backend->getDatabase(
        db, guarded([this, db, next](const RestoreReply &reply) {
            if (reply.status == 404) {
                stop(Error { ErrorKind::Invalid,
                             QStringLiteral("there is no database '%1' on server %2")
                                 .arg(db, m_backend->serverName()),
                             QStringLiteral("check the name; the Database tab lists the service's databases"),
                             std::nullopt },
                     reply.status, reply.armErrorMessage());
                return;
            }
            if (!reply.ok()) {
                stop(armError(QStringLiteral("reading database %1").arg(db), reply,
                              QStringLiteral("check the Azure sign-in and try again")),
                     reply.status, reply.armErrorMessage());
                return;
            }
            const QJsonObject properties = reply.object.value(QStringLiteral("properties")).toObject();
            Source source;
            source.id = reply.object.value(QStringLiteral("id")).toString();
            if (source.id.isEmpty())
                source.id = m_backend->databaseId(db);
            source.location = reply.object.value(QStringLiteral("location")).toString();
            source.status = properties.value(QStringLiteral("status")).toString();
            source.service = reply.object.value(QStringLiteral("tags"))
                                 .toObject()
                                 .value(QStringLiteral("Service"))
                                 .toString();
            source.earliest = dateOf(properties, QStringLiteral("earliestRestoreDate"));
            source.created = dateOf(properties, QStringLiteral("creationDate"));
            m_backend->getRetention(db, guarded([this, source, next](const RestoreReply &retention) {
                                        int days = m_settings.retentionDays;
                                        const int read = retention.object.value(QStringLiteral("properties"))
                                                             .toObject()
                                                             .value(QStringLiteral("retentionDays"))
                                                             .toInt(0);
                                        if (retention.ok() && read > 0)
                                            days = read;
                                        const QDateTime now = serverNow(source.earliest, source.created,
                                                                        m_backend->now(), days);
                                        if (const Result<void> valid
                                            = validatePoint(m_parameters.pointInTime, source.earliest, now);
                                            !valid) {
                                            stop(valid.error(), 0, valid.error().message);
                                            return;
                                        }
                                        next(source);
                                    }));
        }));
}

void RestoreRunbook::checkTarget(std::function<void()> next)
{
    const QString name = m_parameters.newName;
    m_backend->getDatabase(
        name, guarded([this, name, next](const RestoreReply &reply) {
            if (reply.status == 404) {
                next();
                return;
            }
            if (reply.ok()) {
                const QString status = reply.object.value(QStringLiteral("properties"))
                                           .toObject()
                                           .value(QStringLiteral("status"))
                                           .toString();
                stop(
                    Error {
                        ErrorKind::Conflict,
                        QStringLiteral(
                            "a database named '%1' already exists on server %2%3; a restore never overwrites")
                            .arg(name, m_backend->serverName(),
                                 status.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(status)),
                        QStringLiteral("choose another name for the restored database"), std::nullopt },
                    reply.status, QStringLiteral("%1 exists").arg(name));
                return;
            }
            stop(armError(QStringLiteral("checking that no database '%1' exists").arg(name), reply,
                          QStringLiteral("try again; nothing was changed")),
                 reply.status, reply.armErrorMessage());
        }));
}

void RestoreRunbook::stop(const Error &error, int httpStatus, const QString &response)
{
    if (m_mode == Mode::Preview)
        previewFailed(error);
    else
        failStep(m_restoreStep, error, httpStatus, response, stateFor(error));
}

// --- preview ----------------------------------------------------------------------------------------

void RestoreRunbook::previewChecked(const Source &source)
{
    const QString service = m_request.service.name;
    if (!source.service.isEmpty() && source.service != service)
        m_preview.warnings << QStringLiteral("%1 is tagged Service=%2, not %3")
                                  .arg(m_parameters.database, source.service, service);
    if (!source.status.isEmpty() && source.status != u"Online")
        m_preview.warnings << QStringLiteral("%1 is %2; its backups restore all the same")
                                  .arg(m_parameters.database, source.status);
    if (!m_parameters.repoint)
        m_preview.warnings << QStringLiteral(
                                  "without repoint %1 keeps using the database its %1-db Secret names; "
                                  "the restart only reconnects it")
                                  .arg(service);
    m_preview.changes << ActionChange { QStringLiteral("Database"), m_parameters.newName,
                                        QStringLiteral("create"), QString(),
                                        QStringLiteral("PointInTimeRestore of %1 at %2")
                                            .arg(m_parameters.database, isoUtc(m_parameters.pointInTime)) };
    checkTarget([this] { previewAccess(); });
}

void RestoreRunbook::previewAccess()
{
    m_backend->checkAccess(m_request.service, m_parameters.repoint,
                           guarded([this](const RestoreStepAnswer &answer) {
                               if (answer.error && answer.error->kind == ErrorKind::Forbidden) {
                                   m_preview.allowed = false;
                                   m_preview.deniedReason = answer.error->message;
                                   Q_EMIT previewReady(m_preview);
                                   deleteLater();
                                   return;
                               }
                               if (answer.error) {
                                   previewFailed(*answer.error);
                                   return;
                               }
                               if (m_parameters.repoint)
                                   previewRepoint();
                               else
                                   previewRestart();
                           }));
}

void RestoreRunbook::previewRepoint()
{
    m_backend->repoint(m_request.service, m_parameters.newName, true,
                       guarded([this](const RestoreStepAnswer &answer) {
                           if (answer.error) {
                               previewFailed(*answer.error);
                               return;
                           }
                           m_preview.changes += answer.changes;
                           previewRestart();
                       }));
}

void RestoreRunbook::previewRestart()
{
    m_backend->restart(m_request.service, isoUtc(m_backend->now()), true,
                       guarded([this](const RestoreStepAnswer &answer) {
                           if (answer.error) {
                               previewFailed(*answer.error);
                               return;
                           }
                           m_preview.changes += answer.changes;
                           Q_EMIT previewReady(m_preview);
                           deleteLater();
                       }));
}

void RestoreRunbook::previewFailed(const Error &error)
{
    Q_EMIT failed(m_request.id, error);
    deleteLater();
}

// --- running ----------------------------------------------------------------------------------------

QString RestoreRunbook::keyAt(int index) const
{
    QStringList keys { QString::fromLatin1(StepRestore) };
    if (m_parameters.repoint)
        keys << QString::fromLatin1(StepRepoint);
    keys << QString::fromLatin1(StepRestart) << QString::fromLatin1(StepVerify);
    return keys.value(index);
}

int RestoreRunbook::indexOf(const char *key) const
{
    for (int i = 0; i < m_status.steps.size(); ++i) {
        if (keyAt(i) == QLatin1String(key))
            return i;
    }
    return -1;
}

bool RestoreRunbook::isCompleted(const QString &key) const
{
    return m_status.parameters.value(kCompletedSteps).toStringList().contains(key);
}

QString RestoreRunbook::restoredName() const
{
    const QString recorded = m_status.parameters.value(kRestoredDatabase).toString();
    return recorded.isEmpty() ? m_parameters.newName : recorded;
}

void RestoreRunbook::runFrom(int index)
{
    while (index < m_status.steps.size() && isCompleted(keyAt(index))) {
        m_status.steps[index].state = ActionStep::State::Succeeded;
        ++index;
    }
    if (index >= m_status.steps.size()) {
        succeed();
        return;
    }
    const QString key = keyAt(index);
    if (key == QLatin1String(StepRestore))
        startRestore();
    else if (key == QLatin1String(StepRepoint))
        runRepoint();
    else if (key == QLatin1String(StepRestart))
        runRestart();
    else
        runVerify();
}

void RestoreRunbook::startRestore()
{
    const QString name = restoredName();
    if (m_mode == Mode::Resume) {
        const bool tracked = !m_status.parameters.value(kOperationUrl).toString().isEmpty()
            || !m_status.parameters.value(kLocationUrl).toString().isEmpty();
        if (tracked) {
            setStepRunning(m_restoreStep, QStringLiteral("resuming: tracking the restore of %1").arg(name));
            pollOperation();
            return;
        }
        if (m_status.parameters.contains(kRestoredDatabase)) {
            setStepRunning(m_restoreStep, QStringLiteral("resuming: waiting for %1 to be Online").arg(name));
            waitOnline();
            return;
        }
        // Stopped before the PUT was answered: if the database is there the PUT went through.
        setStepRunning(m_restoreStep, QStringLiteral("resuming: looking for %1").arg(name));
        m_backend->getDatabase(name, guarded([this, name](const RestoreReply &reply) {
                                   if (reply.ok()) {
                                       m_status.parameters.insert(kRestoredDatabase, name);
                                       waitOnline();
                                       return;
                                   }
                                   if (reply.status != 404 && !reply.ok()) {
                                       failStep(m_restoreStep,
                                                armError(QStringLiteral("looking for %1").arg(name), reply,
                                                         QStringLiteral("resume again once Azure answers")),
                                                reply.status, reply.armErrorMessage());
                                       return;
                                   }
                                   checkSource([this](const Source &source) {
                                       checkTarget([this, source] { putRestore(source); });
                                   });
                               }));
        return;
    }
    setStepRunning(m_restoreStep,
                   QStringLiteral("checking %1 and the restore point").arg(m_parameters.database));
    checkSource([this](const Source &source) { checkTarget([this, source] { putRestore(source); }); });
}

void RestoreRunbook::putRestore(const Source &source)
{
    const QJsonObject body {
        { QStringLiteral("location"), source.location },
        { QStringLiteral("properties"),
          QJsonObject { { QStringLiteral("createMode"), QStringLiteral("PointInTimeRestore") },
                        { QStringLiteral("sourceDatabaseId"), source.id },
                        { QStringLiteral("restorePointInTime"), isoUtc(m_parameters.pointInTime) } } },
        // A restore does not copy tags: keep the new database visible as the service's.
        { QStringLiteral("tags"), QJsonObject { { QStringLiteral("Service"), m_request.service.name } } },
    };
    const QString name = m_parameters.newName;
    emitStatus(QStringLiteral("starting the restore of %1 as %2").arg(m_parameters.database, name));
    m_backend->putDatabase(
        name, body, guarded([this, name, body](const RestoreReply &reply) {
            stepRequest(m_restoreStep, QStringLiteral("%1 %2").arg(reply.request, compact(body)));
            ActionStep &step = m_status.steps[m_restoreStep];
            step.httpStatus = reply.status;
            if (!reply.ok()) {
                const QString code = reply.armErrorCode();
                QString hint = QStringLiteral("nothing was restored; try again");
                if (code == u"InvalidPointInTime")
                    hint = QStringLiteral("pick a point inside the database's restore window");
                else if (reply.status == 409)
                    hint = QStringLiteral("wait for the other operation, or choose another name");
                else if (reply.status == 429)
                    hint = QStringLiteral("Azure is throttling; wait a minute and run it again");
                const Error error
                    = armError(QStringLiteral("starting the restore of %1").arg(name), reply, hint);
                failStep(m_restoreStep, error, reply.status,
                         code.isEmpty() ? error.message
                                        : QStringLiteral("%1: %2").arg(code, reply.armErrorMessage()),
                         stateFor(error));
                return;
            }
            m_status.parameters.insert(kRestoredDatabase, name);
            const QString operation = reply.header("azure-asyncoperation");
            const QString location = reply.header("location");
            if (!operation.isEmpty())
                m_status.parameters.insert(kOperationUrl, operation);
            if (!location.isEmpty())
                m_status.parameters.insert(kLocationUrl, location);
            if (reply.status == 202 && (!operation.isEmpty() || !location.isEmpty())) {
                step.response = QStringLiteral("%1 Accepted: restoring").arg(reply.status);
                emitStatus(QStringLiteral("restoring %1 as %2").arg(m_parameters.database, name));
                m_backend->after(nextDelay(reply), this, [this] { pollOperation(); });
                return;
            }
            // Done at once (200/201), or accepted without a way to follow it: watch the database itself.
            step.response = QStringLiteral("%1: %2 created").arg(reply.status).arg(name);
            emitStatus(QStringLiteral("waiting for %1 to be Online").arg(name));
            waitOnline();
        }));
}

void RestoreRunbook::pollOperation()
{
    const QString operation = m_status.parameters.value(kOperationUrl).toString();
    const bool viaAsyncOperation = !operation.isEmpty();
    const QString url = viaAsyncOperation ? operation : m_status.parameters.value(kLocationUrl).toString();
    m_backend->poll(url, guarded([this, viaAsyncOperation](const RestoreReply &reply) {
                        onOperationReply(reply, viaAsyncOperation);
                    }));
}

void RestoreRunbook::onOperationReply(const RestoreReply &reply, bool viaAsyncOperation)
{
    ActionStep &step = m_status.steps[m_restoreStep];
    const QString name = restoredName();
    const QString failedHint
        = QStringLiteral("%1 is untouched; pick another point in time or run the restore again")
              .arg(m_parameters.database);
    if (!reply.ok()) {
        if (reply.status == 404) {
            // The operation is no longer known (an old one, after a restart): the database tells.
            step.response = QStringLiteral("404: the operation is gone; checking %1").arg(name);
            waitOnline();
            return;
        }
        if (!viaAsyncOperation && reply.status >= 400 && reply.status < 500 && !reply.armErrorCode().isEmpty()
            && reply.status != 429) {
            // Location answers the operation's own error once it failed.
            failStep(m_restoreStep,
                     Error { ErrorKind::Invalid,
                             QStringLiteral("the restore of %1 failed: %2: %3")
                                 .arg(name, reply.armErrorCode(), reply.armErrorMessage()),
                             failedHint, std::nullopt },
                     reply.status,
                     QStringLiteral("%1: %2").arg(reply.armErrorCode(), reply.armErrorMessage()),
                     OperationStatus::State::Failed);
            return;
        }
        if (transient(reply)) {
            pollFailed(reply);
            return;
        }
        failStep(
            m_restoreStep,
            armError(QStringLiteral("tracking the restore of %1").arg(name), reply,
                     QStringLiteral(
                         "the restore may still finish on the server; resume the action from the journal")),
            reply.status, reply.armErrorMessage());
        return;
    }
    m_pollFailures = 0;
    step.httpStatus = reply.status;
    if (viaAsyncOperation) {
        const QString status = reply.object.value(QStringLiteral("status")).toString();
        const int percent = reply.object.value(QStringLiteral("percentComplete")).toInt(-1);
        if (status == u"Succeeded") {
            step.response = QStringLiteral("Succeeded");
            emitStatus(QStringLiteral("restore done; waiting for %1 to be Online").arg(name));
            waitOnline();
            return;
        }
        if (status == u"Failed" || status == u"Canceled") {
            const QJsonObject error = reply.object.value(QStringLiteral("error")).toObject();
            const QString code = error.value(QStringLiteral("code")).toString();
            const QString message = error.value(QStringLiteral("message")).toString();
            const QString why = code.isEmpty() ? status : QStringLiteral("%1: %2").arg(code, message);
            failStep(m_restoreStep,
                     Error { ErrorKind::Invalid,
                             QStringLiteral("the restore of %1 %2: %3").arg(name, status.toLower(), why),
                             failedHint, std::nullopt },
                     reply.status, QStringLiteral("%1 %2").arg(status, why), OperationStatus::State::Failed);
            return;
        }
        step.response = percent >= 0 ? QStringLiteral("%1 %2 %").arg(status).arg(percent) : status;
        m_status.percent = percentFor(m_restoreStep, percent >= 0 ? percent / 100.0 : 0);
        emitStatus(percent >= 0 ? QStringLiteral("restoring %1: %2 %").arg(name).arg(percent)
                                : QStringLiteral("restoring %1: %2").arg(name, status));
        pollAgain(reply);
        return;
    }
    // Location: 202 while running, then 200 with the database or 204.
    if (reply.status == 202) {
        step.response = QStringLiteral("202 Accepted: still restoring");
        emitStatus(QStringLiteral("restoring %1").arg(name));
        pollAgain(reply);
        return;
    }
    step.response = QStringLiteral("%1: restore done").arg(reply.status);
    emitStatus(QStringLiteral("restore done; waiting for %1 to be Online").arg(name));
    waitOnline();
}

void RestoreRunbook::pollAgain(const RestoreReply &reply)
{
    m_backend->after(nextDelay(reply), this, [this] { pollOperation(); });
}

void RestoreRunbook::pollFailed(const RestoreReply &reply)
{
    if (++m_pollFailures > m_settings.maxPollFailures) {
        failStep(
            m_restoreStep,
            armError(QStringLiteral("tracking the restore of %1 (%2 polls failed)")
                         .arg(restoredName())
                         .arg(m_pollFailures),
                     reply,
                     QStringLiteral(
                         "the restore may still finish on the server; resume the action from the journal")),
            reply.status, reply.armErrorMessage());
        return;
    }
    m_status.steps[m_restoreStep].response
        = QStringLiteral("poll failed (%1), trying again")
              .arg(reply.error ? reply.error->message : QString::number(reply.status));
    emitStatus(m_status.steps[m_restoreStep].response);
    pollAgain(reply);
}

std::chrono::milliseconds RestoreRunbook::nextDelay(const RestoreReply &reply)
{
    const int retryAfter = reply.retryAfterSeconds();
    if (retryAfter >= 0 && m_pollFailures == 0) {
        m_backoff = std::chrono::milliseconds(0);
        return std::chrono::seconds(retryAfter);
    }
    // No Retry-After (or a failed poll): back off 1, 2, 4 … up to the bound, and never below Retry-After.
    m_backoff = m_backoff.count() == 0
        ? m_settings.firstBackoff
        : std::min<std::chrono::milliseconds>(m_backoff * 2, m_settings.maxBackoff);
    return std::max<std::chrono::milliseconds>(m_backoff, std::chrono::seconds(std::max(0, retryAfter)));
}

void RestoreRunbook::waitOnline()
{
    const QString name = restoredName();
    if (!m_onlineDeadline.isValid())
        m_onlineDeadline = m_backend->now().addSecs(m_settings.onlineTimeout.count());
    m_backend->getDatabase(
        name, guarded([this, name](const RestoreReply &reply) {
            const QString status = reply.object.value(QStringLiteral("properties"))
                                       .toObject()
                                       .value(QStringLiteral("status"))
                                       .toString();
            if (reply.ok() && status == u"Online") {
                m_status.steps[m_restoreStep].request += QStringLiteral("\nGET %1 → Online").arg(name);
                completeStep(m_restoreStep, reply.status, QStringLiteral("%1 is Online").arg(name));
                return;
            }
            if (reply.status == 404) {
                failStep(
                    m_restoreStep,
                    Error {
                        ErrorKind::NotFound,
                        QStringLiteral(
                            "the restored database %1 is not on server %2 (the restore did not finish)")
                            .arg(name, m_backend->serverName()),
                        QStringLiteral("%1 is untouched; run the restore again").arg(m_parameters.database),
                        std::nullopt },
                    reply.status, QStringLiteral("%1 not found").arg(name));
                return;
            }
            if (!reply.ok() && !transient(reply)) {
                failStep(m_restoreStep,
                         armError(QStringLiteral("reading %1").arg(name), reply,
                                  QStringLiteral("resume the action once Azure answers")),
                         reply.status, reply.armErrorMessage());
                return;
            }
            if (m_backend->now() > m_onlineDeadline) {
                failStep(m_restoreStep,
                         Error { ErrorKind::Timeout,
                                 QStringLiteral("%1 was not Online within %2 s (%3)")
                                     .arg(name)
                                     .arg(m_settings.onlineTimeout.count())
                                     .arg(status.isEmpty() ? QStringLiteral("no answer") : status),
                                 QStringLiteral(
                                     "check the database in the Azure portal; resume later from the journal"),
                                 std::nullopt },
                         reply.status, status);
                return;
            }
            m_status.steps[m_restoreStep].response
                = QStringLiteral("%1 is %2")
                      .arg(name, status.isEmpty() ? QStringLiteral("not answering") : status);
            emitStatus(QStringLiteral("waiting for %1 to be Online (%2)").arg(name, status));
            m_backend->after(m_settings.onlineInterval, this, [this] { waitOnline(); });
        }));
}

void RestoreRunbook::runRepoint()
{
    const int index = indexOf(StepRepoint);
    const QString name = restoredName();
    setStepRunning(index, QStringLiteral("pointing %1-db at %2").arg(m_request.service.name, name));
    m_backend->repoint(
        m_request.service, name, false, guarded([this, index, name](const RestoreStepAnswer &answer) {
            stepRequest(index, answer.requests.join(u'\n'));
            if (answer.error) {
                Error error = *answer.error;
                if (error.hint.isEmpty())
                    error.hint
                        = QStringLiteral(
                              "%1 is restored and Online; point %2-db at it by hand, or resume the action")
                              .arg(name, m_request.service.name);
                failStep(index, error, answer.httpStatus, answer.response, stateFor(error));
                return;
            }
            m_status.changes += answer.changes;
            completeStep(index, answer.httpStatus,
                         answer.alreadyDone
                             ? QStringLiteral("%1-db already names %2").arg(m_request.service.name, name)
                             : answer.response);
        }));
}

void RestoreRunbook::runRestart()
{
    const int index = indexOf(StepRestart);
    QString stamp = m_status.parameters.value(kRestartedAt).toString();
    if (stamp.isEmpty()) {
        stamp = isoUtc(m_backend->now());
        m_status.parameters.insert(kRestartedAt, stamp); // journaled before the patch: a resume reuses it
    }
    setStepRunning(index, QStringLiteral("restarting %1").arg(m_request.service.name));
    m_backend->restart(
        m_request.service, stamp, false, guarded([this, index](const RestoreStepAnswer &answer) {
            stepRequest(index, answer.requests.join(u'\n'));
            if (answer.error) {
                Error error = *answer.error;
                if (error.hint.isEmpty())
                    error.hint
                        = QStringLiteral("restart %1 by hand (kubectl rollout restart), or resume the action")
                              .arg(m_request.service.name);
                failStep(index, error, answer.httpStatus, answer.response, stateFor(error));
                return;
            }
            m_status.changes += answer.changes;
            completeStep(index, answer.httpStatus, answer.response);
        }));
}

void RestoreRunbook::runVerify()
{
    const int index = indexOf(StepVerify);
    m_verifyDeadline = m_backend->now().addSecs(m_settings.verifyTimeout.count());
    setStepRunning(index, QStringLiteral("verifying %1").arg(m_request.service.name));
    verifyRound();
}

void RestoreRunbook::verifyRound()
{
    const int index = indexOf(StepVerify);
    const QString stamp = m_status.parameters.value(kRestartedAt).toString();
    m_backend->verify(
        m_request.service, stamp, guarded([this, index](const RestoreVerifyAnswer &answer) {
            ActionStep &step = m_status.steps[index];
            if (!answer.request.isEmpty())
                step.request = answer.request;
            step.httpStatus = answer.httpStatus;
            if (answer.healthy) {
                completeStep(index, answer.httpStatus, QStringLiteral("pods Ready, /health Healthy"));
                return;
            }
            if (answer.error) {
                Error error = *answer.error;
                if (error.hint.isEmpty())
                    error.hint
                        = QStringLiteral("check %1 by hand (pods, /health)").arg(m_request.service.name);
                failStep(index, error, answer.httpStatus, error.message, stateFor(error));
                return;
            }
            m_lastWrong = answer.stillWrong;
            if (m_backend->now() > m_verifyDeadline) {
                const QString hint = m_parameters.repoint
                    ? QStringLiteral(
                          "%1 runs on %2 now; look at its pods and /health, and point %1-db back if needed")
                          .arg(m_request.service.name, restoredName())
                    : QStringLiteral(
                          "%1-db still names the old database; run the restore with repoint to move %1 to %2")
                          .arg(m_request.service.name, restoredName());
                failStep(index,
                         Error { ErrorKind::Timeout,
                                 QStringLiteral("%1 was not healthy within %2 s: %3")
                                     .arg(m_request.service.name)
                                     .arg(m_settings.verifyTimeout.count())
                                     .arg(m_lastWrong),
                                 hint, std::nullopt },
                         answer.httpStatus, m_lastWrong);
                return;
            }
            step.response = answer.stillWrong;
            m_status.percent = percentFor(index, 0.5);
            emitStatus(QStringLiteral("waiting for %1: %2").arg(m_request.service.name, answer.stillWrong));
            m_backend->after(m_settings.verifyInterval, this, [this] { verifyRound(); });
        }));
}

// --- status -----------------------------------------------------------------------------------------

void RestoreRunbook::setStepRunning(int index, const QString &message)
{
    ActionStep &step = m_status.steps[index];
    step.state = ActionStep::State::Running;
    if (!step.started.isValid() || m_mode != Mode::Resume)
        step.started = m_backend->now();
    m_status.percent = std::max(m_status.percent, percentFor(index, 0));
    emitStatus(message);
}

void RestoreRunbook::stepRequest(int index, const QString &request)
{
    if (!request.isEmpty())
        m_status.steps[index].request = request;
}

void RestoreRunbook::completeStep(int index, int httpStatus, const QString &response)
{
    ActionStep &step = m_status.steps[index];
    step.state = ActionStep::State::Succeeded;
    step.httpStatus = httpStatus;
    step.response = response;
    step.finished = m_backend->now();
    QStringList completed = m_status.parameters.value(kCompletedSteps).toStringList();
    if (!completed.contains(keyAt(index)))
        completed << keyAt(index);
    m_status.parameters.insert(kCompletedSteps, completed);
    m_status.percent = percentFor(index, 1);
    if (index + 1 >= m_status.steps.size()) {
        succeed();
        return;
    }
    emitStatus(QStringLiteral("%1: done").arg(step.title));
    runFrom(index + 1);
}

void RestoreRunbook::emitStatus(const QString &message)
{
    if (m_done)
        return;
    m_status.message = message;
    m_status.updated = m_backend->now();
    Q_EMIT operationChanged(m_status);
}

void RestoreRunbook::failStep(int index, const Error &error, int httpStatus, const QString &response,
                              OperationStatus::State state)
{
    if (m_done)
        return;
    ActionStep &step = m_status.steps[std::clamp(index, 0, int(m_status.steps.size()) - 1)];
    step.state = ActionStep::State::Failed;
    step.httpStatus = httpStatus;
    step.response = response.isEmpty() ? error.message : response;
    step.finished = m_backend->now();
    Error wrapped = error;
    wrapped.message
        = QStringLiteral("step %1 \"%2\" failed: %3").arg(index + 1).arg(step.title, error.message);
    m_status.state = state;
    m_status.error = wrapped;
    m_status.message = wrapped.message;
    m_status.updated = m_backend->now();
    m_done = true;
    Q_EMIT operationChanged(m_status);
    deleteLater();
}

void RestoreRunbook::succeed()
{
    if (m_done)
        return;
    m_status.state = OperationStatus::State::Succeeded;
    m_status.percent = 100;
    const QString name = restoredName();
    if (!m_status.changes.contains(
            ActionChange { QStringLiteral("Database"), name, QStringLiteral("create"), QString(),
                           QStringLiteral("PointInTimeRestore of %1 at %2")
                               .arg(m_parameters.database, isoUtc(m_parameters.pointInTime)) }))
        m_status.changes.prepend(
            ActionChange { QStringLiteral("Database"), name, QStringLiteral("create"), QString(),
                           QStringLiteral("PointInTimeRestore of %1 at %2")
                               .arg(m_parameters.database, isoUtc(m_parameters.pointInTime)) });
    m_status.message = m_parameters.repoint
        ? QStringLiteral("%1 runs on %2, verified healthy").arg(m_request.service.name, name)
        : QStringLiteral("%1 restored as %2; %3 verified healthy")
              .arg(m_parameters.database, name, m_request.service.name);
    m_status.updated = m_backend->now();
    m_done = true;
    Q_EMIT operationChanged(m_status);
    deleteLater();
}

int RestoreRunbook::percentFor(int index, double within) const
{
    // The restore is most of the wait; verification the rest.
    QList<int> weights;
    for (int i = 0; i < m_status.steps.size(); ++i) {
        const QString key = keyAt(i);
        weights << (key == QLatin1String(StepRestore) ? 70 : key == QLatin1String(StepVerify) ? 20 : 5);
    }
    int total = 0;
    for (int w : weights)
        total += w;
    int before = 0;
    for (int i = 0; i < index && i < weights.size(); ++i)
        before += weights[i];
    const double value
        = (before + std::clamp(within, 0.0, 1.0) * weights.value(index)) * 100.0 / std::max(1, total);
    return std::clamp(int(value), 0, 100);
}

Error RestoreRunbook::armError(const QString &what, const RestoreReply &reply, const QString &hint) const
{
    Error error = reply.error.value_or(
        Error { ErrorKind::Network, QStringLiteral("HTTP %1").arg(reply.status), {}, std::nullopt });
    const QString code = reply.armErrorCode();
    QString message
        = code.isEmpty() ? error.message : QStringLiteral("%1: %2").arg(code, reply.armErrorMessage());
    if (!message.startsWith(what))
        message = QStringLiteral("%1: %2").arg(what, message);
    if (reply.status == 400)
        error.kind = ErrorKind::Invalid;
    else if (reply.status == 409)
        error.kind = ErrorKind::Conflict;
    else if (reply.status == 403)
        error.kind = ErrorKind::Forbidden;
    else if (reply.status == 429)
        error.kind = ErrorKind::Throttled;
    error.message = message;
    if (error.hint.isEmpty())
        error.hint = hint;
    return error;
}

} // namespace Opsdeck
