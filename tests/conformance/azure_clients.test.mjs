// The official Azure SDK for JavaScript against opsdeck-sim: @azure/identity's ClientSecretCredential and
// DeviceCodeCredential get tokens from the sim's Entra endpoint, and @azure/monitor-query-logs'
// LogsQueryClient runs KQL on its workspace. The clients run in a child process that trusts the sim's
// CA through NODE_EXTRA_CA_CERTS, as a user's would.
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

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), "opsdeck-azc-"));
  const path = join(dir, "azure.json");
  sim = await startSim(["--write-azure-config", path]);
  const config = JSON.parse(readFileSync(path, "utf8"));
  const admin = sim.kc.users.find((u) => u.name === "admin").token;
  const stdout = await new Promise((resolve, reject) => {
    execFile(process.execPath, [join(here, "azure-client.mjs"), path], {
      cwd: here, timeout: 120000,
      env: { ...process.env, NODE_EXTRA_CA_CERTS: config.caFile, OPSDECK_SIM_ADMIN_TOKEN: admin },
    }, (err, out, errText) => (err ? reject(new Error(`${err.message}\n${errText}`)) : resolve(out)));
  });
  seen = JSON.parse(stdout.trim().split("\n").pop());
});

after(async () => { await sim?.stop(); });

test("ClientSecretCredential gets a token for the Log Analytics audience", () => {
  assert.equal(seen.clientSecret.audience, "https://api.loganalytics.io");
  assert.ok(seen.clientSecret.expiresInSeconds > 3000, JSON.stringify(seen.clientSecret));
});

test("a wrong client secret is refused with Entra's error", () => {
  assert.notEqual(seen.wrongSecret, "accepted");
  assert.match(seen.wrongSecret.message, /AADSTS7000215|invalid_client/);
});

test("LogsQueryClient runs a query and reads the table", () => {
  assert.equal(seen.query.status, "Success");
  const [table] = seen.query.tables;
  assert.equal(table.name, "PrimaryResult");
  assert.deepEqual(table.columns, ["AppRoleName:string", "Track:string", "Requests:long", "Failed:long"]);
  const roles = new Set(table.rows.map((r) => r[0]));
  assert.ok(roles.has("productservice") && roles.has("orderservice"), JSON.stringify(table.rows));
  for (const row of table.rows) assert.ok(row[2] > 0 && row[3] >= 0 && row[3] < row[2], JSON.stringify(row));
});

test("LogsQueryClient surfaces the sim's 400 for unsupported KQL", () => {
  assert.notEqual(seen.badQuery, "accepted");
  assert.equal(seen.badQuery.statusCode, 400);
  assert.match(JSON.stringify(seen.badQuery), /BadArgumentError|render/);
});

test("DeviceCodeCredential signs in through the device code flow", () => {
  assert.equal(seen.deviceApprove, 200);
  assert.match(seen.devicePrompt.verificationUri, /\/devicelogin$/);
  assert.equal(seen.deviceCode.audience, "https://api.applicationinsights.io");
  assert.equal(seen.deviceCode.name, "sre@opsdeck.demo");
});
