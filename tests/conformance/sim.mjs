// Starts opsdeck-sim for a node conformance test: free port, fresh kubeconfig, stopped at the end.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import https from "node:https";
import * as k8s from "@kubernetes/client-node";

export async function startSim(extraArgs = []) {
  const binary = process.env.OPSDECK_SIM;
  if (!binary) throw new Error("OPSDECK_SIM must name the opsdeck-sim binary");
  const dir = mkdtempSync(join(tmpdir(), "opsdeck-conf-"));
  const kubeconfig = join(dir, "kubeconfig");
  const child = spawn(binary, ["--listen", "127.0.0.1:0", "--write-kubeconfig", kubeconfig, "--speed", "10",
                               "--seed", "11", ...extraArgs], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => { stderr += d; });
  const url = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("opsdeck-sim not ready in 30 s: " + stderr)), 30000);
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/^opsdeck-sim ready url=(\S+)/m);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on("exit", (code) => { clearTimeout(timer); reject(new Error(`opsdeck-sim exited ${code}: ${stderr}`)); });
  });
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  return {
    url, kc, kubeconfig,
    async stop() {
      child.removeAllListeners("exit");
      const exited = new Promise((r) => child.on("exit", r));
      child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Raw GET (JSON as the server sent it, no client-side model conversion) with the kubeconfig's credentials.
export function rawGet(kc, path) {
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  const url = new URL(cluster.server + path);
  const ca = cluster.caData ? Buffer.from(cluster.caData, "base64") : readFileSync(cluster.caFile);
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, headers: { Authorization: `Bearer ${user.token}`, Accept: "application/json" } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => { body += d; });
      res.on("end", () => {
        try { resolve({ status: res.statusCode, body: JSON.parse(body) }); }
        catch (e) { reject(new Error(`GET ${path}: ${res.statusCode} not JSON: ${body.slice(0, 200)}`)); }
      });
    });
    req.on("error", reject);
  });
}
