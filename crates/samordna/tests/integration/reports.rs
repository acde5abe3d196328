//! Period, final and deviation reports through the API and the pages: the schedule by the
//! association's frequency with due dates worked by hand, the flow draft -> submitted ->
//! returned -> approved with the figures kept as submitted, every refusal leaving nothing
//! changed, and deviations acknowledged by the office or decided by the committee.

use chrono::NaiveDate;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::both;
use crate::proposals::member;
use crate::support::TestApp;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Jobbcentrum, run by Enköping with Arbetsförmedlingen from 2025 to mid-2027.
async fn intervention(app: &TestApp) -> i64 {
    let enkoping = member(app, "Enköpings kommun").await;
    let af = member(app, "Arbetsförmedlingen").await;
    samordna::service::demo::grant_intervention(
        &app.db,
        &samordna::service::demo::Grant {
            association_id: app.association_id().await,
            owner_member_id: enkoping,
            partners: vec![af],
            name: "Jobbcentrum".into(),
            period: (date(2025, 1, 1), date(2027, 6, 30)),
            by_user: 1,
            max_total_ore: 300_000_000,
            per_year: Vec::new(),
            orientation: "individual",
            content: json!({"name": "Jobbcentrum", "owner": {"member_id": enkoping}}),
        },
    )
    .await
    .unwrap()
}

async fn code(r: reqwest::Response, status: StatusCode) -> Vec<String> {
    assert_eq!(r.status(), status);
    let body: Value = r.json().await.unwrap();
    match body["errors"].as_array() {
        Some(errors) => {
            errors.iter().map(|e| format!("{}:{}", e["field"].as_str().unwrap(), e["code"].as_str().unwrap())).collect()
        }
        None => vec![body["code"].as_str().unwrap_or_default().to_string()],
    }
}

/// A claim of `kronor` for costs in the period, reviewed and attested.
async fn approved_claim(app: &TestApp, id: i64, from: &str, to: &str, kronor: i64) {
    let lead = app.api(&app.token("insatsansvarig.enkoping@example.org").await);
    let r = lead
        .post(
            &format!("/api/v1/interventions/{id}/requisitions"),
            &json!({
        "period_from": from, "period_to": to, "rows": [{"cost_kind": "personnel", "amount": kronor.to_string()}]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let rid = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let path = format!("/api/v1/interventions/{id}/requisitions/{rid}/review");
    let officer = app.api(&app.token("handlaggare@example.org").await);
    assert_eq!(officer.post(&path, &json!({"action": "review"})).await.status(), StatusCode::OK);
    let d = app.api(&app.token("forbundschef@example.org").await);
    assert_eq!(d.post(&path, &json!({"action": "attest"})).await.status(), StatusCode::OK);
}

fn slots(body: &Value) -> Vec<(String, String, String)> {
    body["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["slot"].as_str().unwrap().to_string(),
                r["period_to"].as_str().unwrap().to_string(),
                r["due_on"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

both! {
    async fn period_reports_follow_the_schedule_and_their_flow(app) {
        let id = intervention(&app).await;
        let lead = app.api(&app.token("insatsansvarig.enkoping@example.org").await);
        let officer = app.api(&app.token("handlaggare@example.org").await);
        let d = app.api(&app.token("forbundschef@example.org").await);
        let list = format!("/api/v1/interventions/{id}/reports");

        // By default a report per quarter, due 30 days after it: ten quarters from Q1 2025 to
        // Q2 2027, then the final report due 30 July 2027.
        let body: Value = lead.get(&list).await.json().await.unwrap();
        let s = slots(&body);
        assert_eq!(s.len(), 11);
        assert_eq!(s[0], ("2025-01-01".into(), "2025-03-31".into(), "2025-04-30".into()));
        assert_eq!(s[9], ("2027-04-01".into(), "2027-06-30".into(), "2027-07-30".into()));
        assert_eq!(s[10], ("final".into(), "2027-06-30".into(), "2027-07-30".into()));
        assert_eq!(body["reports"][0]["status"], "due");
        assert_eq!(body["reports"][0]["overdue"], true);
        assert_eq!(body["reports"][9]["overdue"], false);

        // Tertials due after 45 days: set by the director, not the officer, and never 200 days.
        let r = officer.put("/api/v1/report-settings", &json!({"frequency": "tertial", "due_days": 45})).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert_eq!(code(d.put("/api/v1/report-settings", &json!({"frequency": "tertial", "due_days": 200})).await, StatusCode::UNPROCESSABLE_ENTITY).await, ["due_days:out_of_range"]);
        assert_eq!(app.count("SELECT COUNT(*) FROM report_settings").await, 0);
        assert_eq!(d.put("/api/v1/report-settings", &json!({"frequency": "tertial", "due_days": 45})).await.status(), StatusCode::NO_CONTENT);
        // January–April 2025 is due 30 April + 45 days = 14 June; May–June 2027 (cut to the end)
        // is due 30 June + 45 = 14 August 2027.
        let body: Value = lead.get(&list).await.json().await.unwrap();
        let s = slots(&body);
        assert_eq!(s.len(), 9);
        assert_eq!(s[0], ("2025-01-01".into(), "2025-04-30".into(), "2025-06-14".into()));
        assert_eq!(s[1], ("2025-05-01".into(), "2025-08-31".into(), "2025-10-15".into()));
        assert_eq!(s[6], ("2027-01-01".into(), "2027-04-30".into(), "2027-06-14".into()));
        assert_eq!(s[7], ("2027-05-01".into(), "2027-06-30".into(), "2027-08-14".into()));

        // 120 000 kr claimed and approved for January–March 2025, and 5 000 for May (outside T1);
        // evidence only above 1 000 000 kr here.
        let rules = json!({"claim_tail_months": 3, "attachment_threshold_sek": 1_000_000});
        assert_eq!(d.put("/api/v1/economy-settings", &rules).await.status(), StatusCode::NO_CONTENT);
        approved_claim(&app, id, "2025-01-01", "2025-03-31", 120_000).await;
        approved_claim(&app, id, "2025-05-01", "2025-05-31", 5_000).await;

        let t1 = format!("{list}/2025-01-01");
        // Only the owner's lead writes; the text is saved as a draft.
        assert_eq!(code(officer.put(&t1, &json!({"activities": "x"})).await, StatusCode::FORBIDDEN).await, ["not_owner_lead"]);
        assert_eq!(code(lead.put(&t1, &json!({"lessons": "x".repeat(20_001)})).await, StatusCode::UNPROCESSABLE_ENTITY).await, ["lessons:too_long"]);
        assert_eq!(app.count("SELECT COUNT(*) FROM period_reports").await, 0);
        assert_eq!(lead.put(&t1, &json!({"activities": "Två coacher anställda.", "lessons": "Samlokalisering hjälper."})).await.status(), StatusCode::NO_CONTENT);
        let body: Value = lead.get(&t1).await.json().await.unwrap();
        assert_eq!(body["status"], "draft");
        assert_eq!(body["lessons"], "Samlokalisering hjälper.");
        // Before submission the figures are today's: the claim within the tertial only.
        assert_eq!(body["figures"]["money"], json!({"granted_total_sek": 3_000_000, "claimed_in_period_sek": 120_000, "approved_in_period_sek": 120_000}));

        // Without what was done, it is refused and stays a draft.
        assert_eq!(code(lead.post(&format!("{t1}/submit"), &json!({"activities": " "})).await, StatusCode::UNPROCESSABLE_ENTITY).await, ["activities:required"]);
        // A period that has not ended; the final report without its implementation.
        assert_eq!(code(lead.post(&format!("{list}/2027-05-01/submit"), &json!({"activities": "x"})).await, StatusCode::UNPROCESSABLE_ENTITY).await, ["period_to:report_period_not_ended"]);
        let codes = code(lead.post(&format!("{list}/final/submit"), &json!({"activities": "x"})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(codes, ["implementation:required", "period_to:report_period_not_ended"]);
        // A day that begins no period is no report.
        assert_eq!(lead.get(&format!("{list}/2025-02-01")).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(app.count("SELECT COUNT(*) FROM period_reports WHERE status <> 'draft'").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM period_reports").await, 1);

        let text = json!({"activities": "Två coacher anställda; 14 kartläggningar.", "lessons": "Samlokalisering hjälper."});
        assert_eq!(lead.post(&format!("{t1}/submit"), &text).await.status(), StatusCode::NO_CONTENT);
        // Submitted once: a second submission and a change are refused.
        assert_eq!(code(lead.post(&format!("{t1}/submit"), &text).await, StatusCode::CONFLICT).await, ["report_already_submitted"]);
        assert_eq!(code(lead.put(&t1, &json!({"activities": "ändrad"})).await, StatusCode::CONFLICT).await, ["report_already_submitted"]);
        let body: Value = d.get(&t1).await.json().await.unwrap();
        assert_eq!(body["status"], "submitted");
        assert_eq!(body["activities"], "Två coacher anställda; 14 kartläggningar.");
        assert_eq!(body["submitted_by"], "Karin Berg");

        // The office reviews: not the lead; a return needs its reason.
        assert_eq!(lead.post(&format!("{t1}/review"), &json!({"action": "approve"})).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(code(officer.post(&format!("{t1}/review"), &json!({"action": "return", "reason": ""})).await, StatusCode::UNPROCESSABLE_ENTITY).await, ["reason:required"]);
        assert_eq!(app.count("SELECT COUNT(*) FROM period_reports WHERE status = 'submitted'").await, 1);
        let r = officer.post(&format!("{t1}/review"), &json!({"action": "return", "reason": "Beskriv samverkan med Arbetsförmedlingen."})).await;
        assert_eq!(r.json::<Value>().await.unwrap()["status"], "returned");
        let body: Value = lead.get(&t1).await.json().await.unwrap();
        assert_eq!(body["return_reason"], "Beskriv samverkan med Arbetsförmedlingen.");
        // Completed and submitted again, then approved.
        let text = json!({"activities": "Två coacher anställda; 14 kartläggningar; veckovis ärendedragning med Arbetsförmedlingen.", "lessons": "Samlokalisering hjälper."});
        assert_eq!(lead.post(&format!("{t1}/submit"), &text).await.status(), StatusCode::NO_CONTENT);
        let r = d.post(&format!("{t1}/review"), &json!({"action": "approve"})).await;
        assert_eq!(r.json::<Value>().await.unwrap()["status"], "approved");
        assert_eq!(code(d.post(&format!("{t1}/review"), &json!({"action": "approve"})).await, StatusCode::CONFLICT).await, ["report_not_submitted"]);

        // The figures stay as submitted: a later claim within the tertial does not change them.
        approved_claim(&app, id, "2025-04-01", "2025-04-30", 30_000).await;
        let body: Value = d.get(&t1).await.json().await.unwrap();
        assert_eq!(body["figures"]["money"]["claimed_in_period_sek"], 120_000);
        assert_eq!(body["status"], "approved");
        assert_eq!(body["return_reason"], Value::Null);
        // The next tertial, not yet written, shows today's figures: 5 000 kr for May.
        let body: Value = d.get(&format!("{list}/2025-05-01")).await.json().await.unwrap();
        assert_eq!(body["figures"]["money"]["claimed_in_period_sek"], 5_000);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'report.submit'").await, 2);
        // The schedule as a spreadsheet: LibreOffice reads the nine reports.
        let xlsx = d.get(&format!("{list}?format=xlsx")).await.bytes().await.unwrap();
        let converted = crate::support::libreoffice_csv(&xlsx);
        let lines: Vec<&str> = converted.lines().collect();
        assert_eq!(lines[0], "Rapport;Från;Till;Senast;Status;Försenad");
        assert_eq!(lines.len(), 10, "{converted}");
        assert!(lines[1].starts_with("Periodrapport;"), "{converted}");
        assert!(lines[1].contains(";Godkänd;Nej"), "{converted}");
        assert!(lines[9].starts_with("Slutrapport;"), "{converted}");
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'report.review'").await, 2);
    }

    async fn deviations_go_to_the_office_or_the_committee(app) {
        let id = intervention(&app).await;
        let association = app.association_id().await;
        let lead = app.api(&app.token("insatsansvarig.enkoping@example.org").await);
        let officer = app.api(&app.token("handlaggare@example.org").await);
        let path = format!("/api/v1/interventions/{id}/deviations");

        // Every field is needed; a day ahead and a category unknown are refused; nothing is saved.
        let codes = code(lead.post(&path, &json!({"occurred_on": "2026-10-01", "category": "", "description": "", "consequence": "", "proposed_measure": ""})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(codes, ["category:required", "description:required", "consequence:required", "proposed_measure:required"]);
        let codes = code(lead.post(&path, &json!({"occurred_on": "2099-01-01", "category": "weather", "description": "a", "consequence": "b", "proposed_measure": "c"})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(codes, ["occurred_on:date_in_future", "category:unknown_code"]);
        assert_eq!(code(officer.post(&path, &json!({"occurred_on": "2026-10-01", "category": "staffing", "description": "a", "consequence": "b", "proposed_measure": "c"})).await, StatusCode::FORBIDDEN).await, ["not_owner_lead"]);
        // Before the intervention began, and a text beyond 20 000 characters.
        let long = "x".repeat(20_001);
        let codes = code(lead.post(&path, &json!({"occurred_on": "2024-12-31", "category": "staffing", "description": long, "consequence": "b", "proposed_measure": "c"})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(codes, ["description:too_long", "occurred_on:before_intervention_start"]);
        assert_eq!(app.count("SELECT COUNT(*) FROM deviations").await, 0);

        // A vacancy that the office acknowledges.
        let r = lead.post(&path, &json!({"occurred_on": "2026-10-01", "category": "staffing", "description": "Rehabcoachen har slutat.", "consequence": "Färre kartläggningar i oktober.", "proposed_measure": "Rekrytering pågår."})).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let first = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let handle = |did: i64| format!("{path}/{did}/handle");
        assert_eq!(code(officer.post(&handle(first), &json!({"response": " "})).await, StatusCode::UNPROCESSABLE_ENTITY).await, ["response:required"]);
        assert_eq!(lead.post(&handle(first), &json!({"response": "ok"})).await.status(), StatusCode::FORBIDDEN);
        let r = officer.post(&handle(first), &json!({"response": "Noterat. Återkom när tjänsten är tillsatt."})).await;
        assert_eq!(r.json::<Value>().await.unwrap()["status"], "acknowledged");
        assert_eq!(code(officer.post(&handle(first), &json!({"response": "igen"})).await, StatusCode::CONFLICT).await, ["deviation_handled"]);

        // A changed target group needs the committee's decision: it waits for a meeting of the
        // committee that has taken place.
        let r = lead.post(&path, &json!({"occurred_on": "2026-10-20", "category": "target_group", "description": "Fler unga än planerat söker sig till insatsen.", "consequence": "Rehabiliteringsdelen får färre platser.", "proposed_measure": "Flytta tio platser från rehabilitering till ung.", "needs_decision": true})).await;
        let second = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let list: Value = officer.get(&path).await.json().await.unwrap();
        assert_eq!(list[0]["status"], "awaiting_decision");
        assert_eq!(list[1]["status"], "acknowledged");
        let meeting = |body: &'static str, day: NaiveDate| {
            let db = app.db.clone();
            async move {
                let mut tx = db.write().await.unwrap();
                let w = samordna::storage::meetings::MeetingWrite { place: "Uppsala", present: "[]", chair: "Ordförande", attesters: "[]", at: samordna::domain::time::now() };
                let m = samordna::storage::meetings::insert(&mut tx, association, body, day, &w, 1).await.unwrap();
                tx.commit().await.unwrap();
                m
            }
        };
        // The office sees it among the committee's cases when it plans meetings.
        let planner = app.login("handlaggare@example.org").await;
        assert!(planner.page("/moten").await.1.contains("Målgrupp och intag, 2026-10-20 (Fler unga än planerat"));
        let board = meeting("board", date(2026, 11, 2)).await;
        let ahead = meeting("committee", date(2099, 1, 10)).await;
        let held = meeting("committee", date(2026, 11, 5)).await;
        let agenda = |did: i64| format!("{path}/{did}/agenda");
        // Not yet a case: no decision can be recorded.
        let decision = json!({"response": "Arbetsutskottet godkänner omfördelningen."});
        assert_eq!(code(officer.post(&handle(second), &decision).await, StatusCode::UNPROCESSABLE_ENTITY).await, ["response:deviation_not_on_agenda"]);
        // It goes on the agenda of a meeting of the committee, not the board's, and not one that
        // needs no decision.
        assert_eq!(code(officer.post(&agenda(second), &json!({"meeting_id": board})).await, StatusCode::UNPROCESSABLE_ENTITY).await, ["meeting_id:not_a_committee_meeting"]);
        assert_eq!(code(officer.post(&agenda(second), &json!({})).await, StatusCode::UNPROCESSABLE_ENTITY).await, ["meeting_id:required"]);
        assert_eq!(code(officer.post(&agenda(first), &json!({"meeting_id": held})).await, StatusCode::CONFLICT).await, ["deviation_needs_no_decision"]);
        assert_eq!(lead.post(&agenda(second), &json!({"meeting_id": held})).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.count("SELECT COUNT(*) FROM deviation_items").await, 0);
        // On the future meeting first: its decision waits for the day.
        let r = officer.post(&agenda(second), &json!({"meeting_id": ahead})).await;
        assert_eq!(r.json::<Value>().await.unwrap()["section"], 1, "the committee's first case of 2099");
        assert_eq!(code(officer.post(&agenda(second), &json!({"meeting_id": held})).await, StatusCode::CONFLICT).await, ["deviation_on_agenda"]);
        assert_eq!(code(officer.post(&handle(second), &decision).await, StatusCode::UNPROCESSABLE_ENTITY).await, ["response:meeting_not_held"]);
        assert_eq!(app.count("SELECT COUNT(*) FROM deviations WHERE status = 'awaiting_decision'").await, 1);
        // A second deviation becomes § 1 of the committee's 2026 at the meeting held, and is decided.
        let r = lead.post(&path, &json!({"occurred_on": "2026-10-25", "category": "budget", "description": "Lokalkostnaden blir högre.", "consequence": "Budgeten räcker inte år två.", "proposed_measure": "Omfördela från köpta tjänster.", "needs_decision": true})).await;
        let third = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let r = officer.post(&agenda(third), &json!({"meeting_id": held})).await;
        assert_eq!(r.json::<Value>().await.unwrap()["section"], 1);
        // The meeting's page lists it with its section.
        let (_, html) = planner.page(&format!("/moten/{held}")).await;
        assert!(html.contains("§ 1 <a href=\"/insatser/"), "{html}");
        assert!(html.contains("Avvikelse i Jobbcentrum: budget, Lokalkostnaden blir högre."));
        let r = officer.post(&handle(third), &json!({"response": "Arbetsutskottet godkänner omfördelningen."})).await;
        assert_eq!(r.json::<Value>().await.unwrap()["status"], "decided");
        let list: Value = lead.get(&path).await.json().await.unwrap();
        assert_eq!(list[0]["response"], "Arbetsutskottet 2026-11-05 § 1: Arbetsutskottet godkänner omfördelningen.");
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM deviations WHERE decided_meeting_id = {held}")).await, 1);
        // Attested minutes take no new cases.
        app.exec(&format!("UPDATE meetings SET attested_at = '2026-11-06 10:00:00+00:00', attested_by = 1 WHERE id = {held}")).await;
        let r = lead.post(&path, &json!({"occurred_on": "2026-11-06", "category": "method", "description": "a", "consequence": "b", "proposed_measure": "c", "needs_decision": true})).await;
        let fourth = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        assert_eq!(code(officer.post(&agenda(fourth), &json!({"meeting_id": held})).await, StatusCode::UNPROCESSABLE_ENTITY).await, ["meeting_id:minutes_attested"]);
        // The deviations as a spreadsheet, newest first.
        let text = lead.get(&format!("{path}?format=csv")).await.text().await.unwrap();
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines[0], "Datum;Kategori;Beskrivning;Konsekvens;Föreslagen åtgärd;Kräver beslut;Status;Svar");
        assert_eq!(lines.len(), 5);
        assert_eq!(lines[4], "2026-10-01;Bemanning;Rehabcoachen har slutat.;Färre kartläggningar i oktober.;Rekrytering pågår.;Nej;Kvitterad av kansliet;Noterat. Återkom när tjänsten är tillsatt.");
        // Acknowledged, put on two agendas, decided.
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'deviation.handle'").await, 4);
    }

    async fn reports_and_deviations_in_the_browser_pages(app) {
        let id = intervention(&app).await;
        let lead = app.login("insatsansvarig.enkoping@example.org").await;
        let (status, html) = lead.page(&format!("/insatser/{id}/rapporter")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(&format!("href=\"/insatser/{id}/rapporter/2025-01-01\"")));
        assert!(html.contains("försenad"));
        let page = format!("/insatser/{id}/rapporter/2025-01-01");
        let (_, html) = lead.page(&page).await;
        assert!(html.contains("Systemets siffror för perioden"));
        assert!(html.contains("Lämna in rapporten"));
        // Submitting without what was done shows the error beside the field and keeps the text.
        let r = lead.post(&page, &[("action", "submit"), ("activities", ""), ("lessons", "Samlokalisering")]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(html.contains("<a href=\"#activities\">Fältet måste fyllas i.</a>"));
        assert!(html.contains(">Samlokalisering</textarea>"));
        assert_eq!(app.count("SELECT COUNT(*) FROM period_reports").await, 0);
        let r = lead.post(&page, &[("action", "submit"), ("activities", "Två coacher anställda.")]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (_, html) = lead.page(r.headers()["location"].to_str().unwrap()).await;
        assert!(html.contains("Rapporten är inlämnad."));
        assert!(!html.contains("Lämna in rapporten"));
        // The officer approves on the page.
        let officer = app.login("handlaggare@example.org").await;
        let (_, html) = officer.page(&page).await;
        assert!(html.contains("Godkänn rapporten"));
        assert_eq!(officer.post(&page, &[("action", "approve")]).await.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.count("SELECT COUNT(*) FROM period_reports WHERE status = 'approved'").await, 1);
        // A second submission through the page is refused with a message.
        let r = lead.post(&page, &[("action", "submit"), ("activities", "igen")]).await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert!(r.text().await.unwrap().contains("Rapporten är redan inlämnad."));

        // A deviation: refused with its fields named, then reported and acknowledged.
        let deviations = format!("/insatser/{id}/avvikelser");
        let r = lead.post(&deviations, &[("occurred_on", "2026-10-01"), ("category", "staffing"), ("description", "Rehabcoachen har slutat.")]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(html.contains("<a href=\"#consequence\">Fältet måste fyllas i.</a>"));
        assert!(html.contains(">Rehabcoachen har slutat.</textarea>"));
        assert_eq!(app.count("SELECT COUNT(*) FROM deviations").await, 0);
        let r = lead.post(&deviations, &[("occurred_on", "2026-10-01"), ("category", "staffing"), ("description", "Rehabcoachen har slutat."), ("consequence", "Färre kartläggningar."), ("proposed_measure", "Rekrytering."), ("needs_decision", "no")]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let did = app.count("SELECT MAX(id) FROM deviations").await;
        let (_, html) = officer.page(&deviations).await;
        assert!(html.contains("Kvittera avvikelsen"));
        let r = officer.post(&format!("{deviations}/{did}"), &[(&format!("response_{did}") as &str, "")]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains(&format!("<a href=\"#response_{did}\">Fältet måste fyllas i.</a>")));
        let r = officer.post(&format!("{deviations}/{did}"), &[(&format!("response_{did}") as &str, "Noterat.")]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (_, html) = lead.page(&deviations).await;
        assert!(html.contains("Kvitterad av kansliet"));
        assert!(html.contains("Noterat."));
    }
}
