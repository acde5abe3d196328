//! The economy's pages: the year's allocation, key, populations, budget and rules saved through
//! their forms (each refused with its field named and nothing saved, then saved); a requisition
//! claimed with evidence, reviewed, attested and paid through the pages; and the demo's year,
//! whose return page answers seed 004's question for Enköping with figures worked by hand.

use chrono::NaiveDate;
use reqwest::StatusCode;
use serde_json::json;

use crate::both;
use crate::proposals::member;
use crate::support::{libreoffice_csv, Session};

async fn refused(r: reqwest::Response, summary: &str) -> String {
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains(summary), "{summary} in {html}");
    html
}

fn saved(r: &reqwest::Response, notice: &str) {
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap();
    assert!(to.contains(&format!("meddelande={notice}")), "{to}");
}

both! {
    async fn the_year_is_kept_through_its_forms(app) {
        let association = app.association_id().await;
        let a = association.to_string();
        let d = app.login("forbundschef@example.org").await;
        let (status, html) = d.page("/ekonomi?ar=2022").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("href=\"/ekonomi\" aria-current=\"page\""));
        assert!(html.contains("Statens tilldelning för året är inte inlagd."));

        // The allocation: negative, not a number, and öre are refused; nothing is saved.
        for (typed, message) in [
            ("-5", "Beloppet får inte vara negativt."),
            ("tio miljoner", "Ange beloppet i kronor"),
            ("10 000 000,50", "Ange beloppet i hela kronor."),
            ("", "Fältet måste fyllas i."),
        ] {
            let r = d.post("/ekonomi/tilldelning", &[("forbund", &a), ("ar", "2022"), ("state_allocation", typed)]).await;
            let html = refused(r, message).await;
            assert!(html.contains("href=\"#state_allocation\""));
            assert!(html.contains(&format!("id=\"state_allocation\" name=\"state_allocation\" type=\"text\" value=\"{typed}\"")), "what was typed stays");
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM association_years").await, 0);
        let r = d.post("/ekonomi/tilldelning", &[("forbund", &a), ("ar", "2022"), ("state_allocation", "10 mkr"), ("equity", "4 000 000"), ("decided_on", "2021-12-10")]).await;
        saved(&r, "allocation_saved");
        assert_eq!(app.count("SELECT state_allocation_ore FROM association_years WHERE year = 2022").await, 1_000_000_000);

        // The key: shares that do not sum to 100 % are refused with the first share named.
        let kommuner = ["Enköpings kommun", "Heby kommun", "Håbo kommun", "Knivsta kommun", "Tierps kommun", "Uppsala kommun", "Älvkarleby kommun", "Östhammars kommun"];
        let mut ids = Vec::new();
        for k in kommuner {
            ids.push(member(&app, k).await);
        }
        let names: Vec<String> = ids.iter().map(|id| format!("share_{id}")).collect();
        let mut fields: Vec<(&str, &str)> = vec![("forbund", &a), ("ar", "2022"), ("kind", "fixed")];
        let wrong = ["12", "4", "6", "5", "5", "60", "2", "5,5"]; // 99,5 %
        for (n, v) in names.iter().zip(wrong) {
            fields.push((n.as_str(), v));
        }
        let html = refused(d.post("/ekonomi/nyckel", &fields).await, "Kommunernas andelar ska tillsammans vara exakt 100 %.").await;
        assert!(html.contains(&format!("href=\"#{}\"", names[0])));
        // A share that is no percentage is named on its own kommun's field.
        let mut fields: Vec<(&str, &str)> = vec![("forbund", &a), ("ar", "2022"), ("kind", "fixed")];
        let wrong = ["12", "4", "6", "5", "5", "60", "mycket", "8"];
        for (n, v) in names.iter().zip(wrong) {
            fields.push((n.as_str(), v));
        }
        let html = refused(d.post("/ekonomi/nyckel", &fields).await, "Ange en andel i procent").await;
        assert!(html.contains(&format!("<a href=\"#{}\">Ange en andel i procent", names[6])), "{html}");
        let r = d.post("/ekonomi/nyckel", &[("forbund", &a), ("ar", "2022")]).await;
        refused(r, "Fältet måste fyllas i.").await;
        assert_eq!(app.count("SELECT COUNT(*) FROM contribution_keys").await, 0);
        saved(&d.post("/ekonomi/nyckel", &[("forbund", &a), ("ar", "2022"), ("kind", "population")]).await, "key_saved");
        // By population at the end of 2021: reference 4.10's table.
        let (_, html) = d.page(&format!("/ekonomi?forbund={a}&ar=2022")).await;
        assert!(html.contains("Befolkningsandel (gäller från 2022)"));
        assert!(html.contains("Befolkningen den 31 december 2021."));
        for (name, amount) in [("Uppsala kommun", "3\u{a0}007\u{a0}346 kr"), ("Enköpings kommun", "601\u{a0}087 kr"), ("Försäkringskassan", "10\u{a0}000\u{a0}000 kr"), ("Region Uppsala", "5\u{a0}000\u{a0}000 kr")] {
            let row = html.split(&format!("<th scope=\"row\">{name}</th>")).nth(1).unwrap();
            assert!(row[..row.find("</tr>").unwrap()].contains(amount), "{name}");
        }
        assert!(html.contains("<td>20\u{a0}000\u{a0}000 kr</td>"));

        // Populations: a 16–64 figure above the total, and a word, are refused with the kommun's field.
        let heby = ids[1];
        let (pop, young) = (format!("population_{heby}"), format!("population_16_64_{heby}"));
        let html = refused(d.post("/ekonomi/befolkning", &[("forbund", &a), ("ar", "2023"), (&pop, "14 303"), (&young, "15 000")]).await, "Antalet 16–64 år kan inte vara större än hela befolkningen.").await;
        assert!(html.contains(&format!("href=\"#{young}\"")));
        refused(d.post("/ekonomi/befolkning", &[("forbund", &a), ("ar", "2023"), (&pop, "många")]).await, "Ange ett heltal.").await;
        assert_eq!(app.count("SELECT COUNT(*) FROM member_populations WHERE year = 2022").await, 0);
        saved(&d.post("/ekonomi/befolkning", &[("forbund", &a), ("ar", "2023"), (&pop, "14 400"), (&young, "8 100")]).await, "populations_saved");
        assert_eq!(app.count(&format!("SELECT CAST(population_16_64 AS BIGINT) FROM member_populations WHERE year = 2022 AND member_id = {heby}")).await, 8_100);

        // The budget: one bad amount refuses the whole form.
        let html = refused(d.post("/ekonomi/budget", &[("forbund", &a), ("ar", "2022"), ("budget_board", "400 000"), ("outcome_office", "mycket")]).await, "Ange beloppet i kronor").await;
        assert!(html.contains("href=\"#outcome_office\""));
        assert_eq!(app.count("SELECT COUNT(*) FROM budget_posts").await, 0);
        saved(&d.post("/ekonomi/budget", &[("forbund", &a), ("ar", "2022"), ("budget_board", "400 000"), ("outcome_board", "372 500"), ("budget_office", "2 400 000")]).await, "budget_saved");
        let (_, html) = d.page(&format!("/ekonomi?forbund={a}&ar=2022")).await;
        // 400 000 + 2 400 000 budget; only the board has an outcome.
        assert!(html.contains("<td>2\u{a0}800\u{a0}000 kr</td><td>372\u{a0}500 kr</td><td>–</td>"));

        // The budget as a spreadsheet, with its totals.
        let api = app.api(&app.token("forbundschef@example.org").await);
        let text = api.get("/api/v1/years/2022/budget?format=csv").await.text().await.unwrap();
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines[0], "Post;Budget;Utfall;Prognos");
        assert_eq!(lines[1], "Styrelse;400000;372500;");
        assert_eq!(lines[7], "Totalt;2800000;372500;");

        // The rules for claims.
        refused(d.post("/ekonomi/installningar", &[("forbund", &a), ("ar", "2022"), ("claim_tail_months", "30"), ("attachment_threshold", "50 000")]).await, "<a href=\"#claim_tail_months\">Värdet ligger utanför det tillåtna intervallet.</a>").await;
        assert_eq!(app.count("SELECT COUNT(*) FROM economy_settings").await, 0);
        saved(&d.post("/ekonomi/installningar", &[("forbund", &a), ("ar", "2022"), ("claim_tail_months", "6"), ("attachment_threshold", "25 000")]).await, "economy_settings_saved");
        assert_eq!(app.count("SELECT CAST(claim_tail_months AS BIGINT) FROM economy_settings").await, 6);

        // The officer sees the figures but no forms, and cannot post them.
        let officer = app.login("handlaggare@example.org").await;
        let (_, html) = officer.page(&format!("/ekonomi?forbund={a}&ar=2022")).await;
        assert!(html.contains("<td>3\u{a0}007\u{a0}346 kr</td>"));
        assert!(!html.contains("action=\"/ekonomi/tilldelning\""));
        let r = officer.post("/ekonomi/tilldelning", &[("forbund", &a), ("ar", "2022"), ("state_allocation", "1")]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.count("SELECT state_allocation_ore FROM association_years WHERE year = 2022").await, 1_000_000_000);
        // A case worker of a member organisation sees the association's economy too (it is public money).
        let worker = app.login("deltagaransvarig.enkoping@example.org").await;
        assert_eq!(worker.page("/ekonomi?ar=2022").await.0, StatusCode::OK);
    }

    async fn a_claim_goes_through_its_pages(app) {
        let association = app.association_id().await;
        let enkoping = member(&app, "Enköpings kommun").await;
        let af = member(&app, "Arbetsförmedlingen").await;
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let id = samordna::service::demo::grant_intervention(&app.db, &samordna::service::demo::Grant {
            association_id: association,
            owner_member_id: enkoping,
            partners: vec![af],
            name: "Jobbcentrum".into(),
            period: (date(2025, 1, 1), date(2026, 6, 30)),
            by_user: 1,
            max_total_ore: 220_000_000,
            per_year: vec![(2025, 100_000_000), (2026, 120_000_000)],
            orientation: "individual",
            content: json!({"name": "Jobbcentrum", "owner": {"member_id": enkoping}}),
        }).await.unwrap();
        let lead = app.login("insatsansvarig.enkoping@example.org").await;
        let list = format!("/insatser/{id}/rekvisitioner");
        let (status, html) = lead.page(&list).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Rekvirera medel"));
        // The intervention page leads here.
        assert!(lead.page(&format!("/insatser/{id}")).await.1.contains(&format!("href=\"{list}\"")));

        let post = |s: &Session, rows: Vec<(&'static str, String)>, file: Option<Vec<u8>>| {
            let mut form = reqwest::multipart::Form::new();
            for (k, v) in rows {
                form = form.text(k, v);
            }
            if let Some(bytes) = file {
                form = form.part("files", reqwest::multipart::Part::bytes(bytes).file_name("faktura.pdf"));
            }
            s.client.post(format!("{}{list}?csrf_token={}", s.base, s.csrf)).multipart(form).send()
        };
        let claim = |from: &str, to: &str, amount: &str| vec![
            ("period_from", from.to_string()), ("period_to", to.to_string()),
            ("cost_kind_0", "personnel".to_string()), ("description_0", "Två coacher".to_string()), ("amount_0", amount.to_string()),
            ("cost_kind_2", "premises".to_string()), ("amount_2", "10 000".to_string()),
        ];
        // Above 50 000 kr without evidence; a program as evidence; across two years; more than
        // the year's grant (1 000 000 kr): each refused with its field, and nothing saved.
        let html = refused(post(&lead, claim("2025-01-01", "2025-03-31", "400 000"), None).await.unwrap(), "Rekvisitioner över beloppsgränsen behöver underlag som bilaga.").await;
        assert!(html.contains("href=\"#files\""));
        assert!(html.contains("value=\"400 000\""), "what was typed stays");
        refused(post(&lead, claim("2025-01-01", "2025-03-31", "400 000"), Some(b"MZ\x90\x00program".to_vec())).await.unwrap(), "Filtypen är inte tillåten.").await;
        let html = refused(post(&lead, claim("2025-12-01", "2026-01-31", "1 000"), None).await.unwrap(), "Perioden ska ligga inom ett kalenderår.").await;
        assert!(html.contains("href=\"#period_to\""));
        // The third form row was the second sent: its error points at the third row's field.
        let mut bad_row = claim("2025-01-01", "2025-03-31", "1 000");
        bad_row[6].1 = "tio".into();
        let html = refused(post(&lead, bad_row, None).await.unwrap(), "Ange beloppet i kronor").await;
        assert!(html.contains("href=\"#amount_2\""), "{html}");
        // Evidence larger than the server takes (2 MiB here) is refused beside the files.
        let mut large = b"%PDF-1.4\n".to_vec();
        large.resize(3 * 1024 * 1024, b'0');
        let html = refused(post(&lead, claim("2025-01-01", "2025-03-31", "400 000"), Some(large)).await.unwrap(), "Filen är för stor.").await;
        assert!(html.contains("href=\"#files\""));
        let pdf = b"%PDF-1.4\n% faktura\n%%EOF\n".to_vec();
        refused(post(&lead, claim("2025-01-01", "2025-03-31", "990 001"), Some(pdf.clone())).await.unwrap(), "större än vad som återstår av årets beviljade belopp").await;
        assert_eq!(app.count("SELECT COUNT(*) FROM requisitions").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM requisition_attachments").await, 0);

        // 400 000 + 10 000 kr with an invoice.
        let r = post(&lead, claim("2025-01-01", "2025-03-31", "400 000"), Some(pdf.clone())).await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let detail = r.headers()["location"].to_str().unwrap().split('?').next().unwrap().to_string();
        let (_, html) = lead.page(&detail).await;
        assert!(html.contains("410\u{a0}000 kr"));
        assert!(html.contains("Inlämnad"));
        assert!(html.contains("faktura.pdf"));
        assert!(!html.contains("name=\"action\""), "the one who claimed takes no step");
        // The evidence downloads as it was sent.
        let aid = app.count("SELECT MAX(id) FROM requisition_attachments").await;
        let file = lead.get(&format!("{detail}/underlag/{aid}")).await;
        assert_eq!(file.bytes().await.unwrap().to_vec(), pdf);
        // The list: 2025 granted 1 000 000, claimed 410 000, remaining 590 000.
        let (_, html) = lead.page(&list).await;
        assert!(html.contains("<th scope=\"row\">2025</th><td>1\u{a0}000\u{a0}000 kr</td><td>410\u{a0}000 kr</td><td>0 kr</td><td>0 kr</td><td>590\u{a0}000 kr</td>"), "{html}");

        // Attesting before review is out of order; the officer reviews, the director attests.
        let d = app.login("forbundschef@example.org").await;
        let r = d.post(&detail, &[("action", "attest")]).await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert!(r.text().await.unwrap().contains("Rekvisitionen kan inte behandlas så i sitt nuvarande läge."));
        let officer = app.login("handlaggare@example.org").await;
        let (_, html) = officer.page(&detail).await;
        assert!(html.contains("Godkänn granskningen"));
        assert!(!html.contains("Attestera"));
        saved(&officer.post(&detail, &[("action", "review")]).await, "requisition_reviewed");
        // The officer may not attest: refused, and the status stays.
        assert_eq!(officer.post(&detail, &[("action", "attest")]).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.count("SELECT COUNT(*) FROM requisitions WHERE status = 'reviewed'").await, 1);
        saved(&d.post(&detail, &[("action", "attest")]).await, "requisition_reviewed");
        // Payment needs its date.
        let admin = app.login("forbundsadmin@example.org").await;
        let html = refused(admin.post(&detail, &[("action", "pay"), ("paid_on", "")]).await, "Fältet måste fyllas i.").await;
        assert!(html.contains("href=\"#paid_on\""));
        assert_eq!(app.count("SELECT COUNT(*) FROM requisitions WHERE status = 'attested'").await, 1);
        saved(&admin.post(&detail, &[("action", "pay"), ("paid_on", "2025-04-30")]).await, "requisition_reviewed");
        let (_, html) = lead.page(&detail).await;
        assert!(html.contains("Utbetald</dt><dd>2025-04-30"));
        let (_, html) = lead.page(&list).await;
        assert!(html.contains("<th scope=\"row\">2025</th><td>1\u{a0}000\u{a0}000 kr</td><td>410\u{a0}000 kr</td><td>410\u{a0}000 kr</td><td>410\u{a0}000 kr</td><td>590\u{a0}000 kr</td>"));

        // A second claim is rejected with a reason, which is required.
        let r = post(&lead, claim("2025-04-01", "2025-06-30", "20 000"), None).await.unwrap();
        let second = r.headers()["location"].to_str().unwrap().split('?').next().unwrap().to_string();
        refused(officer.post(&second, &[("action", "reject"), ("reason", " ")]).await, "Fältet måste fyllas i.").await;
        saved(&officer.post(&second, &[("action", "reject"), ("reason", "Underlag saknas för lokalkostnaden.")]).await, "requisition_reviewed");
        let (_, html) = lead.page(&second).await;
        assert!(html.contains("Underlag saknas för lokalkostnaden."));
        // The partner's staff see the joint intervention's claims, and take no step on them.
        let af_lead = app.login("insatsansvarig.af@example.org").await;
        let (status, html) = af_lead.page(&second).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!html.contains("name=\"action\""));
        assert!(!af_lead.page(&list).await.1.contains("Rekvirera medel"), "only the owner claims");
        let r = post(&lead, claim("2025-07-01", "2025-09-30", "20 000"), None).await.unwrap();
        let third = r.headers()["location"].to_str().unwrap().split('?').next().unwrap().to_string();
        assert_eq!(af_lead.post(&third, &[("action", "review")]).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.count("SELECT COUNT(*) FROM requisitions WHERE status = 'submitted'").await, 1);
    }

    async fn the_demo_year_answers_enkopings_question(app) {
        let key = samordna::service::personal_key::PersonalKey::demo();
        let jobbcentrum = samordna::service::demo::load_follow_up(&app.db, &key).await.unwrap();
        samordna::service::demo::load_economy(&app.db, jobbcentrum).await.unwrap();
        let board = app.login("styrelseledamot@example.org").await;
        let (status, html) = board.page("/ekonomi/utvaxling?ar=2025").await;
        assert_eq!(status, StatusCode::OK);
        // 2025, outcome: the state 10 000 000 kr, the kommuner's 5 000 000 by population (2021).
        // Jobbcentrum (Enköping alone) 1 000 000; Unga vuxna (Uppsala alone) 4 000 000;
        // Östhammar–Tierp 600 000 by their populations (22 364 : 21 485); the county-wide
        // Rehabkoordinering 1 000 000 by all eight kommuners' populations (395 026), with no
        // participants of its own; LOKUS 400 000 structural, apart. ΣR = 6 600 000.
        // Enköping: R = 1 000 000 + 1 000 000 × 47 489 / 395 026 = 1 120 217,40;
        //   U = 1 120 217,40 / 601 087 = 1,864; F = (R / 6 600 000) / (47 489 / 395 026) = 1,412.
        // Uppsala: R = 4 000 000 + 601 469,27 = 4 601 469,27; U = 1,530; F = 1,159.
        // Östhammar: R = 306 013,82 + 56 614,00 = 362 627,82; U = 362 627,82 / 283 070 = 1,281; F = 0,970.
        // Heby: R = 36 207,74; U = 36 207,74 / 181 039 = 0,200; F = 0,152.
        for (name, attributed, u, f) in [
            ("Enköpings kommun", "1\u{a0}120\u{a0}217 kr", "1,86", "1,41"),
            ("Uppsala kommun", "4\u{a0}601\u{a0}469 kr", "1,53", "1,16"),
            ("Östhammars kommun", "362\u{a0}628 kr", "1,28", "0,97"),
            ("Heby kommun", "36\u{a0}208 kr", "0,20", "0,15"),
        ] {
            let row = html.split(&format!("<th scope=\"row\">{name}</th>")).nth(1).unwrap();
            let row = &row[..row.find("</tr>").unwrap()];
            assert!(row.ends_with(&format!("<td>{attributed}</td><td>{u}</td><td>{f}</td>")), "{name}: {row}");
        }
        assert!(html.contains("<td>400\u{a0}000 kr</td>"), "structural apart");
        // The chart draws the same figures, with a text alternative.
        assert!(html.contains("<svg role=\"img\" aria-labelledby=\"chart-title chart-desc\""));
        assert!(html.contains("class=\"chart__value\">1,86</text>"));
        // A series of years: ten at most, ending in the year shown.
        let (status, html) = board.page("/ekonomi/utvaxling?ar=2025&fran=2010").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("<a href=\"#fran\">Ange ett år som är samma som eller högst nio år före det valda året.</a>"));
        let (status, html) = board.page("/ekonomi/utvaxling?ar=2025&fran=2024").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("<h1>Utväxling per kommun 2024–2025</h1>"));
        assert!(html.contains("<h2>2024</h2>") && html.contains("<h2>2025</h2>"));

        // Uppföljning Finsam 2025: the funds, equity and administrative costs as entered
        // (400 000 + 2 400 000 + 150 000 budget; 372 500 + 2 315 800 + 148 000 outcome), and
        // Jobbcentrum's year: 3 000 000 kr over 2025–2027 without yearly maxima is 1 000 000 a
        // year (365 of 1 095 days), all of it claimed.
        let (_, html) = board.page("/ekonomi/uppfoljning-finsam?ar=2025").await;
        for (label, amount) in [("Staten", "10\u{a0}000\u{a0}000 kr"), ("Region", "5\u{a0}000\u{a0}000 kr"), ("Kommuner", "5\u{a0}000\u{a0}000 kr"), ("Totalt", "20\u{a0}000\u{a0}000 kr"), ("Eget kapital", "3\u{a0}200\u{a0}000 kr"), ("Budget", "2\u{a0}950\u{a0}000 kr"), ("Utfall", "2\u{a0}836\u{a0}300 kr")] {
            assert!(html.contains(&format!("<th scope=\"row\">{label}</th><td>{amount}</td>")), "{label}");
        }
        let row = html.split("<th scope=\"row\">Jobbcentrum</th>").nth(1).unwrap();
        assert!(row.contains("<td>1\u{a0}000\u{a0}000 kr</td><td>1\u{a0}000\u{a0}000 kr</td><td>70</td>"), "{row}");
        // The requisitions of the demo went through every step under the right people.
        assert_eq!(app.count("SELECT COUNT(*) FROM requisitions WHERE status = 'paid'").await, 20);
        assert_eq!(app.count("SELECT COUNT(*) FROM requisitions WHERE reviewed_by = submitted_by OR attested_by = submitted_by").await, 0);
    }

    async fn the_associations_claims_page_and_stream_as_spreadsheets(app) {
        let key = samordna::service::personal_key::PersonalKey::demo();
        let jobbcentrum = samordna::service::demo::load_follow_up(&app.db, &key).await.unwrap();
        samordna::service::demo::load_economy(&app.db, jobbcentrum).await.unwrap();
        let d = app.api(&app.token("forbundschef@example.org").await);
        // The demo's twenty claims of 2025, newest first, eight a page.
        let body: serde_json::Value = d.get("/api/v1/requisitions?limit=8").await.json().await.unwrap();
        assert_eq!(body["total"], 20);
        let ids = |b: &serde_json::Value| b["items"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect::<Vec<_>>();
        assert_eq!(ids(&body), (13..=20).rev().collect::<Vec<i64>>());
        assert_eq!(body["next_before"], 13);
        let body: serde_json::Value = d.get("/api/v1/requisitions?limit=8&before=5").await.json().await.unwrap();
        assert_eq!(ids(&body), vec![4, 3, 2, 1]);
        assert_eq!(body["next_before"], serde_json::Value::Null);
        let body: serde_json::Value = d.get("/api/v1/requisitions?status=rejected").await.json().await.unwrap();
        assert_eq!(body["total"], 0);
        let r = d.get("/api/v1/requisitions?format=pdf").await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        // A member's case worker sees no list of the association's claims.
        let worker = app.api(&app.token("deltagaransvarig.enkoping@example.org").await);
        assert_eq!(worker.get("/api/v1/requisitions").await.status(), StatusCode::NOT_FOUND);
        let page = app.login("deltagaransvarig.enkoping@example.org").await;
        assert_eq!(page.page("/ekonomi/rekvisitioner").await.0, StatusCode::NOT_FOUND);

        // The office's page: the year's claims with links to each.
        let officer = app.login("handlaggare@example.org").await;
        let (status, html) = officer.page("/ekonomi/rekvisitioner?ar=2025").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("20 rekvisitioner."));
        assert!(html.contains(&format!("href=\"/insatser/{jobbcentrum}/rekvisitioner/1\"")));
        assert!(!html.contains("Nästa sida"));

        // 2 500 more claims, so that the export reads three batches of a thousand and streams them.
        app.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500)
            INSERT INTO requisitions (intervention_id, association_id, member_id, year, period_from, period_to,
                amount_ore, status, submitted_by, submitted_at)
            SELECT r.intervention_id, r.association_id, r.member_id, r.year, r.period_from, r.period_to, r.amount_ore,
                'submitted', r.submitted_by, r.submitted_at FROM requisitions r, n WHERE r.id = 1").await;
        let csv = d.get("/api/v1/requisitions?year=2025&format=csv").await;
        assert_eq!(csv.status(), StatusCode::OK);
        assert!(csv.headers().get("content-length").is_none(), "streamed, not buffered");
        let text = csv.text().await.unwrap();
        let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let read: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
        assert_eq!(read.len(), 2520);
        // 4 × 250 000 + 4 × 1 000 000 + 4 × 150 000 + 4 × 250 000 + 4 × 100 000 = 7 000 000, and
        // 2 500 copies of the first 250 000 kr claim.
        let sum: i64 = read.iter().map(|r| r[6].parse::<i64>().unwrap()).sum();
        assert_eq!(sum, 7_000_000 + 2_500 * 250_000);
        assert_eq!(read[0][..8], ["1", "Jobbcentrum", "Enköpings kommun", "2025", "2025-01-01", "2025-03-31", "250000", "Utbetald"]);
        assert_eq!(read[2519][7], "Inlämnad");
        // The same list opens in LibreOffice from XLSX, every row there.
        let xlsx = d.get("/api/v1/requisitions?year=2025&format=xlsx").await.bytes().await.unwrap();
        let converted = libreoffice_csv(&xlsx);
        let lines: Vec<&str> = converted.lines().collect();
        assert_eq!(lines.len(), 2521);
        assert_eq!(lines[0], "Nummer;Insats;Insatsägare;År;Från;Till;Belopp;Status;Inlämnad");
        assert!(lines[1].starts_with("1;Jobbcentrum;Enköpings kommun;2025;"), "{}", lines[1]);
        let (_, html) = officer.page("/ekonomi/rekvisitioner").await;
        assert!(html.contains("2520 rekvisitioner."));
        assert!(html.contains("Nästa sida"));

        // The lists of interventions and applications come as spreadsheets too, with the links
        // on their pages.
        let text = d.get("/api/v1/interventions?format=csv").await.text().await.unwrap();
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines[0], "Insats;Insatsägare;Inriktning;Status;Start;Slut;Beviljat högst;Diarienummer");
        assert_eq!(lines.len(), 6, "Jobbcentrum and the four others: {text}");
        assert!(lines.iter().any(|l| l.starts_with("Unga vuxna i Uppsala;Arbetsförmedlingen;Individinriktad;Pågående;2025-01-01;2026-12-31;9000000;DEMO 2025/")), "{text}");
        assert!(lines.iter().any(|l| l.starts_with("LOKUS – lokal samverkan;Arbetsförmedlingen;Strukturövergripande;")), "{text}");
        assert_eq!(d.get("/api/v1/interventions?format=pdf").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let xlsx = d.get("/api/v1/applications?scope=office&sort=name&format=xlsx").await.bytes().await.unwrap();
        let converted = libreoffice_csv(&xlsx);
        let lines: Vec<&str> = converted.lines().collect();
        assert_eq!(lines[0], "Diarienummer;Insats;Insatsägare;Status;Inkommen;Ändrad");
        assert_eq!(lines.len(), 6, "{converted}");
        assert!(lines[1].contains(";Arbetsträning Östhammar–Tierp;Arbetsförmedlingen;Beviljad;"), "sorted by name: {converted}");
        let (_, html) = officer.page("/insatser").await;
        assert!(html.contains("href=\"/api/v1/interventions?format=xlsx\""));
        let (_, html) = officer.page("/ansokningar?q=Unga+vuxna").await;
        assert!(html.contains("href=\"/api/v1/applications?scope=office&#38;format=csv&#38;q=Unga+vuxna\""), "{html}");
    }
}
