//! Logging in and out.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use super::{render, FormErrors, Layout};
use crate::http::auth::{cookie, Auth, ClientAddr, PageUser};
use crate::http::error::PageError;
use crate::http::messages::message;
use crate::http::AppState;
use crate::service::accounts;
use crate::service::tokens::{constant_time_eq, random_token};
use crate::service::{FieldError, ServiceError};

/// Guards the login form against login CSRF: the form carries the value of this cookie.
const LOGIN_COOKIE: &str = "samordna_login";

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    errors: FormErrors,
    problem: Option<&'static str>,
    email: String,
    next: String,
    login_token: String,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    nasta: Option<String>,
    meddelande: Option<String>,
}

/// Only a path on this site: never an absolute URL or a protocol-relative one (open redirect).
fn local_path(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") => n.to_string(),
        _ => "/".to_string(),
    }
}

fn login_cookie(state: &AppState, value: &str) -> String {
    let secure = if state.config.secure_cookies { "; Secure" } else { "" };
    format!("{LOGIN_COOKIE}={value}; Path=/logga-in; HttpOnly; SameSite=Strict{secure}")
}

fn page(
    state: &AppState,
    status: StatusCode,
    errors: FormErrors,
    problem: Option<&'static str>,
    email: String,
    next: String,
    notice: Option<&str>,
) -> Response {
    let token = random_token();
    let mut response = render(
        status,
        &LoginPage {
            layout: Layout::public("Logga in").with_notice(notice),
            errors,
            problem,
            email,
            next,
            login_token: token.clone(),
        },
    );
    if let Ok(v) = login_cookie(state, &token).parse() {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

pub async fn form(
    State(state): State<AppState>,
    auth: Option<axum::Extension<Auth>>,
    Query(q): Query<LoginQuery>,
) -> Response {
    if auth.is_some_and(|a| a.principal.is_some()) {
        return Redirect::to("/").into_response();
    }
    page(
        &state,
        StatusCode::OK,
        FormErrors::default(),
        None,
        String::new(),
        local_path(q.nasta.as_deref()),
        q.meddelande.as_deref(),
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    nasta: String,
}

pub async fn submit(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let expected = cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    if expected.is_empty() || !constant_time_eq(expected, &f.csrf_token) {
        return PageError::new(StatusCode::FORBIDDEN, "csrf_failed").into_response();
    }
    let next = local_path(Some(&f.nasta));
    let mut missing = Vec::new();
    if f.email.trim().is_empty() {
        missing.push(FieldError::new("email", "required"));
    }
    if f.password.is_empty() {
        missing.push(FieldError::new("password", "required"));
    }
    if !missing.is_empty() {
        return page(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            FormErrors::from_fields(&missing),
            None,
            f.email,
            next,
            None,
        );
    }
    match accounts::login(&state.db, &state.config.auth, &f.email, &f.password, &addr).await {
        Ok(done) => {
            let target = if done.must_change_password { "/konto/losenord".to_string() } else { next };
            let secure = if state.config.secure_cookies { "; Secure" } else { "" };
            let session = format!(
                "{}={}; Path=/; HttpOnly; SameSite=Lax{secure}",
                state.config.session_cookie_name(),
                done.session_token
            );
            let mut response = Redirect::to(&target).into_response();
            for c in [session, format!("{LOGIN_COOKIE}=; Path=/logga-in; Max-Age=0; HttpOnly; SameSite=Strict{secure}")]
            {
                if let Ok(v) = c.parse() {
                    response.headers_mut().append(header::SET_COOKIE, v);
                }
            }
            response
        }
        Err(ServiceError::Unauthenticated) => page(
            &state,
            StatusCode::UNAUTHORIZED,
            FormErrors::default(),
            Some(message("invalid_credentials")),
            f.email,
            next,
            None,
        ),
        Err(ServiceError::Throttled) => page(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            FormErrors::default(),
            Some(message("throttled")),
            f.email,
            next,
            None,
        ),
        Err(e) => PageError::from(e).into_response(),
    }
}

pub async fn logout(State(state): State<AppState>, PageUser(p): PageUser) -> Response {
    if let Err(e) = accounts::logout(&state.db, &p).await {
        return PageError::from(e).into_response();
    }
    let secure = if state.config.secure_cookies { "; Secure" } else { "" };
    let clear = format!("{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{secure}", state.config.session_cookie_name());
    let mut response = Redirect::to("/logga-in?meddelande=logged_out").into_response();
    if let Ok(v) = clear.parse() {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn redirects_only_within_the_site() {
        assert_eq!(local_path(Some("/medlemmar?forbund=1")), "/medlemmar?forbund=1");
        assert_eq!(local_path(Some("//evil.example/")), "/");
        assert_eq!(local_path(Some("/\\evil.example")), "/");
        assert_eq!(local_path(Some("https://evil.example/")), "/");
        assert_eq!(local_path(None), "/");
    }
}
