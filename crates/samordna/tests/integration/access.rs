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
        "/anvandare"
        | "/granskningslogg"
        | "/overenskommelse"
        | "/att-satser"
        | "/mall-overenskommelse"
        | "/api/v1/users" => admin,
        "/ansokningar" => reader,
        "/mina-ansokningar" => applicant,
        "draft" | "draft/redigera" | "api draft" => applicant,
        "received" | "received/utskrift" | "api received" => applicant || reader,
        "received/beredning" | "api received/proposal" => reader,
        "/medlemmar" | "/api/v1/me" => true,
        "/moten" | "meeting" | "meeting/utdrag" | "api meeting" | "/api/v1/meetings" => reader,
        "/moten/nytt" => office,
        "/insatser" | "intervention" | "intervention/pdf" | "api intervention" | "/api/v1/interventions" => {
            reader || applicant || role == "case_worker"
        }
        other => panic!("no rule for {other}"),
    }
}

/// Prepares the case, grants it at a board meeting and attests the minutes: (meeting, item, intervention).
async fn granted_and_attested(app: &crate::support::TestApp, id: i64) -> (i64, i64, i64) {
    use serde_json::json;
    let officer = app.api(&app.token("handlaggare@example.org").await);
    let prep: Value = officer.get(&format!("/api/v1/applications/{id}/proposal")).await.json().await.unwrap();
    let body = json!({"lock_version": 0, "checklist": prep["checklist"], "proposal": prep["proposal"]});
    assert_eq!(officer.put(&format!("/api/v1/applications/{id}/proposal"), &body).await.status(), StatusCode::OK);
    let meeting: Value = officer
        .post(
            "/api/v1/meetings",
            &json!({"body": "board", "date": "2026-03-10", "place": "Uppsala", "chair": "A",
            "present": ["A", "B"], "application_ids": [id]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let mid = meeting["id"].as_i64().unwrap();
    let r = officer
        .post(&format!("/api/v1/meetings/{mid}/decisions"), &json!({"application_id": id, "outcome": "granted"}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let decided: Value = r.json().await.unwrap();
    let director = app.api(&app.token("forbundschef@example.org").await);
    assert_eq!(
        director.post(&format!("/api/v1/meetings/{mid}/attestation"), &json!({})).await.status(),
        StatusCode::OK
    );
    (mid, meeting["items"][0]["id"].as_i64().unwrap(), decided["intervention_id"].as_i64().unwrap())
}

both! {
    async fn every_role_against_every_route(app) {
        let a = applicants(&app).await;
        let draft_id = draft(&app, &a.lead, &jobbcentrum(&app).await).await["id"].clone();
        let received: Value = draft(&app, &a.lead, &jobbcentrum(&app).await).await;
        let received_id = received["id"].clone();
        sign_and_submit(&app, &a, &received_id).await;
        let granted: Value = draft(&app, &a.lead, &jobbcentrum(&app).await).await;
        let granted_id = granted["id"].as_i64().unwrap();
        sign_and_submit(&app, &a, &granted["id"]).await;
        let (meeting, item, intervention) = granted_and_attested(&app, granted_id).await;
        let association = app.association_id().await;

        let pages: Vec<(&str, String)> = vec![
            ("/anvandare", "/anvandare".into()),
            ("/granskningslogg", "/granskningslogg".into()),
            ("/overenskommelse", "/overenskommelse".into()),
            ("/att-satser", "/att-satser".into()),
            ("/mall-overenskommelse", "/mall-overenskommelse".into()),
            ("/ansokningar", "/ansokningar".into()),
            ("/mina-ansokningar", "/mina-ansokningar".into()),
            ("/medlemmar", "/medlemmar".into()),
            ("draft", format!("/ansokningar/{draft_id}")),
            ("draft/redigera", format!("/ansokningar/{draft_id}/redigera")),
            ("received", format!("/ansokningar/{received_id}")),
            ("received/utskrift", format!("/ansokningar/{received_id}/utskrift")),
            ("received/beredning", format!("/ansokningar/{received_id}/beredning")),
            ("/moten", "/moten".into()),
            ("/moten/nytt", "/moten/nytt".into()),
            ("meeting", format!("/moten/{meeting}")),
            ("meeting/utdrag", format!("/moten/{meeting}/utdrag/{item}.docx")),
            ("/insatser", "/insatser".into()),
            ("intervention", format!("/insatser/{intervention}")),
            ("intervention/pdf", format!("/insatser/{intervention}/overenskommelse.pdf")),
        ];
        let api: Vec<(&str, String)> = vec![
            ("/api/v1/me", "/api/v1/me".into()),
            ("/api/v1/users", "/api/v1/users".into()),
            ("api draft", format!("/api/v1/applications/{draft_id}")),
            ("api received", format!("/api/v1/applications/{received_id}")),
            ("api received/proposal", format!("/api/v1/applications/{received_id}/proposal")),
            ("/api/v1/meetings", format!("/api/v1/meetings?association_id={association}")),
            ("api meeting", format!("/api/v1/meetings/{meeting}")),
            ("/api/v1/interventions", format!("/api/v1/interventions?association_id={association}")),
            ("api intervention", format!("/api/v1/interventions/{intervention}")),
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
