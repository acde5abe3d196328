//! The user's own account: changing the password.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use super::{render, FormErrors, Layout};
use crate::http::auth::PageUser;
use crate::http::error::PageError;
use crate::http::AppState;
use crate::service::accounts::{self, PasswordChange};
use crate::service::principal::Principal;
use crate::service::ServiceError;

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    layout: Layout,
    errors: FormErrors,
    forced: bool,
}

fn page(p: &Principal, status: StatusCode, errors: FormErrors) -> Response {
    render(
        status,
        &PasswordPage {
            layout: Layout::for_user("Byt lösenord", p, "/konto/losenord"),
            errors,
            forced: p.must_change_password,
        },
    )
}

pub async fn form(PageUser(p): PageUser) -> Response {
    page(&p, StatusCode::OK, FormErrors::default())
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

pub async fn submit(State(state): State<AppState>, PageUser(p): PageUser, Form(f): Form<PasswordForm>) -> Response {
    let change = PasswordChange { current: &f.current_password, new: &f.new_password, confirm: &f.confirm_password };
    match accounts::change_password(&state.db, &p, change).await {
        Ok(()) => Redirect::to("/?meddelande=password_changed").into_response(),
        Err(ServiceError::Invalid(fields)) => {
            page(&p, StatusCode::UNPROCESSABLE_ENTITY, FormErrors::from_fields(&fields))
        }
        Err(e) => PageError::from(e).into_response(),
    }
}
