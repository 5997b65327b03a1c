#pragma once

// Per-request choices for ResilientClient::send(); the defaults suit a plain GET.

#include <QList>
#include <QString>

#include <chrono>
#include <optional>

namespace Opsdeck {

struct RequestOptions
{
    // The breaker to count against; empty: the URL's origin and path ("https://h:6443/api/v1/pods").
    // Give a coarser key to let related paths share one breaker.
    QString endpoint;
    // Prefix of error messages: "listing pods" → "listing pods: GET https://…: HTTP 503 …".
    QString what;
    // Overrides the method's default (GET/HEAD/OPTIONS retry, everything else does not). Set it only for a
    // write that is safe to repeat, e.g. one guarded by a precondition the server checks.
    std::optional<bool> idempotent;
    // Per attempt; zero for none (streams). Default: the client's.
    std::optional<std::chrono::milliseconds> timeout;
    // Keep this GET's last 2xx answer and hand it back, marked stale with its age, when a later one fails.
    bool fallbackToLastKnownGood = false;
    // HTTP statuses that are an answer, not a failure: a health endpoint's 503 carries an Unhealthy report.
    QList<int> acceptedStatuses;
};

} // namespace Opsdeck
