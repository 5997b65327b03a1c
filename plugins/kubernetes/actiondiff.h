#pragma once

// The readable diff of an action's preview and result (ActionChange, CLI.md `changes[]`): an object as it
// was read and as the server answered a (dry-run) write, flattened to `field: from → to` lines. Lists of
// named items (containers, env) are keyed by name so a changed image reads
// `spec.template.spec.containers[productservice].image`. Server-owned bookkeeping (resourceVersion,
// generation, managedFields, status) is left out: it changes on every write and says nothing to a person.

#include "actiontypes.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QMap>
#include <QString>

class ActionDiff
{
public:
    // Lines for every leaf that differs; `from`/`to` empty when the field is absent on that side.
    static QList<Opsdeck::ActionChange> diff(const QString &kind, const QString &name, const QJsonObject &before,
                                             const QJsonObject &after);
    // The flattened leaves of an object ("annotations.x": "1", "spec.replicas": "3").
    static QMap<QString, QString> flatten(const QJsonObject &object);
    // A scalar as a person reads it: strings bare, numbers without ".0", containers as compact JSON.
    static QString text(const QJsonValue &value);
    // "canary-weight" for "annotations.nginx.ingress.kubernetes.io/canary-weight": the short name of a field.
    static QString shortField(const QString &field);
};
