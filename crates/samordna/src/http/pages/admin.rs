//! The association's members and users.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use super::{assignable_roles, describe_grant, pick_association, render, FormErrors, Layout};
use crate::domain::org_number::OrgNumber;
use crate::domain::party::PartyKind;
use crate::http::auth::PageUser;
use crate::http::error::PageError;
use crate::http::AppState;
use crate::service::accounts::{self, Creator, NewUserInput};
use crate::service::members::{self, NewMemberInput};
use crate::service::principal::Principal;
use crate::service::{FieldError, ServiceError};
use crate::storage::Page;

#[derive(Deserialize)]
pub struct AssociationQuery {
    forbund: Option<i64>,
    sida: Option<i64>,
    meddelande: Option<String>,
}

pub struct MemberView {
    name: String,
    org_number: String,
    party_kind: &'static str,
    populations: Vec<String>,
}

#[derive(Template)]
#[template(path = "members.html")]
struct MembersPage {
    layout: Layout,
    association_id: i64,
    association_name: String,
    members: Vec<MemberView>,
    can_add: bool,
}

fn format_count(n: i64) -> String {
    crate::domain::money::Money::from_kronor(n).format_number()
}

pub async fn members(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<AssociationQuery>,
) -> Result<Response, PageError> {
    let association = pick_association(&state, &p, q.forbund).await?;
    let list = members::list(&state.db, &p, association.id).await?;
    let members = list
        .into_iter()
        .map(|m| MemberView {
            org_number: OrgNumber::parse(&m.member.org_number).map(|o| o.to_string()).unwrap_or(m.member.org_number),
            name: m.member.name,
            party_kind: m.member.party_kind.label(),
            populations: m
                .populations
                .iter()
                .map(|p| format!("{}: {} invånare", p.year, format_count(p.population)))
                .collect(),
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &MembersPage {
            layout: Layout::for_user(format!("Medlemmar i {}", association.name), &p, "/medlemmar")
                .with_notice(q.meddelande.as_deref()),
            association_id: association.id,
            association_name: association.name,
            members,
            can_add: p.administer(association.id).is_ok(),
        },
    ))
}

#[derive(Deserialize, Default)]
pub struct MemberForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    org_number: String,
    #[serde(default)]
    party_kind: String,
    #[serde(default)]
    population_year: String,
    #[serde(default)]
    population: String,
}

#[derive(Template)]
#[template(path = "member_new.html")]
struct MemberFormPage {
    layout: Layout,
    association_id: i64,
    association_name: String,
    form: MemberForm,
    errors: FormErrors,
    party_kinds: Vec<(&'static str, &'static str)>,
}

fn member_page(
    p: &Principal,
    status: StatusCode,
    id: i64,
    name: String,
    form: MemberForm,
    errors: FormErrors,
) -> Response {
    render(
        status,
        &MemberFormPage {
            layout: Layout::for_user("Lägg till medlem", p, "/medlemmar"),
            association_id: id,
            association_name: name,
            form,
            errors,
            party_kinds: PartyKind::ALL.into_iter().map(|k| (k.code(), k.label())).collect(),
        },
    )
}

pub async fn member_form(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<AssociationQuery>,
) -> Result<Response, PageError> {
    let association = pick_association(&state, &p, q.forbund).await?;
    p.administer(association.id)?;
    Ok(member_page(&p, StatusCode::OK, association.id, association.name, MemberForm::default(), FormErrors::default()))
}

pub async fn member_submit(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<AssociationQuery>,
    Form(f): Form<MemberForm>,
) -> Result<Response, PageError> {
    let association = pick_association(&state, &p, q.forbund).await?;
    p.administer(association.id)?;
    // The year and count are typed separately; both or neither.
    let mut early = Vec::new();
    let mut populations = Vec::new();
    match (f.population_year.trim(), f.population.trim()) {
        ("", "") => {}
        (year, count) => {
            let year = year.parse::<i32>().ok();
            let count = count.replace([' ', '\u{a0}'], "").parse::<i64>().ok();
            if year.is_none() {
                early.push(FieldError::new("population_year", "population_year_invalid"));
            }
            if count.is_none() {
                early.push(FieldError::new("population", "population_invalid"));
            }
            if let (Some(y), Some(c)) = (year, count) {
                populations.push((y, c));
            }
        }
    }
    let input = NewMemberInput {
        name: f.name.clone(),
        org_number: f.org_number.clone(),
        party_kind: f.party_kind.clone(),
        populations,
    };
    let result = if early.is_empty() {
        members::add(&state.db, &p, association.id, &input).await
    } else {
        // Report the form's own problems together with every other field's.
        let mut fields = members::validate(&input).err().unwrap_or_default();
        fields.extend(early);
        Err(ServiceError::Invalid(fields))
    };
    match result {
        Ok(_) => {
            Ok(Redirect::to(&format!("/medlemmar?forbund={}&meddelande=member_created", association.id))
                .into_response())
        }
        Err(ServiceError::Invalid(mut fields)) => {
            // The service names the population list; the form has one population field.
            for e in fields.iter_mut().filter(|e| e.field == "populations") {
                e.field = "population".into();
            }
            Ok(member_page(
                &p,
                StatusCode::UNPROCESSABLE_ENTITY,
                association.id,
                association.name,
                f,
                FormErrors::from_fields(&fields),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub struct UserView {
    name: String,
    email: String,
    roles: Vec<String>,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    layout: Layout,
    users: Vec<UserView>,
    total: i64,
    previous: Option<String>,
    next: Option<String>,
}

const USERS_PER_PAGE: i64 = 50;

pub async fn users(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<AssociationQuery>,
) -> Result<Response, PageError> {
    if !p.administers_any() {
        return Err(PageError::not_found());
    }
    let sida = q.sida.unwrap_or(1).max(1);
    let page = Page::new(Some(USERS_PER_PAGE), Some((sida - 1) * USERS_PER_PAGE));
    let (list, total) = accounts::list_users(&state.db, &p, q.forbund, page).await?;
    let link = |n: i64| match q.forbund {
        Some(f) => format!("/anvandare?forbund={f}&sida={n}"),
        None => format!("/anvandare?sida={n}"),
    };
    let users = list
        .into_iter()
        .map(|u| UserView {
            status: if !u.user.active {
                "Inaktiverad"
            } else if u.user.must_change_password {
                "Har inte loggat in ännu"
            } else {
                "Aktiv"
            },
            name: u.user.name,
            email: u.user.email,
            roles: u.roles.iter().map(describe_grant).collect(),
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &UsersPage {
            layout: Layout::for_user("Användare", &p, "/anvandare"),
            users,
            total,
            previous: (sida > 1).then(|| link(sida - 1)),
            next: (sida * USERS_PER_PAGE < total).then(|| link(sida + 1)),
        },
    ))
}

#[derive(Deserialize, Default)]
pub struct UserForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    member_id: String,
    #[serde(default)]
    forbund: String,
}

#[derive(Template)]
#[template(path = "user_new.html")]
struct UserFormPage {
    layout: Layout,
    form: UserForm,
    errors: FormErrors,
    roles: Vec<(&'static str, &'static str)>,
    members: Vec<(i64, String)>,
    association_id: i64,
}

#[derive(Template)]
#[template(path = "user_created.html")]
struct UserCreatedPage {
    layout: Layout,
    email: String,
    password: String,
}

async fn user_page(
    state: &AppState,
    p: &Principal,
    status: StatusCode,
    association_id: i64,
    form: UserForm,
    errors: FormErrors,
) -> Result<Response, PageError> {
    let members =
        members::list(&state.db, p, association_id).await?.into_iter().map(|m| (m.member.id, m.member.name)).collect();
    Ok(render(
        status,
        &UserFormPage {
            layout: Layout::for_user("Lägg till användare", p, "/anvandare"),
            form,
            errors,
            roles: assignable_roles(p),
            members,
            association_id,
        },
    ))
}

pub async fn user_form(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<AssociationQuery>,
) -> Result<Response, PageError> {
    let association = pick_association(&state, &p, q.forbund).await?;
    p.administer(association.id)?;
    user_page(&state, &p, StatusCode::OK, association.id, UserForm::default(), FormErrors::default()).await
}

pub async fn user_submit(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Form(f): Form<UserForm>,
) -> Result<Response, PageError> {
    let association = pick_association(&state, &p, f.forbund.trim().parse().ok()).await?;
    p.administer(association.id)?;
    let member_id = f.member_id.trim().parse::<i64>().ok();
    let input = NewUserInput {
        email: f.email.clone(),
        name: f.name.clone(),
        role: f.role.clone(),
        association_id: Some(association.id),
        member_id,
    };
    match accounts::create_user(&state.db, Creator::Principal(&p), &input).await {
        Ok(created) => Ok(render(
            StatusCode::OK,
            &UserCreatedPage {
                layout: Layout::for_user("Användaren är tillagd", &p, "/anvandare"),
                email: created.email,
                password: created.one_time_password,
            },
        )),
        Err(ServiceError::Invalid(fields)) => {
            user_page(&state, &p, StatusCode::UNPROCESSABLE_ENTITY, association.id, f, FormErrors::from_fields(&fields))
                .await
        }
        Err(e) => Err(e.into()),
    }
}
