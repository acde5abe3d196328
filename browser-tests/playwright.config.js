// Drives the Chromium from Debian's packages against the built samordna binary, once on SQLite
// and, when a PostgreSQL database is given, once on PostgreSQL.
const { defineConfig } = require("@playwright/test");
const path = require("path");
const os = require("os");
const fs = require("fs");

const binary = process.env.SAMORDNA_BIN || path.resolve(__dirname, "../target/debug/samordna");
const password = "demo-losenord-2026";
const sqliteDir = fs.mkdtempSync(path.join(os.tmpdir(), "samordna-browser-"));
const postgresUrl = process.env.SAMORDNA_BROWSER_POSTGRES_URL;

function server(port, databaseUrl) {
  return {
    command: `"${binary}" serve --demo --listen 127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}/readyz`,
    env: {
      SAMORDNA_DATABASE_URL: databaseUrl,
      SAMORDNA_DEMO_PASSWORD: password,
      SAMORDNA_LOG: "warn",
    },
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore",
    stderr: "pipe",
  };
}

const servers = [server(18180, `sqlite://${path.join(sqliteDir, "samordna.db")}`)];
const projects = [{ name: "sqlite", use: { baseURL: "http://127.0.0.1:18180" } }];
if (postgresUrl) {
  servers.push(server(18181, postgresUrl));
  projects.push({ name: "postgres", use: { baseURL: "http://127.0.0.1:18181" } });
}

module.exports = defineConfig({
  testDir: "./tests",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // Each test is a whole case typed with the keyboard; on two slow cores that takes minutes.
  timeout: 180_000,
  forbidOnly: !!process.env.CI,
  reporter: [["list"]],
  use: {
    launchOptions: {
      // On Linux Chromium takes its interface language, and so the layout of date fields, from here.
      env: { ...process.env, LANGUAGE: "sv", LANG: "sv_SE.UTF-8" },
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        // Swedish date fields (year, month, day), as the users have them.
        "--lang=sv-SE",
      ],
    },
    locale: "sv-SE",
    timezoneId: "Europe/Stockholm",
  },
  projects,
  webServer: servers,
});
