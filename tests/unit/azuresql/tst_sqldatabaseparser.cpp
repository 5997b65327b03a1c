#include "sqldatabaseparser.h"

#include <QJsonDocument>
#include <QTest>
#include <QTimeZone>

using namespace Opsdeck;

// A database resource as ARM Microsoft.Sql 2021-11-01 answers it (API-CONTRACTS §5, docs/sim-azure.md).
static QJsonObject productDb()
{
    return QJsonDocument::fromJson(R"({
      "sku": {"name": "GP_Gen5", "tier": "GeneralPurpose", "family": "Gen5", "capacity": 2},
      "kind": "v12.0,user,vcore",
      "location": "westeurope",
      "tags": {"Service": "productservice"},
      "id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/opsdeck-rg/providers/Microsoft.Sql/servers/opsdeck-sql/databases/ProductDb",
      "name": "ProductDb",
      "type": "Microsoft.Sql/servers/databases",
      "properties": {
        "collation": "SQL_Latin1_General_CP1_CI_AS",
        "maxSizeBytes": 34359738368,
        "status": "Online",
        "databaseId": "6c764297-577b-470f-9af4-96d3d41e2ba3",
        "creationDate": "2026-10-17T09:00:00.000Z",
        "currentServiceObjectiveName": "GP_Gen5_2",
        "requestedServiceObjectiveName": "GP_Gen5_2",
        "earliestRestoreDate": "2026-11-19T09:00:00.123Z",
        "zoneRedundant": false
      }
    })")
        .object();
}

class tst_SqlDatabaseParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsEveryField()
    {
        const Result<SqlDatabase> database = parseSqlDatabase(productDb());
        QVERIFY(database);
        QCOMPARE(database->name, QStringLiteral("ProductDb"));
        QCOMPARE(database->server, QStringLiteral("opsdeck-sql"));
        QCOMPARE(database->service, QStringLiteral("productservice"));
        QCOMPARE(database->location, QStringLiteral("westeurope"));
        QCOMPARE(database->status, QStringLiteral("Online"));
        QCOMPARE(database->sku, QStringLiteral("GP_Gen5_2"));
        QCOMPARE(database->maxSizeBytes, Q_INT64_C(34359738368));
        QVERIFY(database->armId.endsWith(QStringLiteral("/servers/opsdeck-sql/databases/ProductDb")));
        QCOMPARE(database->creationDate, QDateTime(QDate(2026, 10, 17), QTime(9, 0), QTimeZone::utc()));
        QCOMPARE(database->earliestRestoreDate,
                 QDateTime(QDate(2026, 11, 19), QTime(9, 0, 0, 123), QTimeZone::utc()));
        QCOMPARE(database->earliestRestoreDate.timeSpec(), Qt::UTC);
    }

    void untaggedDatabaseHasNoService()
    {
        QJsonObject master = productDb();
        master.insert(QStringLiteral("name"), QStringLiteral("master"));
        master.remove(QStringLiteral("tags"));
        const Result<SqlDatabase> database = parseSqlDatabase(master);
        QVERIFY(database);
        QVERIFY(database->service.isEmpty());
    }

    void tagNameIsCaseInsensitive()
    {
        QJsonObject db = productDb();
        db.insert(QStringLiteral("tags"),
                  QJsonObject { { QStringLiteral("owner"), QStringLiteral("sre") },
                                { QStringLiteral("service"), QStringLiteral("orderservice") } });
        QCOMPARE(parseSqlDatabase(db)->service, QStringLiteral("orderservice"));
    }

    void creatingDatabaseHasNoRestoreDate()
    {
        QJsonObject db = productDb();
        QJsonObject properties = db.value(u"properties").toObject();
        properties.insert(QStringLiteral("status"), QStringLiteral("Restoring"));
        properties.remove(QStringLiteral("earliestRestoreDate"));
        db.insert(QStringLiteral("properties"), properties);
        const Result<SqlDatabase> database = parseSqlDatabase(db);
        QVERIFY(database);
        QCOMPARE(database->status, QStringLiteral("Restoring"));
        QVERIFY(!database->earliestRestoreDate.isValid());
    }

    void skuFallsBackToTheSkuName()
    {
        QJsonObject db = productDb();
        QJsonObject properties = db.value(u"properties").toObject();
        properties.remove(QStringLiteral("currentServiceObjectiveName"));
        db.insert(QStringLiteral("properties"), properties);
        QCOMPARE(parseSqlDatabase(db)->sku, QStringLiteral("GP_Gen5"));
    }

    void datesInOtherShapes_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QDateTime>("expected");
        const QDateTime nine(QDate(2026, 11, 26), QTime(9, 0), QTimeZone::utc());
        QTest::newRow("Z") << QStringLiteral("2026-11-26T09:00:00Z") << nine;
        QTest::newRow("no zone = UTC") << QStringLiteral("2026-11-26T09:00:00") << nine;
        QTest::newRow("offset") << QStringLiteral("2026-11-26T10:00:00+01:00") << nine;
        QTest::newRow("two fraction digits")
            << QStringLiteral("2026-11-26T09:00:00.47Z") << nine.addMSecs(470);
    }
    void datesInOtherShapes()
    {
        QFETCH(QString, text);
        QFETCH(QDateTime, expected);
        const QDateTime parsed = parseArmDate(text);
        QCOMPARE(parsed, expected);
        QCOMPARE(parsed.timeSpec(), Qt::UTC);
    }

    void rejectsBrokenResources()
    {
        QJsonObject noName = productDb();
        noName.remove(QStringLiteral("name"));
        QVERIFY(parseSqlDatabase(noName).error().kind == ErrorKind::Invalid);

        QJsonObject noProperties = productDb();
        noProperties.remove(QStringLiteral("properties"));
        QVERIFY(!parseSqlDatabase(noProperties));

        QJsonObject badDate = productDb();
        QJsonObject properties = badDate.value(u"properties").toObject();
        properties.insert(QStringLiteral("earliestRestoreDate"), QStringLiteral("yesterday"));
        badDate.insert(QStringLiteral("properties"), properties);
        const auto error = parseSqlDatabase(badDate);
        QVERIFY(!error);
        QVERIFY(error.error().message.contains(QStringLiteral("earliestRestoreDate")));
    }

    void serverFromTheId()
    {
        QCOMPARE(serverOfDatabaseId(QStringLiteral(
                     "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/sql-a/databases/x")),
                 QStringLiteral("sql-a"));
        QVERIFY(serverOfDatabaseId(QStringLiteral("/subscriptions/s")).isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_SqlDatabaseParser)
#include "tst_sqldatabaseparser.moc"
