//! The Swedish pages: navigation by role, forms with errors beside the fields, 404s.

use reqwest::StatusCode;

use crate::both;
use crate::support::hidden_value;

both! {
    async fn navigation_follows_the_role(app) {
        let admin = app.login("forbundsadmin@example.org").await;
        let (_, html) = admin.page("/").await;
        for link in ["href=\"/medlemmar\"", "href=\"/anvandare\"", "href=\"/granskningslogg\"", "href=\"/tillganglighet\""] {
            assert!(html.contains(link), "{link}");
        }
        assert!(html.contains("aria-current=\"page\""));
        assert!(html.contains("Förbundsadministratör – Samordningsförbundet Uppsala län"));
        let worker = app.login("deltagaransvarig.enkoping@example.org").await;
        let (_, html) = worker.page("/").await;
        assert!(html.contains("href=\"/medlemmar\""));
        assert!(!html.contains("href=\"/anvandare\""));
        assert!(!html.contains("href=\"/granskningslogg\""));
        assert!(html.contains("Deltagaransvarig – Enköpings kommun"));
        // Pages for administrators answer 404 to others.
        for path in ["/anvandare", "/anvandare/ny", "/granskningslogg", "/medlemmar/ny"] {
            let (status, html) = worker.page(path).await;
            assert!(status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN, "{path}: {status}");
            assert!(html.contains("<html lang=\"sv\">"));
        }
    }

    async fn pages_need_a_login_and_come_back_after_it(app) {
        let client = app.client();
        let r = client.get(app.url("/medlemmar?forbund=1")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/logga-in?nasta=%2Fmedlemmar%3Fforbund%3D1");
        let form = client.get(app.url("/logga-in?nasta=%2Fmedlemmar%3Fforbund%3D1")).send().await.unwrap().text().await.unwrap();
        assert_eq!(hidden_value(&form, "nasta").unwrap(), "/medlemmar?forbund=1");
        let token = hidden_value(&form, "csrf_token").unwrap();
        let r = client.post(app.url("/logga-in")).form(&[
            ("csrf_token", token.as_str()), ("email", "revisor@example.org"), ("password", crate::support::DEMO_PASSWORD), ("nasta", "/medlemmar?forbund=1"),
        ]).send().await.unwrap();
        assert_eq!(r.headers()["location"], "/medlemmar?forbund=1");
    }

    async fn an_empty_login_shows_errors_beside_the_fields(app) {
        let client = app.client();
        let form = client.get(app.url("/logga-in")).send().await.unwrap().text().await.unwrap();
        let token = hidden_value(&form, "csrf_token").unwrap();
        let r = client.post(app.url("/logga-in")).form(&[("csrf_token", token.as_str()), ("email", ""), ("password", "")]).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(html.contains("<a href=\"#email\">Ange e-postadress.</a>"));
        assert!(html.contains("<a href=\"#password\">Ange lösenord.</a>"));
        assert!(html.contains("id=\"email-error\""));
        assert!(html.contains("aria-describedby=\"email-error\""));
    }

    async fn the_member_form_validates_and_saves_nothing_on_error(app) {
        let admin = app.login("forbundsadmin@example.org").await;
        let association = app.association_id().await;
        let before = app.count("SELECT COUNT(*) FROM members").await;
        let path = format!("/medlemmar/ny?forbund={association}");
        let r = admin.post(&path, &[("name", ""), ("org_number", "212000-0275"), ("party_kind", ""), ("population_year", "tjugo"), ("population", "5")]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(html.contains("<a href=\"#name\">Ange namn.</a>"));
        assert!(html.contains("<a href=\"#org_number\">Organisationsnumret är inte giltigt: kontrollsiffran stämmer inte.</a>"));
        assert!(html.contains("<a href=\"#party_kind\">Välj parttyp.</a>"));
        assert!(html.contains("<a href=\"#population_year\">Ange ett år mellan 1900 och 2200.</a>"));
        assert!(html.contains("id=\"population\" name=\"population\" type=\"text\" value=\"5\""));
        assert!(html.contains("value=\"212000-0275\""), "what was typed is kept");
        // Population for a region is refused, and the error points at the population field.
        let r = admin.post(&path, &[("name", "Region X"), ("org_number", "232100-0024"), ("party_kind", "region"), ("population_year", "2021"), ("population", "5")]).await;
        let html = r.text().await.unwrap();
        assert!(html.contains("<a href=\"#population\">Folkmängd anges bara för kommuner.</a>"), "{html}");
        assert_eq!(app.count("SELECT COUNT(*) FROM members").await, before);
        let r = admin.post(&path, &[("name", "Sala kommun"), ("org_number", "212000-2072"), ("party_kind", "kommun"), ("population_year", "2021"), ("population", "22 945")]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (_, html) = admin.page(r.headers()["location"].to_str().unwrap()).await;
        assert!(html.contains("Medlemmen är tillagd."));
        assert!(html.contains("Sala kommun"));
        assert!(html.contains("2021: 22\u{a0}945 invånare"));
    }

    async fn the_user_form_validates_and_saves_nothing_on_error(app) {
        let admin = app.login("forbundsadmin@example.org").await;
        let association = app.association_id().await.to_string();
        let before = app.count("SELECT COUNT(*) FROM users").await;
        let r = admin.post("/anvandare/ny", &[("name", ""), ("email", "inte en adress"), ("role", "case_worker"), ("member_id", ""), ("forbund", &association)]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(html.contains("<a href=\"#email\">Ange en e-postadress i formatet namn@exempel.se.</a>"));
        assert!(html.contains("<a href=\"#name\">Ange namn.</a>"));
        assert!(html.contains("<a href=\"#member_id\">Välj medlemsorganisation för rollen.</a>"));
        assert_eq!(app.count("SELECT COUNT(*) FROM users").await, before);
        // An association administrator cannot make a system administrator.
        let r = admin.post("/anvandare/ny", &[("name", "Smyg"), ("email", "smyg@example.org"), ("role", "system_admin"), ("member_id", ""), ("forbund", &association)]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.count("SELECT COUNT(*) FROM users").await, before);
    }

    async fn the_audit_page_filters_events(app) {
        let admin = app.login("forbundsadmin@example.org").await;
        app.try_login("forbundschef@example.org", "fel lösenord helt klart").await.err().unwrap();
        let (status, html) = admin.page("/granskningslogg").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("<td>Demodata inlästa</td>"));
        let (_, html) = admin.page("/granskningslogg?action=auth.login&outcome=failure").await;
        assert!(html.contains("<td>Inloggning</td>"));
        assert!(html.contains("Misslyckades"));
        assert!(!html.contains("<td>Lyckades</td>"));
        let (status, html) = admin.page("/granskningslogg?from=2026-13-45").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("Ange datumet som åååå-mm-dd"));
        let (_, html) = admin.page("/granskningslogg?user=forbundschef%40example.org").await;
        assert!(html.contains("forbundschef@example.org"));
        assert!(!html.contains("Demodata inlästa</td>"));
    }

    async fn unknown_pages_are_a_swedish_404(app) {
        let r = reqwest::get(app.url("/finns-inte")).await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let html = r.text().await.unwrap();
        assert!(html.contains("Sidan finns inte"));
        let s = app.login("forbundschef@example.org").await;
        let (status, _) = s.page("/medlemmar?forbund=999999").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }

    async fn the_accessibility_statement_is_public_and_linked_from_every_page(app) {
        let r = reqwest::get(app.url("/tillganglighet")).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let html = r.text().await.unwrap();
        assert!(html.contains("Tillgänglighetsredogörelse"));
        assert!(html.contains("https://www.digg.se/tdosanmalan"));
        let login = reqwest::get(app.url("/logga-in")).await.unwrap().text().await.unwrap();
        assert!(login.contains("href=\"/tillganglighet\""));
        assert!(login.contains("Hoppa till huvudinnehållet"));
    }
}
