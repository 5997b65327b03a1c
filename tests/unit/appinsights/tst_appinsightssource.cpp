// AppInsightsSource's handling of what the query API and Entra answer, against a loopback HTTP server
// (the integration test runs it against opsdeck-sim): a refused token is replaced once, a token that
// keeps being refused is Down, an answer of the wrong shape or types is Degraded with a message naming
// the column, 503s are retried and then Down, and a partial answer is Degraded with its reason.

#include "appinsightssource.h"

#include <httplib.h>

#include <QFile>
#include <QSignalSpy>
#include <QTest>

#include <atomic>
#include <mutex>
#include <thread>

using namespace Opsdeck;
using namespace Qt::StringLiterals;

namespace {

std::string fixture(const char *name)
{
    QFile f(QStringLiteral(FIXTURE_DIR "/") + QLatin1String(name));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", name);
    return f.readAll().toStdString();
}

// Entra's token endpoint (tokens "tok-1", "tok-2", …) and the workspace query API answering with the
// captured sim answers; `mode` bends the answers. Handlers run on the server's threads.
class FakeAzure
{
public:
    enum Mode { Normal, RefuseFirstToken, RefuseAll, WrongTypes, Unavailable, Partial };

    FakeAzure()
    {
        m_server.Post(R"(/tenant/oauth2/v2.0/token)", [this](const httplib::Request &, httplib::Response &res) {
            const int n = ++tokenRequests;
            res.set_content(R"({"token_type":"Bearer","expires_in":3600,"ext_expires_in":3600,"access_token":"tok-)"
                                + std::to_string(n) + R"("})",
                            "application/json");
        });
        m_server.Post(R"(/v1/workspaces/ws/query)", [this](const httplib::Request &req, httplib::Response &res) {
            ++queries;
            const std::string auth = req.get_header_value("Authorization");
            {
                std::lock_guard lock(m_mutex);
                m_auth.push_back(auth);
            }
            if ((mode == RefuseFirstToken && auth == "Bearer tok-1") || mode == RefuseAll) {
                res.status = 401;
                res.set_content(R"({"error":{"code":"InvalidTokenError","message":"The provided authentication is not valid for this resource."}})",
                                "application/json");
                return;
            }
            if (mode == Unavailable) {
                res.status = 503;
                res.set_content(R"({"error":{"code":"ServiceUnavailableError","message":"try later"}})", "application/json");
                return;
            }
            const std::string &q = req.body;
            std::string body = q.find("AppDependencies") != std::string::npos ? fixture("workspace-dependencies-15m.json")
                : q.find("AppMetrics") != std::string::npos                    ? fixture("workspace-resilience-15m.json")
                : q.find("Operation = OperationName") != std::string::npos     ? fixture("workspace-failures-15m.json")
                : mode == Partial                                              ? fixture("workspace-requests-partial.json")
                                                                               : fixture("workspace-requests-15m.json");
            if (mode == WrongTypes && q.find("percentiles") != std::string::npos)
                body = R"({"tables":[{"name":"PrimaryResult","columns":[{"name":"Service","type":"string"},{"name":"Track","type":"string"},)"
                       R"({"name":"TimeBin","type":"datetime"},{"name":"Requests","type":"string"},{"name":"FailedRequests","type":"long"},)"
                       R"({"name":"P50Ms","type":"real"},{"name":"P95Ms","type":"real"},{"name":"P99Ms","type":"real"}],"rows":[]}]})";
            res.set_content(body, "application/json");
        });
        m_port = m_server.bind_to_any_port("127.0.0.1");
        m_thread = std::thread([this] { m_server.listen_after_bind(); });
        while (!m_server.is_running())
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ~FakeAzure()
    {
        m_server.stop();
        m_thread.join();
    }

    QString base() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    std::vector<std::string> auth()
    {
        std::lock_guard lock(m_mutex);
        return m_auth;
    }

    std::atomic<int> tokenRequests{0};
    std::atomic<int> queries{0};
    std::atomic<Mode> mode{Normal};

private:
    httplib::Server m_server;
    std::thread m_thread;
    int m_port = 0;
    std::mutex m_mutex;
    std::vector<std::string> m_auth;
};

} // namespace

class tst_AppInsightsSource : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<FakeAzure> m_fake;
    std::unique_ptr<AppInsightsSource> m_source;
    QList<ObservationBatch> m_batches;
    SourceStatus m_status;

    void start(FakeAzure::Mode mode, const QVariantMap &extra = {})
    {
        m_fake = std::make_unique<FakeAzure>();
        m_fake->mode = mode;
        m_batches.clear();
        m_status = {};
        m_source = std::make_unique<AppInsightsSource>();
        QVariantMap settings{{u"authorityHost"_s, m_fake->base()},      {u"tenantId"_s, u"tenant"_s},
                             {u"clientId"_s, u"client"_s},              {u"clientSecret"_s, u"secret"_s},
                             {u"logAnalyticsEndpoint"_s, m_fake->base()}, {u"workspaceId"_s, u"ws"_s},
                             {u"intervalMs"_s, 600000},                 {u"retryAttempts"_s, 2},
                             {u"retryInitialMs"_s, 50}};
        for (auto it = extra.cbegin(); it != extra.cend(); ++it)
            settings.insert(it.key(), it.value());
        const auto ok = m_source->configure(SourceConfig{u"appinsights"_s, settings});
        QVERIFY2(ok, ok ? "" : qPrintable(toString(ok.error())));
        QCOMPARE(m_source->queryUrl().toString(), m_fake->base() + u"/v1/workspaces/ws/query"_s);
        QCOMPARE(m_source->resource(), u"https://api.loganalytics.io"_s);
        connect(m_source.get(), &DataSource::observationsReady, this, [this](const ObservationBatch &b) { m_batches << b; });
        connect(m_source.get(), &DataSource::statusChanged, this, [this](const SourceStatus &s) { m_status = s; });
        m_source->start();
    }

    bool settled() const { return m_status.state != SourceStatus::State::Connecting; }

private Q_SLOTS:
    void init() { registerObservationMetaTypes(); }

    void cleanup()
    {
        m_source.reset();
        m_fake.reset();
    }

    void allAnswered()
    {
        start(FakeAzure::Normal);
        QTRY_VERIFY_WITH_TIMEOUT(settled(), 10000);
        QVERIFY(m_status.state == SourceStatus::State::Ok);
        QCOMPARE(m_batches.size(), 1);
        QCOMPARE(m_batches[0].sourceId, u"appinsights"_s);
        QCOMPARE(m_batches[0].observations.size(), std::size_t(5 * 15)); // five tracks: 13 series, 2 breakdowns
        QCOMPARE(m_fake->queries.load(), 4);
        QCOMPARE(m_fake->tokenRequests.load(), 1);
        // refresh() asks again with the cached token.
        m_source->refresh();
        QTRY_COMPARE_WITH_TIMEOUT(m_batches.size(), 2, 10000);
        QCOMPARE(m_fake->queries.load(), 8);
        QCOMPARE(m_fake->tokenRequests.load(), 1);
    }

    void refusedTokenIsReplacedOnce()
    {
        start(FakeAzure::RefuseFirstToken);
        QTRY_VERIFY_WITH_TIMEOUT(settled(), 10000);
        QVERIFY2(m_status.state == SourceStatus::State::Ok, m_status.error ? qPrintable(toString(*m_status.error)) : "");
        QCOMPARE(m_fake->tokenRequests.load(), 2);
        QCOMPARE(m_batches.size(), 1);
        int second = 0;
        for (const std::string &a : m_fake->auth())
            second += a == "Bearer tok-2" ? 1 : 0;
        QCOMPARE(second, 4); // every query went again with the new token, once
    }

    void tokenRefusedAgainIsDown()
    {
        start(FakeAzure::RefuseAll);
        QTRY_VERIFY_WITH_TIMEOUT(settled(), 10000);
        QVERIFY(m_status.state == SourceStatus::State::Down);
        QVERIFY(m_status.error && m_status.error->kind == ErrorKind::Unauthorized);
        QCOMPARE(m_fake->tokenRequests.load(), 2); // one new token per round, no more
        QVERIFY(m_batches.isEmpty());
    }

    void wrongTypesAreDegradedWithTheColumn()
    {
        start(FakeAzure::WrongTypes);
        QTRY_VERIFY_WITH_TIMEOUT(settled(), 10000);
        QVERIFY(m_status.state == SourceStatus::State::Degraded);
        QVERIFY(m_status.error);
        QVERIFY2(m_status.error->message.contains(u"requests query (workspace): query response: column 'Requests' is of type 'string'"_s),
                 qPrintable(m_status.error->message));
        // The other three answers still arrive; the requests series are not touched.
        QCOMPARE(m_batches.size(), 1);
        for (const Observation &o : m_batches[0].observations) {
            if (const auto *s = std::get_if<TelemetrySeries>(&o))
                QVERIFY2(s->metric.startsWith(u"dependency"_s) || s->metric.startsWith(u"resilience:"_s), qPrintable(s->metric));
        }
    }

    void unavailableIsRetriedThenDown()
    {
        start(FakeAzure::Unavailable, {{u"breakerThreshold"_s, 20}}); // the retries, not the breaker, here
        QTRY_VERIFY_WITH_TIMEOUT(settled(), 15000);
        QVERIFY(m_status.state == SourceStatus::State::Down);
        QVERIFY2(m_status.error && m_status.error->message.contains(u"503"_s), qPrintable(toString(*m_status.error)));
        QCOMPARE(m_fake->queries.load(), 8); // four queries, two attempts each
    }

    void breakerStopsHammering()
    {
        // Three consecutive failures open the endpoint's breaker: later attempts are not even sent.
        start(FakeAzure::Unavailable, {{u"breakerThreshold"_s, 3}, {u"retryAttempts"_s, 4}});
        QTRY_VERIFY_WITH_TIMEOUT(settled(), 15000);
        QVERIFY(m_status.state == SourceStatus::State::Down);
        QVERIFY(m_fake->queries.load() < 16);
        QVERIFY(m_fake->queries.load() >= 3);
    }

    void partialIsDegraded()
    {
        start(FakeAzure::Partial);
        QTRY_VERIFY_WITH_TIMEOUT(settled(), 10000);
        QVERIFY(m_status.state == SourceStatus::State::Degraded);
        QVERIFY2(m_status.error->message.contains(u"partial query results: requests: EngineError"_s), qPrintable(m_status.error->message));
        bool sawPartial = false;
        for (const Observation &o : m_batches[0].observations) {
            if (const auto *s = std::get_if<TelemetrySeries>(&o); s && s->metric == u"requests") {
                QVERIFY(s->partial);
                sawPartial = true;
            }
        }
        QVERIFY(sawPartial);
    }

    void windowOptionRequeries()
    {
        start(FakeAzure::Normal);
        QTRY_VERIFY_WITH_TIMEOUT(settled(), 10000);
        m_source->setOption(u"window"_s, 3600);
        QTRY_COMPARE_WITH_TIMEOUT(m_batches.size(), 2, 10000);
        QCOMPARE(m_source->window().seconds, 3600);
        const auto &s = std::get<TelemetrySeries>(m_batches[1].observations.front());
        QCOMPARE(s.windowSeconds, 3600);
        QCOMPARE(s.stepSeconds, 300);
        m_source->setOption(u"window"_s, u"soon"_s);
        QVERIFY(m_status.error && m_status.error->kind == ErrorKind::Config);
        QCOMPARE(m_source->window().seconds, 3600);
    }
};

QTEST_GUILESS_MAIN(tst_AppInsightsSource)
#include "tst_appinsightssource.moc"
