//! The audit log: every state change writes its event; `samordna audit verify` finds tampering.

use crate::both;

both! {
    async fn actions_write_events_with_who_what_and_where(app) {
        let s = app.login("forbundsadmin@example.org").await;
        s.post("/logga-ut", &[]).await;
        let n = app.count("SELECT COUNT(*) FROM audit_events WHERE action IN ('auth.login', 'auth.logout') AND outcome = 'success' AND client_addr = '127.0.0.1' AND actor_user_id IS NOT NULL").await;
        assert_eq!(n, 2);
    }

    async fn audit_verify_reports_an_intact_log_and_then_the_tampered_event(app) {
        app.login("forbundsadmin@example.org").await;
        app.try_login("forbundschef@example.org", "fel lösenord helt klart").await.err().unwrap();
        app.login("forbundschef@example.org").await;
        let out = app.command(&["audit", "verify"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "The audit log is intact: 4 event(s) verified.");

        // Someone with database access rewrites event 3 behind the application's back.
        match app.backend {
            crate::support::Backend::Sqlite => app.exec(
                "DROP TRIGGER audit_events_no_update; UPDATE audit_events SET outcome = 'success' WHERE id = 3;").await,
            crate::support::Backend::Postgres => app.exec(
                "DROP TRIGGER audit_events_no_update ON audit_events; UPDATE audit_events SET outcome = 'success' WHERE id = 3;").await,
        }
        let out = app.command(&["audit", "verify"]);
        assert!(!out.status.success());
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            "The audit log is broken: event 3 has been changed: its hash does not match its content."
        );
    }

    async fn audit_verify_finds_removed_events(app) {
        app.login("forbundsadmin@example.org").await;
        app.login("forbundschef@example.org").await;
        match app.backend {
            crate::support::Backend::Sqlite => app.exec("DROP TRIGGER audit_events_no_delete; DELETE FROM audit_events WHERE id = 3;").await,
            crate::support::Backend::Postgres => app.exec("DROP TRIGGER audit_events_no_update ON audit_events; DELETE FROM audit_events WHERE id = 3;").await,
        }
        let out = app.command(&["audit", "verify"]);
        assert!(!out.status.success());
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "The audit log is broken: the log ends at event 2 but event 3 was written: events were removed.");
    }
}
