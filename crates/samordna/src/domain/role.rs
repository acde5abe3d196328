//! Roles and where they apply. A role is held either for the whole deployment (system
//! administrator), for one association, or for one member organisation of an association.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    SystemAdmin,
    AssociationAdmin,
    Director,
    CaseOfficer,
    BoardMember,
    Auditor,
    InterventionLead,
    Signatory,
    CaseWorker,
}

/// What a role is held for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    System,
    Association,
    Member,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::SystemAdmin,
        Role::AssociationAdmin,
        Role::Director,
        Role::CaseOfficer,
        Role::BoardMember,
        Role::Auditor,
        Role::InterventionLead,
        Role::Signatory,
        Role::CaseWorker,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::SystemAdmin => "system_admin",
            Role::AssociationAdmin => "association_admin",
            Role::Director => "director",
            Role::CaseOfficer => "case_officer",
            Role::BoardMember => "board_member",
            Role::Auditor => "auditor",
            Role::InterventionLead => "intervention_lead",
            Role::Signatory => "signatory",
            Role::CaseWorker => "case_worker",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The Swedish title shown in the interface.
    pub fn label(self) -> &'static str {
        match self {
            Role::SystemAdmin => "Systemadministratör",
            Role::AssociationAdmin => "Förbundsadministratör",
            Role::Director => "Förbundschef",
            Role::CaseOfficer => "Handläggare",
            Role::BoardMember => "Styrelseledamot",
            Role::Auditor => "Revisor",
            Role::InterventionLead => "Insatsansvarig",
            Role::Signatory => "Firmatecknare",
            Role::CaseWorker => "Deltagaransvarig",
        }
    }

    pub fn scope(self) -> Scope {
        match self {
            Role::SystemAdmin => Scope::System,
            Role::AssociationAdmin | Role::Director | Role::CaseOfficer | Role::BoardMember | Role::Auditor => {
                Scope::Association
            }
            Role::InterventionLead | Role::Signatory | Role::CaseWorker => Scope::Member,
        }
    }

    /// Roles that administer an association's members and users.
    pub fn administers(self) -> bool {
        matches!(self, Role::SystemAdmin | Role::AssociationAdmin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_scopes_are_as_the_domain_says() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.code()), Some(role));
        }
        assert_eq!(Role::CaseWorker.scope(), Scope::Member);
        assert_eq!(Role::BoardMember.scope(), Scope::Association);
        assert_eq!(Role::SystemAdmin.scope(), Scope::System);
        assert!(Role::AssociationAdmin.administers());
        assert!(!Role::Director.administers());
    }
}
