//! The JSON API: authentication, problem+json errors, access, the OpenAPI document, health.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::both;

async fn problem(r: reqwest::Response) -> (StatusCode, Value) {
    let status = r.status();
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    (status, r.json().await.unwrap())
}

both! {
    async fn me_answers_with_the_callers_roles(app) {
        let api = app.api(&app.token("deltagaransvarig.enkoping@example.org").await);
        let r = api.get("/api/v1/me").await;
        assert_eq!(r.status(), StatusCode::OK);
        let me: Value = r.json().await.unwrap();
        assert_eq!(me["email"], "deltagaransvarig.enkoping@example.org");
        assert_eq!(me["roles"][0]["role"], "case_worker");
        assert_eq!(me["roles"][0]["association_id"], app.association_id().await);
        assert!(me["roles"][0]["member_id"].is_i64());
    }

    async fn without_a_valid_token_the_api_answers_401(app) {
        let (status, body) = problem(reqwest::get(app.url("/api/v1/me")).await.unwrap()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["code"], "unauthenticated");
        assert_eq!(body["type"], "/problems/unauthenticated");
        let (status, _) = problem(app.api("not-a-token").get("/api/v1/me").await).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }

    async fn members_are_listed_for_every_role_of_the_association(app) {
        let api = app.api(&app.token("styrelseledamot@example.org").await);
        let members: Vec<Value> = api.get("/api/v1/members").await.json().await.unwrap();
        assert_eq!(members.len(), 11);
        let enkoping = members.iter().find(|m| m["name"] == "Enköpings kommun").unwrap();
        assert_eq!(enkoping["org_number"], "212000-0274");
        assert_eq!(enkoping["party_kind"], "kommun");
        assert_eq!(enkoping["populations"], json!([{"year": 2018, "population": 44429}, {"year": 2021, "population": 47489}]));
        let fk = members.iter().find(|m| m["name"] == "Försäkringskassan").unwrap();
        assert_eq!(fk["party_kind"], "fk");
    }

    async fn another_associations_objects_answer_404(app) {
        // A second association the demo users have no role in.
        let other = {
            let mut tx = app.db.write().await.unwrap();
            let id = samordna::storage::members::insert_association(&mut tx, "Samordningsförbundet Annat", "2220001234", "SFA", samordna::domain::time::now()).await.unwrap();
            tx.commit().await.unwrap();
            id
        };
        let api = app.api(&app.token("forbundsadmin@example.org").await);
        let (status, body) = problem(api.get(&format!("/api/v1/members?association_id={other}")).await).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body["code"], "not_found");
        // The same answer as for an association that does not exist at all.
        let (status, _) = problem(api.get("/api/v1/members?association_id=999999").await).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = problem(api.get(&format!("/api/v1/users?association_id={other}")).await).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let before = app.count("SELECT COUNT(*) FROM members").await;
        let (status, _) = problem(api.post(&format!("/api/v1/members?association_id={other}"),
            &json!({"name": "Smygkommun", "org_number": "2120000274", "party_kind": "kommun"})).await).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(app.count("SELECT COUNT(*) FROM members").await, before);
        // The system administrator sees it.
        let sys = app.api(&app.token("systemadmin@example.org").await);
        assert_eq!(sys.get(&format!("/api/v1/members?association_id={other}")).await.status(), StatusCode::OK);
    }

    async fn invalid_members_get_422_naming_each_field_and_nothing_is_saved(app) {
        let api = app.api(&app.token("forbundsadmin@example.org").await);
        let before = app.count("SELECT COUNT(*) FROM members").await;
        let audit_before = app.count("SELECT COUNT(*) FROM audit_events").await;
        let (status, body) = problem(api.post("/api/v1/members",
            &json!({"name": "  ", "org_number": "212000-0275", "party_kind": "kommunförbund"})).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["code"], "invalid_input");
        let codes: Vec<(String, String)> = body["errors"].as_array().unwrap().iter()
            .map(|e| (e["field"].as_str().unwrap().to_string(), e["code"].as_str().unwrap().to_string())).collect();
        assert_eq!(codes, [
            ("name".to_string(), "required".to_string()),
            ("org_number".to_string(), "org_number_check_digit".to_string()),
            ("party_kind".to_string(), "party_kind_unknown".to_string()),
        ]);
        assert_eq!(body["errors"][1]["message"], "Organisationsnumret är inte giltigt: kontrollsiffran stämmer inte.");
        // A taken number, a malformed number, and population for a non-kommun.
        let (_, body) = problem(api.post("/api/v1/members", &json!({"name": "Enköping igen", "org_number": "2120000274", "party_kind": "kommun"})).await).await;
        assert_eq!(body["errors"][0]["code"], "org_number_taken");
        let (_, body) = problem(api.post("/api/v1/members", &json!({"name": "X", "org_number": "12-34", "party_kind": "fk", "populations": [{"year": 2021, "population": 5}]})).await).await;
        assert_eq!(body["errors"][0]["code"], "org_number_format");
        assert_eq!(body["errors"][1]["code"], "population_only_kommun");
        assert_eq!(app.count("SELECT COUNT(*) FROM members").await, before);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_events").await, audit_before);
    }

    async fn a_valid_member_is_created_with_its_audit_event(app) {
        let api = app.api(&app.token("forbundsadmin@example.org").await);
        let r = api.post("/api/v1/members", &json!({
            "name": "Sala kommun", "org_number": "2120002072", "party_kind": "kommun", "populations": [{"year": 2021, "population": 22945}],
        })).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let m: Value = r.json().await.unwrap();
        assert_eq!(m["org_number"], "212000-2072");
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM audit_events WHERE action = 'member.create' AND object_id = '{}' AND actor_role = 'association_admin'", m["id"])).await, 1);
        assert_eq!(app.count("SELECT population FROM member_populations WHERE year = 2021 ORDER BY member_id DESC LIMIT 1").await, 22945);
    }

    async fn malformed_bodies_are_problems_too(app) {
        let api = app.api(&app.token("forbundsadmin@example.org").await);
        let r = api.client.post(app.url("/api/v1/members")).bearer_auth(&api.token)
            .header("content-type", "application/json").body("{not json").send().await.unwrap();
        let (status, body) = problem(r).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["code"], "malformed_body");
        let (status, body) = problem(api.post("/api/v1/members", &json!({"name": 5})).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["code"], "invalid_body");
    }

    async fn users_are_for_administrators_only(app) {
        let admin = app.api(&app.token("forbundsadmin@example.org").await);
        let r = admin.get("/api/v1/users?limit=5").await;
        assert_eq!(r.status(), StatusCode::OK);
        let page: Value = r.json().await.unwrap();
        assert_eq!(page["total"], 11, "the association's users, not the system administrator");
        assert_eq!(page["items"].as_array().unwrap().len(), 5);
        // Swedish name order: Ali Karimi, Anders Holm, Eva Sjöberg, Fatima Hassan, Ingrid Wallin, ...
        let names: Vec<&str> = page["items"].as_array().unwrap().iter().map(|u| u["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["Ali Karimi", "Anders Holm", "Eva Sjöberg", "Fatima Hassan", "Ingrid Wallin"]);
        let next: Value = admin.get("/api/v1/users?limit=5&offset=10").await.json().await.unwrap();
        assert_eq!(next["items"].as_array().unwrap().len(), 1);
        assert_eq!(next["items"][0]["name"], "Per Åkesson");
        let sys: Value = app.api(&app.token("systemadmin@example.org").await).get("/api/v1/users").await.json().await.unwrap();
        assert_eq!(sys["total"], 12);
        for email in ["forbundschef@example.org", "deltagaransvarig.enkoping@example.org", "revisor@example.org"] {
            let (status, body) = problem(app.api(&app.token(email).await).get("/api/v1/users").await).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{email}");
            assert_eq!(body["code"], "forbidden");
        }
    }

    async fn unknown_api_paths_are_404_problems(app) {
        let api = app.api(&app.token("forbundsadmin@example.org").await);
        let (status, body) = problem(api.get("/api/v1/nothing-here").await).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body["code"], "not_found");
    }

    async fn the_openapi_document_describes_the_api(app) {
        let doc: Value = reqwest::get(app.url("/api/v1/openapi.json")).await.unwrap().json().await.unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
        for path in ["/api/v1/me", "/api/v1/members", "/api/v1/users"] {
            assert!(doc["paths"][path].is_object(), "{path}");
        }
        assert!(doc["paths"]["/api/v1/members"]["post"].is_object());
        assert!(doc["components"]["schemas"]["Problem"].is_object());
        assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    }

    async fn health_readiness_and_metrics_answer(app) {
        assert_eq!(reqwest::get(app.url("/healthz")).await.unwrap().text().await.unwrap(), "ok");
        assert_eq!(reqwest::get(app.url("/readyz")).await.unwrap().text().await.unwrap(), "ready");
        app.api(&app.token("forbundsadmin@example.org").await).get("/api/v1/members").await;
        let metrics = reqwest::get(app.url("/metrics")).await.unwrap().text().await.unwrap();
        assert!(metrics.contains("samordna_http_requests_total{method=\"GET\",route=\"/api/v1/members\",status=\"200\"} 1"), "{metrics}");
        assert!(metrics.contains("samordna_http_request_duration_seconds_bucket{route=\"/api/v1/members\",le=\"+Inf\"} 1"));
        assert!(metrics.contains("samordna_db_connections{state=\"open\"}"));
    }

    async fn security_headers_are_on_every_response(app) {
        for path in ["/logga-in", "/api/v1/me", "/finns-inte", "/static/app.css", "/healthz"] {
            let r = reqwest::get(app.url(path)).await.unwrap();
            let h = r.headers();
            let csp = h["content-security-policy"].to_str().unwrap();
            assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{path}");
            assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
            assert_eq!(h["x-frame-options"], "DENY", "{path}");
            assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        }
    }

    async fn a_user_who_must_change_password_cannot_use_the_api(app) {
        let created = samordna::service::accounts::create_user(&app.db, samordna::service::accounts::Creator::Operator,
            &samordna::service::accounts::NewUserInput { email: "ny@example.org".into(), name: "Ny".into(), role: "director".into(),
                association_id: Some(app.association_id().await), member_id: None }).await.unwrap();
        let (status, body) = problem(app.api(&app.token(&created.email).await).get("/api/v1/me").await).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(body["code"], "password_change_required");
    }
}
