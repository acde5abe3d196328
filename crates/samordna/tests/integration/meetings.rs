//! A case from preparation to a running intervention through the API: committee, board with
//! återremiss and then a grant, jäv, attested minutes and their extract, the agreement signed by
//! every party. Every refusal leaves nothing changed.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::both;
use crate::proposals::{docx_paragraphs, framsteget_in, member, stored_zip_entry};
use crate::support::{pdf_text, Api, TestApp};

/// Saves the drafted preparation, so that the case may go on an agenda.
async fn prepare(officer: &Api, id: i64) {
    let prep: Value = officer.get(&format!("/api/v1/applications/{id}/proposal")).await.json().await.unwrap();
    let body = json!({"lock_version": prep["lock_version"], "officer_user_id": null, "checklist": prep["checklist"],
        "notes": "", "proposal": prep["proposal"]});
    let r = officer.put(&format!("/api/v1/applications/{id}/proposal"), &body).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
}

async fn problem(r: reqwest::Response, status: StatusCode) -> Value {
    assert_eq!(r.status(), status);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    r.json().await.unwrap()
}

async fn unchanged(app: &TestApp) -> (i64, i64, i64) {
    (
        app.count("SELECT COUNT(*) FROM decisions").await,
        app.count("SELECT COUNT(*) FROM interventions").await,
        app.count("SELECT COUNT(*) FROM agreement_signatures").await,
    )
}

fn board(date: &str, cases: &[i64]) -> Value {
    json!({"body": "board", "date": date, "place": "Uppsala", "chair": "Anna Berg",
        "present": ["Anna Berg", "Per Holm", "Lena Ek"], "attesters": ["Per Holm"], "application_ids": cases})
}

both! {
    async fn a_case_goes_from_committee_to_a_running_intervention(app) {
        let (id, lead) = framsteget_in(&app, 2026).await;
        let officer = app.api(&app.token("handlaggare@example.org").await);

        // Not on any agenda before it is prepared; no decision without a meeting.
        let r = officer.post("/api/v1/meetings", &board("2026-02-10", &[id])).await;
        assert_eq!(problem(r, StatusCode::UNPROCESSABLE_ENTITY).await["errors"][0]["code"], "case_not_prepared");
        assert_eq!(app.count("SELECT COUNT(*) FROM meetings").await, 0);
        prepare(&officer, id).await;
        let r = officer.post("/api/v1/meetings/999999/decisions", &json!({"application_id": id, "outcome": "granted"})).await;
        problem(r, StatusCode::NOT_FOUND).await;

        // The committee proposes; it does not decide.
        let mut committee = board("2026-01-20", &[id]);
        committee["body"] = json!("committee");
        let r = officer.post("/api/v1/meetings", &committee).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let au: Value = r.json().await.unwrap();
        assert_eq!(au["items"][0]["section"], 1);
        assert!(au["items"][0]["minutes"].as_str().unwrap().starts_with("Arbetsutskottet föreslår förbundsstyrelsen besluta\n\natt bevilja finansiellt stöd enligt ansökan för insatsen *Framsteget 2.0*"));
        let r = officer.post(&format!("/api/v1/meetings/{}/decisions", au["id"]), &json!({"application_id": id, "outcome": "granted"})).await;
        assert_eq!(problem(r, StatusCode::CONFLICT).await["code"], "committee_cannot_decide");

        // The board refers it back first: history kept, the case back in preparation.
        let r = officer.post("/api/v1/meetings", &board("2026-02-10", &[id])).await;
        let first: Value = r.json().await.unwrap();
        assert_eq!(first["items"][0]["section"], 1, "sections run per body");
        let r = officer.post(&format!("/api/v1/meetings/{}/decisions", first["id"]), &json!({"application_id": id, "outcome": "referred_back"})).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let decided: Value = r.json().await.unwrap();
        assert_eq!(decided["intervention_id"], Value::Null);
        assert_eq!(decided["meeting"]["items"][0]["minutes"], "Förbundsstyrelsen beslutar\n\natt återremittera ärendet om insatsen *Framsteget 2.0* för fortsatt beredning.");
        let application: Value = officer.get(&format!("/api/v1/applications/{id}")).await.json().await.unwrap();
        assert_eq!(application["status"], "received");

        // The second board meeting of the year: § 2, with a conflict of interest.
        let r = officer.post("/api/v1/meetings", &board("2026-03-10", &[id])).await;
        let meeting: Value = r.json().await.unwrap();
        let mid = meeting["id"].as_i64().unwrap();
        let item = meeting["items"][0]["id"].as_i64().unwrap();
        assert_eq!(meeting["items"][0]["section"], 2);
        let minutes = |lock: &Value, names: Value| json!({"lock_version": lock, "place": "Uppsala", "chair": "Anna Berg",
            "present": ["Anna Berg", "Per Holm", "Lena Ek"], "attesters": ["Per Holm"], "conflicts": [{"item_id": item, "names": names}]});
        let r = officer.put(&format!("/api/v1/meetings/{mid}"), &minutes(&meeting["lock_version"], json!(["Okänd Person"]))).await;
        assert_eq!(problem(r, StatusCode::UNPROCESSABLE_ENTITY).await["errors"][0]["code"], "not_present");
        let r = officer.put(&format!("/api/v1/meetings/{mid}"), &minutes(&meeting["lock_version"], json!(["Lena Ek"]))).await;
        assert_eq!(r.status(), StatusCode::OK);
        let meeting: Value = r.json().await.unwrap();
        assert_eq!(meeting["items"][0]["conflicts"], json!(["Lena Ek"]));

        // Refusals: more than applied for without a reason, a period outside the application's.
        let before = unchanged(&app).await;
        let decisions = format!("/api/v1/meetings/{mid}/decisions");
        let r = officer.post(&decisions, &json!({"application_id": id, "outcome": "granted", "max_total_sek": 8000000})).await;
        assert_eq!(problem(r, StatusCode::UNPROCESSABLE_ENTITY).await["errors"][0]["code"], "grant_above_applied");
        let r = officer.post(&decisions, &json!({"application_id": id, "outcome": "granted", "start_date": "2025-12-01"})).await;
        assert_eq!(problem(r, StatusCode::UNPROCESSABLE_ENTITY).await["errors"][0]["code"], "period_outside_application");
        let r = officer.post(&decisions, &json!({"application_id": id, "outcome": "granted", "per_year": [{"year": 2026, "max_sek": 1}]})).await;
        assert_eq!(problem(r, StatusCode::UNPROCESSABLE_ENTITY).await["errors"][0]["code"], "year_sum_mismatch");
        assert_eq!(unchanged(&app).await, before);
        let application: Value = officer.get(&format!("/api/v1/applications/{id}")).await.json().await.unwrap();
        assert_eq!(application["status"], "received");

        // The grant, as applied for.
        let r = officer.post(&decisions, &json!({"application_id": id, "outcome": "granted", "option_to_extend": true})).await;
        assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
        let decided: Value = r.json().await.unwrap();
        let intervention = decided["intervention_id"].as_i64().expect("a grant starts an intervention");
        let d = &decided["meeting"]["items"][0]["decision"];
        assert_eq!(d["max_total_sek"], 7711000);
        assert_eq!(d["per_year"], json!([{"year": 2026, "max_sek": 3855500}, {"year": 2027, "max_sek": 3855500}]));
        let text = decided["meeting"]["items"][0]["minutes"].as_str().unwrap();
        assert!(text.starts_with("Förbundsstyrelsen beslutar\n\natt bevilja finansiellt stöd enligt ansökan för insatsen *Framsteget 2.0* för perioden 1 januari 2026 fram till 31 december 2027, maximalt 7 711 000 kronor, 2 år med eventuell option på förlängning."), "{text}");
        assert!(text.ends_with("Lena Ek anmäler jäv och deltar inte i handläggningen av ärendet."));
        let application: Value = officer.get(&format!("/api/v1/applications/{id}")).await.json().await.unwrap();
        assert_eq!(application["status"], "granted");
        let r = officer.post(&decisions, &json!({"application_id": id, "outcome": "rejected"})).await;
        assert_eq!(problem(r, StatusCode::CONFLICT).await["code"], "case_already_decided");
        let r = officer.post("/api/v1/meetings", &board("2026-04-10", &[id])).await;
        assert_eq!(problem(r, StatusCode::CONFLICT).await["code"], "case_already_decided");
        let prep: Value = officer.get(&format!("/api/v1/applications/{id}/proposal")).await.json().await.unwrap();
        assert_eq!(prep["can_edit"], false, "a decided case's preparation is closed");
        let outcomes: Vec<&str> = prep["decisions"].as_array().unwrap().iter().map(|d| d["outcome"].as_str().unwrap()).collect();
        assert_eq!(outcomes, ["referred_back", "granted"], "the referral back is kept in the case's history");
        assert_eq!(prep["decisions"][1]["section"], 2);

        // No extract before the minutes are attested; the office does not attest.
        let extract = format!("/api/v1/meetings/{mid}/items/{item}/extract");
        assert_eq!(problem(officer.get(&format!("{extract}?format=txt")).await, StatusCode::CONFLICT).await["code"], "minutes_not_attested");
        assert_eq!(officer.post(&format!("/api/v1/meetings/{mid}/attestation"), &json!({})).await.status(), StatusCode::FORBIDDEN);
        let board_member = app.api(&app.token("styrelseledamot@example.org").await);
        let r = board_member.post(&format!("/api/v1/meetings/{mid}/attestation"), &json!({})).await;
        assert_eq!(r.status(), StatusCode::OK);
        let attested: Value = r.json().await.unwrap();
        assert!(attested["attested_at"].is_string());
        assert_eq!(attested["can_edit"], false);
        // Attested minutes never change.
        let r = officer.put(&format!("/api/v1/meetings/{mid}"), &minutes(&attested["lock_version"], json!([]))).await;
        assert_eq!(problem(r, StatusCode::CONFLICT).await["code"], "minutes_attested");
        assert_eq!(problem(board_member.post(&format!("/api/v1/meetings/{mid}/attestation"), &json!({})).await, StatusCode::CONFLICT).await["code"], "minutes_attested");
        let again: Value = officer.get(&format!("/api/v1/meetings/{mid}")).await.json().await.unwrap();
        assert_eq!(again["items"][0]["conflicts"], json!(["Lena Ek"]));

        // The extract, the same text as text, PDF and DOCX.
        let txt = officer.get(&format!("{extract}?format=txt")).await.text().await.unwrap();
        assert!(txt.starts_with("Protokollsutdrag\n\nFörbundsstyrelsen, Samordningsförbundet Uppsala län\n\nSammanträde 10 mars 2026, Uppsala\n\n§ 2 Ansökan Framsteget 2.0 (SUL 2026/"), "{txt}");
        assert!(txt.contains("att bevilja finansiellt stöd enligt ansökan för insatsen Framsteget 2.0 för perioden"));
        assert!(txt.contains("Lena Ek anmäler jäv"));
        assert!(txt.contains("Justerare: Per Holm."));
        let pdf = officer.get(&format!("{extract}?format=pdf")).await;
        assert_eq!(pdf.headers()["content-type"], "application/pdf");
        let pdf = pdf_text(&pdf.bytes().await.unwrap());
        for needle in ["Protokollsutdrag", "§ 2 Ansökan Framsteget 2.0", "Lena Ek anmäler jäv och deltar inte i handläggningen av ärendet.", "Utdraget stämmer med det justerade protokollet."] {
            assert!(pdf.contains(needle), "{needle} in {pdf}");
        }
        let docx = officer.get(&format!("{extract}?format=docx")).await.bytes().await.unwrap();
        let document = stored_zip_entry(&docx, "word/document.xml");
        assert!(document.contains("<w:pStyle w:val=\"Heading1\"/>"));
        let expected: Vec<String> = txt.lines().filter(|l| !l.is_empty()).map(String::from).collect();
        assert_eq!(docx_paragraphs(&document), expected);

        // The intervention waits for its agreement; only each party's firmatecknare signs.
        let v: Value = lead.get(&format!("/api/v1/interventions/{intervention}")).await.json().await.unwrap();
        assert_eq!(v["status"], "awaiting_agreement");
        assert_eq!(v["max_total_sek"], 7711000);
        assert_eq!(v["conditions"].as_array().unwrap().len(), 2, "the two standard conditions");
        assert!(v["agreement_text"].as_str().unwrap().contains("Förbundsstyrelsen beslutade den 10 mars 2026 (§ 2)"));
        let habo = member(&app, "Håbo kommun").await;
        let signs = format!("/api/v1/interventions/{intervention}/agreement/signatures");
        let before = unchanged(&app).await;
        assert_eq!(problem(lead.post(&signs, &json!({"member_id": habo})).await, StatusCode::FORBIDDEN).await["code"], "not_signatory");
        let enk = member(&app, "Enköpings kommun").await;
        let r = app.api(&app.token("firmatecknare.enkoping@example.org").await).post(&signs, &json!({"member_id": enk})).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "not a party: the intervention is not theirs to see");
        assert_eq!(unchanged(&app).await, before);
        let parties = ["Håbo kommun", "Försäkringskassan", "Region Uppsala", "Arbetsförmedlingen"];
        let signers = ["sign@habo.example", "sign@fk.example", "sign@region.example", "firmatecknare.af@example.org"];
        for (i, (party, email)) in parties.iter().zip(signers).enumerate() {
            let signer = app.api(&app.token(email).await);
            let r = signer.post(&signs, &json!({"member_id": member(&app, party).await})).await;
            assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
            let v: Value = r.json().await.unwrap();
            let expected = if i + 1 < parties.len() { "awaiting_agreement" } else { "ongoing" };
            assert_eq!(v["status"], expected, "after {party}");
        }
        let signer = app.api(&app.token("sign@habo.example").await);
        assert_eq!(problem(signer.post(&signs, &json!({"member_id": habo})).await, StatusCode::CONFLICT).await["code"], "already_signed");
        let list: Value = officer.get("/api/v1/interventions?status=ongoing").await.json().await.unwrap();
        assert_eq!(list["total"], 1);
        let list: Value = officer.get("/api/v1/interventions?status=awaiting_agreement").await.json().await.unwrap();
        assert_eq!(list["total"], 0);
        let agreement = officer.get(&format!("/api/v1/interventions/{intervention}/agreement?format=txt")).await.text().await.unwrap();
        assert!(agreement.contains("Håbo kommun: undertecknad av sign"));
        for action in ["meeting.create", "meeting.update", "meeting.attest", "decision.record", "intervention.agreement_sign"] {
            assert!(app.count(&format!("SELECT COUNT(*) FROM audit_events WHERE action = '{action}'")).await > 0, "{action} audited");
        }
    }

    async fn a_grant_may_start_later_than_the_application_and_waits_for_its_day(app) {
        let (id, _) = framsteget_in(&app, 2026).await;
        let officer = app.api(&app.token("handlaggare@example.org").await);
        prepare(&officer, id).await;
        let meeting: Value = officer.post("/api/v1/meetings", &board("2026-03-10", &[id])).await.json().await.unwrap();
        let r = officer.post(&format!("/api/v1/meetings/{}/decisions", meeting["id"]), &json!({
            "application_id": id, "outcome": "granted", "max_total_sek": 3000000, "start_date": "2027-01-01",
            "per_year": [{"year": 2027, "max_sek": 3000000}]})).await;
        assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
        let intervention = r.json::<Value>().await.unwrap()["intervention_id"].as_i64().unwrap();
        let signs = format!("/api/v1/interventions/{intervention}/agreement/signatures");
        for (party, email) in [("Håbo kommun", "sign@habo.example"), ("Försäkringskassan", "sign@fk.example"), ("Region Uppsala", "sign@region.example"), ("Arbetsförmedlingen", "firmatecknare.af@example.org")] {
            app.api(&app.token(email).await).post(&signs, &json!({"member_id": member(&app, party).await})).await;
        }
        let v: Value = officer.get(&format!("/api/v1/interventions/{intervention}")).await.json().await.unwrap();
        assert_eq!(v["status"], "awaiting_start", "signed, but its start date has not come");
        assert_eq!(v["per_year"], json!([{"year": 2027, "max_sek": 3000000}]));

        // A board member reads the minutes but cannot change them or decide.
        let board_member = app.api(&app.token("styrelseledamot@example.org").await);
        let read: Value = board_member.get(&format!("/api/v1/meetings/{}", meeting["id"])).await.json().await.unwrap();
        assert_eq!(read["can_edit"], false);
        assert_eq!(read["can_attest"], true);
        let r = board_member.post(&format!("/api/v1/meetings/{}/decisions", meeting["id"]), &json!({"application_id": id, "outcome": "rejected"})).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = board_member.post("/api/v1/meetings", &board("2026-05-10", &[])).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        // Applicants and case workers see no meetings.
        let worker = app.api(&app.token("deltagaransvarig.enkoping@example.org").await);
        assert_eq!(worker.get(&format!("/api/v1/meetings/{}", meeting["id"])).await.status(), StatusCode::NOT_FOUND);
    }
}

both! {
    async fn the_association_writes_its_own_agreement(app) {
        let admin = app.login("forbundsadmin@example.org").await;
        let (status, html) = admin.page("/mall-overenskommelse").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Överenskommelse om finansiellt stöd för insatsen {insats}"));
        // A placeholder the agreement cannot fill is refused, and nothing is saved.
        let r = admin.post("/mall-overenskommelse", &[("agreement_template", "Avtal för {insats} med {okänd}")]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("Mallen använder en platshållare som inte finns."));
        assert_eq!(app.count("SELECT COUNT(*) FROM agreement_templates").await, 0);
        let r = admin.post("/mall-overenskommelse", &[("agreement_template", "Avtal om {insats}\n\n{insatsagare} får högst {belopp} kronor.\n\n{villkor}")]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);

        // The next grant is written with it.
        let (id, _) = framsteget_in(&app, 2026).await;
        let officer = app.api(&app.token("handlaggare@example.org").await);
        prepare(&officer, id).await;
        let meeting: Value = officer.post("/api/v1/meetings", &board("2026-03-10", &[id])).await.json().await.unwrap();
        let r = officer.post(&format!("/api/v1/meetings/{}/decisions", meeting["id"]), &json!({"application_id": id, "outcome": "granted"})).await;
        let intervention = r.json::<Value>().await.unwrap()["intervention_id"].as_i64().unwrap();
        let v: Value = officer.get(&format!("/api/v1/interventions/{intervention}")).await.json().await.unwrap();
        assert!(v["agreement_text"].as_str().unwrap().starts_with("Avtal om Framsteget 2.0\n\nHåbo kommun får högst 7 711 000 kronor.\n\natt finansieringen"));

        // The meeting pages: a decision form with a mistake shows it in Swedish and keeps the case open.
        let session = app.login("handlaggare@example.org").await;
        let (status, html) = session.page(&format!("/moten/{}", meeting["id"])).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("§ 1 Ansökan Framsteget 2.0"));
        assert!(html.contains("Beviljad"));
        let r = session.post("/moten/nytt", &[("body", "board"), ("date", "2026-13-01"), ("place", "Uppsala"), ("present", "A"), ("chair", "A"), ("case", &id.to_string())]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("Ange datumet som åååå-mm-dd."));
        let r = session.post("/moten/nytt", &[("body", "board"), ("date", "2026-05-01"), ("place", "Uppsala"), ("present", "A"), ("chair", "A"), ("case", &id.to_string())]).await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert!(r.text().await.unwrap().contains("Ärendet är redan beslutat."));
        assert_eq!(app.count("SELECT COUNT(*) FROM meetings").await, 1, "nothing half-saved");
    }
}

both! {
    async fn an_extension_answers_every_condition_of_the_earlier_decision(app) {
        let (id, lead) = framsteget_in(&app, 2026).await;
        let officer = app.api(&app.token("handlaggare@example.org").await);
        let checklist = json!({"in_line_with_direction": true, "measurable_goals": true, "lokus_discussed": true,
            "follow_up_planned": true, "implementation_described": true, "own_financing_stated": false});
        let draft: Value = officer.post(&format!("/api/v1/applications/{id}/proposal/draft"),
            &json!({"recommendation": "grant", "checklist": checklist, "option_to_extend": true, "extension_requirements": true})).await.json().await.unwrap();
        let body = json!({"lock_version": 0, "checklist": checklist, "proposal": draft});
        assert_eq!(officer.put(&format!("/api/v1/applications/{id}/proposal"), &body).await.status(), StatusCode::OK);
        let meeting: Value = officer.post("/api/v1/meetings", &board("2026-03-10", &[id])).await.json().await.unwrap();
        let r = officer.post(&format!("/api/v1/meetings/{}/decisions", meeting["id"]), &json!({"application_id": id, "outcome": "granted"})).await;
        let intervention = r.json::<Value>().await.unwrap()["intervention_id"].as_i64().unwrap();
        let conditions: Vec<String> = officer.get(&format!("/api/v1/interventions/{intervention}")).await.json::<Value>().await.unwrap()["conditions"]
            .as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect();
        assert_eq!(conditions.len(), 3);
        assert!(conditions[0].contains("egenfinansiering"));

        // The owner applies to extend it, the earlier content as a start.
        let habo = member(&app, "Håbo kommun").await;
        let created: Value = lead.post("/api/v1/applications", &json!({"owner_member_id": habo, "name": "Framsteget 3.0"})).await.json().await.unwrap();
        let next = created["id"].as_i64().unwrap();
        let mut content = lead.get(&format!("/api/v1/applications/{id}")).await.json::<Value>().await.unwrap()["content"].clone();
        content["name"] = json!("Framsteget 3.0");
        content["start_date"] = json!("2028-01-01");
        content["end_date"] = json!("2029-12-31");
        content["budget"][0]["year"] = json!(2028);
        content["budget"][1]["year"] = json!(2029);
        let put = |lock: &Value, content: &Value| json!({"lock_version": lock, "content": content});
        content["extends"] = json!({"intervention_id": 999999, "answers": []});
        let r = lead.put(&format!("/api/v1/applications/{next}"), &put(&created["lock_version"], &content)).await;
        assert_eq!(problem(r, StatusCode::UNPROCESSABLE_ENTITY).await["errors"][0]["code"], "extension_unknown");
        content["extends"] = json!({"intervention_id": intervention, "answers": []});
        let r = lead.put(&format!("/api/v1/applications/{next}"), &put(&created["lock_version"], &content)).await;
        assert_eq!(r.status(), StatusCode::OK);
        let saved: Value = r.json().await.unwrap();
        assert_eq!(saved["extension_conditions"].as_array().unwrap().len(), 3);
        let codes: Vec<&str> = saved["incomplete"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
        assert_eq!(codes.iter().filter(|c| **c == "condition_unanswered").count(), 3);
        assert!(codes.contains(&"own_financing_required"));

        // The edit page shows each condition with a field for its answer.
        let session = app.login("lead@habo.example").await;
        let (_, html) = session.page(&format!("/ansokningar/{next}/redigera")).await;
        assert!(html.contains("Förlänger ansökan en tidigare beviljad insats?"));
        assert!(html.contains("att vid ansökan om förlängning ska parternas egenfinansiering framgå"));
        assert!(html.contains("id=\"extends_2_answer\""));

        // Signing is refused until every condition is answered and own financing is stated.
        let signer = app.api(&app.token("sign@habo.example").await);
        let sign = format!("/api/v1/applications/{next}/signatures");
        let r = signer.post(&sign, &json!({"member_id": habo})).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        content["extends"]["answers"] = json!(conditions.iter().map(|c| json!({"condition": c, "answer": "Se bilaga och budget."})).collect::<Vec<_>>());
        let r = lead.put(&format!("/api/v1/applications/{next}"), &put(&saved["lock_version"], &content)).await;
        let saved: Value = r.json().await.unwrap();
        let r = signer.post(&sign, &json!({"member_id": habo})).await;
        let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(p["errors"].as_array().unwrap().len(), 1);
        assert_eq!(p["errors"][0]["code"], "own_financing_required");
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM application_signatures WHERE application_id = {next}")).await, 0);
        content["budget"][0]["own_financing_sek"] = json!(500000);
        let r = lead.put(&format!("/api/v1/applications/{next}"), &put(&saved["lock_version"], &content)).await;
        assert_eq!(r.status(), StatusCode::OK);
        let r = signer.post(&sign, &json!({"member_id": habo})).await;
        assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());

        let (_, html) = session.page(&format!("/ansokningar/{next}")).await;
        assert!(html.contains("Förlängning: svar på villkoren i det tidigare beslutet"));
        assert!(html.contains("Se bilaga och budget."));
        let pdf = pdf_text(&session.get(&format!("/ansokningar/{next}/pdf")).await.bytes().await.unwrap());
        assert!(pdf.contains("Förlängning: svar på villkoren i det tidigare beslutet"), "{pdf}");

        // The officer's draft of the assessment knows it is an extension.
        let checklist = json!({"in_line_with_direction": true, "measurable_goals": true, "lokus_discussed": false,
            "follow_up_planned": true, "implementation_described": false, "own_financing_stated": true, "conditions_answered": true});
        for (party, email) in [("Försäkringskassan", "sign@fk.example"), ("Region Uppsala", "sign@region.example"), ("Arbetsförmedlingen", "firmatecknare.af@example.org")] {
            let r = app.api(&app.token(email).await).post(&sign, &json!({"member_id": member(&app, party).await})).await;
            assert_eq!(r.status(), StatusCode::CREATED);
        }
        assert_eq!(lead.post(&format!("/api/v1/applications/{next}/submit"), &json!({})).await.status(), StatusCode::OK);
        let draft: Value = officer.post(&format!("/api/v1/applications/{next}/proposal/draft"), &json!({"recommendation": "grant", "checklist": checklist})).await.json().await.unwrap();
        let assessment = draft["assessment"].as_str().unwrap();
        assert!(assessment.starts_with("Denna förlängningsansökan rör en individinsats där Håbo kommun är insatsägare"), "{assessment}");
        assert!(assessment.ends_with("Ansökan besvarar villkoren i det tidigare beslutet."), "{assessment}");
    }
}

both! {
    async fn a_rejected_case_keeps_its_history_and_starts_nothing(app) {
        let (id, _) = framsteget_in(&app, 2026).await;
        let officer = app.api(&app.token("handlaggare@example.org").await);
        prepare(&officer, id).await;
        let meeting: Value = officer.post("/api/v1/meetings", &board("2026-03-10", &[id])).await.json().await.unwrap();
        let r = officer.post(&format!("/api/v1/meetings/{}/decisions", meeting["id"]), &json!({"application_id": id, "outcome": "rejected"})).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let decided: Value = r.json().await.unwrap();
        assert_eq!(decided["intervention_id"], Value::Null);
        assert_eq!(decided["meeting"]["items"][0]["minutes"], "Förbundsstyrelsen beslutar\n\natt avslå ansökan om finansiellt stöd för insatsen *Framsteget 2.0*.");
        assert_eq!(app.count("SELECT COUNT(*) FROM interventions").await, 0);
        let application: Value = officer.get(&format!("/api/v1/applications/{id}")).await.json().await.unwrap();
        assert_eq!(application["status"], "rejected");
        let list: Value = officer.get("/api/v1/applications?scope=office&status=rejected").await.json().await.unwrap();
        assert_eq!(list["total"], 1);
        let session = app.login("styrelseledamot@example.org").await;
        let (status, html) = session.page(&format!("/ansokningar/{id}/beredning")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Beslut i ärendet"));
        assert!(html.contains("§ 1, 10 mars 2026</a>: Avslag"));
    }
}
