#include "azure/azureconfig.h"
#include "databasestore.h"
#include "datasourcefactory.h"
#include "pluginloader.h"
#include "simprocess.h"
#include "sourcehost.h"
#include "sqlarmclient.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Opsdeck;

// The azuresql plugin against the real opsdeck-sim (issue 8, read side): the seed databases per service
// through SourceHost into DatabaseStore, chaos database-down on the next poll, a 429 waited out per
// Retry-After, a Retry-After beyond the bound (Degraded, last databases kept), wrong credentials (Down),
// and `opsdeck --snapshot` carrying `databases`.
class tst_AzureSqlIntegration : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<SimProcess> m_sim;
    AzureConfig m_azure;
    std::unique_ptr<PluginLoader> m_plugins;
    QDateTime m_simStartedAt;

    struct Running
    {
        std::unique_ptr<SourceHost> host;
        std::unique_ptr<DatabaseStore> store = std::make_unique<DatabaseStore>();
        QList<SourceStatus> statuses;
        int batches = 0;
    };

    QVariantMap settings(const QVariantMap &overrides = {}) const
    {
        QVariantMap s = m_azure.toSettings();
        s.insert(QStringLiteral("pollSeconds"), 3600); // the tests poll with refresh()
        for (auto it = overrides.begin(); it != overrides.end(); ++it) {
            if (it.value().isNull())
                s.remove(it.key());
            else
                s.insert(it.key(), it.value());
        }
        return s;
    }

    std::unique_ptr<Running> startSource(const QVariantMap &s)
    {
        DataSourceFactory *factory = m_plugins->sourceFactory(QStringLiteral("azuresql"));
        if (!factory)
            return nullptr;
        std::unique_ptr<DataSource> source = factory->createSource();
        if (!source->configure(SourceConfig { QStringLiteral("azuresql"), s }))
            return nullptr;
        auto running = std::make_unique<Running>();
        running->host = std::make_unique<SourceHost>();
        Running *r = running.get();
        connect(r->host.get(), &SourceHost::observationsReady, r->store.get(),
                [r](const ObservationBatch &batch) {
                    r->store->apply(batch);
                    ++r->batches;
                });
        connect(r->host.get(), &SourceHost::statusChanged, r->store.get(),
                [r](const QString &, const SourceStatus &status) { r->statuses.append(status); });
        if (!r->host->add(std::move(source)))
            return nullptr;
        r->host->startAll();
        return running;
    }

    static bool waitForState(Running &r, SourceStatus::State state, int timeoutMs = 30000)
    {
        return QTest::qWaitFor(
            [&r, state] { return !r.statuses.isEmpty() && r.statuses.last().state == state; }, timeoutMs);
    }

    static std::optional<SqlDatabase> find(const DatabaseStore &store, const QString &service,
                                           const QString &name)
    {
        for (const SqlDatabase &db : store.databasesFor(service))
            if (db.name == name)
                return db;
        return std::nullopt;
    }

    std::unique_ptr<Running> m_main;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFile::exists(QStringLiteral(OPSDECK_SIM_PATH)), "opsdeck-sim is not built");
        m_sim = std::make_unique<SimProcess>(QStringLiteral(OPSDECK_SIM_PATH), m_dir.path());
        m_simStartedAt = QDateTime::currentDateTimeUtc();
        QVERIFY2(m_sim->start({ .speed = 20, .azure = true }), qPrintable(m_sim->errorString()));
        Result<AzureConfig> azure = AzureConfig::load(m_sim->azureConfigPath());
        QVERIFY2(azure, azure ? "" : qPrintable(azure.error().message));
        m_azure = *azure;
        QCOMPARE(m_azure.raw.value(u"sqlServer").toString(), QStringLiteral("opsdeck-sql"));
        m_plugins = std::make_unique<PluginLoader>(QStringList { QStringLiteral(OPSDECK_PLUGIN_BUILD_DIR) });
        m_plugins->load();
        QVERIFY2(m_plugins->sourceFactory(QStringLiteral("azuresql")), "the azuresql plugin did not load");
    }

    void seedDatabasesPerService()
    {
        // No sqlServer: the source lists the resource group's servers first.
        m_main = startSource(settings({ { QStringLiteral("sqlServer"), QVariant() } }));
        QVERIFY(m_main);
        QVERIFY2(waitForState(*m_main, SourceStatus::State::Ok),
                 m_main->statuses.isEmpty() || !m_main->statuses.last().error
                     ? "no Ok status"
                     : qPrintable(toString(*m_main->statuses.last().error)));
        DatabaseStore &store = *m_main->store;
        QCOMPARE(store.servers(), QStringList { QStringLiteral("opsdeck-sql") });
        const QHash<QString, QString> seed {
            { QStringLiteral("productservice"), QStringLiteral("ProductDb") },
            { QStringLiteral("orderservice"), QStringLiteral("OrderDb") },
            { QStringLiteral("notificationservice"), QStringLiteral("NotificationDb") }
        };
        // The sim's clock runs 20× ahead; its databases were created 40 days before it started and keep 7
        // days.
        const QDateTime now = QDateTime::currentDateTimeUtc();
        for (auto it = seed.begin(); it != seed.end(); ++it) {
            const QList<SqlDatabase> databases = store.databasesFor(it.key());
            QCOMPARE(databases.size(), 1);
            const SqlDatabase &db = databases.first();
            QCOMPARE(db.name, it.value());
            QCOMPARE(db.service, it.key());
            QCOMPARE(db.server, QStringLiteral("opsdeck-sql"));
            QCOMPARE(db.status, QStringLiteral("Online"));
            QVERIFY(!db.sku.isEmpty());
            QVERIFY(db.maxSizeBytes > 0);
            QVERIFY(db.armId.endsWith(QStringLiteral("/servers/opsdeck-sql/databases/") + it.value()));
            QVERIFY2(qAbs(db.creationDate.secsTo(m_simStartedAt.addDays(-40))) < 3600,
                     qPrintable(db.creationDate.toString(Qt::ISODate)));
            QVERIFY(db.earliestRestoreDate.isValid());
            const qint64 sinceSevenDaysAgo = now.addDays(-7).secsTo(db.earliestRestoreDate);
            QVERIFY2(sinceSevenDaysAgo > -600 && sinceSevenDaysAgo < 4 * 3600,
                     qPrintable(db.earliestRestoreDate.toString(Qt::ISODateWithMs)));
        }
        // master is on the server but belongs to no service.
        bool master = false;
        for (const SqlDatabase &db : store.all())
            master = master || (db.name == u"master" && db.service.isEmpty());
        QVERIFY(master);
        QVERIFY(store.fetchedAt().isValid());
    }

    void databaseDownIsOfflineOnTheNextPoll()
    {
        QVERIFY(m_main);
        QString output;
        QCOMPARE(m_sim->chaos({ QStringLiteral("database-down"), QStringLiteral("productservice") }, &output),
                 0);
        const int before = m_main->batches;
        QVERIFY(m_main->host->refresh(QStringLiteral("azuresql")));
        QTRY_VERIFY_WITH_TIMEOUT(m_main->batches > before, 30000);
        QCOMPARE(find(*m_main->store, QStringLiteral("productservice"), QStringLiteral("ProductDb"))->status,
                 QStringLiteral("Offline"));
        QCOMPARE(find(*m_main->store, QStringLiteral("orderservice"), QStringLiteral("OrderDb"))->status,
                 QStringLiteral("Online"));
        QVERIFY(m_main->statuses.last().state
                == SourceStatus::State::Ok); // an Offline database is data, not a source failure

        QCOMPARE(m_sim->chaos({ QStringLiteral("database-up"), QStringLiteral("productservice") }), 0);
        const int again = m_main->batches;
        QVERIFY(m_main->host->refresh(QStringLiteral("azuresql")));
        QTRY_VERIFY_WITH_TIMEOUT(m_main->batches > again, 30000);
        QCOMPARE(find(*m_main->store, QStringLiteral("productservice"), QStringLiteral("ProductDb"))->status,
                 QStringLiteral("Online"));
    }

    void throttledPollWaitsRetryAfter()
    {
        QVERIFY(m_main);
        QCOMPARE(m_sim->chaos({ QStringLiteral("sql-throttle"), QStringLiteral("--count"),
                                QStringLiteral("2"), QStringLiteral("--retry-after"), QStringLiteral("2") }),
                 0);
        const int before = m_main->batches;
        const qsizetype statusesBefore = m_main->statuses.size();
        QElapsedTimer clock;
        clock.start();
        QVERIFY(m_main->host->refresh(QStringLiteral("azuresql")));
        QTRY_VERIFY_WITH_TIMEOUT(m_main->batches > before, 30000);
        QVERIFY2(
            clock.elapsed() >= 3800,
            qPrintable(QStringLiteral("answered after %1 ms: two 429s of Retry-After 2 s were not waited out")
                           .arg(clock.elapsed())));
        for (qsizetype i = statusesBefore; i < m_main->statuses.size(); ++i)
            QVERIFY(m_main->statuses.at(i).state
                    == SourceStatus::State::Ok); // retried inside the poll: never Degraded
        QCOMPARE(m_main->store->databasesFor(QStringLiteral("orderservice")).size(), 1);
    }

    void armClientReportsTheThrottle()
    {
        // The client A2's runbook uses: the same wait, announced through throttled().
        SqlArmClient client(m_azure);
        QSignalSpy throttled(&client, &SqlArmClient::throttled);
        QCOMPARE(m_sim->chaos({ QStringLiteral("sql-throttle"), QStringLiteral("--count"),
                                QStringLiteral("1"), QStringLiteral("--retry-after"), QStringLiteral("1") }),
                 0);
        std::optional<ArmReply> reply;
        client.get(client.databasePath(QStringLiteral("opsdeck-sql"), QStringLiteral("ProductDb")),
                   QStringLiteral("reading ProductDb"), this, [&reply](const ArmReply &r) { reply = r; });
        QTRY_VERIFY_WITH_TIMEOUT(reply.has_value(), 30000);
        QVERIFY2(reply->ok(), reply->error ? qPrintable(toString(*reply->error)) : "not ok");
        QCOMPARE(reply->object.value(u"name").toString(), QStringLiteral("ProductDb"));
        QCOMPARE(throttled.size(), 1);
        QCOMPARE(throttled.at(0).at(0).toInt(), 1);

        // A missing database: 404 with ARM's code, as the runbook's "target name absent" check reads it.
        std::optional<ArmReply> missing;
        client.get(client.databasePath(QStringLiteral("opsdeck-sql"), QStringLiteral("NoSuchDb")),
                   QStringLiteral("reading NoSuchDb"), this, [&missing](const ArmReply &r) { missing = r; });
        QTRY_VERIFY_WITH_TIMEOUT(missing.has_value(), 30000);
        QCOMPARE(missing->status, 404);
        QCOMPARE(missing->armErrorCode(), QStringLiteral("ResourceNotFound"));
    }

    void throttleBeyondTheBoundKeepsLastDatabases()
    {
        std::unique_ptr<Running> bounded
            = startSource(settings({ { QStringLiteral("maxThrottleWaitSeconds"), 1 } }));
        QVERIFY(bounded);
        QVERIFY(waitForState(*bounded, SourceStatus::State::Ok));
        QCOMPARE(bounded->store->databasesFor(QStringLiteral("productservice")).size(), 1);
        QCOMPARE(m_sim->chaos({ QStringLiteral("sql-throttle"), QStringLiteral("--count"),
                                QStringLiteral("1"), QStringLiteral("--retry-after"), QStringLiteral("30") }),
                 0);
        QVERIFY(bounded->host->refresh(QStringLiteral("azuresql")));
        QVERIFY(waitForState(*bounded, SourceStatus::State::Degraded));
        const SourceStatus status = bounded->statuses.last();
        QVERIFY(status.error);
        QVERIFY(status.error->kind == ErrorKind::Throttled);
        QVERIFY2(status.error->message.contains(QStringLiteral("429")), qPrintable(status.error->message));
        QVERIFY2(status.error->hint.contains(QStringLiteral("3600 s"))
                     || status.error->hint.contains(QStringLiteral("30 s")),
                 qPrintable(status.error->hint));
        QCOMPARE(bounded->store->databasesFor(QStringLiteral("productservice")).size(), 1); // last-known kept
        bounded->host->stopAll();
    }

    void wrongSecretIsDown()
    {
        std::unique_ptr<Running> wrong
            = startSource(settings({ { QStringLiteral("clientSecret"), QStringLiteral("not-the-secret") } }));
        QVERIFY(wrong);
        QVERIFY(waitForState(*wrong, SourceStatus::State::Down));
        const SourceStatus status = wrong->statuses.last();
        QVERIFY(status.error);
        QVERIFY2(status.error->message.contains(QStringLiteral("token")), qPrintable(status.error->message));
        QVERIFY(status.error->kind == ErrorKind::Unauthorized);
        QVERIFY2(status.error->message.contains(QStringLiteral("AADSTS7000215")),
                 qPrintable(status.error->message));
        QVERIFY2(status.error->hint.contains(QStringLiteral("secret")),
                 qPrintable(status.error->hint)); // Entra's own hint kept
        QVERIFY(!wrong->store->hasData());
        wrong->host->stopAll();
    }

    void snapshotCarriesDatabases()
    {
        const QString app = qEnvironmentVariable("OPSDECK_APP_PATH", QStringLiteral(OPSDECK_APP_PATH));
        QVERIFY2(QFile::exists(app), "the opsdeck app is not built");
        const QString snapshot = m_dir.filePath(QStringLiteral("snapshot.json"));
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("OPSDECK_PLUGIN_PATH"), QStringLiteral(OPSDECK_PLUGIN_BUILD_DIR));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("HOME"), m_dir.path());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_CACHE_HOME"), m_dir.filePath(QStringLiteral("cache")));
        env.insert(QStringLiteral("OPSDECK_DATA_DIR"), m_dir.filePath(QStringLiteral("data")));
        p.setProcessEnvironment(env);
        p.start(app,
                { QStringLiteral("--kubeconfig"), m_sim->kubeconfigPath(), QStringLiteral("--azure-config"),
                  m_sim->azureConfigPath(), QStringLiteral("--snapshot"), snapshot,
                  QStringLiteral("--sync-timeout"), QStringLiteral("120") });
        QVERIFY(p.waitForStarted());
        if (!p.waitForFinished(180000))
            p.kill();
        QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0,
                 p.readAllStandardError().right(2000).constData());
        QFile file(snapshot);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
        const QJsonArray contexts = root.value(u"contexts").toArray();
        QVERIFY(!contexts.isEmpty());
        QJsonObject product;
        for (const QJsonValue &service : contexts.first().toObject().value(u"services").toArray())
            if (service.toObject().value(u"name").toString() == u"productservice")
                product = service.toObject();
        QVERIFY(!product.isEmpty());
        const QJsonArray databases = product.value(u"databases").toArray();
        QCOMPARE(databases.size(), 1);
        const QJsonObject db = databases.first().toObject();
        QCOMPARE(db.value(u"name").toString(), QStringLiteral("ProductDb"));
        QCOMPARE(db.value(u"server").toString(), QStringLiteral("opsdeck-sql"));
        QCOMPARE(db.value(u"status").toString(), QStringLiteral("Online"));
        QVERIFY(db.value(u"earliestRestoreDate").toString().endsWith(u'Z'));
        QVERIFY(db.value(u"creationDate").isString());
        QVERIFY(db.value(u"sku").isString());
    }

    void cleanupTestCase()
    {
        if (m_main)
            m_main->host->stopAll();
        m_main.reset();
        if (m_sim)
            m_sim->stop();
    }
};

QTEST_GUILESS_MAIN(tst_AzureSqlIntegration)
#include "tst_azuresqlintegration.moc"
