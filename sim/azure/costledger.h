#pragma once

// What the simulated estate has cost, per resource and hour (UTC): the rows behind the Cost Management
// query and forecast APIs and the budgets' spend (docs/sim-azure.md, Costs). Resources are registered
// at load and then fixed; CostAccrualController adds amounts as the virtual clock runs. Thread-safe:
// the controller thread adds, HTTP handlers read.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace sim {

struct CostResource
{
    // Which cost types show it: a reservation's purchase is actual cost only; its amortized share lands
    // on the resources that used it (AmortizedCost only); everything else is both.
    enum class Basis { Both, ActualOnly, AmortizedOnly };

    std::string id;            // ARM id below the subscription, lower case as cost data has it:
                               // "resourcegroups/<rg>/providers/..."; "" for a purchase without a resource
    std::string resourceGroup; // lower case; "" for a purchase
    std::string serviceName;   // the meter category, e.g. "Virtual Machines", "SQL Database"
    std::string resourceType;  // e.g. "microsoft.compute/virtualmachinescalesets"; "" for a purchase
    std::string location;
    std::string serviceTag;    // the `Service` tag: a service, "shared", or "" when untagged
    std::string chargeType = "Usage";        // Usage | Purchase
    std::string pricingModel = "OnDemand";   // OnDemand | Reservation
    Basis basis = Basis::Both;
};

class CostLedger
{
public:
    static constexpr std::int64_t kHour = 3600;

    explicit CostLedger(std::string currency = "USD") : m_currency(std::move(currency)) {}

    // At load, before the simulation runs: returns the resource's index.
    std::size_t addResource(CostResource resource);
    void setCurrency(std::string currency);

    void accrue(std::int64_t hour, std::size_t resource, double amount);

    std::vector<CostResource> resources() const;
    std::string currency() const;
    // Calls `visit` for every hour in [fromHour, toHour) that has amounts, oldest first, under the lock
    // (keep it short); `amounts` is indexed like resources().
    void visit(std::int64_t fromHour, std::int64_t toHour,
               const std::function<void(std::int64_t hour, const std::vector<double> &amounts)> &visit) const;
    std::int64_t firstHour() const; // 0 when empty
    // Everything accrued, per resource, in [fromHour, toHour).
    std::vector<double> totals(std::int64_t fromHour, std::int64_t toHour) const;

    static std::int64_t hourOf(std::chrono::system_clock::time_point t);

private:
    mutable std::mutex m_mutex;
    std::string m_currency;
    std::vector<CostResource> m_resources;
    std::map<std::int64_t, std::vector<double>> m_hours; // hours since the epoch -> amount per resource
};

} // namespace sim
