//! The association's member organisations.

use serde_json::json;

use crate::domain::audit::Action;

use crate::domain::org_number::{OrgNumber, OrgNumberError};
use crate::domain::party::PartyKind;
use crate::domain::time;
use crate::storage::members::{self as store, AssociationRow, MemberRow, PopulationRow};
use crate::storage::Db;

use super::audit::{Actor, Event};
use super::principal::Principal;
use super::{FieldError, ServiceError, ServiceResult, Validation};

/// A member as typed in the form or sent to the API.
#[derive(Debug, Clone, Default)]
pub struct NewMemberInput {
    pub name: String,
    pub org_number: String,
    pub party_kind: String,
    /// Population by year, for kommuner (the key for splitting their contribution).
    pub populations: Vec<(i32, i64)>,
}

pub struct MemberWithPopulation {
    pub member: MemberRow,
    pub populations: Vec<PopulationRow>,
}

/// The associations the caller belongs to, in Swedish order.
pub async fn associations_of(db: &Db, principal: &Principal) -> ServiceResult<Vec<AssociationRow>> {
    let mut tx = db.read().await?;
    let all = store::list_associations(&mut tx).await?;
    tx.commit().await?;
    Ok(all.into_iter().filter(|a| principal.can_see_association(a.id)).collect())
}

/// The members of an association the caller belongs to, with their populations.
pub async fn list(db: &Db, principal: &Principal, association_id: i64) -> ServiceResult<Vec<MemberWithPopulation>> {
    if !principal.can_see_association(association_id) {
        return Err(ServiceError::NotFound);
    }
    let mut tx = db.read().await?;
    if store::get_association(&mut tx, association_id).await?.is_none() {
        return Err(ServiceError::NotFound);
    }
    let members = store::list_members(&mut tx, association_id).await?;
    let mut populations = store::populations(&mut tx, association_id).await?;
    tx.commit().await?;
    Ok(members
        .into_iter()
        .map(|member| {
            let (mine, rest): (Vec<_>, Vec<_>) = populations.drain(..).partition(|p| p.member_id == member.id);
            populations = rest;
            MemberWithPopulation { member, populations: mine }
        })
        .collect())
}

pub async fn add(
    db: &Db,
    principal: &Principal,
    association_id: i64,
    input: &NewMemberInput,
) -> ServiceResult<MemberRow> {
    let admin = principal.administer(association_id)?;
    add_as(db, &Actor::of(principal, Some(admin.association_id)), admin.association_id, input).await
}

/// Checks every field of a new member; returns the problems of all fields at once.
pub fn validate(input: &NewMemberInput) -> Result<(String, OrgNumber, PartyKind), Vec<FieldError>> {
    let mut v = Validation::default();
    let name = v.text("name", &input.name, 200);
    let org_number = match OrgNumber::parse(&input.org_number) {
        Ok(o) => Some(o),
        Err(_) if input.org_number.trim().is_empty() => {
            v.add("org_number", "required");
            None
        }
        Err(OrgNumberError::Format) => {
            v.add("org_number", "org_number_format");
            None
        }
        Err(OrgNumberError::CheckDigit) => {
            v.add("org_number", "org_number_check_digit");
            None
        }
    };
    let party_kind = PartyKind::parse(input.party_kind.trim());
    if party_kind.is_none() {
        v.add("party_kind", if input.party_kind.trim().is_empty() { "required" } else { "party_kind_unknown" });
    }
    for (year, population) in &input.populations {
        if !(1900..=2200).contains(year) {
            v.add("populations", "population_year_invalid");
        }
        if *population < 0 {
            v.add("populations", "population_negative");
        }
    }
    if !input.populations.is_empty() && party_kind.is_some_and(|k| k != PartyKind::Kommun) {
        v.add("populations", "population_only_kommun");
    }
    match (v.finish(), org_number, party_kind) {
        (Ok(()), Some(o), Some(k)) => Ok((name, o, k)),
        (Err(ServiceError::Invalid(fields)), _, _) => Err(fields),
        _ => unreachable!("a missing value always adds a field error"),
    }
}

/// Adds a member after checking every field; nothing is saved if any is wrong.
pub async fn add_as(db: &Db, actor: &Actor, association_id: i64, input: &NewMemberInput) -> ServiceResult<MemberRow> {
    let (name, org_number, party_kind) = validate(input).map_err(ServiceError::Invalid)?;

    let mut tx = db.write().await?;
    if store::get_association(&mut tx, association_id).await?.is_none() {
        return Err(ServiceError::NotFound);
    }
    let id = store::insert_member(&mut tx, association_id, &name, org_number.digits(), party_kind, time::now())
        .await
        .map_err(|e| {
        if e.is_unique_violation() {
            ServiceError::Invalid(vec![FieldError::new("org_number", "org_number_taken")])
        } else {
            e.into()
        }
    })?;
    for (year, population) in &input.populations {
        store::set_population(
            &mut tx,
            &PopulationRow { member_id: id, year: *year, population: *population, population_16_64: None },
        )
        .await?;
    }
    Event::new(actor, Action::MemberCreate)
        .association(association_id)
        .member(id)
        .object("member", id)
        .details(json!({ "party_kind": party_kind.code() }))
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(MemberRow { id, association_id, name, org_number: org_number.digits().to_string(), party_kind })
}
