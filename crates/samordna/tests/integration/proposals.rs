//! The decision proposal: seed 003 (Framsteget 2.0) from application to the proposal's text,
//! HTML and PDF, with the officer's edits kept.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::both;
use crate::support::{pdf_text, Api, TestApp, DEMO_PASSWORD};
use samordna::service::accounts::{create_user_with_password, Creator, NewUserInput};

/// The bytes of one entry of a ZIP whose entries are stored uncompressed (as Samordna writes them).
pub fn stored_zip_entry(zip: &[u8], name: &str) -> String {
    let mut at = 0;
    while at + 30 <= zip.len() && zip[at..at + 4] == [0x50, 0x4b, 0x03, 0x04] {
        let n = |o: usize| u16::from_le_bytes([zip[at + o], zip[at + o + 1]]) as usize;
        let size = u32::from_le_bytes([zip[at + 18], zip[at + 19], zip[at + 20], zip[at + 21]]) as usize;
        let (name_len, extra_len) = (n(26), n(28));
        let entry = std::str::from_utf8(&zip[at + 30..at + 30 + name_len]).unwrap();
        let data = at + 30 + name_len + extra_len;
        if entry == name {
            return String::from_utf8(zip[data..data + size].to_vec()).unwrap();
        }
        at = data + size;
    }
    panic!("{name} is not in the archive");
}

/// The text of each paragraph of a word/document.xml.
pub fn docx_paragraphs(xml: &str) -> Vec<String> {
    xml.split("</w:p>")
        .map(|p| {
            let mut text = String::new();
            let mut in_tag = false;
            for c in p.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&")
        })
        .filter(|t| !t.trim().is_empty())
        .collect()
}

pub async fn member(app: &TestApp, name: &str) -> i64 {
    app.count(&format!("SELECT id FROM members WHERE name = '{name}'")).await
}

/// A user with one role at a member, logged in to the API.
async fn person(app: &TestApp, email: &str, role: &str, member_name: &str) -> Api {
    let input = NewUserInput {
        email: email.into(),
        name: email.split('@').next().unwrap().into(),
        role: role.into(),
        association_id: None,
        member_id: Some(member(app, member_name).await),
    };
    create_user_with_password(&app.db, Creator::Operator, &input, DEMO_PASSWORD.into(), false).await.expect("user");
    app.api(&app.token(email).await)
}

/// Framsteget 2.0 as Håbo applied for it: 7 711 000 kr over 2023 and 2024.
async fn framsteget(app: &TestApp) -> (i64, Api) {
    framsteget_in(app, 2023).await
}

/// Framsteget 2.0 for the two years from `first_year`: 3 855 500 kr a year.
pub async fn framsteget_in(app: &TestApp, first_year: i32) -> (i64, Api) {
    let habo = member(app, "Håbo kommun").await;
    let fk = member(app, "Försäkringskassan").await;
    let af = member(app, "Arbetsförmedlingen").await;
    let region = member(app, "Region Uppsala").await;
    let lead = person(app, "lead@habo.example", "intervention_lead", "Håbo kommun").await;
    let created: Value = lead
        .post("/api/v1/applications", &json!({"owner_member_id": habo, "name": "Framsteget 2.0"}))
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_i64().unwrap();
    let content = json!({
        "name": "Framsteget 2.0",
        "owner": {"member_id": habo, "contact_name": "Insatsansvarig", "contact_email": "lead@habo.example"},
        "partners": [
            {"member_id": region, "contact_name": "R", "contact_email": "r@example.org"},
            {"member_id": af, "contact_name": "A", "contact_email": "a@example.org"},
            {"member_id": fk, "contact_name": "F", "contact_email": "f@example.org"}
        ],
        "orientation": "individual", "esf": false,
        "purpose": "Att vidareutveckla utbudet av aktiverande och kartläggande insatser.",
        "goals": [{"kind": "output", "text": "Fler går vidare till praktik, arbete eller studier."}, {"kind": "outcome", "text": "Egen försörjning."}],
        "background": "Framsteget är ett etablerat varumärke i Håbo kommun.",
        "start_date": format!("{first_year}-01-01"), "end_date": format!("{}-12-31", first_year + 1),
        "target_group": "16–65 år.", "method": "Samordningsteam och ungdomsteam.", "follow_up": "Kvartalsrapporter.", "implementation": "Implementeras i ordinarie verksamhet.",
        "budget": [
            {"member_id": habo, "year": first_year, "requested_sek": 3855500, "own_financing_sek": 0},
            {"member_id": habo, "year": first_year + 1, "requested_sek": 3855500, "own_financing_sek": 0}
        ],
        "anchoring": {"discussed": true, "date": "2022-04-20", "comment": "Diskuterad i lokusgruppen."},
        "agreement_accepted_version": 1
    });
    let r = lead
        .put(
            &format!("/api/v1/applications/{id}"),
            &json!({"lock_version": created["lock_version"], "content": content}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    for (email, party) in [
        ("sign@habo.example", "Håbo kommun"),
        ("sign@fk.example", "Försäkringskassan"),
        ("sign@region.example", "Region Uppsala"),
    ] {
        let signer = person(app, email, "signatory", party).await;
        let r = signer
            .post(&format!("/api/v1/applications/{id}/signatures"), &json!({"member_id": member(app, party).await}))
            .await;
        assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    }
    let af_signer = app.api(&app.token("firmatecknare.af@example.org").await);
    af_signer.post(&format!("/api/v1/applications/{id}/signatures"), &json!({"member_id": af})).await;
    let r = lead.post(&format!("/api/v1/applications/{id}/submit"), &json!({})).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    (id, lead)
}

both! {
    async fn the_proposal_of_seed_003_comes_out_as_the_association_wrote_it(app) {
        let (id, lead) = framsteget(&app).await;
        let officer = app.api(&app.token("handlaggare@example.org").await);
        let prep: Value = officer.get(&format!("/api/v1/applications/{id}/proposal")).await.json().await.unwrap();
        assert_eq!(prep["lock_version"], 0, "a draft until saved");
        assert_eq!(prep["proposal"]["heading"], "Ansökan Framsteget 2.0");
        assert_eq!(prep["proposal"]["clauses"][0], "bevilja finansiellt stöd enligt ansökan för insatsen *Framsteget 2.0* för perioden 1 januari 2023 fram till 31 december 2024, maximalt 7 711 000 kronor, 2 år med eventuell option på förlängning.");
        assert_eq!(prep["proposal"]["signer_name"], "Eva Sjöberg");

        // Drafted again from the checklist: no option, as the committee proposed.
        let checklist = json!({"in_line_with_direction": true, "measurable_goals": true, "lokus_discussed": true, "lokus_kommun": "Håbo",
            "follow_up_planned": true, "implementation_described": true, "own_financing_stated": true});
        let draft: Value = officer.post(&format!("/api/v1/applications/{id}/proposal/draft"), &json!({"recommendation": "grant", "checklist": checklist, "option_to_extend": false})).await.json().await.unwrap();
        assert_eq!(draft["clauses"].as_array().unwrap().len(), 3);
        assert!(draft["case_text"].as_str().unwrap().starts_with("Håbo kommun ansöker tillsammans med Försäkringskassan, Arbetsförmedlingen och Region Uppsala om finansiering för insatsen Framsteget 2.0 under perioden 1 januari 2023 till och med 31 december 2024."));
        assert!(draft["assessment"].as_str().unwrap().starts_with("Ansökan rör en individinsats där Håbo kommun är insatsägare och Försäkringskassan, Arbetsförmedlingen och Region Uppsala är samverkansparter. Ansökan har diskuterats i Lokusgruppen i Håbo."));

        // The officer's edits reproduce 003, where its text differs from the default.
        let mut proposal = draft.clone();
        proposal["clauses"][0] = json!("bevilja finansiellt stöd enligt ansökan för insatsen *Framsteget 2.0*, för perioden 1 januari 2023 fram till 31 december 2024, maximalt 7 711 000 kronor");
        proposal["assessment"] = json!("Denna förlängningsansökan rör en individinsats där Håbo kommun är insatsägare och Försäkringskassan, Arbetsförmedlingen och Region Uppsala är samverkansparter. Ansökan har diskuterats i Lokusgruppen i Håbo samt i Framstegets operativa ledningsgrupp.");
        proposal["signer_name"] = json!("Åsa Fichtel");
        let officer_id = app.count("SELECT id FROM users WHERE email = 'handlaggare@example.org'").await;
        let body = json!({"lock_version": 0, "officer_user_id": officer_id, "checklist": checklist, "notes": "Ring Håbo om kvartalsrapporterna.", "proposal": proposal});
        let saved = officer.put(&format!("/api/v1/applications/{id}/proposal"), &body).await;
        assert_eq!(saved.status(), StatusCode::OK, "{}", saved.text().await.unwrap());
        let saved: Value = saved.json().await.unwrap();
        assert_eq!(saved["lock_version"], 1);
        assert_eq!(saved["edits"].as_array().unwrap().len(), 1);
        // A second writer on the same version is refused; nothing changes.
        let r = officer.put(&format!("/api/v1/applications/{id}/proposal"), &body).await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert_eq!(app.count("SELECT COUNT(*) FROM proposal_edits").await, 1);

        let text = officer.get(&format!("/api/v1/applications/{id}/proposal/document?format=txt")).await.text().await.unwrap();
        assert_eq!(
            text.split("Ärendet").next().unwrap(),
            "Ansökan Framsteget 2.0\n\nFörslag till beslut\n\nArbetsutskottet föreslår förbundsstyrelsen besluta\n\n\
             att bevilja finansiellt stöd enligt ansökan för insatsen *Framsteget 2.0*, för perioden 1 januari 2023 fram till 31 december 2024, maximalt 7 711 000 kronor\n\n\
             att finansieringen av insatsen gäller under förutsättning att förbundet beviljas medel från medlemsorganisationerna framöver.\n\n\
             att finansiering av insatsen gäller under förutsättning att insatsen följer aktuell ansökan, gällande lagstiftning och av förbundet antagna styrdokument.\n\n"
        );
        assert!(text.ends_with("Åsa Fichtel, Förbundschef\n"));
        let html = officer.get(&format!("/api/v1/applications/{id}/proposal/document?format=html")).await.text().await.unwrap();
        assert!(html.contains("<p><strong>att</strong> bevilja finansiellt stöd enligt ansökan för insatsen <em>Framsteget 2.0</em>, för perioden"));
        let r = officer.get(&format!("/api/v1/applications/{id}/proposal/document?format=pdf")).await;
        assert_eq!(r.headers()["content-type"], "application/pdf");
        let pdf = pdf_text(&r.bytes().await.unwrap());
        for needle in [
            "Ansökan Framsteget 2.0", "Förslag till beslut", "Arbetsutskottet föreslår förbundsstyrelsen besluta",
            "att bevilja finansiellt stöd enligt ansökan för insatsen Framsteget 2.0, för perioden 1 januari 2023 fram till 31 december 2024, maximalt 7 711 000 kronor",
            "att finansieringen av insatsen gäller under förutsättning", "Ärendet", "Bedömning", "Denna förlängningsansökan rör en individinsats", "Åsa Fichtel, Förbundschef",
        ] {
            assert!(pdf.contains(needle), "{needle} in {pdf}");
        }
        // The DOCX holds the same text, paragraph by paragraph, the emphasis as italics.
        let r = officer.get(&format!("/api/v1/applications/{id}/proposal/document?format=docx")).await;
        assert_eq!(r.headers()["content-type"], "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
        let docx = r.bytes().await.unwrap();
        let document = stored_zip_entry(&docx, "word/document.xml");
        assert!(document.contains("<w:pStyle w:val=\"Heading1\"/>"), "real headings");
        assert!(document.contains("<w:rPr><w:i/></w:rPr><w:t xml:space=\"preserve\">Framsteget 2.0</w:t>"));
        let expected: Vec<String> = text.lines().filter(|l| !l.is_empty()).map(|l| l.replace('*', "")).collect();
        assert_eq!(docx_paragraphs(&document), expected);
        let r = officer.get(&format!("/api/v1/applications/{id}/proposal/document?format=odt")).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

        // The board reads, never writes; applicants and case workers do not see the preparation.
        let board = app.api(&app.token("styrelseledamot@example.org").await);
        let read: Value = board.get(&format!("/api/v1/applications/{id}/proposal")).await.json().await.unwrap();
        assert_eq!(read["can_edit"], false);
        assert_eq!(read["notes"], "Ring Håbo om kvartalsrapporterna.");
        let mut again = body.clone();
        again["lock_version"] = json!(1);
        assert_eq!(board.put(&format!("/api/v1/applications/{id}/proposal"), &again).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(lead.get(&format!("/api/v1/applications/{id}/proposal")).await.status(), StatusCode::NOT_FOUND);
        let worker = app.api(&app.token("deltagaransvarig.enkoping@example.org").await);
        assert_eq!(worker.get(&format!("/api/v1/applications/{id}/proposal")).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'preparation.save'").await, 1);
    }

    async fn an_officer_must_belong_to_the_association(app) {
        let (id, _) = framsteget(&app).await;
        let officer = app.api(&app.token("handlaggare@example.org").await);
        let prep: Value = officer.get(&format!("/api/v1/applications/{id}/proposal")).await.json().await.unwrap();
        let lead_id = app.count("SELECT id FROM users WHERE email = 'lead@habo.example'").await;
        let body = json!({"lock_version": 0, "officer_user_id": lead_id, "checklist": prep["checklist"], "proposal": prep["proposal"]});
        let r = officer.put(&format!("/api/v1/applications/{id}/proposal"), &body).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let problem: Value = r.json().await.unwrap();
        assert_eq!(problem["errors"][0]["code"], "officer_unknown");
        assert_eq!(app.count("SELECT COUNT(*) FROM preparations").await, 0);
    }
}

both! {
    async fn the_preparation_page_drafts_saves_and_shows_the_board_the_proposal(app) {
        let (id, _) = framsteget(&app).await;
        let officer = app.login("handlaggare@example.org").await;
        let (status, html) = officer.page(&format!("/ansokningar/{id}/beredning")).await;
        assert_eq!(status, StatusCode::OK);
        let lock = crate::support::hidden_value(&html, "lock_version").unwrap();
        assert_eq!(lock, "0");
        // Draft from the criteria: nothing is saved yet.
        let r = officer.post(&format!("/ansokningar/{id}/beredning"), &[
            ("lock_version", "0"), ("action", "draft"), ("recommendation", "grant"), ("maximum", "7 711 000"),
            ("start_date", "2023-01-01"), ("end_date", "2024-12-31"), ("lokus_discussed", "ja"), ("lokus_kommun", "Håbo"),
            ("in_line_with_direction", "ja"), ("measurable_goals", "ja"), ("follow_up_planned", "ja"),
            ("signer_name", "Åsa Fichtel"), ("signer_title", "Förbundschef"), ("clause_0", "gammal"),
        ]).await;
        assert_eq!(r.status(), StatusCode::OK);
        let html = r.text().await.unwrap();
        assert!(html.contains("maximalt 7 711 000 kronor."), "{html}");
        assert!(html.contains("Ansökan har diskuterats i Lokusgruppen i Håbo."));
        assert_eq!(app.count("SELECT COUNT(*) FROM preparations").await, 0);
        // A bad date in the draft facts is shown at its field.
        let r = officer.post(&format!("/ansokningar/{id}/beredning"), &[("lock_version", "0"), ("action", "draft"), ("start_date", "2023-13-01"), ("end_date", "2024-12-31")]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("<a href=\"#start_date\">"));
        // Save.
        let r = officer.post(&format!("/ansokningar/{id}/beredning"), &[
            ("lock_version", "0"), ("action", "save"), ("heading", "Ansökan Framsteget 2.0"), ("intro", "Arbetsutskottet föreslår förbundsstyrelsen besluta"),
            ("clause_0", "bevilja finansiellt stöd enligt ansökan för insatsen *Framsteget 2.0*, för perioden 1 januari 2023 fram till 31 december 2024, maximalt 7 711 000 kronor"),
            ("clause_1", "finansieringen av insatsen gäller under förutsättning att förbundet beviljas medel från medlemsorganisationerna framöver."),
            ("case_text", "Håbo kommun ansöker."), ("assessment", "Denna förlängningsansökan rör en individinsats."),
            ("signer_name", "Åsa Fichtel"), ("signer_title", "Förbundschef"), ("notes", "Intern anteckning."),
        ]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.count("SELECT COUNT(*) FROM proposal_edits").await, 1);
        let text = officer.get(&format!("/ansokningar/{id}/beredning/forslag.txt")).await.text().await.unwrap();
        assert!(text.contains("att bevilja finansiellt stöd enligt ansökan för insatsen *Framsteget 2.0*, för perioden"));
        // The board reads the proposal, with no form.
        let board = app.login("styrelseledamot@example.org").await;
        let (status, html) = board.page(&format!("/ansokningar/{id}/beredning")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("<em>Framsteget 2.0</em>"));
        assert!(!html.contains("name=\"clause_0\""));
        let r = board.post(&format!("/ansokningar/{id}/beredning"), &[("lock_version", "1"), ("action", "save")]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let worker = app.login("deltagaransvarig.enkoping@example.org").await;
        assert_eq!(worker.page(&format!("/ansokningar/{id}/beredning")).await.0, StatusCode::NOT_FOUND);
    }
}

both! {
    async fn the_association_words_its_own_clauses(app) {
        let admin = app.login("forbundsadmin@example.org").await;
        let (status, html) = admin.page("/att-satser").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("bevilja finansiellt stöd enligt ansökan för insatsen *{insats}*"));
        let association = app.association_id().await.to_string();
        let mut fields: Vec<(String, String)> = samordna::domain::proposal::ClauseKind::ALL
            .into_iter()
            .map(|k| (format!("clause_{}", k.code()), k.default_template().to_string()))
            .collect();
        fields.push(("forbund".into(), association.clone()));
        // A mistyped placeholder is refused and nothing is saved.
        fields[0].1 = "bevilja finansiellt stöd för insatsen *{insatts}* för perioden {start} fram till {slut}, maximalt {belopp} kronor{option}.".into();
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = admin.post("/att-satser", &pairs).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("<a href=\"#clause_grant\">Mallen använder en platshållare som inte finns."));
        assert_eq!(app.count("SELECT COUNT(*) FROM clause_templates").await, 0);
        // Seed 001's wording, saved; new drafts use it.
        fields[0].1 = "bevilja finansiellt stöd för insatsen *{insats}* för perioden {start} fram till {slut}, maximalt {belopp} kronor{option}.".into();
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = admin.post("/att-satser", &pairs).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.count("SELECT COUNT(*) FROM clause_templates").await, 1, "only the changed clause is stored");
        let (id, _) = framsteget(&app).await;
        let officer = app.api(&app.token("handlaggare@example.org").await);
        let prep: Value = officer.get(&format!("/api/v1/applications/{id}/proposal")).await.json().await.unwrap();
        assert!(prep["proposal"]["clauses"][0].as_str().unwrap().starts_with("bevilja finansiellt stöd för insatsen *Framsteget 2.0*"));
        // Only administrators edit the library.
        let director = app.login("forbundschef@example.org").await;
        assert_eq!(director.page("/att-satser").await.0, StatusCode::FORBIDDEN);
        assert_eq!(director.post("/att-satser", &pairs).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'clause_library.save'").await, 1);
    }
}
