#pragma once

// Microsoft.Consumption budgets (API-CONTRACTS §4) at a subscription or resource group scope: PUT with
// the real validation (category Cost, amount, timeGrain, timePeriod.startDate on the first of a month,
// at most 5 notifications with enabled / operator / threshold / contactEmails, filter with In only, eTag
// against lost updates), GET / list / DELETE, each answered with currentSpend and forecastSpend computed
// from the CostLedger for the budget's current period. Seeded at first use with one monthly budget per
// service tag (`<service>-monthly`) and one for the subscription (`subscription-monthly`). Thread-safe.

#include "azure/costledger.h"
#include "azure/costquery.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace sim {

struct Scenario;

class Budgets
{
public:
    using TimePoint = std::chrono::system_clock::time_point;
    static constexpr std::size_t kPageSize = 100;
    static inline const std::string kContact = "sre@opsdeck.demo";

    Budgets(const CostLedger &ledger, std::string subscriptionId, const Scenario *scenario);

    // The budgets of a scope, sorted by name, as the API renders them (with spend): `count` from
    // `offset` (rendering 500 budgets' spend is not free); `total` receives how many there are.
    std::vector<nlohmann::json> list(const CostScope &scope, TimePoint now, std::size_t offset = 0,
                                     std::size_t count = SIZE_MAX, std::size_t *total = nullptr);
    std::optional<nlohmann::json> get(const CostScope &scope, const std::string &name, TimePoint now);
    // 201 created or 200 replaced with the budget, or the error.
    std::variant<std::pair<int, nlohmann::json>, CostError> put(const CostScope &scope, const std::string &name,
                                                                const nlohmann::json &body, TimePoint now);
    bool remove(const CostScope &scope, const std::string &name, TimePoint now);

    // The current period of a grain containing `today` (days since the epoch, inclusive).
    static std::pair<std::int64_t, std::int64_t> period(const std::string &timeGrain, std::int64_t today);

private:
    struct Budget
    {
        CostScope scope;
        std::string name;
        nlohmann::json properties; // as stored: category, amount, timeGrain, timePeriod, filter?, notifications
        std::optional<CostFilter> filter;
        std::string eTag;
    };
    void seed(TimePoint now);
    // `tables` caches the ledger's per-resource spend per period across one listing.
    nlohmann::json render(const Budget &budget, TimePoint now,
                          std::map<std::pair<std::int64_t, std::int64_t>, CostQuery::SpendTable> &tables) const;
    std::string scopePath(const CostScope &scope) const;
    static std::string key(const CostScope &scope, const std::string &name);
    std::string nextETag();

    const CostLedger &m_ledger;
    std::string m_subscriptionId;
    const Scenario *m_scenario;
    std::mutex m_mutex;
    bool m_seeded = false;
    std::uint64_t m_version = 0;
    std::map<std::string, Budget> m_budgets; // key() -> budget
};

} // namespace sim
