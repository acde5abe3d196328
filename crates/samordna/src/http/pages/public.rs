//! The start page, the accessibility statement and the static files.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use super::{describe_grant, render, Layout, NoticeQuery};
use crate::http::auth::{MaybeUser, PageUser};
use crate::http::error::PageError;
use crate::http::AppState;

pub struct Shortcut {
    pub href: &'static str,
    pub label: &'static str,
    pub description: &'static str,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    name: String,
    roles: Vec<String>,
    shortcuts: Vec<Shortcut>,
    /// For case workers: what is due for their participants, and their interventions.
    due: Vec<super::participants::DueLine>,
    due_total: usize,
    assigned: Vec<(i64, String)>,
}

pub async fn home(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, PageError> {
    let (due, due_total, assigned) = super::participants::due_for_home(&state, &p).await?;
    let mut shortcuts = vec![Shortcut {
        href: "/medlemmar",
        label: "Medlemmar",
        description: "Förbundets medlemsorganisationer och deras folkmängd.",
    }];
    if p.administers_any() {
        shortcuts.push(Shortcut {
            href: "/anvandare",
            label: "Användare",
            description: "Lägg till användare och ge dem roller.",
        });
        shortcuts.push(Shortcut {
            href: "/granskningslogg",
            label: "Granskningslogg",
            description: "Se vem som gjort vad och när.",
        });
    }
    let page = HomePage {
        layout: Layout::for_user("Start", &p, "/").with_notice(q.message.as_deref()),
        name: p.name.clone(),
        roles: p.grants.iter().map(describe_grant).collect(),
        shortcuts,
        due,
        due_total,
        assigned,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "accessibility.html")]
struct AccessibilityPage {
    layout: Layout,
}

pub async fn accessibility(MaybeUser(p): MaybeUser) -> Response {
    render(
        StatusCode::OK,
        &AccessibilityPage { layout: Layout::maybe_user("Tillgänglighetsredogörelse", p.as_ref(), "") },
    )
}

const CSS: &str = include_str!("../../../static/app.css");
const JS: &str = include_str!("../../../static/app.js");
const FAVICON: &str = include_str!("../../../static/favicon.svg");

/// Static files are compiled into the binary, so a deployment is one file.
pub async fn asset(Path(file): Path<String>) -> Response {
    let (body, content_type) = match file.as_str() {
        "app.css" => (CSS, "text/css; charset=utf-8"),
        "app.js" => (JS, "text/javascript; charset=utf-8"),
        "favicon.svg" => (FAVICON, "image/svg+xml"),
        _ => return super::error_page(StatusCode::NOT_FOUND, "not_found", None),
    };
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=3600")], body).into_response()
}
