//! Who is calling: the session cookie or the bearer token, resolved once per request, and the
//! extractors that require a logged-in user on pages and in the API.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use super::error::{ApiError, PageError};
use super::AppState;
use crate::service::accounts::{self, SessionEnd};
use crate::service::principal::Principal;

/// What the request's credentials resolved to.
#[derive(Clone, Debug, Default)]
pub struct Auth {
    pub principal: Option<Principal>,
    /// Why a session cookie that was sent is no longer valid.
    pub session_end: Option<SessionEnd>,
    pub via_bearer: bool,
    /// A bearer token was sent but is not valid.
    pub bad_bearer: bool,
    pub client_addr: String,
}

/// The value of one cookie in the request, if sent.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn client_addr(state: &AppState, request: &Request) -> String {
    if state.config.trust_forwarded_for {
        if let Some(first) = request
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|v| v.parse::<std::net::IpAddr>().is_ok())
        {
            return first.to_string();
        }
    }
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

pub async fn resolve_principal(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let mut auth = Auth { client_addr: client_addr(&state, &request), ..Default::default() };
    let bearer = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string());
    if let Some(token) = bearer {
        auth.via_bearer = true;
        match accounts::authenticate_token(&state.db, &token, &auth.client_addr).await {
            Ok(Some(p)) => auth.principal = Some(p),
            Ok(None) => auth.bad_bearer = true,
            Err(e) => return ApiError::from(e).into_response(),
        }
    } else if let Some(token) = cookie(request.headers(), state.config.session_cookie_name()).map(str::to_string) {
        match accounts::authenticate_session(&state.db, &state.config.auth, &token, &auth.client_addr).await {
            Ok(Ok(p)) => auth.principal = Some(p),
            Ok(Err(end)) => auth.session_end = Some(end),
            Err(e) => return PageError::from(e).into_response(),
        }
    }
    request.extensions_mut().insert(auth);
    next.run(request).await
}

/// Paths a user who must change password may still reach.
const ALLOWED_BEFORE_PASSWORD_CHANGE: &[&str] = &["/konto/losenord", "/logga-ut"];

/// A logged-in user on a page; anyone else is sent to the login page and brought back after.
pub struct PageUser(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let auth = parts.extensions.get::<Auth>().cloned().unwrap_or_default();
        match auth.principal {
            Some(p) => {
                if p.must_change_password && !ALLOWED_BEFORE_PASSWORD_CHANGE.contains(&parts.uri.path()) {
                    return Err(Redirect::to("/konto/losenord").into_response());
                }
                Ok(PageUser(p))
            }
            None => {
                let next = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
                let mut target = format!(
                    "/logga-in?nasta={}",
                    url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
                );
                match auth.session_end {
                    Some(SessionEnd::Idle) => target.push_str("&meddelande=idle"),
                    Some(SessionEnd::Expired) => target.push_str("&meddelande=expired"),
                    _ => {}
                }
                Err(Redirect::to(&target).into_response())
            }
        }
    }
}

/// A caller of the API with a valid token or session.
pub struct ApiUser(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let auth = parts.extensions.get::<Auth>().cloned().unwrap_or_default();
        match auth.principal {
            Some(p) if p.must_change_password => Err(ApiError::new(StatusCode::FORBIDDEN, "password_change_required")),
            Some(p) => Ok(ApiUser(p)),
            None => Err(ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated")),
        }
    }
}

/// The caller's client address, for requests without a logged-in user (the login form).
pub struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts.extensions.get::<Auth>().map(|a| a.client_addr.clone()).unwrap_or_else(|| "unknown".into()),
        ))
    }
}

/// The optional logged-in user (public pages show the navigation when there is one).
pub struct MaybeUser(pub Option<Principal>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeUser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeUser(parts.extensions.get::<Auth>().and_then(|a| a.principal.clone())))
    }
}
