//! Writing and reading the audit log.

use crate::domain::audit::{Action, AuditContent, ChainVerifier, Outcome};
use crate::domain::time;
use crate::storage::audit::{self as store, AuditFilter, AuditRow};
use crate::storage::{Db, Tx};

use super::principal::Principal;
use super::ServiceResult;

/// Who did something, as the audit log records it.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub role: Option<String>,
    pub client_addr: Option<String>,
}

impl Actor {
    /// The operator at the command line.
    pub fn command_line() -> Actor {
        Actor { user_id: None, role: Some("operator".into()), client_addr: Some("command line".into()) }
    }

    /// The caller acting within an association (None: outside any association).
    pub fn of(principal: &Principal, association_id: Option<i64>) -> Actor {
        Actor {
            user_id: Some(principal.user_id),
            role: principal.role_in(association_id).map(|r| r.code().to_string()),
            client_addr: Some(principal.client_addr.clone()),
        }
    }
}

/// One event about to be written.
pub struct Event<'a> {
    pub actor: &'a Actor,
    pub action: Action,
    pub association_id: Option<i64>,
    pub member_id: Option<i64>,
    pub object: Option<(&'static str, String)>,
    pub outcome: Outcome,
    /// Extra facts as JSON: ids and codes, never personal data or secrets.
    pub details: Option<serde_json::Value>,
}

impl<'a> Event<'a> {
    pub fn new(actor: &'a Actor, action: Action) -> Self {
        Event {
            actor,
            action,
            association_id: None,
            member_id: None,
            object: None,
            outcome: Outcome::Success,
            details: None,
        }
    }

    pub fn association(mut self, id: i64) -> Self {
        self.association_id = Some(id);
        self
    }

    /// The association the event belongs to, when there is one; its administrators see it.
    pub fn association_opt(mut self, id: Option<i64>) -> Self {
        self.association_id = id;
        self
    }

    pub fn member(mut self, id: i64) -> Self {
        self.member_id = Some(id);
        self
    }

    pub fn object(mut self, kind: &'static str, id: impl ToString) -> Self {
        self.object = Some((kind, id.to_string()));
        self
    }

    pub fn outcome(mut self, outcome: Outcome) -> Self {
        self.outcome = outcome;
        self
    }

    pub fn details(mut self, details: serde_json::Value) -> Self {
        self.details = Some(details);
        self
    }

    /// Appends the event within the caller's transaction.
    pub async fn write(self, tx: &mut Tx) -> ServiceResult<i64> {
        let content = AuditContent {
            occurred_at: time::now(),
            actor_user_id: self.actor.user_id,
            actor_role: self.actor.role.clone(),
            association_id: self.association_id,
            member_id: self.member_id,
            action: self.action.code().to_string(),
            object_type: self.object.as_ref().map(|(k, _)| k.to_string()),
            object_id: self.object.map(|(_, id)| id),
            client_addr: self.actor.client_addr.clone(),
            outcome: self.outcome,
            details: self.details.map(|d| d.to_string()),
        };
        Ok(store::append(tx, &content).await?)
    }

    /// Writes the event in a transaction of its own: for attempts that changed nothing else
    /// (a failed login, a refused access).
    pub async fn write_alone(self, db: &Db) -> ServiceResult<i64> {
        let mut tx = db.write().await?;
        let id = self.write(&mut tx).await?;
        tx.commit().await?;
        Ok(id)
    }
}

/// Events the caller may see: all for a system administrator, one association's for its
/// administrators. Anyone else gets NotFound.
pub async fn list(db: &Db, principal: &Principal, mut filter: AuditFilter, limit: i64) -> ServiceResult<Vec<AuditRow>> {
    if !principal.is_system_admin() {
        let association = match filter.association_id {
            Some(a) => a,
            None => *principal.administered_associations().first().ok_or(super::ServiceError::NotFound)?,
        };
        principal.administer(association)?;
        filter.association_id = Some(association);
    }
    let mut tx = db.read().await?;
    let rows = store::list(&mut tx, &filter, limit).await?;
    tx.commit().await?;
    Ok(rows)
}

/// Checks the whole chain; the verifier says how many events were read and the first broken link.
pub async fn verify(db: &Db) -> ServiceResult<ChainVerifier> {
    let mut tx = db.read().await?;
    let verifier = store::verify(&mut tx).await?;
    tx.commit().await?;
    Ok(verifier)
}
