#include "actionpermissions.h"

#include <QJsonDocument>
#include <QMutexLocker>

QString AccessCheck::describe() const
{
    return subresource.isEmpty() ? verb + u' ' + resource : verb + u' ' + resource + u'/' + subresource;
}

QByteArray ActionPermissions::reviewBody(const AccessCheck &check, const QString &ns)
{
    QJsonObject attributes{{QStringLiteral("namespace"), ns},
                           {QStringLiteral("verb"), check.verb},
                           {QStringLiteral("group"), check.group},
                           {QStringLiteral("resource"), check.resource}};
    if (!check.subresource.isEmpty())
        attributes.insert(u"subresource", check.subresource);
    const QJsonObject review{{QStringLiteral("apiVersion"), QStringLiteral("authorization.k8s.io/v1")},
                             {QStringLiteral("kind"), QStringLiteral("SelfSubjectAccessReview")},
                             {QStringLiteral("spec"), QJsonObject{{QStringLiteral("resourceAttributes"), attributes}}}};
    return QJsonDocument(review).toJson(QJsonDocument::Compact);
}

QString ActionPermissions::denial(const QString &user, const AccessCheck &check, const QString &ns)
{
    return QStringLiteral("%1 cannot %2 in %3").arg(user, check.describe(), ns);
}

AccessAnswer ActionPermissions::answerOf(const QJsonObject &review, const AccessCheck &check, const QString &ns,
                                         const QString &user)
{
    const QJsonObject status = review.value(u"status").toObject();
    AccessAnswer answer;
    answer.checked = QDateTime::currentDateTimeUtc();
    answer.allowed = status.value(u"allowed").toBool();
    if (!answer.allowed) {
        answer.reason = denial(user, check, ns);
        // The authorizer's own words, when it gave any (an RBAC denial usually gives none).
        const QString why = status.value(u"reason").toString();
        const QString evaluation = status.value(u"evaluationError").toString();
        if (!why.isEmpty())
            answer.reason += QStringLiteral(" (%1)").arg(why);
        else if (!evaluation.isEmpty())
            answer.reason += QStringLiteral(" (%1)").arg(evaluation);
    }
    return answer;
}

QString ActionPermissions::key(const AccessCheck &check, const QString &ns)
{
    return QStringList{check.verb, check.group, check.resource, check.subresource, ns}.join(u'|');
}

void ActionPermissions::store(const AccessCheck &check, const QString &ns, const AccessAnswer &answer)
{
    QMutexLocker lock(&m_mutex);
    m_answers.insert(key(check, ns), answer);
}

std::optional<AccessAnswer> ActionPermissions::find(const AccessCheck &check, const QString &ns) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_answers.constFind(key(check, ns));
    if (it == m_answers.constEnd())
        return std::nullopt;
    if (it->checked.addSecs(std::chrono::seconds(kTtl).count()) < QDateTime::currentDateTimeUtc())
        return std::nullopt;
    return *it;
}
