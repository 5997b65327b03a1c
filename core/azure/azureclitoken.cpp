#include "azureclitoken.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace Opsdeck {

Result<AccessToken> AzureCliToken::parse(const QByteArray &json, const QString &resource)
{
    const QJsonDocument document = QJsonDocument::fromJson(json);
    const QJsonObject object = document.object();
    const QString value = object.value(QStringLiteral("accessToken")).toString();
    if (!document.isObject() || value.isEmpty())
        return makeError(
            ErrorKind::Invalid, QStringLiteral("the Azure CLI printed no accessToken for %1").arg(resource),
            QStringLiteral("run `az account get-access-token --resource %1` to see why").arg(resource));

    QDateTime expires;
    const QJsonValue posix = object.value(QStringLiteral("expires_on"));
    if (posix.isDouble()) {
        expires = QDateTime::fromSecsSinceEpoch(qint64(posix.toDouble()), Qt::UTC);
    } else if (posix.isString()) {
        bool ok = false;
        const qint64 seconds = posix.toString().toLongLong(&ok);
        if (ok)
            expires = QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC);
    }
    if (!expires.isValid()) {
        const QString local = object.value(QStringLiteral("expiresOn")).toString();
        for (const QString &format :
             { QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"), QStringLiteral("yyyy-MM-dd HH:mm:ss") }) {
            // Microseconds: Qt reads milliseconds, so cut the text to them.
            const QString text = format.endsWith(u'z') ? local.left(23) : local.left(19);
            expires = QDateTime::fromString(text, format);
            if (expires.isValid())
                break;
        }
        if (expires.isValid())
            expires = expires.toUTC(); // it was local time
    }
    if (!expires.isValid())
        return makeError(ErrorKind::Invalid,
                         QStringLiteral("the Azure CLI's token for %1 has no readable expiry").arg(resource),
                         QStringLiteral("update the Azure CLI"));
    return AccessToken { value.toUtf8(), expires, resource };
}

} // namespace Opsdeck
