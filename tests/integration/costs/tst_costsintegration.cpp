#include "azure/azureconfig.h"
#include "azure/entracredential.h"
#include "costsview.h"
#include "coststore.h"
#include "costtablemodel.h"
#include "datasourcefactory.h"
#include "kubeconfigloader.h"
#include "simprocess.h"
#include "pluginloader.h"
#include "sourcehost.h"

#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStackedBarSeries>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>


#include <csignal>

using namespace Opsdeck;

// Against the real opsdeck-sim: what the plugin reads, what CostStore makes of it, the throttling hook's
// 429 then success, the cached start, the CLI's CSV, and the Costs view (its screenshot for docs/).
class tst_CostsIntegration : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<SimProcess> m_sim;
    QString m_azureConfigPath;
    AzureConfig m_azure;
    ClusterConnection m_admin;
    QSslConfiguration m_adminSsl;
    QNetworkAccessManager m_net;
    std::unique_ptr<PluginLoader> m_plugins;
    std::unique_ptr<SourceHost> m_host;
    CostStore m_store;
    QString m_cacheFile;

    QPair<int, QByteArray> adminCall(const QByteArray &verb, const QString &path, const QJsonObject &body = {})
    {
        QUrl url = m_admin.server;
        url.setPath(path);
        QNetworkRequest request(url);
        request.setSslConfiguration(m_adminSsl);
        request.setRawHeader("Authorization", "Bearer " + m_admin.token.toUtf8());
        request.setRawHeader("Content-Type", "application/json");
        QNetworkReply *reply = m_net.sendCustomRequest(request, verb, body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson());
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!reply->isFinished())
            finished.wait(20000);
        reply->deleteLater();
        return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
    }

    QVariantMap sourceSettings() const
    {
        QVariantMap settings = m_azure.toSettings();
        settings.insert(QStringLiteral("cacheFile"), m_cacheFile);
        return settings;
    }

    Result<void> startSource(const QString &id)
    {
        DataSourceFactory *factory = m_plugins->sourceFactory(QStringLiteral("costmanagement"));
        if (!factory)
            return makeError(ErrorKind::Plugin, QStringLiteral("the costmanagement plugin is not in the build tree"));
        std::unique_ptr<DataSource> source = factory->createSource();
        if (auto configured = source->configure(SourceConfig{id, sourceSettings()}); !configured)
            return configured;
        m_host = std::make_unique<SourceHost>();
        connect(m_host.get(), &SourceHost::observationsReady, &m_store, &CostStore::apply);
        if (auto added = m_host->add(std::move(source)); !added)
            return added;
        m_host->startAll();
        return {};
    }

    struct Run
    {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };
    Run runCli(const QStringList &arguments)
    {
        // The tests before spend the sim's QPU minute; the CLI's figures are the point here, not its
        // patience (throttledThenSuccess covers that), so each run starts with the budget given back.
        const auto qpu = adminCall("DELETE", QStringLiteral("/_opsdeck/azure/cost-qpu"));
        if (qpu.first < 200 || qpu.first >= 300)
            qWarning("could not give the sim's QPU budget back: HTTP %d", qpu.first);
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("OPSDECK_PLUGIN_PATH"), QStringLiteral(OPSDECK_PLUGIN_BUILD_DIR));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        p.setProcessEnvironment(env);
        p.start(qEnvironmentVariable("OPSDECK_APP_PATH", QStringLiteral(OPSDECK_APP_PATH)), arguments);
        if (!p.waitForFinished(240000)) // a spent QPU minute may make it wait up to 60 s
            p.kill();
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(), p.readAllStandardError()};
    }

    // Σ ActualCost month to date of the whole subscription, asked directly (no grouping), for the
    // totals check: the plugin's per-service figures must add up to it.
    double directMonthToDateTotal()
    {
        EntraCredential credential(m_azure);
        std::optional<Result<AccessToken>> token;
        credential.requestToken(QStringLiteral("https://management.azure.com"), this, [&](Result<AccessToken> t) { token = t; });
        if (!QTest::qWaitFor([&] { return token.has_value(); }, 20000) || !*token)
            return -1;
        QUrl url(m_azure.armEndpoint.toString() + QStringLiteral("/subscriptions/%1/providers/Microsoft.CostManagement/query").arg(m_azure.subscriptionId));
        url.setQuery(QStringLiteral("api-version=2023-03-01"));
        QNetworkRequest request(url);
        request.setSslConfiguration(*EntraCredential::sslConfiguration(m_azure.caFile));
        request.setRawHeader("Authorization", "Bearer " + (*token)->value);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        QNetworkReply *reply = m_net.post(request, R"({"type":"ActualCost","timeframe":"MonthToDate","dataset":{"aggregation":{"c":{"name":"Cost","function":"Sum"}}}})");
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!reply->isFinished())
            finished.wait(20000);
        reply->deleteLater();
        const QJsonArray rows = QJsonDocument::fromJson(reply->readAll())[QStringLiteral("properties")][QStringLiteral("rows")].toArray();
        return rows.isEmpty() ? 0.0 : rows[0].toArray()[0].toDouble();
    }

private Q_SLOTS:
    void initTestCase()
    {
        registerObservationMetaTypes();
        QVERIFY(m_dir.isValid());
        // OPSDECK_SIM_PATH in the environment runs another build's sim (the build tree's by default).
        const QString sim = qEnvironmentVariable("OPSDECK_SIM_PATH", QStringLiteral(OPSDECK_SIM_PATH));
        QVERIFY2(QFile::exists(sim), qPrintable(sim + QStringLiteral(" not built")));
        m_cacheFile = m_dir.filePath(QStringLiteral("costs.sqlite"));
        m_sim = std::make_unique<SimProcess>(sim, m_dir.path());
        QVERIFY2(m_sim->start({.speed = 1}), qPrintable(m_sim->errorString()));
        m_azureConfigPath = m_sim->azureConfigPath();
        const QString kubeconfig = m_sim->kubeconfigPath();

        auto azure = AzureConfig::load(m_azureConfigPath);
        QVERIFY2(azure, azure ? "" : qPrintable(azure.error().message));
        m_azure = *azure;
        auto loaded = KubeconfigLoader::load(kubeconfig, {}, {});
        QVERIFY(loaded);
        auto admin = loaded->resolve(QString());
        QVERIFY(admin);
        m_admin = *admin;
        auto ssl = m_admin.sslConfiguration();
        QVERIFY(ssl);
        m_adminSsl = *ssl;
        m_plugins = std::make_unique<PluginLoader>(QStringList{QStringLiteral(OPSDECK_PLUGIN_BUILD_DIR)});
        m_plugins->load();
    }

    void cleanupTestCase()
    {
        m_host.reset();
        m_sim.reset();
    }

    void sourceReadsTheSim()
    {
        QVERIFY2(startSource(QStringLiteral("costmanagement")), "source did not start");
        QTRY_VERIFY_WITH_TIMEOUT(m_store.hasData() && !m_store.isCached(), 60000);
        QCOMPARE(m_store.scope(), QStringLiteral("/subscriptions/") + m_azure.subscriptionId);
        QStringList services;
        for (const CostLine &line : m_store.lines())
            services << line.service;
        for (const QString &expected : {QStringLiteral("(untagged)"), QStringLiteral("(shared)"), QStringLiteral("orderservice"),
                                        QStringLiteral("productservice"), QStringLiteral("notificationservice")})
            QVERIFY2(services.contains(expected), qPrintable(services.join(QLatin1Char(','))));
        const CostLine order = *m_store.line(QStringLiteral("orderservice"));
        QVERIFY(order.monthToDate > 0);
        QCOMPARE(order.currency, QStringLiteral("USD"));
        QVERIFY(order.lastMonth && *order.lastMonth > 0); // the ledger has last month
        QVERIFY(order.forecast && *order.forecast >= order.monthToDate);
        QCOMPARE(order.budget, std::optional(550.0)); // seed: orderservice-monthly
        QVERIFY(order.budgetUsedPercent);
        QVERIFY(m_store.scopeBudget());
        QCOMPARE(m_store.scopeBudget()->name, QStringLiteral("subscription-monthly"));
        QCOMPARE(m_store.budgets().size(), 4);

        // Opsdeck's rows add up to what Cost Management says for the whole scope (the ledger accrues live,
        // so allow a little drift between the two reads).
        const double direct = directMonthToDateTotal();
        QVERIFY(direct > 0);
        QVERIFY2(std::abs(direct - m_store.totalMonthToDate()) <= qMax(0.05, direct * 0.005),
                 qPrintable(QStringLiteral("direct %1 vs Opsdeck %2").arg(direct).arg(m_store.totalMonthToDate())));
    }

    void throttledThenSuccess()
    {
        QVERIFY(m_host);
        const QDateTime before = m_store.fetchedAt();
        const auto fault = adminCall("POST", QStringLiteral("/_opsdeck/azure/cost-faults"),
                                     QJsonObject{{QStringLiteral("kind"), QStringLiteral("throttle")},
                                                 {QStringLiteral("api"), QStringLiteral("query")},
                                                 {QStringLiteral("count"), 1},
                                                 {QStringLiteral("retryAfterSeconds"), 2}});
        QVERIFY2(fault.first / 100 == 2, fault.second.constData());
        QElapsedTimer timer;
        timer.start();
        QVERIFY(m_host->refresh(QStringLiteral("costmanagement")));
        QTRY_VERIFY_WITH_TIMEOUT(m_store.fetchedAt() > before, 60000);
        QVERIFY2(timer.elapsed() >= 1900, "the 429's retry-after (2 s) was honoured");
        QVERIFY(!m_store.isCached());
        const auto left = adminCall("GET", QStringLiteral("/_opsdeck/azure/cost-faults"));
        QVERIFY2(!left.second.contains("throttle"), left.second.constData()); // the fault was used up
    }

    void cachedStartShowsLastFigures()
    {
        const QDateTime fetched = m_store.fetchedAt();
        const double total = m_store.totalMonthToDate();
        m_host.reset(); // stops the source
        CostStore fresh;
        QVERIFY(startSource(QStringLiteral("costmanagement")));
        connect(m_host.get(), &SourceHost::observationsReady, &fresh, &CostStore::apply);
        QTRY_VERIFY_WITH_TIMEOUT(fresh.hasData(), 5000);
        QVERIFY(fresh.isCached());
        QCOMPARE(fresh.fetchedAt(), fetched);
        QCOMPARE(fresh.totalMonthToDate(), total);
        QTRY_VERIFY_WITH_TIMEOUT(!fresh.isCached(), 60000); // then the network's answer
    }

    void cliPrintsCsv()
    {
        QVERIFY2(QFile::exists(qEnvironmentVariable("OPSDECK_APP_PATH", QStringLiteral(OPSDECK_APP_PATH))), "the opsdeck app is not built");
        const Run run = runCli({QStringLiteral("costs"), QStringLiteral("--azure-config"), m_azureConfigPath, QStringLiteral("--csv")});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QStringList lines = QString::fromUtf8(run.out).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
        QCOMPARE(lines.value(0), QStringLiteral("service,monthToDate,lastMonth,forecast,budget,budgetUsedPercent,currency"));
        QStringList services;
        const QRegularExpression row(QStringLiteral(R"(^([^,]+),(\d+\.\d\d),(\d+\.\d\d)?,(\d+\.\d\d)?,(\d+\.\d\d)?,(\d+\.\d\d)?,([A-Z]{3})$)"));
        double sum = 0.0;
        for (const QString &line : lines.mid(1)) {
            const auto match = row.match(line);
            QVERIFY2(match.hasMatch(), qPrintable(line));
            services << match.captured(1);
            sum += match.captured(2).toDouble();
            const auto store = m_store.line(match.captured(1));
            QVERIFY2(store, qPrintable(match.captured(1)));
            // Same figures as the plugin gave the app a moment ago (live accrual: a little drift).
            QVERIFY2(std::abs(match.captured(2).toDouble() - store->monthToDate) <= qMax(0.05, store->monthToDate * 0.01), qPrintable(line));
            if (store->budget)
                QCOMPARE(match.captured(5).toDouble(), *store->budget);
        }
        QVERIFY(services.contains(QStringLiteral("(untagged)")));
        QVERIFY(services.contains(QStringLiteral("(shared)")));
        QVERIFY(services.contains(QStringLiteral("orderservice")));
        QVERIFY(sum > 0);

        const Run last = runCli({QStringLiteral("costs"), QStringLiteral("--azure-config"), m_azureConfigPath, QStringLiteral("--period"),
                                 QStringLiteral("last-month"), QStringLiteral("--csv")});
        QVERIFY2(last.exitCode == 0, last.err.constData());
        for (const QString &line : QString::fromUtf8(last.out).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts).mid(1)) {
            const QStringList f = line.split(QLatin1Char(','));
            QCOMPARE(f[3], f[1]); // a finished month: the forecast is what it cost
            if (f[0] == QLatin1String("orderservice"))
                QVERIFY(std::abs(f[1].toDouble() - *m_store.line(f[0])->lastMonth) < 0.006);
        }

        const Run group = runCli({QStringLiteral("costs"), QStringLiteral("--azure-config"), m_azureConfigPath, QStringLiteral("--scope"),
                                  m_azure.resourceGroup, QStringLiteral("--csv")});
        QVERIFY2(group.exitCode == 0, group.err.constData());
        QVERIFY(group.out.startsWith("service,monthToDate"));

        const Run missing = runCli({QStringLiteral("costs"), QStringLiteral("--azure-config"), m_azureConfigPath, QStringLiteral("--scope"),
                                    QStringLiteral("no-such-group"), QStringLiteral("--csv"), QStringLiteral("--timeout"), QStringLiteral("60")});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY2(missing.err.contains("no-such-group") || missing.err.contains("ResourceGroupNotFound") || missing.err.contains("404"),
                 missing.err.constData());
        QVERIFY(missing.out.isEmpty());

        const Run usage = runCli({QStringLiteral("costs"), QStringLiteral("--csv")});
        QCOMPARE(usage.exitCode, 2);
        QVERIFY(usage.err.contains("--azure-config"));
    }

    void viewShowsTheSim()
    {
        QVERIFY(m_store.hasData());
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); // money as a person here reads it
        CostsView view(&m_store);
        view.resize(1400, 860);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QVERIFY(view.selectService(QStringLiteral("orderservice")));
        QCOMPARE(view.table()->model()->rowCount(), int(m_store.lines().size()));
        const auto *bars = qobject_cast<QStackedBarSeries *>(view.dailyChart()->chart()->series().value(0));
        QVERIFY(bars);
        QCOMPARE(bars->count(), int(m_store.lines().size()));
        QTest::qWait(200);
        const QPixmap shot = view.grab();
        QVERIFY(!shot.isNull());
        if (qEnvironmentVariableIsSet("OPSDECK_WRITE_DOCS"))
            QVERIFY(shot.save(QStringLiteral(OPSDECK_DOCS_DIR "/costs.png"), "PNG"));
    }
};

QTEST_MAIN(tst_CostsIntegration)
#include "tst_costsintegration.moc"
