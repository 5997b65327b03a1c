#pragma once

// A finished HTTP exchange as ResilientClient hands it back: the answer, how many attempts it took and,
// when it is a last-known-good fallback, how old it is and why the fresh request failed.

#include "error.h"

#include <QByteArray>
#include <QList>
#include <QPair>

#include <chrono>
#include <optional>

namespace Opsdeck {

struct HttpResponse
{
    int status = 0;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    int attempts = 0;
    bool stale = false; // a last-known-good answer, not a fresh one
    std::chrono::milliseconds age { 0 }; // stale: how long ago it was fresh
    std::optional<Error> staleBecause; // stale: why the fresh request failed

    // The first header of that name (case-insensitive), or empty.
    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[key, value] : headers)
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        return {};
    }
};

} // namespace Opsdeck
