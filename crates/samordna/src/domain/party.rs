//! The four kinds of party under the Finsam law. Several kommuner count as one party.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PartyKind {
    Fk,
    Af,
    Region,
    Kommun,
}

impl PartyKind {
    pub const ALL: [PartyKind; 4] = [PartyKind::Fk, PartyKind::Af, PartyKind::Region, PartyKind::Kommun];

    pub fn code(self) -> &'static str {
        match self {
            PartyKind::Fk => "fk",
            PartyKind::Af => "af",
            PartyKind::Region => "region",
            PartyKind::Kommun => "kommun",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The Swedish name shown in the interface.
    pub fn label(self) -> &'static str {
        match self {
            PartyKind::Fk => "Försäkringskassan",
            PartyKind::Af => "Arbetsförmedlingen",
            PartyKind::Region => "Region",
            PartyKind::Kommun => "Kommun",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for kind in PartyKind::ALL {
            assert_eq!(PartyKind::parse(kind.code()), Some(kind));
        }
        assert_eq!(PartyKind::parse("Kommun"), None);
    }
}
