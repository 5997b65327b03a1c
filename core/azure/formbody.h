#pragma once

// An application/x-www-form-urlencoded body with every reserved character percent-encoded, so a '+'
// in a secret is not read as a space.

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>

namespace Opsdeck {

inline QByteArray formBody(const QList<QPair<QString, QString>> &form)
{
    QByteArray body;
    for (const auto &[key, value] : form) {
        if (!body.isEmpty())
            body += '&';
        body += QUrl::toPercentEncoding(key) + '=' + QUrl::toPercentEncoding(value);
    }
    return body;
}

} // namespace Opsdeck
