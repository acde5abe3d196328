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
        _ => message(code),
    }
}

/// The message for a code on its own.
pub fn message(code: &str) -> &'static str {
    match code {
        "required" => "Fältet måste fyllas i.",
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
        "member_unknown" => "Medlemsorganisationen finns inte i förbundet.",
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
        "idle" => "Du loggades ut eftersom du inte varit aktiv på en stund. Logga in igen.",
        "expired" => "Din inloggning har gått ut. Logga in igen.",
        _ => return None,
    })
}
