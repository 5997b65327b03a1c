#pragma once

// The one error type of Opsdeck's core: callers branch on `kind`, people read `message` and `hint`.

#include <QMetaType>
#include <QString>

#include <chrono>
#include <optional>

#include <tl/expected.hpp>

namespace Opsdeck {

enum class ErrorKind {
    Network,
    Timeout,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    Gone,
    Throttled,
    Invalid,
    Config,
    Plugin,
};

struct Error
{
    ErrorKind kind = ErrorKind::Invalid;
    QString message; // what failed, where
    QString hint;    // what the user can do
    std::optional<std::chrono::seconds> retryAfter;

    friend bool operator==(const Error &, const Error &) = default;
};

template<typename T = void>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> makeError(ErrorKind kind, QString message, QString hint = {})
{
    return tl::unexpected<Error>(Error{kind, std::move(message), std::move(hint), std::nullopt});
}

QString toString(ErrorKind kind);
// "Plugin: <message> (<hint>)" — one line for logs, stderr and tooltips.
QString toString(const Error &error);

} // namespace Opsdeck

Q_DECLARE_METATYPE(Opsdeck::Error)
