//! The audit log page for administrators, with filters.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;

use super::{render, FormErrors, Layout};
use crate::domain::audit::{Action, Outcome};
use crate::domain::role::Role;
use crate::domain::time::{format_local_seconds, local_day_start};
use crate::http::auth::PageUser;
use crate::http::error::PageError;
use crate::http::AppState;
use crate::service::{self, FieldError};
use crate::storage::audit::AuditFilter;

const PER_PAGE: i64 = 100;

#[derive(Deserialize, Default)]
pub struct FilterForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    fore: Option<i64>,
    #[serde(default)]
    forbund: Option<i64>,
}

pub struct EventView {
    id: i64,
    time: String,
    actor: String,
    role: String,
    action: String,
    object: String,
    outcome: &'static str,
    client_addr: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    filter: FilterForm,
    errors: FormErrors,
    actions: Vec<(&'static str, &'static str)>,
    outcomes: Vec<(&'static str, &'static str)>,
    events: Vec<EventView>,
    older: Option<String>,
}

fn parse_date(field: &'static str, value: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(FieldError::new(field, "date_invalid"));
            None
        }
    }
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Query(f): Query<FilterForm>,
) -> Result<Response, PageError> {
    if !p.administers_any() {
        return Err(PageError::not_found());
    }
    let mut errors = Vec::new();
    let from = parse_date("from", &f.from, &mut errors);
    let until = parse_date("until", &f.until, &mut errors);
    let mut filter = AuditFilter {
        association_id: f.forbund,
        action: Some(f.action.trim().to_string()).filter(|a| !a.is_empty()),
        outcome: Outcome::parse(f.outcome.trim()),
        from: from.map(local_day_start),
        until: until.and_then(|d| d.succ_opt()).map(local_day_start),
        before_id: f.fore,
        ..Default::default()
    };
    let mut no_such_user = false;
    if !f.user.trim().is_empty() {
        match service::accounts::find_user_id(&state.db, &f.user).await? {
            Some(id) => filter.actor_user_id = Some(id),
            None => {
                errors.push(FieldError::new("user", "user_unknown"));
                no_such_user = true;
            }
        }
    }
    let rows =
        if no_such_user { Vec::new() } else { service::audit::list(&state.db, &p, filter, PER_PAGE + 1).await? };
    let has_more = rows.len() as i64 > PER_PAGE;
    let events: Vec<EventView> = rows
        .into_iter()
        .take(PER_PAGE as usize)
        .map(|e| EventView {
            id: e.id,
            time: format_local_seconds(e.occurred_at),
            actor: e.actor_email.clone().unwrap_or_else(|| {
                if e.actor_user_id.is_none() {
                    "–".into()
                } else {
                    "(borttagen)".into()
                }
            }),
            role: e
                .actor_role
                .as_deref()
                .and_then(Role::parse)
                .map(|r| r.label().to_string())
                .or(e.actor_role.clone())
                .unwrap_or_else(|| "–".into()),
            object: match (&e.object_type, &e.object_id) {
                (Some(t), Some(i)) => format!("{t} {i}"),
                _ => "–".into(),
            },
            outcome: Outcome::parse(&e.outcome).map(Outcome::label).unwrap_or("–"),
            client_addr: e.client_addr.clone().unwrap_or_else(|| "–".into()),
            action: Action::parse(&e.action).map(|a| a.label().to_string()).unwrap_or(e.action),
        })
        .collect();
    let older = if has_more {
        events.last().map(|last| {
            let mut q = url::form_urlencoded::Serializer::new(String::new());
            for (k, v) in [
                ("action", &f.action),
                ("outcome", &f.outcome),
                ("user", &f.user),
                ("from", &f.from),
                ("until", &f.until),
            ] {
                if !v.is_empty() {
                    q.append_pair(k, v);
                }
            }
            if let Some(a) = f.forbund {
                q.append_pair("forbund", &a.to_string());
            }
            q.append_pair("fore", &last.id.to_string());
            format!("/granskningslogg?{}", q.finish())
        })
    } else {
        None
    };
    let actions = Action::ALL.into_iter().map(|a| (a.code(), a.label())).collect();
    Ok(render(
        if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY },
        &AuditPage {
            layout: Layout::for_user("Granskningslogg", &p, "/granskningslogg"),
            filter: f,
            errors: FormErrors::from_fields(&errors),
            actions,
            outcomes: vec![("success", "Lyckades"), ("failure", "Misslyckades"), ("denied", "Nekad")],
            events,
            older,
        },
    ))
}
