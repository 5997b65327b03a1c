#include "actiontargetreader.h"

#include "actionclient.h"

#include <QJsonArray>
#include <QPointer>
#include <QUrlQuery>

#include <memory>

using namespace Opsdeck;

namespace {

struct Reading
{
    int outstanding = 4;
    QJsonArray deployments, ingresses, routes, hpas;
    std::optional<Error> error;
};

} // namespace

QString ActionTargetReader::selectorOf(const QJsonObject &deployment)
{
    const QJsonObject labels
        = deployment.value(u"spec").toObject().value(u"selector").toObject().value(u"matchLabels").toObject();
    QStringList terms;
    for (auto it = labels.begin(); it != labels.end(); ++it)
        terms << it.key() + u'=' + it.value().toString();
    return terms.join(u',');
}

void ActionTargetReader::read(ActionClient *client, const QString &ns, const QString &service, const QString &appLabel,
                              std::optional<Track> replicaSetsOf, QObject *context, Callback done)
{
    auto reading = std::make_shared<Reading>();
    QPointer<ActionClient> guard(client);
    const auto finish = [=]() {
        if (reading->error) {
            done(tl::unexpected(*reading->error));
            return;
        }
        ActionTargets targets = ActionTargets::select(service, appLabel, reading->deployments, reading->ingresses,
                                                      reading->routes, reading->hpas);
        if (!replicaSetsOf) {
            done(targets);
            return;
        }
        const QJsonObject deployment = targets.deployment(*replicaSetsOf);
        if (deployment.isEmpty() || !guard) {
            done(targets); // the plan says which Deployment is missing
            return;
        }
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("labelSelector"), selectorOf(deployment));
        guard->get(QStringLiteral("/apis/apps/v1/namespaces/%1/replicasets").arg(ns), query,
                   QStringLiteral("listing the replica sets of %1").arg(ActionTargets::nameOf(deployment)), context,
                   [targets, done](const ActionReply &reply) mutable {
                       if (!reply.ok()) {
                           done(tl::unexpected(*reply.error));
                           return;
                       }
                       targets.replicaSets = reply.object.value(u"items").toArray();
                       done(targets);
                   });
    };
    const auto list = [=](const QString &path, const QString &what, bool optional, QJsonArray Reading::*into) {
        client->get(path, {}, what, context, [=](const ActionReply &reply) {
            if (reply.ok())
                (*reading).*into = reply.object.value(u"items").toArray();
            else if (!(optional && reply.status == 404) && !reading->error)
                reading->error = reply.error;
            if (--reading->outstanding == 0)
                finish();
        });
    };
    list(QStringLiteral("/apis/apps/v1/namespaces/%1/deployments").arg(ns), QStringLiteral("listing deployments"), false,
         &Reading::deployments);
    list(QStringLiteral("/apis/networking.k8s.io/v1/namespaces/%1/ingresses").arg(ns), QStringLiteral("listing ingresses"),
         true, &Reading::ingresses);
    // A cluster without the Gateway API or autoscaling/v2 answers 404: there is simply none.
    list(QStringLiteral("/apis/gateway.networking.k8s.io/v1/namespaces/%1/httproutes").arg(ns),
         QStringLiteral("listing HTTPRoutes"), true, &Reading::routes);
    list(QStringLiteral("/apis/autoscaling/v2/namespaces/%1/horizontalpodautoscalers").arg(ns),
         QStringLiteral("listing horizontal pod autoscalers"), true, &Reading::hpas);
}
