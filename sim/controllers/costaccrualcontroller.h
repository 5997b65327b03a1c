#pragma once

// What the estate costs, accrued into the CostLedger as the virtual clock runs (DESIGN §10): each
// service's pods by the hour (pod-hours x node price / pods per node, so HPA scale-ups and canaries cost
// money) and its SQL database's tier; shared infrastructure tagged Service=shared (AKS control plane,
// the ingress load balancer and its public IP, the Service Bus namespace, the system node pool's
// reservation when amortized); untagged spend (Log Analytics ingestion following traffic, a storage
// account, the monthly reservation purchase). When it is made it fills the history from the start of
// last month with the traffic curve and the HPA's usual answer to it, deterministic per seed.

#include "../azure/costledger.h"
#include "controller.h"
#include "simcontext.h"
#include "trafficmodel.h"

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace sim {

class CostAccrualController final : public Controller
{
public:
    using TimePoint = std::chrono::system_clock::time_point;
    static constexpr double kReservationMonthly = 83.22;  // 1-year reservation, 2 x Standard_D2s_v5, billed monthly
    static constexpr double kControlPlaneHour = 0.10;     // AKS Standard tier
    static constexpr double kLoadBalancerHour = 0.025;
    static constexpr double kPublicIpHour = 0.005;
    static constexpr double kServiceBusHour = 0.0135;     // Standard namespace base charge
    static constexpr double kStorageHour = 0.019;
    static constexpr double kLogBytesPerRequest = 50;     // ingested after adaptive sampling
    static constexpr double kLogGbPrice = 2.76;

    // Fills the history up to `start` at once, so the API has it before the first step (which a large
    // estate makes wait).
    CostAccrualController(SimContext &context, const TrafficModel &traffic, CostLedger &ledger, TimePoint start);
    void step(TimePoint now) override;

    // The price per hour of an Azure SQL tier ("S2", "GP_Gen5_2" ...); negative when unknown.
    static double databaseTierHourPrice(const std::string &tier);
    // "productservice" -> "ProductDb": a service's database when the scenario names none (sqlDatabase).
    static std::string databaseName(const std::string &service);
    // Pods a service runs at a time by its scenario (HPA answering the traffic curve, the canary's
    // replicas): what the history is made of.
    int historyPods(const ServiceSpec &service, std::size_t index, TimePoint at) const;
    double podHourPrice() const { return m_podHourPrice; }

private:
    struct ServiceCosts
    {
        std::size_t pods = 0;
        std::size_t database = 0;
        double databaseHourPrice = 0;
    };
    void backfill(TimePoint now);
    // Accrues [from, to) split at hour boundaries; `pods` per service and `rps` in total (history: from
    // the curve at each hour's middle when empty).
    void accrue(TimePoint from, TimePoint to, const std::vector<int> &pods, double rps);

    SimContext &m_ctx;
    const TrafficModel &m_traffic;
    CostLedger &m_ledger;
    double m_podHourPrice = 0;
    std::vector<ServiceCosts> m_services; // like scenario.services
    std::size_t m_controlPlane = 0, m_loadBalancer = 0, m_publicIp = 0, m_serviceBus = 0, m_logs = 0, m_storage = 0,
                m_purchase = 0, m_systemPool = 0;
    std::int64_t m_purchasedMonth = -1; // months since 1970-01 of the last reservation purchase
    TimePoint m_last;
};

} // namespace sim
