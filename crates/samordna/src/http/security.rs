//! Security headers on every response, and protection against cross-site request forgery on
//! every state-changing request.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::auth::Auth;
use super::error::{ApiError, PageError};
use super::AppState;
use crate::service::tokens::constant_time_eq;

/// No inline script or style anywhere: everything comes from /static.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub async fn headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    h.insert("cross-origin-resource-policy", HeaderValue::from_static("same-origin"));
    h.insert("permissions-policy", HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"));
    if !h.contains_key(header::CACHE_CONTROL) {
        // Pages may hold personal data: never keep them in shared or browser caches.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

fn refuse(path: &str) -> Response {
    if is_api(path) {
        ApiError::new(axum::http::StatusCode::FORBIDDEN, "csrf_failed").into_response()
    } else {
        PageError::new(axum::http::StatusCode::FORBIDDEN, "csrf_failed").into_response()
    }
}

/// The largest form body read here to find its token.
const FORM_LIMIT: usize = 1024 * 1024;

/// Refuses a state-changing request that a browser sent on another site's behalf: the request
/// must come from this origin, and one made with the session cookie must carry the session's
/// CSRF token (form field `csrf_token` or header `X-CSRF-Token`). API calls with a bearer token
/// carry no ambient credentials and need no token.
pub async fn csrf_guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let path = request.uri().path().to_string();
    if request.headers().get("sec-fetch-site").is_some_and(|v| v == "cross-site") {
        return refuse(&path);
    }
    if let Some(origin) = request.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let expected = state.config.public_origin.clone().or_else(|| {
            request
                .headers()
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .map(|host| format!("{}://{host}", if state.config.secure_cookies { "https" } else { "http" }))
        });
        if expected.as_deref() != Some(origin) {
            return refuse(&path);
        }
    }
    let session_token = request
        .extensions()
        .get::<Auth>()
        .and_then(|a| a.principal.as_ref())
        .filter(|_| request.extensions().get::<Auth>().is_some_and(|a| !a.via_bearer))
        .and_then(|p| p.session.as_ref())
        .map(|s| s.csrf_token.clone());
    let Some(expected) = session_token else {
        return next.run(request).await;
    };
    if let Some(sent) = request.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()) {
        return if constant_time_eq(sent, &expected) { next.run(request).await } else { refuse(&path) };
    }
    // A file upload from a page cannot set a header: its form carries the token in its address.
    let is_multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if is_multipart {
        let sent = request.uri().query().and_then(|q| {
            url::form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "csrf_token").map(|(_, v)| v.into_owned())
        });
        return match sent {
            Some(sent) if constant_time_eq(&sent, &expected) => next.run(request).await,
            _ => refuse(&path),
        };
    }
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return refuse(&path);
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, FORM_LIMIT).await else {
        return if is_api(&path) {
            ApiError::new(axum::http::StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").into_response()
        } else {
            PageError::new(axum::http::StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").into_response()
        };
    };
    let sent = url::form_urlencoded::parse(&bytes).find(|(k, _)| k == "csrf_token").map(|(_, v)| v.into_owned());
    match sent {
        Some(sent) if constant_time_eq(&sent, &expected) => {
            next.run(Request::from_parts(parts, Body::from(bytes))).await
        }
        _ => refuse(&path),
    }
}
