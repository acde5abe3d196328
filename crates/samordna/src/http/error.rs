//! Turning service errors into responses: problem+json for the API, a Swedish page for people.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::messages::{field_message, message};
use crate::service::{FieldError, ServiceError};

/// An RFC 9457 problem document with a stable `code` and, for invalid input, the fields.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A relative URI naming the kind of problem (`/problems/<code>`).
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// A Swedish explanation for people.
    pub detail: String,
    /// The stable machine code.
    pub code: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
    /// For 409 edit_conflict: the fields where the stored version differs from the one sent.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<crate::domain::application::FieldChange>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProblemField {
    pub field: String,
    pub code: String,
    pub message: String,
}

/// An error returned by an API handler.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub fields: Vec<FieldError>,
    pub changes: Vec<crate::domain::application::FieldChange>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str) -> Self {
        ApiError { status, code, fields: Vec::new(), changes: Vec::new() }
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found")
    }

    pub fn invalid(fields: Vec<FieldError>) -> Self {
        ApiError { status: StatusCode::UNPROCESSABLE_ENTITY, code: "invalid_input", fields, changes: Vec::new() }
    }
}

fn title(status: StatusCode) -> String {
    status.canonical_reason().unwrap_or("Error").to_string()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let detail = if self.code == "invalid_input" { message("invalid_body") } else { message(self.code) };
        let problem = Problem {
            kind: format!("/problems/{}", self.code.replace('_', "-")),
            title: title(self.status),
            status: self.status.as_u16(),
            detail: detail.to_string(),
            code: self.code.to_string(),
            errors: self
                .fields
                .iter()
                .map(|f| ProblemField {
                    field: f.field.to_string(),
                    code: f.code.to_string(),
                    message: field_message(&f.field, f.code).to_string(),
                })
                .collect(),
            changes: self.changes,
        };
        let mut response = (self.status, axum::Json(problem)).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/problem+json"));
        response
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Invalid(fields) => ApiError::invalid(fields),
            ServiceError::NotFound => ApiError::not_found(),
            ServiceError::Forbidden => ApiError::new(StatusCode::FORBIDDEN, "forbidden"),
            ServiceError::Denied(code) => ApiError::new(StatusCode::FORBIDDEN, code),
            ServiceError::Unauthenticated => ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated"),
            ServiceError::Conflict(code) => ApiError::new(StatusCode::CONFLICT, code),
            ServiceError::Stale(changes) => {
                ApiError { changes, ..ApiError::new(StatusCode::CONFLICT, "edit_conflict") }
            }
            ServiceError::Throttled => ApiError::new(StatusCode::TOO_MANY_REQUESTS, "throttled"),
            ServiceError::Storage(e) => {
                tracing::error!(error = %e, "storage error");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
        }
    }
}

/// An error returned by a page handler: a Swedish error page with the layout around it.
#[derive(Debug)]
pub struct PageError {
    pub status: StatusCode,
    pub code: &'static str,
}

impl PageError {
    pub fn new(status: StatusCode, code: &'static str) -> Self {
        PageError { status, code }
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found")
    }
}

impl From<ServiceError> for PageError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::NotFound | ServiceError::Invalid(_) => PageError::not_found(),
            ServiceError::Forbidden => PageError::new(StatusCode::FORBIDDEN, "forbidden"),
            ServiceError::Denied(code) => PageError::new(StatusCode::FORBIDDEN, code),
            ServiceError::Unauthenticated => PageError::new(StatusCode::UNAUTHORIZED, "unauthenticated"),
            ServiceError::Conflict(_) | ServiceError::Stale(_) => PageError::new(StatusCode::CONFLICT, "conflict"),
            ServiceError::Throttled => PageError::new(StatusCode::TOO_MANY_REQUESTS, "throttled"),
            ServiceError::Storage(e) => {
                tracing::error!(error = %e, "storage error");
                PageError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        super::pages::error_page(self.status, self.code, None)
    }
}
