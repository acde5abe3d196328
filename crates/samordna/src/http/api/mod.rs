//! The JSON API under /api/v1. Its OpenAPI 3.1 document is generated from these handlers.

pub mod applications;
pub mod economy;
mod interventions;
mod meetings;
mod members;
mod participants;
mod proposals;
pub mod reports;
mod users;

use axum::extract::{FromRequest, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::de::DeserializeOwned;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::ApiError;
use super::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Samordna API",
        description = "Applications, decisions, follow-up and economy for Swedish samordningsförbund. \
            Authenticate with `Authorization: Bearer <token>` (tokens are created with `samordna token create`). \
            Errors are `application/problem+json` with a stable `code`; invalid input answers 422 and names the fields. \
            Amounts are whole kronor in fields ending `_sek`.",
        license(name = "EUPL-1.2")
    ),
    modifiers(&SecuritySchemes),
    security(("bearer" = []))
)]
struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "samordna_session",
                "The browser session; state-changing calls then need the X-CSRF-Token header.",
            ))),
        );
    }
}

pub fn router(max_attachment_bytes: usize) -> OpenApiRouter<AppState> {
    // Uploads may be as large as an attachment may be (plus the multipart framing); nothing else.
    let uploads = OpenApiRouter::new()
        .routes(routes!(applications::upload))
        .routes(routes!(participants::import))
        .routes(routes!(economy::list_requisitions, economy::create_requisition))
        .layer(axum::extract::DefaultBodyLimit::max(max_attachment_bytes + 64 * 1024));
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(users::me))
        .routes(routes!(members::list, members::create))
        .routes(routes!(users::list))
        .routes(routes!(applications::create, applications::list))
        .routes(routes!(applications::get, applications::update))
        .routes(routes!(applications::sign))
        .routes(routes!(applications::submit))
        .routes(routes!(applications::request_completion))
        .routes(routes!(applications::versions))
        .routes(routes!(applications::download))
        .routes(routes!(proposals::get, proposals::put))
        .routes(routes!(proposals::draft))
        .routes(routes!(proposals::document))
        .routes(routes!(meetings::create, meetings::list))
        .routes(routes!(meetings::get, meetings::update))
        .routes(routes!(meetings::decide))
        .routes(routes!(meetings::attest))
        .routes(routes!(meetings::extract))
        .routes(routes!(interventions::list))
        .routes(routes!(interventions::get))
        .routes(routes!(interventions::sign))
        .routes(routes!(interventions::agreement))
        .routes(routes!(participants::list, participants::create))
        .routes(routes!(participants::get))
        .routes(routes!(participants::add_step))
        .routes(routes!(participants::measure))
        .routes(routes!(participants::exit))
        .routes(routes!(participants::withdraw))
        .routes(routes!(participants::export))
        .routes(routes!(participants::follow_up_get, participants::follow_up_put))
        .routes(routes!(participants::case_workers))
        .routes(routes!(participants::goals))
        .routes(routes!(participants::statistics))
        .routes(routes!(participants::association_statistics))
        .routes(routes!(participants::code_lists))
        .routes(routes!(participants::code_list_put))
        .routes(routes!(participants::association_settings_get, participants::association_settings_put))
        .routes(routes!(participants::due))
        .routes(routes!(economy::get_requisition))
        .routes(routes!(economy::requisition_attachment))
        .routes(routes!(economy::review_requisition))
        .routes(routes!(economy::get_allocation, economy::put_allocation))
        .routes(routes!(economy::put_key))
        .routes(routes!(economy::put_populations))
        .routes(routes!(economy::contributions))
        .routes(routes!(economy::get_budget, economy::put_budget))
        .routes(routes!(economy::return_ratios))
        .routes(routes!(economy::uppfoljning_finsam))
        .routes(routes!(economy::get_settings, economy::put_settings))
        .routes(routes!(economy::association_requisitions))
        .routes(routes!(reports::list))
        .routes(routes!(reports::get, reports::save))
        .routes(routes!(reports::submit))
        .routes(routes!(reports::review))
        .routes(routes!(reports::deviations, reports::create_deviation))
        .routes(routes!(reports::handle_deviation))
        .routes(routes!(reports::put_on_agenda))
        .routes(routes!(reports::get_settings, reports::put_settings))
        .merge(uploads)
}

/// A spreadsheet read page by page and streamed: `fetch(cursor)` gives a page of rows and the
/// cursor of the next page (None after the last). The first page is read before the response
/// starts, so that a refusal is an ordinary error; the rest go through a small channel, so the
/// file is never whole in memory.
pub async fn stream_sheet<C, F, Fut>(
    format: crate::export::Format,
    title: &'static str,
    filename: &str,
    columns: Vec<crate::export::Column>,
    fetch: F,
) -> Result<Response, crate::service::ServiceError>
where
    C: Send + 'static,
    F: Fn(Option<C>) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = crate::service::ServiceResult<(Vec<Vec<crate::export::Value>>, Option<C>)>>
        + Send
        + 'static,
{
    let (rows, mut next) = fetch(None).await?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    tokio::spawn(async move {
        let (mut writer, head) = crate::export::Writer::new(format, title, columns);
        if tx.send(Ok(head)).await.is_err() || tx.send(Ok(writer.rows(&rows))).await.is_err() {
            return;
        }
        while let Some(cursor) = next.take() {
            match fetch(Some(cursor)).await {
                Ok((rows, n)) => {
                    if tx.send(Ok(writer.rows(&rows))).await.is_err() {
                        return;
                    }
                    next = n;
                }
                Err(e) => {
                    // The client sees a broken download rather than a file that looks whole.
                    tracing::error!(error = %e, "export failed");
                    let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
                    return;
                }
            }
        }
        let _ = tx.send(Ok(writer.finish())).await;
    });
    let body = axum::body::Body::from_stream(tokio_stream::wrappers::ReceiverStream::new(rx));
    Ok(Response::builder()
        .header(header::CONTENT_TYPE, format.content_type())
        .header(header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}.{}\"", format.extension()))
        .header(header::CACHE_CONTROL, "private, no-store")
        .body(body)
        .expect("valid headers"))
}

/// The format asked for: csv or xlsx for a spreadsheet, None (JSON) otherwise.
pub fn format_of(q: &Option<String>) -> Result<Option<crate::export::Format>, ApiError> {
    match q.as_deref() {
        None | Some("json") => Ok(None),
        Some(f) => crate::export::Format::parse(f)
            .map(Some)
            .ok_or_else(|| ApiError::invalid(vec![crate::service::FieldError::new("format", "format_unknown")])),
    }
}

/// The association a request is about: the one asked for, or the caller's first.
fn association_of(p: &crate::service::principal::Principal, asked: Option<i64>) -> Result<i64, ApiError> {
    asked.or_else(|| p.association_ids().first().copied()).ok_or_else(ApiError::not_found)
}

/// A JSON body whose rejections are problem+json like every other API error.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(match rejection {
                axum::extract::rejection::JsonRejection::JsonDataError(_) => {
                    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body")
                }
                axum::extract::rejection::JsonRejection::MissingJsonContentType(_) => {
                    ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "malformed_body")
                }
                _ if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
                }
                _ => ApiError::new(StatusCode::BAD_REQUEST, "malformed_body"),
            }),
        }
    }
}

/// Liveness, readiness and metrics: outside /api/v1 and without authentication.
pub fn health_router() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz)).route("/metrics", get(metrics))
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => "ready".into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "database not reachable");
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable").into_response()
        }
    }
}

async fn metrics(State(state): State<AppState>) -> Response {
    let body = state.metrics.render(state.db.pool_stats());
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body).into_response()
}
