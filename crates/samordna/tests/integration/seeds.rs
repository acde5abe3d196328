//! The real proposals 000 (Jobbcentrum) and 001 (En väg in-steget vidare), end to end: the
//! application entered, the checklist ticked, the proposal drafted and edited where the real text
//! differs, its text compared in text, PDF and DOCX, then granted by the board on those terms.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::both;
use crate::proposals::{docx_paragraphs, member, stored_zip_entry};
use crate::support::{pdf_text, Api, TestApp, DEMO_PASSWORD};
use samordna::service::accounts::{create_user_with_password, Creator, NewUserInput};

const EXTENSION: &str = "att vid ansökan om förlängning ska parternas egenfinansiering framgå, en tydligare beskrivning av hur insatsen ska utvecklas gällande målgrupp, innehåll och implementering formuleras. Samt ett förtydligande kring hur ordinarie verksamheter kompletterar insatsen.";
const MEMBER_FUNDS: &str = "att finansieringen av insatsen gäller under förutsättning att förbundet beviljas medel från medlemsorganisationerna framöver.";
const COMPLIANCE: &str = "att finansiering av insatsen gäller under förutsättning att insatsen följer aktuell ansökan, gällande lagstiftning och av förbundet antagna styrdokument.";

struct Seed<'a> {
    name: &'a str,
    owner: &'a str,
    partners: &'a [&'a str],
    start: &'a str,
    end: &'a str,
    /// Requested per year, kronor.
    budget: &'a [(i32, i64)],
}

async fn user(app: &TestApp, email: &str, role: &str, member_id: i64) -> Api {
    let input = NewUserInput {
        email: email.into(),
        name: format!("Firmatecknare {member_id}"),
        role: role.into(),
        association_id: None,
        member_id: Some(member_id),
    };
    create_user_with_password(&app.db, Creator::Operator, &input, DEMO_PASSWORD.into(), false).await.expect("user");
    app.api(&app.token(email).await)
}

/// Enters, signs and submits the application; returns its id.
async fn submitted(app: &TestApp, s: &Seed<'_>) -> i64 {
    let owner = member(app, s.owner).await;
    let lead = user(app, &format!("lead{owner}@seed.example"), "intervention_lead", owner).await;
    let mut partners = Vec::new();
    for p in s.partners {
        partners.push(member(app, p).await);
    }
    let created: Value = lead
        .post("/api/v1/applications", &json!({"owner_member_id": owner, "name": s.name}))
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_i64().unwrap();
    let content = json!({
        "name": s.name,
        "owner": {"member_id": owner, "contact_name": "Kontakt", "contact_email": "kontakt@seed.example"},
        "partners": partners.iter().map(|m| json!({"member_id": m, "contact_name": "P", "contact_email": "p@seed.example"})).collect::<Vec<_>>(),
        "orientation": "individual", "esf": false,
        "purpose": "Syfte.", "background": "Bakgrund.", "target_group": "Målgrupp.", "method": "Metod.",
        "follow_up": "Löpande.", "implementation": "Ordinarie verksamhet.",
        "goals": [{"kind": "output", "text": "Insatsmål."}, {"kind": "outcome", "text": "Effektmål."}],
        "start_date": s.start, "end_date": s.end,
        "budget": s.budget.iter().map(|(y, k)| json!({"member_id": owner, "year": y, "requested_sek": k, "own_financing_sek": 0})).collect::<Vec<_>>(),
        "anchoring": {"discussed": true, "date": "2021-04-15", "comment": ""},
        "agreement_accepted_version": 1
    });
    let r = lead
        .put(
            &format!("/api/v1/applications/{id}"),
            &json!({"lock_version": created["lock_version"], "content": content}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    for m in std::iter::once(owner).chain(partners) {
        let signer = user(app, &format!("sign{m}@seed.example"), "signatory", m).await;
        let r = signer.post(&format!("/api/v1/applications/{id}/signatures"), &json!({"member_id": m})).await;
        assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    }
    assert_eq!(lead.post(&format!("/api/v1/applications/{id}/submit"), &json!({})).await.status(), StatusCode::OK);
    id
}

/// Drafts with the checklist and the decision facts, applies the officer's edits, saves, and
/// returns the proposal's text after checking that PDF and DOCX hold the same text.
async fn proposal(officer: &Api, id: i64, draft: Value, edit: impl FnOnce(&mut Value)) -> String {
    let r = officer.post(&format!("/api/v1/applications/{id}/proposal/draft"), &draft).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let mut proposal: Value = r.json().await.unwrap();
    edit(&mut proposal);
    let body = json!({"lock_version": 0, "checklist": draft["checklist"], "proposal": proposal});
    assert_eq!(officer.put(&format!("/api/v1/applications/{id}/proposal"), &body).await.status(), StatusCode::OK);
    let text =
        officer.get(&format!("/api/v1/applications/{id}/proposal/document?format=txt")).await.text().await.unwrap();
    let docx =
        officer.get(&format!("/api/v1/applications/{id}/proposal/document?format=docx")).await.bytes().await.unwrap();
    let expected: Vec<String> = text.lines().filter(|l| !l.is_empty()).map(|l| l.replace('*', "")).collect();
    assert_eq!(docx_paragraphs(&stored_zip_entry(&docx, "word/document.xml")), expected);
    let pdf = pdf_text(
        &officer.get(&format!("/api/v1/applications/{id}/proposal/document?format=pdf")).await.bytes().await.unwrap(),
    );
    let flat = |s: &str| s.replace('*', "").split_whitespace().collect::<Vec<_>>().join(" ");
    for line in &expected {
        assert!(pdf.contains(&flat(line)), "{line} in the PDF");
    }
    text
}

/// Grants the case at a board meeting on the given terms; returns the intervention.
async fn granted(officer: &Api, id: i64, terms: Value) -> Value {
    let meeting: Value = officer
        .post(
            "/api/v1/meetings",
            &json!({"body": "board", "date": "2021-12-10", "place": "Uppsala", "chair": "Ordförande",
            "present": ["Ordförande", "Ledamot"], "application_ids": [id]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let mut decision = terms;
    decision["application_id"] = json!(id);
    decision["outcome"] = json!("granted");
    let r = officer.post(&format!("/api/v1/meetings/{}/decisions", meeting["id"]), &decision).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    let intervention = r.json::<Value>().await.unwrap()["intervention_id"].as_i64().unwrap();
    officer.get(&format!("/api/v1/interventions/{intervention}")).await.json().await.unwrap()
}

fn checklist(kommun: &str) -> Value {
    json!({"in_line_with_direction": true, "measurable_goals": true, "lokus_discussed": true, "lokus_kommun": kommun,
        "lokus_date": "2021-04-15", "follow_up_planned": true, "implementation_described": false, "own_financing_stated": false})
}

both! {
    async fn the_proposal_of_seed_000_and_its_decision(app) {
        let id = submitted(&app, &Seed {
            name: "Jobbcentrum, din väg framåt, Enköping", owner: "Enköpings kommun", partners: &["Arbetsförmedlingen"],
            start: "2022-01-01", end: "2023-12-31", budget: &[(2022, 2_675_000), (2023, 2_675_000)],
        }).await;
        let officer = app.api(&app.token("handlaggare@example.org").await);
        let draft = json!({"recommendation": "grant", "checklist": checklist("Enköping"), "maximum_sek": 2675000,
            "start_date": "2022-01-01", "end_date": "2022-12-31", "option_to_extend": true, "extension_requirements": true});
        let assessment = "Denna ansökan avser en individinsats med fortsatt finansiering av en del av Jobbcentrum Enköping.";
        let text = proposal(&officer, id, draft, |p| {
            // 000's heading leaves out the place; its assessment is the officer's own.
            p["heading"] = json!("Ansökan Jobbcentrum, din väg framåt");
            p["assessment"] = json!(assessment);
        }).await;
        assert_eq!(
            text.split("Ärendet").next().unwrap(),
            format!("Ansökan Jobbcentrum, din väg framåt\n\nFörslag till beslut\n\nArbetsutskottet föreslår förbundsstyrelsen besluta\n\n\
                att bevilja finansiellt stöd enligt ansökan för insatsen *Jobbcentrum, din väg framåt, Enköping* för perioden 1 januari 2022 fram till 31 december 2022, maximalt 2 675 000 kronor, 1 år med eventuell option på förlängning.\n\n\
                {EXTENSION}\n\n{MEMBER_FUNDS}\n\n{COMPLIANCE}\n\n")
        );
        assert!(text.starts_with("Ansökan Jobbcentrum") && text.contains(&format!("Bedömning\n\n{assessment}")));
        assert!(text.contains("Enköpings kommun ansöker tillsammans med Arbetsförmedlingen om finansiering för insatsen Jobbcentrum, din väg framåt, Enköping under perioden 1 januari 2022 till och med 31 december 2023."));

        // The board grants one year of the two applied for, as the committee proposed.
        let v = granted(&officer, id, json!({"max_total_sek": 2675000, "start_date": "2022-01-01", "end_date": "2022-12-31",
            "per_year": [{"year": 2022, "max_sek": 2675000}], "option_to_extend": true})).await;
        assert_eq!(v["max_total_sek"], 2675000);
        assert_eq!(v["conditions"].as_array().unwrap().iter().map(|c| format!("att {}", c.as_str().unwrap())).collect::<Vec<_>>(),
            vec![EXTENSION, MEMBER_FUNDS, COMPLIANCE]);
        assert!(v["agreement_text"].as_str().unwrap().contains("för perioden 1 januari 2022 till och med 31 december 2022, maximalt 2 675 000 kronor, varav 2 675 000 kronor för 2022."));
    }

    async fn the_proposal_of_seed_001_and_its_decision(app) {
        let id = submitted(&app, &Seed {
            name: "En väg in-steget vidare", owner: "Knivsta kommun",
            partners: &["Region Uppsala", "Arbetsförmedlingen", "Försäkringskassan"],
            start: "2022-01-01", end: "2022-12-31", budget: &[(2022, 1_965_000)],
        }).await;
        let officer = app.api(&app.token("handlaggare@example.org").await);
        let draft = json!({"recommendation": "grant", "checklist": checklist("Knivsta"), "option_to_extend": true, "extension_requirements": true});
        let text = proposal(&officer, id, draft, |p| {
            // 001 says "för insatsen", without "enligt ansökan": the officer's edit, kept.
            let clause = p["clauses"][0].as_str().unwrap().replace("stöd enligt ansökan för", "stöd för");
            p["clauses"][0] = json!(clause);
        }).await;
        assert!(text.contains(&format!(
            "att bevilja finansiellt stöd för insatsen *En väg in-steget vidare* för perioden 1 januari 2022 fram till 31 december 2022, maximalt 1 965 000 kronor, 1 år med eventuell option på förlängning.\n\n\
             {EXTENSION}\n\n{MEMBER_FUNDS}\n\n{COMPLIANCE}\n\nÄrendet")));
        assert!(text.contains(
            "Bedömning\n\nAnsökan rör en individinsats där Knivsta kommun är insatsägare och Försäkringskassan, Arbetsförmedlingen och Region Uppsala är samverkansparter. \
             Ansökan har diskuterats i Lokusgruppen i Knivsta under våren 2021. Insatsen kan sägas ligga väl i linje med styrelsens inriktning. \
             I ansökan anges resultat och mätbara mål som ligger i linje med förbundets inriktning. Uppföljning och utvärdering kommer att ske löpande."));
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM proposal_edits WHERE application_id = {id}")).await, 1);

        // Granted as applied for: the year's maximum is the application's.
        let v = granted(&officer, id, json!({"option_to_extend": true})).await;
        assert_eq!(v["max_total_sek"], 1965000);
        assert_eq!(v["per_year"], json!([{"year": 2022, "max_sek": 1965000}]));
        let parties: Vec<&str> = v["parties"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(parties[0], "Knivsta kommun");
        assert_eq!(parties.len(), 4);
        assert_eq!(v["status"], "awaiting_agreement");
    }
}
