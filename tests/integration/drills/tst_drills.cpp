// `opsdeck drill` as a script runs it, against a fresh opsdeck-sim (--speed 20): database-failure and
// bad-canary end to end — the fault goes in through the chaos API, the matching alert is raised, the fault
// is cleared, the service recovers — with the run kept in the journal's drill_runs and no chaos left
// behind; and the refusal (exit 3) against a server that is not an opsdeck-sim (it answers 404).
//
// Alert hold-downs are shortened through the settings file the binary reads (XDG_CONFIG_HOME), so a
// recovery does not wait the default 60 s.

#include "drillstore.h"
#include "journal.h"
#include "simprocess.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace Opsdeck;

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

} // namespace

class TestDrills : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<SimProcess> m_sim;

    QString dataDir() const { return m_dir.filePath(QStringLiteral("data")); }

    Run opsdeck(const QStringList &arguments, const QString &kubeconfig, int timeoutMs = 150000) const
    {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("OPSDECK_DATA_DIR"), dataDir());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("OPSDECK_PLUGIN_PATH"), QStringLiteral(OPSDECK_PLUGIN_BUILD_DIR));
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(OPSDECK_APP_PATH), QStringList{QStringLiteral("drill")} + arguments
                                                            + QStringList{QStringLiteral("--kubeconfig"), kubeconfig});
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

    // No chaos left on the sim.
    void verifyNoChaos()
    {
        QString status;
        QCOMPARE(m_sim->chaos({QStringLiteral("status"), QStringLiteral("--json")}, &status), 0);
        const QJsonObject object = QJsonDocument::fromJson(status.toUtf8()).object();
        QVERIFY2(object.value(QLatin1String("services")).toArray().isEmpty(), qPrintable(status));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // The same settings file the binary opens (same Qt, application name and organization domain).
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toLocal8Bit());
        QCoreApplication::setApplicationName(QStringLiteral("opsdeck"));
        QCoreApplication::setOrganizationDomain(QStringLiteral("opsdeck.dev"));
        {
            QSettings settings;
            settings.setValue(QStringLiteral("alerts/holdDownSeconds"), 5);
            settings.setValue(QStringLiteral("alerts/podsNotReadySeconds"), 5);
            settings.setValue(QStringLiteral("alerts/podsDownSeconds"), 5);
            settings.setValue(QStringLiteral("alerts/evaluateIntervalSeconds"), 1);
            settings.sync();
            QVERIFY2(settings.fileName().startsWith(m_dir.path()), qPrintable(settings.fileName()));
        }
        m_sim = std::make_unique<SimProcess>(QStringLiteral(OPSDECK_SIM_PATH), m_dir.path());
        QVERIFY2(m_sim->start({.speed = 20, .azure = false, .extraArguments = {}, .readyTimeoutMs = 60000}), qPrintable(m_sim->errorString()));
    }

    void databaseFailure()
    {
        const Run run = opsdeck({QStringLiteral("database-failure"), QStringLiteral("--service"), QStringLiteral("productservice"),
                                 QStringLiteral("--timeout"), QStringLiteral("90")},
                                m_sim->kubeconfigPath());
        QVERIFY2(run.exitCode == 0, qPrintable(run.err + run.out));
        qInfo().noquote() << run.err << run.out;
        const QStringList lines = run.out.trimmed().split(QLatin1Char('\n'));
        const QRegularExpressionMatch last =
            QRegularExpression(QStringLiteral("^detectedSeconds=(\\d+) recoveredSeconds=(\\d+)$")).match(lines.constLast());
        QVERIFY2(last.hasMatch(), qPrintable(run.out));
        const int detected = last.captured(1).toInt();
        const int recovered = last.captured(2).toInt();
        QVERIFY(detected <= recovered);
        QVERIFY2(detected <= 40, qPrintable(run.out)); // a 15 s health refresh, twice, plus start-up slack
        // The database's breaker (or the Unhealthy report) detected it, on productservice itself.
        QVERIFY2(run.out.contains(QStringLiteral("/productservice")), qPrintable(run.out));
        QVERIFY(run.err.contains(QStringLiteral("fault injected")));
        verifyNoChaos();

        // Kept in the journal's drill runs.
        DrillStore store;
        QVERIFY(store.open(QDir(dataDir()).filePath(QStringLiteral("journal.sqlite"))));
        const auto runs = store.latest(ServiceKey{}, 10);
        QVERIFY(runs);
        QCOMPARE(runs->size(), 1);
        const DrillRun &r = runs->constFirst();
        QCOMPARE(r.scenario, QStringLiteral("database-failure"));
        QCOMPARE(r.service.name, QStringLiteral("productservice"));
        QCOMPARE(r.status, QStringLiteral("recovered"));
        QCOMPARE(r.detectedSeconds(), std::optional<qint64>(detected));
        QCOMPARE(r.recoveredSeconds(), std::optional<qint64>(recovered));
        QVERIFY(r.clearedAt >= r.detectedAt && r.recoveredAt >= r.clearedAt);
        QVERIFY(r.alertId.contains(QStringLiteral("productservice")));
    }

    void badCanaryJson()
    {
        const Run run = opsdeck({QStringLiteral("bad-canary"), QStringLiteral("--service"), QStringLiteral("productservice"),
                                 QStringLiteral("--json"), QStringLiteral("--timeout"), QStringLiteral("90")},
                                m_sim->kubeconfigPath());
        QVERIFY2(run.exitCode == 0, qPrintable(run.err + run.out));
        qInfo().noquote() << run.err << run.out;
        QJsonParseError error;
        const QJsonObject object = QJsonDocument::fromJson(run.out.toUtf8(), &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(run.out)); // stdout is the one document
        QCOMPARE(object.value(QLatin1String("scenario")).toString(), QStringLiteral("bad-canary"));
        QCOMPARE(object.value(QLatin1String("service")).toString(), QStringLiteral("productservice"));
        QCOMPARE(object.value(QLatin1String("status")).toString(), QStringLiteral("recovered"));
        for (const char *key : {"faultAt", "detectedAt", "clearedAt", "recoveredAt"}) {
            const QDateTime t = QDateTime::fromString(object.value(QLatin1String(key)).toString(), Qt::ISODate);
            QVERIFY2(t.isValid() && object.value(QLatin1String(key)).toString().endsWith(QLatin1Char('Z')), key);
        }
        const QJsonObject alert = object.value(QLatin1String("alert")).toObject();
        QCOMPARE(alert.value(QLatin1String("rule")).toString(), QStringLiteral("pods-not-ready"));
        // Warning while the canary is NotReady; critical once it is seen in CrashLoopBackOff.
        QVERIFY(QStringList({QStringLiteral("warning"), QStringLiteral("critical")}).contains(alert.value(QLatin1String("severity")).toString()));
        QVERIFY(object.value(QLatin1String("detectedSeconds")).toInt() <= object.value(QLatin1String("recoveredSeconds")).toInt());
        verifyNoChaos();
    }

    void refusesWhatIsNotASim()
    {
        // The sim's own server under a path it does not serve: every request (the chaos API's too) is a 404.
        QFile in(m_sim->kubeconfigPath());
        QVERIFY(in.open(QIODevice::ReadOnly));
        QString text = QString::fromUtf8(in.readAll());
        const QRegularExpression server(QStringLiteral("(server: *https://[^\\s]+)"));
        QVERIFY(server.match(text).hasMatch());
        text.replace(server, QStringLiteral("\\1/not-a-sim"));
        const QString path = m_dir.filePath(QStringLiteral("not-a-sim.kubeconfig"));
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(text.toUtf8());
        out.close();

        const Run run = opsdeck({QStringLiteral("pod-failure"), QStringLiteral("--service"), QStringLiteral("productservice"),
                                 QStringLiteral("--timeout"), QStringLiteral("30")},
                                path, 60000);
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.err.contains(QStringLiteral("not an opsdeck-sim")), qPrintable(run.err));
        QVERIFY(run.out.isEmpty());
        verifyNoChaos();
    }

    void usage()
    {
        QCOMPARE(opsdeck({QStringLiteral("meteor-strike"), QStringLiteral("--service"), QStringLiteral("x")}, m_sim->kubeconfigPath()).exitCode, 2);
        QCOMPARE(opsdeck({QStringLiteral("bad-canary")}, m_sim->kubeconfigPath()).exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestDrills)
#include "tst_drills.moc"
