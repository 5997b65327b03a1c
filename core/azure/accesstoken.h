#pragma once

// A bearer token for one resource (audience), as EntraCredential hands it out. The value is a secret:
// never log it, never write it to disk.

#include <QByteArray>
#include <QDateTime>
#include <QMetaType>
#include <QString>

namespace Opsdeck {

struct AccessToken
{
    QByteArray value; // the JWT, for "Authorization: Bearer <value>"
    QDateTime expiresOn; // UTC
    QString resource; // e.g. https://api.loganalytics.io
};

} // namespace Opsdeck

Q_DECLARE_METATYPE(Opsdeck::AccessToken)
