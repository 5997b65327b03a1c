#include "actionjob.h"

#include "actionclient.h"
#include "actiondiff.h"
#include "actionpermissions.h"
#include "actiontargetreader.h"
#include "kuberneteslogging.h"

#include <QJsonDocument>
#include <QUrlQuery>

#include <memory>

using namespace Opsdeck;

namespace {

// Writes name their manager, as kubectl's do (kubectl-annotate, kubectl-rollout): a real API server
// records it in managedFields, which is how a later conflict can say who changed an object.
QUrlQuery writeQuery(bool dryRun)
{
    QUrlQuery query;
    if (dryRun)
        query.addQueryItem(QStringLiteral("dryRun"), QStringLiteral("All"));
    query.addQueryItem(QStringLiteral("fieldManager"), QStringLiteral("opsdeck"));
    return query;
}

// The object behind a step's path (the scale subresource's Deployment).
QString objectPath(const PlannedStep &step)
{
    QString path = step.path;
    if (step.scaleSubresource && path.endsWith(QStringLiteral("/scale")))
        path.chop(int(qstrlen("/scale")));
    return path;
}

// The newest managedFields entry: who wrote the object last, and when (a real API server keeps them).
QString lastWriter(const QJsonObject &object)
{
    QString manager;
    QString time;
    for (const QJsonValue &entry : object.value(u"metadata").toObject().value(u"managedFields").toArray()) {
        const QString t = entry.toObject().value(u"time").toString();
        if (t >= time) {
            time = t;
            manager = entry.toObject().value(u"manager").toString();
        }
    }
    if (manager.isEmpty())
        return {};
    return time.isEmpty() ? manager : QStringLiteral("%1 at %2").arg(manager, time);
}

bool isRefusal(const ActionReply &reply)
{
    return reply.status == 400 || reply.status == 403 || reply.status == 404 || reply.status == 409
           || reply.status == 422 || reply.status == 401;
}

} // namespace

ActionJob::ActionJob(Mode mode, const ActionRequest &request, ActionClient *client, ActionPermissions *permissions,
                     const Settings &settings, QObject *parent)
    : QObject(parent)
    , m_mode(mode)
    , m_request(request)
    , m_client(client)
    , m_permissions(permissions)
    , m_settings(settings)
{
    m_pollTimer.setSingleShot(true);
}

void ActionJob::start()
{
    const bool undo = m_request.actionId == u"rollout-undo";
    ActionTargetReader::read(m_client, m_request.service.ns, m_request.service.name, m_settings.appLabel,
                             undo ? std::optional<Track>(ActionPlan::trackOf(m_request)) : std::nullopt, this,
                             [this](const Result<ActionTargets> &targets) {
                                 if (!targets) {
                                     fail(targets.error());
                                     return;
                                 }
                                 onTargets(*targets);
                             });
}

void ActionJob::fail(const Error &error)
{
    if (m_mode == Mode::Preview) {
        Q_EMIT failed(m_request.id, error);
        done();
        return;
    }
    const bool refusal = error.kind == ErrorKind::Forbidden || error.kind == ErrorKind::Invalid
                         || error.kind == ErrorKind::Conflict || error.kind == ErrorKind::Unauthorized;
    m_status.requestId = m_request.id;
    m_status.actionId = m_request.actionId;
    m_status.service = m_request.service;
    m_status.track = m_request.track;
    m_status.parameters = m_request.parameters;
    if (m_resumed) {
        m_status.steps = m_resumed->steps;
        m_status.started = m_resumed->started;
        m_status.changes = m_resumed->changes;
    }
    endOperation(refusal ? OperationStatus::State::Refused : OperationStatus::State::Failed, error.message, error);
}

void ActionJob::onTargets(const ActionTargets &targets)
{
    m_targets = targets;
    auto plan = ActionPlan::build(m_request, targets, m_request.service.ns, QDateTime::currentDateTimeUtc());
    if (!plan) {
        Error error = plan.error();
        error.message = QStringLiteral("%1 on %2: %3").arg(m_request.actionId, m_request.service.name, error.message);
        fail(error);
        return;
    }
    m_plan = *plan;
    if (m_mode == Mode::Preview) {
        m_preview.requestId = m_request.id;
        m_preview.steps = m_plan.actionSteps();
        m_preview.warnings = m_plan.warnings;
        m_preview.destructive = m_plan.destructive;
        checkAccess();
        return;
    }
    m_status.requestId = m_request.id;
    m_status.actionId = m_request.actionId;
    m_status.service = m_request.service;
    m_status.track = m_request.track;
    m_status.parameters = m_request.parameters;
    m_status.state = OperationStatus::State::Running;
    m_status.started = m_resumed && m_resumed->started.isValid() ? m_resumed->started : QDateTime::currentDateTimeUtc();
    m_status.steps = m_plan.actionSteps();
    if (m_resumed) {
        m_status.changes = m_resumed->changes;
        // Keep what the journal knows of each step (its request and answer) where the plan is the same.
        for (qsizetype i = 0; i < m_status.steps.size() && i < m_resumed->steps.size(); ++i) {
            if (m_resumed->steps[i].title == m_status.steps[i].title)
                m_status.steps[i] = m_resumed->steps[i];
        }
        m_checkingDone = true;
    }
    if (m_plan.steps.isEmpty()) {
        endOperation(OperationStatus::State::Succeeded, m_plan.note.isEmpty() ? QStringLiteral("nothing to do") : m_plan.note);
        return;
    }
    runStep(0);
}

// ---- preview ----

void ActionJob::checkAccess()
{
    QList<AccessCheck> checks;
    for (const PlannedStep &step : std::as_const(m_plan.steps)) {
        if (!checks.contains(step.access))
            checks << step.access;
    }
    if (m_request.actionId == u"rollout-undo")
        checks.prepend(AccessCheck{QStringLiteral("list"), QStringLiteral("apps"), QStringLiteral("replicasets"), {}});
    if (!m_settings.accessReview || checks.isEmpty()) {
        dryRun(0);
        return;
    }
    auto outstanding = std::make_shared<int>(int(checks.size()));
    auto denials = std::make_shared<QStringList>();
    const QString ns = m_request.service.ns;
    for (const AccessCheck &check : std::as_const(checks)) {
        m_client->send(QByteArrayLiteral("POST"), QStringLiteral("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"),
                       {}, QByteArrayLiteral("application/json"), ActionPermissions::reviewBody(check, ns),
                       QStringLiteral("asking whether %1 may %2").arg(m_client->user(), check.describe()), this,
                       [this, check, ns, outstanding, denials](const ActionReply &reply) {
                           if (reply.ok()) {
                               const AccessAnswer answer
                                   = ActionPermissions::answerOf(reply.object, check, ns, m_client->user());
                               m_permissions->store(check, ns, answer);
                               if (!answer.allowed)
                                   denials->append(answer.reason);
                           } else {
                               // No review API (or no answer): the dry run's own 403 decides instead.
                               qCInfo(lcKubernetes).noquote()
                                   << "access review failed, relying on the dry run:" << reply.summary();
                           }
                           if (--*outstanding > 0)
                               return;
                           Q_EMIT accessChecked();
                           if (!denials->isEmpty())
                               deny(denials->join(QStringLiteral("; ")));
                           else
                               dryRun(0);
                       });
    }
}

void ActionJob::deny(const QString &reason)
{
    m_preview.allowed = false;
    m_preview.deniedReason = reason;
    m_preview.changes.clear();
    Q_EMIT previewReady(m_preview);
    done();
}

void ActionJob::dryRun(int index)
{
    while (index < m_plan.steps.size() && m_plan.steps[index].kind != PlannedStep::Kind::Patch)
        ++index;
    if (index >= m_plan.steps.size()) {
        finishPreview();
        return;
    }
    const PlannedStep &step = m_plan.steps[index];
    m_client->send(QByteArrayLiteral("PATCH"), step.path, writeQuery(true), step.contentType,
                   ActionPlan::bodyOf(step, step.resourceVersion),
                   QStringLiteral("dry run of \"%1\"").arg(step.title), this, [this, index](const ActionReply &reply) {
                       const PlannedStep &step = m_plan.steps[index];
                       if (reply.status == 403) {
                           deny(QStringLiteral("%1 (%2)")
                                    .arg(ActionPermissions::denial(m_client->user(), step.access, m_request.service.ns),
                                         reply.object.value(u"message").toString()));
                           return;
                       }
                       if (!reply.ok()) {
                           Error error = *reply.error;
                           if (error.kind == ErrorKind::Conflict)
                               error.hint = QStringLiteral("%1 changed while it was previewed; preview again")
                                                .arg(key(step));
                           fail(error);
                           return;
                       }
                       m_preview.changes += changesOf(step, reply.object);
                       m_shown.versions.insert(key(step), step.resourceVersion);
                       m_shown.objects.insert(key(step), step.scaleSubresource ? m_targets.deployment(step.track) : step.before);
                       dryRun(index + 1);
                   });
}

QList<ActionChange> ActionJob::changesOf(const PlannedStep &step, const QJsonObject &after) const
{
    if (step.scaleSubresource) {
        const QJsonObject replicas{{QStringLiteral("spec"),
                                    QJsonObject{{QStringLiteral("replicas"),
                                                 after.value(u"spec").toObject().value(u"replicas")}}}};
        return ActionDiff::diff(step.objectKind, step.objectName, step.before, replicas);
    }
    return ActionDiff::diff(step.objectKind, step.objectName, step.before, after);
}

void ActionJob::finishPreview()
{
    m_preview.allowed = true;
    Q_EMIT previewReady(m_preview);
    done();
}

// ---- execution ----

void ActionJob::emitStatus(int index, double within)
{
    const int n = int(m_plan.steps.size());
    m_status.percent = n > 0 ? int(100.0 * (index + std::clamp(within, 0.0, 1.0)) / n) : 100;
    m_status.updated = QDateTime::currentDateTimeUtc();
    Q_EMIT operationChanged(m_status);
}

void ActionJob::runStep(int index)
{
    if (m_finished)
        return;
    if (index >= m_plan.steps.size()) {
        endOperation(OperationStatus::State::Succeeded, QStringLiteral("done: %1").arg(m_plan.steps.last().title));
        return;
    }
    const PlannedStep &planned = m_plan.steps[index];
    ActionStep &step = m_status.steps[index];
    if (m_checkingDone) {
        if (ActionPlan::isDone(planned, m_targets, step)) {
            if (step.state != ActionStep::State::Succeeded) {
                step.state = ActionStep::State::Succeeded;
                step.response = QStringLiteral("already done (read back when resumed)");
                step.finished = QDateTime::currentDateTimeUtc();
            }
            runStep(index + 1);
            return;
        }
        m_checkingDone = false; // from here on every step runs
    }
    step.state = ActionStep::State::Running;
    step.started = QDateTime::currentDateTimeUtc();
    step.finished = {};
    step.httpStatus = 0;
    step.response.clear();
    m_status.message = planned.title;
    if (planned.kind == PlannedStep::Kind::WaitRollout) {
        step.request = QStringLiteral("GET %1 (every %2 ms until the rollout is complete)")
                           .arg(planned.path)
                           .arg(m_settings.pollInterval.count());
        emitStatus(index, 0);
        m_waitDeadline = QDateTime::currentDateTimeUtc().addSecs(m_settings.rolloutTimeout.count());
        poll(index);
        return;
    }
    sendStep(index);
}

void ActionJob::sendStep(int index)
{
    const PlannedStep &planned = m_plan.steps[index];
    const QString version = planned.pin ? m_shown.versions.value(key(planned), planned.resourceVersion) : QString();
    const QByteArray body = ActionPlan::bodyOf(planned, version);
    ActionStep &step = m_status.steps[index];
    step.request = QStringLiteral("PATCH %1?fieldManager=opsdeck %2").arg(planned.path, QString::fromUtf8(body));
    emitStatus(index, 0);
    m_client->send(QByteArrayLiteral("PATCH"), planned.path, writeQuery(false), planned.contentType, body,
                   QStringLiteral("\"%1\"").arg(planned.title), this, [this, index](const ActionReply &reply) {
                       ActionStep &step = m_status.steps[index];
                       step.httpStatus = reply.status;
                       step.response = reply.summary();
                       step.finished = QDateTime::currentDateTimeUtc();
                       if (reply.ok()) {
                           step.state = ActionStep::State::Succeeded;
                           m_status.changes += changesOf(m_plan.steps[index], reply.object);
                           emitStatus(index, 1);
                           runStep(index + 1);
                           return;
                       }
                       step.state = ActionStep::State::Failed;
                       if (reply.status == 409) {
                           onConflict(index, reply);
                           return;
                       }
                       Error error = *reply.error;
                       if (reply.status == 403)
                           error.message = QStringLiteral("%1: %2")
                                               .arg(ActionPermissions::denial(m_client->user(), m_plan.steps[index].access,
                                                                              m_request.service.ns),
                                                    error.message);
                       endOperation(isRefusal(reply) ? OperationStatus::State::Refused : OperationStatus::State::Failed,
                                    error.message, error);
                   });
}

void ActionJob::onConflict(int index, const ActionReply &conflict)
{
    const PlannedStep planned = m_plan.steps[index];
    const QString k = key(planned);
    m_client->get(objectPath(planned), {}, QStringLiteral("reading %1 after a conflict").arg(k), this,
                  [this, planned, k, conflict](const ActionReply &reply) {
                      const QJsonObject shown = m_shown.objects.value(
                          k, planned.scaleSubresource ? m_targets.deployment(planned.track) : planned.before);
                      QString message = QStringLiteral("%1 changed since the preview").arg(k);
                      if (reply.ok()) {
                          QStringList lines;
                          for (const ActionChange &c : ActionDiff::diff(planned.objectKind, planned.objectName, shown, reply.object))
                              lines << QStringLiteral("%1 is now %2 (was %3)")
                                           .arg(ActionDiff::shortField(c.field),
                                                c.to.isEmpty() ? QStringLiteral("unset") : c.to,
                                                c.from.isEmpty() ? QStringLiteral("unset") : c.from);
                          if (!lines.isEmpty())
                              message += QStringLiteral(": ") + lines.join(QStringLiteral("; "));
                          if (const QString writer = lastWriter(reply.object); !writer.isEmpty())
                              message += QStringLiteral(", changed by %1").arg(writer);
                          message += QStringLiteral(" (resourceVersion %1 → %2)")
                                         .arg(m_shown.versions.value(k, planned.resourceVersion),
                                              ActionTargets::resourceVersionOf(reply.object));
                      } else {
                          message += QStringLiteral(" (%1)").arg(conflict.object.value(u"message").toString());
                      }
                      const bool firstStep = std::none_of(m_status.steps.cbegin(), m_status.steps.cend(), [](const ActionStep &s) {
                          return s.state == ActionStep::State::Succeeded;
                      });
                      Error error{ErrorKind::Conflict, message,
                                  firstStep ? QStringLiteral("Nothing was changed. Preview again to see the current state, "
                                                             "then apply.")
                                            : QStringLiteral("The steps before this one were applied; preview again to "
                                                             "finish from the current state."),
                                  std::nullopt};
                      endOperation(OperationStatus::State::Refused, message, error);
                  });
}

void ActionJob::poll(int index)
{
    const PlannedStep &planned = m_plan.steps[index];
    m_client->get(planned.path, {}, QStringLiteral("reading %1's rollout").arg(planned.objectName), this,
                  [this, index](const ActionReply &reply) {
                      ActionStep &step = m_status.steps[index];
                      step.httpStatus = reply.status;
                      if (reply.ok()) {
                          const ActionTargets::Rollout rollout = ActionTargets::rolloutOf(reply.object);
                          const bool news = step.response != rollout.message;
                          step.response = rollout.message;
                          if (rollout.failed) {
                              step.state = ActionStep::State::Failed;
                              step.finished = QDateTime::currentDateTimeUtc();
                              endOperation(OperationStatus::State::Failed, rollout.message,
                                           Error{ErrorKind::Timeout, rollout.message,
                                                 QStringLiteral("check the new pods' events; rollout-undo goes back"),
                                                 std::nullopt});
                              return;
                          }
                          if (rollout.done) {
                              step.state = ActionStep::State::Succeeded;
                              step.finished = QDateTime::currentDateTimeUtc();
                              emitStatus(index, 1);
                              runStep(index + 1);
                              return;
                          }
                          if (news)
                              emitStatus(index, rollout.progress);
                      } else {
                          step.response = reply.summary(); // keep waiting: the read is retried by the next poll
                      }
                      if (QDateTime::currentDateTimeUtc() > m_waitDeadline) {
                          step.state = ActionStep::State::Failed;
                          step.finished = QDateTime::currentDateTimeUtc();
                          const QString message = QStringLiteral("%1 did not finish rolling out within %2 s: %3")
                                                      .arg(m_plan.steps[index].objectName)
                                                      .arg(m_settings.rolloutTimeout.count())
                                                      .arg(step.response);
                          endOperation(OperationStatus::State::Failed, message,
                                       Error{ErrorKind::Timeout, message,
                                             QStringLiteral("resume it later, or check the new pods"), std::nullopt});
                          return;
                      }
                      m_pollTimer.disconnect();
                      connect(&m_pollTimer, &QTimer::timeout, this, [this, index] { poll(index); });
                      m_pollTimer.start(m_settings.pollInterval);
                  });
}

void ActionJob::endOperation(OperationStatus::State state, const QString &message, const std::optional<Error> &error)
{
    if (m_finished)
        return;
    m_status.state = state;
    m_status.message = message;
    m_status.error = error;
    if (state == OperationStatus::State::Succeeded)
        m_status.percent = 100;
    m_status.updated = QDateTime::currentDateTimeUtc();
    Q_EMIT operationChanged(m_status);
    done();
}

void ActionJob::done()
{
    m_finished = true;
    m_pollTimer.stop();
    deleteLater();
}
