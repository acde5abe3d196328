//! Load benchmark: seeds national-scale data, serves it in-process, and measures the answer time
//! of pages and API calls at the 50th and 99th percentile.
//!
//!     cargo run --release --example load -- [--database-url URL] [--events N] [--requests N]
//!
//! Without --database-url it uses a fresh SQLite file. Results are recorded in docs/benchmarks.md.

use std::sync::Arc;
use std::time::{Duration, Instant};

use samordna::domain::audit::{Action, AuditContent, Outcome};
use samordna::domain::party::PartyKind;
use samordna::domain::role::Role;
use samordna::domain::time;
use samordna::http::{self, AppState, HttpConfig};
use samordna::service::accounts::AuthPolicy;
use samordna::storage::users::NewUser;
use samordna::storage::{audit, members, migrations, users, DatabaseUrl, Db};

struct Options {
    database_url: Option<String>,
    events: u64,
    participations: i64,
    requests: usize,
    concurrency: usize,
}

fn options() -> Options {
    let mut o =
        Options { database_url: None, events: 1_000_000, participations: 1_000_000, requests: 2_000, concurrency: 8 };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--database-url" => o.database_url = Some(value),
            "--events" => o.events = value.parse().expect("--events N"),
            "--participations" => o.participations = value.parse().expect("--participations N"),
            "--requests" => o.requests = value.parse().expect("--requests N"),
            "--concurrency" => o.concurrency = value.parse().expect("--concurrency N"),
            other => panic!("unknown option {other}"),
        }
        i += 2;
    }
    o
}

const ASSOCIATIONS: i64 = 75;
const USERS_PER_ASSOCIATION: i64 = 20;
const APPLICATIONS_PER_ASSOCIATION: i64 = 100;

const INTERVENTIONS_PER_ASSOCIATION: i64 = 50;

/// A valid personnummer for a counter.
fn personal_number(n: i64) -> samordna::domain::participant::PersonalNumber {
    let born = chrono::NaiveDate::from_ymd_opt(1960 + (n % 45) as i32, 1 + (n % 12) as u32, 1 + ((n / 12) % 28) as u32)
        .expect("a real date");
    samordna::domain::participant::PersonalNumber::with_check_digit(born, 100 + ((n / 336) % 900) as u32)
}

/// Participations spread over every intervention, two thirds identified, 60 % exited, with
/// income before and after, and two self-ratings for every tenth; one assigned case worker per
/// association (`worker{a}@example.org`) and seed 002's goals on every intervention.
async fn seed_participants(db: &Db, total: i64) -> anyhow::Result<()> {
    use samordna::domain::follow_up::{ExitOutcome, Goal, GoalLevel, GoalRule};
    use samordna::domain::participant::{FollowUpSettings, StepKind};
    let started = Instant::now();
    let key = samordna::service::personal_key::PersonalKey::demo();
    let hash = samordna::domain::password::hash("benchmark lösenord");
    let now = time::now();
    let goals = vec![
        Goal {
            level: GoalLevel::Intervention,
            text: "Kartläggning och handlingsplan inom två månader för grön.".into(),
            part: None,
            rule: GoalRule::StepsWithin {
                triage: Some("gron".into()),
                steps: vec![StepKind::Assessment, StepKind::ActionPlan],
                within_months: 2,
            },
            target_percent: Some(100),
        },
        Goal {
            level: GoalLevel::Effect,
            text: "Förankrad fortsatt planering.".into(),
            part: None,
            rule: GoalRule::ExitOutcome { outcome: ExitOutcome::AnchoredPlan },
            target_percent: Some(100),
        },
        Goal {
            level: GoalLevel::Intervention,
            text: "70 personer per år.".into(),
            part: None,
            rule: GoalRule::Volume { planned_per_year: 70 },
            target_percent: None,
        },
    ];
    let settings = serde_json::to_string(&FollowUpSettings::default())?;
    let goals = serde_json::to_string(&goals)?;
    let per_association = total / ASSOCIATIONS;
    let mut id: i64 = 0;
    let mut measurement: i64 = 0;
    let date = |days: i64| {
        (chrono::NaiveDate::from_ymd_opt(2025, 1, 1).expect("date") + chrono::Duration::days(days)).to_string()
    };
    for a in 1..=ASSOCIATIONS {
        let mut tx = db.write().await?;
        let first_member = (a - 1) * 11 + 1;
        let owner = first_member + 3;
        let worker = users::insert(
            &mut tx,
            &NewUser {
                email: &format!("worker{a}@example.org"),
                name: &format!("Deltagaransvarig {a:02}"),
                password_hash: Some(&hash),
                must_change_password: false,
                created_at: now,
            },
        )
        .await?;
        users::add_role(&mut tx, worker, Role::CaseWorker, None, Some(owner), now).await?;
        let first_intervention = (a - 1) * INTERVENTIONS_PER_ASSOCIATION + 1;
        for i in first_intervention..first_intervention + INTERVENTIONS_PER_ASSOCIATION {
            samordna::storage::participants::set_case_workers(&mut tx, i, &[worker], worker, now).await?;
            samordna::storage::participants::save_follow_up(&mut tx, i, &settings, &goals, worker, now).await?;
        }
        let mut rows = Vec::new();
        let mut income = Vec::new();
        let mut measurements = Vec::new();
        let mut scores = Vec::new();
        let mut progress = Vec::new();
        for k in 0..per_association {
            id += 1;
            let intervention = first_intervention + k % INTERVENTIONS_PER_ASSOCIATION;
            let identified = k % 3 != 2;
            let enrolled = (k * 7) % 669;
            let exited = k % 5 < 3 && enrolled + 60 + (k % 240) <= 669;
            let (cipher, index, birth, kommun) = if identified {
                let number = personal_number(id);
                let pnr = number.digits();
                let sealed = key.seal(&format!(r#"{{"personal_number":"{pnr}","name":"Deltagare {id}"}}"#));
                (
                    format!("'{sealed}'"),
                    format!("'{}'", key.index(owner, &number)),
                    (1960 + id % 45).to_string(),
                    (first_member + 3 + k % 8).to_string(),
                )
            } else {
                ("NULL".into(), "NULL".into(), "NULL".into(), "NULL".into())
            };
            let triage = if k % 2 == 0 { "gron" } else { "gul" };
            let exit = if exited { format!("'{}'", date(enrolled + 60 + k % 240)) } else { "NULL".into() };
            let (reason, occupation, anchored) = if exited {
                (
                    ["'work'", "'studies'", "'navigated'", "'illness'"][(k % 4) as usize],
                    ["'work'", "'studies'", "'job_seeking'", "'other'"][(k % 4) as usize],
                    if k % 4 == 3 { "FALSE" } else { "TRUE" },
                )
            } else {
                ("NULL", "NULL", "NULL")
            };
            rows.push(format!(
                "({id}, {intervention}, {a}, {owner}, {}, FALSE, {cipher}, {index}, {}, 'Uppföljning', 'v1', '{}', {birth}, {}, {kommun},                  '{triage}', '{}', '{}', '{}', '{}', '{}', {}, {exit}, {reason}, {occupation}, {anchored}, FALSE, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')",
                if identified { "TRUE" } else { "FALSE" },
                if identified { format!("'{}'", date(enrolled)) } else { "NULL".into() },
                if k % 2 == 0 { "female" } else { "male" },
                2025 + (enrolled >= 365) as i64,
                date(enrolled),
                date(enrolled),
                date(enrolled + 10 + k % 30),
                date(enrolled + 20 + k % 60),
                date(enrolled + 59),
                if triage == "gul" { format!("'{}'", date(enrolled + 30 + k % 40)) } else { "NULL".into() },
            ));
            if identified {
                income.push(format!(
                    "({id}, 'before', '{}')",
                    ["social_assistance", "sickness_benefit", "activity_support"][(k % 3) as usize]
                ));
            }
            if exited {
                income.push(format!(
                    "({id}, 'after', '{}')",
                    ["salary", "student_aid", "activity_support", "none"][(k % 4) as usize]
                ));
            }
            if k % 10 == 0 && exited {
                let (first, last) = (3 + k % 3, 5 + k % 4);
                for d in ["health", "daily_structure", "motivation", "social_contacts", "work_ability"] {
                    progress.push(format!(
                        "({id}, {a}, {intervention}, 'self_rating', '{d}', '{}', {first}, '{}', {last}, 2)",
                        date(enrolled),
                        date(enrolled + 60)
                    ));
                }
                for (occasion, days, score) in [("start", enrolled, 3 + k % 3), ("exit", enrolled + 60, 5 + k % 4)] {
                    measurement += 1;
                    measurements.push(format!(
                        "({measurement}, {id}, 'self_rating', '1', '{occasion}', '{}', '2026-01-01T00:00:00+00:00')",
                        date(days)
                    ));
                    for d in ["health", "daily_structure", "motivation", "social_contacts", "work_ability"] {
                        scores.push(format!("({measurement}, {id}, 'self_rating', '{d}', '{}', {score})", date(days)));
                    }
                }
            }
        }
        for chunk in rows.chunks(500) {
            let sql = format!(
                "INSERT INTO participations (id, intervention_id, association_id, owner_member_id, identified, protected_identity,
                     person_cipher, person_index, consent_date, consent_scope, consent_version, sex, birth_year, start_year,
                     home_member_id, triage, first_visit_on, enrolled_on, assessment_on, action_plan_on, action_plan_due_on,
                     referral_on, exited_on, exit_reason, occupation_after, anchored_plan, voided, created_at, updated_at)
                 VALUES {}",
                chunk.join(", ")
            );
            samordna::on_backend!(&mut tx, c => sqlx::query(&sql).execute(&mut **c).await.map(|_| ()))?;
        }
        for (table, columns, values) in [
            ("participation_income", "participation_id, phase, code", &income),
            (
                "measurements",
                "id, participation_id, instrument, instrument_version, occasion, measured_on, recorded_at",
                &measurements,
            ),
            (
                "measurement_scores",
                "measurement_id, participation_id, instrument, dimension, measured_on, score",
                &scores,
            ),
        ] {
            for chunk in values.chunks(1000) {
                let sql = format!("INSERT INTO {table} ({columns}) VALUES {}", chunk.join(", "));
                samordna::on_backend!(&mut tx, c => sqlx::query(&sql).execute(&mut **c).await.map(|_| ()))?;
            }
        }
        tx.commit().await?;
    }
    eprintln!("seeded {id} participations in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// An application like seed 002's Jobbcentrum: two parts, six goals, three budget years.
fn jobbcentrum(owner: i64, partner: i64, n: i64) -> samordna::domain::application::ApplicationContent {
    use samordna::domain::application::*;
    let text = "Personer som står långt från arbetsmarknaden riskerar idag att hamna mellan myndigheters ansvarsområden när stödåtgärder och andra insatser görs utan samverkan.\n\n- Kartläggning\n- Handlingsplan\n- Lotsning";
    ApplicationContent {
        name: format!("Jobbcentrum {n}"),
        owner: PartyContact {
            member_id: owner,
            contact_name: "Frank Stoor".into(),
            contact_email: "frank.stoor@example.org".into(),
        },
        partners: vec![PartyContact {
            member_id: partner,
            contact_name: "Emelie Preinitz".into(),
            contact_email: "emelie@example.org".into(),
        }],
        orientation: Some(Orientation::Individual),
        esf: Some(false),
        purpose: text.into(),
        goals: (0..6)
            .map(|i| Goal {
                kind: if i % 3 == 2 { GoalKind::Outcome } else { GoalKind::Output },
                text: text.into(),
                part: Some(i / 3),
            })
            .collect(),
        background: text.repeat(4),
        start_date: chrono::NaiveDate::from_ymd_opt(2018, 1, 1),
        end_date: chrono::NaiveDate::from_ymd_opt(2020, 12, 31),
        last_intake_date: chrono::NaiveDate::from_ymd_opt(2020, 9, 30),
        target_group: text.into(),
        parts: vec![
            Part {
                name: "Jobbcentrum-Ung".into(),
                target_group: text.into(),
                age_min: Some(16),
                age_max: Some(29),
                participants_per_year: Some(30),
            },
            Part {
                name: "Jobbcentrum-Rehabilitering".into(),
                target_group: text.into(),
                age_min: Some(30),
                age_max: Some(65),
                participants_per_year: Some(40),
            },
        ],
        method: text.repeat(3),
        follow_up: text.into(),
        implementation: text.into(),
        budget: [2018, 2019, 2020]
            .iter()
            .map(|y| BudgetRow { member_id: owner, year: *y, requested_ore: 140_000_000, own_financing_ore: 0 })
            .collect(),
        anchoring: Anchoring { discussed: Some(true), date: None, comment: String::new() },
        agreement_accepted_version: None,
        ..Default::default()
    }
}

async fn seed(db: &Db, events: u64) -> anyhow::Result<()> {
    let now = time::now();
    let hash = samordna::domain::password::hash("benchmark lösenord");
    let mut tx = db.write().await?;
    for a in 0..ASSOCIATIONS {
        let association = members::insert_association(
            &mut tx,
            &format!("Samordningsförbundet {a:02}"),
            &format!("22200{a:05}"),
            "SF",
            now,
        )
        .await?;
        let mut member_ids = Vec::new();
        for m in 0..11 {
            let kind = match m {
                0 => PartyKind::Fk,
                1 => PartyKind::Af,
                2 => PartyKind::Region,
                _ => PartyKind::Kommun,
            };
            member_ids.push(
                members::insert_member(
                    &mut tx,
                    association,
                    &format!("Medlem {a}-{m}"),
                    &format!("21{a:04}{m:04}"),
                    kind,
                    now,
                )
                .await?,
            );
        }
        for u in 0..USERS_PER_ASSOCIATION {
            let email = format!("user{a}-{u}@example.org");
            let id = users::insert(
                &mut tx,
                &NewUser {
                    email: &email,
                    name: &format!("Användare {u:02} {a:02}"),
                    password_hash: Some(&hash),
                    must_change_password: false,
                    created_at: now,
                },
            )
            .await?;
            let role = Role::ALL[1 + (u as usize % 8)];
            match role.scope() {
                samordna::domain::role::Scope::Association => {
                    users::add_role(&mut tx, id, role, Some(association), None, now).await?
                }
                _ => users::add_role(&mut tx, id, role, None, Some(member_ids[(u % 11) as usize]), now).await?,
            };
        }
    }
    tx.commit().await?;

    // Applications: 100 per association, received, each with the Jobbcentrum content of seed 002.
    let started = Instant::now();
    for a in 1..=ASSOCIATIONS {
        let mut tx = db.write().await?;
        let first_member = (a - 1) * 11 + 1;
        let owner = first_member + 3; // a kommun
        let partner = first_member + 1; // Arbetsförmedlingen
        for n in 0..APPLICATIONS_PER_ASSOCIATION {
            let content = jobbcentrum(owner, partner, n);
            let json = serde_json::to_string(&content)?;
            let id = samordna::storage::applications::insert(
                &mut tx,
                &samordna::storage::applications::NewApplication {
                    association_id: a,
                    owner_member_id: owner,
                    name: &content.name,
                    content: &json,
                    content_hash: &content.content_hash(),
                    created_by: (a - 1) * USERS_PER_ASSOCIATION + 1,
                    at: now,
                },
            )
            .await?;
            samordna::storage::applications::set_parties(&mut tx, id, owner, &[partner]).await?;
            let number = samordna::service::applications::registration_number("SF", 2026, n + 1);
            samordna::storage::applications::set_received(&mut tx, id, &number, now).await?;
            samordna::storage::applications::insert_version(
                &mut tx,
                id,
                &json,
                &content.content_hash(),
                (a - 1) * USERS_PER_ASSOCIATION + 1,
                now,
            )
            .await?;
        }
        tx.commit().await?;
    }
    eprintln!(
        "seeded {} applications in {:.1} s",
        ASSOCIATIONS * APPLICATIONS_PER_ASSOCIATION,
        started.elapsed().as_secs_f64()
    );

    // Meetings and grants: half the applications granted at ten attested board meetings per
    // association, each grant an intervention; every other agreement signed by both parties.
    let started = Instant::now();
    for a in 1..=ASSOCIATIONS {
        use samordna::storage::{interventions as iv, meetings as mt};
        let mut tx = db.write().await?;
        let first_member = (a - 1) * 11 + 1;
        let (owner, partner) = (first_member + 3, first_member + 1);
        let user = (a - 1) * USERS_PER_ASSOCIATION + 1;
        let first_application = (a - 1) * APPLICATIONS_PER_ASSOCIATION + 1;
        for m in 0..10 {
            let date = chrono::NaiveDate::from_ymd_opt(2026, 1 + m as u32, 10).expect("date");
            let write = mt::MeetingWrite {
                place: "Uppsala",
                present: r#"["Ordförande","Ledamot"]"#,
                chair: "Ordförande",
                attesters: r#"["Ledamot"]"#,
                at: now,
            };
            let meeting = mt::insert(&mut tx, a, "board", date, &write, user).await?;
            for k in 0..5 {
                let application = first_application + m * 5 + k;
                let section = mt::next_section(&mut tx, a, "board", 2026).await?;
                let clauses = r#"["bevilja finansiellt stöd enligt ansökan för insatsen *Jobbcentrum*","finansieringen av insatsen gäller under förutsättning att förbundet beviljas medel från medlemsorganisationerna framöver."]"#;
                let minutes = "Förbundsstyrelsen beslutar\n\natt bevilja finansiellt stöd";
                let item = mt::insert_item(
                    &mut tx,
                    &mt::NewItem {
                        meeting_id: meeting,
                        association_id: a,
                        body: "board",
                        year: 2026,
                        section,
                        application_id: application,
                        minutes,
                    },
                )
                .await?;
                let start = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
                let end = chrono::NaiveDate::from_ymd_opt(2027, 12, 31).expect("date");
                let decision = mt::insert_decision(
                    &mut tx,
                    &mt::NewDecision {
                        application_id: application,
                        meeting_item_id: item,
                        outcome: "granted",
                        max_total_ore: Some(535_000_000),
                        per_year: "[[2026,267500000],[2027,267500000]]",
                        start_date: Some(start),
                        end_date: Some(end),
                        option_to_extend: true,
                        clauses,
                        reason: "",
                        decided_by: user,
                        at: now,
                    },
                )
                .await?;
                mt::set_application_decision(&mut tx, application, "granted", now).await?;
                let intervention = iv::insert(
                    &mut tx,
                    &iv::NewIntervention {
                        association_id: a,
                        application_id: application,
                        decision_id: decision,
                        name: &format!("Jobbcentrum {}", m * 5 + k),
                        owner_member_id: owner,
                        partners: &[partner],
                        orientation: "individual",
                        start_date: start,
                        end_date: end,
                        max_total_ore: 535_000_000,
                        per_year: &[(2026, 267_500_000), (2027, 267_500_000)],
                        option_to_extend: true,
                        conditions: r#"["finansieringen av insatsen gäller under förutsättning att förbundet beviljas medel från medlemsorganisationerna framöver."]"#,
                        agreement_text: "Överenskommelse om finansiellt stöd för insatsen Jobbcentrum\n\nVillkor.",
                        agreement_hash: "0",
                        at: now,
                    },
                )
                .await?;
                if k % 2 == 0 {
                    for member in [owner, partner] {
                        iv::add_signature(&mut tx, intervention, member, user, "0", now).await?;
                    }
                    iv::set_all_signed(&mut tx, intervention, now).await?;
                }
            }
            mt::attest(&mut tx, meeting, user, now).await?;
        }
        tx.commit().await?;
    }
    eprintln!(
        "seeded {} meetings and {} interventions in {:.1} s",
        ASSOCIATIONS * 10,
        ASSOCIATIONS * 50,
        started.elapsed().as_secs_f64()
    );

    // The audit log is the largest table at this stage: append in batches, as the service would.
    let started = Instant::now();
    let mut written = 0;
    while written < events {
        let mut tx = db.write().await?;
        for _ in 0..10_000.min(events - written) {
            let association = (written as i64 % ASSOCIATIONS) + 1;
            let action = Action::ALL[(written % 8) as usize];
            audit::append(
                &mut tx,
                &AuditContent {
                    occurred_at: time::now(),
                    actor_user_id: Some((written as i64 % (ASSOCIATIONS * USERS_PER_ASSOCIATION)) + 1),
                    actor_role: Some("case_officer".into()),
                    association_id: Some(association),
                    member_id: None,
                    action: action.code().into(),
                    object_type: Some("user".into()),
                    object_id: Some(written.to_string()),
                    client_addr: Some("10.0.0.1".into()),
                    outcome: if written % 50 == 0 { Outcome::Failure } else { Outcome::Success },
                    details: None,
                },
            )
            .await?;
            written += 1;
        }
        tx.commit().await?;
    }
    eprintln!("seeded {events} audit events in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// The economy of every association: the state's allocation for 2025 and 2026, a population key
/// with the kommuner's populations, the budget, and eight claims in 2026 for each signed
/// intervention (18 000 in all) in every status.
async fn seed_economy(db: &Db) -> anyhow::Result<()> {
    use samordna::storage::economy as ec;
    let started = Instant::now();
    let now = time::now();
    let date = |y: i32, m: u32, d: u32| chrono::NaiveDate::from_ymd_opt(y, m, d).expect("date");
    for a in 1..=ASSOCIATIONS {
        let mut tx = db.write().await?;
        let user = (a - 1) * USERS_PER_ASSOCIATION + 1;
        let first_member = (a - 1) * 11 + 1;
        for year in [2025, 2026] {
            let row = ec::YearRow { year, state_allocation_ore: 1_000_000_000, equity_ore: None, decided_on: None };
            ec::save_year(&mut tx, a, &row, user, now).await?;
            for m in 3..11 {
                members::set_population(
                    &mut tx,
                    &members::PopulationRow {
                        member_id: first_member + m,
                        year: year - 1,
                        population: 10_000 + m * 7_919,
                        population_16_64: Some(6_000 + m * 4_001),
                    },
                )
                .await?;
            }
            let posts: Vec<ec::BudgetPostRow> = ["board", "office", "audit", "interventions_individual"]
                .iter()
                .enumerate()
                .map(|(i, post)| ec::BudgetPostRow {
                    post: post.to_string(),
                    budget_ore: 50_000_000 * (i as i64 + 1),
                    outcome_ore: Some(45_000_000 * (i as i64 + 1)),
                    forecast_ore: None,
                })
                .collect();
            ec::save_budget_posts(&mut tx, a, year, &posts).await?;
        }
        ec::save_key(&mut tx, a, 2020, "population", &[], user, now).await?;
        // The association's interventions are ids (a-1)*50+1 ..= a*50, five per meeting, of which
        // the first, third and fifth are signed.
        for k in (0..INTERVENTIONS_PER_ASSOCIATION).filter(|k| (k % 5) % 2 == 0) {
            let intervention = (a - 1) * INTERVENTIONS_PER_ASSOCIATION + k + 1;
            for q in 0..8u32 {
                let (year, quarter) = (2026, q % 4);
                let from = date(year, 1 + quarter * 3, 1);
                let to = date(year, 3 + quarter * 3, if quarter == 0 || quarter == 3 { 31 } else { 30 });
                let rows = [("personnel".to_string(), "Lön".to_string(), 2_000_000 + q as i64 * 10_000)];
                let id = ec::insert_requisition(
                    &mut tx,
                    &ec::NewRequisition {
                        intervention_id: intervention,
                        association_id: a,
                        member_id: first_member + 3,
                        year,
                        period_from: from,
                        period_to: to,
                        rows: &rows,
                        user_id: user + 5,
                        at: now,
                    },
                )
                .await?;
                for (from_status, to_status) in
                    [("submitted", "reviewed"), ("reviewed", "attested"), ("attested", "paid")]
                        .into_iter()
                        .take((q % 4) as usize)
                {
                    let change = ec::StatusChange {
                        from: from_status,
                        to: to_status,
                        user_id: user,
                        at: now,
                        paid_on: Some(to),
                        reason: None,
                    };
                    ec::set_status(&mut tx, id, &change).await?;
                }
            }
        }
        tx.commit().await?;
    }
    eprintln!("seeded the economy in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Answer times of `o.requests` GETs from `o.concurrency` clients at once, sorted.
async fn timed(client: &reqwest::Client, url: &str, token: &str, o: &Options) -> anyhow::Result<Vec<Duration>> {
    let times = Arc::new(tokio::sync::Mutex::new(Vec::with_capacity(o.requests)));
    let per_worker = o.requests / o.concurrency;
    let mut workers = Vec::new();
    for _ in 0..o.concurrency {
        let (client, times, url, token) = (client.clone(), times.clone(), url.to_string(), token.to_string());
        workers.push(tokio::spawn(async move {
            for _ in 0..per_worker {
                let start = Instant::now();
                let r = client.get(&url).bearer_auth(&token).send().await.expect("request");
                assert!(r.status().is_success(), "{url}: {}", r.status());
                r.bytes().await.expect("body");
                times.lock().await.push(start.elapsed());
            }
        }));
    }
    for w in workers {
        w.await?;
    }
    let mut t = times.lock().await.clone();
    t.sort();
    Ok(t)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let o = options();
    let dir = tempfile::tempdir()?;
    let url: DatabaseUrl = match &o.database_url {
        Some(u) => u.parse().map_err(anyhow::Error::msg)?,
        None => format!("sqlite://{}", dir.path().join("bench.db").display()).parse().map_err(anyhow::Error::msg)?,
    };
    let db = Db::connect(&url).await?;
    migrations::run(&db).await?;
    if migrations::is_empty(&db).await? {
        seed(&db, o.events).await?;
        seed_participants(&db, o.participations).await?;
        seed_economy(&db).await?;
    }

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let state = AppState {
        db: db.clone(),
        config: Arc::new(HttpConfig {
            auth: AuthPolicy::default(),
            secure_cookies: false,
            public_origin: None,
            trust_forwarded_for: false,
            max_attachment_bytes: 20 * 1024 * 1024,
            participant_key: samordna::service::personal_key::PersonalKey::demo(),
        }),
        metrics: Arc::default(),
    };
    tokio::spawn(http::serve(listener, state, std::future::pending()));

    // An association administrator (user 0 of association 1 holds association_admin).
    let token = samordna::service::accounts::create_token(&db, "user0-0@example.org").await?;
    let client = reqwest::Client::new();
    let endpoints = [
        "/api/v1/me",
        "/api/v1/members",
        "/api/v1/users?limit=50",
        "/api/v1/users?limit=50&offset=10",
        "/api/v1/applications?scope=office",
        "/api/v1/applications?scope=office&q=jobbcentrum%2099&sort=name",
        "/api/v1/applications/1",
        "/api/v1/applications/1/proposal",
        "/api/v1/meetings",
        "/api/v1/meetings/1",
        "/api/v1/interventions",
        "/api/v1/interventions?status=ongoing",
        "/api/v1/interventions/1",
        "/healthz",
    ];
    println!("| endpoint | requests | p50 | p99 |");
    println!("| --- | --- | --- | --- |");
    for path in endpoints {
        let t = timed(&client, &format!("{base}{path}"), &token, &o).await?;
        println!(
            "| `GET {path}` | {} | {:.1} ms | {:.1} ms |",
            t.len(),
            percentile(&t, 0.5).as_secs_f64() * 1e3,
            percentile(&t, 0.99).as_secs_f64() * 1e3
        );
    }

    // The participant register as the case worker of association 1's interventions, and the
    // association's figures as its administrator.
    let worker = samordna::service::accounts::create_token(&db, "worker1@example.org").await?;
    for (path, token) in [
        ("/api/v1/interventions/1/participants", &worker),
        ("/api/v1/interventions/1/participants?open=true", &worker),
        ("/api/v1/interventions/1/participants/51", &worker),
        ("/api/v1/interventions/1/goals?from=2025-01-01&to=2025-12-31", &worker),
        ("/api/v1/interventions/1/statistics?from=2025-01-01&to=2025-12-31", &worker),
        ("/api/v1/me/due", &worker),
        ("/api/v1/interventions/1/statistics?from=2025-01-01&to=2025-12-31", &token),
        ("/api/v1/associations/1/statistics?from=2025-01-01&to=2025-12-31", &token),
        ("/api/v1/associations/1/statistics?from=2025-01-01&to=2026-12-31", &token),
        ("/api/v1/interventions/1/requisitions", &token),
        ("/api/v1/requisitions?limit=50", &token),
        ("/api/v1/requisitions?year=2026&status=submitted&limit=50", &token),
        ("/api/v1/years/2026/contributions", &token),
        ("/api/v1/years/2026/return-ratios", &token),
        ("/api/v1/years/2026/return-ratios?basis=granted&from=2025", &token),
        ("/api/v1/years/2026/uppfoljning-finsam", &token),
        ("/api/v1/interventions/1/reports", &token),
        ("/api/v1/interventions/1/reports/2026-01-01", &token),
        ("/api/v1/interventions/1/deviations", &token),
    ] {
        let t = timed(&client, &format!("{base}{path}"), token, &o).await?;
        let who = if token == &worker { "case worker" } else { "administrator" };
        println!(
            "| `GET {path}` ({who}) | {} | {:.1} ms | {:.1} ms |",
            t.len(),
            percentile(&t, 0.5).as_secs_f64() * 1e3,
            percentile(&t, 0.99).as_secs_f64() * 1e3
        );
    }

    // Pages as a logged-in administrator, through the session cookie.
    let browser = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build()?;
    let form = browser.get(format!("{base}/logga-in")).send().await?.text().await?;
    let marker = "name=\"csrf_token\" value=\"";
    let start = form.find(marker).expect("token") + marker.len();
    let csrf = &form[start..start + form[start..].find('"').expect("end")];
    browser
        .post(format!("{base}/logga-in"))
        .form(&[("csrf_token", csrf), ("email", "user0-0@example.org"), ("password", "benchmark lösenord")])
        .send()
        .await?;
    for path in [
        "/",
        "/medlemmar",
        "/anvandare",
        "/granskningslogg",
        "/granskningslogg?action=auth.login&outcome=failure",
        "/ansokningar",
        "/ansokningar?q=jobbcentrum+99&sort=name",
        "/ansokningar/1",
        "/ansokningar/1/utskrift",
        "/ansokningar/1/beredning",
        "/ansokningar/1/pdf",
        "/ansokningar/1/beredning/forslag.pdf",
        "/moten",
        "/moten/1",
        "/moten/1/utdrag/1.pdf",
        "/insatser",
        "/insatser?status=ongoing",
        "/insatser/1",
        "/insatser/1/mal?fran=2025-01-01&till=2025-12-31",
        "/statistik?fran=2025-01-01&till=2025-12-31",
        "/ekonomi?ar=2026",
        "/ekonomi/utvaxling?ar=2026",
        "/ekonomi/uppfoljning-finsam?ar=2026",
        "/ekonomi/rekvisitioner",
        "/insatser/1/rekvisitioner",
        "/insatser/1/rekvisitioner/1",
        "/insatser/1/rapporter",
        "/insatser/1/rapporter/2026-01-01",
        "/insatser/1/avvikelser",
    ] {
        let mut t = Vec::new();
        for _ in 0..(o.requests / 4) {
            let start = Instant::now();
            let r = browser.get(format!("{base}{path}")).send().await?;
            assert!(r.status().is_success(), "{path}: {}", r.status());
            r.bytes().await?;
            t.push(start.elapsed());
        }
        t.sort();
        println!(
            "| `GET {path}` (page) | {} | {:.1} ms | {:.1} ms |",
            t.len(),
            percentile(&t, 0.5).as_secs_f64() * 1e3,
            percentile(&t, 0.99).as_secs_f64() * 1e3
        );
    }
    Ok(())
}
