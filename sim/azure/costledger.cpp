#include "costledger.h"

namespace sim {

std::size_t CostLedger::addResource(CostResource resource)
{
    std::lock_guard lock(m_mutex);
    m_resources.push_back(std::move(resource));
    for (auto &[hour, amounts] : m_hours)
        amounts.resize(m_resources.size(), 0.0);
    return m_resources.size() - 1;
}

void CostLedger::setCurrency(std::string currency)
{
    std::lock_guard lock(m_mutex);
    m_currency = std::move(currency);
}

void CostLedger::accrue(std::int64_t hour, std::size_t resource, double amount)
{
    std::lock_guard lock(m_mutex);
    if (resource >= m_resources.size() || !(amount > 0))
        return;
    auto &amounts = m_hours[hour];
    amounts.resize(m_resources.size(), 0.0);
    amounts[resource] += amount;
}

std::vector<CostResource> CostLedger::resources() const
{
    std::lock_guard lock(m_mutex);
    return m_resources;
}

std::string CostLedger::currency() const
{
    std::lock_guard lock(m_mutex);
    return m_currency;
}

void CostLedger::visit(std::int64_t fromHour, std::int64_t toHour,
                       const std::function<void(std::int64_t, const std::vector<double> &)> &visit) const
{
    std::lock_guard lock(m_mutex);
    for (auto it = m_hours.lower_bound(fromHour); it != m_hours.end() && it->first < toHour; ++it)
        visit(it->first, it->second);
}

std::int64_t CostLedger::firstHour() const
{
    std::lock_guard lock(m_mutex);
    return m_hours.empty() ? 0 : m_hours.begin()->first;
}

std::vector<double> CostLedger::totals(std::int64_t fromHour, std::int64_t toHour) const
{
    std::lock_guard lock(m_mutex);
    std::vector<double> sums(m_resources.size(), 0.0);
    for (auto it = m_hours.lower_bound(fromHour); it != m_hours.end() && it->first < toHour; ++it)
        for (std::size_t r = 0; r < it->second.size() && r < sums.size(); ++r)
            sums[r] += it->second[r];
    return sums;
}

std::int64_t CostLedger::hourOf(std::chrono::system_clock::time_point t)
{
    return std::chrono::floor<std::chrono::hours>(t).time_since_epoch().count();
}

} // namespace sim
