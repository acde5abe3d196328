//! Every Swedish text the interface shows for a stable error code, in one table.

/// The message shown beside a field, for a field and a code. Field-specific wording first,
/// then the general one.
pub fn field_message(field: &str, code: &str) -> &'static str {
    // A path into a document ("budget[2].year", "owner.contact_name") is looked up by its last name.
    let last = field.rsplit('.').next().unwrap_or(field);
    let field = last.split('[').next().unwrap_or(last);
    match (field, code) {
        ("email", "required") => "Ange e-postadress.",
        ("password", "required") => "Ange lösenord.",
        ("name", "required") => "Ange namn.",
        ("org_number", "required") => "Ange organisationsnummer.",
        ("party_kind", "required") => "Välj parttyp.",
        ("role", "required") => "Välj roll.",
        ("association_id", "required") => "Välj förbund.",
        ("member_id", "required") => "Välj medlemsorganisation för rollen.",
        ("current_password", "required") => "Ange ditt nuvarande lösenord.",
        ("body", "required") => "Skriv överenskommelsens text.",
        _ => message(code),
    }
}

/// The Swedish name of a field of the application, as the template names its sections.
pub fn application_field_label(path: &str) -> Option<&'static str> {
    Some(match path {
        "name" => "Insatsens namn",
        "owner.member_id" => "Insatsägare",
        "owner.contact_name" => "Kontaktperson hos insatsägaren",
        "owner.contact_email" => "Kontaktpersonens e-post",
        "partners" => "Samverkansparter",
        "orientation" => "Inriktning",
        "esf" => "Medfinansiering av ESF",
        "purpose" => "Syfte",
        "goals" => "Mål",
        "background" => "Bakgrund och behov",
        "start_date" => "Planerat startdatum",
        "end_date" => "Planerat slutdatum",
        "last_intake_date" => "Sista intagsdatum",
        "target_group" => "Målgrupp",
        "method" => "Metod",
        "follow_up" => "Uppföljning och utvärdering",
        "implementation" => "Implementering",
        "budget" => "Budget",
        "anchoring.discussed" => "Förankring",
        "agreement_accepted_version" => "Överenskommelse",
        _ => return None,
    })
}

/// The message for a code on its own.
pub fn message(code: &str) -> &'static str {
    match code {
        "required" => "Fältet måste fyllas i.",
        "member_unknown" => "Medlemsorganisationen finns inte i förbundet.",
        "partner_is_owner" => "Insatsägaren kan inte också vara samverkanspart.",
        "partner_duplicate" => "Samverkansparten finns redan med.",
        "end_before_start" => "Slutdatum måste vara efter startdatum.",
        "last_intake_outside_period" => "Sista intagsdatum måste ligga inom insatstiden.",
        "age_range_invalid" => "Den högsta åldern måste vara minst lika hög som den lägsta.",
        "age_invalid" => "Ange en ålder mellan 0 och 120.",
        "negative" => "Talet kan inte vara negativt.",
        "part_unknown" => "Delinsatsen finns inte.",
        "budget_party_unknown" => "Budgetraden måste gälla insatsägaren eller en samverkanspart.",
        "amount_negative" => "Beloppet kan inte vara negativt.",
        "amount_invalid" => "Ange beloppet i kronor, till exempel 1 400 000 eller 1,4 mkr.",
        "amount_too_large" => "Beloppet är för stort.",
        "budget_year_outside_period" => "Budgetåret måste ligga inom insatstiden.",
        "budget_row_duplicate" => "Det finns redan en budgetrad för den parten och det året.",
        "anchoring_date_without_discussion" => "Ange datum bara om ansökan har diskuterats.",
        "too_few_party_kinds" => "Minst två olika parter behövs: flera kommuner räknas som en part.",
        "goals_required" => "Ange minst ett insatsmål och ett effektmål.",
        "agreement_not_accepted" => "Överenskommelsen måste godkännas i sin gällande lydelse.",
        "owner_not_yours" => "Du kan bara starta en ansökan för en organisation där du är insatsansvarig.",
        "not_a_party" => "Organisationen är inte part i ansökan.",
        "signatures_missing" => "Alla parter måste skriva under innan ansökan kan lämnas in.",
        "signatures_would_be_voided" => "Ändringen tar bort alla underskrifter. Bekräfta att du vill ändra.",
        "already_signed" => "Parten har redan skrivit under.",
        "application_not_editable" => "Ansökan kan inte ändras i sin nuvarande status.",
        "application_not_received" => "Komplettering kan bara begäras för en inkommen ansökan.",
        "edit_conflict" => "Någon annan har ändrat ansökan medan du arbetade. Se vad som skiljer sig och spara igen.",
        "attachment_type" => "Filtypen är inte tillåten. Bifoga PDF, DOCX, XLSX, ODT, ODS, PNG eller JPEG.",
        "attachment_too_large" => "Filen är för stor.",
        "status_unknown" => "Statusen finns inte.",
        "scope_unknown" => "Urvalet finns inte.",
        "date_invalid_format" => "Ange datumet som åååå-mm-dd.",
        "number_invalid" => "Ange ett heltal.",
        "conflict_field" => "Någon annan har ändrat ansökan.",
        "agreement_unchanged" => "Texten är densamma som den gällande.",
        "officer_unknown" => "Välj en handläggare eller förbundschefen i förbundet.",
        "format_unknown" => "Välj html, pdf, docx eller txt.",
        "clause_template_invalid" => "En att-sats i förbundets mallar går inte att fylla i. Rätta mallen.",
        "clause_placeholder_unknown" => "Mallen använder en platshållare som inte finns. Se listan över platshållare.",
        "content_unreadable" => "Ansökan kan inte läsas. Kontakta förbundet.",
        "date_invalid" => "Ange datumet som åååå-mm-dd, till exempel 2026-11-22.",
        "user_unknown" => "Det finns ingen användare med den e-postadressen.",
        "too_long" => "Texten är för lång.",
        "email_invalid" => "Ange en e-postadress i formatet namn@exempel.se.",
        "email_taken" => "Det finns redan en användare med den e-postadressen.",
        "org_number_format" => "Ange organisationsnumret med tio siffror, till exempel 212000-0274.",
        "org_number_check_digit" => "Organisationsnumret är inte giltigt: kontrollsiffran stämmer inte.",
        "org_number_taken" => "Förbundet har redan en medlem med det organisationsnumret.",
        "party_kind_unknown" => "Välj en av parttyperna i listan.",
        "population_year_invalid" => "Ange ett år mellan 1900 och 2200.",
        "population_negative" => "Folkmängden kan inte vara negativ.",
        "population_invalid" => "Ange folkmängden som ett heltal.",
        "population_only_kommun" => "Folkmängd anges bara för kommuner.",
        "role_unknown" => "Välj en av rollerna i listan.",
        "association_unknown" => "Förbundet finns inte.",
        "password_too_short" => "Lösenordet måste ha minst 12 tecken.",
        "password_too_long" => "Lösenordet får ha högst 256 tecken.",
        "password_same_as_email" => "Lösenordet får inte vara din e-postadress.",
        "password_unchanged" => "Det nya lösenordet måste skilja sig från det nuvarande.",
        "password_mismatch" => "Lösenorden stämmer inte överens.",
        "current_password_wrong" => "Det nuvarande lösenordet är fel.",
        "invalid_credentials" => "Inloggningen misslyckades. Kontrollera e-postadress och lösenord.",
        "throttled" => "För många misslyckade inloggningsförsök. Vänta en stund och försök igen.",
        "csrf_failed" => "Formuläret har gått ut. Ladda om sidan och försök igen.",
        "not_found" => "Sidan eller uppgiften finns inte, eller så saknar du behörighet till den.",
        "forbidden" => "Din roll ger inte behörighet till detta.",
        "unauthenticated" => "Du behöver logga in.",
        "password_change_required" => "Du måste byta lösenord innan du fortsätter.",
        "conflict" => "Uppgiften har ändrats av någon annan. Ladda om och försök igen.",
        "malformed_body" => "Förfrågan kunde inte läsas.",
        "invalid_body" => "Förfrågan innehåller fel.",
        "payload_too_large" => "Förfrågan är för stor.",
        "internal" => "Något gick fel hos oss. Försök igen om en stund.",
        "unavailable" => "Tjänsten är inte tillgänglig just nu. Försök igen om en stund.",
        _ => "Uppgiften är felaktig.",
    }
}

/// Messages shown after a completed action (passed as a code in the redirect, never as text).
pub fn notice(code: &str) -> Option<&'static str> {
    Some(match code {
        "password_changed" => "Ditt lösenord är bytt.",
        "logged_out" => "Du är utloggad.",
        "member_created" => "Medlemmen är tillagd.",
        "application_saved" => "Ansökan är sparad.",
        "application_signed" => "Du har skrivit under ansökan.",
        "application_submitted" => "Ansökan är inlämnad och har fått ett diarienummer.",
        "completion_requested" => "Kompletteringen är begärd. Sökande kan nu ändra ansökan.",
        "attachment_added" => "Bilagan är tillagd.",
        "preparation_saved" => "Beredningen är sparad.",
        "clauses_saved" => "Att-satserna är sparade. De används i nya utkast till förslag.",
        "agreement_published" => {
            "Den nya överenskommelsetexten gäller nu. Sökande behöver godkänna den innan de skriver under."
        }
        "idle" => "Du loggades ut eftersom du inte varit aktiv på en stund. Logga in igen.",
        "expired" => "Din inloggning har gått ut. Logga in igen.",
        _ => return None,
    })
}
