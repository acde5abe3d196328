//! The application pages: the form without JavaScript, its errors, signing and submitting,
//! completion, the office's list, attachments and the print view.

use reqwest::StatusCode;

use crate::both;
use crate::support::{hidden_value, pdf_text, Session, TestApp};

async fn member(app: &TestApp, name: &str) -> String {
    app.count(&format!("SELECT id FROM members WHERE name = '{name}'")).await.to_string()
}

/// Starts an application through the form and returns its id.
async fn start(s: &Session, app: &TestApp) -> i64 {
    let enkoping = member(app, "Enköpings kommun").await;
    let r = s.post("/ansokningar/ny", &[("name", "Jobbcentrum"), ("owner_member_id", &enkoping)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    location.trim_start_matches("/ansokningar/").trim_end_matches("/redigera").parse().unwrap()
}

/// The Jobbcentrum form as a person fills it in, amounts written the ways people write them.
async fn jobbcentrum_form(app: &TestApp, lock_version: &str) -> Vec<(String, String)> {
    let enkoping = member(app, "Enköpings kommun").await;
    let af = member(app, "Arbetsförmedlingen").await;
    let mut f: Vec<(&str, String)> = vec![
        ("lock_version", lock_version.into()),
        ("name", "Jobbcentrum".into()),
        ("owner_contact_name", "Frank Stoor".into()),
        ("owner_contact_email", "frank.stoor@enkoping.se".into()),
        ("partner_0_member_id", af.clone()),
        ("partner_0_contact_name", "Emelie Preinitz".into()),
        ("partner_0_contact_email", "emelie.preinitz@arbetsformedlingen.se".into()),
        ("orientation", "individual".into()),
        ("esf", "nej".into()),
        ("purpose", "Jobbcentrum-Ung\n- Att motivera till och samordna aktiviteter för ungdomar.".into()),
        ("goal_0_kind", "output".into()),
        ("goal_0_part", "".into()),
        ("goal_0_text", "Kartläggning och individuell handlingsplan inom två månader.".into()),
        ("goal_1_kind", "outcome".into()),
        ("goal_1_part", "".into()),
        ("goal_1_text", "100% av avslutade ska ha en förankrad fortsatt planering.".into()),
        ("background", "Personer som står långt från arbetsmarknaden.".into()),
        ("start_date", "2018-01-01".into()),
        ("end_date", "2020-12-31".into()),
        ("last_intake_date", "2020-09-30".into()),
        ("target_group", "16–65 år som varken arbetar eller studerar.".into()),
        ("part_0_name", "Jobbcentrum-Ung".into()),
        ("part_0_target_group", "16–29 år".into()),
        ("part_0_age_min", "16".into()),
        ("part_0_age_max", "29".into()),
        ("part_0_participants_per_year", "30".into()),
        ("part_1_name", "Jobbcentrum-Rehabilitering".into()),
        ("part_1_target_group", "30–65 år".into()),
        ("part_1_age_min", "30".into()),
        ("part_1_age_max", "65".into()),
        ("part_1_participants_per_year", "40".into()),
        ("method", "Individuell handlingsplan.".into()),
        ("follow_up", "Rapportering till LOKUS-gruppen.".into()),
        ("implementation", "Det som visar sig framgångsrikt implementeras.".into()),
        ("budget_0_member_id", enkoping.clone()),
        ("budget_0_year", "2018".into()),
        ("budget_0_requested", "1,4 mkr".into()),
        ("budget_0_own_financing", "0".into()),
        ("budget_1_member_id", enkoping.clone()),
        ("budget_1_year", "2019".into()),
        ("budget_1_requested", "1 400 000".into()),
        ("budget_1_own_financing", "".into()),
        ("budget_2_member_id", enkoping.clone()),
        ("budget_2_year", "2020".into()),
        ("budget_2_requested", "1\u{a0}400\u{a0}000 kr".into()),
        ("budget_2_own_financing", "".into()),
        ("anchoring_discussed", "ja".into()),
        ("anchoring_comment", "Ansökan har diskuterats i LOKUS-gruppen.".into()),
        ("agreement_accepted", "ja".into()),
    ];
    f.retain(|(k, _)| !k.is_empty());
    f.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

async fn post_pairs(s: &Session, path: &str, pairs: &[(String, String)]) -> reqwest::Response {
    let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    s.post(path, &refs).await
}

both! {
    async fn an_application_goes_from_the_form_to_a_registered_case(app) {
        let lead = app.login("insatsansvarig.enkoping@example.org").await;
        let id = start(&lead, &app).await;
        let (status, form) = lead.page(&format!("/ansokningar/{id}/redigera")).await;
        assert_eq!(status, StatusCode::OK);
        let lock = hidden_value(&form, "lock_version").unwrap();
        let r = post_pairs(&lead, &format!("/ansokningar/{id}/redigera"), &jobbcentrum_form(&app, &lock).await).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
        let (_, html) = lead.page(&format!("/ansokningar/{id}?meddelande=application_saved")).await;
        assert!(html.contains("Ansökan är sparad."));
        assert!(html.contains("<td>4\u{a0}200\u{a0}000\u{a0}kr</td>"), "the budget summary");
        assert!(html.contains("<th scope=\"row\">2019</th><td>1\u{a0}400\u{a0}000\u{a0}kr</td>"));
        assert!(html.contains("<h3>Jobbcentrum-Ung</h3>"));
        assert!(html.contains("<li>Att motivera till och samordna aktiviteter för ungdomar.</li>"), "lists are kept");
        assert!(!html.contains("Innan ansökan kan skrivas under"), "complete");

        let enkoping = member(&app, "Enköpings kommun").await;
        let af = member(&app, "Arbetsförmedlingen").await;
        let signer = app.login("firmatecknare.enkoping@example.org").await;
        let (_, html) = signer.page(&format!("/ansokningar/{id}")).await;
        assert!(html.contains("Skriv under för Enköpings kommun"));
        assert!(!html.contains("Skriv under för Arbetsförmedlingen"));
        let r = signer.post(&format!("/ansokningar/{id}/underteckna"), &[("member_id", &enkoping)]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let af_signer = app.login("firmatecknare.af@example.org").await;
        af_signer.post(&format!("/ansokningar/{id}/underteckna"), &[("member_id", &af)]).await;
        let (_, html) = lead.page(&format!("/ansokningar/{id}")).await;
        assert!(html.contains("Underskriven av Lars Nilsson"));
        assert!(html.contains("Underskriven av Ingrid Wallin"));
        let r = lead.post(&format!("/ansokningar/{id}/lamna-in"), &[]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let year = chrono::Utc::now().format("%Y").to_string();
        let (_, html) = lead.page(&format!("/ansokningar/{id}")).await;
        assert!(html.contains(&format!("<dt>Diarienummer</dt><dd>SUL {year}/0001</dd>")));

        // The office finds it and asks for completion; the form then opens again for the applicant.
        let officer = app.login("handlaggare@example.org").await;
        let (_, list) = officer.page("/ansokningar?q=jobb").await;
        assert!(list.contains(&format!("href=\"/ansokningar/{id}\">Jobbcentrum</a>")));
        let r = officer.post(&format!("/ansokningar/{id}/komplettering"), &[("message", "")]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("<a href=\"#message\">"));
        let r = officer.post(&format!("/ansokningar/{id}/komplettering"), &[("message", "Ange egenfinansieringen.")]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (status, _) = lead.page(&format!("/ansokningar/{id}/redigera")).await;
        assert_eq!(status, StatusCode::OK);
        // The PDF holds the same text, in the template's order.
        let r = officer.get(&format!("/ansokningar/{id}/pdf")).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        let text = pdf_text(&r.bytes().await.unwrap());
        let order = [
            "Jobbcentrum", "Insatsägare och samverkansparter", "Enköpings kommun", "Arbetsförmedlingen", "Syfte",
            "Att motivera till och samordna aktiviteter för ungdomar.", "Mål", "Insatsmål", "Effektmål", "Bakgrund och behov",
            "Planerad insatstid", "1 januari 2018 – 31 december 2020", "Målgrupp", "Jobbcentrum-Ung", "Metod",
            "Uppföljning och utvärdering", "Implementering", "Budget", "Budgetsammanställning", "4 200 000 kr",
            "Kostnader per år", "1 400 000 kr", "Förankring", "Överenskommelse", "Lagar och förordningar", "Underskrifter",
        ];
        let mut at = 0;
        for needle in order {
            let found = text[at..].find(needle).unwrap_or_else(|| panic!("{needle} after position {at} in:\n{text}"));
            at += found;
        }
        assert!(text.contains(&format!("Diarienummer SUL {year}/0001")));
        let (_, print) = officer.page(&format!("/ansokningar/{id}/utskrift")).await;
        assert!(print.contains(&format!("Dnr SUL {year}/0001")));
        assert!(print.contains("Budgetsammanställning per part"));
        assert!(print.contains("Lagar och förordningar"), "the agreement text");
    }

    async fn form_errors_are_shown_beside_the_fields_and_nothing_is_saved(app) {
        let lead = app.login("insatsansvarig.enkoping@example.org").await;
        let id = start(&lead, &app).await;
        let (_, form) = lead.page(&format!("/ansokningar/{id}/redigera")).await;
        let lock = hidden_value(&form, "lock_version").unwrap();
        let mut pairs = jobbcentrum_form(&app, &lock).await;
        for (k, v) in pairs.iter_mut() {
            match k.as_str() {
                "budget_1_requested" => *v = "mycket".into(),
                "end_date" => *v = "2017-06-30".into(),
                _ => {}
            }
        }
        let before = app.count(&format!("SELECT lock_version FROM applications WHERE id = {id}")).await;
        let r = post_pairs(&lead, &format!("/ansokningar/{id}/redigera"), &pairs).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(html.contains("<a href=\"#budget_1_requested\">Ange beloppet i kronor, till exempel 1 400 000 eller 1,4 mkr.</a>"), "{html}");
        assert!(html.contains("value=\"mycket\""), "what was typed is kept");
        assert_eq!(app.count(&format!("SELECT lock_version FROM applications WHERE id = {id}")).await, before);
        // With the amount right, the rule about the dates speaks, pointing at its field.
        for (k, v) in pairs.iter_mut() {
            if k == "budget_1_requested" {
                *v = "1 400 000".into();
            }
        }
        let html = post_pairs(&lead, &format!("/ansokningar/{id}/redigera"), &pairs).await.text().await.unwrap();
        assert!(html.contains("<a href=\"#end_date\">Slutdatum måste vara efter startdatum.</a>"));
        assert!(html.contains("<a href=\"#budget_1_year\">Budgetåret måste ligga inom insatstiden.</a>"));
        assert_eq!(app.count(&format!("SELECT lock_version FROM applications WHERE id = {id}")).await, before);
    }

    async fn rows_are_added_without_javascript(app) {
        let lead = app.login("insatsansvarig.enkoping@example.org").await;
        let id = start(&lead, &app).await;
        let (_, form) = lead.page(&format!("/ansokningar/{id}/redigera")).await;
        assert!(form.contains("id=\"budget_0_year\""));
        assert!(!form.contains("id=\"budget_1_year\""));
        let lock = hidden_value(&form, "lock_version").unwrap();
        let r = lead.post(&format!("/ansokningar/{id}/redigera"), &[("lock_version", &lock), ("name", "Jobbcentrum"), ("budget_0_year", ""), ("add", "budget")]).await;
        let status = r.status();
        let html = r.text().await.unwrap();
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(html.contains("id=\"budget_1_year\""), "one more row");
    }

    async fn a_second_writer_sees_what_changed(app) {
        let lead = app.login("insatsansvarig.enkoping@example.org").await;
        let id = start(&lead, &app).await;
        let (_, form) = lead.page(&format!("/ansokningar/{id}/redigera")).await;
        let lock = hidden_value(&form, "lock_version").unwrap();
        let first = lead.post(&format!("/ansokningar/{id}/redigera"), &[("lock_version", &lock), ("name", "Jobbcentrum"), ("purpose", "Första syftet.")]).await;
        assert_eq!(first.status(), StatusCode::SEE_OTHER);
        let second = lead.post(&format!("/ansokningar/{id}/redigera"), &[("lock_version", &lock), ("name", "Jobbcentrum"), ("method", "Min metod.")]).await;
        assert_eq!(second.status(), StatusCode::CONFLICT);
        let html = second.text().await.unwrap();
        assert!(html.contains("Någon annan har ändrat ansökan medan du skrev"));
        assert!(html.contains("<li>purpose</li>"));
        assert!(html.contains("Min metod."), "what this person typed is kept");
        let newer = hidden_value(&html, "lock_version").unwrap();
        assert_ne!(newer, lock, "saving again is based on the stored version");
    }

    async fn attachments_are_uploaded_from_the_page(app) {
        let lead = app.login("insatsansvarig.enkoping@example.org").await;
        let id = start(&lead, &app).await;
        let url = |token: &str| format!("{}/ansokningar/{id}/bilagor?csrf_token={token}", lead.base);
        let part = || reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(b"%PDF-1.4 budget".to_vec()).file_name("budget.pdf"));
        let refused = lead.client.post(url("fel")).multipart(part()).send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        let r = lead.client.post(url(&lead.csrf)).multipart(part()).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (_, html) = lead.page(&format!("/ansokningar/{id}")).await;
        assert!(html.contains(">budget.pdf</a>"));
        let bad = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(b"MZ program".to_vec()).file_name("budget.pdf"));
        let r = lead.client.post(url(&lead.csrf)).multipart(bad).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("Filtypen är inte tillåten."));
        assert_eq!(app.count("SELECT COUNT(*) FROM application_attachments").await, 1);
    }

    async fn the_lists_are_for_their_roles(app) {
        let worker = app.login("deltagaransvarig.enkoping@example.org").await;
        assert_eq!(worker.page("/ansokningar").await.0, StatusCode::NOT_FOUND);
        assert_eq!(worker.page("/mina-ansokningar").await.0, StatusCode::NOT_FOUND);
        let lead = app.login("insatsansvarig.enkoping@example.org").await;
        let (status, html) = lead.page("/mina-ansokningar").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("href=\"/ansokningar/ny\""));
        assert!(html.contains("href=\"/mina-ansokningar\" aria-current=\"page\""));
        let signer = app.login("firmatecknare.af@example.org").await;
        let (_, html) = signer.page("/mina-ansokningar").await;
        assert!(!html.contains("href=\"/ansokningar/ny\""), "only an insatsansvarig starts applications");
        let board = app.login("styrelseledamot@example.org").await;
        assert_eq!(board.page("/ansokningar").await.0, StatusCode::OK);
    }

    async fn a_new_agreement_version_must_be_accepted_anew(app) {
        let lead = app.login("insatsansvarig.enkoping@example.org").await;
        let id = start(&lead, &app).await;
        let (_, form) = lead.page(&format!("/ansokningar/{id}/redigera")).await;
        let lock = hidden_value(&form, "lock_version").unwrap();
        post_pairs(&lead, &format!("/ansokningar/{id}/redigera"), &jobbcentrum_form(&app, &lock).await).await;
        let (_, html) = lead.page(&format!("/ansokningar/{id}")).await;
        assert!(!html.contains("Överenskommelse: Överenskommelsen måste godkännas"));

        let admin = app.login("forbundsadmin@example.org").await;
        let (status, page) = admin.page("/overenskommelse").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Gällande text (version 1)"));
        let association = app.association_id().await.to_string();
        let before = app.count("SELECT COUNT(*) FROM agreement_texts").await;
        for (body, message) in [("  ", "Skriv överenskommelsens text."), (samordna::service::demo::AGREEMENT_TEXT, "Texten är densamma som den gällande.")] {
            let r = admin.post("/overenskommelse", &[("body", body), ("forbund", &association)]).await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
            assert!(r.text().await.unwrap().contains(message));
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM agreement_texts").await, before);
        let r = admin.post("/overenskommelse", &[("body", "Lagar och förordningar\n\nNy lydelse från 2027."), ("forbund", &association)]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.count("SELECT MAX(version) FROM agreement_texts").await, 2);
        let (_, html) = lead.page(&format!("/ansokningar/{id}")).await;
        assert!(html.contains("Överenskommelse: Överenskommelsen måste godkännas i sin gällande lydelse."));
        assert!(html.contains("Ny lydelse från 2027."));
        // Only administrators publish.
        assert_eq!(lead.page("/overenskommelse").await.0, StatusCode::FORBIDDEN);
        let director = app.login("forbundschef@example.org").await;
        assert_eq!(director.page("/overenskommelse").await.0, StatusCode::FORBIDDEN);
    }
}
