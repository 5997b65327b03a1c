// The pure parts of the kubernetes actions, without a server: kubectl's rollout-undo rules, the canary
// weight on an NGINX Ingress (with canary-weight-total) and on HTTPRoute weights, the diff, the rollout
// check, and the plan (steps, destructive, HPA warning, resume checks).

#include "actiondiff.h"
#include "actionplan.h"
#include "actiontargets.h"
#include "rolloutundo.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Opsdeck;

namespace {

QJsonObject json(const char *text)
{
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

QJsonObject podTemplate(const QString &image, const QString &hash = {})
{
    QJsonObject labels{{QStringLiteral("app"), QStringLiteral("web")}, {QStringLiteral("version"), QStringLiteral("stable")}};
    if (!hash.isEmpty())
        labels.insert(QStringLiteral("pod-template-hash"), hash);
    return QJsonObject{
        {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("labels"), labels}}},
        {QStringLiteral("spec"),
         QJsonObject{{QStringLiteral("containers"),
                      QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("web")}, {QStringLiteral("image"), image}}}}}}};
}

QJsonObject deployment(const QString &image, bool paused = false)
{
    return QJsonObject{
        {QStringLiteral("metadata"),
         QJsonObject{{QStringLiteral("name"), QStringLiteral("web-stable")},
                     {QStringLiteral("uid"), QStringLiteral("uid-1")},
                     {QStringLiteral("resourceVersion"), QStringLiteral("42")},
                     {QStringLiteral("labels"), QJsonObject{{QStringLiteral("app"), QStringLiteral("web")}, {QStringLiteral("version"), QStringLiteral("stable")}}},
                     {QStringLiteral("annotations"),
                      QJsonObject{{QStringLiteral("deployment.kubernetes.io/revision"), QStringLiteral("3")},
                                  {QStringLiteral("team"), QStringLiteral("shop")}}}}},
        {QStringLiteral("spec"),
         QJsonObject{{QStringLiteral("replicas"), 3}, {QStringLiteral("paused"), paused}, {QStringLiteral("template"), podTemplate(image)}}}};
}

QJsonObject replicaSet(int revision, const QString &image, const QString &owner = QStringLiteral("uid-1"),
                       const QString &cause = {})
{
    QJsonObject annotations{{QStringLiteral("deployment.kubernetes.io/revision"), QString::number(revision)},
                            {QStringLiteral("deployment.kubernetes.io/desired-replicas"), QStringLiteral("3")}};
    if (!cause.isEmpty())
        annotations.insert(QStringLiteral("kubernetes.io/change-cause"), cause);
    return QJsonObject{
        {QStringLiteral("metadata"),
         QJsonObject{{QStringLiteral("name"), QStringLiteral("web-stable-%1").arg(revision)},
                     {QStringLiteral("creationTimestamp"), QStringLiteral("2026-11-2%1T10:00:00Z").arg(revision)},
                     {QStringLiteral("annotations"), annotations},
                     {QStringLiteral("ownerReferences"),
                      QJsonArray{QJsonObject{{QStringLiteral("kind"), QStringLiteral("Deployment")},
                                             {QStringLiteral("uid"), owner},
                                             {QStringLiteral("controller"), true}}}}}},
        {QStringLiteral("spec"), QJsonObject{{QStringLiteral("replicas"), 0}, {QStringLiteral("template"), podTemplate(image, QStringLiteral("h%1").arg(revision))}}}};
}

QJsonArray history()
{
    return QJsonArray{replicaSet(1, QStringLiteral("web:1")), replicaSet(3, QStringLiteral("web:3"), QStringLiteral("uid-1"), QStringLiteral("release 3")),
                      replicaSet(2, QStringLiteral("web:2")), replicaSet(9, QStringLiteral("other:9"), QStringLiteral("uid-other"))};
}

QJsonObject canaryIngress(const QString &weight, const QString &total = {})
{
    QJsonObject annotations{{QStringLiteral("nginx.ingress.kubernetes.io/canary"), QStringLiteral("true")},
                            {QStringLiteral("nginx.ingress.kubernetes.io/canary-weight"), weight}};
    if (!total.isEmpty())
        annotations.insert(QStringLiteral("nginx.ingress.kubernetes.io/canary-weight-total"), total);
    return QJsonObject{{QStringLiteral("metadata"),
                        QJsonObject{{QStringLiteral("name"), QStringLiteral("web-canary")},
                                    {QStringLiteral("resourceVersion"), QStringLiteral("7")},
                                    {QStringLiteral("labels"), QJsonObject{{QStringLiteral("app"), QStringLiteral("web")}}},
                                    {QStringLiteral("annotations"), annotations}}}};
}

} // namespace

class tst_ActionLogic : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void undoToThePreviousRevision()
    {
        const auto plan = RolloutUndo::plan(deployment(QStringLiteral("web:3")), history(), 0);
        QVERIFY(plan);
        QCOMPARE(plan->toRevision, 2); // second highest of 1, 2, 3; the other Deployment's 9 is not ours
        QVERIFY(!plan->skipped);
        // The template without pod-template-hash; the Deployment's revision kept, the RS's others taken.
        QVERIFY(!plan->podTemplate.value(u"metadata").toObject().value(u"labels").toObject().contains(u"pod-template-hash"));
        QCOMPARE(plan->annotations.value(u"deployment.kubernetes.io/revision").toString(), QStringLiteral("3"));
        QVERIFY(!plan->annotations.contains(u"deployment.kubernetes.io/desired-replicas"));
        QVERIFY(!plan->annotations.contains(u"team")); // replaced wholesale by the ReplicaSet's, as kubectl does
        const QJsonArray ops = QJsonDocument::fromJson(plan->patch).array();
        QCOMPARE(ops.size(), 2);
        QCOMPARE(ops[0].toObject().value(u"path").toString(), QStringLiteral("/spec/template"));
        QCOMPARE(ops[1].toObject().value(u"path").toString(), QStringLiteral("/metadata/annotations"));
        QCOMPARE(ops[0].toObject().value(u"value").toObject().value(u"spec").toObject().value(u"containers").toArray()[0]
                     .toObject().value(u"image").toString(),
                 QStringLiteral("web:2"));
    }

    void undoRefusals()
    {
        auto chosen = RolloutUndo::plan(deployment(QStringLiteral("web:3")), history(), 1);
        QVERIFY(chosen);
        QCOMPARE(chosen->toRevision, 1);
        auto missing = RolloutUndo::plan(deployment(QStringLiteral("web:3")), history(), 9);
        QVERIFY(!missing);
        QCOMPARE(missing.error().message, QStringLiteral("unable to find specified revision 9 in history"));
        auto none = RolloutUndo::plan(deployment(QStringLiteral("web:3")), QJsonArray{replicaSet(3, QStringLiteral("web:3"))}, 0);
        QVERIFY(!none);
        QCOMPARE(none.error().message, QStringLiteral("no rollout history found for deployment \"web-stable\""));
        auto paused = RolloutUndo::plan(deployment(QStringLiteral("web:3"), true), history(), 0);
        QVERIFY(!paused);
        QVERIFY(paused.error().message.startsWith(u"you cannot rollback a paused deployment"));
        auto same = RolloutUndo::plan(deployment(QStringLiteral("web:3")), history(), 3);
        QVERIFY(same);
        QVERIFY(same->skipped);
        QCOMPARE(same->message, QStringLiteral("skipped rollback (current template already matches revision 3)"));
    }

    void revisionHistory()
    {
        const auto revisions = RolloutUndo::history(deployment(QStringLiteral("web:3")), history());
        QCOMPARE(revisions.size(), 3);
        QCOMPARE(revisions[0].revision, 3);
        QVERIFY(revisions[0].current);
        QCOMPARE(revisions[0].changeCause, QStringLiteral("release 3"));
        QCOMPARE(revisions[0].images, QStringList{QStringLiteral("web:3")});
        QCOMPARE(revisions[0].created, QDateTime(QDate(2026, 11, 23), QTime(10, 0), Qt::UTC));
        QVERIFY(!revisions[1].current);
        QCOMPARE(revisions[2].revision, 1);
    }

    void nginxWeightRespectsTheTotal()
    {
        ActionTargets t;
        t.canaryIngress = canaryIngress(QStringLiteral("100"), QStringLiteral("1000"));
        QCOMPARE(t.canaryWeight(), 10);
        const auto patch = t.weightPatch(25, QStringLiteral("7"));
        QVERIFY(patch);
        QCOMPARE(patch->value(u"metadata").toObject().value(u"annotations").toObject()
                     .value(u"nginx.ingress.kubernetes.io/canary-weight").toString(),
                 QStringLiteral("250"));
        QCOMPARE(patch->value(u"metadata").toObject().value(u"resourceVersion").toString(), QStringLiteral("7"));
        QVERIFY(!t.weightPatch(101, {}));
        t.canaryIngress = canaryIngress(QStringLiteral("40"));
        QCOMPARE(t.canaryWeight(), 40);
    }

    void httpRouteWeights()
    {
        ActionTargets t;
        t.route = json(R"({"metadata":{"name":"web","resourceVersion":"5"},"spec":{"rules":[
            {"backendRefs":[{"name":"web-stable","port":80,"weight":90},{"name":"web-canary","port":80,"weight":10}]}]}})");
        QCOMPARE(t.routingKind(), QStringLiteral("HTTPRoute"));
        QCOMPARE(t.canaryWeight(), 10);
        const auto patch = t.weightPatch(30, {});
        QVERIFY(patch);
        const QJsonArray refs = patch->value(u"spec").toObject().value(u"rules").toArray()[0].toObject().value(u"backendRefs").toArray();
        QCOMPARE(refs[0].toObject().value(u"weight").toInt(), 70);
        QCOMPARE(refs[1].toObject().value(u"weight").toInt(), 30);
        QCOMPARE(refs[1].toObject().value(u"port").toInt(), 80); // the rest of each ref stays
    }

    void selectsTheServicesObjects()
    {
        const QJsonArray deployments{deployment(QStringLiteral("web:3")),
                                     json(R"({"metadata":{"name":"web-canary","labels":{"app":"web","version":"canary"}}})"),
                                     json(R"({"metadata":{"name":"shop-canary","labels":{"app":"shop","version":"canary"}}})")};
        const QJsonArray ingresses{json(R"({"metadata":{"name":"web","labels":{"app":"web"}}})"), canaryIngress(QStringLiteral("10"))};
        const auto t = ActionTargets::select(QStringLiteral("web"), QStringLiteral("app"), deployments, ingresses, {}, {});
        QCOMPARE(ActionTargets::nameOf(t.stable), QStringLiteral("web-stable"));
        QCOMPARE(ActionTargets::nameOf(t.canary), QStringLiteral("web-canary"));
        QCOMPARE(ActionTargets::nameOf(t.canaryIngress), QStringLiteral("web-canary"));
    }

    void diffNamesTheFields()
    {
        QJsonObject before = deployment(QStringLiteral("web:3"));
        QJsonObject after = deployment(QStringLiteral("web:4"));
        QJsonObject meta = after.value(u"metadata").toObject();
        meta.insert(QStringLiteral("resourceVersion"), QStringLiteral("43")); // bookkeeping: not shown
        after.insert(QStringLiteral("metadata"), meta);
        const auto changes = ActionDiff::diff(QStringLiteral("Deployment"), QStringLiteral("web-stable"), before, after);
        QCOMPARE(changes.size(), 1);
        QCOMPARE(changes[0].field, QStringLiteral("spec.template.spec.containers[web].image"));
        QCOMPARE(changes[0].from, QStringLiteral("web:3"));
        QCOMPARE(changes[0].to, QStringLiteral("web:4"));
        const auto weight = ActionDiff::diff(QStringLiteral("Ingress"), QStringLiteral("web-canary"), canaryIngress(QStringLiteral("10")),
                                             canaryIngress(QStringLiteral("50")));
        QCOMPARE(weight.size(), 1);
        QCOMPARE(weight[0].field, QStringLiteral("annotations.nginx.ingress.kubernetes.io/canary-weight"));
        QCOMPARE(ActionDiff::shortField(weight[0].field), QStringLiteral("canary-weight"));
    }

    void rolloutStatus()
    {
        QJsonObject d = deployment(QStringLiteral("web:3"));
        QJsonObject meta = d.value(u"metadata").toObject();
        meta.insert(QStringLiteral("generation"), 4);
        d.insert(QStringLiteral("metadata"), meta);
        d.insert(QStringLiteral("status"), json(R"({"observedGeneration":3,"replicas":3,"updatedReplicas":3,"availableReplicas":3})"));
        QVERIFY(!ActionTargets::rolloutOf(d).done); // the controller has not seen the new spec
        d.insert(QStringLiteral("status"), json(R"({"observedGeneration":4,"replicas":4,"updatedReplicas":2,"availableReplicas":3})"));
        QVERIFY(!ActionTargets::rolloutOf(d).done);
        QCOMPARE(ActionTargets::rolloutOf(d).message, QStringLiteral("2 out of 3 new replicas have been updated"));
        d.insert(QStringLiteral("status"), json(R"({"observedGeneration":4,"replicas":4,"updatedReplicas":3,"availableReplicas":3})"));
        QCOMPARE(ActionTargets::rolloutOf(d).message, QStringLiteral("1 old replicas are pending termination"));
        d.insert(QStringLiteral("status"), json(R"({"observedGeneration":4,"replicas":3,"updatedReplicas":3,"availableReplicas":3})"));
        QVERIFY(ActionTargets::rolloutOf(d).done);
        d.insert(QStringLiteral("status"), json(R"({"observedGeneration":4,"conditions":[{"type":"Progressing","status":"False","reason":"ProgressDeadlineExceeded"}]})"));
        QVERIFY(ActionTargets::rolloutOf(d).failed);
    }

    void plans()
    {
        ActionTargets t;
        t.stable = deployment(QStringLiteral("web:3"));
        t.canary = json(R"({"metadata":{"name":"web-canary","resourceVersion":"9","labels":{"app":"web","version":"canary"}},
            "spec":{"replicas":1,"template":{"metadata":{"labels":{"app":"web","version":"canary"}},"spec":{"containers":[{"name":"web","image":"web:4",
            "env":[{"name":"DEPLOYMENT_TRACK","value":"canary"},{"name":"FEATURE","value":"on"}]}]}}}})");
        {
            QJsonObject spec = t.stable.value(u"spec").toObject();
            QJsonObject tmpl = spec.value(u"template").toObject();
            QJsonObject podSpec = tmpl.value(u"spec").toObject();
            QJsonArray containers = podSpec.value(u"containers").toArray();
            QJsonObject web = containers[0].toObject();
            web.insert(QStringLiteral("env"), QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("DEPLOYMENT_TRACK")}, {QStringLiteral("value"), QStringLiteral("stable")}}});
            containers[0] = web;
            podSpec.insert(QStringLiteral("containers"), containers);
            tmpl.insert(QStringLiteral("spec"), podSpec);
            spec.insert(QStringLiteral("template"), tmpl);
            t.stable.insert(QStringLiteral("spec"), spec);
        }
        t.canaryIngress = canaryIngress(QStringLiteral("10"));
        t.hpas = QJsonArray{json(R"({"metadata":{"name":"web"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"web-stable"},"minReplicas":2,"maxReplicas":10},"status":{"currentReplicas":3}})")};
        const ServiceKey key{QStringLiteral("c"), QStringLiteral("ns"), QStringLiteral("web")};
        const QDateTime now = QDateTime::currentDateTimeUtc();

        auto promote = ActionPlan::build(ActionRequest{{}, QStringLiteral("promote"), key, Track::Canary, {}}, t, QStringLiteral("ns"), now);
        QVERIFY(promote);
        QCOMPARE(promote->steps.size(), 4);
        QVERIFY(promote->destructive);
        // The copied template keeps the stable Deployment's labels, so its selector still matches.
        const QJsonObject copied = promote->steps[0].jsonPatch[0].toObject().value(u"value").toObject();
        QCOMPARE(copied.value(u"metadata").toObject().value(u"labels").toObject().value(u"version").toString(), QStringLiteral("stable"));
        const QJsonObject container = copied.value(u"spec").toObject().value(u"containers").toArray()[0].toObject();
        QCOMPARE(container.value(u"image").toString(), QStringLiteral("web:4"));
        // The build and its settings are promoted, the track's name is not.
        const QJsonArray env = container.value(u"env").toArray();
        QCOMPARE(env[0].toObject().value(u"value").toString(), QStringLiteral("stable"));
        QCOMPARE(env[1].toObject().value(u"value").toString(), QStringLiteral("on"));
        QVERIFY(ActionPlan::bodyOf(promote->steps[0], QStringLiteral("42")).contains(R"("path":"/metadata/resourceVersion")"));
        QVERIFY(!ActionPlan::isDone(promote->steps[0], t, {}));
        ActionTargets promoted = t;
        QJsonObject stableSpec = promoted.stable.value(u"spec").toObject();
        stableSpec.insert(QStringLiteral("template"), copied);
        promoted.stable.insert(QStringLiteral("spec"), stableSpec);
        QVERIFY(ActionPlan::isDone(promote->steps[0], promoted, {})); // read back after a restart
        QVERIFY(ActionPlan::isDone(promote->steps[2], [&] { ActionTargets z = t; z.canaryIngress = canaryIngress(QStringLiteral("0")); return z; }(), {}));

        auto scale = ActionPlan::build(ActionRequest{{}, QStringLiteral("scale"), key, Track::Stable, {{QStringLiteral("replicas"), 0}}}, t,
                                       QStringLiteral("ns"), now);
        QVERIFY(scale);
        QVERIFY(scale->destructive);
        QVERIFY(scale->warnings.join(u' ').contains(u"min 2, max 10, now 3"));
        QCOMPARE(scale->steps[0].path, QStringLiteral("/apis/apps/v1/namespaces/ns/deployments/web-stable/scale"));

        auto weight = ActionPlan::build(ActionRequest{{}, QStringLiteral("canary-weight"), key, Track::Canary, {{QStringLiteral("weight"), 100}}},
                                        t, QStringLiteral("ns"), now);
        QVERIFY(weight && weight->destructive);
        QVERIFY(!ActionPlan::build(ActionRequest{{}, QStringLiteral("canary-weight"), key, Track::Canary, {{QStringLiteral("weight"), QStringLiteral("lots")}}},
                                   t, QStringLiteral("ns"), now));

        auto restart = ActionPlan::build(ActionRequest{{}, QStringLiteral("restart"), key, Track::Stable, {}}, t, QStringLiteral("ns"), now);
        QVERIFY(restart);
        QCOMPARE(restart->steps[0].contentType, QByteArray("application/strategic-merge-patch+json"));
        QVERIFY(ActionPlan::bodyOf(restart->steps[0], QStringLiteral("42")).contains(now.toString(Qt::ISODate).toUtf8()));
        // Resumed after the request went out but before its answer was journaled: the object tells.
        ActionStep journaled;
        journaled.state = ActionStep::State::Running;
        journaled.request = QStringLiteral("PATCH %1?fieldManager=opsdeck %2")
                                .arg(restart->steps[0].path, QString::fromUtf8(ActionPlan::bodyOf(restart->steps[0], QStringLiteral("42"))));
        QVERIFY(!ActionPlan::isDone(restart->steps[0], t, journaled));
        ActionTargets restarted = t;
        QJsonObject spec = restarted.stable.value(u"spec").toObject();
        QJsonObject tmpl = spec.value(u"template").toObject();
        QJsonObject meta = tmpl.value(u"metadata").toObject();
        meta.insert(QStringLiteral("annotations"), QJsonObject{{QStringLiteral("kubectl.kubernetes.io/restartedAt"), now.toString(Qt::ISODate)}});
        tmpl.insert(QStringLiteral("metadata"), meta);
        spec.insert(QStringLiteral("template"), tmpl);
        restarted.stable.insert(QStringLiteral("spec"), spec);
        QVERIFY(ActionPlan::isDone(restart->steps[0], restarted, journaled));
    }
};

QTEST_GUILESS_MAIN(tst_ActionLogic)
#include "tst_actionlogic.moc"
