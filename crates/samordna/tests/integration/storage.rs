//! Storage conformance: the same behaviour on both databases.

use chrono::TimeZone;
use samordna::domain::time;
use samordna::service::accounts::{self, Creator, NewUserInput};
use samordna::storage::users::{self, NewUser};
use samordna::storage::{members, migrations};

use crate::both;
use crate::support::org_number;

both! {
    async fn members_sort_in_swedish_order(app) {
        let mut tx = app.db.read().await.unwrap();
        let names: Vec<String> = members::list_members(&mut tx, app.association_id().await).await.unwrap()
            .into_iter().map(|m| m.name).collect();
        tx.commit().await.unwrap();
        assert_eq!(names, [
            "Arbetsförmedlingen", "Enköpings kommun", "Försäkringskassan", "Heby kommun", "Håbo kommun",
            "Knivsta kommun", "Region Uppsala", "Tierps kommun", "Uppsala kommun", "Älvkarleby kommun",
            "Östhammars kommun",
        ]);
    }

    async fn timestamps_round_trip_in_utc(app) {
        let at = chrono::Utc.with_ymd_and_hms(2026, 3, 29, 0, 59, 59).unwrap() + chrono::Duration::microseconds(123_456);
        let mut tx = app.db.write().await.unwrap();
        let id = users::insert(&mut tx, &NewUser {
            email: "tid@example.org", name: "Tid", password_hash: None, must_change_password: false, created_at: at,
        }).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = app.db.read().await.unwrap();
        let back = users::get(&mut tx, id).await.unwrap().unwrap();
        tx.commit().await.unwrap();
        assert_eq!(back.created_at, at);
        // And ordering by time works across the change to summer time.
        assert_eq!(time::format_local(at), "2026-03-29 01:59");
    }

    async fn migrations_run_once(app) {
        assert_eq!(migrations::run(&app.db).await.unwrap(), 0);
        assert!(!migrations::is_empty(&app.db).await.unwrap());
    }

    async fn a_second_user_with_the_same_email_is_refused_and_nothing_saved(app) {
        let before = app.count("SELECT COUNT(*) FROM users").await;
        let input = NewUserInput {
            email: "Forbundschef@Example.org".into(), name: "Dubblett".into(), role: "director".into(),
            association_id: Some(app.association_id().await), member_id: None,
        };
        let err = accounts::create_user(&app.db, Creator::Operator, &input).await.err().expect("refused");
        assert!(matches!(err, samordna::service::ServiceError::Invalid(ref f) if f[0].code == "email_taken"), "{err:?}");
        assert_eq!(app.count("SELECT COUNT(*) FROM users").await, before);
    }

    async fn many_concurrent_writers_all_succeed(app) {
        // Forty requests that each write a member and an audit event at the same moment: none
        // may fail with "database is busy", and the audit chain must stay whole.
        let token = app.token("forbundsadmin@example.org").await;
        let api = std::sync::Arc::new(app.api(&token));
        let mut handles = Vec::new();
        for i in 0..40u64 {
            let api = api.clone();
            handles.push(tokio::spawn(async move {
                let body = serde_json::json!({
                    "name": format!("Testkommun {i}"), "org_number": org_number(212_100_000 + i), "party_kind": "kommun",
                });
                api.post("/api/v1/members", &body).await.status()
            }));
        }
        for h in handles {
            assert_eq!(h.await.unwrap(), reqwest::StatusCode::CREATED);
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM members").await, 51);
        let verified = samordna::service::audit::verify(&app.db).await.unwrap();
        assert_eq!(verified.broken, None);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'member.create'").await, 40);
    }

    async fn audit_events_cannot_be_changed_or_deleted(app) {
        app.login("forbundsadmin@example.org").await;
        let result = match &app.db {
            samordna::storage::Db::Sqlite(p) => sqlx::query("UPDATE audit_events SET action = 'x'").execute(p).await.map(|_| ()),
            samordna::storage::Db::Postgres(p) => sqlx::query("UPDATE audit_events SET action = 'x'").execute(p).await.map(|_| ()),
        };
        assert!(result.unwrap_err().to_string().contains("append-only"));
        let result = match &app.db {
            samordna::storage::Db::Sqlite(p) => sqlx::query("DELETE FROM audit_events").execute(p).await.map(|_| ()),
            samordna::storage::Db::Postgres(p) => sqlx::query("DELETE FROM audit_events").execute(p).await.map(|_| ()),
        };
        assert!(result.unwrap_err().to_string().contains("append-only"));
    }
}
