#include "estatebuilder.h"
#include "servicestore.h"
#include "snapshotwriter.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

using namespace Opsdeck;
using namespace Opsdeck::Test;

class tst_SnapshotWriter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { registerObservationMetaTypes(); }
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral(".*"))); }
    void documentShape();
};

void tst_SnapshotWriter::documentShape()
{
    ServiceStore store;
    std::vector<Observation> obs = allSynced();
    append(obs, service(QStringLiteral("productservice"), 3, 1));
    obs.push_back(added(ResourceKind::HorizontalPodAutoscaler, QStringLiteral("productservice"), hpa(QStringLiteral("productservice"), 3, 3, 2, 10, 40, 70)));
    obs.push_back(added(ResourceKind::Ingress, QStringLiteral("productservice-canary"), canaryIngress(QStringLiteral("productservice"), 10)));
    store.apply(batch(std::move(obs)));
    store.flush();

    const QDateTime at(QDate(2026, 11, 24), QTime(5, 35, 31), Qt::UTC);
    const SourceRecord ok{QStringLiteral("kubernetes:ctx"), QStringLiteral("kubernetes"), SourceStatus{SourceStatus::State::Ok, at, std::nullopt}};
    const SourceRecord down{QStringLiteral("kubernetes:gone"), QStringLiteral("kubernetes"),
                            SourceStatus{SourceStatus::State::Down, {}, Error{ErrorKind::Network, QStringLiteral("connection refused"), {}, std::nullopt}}};
    const QJsonObject root = SnapshotWriter::toJson(store, {Ctx, QStringLiteral("gone")}, {ok, down}, at);

    QCOMPARE(root.value(QStringLiteral("generatedAt")).toString(), QStringLiteral("2026-11-24T05:35:31Z"));
    const QJsonArray contexts = root.value(QStringLiteral("contexts")).toArray();
    QCOMPARE(contexts.size(), 2);
    const QJsonObject ctx = contexts.at(0).toObject();
    QCOMPARE(ctx.value(QStringLiteral("name")).toString(), Ctx);
    QCOMPARE(contexts.at(1).toObject().value(QStringLiteral("services")).toArray().size(), 0);
    const QJsonArray services = ctx.value(QStringLiteral("services")).toArray();
    QCOMPARE(services.size(), 1);
    const QJsonObject s = services.at(0).toObject();
    QCOMPARE(s.value(QStringLiteral("namespace")).toString(), Ns);
    QCOMPARE(s.value(QStringLiteral("name")).toString(), QStringLiteral("productservice"));
    QCOMPARE(s.value(QStringLiteral("health")).toString(), QStringLiteral("Healthy"));
    const QJsonObject stable = s.value(QStringLiteral("stable")).toObject();
    QCOMPARE(stable.value(QStringLiteral("desired")).toInt(), 3);
    QCOMPARE(stable.value(QStringLiteral("ready")).toInt(), 3);
    QCOMPARE(stable.value(QStringLiteral("revision")).toInt(), 4);
    QCOMPARE(stable.value(QStringLiteral("image")).toString(), QStringLiteral("registry/productservice:1.4.2"));
    QCOMPARE(s.value(QStringLiteral("canary")).toObject().value(QStringLiteral("desired")).toInt(), 1);
    QCOMPARE(s.value(QStringLiteral("canaryWeight")).toDouble(), 10.0);
    const QJsonObject h = s.value(QStringLiteral("hpa")).toObject();
    QCOMPARE(h.value(QStringLiteral("min")).toInt(), 2);
    QCOMPARE(h.value(QStringLiteral("max")).toInt(), 10);
    QCOMPARE(h.value(QStringLiteral("cpuPercent")).toInt(), 40);
    QCOMPARE(h.value(QStringLiteral("targetPercent")).toInt(), 70);
    const QJsonArray pods = s.value(QStringLiteral("pods")).toArray();
    QCOMPARE(pods.size(), 4);
    const QJsonObject pod0 = pods.at(0).toObject();
    QCOMPARE(pod0.value(QStringLiteral("name")).toString(), QStringLiteral("productservice-canary-0"));
    QCOMPARE(pod0.value(QStringLiteral("track")).toString(), QStringLiteral("canary"));
    QCOMPARE(pod0.value(QStringLiteral("phase")).toString(), QStringLiteral("Running"));
    QCOMPARE(pod0.value(QStringLiteral("ready")).toBool(), true);
    QCOMPARE(pod0.value(QStringLiteral("restarts")).toInt(), 0);

    const QJsonArray sources = root.value(QStringLiteral("sources")).toArray();
    QCOMPARE(sources.size(), 2);
    QCOMPARE(sources.at(0).toObject().value(QStringLiteral("state")).toString(), QStringLiteral("Ok"));
    QCOMPARE(sources.at(0).toObject().value(QStringLiteral("lastSuccess")).toString(), QStringLiteral("2026-11-24T05:35:31Z"));
    QVERIFY(!sources.at(0).toObject().contains(QStringLiteral("error")));
    QCOMPARE(sources.at(1).toObject().value(QStringLiteral("state")).toString(), QStringLiteral("Down"));
    QVERIFY(sources.at(1).toObject().value(QStringLiteral("error")).toString().contains(QStringLiteral("connection refused")));
    QVERIFY(sources.at(1).toObject().value(QStringLiteral("lastSuccess")).isNull());
}

QTEST_GUILESS_MAIN(tst_SnapshotWriter)
#include "tst_snapshotwriter.moc"
