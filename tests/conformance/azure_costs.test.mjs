// The official Azure SDK for JavaScript judges opsdeck-sim's Cost Management and budgets:
// @azure/arm-costmanagement's query.usage (month to date, daily, by the Service tag) agrees with a plain
// REST query, pages through nextLink, forecasts, survives an injected 429; @azure/arm-consumption lists
// the budgets with their current spend. The clients run in a child process that trusts the sim's CA
// through NODE_EXTRA_CA_CERTS (azure-costs-client.mjs). The per-service totals are printed as the test's
// diagnostics, for comparing with what Opsdeck shows.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startSim } from "./sim.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const services = ["notificationservice", "orderservice", "productservice"];
let sim;
let seen;

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), "opsdeck-costs-"));
  const path = join(dir, "azure.json");
  sim = await startSim(["--write-azure-config", path]);
  const config = JSON.parse(readFileSync(path, "utf8"));
  const admin = sim.kc.users.find((u) => u.name === "admin").token;
  const stdout = await new Promise((resolve, reject) => {
    execFile(process.execPath, [join(here, "azure-costs-client.mjs"), path], {
      cwd: here, timeout: 120000,
      env: { ...process.env, NODE_EXTRA_CA_CERTS: config.caFile, OPSDECK_SIM_ADMIN_TOKEN: admin },
    }, (err, out, errText) => (err ? reject(new Error(`${err.message}\n${errText}`)) : resolve(out)));
  });
  seen = JSON.parse(stdout.trim().split("\n").pop());
});

after(async () => { await sim?.stop(); });

const close = (a, b, relative) => Math.abs(a - b) <= relative * Math.max(Math.abs(a), Math.abs(b), 1e-9);

test("query.usage answers month to date by day and Service tag in the real API's columns", (t) => {
  assert.deepEqual(seen.sdk.columns, ["Cost:Number", "UsageDate:Number", "TagKey:String", "TagValue:String", "Currency:String"]);
  assert.equal(seen.sdk.type, "Microsoft.CostManagement/query");
  assert.equal(seen.sdk.nextLink, null);
  assert.deepEqual(seen.sdk.currencies, ["USD"]);
  for (const tag of [...services, "shared", ""]) assert.ok(seen.sdk.all[tag] > 0, `spend for '${tag}': ${JSON.stringify(seen.sdk.all)}`);
  t.diagnostic(`month-to-date cost by Service (USD): ${JSON.stringify(seen.sdk.all)}`);
});

test("the SDK's per-service totals match a direct REST query", () => {
  assert.equal(seen.rest.status, 200);
  assert.equal(seen.rest.rows, seen.sdk.rows);
  // Days before today no longer change: equal to the cent. Today's keeps accruing between the calls.
  for (const tag of Object.keys(seen.sdk.settled))
    assert.ok(Math.abs(seen.sdk.settled[tag] - seen.rest.settled[tag]) < 0.005, `${tag}: ${seen.sdk.settled[tag]} vs ${seen.rest.settled[tag]}`);
  for (const tag of Object.keys(seen.sdk.all)) assert.ok(close(seen.sdk.all[tag], seen.rest.all[tag], 0.01), tag);
  assert.equal(seen.rest.qpuConsumed, "1");
  assert.match(seen.rest.qpuRemaining, /QueriesPer10Sec:\d+,QueriesPerMin:\d+,QueriesPerHour:\d+/);
});

test("paging follows nextLink through the SDK to the same rows", () => {
  assert.ok(seen.paged.pages > 2, JSON.stringify(seen.paged));
  assert.equal(seen.paged.pages, Math.ceil(seen.paged.rows / 25));
  assert.equal(seen.paged.rows, seen.sdk.rows);
  for (const tag of Object.keys(seen.sdk.settled))
    assert.ok(Math.abs(seen.sdk.settled[tag] - seen.paged.settled[tag]) < 0.005, tag);
});

test("forecast.usage flags rows Actual and Forecast to the month's end", (t) => {
  assert.deepEqual(seen.forecast.columns, ["Cost:Number", "UsageDate:Number", "CostStatus:String", "Currency:String"]);
  assert.ok(seen.forecast.statuses.Forecast >= 1, JSON.stringify(seen.forecast.statuses));
  const day = seen.today % 100;
  assert.equal(seen.forecast.statuses.Actual ?? 0, day - 1);
  t.diagnostic(`orderservice forecast to month end (USD): ${seen.forecast.monthEnd.toFixed(2)}`);
});

test("a 429 with Retry-After is retried by the SDK and then answered", () => {
  assert.equal(seen.throttled.hook, 201);
  assert.equal(seen.throttled.rows, seen.sdk.rows);
  assert.ok(seen.throttled.waitedMs >= 900, JSON.stringify(seen.throttled));
});

test("a bad query definition is the API's 400 BadRequest", () => {
  assert.notEqual(seen.badRequest, "accepted");
  assert.equal(seen.badRequest.statusCode, 400);
  assert.equal(seen.badRequest.code, "BadRequest");
  assert.match(seen.badRequest.message, /timeframe 'Yesterday'/);
});

test("ConsumptionManagementClient lists the budgets with their current spend", (t) => {
  const names = seen.budgets.map((b) => b.name).sort();
  assert.deepEqual(names, [...services.map((s) => `${s}-monthly`), "subscription-monthly"].sort());
  for (const b of seen.budgets) {
    assert.equal(b.category, "Cost");
    assert.equal(b.timeGrain, "Monthly");
    assert.equal(b.currentSpend.unit, "USD");
    assert.ok(b.currentSpend.amount > 0 && b.forecastSpend.amount >= b.currentSpend.amount * 0.9, JSON.stringify(b));
    assert.deepEqual(Object.keys(b.notifications).sort(), ["actual_GreaterThan_100_Percent", "actual_GreaterThan_50_Percent",
      "actual_GreaterThan_80_Percent", "forecasted_GreaterThan_100_Percent"]);
  }
  // A service's budget spends what the query says the service cost this month.
  const order = seen.budgets.find((b) => b.name === "orderservice-monthly");
  assert.deepEqual(order.filter.tags, { name: "Service", operator: "In", values: ["orderservice"] });
  assert.ok(close(order.currentSpend.amount, seen.sdk.all.orderservice, 0.01), `${order.currentSpend.amount} vs ${seen.sdk.all.orderservice}`);
  t.diagnostic(`budgets: ${JSON.stringify(seen.budgets.map((b) => [b.name, b.amount, +b.currentSpend.amount.toFixed(2), +b.forecastSpend.amount.toFixed(2)]))}`);
  assert.equal(seen.created.name, "conformance-check");
  assert.ok(seen.created.eTag);
});
