#include "restorelivebackend.h"

#include "actionclient.h"
#include "actiondiff.h"
#include "actiontargetreader.h"
#include "actiontargets.h"
#include "healthreportparser.h"
#include "restoreconnectionstring.h"
#include "sqlarmclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>
#include <QUrlQuery>

using namespace Opsdeck;

namespace {

const QString kRestartedAt = QStringLiteral("kubectl.kubernetes.io/restartedAt");
const QByteArray kMerge = QByteArrayLiteral("application/merge-patch+json");
const QByteArray kStrategic = QByteArrayLiteral("application/strategic-merge-patch+json");
const AccessCheck kPatchDeployments {
    QStringLiteral("patch"), QStringLiteral("apps"), QStringLiteral("deployments"), {}
};
const AccessCheck kGetSecrets { QStringLiteral("get"), QString(), QStringLiteral("secrets"), {} };
const AccessCheck kPatchSecrets { QStringLiteral("patch"), QString(), QStringLiteral("secrets"), {} };

RestoreReply toRestoreReply(const ArmReply &arm)
{
    RestoreReply r;
    r.status = arm.status;
    r.object = arm.object;
    r.headers = arm.headers;
    r.request = arm.request;
    r.error = arm.error;
    return r;
}

QUrlQuery dryRunQuery(bool dryRun)
{
    QUrlQuery q;
    if (dryRun)
        q.addQueryItem(QStringLiteral("dryRun"), QStringLiteral("All"));
    return q;
}

QString secretPath(const QString &ns, const QString &name)
{
    return QStringLiteral("/api/v1/namespaces/%1/secrets/%2").arg(ns, name);
}

QString deploymentPath(const QString &ns, const QString &name)
{
    return QStringLiteral("/apis/apps/v1/namespaces/%1/deployments/%2").arg(ns, name);
}

QString decoded(const QJsonObject &secret, const QString &key)
{
    return QString::fromUtf8(QByteArray::fromBase64(
        secret.value(QStringLiteral("data")).toObject().value(key).toString().toLatin1()));
}

QString restartOf(const QJsonObject &object)
{
    return object.value(u"spec")
        .toObject()
        .value(u"template")
        .toObject()
        .value(u"metadata")
        .toObject()
        .value(u"annotations")
        .toObject()
        .value(kRestartedAt)
        .toString();
}

bool podReady(const QJsonObject &pod)
{
    for (const QJsonValue &c : pod.value(u"status").toObject().value(u"conditions").toArray()) {
        const QJsonObject condition = c.toObject();
        if (condition.value(u"type").toString() == u"Ready")
            return condition.value(u"status").toString() == u"True";
    }
    return false;
}

QString ownerOf(const QJsonObject &object)
{
    for (const QJsonValue &o : object.value(u"metadata").toObject().value(u"ownerReferences").toArray()) {
        if (o.toObject().value(u"controller").toBool())
            return o.toObject().value(u"name").toString();
    }
    return {};
}

Error stepError(const ActionReply &reply, const QString &what)
{
    Error error = reply.error.value_or(Error { ErrorKind::Network, reply.summary(), {}, std::nullopt });
    if (!error.message.startsWith(what))
        error.message = QStringLiteral("%1: %2").arg(what, error.message);
    return error;
}

} // namespace

RestoreLiveBackend::RestoreLiveBackend(const AzureConfig &azure, const QString &sqlServer,
                                       const ClusterConnection &cluster,
                                       const ResilientClient::Settings &resilience, const QString &appLabel,
                                       QObject *parent)
    : QObject(parent)
    , m_azure(azure)
    , m_server(sqlServer)
    , m_connection(cluster)
    , m_resilience(resilience)
    , m_appLabel(appLabel.isEmpty() ? QStringLiteral("app") : appLabel)
{ }

RestoreLiveBackend::~RestoreLiveBackend() = default;

SqlArmClient *RestoreLiveBackend::arm()
{
    if (!m_arm)
        m_arm = new SqlArmClient(m_azure, this);
    return m_arm;
}

ActionClient *RestoreLiveBackend::cluster(std::optional<Error> *error)
{
    if (!m_client) {
        auto made = ActionClient::create(m_connection, m_resilience, this);
        if (!made) {
            *error = made.error();
            return nullptr;
        }
        m_client = *made;
    }
    return m_client;
}

QString RestoreLiveBackend::serverName() const
{
    return m_server.isEmpty() ? QStringLiteral("(no server)") : m_server;
}

QString RestoreLiveBackend::databaseId(const QString &database) const
{
    return m_arm ? m_arm->databasePath(m_server, database)
                 : QStringLiteral(
                       "/subscriptions/%1/resourceGroups/%2/providers/Microsoft.Sql/servers/%3/databases/%4")
                       .arg(m_azure.subscriptionId, m_azure.resourceGroup, m_server, database);
}

void RestoreLiveBackend::withServer(std::function<void(const std::optional<Error> &)> next)
{
    if (!m_server.isEmpty()) {
        next(std::nullopt);
        return;
    }
    const QString path = QStringLiteral("/subscriptions/%1/resourceGroups/%2/providers/Microsoft.Sql/servers")
                             .arg(m_azure.subscriptionId, m_azure.resourceGroup);
    arm()->getAll(
        path, QStringLiteral("listing the SQL servers of %1").arg(m_azure.resourceGroup), this,
        [this, next](Result<QJsonArray> servers) {
            if (!servers) {
                next(servers.error());
                return;
            }
            if (servers->size() != 1) {
                next(Error {
                    ErrorKind::Config,
                    QStringLiteral("resource group %1 has %2 SQL servers; which one holds the database?")
                        .arg(m_azure.resourceGroup)
                        .arg(servers->size()),
                    QStringLiteral("set sqlServer in the Azure config"), std::nullopt });
                return;
            }
            m_server = servers->at(0).toObject().value(u"name").toString();
            next(std::nullopt);
        });
}

void RestoreLiveBackend::armCall(const QByteArray &method, const QString &pathOrUrl, const QJsonObject &body,
                                 const QString &what, ReplyCallback done)
{
    arm()->send(method, pathOrUrl, body, what, this,
                [done](const ArmReply &reply) { done(toRestoreReply(reply)); });
}

void RestoreLiveBackend::getDatabase(const QString &database, ReplyCallback done)
{
    withServer([this, database, done](const std::optional<Error> &error) {
        if (error) {
            RestoreReply r;
            r.error = error;
            done(r);
            return;
        }
        armCall("GET", arm()->databasePath(m_server, database), {},
                QStringLiteral("reading database %1").arg(database), done);
    });
}

void RestoreLiveBackend::getRetention(const QString &database, ReplyCallback done)
{
    withServer([this, database, done](const std::optional<Error> &) {
        armCall("GET",
                arm()->databasePath(m_server, database)
                    + QStringLiteral("/backupShortTermRetentionPolicies/default"),
                {}, QStringLiteral("reading the backup retention of %1").arg(database), done);
    });
}

void RestoreLiveBackend::putDatabase(const QString &database, const QJsonObject &body, ReplyCallback done)
{
    withServer([this, database, body, done](const std::optional<Error> &error) {
        if (error) {
            RestoreReply r;
            r.error = error;
            done(r);
            return;
        }
        armCall("PUT", arm()->databasePath(m_server, database), body,
                QStringLiteral("restoring as database %1").arg(database), done);
    });
}

void RestoreLiveBackend::poll(const QString &url, ReplyCallback done)
{
    armCall("GET", url, {}, QStringLiteral("following the restore"), done);
}

// --- Kubernetes -------------------------------------------------------------------------------------

void RestoreLiveBackend::checkAccess(const ServiceKey &service, bool repoint, StepCallback done)
{
    QList<AccessCheck> checks { kPatchDeployments };
    if (repoint)
        checks << kGetSecrets << kPatchSecrets;
    checkNext(service, checks, {}, std::move(done));
}

void RestoreLiveBackend::checkNext(const ServiceKey &service, QList<AccessCheck> checks,
                                   RestoreStepAnswer answer, StepCallback done)
{
    if (checks.isEmpty()) {
        done(answer);
        return;
    }
    std::optional<Error> error;
    ActionClient *client = cluster(&error);
    if (!client) {
        answer.error = error;
        done(answer);
        return;
    }
    const AccessCheck check = checks.takeFirst();
    client->send("POST", QStringLiteral("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"), {},
                 "application/json", ActionPermissions::reviewBody(check, service.ns),
                 QStringLiteral("asking whether %1 may %2").arg(client->user(), check.describe()), this,
                 [this, client, service, check, checks, answer, done](const ActionReply &reply) mutable {
                     answer.requests << reply.request;
                     answer.httpStatus = reply.status;
                     if (!reply.ok()) {
                         answer.error = stepError(reply, QStringLiteral("checking permissions"));
                         done(answer);
                         return;
                     }
                     const AccessAnswer access
                         = ActionPermissions::answerOf(reply.object, check, service.ns, client->user());
                     if (!access.allowed) {
                         answer.error
                             = Error { ErrorKind::Forbidden, access.reason,
                                       QStringLiteral("ask for the permission, or use a context that has it"),
                                       std::nullopt };
                         done(answer);
                         return;
                     }
                     checkNext(service, checks, answer, done);
                 });
}

void RestoreLiveBackend::repoint(const ServiceKey &service, const QString &database, bool dryRun,
                                 StepCallback done)
{
    std::optional<Error> error;
    ActionClient *client = cluster(&error);
    if (!client) {
        done(RestoreStepAnswer { {}, 0, {}, {}, false, error });
        return;
    }
    const QString name = service.name + QStringLiteral("-db");
    const QString path = secretPath(service.ns, name);
    client->get(
        path, {}, QStringLiteral("reading Secret %1").arg(name), this,
        [this, client, service, database, dryRun, done, name, path](const ActionReply &read) {
            RestoreStepAnswer answer;
            answer.requests << QStringLiteral("GET %1").arg(path);
            answer.httpStatus = read.status;
            if (read.status == 404) {
                answer.error = Error {
                    ErrorKind::Invalid, QStringLiteral("there is no Secret %1 in %2").arg(name, service.ns),
                    QStringLiteral("the service's connection string lives elsewhere: point it at %1 by hand")
                        .arg(database),
                    std::nullopt
                };
                done(answer);
                return;
            }
            if (!read.ok()) {
                answer.error = stepError(read, QStringLiteral("reading Secret %1").arg(name));
                done(answer);
                return;
            }
            const QString before = decoded(read.object, QStringLiteral("connectionString"));
            const QString beforeDb = decoded(read.object, QStringLiteral("database"));
            const Result<QString> after = RestoreConnectionString::retarget(before, database);
            if (!after) {
                answer.error = after.error();
                done(answer);
                return;
            }
            const bool hasDatabaseKey
                = read.object.value(u"data").toObject().contains(QStringLiteral("database"));
            if (*after == before && (!hasDatabaseKey || beforeDb == database)) {
                answer.alreadyDone = true;
                answer.response = QStringLiteral("%1 already names %2").arg(name, database);
                done(answer);
                return;
            }
            QJsonObject data { { QStringLiteral("connectionString"),
                                 QString::fromLatin1(after->toUtf8().toBase64()) } };
            if (hasDatabaseKey)
                data.insert(QStringLiteral("database"), QString::fromLatin1(database.toUtf8().toBase64()));
            // Pinned: a Secret changed since it was read is a 409, not silently overwritten.
            const QJsonObject patch {
                { QStringLiteral("metadata"),
                  QJsonObject { { QStringLiteral("resourceVersion"),
                                  ActionTargets::resourceVersionOf(read.object) } } },
                { QStringLiteral("data"), data },
            };
            // The journal's line, with the password masked (the body itself carries it base64-encoded).
            const QString line
                = QStringLiteral("PATCH %1%2 (merge) data.connectionString=%3%4")
                      .arg(path, dryRun ? QStringLiteral("?dryRun=All") : QString(),
                           RestoreConnectionString::masked(*after),
                           hasDatabaseKey ? QStringLiteral(", data.database=%1").arg(database) : QString());
            client->send(
                "PATCH", path, dryRunQuery(dryRun), kMerge,
                QJsonDocument(patch).toJson(QJsonDocument::Compact),
                QStringLiteral("patching Secret %1").arg(name), this,
                [done, answer, line, name, before, beforeDb, database,
                 hasDatabaseKey](const ActionReply &reply) mutable {
                    answer.requests << line;
                    answer.httpStatus = reply.status;
                    if (!reply.ok()) {
                        answer.error = stepError(reply, QStringLiteral("patching Secret %1").arg(name));
                        if (reply.status == 409)
                            answer.error->kind = ErrorKind::Conflict;
                        done(answer);
                        return;
                    }
                    const QString now = decoded(reply.object, QStringLiteral("connectionString"));
                    answer.changes << ActionChange { QStringLiteral("Secret"), name,
                                                     QStringLiteral("data.connectionString"),
                                                     RestoreConnectionString::masked(before),
                                                     RestoreConnectionString::masked(now) };
                    if (hasDatabaseKey)
                        answer.changes
                            << ActionChange { QStringLiteral("Secret"), name, QStringLiteral("data.database"),
                                              beforeDb, decoded(reply.object, QStringLiteral("database")) };
                    answer.response = QStringLiteral("%1: %2 names %3").arg(reply.status).arg(name, database);
                    done(answer);
                });
        });
}

void RestoreLiveBackend::restart(const ServiceKey &service, const QString &stamp, bool dryRun,
                                 StepCallback done)
{
    std::optional<Error> error;
    ActionClient *client = cluster(&error);
    if (!client) {
        done(RestoreStepAnswer { {}, 0, {}, {}, false, error });
        return;
    }
    ActionTargetReader::read(
        client, service.ns, service.name, m_appLabel, std::nullopt, this,
        [this, service, stamp, dryRun, done](const Result<ActionTargets> &targets) {
            RestoreStepAnswer answer;
            if (!targets) {
                answer.error = targets.error();
                done(answer);
                return;
            }
            QList<QJsonObject> deployments;
            for (const QJsonObject &d : { targets->stable, targets->canary }) {
                if (!d.isEmpty())
                    deployments << d;
            }
            if (deployments.isEmpty()) {
                answer.error = Error {
                    ErrorKind::Invalid,
                    QStringLiteral("%1 has no Deployment in %2 to restart").arg(service.name, service.ns),
                    QStringLiteral("check the service's app label"), std::nullopt
                };
                done(answer);
                return;
            }
            restartNext(service.ns, deployments, stamp, dryRun, answer, done);
        });
}

void RestoreLiveBackend::restartNext(const QString &ns, QList<QJsonObject> deployments, const QString &stamp,
                                     bool dryRun, RestoreStepAnswer answer, StepCallback done)
{
    if (deployments.isEmpty()) {
        answer.response = QStringLiteral("%1: restartedAt %2").arg(answer.httpStatus).arg(stamp);
        done(answer);
        return;
    }
    const QJsonObject before = deployments.takeFirst();
    const QString name = ActionTargets::nameOf(before);
    if (!dryRun && restartOf(before) == stamp) {
        // Already restarted with this stamp (a resumed run): the same patch again would change nothing.
        answer.requests << QStringLiteral("(Deployment %1 already carries restartedAt %2)").arg(name, stamp);
        restartNext(ns, deployments, stamp, dryRun, answer, done);
        return;
    }
    const QJsonObject patch {
        { QStringLiteral("spec"),
          QJsonObject {
              { QStringLiteral("template"),
                QJsonObject { { QStringLiteral("metadata"),
                                QJsonObject { { QStringLiteral("annotations"),
                                                QJsonObject { { kRestartedAt, stamp } } } } } } } } }
    };
    std::optional<Error> error;
    ActionClient *client = cluster(&error);
    client->send(
        "PATCH", deploymentPath(ns, name), dryRunQuery(dryRun), kStrategic,
        QJsonDocument(patch).toJson(QJsonDocument::Compact),
        QStringLiteral("restarting Deployment %1").arg(name), this,
        [this, ns, deployments, stamp, dryRun, answer, done, before, name](const ActionReply &reply) mutable {
            answer.requests << reply.request;
            answer.httpStatus = reply.status;
            if (!reply.ok()) {
                answer.error = stepError(reply, QStringLiteral("restarting Deployment %1").arg(name));
                done(answer);
                return;
            }
            for (const ActionChange &c :
                 ActionDiff::diff(QStringLiteral("Deployment"), name, before, reply.object)) {
                if (c.field.contains(kRestartedAt))
                    answer.changes << c;
            }
            restartNext(ns, deployments, stamp, dryRun, answer, done);
        });
}

void RestoreLiveBackend::verify(const ServiceKey &service, const QString &stamp, VerifyCallback done)
{
    std::optional<Error> error;
    ActionClient *client = cluster(&error);
    if (!client) {
        done(RestoreVerifyAnswer { false, {}, {}, 0, error });
        return;
    }
    ActionTargetReader::read(
        client, service.ns, service.name, m_appLabel, std::nullopt, this,
        [this, client, service, stamp, done](const Result<ActionTargets> &targets) {
            if (!targets) {
                done(RestoreVerifyAnswer { false,
                                           targets.error().message,
                                           {},
                                           0,
                                           targets.error().kind == ErrorKind::Forbidden
                                               ? std::optional<Error>(targets.error())
                                               : std::nullopt });
                return;
            }
            QStringList wrong;
            QList<QJsonObject> deployments;
            for (const QJsonObject &d : { targets->stable, targets->canary }) {
                if (d.isEmpty() || ActionTargets::replicasOf(d) == 0)
                    continue;
                deployments << d;
                const QString name = ActionTargets::nameOf(d);
                if (restartOf(d) != stamp) {
                    wrong
                        << QStringLiteral("Deployment %1 does not carry the restart of %2").arg(name, stamp);
                    continue;
                }
                const ActionTargets::Rollout rollout = ActionTargets::rolloutOf(d);
                if (rollout.failed)
                    wrong << QStringLiteral("%1: %2").arg(name, rollout.message);
                else if (!rollout.done)
                    wrong << QStringLiteral("%1 rolling out: %2").arg(name, rollout.message);
            }
            QUrlQuery selector;
            selector.addQueryItem(QStringLiteral("labelSelector"),
                                  QStringLiteral("%1=%2").arg(m_appLabel, service.name));
            const QString rsPath = QStringLiteral("/apis/apps/v1/namespaces/%1/replicasets").arg(service.ns);
            client->get(
                rsPath, selector, QStringLiteral("listing ReplicaSets of %1").arg(service.name), this,
                [this, client, service, stamp, done, wrong, deployments,
                 selector](const ActionReply &rsReply) mutable {
                    if (!rsReply.ok()) {
                        done(RestoreVerifyAnswer { false, rsReply.summary(), rsReply.request, rsReply.status,
                                                   std::nullopt });
                        return;
                    }
                    // The ReplicaSets our restart made: their pod template carries our stamp.
                    QSet<QString> restarted;
                    for (const QJsonValue &rs : rsReply.object.value(u"items").toArray()) {
                        if (restartOf(rs.toObject()) == stamp)
                            restarted.insert(
                                rs.toObject().value(u"metadata").toObject().value(u"name").toString());
                    }
                    const QString podsPath = QStringLiteral("/api/v1/namespaces/%1/pods").arg(service.ns);
                    client->get(
                        podsPath, selector, QStringLiteral("listing pods of %1").arg(service.name), this,
                        [this, service, done, wrong, deployments,
                         restarted](const ActionReply &podsReply) mutable {
                            if (!podsReply.ok()) {
                                done(RestoreVerifyAnswer { false, podsReply.summary(), podsReply.request,
                                                           podsReply.status, std::nullopt });
                                return;
                            }
                            int wanted = 0;
                            for (const QJsonObject &d : deployments)
                                wanted += ActionTargets::replicasOf(d);
                            int readyNew = 0;
                            int notReadyNew = 0;
                            int old = 0;
                            for (const QJsonValue &p : podsReply.object.value(u"items").toArray()) {
                                const QJsonObject pod = p.toObject();
                                if (pod.value(u"metadata")
                                        .toObject()
                                        .contains(QStringLiteral("deletionTimestamp")))
                                    continue; // on its way out
                                const QString phase
                                    = pod.value(u"status").toObject().value(u"phase").toString();
                                if (phase == u"Succeeded" || phase == u"Failed")
                                    continue;
                                if (!restarted.contains(ownerOf(pod)))
                                    ++old;
                                else if (podReady(pod))
                                    ++readyNew;
                                else
                                    ++notReadyNew;
                            }
                            if (readyNew < wanted)
                                wrong << QStringLiteral("%1 of %2 pods Ready on the new ReplicaSets")
                                             .arg(readyNew)
                                             .arg(wanted);
                            if (notReadyNew > 0 && readyNew >= wanted)
                                wrong << QStringLiteral("%1 new pods not Ready").arg(notReadyNew);
                            if (old > 0)
                                wrong << QStringLiteral("%1 pods of the old ReplicaSets still running")
                                             .arg(old);
                            RestoreVerifyAnswer answer;
                            answer.request = podsReply.request;
                            answer.httpStatus = podsReply.status;
                            if (!wrong.isEmpty()) {
                                answer.stillWrong = wrong.join(QStringLiteral("; "));
                                done(answer);
                                return;
                            }
                            // Each track answers for itself: its breakers are its own.
                            QStringList services;
                            for (const QJsonObject &d : deployments)
                                services << ActionTargets::nameOf(d);
                            healthNext(service.ns, services, {}, answer, done);
                        });
                });
        });
}

void RestoreLiveBackend::healthNext(const QString &ns, QStringList services, QStringList wrong,
                                    RestoreVerifyAnswer answer, VerifyCallback done)
{
    if (services.isEmpty()) {
        answer.healthy = wrong.isEmpty();
        answer.stillWrong = wrong.join(QStringLiteral("; "));
        done(answer);
        return;
    }
    std::optional<Error> error;
    ActionClient *client = cluster(&error);
    const QString name = services.takeFirst();
    const QString path = QStringLiteral("/api/v1/namespaces/%1/services/%2/proxy/health").arg(ns, name);
    client->get(path, {}, QStringLiteral("reading /health of %1").arg(name), this,
                [this, ns, services, wrong, answer, done, name](const ActionReply &reply) mutable {
                    answer.request = reply.request;
                    answer.httpStatus = reply.status;
                    const Result<HealthReportParser::Parsed> parsed = HealthReportParser::parse(reply.body);
                    if (!parsed) {
                        wrong << QStringLiteral("%1 /health: %2").arg(name, reply.summary());
                    } else if (parsed->status != HealthStatus::Healthy) {
                        QStringList bad;
                        for (const HealthEntry &entry : parsed->entries) {
                            if (entry.status != HealthStatus::Healthy)
                                bad << QStringLiteral("%1 %2").arg(entry.name, toString(entry.status));
                        }
                        wrong << QStringLiteral("%1 /health %2%3")
                                     .arg(name, toString(parsed->status),
                                          bad.isEmpty()
                                              ? QString()
                                              : QStringLiteral(" (%1)").arg(bad.join(QStringLiteral(", "))));
                    }
                    healthNext(ns, services, wrong, answer, done);
                });
}
