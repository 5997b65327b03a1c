#include "restorebackend.h"

#include <QTimer>

namespace Opsdeck {

int RestoreReply::retryAfterSeconds() const
{
    const QString value = header("retry-after").trimmed();
    if (value.isEmpty())
        return -1;
    bool ok = false;
    const int seconds = value.toInt(&ok);
    if (ok)
        return std::max(0, seconds);
    // An HTTP-date.
    const QDateTime at = QDateTime::fromString(value, Qt::RFC2822Date);
    if (!at.isValid())
        return -1;
    return static_cast<int>(std::max<qint64>(0, QDateTime::currentDateTimeUtc().secsTo(at)));
}

QString RestoreReply::header(const char *lowerCaseName) const
{
    return QString::fromUtf8(headers.value(QByteArray(lowerCaseName)));
}

QString RestoreReply::armErrorCode() const
{
    return object.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
}

QString RestoreReply::armErrorMessage() const
{
    return object.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
}

RestoreBackend::~RestoreBackend() = default;

QDateTime RestoreBackend::now() const
{
    return QDateTime::currentDateTimeUtc();
}

void RestoreBackend::after(std::chrono::milliseconds delay, QObject *context, std::function<void()> run)
{
    QTimer::singleShot(delay, context, std::move(run));
}

} // namespace Opsdeck
