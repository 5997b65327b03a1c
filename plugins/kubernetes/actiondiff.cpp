#include "actiondiff.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

using namespace Opsdeck;

namespace {

bool ignored(const QString &path)
{
    static const QStringList skipped{QStringLiteral("metadata.resourceVersion"), QStringLiteral("metadata.generation"),
                                     QStringLiteral("metadata.managedFields"), QStringLiteral("metadata.uid"),
                                     QStringLiteral("metadata.creationTimestamp"), QStringLiteral("metadata.selfLink"),
                                     QStringLiteral("status")};
    for (const QString &prefix : skipped) {
        if (path == prefix || path.startsWith(prefix + u'.') || path.startsWith(prefix + u'['))
            return true;
    }
    return false;
}

// Annotations and labels read better without "metadata." in front (the preview's lines are long enough).
QString display(const QString &path)
{
    if (path.startsWith(u"metadata.annotations.") || path.startsWith(u"metadata.labels."))
        return path.mid(int(qstrlen("metadata.")));
    return path;
}

void walk(const QJsonValue &value, const QString &path, QMap<QString, QString> &out)
{
    if (!path.isEmpty() && ignored(path))
        return;
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        if (object.isEmpty() && !path.isEmpty()) {
            out.insert(path, QStringLiteral("{}"));
            return;
        }
        for (auto it = object.begin(); it != object.end(); ++it)
            walk(it.value(), path.isEmpty() ? it.key() : path + u'.' + it.key(), out);
        return;
    }
    if (value.isArray()) {
        const QJsonArray array = value.toArray();
        if (array.isEmpty()) {
            out.insert(path, QStringLiteral("[]"));
            return;
        }
        // Named items (containers, ports, env) by name, unless names repeat; everything else by index.
        QSet<QString> names;
        bool named = true;
        for (const QJsonValue &item : array) {
            const QString name = item.toObject().value(u"name").toString();
            if (!item.isObject() || name.isEmpty() || names.contains(name)) {
                named = false;
                break;
            }
            names.insert(name);
        }
        for (qsizetype i = 0; i < array.size(); ++i) {
            const QString key = named ? array[i].toObject().value(u"name").toString() : QString::number(i);
            walk(array[i], path + u'[' + key + u']', out);
        }
        return;
    }
    out.insert(path, ActionDiff::text(value));
}

} // namespace

QString ActionDiff::text(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Double: {
        const double number = value.toDouble();
        if (number == double(qint64(number)))
            return QString::number(qint64(number));
        return QString::number(number);
    }
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    case QJsonValue::Array:
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Undefined:
        break;
    }
    return {};
}

QMap<QString, QString> ActionDiff::flatten(const QJsonObject &object)
{
    QMap<QString, QString> out;
    walk(object, QString(), out);
    return out;
}

QList<ActionChange> ActionDiff::diff(const QString &kind, const QString &name, const QJsonObject &before,
                                     const QJsonObject &after)
{
    const QMap<QString, QString> from = flatten(before);
    const QMap<QString, QString> to = flatten(after);
    QList<ActionChange> changes;
    QSet<QString> seen;
    const auto add = [&](const QString &path) {
        if (seen.contains(path))
            return;
        seen.insert(path);
        const QString a = from.value(path);
        const QString b = to.value(path);
        if (a != b || from.contains(path) != to.contains(path))
            changes.append(ActionChange{kind, name, display(path), a, b});
    };
    // QMap iterates in key order: the lines come out sorted, so previews compare equal run to run.
    for (auto it = from.cbegin(); it != from.cend(); ++it)
        add(it.key());
    for (auto it = to.cbegin(); it != to.cend(); ++it)
        add(it.key());
    std::sort(changes.begin(), changes.end(),
              [](const ActionChange &a, const ActionChange &b) { return a.field < b.field; });
    return changes;
}

QString ActionDiff::shortField(const QString &field)
{
    static const QString nginx = QStringLiteral("annotations.nginx.ingress.kubernetes.io/");
    if (field.startsWith(nginx))
        return field.mid(nginx.size());
    return field;
}
