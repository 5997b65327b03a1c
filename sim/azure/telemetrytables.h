#pragma once

// The Application Insights tables a query reads, made on demand from the simulation's per-minute
// telemetry (AppTelemetry) and Polly events (TelemetryLog): requests, dependencies, exceptions,
// customEvents and customMetrics, in the workspace schema (AppRequests, TimeGenerated, AppRoleName,
// Properties ...) or the classic one (requests, timestamp, cloud_RoleName, customDimensions ...).
// Rows are sampled as App Insights' adaptive sampling keeps them: each stands for ItemCount items, so
// sum(ItemCount) counts requests while a day of history stays a few thousand rows per track.

#include "kql/kqltable.h"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sim {

class Simulation;

enum class TelemetrySchema { Workspace, Classic };

struct TelemetryScope
{
    std::int64_t fromTicks = 0;                  // inclusive, 100 ns ticks since the epoch
    std::int64_t toTicks = INT64_MAX;            // exclusive
    std::optional<std::set<std::string>> columns; // only these (others are left out); nullopt: all
    std::size_t maxRows = 60000;                 // sampling budget per table
};

class TelemetryTables
{
public:
    struct Identity
    {
        std::string appId;        // the Application Insights component's application id
        std::string appName;      // its name
        std::string instrumentationKey;
        std::string tenantId;     // the workspace's id (TenantId column)
        std::string resourceId;   // the component's ARM id (_ResourceId)
    };

    TelemetryTables(const Simulation &simulation, Identity identity);

    // The table, or nullopt when the schema has no table of that name.
    std::optional<kql::Table> table(TelemetrySchema schema, const std::string &name, const TelemetryScope &scope) const;
    static std::vector<std::string> tableNames(TelemetrySchema schema);
    static std::vector<kql::Column> columns(TelemetrySchema schema, const std::string &name);

private:
    const Simulation &m_simulation;
    Identity m_identity;
};

} // namespace sim
