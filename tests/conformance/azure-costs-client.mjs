// Child process of azure_costs.test.mjs: the official ARM SDKs against opsdeck-sim's Cost Management and
// budgets. Runs with NODE_EXTRA_CA_CERTS set to the sim's CA (read at start-up, hence a process of its
// own) and prints one JSON object of what it saw. argv[2]: the --write-azure-config file; env
// OPSDECK_SIM_ADMIN_TOKEN reaches the sim's test hooks (an injected 429).
import { readFileSync } from "node:fs";
import { ClientSecretCredential } from "@azure/identity";
import { CostManagementClient } from "@azure/arm-costmanagement";
import { ConsumptionManagementClient } from "@azure/arm-consumption";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const scope = `/subscriptions/${config.subscriptionId}`;
const out = {};
const credential = new ClientSecretCredential(config.tenantId, config.clientId, config.clientSecret, {
  authorityHost: config.authorityHost, disableInstanceDiscovery: true });

const byService = {
  type: "ActualCost",
  timeframe: "MonthToDate",
  dataset: {
    granularity: "Daily",
    aggregation: { totalCost: { name: "Cost", function: "Sum" } },
    grouping: [{ type: "TagKey", name: "Service" }],
  },
};

// Per TagValue ("" = untagged): the whole period, and the days before `today` (yyyymmdd), which no
// longer change while the sim runs.
function totals(columns, rows, today) {
  const at = (name) => columns.findIndex((c) => c.name === name);
  const [cost, date, value, currency] = [at("Cost"), at("UsageDate"), at("TagValue"), at("Currency")];
  const all = {};
  const settled = {};
  const currencies = new Set();
  for (const row of rows) {
    all[row[value]] = (all[row[value]] ?? 0) + row[cost];
    if (row[date] < today) settled[row[value]] = (settled[row[value]] ?? 0) + row[cost];
    currencies.add(row[currency]);
  }
  return { all, settled, currencies: [...currencies] };
}

const now = new Date();
const today = now.getUTCFullYear() * 10000 + (now.getUTCMonth() + 1) * 100 + now.getUTCDate();
out.today = today;

// The SDK pointed at the sim; a policy sends the next request to a nextLink (paging through the SDK's
// own pipeline: auth, retries, deserialisation).
const costs = new CostManagementClient(credential, { endpoint: config.armEndpoint });
let redirect = null;
costs.pipeline.addPolicy({
  name: "opsdeckNextLink",
  sendRequest: (request, next) => {
    if (redirect) { request.url = redirect; redirect = null; }
    return next(request);
  },
});

const sdk = await costs.query.usage(scope, byService);
out.sdk = { columns: sdk.columns.map((c) => `${c.name}:${c.type}`), rows: sdk.rows.length, nextLink: sdk.nextLink ?? null,
  type: sdk.type, ...totals(sdk.columns, sdk.rows, today) };

// The same query over plain REST with the same credential.
const token = await credential.getToken(`${config.armEndpoint}/.default`);
const rest = await fetch(`${config.armEndpoint}${scope}/providers/Microsoft.CostManagement/query?api-version=2023-03-01`, {
  method: "POST", headers: { Authorization: `Bearer ${token.token}`, "Content-Type": "application/json" },
  body: JSON.stringify(byService) });
const restBody = await rest.json();
out.rest = { status: rest.status, qpuConsumed: rest.headers.get("x-ms-ratelimit-microsoft.costmanagement-qpu-consumed"),
  qpuRemaining: rest.headers.get("x-ms-ratelimit-microsoft.costmanagement-qpu-remaining"),
  rows: restBody.properties.rows.length, ...totals(restBody.properties.columns, restBody.properties.rows, today) };

// Paging: 25 rows a page, following nextLink until it is null.
redirect = `${config.armEndpoint}${scope}/providers/Microsoft.CostManagement/query?api-version=2022-10-01&$top=25`;
let page = await costs.query.usage(scope, byService);
let pages = 1;
const paged = [...page.rows];
while (page.nextLink && pages < 100) {
  redirect = page.nextLink;
  page = await costs.query.usage(scope, byService);
  pages += 1;
  paged.push(...page.rows);
}
out.paged = { pages, rows: paged.length, ...totals(page.columns, paged, today) };

// Forecast to the month's end for one service, actual cost included.
const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0, 23, 59, 59));
const forecast = await costs.forecast.usage(scope, {
  type: "ActualCost", timeframe: "Custom", timePeriod: { from: first, to: last }, includeActualCost: true,
  dataset: { granularity: "Daily", aggregation: { totalCost: { name: "Cost", function: "Sum" } },
    filter: { tags: { name: "Service", operator: "In", values: ["orderservice"] } } } });
const statuses = {};
for (const row of forecast.rows) statuses[row[2]] = (statuses[row[2]] ?? 0) + 1;
out.forecast = { columns: forecast.columns.map((c) => `${c.name}:${c.type}`), statuses,
  monthEnd: forecast.rows.reduce((sum, row) => sum + row[0], 0) };

// An injected 429 (Retry-After 1 s): the SDK's retry policy waits and gets the answer.
const hook = await fetch(`${config.armEndpoint}/_opsdeck/azure/cost-faults`, { method: "POST",
  headers: { Authorization: `Bearer ${process.env.OPSDECK_SIM_ADMIN_TOKEN}`, "Content-Type": "application/json" },
  body: JSON.stringify({ kind: "throttle", api: "query", count: 1, retryAfterSeconds: 1 }) });
const started = Date.now();
const afterThrottle = await costs.query.usage(scope, byService);
out.throttled = { hook: hook.status, rows: afterThrottle.rows.length, waitedMs: Date.now() - started };

try {
  await costs.query.usage(scope, { type: "ActualCost", timeframe: "Yesterday", dataset: {} });
  out.badRequest = "accepted";
} catch (e) {
  out.badRequest = { statusCode: e.statusCode, code: e.code, message: String(e.message).slice(0, 300) };
}

// Budgets through @azure/arm-consumption.
const consumption = new ConsumptionManagementClient(credential, config.subscriptionId, { endpoint: config.armEndpoint });
out.budgets = [];
for await (const b of consumption.budgets.list(scope)) {
  out.budgets.push({ name: b.name, amount: b.amount, timeGrain: b.timeGrain, category: b.category,
    currentSpend: b.currentSpend, forecastSpend: b.forecastSpend, filter: b.filter,
    notifications: Object.fromEntries(Object.entries(b.notifications ?? {}).map(([k, n]) =>
      [k, { threshold: n.threshold, operator: n.operator, thresholdType: n.thresholdType }])) });
}
const created = await consumption.budgets.createOrUpdate(scope, "conformance-check", {
  category: "Cost", amount: 100, timeGrain: "Monthly", timePeriod: { startDate: first },
  notifications: { actual80: { enabled: true, operator: "GreaterThan", threshold: 80, contactEmails: ["sre@opsdeck.demo"] } } });
out.created = { name: created.name, eTag: created.eTag, currentSpend: created.currentSpend };
await consumption.budgets.delete(scope, "conformance-check");

console.log(JSON.stringify(out));
