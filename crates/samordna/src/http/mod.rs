//! HTTP: the Swedish web pages and the JSON API, on one router.

pub mod api;
pub mod auth;
pub mod error;
pub mod messages;
pub mod metrics;
pub mod pages;
pub mod security;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::Router;
use tower_http::timeout::TimeoutLayer;

use crate::service::accounts::AuthPolicy;
use crate::storage::Db;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<HttpConfig>,
    pub metrics: Arc<metrics::Metrics>,
}

/// Settings of the web server that handlers need.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub auth: AuthPolicy,
    /// Cookies get `Secure` (and the `__Host-` prefix) when the public address is https.
    pub secure_cookies: bool,
    /// The origin browsers use (scheme://host:port), when known; otherwise taken from `Host`.
    pub public_origin: Option<String>,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    /// The largest attachment accepted, in bytes.
    pub max_attachment_bytes: usize,
    /// Seals participants' identities; from the configuration, never stored with the data.
    pub participant_key: crate::service::personal_key::PersonalKey,
}

impl HttpConfig {
    pub fn session_cookie_name(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-samordna_session"
        } else {
            "samordna_session"
        }
    }
}

/// The whole application as one router.
pub fn router(state: AppState) -> Router {
    let (api_router, openapi) = api::router(state.config.max_attachment_bytes).split_for_parts();
    let openapi = Arc::new(openapi);
    Router::new()
        .merge(pages::router(state.config.max_attachment_bytes))
        .merge(api_router)
        .route(
            "/api/v1/openapi.json",
            axum::routing::get(move || {
                let doc = openapi.clone();
                async move { axum::Json(doc.as_ref().clone()) }
            }),
        )
        .merge(api::health_router())
        .layer(middleware::from_fn_with_state(state.clone(), security::csrf_guard))
        .layer(middleware::from_fn_with_state(state.clone(), auth::resolve_principal))
        .layer(middleware::from_fn_with_state(state.clone(), metrics::track))
        .fallback(pages::fallback)
        .layer(middleware::from_fn(security::headers))
        .layer(DefaultBodyLimit::max(1024 * 1024))
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::SERVICE_UNAVAILABLE, Duration::from_secs(30)))
        .with_state(state)
}

/// Serves until `shutdown` completes, then lets requests in flight finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state);
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}

/// A plain document (an extract, an agreement) as a download in `format`: "pdf" (PDF/A),
/// "docx" or "txt". Err when it could not be typeset (the cause is logged).
pub async fn document_download(
    title: &str,
    blocks: Vec<crate::documents::DocBlock>,
    format: &str,
) -> Result<axum::response::Response, ()> {
    use crate::documents::{doc_docx, doc_pdf, doc_text, typeset};
    use api::applications::file_response;
    use axum::response::IntoResponse;
    Ok(match format {
        "txt" => ([(axum::http::header::CONTENT_TYPE, "text/plain; charset=utf-8")], doc_text(&blocks)).into_response(),
        "docx" => file_response(
            &format!("{title}.docx"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            doc_docx(title, &blocks),
        ),
        _ => {
            let owned = title.to_string();
            let bytes = typeset(move || doc_pdf(&owned, &blocks)).await?;
            file_response(&format!("{title}.pdf"), "application/pdf", bytes)
        }
    })
}
