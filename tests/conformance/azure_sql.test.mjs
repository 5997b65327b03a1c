// @azure/arm-sql against opsdeck-sim: SqlManagementClient lists the server and its databases (tagged by
// service, with their restore window), and databases.beginCreateOrUpdateAndWait runs a point-in-time
// restore through the sim's long-running operation to the restored database Online — the LRO contract
// the app's restore runbook relies on (API-CONTRACTS §5). Also the 400/409 errors, a restore that chaos
// makes fail, and a 429 the SDK retries. The client runs in a child process trusting the sim's CA.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startSim } from "./sim.mjs";

const here = dirname(fileURLToPath(import.meta.url));
let sim;
let seen;
let config;

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), "opsdeck-sql-"));
  const path = join(dir, "azure.json");
  sim = await startSim(["--write-azure-config", path]);
  config = JSON.parse(readFileSync(path, "utf8"));
  const admin = sim.kc.users.find((u) => u.name === "admin").token;
  const stdout = await new Promise((resolve, reject) => {
    execFile(process.execPath, [join(here, "azure-sql-client.mjs"), path], {
      cwd: here, timeout: 240000,
      env: { ...process.env, NODE_EXTRA_CA_CERTS: config.caFile, OPSDECK_SIM_ADMIN_TOKEN: admin },
    }, (err, out, errText) => (err ? reject(new Error(`${err.message}\n${errText}`)) : resolve(out)));
  });
  seen = JSON.parse(stdout.trim().split("\n").pop());
});

after(async () => { await sim?.stop(); });

test("the config names the SQL server", () => {
  assert.equal(config.sqlServer, "opsdeck-sql");
  assert.equal(config.sqlLocation, "westeurope");
});

test("servers.list finds the logical server", () => {
  assert.deepEqual(seen.servers, [{ name: "opsdeck-sql", fqdn: "opsdeck-sql.database.windows.net", location: "westeurope" }]);
});

test("databases.listByServer: one database per service, tagged, Online, with a 7-day window", () => {
  const byName = Object.fromEntries(seen.databases.map((d) => [d.name, d]));
  assert.ok(byName.master, "master is listed, as on a real server");
  for (const [name, service] of [["ProductDb", "productservice"], ["OrderDb", "orderservice"], ["NotificationDb", "notificationservice"]]) {
    const db = byName[name];
    assert.ok(db, name);
    assert.equal(db.tags.Service, service);
    assert.equal(db.status, "Online");
    assert.equal(db.serviceObjective, "GP_Gen5_2");
    assert.match(db.id, new RegExp(`/resourceGroups/${config.resourceGroup}/providers/Microsoft.Sql/servers/opsdeck-sql/databases/${name}$`));
    const window = (Date.parse(db.creationDate) - Date.parse(db.earliestRestoreDate)) / 86400000;
    assert.ok(window < -30, `created long before its window opens: ${JSON.stringify(db)}`);
    const age = (Date.now() - Date.parse(db.earliestRestoreDate)) / 86400000;
    assert.ok(age > 6.9 && age < 7.1, `earliestRestoreDate about 7 days back: ${db.earliestRestoreDate}`);
  }
});

test("beginCreateOrUpdateAndWait restores to a new Online database", () => {
  assert.ok(!seen.restore.error, JSON.stringify(seen.restore));
  assert.equal(seen.restore.name, "ProductDb-restored");
  assert.equal(seen.restore.status, "Online");
  assert.deepEqual(seen.restore.tags, { Service: "productservice" });
  assert.equal(seen.restore.earliestRestoreDate, seen.restore.creationDate);
  assert.equal(seen.restoredGet.status, "Online");
  // 120 virtual seconds at --speed 10.
  assert.ok(seen.restore.seconds >= 8 && seen.restore.seconds < 90, `took ${seen.restore.seconds} s`);
});

test("the LRO went through 202 + Azure-AsyncOperation polling, then a GET of the database", () => {
  const [first, ...polls] = seen.responses;
  assert.equal(first.method, "PUT");
  assert.equal(first.status, 202);
  assert.match(first.asyncOperation, /\/providers\/Microsoft\.Sql\/locations\/westeurope\/databaseAzureAsyncOperation\/[0-9a-f-]{36}\?api-version=/);
  assert.match(first.location, /\/locations\/westeurope\/databaseOperationResults\/[0-9a-f-]{36}\?api-version=/);
  assert.ok(Number(first.retryAfter) >= 1, JSON.stringify(first));
  const statuses = polls.filter((r) => r.url.includes("databaseAzureAsyncOperation")).map((r) => r.body.status);
  assert.ok(statuses.length >= 2, JSON.stringify(statuses));
  assert.equal(statuses[0], "InProgress");
  assert.equal(statuses.at(-1), "Succeeded");
  const last = seen.responses.at(-1);
  assert.equal(last.method, "GET");
  assert.match(last.url, /\/databases\/ProductDb-restored\?api-version=/);
  assert.equal(last.status, 200);
});

test("a restore point before the window is the sim's 400 InvalidPointInTime", () => {
  assert.notEqual(seen.tooEarly, "accepted");
  assert.equal(seen.tooEarly.statusCode, 400);
  assert.equal(seen.tooEarly.code, "InvalidPointInTime");
});

test("restoring onto an existing name is a 409", () => {
  assert.notEqual(seen.nameTaken, "accepted");
  assert.equal(seen.nameTaken.statusCode, 409);
  assert.equal(seen.nameTaken.code, "DatabaseAlreadyExists");
});

test("chaos restore-fail: the poller surfaces the operation's error", () => {
  assert.equal(seen.chaosStatus, 200);
  assert.notEqual(seen.failedRestore, "succeeded");
  assert.match(JSON.stringify(seen.failedRestore), /DatabaseRestoreFailed|restore-fail/);
});

test("a 429 with Retry-After is retried by the SDK", () => {
  assert.equal(seen.throttleHook, 201);
  assert.equal(seen.throttled.name, "OrderDb");
  assert.ok(seen.throttled.seconds >= 0.9, JSON.stringify(seen.throttled));
});
