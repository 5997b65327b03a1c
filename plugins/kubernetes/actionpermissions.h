#pragma once

// What the context's user may do, as SelfSubjectAccessReview answered it (API-CONTRACTS §1): the review
// request for a verb on a resource, its answer, the sentence a disabled button shows ("viewer cannot
// patch ingresses in microservices"), and a cache per (verb, group, resource, subresource, namespace)
// so ActionProvider::actionsFor() can answer without the network. Thread-safe: the provider writes it on
// its worker thread, the UI reads it through actionsFor().

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QMutex>
#include <QString>

#include <chrono>
#include <optional>

struct AccessCheck
{
    QString verb;     // patch, get, list
    QString group;    // "" for core, apps, networking.k8s.io, gateway.networking.k8s.io
    QString resource; // deployments, ingresses, httproutes
    QString subresource; // scale

    QString describe() const; // "patch deployments/scale"
    friend bool operator==(const AccessCheck &, const AccessCheck &) = default;
};

struct AccessAnswer
{
    bool allowed = false;
    QString reason; // the sentence for people when not allowed
    QDateTime checked;
};

class ActionPermissions
{
public:
    // How long an answer stands before it is asked again (RBAC changes rarely; a preview always asks).
    static constexpr std::chrono::minutes kTtl{5};

    // The SelfSubjectAccessReview to POST to /apis/authorization.k8s.io/v1/selfsubjectaccessreviews.
    static QByteArray reviewBody(const AccessCheck &check, const QString &ns);
    // The review's answer; the reason names the user, verb, resource and namespace when denied.
    static AccessAnswer answerOf(const QJsonObject &review, const AccessCheck &check, const QString &ns,
                                 const QString &user);
    // "viewer cannot patch ingresses in microservices"
    static QString denial(const QString &user, const AccessCheck &check, const QString &ns);

    void store(const AccessCheck &check, const QString &ns, const AccessAnswer &answer);
    // A fresh answer, or nullopt when unknown or older than kTtl.
    std::optional<AccessAnswer> find(const AccessCheck &check, const QString &ns) const;

private:
    static QString key(const AccessCheck &check, const QString &ns);

    mutable QMutex m_mutex;
    QHash<QString, AccessAnswer> m_answers;
};
