//! Who is calling, with which roles, and what those roles allow. Every permission question is
//! answered here, so the rules live in one place.

use crate::domain::role::{Role, Scope};
use crate::storage::users::RoleGrant;

use super::{ServiceError, ServiceResult};

/// An authenticated user, as loaded for one request.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: i64,
    pub email: String,
    pub name: String,
    pub must_change_password: bool,
    pub grants: Vec<RoleGrant>,
    /// The session the request came with; None for API tokens.
    pub session: Option<SessionRef>,
    pub client_addr: String,
}

#[derive(Debug, Clone)]
pub struct SessionRef {
    pub id: i64,
    pub csrf_token: String,
}

/// Proof that the caller administers this association: only [`Principal::administer`] makes one,
/// so a function that takes it cannot be reached without the check.
#[derive(Debug, Clone, Copy)]
pub struct AssociationAdmin {
    pub association_id: i64,
    pub role: Role,
}

impl Principal {
    pub fn is_system_admin(&self) -> bool {
        self.grants.iter().any(|g| g.role == Role::SystemAdmin)
    }

    pub fn holds(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    /// Does the caller hold one of these roles in the association (an association role there, or
    /// a member role at one of its members)?
    pub fn holds_in(&self, association_id: i64, roles: &[Role]) -> bool {
        self.grants.iter().any(|g| roles.contains(&g.role) && g.association_id == Some(association_id))
    }

    /// The associations the caller has any role in, in the order the grants were given.
    pub fn association_ids(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = Vec::new();
        for id in self.grants.iter().filter_map(|g| g.association_id) {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids
    }

    /// May the caller see this association's shared information (members, its own users' names)?
    pub fn can_see_association(&self, association_id: i64) -> bool {
        self.is_system_admin() || self.grants.iter().any(|g| g.association_id == Some(association_id))
    }

    /// The associations the caller administers (all of them, for a system administrator, is
    /// expressed by `is_system_admin`).
    pub fn administered_associations(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = Vec::new();
        for g in self.grants.iter().filter(|g| g.role == Role::AssociationAdmin) {
            if let Some(id) = g.association_id {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        ids
    }

    pub fn administers_any(&self) -> bool {
        self.is_system_admin() || !self.administered_associations().is_empty()
    }

    /// Checks that the caller administers the association. A caller with no role there at all
    /// gets NotFound, so it learns nothing about associations it does not belong to.
    pub fn administer(&self, association_id: i64) -> ServiceResult<AssociationAdmin> {
        if self.is_system_admin() {
            return Ok(AssociationAdmin { association_id, role: Role::SystemAdmin });
        }
        if self.administered_associations().contains(&association_id) {
            return Ok(AssociationAdmin { association_id, role: Role::AssociationAdmin });
        }
        if self.can_see_association(association_id) {
            Err(ServiceError::Forbidden)
        } else {
            Err(ServiceError::NotFound)
        }
    }

    /// The role recorded in audit events for an action in this association: the most senior
    /// role the caller holds there.
    pub fn role_in(&self, association_id: Option<i64>) -> Option<Role> {
        let mut best: Option<Role> = None;
        for g in &self.grants {
            let applies =
                g.role.scope() == Scope::System || association_id.is_none() || g.association_id == association_id;
            if applies && best.is_none_or(|b| g.role < b) {
                best = Some(g.role);
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(role: Role, association: Option<i64>, member: Option<i64>) -> RoleGrant {
        RoleGrant { role, association_id: association, association_name: None, member_id: member, member_name: None }
    }

    fn principal(grants: Vec<RoleGrant>) -> Principal {
        Principal {
            user_id: 1,
            email: "x@y.se".into(),
            name: "X".into(),
            must_change_password: false,
            grants,
            session: None,
            client_addr: "127.0.0.1".into(),
        }
    }

    #[test]
    fn administration_is_granted_only_to_admins_of_that_association() {
        let admin = principal(vec![grant(Role::AssociationAdmin, Some(1), None)]);
        assert!(admin.administer(1).is_ok());
        assert!(matches!(admin.administer(2), Err(ServiceError::NotFound)));

        let director = principal(vec![grant(Role::Director, Some(1), None)]);
        assert!(matches!(director.administer(1), Err(ServiceError::Forbidden)));

        let system = principal(vec![grant(Role::SystemAdmin, None, None)]);
        assert_eq!(system.administer(9).unwrap().role, Role::SystemAdmin);
    }

    #[test]
    fn member_roles_belong_to_the_members_association() {
        let worker = principal(vec![grant(Role::CaseWorker, Some(3), Some(17))]);
        assert!(worker.can_see_association(3));
        assert!(!worker.can_see_association(4));
        assert_eq!(worker.association_ids(), vec![3]);
        assert_eq!(worker.role_in(Some(3)), Some(Role::CaseWorker));
        assert_eq!(worker.role_in(Some(4)), None);
    }
}
