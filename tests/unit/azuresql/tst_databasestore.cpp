#include "databasestore.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>
#include <QTimeZone>

using namespace Opsdeck;

namespace {

SqlDatabase database(const QString &server, const QString &name, const QString &service,
                     const QString &status = QStringLiteral("Online"))
{
    SqlDatabase db;
    db.server = server;
    db.name = name;
    db.service = service;
    db.status = status;
    db.sku = QStringLiteral("GP_Gen5_2");
    db.armId
        = QStringLiteral("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/%1/databases/%2")
              .arg(server, name);
    db.creationDate = QDateTime(QDate(2026, 10, 17), QTime(9, 0), QTimeZone::utc());
    db.earliestRestoreDate = QDateTime(QDate(2026, 11, 19), QTime(9, 0, 0, 500), QTimeZone::utc());
    return db;
}

ObservationBatch batch(std::vector<Observation> observations)
{
    ObservationBatch b;
    b.sourceId = QStringLiteral("azuresql");
    b.producedAt = QDateTime::currentDateTimeUtc();
    b.observations = std::move(observations);
    return b;
}

SqlDatabaseList list(const QString &server, QList<SqlDatabase> databases, const QDateTime &at)
{
    return SqlDatabaseList { server, std::move(databases), at };
}

const QDateTime T0(QDate(2026, 11, 26), QTime(9, 0), QTimeZone::utc());

} // namespace

class tst_DatabaseStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void perServiceAndAll()
    {
        DatabaseStore store;
        QVERIFY(!store.hasData());
        store.apply(batch({ list(QStringLiteral("sql-b"),
                                 { database(QStringLiteral("sql-b"), QStringLiteral("OrderDb"),
                                            QStringLiteral("orderservice")) },
                                 T0),
                            list(QStringLiteral("sql-a"),
                                 { database(QStringLiteral("sql-a"), QStringLiteral("master"), QString()),
                                   database(QStringLiteral("sql-a"), QStringLiteral("ProductDb"),
                                            QStringLiteral("productservice")),
                                   database(QStringLiteral("sql-a"), QStringLiteral("ProductArchive"),
                                            QStringLiteral("ProductService")) },
                                 T0.addSecs(5)) }));
        QVERIFY(store.hasData());
        const QList<SqlDatabase> product = store.databasesFor(QStringLiteral("productservice"));
        QCOMPARE(product.size(), 2); // the tag compares case-insensitively, sorted by name
        QCOMPARE(product.at(0).name, QStringLiteral("ProductArchive"));
        QCOMPARE(product.at(1).name, QStringLiteral("ProductDb"));
        QCOMPARE(store.databasesFor(QStringLiteral("orderservice")).size(), 1);
        QVERIFY(store.databasesFor(QString()).isEmpty()); // master belongs to no service
        QVERIFY(store.databasesFor(QStringLiteral("nope")).isEmpty());
        const QList<SqlDatabase> all = store.all();
        QCOMPARE(all.size(), 4);
        QCOMPARE(all.first().server, QStringLiteral("sql-a"));
        QCOMPARE(all.last().name, QStringLiteral("OrderDb"));
        QCOMPARE(store.fetchedAt(), T0.addSecs(5));
        QCOMPARE(store.servers(), QStringList({ QStringLiteral("sql-a"), QStringLiteral("sql-b") }));
    }

    void aListReplacesOnlyItsServer()
    {
        DatabaseStore store;
        store.apply(batch({ list(QStringLiteral("sql-a"),
                                 { database(QStringLiteral("sql-a"), QStringLiteral("ProductDb"),
                                            QStringLiteral("productservice")) },
                                 T0),
                            list(QStringLiteral("sql-b"),
                                 { database(QStringLiteral("sql-b"), QStringLiteral("OrderDb"),
                                            QStringLiteral("orderservice")) },
                                 T0) }));
        // Next poll: sql-a answered (ProductDb offline), sql-b failed and sent nothing: its last list stays.
        store.apply(batch({ list(QStringLiteral("sql-a"),
                                 { database(QStringLiteral("sql-a"), QStringLiteral("ProductDb"),
                                            QStringLiteral("productservice"), QStringLiteral("Offline")) },
                                 T0.addSecs(60)) }));
        QCOMPARE(store.databasesFor(QStringLiteral("productservice")).at(0).status,
                 QStringLiteral("Offline"));
        QCOMPARE(store.databasesFor(QStringLiteral("orderservice")).size(), 1);
        // A database that is gone from its server's list is gone from the store.
        store.apply(batch({ list(QStringLiteral("sql-a"), {}, T0.addSecs(120)) }));
        QVERIFY(store.databasesFor(QStringLiteral("productservice")).isEmpty());
        QCOMPARE(store.all().size(), 1);
    }

    void changedIsCoalesced()
    {
        DatabaseStore store;
        QSignalSpy changed(&store, &DatabaseStore::changed);
        const auto one = list(QStringLiteral("sql-a"),
                              { database(QStringLiteral("sql-a"), QStringLiteral("ProductDb"),
                                         QStringLiteral("productservice")) },
                              T0);
        store.apply(batch({ one }));
        store.apply(batch({ list(QStringLiteral("sql-b"), {}, T0) }));
        QCOMPARE(changed.size(), 0); // not synchronously
        QVERIFY(changed.wait(1000));
        QTest::qWait(20);
        QCOMPARE(changed.size(), 1); // two batches, one signal
        // The same list again changes nothing; other observations are ignored.
        store.apply(batch({ one, SourceStatus {} }));
        QTest::qWait(20);
        QCOMPARE(changed.size(), 1);
        auto offline = one;
        offline.databases[0].status = QStringLiteral("Offline");
        store.apply(batch({ offline }));
        QVERIFY(changed.wait(1000));
        QCOMPARE(changed.size(), 2);
    }

    void snapshotPerService()
    {
        QJsonObject root {
            { QStringLiteral("contexts"),
              QJsonArray { QJsonObject {
                  { QStringLiteral("name"), QStringLiteral("opsdeck-sim") },
                  { QStringLiteral("services"),
                    QJsonArray {
                        QJsonObject { { QStringLiteral("name"), QStringLiteral("productservice") } },
                        QJsonObject { { QStringLiteral("name"), QStringLiteral("frontend") } } } } } } }
        };
        DatabaseStore store;
        QJsonObject before = root;
        store.addToSnapshot(before);
        const QJsonArray unknown = before[u"contexts"].toArray()[0].toObject()[u"services"].toArray();
        QVERIFY(unknown[0].toObject()[u"databases"].isNull()); // no list yet: unknown, not "none"

        SqlDatabase restoring = database(QStringLiteral("sql-a"), QStringLiteral("ProductDb-restored"),
                                         QStringLiteral("productservice"), QStringLiteral("Restoring"));
        restoring.earliestRestoreDate = {};
        store.apply(batch({ list(QStringLiteral("sql-a"),
                                 { database(QStringLiteral("sql-a"), QStringLiteral("ProductDb"),
                                            QStringLiteral("productservice")),
                                   restoring },
                                 T0) }));
        store.addToSnapshot(root);
        const QJsonArray services = root[u"contexts"].toArray()[0].toObject()[u"services"].toArray();
        const QJsonArray product = services[0].toObject()[u"databases"].toArray();
        QCOMPARE(product.size(), 2);
        const QJsonObject db = product[0].toObject();
        QCOMPARE(db[u"name"].toString(), QStringLiteral("ProductDb"));
        QCOMPARE(db[u"server"].toString(), QStringLiteral("sql-a"));
        QCOMPARE(db[u"status"].toString(), QStringLiteral("Online"));
        QCOMPARE(db[u"sku"].toString(), QStringLiteral("GP_Gen5_2"));
        QCOMPARE(db[u"earliestRestoreDate"].toString(), QStringLiteral("2026-11-19T09:00:00.500Z"));
        QCOMPARE(db[u"creationDate"].toString(), QStringLiteral("2026-10-17T09:00:00.000Z"));
        QCOMPARE(db.keys().size(), 6);
        QVERIFY(product[1].toObject()[u"earliestRestoreDate"].isNull());
        QVERIFY(services[1].toObject()[u"databases"].isArray());
        QVERIFY(services[1].toObject()[u"databases"].toArray().isEmpty());
        QCOMPARE(services[1].toObject()[u"name"].toString(),
                 QStringLiteral("frontend")); // the rest untouched
    }
};

QTEST_GUILESS_MAIN(tst_DatabaseStore)
#include "tst_databasestore.moc"
