#include "testactionprovider.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>
#include <QTimer>

using namespace Opsdeck;

namespace {

const QString WeightAnnotation = QStringLiteral("metadata.annotations[nginx.ingress.kubernetes.io/canary-weight]");
const QString RestartAnnotation = QStringLiteral("spec.template.metadata.annotations[kubectl.kubernetes.io/restartedAt]");

ActionStep step(const QString &title, const QString &request, bool destructive = false)
{
    ActionStep s;
    s.title = title;
    s.request = request;
    s.destructive = destructive;
    return s;
}

Error invalid(const QString &message)
{
    return Error{ErrorKind::Invalid, message, {}, std::nullopt};
}

Track trackOf(const ActionRequest &request)
{
    const QString track = request.parameters.value(QStringLiteral("track")).toString();
    if (track == QLatin1String("canary"))
        return Track::Canary;
    if (track == QLatin1String("stable"))
        return Track::Stable;
    return request.track == Track::Canary ? Track::Canary : Track::Stable;
}

// An integer parameter, or nullopt when missing or not a whole number.
std::optional<int> intParameter(const ActionRequest &request, const QString &name)
{
    const QVariant value = request.parameters.value(name);
    bool ok = false;
    const int number = value.toString().toInt(&ok);
    return value.isValid() && ok ? std::optional<int>(number) : std::nullopt;
}

} // namespace

TestActionProvider::TestActionProvider(const SourceConfig &config, QObject *parent)
    : ActionProvider(parent)
    , m_context(config.settings.value(QStringLiteral("context"), QStringLiteral("test")).toString())
    , m_stateFile(config.settings.value(QStringLiteral("stateFile"), qEnvironmentVariable("OPSDECK_TEST_ACTIONS_STATE")).toString())
    , m_failAction(config.settings.value(QStringLiteral("failAction"), qEnvironmentVariable("OPSDECK_TEST_ACTIONS_FAIL")).toString())
    , m_stepMs(config.settings.value(QStringLiteral("stepMs"), 30).toInt())
{
    load();
}

TestActionProvider::~TestActionProvider() = default;

bool TestActionProvider::denied() const
{
    return m_context.contains(QLatin1String("viewer"));
}

QList<ActionDescriptor> TestActionProvider::actionsFor(const ServiceKey &service) const
{
    const ServiceState s = state(service.name);
    const bool canary = s.canaryReplicas > 0 || s.weight > 0;
    const QString deniedReason = QStringLiteral("viewer cannot patch ingresses in %1").arg(service.ns);
    const auto make = [&](const QString &id, const QString &title, bool destructive, bool needsCanary) {
        ActionDescriptor d{id, title, {}, destructive, true, {}};
        if (denied()) {
            d.available = false;
            d.unavailableReason = id == QLatin1String("canary-weight") || !needsCanary
                ? deniedReason
                : QStringLiteral("viewer cannot patch deployments in %1").arg(service.ns);
        } else if (needsCanary && !canary) {
            d.available = false;
            d.unavailableReason = QStringLiteral("no canary is running for %1").arg(service.name);
        }
        return d;
    };
    return {make(QStringLiteral("canary-weight"), QStringLiteral("Shift canary weight"), false, false),
            make(QStringLiteral("promote"), QStringLiteral("Promote canary"), true, true),
            make(QStringLiteral("abort"), QStringLiteral("Abort canary"), false, true),
            make(QStringLiteral("rollout-undo"), QStringLiteral("Undo rollout"), true, false),
            make(QStringLiteral("scale"), QStringLiteral("Scale"), false, false),
            make(QStringLiteral("restart"), QStringLiteral("Restart"), false, false)};
}

void TestActionProvider::requestRevisionHistory(const ServiceKey &service, const QString &track)
{
    const ServiceState current = state(service.name);
    const QString image = track == QLatin1String("canary") ? current.canaryImage : current.stableImage;
    QVariantList revisions;
    for (int revision = current.revision; revision >= 1; --revision) {
        revisions << QVariantMap{{QStringLiteral("revision"), revision},
                                 {QStringLiteral("changeCause"), QStringLiteral("deploy %1 r%2").arg(track).arg(revision)},
                                 {QStringLiteral("image"), revision == current.revision ? image : image + QStringLiteral("-r%1").arg(revision)},
                                 {QStringLiteral("created"), QDateTime::currentDateTimeUtc().addSecs(-3600 * revision)},
                                 {QStringLiteral("current"), revision == current.revision}};
    }
    Q_EMIT revisionHistoryReady(service, track, revisions);
}

TestActionProvider::ServiceState TestActionProvider::state(const QString &service) const
{
    return m_states.value(service);
}

void TestActionProvider::externalChange(const QString &service, int weight)
{
    ServiceState &s = m_states[service];
    s.weight = weight;
    ++s.version;
    save();
}

TestActionProvider::Planned TestActionProvider::plan(const ActionRequest &request) const
{
    const ServiceState s = state(request.service.name);
    const QString name = request.service.name;
    const QString ns = request.service.ns;
    const QString canaryIngress = name + QStringLiteral("-canary");
    const QString ingressPath = QStringLiteral("PATCH /apis/networking.k8s.io/v1/namespaces/%1/ingresses/%2").arg(ns, canaryIngress);
    const Track track = trackOf(request);
    const QString deployment = track == Track::Canary ? name + QStringLiteral("-canary") : name;
    const QString deploymentPath = QStringLiteral("PATCH /apis/apps/v1/namespaces/%1/deployments/%2").arg(ns, deployment);
    Planned p;
    const QString action = request.actionId;
    if (action == QLatin1String("canary-weight")) {
        const std::optional<int> weight = intParameter(request, QStringLiteral("weight"));
        if (!weight || *weight < 0 || *weight > 100) {
            p.invalid = invalid(QStringLiteral("canary weight %1 is out of range 0–100")
                                    .arg(request.parameters.value(QStringLiteral("weight")).toString()));
            return p;
        }
        p.changes << ActionChange{QStringLiteral("Ingress"), canaryIngress, WeightAnnotation, QString::number(s.weight), QString::number(*weight)};
        p.steps << step(QStringLiteral("Set canary weight to %1 %").arg(*weight), ingressPath, *weight == 100);
        p.destructive = *weight == 100;
    } else if (action == QLatin1String("promote") || action == QLatin1String("abort")) {
        if (action == QLatin1String("promote")) {
            p.changes << ActionChange{QStringLiteral("Deployment"), name, QStringLiteral("spec.template.spec.containers[0].image"),
                                      s.stableImage, s.canaryImage};
            p.steps << step(QStringLiteral("Copy the canary template onto stable"), QStringLiteral("PATCH /apis/apps/v1/namespaces/%1/deployments/%2").arg(ns, name))
                    << step(QStringLiteral("Wait for the stable rollout to complete"), QStringLiteral("GET /apis/apps/v1/namespaces/%1/deployments/%2").arg(ns, name));
            p.destructive = true;
        }
        p.changes << ActionChange{QStringLiteral("Ingress"), canaryIngress, WeightAnnotation, QString::number(s.weight), QStringLiteral("0")}
                  << ActionChange{QStringLiteral("Deployment"), name + QStringLiteral("-canary"), QStringLiteral("spec.replicas"),
                                  QString::number(s.canaryReplicas), QStringLiteral("0")};
        p.steps << step(QStringLiteral("Set canary weight to 0 %"), ingressPath)
                << step(QStringLiteral("Scale the canary to 0"),
                        QStringLiteral("PATCH /apis/apps/v1/namespaces/%1/deployments/%2-canary/scale").arg(ns, name),
                        action == QLatin1String("promote"));
    } else if (action == QLatin1String("rollout-undo")) {
        const int to = intParameter(request, QStringLiteral("toRevision")).value_or(0) > 0
            ? *intParameter(request, QStringLiteral("toRevision"))
            : s.revision - 1;
        if (to < 1 || to >= s.revision) {
            p.invalid = invalid(QStringLiteral("revision %1 of %2 does not exist (current is %3)").arg(to).arg(deployment).arg(s.revision));
            return p;
        }
        p.changes << ActionChange{QStringLiteral("Deployment"), deployment, QStringLiteral("revision"), QString::number(s.revision), QString::number(to)};
        p.steps << step(QStringLiteral("Roll %1 back to revision %2").arg(deployment).arg(to), deploymentPath, true);
        p.destructive = true;
    } else if (action == QLatin1String("scale")) {
        const std::optional<int> replicas = intParameter(request, QStringLiteral("replicas"));
        if (!replicas || *replicas < 0 || *replicas > 100) {
            p.invalid = invalid(QStringLiteral("replicas %1 is out of range 0–100").arg(request.parameters.value(QStringLiteral("replicas")).toString()));
            return p;
        }
        const int from = track == Track::Canary ? s.canaryReplicas : s.stableReplicas;
        p.changes << ActionChange{QStringLiteral("Deployment"), deployment, QStringLiteral("spec.replicas"), QString::number(from), QString::number(*replicas)};
        p.warnings << QStringLiteral("HorizontalPodAutoscaler %1 (min 2, max 10) will override a manual scale").arg(name);
        p.steps << step(QStringLiteral("Scale %1 to %2").arg(deployment).arg(*replicas), deploymentPath + QStringLiteral("/scale"), *replicas == 0);
        p.destructive = *replicas == 0;
    } else if (action == QLatin1String("restart")) {
        p.changes << ActionChange{QStringLiteral("Deployment"), deployment, RestartAnnotation,
                                  s.restartedAt, QStringLiteral("(now)")};
        p.steps << step(QStringLiteral("Restart %1").arg(deployment), deploymentPath);
    } else {
        p.invalid = invalid(QStringLiteral("unknown action '%1'").arg(action));
    }
    return p;
}

void TestActionProvider::preview(const ActionRequest &request)
{
    load();
    ActionPreview preview;
    preview.requestId = request.id;
    if (denied()) {
        preview.allowed = false;
        preview.deniedReason = QStringLiteral("viewer cannot patch ingresses in %1").arg(request.service.ns);
        Q_EMIT previewReady(preview);
        return;
    }
    const Planned p = plan(request);
    if (p.invalid) {
        Q_EMIT failed(request.id, *p.invalid);
        return;
    }
    preview.allowed = true;
    preview.changes = p.changes;
    preview.steps = p.steps;
    preview.warnings = p.warnings;
    preview.destructive = p.destructive;
    m_previewedVersion.insert(request.id, state(request.service.name).version);
    Q_EMIT previewReady(preview);
}

void TestActionProvider::execute(const ActionRequest &request)
{
    load();
    const ServiceState s = state(request.service.name);
    const int seen = m_previewedVersion.take(request.id);
    if (seen != 0 && seen != s.version) {
        // The patch carries the resourceVersion of the preview: the server answers 409.
        Q_EMIT failed(request.id,
                      Error{ErrorKind::Conflict,
                            QStringLiteral("Ingress %1-canary changed since the preview (resourceVersion %2 → %3): canary-weight is now \"%4\"")
                                .arg(request.service.name)
                                .arg(seen)
                                .arg(s.version)
                                .arg(s.weight),
                            QStringLiteral("preview again to see the current state, then re-apply"), std::nullopt});
        return;
    }
    const Planned p = plan(request);
    if (p.invalid) {
        Q_EMIT failed(request.id, *p.invalid);
        return;
    }
    Running running;
    running.request = request;
    running.status.requestId = request.id;
    running.status.actionId = request.actionId;
    running.status.service = request.service;
    running.status.state = OperationStatus::State::Running;
    running.status.percent = 0;
    running.status.started = QDateTime::currentDateTimeUtc();
    running.status.steps = p.steps;
    running.status.changes = p.changes;
    running.status.track = request.track;
    running.status.parameters = request.parameters;
    m_running.insert(request.id, running);
    runNextStep(request.id);
}

void TestActionProvider::resume(const OperationStatus &status)
{
    load();
    Running running;
    running.request = ActionRequest{status.requestId, status.actionId, status.service, status.track, status.parameters};
    running.status = status;
    running.status.state = OperationStatus::State::Running;
    // Read the real state back: steps already applied are done.
    running.next = 0;
    for (int i = 0; i < running.status.steps.size(); ++i) {
        if (running.status.steps[i].state == ActionStep::State::Succeeded)
            running.next = i + 1;
    }
    m_running.insert(status.requestId, running);
    runNextStep(status.requestId);
}

void TestActionProvider::applyStep(const ActionRequest &request, int index, ServiceState &s) const
{
    const QString action = request.actionId;
    const Track track = trackOf(request);
    if (action == QLatin1String("canary-weight")) {
        s.weight = intParameter(request, QStringLiteral("weight")).value_or(s.weight);
    } else if (action == QLatin1String("promote") || action == QLatin1String("abort")) {
        const int offset = action == QLatin1String("promote") ? 2 : 0;
        if (action == QLatin1String("promote") && index == 0)
            s.stableImage = s.canaryImage;
        if (index == offset)
            s.weight = 0;
        if (index == offset + 1)
            s.canaryReplicas = 0;
    } else if (action == QLatin1String("rollout-undo")) {
        const int to = intParameter(request, QStringLiteral("toRevision")).value_or(0);
        s.revision = to > 0 ? to : s.revision - 1;
    } else if (action == QLatin1String("scale")) {
        const int replicas = intParameter(request, QStringLiteral("replicas")).value_or(0);
        (track == Track::Canary ? s.canaryReplicas : s.stableReplicas) = replicas;
    } else if (action == QLatin1String("restart")) {
        s.restartedAt = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    }
    ++s.version;
}

void TestActionProvider::runNextStep(const QUuid &id)
{
    auto it = m_running.find(id);
    if (it == m_running.end())
        return;
    OperationStatus &status = it->status;
    if (it->next >= status.steps.size()) {
        status.state = OperationStatus::State::Succeeded;
        status.percent = 100;
        status.message = QStringLiteral("done");
        status.updated = QDateTime::currentDateTimeUtc();
        const OperationStatus final = status;
        m_running.erase(it);
        Q_EMIT operationChanged(final);
        return;
    }
    ActionStep &current = status.steps[it->next];
    current.state = ActionStep::State::Running;
    current.started = QDateTime::currentDateTimeUtc();
    status.message = current.title;
    status.updated = current.started;
    Q_EMIT operationChanged(status);

    QTimer::singleShot(m_stepMs, this, [this, id] {
        auto it = m_running.find(id);
        if (it == m_running.end())
            return;
        OperationStatus &status = it->status;
        ActionStep &current = status.steps[it->next];
        current.finished = QDateTime::currentDateTimeUtc();
        if (it->request.actionId == m_failAction && it->next == 1) {
            current.state = ActionStep::State::Failed;
            current.httpStatus = 500;
            current.response = QStringLiteral("Internal Server Error");
            status.state = OperationStatus::State::Failed;
            status.error = Error{ErrorKind::Network, QStringLiteral("%1: the API server answered 500").arg(current.title), {}, std::nullopt};
            status.message = status.error->message;
            const OperationStatus final = status;
            m_running.erase(it);
            Q_EMIT operationChanged(final);
            return;
        }
        load();
        applyStep(it->request, it->next, m_states[it->request.service.name]);
        save();
        current.state = ActionStep::State::Succeeded;
        current.httpStatus = 200;
        current.response = QStringLiteral("OK");
        ++it->next;
        status.percent = 100 * it->next / int(status.steps.size());
        runNextStep(id);
    });
}

void TestActionProvider::load()
{
    if (m_stateFile.isEmpty())
        return;
    QFile file(m_stateFile);
    if (!file.open(QIODevice::ReadOnly))
        return;
    const QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
    for (auto it = root.begin(); it != root.end(); ++it) {
        const QJsonObject o = it.value().toObject();
        ServiceState s;
        s.weight = o.value(QStringLiteral("weight")).toInt(s.weight);
        s.stableReplicas = o.value(QStringLiteral("stableReplicas")).toInt(s.stableReplicas);
        s.canaryReplicas = o.value(QStringLiteral("canaryReplicas")).toInt(s.canaryReplicas);
        s.revision = o.value(QStringLiteral("revision")).toInt(s.revision);
        s.stableImage = o.value(QStringLiteral("stableImage")).toString(s.stableImage);
        s.canaryImage = o.value(QStringLiteral("canaryImage")).toString(s.canaryImage);
        s.restartedAt = o.value(QStringLiteral("restartedAt")).toString();
        s.version = o.value(QStringLiteral("version")).toInt(s.version);
        m_states.insert(it.key(), s);
    }
}

void TestActionProvider::save() const
{
    if (m_stateFile.isEmpty())
        return;
    QJsonObject root;
    for (auto it = m_states.cbegin(); it != m_states.cend(); ++it) {
        const ServiceState &s = it.value();
        root.insert(it.key(), QJsonObject{{QStringLiteral("weight"), s.weight},
                                          {QStringLiteral("stableReplicas"), s.stableReplicas},
                                          {QStringLiteral("canaryReplicas"), s.canaryReplicas},
                                          {QStringLiteral("revision"), s.revision},
                                          {QStringLiteral("stableImage"), s.stableImage},
                                          {QStringLiteral("canaryImage"), s.canaryImage},
                                          {QStringLiteral("restartedAt"), s.restartedAt},
                                          {QStringLiteral("version"), s.version}});
    }
    QSaveFile file(m_stateFile);
    if (file.open(QIODevice::WriteOnly)) {
        file.write(QJsonDocument(root).toJson());
        file.commit();
    }
}
