#include "budgets.h"

#include "scenario.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <set>

namespace sim {

namespace {

using Json = nlohmann::json;
using namespace std::chrono;

std::string lower(std::string s)
{
    for (auto &c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

CostError bad(const std::string &message)
{
    return {400, "BadRequest", message};
}

std::int64_t dayFrom(int y, unsigned m, unsigned d)
{
    return sys_days{year_month_day{year{y}, month{m}, day{d}}}.time_since_epoch().count();
}

year_month_day ymdOf(std::int64_t d)
{
    return year_month_day{sys_days{days{d}}};
}

// First day of the month `months` after the one holding `d`.
std::int64_t addMonths(std::int64_t d, int months)
{
    const auto ymd = ymdOf(d);
    const auto shifted = year_month{ymd.year(), ymd.month()} + std::chrono::months{months};
    return dayFrom(static_cast<int>(shifted.year()), static_cast<unsigned>(shifted.month()), 1);
}

std::string isoZ(std::int64_t d)
{
    return CostQuery::isoDate(d) + "Z";
}

Json notification(double threshold, const std::string &type)
{
    return {{"enabled", true},       {"operator", "GreaterThan"}, {"threshold", threshold},
            {"contactEmails", {Budgets::kContact}}, {"contactRoles", Json::array()}, {"contactGroups", Json::array()},
            {"thresholdType", type}, {"locale", "en-us"}};
}

// Rounds a spend up to a budget-looking amount.
double roundUp(double amount, double step)
{
    return std::max(step, std::ceil(amount / step) * step);
}

} // namespace

Budgets::Budgets(const CostLedger &ledger, std::string subscriptionId, const Scenario *scenario)
    : m_ledger(ledger)
    , m_subscriptionId(std::move(subscriptionId))
    , m_scenario(scenario)
{}

std::pair<std::int64_t, std::int64_t> Budgets::period(const std::string &grain, std::int64_t today)
{
    const auto ymd = ymdOf(today);
    const int y = static_cast<int>(ymd.year());
    const unsigned m = static_cast<unsigned>(ymd.month());
    if (grain == "Quarterly" || grain == "BillingQuarter") {
        const std::int64_t first = dayFrom(y, (m - 1) / 3 * 3 + 1, 1);
        return {first, addMonths(first, 3) - 1};
    }
    if (grain == "Annually" || grain == "BillingAnnual")
        return {dayFrom(y, 1, 1), dayFrom(y + 1, 1, 1) - 1};
    const std::int64_t first = dayFrom(y, m, 1);
    return {first, addMonths(first, 1) - 1};
}

std::string Budgets::key(const CostScope &scope, const std::string &name)
{
    return lower(scope.resourceGroup) + "/" + lower(name);
}

std::string Budgets::scopePath(const CostScope &scope) const
{
    std::string path = "/subscriptions/" + m_subscriptionId;
    if (!scope.resourceGroup.empty())
        path += "/resourceGroups/" + scope.resourceGroup;
    return path;
}

std::string Budgets::nextETag()
{
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "\"1d%013llx\"",
                  static_cast<unsigned long long>(0x5f3a9b2c0000ULL + (++m_version) * 0x9e3779b1ULL));
    return buffer;
}

void Budgets::seed(TimePoint now)
{
    if (m_seeded)
        return;
    m_seeded = true;
    if (!m_scenario)
        return;
    const std::int64_t today = CostQuery::dayOf(now);
    const std::int64_t start = addMonths(today, -1);
    const std::int64_t end = addMonths(start, 12) - 1;
    // Amounts the scenario does not give follow last month's spend, with some headroom.
    const auto totals = m_ledger.totals(start * 24, addMonths(today, 0) * 24);
    const auto resources = m_ledger.resources();
    std::map<std::string, double> byTag;
    double all = 0;
    for (std::size_t r = 0; r < resources.size() && r < totals.size(); ++r) {
        if (resources[r].basis == CostResource::Basis::AmortizedOnly)
            continue;
        byTag[resources[r].serviceTag] += totals[r];
        all += totals[r];
    }
    const auto &configured = m_scenario->costs.budgets;
    const auto add = [&](const std::string &name, double amount, std::optional<std::string> service) {
        Budget b;
        b.scope = {m_subscriptionId, {}};
        b.name = name;
        b.properties = {{"category", "Cost"},
                        {"amount", amount},
                        {"timeGrain", "Monthly"},
                        {"timePeriod", {{"startDate", isoZ(start)}, {"endDate", isoZ(end)}}},
                        {"notifications",
                         {{"actual_GreaterThan_50_Percent", notification(50, "Actual")},
                          {"actual_GreaterThan_80_Percent", notification(80, "Actual")},
                          {"actual_GreaterThan_100_Percent", notification(100, "Actual")},
                          {"forecasted_GreaterThan_100_Percent", notification(100, "Forecasted")}}}};
        if (service) {
            b.properties["filter"] = {{"tags", {{"name", "Service"}, {"operator", "In"}, {"values", {*service}}}}};
            CostFilter f;
            f.kind = CostFilter::Kind::Tag;
            f.name = "Service";
            f.values = {*service};
            b.filter = f;
        }
        b.eTag = nextETag();
        m_budgets[key(b.scope, name)] = std::move(b);
    };
    for (const auto &s : m_scenario->services) {
        const auto it = configured.find(s.name);
        add(s.name + "-monthly", it != configured.end() ? it->second : roundUp(byTag[s.name] * 1.2, 10), s.name);
    }
    const auto it = configured.find("subscription");
    add("subscription-monthly", it != configured.end() ? it->second : roundUp(all * 1.1, 50), std::nullopt);
}

Json Budgets::render(const Budget &b, TimePoint now,
                     std::map<std::pair<std::int64_t, std::int64_t>, CostQuery::SpendTable> &tables) const
{
    const std::int64_t today = CostQuery::dayOf(now);
    const std::string grain = b.properties.value("timeGrain", std::string("Monthly"));
    auto [from, to] = period(grain, today);
    const auto start = CostQuery::parseDay(b.properties["timePeriod"].value("startDate", std::string()));
    const auto end = CostQuery::parseDay(b.properties["timePeriod"].value("endDate", std::string()));
    CostQuery::Spend spend;
    if ((!start || *start <= today) && (!end || *end >= from)) {
        if (start)
            from = std::max(from, *start);
        if (end)
            to = std::min(to, *end);
        auto table = tables.find({from, to});
        if (table == tables.end())
            table = tables.emplace(std::pair{from, to}, CostQuery::spendTable(m_ledger, from, to, now)).first;
        spend = CostQuery::spend(table->second, b.filter, b.scope);
    }
    const std::string unit = m_ledger.currency();
    Json properties = b.properties;
    properties["currentSpend"] = {{"amount", spend.actual}, {"unit", unit}};
    properties["forecastSpend"] = {{"amount", spend.forecast}, {"unit", unit}};
    return {{"id", scopePath(b.scope) + "/providers/Microsoft.Consumption/budgets/" + b.name},
            {"name", b.name},
            {"type", "Microsoft.Consumption/budgets"},
            {"eTag", b.eTag},
            {"properties", properties}};
}

std::vector<Json> Budgets::list(const CostScope &scope, TimePoint now, std::size_t offset, std::size_t count,
                                std::size_t *total)
{
    std::lock_guard lock(m_mutex);
    seed(now);
    std::vector<Json> out;
    std::map<std::pair<std::int64_t, std::int64_t>, CostQuery::SpendTable> tables;
    std::size_t index = 0;
    for (const auto &[k, b] : m_budgets) {
        if (lower(b.scope.resourceGroup) != lower(scope.resourceGroup))
            continue;
        if (index >= offset && index - offset < count)
            out.push_back(render(b, now, tables));
        ++index;
    }
    if (total)
        *total = index;
    return out;
}

std::optional<Json> Budgets::get(const CostScope &scope, const std::string &name, TimePoint now)
{
    std::lock_guard lock(m_mutex);
    seed(now);
    const auto it = m_budgets.find(key(scope, name));
    if (it == m_budgets.end())
        return std::nullopt;
    std::map<std::pair<std::int64_t, std::int64_t>, CostQuery::SpendTable> tables;
    return render(it->second, now, tables);
}

bool Budgets::remove(const CostScope &scope, const std::string &name, TimePoint now)
{
    std::lock_guard lock(m_mutex);
    seed(now);
    return m_budgets.erase(key(scope, name)) > 0;
}

std::variant<std::pair<int, Json>, CostError> Budgets::put(const CostScope &scope, const std::string &name,
                                                           const Json &body, TimePoint now)
{
    if (!body.is_object() || !body.contains("properties") || !body["properties"].is_object())
        return bad("The budget must be an object with 'properties'.");
    const Json &p = body["properties"];
    if (p.value("category", std::string()) != "Cost")
        return bad("Budget category '" + p.value("category", std::string()) + "' is not valid; the only category is 'Cost'.");
    if (!p.contains("amount") || !p["amount"].is_number() || !(p["amount"].get<double>() > 0))
        return bad("Budget amount is required and must be greater than 0.");
    static const std::set<std::string> grains = {"Monthly", "Quarterly", "Annually", "BillingMonth", "BillingQuarter",
                                                 "BillingAnnual"};
    const std::string grain = p.value("timeGrain", std::string());
    if (!grains.count(grain))
        return bad("Budget timeGrain '" + grain + "' is not valid; valid values are 'Monthly', 'Quarterly', 'Annually', "
                   "'BillingMonth', 'BillingQuarter', 'BillingAnnual'.");
    const Json timePeriod = p.value("timePeriod", Json::object());
    const auto start =
        timePeriod.is_object() ? CostQuery::parseDay(timePeriod.value("startDate", std::string())) : std::nullopt;
    if (!start)
        return bad("Budget timePeriod.startDate is required (an ISO 8601 date).");
    if (ymdOf(*start).day() != day{1})
        return bad("Budget timePeriod.startDate must be the first day of a month.");
    std::int64_t end = addMonths(*start, 120) - 1; // ten years when not given, as the API defaults it
    if (timePeriod.contains("endDate") && !timePeriod["endDate"].is_null()) {
        const auto e = CostQuery::parseDay(timePeriod.value("endDate", std::string()));
        if (!e || *e <= *start)
            return bad("Budget timePeriod.endDate must be a date after startDate.");
        end = *e;
    }
    std::optional<CostFilter> filter;
    if (p.contains("filter") && !p["filter"].is_null() && !p["filter"].empty()) {
        auto parsed = CostQuery::parseFilter(p["filter"], false);
        if (auto *e = std::get_if<CostError>(&parsed))
            return bad("Budget filter: " + e->message);
        filter = std::get<CostFilter>(std::move(parsed));
    }
    Json notifications = Json::object();
    if (p.contains("notifications") && !p["notifications"].is_null()) {
        if (!p["notifications"].is_object())
            return bad("Budget notifications must be an object keyed by notification name.");
        if (p["notifications"].size() > 5)
            return bad("A budget can have at most 5 notifications.");
        static const std::set<std::string> operators = {"GreaterThan", "GreaterThanOrEqualTo", "EqualTo"};
        for (const auto &[k, n] : p["notifications"].items()) {
            const std::string at = "Notification '" + k + "': ";
            if (!n.is_object() || !n.contains("enabled") || !n["enabled"].is_boolean())
                return bad(at + "'enabled' is required.");
            if (!operators.count(n.value("operator", std::string())))
                return bad(at + "'operator' must be 'GreaterThan', 'GreaterThanOrEqualTo' or 'EqualTo'.");
            if (!n.contains("threshold") || !n["threshold"].is_number() || n["threshold"].get<double>() < 0
                || n["threshold"].get<double>() > 1000)
                return bad(at + "'threshold' is required, a percentage from 0 to 1000.");
            if (!n.contains("contactEmails") || !n["contactEmails"].is_array())
                return bad(at + "'contactEmails' is required.");
            const auto listed = [&](const char *field) {
                return n.contains(field) && n[field].is_array() && !n[field].empty();
            };
            if (n["contactEmails"].empty() && !listed("contactGroups") && !listed("contactRoles"))
                return bad(at + "'contactEmails' may be empty only when contactGroups or contactRoles are given.");
            const std::string type = n.value("thresholdType", std::string("Actual"));
            if (type != "Actual" && type != "Forecasted")
                return bad(at + "'thresholdType' must be 'Actual' or 'Forecasted'.");
            Json stored = n;
            stored["thresholdType"] = type;
            for (const char *field : {"contactRoles", "contactGroups"})
                if (!stored.contains(field))
                    stored[field] = Json::array();
            if (!stored.contains("locale"))
                stored["locale"] = "en-us";
            notifications[k] = stored;
        }
    }

    std::lock_guard lock(m_mutex);
    seed(now);
    const std::string k = key(scope, name);
    const auto existing = m_budgets.find(k);
    const std::string sentETag = body.value("eTag", std::string());
    if (existing != m_budgets.end() && !sentETag.empty() && sentETag != existing->second.eTag)
        return CostError{412, "PreconditionFailed",
                         "The budget '" + name + "' was changed since eTag " + sentETag + " (now " + existing->second.eTag
                             + "): get it again and apply your change to the latest version."};
    // As the API says: a past start date lies in the current period, a future one within twelve months
    // (an update may keep the start date it had).
    const std::int64_t today = CostQuery::dayOf(now);
    const bool keepsStart = existing != m_budgets.end()
        && CostQuery::parseDay(existing->second.properties["timePeriod"].value("startDate", std::string())) == start;
    if (!keepsStart && *start < period(grain, today).first)
        return bad("Budget timePeriod.startDate " + isoZ(*start) + " is in the past: a past start date must lie in "
                   "the current " + grain + " period (from " + isoZ(period(grain, today).first) + ").");
    if (*start > addMonths(today, 12))
        return bad("Budget timePeriod.startDate " + isoZ(*start) + " is more than twelve months ahead.");
    Budget b;
    b.scope = scope;
    b.name = existing != m_budgets.end() ? existing->second.name : name;
    b.properties = {{"category", "Cost"},
                    {"amount", p["amount"].get<double>()},
                    {"timeGrain", grain},
                    {"timePeriod", {{"startDate", isoZ(*start)}, {"endDate", isoZ(end)}}},
                    {"notifications", notifications}};
    if (filter)
        b.properties["filter"] = p["filter"];
    b.filter = filter;
    b.eTag = nextETag();
    const int status = existing == m_budgets.end() ? 201 : 200;
    std::map<std::pair<std::int64_t, std::int64_t>, CostQuery::SpendTable> tables;
    Json rendered = render(b, now, tables);
    m_budgets[k] = std::move(b);
    return std::pair<int, Json>{status, rendered};
}

} // namespace sim
