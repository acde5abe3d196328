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
    use crate::storage::{applications as app_store, interventions as iv, meetings as mt};
    use chrono::Datelike;
    let now = time::now();
    let (start, end) = period;
    let mut tx = db.write().await?;
    let content = json!({ "name": name }).to_string();
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
    app_store::set_parties(&mut tx, application, owner_member_id, &[partner_member_id]).await?;
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
    let decision = mt::insert_decision(
        &mut tx,
        &mt::NewDecision {
            application_id: application,
            meeting_item_id: item,
            outcome: "granted",
            max_total_ore: Some(300_000_000),
            per_year: "[]",
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
            partners: &[partner_member_id],
            orientation: "individual",
            start_date: start,
            end_date: end,
            max_total_ore: 300_000_000,
            per_year: &[],
            option_to_extend: false,
            conditions: "[]",
            agreement_text: &agreement,
            agreement_hash: "demo",
            at: now,
        },
    )
    .await?;
    for member in [owner_member_id, partner_member_id] {
        iv::add_signature(&mut tx, intervention, member, by_user, "demo", now).await?;
    }
    iv::set_all_signed(&mut tx, intervention, now).await?;
    mt::attest(&mut tx, meeting, by_user, now).await?;
    tx.commit().await?;
    Ok(intervention)
}
