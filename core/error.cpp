#include "error.h"

namespace Opsdeck {

QString toString(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::Network:
        return QStringLiteral("Network");
    case ErrorKind::Timeout:
        return QStringLiteral("Timeout");
    case ErrorKind::Unauthorized:
        return QStringLiteral("Unauthorized");
    case ErrorKind::Forbidden:
        return QStringLiteral("Forbidden");
    case ErrorKind::NotFound:
        return QStringLiteral("NotFound");
    case ErrorKind::Conflict:
        return QStringLiteral("Conflict");
    case ErrorKind::Gone:
        return QStringLiteral("Gone");
    case ErrorKind::Throttled:
        return QStringLiteral("Throttled");
    case ErrorKind::Invalid:
        return QStringLiteral("Invalid");
    case ErrorKind::Config:
        return QStringLiteral("Config");
    case ErrorKind::Plugin:
        return QStringLiteral("Plugin");
    }
    Q_UNREACHABLE();
    return {};
}

QString toString(const Error &error)
{
    QString text = toString(error.kind) + QStringLiteral(": ") + error.message;
    if (!error.hint.isEmpty())
        text += QStringLiteral(" (") + error.hint + QLatin1Char(')');
    if (error.retryAfter)
        text += QStringLiteral(" [retry after %1 s]").arg(error.retryAfter->count());
    return text;
}

} // namespace Opsdeck
