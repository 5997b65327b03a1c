// Parsers for each kind, from the fixture lists (fixtures/README.md says where their shapes come from).

#include "responseparser.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTest>

using namespace Opsdeck;

class tst_ObjectParser : public QObject
{
    Q_OBJECT

private:
    ListPage load(ResourceKind kind, const QString &file, const ParseOptions &options = {})
    {
        QFile f(QStringLiteral(FIXTURE_DIR "/") + file);
        if (!f.open(QIODevice::ReadOnly))
            qFatal("cannot open fixture %s", qPrintable(file));
        QByteArray body = f.readAll();
        ResponseParser parser;
        auto page = parser.parseList(kind, body, options);
        if (!page)
            qFatal("%s: %s", qPrintable(file), qPrintable(page.error().message));
        return *page;
    }
    template<typename T>
    static T as(const ParsedObject &o)
    {
        const T *value = std::get_if<T>(&o.object);
        if (!value)
            qFatal("wrong object type");
        return *value;
    }

private Q_SLOTS:
    void pods()
    {
        const ListPage page = load(ResourceKind::Pod, QStringLiteral("pods-page1.json"));
        QCOMPARE(page.resourceVersion, QStringLiteral("48213"));
        QVERIFY(page.continueToken.startsWith(u"eyJ2Ijoi"));
        QCOMPARE(page.items.size(), size_t(2));
        QCOMPARE(page.items[0].resourceVersion, QStringLiteral("48102"));

        const PodInfo stable = as<PodInfo>(page.items[0]);
        QCOMPARE(stable.name, QStringLiteral("orderservice-stable-7d9f8b6c45-qp9xz"));
        QCOMPARE(stable.ns, QStringLiteral("microservices"));
        QCOMPARE(stable.app, QStringLiteral("orderservice"));
        QVERIFY(stable.track == Track::Stable);
        QCOMPARE(stable.phase, QStringLiteral("Running"));
        QVERIFY(stable.ready);
        QCOMPARE(stable.containers, 1);
        QCOMPARE(stable.readyContainers, 1);
        QCOMPARE(stable.restarts, 0);
        QVERIFY(stable.waitingReason.isEmpty());
        QCOMPARE(stable.node, QStringLiteral("aks-nodepool1-31718369-vmss000001"));
        QCOMPARE(stable.startTime, QDateTime(QDate(2026, 11, 24), QTime(4, 10, 2), Qt::UTC));
        QCOMPARE(stable.ownerReplicaSet, QStringLiteral("orderservice-stable-7d9f8b6c45"));
        QVERIFY(!stable.cpuMillicores);

        // app.kubernetes.io/name is the fallback; readiness from the Ready condition; restarts summed.
        const PodInfo canary = as<PodInfo>(page.items[1]);
        QCOMPARE(canary.app, QStringLiteral("orderservice"));
        QVERIFY(canary.track == Track::Canary);
        QVERIFY(!canary.ready);
        QCOMPARE(canary.containers, 2);
        QCOMPARE(canary.readyContainers, 1);
        QCOMPARE(canary.restarts, 7);
        QCOMPARE(canary.waitingReason, QStringLiteral("CrashLoopBackOff"));
    }

    void pendingPodCountsSpecContainers()
    {
        const ListPage page = load(ResourceKind::Pod, QStringLiteral("pods-pending.json"));
        QVERIFY(page.continueToken.isEmpty());
        const PodInfo pod = as<PodInfo>(page.items.at(0));
        QCOMPARE(pod.phase, QStringLiteral("Pending"));
        QCOMPARE(pod.containers, 1);
        QCOMPARE(pod.readyContainers, 0);
        QVERIFY(pod.node.isEmpty());
        QVERIFY(!pod.startTime.isValid());
    }

    void customAppLabel()
    {
        ParseOptions options;
        options.appLabel = QStringLiteral("pod-template-hash");
        const ListPage page = load(ResourceKind::Pod, QStringLiteral("pods-page1.json"), options);
        QCOMPARE(as<PodInfo>(page.items[0]).app, QStringLiteral("7d9f8b6c45"));
    }

    void deployments()
    {
        const ListPage page = load(ResourceKind::Deployment, QStringLiteral("deployments.json"));
        QCOMPARE(page.items.size(), size_t(2));
        const DeploymentInfo stable = as<DeploymentInfo>(page.items[0]);
        QCOMPARE(stable.name, QStringLiteral("orderservice-stable"));
        QCOMPARE(stable.app, QStringLiteral("orderservice"));
        QVERIFY(stable.track == Track::Stable);
        QCOMPARE(stable.desiredReplicas, 4);
        QCOMPARE(stable.readyReplicas, 3);
        QCOMPARE(stable.updatedReplicas, 4);
        QCOMPARE(stable.availableReplicas, 3);
        QCOMPARE(stable.revision, 3);
        QCOMPARE(stable.image, QStringLiteral("opsdeckdemo.azurecr.io/orderservice:1.8.2"));
        QCOMPARE(stable.generation, 4);
        QCOMPARE(stable.observedGeneration, 4);
        QVERIFY(!stable.paused);
        QCOMPARE(stable.conditions.size(), 2);
        QCOMPARE(stable.conditions[0].type, QStringLiteral("Available"));
        QVERIFY(stable.conditions[0].status);
        QCOMPARE(stable.conditions[0].reason, QStringLiteral("MinimumReplicasAvailable"));

        // Omitted replicas default to 1, absent counts are 0, the app label from the template.
        const DeploymentInfo canary = as<DeploymentInfo>(page.items[1]);
        QCOMPARE(canary.desiredReplicas, 1);
        QCOMPARE(canary.readyReplicas, 0);
        QCOMPARE(canary.app, QStringLiteral("orderservice"));
        QVERIFY(canary.track == Track::Canary);
        QVERIFY(canary.paused);
        QCOMPARE(canary.revision, 0);
        QVERIFY(!canary.conditions[0].status);
    }

    void replicaSets()
    {
        const ListPage page = load(ResourceKind::ReplicaSet, QStringLiteral("replicasets.json"));
        const ReplicaSetInfo current = as<ReplicaSetInfo>(page.items[0]);
        QCOMPARE(current.revision, 3);
        QCOMPARE(current.ownerDeployment, QStringLiteral("orderservice-stable"));
        QCOMPARE(current.ownerUid, QStringLiteral("d1"));
        QVERIFY(current.changeCause.startsWith(u"kubectl set image"));
        QCOMPARE(current.desiredReplicas, 4);
        QCOMPARE(current.readyReplicas, 3);
        QCOMPARE(current.image, QStringLiteral("opsdeckdemo.azurecr.io/orderservice:1.8.2"));
        QCOMPARE(current.created, QDateTime(QDate(2026, 11, 24), QTime(4, 9, 58), Qt::UTC));
        QVERIFY(current.track == Track::Stable);
        const ReplicaSetInfo old = as<ReplicaSetInfo>(page.items[1]);
        QCOMPARE(old.revision, 2);
        QCOMPARE(old.desiredReplicas, 0);
        QCOMPARE(old.image, QStringLiteral("opsdeckdemo.azurecr.io/orderservice:1.8.1"));
    }

    void hpas()
    {
        const ListPage page = load(ResourceKind::HorizontalPodAutoscaler, QStringLiteral("hpas.json"));
        const HpaInfo hpa = as<HpaInfo>(page.items[0]);
        QCOMPARE(hpa.targetKind, QStringLiteral("Deployment"));
        QCOMPARE(hpa.targetName, QStringLiteral("orderservice-stable"));
        QCOMPARE(hpa.minReplicas, 2);
        QCOMPARE(hpa.maxReplicas, 10);
        QCOMPARE(hpa.currentReplicas, 4);
        QCOMPARE(hpa.desiredReplicas, 5);
        QCOMPARE(hpa.cpuTargetPercent, std::optional<int>(70)); // the Resource metric, not the Pods one
        QCOMPARE(hpa.cpuCurrentPercent, std::optional<int>(93));
        QVERIFY(hpa.scalingLimited);
        QCOMPARE(hpa.lastScaleTime, QDateTime(QDate(2026, 11, 24), QTime(4, 9, 58), Qt::UTC));
        const HpaInfo minimal = as<HpaInfo>(page.items[1]);
        QCOMPARE(minimal.minReplicas, 1);
        QCOMPARE(minimal.maxReplicas, 6);
        QVERIFY(!minimal.cpuTargetPercent);
        QVERIFY(!minimal.cpuCurrentPercent);
        QVERIFY(!minimal.scalingLimited);
    }

    void ingresses()
    {
        const ListPage page = load(ResourceKind::Ingress, QStringLiteral("ingresses.json"));
        const IngressInfo primary = as<IngressInfo>(page.items[0]);
        QCOMPARE(primary.host, QStringLiteral("api.opsdeck.demo"));
        QCOMPARE(primary.path, QStringLiteral("/productservice"));
        QCOMPARE(primary.backendService, QStringLiteral("productservice-stable"));
        QVERIFY(!primary.canary);
        const IngressInfo canary = as<IngressInfo>(page.items[1]);
        QVERIFY(canary.canary);
        QCOMPARE(canary.canaryWeight, 10);
        QCOMPARE(canary.canaryWeightTotal, 1000);
        QCOMPARE(canary.backendService, QStringLiteral("productservice-canary"));
        const IngressInfo legacy = as<IngressInfo>(page.items[2]);
        QVERIFY(!legacy.canary);
        QCOMPARE(legacy.canaryWeight, 0);
        QCOMPARE(legacy.canaryWeightTotal, 100);
        QCOMPARE(legacy.backendService, QStringLiteral("legacy"));
    }

    void httpRoutes()
    {
        const ListPage page = load(ResourceKind::HttpRoute, QStringLiteral("httproutes.json"));
        const HttpRouteInfo route = as<HttpRouteInfo>(page.items[0]);
        QCOMPARE(route.name, QStringLiteral("basketservice"));
        QCOMPARE(route.hostnames, QStringList({QStringLiteral("api.opsdeck.demo"), QStringLiteral("basket.opsdeck.demo")}));
        // The first rule has no backends; the second's, with the Gateway API's default weight 1.
        QCOMPARE(route.backendRefs.size(), 3);
        QCOMPARE(route.backendRefs[0], (BackendRef{QStringLiteral("basketservice-stable"), 80, 80}));
        QCOMPARE(route.backendRefs[1], (BackendRef{QStringLiteral("basketservice-canary"), 80, 20}));
        QCOMPARE(route.backendRefs[2], (BackendRef{QStringLiteral("basketservice-shadow"), 8080, 1}));
    }

    void services()
    {
        const ListPage page = load(ResourceKind::Service, QStringLiteral("services.json"));
        const ServiceInfo svc = as<ServiceInfo>(page.items[0]);
        QCOMPARE(svc.type, QStringLiteral("ClusterIP"));
        QCOMPARE(svc.clusterIp, QStringLiteral("10.0.142.17"));
        QCOMPARE(svc.selectorApp, QStringLiteral("orderservice"));
        QCOMPARE(svc.ports, QList<int>({80, 9090}));
        const ServiceInfo headless = as<ServiceInfo>(page.items[1]);
        QCOMPARE(headless.type, QStringLiteral("ClusterIP"));
        QCOMPARE(headless.clusterIp, QStringLiteral("None"));
        QCOMPARE(headless.selectorApp, QStringLiteral("redis"));
        const ServiceInfo external = as<ServiceInfo>(page.items[2]);
        QCOMPARE(external.type, QStringLiteral("ExternalName"));
        QVERIFY(external.selectorApp.isEmpty());
        QVERIFY(external.ports.isEmpty());
    }

    void events()
    {
        const ListPage page = load(ResourceKind::Event, QStringLiteral("events.json"));
        const EventInfo backoff = as<EventInfo>(page.items[0]);
        QCOMPARE(backoff.involvedKind, QStringLiteral("Pod"));
        QCOMPARE(backoff.involvedName, QStringLiteral("orderservice-canary-5c7b9d8f6-kx2lm"));
        QCOMPARE(backoff.reason, QStringLiteral("BackOff"));
        QVERIFY(backoff.message.startsWith(u"Back-off restarting"));
        QVERIFY(backoff.warning);
        QCOMPARE(backoff.count, 42);
        QCOMPARE(backoff.lastTime, QDateTime(QDate(2026, 11, 24), QTime(5, 20, 11), Qt::UTC));
        // events.k8s.io-written: no count or lastTimestamp, a series instead.
        const EventInfo rescale = as<EventInfo>(page.items[1]);
        QVERIFY(!rescale.warning);
        QCOMPARE(rescale.count, 3);
        QCOMPARE(rescale.lastTime, QDateTime(QDate(2026, 11, 24), QTime(5, 25, 0), Qt::UTC));
    }

    void podMetrics()
    {
        const ListPage page = load(ResourceKind::PodMetrics, QStringLiteral("podmetrics.json"));
        const PodMetricsInfo m = as<PodMetricsInfo>(page.items[0]);
        QCOMPARE(m.name, QStringLiteral("orderservice-stable-7d9f8b6c45-qp9xz"));
        QCOMPARE(m.timestamp, QDateTime(QDate(2026, 11, 24), QTime(5, 29, 50), Qt::UTC));
        QCOMPARE(m.cpuMillicores, 94 + 2);                 // 93512345n rounds up to 94m, plus 2m
        QCOMPARE(m.memoryBytes, 131072LL * 1024 + 50LL * 1024 * 1024);
        const PodMetricsInfo idle = as<PodMetricsInfo>(page.items[1]);
        QCOMPARE(idle.cpuMillicores, 0);
        QCOMPARE(idle.memoryBytes, 129000000);
    }

    // A 10k-pod list (tens of MB, as large.yaml serves) parses in one pass into 10k PodInfos.
    void tenThousandPods()
    {
        QFile f(QStringLiteral(FIXTURE_DIR "/pods-page1.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray fixture = f.readAll();
        const qsizetype itemsAt = fixture.indexOf("\"items\":[") + 9;
        const qsizetype podEnd = fixture.indexOf("\n{\"metadata\"", itemsAt + 2); // end of the first item
        QVERIFY(itemsAt > 9 && podEnd > itemsAt);
        QByteArray pod = fixture.mid(itemsAt, podEnd - itemsAt).trimmed();
        pod.chop(1); // the comma before the second item
        QByteArray body = R"({"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"9"},"items":[)";
        for (int i = 0; i < 10000; ++i) {
            if (i)
                body += ',';
            body += QByteArray(pod).replace("qp9xz", QByteArray::number(i));
        }
        body += "]}";
        QElapsedTimer clock;
        clock.start();
        ResponseParser parser;
        auto page = parser.parseList(ResourceKind::Pod, body, {});
        const qint64 ms = clock.elapsed();
        QVERIFY2(page, page ? "" : qPrintable(page.error().message));
        QCOMPARE(page->items.size(), size_t(10000));
        QCOMPARE(as<PodInfo>(page->items[9999]).name, QStringLiteral("orderservice-stable-7d9f8b6c45-9999"));
        qInfo("%.1f MB, 10000 pods parsed in %lld ms", double(body.size()) / 1e6, ms);
    }

    void malformedListIsInvalid()
    {
        QByteArray body = R"({"kind":"PodList","items":[{"metadata":{"name":"a"}},)";
        ResponseParser parser;
        const auto page = parser.parseList(ResourceKind::Pod, body, {});
        QVERIFY(!page);
        QVERIFY(page.error().kind == ErrorKind::Invalid);
        QVERIFY(page.error().message.contains(u"Pod"));
    }

    void statusBody()
    {
        QByteArray body = R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too many requests","reason":"TooManyRequests","details":{"retryAfterSeconds":7},"code":429})";
        ResponseParser parser;
        const auto status = parser.parseStatus(body);
        QVERIFY(status);
        QCOMPARE(status->code, 429);
        QCOMPARE(status->reason, QStringLiteral("TooManyRequests"));
        QCOMPARE(status->retryAfterSeconds, std::optional<int>(7));
        QByteArray notStatus = R"({"kind":"PodList","items":[]})";
        QVERIFY(!parser.parseStatus(notStatus));
        QByteArray html = "<html>bad gateway</html>";
        QVERIFY(!parser.parseStatus(html));
    }

    void watchEvents()
    {
        QFile f(QStringLiteral(FIXTURE_DIR "/watch-stream.txt"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QList<QByteArray> lines = f.readAll().split('\n');
        lines.removeAll(QByteArray());
        QCOMPARE(lines.size(), 5);
        ResponseParser parser;

        auto added = parser.parseEvent(ResourceKind::Deployment, lines[0], {});
        QVERIFY(added);
        QVERIFY(added->type == WatchEvent::Type::Added);
        QCOMPARE(added->resourceVersion, QStringLiteral("48301"));
        QCOMPARE(as<DeploymentInfo>(added->object).desiredReplicas, 4);

        auto modified = parser.parseEvent(ResourceKind::Deployment, lines[1], {});
        QVERIFY(modified->type == WatchEvent::Type::Modified);
        QCOMPARE(as<DeploymentInfo>(modified->object).desiredReplicas, 6);

        auto bookmark = parser.parseEvent(ResourceKind::Deployment, lines[2], {});
        QVERIFY(bookmark->type == WatchEvent::Type::Bookmark);
        QCOMPARE(bookmark->resourceVersion, QStringLiteral("48400"));

        // "type" after "object" still works.
        auto deleted = parser.parseEvent(ResourceKind::Deployment, lines[3], {});
        QVERIFY(deleted);
        QVERIFY(deleted->type == WatchEvent::Type::Deleted);
        QCOMPARE(deleted->object.name, QStringLiteral("orderservice-canary"));
        QCOMPARE(deleted->resourceVersion, QStringLiteral("48401"));

        auto expired = parser.parseEvent(ResourceKind::Deployment, lines[4], {});
        QVERIFY(expired->type == WatchEvent::Type::Error);
        QCOMPARE(expired->statusCode, 410);
        QCOMPARE(expired->reason, QStringLiteral("Expired"));

        QByteArray junk = R"({"type":"SOMETHING","object":{}})";
        QVERIFY(!parser.parseEvent(ResourceKind::Pod, junk, {}));
        QByteArray truncated = R"({"type":"ADDED","object":{"metadata":{"name":)";
        QVERIFY(!parser.parseEvent(ResourceKind::Pod, truncated, {}));
    }
};

QTEST_GUILESS_MAIN(tst_ObjectParser)
#include "tst_objectparser.moc"
