//! Logging in and out, throttling, forgery protection, session time-outs and passwords.

use reqwest::StatusCode;

use crate::both;
use crate::support::{hidden_value, DEMO_PASSWORD};

both! {
    async fn every_demo_user_can_log_in_and_out(app) {
        for email in [
            "systemadmin@example.org", "forbundsadmin@example.org", "forbundschef@example.org",
            "handlaggare@example.org", "styrelseledamot@example.org", "revisor@example.org",
            "insatsansvarig.enkoping@example.org", "firmatecknare.enkoping@example.org",
            "deltagaransvarig.enkoping@example.org", "insatsansvarig.af@example.org",
            "firmatecknare.af@example.org", "deltagaransvarig.af@example.org",
        ] {
            let s = app.login(email).await;
            let (status, html) = s.page("/").await;
            assert_eq!(status, StatusCode::OK, "{email}");
            assert!(html.contains("Välkommen"), "{email}");
            let out = s.post("/logga-ut", &[]).await;
            assert_eq!(out.status(), StatusCode::SEE_OTHER);
            assert_eq!(out.headers()["location"], "/logga-in?meddelande=logged_out");
            // The cookie no longer opens anything.
            let after = s.get("/").await;
            assert_eq!(after.status(), StatusCode::SEE_OTHER, "{email}");
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);
    }

    async fn a_wrong_password_gets_a_generic_message_and_is_audited(app) {
        let r = app.try_login("forbundschef@example.org", "fel lösenord helt klart").await.err().unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let html = r.text().await.unwrap();
        assert!(html.contains("Inloggningen misslyckades. Kontrollera e-postadress och lösenord."));
        // An unknown account gets exactly the same message.
        let r = app.try_login("finns.inte@example.org", "fel lösenord helt klart").await.err().unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert!(r.text().await.unwrap().contains("Inloggningen misslyckades. Kontrollera e-postadress och lösenord."));
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'auth.login' AND outcome = 'failure'").await, 2);
        assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);
        // The typed address is never stored in the clear.
        assert_eq!(app.count("SELECT COUNT(*) FROM login_failures WHERE account_hash LIKE '%@%'").await, 0);
    }

    async fn failed_logins_are_throttled_per_account(app) {
        for _ in 0..5 {
            let r = app.try_login("forbundschef@example.org", "fel lösenord helt klart").await.err().unwrap();
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        }
        // Now even the right password is refused, with a message that says nothing about the account.
        let r = app.try_login("forbundschef@example.org", DEMO_PASSWORD).await.err().unwrap();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(r.text().await.unwrap().contains("För många misslyckade inloggningsförsök"));
        // An account that does not exist is throttled the same way (no way to tell them apart).
        for _ in 0..5 {
            app.try_login("finns.inte@example.org", "fel lösenord helt klart").await.err().unwrap();
        }
        let r = app.try_login("finns.inte@example.org", "fel lösenord helt klart").await.err().unwrap();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        // Other accounts from the same address still get in (10 failures so far, limit 20).
        app.login("handlaggare@example.org").await;
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'auth.login' AND outcome = 'denied'").await, 2);
        // When the window has passed, the account can log in again.
        app.exec("UPDATE login_failures SET at = '2000-01-01T00:00:00+00:00'").await;
        app.login("forbundschef@example.org").await;
    }

    async fn failed_logins_are_throttled_per_client_address(app) {
        for i in 0..20 {
            let r = app.try_login(&format!("nummer{i}@example.org"), "fel lösenord helt klart").await.err().unwrap();
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        }
        let r = app.try_login("forbundschef@example.org", DEMO_PASSWORD).await.err().unwrap();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    }

    async fn a_state_change_without_the_csrf_token_is_refused(app) {
        let s = app.login("handlaggare@example.org").await;
        let fields = [("current_password", DEMO_PASSWORD), ("new_password", "ett helt nytt lösenord"), ("confirm_password", "ett helt nytt lösenord")];
        // No token.
        let r = s.client.post(app.url("/konto/losenord")).form(&fields).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert!(r.text().await.unwrap().contains("Formuläret har gått ut"));
        // A wrong token.
        let mut with_wrong: Vec<(&str, &str)> = vec![("csrf_token", "fel")];
        with_wrong.extend_from_slice(&fields);
        let r = s.client.post(app.url("/konto/losenord")).form(&with_wrong).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        // From another site, even with the right token.
        let mut right: Vec<(&str, &str)> = vec![("csrf_token", s.csrf.as_str())];
        right.extend_from_slice(&fields);
        let r = s.client.post(app.url("/konto/losenord")).header("Origin", "https://evil.example").form(&right).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = s.client.post(app.url("/konto/losenord")).header("Sec-Fetch-Site", "cross-site").form(&right).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        // Logout is a state change too.
        let r = s.client.post(app.url("/logga-ut")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        // Nothing changed: the old password still works.
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'user.password_change'").await, 0);
        app.login("handlaggare@example.org").await;
        // The API with the session cookie needs the token in a header.
        let body = serde_json::json!({"name": "X", "org_number": "2120000274", "party_kind": "kommun"});
        let admin = app.login("forbundsadmin@example.org").await;
        let r = admin.client.post(app.url("/api/v1/members")).json(&body).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert_eq!(r.json::<serde_json::Value>().await.unwrap()["code"], "csrf_failed");
        let r = admin.client.post(app.url("/api/v1/members")).header("X-CSRF-Token", &admin.csrf).json(&body).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "passes the guard; the number is taken");
    }

    async fn the_login_form_is_protected_against_login_csrf(app) {
        let client = app.client();
        // A post without the cookie set by the form.
        let r = client.post(app.url("/logga-in"))
            .form(&[("csrf_token", "abc"), ("email", "forbundschef@example.org"), ("password", DEMO_PASSWORD)])
            .send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);
    }

    async fn an_idle_session_ends(app) {
        let s = app.login("forbundschef@example.org").await;
        assert_eq!(s.get("/").await.status(), StatusCode::OK);
        let old = (chrono::Utc::now() - chrono::Duration::minutes(31)).to_rfc3339();
        app.exec(&format!("UPDATE sessions SET last_seen_at = '{old}'")).await;
        let r = s.get("/medlemmar").await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/logga-in?nasta=%2Fmedlemmar&meddelande=idle");
        assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'auth.session_expired'").await, 1);
        let (_, html) = s.page("/logga-in?nasta=%2Fmedlemmar&meddelande=idle").await;
        assert!(html.contains("Du loggades ut eftersom du inte varit aktiv"));
    }

    async fn a_session_ends_after_its_absolute_time_out_even_when_used(app) {
        let s = app.login("forbundschef@example.org").await;
        let old = (chrono::Utc::now() - chrono::Duration::hours(12) - chrono::Duration::minutes(1)).to_rfc3339();
        app.exec(&format!("UPDATE sessions SET created_at = '{old}'")).await;
        let r = s.get("/").await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/logga-in?nasta=%2F&meddelande=expired");
    }

    async fn a_recently_used_session_lives_on(app) {
        let s = app.login("forbundschef@example.org").await;
        let recent = (chrono::Utc::now() - chrono::Duration::minutes(29)).to_rfc3339();
        app.exec(&format!("UPDATE sessions SET last_seen_at = '{recent}'")).await;
        assert_eq!(s.get("/").await.status(), StatusCode::OK);
    }

    async fn changing_the_password_works_and_ends_other_sessions(app) {
        let s = app.login("handlaggare@example.org").await;
        let other = app.login("handlaggare@example.org").await;
        let r = s.post("/konto/losenord", &[
            ("current_password", DEMO_PASSWORD), ("new_password", "ett helt nytt lösenord"), ("confirm_password", "ett helt nytt lösenord"),
        ]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/?meddelande=password_changed");
        assert_eq!(s.get("/").await.status(), StatusCode::OK, "this session goes on");
        assert_eq!(other.get("/").await.status(), StatusCode::SEE_OTHER, "the other session ended");
        assert!(app.try_login("handlaggare@example.org", DEMO_PASSWORD).await.is_err());
        app.try_login("handlaggare@example.org", "ett helt nytt lösenord").await.expect("new password works");
    }

    async fn a_bad_password_change_shows_every_error_and_changes_nothing(app) {
        let s = app.login("handlaggare@example.org").await;
        let r = s.post("/konto/losenord", &[("current_password", "fel"), ("new_password", "kort"), ("confirm_password", "annat")]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(html.contains("Det finns fel i formuläret"));
        assert!(html.contains("href=\"#current_password\">Det nuvarande lösenordet är fel."));
        assert!(html.contains("href=\"#new_password\">Lösenordet måste ha minst 12 tecken."));
        assert!(html.contains("href=\"#confirm_password\">Lösenorden stämmer inte överens."));
        assert!(html.contains("aria-invalid=\"true\""));
        assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE email = 'handlaggare@example.org' AND password_changed_at IS NULL").await, 1);
        app.login("handlaggare@example.org").await;
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'user.password_change' AND outcome = 'failure'").await, 1);
    }

    async fn a_new_user_must_change_the_one_time_password_first(app) {
        let admin = app.login("forbundsadmin@example.org").await;
        let (_, form) = admin.page("/anvandare/ny").await;
        let association = hidden_value(&form, "forbund").unwrap();
        let r = admin.post("/anvandare/ny", &[
            ("name", "Nina Ny"), ("email", "nina.ny@example.org"), ("role", "case_officer"), ("member_id", ""), ("forbund", &association),
        ]).await;
        assert_eq!(r.status(), StatusCode::OK);
        let html = r.text().await.unwrap();
        let start = html.find("<code class=\"secret\">").unwrap() + "<code class=\"secret\">".len();
        let password = html[start..start + 24].to_string();
        let s = app.try_login("nina.ny@example.org", &password).await.expect("one-time password works");
        // Every page leads to the password change until it is done.
        let r = s.get("/medlemmar").await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/konto/losenord");
        let r = s.post("/konto/losenord", &[("current_password", &password), ("new_password", "ninas egna lösenord"), ("confirm_password", "ninas egna lösenord")]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(s.get("/medlemmar").await.status(), StatusCode::OK);
    }
}
