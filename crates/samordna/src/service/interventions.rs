//! Interventions (insatser) a grant has started: who sees them, the agreement and its signing by
//! every party's firmatecknare. An intervention runs from its start date once all have signed.

use serde_json::json;

use crate::domain::audit::Action;
use crate::domain::meeting::{check_agreement_template, InterventionStatus, DEFAULT_AGREEMENT_TEMPLATE};
use crate::domain::money::Money;
use crate::domain::role::Role;
use crate::domain::time;
use crate::storage::interventions::{self as store, InterventionRow, ListFilter, PartyRow, SignatureRow};
use crate::storage::{Db, Page, Tx};

use super::audit::{Actor, Event};
use super::principal::Principal;
use super::{FieldError, ServiceError, ServiceResult};

/// What the caller may see of an association's interventions.
#[derive(Debug, Clone, Default)]
pub struct Reach {
    /// The office, the board and the auditors see every intervention.
    pub all: bool,
    /// Otherwise only those where one of these members is a party.
    pub members: Vec<i64>,
    /// The members the caller signs for.
    pub signs_for: Vec<i64>,
}

pub fn reach(p: &Principal, association_id: i64) -> Reach {
    let mut r = Reach::default();
    for g in &p.grants {
        let here = g.association_id == Some(association_id);
        match (g.role, g.member_id) {
            (Role::SystemAdmin, _) => r.all = true,
            (Role::AssociationAdmin | Role::Director | Role::CaseOfficer | Role::BoardMember | Role::Auditor, _)
                if here =>
            {
                r.all = true
            }
            (Role::InterventionLead | Role::CaseWorker, Some(m)) if here => r.members.push(m),
            (Role::Signatory, Some(m)) if here => {
                r.members.push(m);
                r.signs_for.push(m);
            }
            _ => {}
        }
    }
    r
}

pub struct InterventionView {
    pub row: InterventionRow,
    pub status: InterventionStatus,
    pub parties: Vec<PartyRow>,
    pub signatures: Vec<SignatureRow>,
    pub budget_years: Vec<(i32, Money)>,
    pub conditions: Vec<String>,
    /// The parties the caller may sign the agreement for now.
    pub can_sign_for: Vec<i64>,
}

impl InterventionView {
    pub fn signature_of(&self, member_id: i64) -> Option<&SignatureRow> {
        self.signatures.iter().find(|s| s.member_id == member_id)
    }
}

/// The intervention, its parties and the caller's reach, if the caller may see it (else NotFound).
pub(crate) async fn load(
    tx: &mut Tx,
    p: &Principal,
    id: i64,
) -> ServiceResult<(InterventionRow, Vec<PartyRow>, Reach)> {
    let row = store::get(tx, id, time::today()).await?.ok_or(ServiceError::NotFound)?;
    let parties = store::parties(tx, id).await?;
    let reach = reach(p, row.association_id);
    if !(reach.all || parties.iter().any(|x| reach.members.contains(&x.member_id))) {
        return Err(ServiceError::NotFound);
    }
    Ok((row, parties, reach))
}

pub async fn get(db: &Db, p: &Principal, id: i64) -> ServiceResult<InterventionView> {
    let mut tx = db.read().await?;
    let (row, parties, reach) = load(&mut tx, p, id).await?;
    let signatures = store::signatures(&mut tx, id).await?;
    let budget_years = store::budget_years(&mut tx, id).await?;
    tx.commit().await?;
    let can_sign_for = parties
        .iter()
        .map(|x| x.member_id)
        .filter(|m| reach.signs_for.contains(m) && !signatures.iter().any(|s| s.member_id == *m))
        .collect();
    Ok(InterventionView {
        status: InterventionStatus::parse(&row.status).unwrap_or(InterventionStatus::AwaitingAgreement),
        conditions: serde_json::from_str(&row.conditions).unwrap_or_default(),
        budget_years: budget_years.into_iter().map(|(y, o)| (y, Money::from_ore(o))).collect(),
        parties,
        signatures,
        can_sign_for,
        row,
    })
}

/// The interventions the caller may see, latest start first.
pub async fn list(
    db: &Db,
    p: &Principal,
    association_id: i64,
    status: Option<InterventionStatus>,
    page: Page,
) -> ServiceResult<(Vec<InterventionRow>, i64)> {
    let r = reach(p, association_id);
    if !r.all && r.members.is_empty() {
        return Err(ServiceError::NotFound);
    }
    let filter = ListFilter {
        association_id,
        party_members: if r.all { None } else { Some(r.members) },
        status: status.map(InterventionStatus::code),
    };
    let mut tx = db.read().await?;
    let result = store::list(&mut tx, &filter, time::today(), page).await?;
    tx.commit().await?;
    Ok(result)
}

/// Signs the agreement for a party. Only that party's firmatecknare may; each party signs once.
/// The last signature completes the agreement.
pub async fn sign(db: &Db, p: &Principal, id: i64, member_id: i64) -> ServiceResult<()> {
    let mut tx = db.write().await?;
    let (row, parties, reach) = load(&mut tx, p, id).await?;
    if !parties.iter().any(|x| x.member_id == member_id) {
        return Err(ServiceError::Invalid(vec![FieldError::new("member_id", "not_a_party")]));
    }
    if !reach.signs_for.contains(&member_id) {
        return Err(ServiceError::Denied("not_signatory"));
    }
    let now = time::now();
    if !store::add_signature(&mut tx, id, member_id, p.user_id, &row.agreement_hash, now).await? {
        return Err(ServiceError::Conflict("already_signed"));
    }
    let signed = store::signatures(&mut tx, id).await?;
    let complete = parties.iter().all(|x| signed.iter().any(|s| s.member_id == x.member_id));
    if complete {
        store::set_all_signed(&mut tx, id, now).await?;
    }
    Event::new(&Actor::of(p, Some(row.association_id)), Action::AgreementSign)
        .association(row.association_id)
        .member(member_id)
        .object("intervention", id)
        .details(json!({ "agreement_hash": row.agreement_hash, "complete": complete }))
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The association's agreement template: its own, or the default.
pub async fn agreement_template(db: &Db, p: &Principal, association_id: i64) -> ServiceResult<String> {
    if !p.can_see_association(association_id) {
        return Err(ServiceError::NotFound);
    }
    let mut tx = db.read().await?;
    let template = store::agreement_template(&mut tx, association_id).await?;
    tx.commit().await?;
    Ok(template.unwrap_or_else(|| DEFAULT_AGREEMENT_TEMPLATE.to_string()))
}

/// Saves the association's agreement template; agreements already written keep their text.
pub async fn save_agreement_template(db: &Db, p: &Principal, association_id: i64, template: &str) -> ServiceResult<()> {
    let admin = p.administer(association_id)?;
    let template = template.trim().replace("\r\n", "\n");
    if template.is_empty() {
        return Err(ServiceError::Invalid(vec![FieldError::new("agreement_template", "required")]));
    }
    if template.chars().count() > 20_000 {
        return Err(ServiceError::Invalid(vec![FieldError::new("agreement_template", "too_long")]));
    }
    if check_agreement_template(&template).is_err() {
        return Err(ServiceError::Invalid(vec![FieldError::new("agreement_template", "clause_placeholder_unknown")]));
    }
    let mut tx = db.write().await?;
    store::set_agreement_template(&mut tx, association_id, &template, time::now()).await?;
    Event::new(&Actor::of(p, Some(admin.association_id)), Action::AgreementTemplateSave)
        .association(association_id)
        .object("agreement_template", association_id)
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The agreement as a document: its text, then each party's signature or the line awaiting it.
pub fn agreement_document(v: &InterventionView) -> (String, Vec<crate::documents::DocBlock>) {
    use crate::documents::DocBlock;
    let mut paragraphs = v.row.agreement_text.split("\n\n").map(str::trim).filter(|p| !p.is_empty());
    let heading = paragraphs.next().unwrap_or("Överenskommelse").to_string();
    let mut blocks = vec![DocBlock::Heading(1, heading.clone())];
    for p in paragraphs {
        // A paragraph of att-clauses keeps one clause per paragraph.
        blocks.extend(p.lines().map(|l| DocBlock::Paragraph(l.to_string())));
    }
    blocks.push(DocBlock::Heading(2, "Underskrifter".into()));
    for party in &v.parties {
        blocks.push(DocBlock::Paragraph(match v.signature_of(party.member_id) {
            Some(s) => {
                format!("{}: undertecknad av {} {}.", party.member_name, s.signer_name, time::format_local(s.signed_at))
            }
            None => format!("{}: väntar på underskrift.", party.member_name),
        }));
    }
    (heading, blocks)
}
