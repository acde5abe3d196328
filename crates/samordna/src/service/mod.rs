//! Services: one use case each, one transaction each, with its audit event written in that same
//! transaction. Handlers call these; these call storage.

pub mod accounts;
pub mod applications;
pub mod audit;
pub mod demo;
pub mod economy;
pub mod follow_up;
pub mod interventions;
pub mod meetings;
pub mod members;
pub mod participant_import;
pub mod participants;
pub mod personal_key;
pub mod preparations;
pub mod principal;
pub mod reminders;
pub mod reports;
pub mod requisitions;
pub mod tokens;

use crate::storage::StorageError;

/// One field's problem, named by a stable code; the Swedish text for it lives in the HTTP layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name, or its path in a nested document (`budget[2].year`).
    pub field: String,
    pub code: &'static str,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &'static str) -> Self {
        Self { field: field.into(), code }
    }
}

/// Collects field errors while a form or request body is checked.
#[derive(Debug, Default)]
pub struct Validation(Vec<FieldError>);

impl Validation {
    pub fn add(&mut self, field: &'static str, code: &'static str) {
        self.0.push(FieldError::new(field, code));
    }

    /// A required text: trimmed, not empty, at most `max` characters.
    pub fn text(&mut self, field: &'static str, value: &str, max: usize) -> String {
        let v = value.trim();
        if v.is_empty() {
            self.add(field, "required");
        } else if v.chars().count() > max {
            self.add(field, "too_long");
        }
        v.to_string()
    }

    pub fn finish(self) -> Result<(), ServiceError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::Invalid(self.0))
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The input breaks one or more rules; nothing was saved.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// No such object, or one the caller may not know exists.
    #[error("not found")]
    NotFound,
    /// The caller is known but its role does not allow this.
    #[error("forbidden")]
    Forbidden,
    /// The caller is known but may not do this, for a reason worth naming.
    #[error("denied: {0}")]
    Denied(&'static str),
    /// Not logged in, or the session or token is no longer valid.
    #[error("unauthenticated")]
    Unauthenticated,
    /// The state of the object does not allow this now.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// Someone else changed the object since the caller read it; these fields differ.
    #[error("stale")]
    Stale(Vec<crate::domain::application::FieldChange>),
    /// Too many failed logins; try again later.
    #[error("throttled")]
    Throttled,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sqlx::Error> for ServiceError {
    fn from(e: sqlx::Error) -> Self {
        ServiceError::Storage(StorageError::Sql(e))
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;
