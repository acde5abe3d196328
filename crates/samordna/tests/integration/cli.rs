//! The `samordna` command as an operator meets it: start-up errors, first start, demo data,
//! users and tokens, graceful shutdown, and logs without personal data.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use reqwest::StatusCode;

use crate::both;
use crate::support::{hidden_value, TestApp};

fn samordna() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_samordna"));
    c.env_remove("SAMORDNA_DATABASE_URL").env("SAMORDNA_LOG", "info").env("SAMORDNA_PARTICIPANT_KEY", "ab".repeat(32));
    c
}

/// A server process on a free port, with what it printed so far.
struct Server {
    child: Child,
    base: String,
    stdout: Vec<String>,
    stderr: mpsc::Receiver<String>,
}

impl Server {
    fn start(database_url: &str, args: &[&str]) -> Server {
        let mut child = samordna()
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .env("SAMORDNA_DATABASE_URL", database_url)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("samordna starts");
        let (tx, rx) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let (etx, erx) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = etx.send(line);
            }
        });
        let mut lines = Vec::new();
        loop {
            let Ok(line) = rx.recv_timeout(Duration::from_secs(60)) else {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the server did not print its address; it printed: {lines:?}");
            };
            if let Some(addr) = line.strip_prefix("Samordna is running at ") {
                let base = addr.trim().to_string();
                lines.push(line);
                return Server { child, base, stdout: lines, stderr: erx };
            }
            lines.push(line);
        }
    }

    /// Sends SIGTERM and waits for a clean exit.
    fn terminate(mut self) -> (std::process::ExitStatus, Vec<String>) {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().expect("kill runs");
        let status = self.child.wait().expect("the server exits");
        let errors: Vec<String> = self.stderr.try_iter().collect();
        (status, errors)
    }
}

fn sqlite_url(dir: &tempfile::TempDir) -> String {
    format!("sqlite://{}", dir.path().join("data").join("samordna.db").display())
}

#[test]
fn a_malformed_database_url_is_a_clear_error() {
    let out = samordna().args(["check", "--database-url", "mysql://localhost/x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the database URL must start with sqlite:// or postgres://"), "{err}");
}

#[test]
fn an_unreachable_database_is_a_clear_error() {
    let out = samordna()
        .args(["check", "--database-url", "postgres://samordna:hemligt@127.0.0.1:1/samordna"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the database at postgres://samordna:*****@127.0.0.1:1/samordna cannot be reached"), "{err}");
    assert!(!err.contains("hemligt"), "the password is never printed");
}

#[test]
fn an_unwritable_data_folder_is_a_clear_error() {
    // A regular file where the folder should be: not even root can create a folder inside it.
    let file = tempfile::NamedTempFile::new().unwrap();
    let url = format!("sqlite://{}/data/samordna.db", file.path().display());
    let out = samordna().args(["serve", "--database-url", &url]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the data folder") && err.contains("cannot be created"), "{err}");
}

#[test]
fn a_taken_port_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = samordna().args(["serve", "--listen", &addr, "--database-url", &sqlite_url(&dir)]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("cannot listen on {addr}")), "{err}");
}

#[test]
fn help_lists_the_commands_in_english() {
    let out = samordna().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for word in ["serve", "migrate", "check", "user", "token", "audit", "--database-url", "SAMORDNA_DATABASE_URL"] {
        assert!(help.contains(word), "{word}: {help}");
    }
    let serve = String::from_utf8_lossy(&samordna().args(["serve", "--help"]).output().unwrap().stdout).to_string();
    for word in ["--listen", "--demo", "SAMORDNA_LISTEN", "SAMORDNA_DEMO", "SAMORDNA_PUBLIC_URL"] {
        assert!(serve.contains(word), "{word}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_start_creates_one_administrator_who_must_change_password() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir);
    let server = Server::start(&url, &[]);
    let printed = server.stdout.join("\n");
    assert!(printed.contains("Created the system administrator admin@localhost"), "{printed}");
    let password = server.stdout.iter().find(|l| l.starts_with("  ")).unwrap().trim().to_string();
    let client =
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let form = client.get(format!("{}/logga-in", server.base)).send().await.unwrap().text().await.unwrap();
    let token = hidden_value(&form, "csrf_token").unwrap();
    let r = client
        .post(format!("{}/logga-in", server.base))
        .form(&[("csrf_token", token.as_str()), ("email", "admin@localhost"), ("password", password.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/konto/losenord");
    let (status, _) = server.terminate();
    assert!(status.success(), "SIGTERM ends the server cleanly");

    // A second start creates no second administrator.
    let server = Server::start(&url, &[]);
    assert!(!server.stdout.join("\n").contains("Created the system administrator"));
    let (status, _) = server.terminate();
    assert!(status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_hold_no_personal_data_or_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&sqlite_url(&dir), &["--demo", "--demo-password", "demo-losenord-2026"]);
    let client =
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let form = client.get(format!("{}/logga-in", server.base)).send().await.unwrap().text().await.unwrap();
    let token = hidden_value(&form, "csrf_token").unwrap();
    client
        .post(format!("{}/logga-in", server.base))
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", "hemlig.person@example.org"),
            ("password", "superhemligt-lösen"),
        ])
        .send()
        .await
        .unwrap();
    client.get(format!("{}/medlemmar?sok=19800101-1234", server.base)).send().await.unwrap();
    let (status, errors) = server.terminate();
    assert!(status.success());
    let log = errors.join("\n");
    assert!(log.contains("route=/logga-in"), "requests are logged: {log}");
    for secret in ["hemlig.person", "superhemligt", "19800101-1234", "demo-losenord-2026", &token] {
        assert!(!log.contains(secret), "{secret} in the log");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_https_cookies_are_secure_and_only_the_public_origin_may_post() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(
        &sqlite_url(&dir),
        &["--demo", "--demo-password", "demo-losenord-2026", "--public-url", "https://samordna.example.se"],
    );
    assert!(server.stdout.join("\n").contains("Samordna is running at https://samordna.example.se/"));
    // The server itself listens on plain HTTP behind the proxy; find where.
    let listening = server.stderr.recv_timeout(Duration::from_secs(10)).unwrap_or_default();
    let port = listening
        .split("address=127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .expect("the log names the port")
        .to_string();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = client.get(format!("{base}/logga-in")).send().await.unwrap();
    let login_cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(login_cookie.contains("; Secure"), "{login_cookie}");
    let cookie = login_cookie.split(';').next().unwrap().to_string();
    let token = hidden_value(&r.text().await.unwrap(), "csrf_token").unwrap();
    let form =
        [("csrf_token", token.as_str()), ("email", "forbundschef@example.org"), ("password", "demo-losenord-2026")];
    let r = client
        .post(format!("{base}/logga-in"))
        .header("Cookie", &cookie)
        .header("Origin", &base)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "the origin must be the public one");
    let r = client
        .post(format!("{base}/logga-in"))
        .header("Cookie", &cookie)
        .header("Origin", "https://samordna.example.se")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let session = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("__Host-samordna_session="))
        .expect("a __Host- session cookie");
    assert!(
        session.contains("; Secure")
            && session.contains("; HttpOnly")
            && session.contains("; SameSite=Lax")
            && session.contains("; Path=/"),
        "{session}"
    );
    server.terminate();
}

both! {
    async fn demo_data_is_loaded_only_into_an_empty_database(app) {
        let server = Server::start(&app.url_text, &["--demo"]);
        assert!(server.stdout.join("\n").contains("The database already holds data; the demo was not loaded and nothing was changed."));
        server.terminate();
        assert_eq!(app.count("SELECT COUNT(*) FROM associations").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 12);
    }

    async fn operators_add_users_and_tokens_from_the_command_line(app) {
        let association = app.association_id().await.to_string();
        let out = app.command(&["user", "add", "--email", "Ny.Handlaggare@Example.org", "--name", "Ny Handläggare", "--role", "case_officer", "--association", &association]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let printed = String::from_utf8_lossy(&out.stdout);
        assert!(printed.contains("Created user ny.handlaggare@example.org"));
        assert!(printed.contains("One-time password"));
        // Bad input: a clear message per field, nothing saved.
        let before = app.count("SELECT COUNT(*) FROM users").await;
        let out = app.command(&["user", "add", "--email", "x", "--name", "X", "--role", "chef"]);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("--email: Ange en e-postadress"), "{err}");
        assert!(err.contains("--role: Välj en av rollerna i listan."), "{err}");
        assert_eq!(app.count("SELECT COUNT(*) FROM users").await, before);
        let out = app.command(&["user", "add", "--email", "y@example.org", "--name", "Y", "--role", "case_worker"]);
        assert!(String::from_utf8_lossy(&out.stderr).contains("--member: Välj medlemsorganisation för rollen."));

        let list = String::from_utf8_lossy(&app.command(&["user", "list"]).stdout).to_string();
        assert!(list.contains("ny.handlaggare@example.org\tNy Handläggare\tHandläggare – Samordningsförbundet Uppsala län"), "{list}");

        let out = app.command(&["token", "create", "--email", "forbundschef@example.org"]);
        assert!(out.status.success());
        let token = String::from_utf8_lossy(&out.stdout).trim().to_string();
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM api_tokens WHERE token_hash = '{token}'")).await, 0, "only the hash is stored");
        let me: serde_json::Value = app.api(&token).get("/api/v1/me").await.json().await.unwrap();
        assert_eq!(me["email"], "forbundschef@example.org");
        let out = app.command(&["token", "create", "--email", "finns.inte@example.org"]);
        assert_eq!(out.status.code(), Some(2));
    }

    async fn check_and_migrate_report_success(app) {
        let out = app.command(&["check"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains("is reachable"));
        let out = app.command(&["migrate"]);
        assert!(String::from_utf8_lossy(&out.stdout).starts_with("0 migration(s) applied"));
    }

    async fn the_served_app_answers_over_real_http(app) {
        let server = Server::start(&app.url_text, &[]);
        let r = reqwest::get(format!("{}/readyz", server.base)).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let (status, _) = server.terminate();
        assert!(status.success());
        let _: &TestApp = &app;
    }
}
