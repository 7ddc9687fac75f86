/** A local HTTP server for the suite's lifecycle hooks: requests under /hang/ are never answered, others get 404. */
import { afterAll, beforeAll } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";

/** Start the server before the file's tests and stop it after; the returned function gives its base URL. */
export function useHangServer(): () => string {
  let server: http.Server;
  let url = "";
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url?.startsWith("/hang/")) return; // never answers
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return () => url;
}
