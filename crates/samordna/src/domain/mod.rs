//! The domain: types, rules and calculations, free of I/O so they can be tested alone.

pub mod application;
pub mod attachment;
pub mod audit;
pub mod collation;
pub mod economy;
pub mod email;
pub mod follow_up;
pub mod meeting;
pub mod money;
pub mod org_number;
pub mod participant;
pub mod party;
pub mod password;
pub mod proposal;
pub mod report;
pub mod rich_text;
pub mod role;
pub mod time;
