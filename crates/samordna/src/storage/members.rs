//! Associations (the tenants) and their member organisations.

use super::{Result, Tx};
use crate::domain::party::PartyKind;
use crate::domain::time::Timestamp;
use crate::on_backend;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AssociationRow {
    pub id: i64,
    pub name: String,
    pub org_number: String,
    pub registration_prefix: String,
}

#[derive(Debug, Clone)]
pub struct MemberRow {
    pub id: i64,
    pub association_id: i64,
    pub name: String,
    pub org_number: String,
    pub party_kind: PartyKind,
}

#[derive(sqlx::FromRow)]
struct RawMember {
    id: i64,
    association_id: i64,
    name: String,
    org_number: String,
    party_kind: String,
}

impl RawMember {
    fn into_row(self) -> MemberRow {
        MemberRow {
            id: self.id,
            association_id: self.association_id,
            name: self.name,
            org_number: self.org_number,
            // The column's CHECK constraint admits only the four codes.
            party_kind: PartyKind::parse(&self.party_kind).unwrap_or(PartyKind::Kommun),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PopulationRow {
    pub member_id: i64,
    pub year: i32,
    pub population: i64,
    pub population_16_64: Option<i64>,
}

pub async fn insert_association(
    tx: &mut Tx,
    name: &str,
    org_number: &str,
    registration_prefix: &str,
    at: Timestamp,
) -> Result<i64> {
    let (id,): (i64,) = on_backend!(tx, c => sqlx::query_as(
        "INSERT INTO associations (name, org_number, registration_prefix, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(name).bind(org_number).bind(registration_prefix).bind(at)
        .fetch_one(&mut **c).await)?;
    Ok(id)
}

pub async fn list_associations(tx: &mut Tx) -> Result<Vec<AssociationRow>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT id, name, org_number, registration_prefix FROM associations ORDER BY name COLLATE sv, id")
        .fetch_all(&mut **c).await)?)
}

pub async fn get_association(tx: &mut Tx, id: i64) -> Result<Option<AssociationRow>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT id, name, org_number, registration_prefix FROM associations WHERE id = $1")
        .bind(id).fetch_optional(&mut **c).await)?)
}

pub async fn insert_member(
    tx: &mut Tx,
    association_id: i64,
    name: &str,
    org_number: &str,
    party_kind: PartyKind,
    at: Timestamp,
) -> Result<i64> {
    let (id,): (i64,) = on_backend!(tx, c => sqlx::query_as(
        "INSERT INTO members (association_id, name, org_number, party_kind, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(association_id).bind(name).bind(org_number).bind(party_kind.code()).bind(at)
        .fetch_one(&mut **c).await)?;
    Ok(id)
}

/// The members of an association in Swedish name order.
pub async fn list_members(tx: &mut Tx, association_id: i64) -> Result<Vec<MemberRow>> {
    let rows: Vec<RawMember> = on_backend!(tx, c => sqlx::query_as(
        "SELECT id, association_id, name, org_number, party_kind FROM members
         WHERE association_id = $1 ORDER BY name COLLATE sv, id")
        .bind(association_id).fetch_all(&mut **c).await)?;
    Ok(rows.into_iter().map(RawMember::into_row).collect())
}

pub async fn get_member(tx: &mut Tx, id: i64) -> Result<Option<MemberRow>> {
    let row: Option<RawMember> = on_backend!(tx, c => sqlx::query_as(
        "SELECT id, association_id, name, org_number, party_kind FROM members WHERE id = $1")
        .bind(id).fetch_optional(&mut **c).await)?;
    Ok(row.map(RawMember::into_row))
}

/// Sets (or replaces) a kommun's population for one year.
pub async fn set_population(tx: &mut Tx, p: &PopulationRow) -> Result<()> {
    on_backend!(tx, c => sqlx::query(
        "INSERT INTO member_populations (member_id, year, population, population_16_64) VALUES ($1, $2, $3, $4)
         ON CONFLICT (member_id, year) DO UPDATE SET population = excluded.population,
             population_16_64 = excluded.population_16_64")
        .bind(p.member_id).bind(p.year).bind(p.population).bind(p.population_16_64)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// All population figures of an association's members, by member and year.
pub async fn populations(tx: &mut Tx, association_id: i64) -> Result<Vec<PopulationRow>> {
    Ok(on_backend!(tx, c => sqlx::query_as(
        "SELECT p.member_id, p.year, p.population, p.population_16_64 FROM member_populations p
         JOIN members m ON m.id = p.member_id WHERE m.association_id = $1 ORDER BY p.member_id, p.year")
        .bind(association_id).fetch_all(&mut **c).await)?)
}
