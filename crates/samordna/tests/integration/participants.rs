//! The participant register through the API: a hand-made set of participants in Jobbcentrum
//! (seed 002) whose goals and indicators are worked out by hand below, the refusals that leave
//! nothing changed, consent withdrawal, retention, import and the register extract.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::both;
use crate::proposals::member;
use crate::support::{pdf_text, Api, TestApp};

/// Jobbcentrum, owned by Enköping with Arbetsförmedlingen, running 2025–2027, with Fatima Hassan
/// (the demo's deltagaransvarig at Enköping) assigned by the insatsansvarig, seed 002's parts,
/// triage and goals saved. Returns the intervention, the case worker and the lead.
pub async fn jobbcentrum(app: &TestApp) -> (i64, Api, Api) {
    let association = app.association_id().await;
    let enkoping = member(app, "Enköpings kommun").await;
    let af = member(app, "Arbetsförmedlingen").await;
    let start = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    let end = chrono::NaiveDate::from_ymd_opt(2027, 12, 31).unwrap();
    let id = samordna::service::demo::granted_intervention(
        &app.db,
        association,
        enkoping,
        af,
        "Jobbcentrum",
        (start, end),
        1,
    )
    .await
    .unwrap();
    let worker = app.api(&app.token("deltagaransvarig.enkoping@example.org").await);
    let lead = app.api(&app.token("insatsansvarig.enkoping@example.org").await);
    // Before the assignment even the owner's case worker is refused, and the refusal is audited.
    let r = worker.get(&format!("/api/v1/interventions/{id}/participants")).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "not_assigned_case_worker");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'participant.list' AND outcome = 'denied'").await,
        1
    );
    let fatima = app.count("SELECT id FROM users WHERE email = 'deltagaransvarig.enkoping@example.org'").await;
    // Only the owner's case workers can be assigned; only the lead assigns.
    let other = app.count("SELECT id FROM users WHERE email = 'deltagaransvarig.af@example.org'").await;
    let r = lead.put(&format!("/api/v1/interventions/{id}/case-workers"), &json!({"user_ids": [other]})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = worker.put(&format!("/api/v1/interventions/{id}/case-workers"), &json!({"user_ids": [fatima]})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = lead.put(&format!("/api/v1/interventions/{id}/case-workers"), &json!({"user_ids": [fatima]})).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);

    let triage_rules = json!([
        {"triage": "gron", "steps": ["assessment", "action_plan"], "within_months": 2},
        {"triage": "gul", "steps": ["assessment", "action_plan", "referral"], "within_months": 2}
    ]);
    let settings = json!({
        "parts": [
            {"code": "ung", "label": "Jobbcentrum-Ung", "planned_per_year": 30},
            {"code": "rehab", "label": "Jobbcentrum-Rehabilitering", "planned_per_year": 40}
        ],
        "triage": [
            {"code": "gron", "label": "Grön", "description": "Behöver insatsen längre än två månader"},
            {"code": "gul", "label": "Gul", "description": "Behöver insatsen kortare än två månader"}
        ],
        "deadlines": triage_rules,
        "last_intake_date": "2027-06-30",
        "measurement_every_months": 3
    });
    let goals = json!([
        {"level": "intervention", "part": "ung", "target_percent": 100,
         "text": "Kartläggning och individuell handlingsplan upprättas för alla unga kvinnor och män tillhörande grupp grön inom två månader efter första besöket.",
         "rule": {"kind": "steps_within", "triage": "gron", "steps": ["assessment", "action_plan"], "within_months": 2}},
        {"level": "intervention", "part": "ung", "target_percent": 100,
         "text": "Kartläggning, individuell handlingsplan samt lotsning till annan aktör rörande unga kvinnor och män tillhörande grupp gul genomförs inom två månader efter första besöket.",
         "rule": {"kind": "steps_within", "triage": "gul", "steps": ["assessment", "action_plan", "referral"], "within_months": 2}},
        {"level": "effect", "target_percent": 100,
         "text": "100% av avslutade kvinnor och män (gröna och gula) ska ha en förankrad fortsatt planering med identifierade och relevanta parter i ordinarie verksamhet.",
         "rule": {"kind": "exit_outcome", "outcome": "anchored_plan"}},
        {"level": "intervention", "part": "ung", "text": "Ungdomscoachen träffar 30 personer per år.",
         "rule": {"kind": "volume", "planned_per_year": 30}},
        {"level": "intervention", "part": "rehab", "text": "Rehabcoachen träffar 40 personer per år.",
         "rule": {"kind": "volume", "planned_per_year": 40}}
    ]);
    // A goal on a part that does not exist is refused and nothing is saved.
    let mut bad = goals.clone();
    bad[0]["part"] = json!("vuxen");
    let r =
        lead.put(&format!("/api/v1/interventions/{id}/follow-up"), &json!({"settings": settings, "goals": bad})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT COUNT(*) FROM intervention_follow_up").await, 0);
    let r = lead
        .put(&format!("/api/v1/interventions/{id}/follow-up"), &json!({"settings": settings, "goals": goals}))
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT, "{}", r.text().await.unwrap());
    (id, worker, lead)
}

async fn register(worker: &Api, id: i64, body: Value) -> i64 {
    let r = worker.post(&format!("/api/v1/interventions/{id}/participants"), &body).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn step(worker: &Api, id: i64, pid: i64, body: Value) {
    let r = worker.post(&format!("/api/v1/interventions/{id}/participants/{pid}/events"), &body).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
}

async fn exit(worker: &Api, id: i64, pid: i64, body: Value) {
    let r = worker.post(&format!("/api/v1/interventions/{id}/participants/{pid}/exit"), &body).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT, "{}", r.text().await.unwrap());
}

/// A GET that must answer 200 with JSON.
async fn json_ok(api: &Api, path: &str) -> Value {
    let r = api.get(path).await;
    let status = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{path}: {text}");
    serde_json::from_str(&text).unwrap()
}

async fn measure(worker: &Api, id: i64, pid: i64, body: Value) {
    let r = worker.post(&format!("/api/v1/interventions/{id}/participants/{pid}/measurements"), &body).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
}

fn identified(pnr: &str, part: &str, triage: &str, on: &str, kommun: i64, income: &[&str]) -> Value {
    json!({"identified": true, "personal_number": pnr, "name": format!("Deltagare {pnr}"),
        "consent_date": on, "consent_scope": "Uppföljning och informationsutbyte mellan Enköpings kommun och Arbetsförmedlingen",
        "enrolled_on": on, "first_visit_on": on, "triage": triage, "part": part, "home_member_id": kommun,
        "education": "upper_secondary", "occupation_before": "other", "support_time": "1_to_4",
        "income_before": income, "extent_percent": 0})
}

fn anonymous(sex: &str, part: &str, triage: &str, on: &str) -> Value {
    json!({"identified": false, "sex": sex, "enrolled_on": on, "first_visit_on": on, "triage": triage, "part": part})
}

fn self_rating(occasion: &str, on: &str, score: i32) -> Value {
    json!({"instrument": "self_rating", "occasion": occasion, "measured_on": on, "scores": {
        "health": score, "daily_structure": score, "motivation": score, "social_contacts": score, "work_ability": score}})
}

/// The hand-made register of 2025: A–G count, H is a registration error.
async fn hand_made(app: &TestApp, id: i64, worker: &Api) -> Vec<i64> {
    let enkoping = member(app, "Enköpings kommun").await;
    let heby = member(app, "Heby kommun").await;
    // A: woman, born 2002, Ung, grön; plan within two months; exit to work with an anchored plan.
    let a = register(
        worker,
        id,
        identified("20020615-2423", "ung", "gron", "2025-01-10", enkoping, &["social_assistance"]),
    )
    .await;
    step(worker, id, a, json!({"kind": "assessment", "occurred_on": "2025-02-01", "summary": "Kartläggning klar"}))
        .await;
    step(worker, id, a, json!({"kind": "action_plan", "occurred_on": "2025-03-05", "goals": "Arbete inom handel"}))
        .await;
    step(worker, id, a, json!({"kind": "activity", "occurred_on": "2025-03-10", "activity_kind": "Praktik", "provider": "ICA", "hours_per_week": 20})).await;
    measure(worker, id, a, self_rating("start", "2025-01-10", 4)).await;
    measure(worker, id, a, self_rating("exit", "2025-06-30", 7)).await;
    exit(
        worker,
        id,
        a,
        json!({"exited_on": "2025-06-30", "reason": "work", "occupation_after": "work",
        "income_after": ["salary"], "anchored_plan": true, "receiving_actor": "Arbetsförmedlingen"}),
    )
    .await;
    // B: man, born 2000, Ung, grön; the plan came late; exit to studies.
    let b = register(
        worker,
        id,
        identified("20000310-2431", "ung", "gron", "2025-02-01", enkoping, &["social_assistance"]),
    )
    .await;
    step(worker, id, b, json!({"kind": "assessment", "occurred_on": "2025-02-20"})).await;
    step(worker, id, b, json!({"kind": "action_plan", "occurred_on": "2025-04-15"})).await;
    step(worker, id, b, json!({"kind": "sip_meeting", "occurred_on": "2025-04-20", "summary": "SIP med regionen"}))
        .await;
    measure(
        worker,
        id,
        b,
        json!({"instrument": "steps", "occasion": "start", "measured_on": "2025-02-01", "scores": {"step": 2}}),
    )
    .await;
    measure(
        worker,
        id,
        b,
        json!({"instrument": "steps", "occasion": "exit", "measured_on": "2025-09-30", "scores": {"step": 4}}),
    )
    .await;
    exit(
        worker,
        id,
        b,
        json!({"exited_on": "2025-09-30", "reason": "studies", "occupation_after": "studies",
        "income_after": ["student_aid"], "anchored_plan": true, "receiving_actor": "Komvux"}),
    )
    .await;
    // C: anonymous woman, Ung, gul; navigated in time.
    let c = register(worker, id, anonymous("female", "ung", "gul", "2025-03-03")).await;
    step(worker, id, c, json!({"kind": "assessment", "occurred_on": "2025-03-10"})).await;
    step(worker, id, c, json!({"kind": "action_plan", "occurred_on": "2025-03-20"})).await;
    step(
        worker,
        id,
        c,
        json!({"kind": "referral", "occurred_on": "2025-04-15", "actor": "Arbetsförmedlingen", "confirmed": true}),
    )
    .await;
    exit(
        worker,
        id,
        c,
        json!({"exited_on": "2025-04-30", "reason": "navigated", "occupation_after": "job_seeking",
        "income_after": ["activity_support"], "anchored_plan": true, "receiving_actor": "Arbetsförmedlingen"}),
    )
    .await;
    // D: anonymous man, Ung, gul; never navigated; dropped out without a plan.
    let d = register(worker, id, anonymous("male", "ung", "gul", "2025-05-05")).await;
    step(worker, id, d, json!({"kind": "assessment", "occurred_on": "2025-05-20"})).await;
    step(worker, id, d, json!({"kind": "action_plan", "occurred_on": "2025-06-01"})).await;
    exit(
        worker,
        id,
        d,
        json!({"exited_on": "2025-08-15", "reason": "dropped_out", "occupation_after": "other",
        "income_after": ["none"], "anchored_plan": false}),
    )
    .await;
    // E: woman, born 1998, Heby, Ung, grön; only mapped; still in at the end of 2025.
    let e = register(
        worker,
        id,
        identified("19980704-2420", "ung", "gron", "2025-11-01", heby, &["unemployment_insurance"]),
    )
    .await;
    step(worker, id, e, json!({"kind": "assessment", "occurred_on": "2025-11-20"})).await;
    // F: man, born 1980, Rehabilitering, gul; everything in time; exit to work.
    let f = register(
        worker,
        id,
        identified("19800220-2433", "rehab", "gul", "2025-04-01", enkoping, &["sickness_benefit"]),
    )
    .await;
    step(worker, id, f, json!({"kind": "assessment", "occurred_on": "2025-04-10"})).await;
    step(worker, id, f, json!({"kind": "action_plan", "occurred_on": "2025-04-20"})).await;
    step(
        worker,
        id,
        f,
        json!({"kind": "referral", "occurred_on": "2025-05-10", "actor": "Arbetsgivare", "confirmed": false}),
    )
    .await;
    exit(
        worker,
        id,
        f,
        json!({"exited_on": "2025-12-15", "reason": "work", "occupation_after": "work",
        "income_after": ["salary"], "anchored_plan": true, "receiving_actor": "Arbetsgivare"}),
    )
    .await;
    // G: woman, born 1975, Rehabilitering, grön; nothing since the first visit.
    let g = register(
        worker,
        id,
        identified("19750505-2428", "rehab", "gron", "2025-01-15", enkoping, &["sickness_benefit"]),
    )
    .await;
    // H: registered by mistake; out of every figure.
    let h = register(worker, id, anonymous("male", "ung", "gron", "2025-06-01")).await;
    exit(worker, id, h, json!({"exited_on": "2025-06-01", "reason": "registration_error"})).await;
    vec![a, b, c, d, e, f, g, h]
}

fn figure(goal: &Value, group: &str) -> (i64, i64, i64) {
    let f = &goal["result"][group];
    (f["reached"].as_i64().unwrap(), f["counted"].as_i64().unwrap(), f["pending"].as_i64().unwrap())
}

fn row<'a>(stats: &'a Value, title: &str, label: &str) -> Vec<&'a Value> {
    let table = stats["tables"].as_array().unwrap().iter().find(|t| t["title"] == title).expect(title);
    let row = table["rows"].as_array().unwrap().iter().find(|r| r["label"] == label).expect(label);
    row["cells"].as_array().unwrap().iter().map(|c| &c["count"]).collect()
}

fn indicator<'a>(stats: &'a Value, label: &str) -> &'a Vec<Value> {
    stats["indicators"].as_array().unwrap().iter().find(|i| i["label"] == label).expect(label)["values"]
        .as_array()
        .unwrap()
}

both! {
    async fn the_goals_and_indicators_of_a_hand_made_register(app) {
        let (id, worker, lead) = jobbcentrum(&app).await;
        hand_made(&app, id, &worker).await;
        let period = "from=2025-01-01&to=2025-12-31";

        let goals: Value = json_ok(&worker, &format!("/api/v1/interventions/{id}/goals?{period}")).await;
        let g = goals["goals"].as_array().unwrap();
        // Ung, grön: A in time; B late; E only mapped (due 1 January 2026, passed).
        assert_eq!(figure(&g[0], "all"), (1, 3, 0));
        assert_eq!(figure(&g[0], "female"), (1, 2, 0));
        assert_eq!(figure(&g[0], "male"), (0, 1, 0));
        assert_eq!(g[0]["result"]["met"], false);
        // Ung, gul: C navigated in time; D never.
        assert_eq!(figure(&g[1], "all"), (1, 2, 0));
        assert_eq!(figure(&g[1], "female"), (1, 1, 0));
        assert_eq!(figure(&g[1], "male"), (0, 1, 0));
        // Exits with an anchored plan: A, B, C, F of A, B, C, D, F (H is a registration error).
        assert_eq!(figure(&g[2], "all"), (4, 5, 0));
        assert_eq!(figure(&g[2], "female"), (2, 2, 0));
        assert_eq!(figure(&g[2], "male"), (2, 3, 0));
        assert_eq!(g[2]["result"]["met"], false);
        // Flow: 5 new in Ung against 30 a year; 2 in Rehabilitering against 40.
        assert_eq!(figure(&g[3], "all"), (5, 30, 0));
        assert_eq!(figure(&g[3], "female"), (3, 0, 0));
        assert_eq!(figure(&g[4], "all"), (2, 40, 0));
        // The first half of 2025 only: A and B in grön (B late), C and D in gul; the plan prorated: 181 days of 30 = 14.9 -> 15.
        let half: Value = json_ok(&worker, &format!("/api/v1/interventions/{id}/goals?from=2025-01-01&to=2025-06-30")).await;
        assert_eq!(figure(&half["goals"][0], "all"), (1, 2, 0));
        assert_eq!(figure(&half["goals"][3], "all"), (4, 15, 0));
        // What is due: G's kartläggning and handlingsplan (15 March 2025) and measurement (15 April),
        // E's handlingsplan (1 January 2026) and measurement (1 February 2026); all overdue.
        let due: Value = json_ok(&worker, "/api/v1/me/due").await;
        assert_eq!(due["total"], 5);
        let whats: Vec<(String, String)> = due["items"].as_array().unwrap().iter()
            .map(|i| (i["what"].as_str().unwrap().to_string(), i["due_on"].as_str().unwrap().to_string())).collect();
        assert_eq!(whats, [
            ("Kartläggning".to_string(), "2025-03-15".to_string()),
            ("Handlingsplan".into(), "2025-03-15".into()),
            ("Progressionsmätning".into(), "2025-04-15".into()),
            ("Handlingsplan".into(), "2026-01-01".into()),
            ("Progressionsmätning".into(), "2026-02-01".into()),
        ]);
        assert!(due["items"].as_array().unwrap().iter().all(|i| i["overdue"] == true));
        let two: Value = json_ok(&worker, "/api/v1/me/due?limit=2").await;
        assert_eq!((two["items"].as_array().unwrap().len(), two["total"].clone()), (2, json!(5)));
        let (_, home) = app.login("deltagaransvarig.enkoping@example.org").await.page("/").await;
        assert!(home.contains("Deltagare 19750505") && home.contains("Försenad"), "{home}");
        // The lead sees the goals too (counts, no persons).
        // The lead sees the same goals with small groups hidden, in the API as on the page: 1 of 3
        // and 4 of 5 are small; 5 new against the plan of 30 is not, but 3 women and 2 men are.
        let hidden: Value = json_ok(&lead, &format!("/api/v1/interventions/{id}/goals?{period}")).await;
        let h = hidden["goals"].as_array().unwrap();
        assert!(h[0]["result"]["all"].is_null() && h[0]["result"]["female"].is_null() && h[0]["result"]["male"].is_null());
        assert!(h[2]["result"]["all"].is_null());
        assert_eq!(h[2]["result"]["met"], false);
        assert_eq!(figure(&h[3], "all"), (5, 30, 0));
        assert!(h[3]["result"]["female"].is_null() && h[3]["result"]["male"].is_null());
        let (_, page) = app.login("insatsansvarig.enkoping@example.org").await.page(&format!("/insatser/{id}/mal?fran=2025-01-01&till=2025-12-31")).await;
        assert!(page.contains("Dold (få deltagare)") && page.contains("5 av planerade 30") && !page.contains("1 av 3"), "{page}");

        // The case worker's statistics: nothing hidden.
        let s: Value = json_ok(&worker, &format!("/api/v1/interventions/{id}/statistics?{period}")).await;
        assert_eq!(s["suppressed"], false);
        // Participants, new, ongoing, exited.
        assert_eq!(row(&s, "Deltagare per kön", "Kvinnor"), [&json!(4), &json!(4), &json!(2), &json!(2)]);
        assert_eq!(row(&s, "Deltagare per kön", "Män"), [&json!(3), &json!(3), &json!(0), &json!(3)]);
        assert_eq!(row(&s, "Deltagare per kön", "Totalt"), [&json!(7), &json!(7), &json!(2), &json!(5)]);
        // Ages at the start of 2025: A 23, B 25, E 27, F 45, G 50; C and D anonymous.
        assert_eq!(row(&s, "Deltagare per åldersgrupp vid start", "20–24")[0], &json!(1));
        assert_eq!(row(&s, "Deltagare per åldersgrupp vid start", "25–29")[0], &json!(2));
        assert_eq!(row(&s, "Deltagare per åldersgrupp vid start", "40–49")[0], &json!(1));
        assert_eq!(row(&s, "Deltagare per åldersgrupp vid start", "50–64")[0], &json!(1));
        assert_eq!(row(&s, "Deltagare per åldersgrupp vid start", "Okänd")[0], &json!(2));
        assert_eq!(row(&s, "Deltagare per hemkommun", "Enköpings kommun")[0], &json!(4));
        assert_eq!(row(&s, "Deltagare per hemkommun", "Heby kommun")[0], &json!(1));
        assert_eq!(row(&s, "Deltagare per hemkommun", "Annan eller okänd kommun")[0], &json!(2));
        // Throughput 5/7, F 2/4, M 3/3.
        let t = indicator(&s, "Genomströmning (avslutade av alla deltagare)");
        assert_eq!((t[0]["value"].clone(), t[1]["value"].clone(), t[2]["value"].clone()), (json!(50.0), json!(100.0), json!(71.4)));
        // To work or studies: A, B, F of five exits; F 1/2, M 2/3.
        let w = indicator(&s, "Andel till arbete eller studier (av avslutade)");
        assert_eq!((w[0]["value"].clone(), w[1]["value"].clone(), w[2]["value"].clone()), (json!(50.0), json!(66.7), json!(60.0)));
        assert_eq!(w[2]["text"], "3 av 5 (60,0 %)");
        // Handlingsplan in time: A, C, D, F of A, B, C, D, E, F, G (E's and G's deadlines passed).
        let h = indicator(&s, "Handlingsplan i tid");
        assert_eq!((h[0]["part"].clone(), h[0]["whole"].clone()), (json!(2), json!(4)));
        assert_eq!((h[1]["part"].clone(), h[1]["whole"].clone()), (json!(2), json!(3)));
        assert_eq!((h[2]["part"].clone(), h[2]["whole"].clone()), (json!(4), json!(7)));
        // Days in the intervention: 171, 241, 58, 102, 258 -> 171; women 58 and 171 -> 114.5; men 241.
        let m = indicator(&s, "Tid i insatsen (median, avslutade)");
        assert_eq!((m[0]["value"].clone(), m[1]["value"].clone(), m[2]["value"].clone()), (json!(114.5), json!(241.0), json!(171.0)));
        // Income before -> after, per transition.
        assert_eq!(row(&s, "Försörjning före och efter (avslutade, per övergång)", "Före: Försörjningsstöd"),
            [&json!(1), &json!(1), &json!(2)]);
        assert_eq!(row(&s, "Försörjning före och efter (avslutade, per övergång)", "Totalt"),
            [&json!(2), &json!(1), &json!(3)]);
        // Progress: A from 4 to 7 on every self-rated dimension, B from step 2 to 4.
        let p = indicator(&s, "Progression Självskattning: Motivation (första till senaste mätning)");
        assert_eq!((p[0]["value"].clone(), p[0]["part"].clone(), p[0]["whole"].clone()), (json!(3.0), json!(1), json!(1)));
        let p = indicator(&s, "Progression Stegskala (personal): Steg: 1 inte redo för aktivitet – 5 redo för arbete eller studier (första till senaste mätning)");
        assert_eq!(p[0]["value"], json!(2.0));

        // The lead and the association see the same figures with small counts hidden so that none
        // can be worked out: 4 and 3 women and men of 7, 2 of 2 ongoing, 2 and 3 of 5 exited.
        let s: Value = json_ok(&lead, &format!("/api/v1/interventions/{id}/statistics?{period}")).await;
        assert_eq!(s["suppressed"], true);
        assert_eq!(row(&s, "Deltagare per kön", "Kvinnor"), [&Value::Null, &Value::Null, &Value::Null, &Value::Null]);
        assert_eq!(row(&s, "Deltagare per kön", "Män"), [&Value::Null, &Value::Null, &json!(0), &Value::Null]);
        assert_eq!(row(&s, "Deltagare per kön", "Totalt"), [&json!(7), &json!(7), &Value::Null, &json!(5)]);
        assert!(indicator(&s, "Tid i insatsen (median, avslutade)")[0]["value"].is_null());
        assert!(indicator(&s, "Progression Självskattning: Motivation (första till senaste mätning)")[0]["value"].is_null());
        let office = app.api(&app.token("handlaggare@example.org").await);
        let association = app.association_id().await;
        let s: Value = json_ok(&office, &format!("/api/v1/associations/{association}/statistics?{period}")).await;
        let zero = json!(0);
        assert_eq!(row(&s, "Deltagare per insats", "Jobbcentrum"),
            [&Value::Null, &Value::Null, &Value::Null, &zero, &Value::Null, &Value::Null]);
        assert_eq!(row(&s, "Deltagare per kön", "Totalt")[0], &json!(7));
        let text = s.to_string();
        for secret in ["20020615", "Deltagare 2002", "ICA", "Komvux"] {
            assert!(!text.contains(secret), "{secret} in the association's figures");
        }
        // The office never reaches the register itself, and every attempt is audited.
        let before = app.count("SELECT COUNT(*) FROM audit_events WHERE outcome = 'denied'").await;
        assert_eq!(office.get(&format!("/api/v1/interventions/{id}/participants")).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE outcome = 'denied'").await, before + 1);
    }

    async fn refusals_leave_the_register_unchanged(app) {
        let (id, worker, _) = jobbcentrum(&app).await;
        let enkoping = member(&app, "Enköpings kommun").await;
        let base = identified("20020615-2423", "ung", "gron", "2025-01-10", enkoping, &["social_assistance"]);
        let a = register(&worker, id, base.clone()).await;
        let count = || app.count("SELECT COUNT(*) FROM participations");
        let steps = || app.count("SELECT COUNT(*) FROM participation_steps");
        let refused = |r: reqwest::Response, status: StatusCode, code: &'static str| async move {
            assert_eq!(r.status(), status);
            assert_eq!(r.headers()["content-type"], "application/problem+json");
            let body: Value = r.json().await.unwrap();
            let codes = body["errors"].as_array().map(|e| e.iter().map(|x| x["code"].clone()).collect::<Vec<_>>()).unwrap_or_default();
            assert!(body["code"] == code || codes.contains(&json!(code)), "{code}: {body}");
        };
        let url = format!("/api/v1/interventions/{id}/participants");
        let mut wrong = base.clone();
        wrong["personal_number"] = json!("20020615-2424");
        refused(worker.post(&url, &wrong).await, StatusCode::UNPROCESSABLE_ENTITY, "personal_number_check_digit").await;
        let mut no_consent = base.clone();
        no_consent["personal_number"] = json!("19980704-2420");
        no_consent["consent_date"] = Value::Null;
        refused(worker.post(&url, &no_consent).await, StatusCode::UNPROCESSABLE_ENTITY, "consent_required").await;
        refused(worker.post(&url, &base).await, StatusCode::CONFLICT, "participant_already_open").await;
        let mut future = base.clone();
        future["personal_number"] = json!("19980704-2420");
        future["enrolled_on"] = json!("2099-01-01");
        refused(worker.post(&url, &future).await, StatusCode::UNPROCESSABLE_ENTITY, "date_in_future").await;
        let mut late = anonymous("male", "ung", "gron", "2025-01-10");
        late["enrolled_on"] = json!("2028-01-10");
        refused(worker.post(&url, &late).await, StatusCode::UNPROCESSABLE_ENTITY, "after_last_intake").await;
        let mut protected = base.clone();
        protected["protected_identity"] = json!(true);
        refused(worker.post(&url, &protected).await, StatusCode::UNPROCESSABLE_ENTITY, "protected_identity_anonymous").await;
        let mut anon_background = anonymous("male", "ung", "gron", "2025-01-10");
        anon_background["home_member_id"] = json!(enkoping);
        refused(worker.post(&url, &anon_background).await, StatusCode::UNPROCESSABLE_ENTITY, "anonymous_background").await;
        let other = |field: &str, value: Value| {
            let mut r = anonymous("female", "ung", "gron", "2025-01-10");
            r[field] = value;
            r
        };
        refused(worker.post(&url, &other("enrolled_on", json!("2024-12-01"))).await, StatusCode::UNPROCESSABLE_ENTITY, "before_intervention_start").await;
        refused(worker.post(&url, &other("part", Value::Null)).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
        refused(worker.post(&url, &other("part", json!("vuxen"))).await, StatusCode::UNPROCESSABLE_ENTITY, "part_unknown").await;
        refused(worker.post(&url, &other("triage", json!("blå"))).await, StatusCode::UNPROCESSABLE_ENTITY, "triage_unknown").await;
        refused(worker.post(&url, &other("sex", json!("okänt"))).await, StatusCode::UNPROCESSABLE_ENTITY, "code_unknown").await;
        let mut future_consent = base.clone();
        future_consent["personal_number"] = json!("19980704-2420");
        future_consent["consent_date"] = json!("2099-01-01");
        refused(worker.post(&url, &future_consent).await, StatusCode::UNPROCESSABLE_ENTITY, "date_in_future").await;
        let mut not_kommun = base.clone();
        not_kommun["personal_number"] = json!("19980704-2420");
        not_kommun["home_member_id"] = json!(member(&app, "Arbetsförmedlingen").await);
        refused(worker.post(&url, &not_kommun).await, StatusCode::UNPROCESSABLE_ENTITY, "not_a_kommun").await;
        let mut unknown_code = base.clone();
        unknown_code["personal_number"] = json!("19980704-2420");
        unknown_code["income_before"] = json!(["lotteri"]);
        refused(worker.post(&url, &unknown_code).await, StatusCode::UNPROCESSABLE_ENTITY, "code_unknown").await;
        assert_eq!(count().await, 1);
        // Protected identity is registered, anonymously.
        let protected_id = register(&worker, id, json!({"protected_identity": true, "sex": "female",
            "enrolled_on": "2025-02-01", "part": "ung"})).await;
        let v: Value = json_ok(&worker, &format!("{url}/{protected_id}")).await;
        assert_eq!((v["identified"].clone(), v["protected_identity"].clone(), v["personal_number"].clone()), (json!(false), json!(true), Value::Null));

        let pid = format!("{url}/{a}");
        refused(worker.post(&format!("{pid}/events"), &json!({"kind": "assessment", "occurred_on": "2099-01-01"})).await,
            StatusCode::UNPROCESSABLE_ENTITY, "date_in_future").await;
        refused(worker.post(&format!("{pid}/events"), &json!({"kind": "assessment", "occurred_on": "2024-12-01"})).await,
            StatusCode::UNPROCESSABLE_ENTITY, "before_enrolment").await;
        refused(worker.post(&format!("{pid}/events"), &json!({"kind": "referral", "occurred_on": "2025-02-01"})).await,
            StatusCode::UNPROCESSABLE_ENTITY, "required").await;
        refused(worker.post(&format!("{pid}/events"), &json!({"kind": "activity", "occurred_on": "2025-02-01"})).await,
            StatusCode::UNPROCESSABLE_ENTITY, "required").await;
        refused(worker.post(&format!("{pid}/events"), &json!({"kind": "activity", "occurred_on": "2025-02-01",
            "activity_kind": "Praktik", "hours_per_week": 41})).await, StatusCode::UNPROCESSABLE_ENTITY, "out_of_range").await;
        refused(worker.post(&format!("{pid}/events"), &json!({"kind": "vila", "occurred_on": "2025-02-01"})).await,
            StatusCode::UNPROCESSABLE_ENTITY, "step_unknown").await;
        // The first visit was given at registration; it is not given twice.
        refused(worker.post(&format!("{pid}/events"), &json!({"kind": "first_visit", "occurred_on": "2025-02-01", "triage": "gul"})).await,
            StatusCode::CONFLICT, "first_visit_recorded").await;
        assert_eq!(steps().await, 0);
        let mut scores = self_rating("start", "2025-01-10", 4);
        scores["scores"]["health"] = json!(11);
        refused(worker.post(&format!("{pid}/measurements"), &scores).await, StatusCode::UNPROCESSABLE_ENTITY, "score_out_of_scale").await;
        let mut extra = self_rating("start", "2025-01-10", 4);
        extra["scores"]["humor"] = json!(5);
        refused(worker.post(&format!("{pid}/measurements"), &extra).await, StatusCode::UNPROCESSABLE_ENTITY, "dimension_unknown").await;
        let mut missing = self_rating("start", "2025-01-10", 4);
        missing["scores"].as_object_mut().unwrap().remove("health");
        refused(worker.post(&format!("{pid}/measurements"), &missing).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
        let mut unknown = self_rating("start", "2025-01-10", 4);
        unknown["instrument"] = json!("ladder");
        refused(worker.post(&format!("{pid}/measurements"), &unknown).await, StatusCode::UNPROCESSABLE_ENTITY, "instrument_unknown").await;
        assert_eq!(app.count("SELECT COUNT(*) FROM measurements").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM participation_progress").await, 0);
        let exit_body = json!({"exited_on": "2024-12-31", "reason": "work", "occupation_after": "work",
            "income_after": ["salary"], "anchored_plan": false});
        refused(worker.post(&format!("{pid}/exit"), &exit_body).await, StatusCode::UNPROCESSABLE_ENTITY, "exit_before_enrolment").await;
        // An exit that is not a registration error needs its outcome; an anchored plan its receiver.
        refused(worker.post(&format!("{pid}/exit"), &json!({"exited_on": "2025-03-01", "reason": "work"})).await,
            StatusCode::UNPROCESSABLE_ENTITY, "required").await;
        refused(worker.post(&format!("{pid}/exit"), &json!({"exited_on": "2025-03-01", "reason": "work", "occupation_after": "work",
            "income_after": ["salary"], "anchored_plan": true})).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
        refused(worker.post(&format!("{pid}/exit"), &json!({"exited_on": "2025-03-01", "reason": "lottovinst", "occupation_after": "work",
            "income_after": ["salary"], "anchored_plan": false})).await, StatusCode::UNPROCESSABLE_ENTITY, "code_unknown").await;
        assert_eq!(app.count("SELECT COUNT(*) FROM participations WHERE exited_on IS NOT NULL").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM participation_income WHERE phase = 'after'").await, 0);

        // After the exit the same person may come back; a second open participation may not.
        exit(&worker, id, a, json!({"exited_on": "2025-03-01", "reason": "moved", "occupation_after": "other",
            "income_after": ["none"], "anchored_plan": false})).await;
        refused(worker.post(&format!("{pid}/exit"), &exit_body).await, StatusCode::CONFLICT, "participant_already_exited").await;
        refused(worker.post(&format!("{pid}/measurements"), &self_rating("exit", "2025-04-01", 5)).await,
            StatusCode::UNPROCESSABLE_ENTITY, "after_exit").await;
        refused(worker.post(&format!("{pid}/events"), &json!({"kind": "assessment", "occurred_on": "2025-02-01"})).await,
            StatusCode::CONFLICT, "participant_already_exited").await;
        let mut again = base.clone();
        again["enrolled_on"] = json!("2025-04-01");
        again["first_visit_on"] = json!("2025-04-01");
        again["consent_date"] = json!("2025-04-01");
        let second = register(&worker, id, again.clone()).await;
        let v: Value = json_ok(&worker, &format!("{url}/{second}")).await;
        assert_eq!(v["other_participations"][0]["id"], a);
        assert_eq!(v["personal_number"], "20020615-****");
        refused(worker.post(&url, &again).await, StatusCode::CONFLICT, "participant_already_open").await;
        // Progress runs from the earliest to the latest measurement, whatever order they were entered in.
        measure(&worker, id, second, self_rating("exit", "2025-06-01", 7)).await;
        measure(&worker, id, second, self_rating("quarter", "2025-05-01", 9)).await;
        measure(&worker, id, second, self_rating("start", "2025-04-01", 3)).await;
        let s: Value = json_ok(&worker, &format!("/api/v1/interventions/{id}/statistics?from=2025-01-01&to=2025-12-31")).await;
        let p = indicator(&s, "Progression Självskattning: Motivation (första till senaste mätning)");
        assert_eq!((p[0]["value"].clone(), p[0]["part"].clone(), p[0]["whole"].clone()), (json!(4.0), json!(1), json!(1)));
        // The personnummer is stored sealed: not in the table, not in the audit log.
        assert_eq!(app.count("SELECT COUNT(*) FROM participations WHERE person_cipher LIKE '%20020615%'").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE details LIKE '%0615%'").await, 0);
        let full: Value = json_ok(&worker, &format!("{url}/{second}?reveal=true")).await;
        assert_eq!(full["personal_number"], "20020615-2423");
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'participant.reveal'").await, 1);
        assert!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'participant.read'").await >= 1);
    }

    async fn consent_withdrawal_retention_and_the_register_extract(app) {
        let (id, worker, _) = jobbcentrum(&app).await;
        let ids = hand_made(&app, id, &worker).await;
        let url = format!("/api/v1/interventions/{id}/participants");
        // The extract: everything about A, as JSON and as PDF.
        let r = worker.get(&format!("{url}/{}/export?format=json", ids[0])).await;
        assert_eq!(r.status(), StatusCode::OK);
        let x: Value = r.json().await.unwrap();
        assert_eq!(x["controller"], "Enköpings kommun");
        assert_eq!(x["participations"][0]["record"]["personal_number"], "20020615-2423");
        assert_eq!(x["participations"][0]["record"]["steps"].as_array().unwrap().len(), 3);
        let pdf = worker.get(&format!("{url}/{}/export?format=pdf", ids[0])).await.bytes().await.unwrap();
        let text = pdf_text(&pdf);
        assert!(text.contains("Registerutdrag om deltagare") && text.contains("20020615-2423"), "{text}");
        assert!(text.contains("Arbetsförmedlingen"));
        assert!(text.contains("Anordnare: ICA") && text.contains("Sammanfattning: Kartläggning klar"), "{text}");
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'participant.export'").await, 2);

        // Consent withdrawn for E: anonymous at once; the counts stay.
        let e = ids[4];
        let r = worker.post(&format!("{url}/{e}/consent-withdrawal"), &json!({"withdrawn_on": "2026-01-15"})).await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        let v: Value = json_ok(&worker, &format!("{url}/{e}")).await;
        assert_eq!(v["identified"], false);
        assert!(v["personal_number"].is_null() && v["name"].is_null() && v["birth_year"].is_null() && v["home_member_id"].is_null());
        assert_eq!(v["consent_withdrawn_on"], "2026-01-15");
        assert_eq!(v["sex"], "female");
        assert_eq!(v["steps"][0]["details"], json!({}));
        let r = worker.post(&format!("{url}/{e}/consent-withdrawal"), &json!({})).await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        let s: Value = json_ok(&worker, &format!("/api/v1/interventions/{id}/statistics?from=2025-01-01&to=2025-12-31")).await;
        assert_eq!(row(&s, "Deltagare per kön", "Kvinnor")[0], &json!(4));

        // Retention: twelve months after exit, run on 22 November 2026. A, B, C, D and H ended
        // before 22 November 2025; F (December 2025) stays until its time comes, E and G are open
        // (and E is anonymous already).
        let association = app.association_id().await;
        let admin = app.api(&app.token("forbundsadmin@example.org").await);
        let settings = json!({"suppression_threshold": 5, "retention_months": 1, "consent_version": "Samtycke v2",
            "instruments": samordna::domain::participant::default_instruments()});
        let mut bad = settings.clone();
        bad["suppression_threshold"] = json!(1);
        assert_eq!(admin.put(&format!("/api/v1/associations/{association}/follow-up-settings"), &bad).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let mut year = settings.clone();
        year["retention_months"] = json!(12);
        assert_eq!(admin.put(&format!("/api/v1/associations/{association}/follow-up-settings"), &year).await.status(), StatusCode::NO_CONTENT);
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let n = samordna::service::participants::purge(&app.db, &samordna::service::audit::Actor::command_line(), day).await.unwrap();
        assert_eq!(n, 5);
        assert_eq!(app.count("SELECT COUNT(*) FROM participations WHERE person_cipher IS NOT NULL").await, 2);
        let a: Value = json_ok(&worker, &format!("{url}/{}", ids[0])).await;
        assert!(a["personal_number"].is_null() && a["personal_data_removed_at"].is_string());
        assert_eq!(a["exit_reason"], "work");
        let f: Value = json_ok(&worker, &format!("{url}/{}", ids[5])).await;
        assert_eq!(f["personal_number"], "19800220-****");
        // Counts are kept after the purge.
        let s: Value = json_ok(&worker, &format!("/api/v1/interventions/{id}/statistics?from=2025-01-01&to=2025-12-31")).await;
        assert_eq!(row(&s, "Deltagare per kön", "Totalt"), [&json!(7), &json!(7), &json!(2), &json!(5)]);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'participant.purge'").await, 1);
        // Run again: nothing more to remove.
        assert_eq!(samordna::service::participants::purge(&app.db, &samordna::service::audit::Actor::command_line(), day).await.unwrap(), 0);
    }

    async fn an_import_takes_every_row_or_none(app) {
        let (id, worker, _) = jobbcentrum(&app).await;
        let url = format!("/api/v1/interventions/{id}/participants/import");
        let bad = "personnummer;namn;samtycke_datum;samtycke_omfattning;kön;startdatum;hemkommun;försörjning_före;del;första_besök;triage\n\
            20020615-2423;Anna;2025-01-10;Uppföljning;;2025-01-10;Enköping;Försörjningsstöd;Jobbcentrum-Ung;2025-01-10;Grön\n\
            20020615-2424;Bo;2025-01-10;Uppföljning;;2025-01-10;Enköping;;ung;2025-01-10;gron\n\
            ;;;;kvinna;2025-02-30;;;ung;;\n\
            20000310-2431;Cid;;Uppföljning;;2025-03-01;Uppsala;;ung;2025-03-01;blå\n\
            20020615-2423;Anna igen;2025-01-10;Uppföljning;;2025-01-10;;;ung;;\n";
        let upload = |body: &'static str, dry: bool| {
            let form = reqwest::multipart::Form::new()
                .part("file", reqwest::multipart::Part::bytes(body.as_bytes().to_vec()).file_name("deltagare.csv"));
            worker.client.post(app.url(&format!("{url}?dry_run={dry}"))).bearer_auth(&worker.token).multipart(form).send()
        };
        let report: Value = upload(bad, true).await.unwrap().json().await.unwrap();
        assert_eq!(report["rows"], 5);
        let errors: Vec<(i64, String)> = report["errors"].as_array().unwrap().iter()
            .map(|e| (e["line"].as_i64().unwrap(), e["code"].as_str().unwrap().to_string())).collect();
        assert!(errors.contains(&(3, "personal_number_check_digit".into())), "{errors:?}");
        assert!(errors.contains(&(4, "date_invalid".into())), "{errors:?}");
        assert!(errors.contains(&(5, "consent_required".into())), "{errors:?}");
        assert!(errors.contains(&(5, "triage_unknown".into())), "{errors:?}");
        assert!(errors.contains(&(6, "import_duplicate_person".into())), "{errors:?}");
        assert!(!errors.iter().any(|e| e.0 == 2), "line 2 is good: {errors:?}");
        // Not a dry run: still nothing, because some rows are bad.
        let report: Value = upload(bad, false).await.unwrap().json().await.unwrap();
        assert_eq!(report["imported"], 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM participations").await, 0);
        let good = "personnummer;namn;samtycke_datum;samtycke_omfattning;kön;startdatum;hemkommun;försörjning_före;del;första_besök;triage\n\
            20020615-2423;Anna;2025-01-10;Uppföljning;;2025-01-10;Enköping;Försörjningsstöd;Jobbcentrum-Ung;2025-01-10;Grön\n\
            ;;;;man;2025-02-01;;;rehab;2025-02-01;gul\n";
        let report: Value = upload(good, true).await.unwrap().json().await.unwrap();
        assert_eq!((report["rows"].clone(), report["imported"].clone(), report["errors"].clone()), (json!(2), json!(0), json!([])));
        assert_eq!(app.count("SELECT COUNT(*) FROM participations").await, 0);
        let report: Value = upload(good, false).await.unwrap().json().await.unwrap();
        assert_eq!(report["imported"], 2);
        assert_eq!(app.count("SELECT COUNT(*) FROM participations WHERE identified").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM participation_income").await, 1);
        // The same file again: Anna is already in; nothing of the file is kept.
        let report: Value = upload(good, false).await.unwrap().json().await.unwrap();
        assert_eq!(report["imported"], 0);
        assert_eq!(report["errors"][0]["code"], "participant_already_open");
        assert_eq!(app.count("SELECT COUNT(*) FROM participations").await, 2);
    }
}

/// The demo's users with the role each holds.
const USERS: [&str; 12] = [
    "systemadmin@example.org",
    "forbundsadmin@example.org",
    "forbundschef@example.org",
    "handlaggare@example.org",
    "styrelseledamot@example.org",
    "revisor@example.org",
    "insatsansvarig.enkoping@example.org",
    "firmatecknare.enkoping@example.org",
    "deltagaransvarig.enkoping@example.org",
    "insatsansvarig.af@example.org",
    "firmatecknare.af@example.org",
    "deltagaransvarig.af@example.org",
];

both! {
    async fn only_the_assigned_case_workers_of_the_owner_reach_a_participant(app) {
        let (id, worker, _) = jobbcentrum(&app).await;
        let enkoping = member(&app, "Enköpings kommun").await;
        let pid = register(&worker, id, identified("20020615-2423", "ung", "gron", "2025-01-10", enkoping, &["social_assistance"])).await;
        step(&worker, id, pid, json!({"kind": "assessment", "occurred_on": "2025-02-01", "summary": "Hemlig anteckning"})).await;
        // A second case worker at the owner, not assigned to the intervention.
        let input = samordna::service::accounts::NewUserInput {
            email: "deltagaransvarig2.enkoping@example.org".into(),
            name: "Ej tilldelad".into(),
            role: "case_worker".into(),
            association_id: None,
            member_id: Some(enkoping),
        };
        samordna::service::accounts::create_user_with_password(&app.db, samordna::service::accounts::Creator::Operator,
            &input, crate::support::DEMO_PASSWORD.into(), false).await.unwrap();
        let mut users: Vec<&str> = USERS.to_vec();
        users.push("deltagaransvarig2.enkoping@example.org");

        let pages = [
            format!("/insatser/{id}/deltagare"),
            format!("/insatser/{id}/deltagare?alla=1"),
            format!("/insatser/{id}/deltagare/{pid}"),
            format!("/insatser/{id}/deltagare/{pid}?visa=personnummer"),
            format!("/insatser/{id}/deltagare/{pid}/registerutdrag.pdf"),
            format!("/insatser/{id}/deltagare/import"),
        ];
        let api = [
            format!("/api/v1/interventions/{id}/participants"),
            format!("/api/v1/interventions/{id}/participants/{pid}"),
            format!("/api/v1/interventions/{id}/participants/{pid}?reveal=true"),
            format!("/api/v1/interventions/{id}/participants/{pid}/export?format=json"),
            format!("/api/v1/interventions/{id}/participants/{pid}/export?format=pdf"),
        ];
        let writes = [
            (format!("/api/v1/interventions/{id}/participants"), json!({"identified": false, "sex": "male", "enrolled_on": "2025-03-01", "part": "ung"})),
            (format!("/api/v1/interventions/{id}/participants/{pid}/events"), json!({"kind": "action_plan", "occurred_on": "2025-03-01"})),
            (format!("/api/v1/interventions/{id}/participants/{pid}/measurements"), self_rating("start", "2025-01-10", 5)),
            (format!("/api/v1/interventions/{id}/participants/{pid}/exit"), json!({"exited_on": "2025-03-01", "reason": "registration_error"})),
            (format!("/api/v1/interventions/{id}/participants/{pid}/consent-withdrawal"), json!({})),
        ];
        // The figures: everyone who sees the intervention, small counts hidden but for its case workers.
        let figures = [format!("/insatser/{id}/mal"), format!("/api/v1/interventions/{id}/statistics"), format!("/api/v1/interventions/{id}/goals")];
        for email in &users {
            let assigned = *email == "deltagaransvarig.enkoping@example.org";
            let session = app.login(email).await;
            let client = app.api(&app.token(email).await);
            for path in &pages {
                let r = session.get(path).await;
                let status = r.status();
                let body = r.bytes().await.unwrap();
                let text = if path.ends_with(".pdf") && status == StatusCode::OK { pdf_text(&body) } else { String::from_utf8_lossy(&body).to_string() };
                if assigned {
                    assert_eq!(status, StatusCode::OK, "{email} on {path}");
                } else {
                    assert!(status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND, "{email} on {path}: {status}");
                    for secret in ["20020615", "Deltagare 2002", "Hemlig anteckning"] {
                        assert!(!text.contains(secret), "{email} read {secret} on {path}");
                    }
                }
            }
            for path in &api {
                let r = client.get(path).await;
                let status = r.status();
                let text = String::from_utf8_lossy(&r.bytes().await.unwrap()).to_string();
                if assigned {
                    assert_eq!(status, StatusCode::OK, "{email} on {path}");
                } else {
                    assert!(status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND, "{email} on {path}: {status}");
                    assert!(!text.contains("20020615") && !text.contains("Hemlig"), "{email} on {path}");
                }
            }
            if !assigned {
                for (path, body) in &writes {
                    let status = client.post(path, body).await.status();
                    assert!(status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND, "{email} wrote {path}: {status}");
                }
            }
            for path in &figures {
                let r = if path.starts_with("/api") { client.get(path).await } else { session.get(path).await };
                let status = r.status();
                let text = r.text().await.unwrap();
                // Every demo user sees Jobbcentrum: the association's roles and both parties' staff.
                assert_eq!(status, StatusCode::OK, "{email} on {path}");
                assert!(!text.contains("20020615") && !text.contains("Hemlig"), "{email} on {path}");
                if path.ends_with("statistics") {
                    let s: Value = serde_json::from_str(&text).unwrap();
                    assert_eq!(s["suppressed"], !assigned, "{email}");
                }
            }
        }
        // Nothing was written by the refused calls; every refusal and every read is in the log.
        assert_eq!(app.count("SELECT COUNT(*) FROM participations").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM participation_steps").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM measurements").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM participations WHERE exited_on IS NOT NULL OR consent_withdrawn_on IS NOT NULL").await, 0);
        let refused = app.count("SELECT COUNT(*) FROM audit_events WHERE outcome = 'denied' AND action LIKE 'participant.%'").await;
        // 12 refused users (jobbcentrum's own check adds one) × (6 pages + 5 API reads + 5 writes),
        // less the import page's and PDF routes that share a check.
        assert!(refused >= 12 * 16, "{refused} refusals audited");
        let fatima = app.count("SELECT id FROM users WHERE email = 'deltagaransvarig.enkoping@example.org'").await;
        let reads = app.count(&format!("SELECT COUNT(*) FROM audit_events WHERE actor_user_id = {fatima} AND outcome = 'success' AND action IN ('participant.read', 'participant.reveal', 'participant.export', 'participant.list')")).await;
        assert!(reads >= 10, "{reads} reads audited");
        // The audit log holds ids, never the personnummer or the notes.
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE details LIKE '%20020615%' OR details LIKE '%Hemlig%'").await, 0);
    }
}

/// A one-sheet XLSX with inline strings, as a spreadsheet program writes it (minus the styles).
fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;");
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for (r, row) in rows.iter().enumerate() {
        sheet.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, value) in row.iter().enumerate() {
            let col = (b'A' + c as u8) as char;
            sheet.push_str(&format!(r#"<c r="{col}{}" t="inlineStr"><is><t>{}</t></is></c>"#, r + 1, esc(value)));
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("[Content_Types].xml", br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_vec()),
        ("_rels/.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_vec()),
        ("xl/workbook.xml", br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Deltagare" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_vec()),
        ("xl/_rels/workbook.xml.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_vec()),
        ("xl/worksheets/sheet1.xml", sheet.into_bytes()),
    ];
    samordna_documents::docx::zip_stored(&files)
}

both! {
    async fn an_excel_list_is_read_like_a_csv(app) {
        let (id, worker, _) = jobbcentrum(&app).await;
        let rows: [&[&str]; 4] = [
            &["Personnummer", "Namn", "Samtycke datum", "Samtycke omfattning", "Startdatum", "Hemkommun", "Del", "Första besök", "Triage"],
            &["19980704-2420", "Ebba", "2025-11-01", "Uppföljning", "2025-11-01", "Heby kommun", "ung", "2025-11-01", "gron"],
            &["", "", "", "", "", "", "", "", ""],
            &["19980704-2421", "Fel", "2025-11-01", "Uppföljning", "2025-11-01", "Heby kommun", "ung", "2025-11-01", "gron"],
        ];
        let send = |bytes: Vec<u8>, dry: bool| {
            let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes).file_name("lista.xlsx"));
            worker.client.post(app.url(&format!("/api/v1/interventions/{id}/participants/import?dry_run={dry}")))
                .bearer_auth(&worker.token).multipart(form).send()
        };
        let report: Value = send(xlsx(&rows), true).await.unwrap().json().await.unwrap();
        assert_eq!(report["rows"], 2);
        assert_eq!(report["errors"][0], json!({"line": 4, "field": "personal_number", "code": "personal_number_check_digit"}));
        assert!(report["errors"].as_array().unwrap().iter().all(|e| e["line"] == 4), "{report}");
        let report: Value = send(xlsx(&rows[..2]), false).await.unwrap().json().await.unwrap();
        assert_eq!(report["imported"], 1);
        let list: Value = json_ok(&worker, &format!("/api/v1/interventions/{id}/participants")).await;
        assert_eq!(list["items"][0]["personal_number"], "19980704-****");
        assert_eq!(list["items"][0]["name"], "Ebba");
    }
}

both! {
    async fn administrators_adjust_thresholds_and_code_lists(app) {
        let admin = app.login("forbundsadmin@example.org").await;
        let association = app.association_id().await.to_string();
        let (status, html) = admin.page("/uppfoljning").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Kodlistor") && html.contains("registration_error; Felregistrering"));
        let lists = |extra: &str, occupation: &str| {
            let mut fields = vec![
                ("forbund".to_string(), association.clone()),
                ("suppression_threshold".to_string(), "3".to_string()),
                ("retention_months".to_string(), "36".to_string()),
                ("consent_version".to_string(), "Samtycke, version 2".to_string()),
            ];
            for list in samordna::domain::participant::CodeList::ALL {
                let mut text: Vec<String> = list.defaults().iter().map(|(c, l)| format!("{c}; {l}")).collect();
                if list == samordna::domain::participant::CodeList::Education {
                    text.push(extra.to_string());
                }
                if list == samordna::domain::participant::CodeList::Occupation {
                    text = vec![occupation.to_string(), "studies; Studier".into(), "other; Övriga".into()];
                }
                fields.push((format!("list_{}", list.code()), text.join("\n")));
            }
            fields
        };
        let post = |fields: Vec<(String, String)>| {
            let admin = &admin;
            async move {
                let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                admin.post("/uppfoljning", &borrowed).await
            }
        };
        // Removing a code the figures depend on is refused, and nothing is saved.
        let r = post(lists("folkhogskola; Folkhögskola", "arbete; Arbete")).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("måste behålla"));
        let mut low = lists("folkhogskola; Folkhögskola", "work; Förvärvsarbete");
        low[1].1 = "1".into();
        assert_eq!(post(low).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.count("SELECT COUNT(*) FROM association_follow_up").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM code_lists").await, 0);
        let r = post(lists("folkhogskola; Folkhögskola", "work; Förvärvsarbete")).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.count("SELECT CAST(suppression_threshold AS BIGINT) FROM association_follow_up").await, 3);
        assert_eq!(app.count("SELECT COUNT(*) FROM code_lists").await, 5);
        let api = app.api(&app.token("deltagaransvarig.enkoping@example.org").await);
        let lists: Value = json_ok(&api, &format!("/api/v1/associations/{association}/code-lists")).await;
        assert!(lists.to_string().contains("Folkhögskola"));
        // Nobody else changes them.
        let worker = app.login("deltagaransvarig.enkoping@example.org").await;
        let status = worker.get("/uppfoljning").await.status();
        assert!(status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND, "{status}");
        let office = app.api(&app.token("handlaggare@example.org").await);
        let r = office.put(&format!("/api/v1/associations/{association}/code-lists/education"), &json!([{"code": "x", "label": "X"}])).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }
}

both! {
    async fn the_lead_sets_parts_triage_deadlines_and_goals_on_a_page(app) {
        let (id, _, lead_api) = jobbcentrum(&app).await;
        let lead = app.login("insatsansvarig.enkoping@example.org").await;
        let (status, html) = lead.page(&format!("/insatser/{id}/uppfoljning")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("ung; Jobbcentrum-Ung; 30") && html.contains("gul; Kartläggning, Handlingsplan, Lotsning; 2"), "{html}");
        let before: Value = json_ok(&lead_api, &format!("/api/v1/interventions/{id}/follow-up")).await;
        assert_eq!(before["goals"].as_array().unwrap().len(), 5);
        let form = |deadlines: &'static str| {
            vec![
                ("parts", "ung; Jobbcentrum-Ung; 30\nrehab; Jobbcentrum-Rehabilitering; 40"),
                ("triage_list", "gron; Grön; Längre än två månader\ngul; Gul; Kortare än två månader\nrod; Röd; Behöver annat stöd"),
                ("deadlines", deadlines),
                ("last_intake_date", "2027-06-30"),
                ("measurement_every_months", "3"),
                ("remove_goal_3", "yes"),
                ("new_level", "effect"),
                ("new_text", "Hälften av de avslutade går till arbete eller studier."),
                ("new_kind", "exit_outcome"),
                ("new_outcome", "work_or_studies"),
                ("new_target", "50"),
            ]
        };
        // A deadline for a category that does not exist: refused, nothing saved.
        let r = lead.post(&format!("/insatser/{id}/uppfoljning"), &form("bla; Kartläggning; 2")).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("triagekategori som inte finns"));
        let same: Value = json_ok(&lead_api, &format!("/api/v1/interventions/{id}/follow-up")).await;
        assert_eq!(same, before);
        let r = lead.post(&format!("/insatser/{id}/uppfoljning"), &form("gron; Kartläggning, Handlingsplan; 2\nrod; Lotsning; 1")).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let after: Value = json_ok(&lead_api, &format!("/api/v1/interventions/{id}/follow-up")).await;
        assert_eq!(after["settings"]["triage"].as_array().unwrap().len(), 3);
        assert_eq!(after["settings"]["deadlines"][1], json!({"triage": "rod", "steps": ["referral"], "within_months": 1}));
        let goals = after["goals"].as_array().unwrap();
        assert_eq!(goals.len(), 5, "one removed, one added");
        assert!(!goals.iter().any(|g| g["text"] == "Ungdomscoachen träffar 30 personer per år."));
        assert_eq!(goals[4]["rule"], json!({"kind": "exit_outcome", "outcome": "work_or_studies"}));
        assert_eq!(goals[4]["target_percent"], 50);
        // A partner's insatsansvarig reads the goals but does not change them.
        let partner = app.login("insatsansvarig.af@example.org").await;
        assert_eq!(partner.get(&format!("/insatser/{id}/uppfoljning")).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(partner.get(&format!("/insatser/{id}/mal")).await.status(), StatusCode::OK);
    }
}

both! {
    async fn the_case_workers_forms_save_or_explain(app) {
        let (id, worker_api, _) = jobbcentrum(&app).await;
        let worker = app.login("deltagaransvarig.enkoping@example.org").await;
        let enkoping = member(&app, "Enköpings kommun").await.to_string();
        let base = format!("/insatser/{id}/deltagare");
        // Registration with a wrong check digit: the form again, in Swedish, with what was typed.
        let mut form = vec![
            ("mode", "identified"), ("personal_number", "19980704-2421"), ("name", "Ebba Ek"),
            ("consent_date", "2025-11-01"), ("consent_scope", "Uppföljning"), ("enrolled_on", "2025-11-01"),
            ("part", "ung"), ("first_visit_on", "2025-11-01"), ("triage", "gron"), ("home_member_id", enkoping.as_str()),
            ("income_before", "social_assistance"), ("income_before", "unemployment_insurance"),
        ];
        let r = worker.post(&base, &form).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(html.contains("kontrollsiffra") && html.contains("value=\"Ebba Ek\""), "{html}");
        assert_eq!(app.count("SELECT COUNT(*) FROM participations").await, 0);
        form[1] = ("personal_number", "19980704-2420");
        let r = worker.post(&base, &form).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let pid = app.count("SELECT id FROM participations").await;
        assert_eq!(app.count("SELECT COUNT(*) FROM participation_income").await, 2, "both income sources");

        // The quick step form on the list; an empty date is explained.
        let r = worker.post(&format!("{base}/steg"), &[("q_participation_id", &pid.to_string()), ("q_kind", "assessment"), ("q_occurred_on", "")]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("href=\"#q_occurred_on\""));
        let r = worker.post(&format!("{base}/steg"), &[("q_participation_id", &pid.to_string()), ("q_kind", "assessment"), ("q_occurred_on", "2025-11-20")]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let one = format!("{base}/{pid}");
        // A measurement outside the scale names the field it belongs to.
        let mut scores: Vec<(String, String)> = ["health", "daily_structure", "motivation", "social_contacts", "work_ability"]
            .iter().map(|d| (format!("score_self_rating_{d}"), "5".to_string())).collect();
        scores[0].1 = "12".into();
        let mut fields: Vec<(&str, &str)> = vec![("instrument", "self_rating"), ("occasion", "start"), ("measured_on", "2025-11-01")];
        fields.extend(scores.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let r = worker.post(&format!("{one}/matning"), &fields).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("href=\"#score_self_rating_health\""));
        fields[3].1 = "5";
        assert_eq!(worker.post(&format!("{one}/matning"), &fields).await.status(), StatusCode::SEE_OTHER);
        // The exit needs its outcome; then it is saved.
        let r = worker.post(&format!("{one}/avslut"), &[("exited_on", "2025-12-01"), ("reason", "work")]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.count("SELECT COUNT(*) FROM participations WHERE exited_on IS NOT NULL").await, 0);
        let r = worker.post(&format!("{one}/avslut"), &[("exited_on", "2025-12-01"), ("reason", "work"), ("occupation_after", "work"),
            ("income_after", "salary"), ("anchored_plan", "yes"), ("receiving_actor", "Arbetsförmedlingen")]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        // Withdrawing consent on the page.
        assert_eq!(worker.post(&format!("{one}/aterkalla"), &[("withdrawn_on", "2026-01-10")]).await.status(), StatusCode::SEE_OTHER);
        let v: Value = json_ok(&worker_api, &format!("/api/v1/interventions/{id}/participants/{pid}")).await;
        assert_eq!((v["identified"].clone(), v["anchored_plan"].clone(), v["measurements"].as_array().unwrap().len()), (json!(false), json!(true), 1));
        assert_eq!(worker.post(&format!("{one}/okand"), &[]).await.status(), StatusCode::NOT_FOUND);
    }
}
