//! The association's fixed agreement text, which applicants accept as it stands: administrators
//! publish new versions; earlier ones stay as they were accepted.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use super::{pick_association, render, FormErrors, Layout};
use crate::domain::rich_text::to_html;
use crate::http::auth::PageUser;
use crate::http::error::PageError;
use crate::http::AppState;
use crate::service::applications as service;
use crate::service::ServiceError;

#[derive(Template)]
#[template(path = "agreement.html")]
struct AgreementPage {
    layout: Layout,
    association_id: i64,
    association_name: String,
    version: Option<i64>,
    current_html: String,
    body: String,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
pub struct AgreementQuery {
    forbund: Option<i64>,
    meddelande: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<AgreementQuery>,
) -> Result<Response, PageError> {
    let association = pick_association(&state, &p, q.forbund).await?;
    p.administer(association.id)?;
    let current = service::agreement(&state.db, &p, association.id).await?;
    Ok(render(
        StatusCode::OK,
        &AgreementPage {
            layout: Layout::for_user("Överenskommelse i ansökan", &p, "/overenskommelse")
                .with_notice(q.meddelande.as_deref()),
            association_id: association.id,
            association_name: association.name,
            version: current.as_ref().map(|c| c.0),
            current_html: current.as_ref().map(|c| to_html(&c.1)).unwrap_or_default(),
            body: current.map(|c| c.1).unwrap_or_default(),
            errors: FormErrors::default(),
        },
    ))
}

#[derive(Deserialize)]
pub struct AgreementForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    forbund: String,
}

pub async fn publish(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Form(f): Form<AgreementForm>,
) -> Result<Response, PageError> {
    let association = pick_association(&state, &p, f.forbund.trim().parse().ok()).await?;
    match service::publish_agreement(&state.db, &p, association.id, &f.body).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/overenskommelse?forbund={}&meddelande=agreement_published", association.id))
                .into_response())
        }
        Err(ServiceError::Invalid(fields)) => {
            let current = service::agreement(&state.db, &p, association.id).await?;
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &AgreementPage {
                    layout: Layout::for_user("Överenskommelse i ansökan", &p, "/overenskommelse"),
                    association_id: association.id,
                    association_name: association.name,
                    version: current.as_ref().map(|c| c.0),
                    current_html: current.as_ref().map(|c| to_html(&c.1)).unwrap_or_default(),
                    body: f.body,
                    errors: FormErrors::from_fields(&fields),
                },
            ))
        }
        Err(e) => Err(e.into()),
    }
}
