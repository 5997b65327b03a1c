// `opsdeck alerts` as a script runs it, against a fresh opsdeck-sim (--speed 20): after one sync a
// healthy estate has no active alert; with the sim's database-down chaos on productservice its SQL
// circuit breaker opens and `opsdeck alerts --json` lists breaker-open for productservice (critical,
// CLI.md's shape), the table names it too; clearing the chaos takes it away again (hold-down shortened
// through the settings file the binary reads). Usage errors exit 2.

#include "simprocess.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

} // namespace

class TestAlertsIntegration : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<SimProcess> m_sim;

    Run opsdeck(const QStringList &arguments, int timeoutMs = 120000) const
    {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), m_dir.path()); // nothing of the user's
        env.insert(QStringLiteral("OPSDECK_DATA_DIR"), m_dir.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("OPSDECK_PLUGIN_PATH"), QStringLiteral(OPSDECK_PLUGIN_BUILD_DIR));
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(OPSDECK_APP_PATH), QStringList { QStringLiteral("alerts") } + arguments);
        Run run;
        if (!process.waitForFinished(timeoutMs)) {
            process.kill();
            process.waitForFinished();
        }
        run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        run.out = QString::fromUtf8(process.readAllStandardOutput());
        run.err = QString::fromUtf8(process.readAllStandardError());
        return run;
    }

    QJsonArray alertsJson(const QStringList &extra = {})
    {
        const Run run = opsdeck(
            QStringList { QStringLiteral("--json"), QStringLiteral("--kubeconfig"), m_sim->kubeconfigPath() }
            + extra);
        if (run.exitCode != 0) {
            qWarning("opsdeck alerts exited %d: %s", run.exitCode, qPrintable(run.err));
            return {};
        }
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(run.out.toUtf8(), &error);
        if (error.error != QJsonParseError::NoError
            || !document.object().value(QLatin1String("alerts")).isArray()) {
            qWarning("not CLI.md's JSON: %s", qPrintable(run.out));
            return {};
        }
        return document.object().value(QLatin1String("alerts")).toArray();
    }

    static QJsonObject find(const QJsonArray &alerts, const QString &rule, const QString &service)
    {
        for (const QJsonValue &value : alerts) {
            const QJsonObject alert = value.toObject();
            if (alert.value(QLatin1String("rule")).toString() == rule
                && alert.value(QLatin1String("service")).toString() == service)
                return alert;
        }
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // A short hold-down, so the cleared fault ends its alert within the test: the same settings file the
        // binary opens (same Qt, application name and organization domain).
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toLocal8Bit());
        QCoreApplication::setApplicationName(QStringLiteral("opsdeck"));
        QCoreApplication::setOrganizationDomain(QStringLiteral("opsdeck.dev"));
        {
            QSettings settings;
            settings.setValue(QStringLiteral("alerts/holdDownSeconds"), 0);
            settings.sync();
            QVERIFY2(settings.fileName().startsWith(m_dir.path()), qPrintable(settings.fileName()));
        }
        QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("sim"))));
        m_sim = std::make_unique<SimProcess>(QStringLiteral(OPSDECK_SIM_PATH),
                                             m_dir.filePath(QStringLiteral("sim")));
        SimProcess::Options options;
        options.speed = 20;
        options.azure = false;
        QVERIFY2(m_sim->start(options), qPrintable(m_sim->errorString()));
    }

    void cleanupTestCase()
    {
        if (m_sim)
            m_sim->stop();
    }

    void usageErrors()
    {
        QCOMPARE(opsdeck({ QStringLiteral("--wait"), QStringLiteral("soon") }).exitCode, 2);
        QCOMPARE(opsdeck({ QStringLiteral("--timeout"), QStringLiteral("0") }).exitCode, 2);
        QCOMPARE(opsdeck({ QStringLiteral("extra") }).exitCode, 2);
        const Run unknown = opsdeck({ QStringLiteral("--kubeconfig"), m_sim->kubeconfigPath(),
                                      QStringLiteral("--context"), QStringLiteral("nope") });
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY2(unknown.err.startsWith(QStringLiteral("opsdeck alerts: ")), qPrintable(unknown.err));
        const Run help = opsdeck({ QStringLiteral("--help") });
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains(QStringLiteral("--wait")));
    }

    void healthyEstateHasNoAlerts()
    {
        // Give the sim's rollouts a moment to be Ready (pods starting are not-ready, but held 180 s).
        const QJsonArray alerts = alertsJson();
        QVERIFY2(alerts.isEmpty(), QJsonDocument(alerts).toJson().constData());
        const Run table = opsdeck({ QStringLiteral("--kubeconfig"), m_sim->kubeconfigPath() });
        QCOMPARE(table.exitCode, 0);
        QCOMPARE(table.out, QStringLiteral("No active alerts.\n"));
    }

    void databaseDownRaisesBreakerOpen()
    {
        QString output;
        QCOMPARE(m_sim->chaos({ QStringLiteral("database-down"), QStringLiteral("productservice") }, &output),
                 0);
        // The breaker opens after its failure threshold, and the health report is read on its own interval.
        QJsonObject alert;
        const QDateTime deadline = QDateTime::currentDateTimeUtc().addSecs(90);
        while (alert.isEmpty() && QDateTime::currentDateTimeUtc() < deadline) {
            alert = find(alertsJson(), QStringLiteral("breaker-open"), QStringLiteral("productservice"));
            if (alert.isEmpty())
                QTest::qWait(2000);
        }
        QVERIFY2(!alert.isEmpty(), "no breaker-open alert for productservice after database-down");
        QCOMPARE(alert.value(QLatin1String("severity")).toString(), QStringLiteral("critical"));
        QVERIFY(alert.value(QLatin1String("id")).toString().startsWith(QStringLiteral("breaker-open:")));
        QVERIFY(!alert.value(QLatin1String("namespace")).toString().isEmpty());
        QVERIFY(QDateTime::fromString(alert.value(QLatin1String("since")).toString(), Qt::ISODate).isValid());
        QVERIFY(alert.value(QLatin1String("summary")).toString().contains(QStringLiteral("productservice")));
        QVERIFY(!alert.contains(QLatin1String("acknowledgedBy")));

        // Nothing for the services the fault does not touch directly, except what follows from it.
        const QJsonArray all = alertsJson();
        for (const QJsonValue &value : all) {
            const QString rule = value.toObject().value(QLatin1String("rule")).toString();
            QVERIFY2(rule == QLatin1String("breaker-open") || rule.startsWith(QLatin1String("health-")),
                     qPrintable(QString::fromUtf8(QJsonDocument(value.toObject()).toJson())));
        }

        // The table as a person reads it, worst first.
        const Run table = opsdeck({ QStringLiteral("--kubeconfig"), m_sim->kubeconfigPath() });
        QCOMPARE(table.exitCode, 0);
        const QStringList lines = table.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY2(lines.size() >= 3, qPrintable(table.out));
        QVERIFY(lines.at(0).startsWith(QStringLiteral("SEVERITY")));
        QVERIFY2(lines.at(1).startsWith(QStringLiteral("CRITICAL")), qPrintable(table.out));
        QVERIFY2(table.out.contains(QStringLiteral("breaker-open"))
                     && table.out.contains(QStringLiteral("productservice")),
                 qPrintable(table.out));

        // --namespace narrows to that namespace: another one has none of these.
        QVERIFY(alertsJson({ QStringLiteral("--namespace"), QStringLiteral("no-such-namespace") }).isEmpty());
    }

    void clearedFaultClearsTheAlert()
    {
        QCOMPARE(m_sim->chaos({ QStringLiteral("clear"), QStringLiteral("--all") }), 0);
        // The breaker half-opens after its break and closes on the first success.
        bool gone = false;
        const QDateTime deadline = QDateTime::currentDateTimeUtc().addSecs(90);
        while (!gone && QDateTime::currentDateTimeUtc() < deadline) {
            gone = find(alertsJson(), QStringLiteral("breaker-open"), QStringLiteral("productservice"))
                       .isEmpty();
            if (!gone)
                QTest::qWait(2000);
        }
        QVERIFY(gone);
    }
};

QTEST_GUILESS_MAIN(TestAlertsIntegration)
#include "tst_alertsintegration.moc"
