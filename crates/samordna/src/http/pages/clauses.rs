//! The association's library of att-clauses, edited by its administrators.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use super::application_form::FormValues;
use super::{pick_association, render, FormErrors, Layout};
use crate::domain::proposal::{ClauseKind, PLACEHOLDERS};
use crate::http::auth::PageUser;
use crate::http::error::PageError;
use crate::http::AppState;
use crate::service::preparations as service;
use crate::service::principal::Principal;
use crate::service::ServiceError;

#[derive(Template)]
#[template(path = "clauses.html")]
struct ClausesPage {
    layout: Layout,
    association_id: i64,
    association_name: String,
    kinds: Vec<(String, &'static str)>,
    placeholders: Vec<(&'static str, &'static str)>,
    f: FormValues,
    errors: FormErrors,
}

impl ClausesPage {
    fn value(&self, key: impl AsRef<str>) -> &str {
        self.f.get(key.as_ref())
    }
}

#[derive(Deserialize, Default)]
pub struct ClausesQuery {
    forbund: Option<i64>,
    meddelande: Option<String>,
}

fn kinds() -> Vec<(String, &'static str)> {
    ClauseKind::ALL.into_iter().map(|k| (format!("clause_{}", k.code()), k.label())).collect()
}

#[allow(clippy::too_many_arguments)]
fn page(
    p: &Principal,
    status: StatusCode,
    id: i64,
    name: String,
    f: FormValues,
    errors: FormErrors,
    notice: Option<&str>,
) -> Response {
    render(
        status,
        &ClausesPage {
            layout: Layout::for_user("Att-satser", p, "/att-satser").with_notice(notice),
            association_id: id,
            association_name: name,
            kinds: kinds(),
            placeholders: PLACEHOLDERS.to_vec(),
            f,
            errors,
        },
    )
}

pub async fn view(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<ClausesQuery>,
) -> Result<Response, PageError> {
    let association = pick_association(&state, &p, q.forbund).await?;
    p.administer(association.id)?;
    let library = service::clause_library(&state.db, &p, association.id).await?;
    let mut f = FormValues::default();
    for (kind, template) in library {
        f.set(format!("clause_{}", kind.code()), template);
    }
    Ok(page(&p, StatusCode::OK, association.id, association.name, f, FormErrors::default(), q.meddelande.as_deref()))
}

#[derive(Deserialize)]
pub struct ClausesForm {
    #[serde(flatten)]
    fields: std::collections::HashMap<String, String>,
}

pub async fn save(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Form(form): Form<ClausesForm>,
) -> Result<Response, PageError> {
    let f = FormValues::from_pairs(form.fields.into_iter().collect());
    let association = pick_association(&state, &p, f.get("forbund").trim().parse().ok()).await?;
    p.administer(association.id)?;
    let templates: Vec<(ClauseKind, String)> =
        ClauseKind::ALL.into_iter().map(|k| (k, f.get(&format!("clause_{}", k.code())).to_string())).collect();
    match service::save_clause_library(&state.db, &p, association.id, &templates).await {
        Ok(()) => {
            Ok(Redirect::to(&format!("/att-satser?forbund={}&meddelande=clauses_saved", association.id))
                .into_response())
        }
        Err(ServiceError::Invalid(fields)) => Ok(page(
            &p,
            StatusCode::UNPROCESSABLE_ENTITY,
            association.id,
            association.name,
            f,
            FormErrors::from_fields(&fields),
            None,
        )),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "agreement_template.html")]
struct AgreementTemplatePage {
    layout: Layout,
    association_id: i64,
    association_name: String,
    placeholders: Vec<(&'static str, &'static str)>,
    template: String,
    errors: FormErrors,
}

fn template_page(
    p: &Principal,
    status: StatusCode,
    association: crate::storage::members::AssociationRow,
    template: String,
    errors: FormErrors,
    notice: Option<&str>,
) -> Response {
    render(
        status,
        &AgreementTemplatePage {
            layout: Layout::for_user("Mall för överenskommelser", p, "/mall-overenskommelse").with_notice(notice),
            association_id: association.id,
            association_name: association.name,
            placeholders: crate::domain::meeting::AGREEMENT_PLACEHOLDERS.to_vec(),
            template,
            errors,
        },
    )
}

/// The association's template for the agreement a grant writes.
pub async fn agreement_template(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<ClausesQuery>,
) -> Result<Response, PageError> {
    let association = pick_association(&state, &p, q.forbund).await?;
    p.administer(association.id)?;
    let template = crate::service::interventions::agreement_template(&state.db, &p, association.id).await?;
    Ok(template_page(&p, StatusCode::OK, association, template, FormErrors::default(), q.meddelande.as_deref()))
}

#[derive(Deserialize)]
pub struct AgreementTemplateForm {
    forbund: Option<i64>,
    agreement_template: String,
}

pub async fn save_agreement_template(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Form(form): Form<AgreementTemplateForm>,
) -> Result<Response, PageError> {
    let association = pick_association(&state, &p, form.forbund).await?;
    p.administer(association.id)?;
    match crate::service::interventions::save_agreement_template(
        &state.db,
        &p,
        association.id,
        &form.agreement_template,
    )
    .await
    {
        Ok(()) => Ok(Redirect::to(&format!(
            "/mall-overenskommelse?forbund={}&meddelande=agreement_template_saved",
            association.id
        ))
        .into_response()),
        Err(ServiceError::Invalid(fields)) => Ok(template_page(
            &p,
            StatusCode::UNPROCESSABLE_ENTITY,
            association,
            form.agreement_template,
            FormErrors::from_fields(&fields),
            None,
        )),
        Err(e) => Err(e.into()),
    }
}
