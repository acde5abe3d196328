//! Users and their role grants.

use super::{Page, Result, Tx};
use crate::domain::role::Role;
use crate::domain::time::Timestamp;
use crate::on_backend;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub password_hash: Option<String>,
    pub must_change_password: bool,
    pub active: bool,
    pub created_at: Timestamp,
}

/// A role held by a user, with what it is held for. For a member role the member's association
/// is filled in too, so every grant but the system one names its association.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleGrant {
    pub role: Role,
    pub association_id: Option<i64>,
    pub association_name: Option<String>,
    pub member_id: Option<i64>,
    pub member_name: Option<String>,
}

#[derive(sqlx::FromRow)]
struct GrantRow {
    user_id: i64,
    role: String,
    association_id: Option<i64>,
    association_name: Option<String>,
    member_id: Option<i64>,
    member_name: Option<String>,
}

impl GrantRow {
    fn into_grant(self) -> Option<(i64, RoleGrant)> {
        Some((
            self.user_id,
            RoleGrant {
                role: Role::parse(&self.role)?,
                association_id: self.association_id,
                association_name: self.association_name,
                member_id: self.member_id,
                member_name: self.member_name,
            },
        ))
    }
}

const USER_COLUMNS: &str = "id, email, name, password_hash, must_change_password, active, created_at";

const GRANT_SELECT: &str = "SELECT r.user_id, r.role,
        COALESCE(r.association_id, m.association_id) AS association_id,
        a.name AS association_name, r.member_id, m.name AS member_name
    FROM user_roles r
    LEFT JOIN members m ON m.id = r.member_id
    LEFT JOIN associations a ON a.id = COALESCE(r.association_id, m.association_id)";

pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: Option<&'a str>,
    pub must_change_password: bool,
    pub created_at: Timestamp,
}

pub async fn insert(tx: &mut Tx, user: &NewUser<'_>) -> Result<i64> {
    let (id,): (i64,) = on_backend!(tx, c => sqlx::query_as(
        "INSERT INTO users (email, name, password_hash, must_change_password, active, created_at)
         VALUES ($1, $2, $3, $4, TRUE, $5) RETURNING id")
        .bind(user.email)
        .bind(user.name)
        .bind(user.password_hash)
        .bind(user.must_change_password)
        .bind(user.created_at)
        .fetch_one(&mut **c).await)?;
    Ok(id)
}

pub async fn get(tx: &mut Tx, id: i64) -> Result<Option<UserRow>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    Ok(on_backend!(tx, c => sqlx::query_as(&sql).bind(id).fetch_optional(&mut **c).await)?)
}

pub async fn find_by_email(tx: &mut Tx, email: &str) -> Result<Option<UserRow>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1");
    Ok(on_backend!(tx, c => sqlx::query_as(&sql).bind(email).fetch_optional(&mut **c).await)?)
}

pub async fn set_password(tx: &mut Tx, id: i64, hash: &str, must_change: bool, at: Timestamp) -> Result<()> {
    on_backend!(tx, c => sqlx::query(
        "UPDATE users SET password_hash = $2, must_change_password = $3, password_changed_at = $4 WHERE id = $1")
        .bind(id)
        .bind(hash)
        .bind(must_change)
        .bind(at)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn add_role(
    tx: &mut Tx,
    user_id: i64,
    role: Role,
    association_id: Option<i64>,
    member_id: Option<i64>,
    at: Timestamp,
) -> Result<i64> {
    let (id,): (i64,) = on_backend!(tx, c => sqlx::query_as(
        "INSERT INTO user_roles (user_id, role, association_id, member_id, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(user_id)
        .bind(role.code())
        .bind(association_id)
        .bind(member_id)
        .bind(at)
        .fetch_one(&mut **c).await)?;
    Ok(id)
}

pub async fn roles_of(tx: &mut Tx, user_id: i64) -> Result<Vec<RoleGrant>> {
    let sql = format!("{GRANT_SELECT} WHERE r.user_id = $1 ORDER BY r.id");
    let rows: Vec<GrantRow> = on_backend!(tx, c => sqlx::query_as(&sql).bind(user_id).fetch_all(&mut **c).await)?;
    Ok(rows.into_iter().filter_map(GrantRow::into_grant).map(|(_, g)| g).collect())
}

pub struct UserWithRoles {
    pub user: UserRow,
    pub roles: Vec<RoleGrant>,
}

/// Which users a list shows: all of them (system administrators), or those holding a role in
/// one association (directly or through one of its members).
#[derive(Debug, Clone, Copy)]
pub enum UserScope {
    All,
    Association(i64),
}

/// The users of one association: through an association role, or a role at one of its members.
/// Both branches use an index, so a list touches only that association's users.
const IN_ASSOCIATION: &str = "SELECT user_id FROM user_roles WHERE association_id = $1
    UNION SELECT r.user_id FROM user_roles r JOIN members m ON m.id = r.member_id WHERE m.association_id = $1";

/// One page of users in Swedish name order, each with all its roles (two queries, not one per user).
pub async fn list(tx: &mut Tx, scope: UserScope, page: Page) -> Result<(Vec<UserWithRoles>, i64)> {
    let (from, association) = match scope {
        UserScope::All => ("users u".to_string(), None),
        UserScope::Association(id) => (format!("users u JOIN ({IN_ASSOCIATION}) s ON s.user_id = u.id"), Some(id)),
    };
    // Placeholders are numbered from $2 when there is no association to bind as $1.
    let (limit, offset) = if association.is_some() { ("$2", "$3") } else { ("$1", "$2") };
    let count_sql = format!("SELECT COUNT(*) FROM {from}");
    let page_sql = format!("SELECT u.id, u.email, u.name, u.password_hash, u.must_change_password, u.active, u.created_at FROM {from} ORDER BY u.name COLLATE sv, u.id LIMIT {limit} OFFSET {offset}");
    let grants_sql = format!("{GRANT_SELECT} WHERE r.user_id IN (SELECT u.id FROM {from} ORDER BY u.name COLLATE sv, u.id LIMIT {limit} OFFSET {offset}) ORDER BY r.id");
    let (total, users, grants): (i64, Vec<UserRow>, Vec<GrantRow>) = on_backend!(tx, c => {
        let mut count = sqlx::query_as::<_, (i64,)>(&count_sql);
        let mut rows = sqlx::query_as::<_, UserRow>(&page_sql);
        let mut grant_rows = sqlx::query_as::<_, GrantRow>(&grants_sql);
        if let Some(a) = association {
            count = count.bind(a);
            rows = rows.bind(a);
            grant_rows = grant_rows.bind(a);
        }
        let (total,) = count.fetch_one(&mut **c).await?;
        let users = rows.bind(page.limit).bind(page.offset).fetch_all(&mut **c).await?;
        let grants = grant_rows.bind(page.limit).bind(page.offset).fetch_all(&mut **c).await?;
        Ok::<_, sqlx::Error>((total, users, grants))
    })?;
    let mut out: Vec<UserWithRoles> = users.into_iter().map(|user| UserWithRoles { user, roles: Vec::new() }).collect();
    for (user_id, grant) in grants.into_iter().filter_map(GrantRow::into_grant) {
        if let Some(u) = out.iter_mut().find(|u| u.user.id == user_id) {
            u.roles.push(grant);
        }
    }
    Ok((out, total))
}

pub async fn count(tx: &mut Tx) -> Result<i64> {
    let (n,): (i64,) = on_backend!(tx, c => sqlx::query_as("SELECT COUNT(*) FROM users").fetch_one(&mut **c).await)?;
    Ok(n)
}

/// The active users holding one of these association roles there, by name: (id, name, role code).
pub async fn holding(tx: &mut Tx, association_id: i64, roles: &[Role]) -> Result<Vec<(i64, String, String)>> {
    // Role codes are fixed strings from code, never input.
    let codes: Vec<String> = roles.iter().map(|r| format!("'{}'", r.code())).collect();
    let sql = format!(
        "SELECT u.id, u.name, r.role FROM user_roles r JOIN users u ON u.id = r.user_id
         WHERE r.association_id = $1 AND u.active AND r.role IN ({}) ORDER BY u.name COLLATE sv, u.id",
        codes.join(", ")
    );
    Ok(on_backend!(tx, c => sqlx::query_as(&sql).bind(association_id).fetch_all(&mut **c).await)?)
}
