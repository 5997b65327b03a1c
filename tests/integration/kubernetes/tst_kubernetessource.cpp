// The Kubernetes plugin against the real opsdeck-sim (DESIGN §10): loaded like the app loads it,
// hosted on its own thread by SourceHost, talking HTTPS. One source reaches the sim through a TCP relay
// the test can cut (dropped watches, an outage long enough for 410 Expired); a second one, for another
// context, authenticates with an exec credential plugin.

#include "tcpproxy.h"

#include "kubeconfigloader.h"
#include "observation.h"
#include "pluginloader.h"
#include "simprocess.h"
#include "sourcehost.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Opsdeck;

namespace {

const QString kNs = QStringLiteral("microservices");

template<typename T>
const T *as(const KubernetesObject &object)
{
    return std::get_if<T>(&object);
}

// A pointer into a temporary would dangle: callers pass a stored object (see Collector::at).
template<typename T>
const T *as(const KubernetesObject &&object) = delete;

} // namespace

// Everything the sources published, and the state a store would build from it.
class Collector : public QObject
{
    Q_OBJECT

public:
    QList<ObservationBatch> batches;
    QHash<ResourceKey, KubernetesObject> state;
    QSet<QPair<QString, int>> synced; // (context, kind)
    QHash<QString, SourceStatus> statuses;

    // The stored object (an empty one when the key is unknown), by reference so pointers into it stay valid.
    const KubernetesObject &at(const ResourceKey &key) const
    {
        static const KubernetesObject none;
        const auto it = state.constFind(key);
        return it == state.constEnd() ? none : *it;
    }

    void onBatch(const ObservationBatch &batch)
    {
        batches.append(batch);
        for (const Observation &o : batch.observations) {
            const ResourceDelta *d = std::get_if<ResourceDelta>(&o);
            if (!d)
                continue;
            switch (d->type) {
            case ResourceDelta::Type::Added:
            case ResourceDelta::Type::Modified:
                state.insert(d->key, d->object);
                break;
            case ResourceDelta::Type::Deleted:
                state.remove(d->key);
                break;
            case ResourceDelta::Type::Relisted:
                state.removeIf([&](const auto &it) {
                    return it.key().context == d->key.context && it.key().kind == d->key.kind
                           && (d->key.ns.isEmpty() || it.key().ns == d->key.ns);
                });
                break;
            case ResourceDelta::Type::Synced:
                synced.insert({d->key.context, int(d->key.kind)});
                break;
            }
        }
    }

    QList<ResourceKey> keys(const QString &context, ResourceKind kind) const
    {
        QList<ResourceKey> result;
        for (auto it = state.cbegin(); it != state.cend(); ++it) {
            if (it.key().context == context && it.key().kind == kind)
                result.append(it.key());
        }
        return result;
    }

    // Deltas of `type` for `key` in batches from index `from` on.
    QList<ResourceDelta> deltas(qsizetype from, const ResourceKey &key, ResourceDelta::Type type) const
    {
        QList<ResourceDelta> result;
        for (qsizetype i = from; i < batches.size(); ++i) {
            for (const Observation &o : batches[i].observations) {
                const ResourceDelta *d = std::get_if<ResourceDelta>(&o);
                if (d && d->type == type && d->key == key)
                    result.append(*d);
            }
        }
        return result;
    }
};

class tst_KubernetesSource : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    SimProcess m_sim{QStringLiteral(OPSDECK_SIM_PATH), m_dir.path()};
    ClusterConnection m_simConnection;
    QSslConfiguration m_ssl;
    QNetworkAccessManager m_net;
    std::unique_ptr<TcpProxy> m_proxy;
    std::unique_ptr<PluginLoader> m_plugins;
    std::unique_ptr<SourceHost> m_host;
    Collector m_collector;
    QString m_kubeconfig;

    // One request to the sim as its admin; returns (status, body).
    QPair<int, QByteArray> call(const QByteArray &verb, const QString &path, const QByteArray &body = {},
                                const QByteArray &contentType = "application/json")
    {
        QNetworkReply *reply = send(verb, path, body, contentType);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!reply->isFinished())
            finished.wait(20000);
        reply->deleteLater();
        return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
    }

    QNetworkReply *send(const QByteArray &verb, const QString &path, const QByteArray &body = {},
                        const QByteArray &contentType = "application/json")
    {
        QUrl url = m_simConnection.server;
        url.setPath(path);
        QNetworkRequest request(url);
        request.setSslConfiguration(m_ssl);
        request.setRawHeader("Authorization", "Bearer " + m_simConnection.token.toUtf8());
        request.setRawHeader("Accept", "application/json");
        if (!body.isEmpty())
            request.setRawHeader("Content-Type", contentType);
        return m_net.sendCustomRequest(request, verb, body);
    }

    bool statusIs(const QString &id, SourceStatus::State state) const
    {
        return m_collector.statuses.contains(id) && m_collector.statuses.value(id).state == state;
    }

    std::unique_ptr<DataSource> makeSource(const QString &id, const QVariantMap &settings)
    {
        DataSourceFactory *factory = m_plugins->sourceFactory(QStringLiteral("kubernetes"));
        if (!factory)
            return nullptr;
        std::unique_ptr<DataSource> source = factory->createSource();
        const auto configured = source->configure(SourceConfig{id, settings});
        if (!configured)
            qWarning() << toString(configured.error());
        return configured ? std::move(source) : nullptr;
    }

    QString writeKubeconfig()
    {
        // An exec plugin that prints the admin token, as kubelogin would print a fresh one.
        const QString script = m_dir.filePath(QStringLiteral("credential.sh"));
        QFile s(script);
        if (!s.open(QIODevice::WriteOnly))
            return {};
        s.write("#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
                "\"status\":{\"token\":\"" + m_simConnection.token.toUtf8() + "\"}}'\n");
        s.close();
        s.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);

        const QByteArray ca = m_simConnection.caPem.toBase64();
        QByteArray yaml = "apiVersion: v1\nkind: Config\ncurrent-context: proxied\nclusters:\n"
                          "- name: sim-proxy\n  cluster:\n    server: https://127.0.0.1:"
                          + QByteArray::number(m_proxy->port()) + "\n    certificate-authority-data: " + ca + "\n"
                          "- name: sim-direct\n  cluster:\n    server: " + m_simConnection.server.toString().toUtf8()
                          + "\n    certificate-authority-data: " + ca + "\n"
                          "users:\n- name: admin\n  user:\n    token: " + m_simConnection.token.toUtf8() + "\n"
                          "- name: exec-admin\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                          "      command: " + script.toUtf8() + "\n      interactiveMode: Never\n"
                          "contexts:\n- name: proxied\n  context:\n    cluster: sim-proxy\n    user: admin\n"
                          "- name: exec\n  context:\n    cluster: sim-direct\n    user: exec-admin\n";
        const QString path = m_dir.filePath(QStringLiteral("kubeconfig"));
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            return {};
        f.write(yaml);
        return path;
    }

private Q_SLOTS:
    void initTestCase()
    {
        registerObservationMetaTypes();
        QVERIFY(m_dir.isValid());
        // A missing simulator fails the test: it must never silently skip.
        QVERIFY2(QFile::exists(QStringLiteral(OPSDECK_SIM_PATH)), OPSDECK_SIM_PATH " not built");
        QVERIFY2(m_sim.start({.speed = 10, .azure = false, .readyTimeoutMs = 30000}), qPrintable(m_sim.errorString()));
        const QString simKubeconfig = m_sim.kubeconfigPath();

        auto kubeconfig = KubeconfigLoader::load(simKubeconfig, {}, {});
        QVERIFY2(kubeconfig, kubeconfig ? "" : qPrintable(kubeconfig.error().message));
        auto connection = kubeconfig->resolve(QStringLiteral("opsdeck-sim"));
        QVERIFY(connection);
        m_simConnection = *connection;
        auto ssl = m_simConnection.sslConfiguration();
        QVERIFY(ssl);
        m_ssl = *ssl;

        m_proxy = std::make_unique<TcpProxy>(quint16(m_simConnection.server.port()));
        QVERIFY(m_proxy->listen());
        const QString path = writeKubeconfig();
        QVERIFY(!path.isEmpty());
        m_kubeconfig = path;

        m_plugins = std::make_unique<PluginLoader>(QStringList{QStringLiteral(OPSDECK_PLUGIN_BUILD_DIR)});
        m_plugins->load();
        bool found = false;
        for (const PluginInfo &info : m_plugins->plugins()) {
            if (info.id == u"kubernetes") {
                found = true;
                QCOMPARE(info.observations, QStringList({QStringLiteral("resources"), QStringLiteral("metrics"), QStringLiteral("health")}));
                QVERIFY(info.actions.contains(QStringLiteral("canary-weight"))); // issue 6's action provider
            }
        }
        QVERIFY(found);

        // A bad setting is refused at configure time, naming the setting.
        DataSourceFactory *factory = m_plugins->sourceFactory(QStringLiteral("kubernetes"));
        QVERIFY(factory);
        auto bad = factory->createSource();
        const auto refused = bad->configure(SourceConfig{QStringLiteral("bad"), {{QStringLiteral("kubeconfig"), path},
                                                                              {QStringLiteral("context"), QStringLiteral("nope")}}});
        QVERIFY(!refused);
        QVERIFY(refused.error().kind == ErrorKind::Config);
        QVERIFY(refused.error().message.contains(u"nope"));
        auto unknownKind = factory->createSource();
        const auto refusedKind = unknownKind->configure(
            SourceConfig{QStringLiteral("bad-kind"), {{QStringLiteral("kubeconfig"), path},
                                                      {QStringLiteral("kinds"), QStringLiteral("pods,widgets")}}});
        QVERIFY(!refusedKind);
        QVERIFY(refusedKind.error().kind == ErrorKind::Config);
        QVERIFY(refusedKind.error().message.contains(u"widgets"));

        m_host = std::make_unique<SourceHost>();
        connect(m_host.get(), &SourceHost::observationsReady, &m_collector, &Collector::onBatch);
        connect(m_host.get(), &SourceHost::statusChanged, &m_collector,
                [this](const QString &id, const SourceStatus &status) { m_collector.statuses.insert(id, status); });
        // All namespaces through the relay; one namespace with the exec credential.
        auto proxied = makeSource(QStringLiteral("k8s-proxied"),
                                  {{QStringLiteral("kubeconfig"), path}, {QStringLiteral("retryInitialMs"), 100},
                                   {QStringLiteral("retryMaxMs"), 1000}, {QStringLiteral("metricsIntervalSeconds"), 1},
                                   {QStringLiteral("breakerBreakMs"), 2000}, {QStringLiteral("requestTimeoutMs"), 5000}});
        auto exec = makeSource(QStringLiteral("k8s-exec"),
                               {{QStringLiteral("kubeconfig"), path}, {QStringLiteral("context"), QStringLiteral("exec")},
                                {QStringLiteral("namespace"), kNs}, {QStringLiteral("retryInitialMs"), 100},
                                {QStringLiteral("retryMaxMs"), 1000}});
        QVERIFY(proxied && exec);
        QVERIFY(m_host->add(std::move(proxied)));
        QVERIFY(m_host->add(std::move(exec)));
        m_host->startAll();
    }

    void cleanupTestCase()
    {
        m_host.reset();
        m_sim.stop();
    }

    void syncsTheSeedEstate()
    {
        QTRY_VERIFY_WITH_TIMEOUT(statusIs(QStringLiteral("k8s-proxied"), SourceStatus::State::Ok), 60000);
        QTRY_VERIFY_WITH_TIMEOUT(statusIs(QStringLiteral("k8s-exec"), SourceStatus::State::Ok), 30000);
        const QString ctx = QStringLiteral("proxied");
        for (ResourceKind kind : {ResourceKind::Pod, ResourceKind::Deployment, ResourceKind::ReplicaSet,
                                  ResourceKind::HorizontalPodAutoscaler, ResourceKind::Ingress, ResourceKind::HttpRoute,
                                  ResourceKind::Service, ResourceKind::Event}) {
            QVERIFY2(m_collector.synced.contains({ctx, int(kind)}), qPrintable(toString(kind)));
            QVERIFY2(m_collector.synced.contains({QStringLiteral("exec"), int(kind)}), qPrintable(toString(kind)));
        }

        // 3 services × stable/canary, named by the app label, told apart by the version label.
        QSet<QString> tracks;
        const auto deployments = m_collector.keys(ctx, ResourceKind::Deployment);
        QCOMPARE(deployments.size(), 6);
        for (const ResourceKey &key : deployments) {
            const auto *d = as<DeploymentInfo>(m_collector.at(key));
            QVERIFY(d);
            QCOMPARE(d->ns, kNs);
            QVERIFY(!d->image.isEmpty());
            QVERIFY(d->revision >= 1);
            tracks.insert(d->app + u'/' + toString(d->track).toLower());
        }
        QCOMPARE(tracks, QSet<QString>({QStringLiteral("productservice/stable"), QStringLiteral("productservice/canary"),
                                        QStringLiteral("orderservice/stable"), QStringLiteral("orderservice/canary"),
                                        QStringLiteral("notificationservice/stable"),
                                        QStringLiteral("notificationservice/canary")}));
        QCOMPARE(m_collector.keys(QStringLiteral("exec"), ResourceKind::Deployment).size(), 6);

        // Pods: as many as the server lists, each with its service and owner.
        const auto [status, body] = call("GET", QStringLiteral("/api/v1/pods"));
        QCOMPARE(status, 200);
        const int serverPods = int(QJsonDocument::fromJson(body).object().value(u"items").toArray().size());
        const auto pods = m_collector.keys(ctx, ResourceKind::Pod);
        QVERIFY(pods.size() >= 10);
        QVERIFY2(std::abs(int(pods.size()) - serverPods) <= 3, qPrintable(QStringLiteral("%1 vs %2").arg(pods.size()).arg(serverPods)));
        for (const ResourceKey &key : pods) {
            const auto *p = as<PodInfo>(m_collector.at(key));
            QVERIFY(p);
            QVERIFY(!p->app.isEmpty());
            QVERIFY(!p->ownerReplicaSet.isEmpty());
        }

        const auto hpas = m_collector.keys(ctx, ResourceKind::HorizontalPodAutoscaler);
        QCOMPARE(hpas.size(), 3);
        for (const ResourceKey &key : hpas) {
            const auto *h = as<HpaInfo>(m_collector.at(key));
            QVERIFY(h->targetName.endsWith(u"-stable"));
            QVERIFY(h->maxReplicas >= h->minReplicas);
            QCOMPARE(h->cpuTargetPercent, std::optional<int>(70));
        }

        bool canaryIngress = false;
        for (const ResourceKey &key : m_collector.keys(ctx, ResourceKind::Ingress)) {
            const auto *i = as<IngressInfo>(m_collector.at(key));
            if (i->canary && i->backendService.startsWith(u"productservice")) {
                canaryIngress = true;
                QCOMPARE(i->canaryWeight, 10);
            }
        }
        QVERIFY(canaryIngress);

        const auto routes = m_collector.keys(ctx, ResourceKind::HttpRoute);
        QCOMPARE(routes.size(), 1);
        const auto *route = as<HttpRouteInfo>(m_collector.at(routes[0]));
        QVERIFY(route->name.startsWith(u"notificationservice"));
        QVERIFY(route->backendRefs.size() >= 2);

        QVERIFY(m_collector.keys(ctx, ResourceKind::Service).size() >= 9);
        QVERIFY(!m_collector.keys(ctx, ResourceKind::Event).isEmpty());

        // Metrics are polled (every second here) and merge by pod key.
        QTRY_VERIFY_WITH_TIMEOUT(!m_collector.keys(ctx, ResourceKind::PodMetrics).isEmpty(), 20000);
        bool busy = false;
        for (const ResourceKey &key : m_collector.keys(ctx, ResourceKind::PodMetrics)) {
            const auto *m = as<PodMetricsInfo>(m_collector.at(key));
            busy = busy || (m->cpuMillicores > 0 && m->memoryBytes > 0);
        }
        QVERIFY(busy);

        // Batched: far fewer batches than objects.
        qsizetype objects = 0;
        for (const ObservationBatch &b : m_collector.batches)
            objects += qsizetype(b.observations.size());
        QVERIFY2(m_collector.batches.size() * 5 < objects,
                 qPrintable(QStringLiteral("%1 batches for %2 observations").arg(m_collector.batches.size()).arg(objects)));
    }

    void scaledDeploymentIsModified()
    {
        const qsizetype from = m_collector.batches.size();
        const auto [status, body] = call("PATCH", QStringLiteral("/apis/apps/v1/namespaces/microservices/deployments/orderservice-canary"),
                                         R"({"spec":{"replicas":3}})", "application/merge-patch+json");
        QVERIFY2(status == 200, body.constData());
        const ResourceKey key{QStringLiteral("proxied"), ResourceKind::Deployment, kNs, QStringLiteral("orderservice-canary")};
        auto scaledTo3 = [&] {
            for (const ResourceDelta &d : m_collector.deltas(from, key, ResourceDelta::Type::Modified)) {
                if (as<DeploymentInfo>(d.object)->desiredReplicas == 3)
                    return true;
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(scaledTo3(), 15000);
        // The other context sees it too, in its own keys.
        const ResourceKey execKey{QStringLiteral("exec"), ResourceKind::Deployment, kNs, QStringLiteral("orderservice-canary")};
        QTRY_VERIFY_WITH_TIMEOUT(as<DeploymentInfo>(m_collector.at(execKey))
                                     && as<DeploymentInfo>(m_collector.at(execKey))->desiredReplicas == 3,
                                 15000);
    }

    void deletedPodIsDeleted()
    {
        QString victim;
        for (const ResourceKey &key : m_collector.keys(QStringLiteral("proxied"), ResourceKind::Pod)) {
            if (key.ns == kNs && key.name.startsWith(u"productservice-stable"))
                victim = key.name;
        }
        QVERIFY(!victim.isEmpty());
        const qsizetype from = m_collector.batches.size();
        const auto [status, body] = call("DELETE", QStringLiteral("/api/v1/namespaces/microservices/pods/") + victim);
        QVERIFY2(status == 200 || status == 202, body.constData());
        const ResourceKey key{QStringLiteral("proxied"), ResourceKind::Pod, kNs, victim};
        QTRY_VERIFY_WITH_TIMEOUT(!m_collector.deltas(from, key, ResourceDelta::Type::Deleted).isEmpty(), 15000);
        QVERIFY(!m_collector.state.contains(key));
    }

    void droppedWatchesResumeWithoutRelist()
    {
        const qsizetype from = m_collector.batches.size();
        const int accepted = m_proxy->connectionsAccepted();
        m_proxy->dropAll();
        // Changes made after the drop arrive over the re-established watches...
        QTest::qWait(300);
        const auto [status, body] = call("PATCH", QStringLiteral("/apis/apps/v1/namespaces/microservices/deployments/orderservice-canary"),
                                         R"({"spec":{"replicas":2}})", "application/merge-patch+json");
        QVERIFY2(status == 200, body.constData());
        const ResourceKey key{QStringLiteral("proxied"), ResourceKind::Deployment, kNs, QStringLiteral("orderservice-canary")};
        auto scaledTo2 = [&] {
            for (const ResourceDelta &d : m_collector.deltas(from, key, ResourceDelta::Type::Modified)) {
                if (as<DeploymentInfo>(d.object)->desiredReplicas == 2)
                    return true;
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(scaledTo2(), 15000);
        QVERIFY(m_proxy->connectionsAccepted() > accepted);
        // ...resumed from the last resourceVersion: no relist, and the source is still Ok.
        for (qsizetype i = from; i < m_collector.batches.size(); ++i) {
            for (const Observation &o : m_collector.batches[i].observations) {
                const auto *d = std::get_if<ResourceDelta>(&o);
                QVERIFY(!(d && d->type == ResourceDelta::Type::Relisted && d->key.context == u"proxied"
                          && d->key.kind != ResourceKind::PodMetrics));
            }
        }
        QTRY_VERIFY_WITH_TIMEOUT(statusIs(QStringLiteral("k8s-proxied"), SourceStatus::State::Ok), 10000);
    }

    // An outage longer than the server's watch history: the resumed watch gets ERROR 410 Expired and the
    // informer relists — Relisted, then every service once, and the one deleted meanwhile is gone.
    void expiredWatchRelistsWithoutDuplicatesOrGhosts()
    {
        const QByteArray svc = R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"%1","namespace":"microservices"},"spec":{"selector":{"app":"churn"},"ports":[{"port":80}]}})";
        for (const char *name : {"churn", "ghost"}) {
            const auto [status, body] = call("POST", QStringLiteral("/api/v1/namespaces/microservices/services"),
                                             QByteArray(svc).replace("%1", name));
            QVERIFY2(status == 201, body.constData());
        }
        const ResourceKey ghost{QStringLiteral("proxied"), ResourceKind::Service, kNs, QStringLiteral("ghost")};
        QTRY_VERIFY_WITH_TIMEOUT(m_collector.state.contains(ghost), 15000);

        m_proxy->setPaused(true);
        QTRY_VERIFY_WITH_TIMEOUT(!statusIs(QStringLiteral("k8s-proxied"), SourceStatus::State::Ok), 15000);
        const qsizetype execFrom = m_collector.batches.size();
        QVERIFY(call("DELETE", QStringLiteral("/api/v1/namespaces/microservices/services/ghost")).first == 200);
        // More than the sim's 5000-event history per resource.
        const int patches = 5050;
        int done = 0;
        int failed = 0;
        for (int i = 0; i < patches; ++i) {
            QNetworkReply *reply = send("PATCH", QStringLiteral("/api/v1/namespaces/microservices/services/churn"),
                                        QStringLiteral(R"({"metadata":{"annotations":{"churn":"%1"}}})").arg(i).toUtf8(),
                                        "application/merge-patch+json");
            connect(reply, &QNetworkReply::finished, this, [reply, &done, &failed] {
                ++done;
                if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 200)
                    ++failed;
                reply->deleteLater();
            });
        }
        QTRY_VERIFY_WITH_TIMEOUT(done == patches, 120000);
        QCOMPARE(failed, 0);
        const qsizetype from = m_collector.batches.size();
        m_proxy->setPaused(false);

        // The relist batch: Relisted first, each service once.
        auto relistBatch = [&]() -> qsizetype {
            for (qsizetype i = from; i < m_collector.batches.size(); ++i) {
                for (const Observation &o : m_collector.batches[i].observations) {
                    const auto *d = std::get_if<ResourceDelta>(&o);
                    if (d && d->type == ResourceDelta::Type::Relisted && d->key.context == u"proxied"
                        && d->key.kind == ResourceKind::Service)
                        return i;
                }
            }
            return -1;
        };
        QTRY_VERIFY_WITH_TIMEOUT(relistBatch() >= 0, 30000);
        const ObservationBatch &batch = m_collector.batches[relistBatch()];
        QSet<QString> added;
        bool afterRelist = false;
        for (const Observation &o : batch.observations) {
            const auto *d = std::get_if<ResourceDelta>(&o);
            if (!d || d->key.context != u"proxied" || d->key.kind != ResourceKind::Service)
                continue;
            if (d->type == ResourceDelta::Type::Relisted) {
                afterRelist = true;
                continue;
            }
            if (!afterRelist || d->type != ResourceDelta::Type::Added)
                continue;
            const QString name = d->key.ns + u'/' + d->key.name;
            QVERIFY2(!added.contains(name), qPrintable(QStringLiteral("duplicate %1").arg(name)));
            added.insert(name);
        }
        const auto [status, body] = call("GET", QStringLiteral("/api/v1/services"));
        QCOMPARE(status, 200);
        QSet<QString> onServer;
        for (const QJsonValue &item : QJsonDocument::fromJson(body).object().value(u"items").toArray()) {
            const QJsonObject meta = item.toObject().value(u"metadata").toObject();
            onServer.insert(meta.value(u"namespace").toString() + u'/' + meta.value(u"name").toString());
        }
        QCOMPARE(added, onServer);
        QVERIFY(!m_collector.state.contains(ghost));
        QCOMPARE(m_collector.keys(QStringLiteral("proxied"), ResourceKind::Service).size(), onServer.size());
        // Ok again without waiting for a bookmark or an event: an open stream is enough.
        QTRY_VERIFY_WITH_TIMEOUT(statusIs(QStringLiteral("k8s-proxied"), SourceStatus::State::Ok), 10000);

        // The exec source watched the churn live: thousands of events, batched into few signals.
        const ResourceKey churn{QStringLiteral("exec"), ResourceKind::Service, kNs, QStringLiteral("churn")};
        QTRY_VERIFY_WITH_TIMEOUT(m_collector.deltas(execFrom, churn, ResourceDelta::Type::Modified).size() >= patches, 30000);
        // One batch per ~50 ms window, however fast events come: never one signal per object.
        qsizetype execBatches = 0;
        qint64 minGapMs = std::numeric_limits<qint64>::max();
        QDateTime previous;
        for (qsizetype i = execFrom; i < m_collector.batches.size(); ++i) {
            const ObservationBatch &b = m_collector.batches[i];
            if (b.sourceId != u"k8s-exec")
                continue;
            ++execBatches;
            if (previous.isValid())
                minGapMs = std::min(minGapMs, previous.msecsTo(b.producedAt));
            previous = b.producedAt;
        }
        QVERIFY2(execBatches * 3 < patches, qPrintable(QStringLiteral("%1 batches").arg(execBatches)));
        QVERIFY2(minGapMs >= 40, qPrintable(QStringLiteral("batches %1 ms apart").arg(minGapMs)));
    }

    void kindsSettingLimitsTheWatchedKinds()
    {
        // Last: a host of its own, so the shared sources' counters above are not disturbed.
        Collector collector;
        SourceHost host;
        connect(&host, &SourceHost::observationsReady, &collector, &Collector::onBatch);
        connect(&host, &SourceHost::statusChanged, &collector,
                [&collector](const QString &id, const SourceStatus &status) { collector.statuses.insert(id, status); });
        const QString id = QStringLiteral("k8s-kinds");
        auto source = makeSource(id, {{QStringLiteral("kubeconfig"), m_kubeconfig},
                                      {QStringLiteral("kinds"), QStringList{QStringLiteral("pods"), QStringLiteral("deployments")}},
                                      {QStringLiteral("metrics"), false}});
        QVERIFY(source);
        QVERIFY(host.add(std::move(source)));
        host.startAll();
        // Ok needs every watched informer synced: only the two asked for exist.
        QTRY_VERIFY_WITH_TIMEOUT(collector.statuses.value(id).state == SourceStatus::State::Ok, 30000);
        const QString ctx = QStringLiteral("proxied");
        QCOMPARE(collector.synced, (QSet<QPair<QString, int>>{{ctx, int(ResourceKind::Pod)}, {ctx, int(ResourceKind::Deployment)}}));
        QVERIFY(!collector.keys(ctx, ResourceKind::Pod).isEmpty());
        QVERIFY(!collector.keys(ctx, ResourceKind::Deployment).isEmpty());
        for (auto it = collector.state.cbegin(); it != collector.state.cend(); ++it)
            QVERIFY2(it.key().kind == ResourceKind::Pod || it.key().kind == ResourceKind::Deployment,
                     qPrintable(toString(it.key().kind)));
    }
};

QTEST_GUILESS_MAIN(tst_KubernetesSource)
#include "tst_kubernetessource.moc"
