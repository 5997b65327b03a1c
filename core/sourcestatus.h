#pragma once

// How a data source is doing, as the Sources panel and `--snapshot`'s `sources[]` show it.

#include "error.h"

#include <QDateTime>
#include <QMetaType>

#include <optional>

namespace Opsdeck {

struct SourceStatus
{
    enum class State {
        Connecting, // started, no successful response yet
        Ok,
        Degraded,   // serving last-known-good data, some requests fail
        Down,
    };

    State state = State::Connecting;
    QDateTime lastSuccess;
    std::optional<Error> error; // the latest failure, if any

    friend bool operator==(const SourceStatus &, const SourceStatus &) = default;
};

// "Connecting" | "Ok" | "Degraded" | "Down" (CLI.md's spelling).
QString toString(SourceStatus::State state);

} // namespace Opsdeck

Q_DECLARE_METATYPE(Opsdeck::SourceStatus)
