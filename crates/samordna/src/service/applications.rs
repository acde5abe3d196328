//! Applications: from draft through signatures to a registered case, with completion requests,
//! versions and attachments. Who may do what is decided in `Access` below.

use chrono::Datelike;
use serde_json::json;

use crate::domain::application::{compare, ApplicationContent, FieldChange, MemberInfo, RuleError};
use crate::domain::attachment::{clean_filename, detect};
use crate::domain::audit::Action;
use crate::domain::role::Role;
use crate::domain::time;
use crate::storage::applications::{
    self as store, ApplicationRow, AttachmentRow, CompletionRow, ListFilter, ListRow, NewApplication, SignatureRow,
    Sort, VersionRow,
};
use crate::storage::members::{self as member_store, AssociationRow, MemberRow};
use crate::storage::{Db, Page, Tx};

use super::audit::{Actor, Event};
use super::principal::Principal;
use super::{FieldError, ServiceError, ServiceResult};

/// Where an application is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Draft,
    Signing,
    Received,
    CompletionRequested,
    /// Beviljad by the board.
    Granted,
    /// Avslagen by the board.
    Rejected,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Draft,
        Status::Signing,
        Status::Received,
        Status::CompletionRequested,
        Status::Granted,
        Status::Rejected,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Signing => "signing",
            Status::Received => "received",
            Status::CompletionRequested => "completion_requested",
            Status::Granted => "granted",
            Status::Rejected => "rejected",
        }
    }

    pub fn parse(code: &str) -> Option<Status> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "Utkast",
            Status::Signing => "Underskrifter pågår",
            Status::Received => "Inkommen",
            Status::CompletionRequested => "Komplettering begärd",
            Status::Granted => "Beviljad",
            Status::Rejected => "Avslagen",
        }
    }

    /// The applicant may change the content.
    pub fn editable(self) -> bool {
        matches!(self, Status::Draft | Status::Signing | Status::CompletionRequested)
    }
}

/// What the caller may do with one application, worked out once from its roles and the parties.
#[derive(Debug, Clone, Default)]
pub struct Access {
    /// The caller is an applicant: insatsansvarig or firmatecknare at one of the parties.
    pub applicant: bool,
    /// The caller works at the association's office (or administers it).
    pub office: bool,
    /// The caller reads received applications (board, auditors).
    pub reader: bool,
    /// The parties the caller may sign for.
    pub signs_for: Vec<i64>,
}

impl Access {
    fn of(p: &Principal, association_id: i64, parties: &[i64]) -> Access {
        let mut a = Access::default();
        for g in &p.grants {
            match (g.role, g.member_id) {
                (Role::InterventionLead, Some(m)) if parties.contains(&m) => a.applicant = true,
                (Role::Signatory, Some(m)) if parties.contains(&m) => {
                    a.applicant = true;
                    a.signs_for.push(m);
                }
                (Role::AssociationAdmin | Role::Director | Role::CaseOfficer, _)
                    if g.association_id == Some(association_id) =>
                {
                    a.office = true
                }
                (Role::BoardMember | Role::Auditor, _) if g.association_id == Some(association_id) => a.reader = true,
                (Role::SystemAdmin, _) => a.office = true,
                _ => {}
            }
        }
        a
    }

    /// May the caller see it at all? Drafts are the applicants' own until submitted.
    pub fn can_view(&self, status: Status, registered: bool) -> bool {
        self.applicant || ((self.office || self.reader) && (registered || status == Status::Received))
    }
}

/// An application as a page or the API shows it.
pub struct ApplicationView {
    pub row: ApplicationRow,
    pub status: Status,
    pub content: ApplicationContent,
    pub association: AssociationRow,
    pub members: Vec<MemberRow>,
    pub signatures: Vec<SignatureRow>,
    pub completion_requests: Vec<CompletionRow>,
    pub attachments: Vec<AttachmentRow>,
    pub versions: Vec<VersionRow>,
    pub agreement: Option<(i64, String)>,
    pub access: Access,
    /// Problems that stop signing and submitting (empty when complete).
    pub incomplete: Vec<RuleError>,
    /// The owner's interventions this application may extend, by name.
    pub extension_options: Vec<(i64, String)>,
    /// The conditions of the earlier decision, when this is an extension.
    pub extension_conditions: Vec<String>,
}

impl ApplicationView {
    pub fn member_name(&self, id: i64) -> String {
        self.members.iter().find(|m| m.id == id).map(|m| m.name.clone()).unwrap_or_else(|| format!("medlem {id}"))
    }

    /// Parties that have signed the current content.
    pub fn signed_by(&self, member_id: i64) -> Option<&SignatureRow> {
        self.signatures.iter().find(|s| s.member_id == member_id && s.content_hash == self.row.content_hash)
    }

    pub fn all_signed(&self) -> bool {
        self.content.party_ids().iter().all(|m| self.signed_by(*m).is_some())
    }

    pub fn can_edit(&self) -> bool {
        self.access.applicant && self.status.editable()
    }

    pub fn can_submit(&self) -> bool {
        self.can_edit() && self.all_signed()
    }

    pub fn can_request_completion(&self) -> bool {
        self.access.office && self.status == Status::Received
    }
}

fn rule_errors(errors: Vec<RuleError>) -> ServiceError {
    ServiceError::Invalid(errors.into_iter().map(|e| FieldError::new(e.field, e.code)).collect())
}

fn parse_content(row: &ApplicationRow) -> ServiceResult<ApplicationContent> {
    serde_json::from_str(&row.content).map_err(|e| {
        tracing::error!(application = row.id, error = %e, "stored application content cannot be read");
        ServiceError::Conflict("content_unreadable")
    })
}

fn member_infos(members: &[MemberRow]) -> Vec<MemberInfo> {
    members.iter().map(|m| MemberInfo { id: m.id, party_kind: m.party_kind }).collect()
}

/// Loads an application with the caller's access; NotFound when it does not exist or the caller
/// may not see it (no hint which).
async fn load(tx: &mut Tx, p: &Principal, id: i64) -> ServiceResult<(ApplicationRow, Status, Access)> {
    let row = store::get(tx, id).await?.ok_or(ServiceError::NotFound)?;
    let status = Status::parse(&row.status).ok_or(ServiceError::NotFound)?;
    let parties = store::parties(tx, id).await?;
    let access = Access::of(p, row.association_id, &parties);
    if !access.can_view(status, row.registration_number.is_some()) {
        return Err(ServiceError::NotFound);
    }
    Ok((row, status, access))
}

/// Loads an application an applicant is about to change: only its parties' applicants may, and
/// only while it is editable (draft, signing, or sent back for completion).
async fn load_for_change(tx: &mut Tx, p: &Principal, id: i64) -> ServiceResult<(ApplicationRow, Status)> {
    let (row, status, access) = load(tx, p, id).await?;
    if !access.applicant {
        return Err(ServiceError::NotFound);
    }
    if !status.editable() {
        return Err(ServiceError::Conflict("application_not_editable"));
    }
    Ok((row, status))
}

/// The conditions of the intervention an application extends (none when it extends none). The
/// intervention must be one the application's owner owns in the same association.
async fn extension_conditions(
    tx: &mut Tx,
    row: &ApplicationRow,
    content: &ApplicationContent,
) -> ServiceResult<Vec<String>> {
    let Some(ext) = &content.extends else {
        return Ok(Vec::new());
    };
    let unknown = || ServiceError::Invalid(vec![FieldError::new("extends.intervention_id", "extension_unknown")]);
    let intervention =
        crate::storage::interventions::get(tx, ext.intervention_id, time::today()).await?.ok_or_else(unknown)?;
    if intervention.association_id != row.association_id || intervention.owner_member_id != row.owner_member_id {
        return Err(unknown());
    }
    Ok(serde_json::from_str(&intervention.conditions).unwrap_or_default())
}

pub async fn get(db: &Db, p: &Principal, id: i64) -> ServiceResult<ApplicationView> {
    let mut tx = db.read().await?;
    let (row, status, access) = load(&mut tx, p, id).await?;
    let content = parse_content(&row)?;
    let association =
        member_store::get_association(&mut tx, row.association_id).await?.ok_or(ServiceError::NotFound)?;
    let members = member_store::list_members(&mut tx, row.association_id).await?;
    let signatures = store::signatures(&mut tx, id).await?;
    let completion_requests = store::completion_requests(&mut tx, id).await?;
    let attachments = store::attachments(&mut tx, id).await?;
    let versions = store::versions(&mut tx, id).await?;
    let agreement = store::current_agreement(&mut tx, row.association_id).await?;
    let extension_options =
        crate::storage::interventions::owned_by(&mut tx, row.association_id, row.owner_member_id).await?;
    let extension_conditions = extension_conditions(&mut tx, &row, &content).await.unwrap_or_default();
    tx.commit().await?;
    let mut incomplete = content.check_complete(&member_infos(&members), agreement.as_ref().map(|a| a.0));
    incomplete.extend(content.check_extension(&extension_conditions));
    Ok(ApplicationView {
        row,
        status,
        content,
        association,
        members,
        signatures,
        completion_requests,
        attachments,
        versions,
        agreement,
        access,
        incomplete,
        extension_options,
        extension_conditions,
    })
}

/// Starts a draft owned by a member where the caller is insatsansvarig.
pub async fn create(db: &Db, p: &Principal, owner_member_id: i64, name: &str) -> ServiceResult<i64> {
    let leads_owner = p.grants.iter().any(|g| g.role == Role::InterventionLead && g.member_id == Some(owner_member_id));
    if !leads_owner {
        let mut v = super::Validation::default();
        v.add("owner_member_id", "owner_not_yours");
        v.finish()?;
    }
    let mut v = super::Validation::default();
    let name = v.text("name", name, crate::domain::application::MAX_NAME);
    v.finish()?;
    let mut tx = db.write().await?;
    let member = member_store::get_member(&mut tx, owner_member_id).await?.ok_or(ServiceError::NotFound)?;
    let mut content = ApplicationContent { name: name.clone(), ..Default::default() };
    content.owner.member_id = owner_member_id;
    content.owner.contact_name = p.name.clone();
    content.owner.contact_email = p.email.clone();
    let json = serde_json::to_string(&content).expect("serialises");
    let now = time::now();
    let id = store::insert(
        &mut tx,
        &NewApplication {
            association_id: member.association_id,
            owner_member_id,
            name: &name,
            content: &json,
            content_hash: &content.content_hash(),
            created_by: p.user_id,
            at: now,
        },
    )
    .await?;
    store::set_parties(&mut tx, id, owner_member_id, &[]).await?;
    Event::new(&Actor::of(p, Some(member.association_id)), Action::ApplicationCreate)
        .association(member.association_id)
        .member(owner_member_id)
        .object("application", id)
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// Saves new content. A draft may be incomplete but never wrong. Signatures in force are voided
/// by any change, and only when the caller says so (`void_signatures`), after a warning.
pub async fn update(
    db: &Db,
    p: &Principal,
    id: i64,
    lock_version: i64,
    mut content: ApplicationContent,
    void_signatures: bool,
) -> ServiceResult<ApplicationView> {
    let mut tx = db.write().await?;
    let (row, status) = load_for_change(&mut tx, p, id).await?;
    // The owner is the member that started the application; it cannot be changed.
    content.owner.member_id = row.owner_member_id;
    let members = member_store::list_members(&mut tx, row.association_id).await?;
    let errors = content.check_always(&member_infos(&members));
    if !errors.is_empty() {
        return Err(rule_errors(errors));
    }
    extension_conditions(&mut tx, &row, &content).await?;
    let current = parse_content(&row)?;
    if row.lock_version != lock_version {
        return Err(ServiceError::Stale(compare(&content, &current)));
    }
    if current == content {
        tx.commit().await?;
        return get(db, p, id).await;
    }
    let signatures = store::signatures(&mut tx, id).await?;
    if !signatures.is_empty() && !void_signatures {
        return Err(ServiceError::Conflict("signatures_would_be_voided"));
    }
    let now = time::now();
    let voided = store::void_signatures(&mut tx, id, now).await?;
    let new_status = if status == Status::CompletionRequested { status } else { Status::Draft };
    let json = serde_json::to_string(&content).expect("serialises");
    let name = content.name.trim().to_string();
    if !store::update_content(
        &mut tx,
        id,
        lock_version,
        row.owner_member_id,
        &name,
        &json,
        &content.content_hash(),
        new_status.code(),
        now,
    )
    .await?
    {
        return Err(ServiceError::Stale(compare(&content, &current)));
    }
    let partners: Vec<i64> = content.partners.iter().map(|x| x.member_id).collect();
    store::set_parties(&mut tx, id, row.owner_member_id, &partners).await?;
    Event::new(&Actor::of(p, Some(row.association_id)), Action::ApplicationUpdate)
        .association(row.association_id)
        .object("application", id)
        .details(json!({ "voided_signatures": voided, "changed_fields": compare(&current, &content).len() }))
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    get(db, p, id).await
}

/// A firmatecknare signs for a party: the content must be complete, and what was signed is
/// recorded by its hash.
pub async fn sign(db: &Db, p: &Principal, id: i64, member_id: i64) -> ServiceResult<()> {
    let mut tx = db.write().await?;
    let (row, status, access) = load(&mut tx, p, id).await?;
    if !status.editable() {
        return Err(ServiceError::Conflict("application_not_editable"));
    }
    let parties = store::parties(&mut tx, id).await?;
    if !parties.contains(&member_id) {
        return Err(ServiceError::Invalid(vec![FieldError::new("member_id", "not_a_party")]));
    }
    if !access.signs_for.contains(&member_id) {
        return Err(ServiceError::Forbidden);
    }
    let content = parse_content(&row)?;
    let members = member_store::list_members(&mut tx, row.association_id).await?;
    let agreement = store::current_agreement(&mut tx, row.association_id).await?.map(|a| a.0);
    let mut errors = content.check_complete(&member_infos(&members), agreement);
    errors.extend(content.check_extension(&extension_conditions(&mut tx, &row, &content).await?));
    if !errors.is_empty() {
        return Err(rule_errors(errors));
    }
    let signatures = store::signatures(&mut tx, id).await?;
    if signatures.iter().any(|s| s.member_id == member_id && s.content_hash == row.content_hash) {
        return Err(ServiceError::Conflict("already_signed"));
    }
    let now = time::now();
    let signature = store::add_signature(&mut tx, id, member_id, p.user_id, &row.content_hash, now).await?;
    if status == Status::Draft {
        store::set_status(&mut tx, id, Status::Signing.code(), now).await?;
    }
    Event::new(&Actor::of(p, Some(row.association_id)), Action::ApplicationSign)
        .association(row.association_id)
        .member(member_id)
        .object("application", id)
        .details(json!({ "signature": signature, "content_hash": row.content_hash }))
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Submits a fully signed application. The first submission registers it with a diarienummer
/// (prefix, year, running number); a submission after a completion request keeps the number.
pub async fn submit(db: &Db, p: &Principal, id: i64) -> ServiceResult<String> {
    let mut tx = db.write().await?;
    let (row, _) = load_for_change(&mut tx, p, id).await?;
    let content = parse_content(&row)?;
    let signatures = store::signatures(&mut tx, id).await?;
    let unsigned: Vec<FieldError> = content
        .party_ids()
        .iter()
        .filter(|m| !signatures.iter().any(|s| s.member_id == **m && s.content_hash == row.content_hash))
        .map(|_| FieldError::new("signatures", "signatures_missing"))
        .collect();
    if !unsigned.is_empty() {
        return Err(ServiceError::Invalid(unsigned));
    }
    let now = time::now();
    let association =
        member_store::get_association(&mut tx, row.association_id).await?.ok_or(ServiceError::NotFound)?;
    let number = match &row.registration_number {
        Some(n) => {
            store::set_status(&mut tx, id, Status::Received.code(), now).await?;
            store::answer_completion_requests(&mut tx, id, now).await?;
            n.clone()
        }
        None => {
            let year = now.with_timezone(&chrono_tz::Europe::Stockholm).year();
            let n = store::next_registration_number(&mut tx, row.association_id, year).await?;
            let number = registration_number(&association.registration_prefix, year, n);
            store::set_received(&mut tx, id, &number, now).await?;
            number
        }
    };
    let version = store::insert_version(&mut tx, id, &row.content, &row.content_hash, p.user_id, now).await?;
    Event::new(&Actor::of(p, Some(row.association_id)), Action::ApplicationSubmit)
        .association(row.association_id)
        .object("application", id)
        .details(json!({ "registration_number": number, "version": version }))
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(number)
}

/// "SUL 2026/0007".
pub fn registration_number(prefix: &str, year: i32, n: i64) -> String {
    format!("{prefix} {year}/{n:04}")
}

/// The office asks for more: the applicant may edit again, and every party must sign anew.
pub async fn request_completion(db: &Db, p: &Principal, id: i64, message: &str) -> ServiceResult<()> {
    let mut tx = db.write().await?;
    let (row, status, access) = load(&mut tx, p, id).await?;
    if !access.office {
        return Err(if access.applicant || access.reader { ServiceError::Forbidden } else { ServiceError::NotFound });
    }
    let mut v = super::Validation::default();
    let message = v.text("message", message, 5_000);
    v.finish()?;
    if status != Status::Received {
        return Err(ServiceError::Conflict("application_not_received"));
    }
    let now = time::now();
    let request = store::insert_completion_request(&mut tx, id, &message, p.user_id, now).await?;
    let voided = store::void_signatures(&mut tx, id, now).await?;
    store::set_status(&mut tx, id, Status::CompletionRequested.code(), now).await?;
    Event::new(&Actor::of(p, Some(row.association_id)), Action::ApplicationCompletionRequest)
        .association(row.association_id)
        .object("application", id)
        .details(json!({ "completion_request": request, "voided_signatures": voided }))
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Two submitted versions compared field by field.
pub async fn compare_versions(db: &Db, p: &Principal, id: i64, a: i64, b: i64) -> ServiceResult<Vec<FieldChange>> {
    let mut tx = db.read().await?;
    load(&mut tx, p, id).await?;
    let versions = store::versions(&mut tx, id).await?;
    tx.commit().await?;
    let find = |n: i64| -> ServiceResult<ApplicationContent> {
        let v = versions.iter().find(|v| v.version_no == n).ok_or(ServiceError::NotFound)?;
        serde_json::from_str(&v.content).map_err(|_| ServiceError::Conflict("content_unreadable"))
    };
    Ok(compare(&find(a)?, &find(b)?))
}

/// Which applications a list shows.
#[derive(Debug, Clone, Copy)]
pub enum ListScope {
    /// The office's list: everything received in the association.
    Office(i64),
    /// "Mina ansökningar": where one of the caller's members is a party.
    Mine,
}

pub async fn list(
    db: &Db,
    p: &Principal,
    scope: ListScope,
    status: Option<Status>,
    search: Option<String>,
    sort: Sort,
    page: Page,
) -> ServiceResult<(Vec<ListRow>, i64)> {
    let filter = match scope {
        ListScope::Office(association) => {
            let office = p.is_system_admin()
                || p.grants.iter().any(|g| {
                    g.association_id == Some(association)
                        && matches!(
                            g.role,
                            Role::AssociationAdmin
                                | Role::Director
                                | Role::CaseOfficer
                                | Role::BoardMember
                                | Role::Auditor
                        )
                });
            if !office {
                return Err(if p.can_see_association(association) {
                    ServiceError::Forbidden
                } else {
                    ServiceError::NotFound
                });
            }
            // The office sees what has been received, decided or not; never the applicants' drafts.
            let received = [Status::Received, Status::CompletionRequested, Status::Granted, Status::Rejected];
            let statuses = match status {
                Some(s) if received.contains(&s) => vec![s.code()],
                Some(_) => return Ok((Vec::new(), 0)),
                None => received.iter().map(|s| s.code()).collect(),
            };
            ListFilter { association_id: association, statuses, party_members: None, search, sort }
        }
        ListScope::Mine => {
            let members: Vec<i64> = p
                .grants
                .iter()
                .filter(|g| matches!(g.role, Role::InterventionLead | Role::Signatory))
                .filter_map(|g| g.member_id)
                .collect();
            let Some(association) = p.grants.iter().filter(|g| g.member_id.is_some()).find_map(|g| g.association_id)
            else {
                return Ok((Vec::new(), 0));
            };
            ListFilter {
                association_id: association,
                statuses: status.map(|s| vec![s.code()]).unwrap_or_default(),
                party_members: Some(members),
                search,
                sort,
            }
        }
    };
    let mut tx = db.read().await?;
    let result = store::list(&mut tx, &filter, page).await?;
    tx.commit().await?;
    Ok(result)
}

/// Stores an attachment after checking its size and, from the content, its type.
pub async fn add_attachment(
    db: &Db,
    p: &Principal,
    id: i64,
    filename: &str,
    bytes: &[u8],
    max_bytes: usize,
) -> ServiceResult<AttachmentRow> {
    if bytes.len() > max_bytes {
        return Err(ServiceError::Invalid(vec![FieldError::new("file", "attachment_too_large")]));
    }
    if bytes.is_empty() {
        return Err(ServiceError::Invalid(vec![FieldError::new("file", "required")]));
    }
    let Some(kind) = detect(bytes) else {
        return Err(ServiceError::Invalid(vec![FieldError::new("file", "attachment_type")]));
    };
    let mut tx = db.write().await?;
    let (row, _) = load_for_change(&mut tx, p, id).await?;
    let name = clean_filename(filename);
    let sha = crate::service::tokens::hash_bytes(bytes);
    let now = time::now();
    let attachment =
        store::insert_attachment(&mut tx, id, &name, kind.content_type(), &sha, bytes, p.user_id, now).await?;
    Event::new(&Actor::of(p, Some(row.association_id)), Action::ApplicationAttachmentAdd)
        .association(row.association_id)
        .object("application", id)
        .details(json!({ "attachment": attachment, "content_type": kind.content_type(), "size": bytes.len(), "sha256": sha }))
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(AttachmentRow {
        id: attachment,
        application_id: id,
        filename: name,
        content_type: kind.content_type().to_string(),
        size_bytes: bytes.len() as i64,
        sha256: sha,
        uploaded_at: now,
    })
}

/// An attachment's bytes, for those who may see the application.
pub async fn attachment(
    db: &Db,
    p: &Principal,
    id: i64,
    attachment_id: i64,
) -> ServiceResult<(AttachmentRow, Vec<u8>)> {
    let mut tx = db.read().await?;
    load(&mut tx, p, id).await?;
    let found = store::attachment_data(&mut tx, id, attachment_id).await?;
    tx.commit().await?;
    found.ok_or(ServiceError::NotFound)
}

/// The members where the caller may start an application (where it is insatsansvarig).
pub fn owner_choices(p: &Principal) -> Vec<(i64, String)> {
    p.grants
        .iter()
        .filter(|g| g.role == Role::InterventionLead)
        .filter_map(|g| g.member_id.map(|m| (m, g.member_name.clone().unwrap_or_default())))
        .collect()
}

/// The association's agreement text in force: its version and text (None before the first).
pub async fn agreement(db: &Db, p: &Principal, association_id: i64) -> ServiceResult<Option<(i64, String)>> {
    if !p.can_see_association(association_id) {
        return Err(ServiceError::NotFound);
    }
    let mut tx = db.read().await?;
    let current = store::current_agreement(&mut tx, association_id).await?;
    tx.commit().await?;
    Ok(current)
}

/// Publishes a new version of the agreement text. Applicants then accept the new version before
/// they can sign; what was accepted before stays recorded with the versions already submitted.
pub async fn publish_agreement(db: &Db, p: &Principal, association_id: i64, body: &str) -> ServiceResult<i64> {
    let admin = p.administer(association_id)?;
    let mut v = super::Validation::default();
    let body = v.text("body", body, 50_000);
    v.finish()?;
    let mut tx = db.write().await?;
    if store::current_agreement(&mut tx, association_id).await?.is_some_and(|(_, current)| current == body) {
        return Err(ServiceError::Invalid(vec![FieldError::new("body", "agreement_unchanged")]));
    }
    let version = store::insert_agreement(&mut tx, association_id, &body, time::now()).await?;
    Event::new(&Actor::of(p, Some(admin.association_id)), Action::AgreementPublish)
        .association(association_id)
        .object("agreement_text", version)
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(version)
}
