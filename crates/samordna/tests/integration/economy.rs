//! The association's money through the API: the members' contributions of the 11 Uppsala members
//! under each kind of key, requisitions with their limits and flow, each kommun's return, and the
//! Uppföljning Finsam figures of a year, every figure worked out by hand in the comments.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::both;
use crate::proposals::member;
use crate::support::{libreoffice_csv, Api, TestApp};

async fn director(app: &TestApp) -> Api {
    app.api(&app.token("forbundschef@example.org").await)
}

/// Member name -> contribution in kronor, from a contributions answer.
fn amounts(body: &Value) -> Vec<(String, i64)> {
    body["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["name"].as_str().unwrap().to_string(), m["amount_sek"].as_i64().unwrap()))
        .collect()
}

fn amount_of(body: &Value, name: &str) -> i64 {
    amounts(body).into_iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("{name}")).1
}

const KOMMUNER: [&str; 8] = [
    "Uppsala kommun",
    "Enköpings kommun",
    "Östhammars kommun",
    "Håbo kommun",
    "Tierps kommun",
    "Knivsta kommun",
    "Heby kommun",
    "Älvkarleby kommun",
];

/// The state allocates 10 000 000 kr for 2022 and the kommuner split their quarter by population
/// (as at the end of 2021) from 2022 on.
async fn population_key_2022(app: &TestApp, d: &Api) {
    let r = d
        .put("/api/v1/years/2022/allocation", &json!({"state_allocation_sek": 10_000_000, "equity_sek": 4_000_000}))
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = d.put("/api/v1/years/2022/contribution-key", &json!({"kind": "population"})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.count("SELECT COUNT(*) FROM contribution_keys").await, 1);
}

both! {
    async fn contributions_under_each_key(app) {
        let d = director(&app).await;
        let officer = app.api(&app.token("handlaggare@example.org").await);

        // Nothing yet: the figures say what is missing.
        let body: Value = d.get("/api/v1/years/2022/contributions").await.json().await.unwrap();
        assert_eq!(body["missing"], "allocation_missing");
        // A negative allocation, and an allocation by someone outside the office's management,
        // are refused and change nothing.
        let r = d.put("/api/v1/years/2022/allocation", &json!({"state_allocation_sek": -1})).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json::<Value>().await.unwrap()["errors"][0]["code"], "negative_amount");
        let r = officer.put("/api/v1/years/2022/allocation", &json!({"state_allocation_sek": 1})).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.count("SELECT COUNT(*) FROM association_years").await, 0);
        let r = d.put("/api/v1/years/2022/allocation", &json!({"state_allocation_sek": 10_000_000})).await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        let body: Value = d.get("/api/v1/years/2022/contributions").await.json().await.unwrap();
        assert_eq!(body["missing"], "key_missing");

        // Population key, 2021 populations (sum 395 026): the kommuner's 5 000 000 kr split as
        // reference 4.10's table, by the largest remainder in whole kronor.
        population_key_2022(&app, &d).await;
        let body: Value = d.get("/api/v1/years/2022/contributions").await.json().await.unwrap();
        assert_eq!(body["population_year"], 2021);
        assert_eq!(body["key_kind"], "population");
        let expected_2022 = [
            3_007_346, // 5 000 000 × 237 596 / 395 026 = 3 007 346,35
            601_087,   // 601 087,02
            283_070,   // 283 069,98: one of the three kronor left after flooring (remainder ,98)
            282_817,   // 282 816,83 (,83)
            271_944,   // 271 944,13
            250_844,   // 250 844,25
            181_039,   // 181 038,72 (,72)
            121_853,   // 121 852,74 (,74)
        ];
        for (name, kr) in KOMMUNER.iter().zip(expected_2022) {
            assert_eq!(amount_of(&body, name), kr, "{name}");
        }
        assert_eq!(KOMMUNER.iter().map(|k| amount_of(&body, k)).sum::<i64>(), 5_000_000);
        assert_eq!(amount_of(&body, "Försäkringskassan"), 10_000_000);
        assert_eq!(amount_of(&body, "Region Uppsala"), 5_000_000);
        assert_eq!(amount_of(&body, "Arbetsförmedlingen"), 0);
        assert_eq!(body["total_sek"], 20_000_000);
        assert_eq!(body["members"].as_array().unwrap().len(), 11);

        // Population 16–64 from 2023 (hypothetical figures as at the end of 2021, sum 241 000),
        // with an odd allocation of 1 000 001 kr: the region pays 500 000 (half, rounded down)
        // and the kommuner 500 001.
        let pops_16_64 = [150_000, 28_000, 12_500, 13_000, 12_000, 12_000, 8_000, 5_500];
        let totals_2021 = [237_596, 47_489, 22_364, 22_344, 21_485, 19_818, 14_303, 9_627];
        let mut rows = Vec::new();
        for ((name, p), t) in KOMMUNER.iter().zip(pops_16_64).zip(totals_2021) {
            rows.push(json!({"member_id": member(&app, name).await, "population": t, "population_16_64": p}));
        }
        // A 16–64 figure above the total is refused and nothing is saved.
        let mut bad = rows.clone();
        bad[7]["population_16_64"] = json!(10_000);
        let r = d.put("/api/v1/years/2021/populations", &json!(bad)).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.count("SELECT COUNT(*) FROM member_populations WHERE population_16_64 IS NOT NULL").await, 0);
        let r = d.put("/api/v1/years/2021/populations", &json!(rows)).await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        let r = d.put("/api/v1/years/2023/allocation", &json!({"state_allocation_sek": 1_000_001})).await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        let r = d.put("/api/v1/years/2023/contribution-key", &json!({"kind": "population_16_64"})).await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        let body: Value = d.get("/api/v1/years/2023/contributions").await.json().await.unwrap();
        // 500 001 × share: 311 203,94 / 58 091,40 / 25 933,66 / 26 971,01 / 24 896,32 /
        // 24 896,32 / 16 597,54 / 11 410,81. Floors sum to 499 997; the four kronor left go to
        // the largest remainders: Uppsala (,94), Älvkarleby (,81), Östhammar (,66), Heby (,54).
        let expected_2023 = [311_204, 58_091, 25_934, 26_971, 24_896, 24_896, 16_598, 11_411];
        for (name, kr) in KOMMUNER.iter().zip(expected_2023) {
            assert_eq!(amount_of(&body, name), kr, "{name}");
        }
        assert_eq!(KOMMUNER.iter().map(|k| amount_of(&body, k)).sum::<i64>(), 500_001);
        assert_eq!(amount_of(&body, "Region Uppsala"), 500_000);
        assert_eq!(amount_of(&body, "Försäkringskassan"), 1_000_001);
        assert_eq!(body["total_sek"], 2_000_002);

        // Fixed shares from 2024. Shares that do not sum to 100 % are refused and nothing is saved.
        let percents = ["55", "15", "6", "6", "6", "5", "4", "3"];
        let mut shares = Vec::new();
        for (name, pc) in KOMMUNER.iter().zip(percents) {
            shares.push(json!({"member_id": member(&app, name).await, "percent": pc}));
        }
        let mut wrong = shares.clone();
        wrong[7]["percent"] = json!("2,9999");
        let r = d.put("/api/v1/years/2024/contribution-key", &json!({"kind": "fixed", "shares": wrong})).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json::<Value>().await.unwrap()["errors"][0]["code"], "shares_not_whole");
        assert_eq!(app.count("SELECT COUNT(*) FROM contribution_keys").await, 2);
        let region = member(&app, "Region Uppsala").await;
        let r = d.put("/api/v1/years/2024/contribution-key", &json!({"kind": "fixed", "shares": [{"member_id": region, "percent": "100"}]})).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let r = d.put("/api/v1/years/2024/contribution-key", &json!({"kind": "fixed", "shares": shares})).await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        d.put("/api/v1/years/2024/allocation", &json!({"state_allocation_sek": 8_000_000})).await;
        let body: Value = d.get("/api/v1/years/2024/contributions").await.json().await.unwrap();
        // 4 000 000 × 55 %, 15 %, 6 %, … exactly.
        let expected_2024 = [2_200_000, 600_000, 240_000, 240_000, 240_000, 200_000, 160_000, 120_000];
        for (name, kr) in KOMMUNER.iter().zip(expected_2024) {
            assert_eq!(amount_of(&body, name), kr, "{name}");
        }
        // The keys are dated: 2022 still follows the population key.
        let body_2022: Value = d.get("/api/v1/years/2022/contributions").await.json().await.unwrap();
        assert_eq!(amount_of(&body_2022, "Uppsala kommun"), 3_007_346);

        // Every member sees the figures, in CSV that reads back equal and in XLSX that
        // LibreOffice opens.
        let lead = app.api(&app.token("insatsansvarig.enkoping@example.org").await);
        let csv = lead.get("/api/v1/years/2022/contributions?format=csv").await;
        assert_eq!(csv.status(), StatusCode::OK);
        assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let text = csv.text().await.unwrap();
        let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let read: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
        assert_eq!(read.len(), 12);
        let uppsala = read.iter().find(|r| r[0] == "Uppsala kommun").unwrap();
        assert_eq!(uppsala[1], "Kommun");
        assert_eq!(uppsala[3], "3007346");
        assert_eq!(read[11], vec!["Totalt", "", "", "20000000"]);

        let xlsx = lead.get("/api/v1/years/2022/contributions?format=xlsx").await.bytes().await.unwrap();
        let converted = libreoffice_csv(&xlsx);
        let lines: Vec<&str> = converted.lines().collect();
        assert_eq!(lines[0], "Medlem;Parttyp;Andel av kommunernas del (%);Medlemsbidrag");
        assert!(lines.iter().any(|l| l.starts_with("Uppsala kommun;Kommun;") && l.ends_with(";3007346")), "{converted}");
        assert_eq!(*lines.last().unwrap(), "Totalt;;;20000000");
    }

    async fn requisitions_limits_and_flow(app) {
        let association = app.association_id().await;
        let enkoping = member(&app, "Enköpings kommun").await;
        let af = member(&app, "Arbetsförmedlingen").await;
        // Granted 1 000 000 kr for 2025 and 1 200 000 kr for 2026.
        let id = samordna::service::demo::grant_intervention(&app.db, &samordna::service::demo::Grant {
            association_id: association,
            owner_member_id: enkoping,
            partners: vec![af],
            name: "Jobbcentrum".into(),
            period: (chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(), chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()),
            by_user: 1,
            max_total_ore: 220_000_000,
            per_year: vec![(2025, 100_000_000), (2026, 120_000_000)],
            orientation: "individual",
            content: json!({"name": "Jobbcentrum"}),
        }).await.unwrap();
        let lead = app.api(&app.token("insatsansvarig.enkoping@example.org").await);
        let officer = app.api(&app.token("handlaggare@example.org").await);
        let d = director(&app).await;
        let admin = app.api(&app.token("forbundsadmin@example.org").await);
        let path = format!("/api/v1/interventions/{id}/requisitions");
        let claim = |from: &str, to: &str, rows: Value| json!({"period_from": from, "period_to": to, "rows": rows});
        let count = || app.count("SELECT COUNT(*) FROM requisitions");

        // Above the 50 000 kr threshold without evidence, with a program as evidence, by another
        // party's lead, across a new year, before the start, after the tail: all refused.
        let q1 = claim("2025-01-01", "2025-03-31", json!([
            {"cost_kind": "personnel", "description": "Två coacher", "amount": "400 000"},
            {"cost_kind": "premises", "amount": "50 000,50"}]));
        let r = lead.post(&path, &q1).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json::<Value>().await.unwrap()["errors"][0]["code"], "evidence_required");
        let multipart = |body: &Value, file: Vec<u8>, name: &str| {
            reqwest::multipart::Form::new()
                .text("requisition", body.to_string())
                .part("file", reqwest::multipart::Part::bytes(file).file_name(name.to_string()))
        };
        let post_form = |form: reqwest::multipart::Form| {
            lead.client.post(app.url(&path)).bearer_auth(&lead.token).multipart(form).send()
        };
        let r = post_form(multipart(&q1, b"MZ\x90\x00program".to_vec(), "faktura.pdf")).await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json::<Value>().await.unwrap()["errors"][0]["code"], "attachment_type");
        let af_lead = app.api(&app.token("insatsansvarig.af@example.org").await);
        let small = json!([{"cost_kind": "other", "amount": "1000"}]);
        assert_eq!(af_lead.post(&path, &claim("2025-01-01", "2025-01-31", small.clone())).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(officer.post(&path, &claim("2025-01-01", "2025-01-31", small.clone())).await.status(), StatusCode::FORBIDDEN);
        for (from, to, code) in [
            ("2025-12-01", "2026-01-31", "period_spans_years"),
            ("2024-12-01", "2024-12-31", "before_intervention_start"),
            ("2026-09-01", "2026-10-31", "after_claim_period"),
            ("2025-03-01", "2025-02-01", "period_reversed"),
        ] {
            let r = lead.post(&path, &claim(from, to, small.clone())).await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{from}");
            let body: Value = r.json().await.unwrap();
            assert!(body["errors"].as_array().unwrap().iter().any(|e| e["code"] == code), "{from}: {body}");
        }
        assert_eq!(count().await, 0);

        // With a PDF: 450 000,50 kr claimed for the first quarter.
        let r = post_form(multipart(&q1, b"%PDF-1.7\nunderlag".to_vec(), "faktura.pdf")).await.unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let first: i64 = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        // The rest of 2025 exactly: 1 000 000 − 450 000,50 = 549 999,50.
        let r = post_form(multipart(&claim("2025-04-01", "2025-06-30", json!([{"cost_kind": "personnel", "amount": "549 999,50"}])), b"%PDF-1.7\nx".to_vec(), "q2.pdf")).await.unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let second: i64 = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        // One krona more is above the year's grant.
        let r = lead.post(&path, &claim("2025-07-01", "2025-07-31", json!([{"cost_kind": "other", "amount": "1"}]))).await;
        assert_eq!(r.json::<Value>().await.unwrap()["errors"][0]["code"], "above_remaining_year");
        // Final costs in the three months' tail after the end count against 2026.
        let r = lead.post(&path, &claim("2026-07-01", "2026-08-31", json!([{"cost_kind": "travel", "amount": "20 000"}]))).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let tail: i64 = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        assert_eq!(app.count(&format!("SELECT CAST(year AS BIGINT) FROM requisitions WHERE id = {tail}")).await, 2026);
        assert_eq!(count().await, 3);

        // The flow: the officer reviews, only the director attests, the administrator pays.
        let review = |rid: i64| format!("{path}/{rid}/review");
        let r = officer.post(&review(first), &json!({"action": "attest"})).await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert_eq!(officer.post(&review(first), &json!({"action": "review"})).await.status(), StatusCode::OK);
        assert_eq!(officer.post(&review(first), &json!({"action": "attest"})).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(d.post(&review(first), &json!({"action": "attest"})).await.status(), StatusCode::OK);
        let r = admin.post(&review(first), &json!({"action": "pay"})).await;
        assert_eq!(r.json::<Value>().await.unwrap()["errors"][0]["field"], "paid_on");
        let r = admin.post(&review(first), &json!({"action": "pay", "paid_on": "2025-05-02"})).await;
        assert_eq!(r.json::<Value>().await.unwrap()["status"], "paid");
        // The second is rejected, with a reason; without one nothing changes.
        let r = officer.post(&review(second), &json!({"action": "reject"})).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM requisitions WHERE id = {second} AND status = 'submitted'")).await, 1);
        let r = officer.post(&review(second), &json!({"action": "reject", "reason": "Lönekostnaderna saknar underlag."})).await;
        assert_eq!(r.json::<Value>().await.unwrap()["status"], "rejected");
        // The tail claim is reviewed and attested, not yet paid.
        officer.post(&review(tail), &json!({"action": "review"})).await;
        d.post(&review(tail), &json!({"action": "attest"})).await;

        // Granted, claimed, approved, paid, remaining per year and in all, by hand:
        // 2025: granted 1 000 000, claimed 450 000,50 (the rejected one is not), approved and
        //       paid 450 000,50, remaining 549 999,50 (shown rounded: 550 000).
        // 2026: granted 1 200 000, claimed 20 000, approved 20 000, paid 0, remaining 1 180 000.
        // All: granted 2 200 000, claimed 470 000,50, approved 470 000,50, paid 450 000,50.
        let body: Value = lead.get(&path).await.json().await.unwrap();
        let s = &body["summaries"];
        assert_eq!(s[0], json!({"year": 2025, "granted_sek": 1_000_000, "claimed_sek": 450_001, "approved_sek": 450_001, "paid_sek": 450_001, "remaining_sek": 550_000}));
        assert_eq!(s[1], json!({"year": 2026, "granted_sek": 1_200_000, "claimed_sek": 20_000, "approved_sek": 20_000, "paid_sek": 0, "remaining_sek": 1_180_000}));
        assert_eq!(s[2], json!({"year": null, "granted_sek": 2_200_000, "claimed_sek": 470_001, "approved_sek": 470_001, "paid_sek": 450_001, "remaining_sek": 1_730_000}));
        assert_eq!(body["items"].as_array().unwrap().len(), 3);
        // After the rejection 549 999,50 remains in 2025 again and can be claimed.
        let r = lead.post(&path, &claim("2025-07-01", "2025-09-30", json!([{"cost_kind": "other", "amount": "40 000"}]))).await;
        assert_eq!(r.status(), StatusCode::CREATED);

        // The one who submits never approves: the lead, made director too, cannot take a step on
        // a claim she submitted, and the refusal is audited.
        let karin = app.count("SELECT id FROM users WHERE email = 'insatsansvarig.enkoping@example.org'").await;
        app.exec(&format!("INSERT INTO user_roles (user_id, role, association_id, created_at) VALUES ({karin}, 'director', {association}, '2025-01-01T00:00:00Z')")).await;
        let own = lead.post(&path, &claim("2025-10-01", "2025-10-31", json!([{"cost_kind": "other", "amount": "1 000"}]))).await;
        let own: i64 = own.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        officer.post(&review(own), &json!({"action": "review"})).await;
        let r = lead.post(&review(own), &json!({"action": "attest"})).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert_eq!(r.json::<Value>().await.unwrap()["code"], "own_requisition");
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM requisitions WHERE id = {own} AND status = 'reviewed'")).await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'requisition.review' AND outcome = 'denied'").await, 1);

        // The detail with its evidence, which downloads as sent.
        let detail: Value = officer.get(&format!("{path}/{first}")).await.json().await.unwrap();
        assert_eq!(detail["rows"][1]["amount_ore"], 5_000_050);
        let aid = detail["attachments"][0]["id"].as_i64().unwrap();
        let file = officer.get(&format!("{path}/{first}/attachments/{aid}")).await;
        assert_eq!(file.headers()["content-type"], "application/pdf");
        assert_eq!(&file.bytes().await.unwrap()[..], b"%PDF-1.7\nunderlag");
        // The two accepted claims with files kept their evidence; the refused ones left none.
        assert_eq!(app.count("SELECT COUNT(*) FROM requisition_attachments").await, 2);
    }

    async fn return_ratios_and_uppfoljning_finsam(app) {
        let association = app.association_id().await;
        let d = director(&app).await;
        population_key_2022(&app, &d).await;
        let m = |name: &'static str| member(&app, name);
        let (enkoping, uppsala, heby, af, fk, region) = (
            m("Enköpings kommun").await,
            m("Uppsala kommun").await,
            m("Heby kommun").await,
            m("Arbetsförmedlingen").await,
            m("Försäkringskassan").await,
            m("Region Uppsala").await,
        );
        let year = |from: (i32, u32), to: (i32, u32)| {
            (chrono::NaiveDate::from_ymd_opt(from.0, from.1, 1).unwrap(), chrono::NaiveDate::from_ymd_opt(to.0, to.1, 28).unwrap())
        };
        let grant = |owner: i64, partners: Vec<i64>, name: &str, kr_2022: i64, orientation: &'static str, target: &str, planned: i32| {
            samordna::service::demo::Grant {
                association_id: association,
                owner_member_id: owner,
                partners,
                name: name.into(),
                period: year((2022, 1), (2023, 12)),
                by_user: 1,
                max_total_ore: kr_2022 * 200,
                per_year: vec![(2022, kr_2022 * 100), (2023, kr_2022 * 100)],
                orientation,
                content: serde_json::to_value(samordna::domain::application::ApplicationContent {
                    name: name.into(),
                    target_group: target.into(),
                    participants_per_year: Some(planned),
                    esf: Some(false),
                    ..Default::default()
                })
                .unwrap(),
            }
        };
        use samordna::service::demo::grant_intervention as g;
        // Serves Enköping alone: all of its 1 200 000 kr to Enköping.
        let jobb = g(&app.db, &grant(enkoping, vec![af], "Jobbcentrum", 1_200_000, "individual", "Unga 16–29 år", 70)).await.unwrap();
        // Uppsala and Heby, no participants: 2 000 000 kr by population 237 596 : 14 303.
        g(&app.db, &grant(region, vec![uppsala, heby], "Hälsosteget", 2_000_000, "individual", "Sjukskrivna", 40)).await.unwrap();
        // No kommun as party: by participants' home kommun, 3 from Tierp and 1 from Knivsta.
        let vagen = g(&app.db, &grant(af, vec![region], "Vägen vidare", 800_000, "individual", "Långtidsarbetslösa", 20)).await.unwrap();
        // Structural: apart.
        g(&app.db, &grant(uppsala, vec![fk], "Samverkansforum", 500_000, "structural", "Personal hos parterna", 60)).await.unwrap();
        let tierp = m("Tierps kommun").await;
        let knivsta = m("Knivsta kommun").await;
        let participation = |iv: i64, owner: i64, home: i64, sex: &str, exited: &str| {
            format!("INSERT INTO participations (intervention_id, association_id, owner_member_id, identified, protected_identity,
                sex, start_year, home_member_id, enrolled_on, exited_on, voided, created_at, updated_at)
                VALUES ({iv}, {association}, {owner}, FALSE, FALSE, '{sex}', 2022, {home}, '2022-02-01', {exited}, FALSE, '2022-02-01T00:00:00Z', '2022-02-01T00:00:00Z')")
        };
        for (home, sex) in [(tierp, "female"), (tierp, "female"), (tierp, "male"), (knivsta, "female")] {
            app.exec(&participation(vagen, af, home, sex, "NULL")).await;
        }
        // Jobbcentrum: 6 women and 2 men in 2022 (one exited in 2021 is not counted; one voided neither).
        for sex in ["female", "female", "female", "female", "female", "female", "male", "male"] {
            app.exec(&participation(jobb, enkoping, enkoping, sex, "NULL")).await;
        }
        app.exec(&participation(jobb, enkoping, enkoping, "male", "'2021-12-31'").replace("'2022-02-01'", "'2021-03-01'")).await;
        app.exec(&participation(jobb, enkoping, enkoping, "male", "NULL").replace("FALSE, '2022-02-01T", "TRUE, '2022-02-01T")).await;

        let lead = app.api(&app.token("insatsansvarig.enkoping@example.org").await);
        let body: Value = lead.get("/api/v1/years/2022/return-ratios?basis=granted").await.json().await.unwrap();
        let y = &body["years"][0];
        let k = |name: &str| y["kommuner"].as_array().unwrap().iter().find(|k| k["name"] == name).unwrap().clone();
        // R: Enköping 1 200 000; Uppsala 2 000 000 × 237 596 / 251 899 = 1 886 438,61; Heby
        // 113 561,39; Tierp 800 000 × 3/4 = 600 000; Knivsta 200 000; ΣR = 4 000 000.
        // U = R / A (A from the 2022 contributions above); F = (R / ΣR) / (pop / 395 026).
        let expect = [
            ("Enköpings kommun", 1_200_000, 601_087, 1.996, 2.495),   // 1,99638; 0,3 / 0,120217
            ("Uppsala kommun", 1_886_439, 3_007_346, 0.627, 0.784),   // 0,62728; 0,471610 / 0,601464
            ("Heby kommun", 113_561, 181_039, 0.627, 0.784),
            ("Tierps kommun", 600_000, 271_944, 2.206, 2.758),        // 2,20634; 0,15 / 0,054389
            ("Knivsta kommun", 200_000, 250_844, 0.797, 0.997),       // 0,79731; 0,05 / 0,050169
            ("Håbo kommun", 0, 282_817, 0.0, 0.0),
        ];
        for (name, r, a, u, f) in expect {
            let row = k(name);
            assert_eq!(row["attributed_sek"], r, "{name}");
            assert_eq!(row["contribution_sek"], a, "{name}");
            assert_eq!(row["return_ratio"].as_f64().unwrap(), u, "{name}");
            assert_eq!(row["fairness_index"].as_f64().unwrap(), f, "{name}");
        }
        assert_eq!(y["structural_sek"], 500_000);
        assert_eq!(y["population_year"], 2021);
        let methods: Vec<&str> = y["interventions"].as_array().unwrap().iter().map(|i| i["attribution"].as_str().unwrap()).collect();
        assert_eq!(methods, vec!["population", "one_kommun", "structural", "participants"]);
        assert!(body["method"].as_str().unwrap().contains("Rättviseindex"));
        // On outcome nothing is approved yet, so nothing is attributed.
        let body: Value = lead.get("/api/v1/years/2022/return-ratios").await.json().await.unwrap();
        assert_eq!(body["years"][0]["kommuner"][0]["attributed_sek"], 0);

        // Uppföljning Finsam 2022: funds per funder, equity, administrative costs (board, office
        // and audit: budget 300 000 + 1 500 000 + 100 000, outcome 280 000 + 1 450 000 + 95 000).
        let posts = json!([
            {"post": "board", "budget_sek": 300_000, "outcome_sek": 280_000},
            {"post": "office", "budget_sek": 1_500_000, "outcome_sek": 1_450_000},
            {"post": "audit", "budget_sek": 100_000, "outcome_sek": 95_000},
            {"post": "interventions_individual", "budget_sek": 15_000_000}
        ]);
        assert_eq!(d.put("/api/v1/years/2022/budget", &posts).await.status(), StatusCode::NO_CONTENT);
        let bad = json!([{"post": "board", "budget_sek": -5}]);
        assert_eq!(d.put("/api/v1/years/2022/budget", &bad).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.count("SELECT COUNT(*) FROM budget_posts").await, 4);
        let admin = app.api(&app.token("forbundsadmin@example.org").await);
        let f: Value = admin.get("/api/v1/years/2022/uppfoljning-finsam").await.json().await.unwrap();
        assert_eq!(f["allocated_state_sek"], 10_000_000);
        assert_eq!(f["allocated_region_sek"], 5_000_000);
        assert_eq!(f["allocated_kommuner_sek"], 5_000_000);
        assert_eq!(f["allocated_total_sek"], 20_000_000);
        assert_eq!(f["equity_sek"], 4_000_000);
        assert_eq!(f["administrative_budget_sek"], 1_900_000);
        assert_eq!(f["administrative_outcome_sek"], 1_825_000);
        assert_eq!(f["suppressed"], false);
        let line = |f: &Value, name: &str| f["interventions"].as_array().unwrap().iter().find(|i| i["name"] == name).unwrap().clone();
        let j = line(&f, "Jobbcentrum");
        assert_eq!(j["orientation"], "Individinriktad");
        assert_eq!(j["target_group"], "Unga 16–29 år");
        assert_eq!(j["budget_sek"], 1_200_000);
        assert_eq!(j["outcome_sek"], 0);
        assert_eq!(j["budgeted_participants"], 70);
        assert_eq!((j["women"].as_str(), j["men"].as_str(), j["participants_total"].as_str()), (Some("6"), Some("2"), Some("8")));
        let v = line(&f, "Vägen vidare");
        assert_eq!((v["women"].as_str(), v["men"].as_str()), (Some("3"), Some("1")));
        let s = line(&f, "Samverkansforum");
        assert_eq!(s["orientation"], "Strukturövergripande");
        assert!(s["women"].is_null());
        // The director sees small counts hidden: 2 men give away nothing, because the women (6)
        // are hidden too ("–") and the total (8) alone tells neither.
        let f: Value = d.get("/api/v1/years/2022/uppfoljning-finsam").await.json().await.unwrap();
        assert_eq!(f["suppressed"], true);
        let j = line(&f, "Jobbcentrum");
        assert_eq!((j["women"].as_str(), j["men"].as_str(), j["participants_total"].as_str()), (Some("–"), Some("<5"), Some("8")));
        let v = line(&f, "Vägen vidare");
        assert_eq!((v["women"].as_str(), v["men"].as_str(), v["participants_total"].as_str()), (Some("<5"), Some("<5"), Some("<5")));

        // CSV reads back equal to the JSON; XLSX opens in LibreOffice with the same figures.
        let text = admin.get("/api/v1/years/2022/uppfoljning-finsam?format=csv").await.text().await.unwrap();
        let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let read: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
        assert_eq!(read[0][0], "Tilldelade medel, staten");
        assert_eq!(read[0][6], "10000000");
        assert_eq!(read[5], vec!["Administrativa kostnader", "", "", "", "", "", "1900000", "1825000", "", "", "", ""]);
        let jr = read.iter().find(|r| r[0] == "Jobbcentrum").unwrap();
        assert_eq!(jr, &vec!["Jobbcentrum", "Individinriktad", "Unga 16–29 år", "Nej", "2022-01-01", "2023-12-28", "1200000", "0", "70", "6", "2", "8"]);
        let xlsx = admin.get("/api/v1/years/2022/uppfoljning-finsam?format=xlsx").await.bytes().await.unwrap();
        let converted = libreoffice_csv(&xlsx);
        assert!(converted.lines().any(|l| l.starts_with("Jobbcentrum;Individinriktad;Unga 16–29 år;Nej;") && l.contains(";1200000;0;70;6;2;8")), "{converted}");
        assert!(converted.lines().any(|l| l.starts_with("Administrativa kostnader;") && l.ends_with(";1900000;1825000;;;;")), "{converted}");

        // A format that does not exist is refused.
        let r = admin.get("/api/v1/years/2022/uppfoljning-finsam?format=pdf").await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let _ = heby;
    }
}

/// The codes of a 422 answer's fields.
async fn codes(r: reqwest::Response) -> Vec<String> {
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    body["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap().to_string()).collect()
}

both! {
    async fn economy_rules_refuse_and_save_nothing(app) {
        let association = app.association_id().await;
        let d = director(&app).await;
        // The allocation's decision date may not lie ahead.
        let r = d.put("/api/v1/years/2026/allocation", &json!({"state_allocation_sek": 1000, "decided_on": "2099-01-01"})).await;
        assert_eq!(codes(r).await, vec!["date_in_future"]);
        assert_eq!(app.count("SELECT COUNT(*) FROM association_years").await, 0);

        // Keys: an unknown kind, shares on a population key, a kommun left out of a fixed key.
        assert_eq!(codes(d.put("/api/v1/years/2026/contribution-key", &json!({"kind": "equal"})).await).await, vec!["unknown_code"]);
        let uppsala = member(&app, "Uppsala kommun").await;
        let r = d.put("/api/v1/years/2026/contribution-key", &json!({"kind": "population", "shares": [{"member_id": uppsala, "percent": "100"}]})).await;
        assert_eq!(codes(r).await, vec!["shares_only_fixed"]);
        let r = d.put("/api/v1/years/2026/contribution-key", &json!({"kind": "fixed", "shares": [{"member_id": uppsala, "percent": "100"}]})).await;
        assert_eq!(codes(r).await, vec!["required"]);
        assert_eq!(app.count("SELECT COUNT(*) FROM contribution_keys").await, 0);

        // The budget: an unknown post, a post twice, a negative outcome.
        let r = d.put("/api/v1/years/2026/budget", &json!([
            {"post": "coffee", "budget_sek": 1},
            {"post": "office", "budget_sek": 1},
            {"post": "office", "budget_sek": 2, "outcome_sek": -3}
        ])).await;
        assert_eq!(codes(r).await, vec!["unknown_code", "duplicate", "negative_amount"]);
        assert_eq!(app.count("SELECT COUNT(*) FROM budget_posts").await, 0);

        // The settings: a tail beyond two years and a negative threshold are refused; the officer
        // may read but not change them.
        let r = d.put("/api/v1/economy-settings", &json!({"claim_tail_months": 25, "attachment_threshold_sek": -1})).await;
        assert_eq!(codes(r).await, vec!["out_of_range", "negative_amount"]);
        let officer = app.api(&app.token("handlaggare@example.org").await);
        let r = officer.put("/api/v1/economy-settings", &json!({"claim_tail_months": 1, "attachment_threshold_sek": 1})).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.count("SELECT COUNT(*) FROM economy_settings").await, 0);
        let body: Value = officer.get("/api/v1/economy-settings").await.json().await.unwrap();
        assert_eq!(body, json!({"claim_tail_months": 3, "attachment_threshold_sek": 50_000}));

        // Settings that are saved change the rules: no tail, and evidence above 1 000 kr.
        let r = d.put("/api/v1/economy-settings", &json!({"claim_tail_months": 0, "attachment_threshold_sek": 1_000})).await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        let enkoping = member(&app, "Enköpings kommun").await;
        let af = member(&app, "Arbetsförmedlingen").await;
        let start = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let end = chrono::NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
        let id = samordna::service::demo::granted_intervention(&app.db, association, enkoping, af, "Jobbcentrum", (start, end), 1)
            .await
            .unwrap();
        let lead = app.api(&app.token("insatsansvarig.enkoping@example.org").await);
        let path = format!("/api/v1/interventions/{id}/requisitions");
        let claim = |from: &str, to: &str, amount: &str, kind: &str| {
            json!({"period_from": from, "period_to": to, "rows": [{"cost_kind": kind, "amount": amount}]})
        };
        assert_eq!(codes(lead.post(&path, &claim("2025-03-01", "2025-03-31", "1 001", "other")).await).await, vec!["evidence_required"]);
        assert_eq!(codes(lead.post(&path, &claim("2026-01-01", "2026-01-31", "10", "other")).await).await, vec!["after_claim_period"]);
        // Rows: none, an unknown cost kind, an amount that is not one, zero; a period ahead.
        let r = lead.post(&path, &json!({"period_from": "2025-03-01", "period_to": "2025-03-31", "rows": []})).await;
        assert_eq!(codes(r).await, vec!["required"]);
        assert_eq!(codes(lead.post(&path, &claim("2025-03-01", "2025-03-31", "10", "fika")).await).await, vec!["unknown_code"]);
        assert_eq!(codes(lead.post(&path, &claim("2025-03-01", "2025-03-31", "tio", "other")).await).await, vec!["amount_invalid"]);
        assert_eq!(codes(lead.post(&path, &claim("2025-03-01", "2025-03-31", "0", "other")).await).await, vec!["amount_not_positive"]);
        // A period that starts in the future, in an intervention that runs that long.
        let long = samordna::service::demo::granted_intervention(
            &app.db, association, enkoping, af, "Senare", (start, chrono::NaiveDate::from_ymd_opt(2099, 1, 1).unwrap()), 1,
        )
        .await
        .unwrap();
        let r = lead.post(&format!("/api/v1/interventions/{long}/requisitions"), &claim("2098-01-01", "2098-01-31", "10", "other")).await;
        assert_eq!(codes(r).await, vec!["date_in_future"]);
        assert_eq!(app.count("SELECT COUNT(*) FROM requisitions").await, 0);
        // Within the rules it is saved; a step out of order is a conflict and changes nothing.
        let r = lead.post(&path, &claim("2025-03-01", "2025-03-31", "1 000", "other")).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let rid = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let r = app.api(&app.token("forbundsadmin@example.org").await)
            .post(&format!("{path}/{rid}/review"), &json!({"action": "pay", "paid_on": "2025-04-01"}))
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM requisitions WHERE id = {rid} AND status = 'submitted'")).await, 1);
    }
}
