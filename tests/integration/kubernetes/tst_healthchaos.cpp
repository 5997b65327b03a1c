// Issue 4's drills against the real opsdeck-sim: the kubernetes plugin (loaded like the app loads it, on
// its own thread) feeds a real ServiceStore. For each chaos type the breakers and health the store shows
// must match the sim's own /health answers within two poll intervals; for each API-server fault the
// last-known rows stay (marked stale while the source fails), come back by themselves when the fault
// clears, and never duplicate; a 429 is waited out for its Retry-After.

#include "kubeconfigloader.h"
#include "observation.h"
#include "pluginloader.h"
#include "servicestore.h"
#include "simprocess.h"
#include "sourcehost.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Opsdeck;

namespace {

const QString kNs = QStringLiteral("microservices");
const QString kCtx = QStringLiteral("opsdeck-sim");
const QString kSource = QStringLiteral("kubernetes:opsdeck-sim");
const QStringList kServices{QStringLiteral("notificationservice"), QStringLiteral("orderservice"),
                            QStringLiteral("productservice")};
constexpr int kPollMs = 1000; // the health poll interval asked of the source

// "svc/track" → status, "svc/track/entry" → "<status> <circuitState>"; "unavailable" when no report.
using View = QMap<QString, QString>;

} // namespace

class tst_HealthChaos : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    SimProcess m_sim{QStringLiteral(OPSDECK_SIM_PATH), m_dir.path()};
    ClusterConnection m_conn;
    QSslConfiguration m_ssl;
    QNetworkAccessManager m_net;
    std::unique_ptr<PluginLoader> m_plugins;
    std::unique_ptr<SourceHost> m_host;
    ServiceStore m_store;
    QList<QPair<qint64, ResourceDelta::Type>> m_podRelists; // (ms since start, type) of Pod Relisted deltas
    QElapsedTimer m_clock;

    QPair<int, QByteArray> call(const QByteArray &verb, const QString &path, const QJsonObject &body = {})
    {
        QUrl url = m_conn.server;
        url.setPath(path);
        QNetworkRequest request(url);
        request.setSslConfiguration(m_ssl);
        request.setRawHeader("Authorization", "Bearer " + m_conn.token.toUtf8());
        request.setRawHeader("Accept", "application/json");
        QByteArray data;
        if (!body.isEmpty()) {
            request.setRawHeader("Content-Type", "application/json");
            data = QJsonDocument(body).toJson(QJsonDocument::Compact);
        }
        QNetworkReply *reply = m_net.sendCustomRequest(request, verb, data);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!reply->isFinished())
            finished.wait(20000);
        reply->deleteLater();
        return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
    }

    bool chaos(const QString &service, const QString &action, const QJsonObject &body = {})
    {
        return call("POST", QStringLiteral("/_opsdeck/chaos/services/%1/%2").arg(service, action), body).first == 200;
    }
    bool fault(const QJsonObject &body) { return call("POST", QStringLiteral("/_opsdeck/chaos/api-faults"), body).first == 201; }
    bool clearAll() { return call("DELETE", QStringLiteral("/_opsdeck/chaos")).first == 200; }

    // The sim's truth: each track's /health, read as the sim's admin through the same service proxy.
    View truth()
    {
        View view;
        for (const QString &service : kServices) {
            for (const QString &track : {QStringLiteral("stable"), QStringLiteral("canary")}) {
                const auto [status, body] = call("GET", QStringLiteral("/api/v1/namespaces/%1/services/%2-%3/proxy/health").arg(kNs, service, track));
                const QJsonObject report = QJsonDocument::fromJson(body).object();
                const QString where = service + u'/' + track;
                if ((status != 200 && status != 503) || report.value(u"kind").toString() == u"Status" || !report.contains(u"entries")) {
                    view.insert(where, QStringLiteral("unavailable"));
                    continue;
                }
                view.insert(where, report.value(u"status").toString());
                const QJsonObject entries = report.value(u"entries").toObject();
                for (auto it = entries.begin(); it != entries.end(); ++it) {
                    const QJsonObject e = it.value().toObject();
                    view.insert(where + u'/' + it.key(), e.value(u"status").toString() + u' '
                                                              + e.value(u"data").toObject().value(u"circuitState").toString());
                }
            }
        }
        return view;
    }

    // What the store shows: the same keys from its health reports, and every breaker's state.
    View shown()
    {
        m_store.flush();
        View view;
        for (const QString &service : kServices) {
            const ServiceKey key{kCtx, kNs, service};
            for (const HealthReport &report : m_store.healthReports(key)) {
                const QString where = service + u'/' + toString(report.track).toLower();
                if (report.error) { // not read this time (the proxy had no endpoint): not what the sim says now
                    view.insert(where, QStringLiteral("unavailable"));
                    continue;
                }
                view.insert(where, toString(report.status));
                for (const HealthEntry &e : report.entries)
                    view.insert(where + u'/' + e.name, toString(e.status) + u' ' + e.circuitState);
            }
            // Breakers must agree with the entries they came from.
            if (const ServiceSummary *s = m_store.service(key)) {
                for (const BreakerSummary &b : s->breakers) {
                    const QString entry = view.value(service + u'/' + toString(b.track).toLower() + u'/' + b.name);
                    if (!entry.isEmpty() && !entry.endsWith(u' ' + toString(b.state)))
                        view.insert(QStringLiteral("mismatch/") + service + u'/' + b.name, toString(b.state));
                }
            }
        }
        return view;
    }

    // The store catches up with the sim within two poll intervals (plus one request's time).
    bool converges(QString *diff)
    {
        QElapsedTimer t;
        t.start();
        View lastTruth;
        View lastShown;
        while (t.elapsed() < 2 * kPollMs + 1500) {
            lastTruth = truth();
            QElapsedTimer wait;
            wait.start();
            // The store may lag the truth by up to two polls; the truth itself moves on the virtual clock,
            // so compare against it repeatedly instead of once.
            while (wait.elapsed() < 2 * kPollMs + 500) {
                lastShown = shown();
                if (lastShown == lastTruth)
                    return true;
                QTest::qWait(100);
            }
        }
        QStringList lines;
        for (auto it = lastTruth.cbegin(); it != lastTruth.cend(); ++it)
            if (lastShown.value(it.key()) != it.value())
                lines << QStringLiteral("%1: sim '%2', shown '%3'").arg(it.key(), it.value(), lastShown.value(it.key()));
        for (auto it = lastShown.cbegin(); it != lastShown.cend(); ++it)
            if (!lastTruth.contains(it.key()))
                lines << QStringLiteral("%1: shown '%2' only").arg(it.key(), it.value());
        *diff = lines.join(QStringLiteral("; "));
        return false;
    }

    static bool anythingWrong(const View &v)
    {
        for (auto it = v.cbegin(); it != v.cend(); ++it)
            if (!it.value().startsWith(u"Healthy"))
                return true;
        return false;
    }

    int simPods()
    {
        const auto [status, body] = call("GET", QStringLiteral("/api/v1/namespaces/%1/pods").arg(kNs));
        return status == 200 ? int(QJsonDocument::fromJson(body).object().value(u"items").toArray().size()) : -1;
    }
    int storePods()
    {
        int n = 0;
        for (const QString &service : kServices)
            n += int(m_store.pods(ServiceKey{kCtx, kNs, service}).size());
        return n;
    }
    // The rows are the three services, once each, and their pods are the sim's pods.
    bool rowsIntact()
    {
        m_store.flush();
        QSet<QString> names;
        for (int row = 0; row < m_store.serviceCount(); ++row)
            names.insert(m_store.serviceAt(row).key.name);
        return m_store.serviceCount() == 3 && names == QSet<QString>(kServices.begin(), kServices.end());
    }
    bool stale()
    {
        m_store.flush();
        for (int row = 0; row < m_store.serviceCount(); ++row)
            if (!m_store.serviceAt(row).stale || m_store.serviceAt(row).health != Health::Stale)
                return false;
        return m_store.serviceCount() > 0;
    }
    bool fresh()
    {
        m_store.flush();
        for (int row = 0; row < m_store.serviceCount(); ++row)
            if (m_store.serviceAt(row).stale)
                return false;
        return m_store.sourceStatuses().value(kSource).state == SourceStatus::State::Ok;
    }
    void recoveredWithoutDuplicates()
    {
        QTRY_VERIFY_WITH_TIMEOUT(fresh(), 30000);
        QVERIFY(rowsIntact());
        QTRY_COMPARE_WITH_TIMEOUT(storePods(), simPods(), 15000);
    }
    // Forces every informer to list again (a plain 410 on its next watch) by cutting the open watches.
    void forceRelist(const QString &resource = {})
    {
        QJsonObject gone{{QStringLiteral("kind"), QStringLiteral("watch-gone")}, {QStringLiteral("mode"), QStringLiteral("http")},
                         {QStringLiteral("verb"), QStringLiteral("watch")}, {QStringLiteral("count"), resource.isEmpty() ? 8 : 1}};
        QJsonObject drop{{QStringLiteral("kind"), QStringLiteral("drop-watches")}, {QStringLiteral("count"), 1}};
        if (!resource.isEmpty()) {
            gone.insert(QStringLiteral("resource"), resource);
            drop.insert(QStringLiteral("resource"), resource);
        }
        QVERIFY(fault(gone));
        QVERIFY(fault(drop));
    }

private Q_SLOTS:
    void initTestCase()
    {
        registerObservationMetaTypes();
        m_clock.start();
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFile::exists(QStringLiteral(OPSDECK_SIM_PATH)), OPSDECK_SIM_PATH " not built");
        QVERIFY2(m_sim.start({.speed = 10, .azure = false, .readyTimeoutMs = 30000}), qPrintable(m_sim.errorString()));
        const QString kubeconfig = m_sim.kubeconfigPath();
        auto config = KubeconfigLoader::load(kubeconfig, {}, {});
        QVERIFY(config);
        auto conn = config->resolve(kCtx);
        QVERIFY(conn);
        m_conn = *conn;
        m_ssl = *m_conn.sslConfiguration();

        m_plugins = std::make_unique<PluginLoader>(QStringList{QStringLiteral(OPSDECK_PLUGIN_BUILD_DIR)});
        m_plugins->load();
        DataSourceFactory *factory = m_plugins->sourceFactory(QStringLiteral("kubernetes"));
        QVERIFY(factory);
        std::unique_ptr<DataSource> source = factory->createSource();
        const auto ok = source->configure(SourceConfig{kSource,
                                                       {{QStringLiteral("kubeconfig"), kubeconfig},
                                                        {QStringLiteral("context"), kCtx},
                                                        {QStringLiteral("healthIntervalMs"), kPollMs},
                                                        {QStringLiteral("metricsIntervalSeconds"), 2},
                                                        {QStringLiteral("retryInitialMs"), 200},
                                                        {QStringLiteral("retryMaxMs"), 1000},
                                                        {QStringLiteral("requestTimeoutMs"), 2500},
                                                        {QStringLiteral("breakerBreakMs"), 2000}}});
        QVERIFY2(ok, ok ? "" : qPrintable(ok.error().message));
        m_host = std::make_unique<SourceHost>();
        connect(m_host.get(), &SourceHost::observationsReady, &m_store, &ServiceStore::apply);
        connect(m_host.get(), &SourceHost::statusChanged, &m_store, &ServiceStore::setSourceStatus);
        connect(m_host.get(), &SourceHost::observationsReady, this, [this](const ObservationBatch &batch) {
            for (const Observation &o : batch.observations)
                if (const auto *d = std::get_if<ResourceDelta>(&o); d && d->key.kind == ResourceKind::Pod && d->type == ResourceDelta::Type::Relisted)
                    m_podRelists.append({m_clock.elapsed(), d->type});
        });
        QVERIFY(m_host->add(std::move(source)));
        m_host->startAll();
        QTRY_VERIFY_WITH_TIMEOUT(fresh() && rowsIntact(), 60000);
        // Every track's report is in: six reports, and the breakers they list.
        QTRY_VERIFY_WITH_TIMEOUT(shown().size() > 6, 20000);
    }

    void cleanupTestCase()
    {
        m_host.reset();
        m_sim.stop();
    }

    void cleanup()
    {
        QVERIFY(clearAll());
    }

    void healthyEstateMatches()
    {
        QString diff;
        QVERIFY2(converges(&diff), qPrintable(diff));
        const ServiceSummary *order = m_store.service(ServiceKey{kCtx, kNs, QStringLiteral("orderservice")});
        QVERIFY(order);
        QVERIFY(!order->breakers.isEmpty()); // orderservice → productservice, its queue, its database
        QCOMPARE(toString(order->health), toString(Health::Healthy));
    }

    void chaosMatchesTheSim_data()
    {
        QTest::addColumn<QString>("service");
        QTest::addColumn<QString>("action");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("breaks"); // the sim must show a problem before we compare
        QTest::newRow("fail-service") << "productservice" << "fail" << QByteArray(R"({"errorRate":100})") << true;
        QTest::newRow("break-canary") << "productservice" << "break-canary" << QByteArray("{}") << true;
        QTest::newRow("database-down") << "orderservice" << "database-down" << QByteArray("{}") << true;
        QTest::newRow("kill-pods") << "notificationservice" << "kill-pods" << QByteArray(R"({"count":2})") << false;
        QTest::newRow("spike-traffic") << "orderservice" << "spike" << QByteArray(R"({"factor":8})") << false;
        QTest::newRow("add-latency") << "productservice" << "latency" << QByteArray(R"({"ms":4000})") << true;
    }

    void chaosMatchesTheSim()
    {
        QFETCH(QString, service);
        QFETCH(QString, action);
        QFETCH(QByteArray, body);
        QFETCH(bool, breaks);
        QVERIFY(chaos(service, action, QJsonDocument::fromJson(body).object()));
        if (breaks)
            QTRY_VERIFY_WITH_TIMEOUT(anythingWrong(truth()), 30000);
        else
            QTest::qWait(3000);
        QString diff;
        QVERIFY2(converges(&diff), qPrintable(QStringLiteral("under %1: %2").arg(action, diff)));
        if (breaks) {
            m_store.flush();
            bool problemShown = false;
            for (int row = 0; row < m_store.serviceCount(); ++row) {
                const ServiceSummary &s = m_store.serviceAt(row);
                problemShown = problemShown || s.health != Health::Healthy
                               || (s.worstBreaker() && *s.worstBreaker() != BreakerState::State::Closed);
            }
            QVERIFY(problemShown);
        }
        // Cleared, the estate heals and the store follows (breakers close after their break).
        QVERIFY(clearAll());
        QTRY_VERIFY_WITH_TIMEOUT(!anythingWrong(truth()), 45000);
        QVERIFY2(converges(&diff), qPrintable(QStringLiteral("after clearing %1: %2").arg(action, diff)));
        QVERIFY(rowsIntact());
    }

    void openBreakerIsShownWithItsDependency()
    {
        QVERIFY(chaos(QStringLiteral("productservice"), QStringLiteral("fail"), QJsonObject{{QStringLiteral("errorRate"), 100}}));
        const ServiceKey order{kCtx, kNs, QStringLiteral("orderservice")};
        QTRY_VERIFY_WITH_TIMEOUT(m_store.service(order) && m_store.service(order)->worstBreaker() == BreakerState::State::Open, 30000);
        const ServiceSummary *s = m_store.service(order);
        QCOMPARE(s->breakers.constFirst().name, QStringLiteral("productservice"));
        QVERIFY(s->breakers.constFirst().since.isValid());
        QVERIFY(severity(s->health) >= severity(Health::Degraded));
        // The transition is on the service's timeline.
        const QList<BreakerTransition> history = m_store.breakerHistory(order);
        QVERIFY(std::any_of(history.cbegin(), history.cend(), [](const BreakerTransition &t) {
            return t.name == u"productservice" && t.state == BreakerState::State::Open;
        }));
    }

    void droppedWatchesKeepTheRows()
    {
        QVERIFY(fault(QJsonObject{{QStringLiteral("kind"), QStringLiteral("drop-watches")}}));
        QTest::qWait(1500);
        QVERIFY(rowsIntact());
        recoveredWithoutDuplicates();
    }

    void expiredWatchesRelistWithoutDuplicates()
    {
        const qsizetype before = m_podRelists.size();
        forceRelist();
        QTRY_VERIFY_WITH_TIMEOUT(m_podRelists.size() > before, 20000);
        QVERIFY(rowsIntact());
        recoveredWithoutDuplicates();
    }

    void throttledListWaitsForRetryAfter()
    {
        // The pods list after the next relist is answered 429 with Retry-After: 3; it must wait that long.
        // (Scoped by path: metrics.k8s.io's pods are "pods" too.)
        QVERIFY(fault(QJsonObject{{QStringLiteral("kind"), QStringLiteral("throttle")}, {QStringLiteral("retryAfterSeconds"), 3},
                                  {QStringLiteral("pathPrefix"), QStringLiteral("/api/v1/pods")}, {QStringLiteral("verb"), QStringLiteral("list")},
                                  {QStringLiteral("count"), 1}}));
        const qsizetype before = m_podRelists.size();
        const qint64 t0 = m_clock.elapsed();
        forceRelist(QStringLiteral("pods"));
        QTRY_VERIFY_WITH_TIMEOUT(m_podRelists.size() > before, 20000);
        const qint64 waited = m_podRelists.at(before).first - t0;
        QVERIFY2(waited >= 2900, qPrintable(QStringLiteral("relisted after %1 ms").arg(waited)));
        QVERIFY2(waited < 10000, qPrintable(QStringLiteral("relisted after %1 ms").arg(waited)));
        recoveredWithoutDuplicates();
    }

    void serverErrorBurstMarksStaleAndRecovers()
    {
        // Every list and watch fails for 6 s: the source goes Down or Degraded, rows stay, marked stale.
        QVERIFY(fault(QJsonObject{{QStringLiteral("kind"), QStringLiteral("error")}, {QStringLiteral("code"), 500},
                                  {QStringLiteral("pathPrefix"), QStringLiteral("/api")}, {QStringLiteral("durationSeconds"), 6}}));
        forceRelist();
        QTRY_VERIFY_WITH_TIMEOUT(stale(), 15000);
        QVERIFY(rowsIntact());
        const ServiceSummary &s = m_store.serviceAt(0);
        QVERIFY(s.staleSince.isValid());
        // No clearing: the fault ends by itself and so does the staleness.
        recoveredWithoutDuplicates();
    }

    void stalledListTimesOutAndRecovers()
    {
        QVERIFY(fault(QJsonObject{{QStringLiteral("kind"), QStringLiteral("stall")}, {QStringLiteral("seconds"), 6},
                                  {QStringLiteral("pathPrefix"), QStringLiteral("/api/v1/pods")}, {QStringLiteral("verb"), QStringLiteral("list")},
                                  {QStringLiteral("count"), 1}}));
        const qsizetype before = m_podRelists.size();
        forceRelist(QStringLiteral("pods"));
        QTest::qWait(1000);
        QVERIFY(rowsIntact()); // last-known pods stay while the list hangs
        QVERIFY(storePods() > 0);
        QTRY_VERIFY_WITH_TIMEOUT(m_podRelists.size() > before, 20000); // the timeout (2.5 s) and a retry
        recoveredWithoutDuplicates();
    }

    void malformedListIsRetried()
    {
        QVERIFY(fault(QJsonObject{{QStringLiteral("kind"), QStringLiteral("malformed")}, {QStringLiteral("pathPrefix"), QStringLiteral("/api/v1/pods")},
                                  {QStringLiteral("verb"), QStringLiteral("list")}, {QStringLiteral("count"), 2}}));
        const qsizetype before = m_podRelists.size();
        forceRelist(QStringLiteral("pods"));
        QTRY_VERIFY_WITH_TIMEOUT(m_podRelists.size() > before, 20000);
        QVERIFY(rowsIntact());
        recoveredWithoutDuplicates();
    }

    void revokedTokenMarksStaleUntilRestored()
    {
        QVERIFY(fault(QJsonObject{{QStringLiteral("kind"), QStringLiteral("unauthorized")}, {QStringLiteral("pathPrefix"), QStringLiteral("/api")}}));
        forceRelist();
        QTRY_VERIFY_WITH_TIMEOUT(stale(), 20000);
        QVERIFY(rowsIntact());
        QVERIFY(storePods() > 0);
        const SourceStatus status = m_store.sourceStatuses().value(kSource);
        QVERIFY(status.error && status.error->kind == ErrorKind::Unauthorized);
        QTest::qWait(1500);
        QVERIFY(stale()); // still refused: still stale, nothing dropped
        QVERIFY(rowsIntact());
        QVERIFY(clearAll()); // the token works again
        recoveredWithoutDuplicates();
    }
};

QTEST_GUILESS_MAIN(tst_HealthChaos)
#include "tst_healthchaos.moc"
