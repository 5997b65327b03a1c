// The canary verdict's latency input over the workspace query API: per 1-minute bin p95 of the sampled
// AppRequests rows, request-weighted over 15 minutes, per track. A healthy canary (1.05x slower by
// design) must stay within 1.1x stable for every seed service and several seeds; added latency on the
// canary must push it past the app's 1.2x roll-back threshold.
#include "simfixture.h"

#include "apiserver.h"
#include "authorizer.h"
#include "azure/azureapi.h"

#include <httplib.h>

#include <QtTest>

using sim::Json;
using namespace std::chrono_literals;

class tst_CanaryLatency : public QObject
{
    Q_OBJECT

    std::unique_ptr<SimFixture> m_f;
    std::unique_ptr<sim::Authorizer> m_auth;
    std::unique_ptr<sim::AzureApi> m_azure;
    std::unique_ptr<sim::ApiServer> m_server;

    void start(std::uint64_t seed)
    {
        stop();
        m_f = std::make_unique<SimFixture>(std::string(), seed, std::string(OPSDECK_SIM_SCENARIO_DIR) + "/seed.yaml");
        m_f->run(2);
        m_auth = std::make_unique<sim::Authorizer>("admin-token", "viewer-token");
        sim::ApiServerOptions options;
        options.threads = 4;
        m_server = std::make_unique<sim::ApiServer>(m_f->store, *m_auth, [this] { return m_f->clock.now(); }, options,
                                                    nullptr);
        m_azure = std::make_unique<sim::AzureApi>(*m_f->simulation, *m_auth, sim::AzureIdentity::generate(seed),
                                                  [this] { return m_server->url(); }, [this] { return m_f->clock.now(); },
                                                  seed);
        m_azure->install(*m_server);
        m_server->start();
        QVERIFY(m_server->port() > 0);
    }
    void stop()
    {
        if (!m_f)
            return;
        m_f->store.shutdown();
        m_server->stop();
        m_server.reset();
        m_azure.reset();
        m_f.reset();
    }

    // service -> track -> request-weighted mean of the per-minute p95s over the last 15 minutes.
    std::map<std::string, std::map<std::string, double>> weightedP95()
    {
        httplib::Client c("127.0.0.1", m_server->port());
        c.set_read_timeout(60, 0);
        const auto id = m_azure->identity();
        auto t = c.Post(("/" + id.tenantId + "/oauth2/v2.0/token").c_str(),
                        httplib::Params{{"grant_type", "client_credentials"},
                                        {"client_id", id.clientId},
                                        {"client_secret", id.clientSecret},
                                        {"scope", "https://api.loganalytics.io/.default"}});
        if (!t || t->status != 200)
            return {};
        const std::string token = Json::parse(t->body).value("access_token", std::string());
        const std::string kql = "AppRequests | where TimeGenerated > ago(15m) | summarize P95 = percentile(DurationMs, 95), "
                                "Requests = sum(ItemCount) by AppRoleName, Track = tostring(Properties.version), "
                                "bin(TimeGenerated, 1m)";
        auto r = c.Post(("/v1/workspaces/" + id.workspaceId + "/query").c_str(), {{"Authorization", "Bearer " + token}},
                        Json{{"query", kql}, {"timespan", "PT15M"}}.dump(), "application/json");
        if (!r || r->status != 200)
            return {};
        const Json body = Json::parse(r->body);
        std::map<std::string, int> col;
        for (std::size_t i = 0; i < body["tables"][0]["columns"].size(); ++i)
            col[body["tables"][0]["columns"][i]["name"].get<std::string>()] = static_cast<int>(i);
        std::map<std::string, std::map<std::string, std::pair<double, double>>> sums; // sum(p95 * n), sum(n)
        for (const auto &row : body["tables"][0]["rows"]) {
            const double n = row[col["Requests"]].get<double>();
            auto &s = sums[row[col["AppRoleName"]].get<std::string>()][row[col["Track"]].get<std::string>()];
            s.first += row[col["P95"]].get<double>() * n;
            s.second += n;
        }
        std::map<std::string, std::map<std::string, double>> out;
        for (const auto &[service, tracks] : sums)
            for (const auto &[track, s] : tracks)
                if (s.second > 0)
                    out[service][track] = s.first / s.second;
        return out;
    }

private Q_SLOTS:
    void cleanup() { stop(); }

    void healthyCanaryWithinTenPercent()
    {
        for (std::uint64_t seed : {1, 2, 3, 4, 5, 7, 11, 42}) {
            start(seed);
            const auto p95 = weightedP95();
            QVERIFY(!p95.empty());
            int compared = 0;
            for (const auto &service : m_f->simulation->serviceNames()) {
                const auto it = p95.find(service);
                QVERIFY2(it != p95.end() && it->second.count("stable"), service.c_str());
                if (!it->second.count("canary"))
                    continue; // no canary traffic (canaryWeight 0)
                const double ratio = it->second.at("canary") / it->second.at("stable");
                const std::string what = service + " seed " + std::to_string(seed) + " canary/stable p95 "
                    + std::to_string(ratio);
                qDebug("%s", what.c_str());
                QVERIFY2(ratio <= 1.1 && ratio >= 0.95, what.c_str());
                ++compared;
            }
            QVERIFY(compared >= 2);
        }
    }

    void slowCanaryCrossesThreshold()
    {
        start(1);
        QVERIFY(m_f->simulation->setLatency("productservice", "canary", 60));
        m_f->run(360, 1s);
        const auto p95 = weightedP95();
        const auto &product = p95.at("productservice");
        const double ratio = product.at("canary") / product.at("stable");
        QVERIFY2(ratio > 1.2, std::to_string(ratio).c_str());
        // The other services' canaries stay healthy.
        const auto &notification = p95.at("notificationservice");
        QVERIFY(notification.at("canary") / notification.at("stable") <= 1.1);
    }
};

QTEST_GUILESS_MAIN(tst_CanaryLatency)
#include "tst_canarylatency.moc"
