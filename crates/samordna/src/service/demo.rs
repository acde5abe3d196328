//! Demo data: Samordningsförbundet Uppsala län with its eleven members and one user per role.
//! Loaded only into an empty database, all in one transaction.

use serde_json::json;

use crate::domain::audit::Action;

use crate::domain::party::PartyKind;
use crate::domain::password;
use crate::domain::role::Role;
use crate::domain::time;
use crate::storage::members::{self as member_store, PopulationRow};
use crate::storage::users::{self as user_store, NewUser};
use crate::storage::{migrations, Db};

use super::audit::{Actor, Event};
use super::tokens::one_time_password;
use super::ServiceResult;

pub const ASSOCIATION_NAME: &str = "Samordningsförbundet Uppsala län";

/// The members: name, organisationsnummer, party kind, and for kommuner the population at the end
/// of 2018 and of 2021 (SCB, as published by Regionfakta and UNT).
/// Population at the end of 2018 and of 2021, for kommuner.
type Populations = Option<(i64, i64)>;

const MEMBERS: &[(&str, &str, PartyKind, Populations)] = &[
    ("Enköpings kommun", "2120000274", PartyKind::Kommun, Some((44_429, 47_489))),
    ("Heby kommun", "2120002080", PartyKind::Kommun, Some((13_910, 14_303))),
    ("Håbo kommun", "2120000241", PartyKind::Kommun, Some((21_564, 22_344))),
    ("Knivsta kommun", "2120002858", PartyKind::Kommun, Some((18_720, 19_818))),
    ("Tierps kommun", "2120000290", PartyKind::Kommun, Some((21_127, 21_485))),
    ("Uppsala kommun", "2120003005", PartyKind::Kommun, Some((225_164, 237_596))),
    ("Älvkarleby kommun", "2120000308", PartyKind::Kommun, Some((9_392, 9_627))),
    ("Östhammars kommun", "2120000316", PartyKind::Kommun, Some((22_048, 22_364))),
    ("Region Uppsala", "2321000024", PartyKind::Region, None),
    ("Försäkringskassan", "2021005521", PartyKind::Fk, None),
    ("Arbetsförmedlingen", "2021002114", PartyKind::Af, None),
];

/// One demo user per role: e-mail, name, role, and for member roles the member's name.
const USERS: &[(&str, &str, Role, Option<&str>)] = &[
    ("systemadmin@example.org", "Sara Lind", Role::SystemAdmin, None),
    ("forbundsadmin@example.org", "Anders Holm", Role::AssociationAdmin, None),
    ("forbundschef@example.org", "Eva Sjöberg", Role::Director, None),
    ("handlaggare@example.org", "Johan Ek", Role::CaseOfficer, None),
    ("styrelseledamot@example.org", "Maria Öberg", Role::BoardMember, None),
    ("revisor@example.org", "Per Åkesson", Role::Auditor, None),
    ("insatsansvarig.enkoping@example.org", "Karin Berg", Role::InterventionLead, Some("Enköpings kommun")),
    ("firmatecknare.enkoping@example.org", "Lars Nilsson", Role::Signatory, Some("Enköpings kommun")),
    ("deltagaransvarig.enkoping@example.org", "Fatima Hassan", Role::CaseWorker, Some("Enköpings kommun")),
    ("insatsansvarig.af@example.org", "Oskar Lund", Role::InterventionLead, Some("Arbetsförmedlingen")),
    ("firmatecknare.af@example.org", "Ingrid Wallin", Role::Signatory, Some("Arbetsförmedlingen")),
    ("deltagaransvarig.af@example.org", "Ali Karimi", Role::CaseWorker, Some("Arbetsförmedlingen")),
];

/// The fixed agreement text of the association's application template (seed 002), which every
/// applicant accepts as it stands.
pub const AGREEMENT_TEXT: &str = "Lagar och förordningar

Insatsägarna är verksamhetsansvariga och har det fulla ansvaret för att gällande lagar, förordningar, föreskrifter och egna styrdokument, vilka på något sätt berör uppdraget enligt denna ansökan, följs. Åtagandet inkluderar att följa tillämpliga och gällande styrdokument inom förbundet.

Arbetsgivaransvar

Personal som arbetar i insatsen är fortsatt anställda av berörd medlemsorganisation som också har kvar det fullständiga arbetsgivaransvaret.

Information från insatsen

Vid ett beviljande av insatsen ska insatsen löpande lämna information om sin verksamhet enligt de sätt som Samordningsförbundet meddelar. Viktiga förändringar i insatsen ska avvikelserapporteras i särskild ordning.

Kostnader

De i beslut beviljade medlen utgör ett maxbelopp, och grund för ersättning är faktisk upparbetade kostnader. Styrelsens beslut om finansiering av samverkansinsatser gäller under förutsättning att förbundet beviljas medel från medlemsorganisationerna framöver.

Underskrifter

Inför behandling av Samordningsförbundets arbetsutskott/styrelse för beslut ska samtliga parters behöriga beslutsfattare ha skrivit under och ställt sig bakom ansökan. I och med underskrifterna och ett därpå följande positivt beslut från Samordningsförbundets styrelse har ett åtagande från insatsägarna, både gentemot varandra och mot Samordningsförbundet, att uppfylla denna plan inom de beskrivna ramarna överenskommits.";

pub struct DemoUser {
    pub email: &'static str,
    pub role: Role,
    pub password: String,
}

/// Loads the demo into an empty database and returns its users' credentials; on a database that
/// already holds data it changes nothing and returns None.
pub async fn load(db: &Db, fixed_password: Option<&str>) -> ServiceResult<Option<Vec<DemoUser>>> {
    if !migrations::is_empty(db).await? {
        return Ok(None);
    }
    // Hash before the transaction: hashing is slow and must not hold the write lock.
    // A fixed password is hashed once and shared; random ones each get their own hash.
    async fn hash_of(p: String) -> String {
        tokio::task::spawn_blocking(move || password::hash(&p)).await.expect("hashing does not panic")
    }
    let fixed_hash = match fixed_password {
        Some(p) => Some(hash_of(p.to_string()).await),
        None => None,
    };
    let mut credentials = Vec::new();
    for (email, _, role, _) in USERS {
        let (password, hash) = match (fixed_password, &fixed_hash) {
            (Some(p), Some(h)) => (p.to_string(), h.clone()),
            _ => {
                let p = one_time_password();
                let h = hash_of(p.clone()).await;
                (p, h)
            }
        };
        credentials.push((DemoUser { email, role: *role, password }, hash));
    }

    let now = time::now();
    let mut tx = db.write().await?;
    let association = member_store::insert_association(&mut tx, ASSOCIATION_NAME, "2220002386", "SUL", now).await?;
    let mut member_ids = Vec::new();
    for (name, org, kind, population) in MEMBERS {
        let id = member_store::insert_member(&mut tx, association, name, org, *kind, now).await?;
        if let Some((p2018, p2021)) = population {
            for (year, population) in [(2018, *p2018), (2021, *p2021)] {
                member_store::set_population(
                    &mut tx,
                    &PopulationRow { member_id: id, year, population, population_16_64: None },
                )
                .await?;
            }
        }
        member_ids.push((*name, id));
    }
    for ((_, name, role, member), (user, hash)) in USERS.iter().zip(&credentials) {
        let user_id = user_store::insert(
            &mut tx,
            &NewUser {
                email: user.email,
                name,
                password_hash: Some(hash),
                must_change_password: false,
                created_at: now,
            },
        )
        .await?;
        let member_id = member.and_then(|m| member_ids.iter().find(|(n, _)| *n == m).map(|(_, id)| *id));
        let association_id = match role.scope() {
            crate::domain::role::Scope::Association => Some(association),
            _ => None,
        };
        user_store::add_role(&mut tx, user_id, *role, association_id, member_id, now).await?;
    }
    crate::storage::applications::insert_agreement(&mut tx, association, AGREEMENT_TEXT, now).await?;
    Event::new(&Actor::command_line(), Action::DemoLoad)
        .association(association)
        .object("association", association)
        .details(json!({ "members": MEMBERS.len(), "users": USERS.len() }))
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(Some(credentials.into_iter().map(|(u, _)| u).collect()))
}

/// A granted, signed intervention as if decided at an attested board meeting: for the demo's
/// follow-up and for tests of what comes after the decision.
pub async fn granted_intervention(
    db: &Db,
    association_id: i64,
    owner_member_id: i64,
    partner_member_id: i64,
    name: &str,
    period: (chrono::NaiveDate, chrono::NaiveDate),
    by_user: i64,
) -> ServiceResult<i64> {
    let grant = Grant {
        association_id,
        owner_member_id,
        partners: vec![partner_member_id],
        name: name.to_string(),
        period,
        by_user,
        max_total_ore: 300_000_000,
        per_year: Vec::new(),
        orientation: "individual",
        content: json!({ "name": name, "owner": { "member_id": owner_member_id } }),
    };
    grant_intervention(db, &grant).await
}

/// What a board granted, for [`grant_intervention`].
pub struct Grant {
    pub association_id: i64,
    pub owner_member_id: i64,
    pub partners: Vec<i64>,
    pub name: String,
    pub period: (chrono::NaiveDate, chrono::NaiveDate),
    pub by_user: i64,
    pub max_total_ore: i64,
    /// The yearly maxima, when the grant is per year.
    pub per_year: Vec<(i32, i64)>,
    /// individual or structural.
    pub orientation: &'static str,
    /// The application's content (its target group, participants per year, …).
    pub content: serde_json::Value,
}

/// A granted, signed intervention as [`granted_intervention`] makes it, with the grant given.
pub async fn grant_intervention(db: &Db, g: &Grant) -> ServiceResult<i64> {
    use crate::storage::{applications as app_store, interventions as iv, meetings as mt};
    use chrono::Datelike;
    let now = time::now();
    let (association_id, owner_member_id, by_user, name) =
        (g.association_id, g.owner_member_id, g.by_user, g.name.as_str());
    let (start, end) = g.period;
    let mut tx = db.write().await?;
    let content = g.content.to_string();
    let application = app_store::insert(
        &mut tx,
        &app_store::NewApplication {
            association_id,
            owner_member_id,
            name,
            content: &content,
            content_hash: "demo",
            created_by: by_user,
            at: now,
        },
    )
    .await?;
    app_store::set_parties(&mut tx, application, owner_member_id, &g.partners).await?;
    let number = super::applications::registration_number("DEMO", start.year(), application);
    app_store::set_received(&mut tx, application, &number, now).await?;
    let write = mt::MeetingWrite {
        place: "Uppsala",
        present: r#"["Ordförande"]"#,
        chair: "Ordförande",
        attesters: r#"["Ordförande"]"#,
        at: now,
    };
    let meeting = mt::insert(&mut tx, association_id, "board", start, &write, by_user).await?;
    let section = mt::next_section(&mut tx, association_id, "board", start.year()).await?;
    let item = mt::insert_item(
        &mut tx,
        &mt::NewItem {
            meeting_id: meeting,
            association_id,
            body: "board",
            year: start.year(),
            section,
            application_id: application,
            minutes: "Förbundsstyrelsen beslutar\n\natt bevilja finansiellt stöd enligt ansökan",
        },
    )
    .await?;
    let clauses = json!([format!("bevilja finansiellt stöd enligt ansökan för insatsen *{name}*")]).to_string();
    let per_year_json = serde_json::to_string(&g.per_year).expect("pairs serialise");
    let decision = mt::insert_decision(
        &mut tx,
        &mt::NewDecision {
            application_id: application,
            meeting_item_id: item,
            outcome: "granted",
            max_total_ore: Some(g.max_total_ore),
            per_year: &per_year_json,
            start_date: Some(start),
            end_date: Some(end),
            option_to_extend: false,
            clauses: &clauses,
            reason: "",
            decided_by: by_user,
            at: now,
        },
    )
    .await?;
    mt::set_application_decision(&mut tx, application, "granted", now).await?;
    let agreement = format!("Överenskommelse om finansiellt stöd för insatsen {name}");
    let intervention = iv::insert(
        &mut tx,
        &iv::NewIntervention {
            association_id,
            application_id: application,
            decision_id: decision,
            name,
            owner_member_id,
            partners: &g.partners,
            orientation: g.orientation,
            start_date: start,
            end_date: end,
            max_total_ore: g.max_total_ore,
            per_year: &g.per_year,
            option_to_extend: false,
            conditions: "[]",
            agreement_text: &agreement,
            agreement_hash: "demo",
            at: now,
        },
    )
    .await?;
    for member in std::iter::once(owner_member_id).chain(g.partners.iter().copied()) {
        iv::add_signature(&mut tx, intervention, member, by_user, "demo", now).await?;
    }
    iv::set_all_signed(&mut tx, intervention, now).await?;
    mt::attest(&mut tx, meeting, by_user, now).await?;
    tx.commit().await?;
    Ok(intervention)
}

/// A demo user acting through the services, with the roles the database gives it.
async fn demo_principal(db: &Db, email: &str) -> ServiceResult<super::principal::Principal> {
    let mut tx = db.read().await?;
    let user = user_store::find_by_email(&mut tx, email).await?.ok_or(super::ServiceError::NotFound)?;
    let grants = user_store::roles_of(&mut tx, user.id).await?;
    tx.commit().await?;
    Ok(super::principal::Principal {
        user_id: user.id,
        email: email.to_string(),
        name: user.name,
        must_change_password: false,
        grants,
        session: None,
        client_addr: "demo".into(),
    })
}

/// The follow-up of the demo: Jobbcentrum (seed 002) run by Enköpings kommun with
/// Arbetsförmedlingen since 2025, its parts, triage, deadlines and goals, and a register of
/// participants along their paths, entered by the demo's case worker through the usual services.
pub async fn load_follow_up(db: &Db, key: &super::personal_key::PersonalKey) -> ServiceResult<i64> {
    use super::participants::{self as register, ExitInput, MeasurementInput, Registration, StepInput};
    use crate::domain::follow_up::{ExitOutcome, Goal, GoalLevel, GoalRule};
    use crate::domain::participant::{FollowUpSettings, Part, PersonalNumber, StepKind};
    use chrono::NaiveDate;

    let mut tx = db.read().await?;
    let members = member_store::list_members(&mut tx, 1).await?;
    tx.commit().await?;
    let id_of = |name: &str| members.iter().find(|m| m.name == name).map(|m| m.id).unwrap_or_default();
    let (enkoping, af) = (id_of("Enköpings kommun"), id_of("Arbetsförmedlingen"));
    let lead = demo_principal(db, "insatsansvarig.enkoping@example.org").await?;
    let worker = demo_principal(db, "deltagaransvarig.enkoping@example.org").await?;
    let date = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d).expect("a real date");
    let grant = Grant {
        association_id: 1,
        owner_member_id: enkoping,
        partners: vec![af],
        name: "Jobbcentrum".into(),
        period: (date(2025, 1, 1), date(2027, 12, 31)),
        by_user: lead.user_id,
        max_total_ore: 300_000_000,
        per_year: Vec::new(),
        orientation: "individual",
        content: json!({
            "name": "Jobbcentrum",
            "owner": { "member_id": enkoping },
            "target_group": "Unga 16–29 år och personer över 30 som varken arbetar eller studerar",
            "participants_per_year": 70,
            "esf": false,
        }),
    };
    let id = grant_intervention(db, &grant).await?;
    super::follow_up::assign(db, &lead, id, &[worker.user_id]).await?;
    let settings = FollowUpSettings {
        parts: vec![
            Part { code: "ung".into(), label: "Jobbcentrum-Ung".into(), planned_per_year: Some(30) },
            Part { code: "rehab".into(), label: "Jobbcentrum-Rehabilitering".into(), planned_per_year: Some(40) },
        ],
        last_intake_date: Some(date(2027, 6, 30)),
        ..FollowUpSettings::default()
    };
    let mut goals = Vec::new();
    for (part, group) in [("ung", "unga kvinnor och män"), ("rehab", "kvinnor och män")] {
        goals.push(Goal {
            level: GoalLevel::Intervention,
            text: format!("Kartläggning och individuell handlingsplan upprättas för alla {group} tillhörande grupp grön inom två månader efter första besöket."),
            part: Some(part.into()),
            rule: GoalRule::StepsWithin { triage: Some("gron".into()), steps: vec![StepKind::Assessment, StepKind::ActionPlan], within_months: 2 },
            target_percent: Some(100),
        });
        goals.push(Goal {
            level: GoalLevel::Intervention,
            text: format!("Kartläggning, individuell handlingsplan samt lotsning till annan aktör rörande {group} tillhörande grupp gul genomförs inom två månader efter första besöket."),
            part: Some(part.into()),
            rule: GoalRule::StepsWithin {
                triage: Some("gul".into()),
                steps: vec![StepKind::Assessment, StepKind::ActionPlan, StepKind::Referral],
                within_months: 2,
            },
            target_percent: Some(100),
        });
    }
    goals.push(Goal {
        level: GoalLevel::Effect,
        text: "100% av avslutade kvinnor och män (gröna och gula) ska ha en förankrad fortsatt planering med identifierade och relevanta parter i ordinarie verksamhet.".into(),
        part: None,
        rule: GoalRule::ExitOutcome { outcome: ExitOutcome::AnchoredPlan },
        target_percent: Some(100),
    });
    goals.push(Goal {
        level: GoalLevel::Intervention,
        text: "Ungdomscoachen förväntas träffa 30 personer för kartläggning per år.".into(),
        part: Some("ung".into()),
        rule: GoalRule::Volume { planned_per_year: 30 },
        target_percent: None,
    });
    goals.push(Goal {
        level: GoalLevel::Intervention,
        text: "Rehabcoachen förväntas träffa 40 personer för kartläggning per år.".into(),
        part: Some("rehab".into()),
        rule: GoalRule::Volume { planned_per_year: 40 },
        target_percent: None,
    });
    super::follow_up::save(db, &lead, id, &settings, &goals).await?;

    // Forty participants over 2025 and 2026: every third anonymous, the rest identified with
    // consent; personnummer made valid for the demo's birth years.
    let kommuner: Vec<i64> = members.iter().filter(|m| m.party_kind == PartyKind::Kommun).map(|m| m.id).collect();
    let today = time::today();
    for n in 0..40u32 {
        let start = date(2025, 1, 8) + chrono::Duration::days(n as i64 * 16);
        if start > today {
            break;
        }
        let female = n % 2 == 0;
        let part = if n % 5 < 2 { "rehab" } else { "ung" };
        let triage = if n % 3 == 0 { "gul" } else { "gron" };
        let anonymous = n % 3 == 2;
        let birth_year = if part == "ung" { 1998 + (n % 9) as i32 } else { 1966 + (n % 25) as i32 };
        let r = Registration {
            identified: !anonymous,
            personal_number: (!anonymous).then(|| {
                // A birth date from the counter; the serial's last digit gives the sex.
                let born = date(birth_year, 1 + n % 12, 1 + (n * 7) % 28);
                PersonalNumber::with_check_digit(born, 200 + (n % 40) * 2 + u32::from(!female)).formatted()
            }),
            name: (!anonymous).then(|| DEMO_NAMES[n as usize % DEMO_NAMES.len()].to_string()),
            consent_date: (!anonymous).then_some(start),
            consent_scope: (!anonymous).then(|| {
                "Uppföljning i Jobbcentrum och informationsutbyte mellan Enköpings kommun och Arbetsförmedlingen".into()
            }),
            sex: Some(if female { "female" } else { "male" }.into()),
            enrolled_on: Some(start),
            home_member_id: (!anonymous).then(|| {
                if n % 4 == 0 {
                    kommuner[n as usize % kommuner.len()]
                } else {
                    enkoping
                }
            }),
            education: (!anonymous).then(|| {
                ["primary", "upper_secondary", "primary_short", "post_secondary_short"][n as usize % 4].into()
            }),
            occupation_before: (!anonymous).then(|| if n % 4 == 1 { "job_seeking" } else { "other" }.into()),
            support_time: (!anonymous).then(|| ["under_1", "1_to_4", "5_or_more"][n as usize % 3].into()),
            income_before: if anonymous {
                Vec::new()
            } else {
                vec![["social_assistance", "sickness_benefit", "activity_support"][n as usize % 3].into()]
            },
            extent_percent: (!anonymous).then_some(0),
            part: Some(part.into()),
            remitted_by_member_id: Some(if n % 2 == 0 { af } else { enkoping }),
            remitted_on: Some(start - chrono::Duration::days(7)),
            first_visit_on: Some(start),
            triage: Some(triage.into()),
            ..Registration::default()
        };
        let pid = register::register(db, &worker, key, id, &r).await?;
        let at = |days: i64| start + chrono::Duration::days(days);
        let steps: Vec<(i64, StepKind)> = match n % 4 {
            0 => vec![(10, StepKind::Assessment), (30, StepKind::ActionPlan), (45, StepKind::Referral)],
            1 => vec![(20, StepKind::Assessment), (55, StepKind::ActionPlan), (70, StepKind::Activity)],
            2 => vec![(15, StepKind::Assessment), (75, StepKind::ActionPlan)],
            _ => vec![(25, StepKind::Assessment)],
        };
        for (days, kind) in steps {
            if at(days) > today {
                continue;
            }
            let s = StepInput {
                kind: kind.code().into(),
                occurred_on: Some(at(days)),
                actor: (kind == StepKind::Referral).then(|| "Arbetsförmedlingen".into()),
                confirmed: Some(true),
                activity_kind: (kind == StepKind::Activity).then(|| "Arbetsträning".into()),
                provider: (kind == StepKind::Activity).then(|| "Enköpings kommun".into()),
                hours_per_week: (kind == StepKind::Activity).then_some(10.0),
                summary: Some(format!("{} genomförd.", kind.label())),
                ..StepInput::default()
            };
            register::add_step(db, &worker, id, pid, &s).await?;
        }
        let scores = |base: i32| -> std::collections::BTreeMap<String, i32> {
            ["health", "daily_structure", "motivation", "social_contacts", "work_ability"]
                .iter()
                .map(|d| (d.to_string(), base.clamp(1, 10)))
                .collect()
        };
        let first = 3 + (n % 3) as i32;
        register::measure(
            db,
            &worker,
            id,
            pid,
            &MeasurementInput {
                instrument: "self_rating".into(),
                occasion: "start".into(),
                measured_on: Some(start),
                scores: scores(first),
            },
        )
        .await?;
        let end = at(120 + (n % 5) as i64 * 30);
        if end <= today && n % 7 != 6 {
            register::measure(
                db,
                &worker,
                id,
                pid,
                &MeasurementInput {
                    instrument: "self_rating".into(),
                    occasion: "exit".into(),
                    measured_on: Some(end),
                    scores: scores(first + (n % 4) as i32),
                },
            )
            .await?;
            let (reason, occupation, income) = match n % 5 {
                0 => ("work", "work", "salary"),
                1 => ("studies", "studies", "student_aid"),
                2 => ("navigated", "job_seeking", "activity_support"),
                3 => ("illness", "other", "sickness_benefit"),
                _ => ("dropped_out", "other", "social_assistance"),
            };
            let anchored = n % 5 != 4;
            register::exit(
                db,
                &worker,
                id,
                pid,
                &ExitInput {
                    exited_on: Some(end),
                    reason: Some(reason.into()),
                    occupation_after: Some(occupation.into()),
                    income_after: vec![income.into()],
                    anchored_plan: Some(anchored),
                    receiving_actor: anchored.then(|| "Arbetsförmedlingen".into()),
                },
            )
            .await?;
        }
    }
    Ok(id)
}

const DEMO_NAMES: &[&str] = &[
    "Alva Lindqvist",
    "Elias Nyström",
    "Saga Holm",
    "Omar Haddad",
    "Maja Eriksson",
    "Noah Berg",
    "Leila Ahmadi",
    "Hugo Sandberg",
    "Ella Johansson",
    "Ali Yousef",
];

/// The demo's money: the state's allocation for 2025 and 2026, the kommuner's quarter split by
/// population from 2022, the association's budget, and four more interventions beside Jobbcentrum
/// (one for Uppsala, one for two kommuner, one county-wide and one structural) whose costs for
/// 2025 were claimed, reviewed, attested and paid through the usual services. With them the
/// return page answers seed 004's question: what Enköping gets back against the other kommuner.
/// The amounts are invented; the populations are SCB's.
pub async fn load_economy(db: &Db, jobbcentrum: i64) -> ServiceResult<()> {
    use super::economy::{self, AllocationInput, BudgetPostInput, KeyInput};
    use super::requisitions::{self, RequisitionInput, RequisitionRowInput, ReviewInput, Upload};
    use crate::domain::economy::ReviewAction;
    use chrono::{Datelike, NaiveDate};

    let mut tx = db.read().await?;
    let members = member_store::list_members(&mut tx, 1).await?;
    tx.commit().await?;
    let id_of = |name: &str| members.iter().find(|m| m.name == name).map(|m| m.id).unwrap_or_default();
    let director = demo_principal(db, "forbundschef@example.org").await?;
    let officer = demo_principal(db, "handlaggare@example.org").await?;
    let admin = demo_principal(db, "forbundsadmin@example.org").await?;
    let enkoping_lead = demo_principal(db, "insatsansvarig.enkoping@example.org").await?;
    let af_lead = demo_principal(db, "insatsansvarig.af@example.org").await?;
    let date = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d).expect("a real date");

    for (year, state, equity) in [(2025, 10_000_000, Some(3_200_000)), (2026, 10_500_000, None)] {
        let input = AllocationInput {
            state_allocation_sek: state,
            equity_sek: equity,
            decided_on: Some(date(year - 1, 12, 15)),
        };
        economy::set_allocation(db, &director, 1, year, &input).await?;
    }
    economy::set_key(
        db,
        &director,
        1,
        &KeyInput { valid_from_year: 2022, kind: "population".into(), shares: Vec::new() },
    )
    .await?;
    let post = |post: &str, budget: i64, outcome: Option<i64>, forecast: Option<i64>| BudgetPostInput {
        post: post.into(),
        budget_sek: budget,
        outcome_sek: outcome,
        forecast_sek: forecast,
    };
    economy::set_budget(
        db,
        &director,
        1,
        2025,
        &[
            post("board", 400_000, Some(372_500), None),
            post("office", 2_400_000, Some(2_315_800), None),
            post("audit", 150_000, Some(148_000), None),
            post("interventions_individual", 14_000_000, Some(6_600_000), None),
            post("interventions_structural", 1_500_000, Some(400_000), None),
            post("unallocated", 1_550_000, None, None),
        ],
    )
    .await?;
    economy::set_budget(
        db,
        &director,
        1,
        2026,
        &[
            post("board", 420_000, None, Some(410_000)),
            post("office", 2_500_000, None, Some(2_450_000)),
            post("audit", 160_000, None, Some(160_000)),
            post("interventions_individual", 15_000_000, None, Some(11_000_000)),
            post("interventions_structural", 1_500_000, None, Some(900_000)),
            post("unallocated", 1_420_000, None, None),
        ],
    )
    .await?;

    let af = id_of("Arbetsförmedlingen");
    let grant = |name: &str,
                 partners: Vec<i64>,
                 end: NaiveDate,
                 total: i64,
                 orientation: &'static str,
                 target: &str,
                 planned: Option<i32>| Grant {
        association_id: 1,
        owner_member_id: af,
        partners,
        name: name.into(),
        period: (date(2025, 1, 1), end),
        by_user: af_lead.user_id,
        max_total_ore: total * 100,
        // The same maximum each year of the period.
        per_year: {
            let years: Vec<i32> = (2025..=end.year()).collect();
            years.iter().map(|y| (*y, total * 100 / years.len() as i64)).collect()
        },
        orientation,
        content: json!({
            "name": name,
            "owner": { "member_id": af },
            "target_group": target,
            "participants_per_year": planned,
            "esf": false,
        }),
    };
    let uppsala = grant_intervention(
        db,
        &grant(
            "Unga vuxna i Uppsala",
            vec![id_of("Uppsala kommun")],
            date(2026, 12, 31),
            9_000_000,
            "individual",
            "Unga vuxna 18–29 år i Uppsala som varken arbetar eller studerar",
            Some(60),
        ),
    )
    .await?;
    let north = grant_intervention(
        db,
        &grant(
            "Arbetsträning Östhammar–Tierp",
            vec![id_of("Östhammars kommun"), id_of("Tierps kommun")],
            date(2025, 12, 31),
            800_000,
            "individual",
            "Personer med försörjningsstöd i Östhammar och Tierp",
            Some(25),
        ),
    )
    .await?;
    let county = grant_intervention(
        db,
        &grant(
            "Rehabkoordinering i länet",
            vec![id_of("Region Uppsala"), id_of("Försäkringskassan")],
            date(2026, 12, 31),
            2_400_000,
            "individual",
            "Sjukskrivna med behov av samordnade insatser",
            Some(80),
        ),
    )
    .await?;
    let lokus = grant_intervention(
        db,
        &grant(
            "LOKUS – lokal samverkan",
            vec![id_of("Region Uppsala")],
            date(2026, 12, 31),
            1_000_000,
            "structural",
            "Medarbetare hos medlemmarna",
            None,
        ),
    )
    .await?;

    // The costs of 2025, quarter by quarter, each with a scanned invoice as evidence.
    let evidence = b"%PDF-1.4\n% Samordna demo: faktura\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec();
    let quarters = [(1, 3, 31), (4, 6, 30), (7, 9, 30), (10, 12, 31)];
    let claims: [(i64, &super::principal::Principal, i64, usize); 5] = [
        (jobbcentrum, &enkoping_lead, 250_000, 4),
        (uppsala, &af_lead, 1_000_000, 4),
        (north, &af_lead, 150_000, 4),
        (county, &af_lead, 250_000, 4),
        (lokus, &af_lead, 100_000, 4),
    ];
    for (intervention, lead, quarterly, count) in claims {
        for (n, (first, last, last_day)) in quarters.iter().take(count).enumerate() {
            let input = RequisitionInput {
                period_from: date(2025, *first, 1),
                period_to: date(2025, *last, *last_day),
                rows: vec![
                    RequisitionRowInput {
                        cost_kind: "personnel".into(),
                        description: "Lönekostnader enligt lönelista".into(),
                        amount: (quarterly * 4 / 5).to_string(),
                    },
                    RequisitionRowInput {
                        cost_kind: "premises".into(),
                        description: "Lokalhyra".into(),
                        amount: (quarterly - quarterly * 4 / 5).to_string(),
                    },
                ],
            };
            let upload = Upload { filename: format!("faktura-2025-q{}.pdf", n + 1), bytes: evidence.clone() };
            let rid = requisitions::create(db, lead, intervention, &input, &[upload]).await?;
            let step = |action| ReviewInput {
                action,
                reason: None,
                paid_on: Some(date(2025, *last, *last_day) + chrono::Duration::days(30)),
            };
            requisitions::review(db, &officer, intervention, rid, &step(ReviewAction::Review)).await?;
            requisitions::review(db, &director, intervention, rid, &step(ReviewAction::Attest)).await?;
            requisitions::review(db, &admin, intervention, rid, &step(ReviewAction::Pay)).await?;
        }
    }
    Ok(())
}
