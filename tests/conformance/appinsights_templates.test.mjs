// Every query the appinsights plugin sends, exactly as `opsdeck --print-queries` renders it, in both
// dialects and all four windows: Microsoft's Kusto language service parses and type-checks it over the
// documented schemas (no error diagnostics) and computes the result columns the plugin reads, with the
// types it reads them as; then opsdeck-sim runs it (through its query API, with a token from its Entra
// endpoint) and answers with those columns.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import https from "node:https";
import { startSim } from "./sim.mjs";
import { schemas, columnsOf } from "./azure-queries.mjs";

const require = createRequire(import.meta.url);
require("@kusto/language-service-next/bridge.js");
require("@kusto/language-service-next/Kusto.Language.Bridge.js");
const Kusto = globalThis.Kusto;

// opsdeck is built beside opsdeck-sim (bin/); OPSDECK overrides.
function opsdeckBinary() {
  const path = process.env.OPSDECK ?? (process.env.OPSDECK_SIM && join(dirname(process.env.OPSDECK_SIM), "opsdeck"));
  if (!path || !existsSync(path)) throw new Error(`opsdeck binary not found (${path}); set OPSDECK or OPSDECK_SIM`);
  return path;
}

// The print-queries contract: blocks separated by a line holding only ----, each opening with
// "// <id>, <dialect> dialect, window <w> (timespan <iso>): <title>" and "// columns: a, b, …".
function printedQueries(dialect) {
  const out = execFileSync(opsdeckBinary(), ["--print-queries", "--dialect", dialect],
    { encoding: "utf8", env: { ...process.env, DISPLAY: "", WAYLAND_DISPLAY: "", QT_QPA_PLATFORM: "" } });
  return out.split(/^----\n/m).map((block) => {
    const head = block.match(/^\/\/ (\w+), (\w+) dialect, window (\w+) \(timespan (\w+)\): .*\n\/\/ columns: (.*)\n/);
    assert.ok(head, `block without the two header lines:\n${block}`);
    return { id: head[1], dialect: head[2], window: head[3], timespan: head[4], columns: head[5].split(", "),
      printed: block, query: block.slice(head[0].length).trimEnd() };
  });
}

function globalsFor(dialect) {
  const tables = Object.keys(schemas[dialect]).map((name) =>
    new Kusto.Language.Symbols.TableSymbol.$ctor7(name, `(${columnsOf(dialect, name).map((c) => `${c.name}:${c.type}`).join(", ")})`, null));
  return Kusto.Language.GlobalState.Default.WithDatabase(new Kusto.Language.Symbols.DatabaseSymbol.$ctor2(dialect, null, tables));
}

function analyse(text, globals) {
  const code = Kusto.Language.KustoCode.ParseAndAnalyze(text, globals);
  const diagnostics = code.GetDiagnostics();
  const errors = [];
  for (let i = 0; i < diagnostics.Count; i++) {
    const d = diagnostics.getItem(i);
    if (String(d.Severity) === "Error") errors.push(d.Message);
  }
  const columns = [];
  const cols = code.ResultType?.Columns;
  for (let i = 0; cols && i < cols.Count; i++) columns.push({ name: cols.getItem(i).Name, type: cols.getItem(i).Type.Name });
  return { errors, columns };
}

// How the plugin reads each column (plugins/appinsights/telemetryconverter.cpp).
const stringColumns = new Set(["Service", "Track", "Event", "Operation", "ResultCode"]);
const numeric = new Set(["int", "long", "real", "decimal"]);
function expectedType(column) {
  if (stringColumns.has(column)) return (t) => t === "string";
  if (column === "TimeBin") return (t) => t === "datetime";
  return (t) => numeric.has(t);
}

const dialects = ["workspace", "classic"];
const printed = Object.fromEntries(dialects.map((d) => [d, printedQueries(d)]));

for (const dialect of dialects) {
  test(`opsdeck --print-queries --dialect ${dialect}: four queries per window, every window`, () => {
    const qs = printed[dialect];
    assert.equal(qs.length, 16);
    assert.deepEqual([...new Set(qs.map((q) => q.window))], ["15m", "1h", "6h", "24h"]);
    assert.deepEqual([...new Set(qs.map((q) => q.id))], ["requests", "dependencies", "resilience", "failures"]);
    for (const q of qs) assert.equal(q.dialect, dialect);
  });

  test(`Kusto language service accepts every ${dialect} query and computes the columns the plugin reads`, () => {
    const globals = globalsFor(dialect);
    for (const q of printed[dialect]) {
      const { errors, columns } = analyse(q.printed, globals); // comments and all, as a user pastes it
      assert.deepEqual(errors, [], `${q.id} ${q.window}:\n${q.query}`);
      assert.deepEqual(columns.map((c) => c.name), q.columns, `${q.id} ${q.window}`);
      for (const c of columns) assert.ok(expectedType(c.name)(c.type), `${q.id}: ${c.name} is ${c.type}`);
    }
  });

  test(`the ${dialect} check has teeth: a wrong column or table is an error`, () => {
    const globals = globalsFor(dialect);
    const q = printed[dialect][0].query;
    assert.notDeepEqual(analyse(q.replace(/sum\((ItemCount|itemCount)\)/, "sum(NoSuchColumn)"), globals).errors, []);
    const other = dialect === "workspace" ? "requests" : "AppRequests";
    assert.notDeepEqual(analyse(q.replace(/^\w+/, other), globals).errors, []);
  });
}

let sim;
let config;
let ca;
let dir;

function request(url, body, headers) {
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(url), { method: "POST", ca, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => { text += d; });
      res.on("end", () => {
        try { resolve({ status: res.statusCode, body: JSON.parse(text) }); }
        catch { reject(new Error(`${url}: ${res.statusCode} not JSON: ${text.slice(0, 200)}`)); }
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function tokenFor(resource) {
  const r = await request(`${config.authorityHost}/${config.tenantId}/oauth2/v2.0/token`,
    new URLSearchParams({ grant_type: "client_credentials", client_id: config.clientId, client_secret: config.clientSecret,
      scope: `${resource}/.default` }).toString(), { "Content-Type": "application/x-www-form-urlencoded" });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.access_token;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "opsdeck-aiq-"));
  const path = join(dir, "azure.json");
  sim = await startSim(["--write-azure-config", path]);
  config = JSON.parse(readFileSync(path, "utf8"));
  ca = readFileSync(config.caFile);
});

after(async () => {
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function checkAnswer(q, r) {
  assert.equal(r.status, 200, `${q.id} ${q.window}: ${JSON.stringify(r.body)}`);
  assert.equal(r.body.error, undefined, `${q.id} ${q.window}: partial: ${JSON.stringify(r.body.error)}`);
  const table = r.body.tables[0];
  assert.deepEqual(table.columns.map((c) => c.name), q.columns, `${q.id} ${q.window}`);
  for (const c of table.columns) assert.ok(expectedType(c.name)(c.type), `${q.id}: ${c.name} is ${c.type} on the sim`);
  if (q.id !== "resilience") assert.ok(table.rows.length > 0, `${q.id} ${q.window}: no rows`);
  if (q.id === "requests") {
    const tracks = new Set(table.rows.map((row) => row[1]));
    assert.deepEqual([...tracks].sort(), ["canary", "stable"], `${q.window}: tracks ${[...tracks]}`);
  }
}

for (const dialect of dialects) {
  test(`every ${dialect} query runs on the sim and returns the columns the plugin reads`, async () => {
    // The plugin's endpoints and audiences (plugins/appinsights/appinsightssource.cpp).
    const [url, resource] = dialect === "workspace"
      ? [`${config.logAnalyticsEndpoint}/v1/workspaces/${config.workspaceId}/query`, "https://api.loganalytics.io"]
      : [`${config.appInsightsEndpoint}/v1/apps/${config.appId}/query`, "https://api.applicationinsights.io"];
    const token = await tokenFor(resource);
    // Like the plugin, the four queries of a window go out together.
    for (const window of ["15m", "1h", "6h", "24h"]) {
      const batch = printed[dialect].filter((q) => q.window === window);
      const answers = await Promise.all(batch.map((q) => request(url, JSON.stringify({ query: q.query, timespan: q.timespan }),
        { "Content-Type": "application/json", Authorization: `Bearer ${token}` })));
      batch.forEach((q, i) => checkAnswer(q, answers[i]));
    }
  });
}
