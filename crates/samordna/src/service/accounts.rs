//! Accounts: logging in and out, sessions and API tokens, passwords, and creating users.

use chrono::Duration;
use serde_json::json;

use crate::domain::audit::{Action, Outcome};
use crate::domain::email::{Email, EmailError};
use crate::domain::password::{self, PasswordPolicyError};
use crate::domain::role::{Role, Scope};
use crate::domain::time;
use crate::storage::users::{NewUser, UserScope, UserWithRoles};
use crate::storage::{members, sessions, throttle, tokens as token_store, users, Db, Page};

use super::audit::{Actor, Event};
use super::principal::{Principal, SessionRef};
use super::tokens::{hash_secret, one_time_password, random_token};
use super::{ServiceError, ServiceResult, Validation};

/// How long sessions live and how failed logins are throttled.
#[derive(Debug, Clone)]
pub struct AuthPolicy {
    /// A session unused for this long is ended.
    pub idle_timeout: Duration,
    /// A session is ended this long after login, used or not.
    pub absolute_timeout: Duration,
    /// Failed logins are counted over this window.
    pub throttle_window: Duration,
    /// Failed logins for one account within the window before it is throttled.
    pub max_failures_per_account: i64,
    /// Failed logins from one client address within the window before it is throttled.
    pub max_failures_per_client: i64,
}

impl Default for AuthPolicy {
    fn default() -> Self {
        AuthPolicy {
            idle_timeout: Duration::minutes(30),
            absolute_timeout: Duration::hours(12),
            throttle_window: Duration::minutes(15),
            max_failures_per_account: 5,
            max_failures_per_client: 20,
        }
    }
}

/// A successful login: the session token for the cookie (shown once, stored only as a hash).
pub struct LoggedIn {
    pub session_token: String,
    pub user_id: i64,
    pub must_change_password: bool,
}

async fn hash_password(password: String) -> String {
    tokio::task::spawn_blocking(move || password::hash(&password)).await.expect("hashing does not panic")
}

async fn verify_password(password: String, phc: String) -> bool {
    tokio::task::spawn_blocking(move || password::verify(&password, &phc)).await.expect("verifying does not panic")
}

/// Checks the credentials. Every failure looks the same to the caller (no hint whether the
/// account exists), is counted for throttling and is audited.
pub async fn login(
    db: &Db,
    policy: &AuthPolicy,
    email_input: &str,
    password_input: &str,
    client_addr: &str,
) -> ServiceResult<LoggedIn> {
    let normalised = email_input.trim().to_lowercase();
    let account_hash = hash_secret(&normalised);
    let now = time::now();
    let actor_unknown = Actor { user_id: None, role: None, client_addr: Some(client_addr.to_string()) };

    let mut tx = db.read().await?;
    let (by_account, by_client) =
        throttle::failures_since(&mut tx, &account_hash, client_addr, now - policy.throttle_window).await?;
    let user = users::find_by_email(&mut tx, &normalised).await?;
    // Events about a user belong to the user's association, so its administrators see them.
    let grants = match &user {
        Some(u) => users::roles_of(&mut tx, u.id).await?,
        None => Vec::new(),
    };
    tx.commit().await?;
    let home = grants.iter().find_map(|g| g.association_id);

    let actor = Actor {
        user_id: user.as_ref().map(|u| u.id),
        role: grants.first().map(|g| g.role.code().to_string()),
        ..actor_unknown
    };
    if by_account >= policy.max_failures_per_account || by_client >= policy.max_failures_per_client {
        Event::new(&actor, Action::Login)
            .association_opt(home)
            .outcome(Outcome::Denied)
            .details(json!({ "reason": "throttled" }))
            .write_alone(db)
            .await?;
        return Err(ServiceError::Throttled);
    }

    let usable = user
        .as_ref()
        .filter(|u| u.active)
        .and_then(|u| u.password_hash.clone().map(|h| (u.id, u.must_change_password, h)));
    let phc = usable.as_ref().map(|(_, _, h)| h.clone()).unwrap_or_else(|| password::dummy_hash().to_string());
    let matches = verify_password(password_input.to_string(), phc).await && usable.is_some();

    let mut tx = db.write().await?;
    match usable.filter(|_| matches) {
        None => {
            throttle::record_failure(&mut tx, &account_hash, client_addr, now).await?;
            throttle::prune(&mut tx, now - policy.throttle_window * 4).await?;
            Event::new(&actor, Action::Login)
                .association_opt(home)
                .outcome(Outcome::Failure)
                .details(json!({ "reason": "invalid_credentials" }))
                .write(&mut tx)
                .await?;
            tx.commit().await?;
            Err(ServiceError::Unauthenticated)
        }
        Some((user_id, must_change_password, _)) => {
            throttle::clear_account(&mut tx, &account_hash).await?;
            let token = random_token();
            let session_id = sessions::insert(&mut tx, &hash_secret(&token), user_id, &random_token(), now).await?;
            Event::new(&actor, Action::Login)
                .association_opt(home)
                .object("session", session_id)
                .write(&mut tx)
                .await?;
            tx.commit().await?;
            Ok(LoggedIn { session_token: token, user_id, must_change_password })
        }
    }
}

/// Why a session cookie was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionEnd {
    Unknown,
    Idle,
    Expired,
}

/// The principal behind a session cookie, or why there is none. Ends sessions past either
/// time-out, and records use at most once a minute to keep reads from writing.
pub async fn authenticate_session(
    db: &Db,
    policy: &AuthPolicy,
    token: &str,
    client_addr: &str,
) -> ServiceResult<Result<Principal, SessionEnd>> {
    let now = time::now();
    let mut tx = db.read().await?;
    let Some(session) = sessions::find(&mut tx, &hash_secret(token)).await? else {
        tx.commit().await?;
        return Ok(Err(SessionEnd::Unknown));
    };
    let idle = now - session.last_seen_at > policy.idle_timeout;
    let expired = now - session.created_at > policy.absolute_timeout;
    if idle || expired {
        let home = users::roles_of(&mut tx, session.user_id).await?.iter().find_map(|g| g.association_id);
        tx.commit().await?;
        let mut tx = db.write().await?;
        sessions::delete(&mut tx, session.id).await?;
        let actor = Actor { user_id: Some(session.user_id), role: None, client_addr: Some(client_addr.to_string()) };
        Event::new(&actor, Action::SessionExpired)
            .association_opt(home)
            .object("session", session.id)
            .details(json!({ "reason": if expired { "absolute" } else { "idle" } }))
            .write(&mut tx)
            .await?;
        tx.commit().await?;
        return Ok(Err(if expired { SessionEnd::Expired } else { SessionEnd::Idle }));
    }
    let principal = load_principal(&mut tx, session.user_id, client_addr).await?;
    tx.commit().await?;
    let Some(mut principal) = principal else {
        return Ok(Err(SessionEnd::Unknown));
    };
    principal.session = Some(SessionRef { id: session.id, csrf_token: session.csrf_token });
    if now - session.last_seen_at > Duration::seconds(60) {
        let mut tx = db.write().await?;
        sessions::touch(&mut tx, session.id, now).await?;
        tx.commit().await?;
    }
    Ok(Ok(principal))
}

/// The principal behind an API token, if the token is valid and its user active.
pub async fn authenticate_token(db: &Db, token: &str, client_addr: &str) -> ServiceResult<Option<Principal>> {
    let mut tx = db.read().await?;
    let Some((token_id, user_id, last_used)) = token_store::find_active(&mut tx, &hash_secret(token)).await? else {
        tx.commit().await?;
        return Ok(None);
    };
    let principal = load_principal(&mut tx, user_id, client_addr).await?;
    tx.commit().await?;
    // Record use at most once a minute, so API reads do not queue behind writes.
    let now = time::now();
    if principal.is_some() && last_used.is_none_or(|t| now - t > Duration::seconds(60)) {
        let mut tx = db.write().await?;
        token_store::touch(&mut tx, token_id, now).await?;
        tx.commit().await?;
    }
    Ok(principal)
}

async fn load_principal(
    tx: &mut crate::storage::Tx,
    user_id: i64,
    client_addr: &str,
) -> ServiceResult<Option<Principal>> {
    let Some(user) = users::get(tx, user_id).await?.filter(|u| u.active) else {
        return Ok(None);
    };
    let grants = users::roles_of(tx, user_id).await?;
    Ok(Some(Principal {
        user_id: user.id,
        email: user.email,
        name: user.name,
        must_change_password: user.must_change_password,
        grants,
        session: None,
        client_addr: client_addr.to_string(),
    }))
}

pub async fn logout(db: &Db, principal: &Principal) -> ServiceResult<()> {
    let Some(session) = &principal.session else {
        return Ok(());
    };
    let mut tx = db.write().await?;
    sessions::delete(&mut tx, session.id).await?;
    let home = principal.association_ids().first().copied();
    Event::new(&Actor::of(principal, home), Action::Logout)
        .association_opt(home)
        .object("session", session.id)
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

fn policy_code(e: PasswordPolicyError) -> &'static str {
    match e {
        PasswordPolicyError::TooShort => "password_too_short",
        PasswordPolicyError::TooLong => "password_too_long",
        PasswordPolicyError::SameAsEmail => "password_same_as_email",
    }
}

pub struct PasswordChange<'a> {
    pub current: &'a str,
    pub new: &'a str,
    pub confirm: &'a str,
}

/// Changes the caller's own password and ends its other sessions.
pub async fn change_password(db: &Db, principal: &Principal, change: PasswordChange<'_>) -> ServiceResult<()> {
    let home = principal.association_ids().first().copied();
    let mut v = Validation::default();
    if change.current.is_empty() {
        v.add("current_password", "required");
    }
    if let Err(e) = password::check_policy(change.new, &principal.email) {
        v.add("new_password", policy_code(e));
    } else if change.new == change.current {
        v.add("new_password", "password_unchanged");
    }
    if change.new != change.confirm {
        v.add("confirm_password", "password_mismatch");
    }
    let mut tx = db.read().await?;
    let user = users::get(&mut tx, principal.user_id).await?.ok_or(ServiceError::Unauthenticated)?;
    tx.commit().await?;
    if !change.current.is_empty() {
        let phc = user.password_hash.clone().unwrap_or_else(|| password::dummy_hash().to_string());
        if !verify_password(change.current.to_string(), phc).await {
            v.add("current_password", "current_password_wrong");
        }
    }
    if let Err(e) = v.finish() {
        Event::new(&Actor::of(principal, home), Action::PasswordChange)
            .association_opt(home)
            .object("user", principal.user_id)
            .outcome(Outcome::Failure)
            .write_alone(db)
            .await?;
        return Err(e);
    }
    let hash = hash_password(change.new.to_string()).await;
    let mut tx = db.write().await?;
    users::set_password(&mut tx, principal.user_id, &hash, false, time::now()).await?;
    if let Some(s) = &principal.session {
        sessions::delete_others(&mut tx, principal.user_id, s.id).await?;
    }
    Event::new(&Actor::of(principal, home), Action::PasswordChange)
        .association_opt(home)
        .object("user", principal.user_id)
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A request to create a user, as typed.
#[derive(Debug, Clone, Default)]
pub struct NewUserInput {
    pub email: String,
    pub name: String,
    pub role: String,
    pub association_id: Option<i64>,
    pub member_id: Option<i64>,
}

/// A created user and the one-time password to hand over (it must be changed at first login).
pub struct CreatedUser {
    pub user_id: i64,
    pub email: String,
    pub one_time_password: String,
}

/// Who may create users where: a system administrator anywhere (and other system
/// administrators); an association administrator only within its association.
pub enum Creator<'a> {
    Operator,
    Principal(&'a Principal),
}

pub async fn create_user(db: &Db, creator: Creator<'_>, input: &NewUserInput) -> ServiceResult<CreatedUser> {
    create_user_with_password(db, creator, input, one_time_password(), true).await
}

/// Creates a user with a given password (the demo data's users); `must_change` as for a one-time one.
pub async fn create_user_with_password(
    db: &Db,
    creator: Creator<'_>,
    input: &NewUserInput,
    password_plain: String,
    must_change: bool,
) -> ServiceResult<CreatedUser> {
    let mut v = Validation::default();
    let email = match Email::parse(&input.email) {
        Ok(e) => Some(e),
        Err(EmailError::Empty) => {
            v.add("email", "required");
            None
        }
        Err(EmailError::Invalid) => {
            v.add("email", "email_invalid");
            None
        }
    };
    let name = v.text("name", &input.name, 200);
    let role = Role::parse(input.role.trim());
    if role.is_none() {
        v.add("role", if input.role.trim().is_empty() { "required" } else { "role_unknown" });
    }

    let mut tx = db.read().await?;
    // Work out the association the new role belongs to, and check the creator may act there.
    let mut scope: (Option<i64>, Option<i64>) = (None, None);
    let mut association_for_audit: Option<i64> = None;
    if let Some(role) = role {
        match role.scope() {
            Scope::System => {}
            Scope::Association => match input.association_id {
                None => v.add("association_id", "required"),
                Some(a) => {
                    if members::get_association(&mut tx, a).await?.is_none() {
                        v.add("association_id", "association_unknown");
                    } else {
                        scope = (Some(a), None);
                        association_for_audit = Some(a);
                    }
                }
            },
            Scope::Member => match input.member_id {
                None => v.add("member_id", "required"),
                Some(m) => match members::get_member(&mut tx, m).await? {
                    None => v.add("member_id", "member_unknown"),
                    Some(member) => {
                        if input.association_id.is_some_and(|a| a != member.association_id) {
                            v.add("member_id", "member_unknown");
                        } else {
                            scope = (None, Some(m));
                            association_for_audit = Some(member.association_id);
                        }
                    }
                },
            },
        }
    }
    if let Some(e) = &email {
        if users::find_by_email(&mut tx, e.as_str()).await?.is_some() {
            v.add("email", "email_taken");
        }
    }
    tx.commit().await?;

    let actor = match &creator {
        Creator::Operator => Actor::command_line(),
        Creator::Principal(p) => {
            // Authorise before revealing validation results that depend on the data.
            match (role.map(Role::scope), association_for_audit) {
                (Some(Scope::System), _) if !p.is_system_admin() => return Err(ServiceError::Forbidden),
                (_, Some(a)) => {
                    p.administer(a)?;
                }
                _ if !p.administers_any() => return Err(ServiceError::Forbidden),
                _ => {}
            }
            Actor::of(p, association_for_audit)
        }
    };
    v.finish()?;
    let (email, role) = (email.expect("validated"), role.expect("validated"));

    let hash = hash_password(password_plain.clone()).await;
    let now = time::now();
    let mut tx = db.write().await?;
    let user_id = users::insert(
        &mut tx,
        &NewUser {
            email: email.as_str(),
            name: &name,
            password_hash: Some(&hash),
            must_change_password: must_change,
            created_at: now,
        },
    )
    .await
    .map_err(|e| {
        if e.is_unique_violation() {
            ServiceError::Invalid(vec![super::FieldError::new("email", "email_taken")])
        } else {
            e.into()
        }
    })?;
    users::add_role(&mut tx, user_id, role, scope.0, scope.1, now).await?;
    let mut event =
        Event::new(&actor, Action::UserCreate).object("user", user_id).details(json!({ "role": role.code() }));
    if let Some(a) = association_for_audit {
        event = event.association(a);
    }
    if let Some(m) = scope.1 {
        event = event.member(m);
    }
    event.write(&mut tx).await?;
    tx.commit().await?;
    Ok(CreatedUser { user_id, email: email.to_string(), one_time_password: password_plain })
}

/// The users the caller may see, one page at a time. System administrators see everyone;
/// association administrators the users with a role in their association.
pub async fn list_users(
    db: &Db,
    principal: &Principal,
    association_id: Option<i64>,
    page: Page,
) -> ServiceResult<(Vec<UserWithRoles>, i64)> {
    let scope = match association_id {
        Some(a) => {
            principal.administer(a)?;
            UserScope::Association(a)
        }
        None if principal.is_system_admin() => UserScope::All,
        None => {
            let a = *principal.administered_associations().first().ok_or(ServiceError::Forbidden)?;
            UserScope::Association(a)
        }
    };
    let mut tx = db.read().await?;
    let result = users::list(&mut tx, scope, page).await?;
    tx.commit().await?;
    Ok(result)
}

/// Every user, for the operator's `user list`.
pub async fn list_all_users(db: &Db) -> ServiceResult<Vec<UserWithRoles>> {
    let mut tx = db.read().await?;
    let mut out = Vec::new();
    let mut offset = 0;
    loop {
        let (page, total) = users::list(&mut tx, UserScope::All, Page { limit: Page::MAX_LIMIT, offset }).await?;
        offset += page.len() as i64;
        out.extend(page);
        if offset >= total {
            break;
        }
    }
    tx.commit().await?;
    Ok(out)
}

/// Creates an API token for a user (operator only) and returns it; it cannot be shown again.
pub async fn create_token(db: &Db, email_input: &str) -> ServiceResult<String> {
    let email = Email::parse(email_input)
        .map_err(|_| ServiceError::Invalid(vec![super::FieldError::new("email", "email_invalid")]))?;
    let token = random_token();
    let mut tx = db.write().await?;
    let user = users::find_by_email(&mut tx, email.as_str()).await?.ok_or(ServiceError::NotFound)?;
    let id = token_store::insert(&mut tx, &hash_secret(&token), user.id, time::now()).await?;
    Event::new(&Actor::command_line(), Action::TokenCreate)
        .object("api_token", id)
        .details(json!({ "user_id": user.id }))
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(token)
}

/// On a database without users: one system administrator with a one-time password.
pub async fn bootstrap_admin(db: &Db, email: &str) -> ServiceResult<Option<CreatedUser>> {
    let mut tx = db.read().await?;
    let count = users::count(&mut tx).await?;
    tx.commit().await?;
    if count > 0 {
        return Ok(None);
    }
    let input = NewUserInput {
        email: email.to_string(),
        name: "Systemadministratör".into(),
        role: "system_admin".into(),
        ..Default::default()
    };
    create_user(db, Creator::Operator, &input).await.map(Some)
}

/// The id of the user with this e-mail address, for filters.
pub async fn find_user_id(db: &Db, email: &str) -> ServiceResult<Option<i64>> {
    let mut tx = db.read().await?;
    let user = users::find_by_email(&mut tx, email.trim().to_lowercase().as_str()).await?;
    tx.commit().await?;
    Ok(user.map(|u| u.id))
}
