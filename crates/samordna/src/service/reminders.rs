//! E-mail reminders: a report due soon or overdue, the last day to claim final costs, an
//! agreement or application waiting for a signature, and a completion the office asked for.
//! Each is sent once per event and recipient, recorded, and written to the audit log. The texts
//! are in Swedish and name interventions and applications, never participants. Nothing is sent
//! when no SMTP server is configured.

use chrono::{Duration, NaiveDate};
use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde_json::json;

use crate::domain::audit::Action;
use crate::domain::money::Money;
use crate::domain::participant::add_months;
use crate::domain::report::{schedule, Frequency, ReportKind, ReportStatus, DEFAULT_DUE_DAYS, DEFAULT_FREQUENCY};
use crate::domain::time::{self, Timestamp};
use crate::storage::reports::{self as store, Recipient};
use crate::storage::Db;

use super::audit::{Actor, Event};
use super::economy::DEFAULT_CLAIM_TAIL_MONTHS;
use super::ServiceResult;

/// Overdue reports are reminded of for this long after their due date; older ones are shown on
/// the pages but not mailed, so that a first run does not send the whole history.
const OVERDUE_WINDOW_DAYS: i64 = 60;

/// Where and how reminders are sent.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The site's address, for links in the texts.
    public_url: Option<String>,
    /// How many days before a due date to remind, and how long a signature waits first.
    pub days_before: i64,
}

impl Mailer {
    /// `smtp_url` as lettre reads it: `smtps://user:pass@host:465`,
    /// `smtp://user:pass@host:587?tls=required`, or `smtp://host:25` (no encryption, for a relay
    /// on the same host).
    pub fn new(smtp_url: &str, from: &str, public_url: Option<&str>, days_before: i64) -> Result<Mailer, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| format!("--smtp-url: {e}"))?
            .timeout(Some(std::time::Duration::from_secs(30)))
            .build();
        let from: Mailbox = from.parse().map_err(|e| format!("--smtp-from: {e}"))?;
        Ok(Mailer {
            transport,
            from,
            public_url: public_url.map(|u| u.trim_end_matches('/').to_string()),
            days_before: days_before.clamp(0, 90),
        })
    }

    fn link(&self, path: &str) -> String {
        match &self.public_url {
            Some(base) => format!("{base}{path}"),
            None => format!("Samordna, sidan {path}"),
        }
    }

    async fn send(&self, to: &str, name: &str, subject: &str, body: &str) -> Result<(), String> {
        let to: Mailbox =
            format!("{name} <{to}>").parse().or_else(|_| to.parse()).map_err(|_| "address".to_string())?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())
            .map_err(|e| e.to_string())?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| e.to_string())
    }
}

/// One reminder to one person.
#[derive(Debug, Clone)]
pub struct Reminder {
    /// The event, the same on every run: kind, object and occasion.
    pub key: String,
    pub kind: &'static str,
    pub association_id: i64,
    pub user_id: i64,
    pub email: String,
    pub name: String,
    pub subject: String,
    /// The text before the link and the signature.
    pub text: String,
    pub path: String,
}

fn reminder(r: &Recipient, key: String, kind: &'static str, subject: String, text: String, path: String) -> Reminder {
    Reminder {
        key,
        kind,
        association_id: r.association_id,
        user_id: r.user_id,
        email: r.email.clone(),
        name: r.user_name.clone(),
        subject,
        text,
        path,
    }
}

/// Every reminder that is due today (sent or not: sending skips those already sent).
pub async fn due(db: &Db, today: NaiveDate, days_before: i64) -> ServiceResult<Vec<Reminder>> {
    let ended_since = today - Duration::days(365 * 2);
    let waited_since: Timestamp = time::now() - Duration::days(days_before);
    let mut tx = db.read().await?;
    let leads = store::leads_of_interventions(&mut tx, ended_since).await?;
    let statuses = store::report_statuses(&mut tx, ended_since).await?;
    let (report_settings, tails) = store::all_settings(&mut tx).await?;
    let agreements = store::awaited_agreement_signatures(&mut tx, waited_since).await?;
    let applications = store::awaited_application_signatures(&mut tx, waited_since).await?;
    let completions = store::completions_requested(&mut tx).await?;
    let members = store::member_names(&mut tx).await?;
    tx.commit().await?;
    let member = |id: i64| members.iter().find(|(m, _)| *m == id).map(|(_, n)| n.clone()).unwrap_or_default();
    let mut out = Vec::new();

    for l in &leads {
        let r = Recipient {
            object_id: l.intervention_id,
            association_id: l.association_id,
            object_name: l.name.clone(),
            user_id: l.user_id,
            email: l.email.clone(),
            user_name: l.user_name.clone(),
        };
        let (frequency, due_days) = report_settings
            .iter()
            .find(|(a, _, _)| *a == l.association_id)
            .map(|(_, f, d)| (Frequency::parse(f).unwrap_or(DEFAULT_FREQUENCY), *d as i64))
            .unwrap_or((DEFAULT_FREQUENCY, DEFAULT_DUE_DAYS as i64));
        let mut slots: Vec<(ReportKind, NaiveDate, NaiveDate)> = schedule(l.start_date, l.end_date, frequency)
            .into_iter()
            .map(|(f, t)| (ReportKind::Period, f, t))
            .collect();
        slots.push((ReportKind::Final, l.start_date, l.end_date));
        for (kind, from, to) in slots {
            let due_on = to + Duration::days(due_days);
            let status = statuses
                .iter()
                .find(|(i, k, f, _)| *i == l.intervention_id && k == kind.code() && *f == from)
                .and_then(|(_, _, _, s)| ReportStatus::parse(s))
                .unwrap_or(ReportStatus::Due);
            if !status.editable() {
                continue;
            }
            let (word, period) = match kind {
                ReportKind::Period => ("periodrapport", format!(", {from} – {to}")),
                ReportKind::Final => ("slutrapport", String::new()),
            };
            let what = match kind {
                ReportKind::Period => format!("Periodrapporten för {} för perioden {from} – {to}", l.name),
                ReportKind::Final => format!("Slutrapporten för {}", l.name),
            };
            let slot = if kind == ReportKind::Final { "final".to_string() } else { from.to_string() };
            let path = format!("/insatser/{}/rapporter/{slot}", l.intervention_id);
            let event = format!("{}:{}:{slot}:{due_on}", l.intervention_id, kind.code());
            if today <= due_on && due_on <= today + Duration::days(days_before) {
                out.push(reminder(
                    &r,
                    format!("report_due:{event}"),
                    "report_due",
                    format!("Påminnelse: {word} för {}{period} senast {due_on}", l.name),
                    format!("{what} ska lämnas senast {due_on}."),
                    path,
                ));
            } else if due_on < today && today - due_on <= Duration::days(OVERDUE_WINDOW_DAYS) {
                out.push(reminder(
                    &r,
                    format!("report_overdue:{event}"),
                    "report_overdue",
                    format!("Försenad {word} för {}{period}", l.name),
                    format!("{what} skulle ha lämnats senast {due_on} och är inte inlämnad."),
                    path,
                ));
            }
        }
        // The last day to claim final costs, while something of the grant remains.
        let tail = tails.iter().find(|(a, _)| *a == l.association_id).map_or(DEFAULT_CLAIM_TAIL_MONTHS, |(_, t)| *t);
        let last = add_months(l.end_date, tail.max(0) as u32);
        let remaining = l.max_total_ore - l.claimed_ore;
        if remaining > 0 && today <= last && last <= today + Duration::days(days_before) {
            out.push(reminder(
                &r,
                format!("requisition_last_day:{}:{last}", l.intervention_id),
                "requisition_last_day",
                format!("Sista dag att rekvirera medel för {}: {last}", l.name),
                format!(
                    "Kostnader för {} kan rekvireras till och med {last}. Av det beviljade beloppet återstår {} kr.",
                    l.name,
                    Money::from_ore(remaining).format_number()
                ),
                format!("/insatser/{}/rekvisitioner", l.intervention_id),
            ));
        }
    }
    for a in &agreements {
        let (r, member_id) = (&a.recipient, &a.member_id);
        out.push(reminder(
            r,
            format!("agreement_signature:{}:{member_id}", r.object_id),
            "agreement_signature",
            format!("Överenskommelsen för {} väntar på underskrift", r.object_name),
            format!(
                "Överenskommelsen om finansiellt stöd för {} väntar på underskrift för {}. Insatsen kan starta först när alla parter har skrivit under.",
                r.object_name,
                member(*member_id)
            ),
            format!("/insatser/{}", r.object_id),
        ));
    }
    for a in &applications {
        let (r, member_id, hash) = (&a.recipient, &a.member_id, &a.content_hash);
        out.push(reminder(
            r,
            format!("application_signature:{}:{member_id}:{}", r.object_id, &hash[..hash.len().min(16)]),
            "application_signature",
            format!("Ansökan {} väntar på underskrift", r.object_name),
            format!(
                "Ansökan om finansiellt stöd för {} väntar på underskrift för {}. Den kan lämnas in när alla parter har skrivit under.",
                r.object_name,
                member(*member_id)
            ),
            format!("/ansokningar/{}", r.object_id),
        ));
    }
    for c in &completions {
        let (r, number, received) = (&c.recipient, &c.registration_number, &c.received_at);
        let occasion = received.map(|t| t.timestamp()).unwrap_or_default();
        out.push(reminder(
            r,
            format!("completion:{}:{occasion}", r.object_id),
            "completion",
            format!("Komplettering begärd: {}", number.clone().unwrap_or_else(|| r.object_name.clone())),
            format!(
                "Förbundet har begärt att ansökan {}{} kompletteras. Ändra ansökan och lämna in den igen.",
                r.object_name,
                number.as_ref().map(|n| format!(" ({n})")).unwrap_or_default()
            ),
            format!("/ansokningar/{}", r.object_id),
        ));
    }
    Ok(out)
}

/// The outcome of one round.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub sent: usize,
    pub failed: usize,
}

/// Sends the reminders due today that have not been sent: each is recorded before it goes, and
/// the record is taken back when the server refuses it, so that the next round tries again.
pub async fn send_due(db: &Db, mailer: &Mailer, today: NaiveDate) -> ServiceResult<Round> {
    let mut round = Round::default();
    for r in due(db, today, mailer.days_before).await? {
        let mut tx = db.write().await?;
        let claimed = store::claim_reminder(&mut tx, &r.key, r.user_id, r.association_id, r.kind, time::now()).await?;
        tx.commit().await?;
        if !claimed {
            continue;
        }
        let body = format!(
            "Hej {}!\n\n{}\n\n{}\n\nDetta är en automatisk påminnelse från Samordna. Den skickas en gång.\n",
            r.name,
            r.text,
            mailer.link(&r.path)
        );
        let mut tx = db.write().await?;
        match mailer.send(&r.email, &r.name, &r.subject, &body).await {
            Ok(()) => {
                Event::new(&Actor::command_line(), Action::ReminderSend)
                    .association(r.association_id)
                    .object("user", r.user_id)
                    .details(json!({ "kind": r.kind, "event": r.key }))
                    .write(&mut tx)
                    .await?;
                round.sent += 1;
            }
            Err(e) => {
                // The address is personal data: the log names the user by id.
                tracing::warn!(user = r.user_id, kind = r.kind, error = %e, "reminder not sent; it is tried again later");
                store::release_reminder(&mut tx, &r.key, r.user_id).await?;
                round.failed += 1;
            }
        }
        tx.commit().await?;
    }
    Ok(round)
}
