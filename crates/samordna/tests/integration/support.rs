//! A real server on a free port, against a fresh SQLite file or a fresh PostgreSQL database.

use std::sync::Arc;

use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};
use samordna::http::{self, AppState, HttpConfig};
use samordna::service::accounts::AuthPolicy;
use samordna::service::demo;
use samordna::storage::{migrations, DatabaseUrl, Db};
use tokio::sync::oneshot;

pub const DEMO_PASSWORD: &str = "demo-losenord-2026";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs each test body once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! both {
    ($(async fn $name:ident($app:ident) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let $app = $crate::support::TestApp::start($crate::support::Backend::Sqlite).await.expect("sqlite");
                    $body
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let Some($app) = $crate::support::TestApp::start($crate::support::Backend::Postgres).await else {
                        return;
                    };
                    $body
                }
            }
        )*
    };
}

pub struct TestApp {
    pub backend: Backend,
    pub db: Db,
    pub url_text: String,
    pub base: String,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    _dir: Option<tempfile::TempDir>,
    pg_cleanup: Option<(String, String)>,
}

/// The PostgreSQL server tests use: SAMORDNA_TEST_POSTGRES_URL, or the local one.
pub fn postgres_admin_url() -> String {
    std::env::var("SAMORDNA_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn with_database(url: &str, db: &str) -> String {
    let mut u = url::Url::parse(url).expect("a valid PostgreSQL URL");
    u.set_path(&format!("/{db}"));
    u.to_string()
}

impl TestApp {
    /// A server with the demo data loaded. On PostgreSQL, None when no server is reachable,
    /// except under CI=true, where that fails the test.
    pub async fn start(backend: Backend) -> Option<TestApp> {
        Self::start_with(backend, true).await
    }

    pub async fn start_with(backend: Backend, with_demo: bool) -> Option<TestApp> {
        let (url_text, dir, pg_cleanup) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary folder");
                let url = format!("sqlite://{}", dir.path().join("samordna.db").display());
                (url, Some(dir), None)
            }
            Backend::Postgres => {
                let admin_url = postgres_admin_url();
                let admin = match sqlx::PgPool::connect(&admin_url).await {
                    Ok(p) => p,
                    Err(e) => {
                        if std::env::var("CI").is_ok_and(|v| v == "true") {
                            panic!("PostgreSQL at {admin_url} is not reachable and CI=true: {e}");
                        }
                        eprintln!("skipping: PostgreSQL at {admin_url} is not reachable ({e})");
                        return None;
                    }
                };
                let name = format!(
                    "samordna_test_{}",
                    &samordna::service::tokens::random_token().to_lowercase().replace(['-', '_'], "")[..16]
                );
                sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.expect("create test database");
                admin.close().await;
                (with_database(&admin_url, &name), None, Some((admin_url, name)))
            }
        };
        let url: DatabaseUrl = url_text.parse().expect("valid URL");
        let db = Db::connect(&url).await.expect("connect");
        migrations::run(&db).await.expect("migrate");
        if with_demo {
            demo::load(&db, Some(DEMO_PASSWORD)).await.expect("demo").expect("empty database");
        }
        let mut app =
            TestApp { backend, db, url_text, base: String::new(), shutdown: None, server: None, _dir: dir, pg_cleanup };
        app.serve(AuthPolicy::default()).await;
        Some(app)
    }

    /// (Re)starts the server on a new free port with the given policy.
    pub async fn serve(&mut self, auth: AuthPolicy) {
        self.stop().await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("free port");
        self.base = format!("http://{}", listener.local_addr().unwrap());
        let state = AppState {
            db: self.db.clone(),
            config: Arc::new(HttpConfig {
                auth,
                secure_cookies: false,
                public_origin: None,
                trust_forwarded_for: false,
                max_attachment_bytes: 2 * 1024 * 1024,
                participant_key: samordna::service::personal_key::PersonalKey::demo(),
            }),
            metrics: Arc::default(),
        };
        let (tx, rx) = oneshot::channel::<()>();
        self.shutdown = Some(tx);
        self.server = Some(tokio::spawn(async move {
            http::serve(listener, state, async move {
                let _ = rx.await;
            })
            .await
            .expect("server runs");
        }));
    }

    async fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.server.take() {
            let _ = h.await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A browser-like client: keeps cookies, does not follow redirects.
    pub fn client(&self) -> Client {
        Client::builder().cookie_store(true).redirect(Policy::none()).build().unwrap()
    }

    /// Logs in through the form and returns the session.
    pub async fn login(&self, email: &str) -> Session {
        self.try_login(email, DEMO_PASSWORD).await.expect("login succeeds")
    }

    pub async fn try_login(&self, email: &str, password: &str) -> Result<Session, Response> {
        let client = self.client();
        let form = client.get(self.url("/logga-in")).send().await.unwrap().text().await.unwrap();
        let token = hidden_value(&form, "csrf_token").expect("login form has a token");
        let response = client
            .post(self.url("/logga-in"))
            .form(&[("csrf_token", token.as_str()), ("email", email), ("password", password), ("nasta", "/")])
            .send()
            .await
            .unwrap();
        if response.status() != StatusCode::SEE_OTHER {
            return Err(response);
        }
        let home = client.get(self.url("/")).send().await.unwrap();
        let csrf = if home.status() == StatusCode::OK {
            hidden_value(&home.text().await.unwrap(), "csrf_token").unwrap_or_default()
        } else {
            // Redirected to the password change page: its form holds the token.
            let page = client.get(self.url("/konto/losenord")).send().await.unwrap().text().await.unwrap();
            hidden_value(&page, "csrf_token").unwrap_or_default()
        };
        Ok(Session { client, csrf, base: self.base.clone() })
    }

    /// An API token for a user, made as the operator would.
    pub async fn token(&self, email: &str) -> String {
        samordna::service::accounts::create_token(&self.db, email).await.expect("token")
    }

    pub fn api(&self, token: &str) -> Api {
        Api { client: Client::new(), token: token.to_string(), base: self.base.clone() }
    }

    /// One number from the database, for checking that nothing was saved.
    pub async fn count(&self, sql: &str) -> i64 {
        match &self.db {
            Db::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
            Db::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
        }
    }

    /// Runs a statement directly, bypassing the application (to age a session, or to tamper).
    pub async fn exec(&self, sql: &str) {
        match &self.db {
            Db::Sqlite(p) => sqlx::raw_sql(sql).execute(p).await.map(|_| ()).unwrap(),
            Db::Postgres(p) => sqlx::raw_sql(sql).execute(p).await.map(|_| ()).unwrap(),
        }
    }

    /// The association of the demo data.
    pub async fn association_id(&self) -> i64 {
        self.count("SELECT id FROM associations ORDER BY id LIMIT 1").await
    }

    /// Runs the samordna binary against this app's database.
    pub fn command(&self, args: &[&str]) -> std::process::Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_samordna"))
            .args(args)
            .env("SAMORDNA_DATABASE_URL", &self.url_text)
            .env("SAMORDNA_LOG", "warn")
            .output()
            .expect("samordna runs")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some((admin_url, name)) = self.pg_cleanup.take() {
            let db = self.db.clone();
            // Drop cannot await: clean up on a thread with its own runtime.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                rt.block_on(async move {
                    db.close().await;
                    if let Ok(admin) = sqlx::PgPool::connect(&admin_url).await {
                        let _ =
                            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&admin).await;
                    }
                });
            })
            .join();
        }
    }
}

/// The value of a hidden input in a page.
pub fn hidden_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

/// A logged-in browser session.
pub struct Session {
    pub client: Client,
    pub csrf: String,
    pub base: String,
}

impl Session {
    pub async fn get(&self, path: &str) -> Response {
        self.client.get(format!("{}{path}", self.base)).send().await.unwrap()
    }

    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let r = self.get(path).await;
        (r.status(), r.text().await.unwrap())
    }

    /// Posts a form with the session's CSRF token added.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", self.csrf.as_str())];
        all.extend_from_slice(fields);
        self.client.post(format!("{}{path}", self.base)).form(&all).send().await.unwrap()
    }
}

/// An API client with a bearer token.
pub struct Api {
    pub client: Client,
    pub token: String,
    pub base: String,
}

impl Api {
    pub async fn get(&self, path: &str) -> Response {
        self.client.get(format!("{}{path}", self.base)).bearer_auth(&self.token).send().await.unwrap()
    }

    pub async fn post(&self, path: &str, body: &serde_json::Value) -> Response {
        self.client.post(format!("{}{path}", self.base)).bearer_auth(&self.token).json(body).send().await.unwrap()
    }

    pub async fn put(&self, path: &str, body: &serde_json::Value) -> Response {
        self.client.put(format!("{}{path}", self.base)).bearer_auth(&self.token).json(body).send().await.unwrap()
    }
}

/// A valid organisationsnummer made from nine digits and the Luhn check digit.
pub fn org_number(nine: u64) -> String {
    let digits = format!("{nine:09}");
    for check in 0..10 {
        let candidate = format!("{digits}{check}");
        if samordna::domain::org_number::luhn_valid(&candidate) {
            return candidate;
        }
    }
    unreachable!("one check digit always fits")
}

/// The text of a PDF, as pdftotext (poppler-utils) reads it, with spaces made plain.
pub fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap().replace('\u{a0}', " ");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A spreadsheet converted to CSV by LibreOffice (headless, its own profile so that tests can run
/// side by side): semicolons, UTF-8, cell values as stored rather than as formatted.
pub fn libreoffice_csv(xlsx: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.xlsx");
    std::fs::write(&path, xlsx).unwrap();
    let profile = format!("-env:UserInstallation=file://{}/profile", dir.path().display());
    let out = std::process::Command::new("libreoffice")
        .arg(&profile)
        .args([
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):59,34,76,1,,0,false,true,false",
            "--outdir",
        ])
        .arg(dir.path())
        .arg(&path)
        .output()
        .expect("LibreOffice (libreoffice-calc) is installed");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::read_to_string(dir.path().join("export.csv")).expect("LibreOffice wrote the CSV")
}
