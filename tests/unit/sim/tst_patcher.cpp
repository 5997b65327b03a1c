// Patcher: JSON patch, merge patch and strategic merge patch as kubectl sends them.
#include "patcher.h"

#include <QtTest>

using sim::Json;
using sim::Patcher;

class tst_Patcher : public QObject
{
    Q_OBJECT

private:
    static Json deployment()
    {
        return Json::parse(R"({
          "metadata": {"name": "web", "labels": {"app": "web"}, "annotations": {"a": "1", "b": "2"},
                       "finalizers": ["x"]},
          "spec": {"replicas": 2, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {
            "containers": [
              {"name": "web", "image": "web:1", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
               "ports": [{"containerPort": 80, "name": "http"}]},
              {"name": "sidecar", "image": "side:1"}],
            "volumes": [{"name": "v1", "emptyDir": {}}],
            "tolerations": [{"key": "a"}]}}}})");
    }

private Q_SLOTS:
    void typeFromContentType()
    {
        QCOMPARE(Patcher::typeFor("application/json-patch+json"), Patcher::Type::JsonPatch);
        QCOMPARE(Patcher::typeFor("application/merge-patch+json; charset=utf-8"), Patcher::Type::MergePatch);
        QCOMPARE(Patcher::typeFor("application/strategic-merge-patch+json"), Patcher::Type::StrategicMergePatch);
        QCOMPARE(Patcher::typeFor("application/apply-patch+yaml"), Patcher::Type::ApplyPatch);
        QCOMPARE(Patcher::typeFor("application/json"), Patcher::Type::Unsupported);
    }

    void jsonPatch()
    {
        auto r = Patcher::apply(Patcher::Type::JsonPatch, deployment(),
                                R"([{"op":"replace","path":"/spec/replicas","value":5},
                                    {"op":"add","path":"/metadata/annotations/c","value":"3"},
                                    {"op":"remove","path":"/metadata/annotations/a"}])");
        QVERIFY(r);
        QCOMPARE((*r.value)["spec"]["replicas"].get<int>(), 5);
        QCOMPARE((*r.value)["metadata"]["annotations"], Json({{"b", "2"}, {"c", "3"}}));

        auto failedTest = Patcher::apply(Patcher::Type::JsonPatch, deployment(),
                                         R"([{"op":"test","path":"/spec/replicas","value":9}])");
        QVERIFY(!failedTest);
        QCOMPARE(failedTest.error->code, 422);
        auto missing = Patcher::apply(Patcher::Type::JsonPatch, deployment(),
                                      R"([{"op":"remove","path":"/metadata/nothere"}])");
        QCOMPARE(missing.error->code, 422);
        auto garbage = Patcher::apply(Patcher::Type::JsonPatch, deployment(), "{not json");
        QCOMPARE(garbage.error->code, 400);
        auto notArray = Patcher::apply(Patcher::Type::JsonPatch, deployment(), "{}");
        QCOMPARE(notArray.error->code, 400);
    }

    void mergePatch()
    {
        auto r = Patcher::apply(Patcher::Type::MergePatch, deployment(),
                                R"({"metadata":{"annotations":{"a":null,"c":"3"}},
                                    "spec":{"template":{"spec":{"containers":[{"name":"only"}]}}}})");
        QVERIFY(r);
        QCOMPARE((*r.value)["metadata"]["annotations"], Json({{"b", "2"}, {"c", "3"}}));
        // RFC 7386: lists are replaced wholesale.
        QCOMPARE((*r.value)["spec"]["template"]["spec"]["containers"].size(), std::size_t(1));
        QCOMPARE(Patcher::apply(Patcher::Type::MergePatch, deployment(), "[1]").error->code, 400);
    }

    void strategicMergesListsByKey()
    {
        const Json patch = Json::parse(R"({"spec":{"template":{"spec":{"containers":[
            {"name":"web","image":"web:2","env":[{"name":"B","value":"two"},{"name":"C","value":"3"}],
             "ports":[{"containerPort":8080}]}],
            "volumes":[{"name":"v2","emptyDir":{}}],
            "tolerations":[{"key":"b"}]}}}})");
        const Json r = Patcher::strategicMerge(deployment(), patch);
        const Json &containers = r["spec"]["template"]["spec"]["containers"];
        QCOMPARE(containers.size(), std::size_t(2)); // sidecar kept
        QCOMPARE(containers[0]["image"].get<std::string>(), std::string("web:2"));
        QCOMPARE(containers[1]["name"].get<std::string>(), std::string("sidecar"));
        const Json &env = containers[0]["env"];
        QCOMPARE(env.size(), std::size_t(3));
        QCOMPARE(env[1], Json({{"name", "B"}, {"value", "two"}}));
        QCOMPARE(containers[0]["ports"].size(), std::size_t(2)); // merged by containerPort
        QCOMPARE(r["spec"]["template"]["spec"]["volumes"].size(), std::size_t(2));
        // No merge key: replaced.
        QCOMPARE(r["spec"]["template"]["spec"]["tolerations"], Json::parse(R"([{"key":"b"}])"));
    }

    void strategicDirectives()
    {
        const Json patch = Json::parse(R"({
            "metadata":{"annotations":{"a":null},"$deleteFromPrimitiveList/finalizers":["x"]},
            "spec":{"template":{"spec":{
              "$setElementOrder/containers":[{"name":"web"}],
              "$retainKeys":["containers"],
              "containers":[{"name":"sidecar","$patch":"delete"},
                            {"name":"web","env":[{"name":"A","$patch":"delete"}]}],
              "volumes":[{"name":"only"},{"$patch":"replace"}]}}}})");
        const Json r = Patcher::strategicMerge(deployment(), patch);
        QCOMPARE(r["metadata"]["annotations"], Json({{"b", "2"}}));
        QCOMPARE(r["metadata"]["finalizers"], Json::array());
        const Json &spec = r["spec"]["template"]["spec"];
        QVERIFY(!spec.contains("$setElementOrder/containers"));
        QVERIFY(!spec.contains("$retainKeys"));
        QCOMPARE(spec["containers"].size(), std::size_t(1));
        QCOMPARE(spec["containers"][0]["env"].size(), std::size_t(1));
        QCOMPARE(spec["containers"][0]["env"][0]["name"].get<std::string>(), std::string("B"));
        QCOMPARE(spec["volumes"], Json::parse(R"([{"name":"only"}])"));

        const Json replaceMap = Patcher::strategicMerge(
            deployment(), Json::parse(R"({"metadata":{"annotations":{"$patch":"replace","z":"9"}}})"));
        QCOMPARE(replaceMap["metadata"]["annotations"], Json({{"z", "9"}}));
    }

    void rolloutRestartPatch()
    {
        // What `kubectl rollout restart` sends.
        const Json r = Patcher::strategicMerge(deployment(), Json::parse(R"({"spec":{"template":{"metadata":{
            "annotations":{"kubectl.kubernetes.io/restartedAt":"2026-11-24T05:35:31Z"}}}}})"));
        QCOMPARE(r["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"].get<std::string>(),
                 std::string("2026-11-24T05:35:31Z"));
        QCOMPARE(r["spec"]["template"]["metadata"]["labels"], Json({{"app", "web"}}));
    }

    void applyYaml()
    {
        auto r = Patcher::apply(Patcher::Type::ApplyPatch, deployment(), "spec:\n  replicas: 7\nmetadata:\n  labels:\n    v: \"1\"\n");
        QVERIFY(r);
        QCOMPARE((*r.value)["spec"]["replicas"].get<int>(), 7);
        QCOMPARE((*r.value)["metadata"]["labels"]["v"].get<std::string>(), std::string("1"));
    }
};

QTEST_GUILESS_MAIN(tst_Patcher)
#include "tst_patcher.moc"
