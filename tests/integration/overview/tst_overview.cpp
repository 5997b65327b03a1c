// The live Services overview end to end (issue 3, item 5): opsdeck-sim (--speed 10) → the kubernetes
// plugin loaded by PluginLoader and run by SourceHost → ServiceStore → ServiceTableModel and
// PodTableModel, with QAbstractItemModelTester watching both models throughout. The estate is changed
// as an SRE changes it — real kubectl with the sim's kubeconfig — and the sim's own fault API
// (`opsdeck-sim fault ...`) drops watches and answers 410 Gone. Every check is on model rows, against
// what the sim's API says is true at that moment.

#include "kubeconfigloader.h"
#include "observation.h"
#include "pluginloader.h"
#include "podtablemodel.h"
#include "servicestore.h"
#include "servicetablemodel.h"
#include "simprocess.h"
#include "sourcehost.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QMutex>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>


#include <csignal>
#include <functional>

using namespace Opsdeck;

namespace {

const QString kNs = QStringLiteral("microservices");

// The plugin's log lines, collected from its worker threads (the only proof a client-side drop happened).
QMutex g_logMutex;
QStringList g_log;
QtMessageHandler g_previousHandler = nullptr;

void captureLog(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (context.category && qstrcmp(context.category, "opsdeck.kubernetes") == 0) {
        QMutexLocker lock(&g_logMutex);
        g_log.append(message);
    }
    if (g_previousHandler)
        g_previousHandler(type, context, message);
}

int logLinesContaining(const QString &text, qsizetype from = 0)
{
    QMutexLocker lock(&g_logMutex);
    int n = 0;
    for (qsizetype i = from; i < g_log.size(); ++i)
        n += g_log.at(i).contains(text) ? 1 : 0;
    return n;
}

qsizetype logSize()
{
    QMutexLocker lock(&g_logMutex);
    return g_log.size();
}

QString describe(QStringList names)
{
    names.sort();
    return names.join(u' ');
}

} // namespace

class tst_Overview : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    SimProcess m_sim{QStringLiteral(OPSDECK_SIM_PATH), m_dir.path()};
    QString m_kubeconfig;
    ClusterConnection m_connection;
    QSslConfiguration m_ssl;
    QNetworkAccessManager m_net;

    std::unique_ptr<PluginLoader> m_plugins;
    std::unique_ptr<SourceHost> m_host;
    ServiceStore m_store;
    ServiceTableModel m_services{&m_store};
    PodTableModel m_pods{&m_store};
    std::unique_ptr<QAbstractItemModelTester> m_servicesTester;
    std::unique_ptr<QAbstractItemModelTester> m_podsTester;
    std::unique_ptr<QSignalSpy> m_servicesReset;
    std::unique_ptr<QSignalSpy> m_podsReset;
    QString m_context;
    // (batch index, kind) of every Relisted delta the source published.
    QList<QPair<int, ResourceKind>> m_relisted;
    int m_batches = 0;

    // ---- the sim's truth, straight from its API ----

    QJsonArray listItems(const QString &path, const QString &labelSelector = {})
    {
        QUrl url = m_connection.server;
        url.setPath(path);
        if (!labelSelector.isEmpty())
            url.setQuery(QUrlQuery{{QStringLiteral("labelSelector"), labelSelector}});
        QNetworkRequest request(url);
        request.setSslConfiguration(m_ssl);
        request.setRawHeader("Authorization", "Bearer " + m_connection.token.toUtf8());
        request.setRawHeader("Accept", "application/json");
        QNetworkReply *reply = m_net.get(request);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!reply->isFinished())
            finished.wait(20000);
        reply->deleteLater();
        if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 200) {
            qWarning() << "GET" << path << "failed:" << reply->errorString();
            return {};
        }
        return QJsonDocument::fromJson(reply->readAll()).object().value(u"items").toArray();
    }

    static QString appOf(const QJsonObject &object)
    {
        const QJsonObject labels = object.value(u"metadata").toObject().value(u"labels").toObject();
        const QString app = labels.value(u"app").toString();
        return app.isEmpty() ? labels.value(u"app.kubernetes.io/name").toString() : app;
    }

    // Pod names of one service, as the API lists them now.
    QStringList truePods(const QString &service)
    {
        QStringList names;
        for (const QJsonValue &item : listItems(QStringLiteral("/api/v1/namespaces/%1/pods").arg(kNs),
                                                QStringLiteral("app=") + service))
            names.append(item.toObject().value(u"metadata").toObject().value(u"name").toString());
        return names;
    }

    // Services as "namespace/app": every app label on a workload the API lists now.
    QStringList trueServices()
    {
        QSet<QString> services;
        for (const QString &path : {QStringLiteral("/apis/apps/v1/deployments"), QStringLiteral("/apis/apps/v1/replicasets"),
                                    QStringLiteral("/api/v1/pods")}) {
            for (const QJsonValue &item : listItems(path)) {
                const QJsonObject object = item.toObject();
                const QString app = appOf(object);
                if (!app.isEmpty())
                    services.insert(object.value(u"metadata").toObject().value(u"namespace").toString() + u'/' + app);
            }
        }
        return services.values();
    }

    // ---- what the models show ----

    QStringList serviceRows() const
    {
        QStringList rows;
        for (int row = 0; row < m_services.rowCount(); ++row)
            rows.append(m_services.index(row, ServiceTableModel::NamespaceColumn).data().toString() + u'/'
                        + m_services.index(row, ServiceTableModel::NameColumn).data().toString());
        return rows;
    }

    QStringList podRows() const
    {
        QStringList rows;
        for (int row = 0; row < m_pods.rowCount(); ++row)
            rows.append(m_pods.index(row, PodTableModel::NameColumn).data().toString());
        return rows;
    }

    int serviceRow(const QString &name) const
    {
        for (int row = 0; row < m_services.rowCount(); ++row) {
            if (m_services.index(row, ServiceTableModel::NameColumn).data().toString() == name)
                return row;
        }
        return -1;
    }

    QString cell(const QString &service, int column) const
    {
        const int row = serviceRow(service);
        return row < 0 ? QString() : m_services.index(row, column).data().toString();
    }

    // Rows equal the sim's truth: same names, as many rows as names (so no duplicates). The estate is
    // live (pods come and go), so both sides are read again until they agree or time runs out.
    bool waitUntilRowsMatch(const std::function<QStringList()> &rows, const std::function<QStringList()> &truth,
                            int timeoutMs, QString &why)
    {
        QElapsedTimer clock;
        clock.start();
        for (;;) {
            const QStringList shown = rows();
            const QStringList real = truth();
            const QSet<QString> shownSet(shown.cbegin(), shown.cend());
            const QSet<QString> realSet(real.cbegin(), real.cend());
            if (!real.isEmpty() && shownSet == realSet && shown.size() == shownSet.size())
                return true;
            if (clock.elapsed() > timeoutMs) {
                why = QStringLiteral("rows [%1] (%2) vs sim [%3] (%4)")
                          .arg(describe(shown)).arg(shown.size()).arg(describe(real)).arg(real.size());
                return false;
            }
            QTest::qWait(400);
        }
    }

    // ---- the tools a person uses ----

    QPair<int, QString> run(const QString &program, const QStringList &args)
    {
        QProcess p;
        p.setProgram(program);
        p.setArguments(args);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), m_dir.path()); // kubectl writes nothing into the real home
        env.remove(QStringLiteral("KUBECONFIG"));
        p.setProcessEnvironment(env);
        p.start();
        if (!p.waitForStarted(10000))
            return {-1, p.errorString()};
        if (!p.waitForFinished(60000)) {
            p.kill();
            p.waitForFinished();
            return {-1, QStringLiteral("%1 timed out").arg(program)};
        }
        const QString output = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError()).trimmed();
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, output};
    }

    QPair<int, QString> kubectl(const QStringList &args)
    {
        // A fresh discovery cache for this run (DESIGN §12), never $HOME/.kube/cache.
        return run(QStringLiteral(OPSDECK_KUBECTL),
                   QStringList{QStringLiteral("--kubeconfig"), m_kubeconfig, QStringLiteral("--cache-dir"),
                               m_dir.filePath(QStringLiteral("kube-cache")), QStringLiteral("--request-timeout=30s")}
                       + args);
    }

    QPair<int, QString> fault(const QStringList &args)
    {
        return run(QStringLiteral(OPSDECK_SIM_PATH),
                   QStringList{QStringLiteral("fault"), QStringLiteral("--kubeconfig"), m_kubeconfig} + args);
    }

    int relistsSince(int batch, ResourceKind kind) const
    {
        int n = 0;
        for (const auto &[index, k] : m_relisted)
            n += (index >= batch && k == kind) ? 1 : 0;
        return n;
    }

private Q_SLOTS:
    void initTestCase()
    {
        registerObservationMetaTypes();
        g_previousHandler = qInstallMessageHandler(captureLog);
        QLoggingCategory::setFilterRules(QStringLiteral("opsdeck.kubernetes.info=true"));
        QVERIFY(m_dir.isValid());
        // A missing simulator or kubectl fails the test: it must never silently skip.
        QVERIFY2(QFile::exists(QStringLiteral(OPSDECK_SIM_PATH)), OPSDECK_SIM_PATH " not built");
        QVERIFY2(QFile::exists(QStringLiteral(OPSDECK_KUBECTL)), OPSDECK_KUBECTL " is missing (scripts/setup installs it)");

        QVERIFY2(m_sim.start({.speed = 10, .azure = false, .readyTimeoutMs = 30000}), qPrintable(m_sim.errorString()));
        m_kubeconfig = m_sim.kubeconfigPath();

        auto kubeconfig = KubeconfigLoader::load(m_kubeconfig, {}, {});
        QVERIFY2(kubeconfig, kubeconfig ? "" : qPrintable(kubeconfig.error().message));
        auto connection = kubeconfig->resolve(QString());
        QVERIFY2(connection, connection ? "" : qPrintable(connection.error().message));
        m_connection = *connection;
        auto ssl = m_connection.sslConfiguration();
        QVERIFY(ssl);
        m_ssl = *ssl;

        // The models are judged on every signal from here on; a reset would defeat the fine-grained design.
        m_servicesTester = std::make_unique<QAbstractItemModelTester>(
            &m_services, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m_podsTester = std::make_unique<QAbstractItemModelTester>(&m_pods, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m_servicesReset = std::make_unique<QSignalSpy>(&m_services, &QAbstractItemModel::modelReset);

        m_plugins = std::make_unique<PluginLoader>(QStringList{QStringLiteral(OPSDECK_PLUGIN_BUILD_DIR)});
        m_plugins->load();
        DataSourceFactory *factory = m_plugins->sourceFactory(QStringLiteral("kubernetes"));
        QVERIFY2(factory, "the kubernetes plugin is not in the build tree");
        std::unique_ptr<DataSource> source = factory->createSource();
        // Short backoff so a test's outage ends in seconds, not the production 30 s cap.
        const auto configured = source->configure(SourceConfig{QStringLiteral("kubernetes:overview"),
                                                               {{QStringLiteral("kubeconfig"), m_kubeconfig},
                                                                {QStringLiteral("retryInitialMs"), 200},
                                                                {QStringLiteral("retryMaxMs"), 2000}}});
        QVERIFY2(configured, configured ? "" : qPrintable(configured.error().message));

        m_host = std::make_unique<SourceHost>();
        connect(m_host.get(), &SourceHost::observationsReady, &m_store, &ServiceStore::apply);
        connect(m_host.get(), &SourceHost::statusChanged, &m_store, &ServiceStore::setSourceStatus);
        connect(m_host.get(), &SourceHost::observationsReady, this, [this](const ObservationBatch &batch) {
            for (const Observation &o : batch.observations) {
                const auto *d = std::get_if<ResourceDelta>(&o);
                if (d && d->type == ResourceDelta::Type::Relisted)
                    m_relisted.append({m_batches, d->key.kind});
            }
            ++m_batches;
        });
        QVERIFY(m_host->add(std::move(source)));
        m_host->startAll();

        QTRY_VERIFY_WITH_TIMEOUT(!m_store.contexts().isEmpty(), 30000);
        m_context = m_store.contexts().value(0);
        QCOMPARE(m_context, m_connection.contextName);
        m_pods.setService(ServiceKey{m_context, kNs, QStringLiteral("productservice")});
        m_podsReset = std::make_unique<QSignalSpy>(&m_pods, &QAbstractItemModel::modelReset);
    }

    void rowsShowTheSeedEstate()
    {
        QTRY_VERIFY_WITH_TIMEOUT(m_store.contextState(m_context).isSynced(), 60000);
        QTRY_COMPARE_WITH_TIMEOUT(m_services.rowCount(), 3, 30000);
        QString why;
        QVERIFY2(waitUntilRowsMatch([this] { return serviceRows(); }, [this] { return trueServices(); }, 20000, why),
                 qPrintable(why));
        const QRegularExpression replicas(QStringLiteral("^\\d+/\\d+$"));
        for (const QString &name : {QStringLiteral("productservice"), QStringLiteral("orderservice"),
                                    QStringLiteral("notificationservice")}) {
            QVERIFY2(serviceRow(name) >= 0, qPrintable(name));
            QVERIFY2(replicas.match(cell(name, ServiceTableModel::StableColumn)).hasMatch(),
                     qPrintable(name + u' ' + cell(name, ServiceTableModel::StableColumn)));
        }
        QVERIFY2(waitUntilRowsMatch([this] { return podRows(); }, [this] { return truePods(QStringLiteral("productservice")); },
                                    20000, why),
                 qPrintable(why));
    }

    // `kubectl scale` → the service's canary cell reads the new ready/desired, and stays there. (The
    // canary: the stable track has an HPA that would fight a manual scale.)
    void kubectlScaleChangesTheRow()
    {
        QTRY_COMPARE_WITH_TIMEOUT(cell(QStringLiteral("orderservice"), ServiceTableModel::CanaryColumn), QStringLiteral("1/1"), 30000);
        QSignalSpy changed(&m_services, &QAbstractItemModel::dataChanged);
        const auto [rc, output] = kubectl({QStringLiteral("scale"), QStringLiteral("deployment/orderservice-canary"),
                                           QStringLiteral("--replicas=3"), QStringLiteral("-n"), kNs});
        QVERIFY2(rc == 0, qPrintable(output));
        QVERIFY2(output.contains(QStringLiteral("scaled")), qPrintable(output));
        // Desired first (the Deployment), then ready as the sim's pods start.
        QTRY_VERIFY_WITH_TIMEOUT(cell(QStringLiteral("orderservice"), ServiceTableModel::CanaryColumn).endsWith(QStringLiteral("/3")), 15000);
        QTRY_COMPARE_WITH_TIMEOUT(cell(QStringLiteral("orderservice"), ServiceTableModel::CanaryColumn), QStringLiteral("3/3"), 60000);
        const int row = serviceRow(QStringLiteral("orderservice"));
        bool rowSignalled = false;
        for (const QList<QVariant> &args : std::as_const(changed)) {
            const auto first = args.at(0).value<QModelIndex>();
            const auto last = args.at(1).value<QModelIndex>();
            rowSignalled = rowSignalled
                           || (first.row() <= row && row <= last.row() && first.column() <= ServiceTableModel::CanaryColumn
                               && ServiceTableModel::CanaryColumn <= last.column());
        }
        QVERIFY2(rowSignalled, "no dataChanged covered orderservice's canary cell");
        // Stable: nothing scales it back.
        QTest::qWait(2000);
        QCOMPARE(cell(QStringLiteral("orderservice"), ServiceTableModel::CanaryColumn), QStringLiteral("3/3"));
        QCOMPARE(m_servicesReset->size(), 0);
    }

    void deletedPodLeavesThePodsModel()
    {
        QVERIFY(m_pods.rowCount() > 0);
        const QString victim = m_pods.index(m_pods.rowCount() - 1, PodTableModel::NameColumn).data().toString();
        QVERIFY(victim.startsWith(QStringLiteral("productservice-")));
        const auto [rc, output] = kubectl({QStringLiteral("delete"), QStringLiteral("pod"), victim, QStringLiteral("-n"), kNs,
                                           QStringLiteral("--wait=false")});
        QVERIFY2(rc == 0, qPrintable(output));
        QTRY_COMPARE_WITH_TIMEOUT(m_pods.rowOf(victim), -1, 15000);
        QVERIFY(!podRows().contains(victim));
        QVERIFY(!truePods(QStringLiteral("productservice")).contains(victim));
        // Its replacement arrives, and the rows settle on exactly the sim's pods.
        QString why;
        QVERIFY2(waitUntilRowsMatch([this] { return podRows(); }, [this] { return truePods(QStringLiteral("productservice")); },
                                    30000, why),
                 qPrintable(why));
        QCOMPARE(m_podsReset->size(), 0);
    }

    // The sim cuts every open watch mid-event; the client resumes from its resourceVersion and the next
    // `kubectl scale` still reaches the row.
    void droppedWatchStillUpdatesTheRow()
    {
        const qsizetype logMark = logSize();
        const int batch = m_batches;
        const auto [rc, output] = fault({QStringLiteral("drop-watches")});
        QVERIFY2(rc == 0, qPrintable(output));
        QTRY_VERIFY_WITH_TIMEOUT(logLinesContaining(QStringLiteral("watch dropped"), logMark) > 0, 15000);
        QTest::qWait(500);

        const auto [scaled, text] = kubectl({QStringLiteral("scale"), QStringLiteral("deployment/orderservice-canary"),
                                             QStringLiteral("--replicas=2"), QStringLiteral("-n"), kNs});
        QVERIFY2(scaled == 0, qPrintable(text));
        QTRY_VERIFY_WITH_TIMEOUT(cell(QStringLiteral("orderservice"), ServiceTableModel::CanaryColumn).endsWith(QStringLiteral("/2")), 20000);
        QTRY_COMPARE_WITH_TIMEOUT(cell(QStringLiteral("orderservice"), ServiceTableModel::CanaryColumn), QStringLiteral("2/2"), 60000);
        // Resumed, not relisted: a drop is not an expiry.
        QCOMPARE(relistsSince(batch, ResourceKind::Deployment), 0);
        QCOMPARE(relistsSince(batch, ResourceKind::Pod), 0);
        QCOMPARE(m_services.rowCount(), 3);
        QCOMPARE(m_servicesReset->size(), 0);
    }

    // An outage of the watches (the sim answers 503 to every watch), changes made meanwhile — a pod and a
    // whole service deleted — then the resumed watches get 410 Gone: the informers relist, and the rows
    // are exactly the sim's again: the deleted ones gone (no ghosts), nothing twice (no duplicates).
    void goneWatchRelistsWithoutDuplicatesOrGhosts()
    {
        // A fourth service, to be deleted while nobody watches: two bare pods. (Not a Deployment: the sim
        // crashes on a Deployment created without a status — reported to the sim room.)
        const QString manifest = m_dir.filePath(QStringLiteral("ghost.yaml"));
        {
            QFile f(manifest);
            QVERIFY(f.open(QIODevice::WriteOnly));
            for (const char *name : {"ghostservice-a", "ghostservice-b"}) {
                f.write(QByteArray("---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: ") + name
                        + "\n  namespace: microservices\n  labels: {app: ghostservice, version: stable}\nspec:\n"
                          "  containers:\n  - name: ghostservice\n    image: registry.example/ghostservice:1.0\n");
            }
        }
        const auto [applied, applyText] = kubectl({QStringLiteral("create"), QStringLiteral("-f"), manifest,
                                                   QStringLiteral("--validate=false")}); // the sim serves no OpenAPI
        QVERIFY2(applied == 0, qPrintable(applyText));
        QTRY_VERIFY_WITH_TIMEOUT(serviceRow(QStringLiteral("ghostservice")) >= 0, 20000);
        QCOMPARE(m_services.rowCount(), 4);
        QVERIFY(m_pods.rowCount() > 0);
        const QString victim = m_pods.index(0, PodTableModel::NameColumn).data().toString();

        const qsizetype logMark = logSize();
        const int batch = m_batches;
        // Order matters: the sim takes the first matching fault, so the 503s hold until they expire and
        // only then does each kind's next watch meet its 410.
        for (const QStringList &args : {QStringList{QStringLiteral("error"), QStringLiteral("--verb"), QStringLiteral("watch"),
                                                    QStringLiteral("--code"), QStringLiteral("503"), QStringLiteral("--duration"),
                                                    QStringLiteral("6")},
                                        QStringList{QStringLiteral("watch-gone"), QStringLiteral("--resource"), QStringLiteral("pods"),
                                                    QStringLiteral("--count"), QStringLiteral("1")},
                                        QStringList{QStringLiteral("watch-gone"), QStringLiteral("--resource"),
                                                    QStringLiteral("deployments"), QStringLiteral("--count"), QStringLiteral("1")},
                                        QStringList{QStringLiteral("watch-gone"), QStringLiteral("--resource"),
                                                    QStringLiteral("replicasets"), QStringLiteral("--count"), QStringLiteral("1")},
                                        QStringList{QStringLiteral("drop-watches")}}) {
            const auto [rc, output] = fault(args);
            QVERIFY2(rc == 0, qPrintable(args.join(u' ') + QStringLiteral(": ") + output));
        }
        QTRY_VERIFY_WITH_TIMEOUT(logLinesContaining(QStringLiteral("watch dropped"), logMark) >= 3, 10000);

        const auto [deletedPod, podText] = kubectl({QStringLiteral("delete"), QStringLiteral("pod"), victim, QStringLiteral("-n"),
                                                    kNs, QStringLiteral("--wait=false")});
        QVERIFY2(deletedPod == 0, qPrintable(podText));
        const auto [deletedDeploy, deployText] = kubectl({QStringLiteral("delete"), QStringLiteral("pods"),
                                                          QStringLiteral("-l"), QStringLiteral("app=ghostservice"),
                                                          QStringLiteral("-n"), kNs, QStringLiteral("--wait=false")});
        QVERIFY2(deletedDeploy == 0, qPrintable(deployText));
        QVERIFY(!truePods(QStringLiteral("productservice")).contains(victim));
        QVERIFY(!trueServices().contains(kNs + QStringLiteral("/ghostservice")));
        // Nobody is watching: the rows still show both (what the relist must then correct).
        QCOMPARE(relistsSince(batch, ResourceKind::Pod), 0);
        QVERIFY2(m_pods.rowOf(victim) >= 0, "the pod left before any watch resumed: the outage did not happen");
        QVERIFY(serviceRow(QStringLiteral("ghostservice")) >= 0);

        // The 410s: relisted, and the rows are the sim's.
        QTRY_VERIFY_WITH_TIMEOUT(relistsSince(batch, ResourceKind::Pod) > 0 && relistsSince(batch, ResourceKind::Deployment) > 0
                                     && relistsSince(batch, ResourceKind::ReplicaSet) > 0,
                                 40000);
        QVERIFY(logLinesContaining(QStringLiteral("watch expired, relisting"), logMark) >= 3);
        QTRY_COMPARE_WITH_TIMEOUT(serviceRow(QStringLiteral("ghostservice")), -1, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(m_pods.rowOf(victim), -1, 15000);
        QString why;
        QVERIFY2(waitUntilRowsMatch([this] { return serviceRows(); }, [this] { return trueServices(); }, 20000, why),
                 qPrintable(why));
        QCOMPARE(m_services.rowCount(), 3);
        QVERIFY2(waitUntilRowsMatch([this] { return podRows(); }, [this] { return truePods(QStringLiteral("productservice")); },
                                    30000, why),
                 qPrintable(why));
        // And live again after the relist: the next scale still reaches the row.
        const auto [scaled, text] = kubectl({QStringLiteral("scale"), QStringLiteral("deployment/orderservice-canary"),
                                             QStringLiteral("--replicas=1"), QStringLiteral("-n"), kNs});
        QVERIFY2(scaled == 0, qPrintable(text));
        QTRY_COMPARE_WITH_TIMEOUT(cell(QStringLiteral("orderservice"), ServiceTableModel::CanaryColumn), QStringLiteral("1/1"), 60000);
        QCOMPARE(m_servicesReset->size(), 0);
        QCOMPARE(m_podsReset->size(), 0);
    }

    void cleanupTestCase()
    {
        if (m_host)
            m_host->stopAll();
        m_sim.stop();
        qInstallMessageHandler(g_previousHandler);
    }
};

QTEST_GUILESS_MAIN(tst_Overview)
#include "tst_overview.moc"
