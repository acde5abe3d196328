//! The association's member organisations.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{association_of, ApiJson};
use crate::domain::party::PartyKind;
use crate::http::auth::ApiUser;
use crate::http::error::{ApiError, Problem};
use crate::http::AppState;
use crate::service::members::{self, NewMemberInput};

#[derive(Serialize, Deserialize, ToSchema)]
pub struct PopulationDto {
    pub year: i32,
    /// Inhabitants on 31 December of the year.
    pub population: i64,
}

#[derive(Serialize, ToSchema)]
pub struct MemberDto {
    pub id: i64,
    pub association_id: i64,
    pub name: String,
    /// Ten digits with a dash, as in 212000-0274.
    pub org_number: String,
    pub party_kind: PartyKind,
    pub populations: Vec<PopulationDto>,
}

#[derive(Deserialize, IntoParams)]
pub struct MemberQuery {
    /// The association (default: the caller's first).
    pub association_id: Option<i64>,
}

fn dash(org: &str) -> String {
    crate::domain::org_number::OrgNumber::parse(org).map(|o| o.to_string()).unwrap_or_else(|_| org.to_string())
}

/// The members of an association, in Swedish name order. For every role in the association.
#[utoipa::path(get, path = "/api/v1/members", tag = "members", params(MemberQuery),
    responses(
        (status = 200, body = Vec<MemberDto>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such association, or the caller has no role there", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Query(q): Query<MemberQuery>,
) -> Result<Json<Vec<MemberDto>>, ApiError> {
    let association = association_of(&p, q.association_id)?;
    let list = members::list(&state.db, &p, association).await?;
    Ok(Json(
        list.into_iter()
            .map(|m| MemberDto {
                id: m.member.id,
                association_id: m.member.association_id,
                org_number: dash(&m.member.org_number),
                name: m.member.name,
                party_kind: m.member.party_kind,
                populations: m
                    .populations
                    .iter()
                    .map(|p| PopulationDto { year: p.year, population: p.population })
                    .collect(),
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct NewMemberDto {
    pub name: String,
    /// Ten digits, with or without a dash; the check digit is verified.
    pub org_number: String,
    /// One of fk, af, region, kommun.
    pub party_kind: String,
    /// For kommuner: population by year.
    #[serde(default)]
    pub populations: Vec<PopulationDto>,
}

/// Adds a member to an association. For system and association administrators.
#[utoipa::path(post, path = "/api/v1/members", tag = "members", params(MemberQuery), request_body = NewMemberDto,
    description = "Allowed roles: system_admin, association_admin.",
    responses(
        (status = 201, body = MemberDto),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (codes: required, too_long, org_number_format, org_number_check_digit, org_number_taken, party_kind_unknown, population_*)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(p): ApiUser,
    Query(q): Query<MemberQuery>,
    ApiJson(body): ApiJson<NewMemberDto>,
) -> Result<(StatusCode, Json<MemberDto>), ApiError> {
    let association = association_of(&p, q.association_id)?;
    let input = NewMemberInput {
        name: body.name,
        org_number: body.org_number,
        party_kind: body.party_kind,
        populations: body.populations.iter().map(|p| (p.year, p.population)).collect(),
    };
    let m = members::add(&state.db, &p, association, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(MemberDto {
            id: m.id,
            association_id: m.association_id,
            org_number: dash(&m.org_number),
            name: m.name,
            party_kind: m.party_kind,
            populations: body.populations,
        }),
    ))
}
