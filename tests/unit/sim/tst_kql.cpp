// The KQL interpreter, data-driven: each case is a query over a small fixed table and the exact
// columns and rows it must give, or the kind of error (and a word of its message) it must raise.
#include "kql/kqlerror.h"
#include "kql/kqlevaluator.h"
#include "kql/kqllexer.h"
#include "kql/kqlparser.h"

#include <QtTest>

#include <fstream>

using namespace sim::kql;
using Json = nlohmann::json;

namespace {

// 2026-11-26T09:00:00Z
const std::int64_t kNow = *Value::parseDatetime("2026-11-26T09:00:00Z");
const std::int64_t kMinute = 60 * kTicksPerSecond;

Table requests()
{
    Table t;
    t.name = "AppRequests";
    t.columns = {{"TimeGenerated", Type::DateTime}, {"AppRoleName", Type::String}, {"Name", Type::String},
                 {"Success", Type::Bool},           {"ResultCode", Type::String},  {"DurationMs", Type::Real},
                 {"ItemCount", Type::Int},          {"Properties", Type::Dynamic}};
    struct R
    {
        int minutesAgo;
        const char *role;
        const char *name;
        bool ok;
        const char *code;
        double ms;
        int count;
        const char *version;
    };
    const R rows[] = {
        {1, "orders", "GET /api/orders", true, "200", 10, 2, "stable"},
        {2, "orders", "GET /api/orders", true, "200", 20, 2, "stable"},
        {3, "orders", "POST /api/orders", false, "500", 30, 1, "canary"},
        {4, "orders", "POST /api/orders", true, "201", 40, 1, "canary"},
        {7, "products", "GET /api/products", true, "200", 50, 5, "stable"},
        {8, "products", "GET /api/products", false, "503", 60, 1, "canary"},
        {70, "products", "GET /api/products", true, "200", 70, 3, "stable"},
    };
    for (const auto &r : rows)
        t.rows.push_back({Value::datetime(kNow - r.minutesAgo * kMinute), Value::string(r.role), Value::string(r.name),
                          Value::boolean(r.ok), Value::string(r.code), Value::real(r.ms), Value::integer(r.count, Type::Int),
                          Value::dynamic(Json{{"version", r.version}, {"event.name", std::string("E-") + r.version}})});
    return t;
}

Json run(const std::string &query)
{
    KqlEvaluator ev([](const std::string &name) -> std::optional<Table> {
        if (name == "AppRequests")
            return requests();
        return std::nullopt;
    }, kNow);
    const Table t = ev.run(query);
    Json columns = Json::array();
    for (const auto &c : t.columns)
        columns.push_back(c.name + ":" + typeName(c.type));
    Json rows = Json::array();
    for (const auto &r : t.rows) {
        Json row = Json::array();
        for (const auto &v : r)
            row.push_back(v.toJson());
        rows.push_back(row);
    }
    return {{"columns", columns}, {"rows", rows}};
}

Json cases()
{
    std::ifstream in(OPSDECK_KQL_CASES);
    return Json::parse(in);
}

} // namespace

class tst_Kql : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void query_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("expected"); // JSON {columns?, rows}
        const Json all = cases();
        for (const auto &c : all["queries"])
            QTest::newRow(c["name"].get<std::string>().c_str())
                << QString::fromStdString(c["query"].get<std::string>()) << QString::fromStdString(c["expect"].dump());
    }

    void query()
    {
        QFETCH(QString, query);
        QFETCH(QString, expected);
        const Json want = Json::parse(expected.toStdString());
        Json got;
        try {
            got = run(query.toStdString());
        } catch (const KqlError &e) {
            QFAIL(qPrintable(QStringLiteral("KqlError: ") + QString::fromStdString(e.what())));
        }
        if (want.contains("columns"))
            QCOMPARE(QString::fromStdString(got["columns"].dump()), QString::fromStdString(want["columns"].dump()));
        QCOMPARE(QString::fromStdString(got["rows"].dump()), QString::fromStdString(want["rows"].dump()));
    }

    void errors_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<bool>("syntax"); // else semantic
        QTest::addColumn<QString>("mentions");
        const Json all = cases();
        for (const auto &c : all["errors"])
            QTest::newRow(c["name"].get<std::string>().c_str())
                << QString::fromStdString(c["query"].get<std::string>()) << (c["error"] == "syntax")
                << QString::fromStdString(c["mentions"].get<std::string>());
    }

    void errors()
    {
        QFETCH(QString, query);
        QFETCH(bool, syntax);
        QFETCH(QString, mentions);
        try {
            run(query.toStdString());
            QFAIL("no error");
        } catch (const KqlError &e) {
            QCOMPARE(e.kind() == KqlError::Kind::Syntax, syntax);
            QVERIFY2(QString::fromStdString(e.what()).contains(mentions), e.what());
        }
    }

    void values()
    {
        QCOMPARE(Value::timespanText(90 * kTicksPerSecond), std::string("00:01:30"));
        QCOMPARE(Value::timespanText(86400LL * kTicksPerSecond + 5), std::string("1.00:00:00.0000005"));
        QCOMPARE(*Value::parseIsoDuration("PT1H"), 3600 * kTicksPerSecond);
        QCOMPARE(*Value::parseIsoDuration("P1DT30M"), (86400 + 1800) * kTicksPerSecond);
        QVERIFY(!Value::parseIsoDuration("P1M")); // months have no fixed length
        QCOMPARE(Value::datetimeText(*Value::parseDatetime("2026-11-26T10:00:00.25+01:00")),
                 std::string("2026-11-26T09:00:00.25Z"));
        const auto tokens = KqlLexer::tokenize("x > ago(1.5h) and y == 100ms");
        QCOMPARE(tokens[4].kind, Token::Kind::TimeSpan);
        QCOMPARE(tokens[4].ticks, 5400 * kTicksPerSecond);
    }
};

QTEST_GUILESS_MAIN(tst_Kql)
#include "tst_kql.moc"
