// Child process of azure_sql.test.mjs: @azure/arm-sql's SqlManagementClient against opsdeck-sim's ARM.
// Runs with NODE_EXTRA_CA_CERTS set to the sim's CA and prints one JSON object of what it saw.
// argv[2]: the --write-azure-config file; env OPSDECK_SIM_ADMIN_TOKEN drives the sim's chaos and faults.
import { readFileSync } from "node:fs";
import { ClientSecretCredential } from "@azure/identity";
import { SqlManagementClient } from "@azure/arm-sql";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const admin = process.env.OPSDECK_SIM_ADMIN_TOKEN;
const out = {};
const rg = config.resourceGroup;
const server = config.sqlServer;

const credential = new ClientSecretCredential(config.tenantId, config.clientId, config.clientSecret, {
  authorityHost: config.authorityHost, disableInstanceDiscovery: true });
// Pointed at another endpoint, the SDK asks for the token audience `{endpoint}/.default` (API-CONTRACTS §6).
const client = new SqlManagementClient(credential, config.subscriptionId, { endpoint: config.armEndpoint });

async function hook(path, body) {
  const r = await fetch(`${config.armEndpoint}${path}`, { method: "POST",
    headers: { Authorization: `Bearer ${admin}`, "Content-Type": "application/json" }, body: JSON.stringify(body ?? {}) });
  return r.status;
}
const describe = (e) => ({ name: e.name, statusCode: e.statusCode, code: e.code, message: String(e.message).slice(0, 400) });
const iso = (d) => (d instanceof Date ? d.toISOString() : d);

out.servers = [];
for await (const s of client.servers.list()) out.servers.push({ name: s.name, fqdn: s.fullyQualifiedDomainName, location: s.location });

out.databases = [];
for await (const db of client.databases.listByServer(rg, server))
  out.databases.push({ name: db.name, id: db.id, status: db.status, tags: db.tags ?? {}, location: db.location,
    earliestRestoreDate: iso(db.earliestRestoreDate), creationDate: iso(db.creationDate),
    serviceObjective: db.currentServiceObjectiveName, sku: db.sku?.name });

const source = out.databases.find((d) => d.name === "ProductDb");
const point = new Date(Math.max(Date.parse(source.earliestRestoreDate) + 60000, Date.now() - 10 * 60 * 1000));

// The restore, tracked by the SDK's poller to the end; every response recorded.
const seen = [];
const started = Date.now();
try {
  const restored = await client.databases.beginCreateOrUpdateAndWait(rg, server, "ProductDb-restored", {
    location: config.sqlLocation, createMode: "PointInTimeRestore", sourceDatabaseId: source.id,
    restorePointInTime: point, tags: { Service: "productservice" } }, {
    updateIntervalInMs: 500,
    onResponse: (raw) => seen.push({ method: raw.request.method, url: raw.request.url, status: raw.status,
      asyncOperation: raw.headers.get("azure-asyncoperation"), location: raw.headers.get("location"),
      retryAfter: raw.headers.get("retry-after"), body: raw.parsedBody }) });
  out.restore = { name: restored.name, status: restored.status, tags: restored.tags,
    earliestRestoreDate: iso(restored.earliestRestoreDate), creationDate: iso(restored.creationDate),
    seconds: (Date.now() - started) / 1000 };
} catch (e) {
  out.restore = { error: describe(e) };
}
out.responses = seen;
const after = await client.databases.get(rg, server, "ProductDb-restored");
out.restoredGet = { status: after.status, id: after.id };

// A restore point before the window: 400 from the first request.
try {
  await client.databases.beginCreateOrUpdateAndWait(rg, server, "ProductDb-too-early", {
    location: config.sqlLocation, createMode: "PointInTimeRestore", sourceDatabaseId: source.id,
    restorePointInTime: new Date(Date.parse(source.earliestRestoreDate) - 24 * 3600 * 1000) });
  out.tooEarly = "accepted";
} catch (e) {
  out.tooEarly = describe(e);
}
// The restored name is taken now.
try {
  await client.databases.beginCreateOrUpdateAndWait(rg, server, "ProductDb-restored", {
    location: config.sqlLocation, createMode: "PointInTimeRestore", sourceDatabaseId: source.id, restorePointInTime: point });
  out.nameTaken = "accepted";
} catch (e) {
  out.nameTaken = describe(e);
}

// Chaos: the next productservice restore fails; the poller reports the operation's error.
out.chaosStatus = await hook("/_opsdeck/chaos/services/productservice/restore-fail");
try {
  await client.databases.beginCreateOrUpdateAndWait(rg, server, "ProductDb-doomed", {
    location: config.sqlLocation, createMode: "PointInTimeRestore", sourceDatabaseId: source.id, restorePointInTime: point },
  { updateIntervalInMs: 500 });
  out.failedRestore = "succeeded";
} catch (e) {
  out.failedRestore = describe(e);
}

// Throttled once: the SDK's retry policy waits Retry-After and gets the answer.
out.throttleHook = await hook("/_opsdeck/azure/sql-faults", { kind: "throttle", count: 1, retryAfterSeconds: 1 });
const t0 = Date.now();
try {
  const db = await client.databases.get(rg, server, "OrderDb");
  out.throttled = { name: db.name, seconds: (Date.now() - t0) / 1000 };
} catch (e) {
  out.throttled = describe(e);
}

console.log(JSON.stringify(out));
