#include "costaccrualcontroller.h"

#include "kubeutil.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>

namespace sim {

namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

std::string lower(std::string s)
{
    for (auto &c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::int64_t monthIndex(system_clock::time_point t)
{
    const year_month_day d{floor<days>(t)};
    return static_cast<int>(d.year()) * 12LL + static_cast<unsigned>(d.month()) - 1;
}

system_clock::time_point monthStart(std::int64_t index)
{
    const year_month_day d{year{static_cast<int>(index / 12)}, month{static_cast<unsigned>(index % 12 + 1)}, day{1}};
    return sys_days{d};
}

double hoursInMonth(std::int64_t index)
{
    return duration<double, std::ratio<3600>>(monthStart(index + 1) - monthStart(index)).count();
}

} // namespace

double CostAccrualController::databaseTierHourPrice(const std::string &tier)
{
    // Azure SQL Database list prices (single database, pay as you go, USD per hour).
    static const std::map<std::string, double> prices = {
        {"Basic", 0.0068},     {"S0", 0.0202},        {"S1", 0.0403},        {"S2", 0.1008},
        {"S3", 0.2016},        {"P1", 0.625},         {"P2", 1.25},          {"GP_Gen5_2", 0.505},
        {"GP_Gen5_4", 1.01},   {"GP_Gen5_8", 2.02},   {"BC_Gen5_2", 1.361},  {"HS_Gen5_2", 0.55},
        {"GP_S_Gen5_1", 0.22}, {"GP_S_Gen5_2", 0.44},
    };
    const auto it = prices.find(tier);
    return it == prices.end() ? -1 : it->second;
}

std::string CostAccrualController::databaseName(const std::string &service)
{
    std::string base = service;
    const std::string suffix = "service";
    if (base.size() > suffix.size() && base.compare(base.size() - suffix.size(), suffix.size(), suffix) == 0)
        base.erase(base.size() - suffix.size());
    if (!base.empty())
        base[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(base[0])));
    return base + "Db";
}

CostAccrualController::CostAccrualController(SimContext &context, const TrafficModel &traffic, CostLedger &ledger,
                                             TimePoint start)
    : m_ctx(context)
    , m_traffic(traffic)
    , m_ledger(ledger)
{
    const CostSpec &spec = m_ctx.scenario.costs;
    m_ledger.setCurrency(spec.currency);
    m_podHourPrice = spec.nodeHourPrice / std::max(1, spec.podsPerNode);
    const std::string rg = lower(spec.resourceGroup);
    const std::string location = lower(spec.location);
    // AKS keeps the nodes, the load balancer and its IP in the cluster's node resource group.
    const std::string nodeRg = lower("mc_" + spec.resourceGroup + "_" + spec.cluster + "_" + spec.location);
    std::string pool = m_ctx.nodes.empty() ? std::string("aks-nodepool1-00000000-vmss000000") : m_ctx.nodes[0].name;
    pool = pool.substr(0, pool.rfind("-vmss")); // aks-nodepool1-<id>
    const std::string poolId = pool.substr(pool.rfind('-') + 1);
    const auto arm = [](const std::string &group, const std::string &provider) {
        return "resourcegroups/" + group + "/providers/" + provider;
    };
    const auto add = [&](std::string id, std::string group, std::string serviceName, std::string type,
                         std::string tag) {
        CostResource r;
        r.id = std::move(id);
        r.resourceGroup = std::move(group);
        r.serviceName = std::move(serviceName);
        r.resourceType = std::move(type);
        r.location = location;
        r.serviceTag = std::move(tag);
        return r;
    };

    for (const auto &s : m_ctx.scenario.services) {
        ServiceCosts costs;
        costs.pods = m_ledger.addResource(add(arm(nodeRg, "microsoft.compute/virtualmachinescalesets/" + pool + "-vmss"),
                                              nodeRg, "Virtual Machines", "microsoft.compute/virtualmachinescalesets",
                                              s.name));
        const auto tier = spec.databaseTiers.count(s.name) ? spec.databaseTiers.at(s.name) : spec.defaultDatabaseTier;
        costs.databaseHourPrice = databaseTierHourPrice(tier);
        if (costs.databaseHourPrice < 0)
            throw std::runtime_error("costs: unknown SQL tier \"" + tier + "\" for " + s.name);
        costs.database = m_ledger.addResource(
            add(arm(rg, "microsoft.sql/servers/" + lower(m_ctx.scenario.sqlServer) + "/databases/"
                            + lower(s.sqlDatabase.empty() ? databaseName(s.name) : s.sqlDatabase)),
                rg, "SQL Database",
                "microsoft.sql/servers/databases", s.name));
        m_services.push_back(costs);
    }
    m_controlPlane = m_ledger.addResource(add(arm(rg, "microsoft.containerservice/managedclusters/" + lower(spec.cluster)),
                                              rg, "Azure Kubernetes Service",
                                              "microsoft.containerservice/managedclusters", "shared"));
    m_loadBalancer = m_ledger.addResource(add(arm(nodeRg, "microsoft.network/loadbalancers/kubernetes"), nodeRg,
                                              "Load Balancer", "microsoft.network/loadbalancers", "shared"));
    m_publicIp = m_ledger.addResource(add(arm(nodeRg, "microsoft.network/publicipaddresses/ingress-nginx-ip"), nodeRg,
                                          "Virtual Network", "microsoft.network/publicipaddresses", "shared"));
    m_serviceBus = m_ledger.addResource(add(arm(rg, "microsoft.servicebus/namespaces/opsdeck-bus"), rg, "Service Bus",
                                            "microsoft.servicebus/namespaces", "shared"));
    CostResource system = add(arm(nodeRg, "microsoft.compute/virtualmachinescalesets/aks-systempool-" + poolId + "-vmss"),
                              nodeRg, "Virtual Machines", "microsoft.compute/virtualmachinescalesets", "shared");
    system.pricingModel = "Reservation";
    system.basis = CostResource::Basis::AmortizedOnly;
    m_systemPool = m_ledger.addResource(system);
    m_logs = m_ledger.addResource(add(arm(rg, "microsoft.operationalinsights/workspaces/opsdeck-logs"), rg,
                                      "Log Analytics", "microsoft.operationalinsights/workspaces", ""));
    m_storage = m_ledger.addResource(add(arm(rg, "microsoft.storage/storageaccounts/opsdeckdiag"), rg, "Storage",
                                         "microsoft.storage/storageaccounts", ""));
    CostResource purchase = add("", "", "Virtual Machines", "", "");
    purchase.chargeType = "Purchase";
    purchase.pricingModel = "Reservation";
    purchase.basis = CostResource::Basis::ActualOnly;
    m_purchase = m_ledger.addResource(purchase);
    backfill(start);
    m_last = start;
}

int CostAccrualController::historyPods(const ServiceSpec &s, std::size_t index, TimePoint at) const
{
    const double share = s.hasCanary ? std::clamp(s.canaryWeight / 100.0, 0.0, 1.0) : 0.0;
    int stable = s.stable.replicas;
    if (s.hpa.enabled) {
        // The HPA settles where utilisation meets its target: (idle x n + rps x cpu/request) / (request x n) = target.
        const double rps = m_traffic.serviceRps(s, index, at) * (1.0 - share);
        const double headroom = kube::cpuMillis(s.cpuRequest) * s.hpa.targetCpuUtilization / 100.0 - s.traffic.idleCpu;
        const int wanted = headroom > 0 ? static_cast<int>(std::ceil(rps * s.traffic.cpuPerRequest / headroom))
                                        : s.hpa.maxReplicas;
        stable = std::clamp(wanted, s.hpa.minReplicas, s.hpa.maxReplicas);
    }
    return stable + (s.hasCanary ? s.canary.replicas : 0);
}

void CostAccrualController::accrue(TimePoint from, TimePoint to, const std::vector<int> &pods, double rps)
{
    const auto &services = m_ctx.scenario.services;
    for (TimePoint t = from; t < to;) {
        const TimePoint hourStart = floor<hours>(t);
        const TimePoint end = std::min(to, hourStart + 1h);
        const double h = duration<double, std::ratio<3600>>(end - t).count();
        const std::int64_t hour = CostLedger::hourOf(t);
        const std::int64_t month = monthIndex(t);
        if (month > m_purchasedMonth) {
            // The reservation bills each month's instalment at its first hour.
            m_ledger.accrue(CostLedger::hourOf(monthStart(month)), m_purchase, kReservationMonthly);
            m_purchasedMonth = month;
        }
        double totalRps = rps;
        const TimePoint middle = hourStart + 30min;
        const bool history = pods.empty();
        if (history)
            totalRps = 0;
        for (std::size_t i = 0; i < services.size(); ++i) {
            const int n = history ? historyPods(services[i], i, middle) : pods[i];
            if (history)
                totalRps += m_traffic.serviceRps(services[i], i, middle);
            m_ledger.accrue(hour, m_services[i].pods, n * m_podHourPrice * h);
            m_ledger.accrue(hour, m_services[i].database, m_services[i].databaseHourPrice * h);
        }
        m_ledger.accrue(hour, m_controlPlane, kControlPlaneHour * h);
        m_ledger.accrue(hour, m_loadBalancer, kLoadBalancerHour * h);
        m_ledger.accrue(hour, m_publicIp, kPublicIpHour * h);
        m_ledger.accrue(hour, m_serviceBus, kServiceBusHour * h);
        m_ledger.accrue(hour, m_storage, kStorageHour * h);
        m_ledger.accrue(hour, m_systemPool, kReservationMonthly / hoursInMonth(month) * h);
        m_ledger.accrue(hour, m_logs, totalRps * 3600.0 * h * kLogBytesPerRequest / 1e9 * kLogGbPrice);
        t = end;
    }
}

void CostAccrualController::backfill(TimePoint now)
{
    accrue(monthStart(monthIndex(now) - 1), now, {}, 0);
}

void CostAccrualController::step(TimePoint now)
{
    // Once per virtual second, with the pods running now.
    if (now - m_last < 1s)
        return;
    const auto &services = m_ctx.scenario.services;
    std::map<std::string, int> running;
    m_ctx.pods.refresh();
    for (const PodInfo *pod : m_ctx.pods.pods())
        if (pod->active() && pod->scheduled)
            ++running[pod->app];
    std::vector<int> pods(services.size(), 0);
    for (std::size_t i = 0; i < services.size(); ++i)
        pods[i] = running.count(services[i].name) ? running[services[i].name] : 0;
    double rps = 0;
    for (const auto &[key, load] : m_ctx.load)
        rps += load.rps;
    if (pods.empty())
        pods.push_back(0); // never taken for history
    accrue(m_last, now, pods, rps);
    m_last = now;
}

} // namespace sim
