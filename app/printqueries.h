#pragma once

// `opsdeck --print-queries [--dialect workspace|classic] [--service NAME] [--window 15m|1h|6h|24h]`: every
// KQL query the appinsights source sends, rendered, so people can paste them into Log Analytics. Each
// query is preceded by two `//` comment lines (what it is, its window and timespan; the columns it
// returns) and queries are separated by a line holding only `----`. Needs no display and no network.

#include "commandline.h"
#include "error.h"

#include <QString>

namespace Opsdeck {

// The text printed on stdout, or Error{Config} for a bad dialect, service name or window.
Result<QString> renderQueries(const Options &options);
// Prints renderQueries() and returns 0, or prints the error on stderr and returns 2.
int printQueries(const Options &options);

} // namespace Opsdeck
