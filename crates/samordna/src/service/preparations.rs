//! Preparation (beredning) of a received application: the assigned officer, the checklist, the
//! officer's notes and the decision proposal. The office edits; the board reads.

use std::collections::BTreeMap;

use serde_json::json;

use crate::domain::audit::Action;
use crate::domain::money::Money;
use crate::domain::proposal::{
    draft_assessment, draft_case_opening, draft_proposal, partner_order, AssessmentFacts, CaseFacts, Checklist,
    ClauseKind, ClauseLibrary, GrantFacts, ProposalContent, ProposalFacts, Recommendation, TemplateError,
};
use crate::domain::role::Role;
use crate::domain::time::{self, Timestamp};
use crate::storage::preparations::{self as store, PreparationWrite};
use crate::storage::{users, Db, Tx};

use super::applications::{self as applications, ApplicationView, Status};
use super::audit::{Actor, Event};
use super::principal::Principal;
use super::{FieldError, ServiceError, ServiceResult};

/// A preparation as shown: stored, or drafted from the application when none is stored yet
/// (`lock_version` 0 then).
pub struct PreparationView {
    pub application: ApplicationView,
    pub officer_user_id: Option<i64>,
    pub checklist: Checklist,
    pub notes: String,
    pub proposal: ProposalContent,
    pub lock_version: i64,
    pub updated: Option<(String, Timestamp)>,
    pub edits: Vec<(String, Timestamp)>,
    /// Officers that may be assigned: case officers and the director of the association.
    pub officers: Vec<(i64, String)>,
    pub can_edit: bool,
    /// The board's decisions on the case, oldest first: (meeting, date, section, outcome).
    pub decisions: Vec<(i64, chrono::NaiveDate, i64, crate::domain::meeting::Outcome)>,
}

fn office_editor(p: &Principal, association_id: i64) -> bool {
    p.is_system_admin()
        || p.grants.iter().any(|g| {
            g.association_id == Some(association_id)
                && matches!(g.role, Role::AssociationAdmin | Role::Director | Role::CaseOfficer)
        })
}

/// The clause library as stored, the default wording for kinds the association has not worded.
pub(crate) async fn library(tx: &mut Tx, association_id: i64) -> ServiceResult<ClauseLibrary> {
    let mut lib = ClauseLibrary::default();
    for (kind, template) in store::clause_templates(tx, association_id).await? {
        if let Some(k) = ClauseKind::ALL.into_iter().find(|k| k.code() == kind) {
            lib.0.insert(k, template);
        }
    }
    Ok(lib)
}

/// The grant the application asks for: its name, owner, period and the total it requests.
pub fn requested_grant(v: &ApplicationView) -> Option<GrantFacts> {
    let c = &v.content;
    Some(GrantFacts {
        intervention: c.name.clone(),
        owner: v.member_name(c.owner.member_id),
        start: c.start_date?,
        end: c.end_date?,
        maximum: Money::from_ore(c.budget_summary().overall.requested.ore()),
        option_to_extend: true,
    })
}

/// The partners in the order the documents name them.
pub fn ordered_partners(v: &ApplicationView) -> Vec<String> {
    partner_order(
        &v.content
            .partners
            .iter()
            .filter_map(|x| v.members.iter().find(|m| m.id == x.member_id))
            .map(|m| (m.name.clone(), m.party_kind))
            .collect::<Vec<_>>(),
    )
}

/// Drafts a proposal from the application, the checklist and the recommendation, with the
/// association's clause wording and the director as signer.
pub fn draft(
    v: &ApplicationView,
    checklist: &Checklist,
    library: &ClauseLibrary,
    recommendation: Recommendation,
    grant: &GrantFacts,
    extension_requirements: bool,
    signer: (&str, &str),
) -> Result<ProposalContent, TemplateError> {
    let c = &v.content;
    let partners = ordered_partners(v);
    let owner = v.member_name(c.owner.member_id);
    let case_text = draft_case_opening(&CaseFacts {
        owner: &owner,
        intervention: &c.name,
        partners: partners.clone(),
        start: c.start_date,
        end: c.end_date,
    });
    let assessment = draft_assessment(&AssessmentFacts {
        extension: c.extends.is_some(),
        individual: c.orientation != Some(crate::domain::application::Orientation::Structural),
        owner: &owner,
        partners,
        checklist,
    });
    draft_proposal(
        library,
        &ProposalFacts {
            recommendation,
            grant,
            extension_requirements,
            case_text,
            assessment,
            signer_name: signer.0.to_string(),
            signer_title: signer.1.to_string(),
        },
    )
}

/// The preparation of an application, for the office and the board.
pub async fn get(db: &Db, p: &Principal, application_id: i64) -> ServiceResult<PreparationView> {
    let application = applications::get(db, p, application_id).await?;
    if !(application.access.office || application.access.reader) || application.status == Status::Draft {
        return Err(ServiceError::NotFound);
    }
    let association = application.row.association_id;
    let mut tx = db.read().await?;
    let stored = store::get(&mut tx, application_id).await?;
    let edits = store::edits(&mut tx, application_id).await?;
    let decided = crate::storage::meetings::decisions_of_application(&mut tx, application_id).await?;
    let agendas = crate::storage::meetings::agendas_of(&mut tx, application_id).await?;
    let decisions = decided
        .iter()
        .filter_map(|d| {
            let (_, meeting, date, section) = *agendas.iter().find(|a| a.0 == d.meeting_item_id)?;
            Some((meeting, date, section, crate::domain::meeting::Outcome::parse(&d.outcome)?))
        })
        .collect();
    let lib = library(&mut tx, association).await?;
    let staff = users::holding(&mut tx, association, &[Role::CaseOfficer, Role::Director]).await?;
    // The director signs the proposal.
    let director_name =
        staff.iter().find(|(_, _, role)| role == Role::Director.code()).map(|(_, n, _)| n.clone()).unwrap_or_default();
    let updated_by = match &stored {
        Some(s) => users::get(&mut tx, s.updated_by).await?.map(|u| (u.name, s.updated_at)),
        None => None,
    };
    tx.commit().await?;
    let mut officers: Vec<(i64, String)> = Vec::new();
    for (id, name, _) in staff {
        if !officers.iter().any(|(o, _)| *o == id) {
            officers.push((id, name));
        }
    }
    let can_edit = office_editor(p, association) && !matches!(application.status, Status::Granted | Status::Rejected);
    let edits = edits.into_iter().map(|e| (e.edited_by_name, e.edited_at)).collect();
    match stored {
        Some(s) => Ok(PreparationView {
            officer_user_id: s.officer_user_id,
            checklist: serde_json::from_str(&s.checklist).unwrap_or_default(),
            notes: s.notes,
            proposal: serde_json::from_str(&s.proposal).unwrap_or_default(),
            lock_version: s.lock_version,
            updated: updated_by,
            edits,
            officers,
            can_edit,
            decisions,
            application,
        }),
        None => {
            let checklist = Checklist {
                lokus_discussed: application.content.anchoring.discussed == Some(true),
                lokus_date: application.content.anchoring.date,
                ..Default::default()
            };
            let proposal = match requested_grant(&application) {
                Some(grant) => draft(
                    &application,
                    &checklist,
                    &lib,
                    Recommendation::Grant,
                    &grant,
                    false,
                    (&director_name, "Förbundschef"),
                )
                .map_err(|_| ServiceError::Conflict("clause_template_invalid"))?,
                None => ProposalContent::default(),
            };
            Ok(PreparationView {
                officer_user_id: None,
                checklist,
                notes: String::new(),
                proposal,
                lock_version: 0,
                updated: None,
                edits,
                officers,
                can_edit,
                decisions,
                application,
            })
        }
    }
}

/// What the office saves.
pub struct PreparationInput {
    pub officer_user_id: Option<i64>,
    pub checklist: Checklist,
    pub notes: String,
    pub proposal: ProposalContent,
}

/// Saves the preparation. Every change of the proposal is kept with who and when.
pub async fn save(
    db: &Db,
    p: &Principal,
    application_id: i64,
    lock_version: i64,
    input: PreparationInput,
) -> ServiceResult<()> {
    let view = get(db, p, application_id).await?;
    let association = view.application.row.association_id;
    if !office_editor(p, association) {
        return Err(ServiceError::Forbidden);
    }
    if matches!(view.application.status, Status::Granted | Status::Rejected) {
        return Err(ServiceError::Conflict("case_already_decided"));
    }
    let mut errors = Vec::new();
    if let Some(officer) = input.officer_user_id {
        if !view.officers.iter().any(|(id, _)| *id == officer) {
            errors.push(FieldError::new("officer_user_id", "officer_unknown"));
        }
    }
    if input.proposal.clauses.iter().any(|c| c.trim().is_empty()) {
        errors.push(FieldError::new("clauses", "required"));
    }
    for (field, text, max) in [
        ("notes", &input.notes, 50_000),
        ("case_text", &input.proposal.case_text, 50_000),
        ("assessment", &input.proposal.assessment, 50_000),
    ] {
        if text.chars().count() > max {
            errors.push(FieldError::new(field, "too_long"));
        }
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let checklist = serde_json::to_string(&input.checklist).expect("serialises");
    let proposal = serde_json::to_string(&input.proposal).expect("serialises");
    let now = time::now();
    let write = PreparationWrite {
        application_id,
        officer_user_id: input.officer_user_id,
        checklist: &checklist,
        notes: &input.notes,
        proposal: &proposal,
        user_id: p.user_id,
        at: now,
    };
    let mut tx = db.write().await?;
    let stored = store::get(&mut tx, application_id).await?;
    let proposal_changed = match &stored {
        None => {
            if lock_version != 0 {
                return Err(ServiceError::Conflict("edit_conflict"));
            }
            store::insert(&mut tx, &write).await?;
            true
        }
        Some(s) => {
            let changed = s.proposal != proposal;
            if !store::update(&mut tx, &write, lock_version).await? {
                return Err(ServiceError::Conflict("edit_conflict"));
            }
            changed
        }
    };
    if proposal_changed {
        store::insert_edit(&mut tx, application_id, &proposal, p.user_id, now).await?;
    }
    Event::new(&Actor::of(p, Some(association)), Action::PreparationSave)
        .association(association)
        .object("application", application_id)
        .details(json!({ "proposal_changed": proposal_changed, "officer": input.officer_user_id }))
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The clause library as the association has it: its own wording, or the default, per kind.
pub async fn clause_library(
    db: &Db,
    p: &Principal,
    association_id: i64,
) -> ServiceResult<BTreeMap<ClauseKind, String>> {
    if !p.can_see_association(association_id) {
        return Err(ServiceError::NotFound);
    }
    let mut tx = db.read().await?;
    let lib = library(&mut tx, association_id).await?;
    tx.commit().await?;
    Ok(ClauseKind::ALL.into_iter().map(|k| (k, lib.template(k).to_string())).collect())
}

/// The association's clause library, for drafting.
pub async fn library_of(db: &Db, p: &Principal, association_id: i64) -> ServiceResult<ClauseLibrary> {
    if !p.can_see_association(association_id) {
        return Err(ServiceError::NotFound);
    }
    let mut tx = db.read().await?;
    let lib = library(&mut tx, association_id).await?;
    tx.commit().await?;
    Ok(lib)
}

/// Saves the association's wording of its att-clauses. Every template is checked first: a
/// placeholder the clauses cannot fill is refused, and nothing is saved.
pub async fn save_clause_library(
    db: &Db,
    p: &Principal,
    association_id: i64,
    templates: &[(ClauseKind, String)],
) -> ServiceResult<()> {
    let admin = p.administer(association_id)?;
    let mut errors = Vec::new();
    for (kind, template) in templates {
        let field = format!("clause_{}", kind.code());
        if template.trim().is_empty() {
            errors.push(FieldError::new(field, "required"));
        } else if crate::domain::proposal::check_template(template).is_err() {
            errors.push(FieldError::new(field, "clause_placeholder_unknown"));
        }
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let now = time::now();
    let mut tx = db.write().await?;
    let mut changed = Vec::new();
    let current = library(&mut tx, association_id).await?;
    for (kind, template) in templates {
        if current.template(*kind) != template.trim() {
            store::set_clause_template(&mut tx, association_id, kind.code(), template.trim(), now).await?;
            changed.push(kind.code());
        }
    }
    Event::new(&Actor::of(p, Some(admin.association_id)), Action::ClauseLibrarySave)
        .association(association_id)
        .object("clause_library", association_id)
        .details(json!({ "changed": changed }))
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
