//! Applications through the API: the real Jobbcentrum application of seed 002, every rule with
//! its error and nothing saved, signatures, submission, diarienummer, completion and versions.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::both;
use crate::support::{Api, TestApp};

/// The member ids of the demo association by name.
async fn member(app: &TestApp, name: &str) -> i64 {
    app.count(&format!("SELECT id FROM members WHERE name = '{name}'")).await
}

/// The content of seed 002, Jobbcentrum, with both parts, every text and the budget.
pub async fn jobbcentrum(app: &TestApp) -> Value {
    let enkoping = member(app, "Enköpings kommun").await;
    let af = member(app, "Arbetsförmedlingen").await;
    json!({
        "name": "Jobbcentrum",
        "owner": {"member_id": enkoping, "contact_name": "Frank Stoor", "contact_email": "frank.stoor@enkoping.se"},
        "partners": [{"member_id": af, "contact_name": "Emelie Preinitz", "contact_email": "emelie.preinitz@arbetsformedlingen.se"}],
        "orientation": "individual",
        "esf": false,
        "purpose": "Jobbcentrum-Ung\n- Att motivera till och samordna aktiviteter för ungdomar som varken studerar eller arbetar 16-29 år.\n- Insatsen kommer särskilt att fokusera på unga med funktionsvariation som står långt från arbetsmarknad och/eller studier\n\nJobbcentrum-Rehabilitering\n- Att motivera till och samordna aktiviteter för personer i behov av rehabilitering mot arbete.\n- Insatsen kommer särskilt att fokusera på personer som fått eller riskerar att få sin sjukpenning indragen.",
        "goals": [
            {"kind": "output", "part": 0, "text": "Kartläggning och individuell handlingsplan upprättas för alla unga kvinnor och män tillhörande grupp grön inom två månader efter första besöket."},
            {"kind": "output", "part": 0, "text": "Kartläggning, individuell handlingsplan samt lotsning till annan aktör rörande unga kvinnor och män tillhörande grupp gul genomförs inom två månader efter första besöket."},
            {"kind": "outcome", "part": 0, "text": "100% av avslutade unga kvinnor och män (gröna och gula) ska ha en förankrad fortsatt planering med identifierade och relevanta parter i ordinarie verksamhet."},
            {"kind": "output", "part": 1, "text": "Kartläggning och individuell handlingsplan upprättas för alla kvinnor och män tillhörande grupp grön inom två månader efter första besöket."},
            {"kind": "output", "part": 1, "text": "Kartläggning, individuell handlingsplan samt lotsning till annan aktör rörande kvinnor och män tillhörande grupp gul genomförs inom två månader efter första besöket."},
            {"kind": "outcome", "part": 1, "text": "100% av avslutade kvinnor och män (gröna och gula) ska ha en förankrad fortsatt planering med identifierade och relevanta parter i ordinarie verksamhet."}
        ],
        "background": "Personer som står långt från arbetsmarknaden riskerar idag att hamna mellan myndigheters ansvarsområden när stödåtgärder och andra insatser görs utan samverkan.\n\nJobbcentrum bygger på att samla befintliga resurser från berörda förvaltningar och Arbetsförmedlingen.",
        "start_date": "2018-01-01",
        "end_date": "2020-12-31",
        "last_intake_date": "2020-09-30",
        "target_group": "Jobbcentrum i Enköping vänder sig till alla individer mellan 16-65 år som varken studerar eller arbetar och som är i behov av sammansatt stöd för att nå arbetsåtergång.",
        "age_min": 16,
        "age_max": 65,
        "parts": [
            {"name": "Jobbcentrum-Ung", "target_group": "Prioriterade grupper är ungdomar 16-29 år som varken arbetar eller studerar och som ofta på grund av någon form av funktionsnedsättning har svårt att tillgodogöra sig samhällets resurser och etablera sig på arbetsmarknaden.", "age_min": 16, "age_max": 29, "participants_per_year": 30},
            {"name": "Jobbcentrum-Rehabilitering", "target_group": "Personer över 30 som varken arbetar eller studerar och som, ofta på grund av ohälsa och/eller funktionsvariation, har svårt att tillgodogöra sig samhällets resurser och riskerar att hamna mellan stolarna.", "age_min": 30, "age_max": 65, "participants_per_year": 40}
        ],
        "method": "Insatsen syftar till att upprätta en individuell handlingsplan utifrån kartläggning av individens behov.\n\nCoachens arbetssätt ska:\n- Bedrivs utifrån var individs behov\n- ha ett tydligt fokus på arbete och/eller studier\n- vara motivations- och relationsskapande\n- ha ett tydligt fokus på samordning och ordinarie insatser",
        "follow_up": "Målen ska följas upp systematiskt genom löpande rapportering till LOKUS-gruppen. Representant från Jobbcentrums styrgrupp ansvarar för att detta sker minst 4 gånger per år.",
        "implementation": "Jobbcentrum är under uppbyggnad och till stor del består verksamheten av befintliga resurser från såväl Arbetsförmedlingen som Enköpings kommun. Ambitionen är att implementera de delar som visar sig framgångsrika.",
        "budget": [
            {"member_id": enkoping, "year": 2018, "requested_sek": 1400000, "own_financing_sek": 0},
            {"member_id": enkoping, "year": 2019, "requested_sek": 1400000, "own_financing_sek": 0},
            {"member_id": enkoping, "year": 2020, "requested_sek": 1400000, "own_financing_sek": 0},
            {"member_id": af, "year": 2018, "requested_sek": 0, "own_financing_sek": 0}
        ],
        "budget_comment": "Ovanstående kostnad avser tre år. Graden av egenfinansiering i Jobbcentrum är hög.",
        "anchoring": {"discussed": true, "comment": "Ansökan har även diskuterats i LOKUS-gruppen."},
        "agreement_accepted_version": 1
    })
}

pub struct Applicants {
    pub lead: Api,
    pub enkoping_signatory: Api,
    pub af_signatory: Api,
    pub officer: Api,
}

pub async fn applicants(app: &TestApp) -> Applicants {
    Applicants {
        lead: app.api(&app.token("insatsansvarig.enkoping@example.org").await),
        enkoping_signatory: app.api(&app.token("firmatecknare.enkoping@example.org").await),
        af_signatory: app.api(&app.token("firmatecknare.af@example.org").await),
        officer: app.api(&app.token("handlaggare@example.org").await),
    }
}

/// Creates a draft and saves the given content; returns the application.
pub async fn draft(app: &TestApp, who: &Api, content: &Value) -> Value {
    let enkoping = member(app, "Enköpings kommun").await;
    let r = who.post("/api/v1/applications", &json!({"owner_member_id": enkoping, "name": content["name"]})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let created: Value = r.json().await.unwrap();
    let r = who
        .put(
            &format!("/api/v1/applications/{}", created["id"]),
            &json!({"lock_version": created["lock_version"], "content": content}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    r.json().await.unwrap()
}

/// Signs for both parties and submits; returns the submitted application.
pub async fn sign_and_submit(app: &TestApp, a: &Applicants, id: &Value) -> Value {
    let enkoping = member(app, "Enköpings kommun").await;
    let af = member(app, "Arbetsförmedlingen").await;
    let r = a
        .enkoping_signatory
        .post(&format!("/api/v1/applications/{id}/signatures"), &json!({"member_id": enkoping}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    let r = a.af_signatory.post(&format!("/api/v1/applications/{id}/signatures"), &json!({"member_id": af})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = a.lead.post(&format!("/api/v1/applications/{id}/submit"), &json!({})).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    r.json().await.unwrap()
}

/// A change to an application's content, for the table of rules.
type Change = Box<dyn Fn(&mut Value)>;

async fn expect_problem(r: reqwest::Response, status: StatusCode) -> Value {
    assert_eq!(r.status(), status);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    r.json().await.unwrap()
}

both! {
    async fn the_jobbcentrum_application_is_entered_and_sums_to_4_2_million(app) {
        let a = applicants(&app).await;
        let content = jobbcentrum(&app).await;
        let saved = draft(&app, &a.lead, &content).await;
        assert_eq!(saved["status"], "draft");
        assert_eq!(saved["incomplete"], json!([]), "every mandatory field is filled");
        let s = &saved["budget_summary"];
        assert_eq!(s["total"], json!({"requested_sek": 4200000, "own_financing_sek": 0, "total_sek": 4200000}));
        let years: Vec<(i64, i64)> = s["per_year"].as_array().unwrap().iter().map(|y| (y["year"].as_i64().unwrap(), y["requested_sek"].as_i64().unwrap())).collect();
        assert_eq!(years, [(2018, 1400000), (2019, 1400000), (2020, 1400000)]);
        assert_eq!(s["per_party"][0]["total_sek"], 4200000);
        assert_eq!(s["per_party"][1]["total_sek"], 0);
        assert_eq!(saved["content"]["parts"][0]["participants_per_year"], 30);
        assert_eq!(saved["content"]["parts"][1]["participants_per_year"], 40);
        assert_eq!(saved["content"]["goals"].as_array().unwrap().len(), 6);
        assert_eq!(saved["content"]["budget"][0]["total_sek"], 1400000);
        // The texts keep their lists.
        assert!(saved["content"]["method"].as_str().unwrap().contains("\n- ha ett tydligt fokus på arbete och/eller studier"));
    }

    async fn every_rule_answers_with_its_code_and_nothing_is_saved(app) {
        let a = applicants(&app).await;
        let content = jobbcentrum(&app).await;
        let saved = draft(&app, &a.lead, &content).await;
        let id = saved["id"].clone();
        let lock = saved["lock_version"].clone();
        let heby = member(&app, "Heby kommun").await;
        let cases: Vec<(&str, Change, &str, &str)> = vec![
            ("unknown partner", Box::new(|c: &mut Value| c["partners"][0]["member_id"] = json!(999999)), "partners[0].member_id", "member_unknown"),
            ("end before start", Box::new(|c: &mut Value| { c["end_date"] = json!("2017-12-31"); c["budget"] = json!([]); c["last_intake_date"] = Value::Null; }), "end_date", "end_before_start"),
            ("last intake after end", Box::new(|c: &mut Value| c["last_intake_date"] = json!("2021-01-15")), "last_intake_date", "last_intake_outside_period"),
            ("budget year outside", Box::new(|c: &mut Value| c["budget"][1]["year"] = json!(2021)), "budget[1].year", "budget_year_outside_period"),
            ("negative amount", Box::new(|c: &mut Value| c["budget"][0]["requested_sek"] = json!(-1)), "budget[0].requested_sek", "amount_negative"),
            ("budget for a non-party", Box::new(move |c: &mut Value| c["budget"][3]["member_id"] = json!(heby)), "budget[3].member_id", "budget_party_unknown"),
            ("age range upside down", Box::new(|c: &mut Value| { c["parts"][0]["age_min"] = json!(40); }), "parts[0].age_max", "age_range_invalid"),
            ("goal of an unknown part", Box::new(|c: &mut Value| c["goals"][0]["part"] = json!(7)), "goals[0].part", "part_unknown"),
        ];
        let audit_before = app.count("SELECT COUNT(*) FROM audit_events").await;
        for (what, change, field, code) in cases {
            let mut c = content.clone();
            change(&mut c);
            let body = expect_problem(a.lead.put(&format!("/api/v1/applications/{id}"), &json!({"lock_version": lock, "content": c})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
            let found: Vec<(String, String)> = body["errors"].as_array().unwrap().iter().map(|e| (e["field"].as_str().unwrap().into(), e["code"].as_str().unwrap().into())).collect();
            assert!(found.contains(&(field.to_string(), code.to_string())), "{what}: {found:?}");
            let now: Value = a.lead.get(&format!("/api/v1/applications/{id}")).await.json().await.unwrap();
            assert_eq!(now["lock_version"], lock, "{what}: nothing saved");
            assert_eq!(now["content"], saved["content"], "{what}: nothing saved");
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_events").await, audit_before);
    }

    async fn a_draft_may_be_incomplete_but_cannot_be_signed_until_complete(app) {
        let a = applicants(&app).await;
        let enkoping = member(&app, "Enköpings kommun").await;
        let created: Value = a.lead.post("/api/v1/applications", &json!({"owner_member_id": enkoping, "name": "Idé om ett lotsstöd"})).await.json().await.unwrap();
        assert_eq!(created["status"], "draft");
        let fields: Vec<&str> = created["incomplete"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        for f in ["partners", "purpose", "goals", "start_date", "budget", "anchoring.discussed", "agreement_accepted_version"] {
            assert!(fields.contains(&f), "{f}: {fields:?}");
        }
        let body = expect_problem(a.enkoping_signatory.post(&format!("/api/v1/applications/{}/signatures", created["id"]), &json!({"member_id": enkoping})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(body["errors"].as_array().unwrap().iter().any(|e| e["field"] == "purpose" && e["code"] == "required"));
        assert_eq!(app.count("SELECT COUNT(*) FROM application_signatures").await, 0);
        // Only kommuner as parties: several kommuner are one party.
        let mut c = jobbcentrum(&app).await;
        let heby = member(&app, "Heby kommun").await;
        c["partners"] = json!([{"member_id": heby, "contact_name": "X", "contact_email": "x@heby.se"}]);
        c["budget"] = json!([{"member_id": enkoping, "year": 2018, "requested_sek": 100, "own_financing_sek": 0}]);
        let saved = draft(&app, &a.lead, &c).await;
        assert_eq!(saved["incomplete"], json!([{"field": "partners", "code": "too_few_party_kinds", "message": "Minst två olika parter behövs: flera kommuner räknas som en part."}]));
        expect_problem(a.enkoping_signatory.post(&format!("/api/v1/applications/{}/signatures", saved["id"]), &json!({"member_id": enkoping})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        // Not a member of the association at all, and not the caller's member.
        let body = expect_problem(a.lead.post("/api/v1/applications", &json!({"owner_member_id": member(&app, "Uppsala kommun").await, "name": "X"})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(body["errors"][0]["code"], "owner_not_yours");
    }

    async fn signatures_come_from_each_partys_signatory_and_any_change_voids_them(app) {
        let a = applicants(&app).await;
        let saved = draft(&app, &a.lead, &jobbcentrum(&app).await).await;
        let id = saved["id"].clone();
        let enkoping = member(&app, "Enköpings kommun").await;
        let af = member(&app, "Arbetsförmedlingen").await;
        // Not a firmatecknare: the lead, and Arbetsförmedlingen's signatory for Enköping.
        expect_problem(a.lead.post(&format!("/api/v1/applications/{id}/signatures"), &json!({"member_id": enkoping})).await, StatusCode::FORBIDDEN).await;
        expect_problem(a.af_signatory.post(&format!("/api/v1/applications/{id}/signatures"), &json!({"member_id": enkoping})).await, StatusCode::FORBIDDEN).await;
        let body = expect_problem(a.enkoping_signatory.post(&format!("/api/v1/applications/{id}/signatures"), &json!({"member_id": member(&app, "Heby kommun").await})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(body["errors"][0]["code"], "not_a_party");
        assert_eq!(app.count("SELECT COUNT(*) FROM application_signatures").await, 0);

        let signed: Value = a.enkoping_signatory.post(&format!("/api/v1/applications/{id}/signatures"), &json!({"member_id": enkoping})).await.json().await.unwrap();
        assert_eq!(signed["status"], "signing");
        assert_eq!(signed["signatures"][0]["signer_name"], "Lars Nilsson");
        expect_problem(a.enkoping_signatory.post(&format!("/api/v1/applications/{id}/signatures"), &json!({"member_id": enkoping})).await, StatusCode::CONFLICT).await;
        // Submitting before every party has signed.
        let body = expect_problem(a.lead.post(&format!("/api/v1/applications/{id}/submit"), &json!({})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(body["errors"][0]["code"], "signatures_missing");

        // A change warns first, then voids.
        let mut c = signed["content"].clone();
        c["name"] = json!("Jobbcentrum Enköping");
        let body = expect_problem(a.lead.put(&format!("/api/v1/applications/{id}"), &json!({"lock_version": signed["lock_version"], "content": c})).await, StatusCode::CONFLICT).await;
        assert_eq!(body["code"], "signatures_would_be_voided");
        assert_eq!(app.count("SELECT COUNT(*) FROM application_signatures WHERE voided_at IS NULL").await, 1);
        let changed: Value = a.lead.put(&format!("/api/v1/applications/{id}"), &json!({"lock_version": signed["lock_version"], "void_signatures": true, "content": c})).await.json().await.unwrap();
        assert_eq!(changed["signatures"], json!([]));
        assert_eq!(changed["status"], "draft");
        assert_eq!(app.count("SELECT COUNT(*) FROM application_signatures WHERE voided_at IS NOT NULL").await, 1);
        let _ = af;
    }

    async fn submission_registers_a_diarienummer_and_completion_keeps_it(app) {
        let a = applicants(&app).await;
        let saved = draft(&app, &a.lead, &jobbcentrum(&app).await).await;
        let id = saved["id"].clone();
        let year = chrono::Utc::now().format("%Y").to_string();
        let submitted = sign_and_submit(&app, &a, &id).await;
        assert_eq!(submitted["status"], "received");
        assert_eq!(submitted["registration_number"], format!("SUL {year}/0001"));
        assert!(submitted["received_at"].is_string());
        assert_eq!(submitted["versions"].as_array().unwrap().len(), 1);
        // A received application cannot be changed by the applicant.
        let body = expect_problem(a.lead.put(&format!("/api/v1/applications/{id}"), &json!({"lock_version": submitted["lock_version"], "content": submitted["content"]})).await, StatusCode::CONFLICT).await;
        assert_eq!(body["code"], "application_not_editable");

        // The office asks for completion: a message is required, the applicant only may not ask.
        expect_problem(a.officer.post(&format!("/api/v1/applications/{id}/completion-requests"), &json!({"message": "  "})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        expect_problem(a.lead.post(&format!("/api/v1/applications/{id}/completion-requests"), &json!({"message": "x"})).await, StatusCode::FORBIDDEN).await;
        let asked = a.officer.post(&format!("/api/v1/applications/{id}/completion-requests"), &json!({"message": "Ange parternas egenfinansiering per år."})).await;
        assert_eq!(asked.status(), StatusCode::CREATED);
        let asked: Value = asked.json().await.unwrap();
        assert_eq!(asked["status"], "completion_requested");
        assert_eq!(asked["signatures"], json!([]));
        assert_eq!(asked["completion_requests"][0]["message"], "Ange parternas egenfinansiering per år.");

        let mut c = asked["content"].clone();
        c["budget"][0]["own_financing_sek"] = json!(200000);
        let changed: Value = a.lead.put(&format!("/api/v1/applications/{id}"), &json!({"lock_version": asked["lock_version"], "content": c})).await.json().await.unwrap();
        assert_eq!(changed["status"], "completion_requested");
        assert_eq!(changed["budget_summary"]["total"], json!({"requested_sek": 4200000, "own_financing_sek": 200000, "total_sek": 4400000}));
        let again = sign_and_submit(&app, &a, &id).await;
        assert_eq!(again["registration_number"], format!("SUL {year}/0001"), "the number stays");
        assert!(again["completion_requests"][0]["answered_at"].is_string());
        let versions: Value = a.officer.get(&format!("/api/v1/applications/{id}/versions?a=1&b=2")).await.json().await.unwrap();
        assert_eq!(versions["versions"].as_array().unwrap().len(), 2);
        assert_eq!(versions["changes"], json!([{"field": "budget[0].own_financing_ore", "before": "0", "after": "20000000"}]));
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'application.submit'").await, 2);
    }

    async fn concurrent_submissions_get_distinct_numbers(app) {
        let a = std::sync::Arc::new(applicants(&app).await);
        let mut ids = Vec::new();
        for _ in 0..6 {
            ids.push(draft(&app, &a.lead, &jobbcentrum(&app).await).await["id"].clone());
        }
        let enkoping = member(&app, "Enköpings kommun").await;
        let af = member(&app, "Arbetsförmedlingen").await;
        for id in &ids {
            a.enkoping_signatory.post(&format!("/api/v1/applications/{id}/signatures"), &json!({"member_id": enkoping})).await;
            a.af_signatory.post(&format!("/api/v1/applications/{id}/signatures"), &json!({"member_id": af})).await;
        }
        let mut handles = Vec::new();
        for id in ids {
            let a = a.clone();
            handles.push(tokio::spawn(async move {
                let r = a.lead.post(&format!("/api/v1/applications/{id}/submit"), &json!({})).await;
                assert_eq!(r.status(), StatusCode::OK);
                r.json::<Value>().await.unwrap()["registration_number"].as_str().unwrap().to_string()
            }));
        }
        let mut numbers = Vec::new();
        for h in handles {
            numbers.push(h.await.unwrap());
        }
        numbers.sort();
        let year = chrono::Utc::now().format("%Y").to_string();
        assert_eq!(numbers, (1..=6).map(|n| format!("SUL {year}/{n:04}")).collect::<Vec<_>>());
    }

    async fn a_second_writer_gets_409_with_what_changed(app) {
        let a = applicants(&app).await;
        let saved = draft(&app, &a.lead, &jobbcentrum(&app).await).await;
        let id = saved["id"].clone();
        let mut mine = saved["content"].clone();
        mine["purpose"] = json!("Mitt syfte.");
        let mut theirs = saved["content"].clone();
        theirs["method"] = json!("Deras metod.");
        let r = a.lead.put(&format!("/api/v1/applications/{id}"), &json!({"lock_version": saved["lock_version"], "content": theirs})).await;
        assert_eq!(r.status(), StatusCode::OK);
        let body = expect_problem(a.lead.put(&format!("/api/v1/applications/{id}"), &json!({"lock_version": saved["lock_version"], "content": mine})).await, StatusCode::CONFLICT).await;
        assert_eq!(body["code"], "edit_conflict");
        let fields: Vec<&str> = body["changes"].as_array().unwrap().iter().map(|c| c["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["method", "purpose"]);
        let now: Value = a.lead.get(&format!("/api/v1/applications/{id}")).await.json().await.unwrap();
        assert_eq!(now["content"]["method"], "Deras metod.");
        assert_ne!(now["content"]["purpose"], "Mitt syfte.");
    }

    async fn only_the_parties_see_drafts_and_the_office_sees_what_was_received(app) {
        let a = applicants(&app).await;
        let saved = draft(&app, &a.lead, &jobbcentrum(&app).await).await;
        let id = saved["id"].clone();
        let worker = app.api(&app.token("deltagaransvarig.enkoping@example.org").await);
        let board = app.api(&app.token("styrelseledamot@example.org").await);
        for (who, api) in [("officer", &a.officer), ("case worker", &worker), ("board", &board)] {
            expect_problem(api.get(&format!("/api/v1/applications/{id}")).await, StatusCode::NOT_FOUND).await;
            let _ = who;
        }
        // Arbetsförmedlingen is a partner: its signatory sees the draft and finds it in its list.
        assert_eq!(a.af_signatory.get(&format!("/api/v1/applications/{id}")).await.status(), StatusCode::OK);
        let mine: Value = a.af_signatory.get("/api/v1/applications?scope=mine").await.json().await.unwrap();
        assert_eq!(mine["total"], 1);
        let office: Value = a.officer.get("/api/v1/applications?scope=office").await.json().await.unwrap();
        assert_eq!(office["total"], 0);
        sign_and_submit(&app, &a, &id).await;
        let office: Value = a.officer.get("/api/v1/applications?scope=office&q=jobb").await.json().await.unwrap();
        assert_eq!(office["total"], 1);
        assert_eq!(office["items"][0]["owner_name"], "Enköpings kommun");
        let year = chrono::Utc::now().format("%Y").to_string();
        let by_number: Value = a.officer.get(&format!("/api/v1/applications?scope=office&q=SUL%20{year}/0001")).await.json().await.unwrap();
        assert_eq!(by_number["total"], 1);
        let none: Value = a.officer.get("/api/v1/applications?scope=office&q=finns%20inte").await.json().await.unwrap();
        assert_eq!(none["total"], 0);
        assert_eq!(board.get(&format!("/api/v1/applications/{id}")).await.status(), StatusCode::OK);
        expect_problem(worker.get(&format!("/api/v1/applications/{id}")).await, StatusCode::NOT_FOUND).await;
        expect_problem(worker.get("/api/v1/applications?scope=office").await, StatusCode::FORBIDDEN).await;
        expect_problem(a.officer.get("/api/v1/applications?status=skickad").await, StatusCode::UNPROCESSABLE_ENTITY).await;
    }

    async fn attachments_are_typed_by_content_and_refused_whole(app) {
        let a = applicants(&app).await;
        let saved = draft(&app, &a.lead, &jobbcentrum(&app).await).await;
        let id = saved["id"].clone();
        let upload = |bytes: Vec<u8>, name: &'static str| {
            let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes).file_name(name));
            a.lead.client.post(format!("{}/api/v1/applications/{id}/attachments", a.lead.base)).bearer_auth(&a.lead.token).multipart(form).send()
        };
        let r = upload(b"%PDF-1.7\n1 0 obj\n".to_vec(), "detaljerad budget.pdf").await.unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let pdf: Value = r.json().await.unwrap();
        assert_eq!(pdf["content_type"], "application/pdf");
        // A program named like a PDF, and a file over the limit (2 MB in the tests).
        let body = expect_problem(upload(b"MZ\x90\x00program".to_vec(), "budget.pdf").await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(body["errors"][0]["code"], "attachment_type");
        let mut big = b"%PDF-1.7\n".to_vec();
        big.resize(2 * 1024 * 1024 + 1, b'x');
        let r = upload(big, "stor.pdf").await.unwrap();
        assert!(r.status() == StatusCode::UNPROCESSABLE_ENTITY || r.status() == StatusCode::PAYLOAD_TOO_LARGE, "{}", r.status());
        assert_eq!(app.count("SELECT COUNT(*) FROM application_attachments").await, 1);
        // Download: the parties now, the office once received, never others.
        let url = format!("/api/v1/applications/{id}/attachments/{}", pdf["id"]);
        let r = a.af_signatory.get(&url).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        assert!(r.headers()["content-disposition"].to_str().unwrap().contains("filename*=UTF-8''detaljerad%20budget.pdf"));
        assert_eq!(r.bytes().await.unwrap().as_ref(), b"%PDF-1.7\n1 0 obj\n");
        expect_problem(a.officer.get(&url).await, StatusCode::NOT_FOUND).await;
        sign_and_submit(&app, &a, &id).await;
        assert_eq!(a.officer.get(&url).await.status(), StatusCode::OK);
        let worker = app.api(&app.token("deltagaransvarig.enkoping@example.org").await);
        expect_problem(worker.get(&url).await, StatusCode::NOT_FOUND).await;
    }
}
