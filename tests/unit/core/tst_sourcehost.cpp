#include "pluginloader.h"
#include "sourcehost.h"

#include <QMutex>
#include <QPointer>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <algorithm>

using namespace Opsdeck;

class tst_SourceHost : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void runsSourcesOnTheirOwnThreads();
    void refusesDuplicateAndUnconfigured();
    void addAfterStartStartsAtOnce();
    void stopWithoutStartDeletesSources();
    void refreshAndOptionsRunOnTheSourceThread();
    void removeStopsAndDeletesOneSource();

private:
    std::unique_ptr<DataSource> makeSource(const QString &id, int batches, int intervalMs = 20);
    std::unique_ptr<PluginLoader> m_loader;
};

void tst_SourceHost::initTestCase()
{
    m_loader = std::make_unique<PluginLoader>(QStringList{QStringLiteral(OPSDECK_PLUGIN_BUILD_DIR)});
    m_loader->load();
    QVERIFY(m_loader->sourceFactory(QStringLiteral("test")));
}

std::unique_ptr<DataSource> tst_SourceHost::makeSource(const QString &id, int batches, int intervalMs)
{
    std::unique_ptr<DataSource> source = m_loader->sourceFactory(QStringLiteral("test"))->createSource();
    const Result<void> configured = source->configure(
        SourceConfig{id, {{QStringLiteral("batches"), batches}, {QStringLiteral("intervalMs"), intervalMs}, {QStringLiteral("context"), id}}});
    if (!configured)
        qFatal("configure failed");
    return source;
}

void tst_SourceHost::runsSourcesOnTheirOwnThreads()
{
    QThread *const mainThread = QThread::currentThread();
    SourceHost host;
    std::unique_ptr<DataSource> a = makeSource(QStringLiteral("a"), 3);
    std::unique_ptr<DataSource> b = makeSource(QStringLiteral("b"), 2);

    // Direct connections run in the emitting thread: they tell where the sources really run.
    QSet<QThread *> emittedOn;
    QMutex mutex;
    for (DataSource *source : {a.get(), b.get()}) {
        connect(source, &DataSource::observationsReady, source, [&](const ObservationBatch &) {
            QMutexLocker lock(&mutex);
            emittedOn.insert(QThread::currentThread());
        }, Qt::DirectConnection);
    }
    QPointer<DataSource> watchA = a.get();

    QVERIFY(host.add(std::move(a)));
    QVERIFY(host.add(std::move(b)));
    QCOMPARE(host.sourceIds(), (QStringList{QStringLiteral("a"), QStringLiteral("b")}));

    QList<ObservationBatch> batches;
    QList<QThread *> deliveredOn;
    connect(&host, &SourceHost::observationsReady, this, [&](const ObservationBatch &batch) {
        batches << batch;
        deliveredOn << QThread::currentThread();
    });
    QSignalSpy status(&host, &SourceHost::statusChanged);

    host.startAll();
    QVERIFY(host.isRunning());
    QTRY_COMPARE_WITH_TIMEOUT(batches.size(), 5, 5000);

    {
        QMutexLocker lock(&mutex);
        QCOMPARE(emittedOn.size(), 2); // one thread per source
        QVERIFY(!emittedOn.contains(mainThread));
    }
    for (QThread *thread : std::as_const(deliveredOn))
        QCOMPARE(thread, mainThread);

    int fromA = 0;
    int synced = 0;
    for (const ObservationBatch &batch : std::as_const(batches)) {
        QVERIFY(batch.sourceId == QLatin1String("a") || batch.sourceId == QLatin1String("b"));
        QVERIFY(batch.producedAt.isValid());
        if (batch.sourceId == QLatin1String("a"))
            ++fromA;
        for (const Observation &o : batch.observations) {
            const auto *delta = std::get_if<ResourceDelta>(&o);
            QVERIFY(delta);
            QCOMPARE(delta->key.context, batch.sourceId);
            if (delta->type == ResourceDelta::Type::Synced) {
                ++synced;
                continue;
            }
            // The test source names the thread it ran on: the host's "source:<id>" thread.
            QCOMPARE(std::get<PodInfo>(delta->object).node, QStringLiteral("source:") + batch.sourceId);
        }
    }
    QCOMPARE(fromA, 3);
    QCOMPARE(synced, 2);

    // A source starts as Connecting (no signal); the first batch makes it Ok, for each, with its id.
    QTRY_VERIFY(status.size() >= 2);
    QStringList okIds;
    for (const QList<QVariant> &args : std::as_const(status)) {
        if (args.at(1).value<SourceStatus>().state == SourceStatus::State::Ok)
            okIds << args.at(0).toString();
    }
    okIds.sort();
    QCOMPARE(okIds, (QStringList{QStringLiteral("a"), QStringLiteral("b")}));

    host.stopAll();
    QVERIFY(!host.isRunning());
    QVERIFY(host.sourceIds().isEmpty());
    QVERIFY(watchA.isNull()); // deleted on its own thread before the join returned
    // The stop() status the sources emitted on the way out arrives here afterwards, as values.
    QTRY_VERIFY(std::any_of(status.begin(), status.end(), [](const QList<QVariant> &args) {
        return args.at(1).value<SourceStatus>().state == SourceStatus::State::Down;
    }));
}

void tst_SourceHost::refusesDuplicateAndUnconfigured()
{
    SourceHost host;
    QVERIFY(host.add(makeSource(QStringLiteral("x"), 1)));
    const Result<void> duplicate = host.add(makeSource(QStringLiteral("x"), 1));
    QVERIFY(!duplicate);
    QVERIFY(duplicate.error().kind == ErrorKind::Config); // not QCOMPARE: ADL finds Opsdeck::toString(ErrorKind)
    QVERIFY(duplicate.error().message.contains(QLatin1String("'x'")));

    const Result<void> unconfigured = host.add(m_loader->sourceFactory(QStringLiteral("test"))->createSource());
    QVERIFY(!unconfigured);
    QCOMPARE(host.sourceIds(), QStringList{QStringLiteral("x")});
}

void tst_SourceHost::addAfterStartStartsAtOnce()
{
    SourceHost host;
    host.startAll();
    QSignalSpy batches(&host, &SourceHost::observationsReady);
    QVERIFY(host.add(makeSource(QStringLiteral("late"), 1)));
    QVERIFY(batches.wait(5000));
    QCOMPARE(batches.first().at(0).value<ObservationBatch>().sourceId, QStringLiteral("late"));
    // The destructor stops and joins it.
}

void tst_SourceHost::stopWithoutStartDeletesSources()
{
    QPointer<DataSource> watch;
    {
        SourceHost host;
        std::unique_ptr<DataSource> source = makeSource(QStringLiteral("idle"), 1);
        watch = source.get();
        QVERIFY(host.add(std::move(source)));
        host.stopAll();
        QCOMPARE(host.sourceIds(), QStringList{QStringLiteral("idle")});
        QVERIFY(!watch.isNull());
    }
    QVERIFY(watch.isNull());
}


void tst_SourceHost::refreshAndOptionsRunOnTheSourceThread()
{
    SourceHost host;
    QVERIFY(!host.refresh(QStringLiteral("nope")));
    QVERIFY(!host.setOption(QStringLiteral("nope"), QStringLiteral("podPrefix"), QStringLiteral("x-")));
    QVERIFY(host.add(makeSource(QStringLiteral("r"), 1, 10)));
    QSignalSpy batches(&host, &SourceHost::observationsReady);
    host.startAll();
    QTRY_COMPARE(batches.size(), 1); // the one scheduled batch, then the timer stops

    QVERIFY(host.setOption(QStringLiteral("r"), QStringLiteral("podPrefix"), QStringLiteral("renamed-")));
    QVERIFY(host.refresh(QStringLiteral("r")));
    QTRY_COMPARE(batches.size(), 2);
    const auto batch = batches.at(1).at(0).value<ObservationBatch>();
    QCOMPARE(batch.observations.size(), size_t(1));
    const auto &delta = std::get<ResourceDelta>(batch.observations.front());
    QCOMPARE(delta.key.name, QStringLiteral("renamed-2")); // the option was applied before the refresh ran
    QCOMPARE(std::get<PodInfo>(delta.object).node, QStringLiteral("source:r")); // on the source's own thread
}

void tst_SourceHost::removeStopsAndDeletesOneSource()
{
    SourceHost host;
    std::unique_ptr<DataSource> a = makeSource(QStringLiteral("a"), 1000, 10);
    std::unique_ptr<DataSource> b = makeSource(QStringLiteral("b"), 1000, 10);
    QPointer<DataSource> watchA = a.get();
    QPointer<DataSource> watchB = b.get();
    QVERIFY(host.add(std::move(a)));
    QVERIFY(host.add(std::move(b)));
    host.startAll();
    QSignalSpy batches(&host, &SourceHost::observationsReady);
    QTRY_VERIFY(batches.size() >= 2);

    QVERIFY(host.remove(QStringLiteral("a")));
    QVERIFY(!host.remove(QStringLiteral("a")));
    QCOMPARE(host.sourceIds(), QStringList{QStringLiteral("b")});
    QTRY_VERIFY(watchA.isNull()); // deleted on its own thread
    QVERIFY(!watchB.isNull());

    // The same id can be added again (new credentials, same source), and b keeps running.
    QVERIFY(host.add(makeSource(QStringLiteral("a"), 1, 10)));
    batches.clear();
    QTRY_VERIFY(std::any_of(batches.cbegin(), batches.cend(), [](const QList<QVariant> &args) {
        return args.at(0).value<ObservationBatch>().sourceId == QLatin1String("a");
    }));
    QTRY_VERIFY(std::any_of(batches.cbegin(), batches.cend(), [](const QList<QVariant> &args) {
        return args.at(0).value<ObservationBatch>().sourceId == QLatin1String("b");
    }));
}

QTEST_GUILESS_MAIN(tst_SourceHost)
#include "tst_sourcehost.moc"
