//! Every role against every route: only the roles that should get in get in; everyone else gets
//! 403 or 404, never the content and never an error.

use reqwest::StatusCode;
use serde_json::Value;

use crate::applications::{applicants, draft, jobbcentrum, sign_and_submit};
use crate::both;

const USERS: [(&str, &str); 12] = [
    ("systemadmin@example.org", "system_admin"),
    ("forbundsadmin@example.org", "association_admin"),
    ("forbundschef@example.org", "director"),
    ("handlaggare@example.org", "case_officer"),
    ("styrelseledamot@example.org", "board_member"),
    ("revisor@example.org", "auditor"),
    ("insatsansvarig.enkoping@example.org", "lead_owner"),
    ("firmatecknare.enkoping@example.org", "signatory_owner"),
    ("deltagaransvarig.enkoping@example.org", "case_worker"),
    ("insatsansvarig.af@example.org", "lead_partner"),
    ("firmatecknare.af@example.org", "signatory_partner"),
    ("deltagaransvarig.af@example.org", "case_worker"),
];

fn allowed(role: &str, route: &str) -> bool {
    let admin = matches!(role, "system_admin" | "association_admin");
    let office = matches!(role, "system_admin" | "association_admin" | "director" | "case_officer");
    let reader = office || matches!(role, "board_member" | "auditor");
    let applicant = matches!(role, "lead_owner" | "signatory_owner" | "lead_partner" | "signatory_partner");
    match route {
        "/anvandare" | "/granskningslogg" | "/overenskommelse" | "/att-satser" | "/api/v1/users" => admin,
        "/ansokningar" => reader,
        "/mina-ansokningar" => applicant,
        "draft" | "draft/redigera" | "api draft" => applicant,
        "received" | "received/utskrift" | "api received" => applicant || reader,
        "received/beredning" | "api received/proposal" => reader,
        "/medlemmar" | "/api/v1/me" => true,
        other => panic!("no rule for {other}"),
    }
}

both! {
    async fn every_role_against_every_route(app) {
        let a = applicants(&app).await;
        let draft_id = draft(&app, &a.lead, &jobbcentrum(&app).await).await["id"].clone();
        let received: Value = draft(&app, &a.lead, &jobbcentrum(&app).await).await;
        let received_id = received["id"].clone();
        sign_and_submit(&app, &a, &received_id).await;

        let pages: Vec<(&str, String)> = vec![
            ("/anvandare", "/anvandare".into()),
            ("/granskningslogg", "/granskningslogg".into()),
            ("/overenskommelse", "/overenskommelse".into()),
            ("/att-satser", "/att-satser".into()),
            ("/ansokningar", "/ansokningar".into()),
            ("/mina-ansokningar", "/mina-ansokningar".into()),
            ("/medlemmar", "/medlemmar".into()),
            ("draft", format!("/ansokningar/{draft_id}")),
            ("draft/redigera", format!("/ansokningar/{draft_id}/redigera")),
            ("received", format!("/ansokningar/{received_id}")),
            ("received/utskrift", format!("/ansokningar/{received_id}/utskrift")),
            ("received/beredning", format!("/ansokningar/{received_id}/beredning")),
        ];
        let api: Vec<(&str, String)> = vec![
            ("/api/v1/me", "/api/v1/me".into()),
            ("/api/v1/users", "/api/v1/users".into()),
            ("api draft", format!("/api/v1/applications/{draft_id}")),
            ("api received", format!("/api/v1/applications/{received_id}")),
            ("api received/proposal", format!("/api/v1/applications/{received_id}/proposal")),
        ];
        for (email, role) in USERS {
            let session = app.login(email).await;
            for (rule, path) in &pages {
                let status = session.get(path).await.status();
                if allowed(role, rule) {
                    assert_eq!(status, StatusCode::OK, "{role} on {path}");
                } else {
                    assert!(status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN, "{role} on {path}: {status}");
                }
            }
            let client = app.api(&app.token(email).await);
            for (rule, path) in &api {
                let status = client.get(path).await.status();
                if allowed(role, rule) {
                    assert_eq!(status, StatusCode::OK, "{role} on {path}");
                } else {
                    assert!(status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN, "{role} on {path}: {status}");
                }
            }
        }
    }
}
