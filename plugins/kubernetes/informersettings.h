#pragma once

// How the source's informers and poller behave; defaults are what a cluster wants, tests shorten them.

#include "objectparser.h"

#include <QString>

#include <chrono>

struct InformerSettings
{
    QString context;   // ResourceKey::context
    QString ns;        // empty: all namespaces
    ParseOptions parse;
    int pageSize = 500;                 // LIST limit
    int watchTimeoutSeconds = 300;      // asked of the server; jittered ±10% so watches do not renew together
    std::chrono::milliseconds retryInitial{500};
    std::chrono::milliseconds retryMax{30000};
    std::chrono::milliseconds absentRecheck{std::chrono::minutes(5)}; // an optional API that was 404
    std::chrono::milliseconds metricsInterval{std::chrono::seconds(15)};
    std::chrono::milliseconds healthInterval{std::chrono::seconds(15)}; // each service's /health
    int healthMaxInFlight = 4;                                        // health requests at once
};
