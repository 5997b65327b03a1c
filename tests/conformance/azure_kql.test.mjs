// Opsdeck's kind of queries, in both dialects, are valid KQL for Microsoft's own language service
// over the documented schemas; the sim serves those tables with the documented column names and types,
// and answers every query with the columns Opsdeck reads. Refusals have the query API's error shape.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import https from "node:https";
import { startSim } from "./sim.mjs";
import { schemas, columnsOf, queries } from "./azure-queries.mjs";

const require = createRequire(import.meta.url);
require("@kusto/language-service-next/bridge.js");
require("@kusto/language-service-next/Kusto.Language.Bridge.js");
const Kusto = globalThis.Kusto;

function globalsFor(dialect) {
  const tables = Object.keys(schemas[dialect]).map((name) => {
    const cols = columnsOf(dialect, name).map((c) => `${c.name}:${c.type}`).join(", ");
    return new Kusto.Language.Symbols.TableSymbol.$ctor7(name, `(${cols})`, null);
  });
  const db = new Kusto.Language.Symbols.DatabaseSymbol.$ctor2(dialect, null, tables);
  return Kusto.Language.GlobalState.Default.WithDatabase(db);
}

function errorsOf(query, globals) {
  const diagnostics = Kusto.Language.KustoCode.ParseAndAnalyze(query, globals).GetDiagnostics();
  const out = [];
  for (let i = 0; i < diagnostics.Count; i++) {
    const d = diagnostics.getItem(i);
    if (String(d.Severity) === "Error") out.push(d.Message);
  }
  return out;
}

for (const dialect of ["workspace", "classic"]) {
  const globals = globalsFor(dialect);
  test(`Kusto language service accepts every ${dialect} template`, () => {
    for (const q of queries(dialect)) assert.deepEqual(errorsOf(q.query, globals), [], `${q.id}: ${q.query}`);
  });
  test(`Kusto language service rejects a wrong ${dialect} column (the check has teeth)`, () => {
    const q = queries(dialect)[0].query.replace(/sum\((ItemCount|itemCount)\)/, "sum(NoSuchColumn)");
    assert.notDeepEqual(errorsOf(q, globals), []);
  });
}

let sim;
let config;
let ca;
let token;

function post(path, body, bearer) {
  const url = new URL(config.logAnalyticsEndpoint + path);
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: "POST", ca, headers: { "Content-Type": "application/json",
      ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}) } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => { text += d; });
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: JSON.parse(text) }));
    });
    req.on("error", reject);
    req.end(data);
  });
}

function form(path, fields) {
  const url = new URL(config.authorityHost + path);
  const data = new URLSearchParams(fields).toString();
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: "POST", ca, headers: { "Content-Type": "application/x-www-form-urlencoded" } }, (res) => {
      let text = "";
      res.on("data", (d) => { text += d; });
      res.on("end", () => resolve({ status: res.statusCode, body: JSON.parse(text) }));
    });
    req.on("error", reject);
    req.end(data);
  });
}

before(async () => {
  const dir = join((await import("node:os")).tmpdir(), `opsdeck-az-${process.pid}`);
  (await import("node:fs")).mkdirSync(dir, { recursive: true });
  const path = join(dir, "azure.json");
  sim = await startSim(["--write-azure-config", path]);
  config = JSON.parse(readFileSync(path, "utf8"));
  ca = readFileSync(config.caFile.startsWith("/") ? config.caFile : join(dirname(path), config.caFile));
  const reply = await form(`/${config.tenantId}/oauth2/v2.0/token`, {
    grant_type: "client_credentials", client_id: config.clientId, client_secret: config.clientSecret,
    scope: "https://api.loganalytics.io/.default" });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  token = reply.body.access_token;
});

after(async () => { await sim?.stop(); });

for (const dialect of ["workspace", "classic"]) {
  const path = () => dialect === "workspace" ? `/v1/workspaces/${config.workspaceId}/query` : `/v1/apps/${config.appId}/query`;

  test(`the sim's ${dialect} tables have the documented columns and types`, async () => {
    for (const table of Object.keys(schemas[dialect])) {
      const documented = new Map(columnsOf(dialect, table).map((c) => [c.name, c.type]));
      const r = await post(path(), { query: `${table} | take 1`, timespan: "PT1H" }, token);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const columns = r.body.tables[0].columns;
      assert.ok(columns.length >= 10, `${table}: ${columns.length} columns`);
      for (const c of columns) assert.equal(documented.get(c.name), c.type, `${table}.${c.name}`);
    }
  });

  test(`every ${dialect} template runs on the sim and returns the expected columns`, async () => {
    for (const q of queries(dialect)) {
      const r = await post(path(), { query: q.query, timespan: "PT6H" }, token);
      assert.equal(r.status, 200, `${q.id}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.tables[0].name, "PrimaryResult");
      assert.deepEqual(r.body.tables[0].columns.map((c) => c.name), q.columns, q.id);
      if (q.id !== "breaker-state" && q.id !== "exceptions") assert.ok(r.body.tables[0].rows.length > 0, `${q.id}: no rows`);
    }
  });
}

test("history exists at start and counts add up per track", async () => {
  const r = await post(`/v1/workspaces/${config.workspaceId}/query`, {
    query: "AppRequests | summarize Requests = sum(ItemCount), Oldest = min(TimeGenerated) by Track = tostring(Properties.version)",
    timespan: "PT6H" }, token);
  assert.equal(r.status, 200);
  const byTrack = Object.fromEntries(r.body.tables[0].rows.map((row) => [row[0], row]));
  assert.ok(byTrack.stable && byTrack.canary, JSON.stringify(r.body));
  assert.ok(Date.now() - Date.parse(byTrack.stable[2]) > 5 * 3600 * 1000, `oldest ${byTrack.stable[2]}`);
  assert.ok(byTrack.stable[1] > byTrack.canary[1] * 3, "the canary takes a small share");
});

test("unsupported KQL is a 400 BadArgumentError / SyntaxError naming it", async () => {
  const r = await post(`/v1/workspaces/${config.workspaceId}/query`, { query: "AppRequests | join (AppDependencies) on OperationId" }, token);
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, "BadArgumentError");
  assert.equal(r.body.error.innererror.code, "SyntaxError");
  assert.match(r.body.error.innererror.message, /'join'/);
  const s = await post(`/v1/workspaces/${config.workspaceId}/query`, { query: "AppRequests | where Nope == 1" }, token);
  assert.equal(s.body.error.innererror.code, "SemanticError");
  assert.match(s.body.error.innererror.innererror.message, /Nope/);
});

test("queries need a bearer token with the right audience", async () => {
  const none = await post(`/v1/workspaces/${config.workspaceId}/query`, { query: "AppRequests | count" });
  assert.equal(none.status, 401);
  assert.equal(none.body.error.code, "AuthorizationRequiredError");
  const bad = await post(`/v1/workspaces/${config.workspaceId}/query`, { query: "AppRequests | count" }, token.slice(0, -2) + "xx");
  assert.equal(bad.status, 403);
  const arm = await form(`/${config.tenantId}/oauth2/v2.0/token`, {
    grant_type: "client_credentials", client_id: config.clientId, client_secret: config.clientSecret,
    scope: "https://management.azure.com/.default" });
  const wrong = await post(`/v1/workspaces/${config.workspaceId}/query`, { query: "AppRequests | count" }, arm.body.access_token);
  assert.equal(wrong.status, 403);
  const secret = await form(`/${config.tenantId}/oauth2/v2.0/token`, {
    grant_type: "client_credentials", client_id: config.clientId, client_secret: "wrong", scope: "https://api.loganalytics.io/.default" });
  assert.equal(secret.status, 401);
  assert.equal(secret.body.error, "invalid_client");
  assert.deepEqual(secret.body.error_codes, [7000215]);
});
