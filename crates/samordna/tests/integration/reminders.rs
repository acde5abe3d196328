//! E-mail reminders sent to a real SMTP server started by the test and read back: a report
//! overdue and one due soon, the last day to claim, an agreement and an application waiting for
//! signatures, and a completion asked for; each once, recorded and audited, and none recorded
//! when the server cannot be reached.

use std::sync::{Arc, Mutex};

use chrono::{Duration, NaiveDate};
use mailin_embedded::{response, Handler, Response, Server};
use serde_json::json;

use crate::both;
use crate::proposals::member;

/// The messages the server received: recipients and the raw message.
type Received = Arc<Mutex<Vec<(Vec<String>, Vec<u8>)>>>;

#[derive(Clone)]
struct Inbox {
    received: Received,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Inbox {
    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.to = to.to_vec();
        self.data.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        self.received.lock().unwrap().push((self.to.clone(), std::mem::take(&mut self.data)));
        response::OK
    }
}

/// An SMTP server on a free port of this machine, for as long as the test process runs.
fn smtp_server() -> (u16, Received) {
    let received: Received = Arc::default();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut server = Server::new(Inbox { received: received.clone(), to: Vec::new(), data: Vec::new() });
    server.with_name("test.smtp").with_num_threads(2).with_tcp_listener(listener);
    std::thread::spawn(move || {
        // It serves until the test process ends; an error here shows as missing messages.
        let _ = server.serve();
    });
    (port, received)
}

/// (recipient, subject, body) of each message, decoded.
fn read(received: &Received) -> Vec<(String, String, String)> {
    received
        .lock()
        .unwrap()
        .iter()
        .map(|(to, raw)| {
            let m = mailparse::parse_mail(raw).unwrap();
            let subject = m.headers.iter().find(|h| h.get_key() == "Subject").unwrap().get_value();
            (to.join(","), subject, m.get_body().unwrap().replace("\r\n", "\n"))
        })
        .collect()
}

fn grant(name: &str, owner: i64, partner: i64, start: NaiveDate, end: NaiveDate) -> samordna::service::demo::Grant {
    samordna::service::demo::Grant {
        association_id: 1,
        owner_member_id: owner,
        partners: vec![partner],
        name: name.into(),
        period: (start, end),
        by_user: 1,
        max_total_ore: 100_000_000,
        per_year: Vec::new(),
        orientation: "individual",
        content: json!({"name": name, "owner": {"member_id": owner}}),
    }
}

both! {
    async fn reminders_go_once_to_a_real_smtp_server(app) {
        let today = samordna::domain::time::today();
        let enkoping = member(&app, "Enköpings kommun").await;
        let af = member(&app, "Arbetsförmedlingen").await;
        // Ettan ended 40 days ago: its final report was due 30 days after, ten days ago.
        let ettan = samordna::service::demo::grant_intervention(&app.db, &grant("Ettan", enkoping, af, today - Duration::days(400), today - Duration::days(40))).await.unwrap();
        // Tvåan ended 25 days ago: its final report is due in five days, and with a claim tail
        // of one month the last day to claim is four to six days ahead.
        let tvaan = samordna::service::demo::grant_intervention(&app.db, &grant("Tvåan", enkoping, af, today - Duration::days(200), today - Duration::days(25))).await.unwrap();
        let d = app.api(&app.token("forbundschef@example.org").await);
        let rules = json!({"claim_tail_months": 1, "attachment_threshold_sek": 50_000});
        assert_eq!(d.put("/api/v1/economy-settings", &rules).await.status(), reqwest::StatusCode::NO_CONTENT);
        // Trean waits for Arbetsförmedlingen's signature of the agreement since long ago.
        let trean = samordna::service::demo::grant_intervention(&app.db, &grant("Trean", enkoping, af, today, today + Duration::days(300))).await.unwrap();
        app.exec(&format!("DELETE FROM agreement_signatures WHERE intervention_id = {trean} AND member_id = {af};
            UPDATE interventions SET all_signed_at = NULL, created_at = '2020-01-01 00:00:00+00:00' WHERE id = {trean}")).await;
        // Ettan's application is back with its owner for completion; Tvåan's waits for both
        // parties' signatures since long ago.
        app.exec(&format!("UPDATE applications SET status = 'completion_requested' WHERE id = (SELECT application_id FROM interventions WHERE id = {ettan});
            UPDATE applications SET status = 'signing', updated_at = '2020-01-01 00:00:00+00:00' WHERE id = (SELECT application_id FROM interventions WHERE id = {tvaan})")).await;

        // A server that cannot be reached: nothing is recorded, and the command says so.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let out = app.command(&["reminders", "send", "--smtp-url", &format!("smtp://127.0.0.1:{closed}")]);
        assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains("Sent 0 reminder(s)"));
        assert_eq!(app.count("SELECT COUNT(*) FROM reminders_sent").await, 0);
        // The log names no one's e-mail address.
        assert!(!String::from_utf8_lossy(&out.stderr).contains("@example.org"));

        let (port, received) = smtp_server();
        let url = format!("smtp://127.0.0.1:{port}");
        let out = app.command(&["reminders", "send", "--smtp-url", &url, "--smtp-from", "Samordningsförbundet <kansli@example.org>", "--public-url", "https://samordna.example.se"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let mails = read(&received);
        let find = |to: &str, subject: &str| {
            mails.iter().find(|(t, s, _)| t == to && s == subject).unwrap_or_else(|| panic!("{to}: {subject} in {mails:#?}")).2.clone()
        };
        let lead = "insatsansvarig.enkoping@example.org";
        let final_due = today - Duration::days(10);
        let body = find(lead, "Försenad slutrapport för Ettan");
        assert!(body.starts_with("Hej Karin Berg!\n\nSlutrapporten för Ettan skulle ha lämnats senast "), "{body}");
        assert!(body.contains(&format!("senast {final_due} och är inte inlämnad.")));
        assert!(body.contains(&format!("https://samordna.example.se/insatser/{ettan}/rapporter/final")));
        let due = today + Duration::days(5);
        let body = find(lead, &format!("Påminnelse: slutrapport för Tvåan senast {due}"));
        assert!(body.contains(&format!("Slutrapporten för Tvåan ska lämnas senast {due}.")));
        let last = samordna::domain::participant::add_months(today - Duration::days(25), 1);
        let body = find(lead, &format!("Sista dag att rekvirera medel för Tvåan: {last}"));
        assert!(body.contains("Av det beviljade beloppet återstår 1\u{a0}000\u{a0}000 kr."), "{body}");
        let body = find("firmatecknare.af@example.org", "Överenskommelsen för Trean väntar på underskrift");
        assert!(body.contains("väntar på underskrift för Arbetsförmedlingen."));
        assert!(!mails.iter().any(|(t, s, _)| t == "firmatecknare.enkoping@example.org" && s.contains("Trean")), "Enköping has signed");
        find("firmatecknare.enkoping@example.org", "Ansökan Tvåan väntar på underskrift");
        find("firmatecknare.af@example.org", "Ansökan Tvåan väntar på underskrift");
        let (_, subject, body) = mails.iter().find(|(t, s, _)| t == lead && s.starts_with("Komplettering begärd: ")).unwrap();
        assert!(subject.starts_with("Komplettering begärd: DEMO "), "the registration number: {subject}");
        assert!(body.contains("Förbundet har begärt att ansökan Ettan"), "{body}");
        // The sender, and the record of each: one row and one audit event per message.
        let raw = String::from_utf8_lossy(&received.lock().unwrap()[0].1).to_string();
        assert!(raw.contains("kansli@example.org"));
        let n = mails.len() as i64;
        assert_eq!(app.count("SELECT COUNT(*) FROM reminders_sent").await, n);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'reminder.send'").await, n);
        assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("Sent {n} reminder(s)")));

        // Once per event: a second round sends nothing.
        let out = app.command(&["reminders", "send", "--smtp-url", &url]);
        assert!(out.status.success());
        assert!(String::from_utf8_lossy(&out.stdout).contains("Sent 0 reminder(s)"));
        assert_eq!(read(&received).len(), mails.len());
        // Without a server nothing is sent, and the command says what is missing.
        let out = app.command(&["reminders", "send"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("--smtp-url"));
    }
}
