// Child process of azure_clients.test.mjs: real Azure SDK clients against opsdeck-sim. Runs with
// NODE_EXTRA_CA_CERTS set to the sim's CA (read at start-up, hence a process of its own) and prints
// one JSON object of what it saw. argv[2]: the --write-azure-config file; env OPSDECK_SIM_ADMIN_TOKEN
// lets the device-code prompt approve its own code through the sim's test hook.
import { readFileSync } from "node:fs";
import { ClientSecretCredential, DeviceCodeCredential } from "@azure/identity";
import { LogsQueryClient, LogsQueryResultStatus } from "@azure/monitor-query-logs";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const out = {};
const claims = (jwt) => JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString("utf8"));

const credential = new ClientSecretCredential(config.tenantId, config.clientId, config.clientSecret, {
  authorityHost: config.authorityHost, disableInstanceDiscovery: true });
const token = await credential.getToken("https://api.loganalytics.io/.default");
out.clientSecret = { audience: claims(token.token).aud, expiresInSeconds: Math.round((token.expiresOnTimestamp - Date.now()) / 1000) };

try {
  await new ClientSecretCredential(config.tenantId, config.clientId, "not-the-secret", {
    authorityHost: config.authorityHost, disableInstanceDiscovery: true }).getToken("https://api.loganalytics.io/.default");
  out.wrongSecret = "accepted";
} catch (e) {
  out.wrongSecret = { name: e.name, message: String(e.message).slice(0, 300) };
}

const logs = new LogsQueryClient(credential, { endpoint: `${config.logAnalyticsEndpoint}/v1` });
const result = await logs.queryWorkspace(config.workspaceId,
  "AppRequests | summarize Requests = sum(ItemCount), Failed = sumif(ItemCount, Success == false) by AppRoleName, Track = tostring(Properties.version) | order by AppRoleName asc",
  { duration: "PT1H" });
out.query = { status: result.status === LogsQueryResultStatus.Success ? "Success" : result.status,
  tables: (result.tables ?? []).map((t) => ({ name: t.name, columns: t.columnDescriptors.map((c) => `${c.name}:${c.type}`), rows: t.rows })) };

try {
  await logs.queryWorkspace(config.workspaceId, "AppRequests | render timechart", { duration: "PT1H" });
  out.badQuery = "accepted";
} catch (e) {
  out.badQuery = { code: e.code, statusCode: e.statusCode, message: String(e.message).slice(0, 300) };
}

if (process.env.OPSDECK_SIM_ADMIN_TOKEN) {
  const device = new DeviceCodeCredential({
    tenantId: config.tenantId, clientId: "04b07795-8ddb-461a-bbee-02f9e1bf7b46", authorityHost: config.authorityHost,
    disableInstanceDiscovery: true,
    userPromptCallback: async (info) => {
      out.devicePrompt = { userCode: info.userCode, verificationUri: info.verificationUri, message: info.message };
      const r = await fetch(`${config.authorityHost}/_opsdeck/azure/devicecode/approve`, { method: "POST",
        headers: { Authorization: `Bearer ${process.env.OPSDECK_SIM_ADMIN_TOKEN}`, "Content-Type": "application/json" },
        body: JSON.stringify({ userCode: info.userCode }) });
      out.deviceApprove = r.status;
    } });
  const t = await device.getToken("https://api.applicationinsights.io/.default");
  const c = claims(t.token);
  out.deviceCode = { audience: c.aud, name: c.upn };
}

console.log(JSON.stringify(out));
