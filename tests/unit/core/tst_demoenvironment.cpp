#include "demoenvironment.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <csignal>

using namespace Opsdeck;

class tst_DemoEnvironment : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void readyLineIsParsed();
    void exitBeforeReadyIsAnError();
    void neverReadyTimesOut();
    void simDyingAfterReadyIsReported();
    void missingProgramIsAnError();
    void envOverridesTheProgram();

private:
    static bool processAlive(qint64 pid) { return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH; }
    qint64 readPid();
    QTemporaryDir m_dir;
};

void tst_DemoEnvironment::init()
{
    qputenv("FAKESIM_PIDFILE", m_dir.filePath(QStringLiteral("pid")).toUtf8());
    QFile::remove(m_dir.filePath(QStringLiteral("pid")));
}

void tst_DemoEnvironment::cleanup()
{
    qunsetenv("FAKESIM_MODE");
}

qint64 tst_DemoEnvironment::readPid()
{
    QFile f(m_dir.filePath(QStringLiteral("pid")));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    return f.readAll().toLongLong();
}

void tst_DemoEnvironment::readyLineIsParsed()
{
    qint64 pid = -1;
    {
        DemoEnvironment demo;
        demo.setProgram(QStringLiteral(FAKESIM_PATH));
        QSignalSpy ready(&demo, &DemoEnvironment::ready);
        QSignalSpy failed(&demo, &DemoEnvironment::failed);
        demo.start();
        QVERIFY(ready.wait(10000));
        QCOMPARE(failed.size(), 0);
        QVERIFY(demo.isReady());
        QCOMPARE(demo.url(), QUrl(QStringLiteral("https://127.0.0.1:43210")));
        QVERIFY(demo.kubeconfigPath().endsWith(QLatin1String("/kubeconfig")));
        QVERIFY(QFile::exists(demo.kubeconfigPath())); // the fake wrote it where we asked
        QCOMPARE(ready.first().at(1).toString(), demo.kubeconfigPath());
        pid = readPid();
        QVERIFY(pid > 0);
        QVERIFY(processAlive(pid));
    }
    // The destructor terminated and reaped it.
    QVERIFY(!processAlive(pid));
}

void tst_DemoEnvironment::exitBeforeReadyIsAnError()
{
    qputenv("FAKESIM_MODE", "exit");
    DemoEnvironment demo;
    demo.setProgram(QStringLiteral(FAKESIM_PATH));
    QSignalSpy ready(&demo, &DemoEnvironment::ready);
    QSignalSpy failed(&demo, &DemoEnvironment::failed);
    demo.start();
    QVERIFY(failed.wait(10000));
    QCOMPARE(ready.size(), 0);
    const Error error = failed.first().at(0).value<Error>();
    QVERIFY2(error.message.contains(QLatin1String("exited with code 3 before it was ready")), qPrintable(error.message));
    QVERIFY2(error.hint.contains(QLatin1String("port already in use")), qPrintable(error.hint));
}

void tst_DemoEnvironment::neverReadyTimesOut()
{
    qputenv("FAKESIM_MODE", "silent");
    DemoEnvironment demo;
    demo.setProgram(QStringLiteral(FAKESIM_PATH));
    demo.setReadyTimeout(std::chrono::milliseconds(500));
    QSignalSpy failed(&demo, &DemoEnvironment::failed);
    demo.start();
    QVERIFY(failed.wait(10000));
    QVERIFY2(failed.first().at(0).value<Error>().message.contains(QLatin1String("did not report ready")),
             qPrintable(failed.first().at(0).value<Error>().message));
    const qint64 pid = readPid();
    QVERIFY(pid > 0);
    QTRY_VERIFY(!processAlive(pid)); // killed, not left behind
    QCOMPARE(failed.size(), 1);
}

void tst_DemoEnvironment::simDyingAfterReadyIsReported()
{
    qputenv("FAKESIM_MODE", "die");
    DemoEnvironment demo;
    demo.setProgram(QStringLiteral(FAKESIM_PATH));
    QSignalSpy ready(&demo, &DemoEnvironment::ready);
    QSignalSpy exited(&demo, &DemoEnvironment::simExited);
    QSignalSpy failed(&demo, &DemoEnvironment::failed);
    demo.start();
    QVERIFY(ready.wait(10000));
    QVERIFY(exited.wait(10000));
    QVERIFY(!demo.isReady());
    QVERIFY(exited.first().at(0).value<Error>().message.contains(QLatin1String("exited with code 4")));
    QCOMPARE(failed.size(), 0);
}

void tst_DemoEnvironment::missingProgramIsAnError()
{
    DemoEnvironment demo;
    demo.setProgram(m_dir.filePath(QStringLiteral("no-such-sim")));
    QSignalSpy failed(&demo, &DemoEnvironment::failed);
    demo.start();
    QVERIFY(failed.wait(10000));
    QVERIFY(failed.first().at(0).value<Error>().message.contains(QLatin1String("cannot start")));
}

void tst_DemoEnvironment::envOverridesTheProgram()
{
    qputenv("OPSDECK_SIM", "/opt/x/opsdeck-sim");
    QCOMPARE(DemoEnvironment::findSimulator(), QStringLiteral("/opt/x/opsdeck-sim"));
    qunsetenv("OPSDECK_SIM");
}

QTEST_GUILESS_MAIN(tst_DemoEnvironment)
#include "tst_demoenvironment.moc"
