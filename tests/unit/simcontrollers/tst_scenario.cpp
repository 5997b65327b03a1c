// Scenario files: defaults, generated services, and errors that name the file and the key.

#include "scenario.h"

#include <QTest>

#include <stdexcept>

class tst_Scenario : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesServicesWithDefaults();
    void generatesServices();
    void rejectsBadInput_data();
    void rejectsBadInput();
    void shippedScenariosLoad();
};

void tst_Scenario::parsesServicesWithDefaults()
{
    const auto s = sim::Scenario::parse(R"(
namespace: shop
defaults: {resources: {cpuRequest: 200m}, maxUnavailable: "25%"}
services:
  - name: cart
    routing: httproute
    canaryWeight: 15
    hpa: {min: 2, max: 6}
    stable: {version: 1.2.3, replicas: 3, history: [1.0.0, 1.1.0], broken: true}
    canary: {version: 1.3.0}
  - name: pay
    stable: {version: 4.0.0}
)", "inline.yaml");
    QCOMPARE(s.namespaceName, std::string("shop"));
    QCOMPARE(s.services.size(), std::size_t(2));
    const auto &cart = s.services[0];
    QCOMPARE(cart.image, std::string("opsdeckdemo.azurecr.io/cart"));
    QCOMPARE(cart.path, std::string("/cart"));
    QCOMPARE(cart.cpuRequest, std::string("200m"));
    QCOMPARE(cart.maxUnavailable, std::string("25%"));
    QVERIFY(cart.hpa.enabled);
    QCOMPARE(cart.hpa.targetCpuUtilization, 70);
    QCOMPARE(cart.stable.history, (std::vector<std::string>{"1.0.0", "1.1.0"}));
    QVERIFY(cart.stable.broken);
    QVERIFY(cart.hasCanary);
    QCOMPARE(cart.routing, std::string("httproute"));
    QVERIFY(!s.services[1].hasCanary);
    QVERIFY(!s.services[1].hpa.enabled);
}

void tst_Scenario::generatesServices()
{
    const auto s = sim::Scenario::parse(R"(
generate: {services: 30, podsPerService: 5, canaryPods: 1, canaryWeightEvery: 10, httprouteEvery: 15}
)", "gen.yaml");
    QCOMPARE(s.services.size(), std::size_t(30));
    QCOMPARE(s.services[0].name, std::string("svc-0001"));
    QCOMPARE(s.services[0].stable.replicas, 4);
    QCOMPARE(s.services[0].canary.replicas, 1);
    QCOMPARE(s.services[9].canaryWeight, 10);
    QCOMPARE(s.services[0].canaryWeight, 0);
    QCOMPARE(s.services[14].routing, std::string("httproute"));
}

void tst_Scenario::rejectsBadInput_data()
{
    QTest::addColumn<QString>("yaml");
    QTest::addColumn<QString>("expected");
    QTest::newRow("unknown key") << QStringLiteral("services: [{name: a, stable: {version: 1}, replica: 3}]")
                                 << QStringLiteral("bad.yaml: services[0]: unknown key \"replica\"");
    QTest::newRow("bad routing") << QStringLiteral("services: [{name: a, routing: istio, stable: {version: 1}}]")
                                 << QStringLiteral("services[0].routing");
    QTest::newRow("wrong type") << QStringLiteral("services: [{name: a, stable: {version: 1, replicas: many}}]")
                                << QStringLiteral("services[0].stable.replicas: has the wrong type");
    QTest::newRow("no version") << QStringLiteral("services: [{name: a}]") << QStringLiteral("stable.version");
    QTest::newRow("hpa max below min") << QStringLiteral("services: [{name: a, hpa: {min: 3, max: 2}, stable: {version: 1}}]")
                                       << QStringLiteral("needs 1 <= min <= max");
    QTest::newRow("no services") << QStringLiteral("name: empty") << QStringLiteral("no services");
    QTest::newRow("not yaml") << QStringLiteral("services: [") << QStringLiteral("not valid YAML");
}

void tst_Scenario::rejectsBadInput()
{
    QFETCH(QString, yaml);
    QFETCH(QString, expected);
    try {
        sim::Scenario::parse(yaml.toStdString(), "bad.yaml");
        QFAIL("no error");
    } catch (const std::runtime_error &e) {
        QVERIFY2(QString::fromStdString(e.what()).contains(expected), e.what());
    }
}

void tst_Scenario::shippedScenariosLoad()
{
    const std::string dir = OPSDECK_SIM_SCENARIO_DIR;
    const auto seed = sim::Scenario::load(dir + "/seed.yaml");
    QCOMPARE(seed.services.size(), std::size_t(3));
    QCOMPARE(seed.services[2].routing, std::string("httproute"));
    const auto large = sim::Scenario::load(dir + "/large.yaml");
    int pods = 0;
    for (const auto &s : large.services)
        pods += s.stable.replicas + (s.hasCanary ? s.canary.replicas : 0);
    QCOMPARE(pods, 10000);
    try {
        sim::Scenario::load(dir + "/missing.yaml");
        QFAIL("no error");
    } catch (const std::runtime_error &e) {
        QVERIFY(QString::fromStdString(e.what()).contains(QStringLiteral("missing.yaml")));
    }
}

QTEST_GUILESS_MAIN(tst_Scenario)
#include "tst_scenario.moc"
