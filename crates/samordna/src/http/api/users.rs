//! The caller and the users it administers.

use axum::extract::{Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::role::Role;
use crate::http::auth::ApiUser;
use crate::http::error::{ApiError, Problem};
use crate::http::AppState;
use crate::service::accounts;
use crate::storage::users::RoleGrant;
use crate::storage::Page;

#[derive(Serialize, ToSchema)]
pub struct RoleGrantDto {
    pub role: Role,
    /// The association the role is held in (for member roles, the member's association).
    pub association_id: Option<i64>,
    /// The member organisation, for member roles.
    pub member_id: Option<i64>,
}

impl From<&RoleGrant> for RoleGrantDto {
    fn from(g: &RoleGrant) -> Self {
        RoleGrantDto { role: g.role, association_id: g.association_id, member_id: g.member_id }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MeDto {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub roles: Vec<RoleGrantDto>,
}

/// The caller: who it is and which roles it holds where.
#[utoipa::path(get, path = "/api/v1/me", tag = "users",
    responses(
        (status = 200, body = MeDto),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn me(ApiUser(p): ApiUser) -> Json<MeDto> {
    Json(MeDto {
        id: p.user_id,
        email: p.email.clone(),
        name: p.name.clone(),
        roles: p.grants.iter().map(RoleGrantDto::from).collect(),
    })
}

#[derive(Serialize, ToSchema)]
pub struct UserDto {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub active: bool,
    pub must_change_password: bool,
    pub roles: Vec<RoleGrantDto>,
}

#[derive(Serialize, ToSchema)]
pub struct UserList {
    pub items: Vec<UserDto>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Deserialize, IntoParams)]
pub struct UserQuery {
    /// Only users with a role in this association (default: the caller's; all for system administrators).
    pub association_id: Option<i64>,
    /// At most this many (1–200, default 50).
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Users in Swedish name order, with their roles. For system and association administrators.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(UserQuery),
    description = "Allowed roles: system_admin, association_admin.",
    responses(
        (status = 200, body = UserList),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller administers no association", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such association, or the caller has no role there", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Query(q): Query<UserQuery>,
) -> Result<Json<UserList>, ApiError> {
    if !p.administers_any() {
        return Err(ApiError::new(axum::http::StatusCode::FORBIDDEN, "forbidden"));
    }
    let page = Page::new(q.limit, q.offset);
    let (users, total) = accounts::list_users(&state.db, &p, q.association_id, page).await?;
    Ok(Json(UserList {
        items: users
            .iter()
            .map(|u| UserDto {
                id: u.user.id,
                email: u.user.email.clone(),
                name: u.user.name.clone(),
                active: u.user.active,
                must_change_password: u.user.must_change_password,
                roles: u.roles.iter().map(RoleGrantDto::from).collect(),
            })
            .collect(),
        total,
        limit: page.limit,
        offset: page.offset,
    }))
}
