// The appinsights plugin, loaded as the app loads it and run on its own thread by SourceHost, against a
// real opsdeck-sim: both dialects deliver every series for stable and canary; a new window re-queries at
// once; partial answers are marked and 429s waited out; after `opsdeck-sim chaos break-canary` the
// canary's failed requests rise above stable's.

#include "azure/azureconfig.h"
#include "kubeconfigloader.h"
#include "observation.h"
#include "pluginloader.h"
#include "simprocess.h"
#include "sourcehost.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Opsdeck;
using namespace Qt::StringLiterals;

namespace {

const QString kCtx = u"opsdeck-sim"_s;
const QString kNs = u"microservices"_s;
const QString kService = u"productservice"_s; // has a canary in the seed estate

QString keyOf(const TelemetrySeries &s)
{
    return s.service.name + u'/' + toString(s.track).toLower() + u'/' + s.metric;
}

double total(const TelemetrySeries &s)
{
    double sum = 0;
    for (const TelemetryPoint &p : s.points)
        sum += p.value;
    return sum;
}

} // namespace

class tst_AppInsightsSource : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    SimProcess m_sim{QStringLiteral(OPSDECK_SIM_PATH), m_dir.path()};
    QString m_kubeconfig;
    ClusterConnection m_conn;
    QSslConfiguration m_ssl;
    QNetworkAccessManager m_net;
    QVariantMap m_azureSettings;
    std::unique_ptr<PluginLoader> m_plugins;
    std::unique_ptr<SourceHost> m_host;
    QString m_id;
    // What the source published last, per "service/track/metric", and its breakdowns.
    QHash<QString, TelemetrySeries> m_series;
    QHash<QString, TelemetryBreakdown> m_breakdowns;
    int m_batches = 0;
    SourceStatus m_status;

    QPair<int, QByteArray> admin(const QByteArray &verb, const QString &path, const QJsonObject &body = {})
    {
        QUrl url = m_conn.server;
        url.setPath(path);
        QNetworkRequest request(url);
        request.setSslConfiguration(m_ssl);
        request.setRawHeader("Authorization", "Bearer " + m_conn.token.toUtf8());
        request.setRawHeader("Content-Type", "application/json");
        QNetworkReply *reply = m_net.sendCustomRequest(request, verb, body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson());
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!reply->isFinished())
            finished.wait(20000);
        reply->deleteLater();
        return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
    }

    // Starts one appinsights source with the sim's Azure config plus `extra` settings.
    void startSource(const QString &dialect, const QVariantMap &extra)
    {
        m_host.reset();
        m_series.clear();
        m_breakdowns.clear();
        m_batches = 0;
        m_status = {};
        DataSourceFactory *factory = m_plugins->sourceFactory(u"appinsights"_s);
        QVERIFY(factory);
        std::unique_ptr<DataSource> source = factory->createSource();
        QVariantMap settings = m_azureSettings;
        settings.insert(u"dialect"_s, dialect);
        settings.insert(u"context"_s, kCtx);
        settings.insert(u"namespace"_s, kNs);
        settings.insert(u"retryInitialMs"_s, 200);
        for (auto it = extra.cbegin(); it != extra.cend(); ++it)
            settings.insert(it.key(), it.value());
        m_id = u"appinsights:"_s + dialect;
        const auto ok = source->configure(SourceConfig{m_id, settings});
        QVERIFY2(ok, ok ? "" : qPrintable(toString(ok.error())));
        m_host = std::make_unique<SourceHost>();
        connect(m_host.get(), &SourceHost::observationsReady, this, [this](const ObservationBatch &batch) {
            ++m_batches;
            for (const Observation &o : batch.observations) {
                if (const auto *s = std::get_if<TelemetrySeries>(&o))
                    m_series.insert(keyOf(*s), *s);
                else if (const auto *b = std::get_if<TelemetryBreakdown>(&o))
                    m_breakdowns.insert(b->service.name + u'/' + toString(b->track).toLower() + u'/' + b->dimension, *b);
            }
        });
        connect(m_host.get(), &SourceHost::statusChanged, this, [this](const QString &, const SourceStatus &s) { m_status = s; });
        QVERIFY(m_host->add(std::move(source)));
        m_host->startAll();
    }

    void checkEverySeries(int windowSeconds, int stepSeconds)
    {
        QTRY_VERIFY_WITH_TIMEOUT(m_status.state == SourceStatus::State::Ok && !m_series.isEmpty(), 30000);
        for (const QString &track : {u"stable"_s, u"canary"_s}) {
            const QString where = kService + u'/' + track + u'/';
            for (const QString &metric : {u"requests"_s, u"failedRequests"_s, u"p50Ms"_s, u"p95Ms"_s, u"p99Ms"_s,
                                          u"dependencyCalls"_s, u"dependencyFailures"_s, u"resilience:OnRetry"_s,
                                          u"resilience:OnCircuitOpened"_s, u"resilience:OnCircuitHalfOpened"_s,
                                          u"resilience:OnCircuitClosed"_s, u"resilience:OnTimeout"_s, u"resilience:OnFallback"_s}) {
                QVERIFY2(m_series.contains(where + metric), qPrintable(where + metric));
                const TelemetrySeries &s = m_series[where + metric];
                QCOMPARE(s.service, (ServiceKey{kCtx, kNs, kService}));
                QCOMPARE(s.windowSeconds, windowSeconds);
                QCOMPARE(s.stepSeconds, stepSeconds);
                QVERIFY(!s.partial);
            }
            QVERIFY2(total(m_series[where + u"requests"_s]) > 0, qPrintable(where));
            QVERIFY2(total(m_series[where + u"dependencyCalls"_s]) > 0, qPrintable(where));
            QVERIFY(!m_series[where + u"p95Ms"_s].points.isEmpty());
            QVERIFY(m_breakdowns.contains(kService + u'/' + track + u"/operation"_s));
            QVERIFY(m_breakdowns.contains(kService + u'/' + track + u"/resultCode"_s));
        }
        // The stable track carries most of the traffic.
        QVERIFY(total(m_series[kService + u"/stable/requests"_s]) > total(m_series[kService + u"/canary/requests"_s]));
    }

    double lastBin(const QString &track, const QString &metric)
    {
        const TelemetrySeries s = m_series.value(kService + u'/' + track + u'/' + metric);
        return s.points.isEmpty() ? -1 : s.points.constLast().value;
    }

private Q_SLOTS:
    void initTestCase()
    {
        registerObservationMetaTypes();
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFile::exists(QStringLiteral(OPSDECK_SIM_PATH)), OPSDECK_SIM_PATH " not built");
        QVERIFY2(m_sim.start({.speed = 1, .readyTimeoutMs = 30000}), qPrintable(m_sim.errorString()));
        m_kubeconfig = m_sim.kubeconfigPath();
        const QString azure = m_sim.azureConfigPath();
        auto config = KubeconfigLoader::load(m_kubeconfig, {}, {});
        QVERIFY(config);
        auto conn = config->resolve(kCtx);
        QVERIFY(conn);
        m_conn = *conn;
        m_ssl = *m_conn.sslConfiguration();
        const auto az = AzureConfig::load(azure);
        QVERIFY2(az, az ? "" : qPrintable(toString(az.error())));
        m_azureSettings = az->toSettings();

        m_plugins = std::make_unique<PluginLoader>(QStringList{QStringLiteral(OPSDECK_PLUGIN_BUILD_DIR)});
        m_plugins->load();
        QVERIFY(m_plugins->sourceFactory(u"appinsights"_s));
    }

    void cleanupTestCase()
    {
        m_host.reset();
        m_sim.stop();
    }

    void workspace()
    {
        startSource(u"workspace"_s, {{u"intervalMs"_s, 2000}});
        checkEverySeries(900, 60);
    }

    void classic()
    {
        startSource(u"classic"_s, {{u"intervalMs"_s, 2000}, {u"window"_s, 3600}});
        checkEverySeries(3600, 300);
    }

    void badSettingsRefused()
    {
        DataSourceFactory *factory = m_plugins->sourceFactory(u"appinsights"_s);
        for (const auto &[key, value] : {std::pair{u"dialect"_s, QVariant(u"modern"_s)}, std::pair{u"services"_s, QVariant(u"Bad Name"_s)},
                                         std::pair{u"window"_s, QVariant(1800)}, std::pair{u"intervalMs"_s, QVariant(-1)}}) {
            std::unique_ptr<DataSource> source = factory->createSource();
            QVariantMap settings = m_azureSettings;
            settings.insert(key, value);
            const auto ok = source->configure(SourceConfig{u"appinsights:bad"_s, settings});
            QVERIFY2(!ok, qPrintable(key));
            QVERIFY(ok.error().kind == ErrorKind::Config);
        }
    }

    void windowAndRefreshRequeryAtOnce()
    {
        startSource(u"workspace"_s, {{u"intervalMs"_s, 600000}, {u"services"_s, QStringList{kService}}});
        QTRY_VERIFY_WITH_TIMEOUT(m_batches == 1 && m_status.state == SourceStatus::State::Ok, 30000);
        QCOMPARE(m_series[kService + u"/stable/requests"_s].windowSeconds, 900);
        // Only the configured service was asked for.
        for (const TelemetrySeries &s : std::as_const(m_series))
            QCOMPARE(s.service.name, kService);
        // The interval is ten minutes: only an immediate re-query can bring the new window in time.
        QVERIFY(m_host->setOption(m_id, u"window"_s, 3600));
        QTRY_VERIFY_WITH_TIMEOUT(m_series[kService + u"/stable/requests"_s].windowSeconds == 3600, 60000);
        QCOMPARE(m_series[kService + u"/stable/requests"_s].stepSeconds, 300);
        const int before = m_batches;
        QVERIFY(m_host->refresh(m_id));
        QTRY_VERIFY_WITH_TIMEOUT(m_batches > before, 15000);
        // A bad window is reported, the source keeps running.
        QVERIFY(m_host->setOption(m_id, u"window"_s, 1234));
        QTRY_VERIFY_WITH_TIMEOUT(m_status.error && m_status.error->message.contains(u"1234"_s), 5000);
    }

    void partialAndThrottled()
    {
        startSource(u"workspace"_s, {{u"intervalMs"_s, 600000}});
        QTRY_VERIFY_WITH_TIMEOUT(m_batches == 1 && m_status.state == SourceStatus::State::Ok, 30000);
        // The next four queries (one refresh) answer partially.
        QCOMPARE(admin("POST", u"/_opsdeck/azure/query-faults"_s, {{u"kind"_s, u"partial"_s}, {u"count"_s, 4}}).first / 100, 2);
        QVERIFY(m_host->refresh(m_id));
        QTRY_VERIFY_WITH_TIMEOUT(m_batches == 2, 20000);
        const TelemetrySeries &s = m_series[kService + u"/stable/requests"_s];
        QVERIFY(s.partial);
        QVERIFY2(!s.partialReason.isEmpty(), qPrintable(s.partialReason));
        QVERIFY(m_status.state == SourceStatus::State::Degraded);
        QVERIFY(m_status.error && m_status.error->message.contains(u"partial"_s));
        // A 429 with Retry-After: 1 is waited out, the refresh still succeeds in full.
        QCOMPARE(admin("POST", u"/_opsdeck/azure/query-faults"_s,
                       {{u"kind"_s, u"throttle"_s}, {u"count"_s, 1}, {u"retryAfterSeconds"_s, 1}}).first / 100, 2);
        QElapsedTimer t;
        t.start();
        QVERIFY(m_host->refresh(m_id));
        QTRY_VERIFY_WITH_TIMEOUT(m_batches == 3, 20000);
        QVERIFY2(t.elapsed() >= 900, qPrintable(QString::number(t.elapsed())));
        QTRY_VERIFY_WITH_TIMEOUT(m_status.state == SourceStatus::State::Ok, 5000);
        QVERIFY(!m_series[kService + u"/stable/requests"_s].partial);
        admin("DELETE", u"/_opsdeck/azure/query-faults"_s);
    }

    void brokenCanaryFailsMoreThanStable()
    {
        startSource(u"workspace"_s, {{u"intervalMs"_s, 2000}});
        QTRY_VERIFY_WITH_TIMEOUT(m_status.state == SourceStatus::State::Ok && lastBin(u"canary"_s, u"requests"_s) >= 0, 30000);
        QString said;
        QVERIFY2(m_sim.chaos({u"break-canary"_s, kService}, &said) == 0, qPrintable(said));
        // Within a few refreshes the newest bins show the broken release: most canary requests fail.
        QTRY_VERIFY_WITH_TIMEOUT(lastBin(u"canary"_s, u"failedRequests"_s) >= 5
                                     && lastBin(u"canary"_s, u"failedRequests"_s) > lastBin(u"stable"_s, u"failedRequests"_s),
                                 90000);
        // And the canary's top failing result code becomes the broken release's 500 (over the 404s before).
        const auto topCode = [this] {
            const TelemetryBreakdown codes = m_breakdowns.value(kService + u"/canary/resultCode"_s);
            return codes.rows.isEmpty() ? QString() : codes.rows.constFirst().name;
        };
        QTRY_COMPARE_WITH_TIMEOUT(topCode(), u"500"_s, 90000);
        QCOMPARE(m_sim.chaos({u"clear"_s, u"--all"_s}), 0);
    }
};

QTEST_GUILESS_MAIN(tst_AppInsightsSource)
#include "tst_appinsightssource.moc"
