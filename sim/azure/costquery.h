#pragma once

// The Cost Management query and forecast definitions (API-CONTRACTS §4) parsed as the real API reads
// them, and answered from the CostLedger: rows summed per day (UsageDate yyyymmdd), month (BillingMonth)
// or in total, grouped by up to two of TagKey / Dimension, filtered by dimensions and tags (operator In,
// and/or/not), in columns named as the real API names them — the aggregated source column (Cost,
// PreTaxCost, CostUSD, PreTaxCostUSD), the date, the groupings (TagKey grouping gives "TagKey" and
// "TagValue"), Currency; forecasts add CostStatus ("Actual" | "Forecast").

#include "azure/costledger.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace sim {

// An ARM error the API answers with: {error: {code, message}} and the status.
struct CostError
{
    int status = 400;
    std::string code = "BadRequest";
    std::string message;
};

struct CostFilter
{
    enum class Kind { And, Or, Not, Dimension, Tag };
    Kind kind = Kind::Dimension;
    std::string name;                // the dimension (canonical spelling) or tag key
    std::vector<std::string> values; // compared case-insensitively
    std::vector<CostFilter> children;
};

struct CostGrouping
{
    std::string type; // "TagKey" | "Dimension"
    std::string name; // tag key as asked, or the dimension's canonical name
};

struct CostQueryDefinition
{
    bool forecast = false;
    bool amortized = false;
    std::string type;                      // as sent: ActualCost | AmortizedCost | Usage
    std::string timeframe;
    std::int64_t fromDay = 0;              // days since the epoch (UTC), inclusive
    std::int64_t toDay = 0;
    std::string granularity = "None";      // None | Daily | Monthly
    std::vector<std::string> aggregations; // source columns in the body's order
    std::vector<CostGrouping> grouping;
    std::optional<CostFilter> filter;
    bool includeActualCost = false;
    bool includeFreshPartialCost = false;

    // Query processing units the real API charges: about one per month of data asked.
    int qpu() const;
};

// Where a request looks: a subscription, or one of its resource groups.
struct CostScope
{
    std::string subscriptionId;
    std::string resourceGroup; // "" = the whole subscription
};

struct CostTable
{
    nlohmann::json columns = nlohmann::json::array();
    std::vector<nlohmann::json> rows;
};

class CostQuery
{
public:
    using TimePoint = std::chrono::system_clock::time_point;
    static constexpr int kMaxDays = 366;

    static std::variant<CostQueryDefinition, CostError> parse(const nlohmann::json &body, bool forecast, TimePoint now);
    static std::variant<CostFilter, CostError> parseFilter(const nlohmann::json &filter, bool allowOrNot);

    static CostTable query(const CostLedger &ledger, const CostQueryDefinition &definition, const CostScope &scope,
                           TimePoint now);
    static CostTable forecast(const CostLedger &ledger, const CostQueryDefinition &definition, const CostScope &scope,
                              TimePoint now);

    // A budget's spend over [fromDay, toDay] (its current period): actual so far, and actual before
    // today plus the forecast from today to toDay.
    struct Spend
    {
        double actual = 0;
        double forecast = 0;
    };
    static Spend spend(const CostLedger &ledger, const std::optional<CostFilter> &filter, const CostScope &scope,
                       std::int64_t fromDay, std::int64_t toDay, TimePoint now);
    // The same per resource, computed once for many budgets of one period.
    struct SpendTable
    {
        std::vector<CostResource> resources;
        std::vector<double> actual;   // in [fromDay, today]
        std::vector<double> forecast; // actual before today + forecast from today to toDay
    };
    static SpendTable spendTable(const CostLedger &ledger, std::int64_t fromDay, std::int64_t toDay, TimePoint now);
    static Spend spend(const SpendTable &table, const std::optional<CostFilter> &filter, const CostScope &scope);

    static bool inScope(const CostResource &resource, const CostScope &scope);
    static bool matches(const CostFilter &filter, const CostResource &resource, const CostScope &scope);
    // A dimension's value for a resource; nullopt when `dimension` is not one the sim knows.
    static std::optional<std::string> dimensionValue(const CostResource &resource, const std::string &dimension,
                                                     const CostScope &scope);
    static std::optional<std::string> canonicalDimension(const std::string &name);

    // "2026-11-05T00:00:00Z", "2026-11-05T10:00:00.000Z", "2026-11-05" -> days since the epoch.
    static std::optional<std::int64_t> parseDay(const std::string &text);
    static std::int64_t dayOf(TimePoint t);
    static std::int64_t usageDate(std::int64_t day); // 20261105
    static std::string isoDate(std::int64_t day);    // "2026-11-05T00:00:00"
    static double usdRate(const std::string &currency);
};

} // namespace sim
