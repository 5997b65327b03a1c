// LabelSelector and FieldSelector: the query grammar and matching as the API server does it.
#include "fieldselector.h"
#include "labelselector.h"

#include <QtTest>

using nlohmann::json;
using sim::FieldSelector;
using sim::LabelSelector;

class tst_Selectors : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void labels_data()
    {
        QTest::addColumn<QString>("selector");
        QTest::addColumn<bool>("matchesStable");
        QTest::addColumn<bool>("matchesUnlabelled");
        QTest::newRow("equals") << "app=web" << true << false;
        QTest::newRow("double equals") << "app==web" << true << false;
        QTest::newRow("not equals") << "version!=canary" << true << true;
        QTest::newRow("not equals hit") << "version!=stable" << false << true;
        QTest::newRow("in") << "version in (canary, stable)" << true << false;
        QTest::newRow("notin") << "version notin (canary)" << true << true;
        QTest::newRow("exists") << "app" << true << false;
        QTest::newRow("not exists") << "!app" << false << true;
        QTest::newRow("conjunction") << "app=web,version=stable,!gone" << true << false;
        QTest::newRow("conjunction miss") << "app=web,version=canary" << false << false;
        QTest::newRow("empty selects all") << "" << true << true;
    }
    void labels()
    {
        QFETCH(QString, selector);
        QFETCH(bool, matchesStable);
        QFETCH(bool, matchesUnlabelled);
        std::string error;
        const auto parsed = LabelSelector::parse(selector.toStdString(), &error);
        QVERIFY2(parsed, error.c_str());
        QCOMPARE(parsed->matches(json{{"app", "web"}, {"version", "stable"}}), matchesStable);
        QCOMPARE(parsed->matches(json()), matchesUnlabelled);
    }

    void badLabelSelectors()
    {
        for (const char *bad : {"app in canary", "app in (a,b", "=x", "app=web,,", "app=(x)"}) {
            std::string error;
            QVERIFY2(!LabelSelector::parse(bad, &error), bad);
            QVERIFY(!error.empty());
        }
    }

    void structured()
    {
        const json selector = {{"matchLabels", {{"app", "web"}}},
                               {"matchExpressions", {{{"key", "version"}, {"operator", "In"}, {"values", {"stable"}}}}}};
        const auto s = LabelSelector::fromJson(selector);
        QVERIFY(s.matches(json{{"app", "web"}, {"version", "stable"}}));
        QVERIFY(!s.matches(json{{"app", "web"}, {"version", "canary"}}));
        QCOMPARE(s.toString(), std::string("app=web,version in (stable)"));
        QVERIFY(!LabelSelector::fromJson(json()).matches(json{{"app", "web"}})); // null selects nothing
        QVERIFY(!LabelSelector::fromMap(json::object()).matches(json{{"app", "web"}}));
    }

    void fields()
    {
        const json pod = {{"metadata", {{"name", "a"}, {"namespace", "ns"}}},
                          {"spec", {{"nodeName", "node-1"}}},
                          {"status", {{"phase", "Running"}}}};
        std::string error;
        auto s = FieldSelector::parse("status.phase=Running,spec.nodeName!=node-2", "pods", &error);
        QVERIFY2(s, error.c_str());
        QVERIFY(s->matches(pod));
        s = FieldSelector::parse("metadata.name==b", "pods", &error);
        QVERIFY(s && !s->matches(pod));
        QCOMPARE(s->pinnedName().value_or(""), std::string("b"));

        const json event = {{"metadata", {{"name", "e"}}},
                            {"involvedObject", {{"kind", "Pod"}, {"name", "a"}}},
                            {"source", {{"component", "kubelet"}}}};
        s = FieldSelector::parse("involvedObject.kind=Pod,involvedObject.name=a,source=kubelet", "events", &error);
        QVERIFY2(s, error.c_str());
        QVERIFY(s->matches(event));

        QVERIFY(!FieldSelector::parse("status.phase=Running", "deployments.apps", &error));
        QCOMPARE(error, std::string("field label not supported: status.phase"));
        QVERIFY(!FieldSelector::parse("nonsense", "pods", &error));
    }
};

QTEST_GUILESS_MAIN(tst_Selectors)
#include "tst_selectors.moc"
