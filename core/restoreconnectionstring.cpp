#include "restoreconnectionstring.h"

#include <QStringList>

namespace Opsdeck {

namespace {

// The key of one `key=value` segment, lower-cased, spaces trimmed; empty when the segment has none.
QString keyOf(const QString &segment)
{
    const qsizetype eq = segment.indexOf(u'=');
    return eq < 0 ? QString() : segment.left(eq).trimmed().toLower();
}

bool isDatabaseKey(const QString &key)
{
    return key == u"initial catalog" || key == u"database";
}

bool isSecretKey(const QString &key)
{
    return key == u"password" || key == u"pwd";
}

// Replaces the value of every segment whose key matches, keeping the key as written.
QString replaceValues(const QString &text, bool (*matches)(const QString &), const QString &value, int *count)
{
    QStringList segments = text.split(u';');
    for (QString &segment : segments) {
        if (!matches(keyOf(segment)))
            continue;
        segment = segment.left(segment.indexOf(u'=') + 1) + value;
        if (count)
            ++*count;
    }
    return segments.join(u';');
}

} // namespace

QString RestoreConnectionString::database(const QString &text)
{
    for (const QString &segment : text.split(u';')) {
        if (isDatabaseKey(keyOf(segment)))
            return segment.mid(segment.indexOf(u'=') + 1).trimmed();
    }
    return {};
}

Result<QString> RestoreConnectionString::retarget(const QString &text, const QString &database)
{
    int replaced = 0;
    const QString result = replaceValues(text, isDatabaseKey, database, &replaced);
    if (replaced == 0)
        return makeError(
            ErrorKind::Invalid,
            QStringLiteral("the connection string names no database (no Initial Catalog or Database)"),
            QStringLiteral("point the Secret at the restored database by hand"));
    return result;
}

QString RestoreConnectionString::masked(const QString &text)
{
    return replaceValues(text, isSecretKey, QString::fromLatin1(Mask), nullptr);
}

} // namespace Opsdeck
