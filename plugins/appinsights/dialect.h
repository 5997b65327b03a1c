#pragma once

// Which Application Insights schema a source queries (DESIGN §7, API-CONTRACTS §3): the workspace tables
// of a workspace-based resource (AppRequests, …, the default) or the classic ones (requests, …).

#include "error.h"

#include <QString>

namespace Opsdeck::AppInsights {

enum class Dialect {
    Workspace,
    Classic,
};

// "workspace" | "classic"
QString toString(Dialect dialect);
// Error{Config} naming the accepted values when `text` is neither.
Result<Dialect> parseDialect(const QString &text);

} // namespace Opsdeck::AppInsights
