// What the Azure conformance tests share: the documented Application Insights table schemas (Azure
// Monitor table reference for the workspace tables, the classic App Insights schema for the others)
// and representative query templates of the kind Opsdeck sends, in both dialects, with the columns
// each must return. Schemas here are written from the documentation, not taken from the simulator.

const common = {
  workspace: "TenantId:string, TimeGenerated:datetime, OperationName:string, OperationId:string, ParentId:string, " +
    "SyntheticSource:string, SessionId:string, UserId:string, UserAuthenticatedId:string, UserAccountId:string, " +
    "AppVersion:string, ClientType:string, ClientModel:string, ClientOS:string, ClientIP:string, ClientCity:string, " +
    "ClientStateOrProvince:string, ClientCountryOrRegion:string, ClientBrowser:string, ResourceGUID:string, " +
    "AppRoleName:string, AppRoleInstance:string, IKey:string, SDKVersion:string, ItemCount:int, SourceSystem:string, " +
    "Type:string, _ResourceId:string, _BilledSize:real, _IsBillable:string",
  classic: "timestamp:datetime, operation_Name:string, operation_Id:string, operation_ParentId:string, " +
    "operation_SyntheticSource:string, session_Id:string, user_Id:string, user_AuthenticatedId:string, " +
    "user_AccountId:string, application_Version:string, client_Type:string, client_Model:string, client_OS:string, " +
    "client_IP:string, client_City:string, client_StateOrProvince:string, client_CountryOrRegion:string, " +
    "client_Browser:string, cloud_RoleName:string, cloud_RoleInstance:string, appId:string, appName:string, " +
    "iKey:string, sdkVersion:string, itemId:string, itemType:string, itemCount:int",
};

export const schemas = {
  workspace: {
    AppRequests: "Id:string, Source:string, Name:string, Url:string, Success:bool, ResultCode:string, DurationMs:real, " +
      "PerformanceBucket:string, Properties:dynamic, Measurements:dynamic, ReferencedItemId:string, ReferencedType:string",
    AppDependencies: "Id:string, Target:string, DependencyType:string, Name:string, Data:string, Success:bool, " +
      "ResultCode:string, DurationMs:real, PerformanceBucket:string, Properties:dynamic, Measurements:dynamic, " +
      "ReferencedItemId:string, ReferencedType:string",
    AppExceptions: "ProblemId:string, HandledAt:string, ExceptionType:string, Assembly:string, Method:string, " +
      "OuterType:string, OuterMessage:string, OuterAssembly:string, OuterMethod:string, InnermostType:string, " +
      "InnermostMessage:string, InnermostAssembly:string, InnermostMethod:string, Message:string, SeverityLevel:int, " +
      "Details:dynamic, Properties:dynamic, Measurements:dynamic, ReferencedItemId:string, ReferencedType:string",
    AppEvents: "Name:string, Properties:dynamic, Measurements:dynamic",
    AppMetrics: "Name:string, Sum:real, Min:real, Max:real, Properties:dynamic",
  },
  classic: {
    requests: "id:string, source:string, name:string, url:string, success:bool, resultCode:string, duration:real, " +
      "performanceBucket:string, customDimensions:dynamic, customMeasurements:dynamic",
    dependencies: "id:string, target:string, type:string, name:string, data:string, success:bool, resultCode:string, " +
      "duration:real, performanceBucket:string, customDimensions:dynamic, customMeasurements:dynamic",
    exceptions: "problemId:string, handledAt:string, type:string, message:string, assembly:string, method:string, " +
      "outerType:string, outerMessage:string, outerAssembly:string, outerMethod:string, innermostType:string, " +
      "innermostMessage:string, innermostAssembly:string, innermostMethod:string, severityLevel:int, details:dynamic, " +
      "customDimensions:dynamic, customMeasurements:dynamic",
    customEvents: "name:string, customDimensions:dynamic, customMeasurements:dynamic",
    customMetrics: "name:string, value:real, valueCount:int, valueSum:real, valueMin:real, valueMax:real, " +
      "valueStdDev:real, customDimensions:dynamic",
  },
};

// "(a:t, b:t)" → [{name, type}]
export function columnsOf(dialect, table) {
  return `${common[dialect]}, ${schemas[dialect][table]}`.split(",").map((c) => {
    const [name, type] = c.trim().split(":");
    return { name, type };
  });
}

// Workspace → classic names, as App Insights documents the mapping.
const classicNames = [
  ["AppRequests", "requests"], ["AppDependencies", "dependencies"], ["AppExceptions", "exceptions"],
  ["AppEvents", "customEvents"], ["AppMetrics", "customMetrics"], ["TimeGenerated", "timestamp"],
  ["AppRoleName", "cloud_RoleName"], ["Properties", "customDimensions"], ["ItemCount", "itemCount"],
  ["Success", "success"], ["DurationMs", "duration"], ["ResultCode", "resultCode"], ["DependencyType", "type"],
  ["ExceptionType", "type"], ["Target", "target"], ["Name", "name"], ["sum\\(Sum\\)", "sum(valueSum)"],
];

function toClassic(text) {
  let out = text;
  for (const [w, c] of classicNames) out = out.replace(new RegExp(w.includes("\\") ? w : `\\b${w}\\b`, "g"), c);
  return out;
}

// Representative templates (service and track names quoted as Opsdeck quotes them).
const service = "'productservice'";
const templates = [
  { id: "request-rate",
    q: `AppRequests | where TimeGenerated > ago(1h) and AppRoleName == ${service} | summarize Requests = sum(ItemCount) by Track = tostring(Properties.version), bin(TimeGenerated, 1m) | order by TimeGenerated asc`,
    columns: ["Track", "TimeGenerated", "Requests"] },
  { id: "failure-rate",
    q: `AppRequests | where TimeGenerated > ago(1h) and AppRoleName == ${service} | summarize Total = sum(ItemCount), Failed = sumif(ItemCount, Success == false) by Track = tostring(Properties.version), bin(TimeGenerated, 5m) | extend FailureRate = iff(Total > 0, 100.0 * Failed / Total, 0.0)`,
    columns: ["Track", "TimeGenerated", "Total", "Failed", "FailureRate"] },
  { id: "latency",
    q: `AppRequests | where TimeGenerated > ago(1h) and AppRoleName == ${service} | summarize (P50, P95, P99) = percentiles(DurationMs, 50, 95, 99) by Track = tostring(Properties.version), bin(TimeGenerated, 5m)`,
    columns: ["Track", "TimeGenerated", "P50", "P95", "P99"] },
  { id: "top-failing-operations",
    q: `AppRequests | where TimeGenerated > ago(1h) and AppRoleName == ${service} and Success == false | summarize Failed = sum(ItemCount) by Name, ResultCode, Track = tostring(Properties.version) | top 10 by Failed desc`,
    columns: ["Name", "ResultCode", "Track", "Failed"] },
  { id: "dependency-failure-rate",
    q: `AppDependencies | where TimeGenerated > ago(1h) and AppRoleName == ${service} | summarize Calls = sum(ItemCount), Failed = sumif(ItemCount, Success == false) by Target, DependencyType, Track = tostring(Properties.version) | extend FailureRate = round(100.0 * Failed / Calls, 2)`,
    columns: ["Target", "DependencyType", "Track", "Calls", "Failed", "FailureRate"] },
  { id: "resilience-events",
    q: `AppMetrics | where TimeGenerated > ago(6h) and Name == 'resilience.polly.strategy.events' | extend Event = tostring(Properties['event.name']), Pipeline = tostring(Properties['pipeline.name']), Strategy = tostring(Properties['strategy.name']), Track = tostring(Properties.version) | summarize Events = sum(Sum) by Event, Pipeline, Strategy, Track, bin(TimeGenerated, 5m)`,
    columns: ["Event", "Pipeline", "Strategy", "Track", "TimeGenerated", "Events"] },
  { id: "breaker-state",
    q: `AppMetrics | where TimeGenerated > ago(24h) and Name == 'resilience.polly.strategy.events' | extend Event = tostring(Properties['event.name']) | where Event in ('OnCircuitOpened', 'OnCircuitClosed', 'OnCircuitHalfOpened') | summarize arg_max(TimeGenerated, Event) by Pipeline = tostring(Properties['pipeline.name']), Track = tostring(Properties.version)`,
    columns: ["Pipeline", "Track", "TimeGenerated", "Event"] },
  { id: "exceptions",
    q: `AppExceptions | where TimeGenerated > ago(1h) and AppRoleName == ${service} | summarize Count = sum(ItemCount) by ExceptionType, Track = tostring(Properties.version) | top 5 by Count desc`,
    columns: ["ExceptionType", "Track", "Count"] },
  { id: "events",
    q: `AppEvents | where TimeGenerated between (ago(1h) .. now()) | summarize Count = sum(ItemCount), Services = dcount(AppRoleName) by Name, bin(TimeGenerated, 15m) | order by TimeGenerated desc`,
    columns: ["Name", "TimeGenerated", "Count", "Services"] },
];

export function queries(dialect) {
  return templates.map((t) => ({
    id: t.id,
    query: dialect === "workspace" ? t.q : toClassic(t.q),
    columns: dialect === "workspace" ? t.columns : t.columns.map(toClassic),
  }));
}
