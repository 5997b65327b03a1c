#include "costquery.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>

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

bool same(const std::string &a, const std::string &b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

CostError bad(const std::string &message)
{
    return {400, "BadRequest", message};
}

std::string text(const Json &body, const char *key)
{
    const auto it = body.find(key);
    return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t monthOfDay(std::int64_t d)
{
    const year_month_day ymd{sys_days{days{d}}};
    return static_cast<int>(ymd.year()) * 12LL + static_cast<unsigned>(ymd.month()) - 1;
}

std::int64_t firstDayOfMonth(std::int64_t month)
{
    const year_month_day ymd{year{static_cast<int>(month / 12)}, std::chrono::month{static_cast<unsigned>(month % 12 + 1)},
                             day{1}};
    return sys_days{ymd}.time_since_epoch().count();
}

const std::vector<std::string> &costColumns()
{
    static const std::vector<std::string> columns = {"Cost", "PreTaxCost", "CostUSD", "PreTaxCostUSD"};
    return columns;
}

bool usdColumn(const std::string &column)
{
    return column.size() > 3 && column.compare(column.size() - 3, 3, "USD") == 0;
}

// Which resources a request counts: in scope, passing the filter, and shown by its cost type.
std::vector<bool> selection(const std::vector<CostResource> &resources, const std::optional<CostFilter> &filter,
                            const CostScope &scope, bool amortized)
{
    std::vector<bool> selected(resources.size(), false);
    for (std::size_t r = 0; r < resources.size(); ++r) {
        const auto basis = resources[r].basis;
        if (basis == (amortized ? CostResource::Basis::ActualOnly : CostResource::Basis::AmortizedOnly))
            continue;
        selected[r] = CostQuery::inScope(resources[r], scope) && (!filter || CostQuery::matches(*filter, resources[r], scope));
    }
    return selected;
}

// Actual cost per day up to now, and the forecast per day from today on, of the selected resources.
struct Days
{
    std::map<std::int64_t, double> actual;   // day -> cost so far (today's is partial)
    std::map<std::int64_t, double> forecast; // day -> expected cost (today's: the whole day, or what is left of it)
};

Days forecastDays(const CostLedger &ledger, const std::vector<CostResource> &resources, const std::vector<bool> &selected,
                  std::int64_t fromDay, std::int64_t toDay, system_clock::time_point now, bool restOfToday)
{
    Days out;
    const std::int64_t today = CostQuery::dayOf(now);
    const std::int64_t nowHour = CostLedger::hourOf(now);
    ledger.visit(fromDay * 24, (std::min(toDay, today) + 1) * 24, [&](std::int64_t hour, const std::vector<double> &amounts) {
        double sum = 0;
        for (std::size_t r = 0; r < amounts.size() && r < selected.size(); ++r)
            if (selected[r])
                sum += amounts[r];
        if (sum > 0)
            out.actual[hour / 24] += sum;
    });
    // The run rate of the last 24 whole hours (an HPA scale-up shows within the hour); purchases
    // recur on the first of each month at this month's instalment.
    const auto rates = ledger.totals(nowHour - 24, nowHour);
    const auto month = ledger.totals(firstDayOfMonth(monthOfDay(today)) * 24, nowHour + 1);
    double rate = 0;
    double instalment = 0;
    for (std::size_t r = 0; r < resources.size() && r < rates.size(); ++r) {
        if (!selected[r])
            continue;
        if (resources[r].chargeType == "Purchase")
            instalment += month[r];
        else
            rate += rates[r];
    }
    const double dayFraction = duration<double, std::ratio<86400>>(now - sys_days{days{today}}).count();
    for (std::int64_t d = std::max(fromDay, today); d <= toDay; ++d) {
        double cost = rate;
        if (d == today && restOfToday)
            cost = rate * (1.0 - dayFraction);
        const year_month_day ymd{sys_days{days{d}}};
        if (d > today && ymd.day() == day{1})
            cost += instalment;
        out.forecast[d] = cost;
    }
    return out;
}

} // namespace

int CostQueryDefinition::qpu() const
{
    return std::max(1, static_cast<int>(std::ceil((toDay - fromDay + 1) / 31.0)));
}

std::int64_t CostQuery::dayOf(TimePoint t)
{
    return floor<days>(t).time_since_epoch().count();
}

std::int64_t CostQuery::usageDate(std::int64_t d)
{
    const year_month_day ymd{sys_days{days{d}}};
    return static_cast<int>(ymd.year()) * 10000LL + static_cast<unsigned>(ymd.month()) * 100 + static_cast<unsigned>(ymd.day());
}

std::string CostQuery::isoDate(std::int64_t d)
{
    const year_month_day ymd{sys_days{days{d}}};
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT00:00:00", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return buffer;
}

std::optional<std::int64_t> CostQuery::parseDay(const std::string &value)
{
    int y = 0;
    unsigned m = 0;
    unsigned d = 0;
    if (value.size() < 10 || value[4] != '-' || value[7] != '-')
        return std::nullopt;
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (!std::isdigit(static_cast<unsigned char>(value[i])))
            return std::nullopt;
    if (value.size() > 10 && value[10] != 'T' && value[10] != 't' && value[10] != ' ')
        return std::nullopt;
    if (std::sscanf(value.c_str(), "%4d-%2u-%2u", &y, &m, &d) != 3)
        return std::nullopt;
    const year_month_day ymd{year{y}, month{m}, day{d}};
    if (!ymd.ok())
        return std::nullopt;
    return sys_days{ymd}.time_since_epoch().count();
}

double CostQuery::usdRate(const std::string &currency)
{
    static const std::map<std::string, double> rates = {{"USD", 1.0},   {"EUR", 1.08},   {"GBP", 1.27},  {"CHF", 1.13},
                                                        {"JPY", 0.0067}, {"INR", 0.012},  {"AUD", 0.66},  {"CAD", 0.73},
                                                        {"SEK", 0.095},  {"NOK", 0.093},  {"DKK", 0.145}, {"NZD", 0.6}};
    const auto it = rates.find(currency);
    return it == rates.end() ? 1.0 : it->second;
}

std::optional<std::string> CostQuery::canonicalDimension(const std::string &name)
{
    static const std::vector<std::string> names = {"ResourceGroup",   "ResourceGroupName", "ResourceId",
                                                   "ResourceType",    "ResourceLocation",  "ServiceName",
                                                   "MeterCategory",   "ChargeType",        "PricingModel",
                                                   "SubscriptionId",  "PublisherType"};
    for (const auto &n : names)
        if (same(n, name))
            return n;
    return std::nullopt;
}

std::optional<std::string> CostQuery::dimensionValue(const CostResource &r, const std::string &dimension,
                                                     const CostScope &scope)
{
    const auto name = canonicalDimension(dimension);
    if (!name)
        return std::nullopt;
    if (*name == "ResourceGroup" || *name == "ResourceGroupName")
        return r.resourceGroup;
    if (*name == "ResourceId")
        return r.id.empty() ? std::string() : "/subscriptions/" + lower(scope.subscriptionId) + "/" + r.id;
    if (*name == "ResourceType")
        return r.resourceType;
    if (*name == "ResourceLocation")
        return r.location;
    if (*name == "ServiceName" || *name == "MeterCategory")
        return r.serviceName;
    if (*name == "ChargeType")
        return r.chargeType;
    if (*name == "PricingModel")
        return r.pricingModel;
    if (*name == "SubscriptionId")
        return scope.subscriptionId;
    return std::string("Azure"); // PublisherType
}

bool CostQuery::inScope(const CostResource &r, const CostScope &scope)
{
    return scope.resourceGroup.empty() || (!r.resourceGroup.empty() && same(r.resourceGroup, scope.resourceGroup));
}

bool CostQuery::matches(const CostFilter &f, const CostResource &r, const CostScope &scope)
{
    switch (f.kind) {
    case CostFilter::Kind::And:
        return std::all_of(f.children.begin(), f.children.end(), [&](const CostFilter &c) { return matches(c, r, scope); });
    case CostFilter::Kind::Or:
        return std::any_of(f.children.begin(), f.children.end(), [&](const CostFilter &c) { return matches(c, r, scope); });
    case CostFilter::Kind::Not:
        return !f.children.empty() && !matches(f.children.front(), r, scope);
    case CostFilter::Kind::Tag: {
        if (r.serviceTag.empty() || !same(f.name, "Service"))
            return false;
        return std::any_of(f.values.begin(), f.values.end(), [&](const std::string &v) { return same(v, r.serviceTag); });
    }
    case CostFilter::Kind::Dimension: {
        const auto value = dimensionValue(r, f.name, scope);
        return value && std::any_of(f.values.begin(), f.values.end(), [&](const std::string &v) { return same(v, *value); });
    }
    }
    return false;
}

std::variant<CostFilter, CostError> CostQuery::parseFilter(const Json &node, bool allowOrNot)
{
    if (!node.is_object())
        return bad("Invalid query definition: the filter must be an object.");
    std::vector<std::string> keys;
    for (const auto &[key, value] : node.items())
        if (!value.is_null())
            keys.push_back(key);
    if (keys.size() != 1)
        return bad("Invalid query definition: a filter expression takes exactly one of 'and', 'or', 'not', 'dimensions', "
                   "'tags'.");
    const std::string key = keys.front();
    const Json &value = node.at(key);
    CostFilter f;
    if (key == "and" || key == "or" || (key == "not" && allowOrNot)) {
        if (key == "or" && !allowOrNot)
            return bad("Invalid filter: 'or' is not supported here.");
        f.kind = key == "and" ? CostFilter::Kind::And : key == "or" ? CostFilter::Kind::Or : CostFilter::Kind::Not;
        if (key == "not") {
            auto child = parseFilter(value, allowOrNot);
            if (auto *e = std::get_if<CostError>(&child))
                return *e;
            f.children.push_back(std::get<CostFilter>(std::move(child)));
            return f;
        }
        if (!value.is_array() || value.size() < 2)
            return bad("Invalid query definition: the '" + key + "' expression must have at least 2 items.");
        for (const auto &item : value) {
            auto child = parseFilter(item, allowOrNot);
            if (auto *e = std::get_if<CostError>(&child))
                return *e;
            f.children.push_back(std::get<CostFilter>(std::move(child)));
        }
        return f;
    }
    if (key != "dimensions" && key != "tags")
        return bad("Invalid query definition: unknown filter expression '" + key + "'.");
    f.kind = key == "tags" ? CostFilter::Kind::Tag : CostFilter::Kind::Dimension;
    if (!value.is_object() || !value.contains("name") || !value["name"].is_string())
        return bad("Invalid query definition: the '" + key + "' comparison needs a name.");
    f.name = value["name"].get<std::string>();
    const std::string op = text(value, "operator");
    if (op != "In")
        return bad("Invalid query definition: the operator '" + op + "' is not supported; the only operator is 'In'.");
    if (!value.contains("values") || !value["values"].is_array() || value["values"].empty())
        return bad("Invalid query definition: the '" + key + "' comparison on '" + f.name + "' needs at least 1 value.");
    for (const auto &v : value["values"]) {
        if (!v.is_string())
            return bad("Invalid query definition: filter values must be strings.");
        f.values.push_back(v.get<std::string>());
    }
    if (f.kind == CostFilter::Kind::Dimension) {
        const auto canonical = canonicalDimension(f.name);
        if (!canonical)
            return bad("Invalid query definition: the dimension '" + f.name + "' is not valid for filtering.");
        f.name = *canonical;
    }
    return f;
}

std::variant<CostQueryDefinition, CostError> CostQuery::parse(const Json &body, bool forecast, TimePoint now)
{
    const std::string what = forecast ? "forecast" : "query";
    if (!body.is_object())
        return bad("Invalid " + what + " definition: the request body must be a JSON object.");
    CostQueryDefinition d;
    d.forecast = forecast;
    d.type = text(body, "type");
    if (d.type != "ActualCost" && d.type != "AmortizedCost" && d.type != "Usage")
        return bad("Invalid " + what + " definition: the type '" + d.type
                   + "' is not valid; valid values are 'Usage', 'ActualCost', 'AmortizedCost'.");
    d.amortized = d.type == "AmortizedCost";
    d.timeframe = text(body, "timeframe");
    const std::int64_t today = dayOf(now);
    const std::int64_t thisMonth = monthOfDay(today);
    if (forecast && d.timeframe != "Custom")
        return bad("Invalid forecast definition: the timeframe '" + d.timeframe
                   + "' is not supported; forecasts take the 'Custom' timeframe with a timePeriod.");
    if (d.timeframe == "MonthToDate" || d.timeframe == "BillingMonthToDate") {
        d.fromDay = firstDayOfMonth(thisMonth);
        d.toDay = today;
    } else if (d.timeframe == "TheLastMonth" || d.timeframe == "TheLastBillingMonth") {
        d.fromDay = firstDayOfMonth(thisMonth - 1);
        d.toDay = firstDayOfMonth(thisMonth) - 1;
    } else if (d.timeframe == "WeekToDate") {
        const weekday wd{sys_days{days{today}}};
        d.fromDay = today - static_cast<std::int64_t>((wd.c_encoding() + 6) % 7); // weeks start on Monday
        d.toDay = today;
    } else if (d.timeframe == "Custom") {
        const auto period = body.find("timePeriod");
        if (period == body.end() || !period->is_object())
            return bad("Invalid " + what + " definition: timePeriod is required when the timeframe is 'Custom'.");
        const auto from = parseDay(text(*period, "from"));
        const auto to = parseDay(text(*period, "to"));
        if (!from || !to)
            return bad("Invalid " + what + " definition: timePeriod needs 'from' and 'to' as ISO 8601 dates, e.g. "
                       "'2026-11-01T00:00:00Z'.");
        if (*from > *to)
            return bad("Invalid " + what + " definition: timePeriod 'from' must not be after 'to'.");
        if (*to - *from + 1 > kMaxDays)
            return bad("Invalid " + what + " definition: the time period for pulling the data cannot exceed 1 year(s).");
        d.fromDay = *from;
        d.toDay = *to;
    } else {
        return bad("Invalid " + what + " definition: the timeframe '" + d.timeframe
                   + "' is not valid; valid values are 'MonthToDate', 'BillingMonthToDate', 'TheLastMonth', "
                     "'TheLastBillingMonth', 'WeekToDate', 'Custom'.");
    }

    const auto datasetIt = body.find("dataset");
    if (datasetIt == body.end() || !datasetIt->is_object())
        return bad("Invalid " + what + " definition, Dataset is invalid or not supplied.");
    const Json &dataset = *datasetIt;
    const auto granularity = dataset.find("granularity");
    if (granularity != dataset.end() && !granularity->is_null()) {
        const std::string g = granularity->is_string() ? granularity->get<std::string>() : std::string();
        if (g != "Daily" && g != "None" && !(g == "Monthly" && !forecast))
            return bad("Invalid " + what + " definition: the granularity '" + g + "' is not valid; valid values are "
                       + (forecast ? "'Daily'." : "'Daily', 'Monthly' (or none, for totals)."));
        d.granularity = g;
    }
    if (const auto aggregation = dataset.find("aggregation"); aggregation != dataset.end() && !aggregation->is_null()) {
        if (!aggregation->is_object())
            return bad("Invalid " + what + " definition: the aggregation must be an object of aliases.");
        if (aggregation->size() > 2)
            return bad("Invalid " + what + " definition: at most 2 aggregations are allowed.");
        for (const auto &[alias, spec] : aggregation->items()) {
            const std::string name = spec.is_object() ? text(spec, "name") : std::string();
            const std::string function = spec.is_object() ? text(spec, "function") : std::string();
            if (function != "Sum")
                return bad("Invalid " + what + " definition: the aggregation function '" + function + "' of '" + alias
                           + "' is not valid; the only function is 'Sum'.");
            const auto column = std::find_if(costColumns().begin(), costColumns().end(),
                                             [&](const std::string &c) { return same(c, name); });
            if (column == costColumns().end())
                return bad("Invalid " + what + " definition: the aggregation column '" + name + "' of '" + alias
                           + "' is not valid; valid columns are 'Cost', 'PreTaxCost', 'CostUSD', 'PreTaxCostUSD'.");
            d.aggregations.push_back(*column);
        }
    }
    if (forecast && d.aggregations.empty())
        return bad("Invalid forecast definition: dataset.aggregation is required.");
    if (const auto grouping = dataset.find("grouping"); grouping != dataset.end() && !grouping->is_null()) {
        if (forecast)
            return bad("Invalid forecast definition: grouping is not supported by forecast; filter by one tag value "
                       "per call instead.");
        if (!grouping->is_array() || grouping->size() > 2)
            return bad("Invalid query definition: at most 2 groupings are allowed.");
        for (const auto &g : *grouping) {
            CostGrouping item{text(g, "type"), text(g, "name")};
            if (item.type == "TagKey") {
                if (item.name.empty())
                    return bad("Invalid query definition: a TagKey grouping needs the tag's name.");
            } else if (item.type == "Dimension") {
                const auto canonical = canonicalDimension(item.name);
                if (!canonical)
                    return bad("Invalid query definition: the dimension '" + item.name
                               + "' is not valid for grouping; valid dimensions include 'ResourceGroup', "
                                 "'ResourceGroupName', 'ResourceId', 'ResourceType', 'ResourceLocation', 'ServiceName', "
                                 "'MeterCategory', 'ChargeType', 'PricingModel', 'SubscriptionId'.");
                item.name = *canonical;
            } else {
                return bad("Invalid query definition: the grouping type '" + item.type
                           + "' is not valid; valid values are 'Dimension', 'TagKey'.");
            }
            d.grouping.push_back(item);
        }
    }
    if (const auto filter = dataset.find("filter"); filter != dataset.end() && !filter->is_null()) {
        auto parsed = parseFilter(*filter, true);
        if (auto *e = std::get_if<CostError>(&parsed))
            return *e;
        d.filter = std::get<CostFilter>(std::move(parsed));
    }
    if (forecast) {
        d.includeActualCost = body.value("includeActualCost", false);
        d.includeFreshPartialCost = body.value("includeFreshPartialCost", false);
    }
    return d;
}

CostTable CostQuery::query(const CostLedger &ledger, const CostQueryDefinition &d, const CostScope &scope, TimePoint)
{
    const auto resources = ledger.resources();
    const std::string currency = ledger.currency();
    const auto selected = selection(resources, d.filter, scope, d.amortized);
    // Each resource's grouping values, e.g. {"Service", "orderservice", "SQL Database"}.
    std::vector<std::vector<std::string>> groups(resources.size());
    for (std::size_t r = 0; r < resources.size(); ++r) {
        for (const auto &g : d.grouping) {
            if (g.type == "TagKey") {
                const bool tagged = !resources[r].serviceTag.empty() && same(g.name, "Service");
                groups[r].push_back(tagged ? std::string("Service") : std::string());
                groups[r].push_back(tagged ? resources[r].serviceTag : std::string());
            } else {
                groups[r].push_back(dimensionValue(resources[r], g.name, scope).value_or(std::string()));
            }
        }
    }
    // Per date bucket and resource first (cheap under the ledger's lock), then per group.
    std::map<std::int64_t, std::vector<double>> buckets;
    ledger.visit(d.fromDay * 24, (d.toDay + 1) * 24, [&](std::int64_t hour, const std::vector<double> &amounts) {
        const std::int64_t day = hour / 24;
        const std::int64_t key = d.granularity == "Daily" ? day : d.granularity == "Monthly" ? monthOfDay(day) : 0;
        auto &bucket = buckets[key];
        bucket.resize(resources.size(), 0.0);
        for (std::size_t r = 0; r < amounts.size() && r < selected.size(); ++r)
            if (selected[r])
                bucket[r] += amounts[r];
    });
    std::map<std::pair<std::int64_t, std::vector<std::string>>, double> sums;
    for (const auto &[key, bucket] : buckets)
        for (std::size_t r = 0; r < bucket.size(); ++r)
            if (bucket[r] > 0)
                sums[{key, groups[r]}] += bucket[r];

    CostTable table;
    for (const auto &column : d.aggregations)
        table.columns.push_back({{"name", column}, {"type", "Number"}});
    if (d.granularity == "Daily")
        table.columns.push_back({{"name", "UsageDate"}, {"type", "Number"}});
    else if (d.granularity == "Monthly")
        table.columns.push_back({{"name", "BillingMonth"}, {"type", "Datetime"}});
    for (const auto &g : d.grouping) {
        if (g.type == "TagKey") {
            table.columns.push_back({{"name", "TagKey"}, {"type", "String"}});
            table.columns.push_back({{"name", "TagValue"}, {"type", "String"}});
        } else {
            table.columns.push_back({{"name", g.name}, {"type", "String"}});
        }
    }
    table.columns.push_back({{"name", "Currency"}, {"type", "String"}});
    const double usd = usdRate(currency);
    for (const auto &[key, cost] : sums) {
        Json row = Json::array();
        for (const auto &column : d.aggregations)
            row.push_back(usdColumn(column) ? cost * usd : cost);
        if (d.granularity == "Daily")
            row.push_back(usageDate(key.first));
        else if (d.granularity == "Monthly")
            row.push_back(isoDate(firstDayOfMonth(key.first)));
        for (const auto &value : key.second)
            row.push_back(value);
        row.push_back(usdColumn(d.aggregations.empty() ? std::string() : d.aggregations.front()) ? std::string("USD")
                                                                                                 : currency);
        table.rows.push_back(std::move(row));
    }
    return table;
}

CostTable CostQuery::forecast(const CostLedger &ledger, const CostQueryDefinition &d, const CostScope &scope, TimePoint now)
{
    const auto resources = ledger.resources();
    const std::string currency = ledger.currency();
    const auto selected = selection(resources, d.filter, scope, d.amortized);
    const bool fresh = d.includeActualCost && d.includeFreshPartialCost;
    const Days days = forecastDays(ledger, resources, selected, d.fromDay, d.toDay, now, fresh);
    const std::int64_t today = dayOf(now);
    const bool daily = d.granularity == "Daily";

    CostTable table;
    for (const auto &column : d.aggregations)
        table.columns.push_back({{"name", column}, {"type", "Number"}});
    if (daily)
        table.columns.push_back({{"name", "UsageDate"}, {"type", "Number"}});
    table.columns.push_back({{"name", "CostStatus"}, {"type", "String"}});
    table.columns.push_back({{"name", "Currency"}, {"type", "String"}});
    const double usd = usdRate(currency);
    const std::string unit = usdColumn(d.aggregations.front()) ? std::string("USD") : currency;
    const auto row = [&](double cost, std::optional<std::int64_t> day, const char *status) {
        Json r = Json::array();
        for (const auto &column : d.aggregations)
            r.push_back(usdColumn(column) ? cost * usd : cost);
        if (day)
            r.push_back(usageDate(*day));
        r.push_back(status);
        r.push_back(unit);
        table.rows.push_back(std::move(r));
    };
    double actualTotal = 0;
    double forecastTotal = 0;
    bool anyActual = false;
    for (std::int64_t day = d.fromDay; day <= d.toDay; ++day) {
        if (d.includeActualCost) {
            const auto a = days.actual.find(day);
            if (a != days.actual.end() && (day < today || (day == today && fresh))) {
                anyActual = true;
                actualTotal += a->second;
                if (daily)
                    row(a->second, day, "Actual");
            }
        }
        const auto f = days.forecast.find(day);
        if (f != days.forecast.end() && f->second > 0) {
            forecastTotal += f->second;
            if (daily)
                row(f->second, day, "Forecast");
        }
    }
    if (!daily) {
        if (anyActual)
            row(actualTotal, std::nullopt, "Actual");
        if (forecastTotal > 0)
            row(forecastTotal, std::nullopt, "Forecast");
    }
    return table;
}

CostQuery::SpendTable CostQuery::spendTable(const CostLedger &ledger, std::int64_t fromDay, std::int64_t toDay,
                                            TimePoint now)
{
    // Per resource, what forecastDays() sums over the selected ones: linear, so computed once.
    SpendTable t;
    t.resources = ledger.resources();
    const std::size_t n = t.resources.size();
    t.actual.assign(n, 0.0);
    t.forecast.assign(n, 0.0);
    const std::int64_t today = dayOf(now);
    const std::int64_t nowHour = CostLedger::hourOf(now);
    ledger.visit(fromDay * 24, (std::min(toDay, today) + 1) * 24, [&](std::int64_t hour, const std::vector<double> &amounts) {
        for (std::size_t r = 0; r < amounts.size() && r < n; ++r) {
            t.actual[r] += amounts[r];
            if (hour / 24 < today)
                t.forecast[r] += amounts[r];
        }
    });
    const auto rates = ledger.totals(nowHour - 24, nowHour);
    const auto month = ledger.totals(firstDayOfMonth(monthOfDay(today)) * 24, nowHour + 1);
    std::int64_t days = 0;
    std::int64_t firsts = 0;
    for (std::int64_t d = std::max(fromDay, today); d <= toDay; ++d) {
        ++days;
        if (d > today && year_month_day{sys_days{std::chrono::days{d}}}.day() == day{1})
            ++firsts;
    }
    for (std::size_t r = 0; r < n && r < rates.size(); ++r)
        t.forecast[r] += t.resources[r].chargeType == "Purchase" ? month[r] * static_cast<double>(firsts)
                                                                 : rates[r] * static_cast<double>(days);
    return t;
}

CostQuery::Spend CostQuery::spend(const SpendTable &t, const std::optional<CostFilter> &filter, const CostScope &scope)
{
    const auto selected = selection(t.resources, filter, scope, false);
    Spend s;
    for (std::size_t r = 0; r < selected.size(); ++r) {
        if (!selected[r])
            continue;
        s.actual += t.actual[r];
        s.forecast += t.forecast[r];
    }
    return s;
}

CostQuery::Spend CostQuery::spend(const CostLedger &ledger, const std::optional<CostFilter> &filter,
                                  const CostScope &scope, std::int64_t fromDay, std::int64_t toDay, TimePoint now)
{
    return spend(spendTable(ledger, fromDay, toDay, now), filter, scope);
}

} // namespace sim
