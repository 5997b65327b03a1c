#include "kubernetesactionprovider.h"

#include "actionclient.h"
#include "actiontargetreader.h"
#include "kubeconfigloader.h"
#include "kuberneteslogging.h"
#include "observation.h"
#include "rolloutundo.h"

#include <QMutexLocker>

#include <memory>

using namespace Opsdeck;

namespace {

struct Offer
{
    const char *id;
    const char *title;
    const char *description;
    bool destructive;
};

// The order the UI shows them in; ids as in kubernetes.json's "actions".
constexpr Offer kOffers[] = {
    {"canary-weight", "Shift canary weight",
     "Set the canary's share of traffic (NGINX canary-weight or HTTPRoute backendRef weights)", false},
    {"promote", "Promote canary",
     "Copy the canary's pod template onto stable, wait for the rollout, then weight 0 and canary scaled to 0", true},
    {"abort", "Abort canary", "Send no traffic to the canary and scale it to 0", false},
    {"rollout-undo", "Roll back", "Roll the Deployment back to the previous (or a chosen) revision, as kubectl rollout undo", true},
    {"scale", "Scale", "Set the Deployment's replicas (an HPA may override it)", false},
    {"restart", "Restart", "Rolling restart of the Deployment's pods, as kubectl rollout restart", false},
};

Result<int> positive(const SourceConfig &config, const QString &key, int fallback)
{
    if (!config.settings.contains(key))
        return fallback;
    bool ok = false;
    const int value = config.settings.value(key).toInt(&ok);
    if (!ok || value <= 0)
        return makeError(ErrorKind::Config,
                         QStringLiteral("kubernetes actions '%1': setting '%2' must be a positive integer, got '%3'")
                             .arg(config.id, key, config.settings.value(key).toString()));
    return value;
}

} // namespace

KubernetesActionProvider::KubernetesActionProvider(QObject *parent)
    : ActionProvider(parent)
{
    registerObservationMetaTypes();
    qRegisterMetaType<ActionStep>();
}

KubernetesActionProvider::~KubernetesActionProvider() = default;

Result<void> KubernetesActionProvider::configure(const SourceConfig &config)
{
    const auto configured = [&]() -> Result<void> {
        const QVariantMap &s = config.settings;
        auto kubeconfig = KubeconfigLoader::load(s.value(QStringLiteral("kubeconfig")).toString());
        if (!kubeconfig)
            return tl::unexpected(kubeconfig.error());
        auto connection = kubeconfig->resolve(s.value(QStringLiteral("context")).toString());
        if (!connection)
            return tl::unexpected(connection.error());
        m_connection = *connection;
        m_namespace = s.value(QStringLiteral("namespace")).toString();
        if (const QString label = s.value(QStringLiteral("appLabel")).toString(); !label.isEmpty())
            m_jobSettings.appLabel = label;
        m_jobSettings.accessReview = s.value(QStringLiteral("accessReview"), true).toBool();
        const auto poll = positive(config, QStringLiteral("rolloutPollMs"), 1000);
        const auto rolloutTimeout = positive(config, QStringLiteral("rolloutTimeoutSeconds"), 600);
        const auto timeout = positive(config, QStringLiteral("requestTimeoutMs"), 30000);
        const auto threshold = positive(config, QStringLiteral("breakerThreshold"), 5);
        const auto breakMs = positive(config, QStringLiteral("breakerBreakMs"), 30000);
        for (const auto *r : {&poll, &rolloutTimeout, &timeout, &threshold, &breakMs}) {
            if (!*r)
                return tl::unexpected(r->error());
        }
        m_jobSettings.pollInterval = std::chrono::milliseconds(*poll);
        m_jobSettings.rolloutTimeout = std::chrono::seconds(*rolloutTimeout);
        m_resilience.timeout = std::chrono::milliseconds(*timeout);
        m_resilience.breaker.failureThreshold = *threshold;
        m_resilience.breaker.breakDuration = std::chrono::milliseconds(*breakMs);
        return {};
    }();
    if (configured) {
        m_configError.reset();
    } else {
        m_configError = configured.error();
        // Keep the context's name so actionsFor() can still say why this context offers nothing.
        if (m_connection.contextName.isEmpty())
            m_connection.contextName = config.settings.value(QStringLiteral("context")).toString();
    }
    return configured;
}

bool KubernetesActionProvider::serves(const ServiceKey &service) const
{
    return service.context == m_connection.contextName && (m_namespace.isEmpty() || service.ns == m_namespace);
}

std::optional<Error> KubernetesActionProvider::unusable(const ServiceKey &service) const
{
    if (m_configError)
        return m_configError;
    if (!serves(service))
        return Error{ErrorKind::Invalid,
                     QStringLiteral("the kubernetes actions of context '%1' do not serve %2/%3 in context '%4'")
                         .arg(m_connection.contextName, service.ns, service.name, service.context),
                     {},
                     std::nullopt};
    return std::nullopt;
}

QList<ActionDescriptor> KubernetesActionProvider::actionsFor(const ServiceKey &service) const
{
    QList<ActionDescriptor> actions;
    if (!serves(service))
        return actions;
    std::optional<Facts> facts;
    {
        QMutexLocker lock(&m_factsMutex);
        if (const auto it = m_facts.constFind(service); it != m_facts.constEnd())
            facts = *it;
    }
    for (const Offer &offer : kOffers) {
        ActionDescriptor d;
        d.id = QString::fromLatin1(offer.id);
        d.title = QString::fromLatin1(offer.title);
        d.description = QString::fromLatin1(offer.description);
        d.destructive = offer.destructive;
        if (m_configError) {
            d.available = false;
            d.unavailableReason = m_configError->message;
            actions << d;
            continue;
        }
        if (facts) {
            const bool canaryAction = d.id == u"canary-weight" || d.id == u"promote" || d.id == u"abort";
            if (canaryAction && !facts->canary) {
                d.available = false;
                d.unavailableReason = QStringLiteral("%1 has no canary Deployment").arg(service.name);
            } else if (d.id == u"canary-weight" && facts->routingKind.isEmpty()) {
                d.available = false;
                d.unavailableReason = QStringLiteral("%1 has no NGINX canary Ingress or HTTPRoute canary backend").arg(service.name);
            } else if (d.id == u"promote" && !facts->stable) {
                d.available = false;
                d.unavailableReason = QStringLiteral("%1 has no stable Deployment").arg(service.name);
            }
        }
        if (d.available) {
            const QString routing = facts && !facts->routingKind.isEmpty() ? facts->routingKind : QStringLiteral("Ingress");
            for (const AccessCheck &check : ActionPlan::accessFor(d.id, routing)) {
                const auto answer = m_permissions.find(check, service.ns);
                if (answer && !answer->allowed) {
                    d.available = false;
                    d.unavailableReason = answer->reason;
                    break;
                }
            }
        }
        actions << d;
    }
    return actions;
}

ActionClient *KubernetesActionProvider::client()
{
    if (!m_client) {
        auto made = ActionClient::create(m_connection, m_resilience, this);
        if (!made) {
            m_configError = made.error();
            return nullptr;
        }
        m_client = *made;
    }
    return m_client;
}

ActionJob *KubernetesActionProvider::startJob(ActionJob::Mode mode, const ActionRequest &request)
{
    if (const auto error = unusable(request.service)) {
        if (mode == ActionJob::Mode::Preview) {
            Q_EMIT failed(request.id, *error);
        } else {
            OperationStatus status;
            status.requestId = request.id;
            status.actionId = request.actionId;
            status.service = request.service;
            status.state = OperationStatus::State::Failed;
            status.error = error;
            status.message = error->message;
            status.updated = QDateTime::currentDateTimeUtc();
            Q_EMIT operationChanged(status);
        }
        return nullptr;
    }
    ActionClient *http = client();
    if (!http) {
        Q_EMIT failed(request.id, *m_configError);
        return nullptr;
    }
    auto *job = new ActionJob(mode, request, http, &m_permissions, m_jobSettings, this);
    connect(job, &ActionJob::previewReady, this, &ActionProvider::previewReady);
    connect(job, &ActionJob::operationChanged, this, &ActionProvider::operationChanged);
    connect(job, &ActionJob::failed, this, &ActionProvider::failed);
    return job;
}

void KubernetesActionProvider::preview(const ActionRequest &request)
{
    ActionJob *job = startJob(ActionJob::Mode::Preview, request);
    if (!job)
        return;
    const QUuid id = request.id;
    const ServiceKey service = request.service;
    connect(job, &ActionJob::previewReady, this, [this, job, id](const ActionPreview &preview) {
        if (!preview.allowed)
            return;
        // Previews nobody confirmed are never executed: keep the last ones only.
        if (m_shown.size() >= 256)
            m_shown.clear();
        m_shown.insert(id, job->shown());
    });
    connect(job, &ActionJob::accessChecked, this, [this, service] { Q_EMIT permissionsChecked(service); });
    job->start();
}

void KubernetesActionProvider::execute(const ActionRequest &request)
{
    ActionJob *job = startJob(ActionJob::Mode::Execute, request);
    if (!job)
        return;
    // The versions this request's preview showed: a change since then is a 409, not an overwrite.
    job->setShown(m_shown.take(request.id));
    job->start();
}

void KubernetesActionProvider::resume(const OperationStatus &status)
{
    const ActionRequest request{status.requestId, status.actionId, status.service, status.track, status.parameters};
    ActionJob *job = startJob(ActionJob::Mode::Resume, request);
    if (!job)
        return;
    job->setResumed(status);
    job->start();
}

void KubernetesActionProvider::checkPermissions(const ServiceKey &service)
{
    if (unusable(service) || !client()) {
        Q_EMIT permissionsChecked(service);
        return;
    }
    ActionTargetReader::read(m_client, service.ns, service.name, m_jobSettings.appLabel, std::nullopt, this,
                             [this, service](const Result<ActionTargets> &targets) {
        Facts facts;
        if (targets) {
            facts.stable = !targets->stable.isEmpty();
            facts.canary = !targets->canary.isEmpty();
            facts.routingKind = targets->routingKind();
            QMutexLocker lock(&m_factsMutex);
            m_facts.insert(service, facts);
        }
        // Every check any action needs here, asked once each.
        QList<AccessCheck> checks;
        const QString routing = facts.routingKind.isEmpty() ? QStringLiteral("Ingress") : facts.routingKind;
        for (const Offer &offer : kOffers) {
            for (const AccessCheck &check : ActionPlan::accessFor(QString::fromLatin1(offer.id), routing)) {
                if (!checks.contains(check))
                    checks << check;
            }
        }
        if (!m_jobSettings.accessReview) {
            Q_EMIT permissionsChecked(service);
            return;
        }
        auto outstanding = std::make_shared<int>(int(checks.size()));
        for (const AccessCheck &check : std::as_const(checks)) {
            m_client->send(QByteArrayLiteral("POST"), QStringLiteral("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"),
                           {}, QByteArrayLiteral("application/json"), ActionPermissions::reviewBody(check, service.ns),
                           QStringLiteral("asking whether %1 may %2").arg(m_client->user(), check.describe()), this,
                           [this, check, service, outstanding](const ActionReply &reply) {
                               if (reply.ok())
                                   m_permissions.store(check, service.ns,
                                                       ActionPermissions::answerOf(reply.object, check, service.ns,
                                                                                   m_client->user()));
                               else
                                   qCInfo(lcKubernetes).noquote() << "access review failed:" << reply.summary();
                               if (--*outstanding == 0)
                                   Q_EMIT permissionsChecked(service);
                           });
        }
    });
}

void KubernetesActionProvider::requestRevisionHistory(const ServiceKey &service, const QString &track)
{
    if (const auto error = unusable(service)) {
        Q_EMIT revisionHistoryFailed(service, track, *error);
        return;
    }
    if (!client()) {
        Q_EMIT revisionHistoryFailed(service, track, *m_configError);
        return;
    }
    const Track which = track.compare(u"canary", Qt::CaseInsensitive) == 0 ? Track::Canary : Track::Stable;
    ActionTargetReader::read(m_client, service.ns, service.name, m_jobSettings.appLabel, which, this,
                             [this, service, track, which](const Result<ActionTargets> &targets) {
        if (!targets) {
            Q_EMIT revisionHistoryFailed(service, track, targets.error());
            return;
        }
        const QJsonObject deployment = targets->deployment(which);
        if (deployment.isEmpty()) {
            Q_EMIT revisionHistoryFailed(service, track,
                                         Error{ErrorKind::NotFound,
                                               QStringLiteral("%1 has no %2 Deployment in %3").arg(service.name, toString(which), service.ns),
                                               {},
                                               std::nullopt});
            return;
        }
        QVariantList revisions;
        for (const DeploymentRevision &revision : RolloutUndo::history(deployment, targets->replicaSets))
            revisions << revision.toVariantMap();
        Q_EMIT revisionHistoryReady(service, track, revisions);
    });
}
